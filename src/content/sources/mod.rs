//! The sources an explainer rests on, `content/sources/*.md`: each the text
//! of one source (a news article, a report, a transcript), with what is
//! known of it in optional front matter. Quotes, figures and claims that
//! name a source are checked against its text; nothing here knows HTML.

mod matching;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::front_matter;
use crate::error::{Location, Problem};
use matching::Normal;

/// The folder of the sources, under `content/`.
pub const SOURCES_DIR: &str = "sources";
/// The page that lists the sources, `content/sources/index.md`.
pub const SOURCES_PAGE: &str = "sources/index.md";

/// What is known of a source, each shown only when given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct About {
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub author: Option<String>,
    /// As written (`2025-06-09`).
    pub date: Option<String>,
    pub url: Option<String>,
}

/// One source: its text in paragraphs.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file's name without `.md`: what `source="..."` names.
    pub id: String,
    pub file: PathBuf,
    pub about: About,
    /// The text after the front matter.
    pub text: String,
    paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone)]
struct Paragraph {
    /// Where it stands in the source's text.
    range: Range<usize>,
    normal: Normal,
}

/// Every source of the site, by id.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub list: Vec<Source>,
    /// A hash of every source's file and text: what checks depend on.
    pub hash: u64,
}

const FIELDS: &[&str] = &["title", "publisher", "author", "date", "url"];

/// Reads source `id` from `text`, the contents of `file`.
pub fn parse(id: &str, file: &Path, text: &str) -> Result<Source, Vec<Problem>> {
    let (about, body_start) = if text.starts_with("+++") || text.starts_with("---") {
        about_of(file, text)?
    } else {
        (About::default(), 0)
    };
    let body = &text[body_start..];
    if body.trim().is_empty() {
        return Err(vec![
            Problem::new(Location::file(file), "the source has no text").hint(
                "paste the source's text after its front matter: quotes and claims are checked against it",
            ),
        ]);
    }
    Ok(Source {
        id: id.to_string(),
        file: file.to_path_buf(),
        about,
        text: body.to_string(),
        paragraphs: paragraphs(body),
    })
}

fn about_of(file: &Path, text: &str) -> Result<(About, usize), Vec<Problem>> {
    let (mut fields, body_start) = front_matter::fields_of(file, text)?;
    fields.reject_unknown(FIELDS, "source");
    let about = About {
        title: fields.string("title"),
        publisher: fields.string("publisher"),
        author: fields.string("author"),
        date: fields.date("date").map(|date| date.text),
        url: fields.string("url"),
    };
    fields.finish()?;
    Ok((about, body_start))
}

/// The paragraphs of `text`: stretches between blank lines.
fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut found = Vec::new();
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(offset),
            (true, Some(from)) => {
                found.push(from..offset);
                start = None;
            }
            _ => {}
        }
        offset += line.len();
    }
    if let Some(from) = start {
        found.push(from..text.len());
    }
    found
        .into_iter()
        .map(|range| Paragraph {
            normal: Normal::of(&text[range.clone()]),
            range,
        })
        .collect()
}

/// What a claim asks to find in its source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Words quoted: they must be the source's own.
    Quote,
    /// A claim in the site's words, resting on a passage of the source.
    Claim,
    /// A figure, whose value must be in its passage.
    Figure,
}

/// A quote, claim or figure that names its source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Claim {
    pub kind: Kind,
    pub source: String,
    /// The quoted words, or the passage the claim rests on.
    pub words: String,
    /// A figure's value.
    pub value: Option<String>,
}

/// Where a claim was found in its source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Found {
    /// The source's position in [`Sources::list`].
    pub source: usize,
    /// The passage, as a range of the source's text.
    pub passage: Range<usize>,
}

/// Why a claim was not found, to report at the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    pub message: String,
    pub hint: String,
}

impl Sources {
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|s| s.id.as_str())
    }

    /// Finds `claim` in its source.
    pub fn check(&self, claim: &Claim) -> Result<Found, Miss> {
        let Some(index) = self.list.iter().position(|s| s.id == claim.source) else {
            return Err(self.unknown_source(&claim.source));
        };
        let source = &self.list[index];
        let parts = matching::parts(&claim.words);
        if parts.is_empty() {
            return Err(Miss {
                message: "the quote or passage has no words to find in the source".to_string(),
                hint: "write the source's words to check".to_string(),
            });
        }
        if claim.kind != Kind::Quote && parts.len() > 1 {
            return Err(Miss {
                message: "a passage is one stretch of the source, without words left out".to_string(),
                hint: "write the passage whole, or a shorter one that holds what the claim rests on"
                    .to_string(),
            });
        }
        let found = source.paragraphs.iter().find_map(|paragraph| {
            let found = matching::find_parts(&paragraph.normal, &parts)?;
            Some((paragraph, found))
        });
        let Some((paragraph, found)) = found else {
            return Err(source.not_found(claim, &parts));
        };
        if let Some(word) = matching::negation_left_out(&paragraph.normal.text, &found) {
            return Err(Miss {
                message: format!("the words left out of the quote hold “{word}”, which turns it around"),
                hint: "quote the words whole, or leave out only words that keep the meaning".to_string(),
            });
        }
        let within = paragraph
            .normal
            .original(found[0].start..found[found.len() - 1].end);
        let passage = paragraph.range.start + within.start..paragraph.range.start + within.end;
        if let Some(value) = &claim.value
            && !value_in(value, &source.text[passage.clone()])
        {
            return Err(Miss {
                message: format!(
                    "the figure `{value}` is not in its passage in `{}`: “{}”",
                    source.id,
                    &source.text[passage.clone()]
                ),
                hint: "give the figure as the passage writes it, or the passage that holds it".to_string(),
            });
        }
        Ok(Found {
            source: index,
            passage,
        })
    }

    fn unknown_source(&self, id: &str) -> Miss {
        let ids: Vec<&str> = self.ids().collect();
        let hint = match crate::suggest::did_you_mean(id, &ids, str::to_string) {
            _ if id == "index" => format!(
                "content/{SOURCES_PAGE} is the page listing the sources, not a source; name one of {}",
                ids.join(", ")
            ),
            Some(hint) => hint,
            None if ids.is_empty() => format!("add the source's text as content/{SOURCES_DIR}/{id}.md"),
            None => format!(
                "the sources are {}; add content/{SOURCES_DIR}/{id}.md",
                ids.join(", ")
            ),
        };
        Miss {
            message: format!("there is no source `{id}`"),
            hint,
        }
    }
}

