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

/// A set of ids. A page has a few dozen, made and looked up while its
/// Markdown renders: the Fx hash is several times quicker than SipHash
/// on them.
pub type IdSet = HashSet<String, PathHasher>;

/// Decides what each link and image destination becomes.
pub trait LinkRewriter {
    /// `span` is the byte range of the link in the Markdown source. Returns
    /// the destination to write instead, or `None` to keep it as written.
    fn rewrite(&mut self, destination: &str, span: Range<usize>) -> Option<String>;
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

/// A problem of form in the Markdown: an image without alt text, a link
/// without text, an empty heading, a skipped heading level, an id used twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// Byte range in the Markdown source.
    pub span: Range<usize>,
    pub message: String,
    pub hint: &'static str,
}

/// Terms defined once for the whole site, marked up where a page first uses them.
#[derive(Debug)]
pub struct Glossary {
    matcher: aho_corasick::AhoCorasick,
    /// For each pattern, the index of its term.
    pattern_term: Vec<usize>,
    terms: Vec<GlossaryTerm>,
    /// The glossary page's address, to which `#id` is added.
    href: String,
}

#[derive(Debug, Clone)]
pub struct GlossaryTerm {
    pub id: String,
    /// The term and its aliases, as written in prose.
    pub forms: Vec<String>,
    pub definition: String,
}

impl Glossary {
    /// `href` is where the glossary page is (an entry's id is appended).
    pub fn new(terms: Vec<GlossaryTerm>, href: String) -> Glossary {
        let mut patterns = Vec::new();
        let mut pattern_term = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            for form in &term.forms {
                patterns.push(form.clone());
                pattern_term.push(i);
            }
        }
        let matcher = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("plain string patterns always build");
        Glossary {
            matcher,
            pattern_term,
            terms,
            href,
        }
    }
}

/// The glossary as one page uses it: each term is marked up the first time only.
#[derive(Debug)]
pub struct TermUse<'g> {
    glossary: &'g Glossary,
    used: HashSet<usize>,
}

impl<'g> TermUse<'g> {
    pub fn new(glossary: &'g Glossary) -> Self {
        TermUse {
            glossary,
            used: HashSet::new(),
        }
    }

    /// `text` as HTML with the first use of each unused term marked up, or
    /// `None` when it holds no new term.
    fn mark(&mut self, text: &str) -> Option<String> {
        let glossary = self.glossary;
        let mut out = String::new();
        let mut copied = 0;
        // A shortcode's placeholder is no text: a term never takes its number.
        let placeholders = match crate::placeholders::any(text) {
            true => crate::placeholders::spans(text),
            false => Vec::new(),
        };
        for found in glossary.matcher.find_iter(text) {
            let term = glossary.pattern_term[found.pattern().as_usize()];
            let before = text[..found.start()].chars().next_back();
            let after = text[found.end()..].chars().next();
            let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            let in_placeholder = placeholders
                .iter()
                .any(|p| p.start < found.end() && found.start() < p.end);
            if self.used.contains(&term) || is_word(before) || is_word(after) || in_placeholder {
                continue;
            }
            self.used.insert(term);
            let entry = &glossary.terms[term];
            out.push_str(&escape(&text[copied..found.start()]));
            let _ = write!(
                out,
                "<a class=\"glossary-term\" href=\"{href}#{id}\" aria-describedby=\"glossary-{id}\">{text}</a>\
                 <span class=\"glossary-definition\" id=\"glossary-{id}\" role=\"tooltip\" hidden>{definition}</span>",
                href = glossary.href,
                id = escape(&entry.id),
                text = escape(&text[found.start()..found.end()]),
                definition = escape(&entry.definition),
            );
            copied = found.end();
        }
        (copied > 0).then(|| {
            out.push_str(&escape(&text[copied..]));
            out
        })
    }
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

/// Renders `source` to HTML; `terms` marks up glossary terms.
pub fn render(source: &str, links: &mut dyn LinkRewriter, terms: Option<&mut TermUse>) -> Rendered {
    render_in(source, links, terms, Around::default())
}

/// What the page around a document's Markdown already holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Around<'a> {
    /// The HTML of each shortcode call, whose placeholder (see
    /// [`crate::placeholders`]) the source holds instead: it goes in its
    /// place, and a heading that holds a call takes its id and its entry in
    /// the table of contents from its text.
    pub fragments: &'a [String],
    /// The ids the page's template gives its own elements (`main`, ...):
    /// a heading never takes one, and one written in the Markdown is
    /// reported as used twice.
    pub taken_ids: Option<&'a IdSet>,
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

/// One pass over a document's events, each matched once and moved once
/// more, into where it goes: the heading or footnote being collected, or
/// the page.
struct Pass<'s, 't, 'g> {
    source: &'s str,
    /// Whether the source holds a numeric character reference (`&#12;`),
    /// the only way to a character a page may not hold: without one, no
    /// text needs looking into.
    references: bool,
    state: State<'s>,
    sink: Sink<'s>,
    terms: Option<&'t mut TermUse<'g>>,
    definitions: HashMap<String, Vec<Event<'s>>>,
    /// Open links and images: where they start and how much text they hold.
    open_links: Vec<(Range<usize>, usize)>,
    open_images: Vec<(Range<usize>, usize)>,
    in_code_block: bool,
    /// Raw HTML elements open around the text (see `RAW_ELEMENTS`).
    raw_elements: Vec<&'static str>,
}

