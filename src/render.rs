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
use crate::content::{Content, Document};
use crate::error::{Error, Location, Problem, site_path};
use crate::markdown::{Heading, Rendered, escape};
use crate::path_map::PathMap;

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

/// The loaded templates and the theme's other files.
pub struct Theme {
    tera: Tera,
    /// Template name -> (file for messages, source), to locate errors.
    sources: BTreeMap<String, (PathBuf, String)>,
    /// Template name -> a hash of its source and of every template it
    /// extends, includes or imports, directly or not.
    hashes: HashMap<String, u64>,
    pub static_files: Vec<StaticFile>,
    /// Template name -> the costlier fields its own source may read, and
    /// the templates it extends, imports or includes.
    reads: HashMap<String, (CostlyFields, Vec<String>)>,
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

/// Reads the built-in theme and every file under `root/templates` over it,
/// reporting every syntax error and every reference to a template that
/// does not exist.
pub fn load_theme(root: &Path) -> Result<Theme, Vec<Error>> {
    let dir = site_path(root, TEMPLATES_DIR);
    let mut files = ThemeFiles::built_in();
    let mut errors = files.read_folder(&dir);
    let parsed = parse_all(&files.sources, &mut errors);
    errors.extend(check_references(&files.sources, &parsed));
    if !errors.is_empty() {
        return Err(errors);
    }
    let hashes = template_hashes(&files.sources, &parsed);
    let mut tera = Tera::default();
    // Escape what could break out of text or a quoted attribute, but not `/`,
    // so URLs and paths print as they are.
    tera.set_escape_fn(escape_html);
    // The templates parsed above, not parsed a second time.
    tera.templates.extend(parsed);
    tera.build_inheritance_chains()
        .and_then(|()| tera.check_macro_files())
        .map_err(|e| {
            vec![Error::Template(Problem::new(
                Location::file(&dir),
                error_chain(&e).join(": "),
            ))]
        })?;
    let static_files = files
        .statics
        .into_iter()
        .map(|(output, source)| StaticFile { output, source })
        .collect();
    let reads = files
        .sources
        .iter()
        .map(|(name, (_, text))| {
            let deps = tera.templates.get(name).map(dependencies).unwrap_or_default();
            (name.clone(), (CostlyFields::read_by(text), deps))
        })
        .collect();
    let fixed_ids = fixed_ids(&files.sources);
    Ok(Theme {
        tera,
        sources: files.sources,
        hashes,
        static_files,
        reads,
        fixed_ids,
    })
}

/// A theme's files: templates by name with their file and text, and the
/// other files by output path.
struct ThemeFiles {
    sources: BTreeMap<String, (PathBuf, String)>,
    statics: BTreeMap<String, ThemeSource>,
}

impl ThemeFiles {
    fn built_in() -> Self {
        let mut files = ThemeFiles {
            sources: BTreeMap::new(),
            statics: BTreeMap::new(),
        };
        for (name, bytes) in built_in_files() {
            if !name.ends_with(".html") {
                files.statics.insert(name, ThemeSource::BuiltIn(bytes));
            } else if let Ok(text) = std::str::from_utf8(bytes) {
                let file = PathBuf::from(format!("{BUILT_IN_LABEL}/{name}"));
                files.sources.insert(name, (file, text.to_string()));
            }
        }
        files
    }

