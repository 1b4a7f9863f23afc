//! A page's summary (the HTML before `<!-- more -->`, wherever the marker
//! stands) closes every element it opens, as an HTML5 tokenizer (html5ever)
//! reads it; and a page without raw HTML is well-formed: every end tag
//! closes the element opened last, and none is left open.
#![no_main]

use std::cell::RefCell;

use explainer::markdown::{self, KeepLinks};
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use libfuzzer_sys::fuzz_target;

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

/// The elements open at each point, as the tokenizer reads the tags, and
/// the end tags that did not close the element opened last.
#[derive(Default)]
struct Open(RefCell<Vec<String>>, RefCell<Vec<String>>);

impl TokenSink for Open {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token {
            let name = tag.name.to_string();
            let mut open = self.0.borrow_mut();
            match tag.kind {
                // `/>` ends no element but a void one (HTML ignores it).
                TagKind::StartTag if !VOID.contains(&name.as_str()) => {
                    open.push(name.clone());
                    match name.as_str() {
                        "script" => {
                            return TokenSinkResult::RawData(
                                html5ever::tokenizer::states::RawKind::ScriptData,
                            )
                        }
                        "style" => {
                            return TokenSinkResult::RawData(html5ever::tokenizer::states::RawKind::Rawtext)
                        }
                        _ => {}
                    }
                }
                TagKind::StartTag => {}
                TagKind::EndTag => {
                    if open.last() != Some(&name) {
                        self.1.borrow_mut().push(name.clone());
                    }
                    if let Some(at) = open.iter().rposition(|o| *o == name) {
                        open.truncate(at);
                    }
                }
            }
        }
        TokenSinkResult::Continue
    }
}

/// The elements `html` leaves open, and its end tags out of order.
fn tags(html: &str) -> (Vec<String>, Vec<String>) {
    let tokenizer = Tokenizer::new(Open::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let Open(open, misplaced) = tokenizer.sink;
    (open.into_inner(), misplaced.into_inner())
}

/// The built-in theme's markup, made once.
fn markup() -> &'static markdown::Markup {
    static MARKUP: std::sync::OnceLock<markdown::Markup> = std::sync::OnceLock::new();
    MARKUP.get_or_init(explainer::render::built_in_markup)
}

fuzz_target!(|data: &[u8]| {
    let Some((&at, rest)) = data.split_first() else {
        return;
    };
    // As the build reads a file: without the characters no input may hold.
    let text = explainer::input::without_forbidden(&String::from_utf8_lossy(rest));
    let mut cut = usize::from(at) * text.len() / 256;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let source = format!("{}<!-- more -->{}", &text[..cut], &text[cut..]);
    let rendered = markdown::render(&source, markup(), &mut KeepLinks, None);
    if !text.contains('<') {
        let (open, misplaced) = tags(&rendered.html);
        assert!(
            open.is_empty() && misplaced.is_empty(),
            "{source:?}\npage: {}\nstill open: {open:?}\nend tags out of order: {misplaced:?}",
            rendered.html
        );
    }
    let Some(summary) = rendered.summary else { return };
    let (open, _) = tags(&summary);
    assert!(
        open.is_empty(),
        "{source:?}\nsummary: {summary}\nstill open: {open:?}"
    );
});