impl<'s, 't, 'g> Pass<'s, 't, 'g> {
    fn new(source: &'s str, terms: Option<&'t mut TermUse<'g>>, around: Around<'s>) -> Self {
        Pass {
            source,
            references: memchr::memmem::find(source.as_bytes(), b"&#").is_some(),
            // Room for the ids of a usual page (a dozen headings and notes), so
            // the sets do not grow as it renders; the ids are kept, so not much more.
            state: State {
                ids: IdSet::with_capacity_and_hasher(14, PathHasher::default()),
                taken: around.taken_ids,
                suffixes: path_map::with_capacity(14),
                fragments: around.fragments,
                ..State::default()
            },
            sink: Sink {
                heading: None,
                footnote: None,
                out: Vec::with_capacity(source.len() / 8),
            },
            terms,
            definitions: HashMap::new(),
            open_links: Vec::new(),
            open_images: Vec::new(),
            in_code_block: false,
            raw_elements: Vec::new(),
        }
    }

    #[inline]
    fn event(&mut self, event: Event<'s>, span: Range<usize>, links: &mut dyn LinkRewriter) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (dest_url, title) = self.destination(link_type, dest_url, title, span.clone(), links);
                self.open_links.push((span, 0));
                self.sink.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => self.link_end(),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (dest_url, title) = self.destination(link_type, dest_url, title, span.clone(), links);
                self.open_images.push((span, 0));
                self.sink.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => self.image_end(),
            Event::Start(Tag::CodeBlock(kind)) => {
                self.in_code_block = true;
                self.sink.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                self.sink.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(text) => self.text(text, span),
            Event::Code(code) => {
                self.state.word_count += count_words(&code);
                if let Some(link) = self.open_links.last_mut() {
                    link.1 += code.len();
                }
                self.sink.push(Event::Code(code));
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                track_raw_elements(&raw, &mut self.raw_elements);
                self.state.html_ids(&raw, span);
                self.sink.push(Event::Html(raw));
            }
            other => self.notes_and_headings(other, span),
        }
    }

    /// A link's or image's address, rewritten, and its title; a shortcode
    /// call in either is an error (no HTML goes in an attribute).
    fn destination(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'s>,
        title: CowStr<'s>,
        span: Range<usize>,
        links: &mut dyn LinkRewriter,
    ) -> (CowStr<'s>, CowStr<'s>) {
        let written = &self.source[span.clone()];
        let title = referenced(title, written, self.references);
        let dest_url = referenced(dest_url, written, self.references);
        if crate::placeholders::any(&dest_url) || crate::placeholders::any(&title) {
            self.state.misplaced_calls.push(span.clone());
        }
        (rewrite(links, link_type, dest_url, span), title)
    }

    fn link_end(&mut self) {
        if let Some((span, 0)) = self.open_links.pop() {
            self.state.lint(
                span,
                "a link has no text",
                "write the words the link leads to between [ and ]",
            );
        }
        self.sink.push(Event::End(TagEnd::Link));
    }

    fn image_end(&mut self) {
        if let Some((span, alt)) = self.open_images.pop() {
            if alt == 0 {
                self.state.lint(
                    span,
                    "an image has no alt text",
                    "describe the image between ![ and ] for readers who cannot see it",
                );
            } else if let Some(link) = self.open_links.last_mut() {
                link.1 += alt;
            }
        }
        self.sink.push(Event::End(TagEnd::Image));
    }

    /// Text: counted, and in plain prose, its glossary terms marked.
    #[inline]
    fn text(&mut self, text: CowStr<'s>, span: Range<usize>) {
        let text = referenced(text, &self.source[span.clone()], self.references);
        self.state.word_count += count_words(&text);
        if let Some(image) = self.open_images.last()
            && crate::placeholders::any(&text)
        {
            // An image's description is an attribute: no HTML goes there.
            self.state.misplaced_calls.push(image.0.clone());
        }
        if let Some(image) = self.open_images.last_mut() {
            image.1 += text.trim().len();
        } else if let Some(link) = self.open_links.last_mut() {
            link.1 += text.trim().len();
        }
        if let Some(element) = self.raw_elements.last() {
            // Inside raw HTML such as <code> or <script>: what was written.
            let written = &self.source[span];
            match *element {
                "script" | "style" => self.sink.push(Event::Html(written.to_string().into())),
                _ if SMART_PUNCTUATION.contains(&written) => {
                    self.sink.push(Event::Text(written.to_string().into()))
                }
                _ => self.sink.push(Event::Text(text)),
            }
            return;
        }
        let plain_prose = self.sink.heading.is_none()
            && self.open_links.is_empty()
            && self.open_images.is_empty()
            && !self.in_code_block;
        match self
            .terms
            .as_deref_mut()
            .filter(|_| plain_prose)
            .and_then(|t| t.mark(&text))
        {
            Some(html) => self.sink.push(Event::Html(html.into())),
            None => self.sink.push(Event::Text(text)),
        }
    }

    /// Footnotes, task list markers, headings, and every other event.
    fn notes_and_headings(&mut self, event: Event<'s>, span: Range<usize>) {
        match event {
            Event::FootnoteReference(label) => {
                let html = self.state.footnote_reference(&label);
                self.sink.push(Event::Html(html.into()))
            }
            // A checkbox needs a name for screen readers; the item's text follows it.
            Event::TaskListMarker(done) => self.sink.push(Event::InlineHtml(
                if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done:\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done:\"> "
                }
                .into(),
            )),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.sink.footnote = Some((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = self.sink.footnote.take() {
                    self.definitions.entry(label).or_insert(events);
                }
            }
            Event::Start(tag @ Tag::Heading { .. }) => self.sink.heading = Some((tag, Vec::new(), span)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((tag, inner, span)) = self.sink.heading.take() {
                    let html = self.state.heading(tag, inner, span);
                    self.sink.push_outside_heading(Event::Html(html.into()));
                }
            }
            other => self.sink.push(other),
        }
    }

