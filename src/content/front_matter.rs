//! Front matter: the `+++` (TOML) or `---` (YAML) block that opens every
//! Markdown file, split off the body with byte offsets kept, so every
//! message points at a line of the file itself.

use std::path::Path;

use serde_json::Value;

use crate::error::{Location, Problem};
use crate::fields::{Date, Fields};

/// The two conventions Zola and Hugo users know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// Where the parts of a file are, as byte offsets into its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub format: Format,
    /// The fields, between the delimiter lines.
    pub fields: std::ops::Range<usize>,
    /// The Markdown after the closing delimiter line.
    pub body_start: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub offset: usize,
    pub message: &'static str,
    pub hint: &'static str,
}

const START_HINT: &str = "start the file with a line `+++`, then `title = \"...\"`, then a line `+++` (or the same with `---` and `title: ...` for YAML)";

/// Splits `text` (without a byte order mark) into front matter and body.
pub fn split(text: &str) -> Result<Split, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError {
            offset: 0,
            message: "the file is empty",
            hint: START_HINT,
        });
    }
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let delimiter = text[..first_end].trim_end();
    let format = match delimiter {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => {
            return Err(SplitError {
                offset: 0,
                message: "the file does not start with front matter",
                hint: START_HINT,
            });
        }
    };
    let mut offset = first_end;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == delimiter {
            return Ok(Split {
                format,
                fields: first_end..offset,
                body_start: end,
            });
        }
        offset = end;
    }
    Err(SplitError {
        offset: 0,
        message: if format == Format::Toml {
            "the front matter opened here is never closed"
        } else {
            "the YAML front matter opened here is never closed"
        },
        hint: if format == Format::Toml {
            "add a line with just `+++` after the last field"
        } else {
            "add a line with just `---` after the last field"
        },
    })
}

/// The fields of a page or section.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub weight: Option<i64>,
    pub draft: bool,
    /// Another template than the default, and where it was asked for.
    pub template: Option<(String, Location)>,
    /// The last part of the page's URL, and where it was written.
    pub slug: Option<(String, Location)>,
    /// The image shared links to the page show instead of its card: a
    /// file under `content/` or an absolute address, and where it was
    /// written.
    pub image: Option<(String, Location)>,
    /// What that image shows, in words.
    pub image_alt: Option<String>,
    pub extra: Value,
}

impl Default for FrontMatter {
    /// No field given: `extra` is an empty table, as templates expect.
    fn default() -> Self {
        FrontMatter {
            title: String::new(),
            description: None,
            date: None,
            updated: None,
            weight: None,
            draft: false,
            template: None,
            slug: None,
            image: None,
            image_alt: None,
            extra: Value::Object(serde_json::Map::new()),
        }
    }
}

/// Whether the file is a page or a section's `_index.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Section,
}

const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "template",
    "slug",
    "image",
    "image_alt",
    "extra",
];

/// The fields of the front matter of `text`, the contents of `path`, in
/// TOML or YAML, and the byte offset where the body after it starts.
pub fn fields_of<'a>(path: &'a Path, text: &'a str) -> Result<(Fields<'a>, usize), Vec<Problem>> {
    let split = split(text)
        .map_err(|e| vec![Problem::new(Location::at_offset(path, text, e.offset), e.message).hint(e.hint)])?;
    let table = &text[split.fields.clone()];
    let fields = match split.format {
        Format::Toml => Fields::from_toml(path, text, split.fields.start, table),
        Format::Yaml => Fields::from_yaml(path, text, split.fields.start, table),
    }
    .map_err(|p| vec![p])?;
    Ok((fields, split.body_start))
}

