//! What one pass over a document gathers: headings and their ids, the
//! table of contents, footnotes, lints.

use super::*;

/// A heading's start tag, with its id, classes and attributes; written
/// straight into one string, as a heading is one of the most frequent
/// things on a page.
pub(super) fn write_heading_open<'a>(
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

pub(super) struct State<'f> {
    pub(super) markup: &'f Markup,
    /// The HTML of each shortcode call, by placeholder number.
    pub(super) fragments: &'f [String],
    /// The ids of the page around the document (see [`Around::taken_ids`]).
    pub(super) taken: Option<&'f IdSet>,
    /// The ids of the calls' bodies (see [`Around::body_ids`]).
    pub(super) body_ids: Option<&'f IdSet>,
    pub(super) ids: IdSet,
    /// The last number added to each heading id base.
    pub(super) suffixes: PathMap<usize>,
    pub(super) headings: Vec<(u8, String, String)>,
    pub(super) word_count: usize,
    pub(super) lints: Vec<Lint>,
    /// Footnote labels in order of first reference, with how often each is referenced.
    pub(super) footnotes: Vec<(String, usize)>,
    pub(super) misplaced_calls: Vec<Range<usize>>,
    pub(super) repeated_ids: Vec<String>,
}

impl<'f> State<'f> {
    pub(super) fn new(around: Around<'f>) -> Self {
        State {
            markup: around.markup,
            fragments: around.fragments,
            taken: around.taken_ids,
            body_ids: around.body_ids,
            // Room for the ids of a usual page (a dozen headings and notes), so
            // the sets do not grow as it renders; the ids are kept, so not much more.
            ids: IdSet::with_capacity_and_hasher(14, PathHasher::default()),
            suffixes: path_map::with_capacity(14),
            headings: Vec::new(),
            word_count: 0,
            lints: Vec::new(),
            footnotes: Vec::new(),
            misplaced_calls: Vec::new(),
            repeated_ids: Vec::new(),
        }
    }

    /// A unique id from `base`: `base`, then `base-1`, `base-2`, ...
    pub(super) fn unique_id(&mut self, base: &str) -> String {
        // A base in the form of a note reference's id (`fnref-1`) stays in
        // that form with any number after it: it takes a word first.
        let base = match base {
            "" => "section".to_string(),
            _ if is_note_id(base) && is_note_id(&format!("{base}-1")) => format!("{base}-heading"),
            _ => base.to_string(),
        };
        let base = base.as_str();
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

    pub(super) fn lint(&mut self, span: Range<usize>, message: impl Into<String>, hint: &'static str) {
        self.lints.push(Lint {
            span,
            message: message.into(),
            hint,
        });
    }

    /// Records the ids raw HTML defines, and reports one defined twice.
    /// Whether the page already has an element with the id `id`.
    pub(super) fn is_taken(&self, id: &str) -> bool {
        self.ids.contains(id)
            || self.taken.is_some_and(|taken| taken.contains(id))
            || self.body_ids.is_some_and(|taken| taken.contains(id))
    }

    pub(super) fn html_ids(&mut self, html: &str, span: Range<usize>) {
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

    /// A heading's HTML; `images` are the descriptions of the images in
    /// it, by their place among `inner`.
    pub(super) fn heading(
        &mut self,
        tag: Tag,
        inner: Vec<Event>,
        images: &[(usize, String)],
        span: Range<usize>,
    ) -> String {
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = tag
        else {
            unreachable!("only headings are collected");
        };
        let (text, has_link) = self.heading_text(&inner, images);
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
        let mut inner_html = String::with_capacity(2 * text.len());
        html::push_html(&mut inner_html, inner.into_iter());
        self.headings.push((level, id, text.trim().to_string()));
        let id = &self.headings[self.headings.len() - 1].1;
        let pattern = &self.markup.heading[usize::from(level - 1)][usize::from(has_link)];
        let mut html = String::with_capacity(inner_html.len() + 2 * id.len() + pattern.len() + 64);
        let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
        let attrs = attrs
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_deref().unwrap_or("")));
        write_heading_open(&mut html, level, id, &classes, attrs);
        pattern.write(&mut html, |slot, out| match slot {
            Slot::Id => escape_into(out, id),
            Slot::Text => out.push_str(&inner_html),
            _ => {}
        });
        let _ = writeln!(html, "</h{level}>");
        html
    }

