//! The whole pipeline on one page: the fuzzed text is the only page of a
//! small site, built in memory (front matter, Markdown, links, shortcodes,
//! components, templates); any text gives a page or errors, never a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use explainer::build::{LintLevel, Options, Retention, Session};
use explainer::change::Change;
use libfuzzer_sys::fuzz_target;

/// One site folder for the whole run, on tmpfs when there is one.
fn site() -> &'static Mutex<(tempfile::TempDir, Session)> {
    static SITE: OnceLock<Mutex<(tempfile::TempDir, Session)>> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            tempfile::tempdir_in("/dev/shm")
        } else {
            tempfile::tempdir()
        }
        .expect("a temporary folder");
        let root = dir.path().to_path_buf();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "content/site.toml",
            "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\n",
        );
        write(
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n[page](@/page.md)\n",
        );
        write(
            "content/glossary.toml",
            "[[terms]]\nterm = \"tariff\"\ndefinition = \"A tax.\"\n",
        );
        write("templates/index.html", "{{ section.content | safe }}");
        write(
            "templates/page.html",
            "<h1>{{ page.title }}</h1>{{ page.content | safe }}{% for h in page.toc %}{{ h.id }}{% endfor %}",
        );
        write(
            "templates/glossary.html",
            "{% for t in glossary %}<dt id=\"{{ t.id }}\">{{ t.term }}</dt>{% endfor %}",
        );
        write(
            "templates/shortcodes/figure.html",
            "<b>{{ value | default(value='') }}</b>",
        );
        write(
            "templates/shortcodes/quote.html",
            "<blockquote>{{ body | safe }}</blockquote>",
        );
        write(
            "templates/parts.html",
            "{% component note(text: string, level: integer = 1) %}<aside>{{ level }} {{ text }}</aside>{% endcomponent note %}",
        );
        let options = Options {
            root: root.clone(),
            output: Some(root.join("public")),
            base_url: None,
            drafts: false,
            lint: LintLevel::Warn,
            force: false,
        };
        Mutex::new((dir, Session::new(options, Retention::Keep)))
    })
}

fuzz_target!(|text: &[u8]| {
    let mut site = site().lock().unwrap();
    let root = explainer::paths::real_path(site.0.path());
    let page: PathBuf = root.join("content/page.md");
    std::fs::write(&page, text).unwrap();
    // The session keeps the theme and the other pages between runs, as
    // watch does; the fuzzed page is read anew each time.
    let changed: Vec<Change> = Change::of(&root, &root.join("public"), page)
        .into_iter()
        .collect();
    let session = &mut site.1;
    session.forget_outputs();
    if let Err(errors) = session.render_changed(&changed) {
        assert!(!errors.is_empty());
        let _ = errors.to_string();
    }
});
