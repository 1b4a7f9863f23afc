//! Typed fields read from a TOML or YAML table, remembering where each one
//! was written so that a wrong type or an unknown key points at its line.
//!
//! Both `content/site.toml` and the front matter of every page go through
//! here; values that templates see as they are (`extra`) become
//! `serde_json::Value`, with TOML dates turned into strings so that TOML and
//! YAML front matter give templates the same data.

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use crate::error::{Location, Problem};

mod convert;

pub use convert::*;

/// One `key = value` of the table.
#[derive(Debug)]
struct Entry {
    key: String,
    key_offset: usize,
    value_offset: usize,
    /// Where each item of a TOML list was written (empty for other values).
    item_offsets: Vec<usize>,
    value: Value,
}

/// The fields of one table, with the problems found while reading them.
#[derive(Debug)]
pub struct Fields<'a> {
    path: &'a Path,
    /// The whole file, so that locations can show the line.
    text: &'a str,
    /// Where a missing required field is reported (the table's first line).
    start: usize,
    entries: Vec<Entry>,
    problems: Vec<Problem>,
}

/// A date as written (`2025-06-09` or RFC 3339), with what sorting and feeds need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    /// The date as the editor wrote it, normalised (`T` between date and time).
    pub text: String,
    /// RFC 3339, with midnight UTC for a bare date (for feeds and sitemaps).
    pub rfc3339: String,
    /// Seconds since the Unix epoch, for ordering.
    pub timestamp: i64,
}

impl Date {
    /// Parses `YYYY-MM-DD`, RFC 3339, or a local date-time (read as UTC).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim().replacen(' ', "T", 1);
        if let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            let time = date.and_hms_opt(0, 0, 0)?.and_utc();
            return Some(Date {
                rfc3339: format!("{text}T00:00:00Z"),
                timestamp: time.timestamp(),
                text,
            });
        }
        if let Ok(time) = DateTime::parse_from_rfc3339(&text) {
            return Some(Date {
                rfc3339: time.to_rfc3339(),
                timestamp: time.timestamp(),
                text,
            });
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(time) = NaiveDateTime::parse_from_str(&text, format) {
                let time = time.and_utc();
                return Some(Date {
                    rfc3339: time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    timestamp: time.timestamp(),
                    text,
                });
            }
        }
        None
    }
}

impl<'a> Fields<'a> {
    /// Reads a TOML table that starts at byte `offset` of `text`.
    pub fn from_toml(path: &'a Path, text: &'a str, offset: usize, table: &str) -> Result<Self, Problem> {
        // The parsed table borrows its keys and strings from `table`: read
        // straight into JSON values, not through serde into owned TOML ones.
        let parsed = toml::de::DeTable::parse(table).map_err(|error| {
            let at = error.span().map_or(offset, |span| offset + span.start);
            let message = error.message().trim_end();
            Problem::new(
                Location::at_offset(path, text, at),
                format!("invalid TOML: {message}"),
            )
            .hint(if message.contains("recursion depth") {
                "nest lists and tables less deeply: the reader stops at 80 levels"
            } else {
                "check the quoting and the `key = value` syntax on this line"
            })
        })?;
        let mut entries = Vec::with_capacity(parsed.get_ref().len());
        for (key, value) in parsed.into_inner() {
            let value_offset = offset + value.span().start;
            let item_offsets = match value.get_ref() {
                toml::de::DeValue::Array(items) => {
                    items.iter().map(|item| offset + item.span().start).collect()
                }
                _ => Vec::new(),
            };
            let value = de_to_json(value.into_inner()).map_err(|message| {
                Problem::new(
                    Location::at_offset(path, text, value_offset),
                    format!("invalid TOML: {message}"),
                )
                .hint("write a smaller number")
            })?;
            entries.push(Entry {
                key_offset: offset + key.span().start,
                value_offset,
                item_offsets,
                key: key.into_inner().into_owned(),
                value,
            });
        }
        entries.sort_by_key(|entry| entry.key_offset);
        Ok(Fields {
            path,
            text,
            start: offset,
            entries,
            problems: Vec::new(),
        })
    }

    /// Reads a YAML mapping that starts at byte `offset` of `text`.
    pub fn from_yaml(path: &'a Path, text: &'a str, offset: usize, table: &str) -> Result<Self, Problem> {
        let parsed = parse_yaml(path, text, offset, table)?;
        let mapping = match parsed {
            serde_yaml_ng::Value::Mapping(mapping) => mapping,
            serde_yaml_ng::Value::Null => serde_yaml_ng::Mapping::new(),
            _ => {
                return Err(Problem::new(
                    Location::at_offset(path, text, offset),
                    "the YAML front matter is not a list of `key: value` fields",
                ));
            }
        };
        let mut entries = Vec::with_capacity(mapping.len());
        for (key, value) in mapping {
            let key = yaml_key(&key).ok_or_else(|| {
                Problem::new(Location::at_offset(path, text, offset), "a YAML key must be text")
            })?;
            let (key_offset, value_offset) =
                find_yaml_key(table, &key).map_or((offset, offset), |(k, v)| (offset + k, offset + v));
            let value = yaml_to_json(value)
                .map_err(|message| Problem::new(Location::at_offset(path, text, value_offset), message))?;
            entries.push(Entry {
                key,
                key_offset,
                value_offset,
                item_offsets: Vec::new(),
                value,
            });
        }
        entries.sort_by_key(|entry| entry.key_offset);
        Ok(Fields {
            path,
            text,
            start: offset,
            entries,
            problems: Vec::new(),
        })
    }

