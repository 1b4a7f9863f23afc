//! The bad-input corpus: every folder under `tests/fixtures/bad-input/` is
//! one broken site, laid over the base fixture after a good build of it.
//!
//! A case folder holds:
//! - `site/`: files written over the base site (may include symlinks);
//! - `remove` (optional): paths to delete from the base site, one per line;
//! - `fifos` (optional): paths to make named pipes at, one per line (git
//!   cannot hold them), after `remove`;
//! - `args` (optional): the command line, `build` when absent;
//! - `exit` (optional): the expected exit code, 1 when absent;
//! - `expected`: the exact stderr.
//!
//! Each run must give that exit code and message within the time limit,
//! without a panic, with the previous `public/` unchanged and no temporary
//! folder left behind. `UPDATE_EXPECTED=1 cargo test` rewrites `expected`.

use std::path::Path;

use crate::harness::{Site, copy_tree, fixtures};

#[test]
fn every_bad_input_case_gives_its_exact_error() {
    let cases_dir = fixtures().join("bad-input");
    let mut cases: Vec<_> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| run_case(case, update).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Every file of the site and beside it, but the output folder's.
fn outside_public(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    crate::harness::tree(&site.outside())
        .into_iter()
        .filter(|(path, _)| !path.starts_with("site/public/"))
        .collect()
}

fn read_optional(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn run_case(case: &Path, update: bool) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let site = Site::base();
    site.build();
    let before = site.tree("public");

    if case.join("site").is_dir() {
        copy_tree(&case.join("site"), &site.root);
    }
    for path in read_optional(&case.join("remove")).unwrap_or_default().lines() {
        if !path.trim().is_empty() {
            site.remove(path.trim());
        }
    }
    for path in read_optional(&case.join("fifos")).unwrap_or_default().lines() {
        if !path.trim().is_empty() {
            crate::harness::make_fifo(&site.root.join(path.trim()));
        }
    }
    let args_line = read_optional(&case.join("args")).unwrap_or_else(|| "build".to_string());
    let args: Vec<&str> = args_line.split_whitespace().collect();
    let exit: i32 = read_optional(&case.join("exit")).map_or(1, |s| s.trim().parse().unwrap());
    let outside_before = outside_public(&site);
    let run = site.run(&args);

    let mut problems = Vec::new();
    if run.timed_out {
        problems.push("took too long".to_string());
    }
    if run.code != Some(exit) {
        problems.push(format!("exit code {:?}, expected {exit}", run.code));
    }
    if run.stderr.contains("panicked") {
        problems.push("panicked".to_string());
    }
    let expected_path = case.join("expected");
    if update {
        std::fs::write(&expected_path, &run.stderr).unwrap();
    }
    let expected = read_optional(&expected_path).unwrap_or_default();
    if run.stderr != expected {
        problems.push(format!(
            "stderr differs from {}:\n--- expected ---\n{expected}--- got ---\n{}",
            expected_path.display(),
            run.stderr
        ));
    }
    if site.tree("public") != before {
        problems.push("public/ changed".to_string());
    }
    if outside_public(&site) != outside_before {
        problems.push("files outside public/ changed".to_string());
    }
    let leftovers: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("temporary folders left: {leftovers:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "case {name}: {}\n{}",
            problems.join("; "),
            run.describe()
        ))
    }
}