    /// Reads every file under `dir` over the ones there are; without a
    /// `templates/` at all, the built-in theme serves as it is.
    fn read_folder(&mut self, dir: &Path) -> Vec<Error> {
        let present =
            !matches!(std::fs::symlink_metadata(dir), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        if !present {
            return Vec::new();
        }
        let templates_real = crate::input::real_path(dir);
        let folder: Arc<Path> = Arc::from(templates_real.as_path());
        let boundary = crate::walk::Boundary {
            real: &templates_real,
            name: "the templates folder",
            copy_into: "templates/",
        };
        let (found, problems) = crate::walk::files(dir, boundary);
        let mut errors: Vec<Error> = problems.into_iter().map(Error::Template).collect();
        for found in found {
            if let Err(problem) = self.read_one(dir, found, &folder) {
                errors.push(Error::Template(problem));
            }
        }
        errors
    }

    /// Reads one file the walk of `dir` found.
    fn read_one(&mut self, dir: &Path, found: crate::walk::Found, folder: &Arc<Path>) -> Result<(), Problem> {
        if let Some(problem) = found.not_a_file_problem("templates/") {
            return Err(problem);
        }
        let crate::walk::Found { path, real, .. } = found;
        let Some(name) = path
            .strip_prefix(dir)
            .ok()
            .and_then(Path::to_str)
            .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"))
        else {
            return Err(
                Problem::new(Location::file(&path), "the file name is not valid UTF-8")
                    .hint("rename the file"),
            );
        };
        let read_from = real.unwrap_or_else(|| path.clone());
        if !name.ends_with(".html") {
            let file = crate::input::SiteFile {
                path: read_from,
                folder: Arc::clone(folder),
            };
            self.statics.insert(name, ThemeSource::File(file));
            return Ok(());
        }
        match crate::input::read_source(&read_from, folder, "the template") {
            Ok(text) => {
                self.sources.insert(name, (path, text));
                Ok(())
            }
            Err(unread) => {
                let mut problem = unread.problem;
                problem.at.path = path;
                Err(problem)
            }
        }
    }
}

/// Parses each template on its own, so every syntax error is reported;
/// in parallel, as parsing is most of the cost of a small site's build.
fn parse_all(
    sources: &BTreeMap<String, (PathBuf, String)>,
    errors: &mut Vec<Error>,
) -> BTreeMap<String, tera::Template> {
    let results: Vec<(String, Result<tera::Template, Error>)> = sources
        .par_iter()
        .map(|(name, (file, text))| {
            let template = match crate::template_depth::too_deep(file, text) {
                Some(problem) => Err(Error::Template(problem)),
                None => tera::Template::new(name, None, text)
                    .map_err(|e| Error::Template(syntax_problem(file, text, &e))),
            };
            (name.clone(), template)
        })
        .collect();
    let mut parsed = BTreeMap::new();
    for (name, result) in results {
        match result {
            Ok(template) => {
                parsed.insert(name, template);
            }
            Err(error) => errors.push(error),
        }
    }
    parsed
}

/// The ids the theme's pages hold of their own (`top`, and every literal
/// `id` of the templates), which no heading may take.
fn fixed_ids(sources: &BTreeMap<String, (PathBuf, String)>) -> crate::markdown::IdSet {
    let mut fixed_ids = crate::markdown::IdSet::default();
    fixed_ids.insert("top".to_string());
    for (_, text) in sources.values() {
        let mut found = crate::markdown::IdSet::default();
        crate::markdown::collect_html_ids(text, &mut found);
        fixed_ids.extend(
            found
                .into_iter()
                .filter(|id| !id.contains("{{") && !id.contains("{%")),
        );
    }
    fixed_ids
}

/// The fields of `page` and `section` that cost the most to make (each a
/// few maps and lists per page, in every listing of a section too), and
/// whether the theme's templates may read each. One that no template
/// names, as a word anywhere in its source, is left out of every context:
/// what no template reads cannot change a page. Templates that may read a
/// field without naming it (a subscript or an attribute given by a value,
/// a `key, value` loop, `json_encode`, `__tera_context`) get every field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CostlyFields {
    /// `toc`.
    pub toc: bool,
    /// `lower` and `higher`.
    pub neighbours: bool,
    /// `ancestors`.
    pub ancestors: bool,
}

impl CostlyFields {
    pub const ALL: CostlyFields = CostlyFields {
        toc: true,
        neighbours: true,
        ancestors: true,
    };

    pub const NONE: CostlyFields = CostlyFields {
        toc: false,
        neighbours: false,
        ancestors: false,
    };

    /// The fields either may read.
    fn or(self, other: CostlyFields) -> CostlyFields {
        CostlyFields {
            toc: self.toc || other.toc,
            neighbours: self.neighbours || other.neighbours,
            ancestors: self.ancestors || other.ancestors,
        }
    }

    /// The fields a template of this source may read.
    pub fn read_by(text: &str) -> Self {
        if reads_fields_unnamed(text) {
            return CostlyFields::ALL;
        }
        let words: HashSet<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty())
            .collect();
        CostlyFields {
            toc: words.contains("toc"),
            neighbours: words.contains("lower") || words.contains("higher"),
            ancestors: words.contains("ancestors"),
        }
    }
}

/// Whether a template may read a field whose name it does not spell out.
fn reads_fields_unnamed(text: &str) -> bool {
    if text.contains("__tera_context") || text.contains("json_encode") {
        return true;
    }
    tag_contents(text).any(|tag| {
        let trimmed = tag.trim_start_matches('-').trim_start();
        let key_value_loop = trimmed
            .strip_prefix("for")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .and_then(|rest| rest.split_once(" in "))
            .is_some_and(|(variables, _)| variables.contains(','));
        let compact: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
        key_value_loop
            || compact.contains("|get(")
            || named_by_value(&compact, "attribute=")
            || subscript_by_value(&compact)
    })
}

/// The text inside each `{{ }}` and `{% %}` of a template.
fn tag_contents(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let after = &rest[start + 1..];
            let close = match after.as_bytes().first() {
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                _ => {
                    rest = after;
                    continue;
                }
            };
            let inner = &after[1..];
            let end = inner.find(close).unwrap_or(inner.len());
            rest = &inner[end..];
            return Some(&inner[..end]);
        }
    })
}

/// Whether `argument` (such as `attribute=`) is given anything but a quoted
/// string in `compact` (a tag without its whitespace).
fn named_by_value(compact: &str, argument: &str) -> bool {
    compact.match_indices(argument).any(|(at, _)| {
        !matches!(
            compact.as_bytes().get(at + argument.len()),
            Some(b'"' | b'\'' | b'`')
        )
    })
}

/// Whether `compact` (a tag without its whitespace) subscripts a value by
/// anything but a quoted name or a number: `page[name]`, `page["t" ~ "oc"]`.
fn subscript_by_value(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    (1..bytes.len()).any(|at| {
        let before = bytes[at - 1];
        let subscript =
            bytes[at] == b'[' && (before.is_ascii_alphanumeric() || matches!(before, b'_' | b']' | b')'));
        if !subscript {
            return false;
        }
        let inside = &compact[at + 1..];
        let literal = match inside.as_bytes().first() {
            Some(&quote @ (b'"' | b'\'' | b'`')) => inside[1..]
                .find(quote as char)
                .is_some_and(|end| inside[end + 2..].starts_with(']')),
            Some(digit) if digit.is_ascii_digit() => inside
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with(']'),
            _ => false,
        };
        !literal
    })
}