impl Source {
    fn not_found(&self, claim: &Claim, parts: &[String]) -> Miss {
        let what = match claim.kind {
            Kind::Quote => "the quote is not in",
            Kind::Claim | Kind::Figure => "the passage is not in",
        };
        let message = format!("{what} the source `{}` word for word", self.id);
        let paragraphs: Vec<(&Normal, &str)> = self
            .paragraphs
            .iter()
            .map(|p| (&p.normal, &self.text[p.range.clone()]))
            .collect();
        let hint = match matching::closest(&paragraphs, parts) {
            Some(marked) if !marked.contains("[-") && !marked.contains("{+") => format!(
                "the words are the source's, but not its punctuation or the marks between them; the source has: {marked}"
            ),
            Some(marked) => format!(
                "did you mean: {marked} ([-…-] is written here but not in the source, {{+…+}} is in the source; an elision is written … or [...])"
            ),
            None => "no passage of the source shares its words: is it the right source?".to_string(),
        };
        Miss { message, hint }
    }

    /// The passage at `range` with a few words either side of it, within
    /// its paragraph: (before, passage, after), spaces made single.
    pub fn in_context(&self, range: &Range<usize>) -> (String, String, String) {
        const WORDS: usize = 8;
        let paragraph = self
            .paragraphs
            .iter()
            .find(|p| p.range.start <= range.start && range.end <= p.range.end)
            .map_or(range.clone(), |p| p.range.clone());
        let before = &self.text[paragraph.start..range.start];
        let after = &self.text[range.end..paragraph.end];
        let before_words: Vec<&str> = before.split_whitespace().collect();
        let after_words: Vec<&str> = after.split_whitespace().collect();
        let mut lead = String::new();
        if before_words.len() > WORDS {
            lead.push_str("… ");
        }
        lead.push_str(&before_words[before_words.len().saturating_sub(WORDS)..].join(" "));
        if before.ends_with(char::is_whitespace) && !lead.is_empty() {
            lead.push(' ');
        }
        let mut tail = String::new();
        if after.starts_with(char::is_whitespace) && !after_words.is_empty() {
            tail.push(' ');
        }
        tail.push_str(&after_words[..after_words.len().min(WORDS)].join(" "));
        if after_words.len() > WORDS {
            tail.push_str(" …");
        }
        let passage = self.text[range.clone()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (lead, passage, tail)
    }
}

/// Whether a figure's `value` stands in `passage`, both made uniform,
/// as a whole number (not a part of `3.5` or of `-4`); thousands
/// separators (`,`, a space or a thin space before three digits) are not
/// compared.
fn value_in(value: &str, passage: &str) -> bool {
    let value = without_separators(&Normal::of(value.trim()).text);
    let passage = without_separators(&Normal::of(passage).text);
    if value.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(at) = passage.get(from..).and_then(|rest| rest.find(&value)) {
        let range = from + at..from + at + value.len();
        let signed = value.starts_with(|c: char| c.is_ascii_digit())
            && passage[..range.start].ends_with('-')
            && !passage[..range.start - 1].ends_with(char::is_alphanumeric);
        if !signed
            && !Normal::inside_number(&passage, range.start)
            && !Normal::inside_number(&passage, range.end)
        {
            return true;
        }
        from = range.start + 1;
        while !passage.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// `text` without the separators of thousands: a `,`, space or thin space
/// between a digit and a group of exactly three digits.
fn without_separators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let group_of_three = |i: usize| {
        (1..=3).all(|k| chars.get(i + k).is_some_and(char::is_ascii_digit))
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
    };
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let separator = matches!(c, ',' | ' ' | '\u{2009}' | '\u{202F}' | '\u{A0}');
            !(separator && i > 0 && chars[i - 1].is_ascii_digit() && group_of_three(i))
        })
        .map(|(_, &c)| c)
        .collect()
}

#[cfg(test)]
mod tests;
