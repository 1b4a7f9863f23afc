//! Writes a synthetic site for benchmarks, the same content for explainer,
//! Hugo and Zola:
//!
//! ```text
//! cargo run --release --example corpus -- N DIR
//! ```
//!
//! gives `DIR/explainer`, `DIR/hugo` and `DIR/zola`, each a complete site
//! with the same `content/` (N pages of 3–5 KB of Markdown over 8 sections,
//! TOML front matter) and minimal templates doing the same work in each
//! tool: a base layout, a page, a section list and a home page. The text is
//! made from a fixed seed, so the same N always gives the same files.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SECTIONS: usize = 8;

const WORDS: &[&str] = &[
    "tariff",
    "export",
    "magnet",
    "supply",
    "trade",
    "talks",
    "deal",
    "market",
    "price",
    "factory",
    "mineral",
    "policy",
    "council",
    "minister",
    "delegation",
    "agreement",
    "deadline",
    "baseline",
    "shipment",
    "license",
    "industry",
    "investor",
    "economy",
    "question",
    "answer",
    "reader",
    "summary",
    "figure",
    "report",
    "source",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "on",
    "for",
    "with",
    "that",
    "is",
    "was",
    "were",
    "has",
    "have",
    "by",
    "from",
    "over",
    "under",
    "after",
    "before",
    "while",
    "since",
    "which",
    "what",
    "who",
    "when",
    "where",
];

fn sentence(rng: &mut ChaCha8Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        let word = *WORDS.choose(rng).expect("words");
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            match rng.random_range(0..30) {
                0 => write!(text, "*{word}*").unwrap(),
                1 => write!(text, "**{word}**").unwrap(),
                2 => write!(text, "`{word}_{}`", rng.random_range(0..100)).unwrap(),
                3 => write!(text, "[{word}](https://example.org/{word})").unwrap(),
                _ => text.push_str(word),
            }
        }
    }
    text.push('.');
    text
}

