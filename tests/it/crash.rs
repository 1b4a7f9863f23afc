//! Crash safety: a build killed at any moment leaves the output folder as
//! the complete old site or the complete new one, never a mix, and the next
//! build leaves no temporary folder behind.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};

use crate::harness::{BIN, tree};

#[path = "../../examples/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// A fingerprint of a whole folder: every path and every byte.
fn fingerprint(dir: &Path) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    let files: BTreeMap<String, Vec<u8>> = tree(dir);
    files.hash(&mut hasher);
    hasher.finish()
}

fn build(root: &Path) {
    let status = Command::new(BIN)
        .args(["build", "--quiet"])
        .current_dir(root)
        .status()
        .expect("run a build");
    assert!(status.success());
}

/// Kills 100 builds of a 1,000-page site at random moments. Slow in a debug
/// build: CI runs it with `cargo test --release -- --ignored`.
#[test]
#[ignore = "needs a release build; .ci/run runs it"]
fn killed_builds_leave_the_old_site_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    corpus::write_corpus(1000, dir.path());
    let root = dir.path().join("explainer");
    let settings = root.join("content/site.toml");
    // Without share cards, as the corpus has it: a build a few hundred
    // milliseconds long is killed a hundred times.
    let versions = [
        "title = \"Version A\"\nbase_url = \"https://example.org/\"\nshare_cards = false\n",
        "title = \"Version B\"\nbase_url = \"https://example.org/\"\nshare_cards = false\n",
    ];

    // The two complete sites, and how long a build takes.
    let mut expected = Vec::new();
    let mut longest = Duration::ZERO;
    for version in versions {
        std::fs::write(&settings, version).unwrap();
        let started = Instant::now();
        build(&root);
        longest = longest.max(started.elapsed());
        expected.push(fingerprint(&root.join("public")));
    }
    assert_ne!(expected[0], expected[1]);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut outcomes = [0usize; 2];
    for i in 0..100 {
        std::fs::write(&settings, versions[i % 2]).unwrap();
        let mut child = Command::new(BIN)
            .args(["build", "--quiet"])
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Anywhere from the start to a little after a build usually ends.
        let delay = rng.random_range(0..=longest.as_micros() as u64 * 5 / 4);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let _ = child.wait();
        let now = fingerprint(&root.join("public"));
        let which = expected.iter().position(|e| *e == now);
        assert!(
            which.is_some(),
            "after kill {i} ({delay} µs in), public/ is neither site"
        );
        outcomes[which.unwrap()] += 1;
    }
    // The next build cleans up what killed builds left beside the output.
    build(&root);
    let leftovers: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    eprintln!(
        "100 kills: {} left version A, {} version B",
        outcomes[0], outcomes[1]
    );
}
