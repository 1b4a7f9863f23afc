//! Images: each written by the theme's pattern, with its width and height
//! when the [`LinkRewriter`] knows them, loading lazily unless it is the
//! page's first, and as a figure with a caption when it has a title and
//! stands alone in its paragraph.

use super::*;
use crate::images::Dimensions;

/// Which image loads at once rather than lazily: the first of the page,
/// which may be the largest thing the reader sees first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FirstImage {
    /// The first image this Markdown writes: it holds the page's images
    /// in the order they stand.
    #[default]
    FirstWritten,
    /// The image that starts at this byte of the Markdown.
    At(usize),
    /// None of this Markdown's: the page's first image is elsewhere.
    Elsewhere,
}

/// The outermost image whose description is being read.
pub(super) struct OpenImage<'s> {
    /// Its address, rewritten.
    src: CowStr<'s>,
    title: CowStr<'s>,
    size: Option<Dimensions>,
    lazy: bool,
}

/// An image read whole: what its tag said and its description as text.
pub(super) struct ReadImage<'s> {
    open: OpenImage<'s>,
    alt: String,
}

/// A paragraph's start, held back until it is known whether the
/// paragraph holds an image with a title and nothing else: a figure.
#[derive(Default)]
pub(super) enum Held<'s> {
    #[default]
    Nothing,
    Paragraph,
    /// The paragraph's start and an image with a title.
    Image(ReadImage<'s>),
}

impl ReadImage<'_> {
    /// The image by the theme's pattern; `with_title` false in a figure,
    /// whose caption shows the title.
    fn write(&self, markup: &Markup, out: &mut String, with_title: bool) {
        let has_title = with_title && !self.open.title.is_empty();
        let size = self.open.size;
        let pattern =
            &markup.image[usize::from(size.is_some())][usize::from(self.open.lazy)][usize::from(has_title)];
        pattern.write(out, |slot, out| {
            match slot {
                Slot::Src => {
                    // Writing to a String cannot fail.
                    let _ = pulldown_cmark_escape::escape_href(&mut *out, &self.open.src);
                }
                Slot::Alt => escape_into(out, &self.alt),
                Slot::Title => escape_into(out, &self.open.title),
                // Only a pattern for a known size writes these.
                Slot::Width => {
                    if let Some(size) = size {
                        let _ = write!(out, "{}", size.width);
                    }
                }
                Slot::Height => {
                    if let Some(size) = size {
                        let _ = write!(out, "{}", size.height);
                    }
                }
                _ => {}
            };
        });
    }

    fn html(&self, markup: &Markup) -> String {
        let mut html = String::with_capacity(self.open.src.len() + self.alt.len() + 96);
        self.write(markup, &mut html, true);
        html
    }

    fn figure(&self, markup: &Markup) -> String {
        let mut html = String::with_capacity(self.open.src.len() + self.alt.len() + 160);
        markup.figure.write(&mut html, |slot, out| match slot {
            Slot::Image => self.write(markup, out, false),
            Slot::Title => escape_into(out, &self.open.title),
            _ => {}
        });
        html.push('\n');
        html
    }
}

