//! Tera: the theme's templates loaded once, the context each page is
//! rendered with, and the `get_url` and `load_data` functions.
//!
//! Template errors point at the template's line and column, from the
//! spans Tera 2 gives for syntax and runtime errors alike.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde_json::{Map, Value};

use tera::{Context, Kwargs, State, Tera, TeraResult};

use crate::body::ShortcodeTemplates;
use crate::config::Config;
use crate::content::data::DataFiles;
use crate::content::{Content, DocRef, Document};
use crate::error::{Error, Location, Problem, site_path};
use crate::markdown::{Heading, Rendered, escape};
use crate::path_map::PathMap;

mod chains;
mod compile;
mod components;
mod contexts;
mod fields;
mod functions;
mod load;
mod markup;
mod share_image;
mod tera1;
#[cfg(test)]
mod tests;
mod translations;

pub use chains::MAX_CHAIN_DEPTH;
pub use compile::TERA_MIGRATION_GUIDE;
pub use contexts::{Contexts, ListingCache, reading_time};
pub use fields::CostlyFields;
use functions::*;
pub use functions::{CACHEBUST_DIGITS, CACHEBUST_MARK, FileHashes, ShortcodeRenderer};
use load::Links;
use load::*;
pub use load::{built_in_theme, load_theme};
pub use markup::built_in_markup;
#[cfg(test)]
pub(crate) use markup::built_in_markup_for_tests;
pub use translations::{TRANSLATIONS_FILE, Translations};

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
/// `section.html` for other sections, `sources.html` for the page that
/// lists the sources, `page.html` for other pages).
pub fn template_of(content: &Content, at: DocRef) -> &str {
    let default = match at {
        DocRef::Section(0) => "index.html",
        DocRef::Section(_) => "section.html",
        DocRef::Page(_) if content.doc(at).source == crate::content::sources::SOURCES_PAGE => "sources.html",
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
    /// Built-in templates the site's own break, with the error, reported
    /// when a page renders with one.
    pub(super) left_out: BTreeMap<String, Problem>,
    /// Template name -> (file for messages, source), to locate errors.
    pub(super) sources: BTreeMap<String, (PathBuf, String)>,
    /// Template name -> a hash of its source and of every template it
    /// extends, includes or imports, directly or not.
    pub(super) hashes: HashMap<String, u64>,
    pub static_files: Vec<StaticFile>,
    /// The theme's words in every language (`trans`).
    pub translations: Arc<Translations>,
    /// Template name -> the costlier fields its own source may read, and
    /// the templates it extends, imports or includes.
    pub(super) reads: HashMap<String, (CostlyFields, Vec<String>)>,
    /// The templates that Markdown may call: those that define components,
    /// and the shortcode templates.
    pub(super) callable: Vec<String>,
    /// The templates that define components.
    pub(super) defining_components: HashSet<String>,
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

    /// A hash of every template Markdown may call and everything each uses:
    /// when it changes, every page's Markdown renders again.
    pub fn callable_hash(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        for name in &self.callable {
            (name, self.template_hash(name)).hash(&mut hasher);
        }
        hasher.finish()
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

    /// The file a template comes from, for messages.
    pub fn template_file(&self, name: &str) -> PathBuf {
        self.sources.get(name).map_or_else(
            || PathBuf::from(format!("{TEMPLATES_DIR}/{name}")),
            |(file, _)| file.clone(),
        )
    }

    /// The template files, by name.
    pub fn template_names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// Registers `get_url`, `load_data`, `get_source` and `trans`, which
    /// answer from this build's addresses, files, content folder, sources
    /// and language.
    pub fn register_functions(
        &mut self,
        index: Arc<UrlIndex>,
        files: Arc<FileHashes>,
        data: Arc<DataFiles>,
        content: &Content,
        language: &str,
    ) {
        translations::register(&mut self.tera, &self.translations, language);
        let get_source = GetSource {
            sources: Arc::new(GetSource::entries(content)),
        };
        self.tera
            .register_function("get_source", move |kwargs: Kwargs, _: &State| {
                get_source.call(&kwargs)
            });
        let get_url = GetUrl { index, files };
        self.tera
            .register_function("get_url", move |kwargs: Kwargs, _: &State| get_url.call(&kwargs));
        let load_data = LoadData { data };
        self.tera
            .register_function("load_data", move |kwargs: Kwargs, _: &State| {
                load_data.call(&kwargs)
            });
    }

    /// Renders `template`; the error names the template's line and column.
    /// `size_hint` is the room the output starts with (a page's content and
    /// its frame fit at once, instead of the output being copied each time
    /// it outgrows its buffer).
    pub fn render(&self, template: &str, context: &Context, size_hint: usize) -> Result<String, Problem> {
        if let Some(problem) = self.left_out.get(template) {
            return Err(problem.clone());
        }
        let mut output = Vec::with_capacity(size_hint);
        self.tera
            .render_to(template, context, &mut output)
            .map_err(|e| self.problem(&e, Some(template)))?;
        // Tera writes only strings: the bytes are UTF-8.
        Ok(String::from_utf8(output).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Tera's error on components nested too deep says neither which nor
    /// where: said again at the first place a site's own template calls a
    /// component it defines itself, or in general at `fallback`.
    fn components_too_deep(&self, fallback: Location) -> Problem {
        let own = self
            .sources
            .values()
            .filter(|(file, _)| !file.starts_with(BUILT_IN_LABEL));
        let calling_itself = own.into_iter().find_map(|(file, text)| {
            let links = Links::of(text);
            let name = links.defines.iter().find(|name| links.calls.contains(name))?;
            let at = load::live_tags(text)
                .into_iter()
                .find_map(|(offset, tag)| Some(offset + tag.find(&format!("<{name}"))? + 1))?;
            Some((name.clone(), Location::at_offset(file, text, at)))
        });
        let limit = "Tera stops at 20 components inside one another";
        match calling_itself {
            Some((name, at)) => Problem::new(
                at,
                format!("template error: the component `{name}` calls itself too deeply: {limit}"),
            )
            .hint("give the component a condition under which it stops calling itself"),
            None => Problem::new(
                fallback,
                format!("template error: components call components too deeply: {limit}"),
            )
            .hint("look for components that call one another in a loop, or nest fewer of them"),
        }
    }

    /// A Tera error as a problem at its template's line; one Tera gives no
    /// place for is put at `template`, the one being rendered.
    pub(super) fn problem(&self, error: &tera::Error, template: Option<&str>) -> Problem {
        let fallback = match template.and_then(|t| self.sources.get(t)) {
            Some((file, _)) => Location::file(file),
            None => Location::file(TEMPLATES_DIR),
        };
        if error.to_string().contains("recursion depth for components") {
            return self.components_too_deep(fallback);
        }
        let mut problems = compile::problems(error, &self.sources, &fallback);
        problems.truncate(1);
        problems
            .pop()
            .unwrap_or_else(|| Problem::new(Location::file(TEMPLATES_DIR), error.to_string()))
    }
}