/// For each template, a hash of its source and its dependencies' hashes, so
/// a change to a parent or an included file changes the hash of every
/// template that uses it.
fn template_hashes(
    sources: &BTreeMap<String, (PathBuf, String)>,
    parsed: &BTreeMap<String, tera::Template>,
) -> HashMap<String, u64> {
    fn hash_of(
        name: &str,
        sources: &BTreeMap<String, (PathBuf, String)>,
        parsed: &BTreeMap<String, tera::Template>,
        done: &mut HashMap<String, u64>,
        visiting: &mut HashSet<String>,
    ) -> u64 {
        if let Some(hash) = done.get(name) {
            return *hash;
        }
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        name.hash(&mut hasher);
        if let Some((_, text)) = sources.get(name) {
            text.hash(&mut hasher);
        }
        if visiting.insert(name.to_string())
            && let Some(template) = parsed.get(name)
        {
            for dep in dependencies(template) {
                hash_of(&dep, sources, parsed, done, visiting).hash(&mut hasher);
            }
            visiting.remove(name);
        }
        let hash = hasher.finish();
        done.insert(name.to_string(), hash);
        hash
    }
    let mut done = HashMap::new();
    for name in sources.keys() {
        hash_of(name, sources, parsed, &mut done, &mut HashSet::new());
    }
    done
}

/// The templates `template` extends, imports macros from or includes, by
/// name, sorted.
fn dependencies(template: &tera::Template) -> Vec<String> {
    let mut deps: Vec<String> = template.parent.iter().cloned().collect();
    deps.extend(template.imported_macro_files.iter().map(|(file, _)| file.clone()));
    let mut includes = Vec::new();
    collect_includes(&template.ast, &mut includes);
    deps.extend(includes.into_iter().flat_map(|(names, _)| names));
    deps.sort();
    deps.dedup();
    deps
}

/// A Tera syntax error, at the line and column Tera gives.
fn syntax_problem(file: &Path, text: &str, error: &tera::Error) -> Problem {
    let report = error.to_string();
    let position = report
        .split_once("--> ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|pos| pos.split_once(':'))
        .and_then(|(line, column)| Some((line.parse().ok()?, column.parse().ok()?)));
    let expected = report
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("= "))
        .unwrap_or("invalid syntax");
    let at = match position {
        Some((line, column)) => Location::at_line_column(file, text, line, column),
        None => Location::file(file),
    };
    Problem::new(at, format!("template syntax error: {expected}"))
        .hint("check that every {{ has its }}, every {% its %}, and every block its end tag")
}

/// Finds `extends`, `import` and `include` of templates that do not exist,
/// and `include` cycles (which Tera would follow until the stack overflows).
fn check_references(
    sources: &BTreeMap<String, (PathBuf, String)>,
    parsed: &BTreeMap<String, tera::Template>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    let exists = |name: &str| sources.contains_key(name);
    let mut includes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, template) in parsed {
        let (file, text) = &sources[name];
        let missing = |kind: &str, target: &str| {
            Error::Template(
                Problem::new(
                    locate_quoted(file, text, target),
                    format!("{kind} template `{target}`, which does not exist"),
                )
                .hint(format!("create templates/{target}, or fix the name")),
            )
        };
        if let Some(parent) = &template.parent
            && !exists(parent)
        {
            errors.push(missing("extends", parent));
        }
        for (imported, _) in &template.imported_macro_files {
            if !exists(imported) {
                errors.push(missing("imports macros from", imported));
            }
        }
        let mut found = Vec::new();
        collect_includes(&template.ast, &mut found);
        let mut targets = Vec::new();
        for (names, ignore_missing) in found {
            match names.iter().find(|n| exists(n)) {
                Some(target) => targets.push(target.clone()),
                None if ignore_missing => {}
                None => errors.push(missing("includes", &names[0])),
            }
        }
        includes.insert(name, targets);
    }
    // Each template's chain of includes: one that comes back to a template
    // on it is a loop, one longer than the renderer's stack takes is too deep.
    let mut reported: HashSet<&str> = HashSet::new();
    let mut heights: HashMap<&str, usize> = HashMap::new();
    for start in includes.keys() {
        let mut path: Vec<&str> = Vec::new();
        let Err(fault) = include_height(&includes, start, &mut path, &mut heights) else {
            continue;
        };
        let chain = match &fault {
            IncludeFault::Loop(chain) | IncludeFault::TooDeep(chain) => chain,
        };
        if !reported.insert(chain[0]) {
            continue;
        }
        let (file, text) = &sources[chain[0]];
        let (message, hint) = match &fault {
            IncludeFault::Loop(_) => (
                format!("templates include each other in a loop: {}", chain.join(" -> ")),
                "remove one of these includes".to_string(),
            ),
            IncludeFault::TooDeep(_) => (
                format!(
                    "templates include each other more than {MAX_INCLUDE_DEPTH} deep: {} -> ...",
                    chain.iter().take(4).copied().collect::<Vec<_>>().join(" -> ")
                ),
                format!("keep chains of includes to {MAX_INCLUDE_DEPTH} templates at most"),
            ),
        };
        errors.push(Error::Template(
            Problem::new(locate_quoted(file, text, chain[1]), message).hint(hint),
        ));
        reported.extend(chain.iter().copied());
    }
    errors
}