    /// The page's HTML, its summary and what was found on the way.
    fn finish(self) -> Rendered {
        let Pass {
            source,
            mut state,
            sink,
            definitions,
            ..
        } = self;
        let mut body = String::with_capacity(source.len() * 3 / 2);
        html::push_html(&mut body, sink.out.into_iter());
        state.write_footnotes(&mut body, definitions);
        if !state.fragments.is_empty() {
            body = crate::placeholders::put_fragments(&body, state.fragments);
        }
        // memmem: a vectorised search, several times quicker than str::find here.
        let summary = memchr::memmem::find(body.as_bytes(), SUMMARY_MARKER.as_bytes())
            .map(|at| with_open_elements_closed(&body[..at]));
        // Pages are kept until every page is rendered: no spare capacity.
        body.shrink_to_fit();
        Rendered {
            html: body,
            summary,
            toc: nest(state.headings),
            ids: state.ids,
            word_count: state.word_count,
            lints: state.lints,
            misplaced_calls: state.misplaced_calls,
            repeated_ids: state.repeated_ids,
        }
    }
}

/// `html`, the start of a page cut at `<!-- more -->`, with the elements
/// still open there closed, innermost first: the marker may stand in the
/// middle of a paragraph or inside a `<div>`.
fn with_open_elements_closed(html: &str) -> String {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr",
    ];
    let mut open: Vec<String> = Vec::new();
    // Where the text that is kept ends: before a tag or comment the cut
    // left unfinished, which would swallow the closing tags after it.
    let mut kept = html.len();
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        let rest = &html[start + 1..];
        let letter_at = |i: usize| rest.as_bytes().get(i).is_some_and(u8::is_ascii_alphabetic);
        let closing = rest.starts_with('/');
        // As an HTML tokenizer reads them: a comment; a declaration, a
        // processing instruction or a broken end tag, which run to the
        // next `>`; a tag, which starts with a letter; else `<` is text.
        let (end, is_tag) = if let Some(comment) = rest.strip_prefix("!--") {
            (comment_end(comment).map(|end| 4 + end), false)
        } else if rest.starts_with('!') || rest.starts_with('?') || (closing && !letter_at(1)) {
            (rest.find('>').map(|end| 1 + end + 1), false)
        } else if letter_at(0) || closing {
            (tag_end(rest).map(|end| 1 + end), true)
        } else {
            at = start + 1;
            continue;
        };
        let Some(end) = end else {
            kept = start;
            break;
        };
        at = start + end;
        if !is_tag {
            continue;
        }
        let name: String = rest[usize::from(closing)..]
            .chars()
            .take_while(|c| !c.is_ascii_whitespace() && !matches!(c, '/' | '>'))
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if let Some(open_at) = open.iter().rposition(|o| *o == name) {
                open.truncate(open_at);
            }
        } else {
            // A `/>` ends no element but a void one (or in SVG, where an
            // extra end tag is ignored): the element is open.
            // Their text is not HTML: skip to their end. One the cut
            // leaves open, or whose text holds `<!--` (after which an HTML
            // parser reads its end differently), ends the summary before it.
            if name == "script" || name == "style" {
                let text_end = html[at..].to_ascii_lowercase().find(&format!("</{name}"));
                match text_end {
                    Some(end) if !html[at..at + end].contains("<!--") => at += end,
                    _ => {
                        kept = start;
                        break;
                    }
                }
            }
            open.push(name);
        }
    }
    let mut closed = html[..kept].to_string();
    for name in open.iter().rev() {
        closed.push_str("</");
        closed.push_str(name);
        closed.push('>');
    }
    closed
}

