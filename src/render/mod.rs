//! Tera: the theme's templates loaded once, the context each page is
//! rendered with, and the `get_url` and `load_data` functions.
//!
//! Template errors point at the template's line: syntax errors carry one;
//! for runtime errors Tera gives none, so the failing variable, filter or
//! function is looked up in the template's source and its parents.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde_json::{Map, Value, json};
use tera::{Context, Tera};

use crate::body::ShortcodeTemplates;
use crate::config::Config;
use crate::content::data::DataFiles;
use crate::content::{Content, DocRef, Document};
use crate::error::{Error, Location, Problem, site_path};
use crate::markdown::{Heading, Rendered, escape};
use crate::path_map::PathMap;

mod contexts;
mod fields;
mod functions;
mod load;
mod markup;
#[cfg(test)]
mod tests;

pub use contexts::{Contexts, ListingCache, reading_time};
pub use fields::CostlyFields;
use functions::*;
pub use functions::{CACHEBUST_DIGITS, CACHEBUST_MARK, FileHashes, ShortcodeRenderer};
use load::*;
pub use load::{MAX_INCLUDE_DEPTH, built_in_theme, load_theme};
pub use markup::built_in_markup;
#[cfg(test)]
pub(crate) use markup::built_in_markup_for_tests;

fn escape_html(text: &str) -> String {
    escape(text)
}
use crate::urls::{self, Target, UrlIndex};

/// The folder, relative to the site root.
pub const TEMPLATES_DIR: &str = "templates";

/// The built-in theme: the bundled explainer's templates, shortcodes,
/// stylesheet and icon, compiled into the program. A site without a
/// `templates/` folder uses it as it is; a site's own files under
/// `templates/` replace it file by file.
pub static BUILT_IN_THEME: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates");

/// How messages name a file of the built-in theme.
pub const BUILT_IN_LABEL: &str = "(built-in theme)";

/// The page a host shows for an address that has none, when the theme has
/// its template.
pub const NOT_FOUND: &str = "404.html";

/// Every file of the built-in theme, by path, in order.
pub fn built_in_files() -> Vec<(String, &'static [u8])> {
    embedded_files(&BUILT_IN_THEME)
}

/// Every file of a folder compiled into the program, by path (with `/`
/// separators), in order.
pub fn embedded_files(dir: &'static include_dir::Dir) -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static include_dir::Dir, out: &mut Vec<(String, &'static [u8])>) {
        for file in dir.files() {
            if let Some(path) = file.path().to_str() {
                out.push((path.replace('\\', "/"), file.contents()));
            }
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
}

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum ThemeSource {
    /// The site's own `templates/`.
    File(crate::input::SiteFile),
    /// The built-in theme.
    BuiltIn(&'static [u8]),
}

/// A file of the theme that is not a template, copied to the output root.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path under `templates/`, which is also its output path.
    pub output: String,
    pub source: ThemeSource,
}

/// The template a document renders with: the one its front matter names,
/// or the default for its kind (`index.html` for the home page,
/// `section.html` for other sections, `page.html` for pages).
pub fn template_of(content: &Content, at: DocRef) -> &str {
    let default = match at {
        DocRef::Section(0) => "index.html",
        DocRef::Section(_) => "section.html",
        DocRef::Page(_) => "page.html",
    };
    content
        .doc(at)
        .front
        .template
        .as_ref()
        .map_or(default, |(name, _)| name.as_str())
}

/// The loaded templates and the theme's other files.
pub struct Theme {
    pub(super) tera: Tera,
    /// Template name -> (file for messages, source), to locate errors.
    pub(super) sources: BTreeMap<String, (PathBuf, String)>,
    /// Template name -> a hash of its source and of every template it
    /// extends, includes or imports, directly or not.
    pub(super) hashes: HashMap<String, u64>,
    pub static_files: Vec<StaticFile>,
    /// Template name -> the costlier fields its own source may read, and
    /// the templates it extends, imports or includes.
    pub(super) reads: HashMap<String, (CostlyFields, Vec<String>)>,
    /// The ids the templates write as they are (`id="main"`), and `top`,
    /// which a page's "back to top" link means: no heading may take one.
    pub fixed_ids: crate::markdown::IdSet,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.sources.keys().collect::<Vec<_>>())
            .field("static_files", &self.static_files)
            .finish()
    }
}

impl Theme {
    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// A hash of the template and everything it uses; 0 for a missing one.
    pub fn template_hash(&self, name: &str) -> u64 {
        self.hashes.get(name).copied().unwrap_or(0)
    }

