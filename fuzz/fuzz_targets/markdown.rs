//! Markdown rendering with link rewriting: any text renders, links are
//! checked against a small site, spans stay inside the text.
#![no_main]

use explainer::links::PageLinks;
use explainer::markdown;
use explainer::urls::UrlIndex;
use libfuzzer_sys::fuzz_target;

/// The built-in theme's markup, made once.
fn markup() -> &'static markdown::Markup {
    static MARKUP: std::sync::OnceLock<markdown::Markup> = std::sync::OnceLock::new();
    MARKUP.get_or_init(explainer::render::built_in_markup)
}

fuzz_target!(|text: &str| {
    let mut index = UrlIndex::default();
    index.add_document("_index.md", "", true, 0);
    index.add_document("notes/_index.md", "notes/", true, 1);
    index.add_document("notes/a.md", "notes/a/", false, 0);
    index.add_file("notes/chart.svg", Some("notes/chart.svg"));
    let mut links = PageLinks::new(&index, "notes/a.md");
    let rendered = markdown::render(text, markup(), &mut links, None);
    let _ = explainer::urls::relativize(&rendered.html, "notes/a/index.html");
    for broken in &links.broken {
        assert!(broken.span.end <= text.len());
    }
    for lint in &rendered.lints {
        assert!(lint.span.start <= lint.span.end && lint.span.end <= text.len());
    }
});