/// Where a comment whose text (after its `<!--`) is `rest` ends, just
/// after its end, as an HTML tokenizer finds it: `<!-->` and `<!--->` end
/// at once, and `--!>` ends one too.
fn comment_end(rest: &str) -> Option<usize> {
    if rest.starts_with('>') {
        return Some(1);
    }
    if rest.starts_with("->") {
        return Some(2);
    }
    let plain = rest.find("-->").map(|end| end + 3);
    let bang = rest.find("--!>").map(|end| end + 4);
    match (plain, bang) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Where the tag whose text (after its `<`) is `rest` ends, just after its
/// `>`, as an HTML tokenizer finds it: the first `>` that is not in an
/// attribute's quoted value (a quote opens one only right after `=`).
fn tag_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'>' => return Some(at + 1),
            b'=' => {
                at += 1;
                while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(&quote @ (b'"' | b'\'')) => at += 1 + memchr::memchr(quote, &bytes[at + 1..])?,
                    // An unquoted value, or none (`<a b=>`): read on from here.
                    _ => continue,
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Raw HTML elements whose text the engine leaves as written: no glossary
/// link (a link in a link, or in code, a button, a script), and no curly
/// quotes or dashes (which change code and scripts).
const RAW_ELEMENTS: [&str; 15] = [
    "a", "code", "pre", "kbd", "samp", "script", "style", "button", "textarea", "h1", "h2", "h3", "h4", "h5",
    "h6",
];

/// What smart punctuation replaces, as written.
const SMART_PUNCTUATION: [&str; 5] = ["\"", "'", "--", "---", "..."];

/// Follows the elements of [`RAW_ELEMENTS`] that the raw HTML `raw` opens
/// and closes, in `open`.
fn track_raw_elements(raw: &str, open: &mut Vec<&'static str>) {
    let mut rest = raw;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest[usize::from(closing)..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let Some(element) = RAW_ELEMENTS.iter().find(|e| **e == name) else {
            continue;
        };
        let tag_end = rest.find('>').map_or(rest.len(), |end| end + 1);
        if closing {
            if let Some(at) = open.iter().rposition(|o| o == element) {
                open.truncate(at);
            }
        } else if !rest[..tag_end].ends_with("/>") {
            open.push(element);
        }
        rest = &rest[tag_end..];
    }
}

/// Words in `text`: runs of bytes between ASCII whitespace, for the
/// reading time (which needs no finer notion of a word).
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let first = bytes.first().is_some_and(|b| !b.is_ascii_whitespace());
    let starts = bytes
        .windows(2)
        .filter(|pair| pair[0].is_ascii_whitespace() && !pair[1].is_ascii_whitespace())
        .count();
    usize::from(first) + starts
}

/// Where the events of a page go.
struct Sink<'a> {
    /// The heading being collected: its tag, its events and where it is.
    heading: Option<(Tag<'a>, Vec<Event<'a>>, Range<usize>)>,
    /// The footnote definition being collected: its label and events.
    footnote: Option<(String, Vec<Event<'a>>)>,
    /// The page's events; about one for every 8 bytes of Markdown, sized
    /// once, not grown.
    out: Vec<Event<'a>>,
}

impl<'a> Sink<'a> {
    #[inline]
    fn push(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some((_, inner, _)) => inner.push(event),
            None => self.push_outside_heading(event),
        }
    }

    #[inline]
    fn push_outside_heading(&mut self, event: Event<'a>) {
        match &mut self.footnote {
            Some((_, events)) => events.push(event),
            None => self.out.push(event),
        }
    }
}

/// A heading's start tag, with its id, classes and attributes; written
/// straight into one string, as a heading is one of the most frequent
/// things on a page.
fn write_heading_open<'a>(
    html: &mut String,
    level: u8,
    id: &str,
    classes: &[&str],
    attrs: impl Iterator<Item = (&'a str, &'a str)>,
) {
    let _ = write!(html, "<h{level} id=\"");
    escape_into(html, id);
    html.push('"');
    if !classes.is_empty() {
        html.push_str(" class=\"");
        escape_into(html, &classes.join(" "));
        html.push('"');
    }
    for (name, value) in attrs {
        html.push(' ');
        escape_into(html, name);
        html.push_str("=\"");
        escape_into(html, value);
        html.push('"');
    }
    html.push('>');
}

fn rewrite<'a>(
    links: &mut dyn LinkRewriter,
    link_type: LinkType,
    dest: CowStr<'a>,
    span: Range<usize>,
) -> CowStr<'a> {
    if matches!(link_type, LinkType::Email) {
        return dest;
    }
    match links.rewrite(&dest, span) {
        Some(new) => CowStr::from(new),
        None => dest,
    }
}

#[derive(Default)]
struct State<'f> {
    /// The HTML of each shortcode call, by placeholder number.
    fragments: &'f [String],
    /// The ids of the page around the document (see [`Around::taken_ids`]).
    taken: Option<&'f IdSet>,
    ids: IdSet,
    /// The last number added to each heading id base.
    suffixes: PathMap<usize>,
    headings: Vec<(u8, String, String)>,
    word_count: usize,
    lints: Vec<Lint>,
    /// Footnote labels in order of first reference, with how often each is referenced.
    footnotes: Vec<(String, usize)>,
    misplaced_calls: Vec<Range<usize>>,
    repeated_ids: Vec<String>,
}

