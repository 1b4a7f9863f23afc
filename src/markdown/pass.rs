//! One pass over a document's events, each matched once and moved once
//! more, into where it goes.

use super::*;

/// One pass over a document's events, each matched once and moved once
/// more, into where it goes: the heading or footnote being collected, or
/// the page.
pub(super) struct Pass<'s, 't, 'g> {
    source: &'s str,
    /// Whether the source holds a numeric character reference (`&#12;`),
    /// the only way to a character a page may not hold: without one, no
    /// text needs looking into.
    references: bool,
    pub(super) state: State<'s>,
    pub(super) sink: Sink<'s>,
    terms: Option<&'t mut TermUse<'g>>,
    definitions: HashMap<String, Vec<Event<'s>>>,
    /// Open links and images: where they start and how much text they hold.
    pub(super) open_links: Vec<(Range<usize>, usize)>,
    pub(super) open_images: Vec<(Range<usize>, usize)>,
    in_code_block: bool,
    /// Raw HTML elements open around the text (see `RAW_ELEMENTS`).
    raw_elements: Vec<&'static str>,
    /// The outermost image whose description is being read.
    pub(super) image: Option<OpenImage<'s>>,
    /// A paragraph's start that may be a figure's.
    pub(super) held: Held<'s>,
    pub(super) first_image: FirstImage,
    /// The images written so far (not those inside a description).
    pub(super) images_written: usize,
}

impl<'s, 't, 'g> Pass<'s, 't, 'g> {
    pub(super) fn new(source: &'s str, terms: Option<&'t mut TermUse<'g>>, around: Around<'s>) -> Self {
        Pass {
            source,
            references: memchr::memmem::find(source.as_bytes(), b"&#").is_some(),
            // Room for the ids of a usual page (a dozen headings and notes), so
            // the sets do not grow as it renders; the ids are kept, so not much more.
            state: State::new(around),
            sink: Sink {
                heading: None,
                footnote: None,
                out: Vec::with_capacity(source.len() / 8),
                image: None,
                heading_images: Vec::new(),
            },
            terms,
            definitions: HashMap::new(),
            open_links: Vec::new(),
            open_images: Vec::new(),
            in_code_block: false,
            raw_elements: Vec::new(),
            image: None,
            held: Held::Nothing,
            first_image: around.first_image,
            images_written: 0,
        }
    }

    #[inline]
    pub(super) fn event(&mut self, event: Event<'s>, span: Range<usize>, links: &mut dyn LinkRewriter) {
        if !matches!(self.held, Held::Nothing) && self.figure_event(&event) {
            return;
        }
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
            Event::Start(image @ Tag::Image { .. }) => self.image_start(image, span, links),
            Event::End(TagEnd::Image) => self.image_end(),
            Event::Start(Tag::Paragraph) if self.image.is_none() => self.held = Held::Paragraph,
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
    pub(super) fn destination(
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

    pub(super) fn link_end(&mut self) {
        if let Some((span, 0)) = self.open_links.pop() {
            self.state.lint(
                span,
                "a link has no text",
                "write the words the link leads to between [ and ]",
            );
        }
        self.sink.push(Event::End(TagEnd::Link));
    }

    /// Text: counted, and in plain prose, its glossary terms marked.
    #[inline]
    pub(super) fn text(&mut self, text: CowStr<'s>, span: Range<usize>) {
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
        let markup = self.state.markup;
        match self
            .terms
            .as_deref_mut()
            .filter(|_| plain_prose)
            .and_then(|t| t.mark(&text, markup))
        {
            Some(html) => self.sink.push(Event::Html(html.into())),
            None => self.sink.push(Event::Text(text)),
        }
    }

    /// Footnotes, task list markers, headings, and every other event.
    pub(super) fn notes_and_headings(&mut self, event: Event<'s>, span: Range<usize>) {
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
                    let images = std::mem::take(&mut self.sink.heading_images);
                    let html = self.state.heading(tag, inner, &images, span);
                    self.sink.push_outside_heading(Event::Html(html.into()));
                }
            }
            other => self.sink.push(other),
        }
    }

    /// The page's HTML, its summary and what was found on the way.
    pub(super) fn finish(mut self) -> Rendered {
        self.release_held();
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
        // memmem: a vectorised search, quicker than str::find on a whole page.
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
            claims: Vec::new(),
        }
    }
}

/// Words in `text`: runs of bytes between ASCII whitespace, for the
/// reading time (which needs no finer notion of a word).
pub(super) fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    // `u8::is_ascii_whitespace` without branches: space, and tab to
    // carriage return but the vertical tab.
    let space = |b: u8| (b == b' ') | ((b.wrapping_sub(b'\t') < 5) & (b != 0x0b));
    // A word starts at each byte that is not whitespace after one that is.
    // Pairs are taken 32 at a time, a fixed count the compiler turns into
    // vector instructions: every text of a page passes through here, most
    // of them short, so the last pairs are padded with spaces to 32 too.
    let starts = |before: &[u8], at: &[u8]| {
        let in_chunk: u8 = before
            .iter()
            .zip(at)
            .map(|(b, a)| u8::from(space(*b) & !space(*a)))
            .sum();
        usize::from(in_chunk)
    };
    let (before, at) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let (before_chunks, at_chunks) = (before.chunks_exact(32), at.chunks_exact(32));
    let (before_rest, at_rest) = (before_chunks.remainder(), at_chunks.remainder());
    let mut words = usize::from(!space(first));
    for (before, at) in before_chunks.zip(at_chunks) {
        words += starts(before, at);
    }
    let (mut before_padded, mut at_padded) = ([b' '; 32], [b' '; 32]);
    before_padded[..before_rest.len()].copy_from_slice(before_rest);
    at_padded[..at_rest.len()].copy_from_slice(at_rest);
    words + starts(&before_padded, &at_padded)
}

/// Where the events of a page go.
pub(super) struct Sink<'a> {
    /// The heading being collected: its tag, its events and where it is.
    pub(super) heading: Option<(Tag<'a>, Vec<Event<'a>>, Range<usize>)>,
    /// The footnote definition being collected: its label and events.
    pub(super) footnote: Option<(String, Vec<Event<'a>>)>,
    /// The page's events; about one for every 8 bytes of Markdown, sized
    /// once, not grown.
    pub(super) out: Vec<Event<'a>>,
    /// The events of the description of the image being read, which
    /// become its alt text.
    pub(super) image: Option<Vec<Event<'a>>>,
    /// The descriptions of the images in the heading being collected, by
    /// their place among its events: part of its text, as before.
    pub(super) heading_images: Vec<(usize, String)>,
}

impl<'a> Sink<'a> {
    #[inline]
    pub(super) fn push(&mut self, event: Event<'a>) {
        if let Some(events) = &mut self.image {
            events.push(event);
            return;
        }
        match &mut self.heading {
            Some((_, inner, _)) => inner.push(event),
            None => self.push_outside_heading(event),
        }
    }

    #[inline]
    pub(super) fn push_outside_heading(&mut self, event: Event<'a>) {
        match &mut self.footnote {
            Some((_, events)) => events.push(event),
            None => self.out.push(event),
        }
    }
}

pub(super) fn rewrite<'a>(
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
