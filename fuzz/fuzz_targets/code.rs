//! Text in a code span or a code block comes out as it was written (only
//! `&`, `<` and `>` escaped), whatever the engine's own syntax around it:
//! shortcode calls with and without bodies, escaped calls, calls in
//! comments, glossary terms, the summary marker, character references.
#![no_main]

use explainer::body::{self, CallFailure, ShortcodeTemplates};
use explainer::markdown::{Glossary, GlossaryTerm, KeepLinks, TermUse};
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

/// The engine's syntax, and Markdown around it.
const PIECES: [&str; 19] = [
    "{{ figure(value=\"1\") }}",
    "{% quote(speaker=\"A\") %}",
    "{% end %}",
    "{{ <figure value={4} /> }}",
    "{% <quote speaker=\"B\"> %}",
    "{% </quote> %}",
    "\\{{ figure(value=\"2\") }}",
    "{{/* figure() */}}",
    "<!-- more -->",
    "<!-- {{ figure(oops) }} -->",
    "## Cost {{ figure(value=\"3\") }}",
    "rare earths",
    "[a](b.md)",
    "*em* and **strong**",
    "\n\n",
    "&#12;&#xFDD1;0&#xFDD1;",
    "%EF%B7%90x",
    "> quoted",
    "- item",
];

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The built-in theme's markup, made once.
fn markup() -> &'static explainer::markdown::Markup {
    static MARKUP: std::sync::OnceLock<explainer::markdown::Markup> = std::sync::OnceLock::new();
    MARKUP.get_or_init(explainer::render::built_in_markup)
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (pieces, code) = text.split_once('|').unwrap_or((&text, "x"));
    // The code: no backtick or line break (so it is one code span), not
    // starting or ending with a space (which a code span strips), and no
    // character the input may not hold.
    let code: String = code
        .chars()
        .filter(|c| !matches!(c, '`' | '\n' | '\r') && !explainer::input::is_forbidden(*c))
        .collect();
    let code = code.trim();
    if code.is_empty() {
        return;
    }
    let around = |bytes: &[u8]| -> String {
        bytes
            .iter()
            .map(|&b| PIECES[usize::from(b) % PIECES.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (before, after) = pieces.as_bytes().split_at(pieces.len() / 2);
    let (before, after) = (around(before), around(after));
    let markdown = match shape % 2 {
        0 => format!("{before}\n\npara `{code}` text\n\n{after}\n"),
        _ => format!("{before}\n\n```\n{code}\n```\n\n{after}\n"),
    };
    let glossary = Glossary::new(
        vec![GlossaryTerm {
            id: "rare-earths".into(),
            forms: vec!["rare earths".into(), code.to_string()],
            definition: "Metals.".into(),
        }],
        "glossary.html".into(),
    );
    let mut terms = TermUse::new(&glossary);
    let (rendered, errors) = body::render(&markdown, markup(), &mut KeepLinks, Some(&Echo), Some(&mut terms), None);
    // A page with an error (shortcodes nested too deep) is not published.
    if !errors.is_empty() {
        return;
    }
    let expected = match shape % 2 {
        0 => format!("<code>{}</code>", escaped(code)),
        _ => format!("<code>{}\n</code>", escaped(code)),
    };
    assert!(
        rendered.html.contains(&expected),
        "{markdown:?}\n{}",
        rendered.html
    );
});
