//! Shortcode parsing and expansion: any text gives calls or syntax errors
//! at offsets inside it, and bodies render through a stand-in template.
#![no_main]

use explainer::body::{self, CallFailure, ShortcodeTemplates};
use explainer::markdown::KeepLinks;
use explainer::shortcodes;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

struct Echo;

impl ShortcodeTemplates for Echo {
    fn names(&self) -> Vec<String> {
        vec!["figure".into(), "quote".into()]
    }

    fn render(&self, name: &str, args: &Map<String, Value>, body: Option<&str>) -> Result<String, CallFailure> {
        Ok(format!(
            "<{name} data-args=\"{}\">{}</{name}>",
            args.len(),
            body.unwrap_or("")
        ))
    }
}

/// The built-in theme's markup, made once.
fn markup() -> &'static explainer::markdown::Markup {
    static MARKUP: std::sync::OnceLock<explainer::markdown::Markup> = std::sync::OnceLock::new();
    MARKUP.get_or_init(explainer::render::built_in_markup)
}

fuzz_target!(|text: &str| {
    let found = shortcodes::find(text, &[]);
    for call in &found.calls {
        assert!(call.span.end <= text.len() && text.is_char_boundary(call.span.start));
    }
    for literal in &found.literals {
        assert!(literal.span.end <= text.len() && text.is_char_boundary(literal.span.start));
    }
    for error in &found.errors {
        assert!(error.offset <= text.len());
    }
    let _ = body::render(text, markup(), &mut KeepLinks, Some(&Echo), None, None);
});
