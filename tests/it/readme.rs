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
    assert!(
        page.contains(
            "<h2 id=\"what-changed\">What changed? <a class=\"heading-anchor\" href=\"#what-changed\" aria-label=\"Link to this section\">#</a></h2>"
        ),
        "{page}"
    );
    assert!(page.contains("href=\"../style.css\""), "{page}");
    assert!(
        page.contains("<aside class=\"note note--info\"><strong>In short:</strong> <p>The steps came first, the pause after.</p>"),
        "{page}"
    );
    assert!(
        page.contains("<time datetime=\"2025-05\">May 2025</time>"),
        "{page}"
    );
}

#[test]
fn the_readme_start_guide_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("## Start your own explainer")
        .expect("the start guide");
    let end = start + readme[start..].find("\n## ").unwrap_or(readme.len() - start);
    let mut commands = Vec::new();
    let mut lines = readme[start..end].lines();
    while let Some(line) = lines.next() {
        if line == "```sh" {
            commands.extend(lines.by_ref().take_while(|l| !l.starts_with("```")));
        }
    }
    let site = Site::empty();
    let mut dir = site.root.clone();
    let mut ran = Vec::new();
    for command in commands {
        let words = shell_words(command);
        match words.first().map(String::as_str) {
            // Installing is what CI's `.ci/run` does; the tests use the built binary.
            Some("cargo") => assert_eq!(words, ["cargo", "install", "--path", "."]),
            Some("cd") => dir = dir.join(&words[1]),
            Some("explainer") if words[1] == "serve" => {
                // --open would start a browser: the server alone here.
                let server = crate::harness::Background::spawn_in(&dir, &["serve", "--port", "0"]);
                server.wait_for_line("serving the site at http://");
                // "Change any file under content/ and the browser shows the change on save."
                let page = dir.join("content/anatomy.md");
                let text = std::fs::read_to_string(&page).unwrap();
                std::fs::write(&page, text + "\nThe tides follow the Moon.\n").unwrap();
                let built = dir.join("public/anatomy/index.html");
                assert!(
                    crate::harness::wait_until(std::time::Duration::from_secs(10), || {
                        std::fs::read_to_string(&built)
                            .is_ok_and(|html| html.contains("The tides follow the Moon."))
                    }),
                    "the edit shows: {:?}",
                    server.output()
                );
                server.interrupt();
                ran.push("serve".to_string());
            }
            Some("explainer") => {
                let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
                crate::harness::run_in(&dir, &args).success();
                ran.push(words[1].clone());
            }
            _ => panic!("a command the guide should not have: {command}"),
        }
    }
    assert_eq!(ran, ["--version", "new", "serve", "build"]);
    let home = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(home.contains("<title>Why the tides turn</title>"), "{home}");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.org/tides/\">"));
}

/// Splits a command line at spaces, keeping "double-quoted" words whole.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
