//! The bundled explainer: `public/` in the repository is what a fresh
//! build of `content/` and `templates/` gives, byte for byte.

use std::path::Path;

use crate::harness::{run_in, tree};

#[test]
fn committed_public_matches_a_fresh_build() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    run_in(repo, &["build", "--output", output.to_str().unwrap()]).success();
    let fresh = tree(&output);
    let committed = tree(&repo.join("public"));
    let differing: std::collections::BTreeSet<&String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|path| fresh.get(*path) != committed.get(*path))
        .collect();
    assert!(
        differing.is_empty(),
        "public/ is stale; run `cargo run --release -- build` and commit it. Differing files: {differing:?}"
    );
}
