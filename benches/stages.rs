//! Criterion benchmarks of the build's stages on a fixed 1,000-page corpus
//! (the one `examples/corpus.rs` writes), so a regression points at a stage:
//!
//! ```text
//! cargo bench --bench stages
//! ```
//!
//! - `front_matter`: splitting and reading the front matter of every page;
//! - `markdown`: rendering every page's Markdown;
//! - `render`: rendering every page and section through Tera (front matter
//!   and Markdown reused, as in a rebuild);
//! - `write`: writing the rendered site into a new output folder;
//! - `glossary (5,000 terms)`: loading and rendering a site whose glossary
//!   has 5,000 terms (its page lists them all; each page marks up the ones
//!   it uses), with the built-in theme.

#[path = "../examples/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use explainer::build::{LintLevel, Options, Retention, Session};
use explainer::content::front_matter::{self, Kind};
use explainer::markdown::{self, KeepLinks};

const PAGES: usize = 1000;

fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    corpus::write_corpus(PAGES, dir.path());
    let root = dir.path().join("explainer");
    (dir, root)
}

fn markdown_files(root: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            (
                e.path().to_path_buf(),
                std::fs::read_to_string(e.path()).expect("read"),
            )
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let (_dir, root) = corpus();
    let files = markdown_files(&root);
    let mut group = c.benchmark_group("stages (1,000 pages)");
    group.sample_size(10);

    group.bench_function("front_matter", |b| {
        b.iter(|| {
            for (path, text) in &files {
                let kind = if path.ends_with("_index.md") {
                    Kind::Section
                } else {
                    Kind::Page
                };
                front_matter::parse(path, text, kind).expect("valid front matter");
            }
        })
    });

    let bodies: Vec<&str> = files
        .iter()
        .map(|(path, text)| {
            let kind = if path.ends_with("_index.md") {
                Kind::Section
            } else {
                Kind::Page
            };
            let (_, start) = front_matter::parse(path, text, kind).expect("valid front matter");
            &text[start..]
        })
        .collect();
    let markup = explainer::render::built_in_markup();
    group.bench_function("markdown", |b| {
        b.iter(|| {
            for body in &bodies {
                markdown::render(body, &markup, &mut KeepLinks, None);
            }
        })
    });

    let options = Options {
        root: root.clone(),
        output: Some(root.join("public")),
        base_url: None,
        drafts: false,
        lint: LintLevel::Error,
        force: false,
    };
    let mut session = Session::new(options, Retention::Keep);
    let delta = session.render().expect("the corpus builds");
    group.bench_function("render", |b| {
        b.iter(|| {
            session.forget_outputs();
            session.render().expect("the corpus builds")
        })
    });

    let out = tempfile::tempdir().expect("a temporary folder");
    let public = out.path().join("public");
    group.bench_function("write", |b| {
        b.iter(|| explainer::output::write(&public, &delta.changed).expect("written"))
    });
    group.finish();
}

/// A site with a glossary of `terms` terms and a page that uses a few.
fn glossary_site(terms: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("content")).expect("a content folder");
    std::fs::write(root.join("content/site.toml"), "title = \"Terms\"\n").expect("written");
    let mut glossary = String::from("title = \"Glossary\"\n");
    for i in 0..terms {
        glossary.push_str(&format!(
            "[[terms]]\nterm = \"term {i} word\"\ndefinition = \"What term {i} means, in a sentence of some length.\"\n"
        ));
    }
    std::fs::write(root.join("content/glossary.toml"), glossary).expect("written");
    std::fs::write(
        root.join("content/page.md"),
        "+++\ntitle = \"A page\"\n+++\nIt uses term 1 word, term 2500 word and term 4999 word.\n",
    )
    .expect("written");
    (dir, root)
}

fn glossary(c: &mut Criterion) {
    let (_dir, root) = glossary_site(5000);
    let mut group = c.benchmark_group("glossary (5,000 terms)");
    group.sample_size(10);
    group.bench_function("load and render", |b| {
        b.iter(|| {
            let mut session = Session::new(
                Options {
                    root: root.clone(),
                    output: Some(root.join("public")),
                    base_url: None,
                    drafts: false,
                    lint: LintLevel::Error,
                    force: false,
                },
                Retention::Keep,
            );
            session.render().expect("the glossary site builds")
        })
    });
    group.finish();
}

criterion_group!(benches, stages, glossary);
criterion_main!(benches);
