//! Measures how long `explainer watch` takes from a save to the new HTML on
//! disk:
//!
//! ```text
//! cargo build --release
//! cargo run --release --example watch_latency -- SITE_DIR content/PAGE.md [EDITS]
//! ```
//!
//! Copies SITE_DIR's `content/` and `templates/` to a temporary folder,
//! starts `target/release/explainer watch` there, then EDITS times (20 by
//! default): appends a new sentence to the page and times until the page's
//! output file holds it. Then the same for a template used by that page
//! only (a copy of `page.html`, given to the page through its front matter
//! before `watch` starts). Prints the median and the maximum of each.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the site");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// `content/a/b.md` is written to `public/a/b/index.html`.
fn output_of(source: &str) -> PathBuf {
    let page = source.trim_start_matches("content/").trim_end_matches(".md");
    Path::new("public").join(page).join("index.html")
}

/// Times `edits` changes made by `edit(i)` until `output` holds `marker(i)`.
fn measure(
    output: &Path,
    edits: usize,
    mut edit: impl FnMut(usize),
    marker: impl Fn(usize) -> String,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(edits);
    for i in 0..edits {
        let marker = marker(i);
        let started = Instant::now();
        edit(i);
        loop {
            if std::fs::read_to_string(output).is_ok_and(|html| html.contains(&marker)) {
                times.push(started.elapsed());
                break;
            }
            if started.elapsed() > Duration::from_secs(20) {
                panic!("edit {i} never reached {}", output.display());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        // Keep edits in separate bursts.
        std::thread::sleep(Duration::from_millis(150));
    }
    times
}

fn summary(name: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.1} ms, max {:.1} ms, min {:.1} ms over {} edits",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        ms(times[0]),
        times.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(site), Some(page)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: cargo run --release --example watch_latency -- SITE_DIR content/PAGE.md [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(20);
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/explainer");
    let work = tempfile::tempdir().expect("a temporary folder");
    let root = work.path();
    copy_tree(&Path::new(site).join("content"), &root.join("content"));
    copy_tree(&Path::new(site).join("templates"), &root.join("templates"));

    // A template only this page uses.
    let page_file = root.join(page);
    let text = std::fs::read_to_string(&page_file).expect("read the page");
    let base = text
        .lines()
        .find(|l| l.starts_with("template = "))
        .map_or("page.html".to_string(), |l| {
            l.trim_start_matches("template = ").trim_matches('"').to_string()
        });
    let own_template = root.join("templates/latency-bench.html");
    let template_text =
        std::fs::read_to_string(root.join("templates").join(&base)).expect("read the page's template");
    std::fs::write(&own_template, &template_text).expect("write the template");
    let text = text
        .lines()
        .filter(|l| !l.starts_with("template = "))
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.replacen("+++\n", "+++\ntemplate = \"latency-bench.html\"\n", 1) + "\n";
    std::fs::write(&page_file, &text).expect("write the page");

    let mut watch = Command::new(&binary)
        .args(["watch", "--quiet"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e} (run cargo build --release first)",
                binary.display()
            )
        });
    let output = root.join(output_of(page));
    let started = Instant::now();
    while !output.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the first build did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(500));

    let mut page_times = measure(
        &output,
        edits,
        |i| {
            let body = format!("{text}\nEdited sentence number {i}.\n");
            std::fs::write(&page_file, body).expect("save the page");
        },
        |i| format!("Edited sentence number {i}."),
    );
    let mut template_times = measure(
        &output,
        edits,
        |i| {
            // Inside the first block (a child template prints nothing else),
            // or before </body>.
            let at = template_text
                .find("endblock")
                .and_then(|end| template_text[..end].rfind("{%"))
                .or_else(|| template_text.find("</body>"))
                .unwrap_or(template_text.len());
            let mut changed = template_text.clone();
            changed.insert_str(at, &format!("<span>template edit {i}</span>"));
            std::fs::write(&own_template, changed).expect("save the template");
        },
        |i| format!("template edit {i}"),
    );
    let _ = watch.kill();
    let _ = watch.wait();
    println!("site: {site}, page: {page}");
    summary("edit a page, save to new HTML on disk", &mut page_times);
    summary("edit a template used by that page only", &mut template_times);
}