/// Templates include templates this deep at most: rendering calls itself
/// for each level.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// What is wrong with a chain of includes: the templates on it, in order.
enum IncludeFault<'a> {
    /// The last template is one met before.
    Loop(Vec<&'a str>),
    /// Longer than [`MAX_INCLUDE_DEPTH`].
    TooDeep(Vec<&'a str>),
}

/// How many levels of includes lie below `name`, with `path` the chain
/// that led to it; `heights` keeps each template's, so that every template
/// is walked once.
fn include_height<'a>(
    graph: &BTreeMap<&'a str, Vec<String>>,
    name: &'a str,
    path: &mut Vec<&'a str>,
    heights: &mut HashMap<&'a str, usize>,
) -> Result<usize, IncludeFault<'a>> {
    let too_deep = |path: &[&'a str]| {
        let mut chain = path.to_vec();
        chain.push(name);
        IncludeFault::TooDeep(chain)
    };
    if let Some(&height) = heights.get(name) {
        return match path.len() + height > MAX_INCLUDE_DEPTH {
            true => Err(too_deep(path)),
            false => Ok(height),
        };
    }
    if let Some(at) = path.iter().position(|p| *p == name) {
        let mut cycle = path[at..].to_vec();
        cycle.push(name);
        return Err(IncludeFault::Loop(cycle));
    }
    if path.len() > MAX_INCLUDE_DEPTH {
        return Err(too_deep(path));
    }
    path.push(name);
    let mut height = 0;
    for next in graph.get(name).into_iter().flatten() {
        let Some((&next, _)) = graph.get_key_value(next.as_str()) else {
            continue;
        };
        height = height.max(1 + include_height(graph, next, path, heights)?);
    }
    path.pop();
    heights.insert(name, height);
    Ok(height)
}

fn collect_includes(nodes: &[tera::ast::Node], found: &mut Vec<(Vec<String>, bool)>) {
    use tera::ast::Node;
    for node in nodes {
        match node {
            Node::Include(_, names, ignore_missing) => found.push((names.clone(), *ignore_missing)),
            Node::Block(_, block, _) => collect_includes(&block.body, found),
            Node::MacroDefinition(_, definition, _) => collect_includes(&definition.body, found),
            Node::FilterSection(_, section, _) => collect_includes(&section.body, found),
            Node::Forloop(_, forloop, _) => {
                collect_includes(&forloop.body, found);
                if let Some(empty) = &forloop.empty_body {
                    collect_includes(empty, found);
                }
            }
            Node::If(condition, _) => {
                for (_, _, body) in &condition.conditions {
                    collect_includes(body, found);
                }
                if let Some((_, body)) = &condition.otherwise {
                    collect_includes(body, found);
                }
            }
            _ => {}
        }
    }
}

/// The first `"name"` or `'name'` in a template, or the file itself.
fn locate_quoted(file: &Path, text: &str, name: &str) -> Location {
    [format!("\"{name}\""), format!("'{name}'")]
        .iter()
        .filter_map(|quoted| text.find(quoted.as_str()))
        .min()
        .map_or_else(
            || Location::file(file),
            |at| Location::at_offset(file, text, at + 1),
        )
}

/// The messages of a Tera error and its causes, outermost first.
fn error_chain(error: &tera::Error) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    messages
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

/// The files of the output that are copied, not rendered (assets under
/// `content/`, the theme's stylesheet and icons), for
/// `get_url(..., cachebust=true)`: each file's content hash, read once, on
/// first use.
#[derive(Debug, Default)]
pub struct FileHashes {
    sources: HashMap<String, ThemeSource>,
    hashes: std::sync::Mutex<HashMap<String, String>>,
}

impl FileHashes {
    /// `files`: output path and where its bytes come from.
    pub fn new(files: impl IntoIterator<Item = (String, ThemeSource)>) -> Self {
        FileHashes {
            sources: files.into_iter().collect(),
            hashes: std::sync::Mutex::default(),
        }
    }

    /// The first 16 hex digits of the file's 64-bit xxh3 hash.
    fn hash(&self, output: &str) -> Result<String, String> {
        let mut hashes = self
            .hashes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(hash) = hashes.get(output) {
            return Ok(hash.clone());
        }
        let digest = match self.sources.get(output) {
            Some(ThemeSource::BuiltIn(bytes)) => xxhash_rust::xxh3::xxh3_64(bytes),
            Some(ThemeSource::File(file)) => match file.open().and_then(crate::input::read_all) {
                Ok(bytes) => xxhash_rust::xxh3::xxh3_64(&bytes),
                Err(e) => return Err(e.problem(&file.path, "the file").message),
            },
            None => return Err(format!("`cachebust` applies to files, and `{output}` is a page")),
        };
        let hash = format!("{digest:016x}");
        hashes.insert(output.to_string(), hash.clone());
        Ok(hash)
    }
}

/// What `get_url(..., cachebust=true)` puts after a file's address, before
/// the hash, and how many hex digits the hash has.
pub const CACHEBUST_MARK: &str = "?h=";
pub const CACHEBUST_DIGITS: usize = 16;

/// `get_url(path=...)`: the address of a content file (`@/x.md`) or an
/// output path (`style.css`), relative to the page being written. With
/// `cachebust=true`, a file's address ends in `?h=` and a hash of its
/// content, so that hosts may cache it for good: a changed file gets a new
/// address.
struct GetUrl {
    index: Arc<UrlIndex>,
    files: Arc<FileHashes>,
}