    /// Reports every key that is not in `known`, suggesting the nearest one.
    pub fn reject_unknown(&mut self, known: &[&str], what: &str) {
        for entry in &self.entries {
            if known.contains(&entry.key.as_str()) {
                continue;
            }
            let problem = Problem::new(
                Location::at_offset(self.path, self.text, entry.key_offset),
                format!("unknown {what} field `{}`", entry.key),
            );
            let hint = match crate::suggest::did_you_mean(&entry.key, known, str::to_string) {
                Some(hint) => hint,
                None => format!(
                    "the fields are {}; put your own data under [extra]",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            self.problems.push(problem.hint(hint));
        }
    }

    /// Where the value of `key` was written (the table's start if it is absent).
    pub fn location_of(&self, key: &str) -> Location {
        let offset = self
            .entries
            .iter()
            .find(|e| e.key == key)
            .map_or(self.start, |e| e.value_offset);
        Location::at_offset(self.path, self.text, offset)
    }

    /// Whether the table has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }

    fn take(&mut self, key: &str) -> Option<(Value, usize)> {
        let index = self.entries.iter().position(|e| e.key == key)?;
        let entry = self.entries.remove(index);
        Some((entry.value, entry.value_offset))
    }

    fn wrong_type(&mut self, key: &str, offset: usize, expected: &str, found: &Value) {
        self.problems.push(
            Problem::new(
                Location::at_offset(self.path, self.text, offset),
                format!("`{key}` must be {expected}, not {}", describe(found)),
            )
            .hint(format!("write `{key}` as {expected}")),
        );
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            (Value::String(s), _) => Some(s),
            (other, offset) => {
                self.wrong_type(key, offset, "text in quotes", &other);
                None
            }
        }
    }

    /// Like [`Fields::string`], and a missing field is a problem of its own.
    pub fn required_string(&mut self, key: &str, what: &str) -> Option<String> {
        let present = self.entries.iter().any(|e| e.key == key);
        if !present {
            self.problems.push(
                Problem::new(
                    Location::at_offset(self.path, self.text, self.start),
                    format!("{what} has no `{key}`"),
                )
                .hint(format!("add `{key} = \"...\"` (TOML) or `{key}: ...` (YAML)")),
            );
            return None;
        }
        let at = self.location_of(key);
        let value = self.string(key)?;
        if value.trim().is_empty() {
            self.problems
                .push(Problem::new(at, format!("`{key}` is empty")).hint(format!(
                    "write the {key}: it is shown as the heading and as the words of every link here"
                )));
            return None;
        }
        Some(value)
    }

    pub fn integer(&mut self, key: &str) -> Option<i64> {
        match self.take(key)? {
            (Value::Number(n), offset) => match n.as_i64() {
                Some(i) => Some(i),
                None => {
                    self.wrong_type(key, offset, "a whole number", &Value::Number(n));
                    None
                }
            },
            (other, offset) => {
                self.wrong_type(key, offset, "a whole number", &other);
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            (Value::Bool(b), _) => Some(b),
            (other, offset) => {
                self.wrong_type(key, offset, "true or false", &other);
                None
            }
        }
    }

    pub fn date(&mut self, key: &str) -> Option<Date> {
        match self.take(key)? {
            (Value::String(s), offset) => match Date::parse(&s) {
                Some(date) => Some(date),
                None => {
                    self.problems.push(
                        Problem::new(
                            Location::at_offset(self.path, self.text, offset),
                            format!("`{key}` is not a date: `{s}`"),
                        )
                        .hint("write a date as YYYY-MM-DD, or as RFC 3339 (2025-06-09T10:00:00Z)"),
                    );
                    None
                }
            },
            (other, offset) => {
                self.wrong_type(key, offset, "a date (YYYY-MM-DD)", &other);
                None
            }
        }
    }

    /// A list of texts, each with where it was written (in YAML, where
    /// the list was); an absent list is an empty one.
    pub fn string_list(&mut self, key: &str) -> Vec<(String, Location)> {
        let Some(index) = self.entries.iter().position(|e| e.key == key) else {
            return Vec::new();
        };
        let entry = self.entries.remove(index);
        let Value::Array(items) = entry.value else {
            self.wrong_type(key, entry.value_offset, "a list of texts in quotes", &entry.value);
            return Vec::new();
        };
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let offset = entry.item_offsets.get(i).copied().unwrap_or(entry.value_offset);
            match item {
                Value::String(text) => list.push((text, Location::at_offset(self.path, self.text, offset))),
                other => self.wrong_type(key, offset, "a list of texts in quotes", &other),
            }
        }
        list
    }

    /// A table of free-form data; an absent table is an empty one.
    pub fn table(&mut self, key: &str) -> Value {
        match self.take(key) {
            None => Value::Object(Map::new()),
            Some((value @ Value::Object(_), _)) => value,
            Some((other, offset)) => {
                self.wrong_type(key, offset, "a table", &other);
                Value::Object(Map::new())
            }
        }
    }

    /// The problems found, if any.
    pub fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_string(),
        Value::Bool(b) => format!("`{b}`, true or false"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a table".to_string(),
    }
}

#[cfg(test)]
mod tests;