    /// The costlier fields that rendering `templates` may read: theirs and
    /// those of every template they extend, import or include.
    pub fn fields_read_by<'a>(&self, templates: impl IntoIterator<Item = &'a str>) -> CostlyFields {
        let mut fields = CostlyFields::NONE;
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = templates.into_iter().collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            if let Some((own, deps)) = self.reads.get(name) {
                fields = fields.or(*own);
                stack.extend(deps.iter().map(String::as_str));
            }
        }
        fields
    }

    /// The template files, by name.
    pub fn template_names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// Registers `get_url` and `load_data`, which answer from this build's
    /// addresses, files and content folder.
    pub fn register_functions(&mut self, index: Arc<UrlIndex>, files: Arc<FileHashes>, data: Arc<DataFiles>) {
        self.tera.register_function("get_url", GetUrl { index, files });
        self.tera.register_function("load_data", LoadData { data });
    }

    /// Renders `template`; the error names the template's line when it can
    /// be found. `size_hint` is the room the output starts with (a page's
    /// content and its frame fit at once, instead of the output being
    /// copied each time it outgrows its buffer).
    pub fn render(&self, template: &str, context: &Context, size_hint: usize) -> Result<String, Problem> {
        let mut output = Vec::with_capacity(size_hint);
        self.tera
            .render_to(template, context, &mut output)
            .map_err(|e| self.runtime_problem(template, &e))?;
        // Tera writes only strings: the bytes are UTF-8.
        Ok(String::from_utf8(output).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    fn runtime_problem(&self, template: &str, error: &tera::Error) -> Problem {
        let chain = error_chain(error);
        // Tera says where the fault is when it is in a parent template.
        let happened_in = chain[0]
            .split_once("(error happened in '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(name, _)| name.to_string());
        let message = chain
            .iter()
            .rev()
            .find(|m| !m.starts_with("Failed to render") && !m.contains(" call '"))
            .cloned()
            .unwrap_or_else(|| chain.join(": "));
        let message = message
            .split(" while rendering '")
            .next()
            .unwrap_or(&message)
            .to_string();

        let mut order: Vec<&str> = Vec::new();
        if let Some(name) = &happened_in {
            order.push(name);
        }
        order.push(template);
        if let Ok(t) = self.tera.get_template(template) {
            order.extend(t.parents.iter().map(String::as_str));
        }
        order.extend(self.sources.keys().map(String::as_str));

        let at = candidates(&chain)
            .iter()
            .find_map(|needle| {
                order.iter().find_map(|name| {
                    let (file, text) = self.sources.get(*name)?;
                    find_in_tags(text, needle).map(|offset| Location::at_offset(file, text, offset))
                })
            })
            .or_else(|| {
                let name = happened_in.as_deref().unwrap_or(template);
                self.sources.get(name).map(|(file, _)| Location::file(file))
            })
            .unwrap_or_else(|| Location::file(format!("{TEMPLATES_DIR}/{template}")));
        let hint = if message.contains("calls deep") {
            "give the macro a condition under which it stops calling itself"
        } else if message.starts_with("Variable `") {
            "check the name, or guard it with {% if ... %} or the `default` filter"
        } else if message.starts_with("Filter `") {
            "check the type of the value the filter is applied to"
        } else {
            "check the expression on this line"
        };
        Problem::new(at, format!("template error: {message}")).hint(hint)
    }
}

/// Names a Tera error quotes (`page.nope`, `upper`, `x`), innermost first.
fn candidates(chain: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for message in chain.iter().rev() {
        for quote in ['`', '\''] {
            let mut parts = message.split(quote);
            parts.next();
            while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
                if !inside.is_empty() && !inside.ends_with(".html") && !found.iter().any(|f| f == inside) {
                    found.push(inside.to_string());
                }
            }
        }
    }
    found
}

/// Byte offset of `needle` as a whole word inside a `{{ }}` or `{% %}` tag.
fn find_in_tags(text: &str, needle: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = text[from..].find(needle) {
        let at = from + found;
        from = at + needle.len().max(1);
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        let whole_word = !before.is_some_and(is_word) && !after.is_some_and(is_word);
        let open = text[..at].rfind("{{").max(text[..at].rfind("{%"));
        let close = text[..at].rfind("}}").max(text[..at].rfind("%}"));
        let in_tag = match (open, close) {
            (Some(o), Some(c)) => o > c,
            (Some(_), None) => true,
            _ => false,
        };
        if whole_word && in_tag {
            return Some(at);
        }
    }
    None
}
