//! Every quote, figure and claim that names a source, checked against it:
//! those the Markdown's calls make, and those of the front matter's data
//! (a table with a `source`, such as an entry of `extra.quotes`).

use serde_json::Value;

use crate::content::Document;
use crate::content::sources::{Claim, Found, Kind, Sources};
use crate::error::{Error, Location, Problem};
use crate::markdown::ClaimAt;

/// A claim found in its source.
#[derive(Debug, Clone)]
pub(crate) struct Citation {
    pub claim: Claim,
    pub found: Found,
}

/// A lint about the front matter, at a byte of the document's text.
#[derive(Debug, Clone)]
pub(crate) struct FrontLint {
    pub offset: usize,
    pub message: String,
}

pub(crate) const NO_SOURCE_HINT: &str =
    "name the source it comes from, e.g. source = \"report\" for content/sources/report.md";

/// What checking a document's claims found.
#[derive(Default)]
pub(super) struct Checked {
    pub citations: Vec<Citation>,
    pub errors: Vec<Error>,
    pub lints: Vec<FrontLint>,
}

/// Checks the claims of `doc`: `body_claims` from its Markdown (offsets in
/// its body), and those of its front matter; `text` is its text.
pub(super) fn check(doc: &Document, text: &str, body_claims: &[ClaimAt], sources: &Sources) -> Checked {
    let mut checked = Checked::default();
    let front = &text[..doc.body_start.min(text.len())];
    let mut claims: Vec<(usize, Claim)> = body_claims
        .iter()
        .map(|c| (doc.body_start + c.offset, c.claim.clone()))
        .collect();
    let mut data = FrontData::default();
    data.walk(&doc.front.extra, None);
    for (claim, needle) in data.claims {
        claims.push((offset_of(front, &needle), claim));
    }
    // A site without sources has nothing to cite.
    let unclaimed = if sources.list.is_empty() {
        Vec::new()
    } else {
        data.unclaimed
    };
    for (message, needle) in unclaimed {
        checked.lints.push(FrontLint {
            offset: offset_of(front, &needle),
            message,
        });
    }
    for (problem, needle) in data.problems {
        let at = Location::at_offset(&doc.file, text, offset_of(front, &needle));
        checked.errors.push(Error::content(Problem::new(at, problem).hint(
            "give the quoted words (text = \"...\") or the passage it rests on (passage = \"...\")",
        )));
    }
    for (offset, claim) in claims {
        match sources.check(&claim) {
            Ok(found) => checked.citations.push(Citation { claim, found }),
            Err(miss) => {
                let at = Location::at_offset(&doc.file, text, offset);
                checked
                    .errors
                    .push(Error::content(Problem::new(at, miss.message).hint(miss.hint)));
            }
        }
    }
    checked
}

/// Where `needle` is first written in `front` (the start when it is not
/// written as it is, e.g. with escapes).
fn offset_of(front: &str, needle: &str) -> usize {
    front.find(needle).unwrap_or(0)
}

/// What the front matter's data claims: each with the text to find it by.
#[derive(Default)]
struct FrontData {
    claims: Vec<(Claim, String)>,
    unclaimed: Vec<(String, String)>,
    problems: Vec<(String, String)>,
}

/// The lists of the built-in theme whose entries show a source's words or figures.
const CITING_LISTS: [(&str, &str); 2] = [("quotes", "a quote"), ("figures", "a key figure")];

impl FrontData {
    /// Walks `value`; `list` is the `extra` list it is an entry of.
    fn walk(&mut self, value: &Value, list: Option<&str>) {
        match value {
            Value::Object(table) => {
                // Outside the theme's lists, a table is a claim only when it
                // has words to check: a `source` alone may be other data.
                let words = table.contains_key("text") || table.contains_key("passage");
                match table.get("source") {
                    Some(Value::String(source)) if words || list.is_some() => self.claim(table, source),
                    Some(Value::String(_)) => {}
                    _ => self.unsourced(table, list),
                }
                for (key, inner) in table {
                    let listed = CITING_LISTS
                        .iter()
                        .find(|(name, _)| name == key)
                        .map(|(name, _)| *name);
                    self.walk(inner, listed);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, list);
                }
            }
            _ => {}
        }
    }

    fn claim(&mut self, table: &serde_json::Map<String, Value>, source: &str) {
        let text = |key: &str| match table.get(key) {
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        };
        let (kind, words) = match (text("passage"), text("text")) {
            (Some(passage), _) if text("value").is_some() => (Kind::Figure, passage),
            (Some(passage), _) => (Kind::Claim, passage),
            (None, Some(quoted)) => (Kind::Quote, quoted),
            (None, None) => {
                let message = format!("an entry names the source `{source}` but nothing to find in it");
                self.problems.push((message, format!("\"{source}\"")));
                return;
            }
        };
        let value = text("value").filter(|_| kind == Kind::Figure);
        self.claims.push((
            Claim {
                kind,
                source: source.to_string(),
                words: words.clone(),
                value,
            },
            words,
        ));
    }

    fn unsourced(&mut self, table: &serde_json::Map<String, Value>, list: Option<&str>) {
        let Some((name, what)) = CITING_LISTS.iter().find(|(name, _)| Some(*name) == list) else {
            return;
        };
        let needle = ["text", "label", "value"]
            .iter()
            .find_map(|key| table.get(*key).and_then(Value::as_str))
            .unwrap_or(name);
        let message = format!("{what} in `extra.{name}` has no `source`: what it shows is not checked");
        self.unclaimed.push((message, needle.to_string()));
    }
}

/// A claim in a data file under `content/` (a chart's figures), found in
/// its source.
#[derive(Debug, Clone)]
pub(crate) struct DataCitation {
    /// The file, under `content/`.
    pub file: String,
    pub citation: Citation,
}

/// The data files' extensions whose tables may make claims.
const DATA: [&str; 4] = ["toml", "json", "yaml", "yml"];

/// Checks every table of the data files under `content/` that has a
/// `source` and a `text` or `passage`, as in front matter; a file that
/// does not parse is left to `load_data` to report where it is read.
pub(super) fn check_data(content: &crate::content::Content) -> (Vec<DataCitation>, Vec<Error>) {
    let (mut found, mut errors) = (Vec::new(), Vec::new());
    if content.sources.list.is_empty() {
        return (found, errors);
    }
    for asset in &content.assets {
        let extension = asset.source.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        if !DATA.contains(&extension.as_str()) {
            continue;
        }
        let Ok(text) = crate::input::text_of(&asset.file.path, asset.file.open(), "the data file") else {
            continue;
        };
        if !text.contains("source") {
            continue;
        }
        let Ok(value) = crate::content::data::parse(&asset.file.path, &text, &extension) else {
            continue;
        };
        let mut data = FrontData::default();
        data.walk(&value, None);
        let shown = std::path::Path::new(crate::content::CONTENT_DIR).join(&asset.source);
        for (problem, needle) in data.problems {
            let at = Location::at_offset(&shown, &text, offset_of(&text, &needle));
            errors.push(Error::content(Problem::new(at, problem)));
        }
        for (claim, needle) in data.claims {
            match content.sources.check(&claim) {
                Ok(place) => found.push(DataCitation {
                    file: asset.source.clone(),
                    citation: Citation { claim, found: place },
                }),
                Err(miss) => {
                    let at = Location::at_offset(&shown, &text, offset_of(&text, &needle));
                    errors.push(Error::content(Problem::new(at, miss.message).hint(miss.hint)));
                }
            }
        }
    }
    (found, errors)
}