impl tera::Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = match args.get("path") {
            Some(Value::String(path)) => path,
            Some(other) => return Err(format!("`get_url` needs `path` as text, not `{other}`").into()),
            None => return Err("`get_url` needs a `path`, e.g. get_url(path=\"@/rare-earths.md\")".into()),
        };
        let cachebust = match args.get("cachebust") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) => true,
            Some(other) => {
                return Err(format!("`get_url` needs `cachebust` as true or false, not `{other}`").into());
            }
        };
        let target = match path.strip_prefix("@/") {
            Some(source) => self.index.by_source(source),
            None => self.index.by_output(path),
        };
        match target {
            Some(Target::File(file)) if cachebust => {
                let hash = self.files.hash(file)?;
                Ok(Value::String(format!(
                    "{}{CACHEBUST_MARK}{hash}",
                    escape(&urls::from_root(file))
                )))
            }
            Some(Target::Document { .. }) if cachebust => {
                Err(format!("`cachebust` applies to files, and `{path}` is a page").into())
            }
            Some(Target::Document { file, .. } | Target::File(file)) => {
                Ok(Value::String(escape(&urls::from_root(file))))
            }
            Some(Target::Unusable) => Ok(Value::String(String::new())),
            Some(Target::Draft) => Err(format!("`{path}` is a draft, which this build leaves out").into()),
            None => Err(format!("`{path}` is not a page or file of this site").into()),
        }
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `load_data(path=...)`: a TOML, JSON, YAML or CSV file under `content/`.
struct LoadData {
    data: Arc<DataFiles>,
}

impl tera::Function for LoadData {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let Some(Value::String(path)) = args.get("path") else {
            return Err(
                "`load_data` needs a `path` as text, e.g. load_data(path=\"data/figures.toml\")".into(),
            );
        };
        match self.data.load(path) {
            Ok(value) => Ok((*value).clone()),
            Err(problem) => Err(format!("{}: {}", problem.at, problem.message).into()),
        }
    }
}

/// Renders `templates/shortcodes/NAME.html` with the call's arguments as
/// variables, `body` (the HTML of the call's body, for calls with one) and
/// `config`.
pub struct ShortcodeRenderer<'a> {
    pub theme: &'a Theme,
    config: Value,
    names: Vec<String>,
}

impl<'a> ShortcodeRenderer<'a> {
    pub fn new(theme: &'a Theme, config: &Config) -> Self {
        let names = theme
            .template_names()
            .filter_map(|t| t.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .map(str::to_string)
            .collect();
        ShortcodeRenderer {
            theme,
            config: serde_json::to_value(config).unwrap_or(Value::Null),
            names,
        }
    }
}

impl ShortcodeTemplates for ShortcodeRenderer<'_> {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn render(&self, name: &str, args: &Map<String, Value>, body: Option<&str>) -> Result<String, Problem> {
        let mut context = Context::new();
        context.insert("config", &self.config);
        for (key, value) in args {
            context.insert(key.as_str(), value);
        }
        if let Some(body) = body {
            context.insert("body", body);
        }
        let size = 1024 + body.map_or(0, str::len);
        self.theme
            .render(&format!("shortcodes/{name}.html"), &context, size)
    }
}

/// Reading time in minutes at 200 words a minute, at least 1 for any text.
pub fn reading_time(word_count: usize) -> usize {
    word_count.div_ceil(200)
}

/// Builds the values templates see: `config`, `page`, `section`, `current_path`.
pub struct Contexts<'a> {
    content: &'a Content,
    listing_keys: &'a [u64],
    section_pages: &'a HashMap<String, SectionPages>,
    /// The rendered Markdown of each section and page.
    sections: &'a [&'a Rendered],
    pages: &'a [&'a Rendered],
    config: Value,
    base_url: Option<String>,
    /// Each page as listings show it: every field but `content`.
    page_listings: Vec<Arc<Value>>,
    /// In a one-shot build, each page's listing is made when first needed
    /// (by its section, as a rule), owned: moved into its section's
    /// `section.pages`, handed back here after the section renders, then
    /// moved into the page's own context. No listing is copied, none is
    /// kept for a next render, and only those of the sections being
    /// rendered are in memory at once.
    lent_listings: Vec<Mutex<Option<Value>>>,
    /// Each page's HTML, when the build gave it away (see
    /// [`Contexts::with_contents`]): moved into the page's context instead
    /// of copied. `None` where it stays in the rendered Markdown.
    contents: Vec<Mutex<Option<String>>>,
    /// The costlier fields the templates may read; the others are not made.
    fields: CostlyFields,
}

/// A section's `section.pages` from its last render, with the listing keys
/// it was made of; empty while the section renders.
type SectionPages = Mutex<Option<(Vec<u64>, Vec<Value>)>>;

/// Listings built by earlier renders, reused while what they are made of
/// is the same.
#[derive(Debug, Default)]
pub struct ListingCache {
    /// Each page's listing, by source file, with its listing key.
    pages: PathMap<(u64, Arc<Value>)>,
    /// Each section's `section.pages` from its last render, by source file,
    /// with the listing keys it was made of. A section renders with this
    /// array patched where listings changed, and hands it back after, so a
    /// section of thousands of pages is not copied for each edit.
    sections: HashMap<String, SectionPages>,
}