    /// The text a reader sees in a heading (each shortcode call's text, not
    /// its placeholder; each image's description), and whether it holds a
    /// link.
    pub(super) fn heading_text(&self, inner: &[Event], images: &[(usize, String)]) -> (String, bool) {
        let mut text = String::new();
        let mut has_link = false;
        let mut images = images.iter().peekable();
        for (at, event) in inner.iter().enumerate() {
            while let Some((_, alt)) = images.next_if(|(place, _)| *place == at) {
                text.push_str(alt);
            }
            match event {
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                Event::Start(Tag::Link { .. }) => has_link = true,
                // A footnote's reference (written as HTML by then) or a
                // link in raw HTML.
                Event::Html(html) | Event::InlineHtml(html) => has_link |= holds_link(html),
                _ => {}
            }
        }
        if crate::placeholders::any(&text) {
            let fragments = self.fragments;
            text = crate::placeholders::replace(&text, |i, out| {
                let fragment = fragments.get(i).map_or("", String::as_str);
                has_link |= holds_link(fragment);
                out.push_str(&crate::placeholders::text_of(fragment));
            });
        }
        (text, has_link)
    }

    /// An empty heading, and one that skips a level.
    pub(super) fn heading_lints(&mut self, text: &str, level: u8, span: &Range<usize>) {
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

    pub(super) fn footnote_reference(&mut self, label: &str) -> String {
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
        let mut html = String::with_capacity(self.markup.footnote_reference.len() + 32);
        self.markup.footnote_reference.write(&mut html, |slot, out| {
            let _ = match slot {
                Slot::Id => write!(out, "{ref_id}"),
                Slot::NoteId => write!(out, "fn-{number}"),
                Slot::Number => write!(out, "{number}"),
                _ => Ok(()),
            };
        });
        // The page holds the id only where the theme's markup writes it.
        if self.markup.footnote_reference.writes(Slot::Id) {
            self.ids.insert(ref_id);
        }
        html
    }

    /// The notes, in order of first reference, each with links back to its references.
    pub(super) fn write_footnotes(
        &mut self,
        body: &mut String,
        mut definitions: HashMap<String, Vec<Event>>,
    ) {
        let mut referenced: Vec<(usize, usize, Vec<Event>)> = self
            .footnotes
            .iter()
            .enumerate()
            .filter_map(|(i, (label, count))| definitions.remove(label).map(|events| (i + 1, *count, events)))
            .collect();
        if referenced.is_empty() {
            return;
        }
        let markup = self.markup;
        markup.footnotes.write(body, |slot, out| {
            if slot == Slot::Notes {
                for (number, count, events) in std::mem::take(&mut referenced) {
                    self.write_note(out, number, count, events);
                }
            }
        });
        body.push('\n');
    }

    /// One note, as an `<li>`: its HTML, then the links back inside its
    /// last paragraph.
    fn write_note(&mut self, body: &mut String, number: usize, count: usize, events: Vec<Event>) {
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
        let backref = &self.markup.footnote_backref[usize::from(count > 1)];
        for occurrence in 1..=count {
            let reference = ReferenceId { number, occurrence };
            body.push(' ');
            backref.write(body, |slot, out| {
                let _ = match slot {
                    Slot::ReferenceId => write!(out, "{reference}"),
                    Slot::Number => write!(out, "{number}"),
                    Slot::Occurrence => write!(out, "{occurrence}"),
                    _ => Ok(()),
                };
            });
        }
        if in_paragraph {
            body.push_str("</p>");
        }
        body.push_str("</li>\n");
    }
}

/// Whether `html` opens an `a` element, which a link may not hold.
fn holds_link(html: &str) -> bool {
    html.as_bytes().windows(3).any(|w| {
        w[0] == b'<' && w[1].eq_ignore_ascii_case(&b'a') && (w[2].is_ascii_whitespace() || w[2] == b'>')
    })
}

/// Whether `id` has the form of a note's or a note reference's id
/// (`fn-1`, `fnref-1`, `fnref-1-2`), which the notes written at the end of
/// the page take.
pub(super) fn is_note_id(id: &str) -> bool {
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
pub(super) struct ReferenceId {
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

pub(super) fn heading_number(level: HeadingLevel) -> u8 {
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
pub(super) fn nest(flat: Vec<(u8, String, String)>) -> Vec<Heading> {
    type Flat = std::iter::Peekable<std::vec::IntoIter<(u8, String, String)>>;
    pub(super) fn take(flat: &mut Flat, parent_level: u8) -> Vec<Heading> {
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