/// Splits and reads the front matter of `text`, the contents of `path`.
/// Returns the fields and the byte offset where the Markdown body starts.
pub fn parse(path: &Path, text: &str, kind: Kind) -> Result<(FrontMatter, usize), Vec<Problem>> {
    let (mut fields, body_start) = fields_of(path, text)?;

    let mut problems = Vec::new();
    fields.reject_unknown(PAGE_KEYS, "front matter");
    let what = match kind {
        Kind::Page => "the page",
        Kind::Section => "the section",
    };
    let template_at = fields.location_of("template");
    let slug_at = fields.location_of("slug");
    let title = fields.required_string("title", what);
    let description = fields.string("description");
    let date = fields.date("date");
    let updated = fields.date("updated");
    let weight = fields.integer("weight");
    let draft = fields.bool("draft").unwrap_or(false);
    let template = fields.string("template");
    let slug = fields.string("slug");
    let image_at = fields.location_of("image");
    let image = fields.string("image");
    let image_alt = fields.string("image_alt");
    let extra = fields.table("extra");
    if let Err(found) = fields.finish() {
        problems.extend(found);
    }
    if let Some(template) = &template
        && (template.is_empty() || template.contains("..") || template.starts_with('/'))
    {
        problems.push(
            Problem::new(
                template_at.clone(),
                format!("`template` is not a template name: `{template}`"),
            )
            .hint("name a file under templates/, such as \"timeline.html\""),
        );
    }
    if slug.is_some() && kind == Kind::Section {
        problems.push(
            Problem::new(slug_at.clone(), "a section has no `slug`")
                .hint("a section's URL comes from its folder's name; rename the folder instead"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((
        FrontMatter {
            title: title.unwrap_or_default(),
            description,
            date,
            updated,
            weight,
            draft,
            template: template.map(|t| (t, template_at)),
            slug: slug.map(|s| (s, slug_at)),
            image: image.map(|i| (i, image_at)),
            image_alt,
            extra,
        },
        body_start,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml_with_crlf() {
        let text = "+++\r\ntitle = \"a\"\r\n+++\r\nbody\r\n";
        let split = split(text).unwrap();
        assert_eq!(split.format, Format::Toml);
        assert_eq!(&text[split.fields.clone()], "title = \"a\"\r\n");
        assert_eq!(&text[split.body_start..], "body\r\n");

        let text = "---\ntitle: a\n---";
        let split = super::split(text).unwrap();
        assert_eq!(split.format, Format::Yaml);
        assert_eq!(split.body_start, text.len());
    }

    #[test]
    fn a_different_delimiter_does_not_close() {
        let error = split("+++\ntitle = \"a\"\n---\nbody\n").unwrap_err();
        assert_eq!(error.message, "the front matter opened here is never closed");
        assert_eq!(split("").unwrap_err().message, "the file is empty");
        assert_eq!(
            split("# Title\n").unwrap_err().message,
            "the file does not start with front matter"
        );
    }

    #[test]
    fn parses_every_field() {
        let text = "+++\ntitle = \"T\"\ndate = 2025-06-09\nweight = 2\ndraft = true\nslug = \"s\"\n[extra]\nn = [1, 2]\n+++\nHello\n";
        let (front, body) = parse(Path::new("p.md"), text, Kind::Page).unwrap();
        assert_eq!(front.title, "T");
        assert_eq!(front.date.unwrap().text, "2025-06-09");
        assert_eq!(front.weight, Some(2));
        assert!(front.draft);
        assert_eq!(front.slug.unwrap().0, "s");
        assert_eq!(front.extra, serde_json::json!({"n": [1, 2]}));
        assert_eq!(&text[body..], "Hello\n");
    }

    #[test]
    fn yaml_dates_match_toml_dates() {
        let toml = parse(
            Path::new("a"),
            "+++\ntitle = \"T\"\n[extra]\nd = 2025-06-09\n+++\n",
            Kind::Page,
        )
        .unwrap()
        .0;
        let yaml = parse(
            Path::new("b"),
            "---\ntitle: T\nextra:\n  d: 2025-06-09\n---\n",
            Kind::Page,
        )
        .unwrap()
        .0;
        assert_eq!(toml.extra, yaml.extra);
    }

    #[test]
    fn section_rejects_slug() {
        let problems = parse(
            Path::new("_index.md"),
            "+++\ntitle = \"T\"\nslug = \"x\"\n+++\n",
            Kind::Section,
        )
        .unwrap_err();
        assert_eq!(problems[0].message, "a section has no `slug`");
        assert_eq!(problems[0].at.line, Some(3));
    }
}