impl State<'_> {
    /// A unique id from `base`: `base`, then `base-1`, `base-2`, ...
    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut id = base.to_string();
        // Start from the last suffix this base got, so a page with
        // thousands of equal headings does not try every number again.
        let mut n = self.suffixes.get(base).copied().unwrap_or(0);
        while self.is_taken(&id) || is_note_id(&id) || id == "top" {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.suffixes.insert(base.to_string(), n);
        self.ids.insert(id.clone());
        id
    }

    fn lint(&mut self, span: Range<usize>, message: impl Into<String>, hint: &'static str) {
        self.lints.push(Lint {
            span,
            message: message.into(),
            hint,
        });
    }

    /// Records the ids raw HTML defines, and reports one defined twice.
    /// Whether the page already has an element with the id `id`.
    fn is_taken(&self, id: &str) -> bool {
        self.ids.contains(id) || self.taken.is_some_and(|taken| taken.contains(id))
    }

    fn html_ids(&mut self, html: &str, span: Range<usize>) {
        let mut found = IdSet::default();
        collect_html_ids(html, &mut found);
        for id in found {
            if self.is_taken(&id) || !self.ids.insert(id.clone()) {
                self.repeated_ids.push(id.clone());
                self.lint(
                    span.clone(),
                    format!("the id `{id}` is used twice on this page"),
                    DUPLICATE_ID_HINT,
                );
            }
        }
    }

    fn heading(&mut self, tag: Tag, inner: Vec<Event>, span: Range<usize>) -> String {
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = tag
        else {
            unreachable!("only headings are collected");
        };
        let (text, has_link) = self.heading_text(&inner);
        let level = heading_number(level);
        self.heading_lints(&text, level, &span);
        let id = match id {
            Some(custom) => {
                if self.is_taken(&custom) || is_note_id(&custom) || !self.ids.insert(custom.to_string()) {
                    self.repeated_ids.push(custom.to_string());
                    self.lint(
                        span,
                        format!("the id `{custom}` is used twice on this page"),
                        DUPLICATE_ID_HINT,
                    );
                }
                custom.to_string()
            }
            None => self.unique_id(&slug::slugify(&text)),
        };
        let mut html = String::with_capacity(2 * text.len() + 2 * id.len() + 128);
        self.headings.push((level, id.clone(), text.trim().to_string()));
        let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
        let attrs = attrs
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_deref().unwrap_or("")));
        write_heading_open(&mut html, level, &id, &classes, attrs);
        if has_link {
            // A link cannot hold another link: the self-link goes after the text.
            html::push_html(&mut html, inner.into_iter());
            html.push_str(" <a class=\"heading-anchor\" href=\"#");
            escape_into(&mut html, &id);
            html.push_str("\" aria-label=\"Link to this section\">#</a>");
        } else {
            html.push_str("<a class=\"heading-link\" href=\"#");
            escape_into(&mut html, &id);
            html.push_str("\">");
            html::push_html(&mut html, inner.into_iter());
            html.push_str("</a>");
        }
        let _ = writeln!(html, "</h{level}>");
        html
    }

    /// The text a reader sees in a heading (each shortcode call's text, not
    /// its placeholder), and whether it holds a link.
    fn heading_text(&self, inner: &[Event]) -> (String, bool) {
        let mut text = String::new();
        let mut has_link = false;
        for event in inner {
            match event {
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                Event::Start(Tag::Link { .. }) => has_link = true,
                _ => {}
            }
        }
        if crate::placeholders::any(&text) {
            let fragments = self.fragments;
            text = crate::placeholders::replace(&text, |i, out| {
                out.push_str(&crate::placeholders::text_of(
                    fragments.get(i).map_or("", String::as_str),
                ));
            });
        }
        (text, has_link)
    }

    /// An empty heading, and one that skips a level.
    fn heading_lints(&mut self, text: &str, level: u8, span: &Range<usize>) {
        if text.trim().is_empty() {
            self.lint(
                span.clone(),
                "a heading is empty",
                "write the heading's text, or remove the line",
            );
        }
        let previous = self.headings.last().map_or(1, |h| h.0);
        if level > previous + 1 {
            self.lint(
                span.clone(),
                format!("a heading skips a level: h{level} after h{previous}"),
                "use the next level down (## under the page title, ### under ##)",
            );
        }
    }

    fn footnote_reference(&mut self, label: &str) -> String {
        let (number, count) = match self.footnotes.iter().position(|(l, _)| l == label) {
            Some(i) => {
                self.footnotes[i].1 += 1;
                (i + 1, self.footnotes[i].1)
            }
            None => {
                self.footnotes.push((label.to_string(), 1));
                (self.footnotes.len(), 1)
            }
        };
        let ref_id = ReferenceId {
            number,
            occurrence: count,
        }
        .to_string();
        self.ids.insert(ref_id.clone());
        format!("<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"{ref_id}\">{number}</a></sup>")
    }

    /// The notes, in order of first reference, each with links back to its references.
    fn write_footnotes(&mut self, body: &mut String, mut definitions: HashMap<String, Vec<Event>>) {
        let referenced: Vec<(usize, usize, Vec<Event>)> = self
            .footnotes
            .iter()
            .enumerate()
            .filter_map(|(i, (label, count))| definitions.remove(label).map(|events| (i + 1, *count, events)))
            .collect();
        if referenced.is_empty() {
            return;
        }
        body.push_str("<section class=\"footnotes\" aria-label=\"Notes\">\n<ol>\n");
        // Each note is written straight into the body: its HTML, then the
        // links back inside its last paragraph.
        for (number, count, events) in referenced {
            let id = format!("fn-{number}");
            let _ = write!(body, "<li id=\"{id}\">");
            self.ids.insert(id);
            let note_start = body.len();
            html::push_html(body, events.into_iter());
            let note_end = note_start + body[note_start..].trim_end().len();
            body.truncate(note_end);
            let in_paragraph = body[note_start..].ends_with("</p>");
            if in_paragraph {
                body.truncate(note_end - "</p>".len());
            }
            for k in 1..=count {
                let reference = ReferenceId {
                    number,
                    occurrence: k,
                };
                let _ = write!(
                    body,
                    " <a href=\"#{reference}\" class=\"footnote-backref\" aria-label=\"Back to reference {number}"
                );
                if count > 1 {
                    let _ = write!(body, ".{k}\">↩<sup>{k}</sup></a>");
                } else {
                    body.push_str("\">↩</a>");
                }
            }
            if in_paragraph {
                body.push_str("</p>");
            }
            body.push_str("</li>\n");
        }
        body.push_str("</ol>\n</section>\n");
    }
}

