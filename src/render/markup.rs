//! The theme's markup for what the Markdown adds of its own, from the
//! templates under `markup/`. Each is rendered once per build, with a
//! marker in place of each value that changes at every use (an id, a
//! heading's text), and read back as a [`Pattern`] the Markdown stage
//! fills in. Values that decide the shape (a heading's `level`, whether
//! its text holds a link, `config`) are real, so a template may test them.
//! The white space around a template's output is not part of it: a
//! template may start with a comment and end with a line break.

use serde_json::json;

use super::*;
use crate::markdown::{Markup, Pattern, Slot, Stand};

/// A heading's content: `level`, `has_link`; `id`, `text`.
pub const HEADING: &str = "markup/heading.html";
/// A glossary term's first use on a page: `href`, `id`, `text`, `definition`.
pub const GLOSSARY_TERM: &str = "markup/glossary-term.html";
/// A footnote reference: `number`, `id`, `note_id`.
pub const FOOTNOTE_REFERENCE: &str = "markup/footnote-reference.html";
/// A link back from a note: `repeated`; `number`, `occurrence`, `reference_id`.
pub const FOOTNOTE_BACKREF: &str = "markup/footnote-backref.html";
/// The notes at the end of a page: `notes`.
pub const FOOTNOTES: &str = "markup/footnotes.html";
/// An image: `has_size`, `lazy`, `has_title`; `src`, `alt`, `title`,
/// `width`, `height`.
pub const IMAGE: &str = "markup/image.html";
/// An image with a title alone in its paragraph: `image`, `title`.
pub const FIGURE: &str = "markup/figure.html";

/// A value a template must write, and what is lost without it.
type Required = (Slot, &'static str);

const HEADING_TEXT: Required = (Slot::Text, "every heading would lose its words");
const TERM_TEXT: Required = (Slot::Text, "every glossary term would lose its words");
const NOTES: Required = (Slot::Notes, "no page would show its notes");
const IMAGE_SRC: Required = (Slot::Src, "no image would show");
const FIGURE_IMAGE: Required = (Slot::Image, "no figure would show its image");

/// The built-in theme's markup with the default settings, for those who
/// render Markdown without a site (benchmarks, fuzzing, tests).
pub fn built_in_markup() -> Markup {
    let theme = built_in_theme().expect("the built-in theme loads");
    theme
        .markup(&Config::default())
        .expect("the built-in theme's markup renders")
}

/// [`built_in_markup`], made once for all the tests.
#[cfg(test)]
pub(crate) fn built_in_markup_for_tests() -> &'static Markup {
    static MARKUP: std::sync::OnceLock<Markup> = std::sync::OnceLock::new();
    MARKUP.get_or_init(built_in_markup)
}

impl Theme {
    /// The theme's markup for what the Markdown adds, with `config` as the
    /// templates see it. Rendered on a worker thread, whose stack has room
    /// for the deepest templates (see `build::session`), whatever thread
    /// asks.
    pub fn markup(&self, config: &Config) -> Result<Markup, Vec<Error>> {
        rayon::scope(|_| self.markup_here(config))
    }

    fn markup_here(&self, config: &Config) -> Result<Markup, Vec<Error>> {
        let mut patterns = Patterns {
            theme: self,
            config: serde_json::to_value(config).unwrap_or(Value::Null),
            errors: Vec::new(),
            failed: Vec::new(),
        };
        let mut heading: [[Pattern; 2]; 6] = Default::default();
        for (level, both) in (1..).zip(heading.iter_mut()) {
            for (has_link, pattern) in [false, true].into_iter().zip(both.iter_mut()) {
                let shape = json!({ "level": level, "has_link": has_link });
                *pattern = patterns.make(HEADING, shape, &[Slot::Id, Slot::Text], Some(HEADING_TEXT));
            }
        }
        let backref_slots = [Slot::Number, Slot::Occurrence, Slot::ReferenceId];
        let markup = Markup {
            heading,
            glossary_term: patterns.make(
                GLOSSARY_TERM,
                json!({}),
                &[Slot::Href, Slot::Id, Slot::Text, Slot::Definition],
                Some(TERM_TEXT),
            ),
            footnote_reference: patterns.make(
                FOOTNOTE_REFERENCE,
                json!({}),
                &[Slot::Number, Slot::Id, Slot::NoteId],
                None,
            ),
            footnote_backref: [false, true].map(|repeated| {
                patterns.make(
                    FOOTNOTE_BACKREF,
                    json!({ "repeated": repeated }),
                    &backref_slots,
                    None,
                )
            }),
            footnotes: patterns.make(FOOTNOTES, json!({}), &[Slot::Notes], Some(NOTES)),
            image: image_patterns(&mut patterns),
            figure: patterns.make(FIGURE, json!({}), &[Slot::Image, Slot::Title], Some(FIGURE_IMAGE)),
        };
        patterns.errors.extend(self.misspelt_markup());
        match patterns.errors.is_empty() {
            true => Ok(markup),
            false => Err(patterns.errors),
        }
    }

