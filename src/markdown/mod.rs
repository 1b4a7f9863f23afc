//! Markdown to HTML with pulldown-cmark: CommonMark plus GFM tables,
//! strikethrough, task lists, footnotes, smart punctuation and heading
//! attributes. Gives back the HTML, the headings as a table of contents, the
//! ids the HTML defines, and a word count.
//!
//! Links are handed to a [`LinkRewriter`] one by one; this module does not
//! know which pages exist, nor anything about templates or files.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::path_map::{self, PathHasher, PathMap};

mod glossary;
mod image;
mod markup;
mod pass;
mod quotes;
mod raw_html;
mod state;
mod summary;
#[cfg(test)]
mod tests;

pub use glossary::{Glossary, GlossaryTerm, TermUse};
pub use image::FirstImage;
use image::*;
pub use markup::{Markup, Pattern, Slot, Stand};
use pass::*;
pub use quotes::{blockquote_paragraphs, paragraph_texts};
use raw_html::*;
pub use raw_html::{collect_html_ids, repeated_html_ids};
use state::*;
use summary::*;

/// A set of ids. A page has a few dozen, made and looked up while its
/// Markdown renders: the Fx hash is quicker than SipHash
/// on them.
pub type IdSet = HashSet<String, PathHasher>;

/// Decides what each link and image destination becomes.
pub trait LinkRewriter {
    /// `span` is the byte range of the link in the Markdown source. Returns
    /// the destination to write instead, or `None` to keep it as written.
    fn rewrite(&mut self, destination: &str, span: Range<usize>) -> Option<String>;

    /// The width and height of the image at `destination`, as written
    /// (`span` as for [`LinkRewriter::rewrite`], which is asked first);
    /// `None` when they are not known: a remote image, or one whose size
    /// cannot be read (which the rewriter reports).
    fn image_size(&mut self, _destination: &str, _span: Range<usize>) -> Option<crate::images::Dimensions> {
        None
    }
}

/// Keeps every link as written.
pub struct KeepLinks;

impl LinkRewriter for KeepLinks {
    fn rewrite(&mut self, _: &str, _: Range<usize>) -> Option<String> {
        None
    }
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// The heading's text, without markup.
    pub title: String,
    pub children: Vec<Heading>,
}

/// A rendered Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The HTML before a `<!-- more -->` line, if there is one.
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    /// Every `id` the HTML defines: headings, footnotes, raw HTML.
    pub ids: IdSet,
    pub word_count: usize,
    /// Problems of form, for the build to report.
    pub lints: Vec<Lint>,
    /// Where a shortcode call stands in a link's address or title or an
    /// image's description, where its HTML cannot go (byte ranges of the
    /// link or image).
    pub misplaced_calls: Vec<Range<usize>>,
    /// Ids the Markdown gives more than one element (each reported with
    /// its line among the lints).
    pub repeated_ids: Vec<String>,
    /// Quotes, claims and figures that name a source, for the build to check.
    pub claims: Vec<ClaimAt>,
}

/// A claim on a source, and the byte of the Markdown source to report it at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimAt {
    pub offset: usize,
    pub claim: crate::content::sources::Claim,
}

const SUMMARY_MARKER: &str = "<!-- more -->";

const DUPLICATE_ID_HINT: &str =
    "give each element its own id; heading ids come from their text or {#custom-id}";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Byte ranges where `{{` is text: code spans, code blocks and HTML
/// comments, in order.
pub fn literal_ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut in_comment = false;
    for (event, span) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => ranges.push(span),
            // A comment in a block of HTML comes one line at a time.
            Event::Html(html) | Event::InlineHtml(html)
                if in_comment || html.trim_start().starts_with("<!--") =>
            {
                in_comment = match html.rfind("-->") {
                    Some(end) => html[end..].contains("<!--"),
                    None => true,
                };
                ranges.push(span);
            }
            _ => {}
        }
    }
    ranges
}

/// Where the first image of `source` starts, in the order they stand.
pub fn first_image_start(source: &str) -> Option<usize> {
    Parser::new_ext(source, options())
        .into_offset_iter()
        .find_map(|(event, span)| matches!(event, Event::Start(Tag::Image { .. })).then_some(span.start))
}

/// A problem of form in the Markdown: an image without alt text, a link
/// without text, an empty heading, a skipped heading level, an id used twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// Byte range in the Markdown source.
    pub span: Range<usize>,
    pub message: String,
    pub hint: &'static str,
}

/// `text` (of an event written as `written` in the source) without the
/// characters of [`crate::input::is_forbidden`] that a numeric character
/// reference such as `&#12;` decodes to; only looked into when the source
/// holds `references`. Such characters written as they are can only be
/// the engine's own placeholders: the input files cannot hold them (see
/// [`crate::input::decode`]).
fn referenced<'a>(text: CowStr<'a>, written: &str, references: bool) -> CowStr<'a> {
    match references && crate::input::has_forbidden(&text) && !written.contains(&*text) {
        true => crate::input::without_forbidden(&text).into(),
        false => text,
    }
}

/// Renders `source` to HTML with the theme's `markup`; `terms` marks up
/// glossary terms.
pub fn render(
    source: &str,
    markup: &Markup,
    links: &mut dyn LinkRewriter,
    terms: Option<&mut TermUse>,
) -> Rendered {
    let around = Around {
        markup,
        fragments: &[],
        taken_ids: None,
        body_ids: None,
        first_image: FirstImage::FirstWritten,
    };
    render_in(source, links, terms, around)
}

/// What the page around a document's Markdown already holds.
#[derive(Debug, Clone, Copy)]
pub struct Around<'a> {
    /// The theme's markup for what the Markdown adds of its own.
    pub markup: &'a Markup,
    /// The HTML of each shortcode call, whose placeholder (see
    /// [`crate::placeholders`]) the source holds instead: it goes in its
    /// place, and a heading that holds a call takes its id and its entry in
    /// the table of contents from its text.
    pub fragments: &'a [String],
    /// The ids the page's template gives its own elements (`main`, ...):
    /// a heading never takes one, and one written in the Markdown is
    /// reported as used twice.
    pub taken_ids: Option<&'a IdSet>,
    /// The ids the bodies of calls on the page took before this Markdown
    /// renders (they render first): taken too.
    pub body_ids: Option<&'a IdSet>,
    /// Which of its images is the page's first, which loads at once.
    pub first_image: FirstImage,
}

/// [`render`] of a document that stands in a page holding `around`.
pub fn render_in(
    source: &str,
    links: &mut dyn LinkRewriter,
    terms: Option<&mut TermUse>,
    around: Around,
) -> Rendered {
    let mut pass = Pass::new(source, terms, around);
    for (event, span) in Parser::new_ext(source, options()).into_offset_iter() {
        pass.event(event, span, links);
    }
    pass.finish()
}

/// Escapes text for an HTML attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`: the same five entities as
/// [`escape_entities`] with `&#39;`, found sixteen bytes at a time.
pub fn escape_into(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, text);
}

/// Appends `text` to `out` with `&`, `<`, `>`, `"` and `'` written as
/// entities, `'` as `apostrophe` (`&#39;` in HTML, `&apos;` in XML). The
/// stretches between them are copied whole.
pub fn escape_entities(out: &mut String, text: &str, apostrophe: &str) {
    let mut copied = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => apostrophe,
            _ => continue,
        };
        // `at` is an ASCII byte: a character boundary.
        out.push_str(&text[copied..at]);
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
}