/// Whether `id` has the form of a note's or a note reference's id
/// (`fn-1`, `fnref-1`, `fnref-1-2`), which the notes written at the end of
/// the page take.
fn is_note_id(id: &str) -> bool {
    let numbers = |rest: &str| {
        !rest.is_empty()
            && rest
                .split('-')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    id.strip_prefix("fn-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        || id.strip_prefix("fnref-").is_some_and(numbers)
}

/// The id of a note's `occurrence`-th reference: `fnref-1`, `fnref-1-2`, ...
struct ReferenceId {
    number: usize,
    occurrence: usize,
}

impl std::fmt::Display for ReferenceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ReferenceId { number, occurrence } = self;
        match occurrence {
            1 => write!(f, "fnref-{number}"),
            _ => write!(f, "fnref-{number}-{occurrence}"),
        }
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Turns the flat list of headings into a tree: each heading holds the
/// deeper ones that follow it.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<Heading> {
    type Flat = std::iter::Peekable<std::vec::IntoIter<(u8, String, String)>>;
    fn take(flat: &mut Flat, parent_level: u8) -> Vec<Heading> {
        let mut level_list = Vec::new();
        while let Some((level, id, title)) = flat.next_if(|heading| heading.0 > parent_level) {
            let children = take(flat, level);
            level_list.push(Heading {
                level,
                id,
                title,
                children,
            });
        }
        level_list
    }
    // Every level is above 0: one call takes them all, moved, not copied.
    take(&mut flat.into_iter().peekable(), 0)
}

/// Collects `id="..."` attributes written in raw HTML.
pub fn collect_html_ids(html: &str, ids: &mut IdSet) {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(found) = html[from..].find("id=") {
        let at = from + found;
        from = at + 3;
        let before_ok = at == 0 || bytes[at - 1].is_ascii_whitespace();
        if !before_ok {
            continue;
        }
        let rest = &html[from..];
        let (quote, rest) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => (q, &rest[1..]),
            _ => continue,
        };
        if let Some(end) = rest.find(quote) {
            ids.insert(rest[..end].to_string());
        }
    }
}

/// The ids that more than one element of `html`, a whole page, has.
pub fn repeated_html_ids(html: &str) -> Vec<&str> {
    let bytes = html.as_bytes();
    let mut ids: Vec<&str> = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b" id=\"") {
        let start = at + 5;
        if let Some(end) = memchr::memchr(b'"', &bytes[start..]) {
            ids.push(&html[start..start + end]);
        }
    }
    ids.sort_unstable();
    let mut repeated: Vec<&str> = ids.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    repeated.dedup();
    repeated
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

#[cfg(test)]
mod tests {
    use super::*;

    fn count_words_by_byte(text: &str) -> usize {
        let mut words = 0;
        let mut in_word = false;
        for &byte in text.as_bytes() {
            let space = byte.is_ascii_whitespace();
            if !space && !in_word {
                words += 1;
            }
            in_word = !space;
        }
        words
    }

