//! `content/glossary.toml`: terms defined once for the whole site. The
//! glossary becomes a page of its own (`glossary/`, template
//! `glossary.html`), and the Markdown stage marks up each page's first use
//! of every term.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};
use toml::Spanned;

use crate::error::{Location, Problem};

/// Where the glossary lives, under `content/`.
pub const GLOSSARY_FILE: &str = "glossary.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    title: Option<String>,
    description: Option<String>,
    weight: Option<i64>,
    template: Option<String>,
    #[serde(default)]
    terms: Vec<Spanned<Entry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    term: String,
    definition: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// One defined term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// The anchor on the glossary page: the term's slug.
    pub id: String,
    pub term: String,
    pub definition: String,
    pub aliases: Vec<String>,
}

/// The glossary file, read.
#[derive(Debug, Clone)]
pub struct Glossary {
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub template: String,
    pub terms: Vec<Term>,
}

impl Glossary {
    /// Gives each term whose id is in `taken` another (`main-1`), unique
    /// among the terms; whether any changed.
    pub fn avoid_ids(&mut self, taken: &crate::markdown::IdSet) -> bool {
        let mut changed = false;
        for i in 0..self.terms.len() {
            if !taken.contains(&self.terms[i].id) {
                continue;
            }
            let base = self.terms[i].id.clone();
            let id = (1..)
                .map(|n| format!("{base}-{n}"))
                .find(|id| !taken.contains(id) && !self.terms.iter().any(|t| t.id == *id))
                .unwrap_or(base);
            self.terms[i].id = id;
            changed = true;
        }
        changed
    }

    /// The terms as the glossary page's template sees them (`glossary`): in
    /// alphabetical order, ignoring case, then in the file's order.
    pub fn terms_value(&self) -> Value {
        let mut sorted: Vec<(String, &Term)> =
            self.terms.iter().map(|t| (t.term.to_lowercase(), t)).collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Array(
            sorted
                .into_iter()
                .map(|(_, t)| json!({ "id": t.id, "term": t.term, "definition": t.definition, "aliases": t.aliases }))
                .collect(),
        )
    }
}

/// `text` trimmed, without the characters of
/// [`crate::input::is_forbidden`] that TOML escapes may write.
fn clean(text: &str) -> String {
    crate::input::clean(text.trim().to_string())
}

/// The glossary file's TOML, or the problem at its place.
fn read(path: &Path, text: &str) -> Result<File, Vec<Problem>> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        vec![
            Problem::new(
                Location::at_offset(path, text, at),
                format!("glossary: {}", e.message().trim_end()),
            )
            .hint("each term is a [[terms]] table with `term`, `definition` and optional `aliases = [...]`"),
        ]
    })
}

/// The term's slug (`term` if it has none), numbered from the second use
/// on: `tariff`, `tariff-2`.
fn unique_id(ids: &mut HashMap<String, usize>, term: &str) -> String {
    let base = match slug::slugify(term) {
        s if s.is_empty() => "term".to_string(),
        s => s,
    };
    let count = ids.entry(base.clone()).or_insert(0);
    *count += 1;
    match *count {
        1 => base,
        count => format!("{base}-{count}"),
    }
}

/// Parses the glossary `text`, the contents of `path`.
pub fn parse(path: &Path, text: &str) -> Result<Glossary, Vec<Problem>> {
    let file = read(path, text)?;
    let mut problems = Vec::new();
    let mut forms: HashMap<String, String> = HashMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut terms = Vec::with_capacity(file.terms.len());
    if file.title.as_deref().is_some_and(|t| clean(t).is_empty()) {
        problems.push(
            Problem::new(
                Location::at_offset(path, text, 0),
                "the glossary's `title` is empty",
            )
            .hint("write a title, or leave the line out for \"Glossary\""),
        );
    }
    for entry in file.terms {
        // Made only for a problem: finding a line counts the lines before it.
        let start = entry.span().start;
        let at = || Location::at_offset(path, text, start);
        let entry = entry.into_inner();
        let entry = Entry {
            term: clean(&entry.term),
            definition: clean(&entry.definition),
            aliases: entry.aliases.iter().map(|a| clean(a)).collect(),
        };
        if entry.term.is_empty() || entry.definition.is_empty() || entry.aliases.iter().any(String::is_empty)
        {
            problems.push(
                Problem::new(
                    at(),
                    "a glossary entry has an empty `term`, `definition` or alias",
                )
                .hint("write each of them, or remove the entry"),
            );
            continue;
        }
        for form in std::iter::once(&entry.term).chain(&entry.aliases) {
            let key = form.trim().to_lowercase();
            if let Some(first) = forms.insert(key, entry.term.clone()) {
                problems.push(
                    Problem::new(at(), format!("`{form}` is already defined by the term `{first}`"))
                        .hint("define each term and alias once"),
                );
            }
        }
        terms.push(Term {
            id: unique_id(&mut ids, &entry.term),
            term: entry.term,
            definition: entry.definition,
            aliases: entry.aliases,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Glossary {
        title: file.title.map_or_else(|| "Glossary".to_string(), |t| clean(&t)),
        description: file.description.map(|d| clean(&d)),
        weight: file.weight,
        template: file.template.unwrap_or_else(|| "glossary.html".to_string()),
        terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_with_aliases_and_ids() {
        let text = "title = \"Words\"\n[[terms]]\nterm = \"Rare earths\"\ndefinition = \"Minerals.\"\naliases = [\"rare-earth minerals\"]\n";
        let glossary = parse(Path::new("g.toml"), text).unwrap();
        assert_eq!(glossary.title, "Words");
        assert_eq!(glossary.template, "glossary.html");
        assert_eq!(glossary.terms[0].id, "rare-earths");
        assert_eq!(glossary.terms[0].aliases, vec!["rare-earth minerals"]);
    }

    #[test]
    fn duplicates_and_typos_have_lines() {
        let text = "[[terms]]\nterm = \"Tariff\"\ndefinition = \"A tax.\"\n\n[[terms]]\nterm = \"tariff\"\ndefinition = \"Again.\"\n";
        let problems = parse(Path::new("g.toml"), text).unwrap_err();
        assert_eq!(
            problems[0].message,
            "`tariff` is already defined by the term `Tariff`"
        );
        assert_eq!(problems[0].at.line, Some(5));
        let problems = parse(
            Path::new("g.toml"),
            "[[terms]]\nterm = \"T\"\ndefintion = \"x\"\n",
        )
        .unwrap_err();
        assert!(
            problems[0].message.contains("unknown field `defintion`"),
            "{}",
            problems[0].message
        );
        assert_eq!(problems[0].at.line, Some(3));
    }
}