fn paragraph(rng: &mut ChaCha8Rng) -> String {
    let count = rng.random_range(3..6);
    (0..count)
        .map(|_| {
            let words = rng.random_range(8..18);
            sentence(rng, words)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One page of 3–5 KB: headings, lists, a table, a quote, code, a footnote.
fn page(rng: &mut ChaCha8Rng, index: usize) -> String {
    let mut body = String::new();
    let target = rng.random_range(3000..5000);
    let mut heading = 0;
    while body.len() < target {
        heading += 1;
        writeln!(body, "## {} {heading}\n", sentence(rng, 3).trim_end_matches('.')).unwrap();
        writeln!(body, "{}\n", paragraph(rng)).unwrap();
        match heading % 5 {
            1 => {
                for _ in 0..rng.random_range(3..6) {
                    writeln!(body, "- {}", sentence(rng, 6)).unwrap();
                }
                body.push('\n');
            }
            2 => {
                body.push_str("| Item | Value | Note |\n|---|---:|---|\n");
                for row in 0..4 {
                    writeln!(
                        body,
                        "| {} | {} | {} |",
                        WORDS[(index + row) % WORDS.len()],
                        rng.random_range(1..1000),
                        sentence(rng, 3)
                    )
                    .unwrap();
                }
                body.push('\n');
            }
            3 => writeln!(body, "> {}\n", paragraph(rng)).unwrap(),
            4 => {
                writeln!(body, "### {}\n", sentence(rng, 2).trim_end_matches('.')).unwrap();
                writeln!(
                    body,
                    "```rust\nfn value_{index}() -> u32 {{\n    {}\n}}\n```\n",
                    rng.random_range(1..100)
                )
                .unwrap();
            }
            _ => writeln!(
                body,
                "{}[^{heading}]\n\n[^{heading}]: {}\n",
                sentence(rng, 8),
                sentence(rng, 6)
            )
            .unwrap(),
        }
    }
    body
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create a folder");
    }
    fs::write(path, text).expect("write a file");
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(count), Some(dir)) = (args.get(1).and_then(|n| n.parse::<usize>().ok()), args.get(2)) else {
        eprintln!("usage: cargo run --release --example corpus -- N DIR");
        std::process::exit(2);
    };
    write_corpus(count, Path::new(dir));
    println!(
        "wrote {count} pages in {SECTIONS} sections for explainer, Hugo and Zola under {}",
        dir
    );
}

/// Writes the three sites of `count` pages under `dir` (also used by the
/// stage benchmarks in `benches/stages.rs`).
pub fn write_corpus(count: usize, dir: &Path) {
    let mut rng = ChaCha8Rng::seed_from_u64(2025);
    let content = dir.join("explainer/content");
    if content.exists() {
        fs::remove_dir_all(dir).expect("clear the folder");
    }

    // No share cards: Hugo and Zola draw none, and the comparison is of the
    // same work (the README gives what cards cost on their own).
    write(
        &content.join("site.toml"),
        "title = \"Benchmark corpus\"\nbase_url = \"https://example.org/\"\nshare_cards = false\n",
    );
    write(
        &content.join("_index.md"),
        "+++\ntitle = \"Benchmark corpus\"\n+++\nA synthetic site.\n",
    );
    for section in 1..=SECTIONS {
        write(
            &content.join(format!("s{section}/_index.md")),
            &format!(
                "+++\ntitle = \"Section {section}\"\nweight = {section}\n+++\nPages of section {section}.\n"
            ),
        );
    }
    for i in 0..count {
        let section = i % SECTIONS + 1;
        let day = i % 28 + 1;
        let month = (i / 28) % 12 + 1;
        let year = 2000 + i / (28 * 12);
        let title = sentence(&mut rng, 4)
            .trim_end_matches('.')
            .replace(['`', '*'], "");
        let title: String = title
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | '(' | ')'))
            .collect();
        let text = format!(
            "+++\ntitle = \"{title} {i}\"\ndate = {year:04}-{month:02}-{day:02}\ndescription = \"Page {i} of the benchmark corpus.\"\nweight = {i}\n+++\n{}",
            page(&mut rng, i)
        );
        write(&content.join(format!("s{section}/page-{i:05}.md")), &text);
    }

    // explainer
    let ours = dir.join("explainer/templates");
    write(
        &ours.join("base.html"),
        "<!doctype html>\n<html lang=\"{{ config.language }}\">\n<head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head>\n<body>\n<nav><a href=\"{{ get_url(path='') }}\">{{ config.title }}</a></nav>\n<main>{% block main %}{% endblock main %}</main>\n</body>\n</html>\n",
    );
    write(
        &ours.join("page.html"),
        "{% extends \"base.html\" %}\n{% block title %}{{ page.title }}{% endblock title %}\n{% block main %}<article><h1>{{ page.title }}</h1>\n<p>{{ page.date }}</p>\n{{ page.content | safe }}</article>{% endblock main %}\n",
    );
    write(
        &ours.join("section.html"),
        "{% extends \"base.html\" %}\n{% block title %}{{ section.title }}{% endblock title %}\n{% block main %}<h1>{{ section.title }}</h1>\n<ul>{% for p in section.pages %}<li><a href=\"{{ get_url(path=p.path) }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}\n",
    );
    write(
        &ours.join("index.html"),
        "{% extends \"base.html\" %}\n{% block main %}<h1>{{ section.title }}</h1>\n<ul>{% for s in section.subsections %}<li><a href=\"{{ get_url(path=s.path) }}\">{{ s.title }}</a></li>{% endfor %}</ul>{% endblock main %}\n",
    );

    // Zola: the same templates, with its own names for the URL function.
    let zola = dir.join("zola");
    copy_tree(&content, &zola.join("content"));
    fs::remove_file(zola.join("content/site.toml")).ok();
    write(
        &zola.join("config.toml"),
        "base_url = \"https://example.org/\"\ntitle = \"Benchmark corpus\"\ncompile_sass = false\nbuild_search_index = false\n\n[markdown]\nhighlight_code = false\n",
    );
    write(
        &zola.join("templates/base.html"),
        "<!doctype html>\n<html lang=\"{{ lang }}\">\n<head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head>\n<body>\n<nav><a href=\"{{ get_url(path='@/_index.md') }}\">{{ config.title }}</a></nav>\n<main>{% block main %}{% endblock main %}</main>\n</body>\n</html>\n",
    );
    write(
        &zola.join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block title %}{{ page.title }}{% endblock title %}\n{% block main %}<article><h1>{{ page.title }}</h1>\n<p>{{ page.date }}</p>\n{{ page.content | safe }}</article>{% endblock main %}\n",
    );
    write(
        &zola.join("templates/section.html"),
        "{% extends \"base.html\" %}\n{% block title %}{{ section.title }}{% endblock title %}\n{% block main %}<h1>{{ section.title }}</h1>\n<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}\n",
    );
    write(
        &zola.join("templates/index.html"),
        "{% extends \"base.html\" %}\n{% block main %}<h1>{{ section.title }}</h1>\n<ul>{% for s in section.subsections %}{% set sub = get_section(path=s) %}<li><a href=\"{{ sub.permalink }}\">{{ sub.title }}</a></li>{% endfor %}</ul>{% endblock main %}\n",
    );

    // Hugo: Go templates doing the same.
    let hugo = dir.join("hugo");
    copy_tree(&content, &hugo.join("content"));
    fs::remove_file(hugo.join("content/site.toml")).ok();
    write(
        &hugo.join("hugo.toml"),
        "baseURL = \"https://example.org/\"\ntitle = \"Benchmark corpus\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n\n[markup.highlight]\ncodeFences = false\n",
    );
    write(
        &hugo.join("layouts/_default/baseof.html"),
        "<!doctype html>\n<html lang=\"{{ .Site.Language.Lang }}\">\n<head><meta charset=\"utf-8\"><title>{{ block \"title\" . }}{{ .Site.Title }}{{ end }}</title></head>\n<body>\n<nav><a href=\"{{ .Site.Home.RelPermalink }}\">{{ .Site.Title }}</a></nav>\n<main>{{ block \"main\" . }}{{ end }}</main>\n</body>\n</html>\n",
    );
    write(
        &hugo.join("layouts/_default/single.html"),
        "{{ define \"title\" }}{{ .Title }}{{ end }}\n{{ define \"main\" }}<article><h1>{{ .Title }}</h1>\n<p>{{ .Date.Format \"2006-01-02\" }}</p>\n{{ .Content }}</article>{{ end }}\n",
    );
    write(
        &hugo.join("layouts/_default/list.html"),
        "{{ define \"title\" }}{{ .Title }}{{ end }}\n{{ define \"main\" }}<h1>{{ .Title }}</h1>\n<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
    write(
        &hugo.join("layouts/index.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n<ul>{{ range .Sections }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk the corpus");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("create a folder");
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}