/// The text of an image's description, its alt text, as pulldown-cmark
/// writes it: text and code as they are, a line break as a space, markup
/// left out (a nested image gives its own description).
fn alt_text(events: &[Event]) -> String {
    let mut alt = String::new();
    for event in events {
        match event {
            Event::Text(text) | Event::Code(text) => alt.push_str(text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

impl<'s> Pass<'s, '_, '_> {
    /// An image starts: the outermost one's description is gathered
    /// until it ends; one inside a description is part of it.
    pub(super) fn image_start(&mut self, image: Tag<'s>, span: Range<usize>, links: &mut dyn LinkRewriter) {
        let Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } = image
        else {
            return;
        };
        let written = dest_url.clone();
        let (src, title) = self.destination(link_type, dest_url, title, span.clone(), links);
        self.open_images.push((span.clone(), 0));
        if self.image.is_some() {
            self.sink.push(Event::Start(Tag::Image {
                link_type,
                dest_url: src,
                title,
                id,
            }));
            return;
        }
        let size = links.image_size(&written, span.clone());
        let lazy = self.loads_lazily(span.start);
        self.image = Some(OpenImage {
            src,
            title,
            size,
            lazy,
        });
        self.sink.image = Some(Vec::new());
    }

    /// Whether the image starting at `start` loads lazily; counts it.
    fn loads_lazily(&mut self, start: usize) -> bool {
        let first = match self.first_image {
            FirstImage::FirstWritten => self.images_written == 0,
            FirstImage::At(at) => at == start,
            FirstImage::Elsewhere => false,
        };
        self.images_written += 1;
        !first
    }

    pub(super) fn image_end(&mut self) {
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
        if !self.open_images.is_empty() {
            self.sink.push(Event::End(TagEnd::Image));
            return;
        }
        let events = self.sink.image.take().unwrap_or_default();
        let Some(open) = self.image.take() else {
            return;
        };
        let image = ReadImage {
            open,
            alt: alt_text(&events),
        };
        match self.held {
            Held::Paragraph => self.held = Held::Image(image),
            _ => self.push_image(&image),
        }
    }

    fn push_image(&mut self, image: &ReadImage) {
        let html = image.html(self.state.markup);
        if let Some((_, events, _)) = &self.sink.heading {
            // The description is part of the heading's text, its id's.
            self.sink.heading_images.push((events.len(), image.alt.clone()));
        }
        self.sink.push(Event::InlineHtml(html.into()));
    }

    /// Takes `event` where a paragraph's start is held: keeps holding it
    /// while it may still be a figure, writes the figure when it is one
    /// (`true`: the event is taken), and lets what was held go otherwise.
    pub(super) fn figure_event(&mut self, event: &Event) -> bool {
        match (&self.held, event) {
            (Held::Nothing, _) => false,
            (Held::Paragraph, Event::Start(Tag::Image { title, .. }))
                if !title.is_empty() && self.image.is_none() =>
            {
                false
            }
            (Held::Paragraph, _) if self.image.is_some() => false,
            (Held::Image(image), Event::End(TagEnd::Paragraph)) => {
                let html = image.figure(self.state.markup);
                self.held = Held::Nothing;
                self.sink.push(Event::Html(html.into()));
                true
            }
            _ => {
                self.release_held();
                false
            }
        }
    }

    /// Writes what was held back as it is: a paragraph's start, and the
    /// image after it.
    pub(super) fn release_held(&mut self) {
        match std::mem::take(&mut self.held) {
            Held::Nothing => {}
            Held::Paragraph => self.sink.push(Event::Start(Tag::Paragraph)),
            Held::Image(image) => {
                self.sink.push(Event::Start(Tag::Paragraph));
                self.push_image(&image);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::super::render`] with the built-in theme's markup.
    fn render(source: &str, links: &mut dyn LinkRewriter, terms: Option<&mut TermUse>) -> Rendered {
        super::super::render(source, crate::render::built_in_markup_for_tests(), links, terms)
    }

    /// Knows the size of every `.png` as 40 by 30.
    struct Sized;

    impl LinkRewriter for Sized {
        fn rewrite(&mut self, _: &str, _: Range<usize>) -> Option<String> {
            None
        }

        fn image_size(&mut self, destination: &str, _: Range<usize>) -> Option<crate::images::Dimensions> {
            destination
                .ends_with(".png")
                .then_some(crate::images::Dimensions {
                    width: 40,
                    height: 30,
                })
        }
    }

    #[test]
    fn images_get_their_size_and_load_lazily_after_the_first() {
        let html = render(
            "![Owl](owl.png)\n\n![Kite](kite.png) and ![Far](https://example.org/far.jpg)\n",
            &mut Sized,
            None,
        )
        .html;
        assert_eq!(
            html,
            "<p><img src=\"owl.png\" alt=\"Owl\" width=\"40\" height=\"30\" /></p>\n\
             <p><img src=\"kite.png\" alt=\"Kite\" width=\"40\" height=\"30\" loading=\"lazy\" decoding=\"async\" /> \
             and <img src=\"https://example.org/far.jpg\" alt=\"Far\" loading=\"lazy\" decoding=\"async\" /></p>\n"
        );
    }

    #[test]
    fn an_image_with_a_title_alone_in_its_paragraph_is_a_figure() {
        let html = render("![An owl](owl.png \"At dusk\")\n", &mut Sized, None).html;
        assert_eq!(
            html,
            "<figure><img src=\"owl.png\" alt=\"An owl\" width=\"40\" height=\"30\" /><figcaption>At dusk</figcaption></figure>\n"
        );
        // In running text, or without a title, it stays in its paragraph.
        for (source, expected) in [
            (
                "See ![owl](o.gif \"T\").\n",
                "<p>See <img src=\"o.gif\" alt=\"owl\" title=\"T\" />.</p>\n",
            ),
            ("![owl](o.gif)\n", "<p><img src=\"o.gif\" alt=\"owl\" /></p>\n"),
            (
                "![owl](o.gif \"T\") after\n",
                "<p><img src=\"o.gif\" alt=\"owl\" title=\"T\" /> after</p>\n",
            ),
            (
                "[![owl](o.gif \"T\")](x)\n",
                "<p><a href=\"x\"><img src=\"o.gif\" alt=\"owl\" title=\"T\" /></a></p>\n",
            ),
            (
                "- ![owl](o.gif \"T\")\n",
                "<ul>\n<li><img src=\"o.gif\" alt=\"owl\" title=\"T\" /></li>\n</ul>\n",
            ),
        ] {
            assert_eq!(render(source, &mut KeepLinks, None).html, expected, "{source}");
        }
        // The caption and the description are escaped (the description's
        // quotes are typographic, as in text); a quote holds a figure too.
        let html = render(
            "> ![a <b> & \"c\"](o.gif \"x < y & 'z'\")\n",
            &mut KeepLinks,
            None,
        )
        .html;
        assert_eq!(
            html,
            "<blockquote>\n<figure><img src=\"o.gif\" alt=\"a  &amp; “c”\" /><figcaption>x &lt; y &amp; &#39;z&#39;</figcaption></figure>\n</blockquote>\n"
        );
    }

    #[test]
    fn a_description_is_its_text_and_is_part_of_a_headings() {
        let rendered = render(
            "## A ![*big* ![inner](i.gif) `owl`](o.gif) here\n\n![](empty.gif)\n",
            &mut KeepLinks,
            None,
        );
        assert_eq!(
            rendered.html,
            "<h2 id=\"a-big-inner-owl-here\"><a class=\"heading-link\" href=\"#a-big-inner-owl-here\">A \
             <img src=\"o.gif\" alt=\"big inner owl\" /> here</a></h2>\n\
             <p><img src=\"empty.gif\" alt=\"\" loading=\"lazy\" decoding=\"async\" /></p>\n"
        );
        assert_eq!(rendered.toc[0].title, "A big inner owl here");
    }
}