    /// A template under `markup/` named nearly as one of the markup
    /// templates, which would otherwise go unused without a word (others
    /// there may be parts the markup templates include).
    fn misspelt_markup(&self) -> Vec<Error> {
        let known = [
            HEADING,
            GLOSSARY_TERM,
            FOOTNOTE_REFERENCE,
            FOOTNOTE_BACKREF,
            FOOTNOTES,
            IMAGE,
            FIGURE,
        ];
        // A part some template includes, extends or calls a component of
        // is in use (the dependencies found when the theme loaded).
        let used: HashSet<&str> = self
            .reads
            .values()
            .flat_map(|(_, deps)| deps.iter().map(String::as_str))
            .collect();
        // Near: a letter or two from a markup template's name
        // (`headings.html`, `footnote.html`), not any other part there.
        let near = |name: &str| known.iter().find(|k| strsim::levenshtein(name, k) <= 2).copied();
        self.sources
            .iter()
            .filter(|(name, _)| name.starts_with("markup/") && !known.contains(&name.as_str()))
            .filter(|(name, _)| !used.contains(name.as_str()))
            .filter_map(|(name, (file, _))| {
                let near = near(name)?;
                let problem = Problem::new(
                    Location::file(file),
                    format!("`{name}` is not one of the markup templates, so nothing uses it"),
                )
                .hint(format!("did you mean `{near}`? rename the file"));
                Some(Error::template(problem))
            })
            .collect()
    }
}

/// The image's patterns, one for each of its shapes. One that writes a
/// size where none is known (`{% if width %}`, a test that cannot work)
/// is an error: the image would get an empty width and height.
fn image_patterns(patterns: &mut Patterns) -> [[[Pattern; 2]; 2]; 2] {
    let slots = [Slot::Src, Slot::Alt, Slot::Title, Slot::Width, Slot::Height];
    let made = [false, true].map(|has_size| {
        [false, true].map(|lazy| {
            [false, true].map(|has_title| {
                let shape = json!({ "has_size": has_size, "lazy": lazy, "has_title": has_title });
                patterns.make(IMAGE, shape, &slots, Some(IMAGE_SRC))
            })
        })
    });
    let sizeless = made[0].iter().flatten();
    if sizeless
        .into_iter()
        .any(|p| p.writes(Slot::Width) || p.writes(Slot::Height))
    {
        let problem = Problem::new(
            patterns.location(IMAGE),
            "the template writes `width` or `height` where `has_size` is false, for an image whose size is not known",
        )
        .hint("write them inside {% if has_size %} ... {% endif %}");
        patterns.errors.push(Error::template(problem));
    }
    made
}

/// Renders markup templates into patterns, gathering the errors.
struct Patterns<'t> {
    theme: &'t Theme,
    config: Value,
    errors: Vec<Error>,
    /// The templates that failed: each is reported once.
    failed: Vec<&'static str>,
}

impl Patterns<'_> {
    /// The pattern of `template` for the values of `shape`, with `slots`
    /// left open, of which it must write `required`; an empty one after an
    /// error (reported once a template).
    fn make(
        &mut self,
        template: &'static str,
        shape: Value,
        slots: &[Slot],
        required: Option<Required>,
    ) -> Pattern {
        let found = self
            .pattern(template, &shape, slots, Stand::First)
            .and_then(|first| {
                let second = self.pattern(template, &shape, slots, Stand::Second)?;
                if second != first {
                    return Err(self.depends_on_values(template, slots));
                }
                match required {
                    Some((slot, lost)) if !first.writes(slot) => {
                        Err(self.never_written(template, slot, lost))
                    }
                    _ => Ok(first),
                }
            });
        match found {
            Ok(pattern) => pattern,
            Err(problem) => {
                if !self.failed.contains(&template) {
                    self.failed.push(template);
                    self.errors.push(Error::template(problem));
                }
                Pattern::default()
            }
        }
    }

    /// The pattern of `template` rendered with the stand-ins of `stand`.
    fn pattern(
        &self,
        template: &str,
        shape: &Value,
        slots: &[Slot],
        stand: Stand,
    ) -> Result<Pattern, Problem> {
        let mut values = match shape {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        values.insert("config".into(), self.config.clone());
        for slot in slots {
            let marker = match stand {
                Stand::First => slot.marker(),
                Stand::Second => slot.other_marker(),
            };
            values.insert(slot.name().into(), Value::String(marker));
        }
        let mut context = Context::new();
        for (key, value) in values {
            context.insert(key, &value);
        }
        let html = self.theme.render(template, &context, 256)?;
        // Only ASCII white space: a no-break space is markup of its own.
        let html = html.trim_matches(|c: char| c.is_ascii_whitespace());
        Pattern::parse_with(html, stand).map_err(|message| self.changed_value(template, message))
    }

    fn depends_on_values(&self, template: &str, slots: &[Slot]) -> Problem {
        let names: Vec<String> = slots.iter().map(|slot| format!("`{}`", slot.name())).collect();
        Problem::new(
            self.location(template),
            format!(
                "the template changes or tests one of {}, which it may only write as they are",
                names.join(", ")
            ),
        )
        .hint("write each as it is (`{{ id }}`, `{{ text | safe }}`), without a filter or a test on it")
    }

    fn changed_value(&self, template: &str, message: String) -> Problem {
        Problem::new(self.location(template), message)
            .hint("write the value as it is (`{{ id }}`, `{{ text | safe }}`), without a filter")
    }

    fn never_written(&self, template: &str, slot: Slot, lost: &str) -> Problem {
        let name = slot.name();
        Problem::new(
            self.location(template),
            format!("the template never writes `{name}`: {lost}"),
        )
        .hint(format!("write `{{{{ {name} | safe }}}}` where it goes"))
    }

    fn location(&self, template: &str) -> Location {
        let file = self
            .theme
            .sources
            .get(template)
            .map_or_else(|| PathBuf::from(template), |(file, _)| file.clone());
        Location::file(file)
    }
}
