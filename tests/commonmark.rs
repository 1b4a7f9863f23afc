//! The CommonMark specification's examples (version 0.31.2), each rendered
//! the way a page's body is (shortcodes, glossary, heading ids, smart
//! punctuation, lint), compared with the HTML the specification expects
//! after the normalisation the README describes (Markdown, "How explainer
//! differs from CommonMark"). Every difference left is one of the
//! extensions listed there, by example number, in
//! `tests/commonmark-differences.txt`; a difference not listed, or one
//! listed that no longer happens, fails the test.
//!
//! The examples come from the npm package `commonmark-spec@0.31.2`, which
//! is not copied into this repository. `.ci/run` installs it and sets
//! `COMMONMARK_SPEC` to its `spec.txt`; without it the test says how to
//! get it, and fails if `EXPLAINER_REQUIRE_SPEC` is set (as in CI).

use std::collections::BTreeMap;
use std::path::PathBuf;

use explainer::body;
use explainer::markdown::KeepLinks;

struct Example {
    number: usize,
    markdown: String,
    html: String,
}

fn spec_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("COMMONMARK_SPEC") {
        return Some(PathBuf::from(path));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/commonmark-spec/spec.txt"),
        home.join(".cache/explainer-ci/node_modules/commonmark-spec/spec.txt"),
    ]
    .into_iter()
    .find(|path| path.is_file())
}

/// The examples of `spec`, as the package's own test extraction finds
/// them; `→` in the specification stands for a tab.
fn examples(spec: &str) -> Vec<Example> {
    let fence = "`".repeat(32);
    let open = format!("{fence} example");
    let spec = spec.split("\n<!-- END TESTS -->").next().unwrap_or(spec);
    let mut examples = Vec::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line != open {
            continue;
        }
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for line in lines.by_ref() {
            match line {
                "." if !in_html => in_html = true,
                line if line == fence => break,
                line => {
                    let part = if in_html { &mut html } else { &mut markdown };
                    part.push_str(&line.replace('→', "\t"));
                    part.push('\n');
                }
            }
        }
        examples.push(Example {
            number: examples.len() + 1,
            markdown,
            html,
        });
    }
    examples
}

/// What the README's normalisation makes of `html`: headings without
/// their ids and self-links, smart punctuation written plain, `"` in text
/// the same as `&quot;`, and no line break after `<li>` (HTML gives
/// neither a meaning).
fn normalised(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        let level = rest[at + 2..].chars().next().filter(|c| ('1'..='6').contains(c));
        let Some(level) = level else {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        };
        out.push_str(&rest[..at]);
        let tag_end = at + rest[at..].find('>').map_or(0, |end| end + 1);
        let close = format!("</h{level}>");
        let Some(end) = rest[tag_end..].find(&close).map(|end| tag_end + end) else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let mut inner = &rest[tag_end..end];
        if let Some(linked) = inner
            .strip_prefix("<a class=\"heading-link\" href=\"#")
            .and_then(|r| r.split_once("\">"))
            .and_then(|(_, r)| r.strip_suffix("</a>"))
        {
            inner = linked;
        } else if let Some(at) = inner.rfind(" <a class=\"heading-anchor\"") {
            inner = &inner[..at];
        }
        // Attributes other than the id, written with `{.class}`.
        let attributes: String = rest[at + 3..tag_end - 1]
            .split(" id=\"")
            .next()
            .unwrap_or("")
            .to_string();
        out.push_str(&format!("<h{level}{attributes}>{inner}{close}"));
        rest = &rest[end + close.len()..];
    }
    out.push_str(rest);
    out.replace(['“', '”'], "\"")
        .replace("&quot;", "\"")
        .replace(['‘', '’'], "'")
        .replace('—', "---")
        .replace('–', "--")
        .replace('…', "...")
        .replace("<li>\n", "<li>")
}

#[test]
fn commonmark_examples_render_as_the_specification_says() {
    let Some(file) = spec_file() else {
        let how = "the CommonMark examples are not installed: run \
                   `npm install --prefix ~/.cache/explainer-ci commonmark-spec@0.31.2` \
                   (or set COMMONMARK_SPEC to its spec.txt)";
        assert!(std::env::var_os("EXPLAINER_REQUIRE_SPEC").is_none(), "{how}");
        eprintln!("skipped: {how}");
        return;
    };
    let spec = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let examples = examples(&spec);
    assert_eq!(examples.len(), 652, "the examples of version 0.31.2");

    let listed: BTreeMap<usize, String> = include_str!("commonmark-differences.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (number, why) = line.split_once(' ').unwrap_or((line, ""));
            (
                number.parse().expect("a line starts with an example's number"),
                why.to_string(),
            )
        })
        .collect();

    let mut unexpected = Vec::new();
    let mut differing = Vec::new();
    let markup = explainer::render::built_in_markup();
    for example in &examples {
        let (rendered, _) = body::render(&example.markdown, &markup, &mut KeepLinks, None, None, None);
        let (got, expected) = (normalised(&rendered.html), normalised(&example.html));
        if got == expected {
            continue;
        }
        differing.push(example.number);
        if !listed.contains_key(&example.number) {
            unexpected.push(format!(
                "example {}:\n--- markdown ---\n{}--- expected ---\n{}--- got ---\n{}",
                example.number, example.markdown, expected, got
            ));
        }
    }
    // And through a whole build, as pages of a site, the examples without
    // links (whose addresses a build checks against the site's files, and
    // these name none that exist).
    let site = tempfile::tempdir().unwrap();
    let root = site.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("content/site.toml"), "title = \"CommonMark\"\n").unwrap();
    std::fs::write(root.join("templates/page.html"), "{{ page.content | safe }}").unwrap();
    let without_links: Vec<&Example> = examples.iter().filter(|e| !e.markdown.contains('[')).collect();
    for example in &without_links {
        let page = format!(
            "+++\ntitle = \"Example {}\"\n+++\n{}",
            example.number, example.markdown
        );
        std::fs::write(root.join(format!("content/e{}.md", example.number)), page).unwrap();
    }
    let output = site.path().join("public");
    let options = explainer::build::Options {
        root: root.clone(),
        output: Some(output.clone()),
        base_url: None,
        drafts: false,
        lint: explainer::build::LintLevel::Warn,
        force: false,
    };
    explainer::build::build(&options).unwrap_or_else(|errors| panic!("{errors}"));
    for example in &without_links {
        let html = std::fs::read_to_string(output.join(format!("e{}/index.html", example.number))).unwrap();
        if normalised(&html) != normalised(&example.html) && !differing.contains(&example.number) {
            differing.push(example.number);
            if !listed.contains_key(&example.number) {
                unexpected.push(format!("example {} (built as a page): {html}", example.number));
            }
        }
    }
    assert!(
        without_links.len() > 300,
        "{} examples built as pages",
        without_links.len()
    );

    let no_longer: Vec<&usize> = listed.keys().filter(|n| !differing.contains(n)).collect();
    assert!(
        unexpected.is_empty() && no_longer.is_empty(),
        "{} of {} examples differ; not listed as intended: {}\nlisted but no longer different: {no_longer:?}\n\n{}",
        differing.len(),
        examples.len(),
        unexpected.len(),
        unexpected.join("\n\n")
    );
}
