//! Data files under `content/` (TOML, JSON, YAML, CSV) read for templates'
//! `load_data`, each parsed once per build.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::error::{Location, Problem};
use crate::fields::{toml_to_json, yaml_to_json};

/// Reads and caches data files under one content folder.
#[derive(Debug)]
pub struct DataFiles {
    content_dir: PathBuf,
    cache: Mutex<HashMap<String, Result<Arc<Value>, Problem>>>,
}

impl DataFiles {
    pub fn new(content_dir: PathBuf) -> Self {
        DataFiles {
            content_dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The parsed contents of `path` (relative to `content/`).
    pub fn load(&self, path: &str) -> Result<Arc<Value>, Problem> {
        if let Some(cached) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
            return cached.clone();
        }
        let result = self.read(path).map(Arc::new);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), result.clone());
        result
    }

    fn read(&self, path: &str) -> Result<Value, Problem> {
        let relative = Path::new(path.trim_start_matches('/'));
        let file = self.content_dir.join(relative);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(Problem::new(
                Location::file(&file),
                "`load_data` only reads files inside content/",
            )
            .hint("give a path under content/, such as \"data/figures.toml\""));
        }
        let boundary = crate::paths::real_path(&self.content_dir);
        let text =
            crate::input::read_source(&file, &boundary, "the data file").map_err(|unread| {
                match unread.missing {
                    true => Problem::new(
                        Location::file(&file),
                        "cannot read the data file: there is no such file",
                    )
                    .hint("check the path given to load_data; it is relative to content/"),
                    false => unread.problem,
                }
            })?;
        let text = text.as_str();
        let extension = relative
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        parse(&file, text, &extension)
    }
}

/// Parses data `text` by its file extension.
pub fn parse(file: &Path, text: &str, extension: &str) -> Result<Value, Problem> {
    match extension {
        "toml" => toml::from_str::<toml::Value>(text)
            .map(toml_to_json)
            .map_err(|e| {
                let at = e.span().map_or(0, |s| s.start);
                Problem::new(
                    Location::at_offset(file, text, at),
                    format!("invalid TOML: {}", e.message().trim_end()),
                )
            }),
        "json" => serde_json::from_str(text)
            .map(crate::fields::clean_json)
            .map_err(|e| {
                Problem::new(
                    Location::at_line_column(file, text, e.line(), e.column()),
                    format!("invalid JSON: {e}")
                        .split(" at line ")
                        .next()
                        .unwrap_or("invalid JSON")
                        .to_string(),
                )
            }),
        "yaml" | "yml" => {
            let value = crate::fields::parse_yaml(file, text, 0, text)?;
            yaml_to_json(value).map_err(|m| Problem::new(Location::file(file), m))
        }
        "csv" => parse_csv(file, text),
        _ => Err(Problem::new(
            Location::file(file),
            "`load_data` reads .toml, .json, .yaml, .yml and .csv files",
        )
        .hint("convert the file to one of these formats")),
    }
}

/// CSV as Zola gives it: `{ headers: [...], records: [[...], ...] }`.
fn parse_csv(file: &Path, text: &str) -> Result<Value, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let error = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line() as usize);
        Problem::new(Location::at_line(file, text, line), format!("invalid CSV: {e}"))
    };
    let headers: Vec<Value> = reader
        .headers()
        .map_err(error)?
        .iter()
        .map(|h| Value::String(h.to_string()))
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(error)?;
        records.push(Value::Array(
            record.iter().map(|f| Value::String(f.to_string())).collect(),
        ));
    }
    Ok(serde_json::json!({ "headers": headers, "records": records }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format() {
        let f = Path::new("d");
        assert_eq!(parse(f, "a = 1\n", "toml").unwrap(), serde_json::json!({"a": 1}));
        assert_eq!(
            parse(f, "{\"a\": [1]}", "json").unwrap(),
            serde_json::json!({"a": [1]})
        );
        assert_eq!(parse(f, "a: x\n", "yaml").unwrap(), serde_json::json!({"a": "x"}));
        assert_eq!(
            parse(f, "n,v\nx,1\n", "csv").unwrap(),
            serde_json::json!({"headers": ["n", "v"], "records": [["x", "1"]]})
        );
    }

    #[test]
    fn errors_have_lines() {
        let f = Path::new("d.json");
        let problem = parse(f, "{\n  \"a\": ,\n}", "json").unwrap_err();
        assert_eq!(problem.at.line, Some(2));
        let problem = parse(Path::new("d.csv"), "a,b\n1,2\n3\n", "csv").unwrap_err();
        assert_eq!(problem.at.line, Some(3));
    }

    #[test]
    fn data_nests_up_to_each_readers_limit() {
        let f = Path::new("d");
        fn lists(depth: usize) -> String {
            format!("{}{}", "[".repeat(depth), "]".repeat(depth))
        }
        // The readers' own limits: YAML 128 levels, JSON 127, TOML 80 below
        // the table at the top.
        type Nested = fn(usize) -> String;
        let cases: [(&str, usize, Nested); 3] = [
            ("json", 127, lists),
            ("yaml", 128, lists),
            ("toml", 80, |depth| format!("a = {}", lists(depth))),
        ];
        for (format, limit, text) in cases {
            assert!(parse(f, &text(limit), format).is_ok(), "{format} at {limit}");
            let problem = parse(f, &text(limit + 1), format).unwrap_err();
            assert!(problem.at.line.is_some(), "{format}: {problem}");
            assert!(parse(f, &text(100_000), format).is_err(), "{format} far deeper");
        }
    }

    #[test]
    fn refuses_paths_outside_content() {
        let files = DataFiles::new(PathBuf::from("content"));
        let problem = files.load("../secret.toml").unwrap_err();
        assert!(problem.message.contains("only reads files inside content/"));
    }
}