impl<'a> Contexts<'a> {
    /// `listing_keys[i]` is a hash of everything page `i`'s listing is built
    /// from; a listing in `cache` under the same key is reused. With
    /// `lend_listings` (a build that renders once and ends), listings are
    /// neither reused nor kept, and each is moved rather than copied into
    /// the contexts: render each section before its pages. Only the
    /// costlier `fields` the templates may read are made.
    #[expect(
        clippy::too_many_arguments,
        reason = "each is a separate input of the listings; a struct would only rename them"
    )]
    pub fn new(
        config: &Config,
        content: &'a Content,
        sections: &'a [&'a Rendered],
        pages: &'a [&'a Rendered],
        listing_keys: &'a [u64],
        cache: &'a mut ListingCache,
        lend_listings: bool,
        fields: CostlyFields,
    ) -> Self {
        let current: HashSet<&str> = content.sections.iter().map(|s| s.doc.source.as_str()).collect();
        cache
            .sections
            .retain(|source, _| current.contains(source.as_str()));
        for section in &content.sections {
            cache.sections.entry(section.doc.source.clone()).or_default();
        }
        let ListingCache {
            pages: page_cache,
            sections: section_pages,
        } = cache;
        let cache = page_cache;
        let mut contexts = Contexts {
            content,
            listing_keys,
            section_pages,
            sections,
            pages,
            config: serde_json::to_value(config).unwrap_or(Value::Null),
            base_url: config.base_url.clone(),
            page_listings: Vec::new(),
            lent_listings: Vec::new(),
            contents: Vec::new(),
            fields,
        };
        if lend_listings {
            contexts.lent_listings = content.pages.iter().map(|_| Mutex::new(None)).collect();
            return contexts;
        }
        let reusable: Vec<Option<Arc<Value>>> = content
            .pages
            .iter()
            .zip(listing_keys)
            .map(|(page, key)| match cache.get(&page.doc.source) {
                Some((cached, value)) if cached == key => Some(Arc::clone(value)),
                _ => None,
            })
            .collect();
        let reusable_flags: Vec<bool> = reusable.iter().map(Option::is_some).collect();
        contexts.page_listings = reusable
            .into_par_iter()
            .enumerate()
            .map(|(i, reused)| reused.unwrap_or_else(|| Arc::new(contexts.listing(i))))
            .collect();
        // Only the listings made anew go into the cache; pages that are gone leave it.
        for (i, reused) in reusable_flags.iter().enumerate() {
            if !reused {
                let page = &content.pages[i];
                cache.insert(
                    page.doc.source.clone(),
                    (listing_keys[i], Arc::clone(&contexts.page_listings[i])),
                );
            }
        }
        if cache.len() != content.pages.len() {
            let current: HashSet<&str> = content.pages.iter().map(|p| p.doc.source.as_str()).collect();
            cache.retain(|source, _| current.contains(source.as_str()));
        }
        contexts
    }

    /// Gives the pages' HTML to move into their contexts, one slot a page
    /// (`None`: copy it from the rendered Markdown). Each page's HTML is then
    /// freed as soon as the page is rendered, and the memory goes to the
    /// pages after it, instead of all of it being held to the end.
    pub fn with_contents(mut self, contents: Vec<Mutex<Option<String>>>) -> Self {
        self.contents = contents;
        self
    }

    /// Page `i` as listings show it: every field but `content`, and the
    /// neighbours' briefs as `lower` and `higher`.
    fn listing(&self, i: usize) -> Value {
        let page = &self.content.pages[i];
        let mut value = self.document(&page.doc, self.pages[i], Some(page.section));
        let (lower, higher) = self.neighbours(i);
        let brief = |n: usize| self.brief(&self.content.pages[n].doc);
        if self.fields.neighbours {
            value.insert("lower".into(), lower.map_or(Value::Null, brief));
            value.insert("higher".into(), higher.map_or(Value::Null, brief));
        }
        Value::Object(value)
    }

    /// Page `i`'s listing: in a one-shot build, the one its section handed
    /// back, or made now; a copy of the kept one otherwise.
    fn listing_of(&self, i: usize) -> Value {
        match self.lent_listings.get(i) {
            Some(slot) => lock(slot).take().unwrap_or_else(|| self.listing(i)),
            None => (*self.page_listings[i]).clone(),
        }
    }

    /// The previous and next page in the page's section.
    fn neighbours(&self, page: usize) -> (Option<usize>, Option<usize>) {
        let list = &self.content.sections[self.content.pages[page].section].pages;
        let Some(at) = list.iter().position(|&p| p == page) else {
            return (None, None);
        };
        (at.checked_sub(1).map(|i| list[i]), list.get(at + 1).copied())
    }

    fn permalink(&self, path: &str) -> Value {
        match &self.base_url {
            Some(base) => Value::String(format!("{base}{}", urls::without_root(&urls::from_root(path)))),
            None => Value::Null,
        }
    }

    /// A short description of a page, for `lower`/`higher`.
    fn brief(&self, doc: &Document) -> Value {
        // Made directly, as in `document`: each field through serde costs more.
        let front = &doc.front;
        let mut map = Map::new();
        map.insert("title".into(), Value::String(front.title.clone()));
        map.insert(
            "description".into(),
            front.description.clone().map_or(Value::Null, Value::String),
        );
        map.insert(
            "date".into(),
            front
                .date
                .as_ref()
                .map_or(Value::Null, |d| Value::String(d.text.clone())),
        );
        map.insert("path".into(), Value::String(doc.path.clone()));
        map.insert("permalink".into(), self.permalink(&doc.path));
        map.insert("relative_path".into(), Value::String(doc.source.clone()));
        Value::Object(map)
    }

    /// The fields pages and sections share.
    fn document(&self, doc: &Document, rendered: &Rendered, parent: Option<usize>) -> Map<String, Value> {
        let front = &doc.front;
        let ancestors: Vec<Value> = parent
            .filter(|_| self.fields.ancestors)
            .map(|s| self.content.section_chain(s))
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                let section = &self.content.sections[s].doc;
                let mut map = Map::new();
                map.insert("title".into(), Value::String(section.front.title.clone()));
                map.insert("path".into(), Value::String(section.path.clone()));
                map.insert("relative_path".into(), Value::String(section.source.clone()));
                Value::Object(map)
            })
            .collect();
        let slug = doc.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        // Values made directly: going through serde for each field costs
        // more than the listing's other work together.
        let text = |t: &str| Value::String(t.to_string());
        let optional = |t: Option<&str>| t.map_or(Value::Null, text);
        let mut map = Map::new();
        map.insert("title".into(), text(&front.title));
        map.insert("description".into(), optional(front.description.as_deref()));
        map.insert(
            "date".into(),
            optional(front.date.as_ref().map(|d| d.text.as_str())),
        );
        map.insert(
            "updated".into(),
            optional(front.updated.as_ref().map(|d| d.text.as_str())),
        );
        map.insert("slug".into(), text(slug));
        map.insert("path".into(), text(&doc.path));
        map.insert("permalink".into(), self.permalink(&doc.path));
        map.insert("summary".into(), optional(rendered.summary.as_deref()));
        if self.fields.toc {
            map.insert("toc".into(), toc_value(&rendered.toc));
        }
        map.insert("relative_path".into(), text(&doc.source));
        map.insert("weight".into(), front.weight.map_or(Value::Null, Value::from));
        map.insert("word_count".into(), Value::from(rendered.word_count));
        map.insert(
            "reading_time".into(),
            Value::from(reading_time(rendered.word_count)),
        );
        map.insert("extra".into(), front.extra.clone());
        if self.fields.ancestors {
            map.insert("ancestors".into(), Value::Array(ancestors));
        }
        map
    }

    /// The variables every template gets, and `name` set to `value`.
    /// (Built as one JSON object and moved into the context: inserting
    /// values one by one would copy each of them again.)
    fn context(&self, current_path: &str, name: &str, value: Option<Value>) -> Context {
        let mut map = Map::new();
        map.insert("config".into(), self.config.clone());
        map.insert("current_path".into(), Value::String(current_path.to_string()));
        if let Some(value) = value {
            map.insert(name.into(), value);
        }
        Context::from_value(Value::Object(map)).unwrap_or_default()
    }

    /// The length of page `index`'s rendered Markdown.
    pub fn content_len(&self, index: usize) -> usize {
        match self
            .contents
            .get(index)
            .map(|slot| lock(slot).as_ref().map(String::len))
        {
            Some(Some(len)) => len,
            _ => self.pages[index].html.len(),
        }
    }

    /// The context of page `index`: its listing (whose `lower` and `higher`
    /// are the neighbours' briefs) and its content.
    pub fn page(&self, index: usize) -> Context {
        let rendered = self.pages[index];
        let mut page = match self.listing_of(index) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let content = match self.contents.get(index).map(|slot| lock(slot).take()) {
            Some(Some(html)) => html,
            _ => rendered.html.clone(),
        };
        page.insert("content".into(), Value::String(content));
        self.context(
            &self.content.pages[index].doc.path,
            "page",
            Some(Value::Object(page)),
        )
    }

    /// The context of section `index` (0 is the home page).
    pub fn section(&self, index: usize) -> Context {
        let rendered = self.sections[index];
        let section = &self.content.sections[index];
        let mut value = self.document(&section.doc, rendered, section.parent);
        value.insert("content".into(), Value::String(rendered.html.clone()));
        let keys = self.section_keys(index);
        let kept = self
            .section_pages
            .get(&section.doc.source)
            .and_then(|slot| lock(slot).take());
        let pages: Vec<Value> = match kept {
            Some((old_keys, mut pages)) if old_keys.len() == keys.len() => {
                for (at, (new, old)) in keys.iter().zip(&old_keys).enumerate() {
                    if new != old {
                        pages[at] = (*self.page_listings[section.pages[at]]).clone();
                    }
                }
                pages
            }
            _ => section.pages.par_iter().map(|&p| self.listing_of(p)).collect(),
        };
        value.insert("pages".into(), Value::Array(pages));
        let subsections = section
            .subsections
            .iter()
            .map(|&s| {
                let doc = &self.content.sections[s].doc;
                json!({
                    "title": doc.front.title,
                    "description": doc.front.description,
                    "path": doc.path,
                    "permalink": self.permalink(&doc.path),
                    "relative_path": doc.source,
                    "extra": doc.front.extra,
                })
            })
            .collect();
        value.insert("subsections".into(), Value::Array(subsections));
        self.context(&section.doc.path, "section", Some(Value::Object(value)))
    }

    /// Takes back `section.pages` from a section's rendered context: in a
    /// one-shot build, each listing goes back to its page; otherwise the
    /// array is kept, to patch for the section's next render.
    pub fn section_done(&self, index: usize, mut context: Context) {
        let section = &self.content.sections[index];
        let Some(Value::Object(mut value)) = context.remove("section") else {
            return;
        };
        let Some(Value::Array(pages)) = value.remove("pages") else {
            return;
        };
        if self.lent_listings.is_empty() {
            if let Some(slot) = self.section_pages.get(&section.doc.source) {
                *lock(slot) = Some((self.section_keys(index), pages));
            }
        } else {
            for (&page, listing) in section.pages.iter().zip(pages) {
                if let Some(slot) = self.lent_listings.get(page) {
                    *lock(slot) = Some(listing);
                }
            }
        }
    }

    fn section_keys(&self, index: usize) -> Vec<u64> {
        self.content.sections[index]
            .pages
            .iter()
            .map(|&p| self.listing_keys[p])
            .collect()
    }

    /// The context of the 404 page.
    pub fn not_found(&self) -> Context {
        self.context(NOT_FOUND, "", None)
    }
}