    #[test]
    fn words_are_counted_as_byte_by_byte() {
        let pieces = [
            "a", "bb", " ", "  ", "\n", "\t", "\r", "\x0c", "\x0b", "é", "—", "x1", "\u{a0}", "ok.", "",
        ];
        // Every string of up to four pieces, at every length around the
        // eight-byte chunks, and a few long ones.
        let mut texts: Vec<String> = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        texts.push(format!("{a}{b}{c}{d}"));
                    }
                }
            }
        }
        texts.push("The quick  brown\tfox\n\njumps over the lazy dog. ".repeat(9));
        texts.push("\u{7f}\u{80}\u{ff} \u{100}a".repeat(5));
        // Every start and end within the first blocks: words and spaces
        // on each side of the 8-byte block edges.
        let long = "a b  cd\te\r\nf\x0Cgh ijk  l ".repeat(4);
        for start in 0..40 {
            for end in start..long.len() {
                texts.push(long[start..end].to_string());
            }
        }
        for text in &texts {
            assert_eq!(count_words(text), count_words_by_byte(text), "{text:?}");
        }
    }

    #[test]
    fn escaping_copies_all_but_the_five_characters() {
        assert_eq!(
            escape("a<b>&\"c\"'d'é"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;é"
        );
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape(""), "");
        // Long enough for the sixteen-byte search, with each character at
        // each place in a block: the same as the byte-by-byte escaper.
        for special in ["&", "<", ">", "\"", "'"] {
            for at in 0..40 {
                let text = format!("{}{special}{}é", "x".repeat(at), "y".repeat(40 - at));
                let mut by_byte = String::new();
                escape_entities(&mut by_byte, &text, "&#39;");
                assert_eq!(escape(&text), by_byte, "{text:?}");
            }
        }
    }

    fn html(source: &str) -> String {
        render(source, &mut KeepLinks, None).html
    }

    #[test]
    fn headings_get_unique_ids_and_self_links() {
        let rendered = render(
            "# Hello World\n\n## Hello World\n\n## Hello World\n\n### Deep *one* {#custom}\n",
            &mut KeepLinks,
            None,
        );
        assert!(rendered.html.contains(
            "<h1 id=\"hello-world\"><a class=\"heading-link\" href=\"#hello-world\">Hello World</a></h1>"
        ));
        assert!(rendered.html.contains("id=\"hello-world-1\""));
        assert!(rendered.html.contains("id=\"hello-world-2\""));
        assert!(rendered.html.contains(
            "<h3 id=\"custom\"><a class=\"heading-link\" href=\"#custom\">Deep <em>one</em></a></h3>"
        ));
        assert_eq!(rendered.toc.len(), 1);
        assert_eq!(rendered.toc[0].children.len(), 2);
        assert_eq!(rendered.toc[0].children[1].children[0].title, "Deep one");
    }

    #[test]
    fn heading_ids_match_zola_slugs() {
        let rendered = render("## What’s next? Rare_earths & magnets\n", &mut KeepLinks, None);
        assert_eq!(rendered.toc[0].id, "what-s-next-rare-earths-magnets");
    }

    #[test]
    fn heading_with_a_link_keeps_its_link() {
        let out = html("## See [this](https://x.org)\n");
        assert!(
            out.contains("<a href=\"https://x.org\">this</a> <a class=\"heading-anchor\" href=\"#see-this\""),
            "{out}"
        );
    }

    #[test]
    fn gfm_extensions() {
        let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n");
        assert!(out.contains("<table>"));
        assert!(out.contains("<del>old</del>"));
        assert!(out.contains("“quoted”"));
        assert!(
            out.contains("<li><input type=\"checkbox\" disabled checked aria-label=\"Done:\"> done</li>"),
            "{out}"
        );
    }

    #[test]
    fn footnotes_go_to_the_end_with_backlinks() {
        let rendered = render(
            "A[^n] and B[^m] and again[^n].\n\n[^m]: Second.\n[^n]: First.\n\nAfter.\n",
            &mut KeepLinks,
            None,
        );
        let out = &rendered.html;
        let after = out.find("After.").unwrap();
        let notes = out.find("<section class=\"footnotes\"").unwrap();
        assert!(after < notes, "{out}");
        assert!(out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"));
        assert!(out.contains("<a href=\"#fn-1\" id=\"fnref-1-2\">1</a>"));
        assert!(out.contains("<li id=\"fn-1\"><p>First."), "{out}");
        assert!(out.contains("<li id=\"fn-2\"><p>Second."), "{out}");
        assert!(out.contains("href=\"#fnref-1-2\""));
        assert!(rendered.ids.contains("fn-2") && rendered.ids.contains("fnref-1-2"));
    }

    #[test]
    fn notes_are_written_exactly() {
        let notes = |source: &str| {
            let html = render(source, &mut KeepLinks, None).html;
            html[html.find("<section").unwrap()..].to_string()
        };
        assert_eq!(
            notes("A[^n] and B[^m] and again[^n].\n\n[^m]: Second.\n[^n]: First.\n\nAfter.\n"),
            "<section class=\"footnotes\" aria-label=\"Notes\">\n<ol>\n\
             <li id=\"fn-1\"><p>First. \
             <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"Back to reference 1.1\">↩<sup>1</sup></a> \
             <a href=\"#fnref-1-2\" class=\"footnote-backref\" aria-label=\"Back to reference 1.2\">↩<sup>2</sup></a></p></li>\n\
             <li id=\"fn-2\"><p>Second. \
             <a href=\"#fnref-2\" class=\"footnote-backref\" aria-label=\"Back to reference 2\">↩</a></p></li>\n\
             </ol>\n</section>\n"
        );
        // A note that is not a paragraph gets its link after it.
        assert_eq!(
            notes("A[^x].\n\n[^x]: ```\ncode\n```\n"),
            "<section class=\"footnotes\" aria-label=\"Notes\">\n<ol>\n\
             <li id=\"fn-1\"><pre><code></code></pre> \
             <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"Back to reference 1\">↩</a></li>\n\
             </ol>\n</section>\n"
        );
    }

    #[test]
    fn headings_nest_under_the_nearest_higher_one() {
        let flat = [3, 2, 3, 4, 4, 2, 5, 3]
            .iter()
            .enumerate()
            .map(|(i, &level)| (level, format!("h{i}"), format!("Heading {i}")))
            .collect();
        fn shape(toc: &[Heading]) -> String {
            toc.iter()
                .map(|h| match h.children.is_empty() {
                    true => h.id.clone(),
                    false => format!("{}({})", h.id, shape(&h.children)),
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
        let toc = nest(flat);
        assert_eq!(shape(&toc), "h0 h1(h2(h3 h4)) h5(h6 h7)");
        assert_eq!((toc[1].level, toc[1].title.as_str()), (2, "Heading 1"));
    }

    #[test]
    fn a_summary_cut_inside_elements_closes_them() {
        let rendered = render(
            "Intro *with <!-- more --> emphasis* here.\n",
            &mut KeepLinks,
            None,
        );
        assert_eq!(rendered.summary.as_deref(), Some("<p>Intro <em>with </em></p>"));
        let source = "<div class=\"box\">\n<p>One<br>two</p>\n<!-- more -->\n</div>\n";
        let rendered = render(source, &mut KeepLinks, None);
        assert_eq!(
            rendered.summary.as_deref(),
            Some("<div class=\"box\">\n<p>One<br>two</p>\n</div>")
        );
        assert_eq!(
            with_open_elements_closed("<ul><li><script>if (a<b) x = '</li>';</script>x"),
            "<ul><li><script>if (a<b) x = '</li>';</script>x</li></ul>"
        );
        // A script the cut leaves open is left out.
        assert_eq!(with_open_elements_closed("<p>a <script>if (a"), "<p>a </p>");
        assert_eq!(
            with_open_elements_closed("<p>a<img src=x/> <!-- <b> --></p><p>b"),
            "<p>a<img src=x/> <!-- <b> --></p><p>b</p>"
        );
    }

    #[test]
    fn summary_before_more_marker() {
        let rendered = render("Intro.\n\n<!-- more -->\n\nRest.\n", &mut KeepLinks, None);
        assert_eq!(rendered.summary.as_deref(), Some("<p>Intro.</p>\n"));
        assert_eq!(rendered.word_count, 2);
    }

    #[test]
    fn links_are_rewritten_with_their_spans() {
        struct Upper(Vec<Range<usize>>);
        impl LinkRewriter for Upper {
            fn rewrite(&mut self, dest: &str, span: Range<usize>) -> Option<String> {
                self.0.push(span);
                Some(dest.to_uppercase())
            }
        }
        let source = "x [a](a.md) ![i](i.png) <b@c.org>";
        let mut links = Upper(Vec::new());
        let out = render(source, &mut links, None).html;
        assert!(out.contains("href=\"A.MD\""));
        assert!(out.contains("src=\"I.PNG\""));
        assert!(out.contains("mailto:b@c.org"));
        assert_eq!(&source[links.0[0].clone()], "[a](a.md)");
    }

    #[test]
    fn literal_ranges_cover_code_and_comments() {
        let source = "a `x` b\n\n```\ncode\n```\n";
        let ranges = literal_ranges(source);
        assert_eq!(&source[ranges[0].clone()], "`x`");
        assert_eq!(&source[ranges[1].clone()], "```\ncode\n```");
    }

    #[test]
    fn lints_for_problems_of_form() {
        let source = "### Too deep\n\n## \n\n![](a.png) [](b.md) [![alt](c.png)](d.md)\n\n## A {#x}\n\n<p id=\"x\">y</p>\n";
        let lints = render(source, &mut KeepLinks, None).lints;
        let messages: Vec<(&str, &str)> = lints
            .iter()
            .map(|l| (l.message.as_str(), &source[l.span.clone()]))
            .collect();
        assert_eq!(
            messages,
            vec![
                ("a heading skips a level: h3 after h1", "### Too deep\n"),
                ("a heading is empty", "## \n"),
                ("an image has no alt text", "![](a.png)"),
                ("a link has no text", "[](b.md)"),
                ("the id `x` is used twice on this page", "<p id=\"x\">y</p>\n"),
            ]
        );
    }

    #[test]
    fn glossary_terms_are_marked_once_outside_headings_links_and_code() {
        let glossary = Glossary::new(
            vec![GlossaryTerm {
                id: "rare-earths".into(),
                forms: vec!["rare earths".into(), "rare-earth minerals".into()],
                definition: "Seventeen <metals>.".into(),
            }],
            "G.html".into(),
        );
        let mut terms = TermUse::new(&glossary);
        let source = "## Rare earths\n\n[rare earths](x.md) and `rare earths` and Rare-earth minerals & rare earths.\n";
        let html = render(source, &mut KeepLinks, Some(&mut terms)).html;
        assert!(html.contains(
            "<h2 id=\"rare-earths\"><a class=\"heading-link\" href=\"#rare-earths\">Rare earths</a></h2>"
        ));
        assert!(html.contains(
            "<code>rare earths</code> and <a class=\"glossary-term\" href=\"G.html#rare-earths\" aria-describedby=\"glossary-rare-earths\">Rare-earth minerals</a>\
             <span class=\"glossary-definition\" id=\"glossary-rare-earths\" role=\"tooltip\" hidden>Seventeen &lt;metals&gt;.</span> &amp; rare earths.</p>"
        ), "{html}");
        assert_eq!(html.matches("glossary-term").count(), 1);
        // Terms are whole words only.
        let mut terms = TermUse::new(&glossary);
        let html = render(
            "Sparse earthsy words: rare earthsy.\n",
            &mut KeepLinks,
            Some(&mut terms),
        )
        .html;
        assert!(!html.contains("glossary-term"), "{html}");
        // Nor inside raw HTML where a link or curly quotes change meaning.
        for raw in [
            "<a href=\"x.html\">rare earths</a>",
            "<code>rare earths</code>",
            "<button>rare earths</button>",
            "<kbd>rare earths</kbd>",
            "<h3>rare earths</h3>",
        ] {
            let mut terms = TermUse::new(&glossary);
            let html = render(&format!("See {raw} here.\n"), &mut KeepLinks, Some(&mut terms)).html;
            assert!(!html.contains("glossary-term"), "{raw}: {html}");
            assert!(html.contains(raw), "{raw}: {html}");
        }
        let mut terms = TermUse::new(&glossary);
        let source = "A <script>const s = \"rare earths\" && 'x' -- 1...</script> and <code>\"a\" -- b</code>, then \"rare earths\".\n";
        let html = render(source, &mut KeepLinks, Some(&mut terms)).html;
        assert!(
            html.contains("<script>const s = \"rare earths\" && 'x' -- 1...</script>"),
            "{html}"
        );
        assert!(html.contains("<code>\"a\" -- b</code>"), "{html}");
        assert!(html.contains("then “<a class=\"glossary-term\""), "{html}");
    }

    #[test]
    fn words_are_counted_between_spaces() {
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  one\ttwo\nthree  "), 3);
        assert_eq!(count_words("naïve café, déjà-vu"), 3);
        assert_eq!(count_words("a\x0Bb \x0C c\rd"), 3);
    }

    proptest::proptest! {
        /// The same count as splitting on ASCII whitespace, for any text.
        #[test]
        fn words_are_what_splitting_on_spaces_gives(text in "[ a\t\n\x0B\x0C\r\u{a0}é\u{2003}-]{0,64}") {
            let split = text.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).count();
            proptest::prop_assert_eq!(count_words(&text), split);
        }
    }

    #[test]
    fn raw_html_ids_are_known() {
        let rendered = render(
            "<div id=\"box\">x</div>\n\nText <span id='s'>y</span>\n",
            &mut KeepLinks,
            None,
        );
        assert!(rendered.ids.contains("box") && rendered.ids.contains("s"));
    }
}
