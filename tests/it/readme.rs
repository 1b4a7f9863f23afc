//! The README's guide, followed to the letter: every code block in it that
//! names a file in its info string (```` ```toml file=content/site.toml ````)
//! is written to a new site, which must build, and its pages must hold what
//! the guide says they hold.

use std::path::Path;

use crate::harness::Site;

/// `(path, contents)` of every file the README's guide spells out.
fn guide_files() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut files = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        if let Some(path) = info
            .split_whitespace()
            .find_map(|word| word.strip_prefix("file="))
        {
            files.push((path.to_string(), block.join("\n") + "\n"));
        }
    }
    files
}

#[test]
fn a_site_written_from_the_readme_guide_builds() {
    let files = guide_files();
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for needed in [
        "content/site.toml",
        "content/_index.md",
        "templates/base.html",
        "templates/page.html",
    ] {
        assert!(
            paths.contains(&needed),
            "the README's guide has no {needed}: {paths:?}"
        );
    }
    let site = Site::empty();
    for (path, contents) in &files {
        site.write(path, contents);
    }
    site.build();
    let home = site.read("public/index.html");
    let page = site.read("public/tariffs/index.html");
    assert!(home.contains("<a href=\"tariffs/index.html\">"), "{home}");
    assert!(page.contains("<h2 id=\"what-changed\">"), "{page}");
    assert!(page.contains("href=\"../style.css\""), "{page}");
    assert!(
        page.contains("<time datetime=\"2025-05\">May 2025</time>"),
        "{page}"
    );
}