/// The table of contents as templates see it: what serialising it gives,
/// made directly.
fn toc_value(toc: &[Heading]) -> Value {
    Value::Array(
        toc.iter()
            .map(|heading| {
                let mut map = Map::new();
                map.insert("level".into(), Value::from(heading.level));
                map.insert("id".into(), Value::String(heading.id.clone()));
                map.insert("title".into(), Value::String(heading.title.clone()));
                map.insert("children".into(), toc_value(&heading.children));
                Value::Object(map)
            })
            .collect(),
    )
}

/// A mutex's value, also after a thread panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_inside_tags_only() {
        let text = "page.nope is text\n<p>{{ page.nope_not }} {{ page.nope }}</p>";
        let at = find_in_tags(text, "page.nope").unwrap();
        assert_eq!(&text[at..at + 14], "page.nope }}</");
        assert_eq!(find_in_tags("{{ x }} upper", "upper"), None);
        assert!(find_in_tags("{{ x | upper }}", "upper").is_some());
    }

    #[test]
    fn candidates_innermost_first() {
        let chain = vec![
            "Failed to render 'c.html'".to_string(),
            "Filter call 'upper' failed".to_string(),
            "Filter `upper` was called on an incorrect value: got `1` but expected a String".to_string(),
        ];
        assert_eq!(candidates(&chain), vec!["upper", "1"]);
    }

    #[test]
    fn toc_is_what_serialising_it_gives() {
        let heading = |level, id: &str, children| Heading {
            level,
            id: id.to_string(),
            title: format!("Title of {id}"),
            children,
        };
        let toc = vec![
            heading(2, "a", vec![heading(3, "a-1", vec![heading(4, "a-1-x", vec![])])]),
            heading(2, "b", vec![]),
        ];
        assert_eq!(toc_value(&toc), serde_json::to_value(&toc).unwrap());
        assert_eq!(toc_value(&[]), json!([]));
    }

    #[test]
    fn costly_fields_are_those_a_template_names() {
        let read = CostlyFields::read_by;
        let none = CostlyFields::NONE;
        assert_eq!(read("<h1>{{ page.title }}</h1>{{ page.content | safe }}"), none);
        assert_eq!(
            read("{% for p in section.pages %}{{ p.title }}{% endfor %}{% set a = [1, 2] %}{{ a[0] }}"),
            none
        );
        let toc = CostlyFields { toc: true, ..none };
        assert_eq!(read("{% for h in page.toc %}{{ h.id }}{% endfor %}"), toc);
        assert_eq!(read("{{ page[\"toc\"] | length }}"), toc);
        assert_eq!(read("{{ p.toc }}"), toc);
        assert_eq!(
            read("{% if page.higher %}{{ page.higher.title }}{% endif %}"),
            CostlyFields {
                neighbours: true,
                ..none
            }
        );
        assert!(read("{{ page.lower.path }}").neighbours);
        assert_eq!(
            read("{% for a in page.ancestors %}{% endfor %}"),
            CostlyFields {
                ancestors: true,
                ..none
            }
        );
        // A word outside the tags counts too: the scan errs on the side of making more.
        assert_eq!(read("<nav class=\"toc\"></nav>"), toc);
        // Fields read by names that are not spelled out: every field.
        for text in [
            "{{ page[name] }}",
            "{{ page[\"t\" ~ \"oc\"] }}",
            "{{ page [ key ] }}",
            "{% for key, value in page %}{{ key }}{% endfor %}",
            "{%- for key,value in page -%}{%- endfor -%}",
            "{{ page | json_encode() }}",
            "{{ __tera_context }}",
            "{{ page | get(key=name) }}",
            "{{ section.pages | sort(attribute=by) }}",
        ] {
            assert_eq!(read(text), CostlyFields::ALL, "{text}");
        }
        assert_eq!(read("{{ section.pages | sort(attribute=\"title\") }}"), none);
        assert_eq!(read("{{ page | get(key = \"title\") }}"), CostlyFields::ALL);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time(0), 0);
        assert_eq!(reading_time(1), 1);
        assert_eq!(reading_time(200), 1);
        assert_eq!(reading_time(201), 2);
    }
}
