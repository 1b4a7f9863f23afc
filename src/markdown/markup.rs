//! The HTML of what the Markdown adds of its own: a heading's link to
//! itself, a glossary term, a footnote's reference, the links back from a
//! note, the notes' section, an image and a figure. The theme writes each as a template; the
//! render stage turns each template into a [`Pattern`] once per build, and
//! this module only fills in its slots. So the theme owns the markup, and
//! a page with a hundred headings costs no template render per heading.

/// A value a pattern leaves open, filled in at each use. In the template
/// it is a variable of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The element's own id.
    Id,
    /// HTML: the heading's or the term's text.
    Text,
    /// The address of a glossary term's entry.
    Href,
    /// A glossary term's definition.
    Definition,
    /// A note's number.
    Number,
    /// Which of a note's references a link back leads to (1, 2, ...).
    Occurrence,
    /// The id of the note a reference leads to.
    NoteId,
    /// The id of the reference a link back leads to.
    ReferenceId,
    /// HTML: the notes, each an `<li>`.
    Notes,
    /// An image's address.
    Src,
    /// An image's description.
    Alt,
    /// An image's title, and a figure's caption.
    Title,
    /// An image's width in pixels.
    Width,
    /// An image's height in pixels.
    Height,
    /// HTML: the image a figure holds.
    Image,
}

impl Slot {
    pub const ALL: [Slot; 15] = [
        Slot::Id,
        Slot::Text,
        Slot::Href,
        Slot::Definition,
        Slot::Number,
        Slot::Occurrence,
        Slot::NoteId,
        Slot::ReferenceId,
        Slot::Notes,
        Slot::Src,
        Slot::Alt,
        Slot::Title,
        Slot::Width,
        Slot::Height,
        Slot::Image,
    ];

    /// The variable's name in the template.
    pub fn name(self) -> &'static str {
        match self {
            Slot::Id => "id",
            Slot::Text => "text",
            Slot::Href => "href",
            Slot::Definition => "definition",
            Slot::Number => "number",
            Slot::Occurrence => "occurrence",
            Slot::NoteId => "note_id",
            Slot::ReferenceId => "reference_id",
            Slot::Notes => "notes",
            Slot::Src => "src",
            Slot::Alt => "alt",
            Slot::Title => "title",
            Slot::Width => "width",
            Slot::Height => "height",
            Slot::Image => "image",
        }
    }

    /// What the template is given for the slot, to find it again in the
    /// HTML: its name between two U+FDD2, a noncharacter no input holds
    /// (see [`crate::input::is_forbidden`]) and no escaping changes.
    pub fn marker(self) -> String {
        Stand::First.marker(self)
    }

    /// A second stand-in, as unlike the first as a value can be (letters
    /// in the other case, far longer, markup in the HTML ones) between
    /// two U+FDD3: a template that gives the same pattern for both writes
    /// the value as it is, while one that changes it (a filter, escaping
    /// HTML) or measures it gives two different ones.
    pub fn other_marker(self) -> String {
        Stand::Second.marker(self)
    }

    fn other_value(self) -> String {
        // Long, so that cutting it (`truncate`) shows too.
        let name = self.name().to_uppercase();
        let long = "_2-x".repeat(16);
        match self {
            Slot::Text | Slot::Notes | Slot::Image => format!("{name} <i>2</i>{long}"),
            _ => format!("{name}{long}"),
        }
    }
}

/// Which of the two stand-ins a template was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stand {
    First,
    Second,
}

impl Stand {
    fn mark(self) -> char {
        match self {
            Stand::First => '\u{FDD2}',
            Stand::Second => '\u{FDD3}',
        }
    }

    fn value(self, slot: Slot) -> String {
        match self {
            Stand::First => slot.name().to_string(),
            Stand::Second => slot.other_value(),
        }
    }

    fn marker(self, slot: Slot) -> String {
        let mark = self.mark();
        format!("{mark}{}{mark}", self.value(slot))
    }
}

/// A template's HTML, with the places where each use fills in a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Pattern(Vec<Piece>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Piece {
    Html(String),
    Slot(Slot),
}

impl Pattern {
    /// Reads a template's output made with [`Slot::marker`] for each slot;
    /// a marker that is not whole (a filter changed the value) is an error
    /// that names the slot when it can.
    pub fn parse(html: &str) -> Result<Pattern, String> {
        Pattern::parse_with(html, Stand::First)
    }

    /// [`Pattern::parse`] of an output made with the stand-ins of `stand`.
    pub fn parse_with(html: &str, stand: Stand) -> Result<Pattern, String> {
        let mark = stand.mark();
        let mut pieces = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find(mark) {
            let after = &rest[start + mark.len_utf8()..];
            let found = after.find(mark).and_then(|end| {
                let value = &after[..end];
                let slot = Slot::ALL.into_iter().find(|slot| stand.value(*slot) == value)?;
                Some((slot, end))
            });
            let Some((slot, end)) = found else {
                return Err(changed_value(after));
            };
            if start > 0 {
                pieces.push(Piece::Html(rest[..start].to_string()));
            }
            pieces.push(Piece::Slot(slot));
            rest = &after[end + mark.len_utf8()..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Html(rest.to_string()));
        }
        Ok(Pattern(pieces))
    }

    /// Writes the pattern to `out`, each slot by `fill`.
    pub fn write(&self, out: &mut String, mut fill: impl FnMut(Slot, &mut String)) {
        for piece in &self.0 {
            match piece {
                Piece::Html(html) => out.push_str(html),
                Piece::Slot(slot) => fill(*slot, out),
            }
        }
    }

    /// Whether the pattern writes `slot`'s value.
    pub fn writes(&self, slot: Slot) -> bool {
        self.0.contains(&Piece::Slot(slot))
    }

    /// The length of the pattern's own HTML, to size a buffer.
    pub fn len(&self) -> usize {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Html(html) => html.len(),
                Piece::Slot(_) => 0,
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The message for a marker a template changed: the variable's name, when
/// its start is still there.
fn changed_value(after_mark: &str) -> String {
    let word: String = after_mark
        .to_lowercase()
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
        .collect();
    let named = Slot::ALL
        .into_iter()
        .find(|slot| !word.is_empty() && (word.starts_with(slot.name()) || slot.name().starts_with(&word)));
    match named {
        Some(slot) => format!(
            "the template changes `{}`, which it may only write as it is",
            slot.name()
        ),
        None => "the template changes one of its values, which it may only write as they are".to_string(),
    }
}

/// The markup of a theme, one pattern for each thing the Markdown adds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Markup {
    /// A heading's content, by level (1 to 6): `[0]` when its text holds
    /// no link, `[1]` when it does.
    pub heading: [[Pattern; 2]; 6],
    pub glossary_term: Pattern,
    pub footnote_reference: Pattern,
    /// A link back from a note to a reference: `[0]` when the note has one
    /// reference, `[1]` when it has several.
    pub footnote_backref: [Pattern; 2],
    pub footnotes: Pattern,
    /// An image, by `[has_size][lazy][has_title]`: `[1]` when its width
    /// and height are known, when it loads lazily, when it has a title.
    pub image: [[[Pattern; 2]; 2]; 2],
    /// An image with a title alone in its paragraph, with its caption.
    pub figure: Pattern,
}
