//! A storm of saves while `watch` runs: 1,000 random edits, creates,
//! deletes and renames in about 10 seconds, in every way editors save.
//! `watch` must live through it without its memory or open files growing
//! without bound, and its output must equal a clean build within 2 seconds
//! of the last save.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::harness::{Site, tree, wait_until};

/// Resident memory (KiB) and open files of a process.
fn usage(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let files = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
    (rss, files)
}

fn page_text(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}\n")
}

/// Saves `text` to `path` the way one of the editors does.
fn save(path: &Path, text: &str, style: usize) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let beside = |suffix: &str| path.with_file_name(format!("{name}{suffix}"));
    match style {
        0 => std::fs::write(path, text).unwrap(),
        1 => {
            let temporary = path.with_file_name(format!(".{name}.tmp.77"));
            std::fs::write(&temporary, text).unwrap();
            std::fs::rename(&temporary, path).unwrap();
        }
        2 => {
            let _ = std::fs::rename(path, beside("~"));
            std::fs::write(path, text).unwrap();
            let _ = std::fs::remove_file(beside("~"));
        }
        3 => {
            std::fs::write(beside("___jb_tmp___"), text).unwrap();
            let _ = std::fs::rename(path, beside("___jb_old___"));
            std::fs::rename(beside("___jb_tmp___"), path).unwrap();
            let _ = std::fs::remove_file(beside("___jb_old___"));
        }
        _ => {
            let _ = std::fs::remove_file(path);
            std::fs::write(path, text).unwrap();
        }
    }
}

#[test]
fn watch_lives_through_a_storm_of_saves() {
    let site = Site::base();
    let notes = site.root.join("content/notes");
    for i in 0..5 {
        site.write(
            &format!("content/notes/n{i}.md"),
            page_text(&format!("Note {i}"), "Start."),
        );
    }
    let watch = site.spawn(&["watch", "--quiet"]);
    let pid = watch.pid();
    assert!(
        wait_until(Duration::from_secs(30), || site
            .exists("public/notes/n4/index.html")),
        "first build: {}",
        watch.output().join("\n")
    );
    std::thread::sleep(Duration::from_millis(300));
    let (rss_start, files_start) = usage(pid);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2025);
    let words = ["tariff", "export", "magnet", "talks", "deal", "supply"];
    let started = Instant::now();
    let (mut rss_max, mut files_max) = (rss_start, files_start);
    for step in 0..1000 {
        let existing: Vec<PathBuf> = std::fs::read_dir(&notes)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
            .collect();
        let body: Vec<&str> = (0..rng.random_range(1..20))
            .map(|_| *words.choose(&mut rng).unwrap())
            .collect();
        let body = body.join(" ");
        match rng.random_range(0..10) {
            0..=5 if !existing.is_empty() => {
                let path = existing.choose(&mut rng).unwrap();
                let title = format!("Note {}", rng.random_range(0..100));
                save(path, &page_text(&title, &body), rng.random_range(0..5));
            }
            6 => {
                let path = notes.join(format!("n{}.md", rng.random_range(0..40)));
                save(&path, &page_text("New", &body), rng.random_range(0..5));
            }
            7 if existing.len() > 1 => {
                let _ = std::fs::remove_file(existing.choose(&mut rng).unwrap());
            }
            8 if !existing.is_empty() => {
                let from = existing.choose(&mut rng).unwrap();
                let to = notes.join(format!("n{}.md", rng.random_range(0..40)));
                if !to.exists() {
                    let _ = std::fs::rename(from, to);
                }
            }
            _ => {
                let template = format!(
                    "{{% extends \"base.html\" %}}{{% block body %}}<h1>{{{{ page.title }}}}</h1>{{{{ page.content | safe }}}}<p>{}</p>{{% endblock body %}}",
                    body
                );
                save(
                    &site.root.join("templates/page.html"),
                    &template,
                    rng.random_range(0..5),
                );
            }
        }
        if step % 50 == 0 {
            let (rss, files) = usage(pid);
            rss_max = rss_max.max(rss);
            files_max = files_max.max(files);
        }
        // 1,000 saves in about 10 seconds.
        let due = Duration::from_millis(10 * (step + 1));
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    let storm = started.elapsed();

    // Within 2 seconds of the last save, the output is what a clean build gives.
    site.run(&["build", "--output", "../clean"]).success();
    let clean = tree(&site.outside().join("clean"));
    // Read while watch may still be swapping a build in: a file gone
    // between the listing and the reading means "not yet".
    let converged = wait_until(Duration::from_secs(2), || {
        site.tree_now("public").is_some_and(|now| now == clean)
    });
    let (rss_end, files_end) = usage(pid);
    assert!(
        usage(pid).0 > 0,
        "watch is no longer running:\n{}",
        watch.output().join("\n")
    );
    assert!(
        converged,
        "the output did not match a clean build 2 s after the storm"
    );
    assert!(
        files_max <= files_start + 16,
        "open files grew from {files_start} to {files_max}"
    );
    assert!(
        rss_end <= rss_start * 3 + 64 * 1024,
        "memory grew from {rss_start} KiB to {rss_end} KiB (peak {rss_max})"
    );
    eprintln!(
        "storm: 1000 saves in {storm:?}; memory {rss_start} -> {rss_end} KiB (peak {rss_max}); open files {files_start} -> {files_end} (peak {files_max})"
    );
    let status = watch.interrupt();
    assert!(status.success());
}
