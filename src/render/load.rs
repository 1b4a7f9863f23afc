//! Loading a theme: the built-in files, a site's `templates/` over them,
//! each template parsed and checked (syntax, nesting, the templates it
//! names), and the hashes that tell when a page must render again.

use super::*;

/// Reads the built-in theme and every file under `root/templates` over it,
/// reporting every syntax error and every reference to a template that
/// does not exist.
pub fn load_theme(root: &Path) -> Result<Theme, Vec<Error>> {
    let dir = site_path(root, TEMPLATES_DIR);
    let mut files = ThemeFiles::built_in();
    let errors = files.read_folder(&dir);
    from_files(files, &dir, errors)
}

/// The built-in theme alone, as a site without `templates/` has it.
pub fn built_in_theme() -> Result<Theme, Vec<Error>> {
    from_files(ThemeFiles::built_in(), Path::new(BUILT_IN_LABEL), Vec::new())
}

/// The theme of `files`, read from `dir` with `errors`.
fn from_files(mut files: ThemeFiles, _dir: &Path, mut errors: Vec<Error>) -> Result<Theme, Vec<Error>> {
    files.replace_overridden_components();
    let translations = match files.take_translations().and_then(Translations::load) {
        Ok(translations) => Arc::new(translations),
        Err(found) => {
            errors.extend(found);
            Arc::default()
        }
    };
    let links: BTreeMap<&str, Links> = files
        .sources
        .iter()
        .map(|(name, (_, text))| (name.as_str(), Links::of(text)))
        .collect();
    errors.extend(chains::check(&files.sources, &links));
    errors.extend(compile::unordered_context(&files.sources));
    if !errors.is_empty() {
        return Err(errors);
    }
    let compiled = match compile::compile(&files.sources) {
        Ok(compiled) if errors.is_empty() => compiled,
        Ok(_) => return Err(errors),
        Err(more) => {
            errors.extend(more);
            return Err(errors);
        }
    };
    let dependencies = dependencies(&links);
    let words = translations.fingerprint();
    let hashes = template_hashes(&files.sources, &dependencies)
        .into_iter()
        .map(|(name, hash)| (name, hash ^ words))
        .collect();
    let static_files = files
        .statics
        .into_iter()
        .map(|(output, source)| StaticFile { output, source })
        .collect();
    let reads = files
        .sources
        .iter()
        .map(|(name, (_, text))| {
            let deps = dependencies.get(name.as_str()).cloned().unwrap_or_default();
            (name.clone(), (CostlyFields::read_by(text), deps))
        })
        .collect();
    let fixed_ids = fixed_ids(&files.sources);
    let defining_components: HashSet<String> = links
        .iter()
        .filter(|(_, links)| !links.defines.is_empty())
        .map(|(name, _)| name.to_string())
        .collect();
    let callable = links
        .keys()
        .filter(|name| defining_components.contains(**name) || name.starts_with("shortcodes/"))
        .map(|name| name.to_string())
        .collect();
    let mut tera = compiled.tera;
    // In English until a build names the site's language.
    super::translations::register(&mut tera, &translations, "en");
    Ok(Theme {
        callable,
        defining_components,
        tera,
        left_out: compiled.left_out,
        sources: files.sources,
        hashes,
        static_files,
        translations,
        reads,
        fixed_ids,
    })
}

/// A theme's files: templates by name with their file and text, and the
/// other files by output path.
pub(super) struct ThemeFiles {
    sources: BTreeMap<String, (PathBuf, String)>,
    statics: BTreeMap<String, ThemeSource>,
}

impl ThemeFiles {
    pub(super) fn built_in() -> Self {
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

    /// Takes the site's `templates/translations.toml` out of the files to
    /// copy (the built-in one is read where it is), as its file and text.
    fn take_translations(&mut self) -> Result<Option<(PathBuf, String)>, Vec<Error>> {
        match self.statics.remove(TRANSLATIONS_FILE) {
            Some(ThemeSource::File(file)) => {
                crate::input::read_source(&file.path, &file.folder, "the translations")
                    .map(|text| Some((file.path.clone(), text)))
                    .map_err(|unread| vec![Error::template(unread.problem)])
            }
            _ => Ok(None),
        }
    }

    /// Leaves out a built-in template whose components a site's own
    /// templates all define again: a site's component replaces the
    /// built-in one of its name, wherever the site defines it.
    pub(super) fn replace_overridden_components(&mut self) {
        let built_in = |file: &Path| file.starts_with(BUILT_IN_LABEL);
        let own: HashSet<String> = self
            .sources
            .values()
            .filter(|(file, _)| !built_in(file))
            .flat_map(|(_, text)| Links::of(text).defines)
            .collect();
        if own.is_empty() {
            return;
        }
        self.sources.retain(|_, (file, text)| {
            let defines = Links::of(text).defines;
            !(built_in(file) && !defines.is_empty() && defines.iter().all(|c| own.contains(c)))
        });
    }

    /// Reads every file under `dir` over the ones there are; without a
    /// `templates/` at all, the built-in theme serves as it is.
    pub(super) fn read_folder(&mut self, dir: &Path) -> Vec<Error> {
        let present =
            !matches!(std::fs::symlink_metadata(dir), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        if !present {
            return Vec::new();
        }
        let templates_real = crate::paths::real_path(dir);
        let folder: Arc<Path> = Arc::from(templates_real.as_path());
        let boundary = crate::walk::Boundary {
            real: &templates_real,
            name: "the templates folder",
            copy_into: "templates/",
        };
        let (found, problems) = crate::walk::files(dir, boundary);
        let mut errors: Vec<Error> = problems.into_iter().map(Error::template).collect();
        for found in found {
            if let Err(problem) = self.read_one(dir, found, &folder) {
                errors.push(Error::template(problem));
            }
        }
        errors
    }

    /// Reads one file the walk of `dir` found.
    pub(super) fn read_one(
        &mut self,
        dir: &Path,
        found: crate::walk::Found,
        folder: &Arc<Path>,
    ) -> Result<(), Problem> {
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

/// The ids the theme's pages hold of their own (`top`, and every literal
/// `id` of the templates), which no heading may take.
pub(super) fn fixed_ids(sources: &BTreeMap<String, (PathBuf, String)>) -> crate::markdown::IdSet {
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

/// For each template, a hash of its source and its dependencies' hashes, so
/// a change to a parent, an included file or a component it calls changes
/// the hash of every template that uses it. Walked with a stack of its
/// own: a chain of components may be thousands of templates long.
pub(super) fn template_hashes(
    sources: &BTreeMap<String, (PathBuf, String)>,
    dependencies: &HashMap<&str, Vec<String>>,
) -> HashMap<String, u64> {
    let mut done: HashMap<String, u64> = HashMap::new();
    let mut on_path: HashSet<&str> = HashSet::new();
    for start in sources.keys() {
        // (template, whether its dependencies were pushed already)
        let mut stack: Vec<(&str, bool)> = vec![(start.as_str(), false)];
        while let Some((name, expanded)) = stack.pop() {
            if done.contains_key(name) {
                continue;
            }
            let deps = dependencies.get(name).map(Vec::as_slice).unwrap_or_default();
            if !expanded {
                on_path.insert(name);
                stack.push((name, true));
                // A dependency on the path (a loop) counts as its name only.
                let pending = deps
                    .iter()
                    .filter(|d| !done.contains_key(d.as_str()) && !on_path.contains(d.as_str()));
                stack.extend(pending.map(|d| (d.as_str(), false)));
                continue;
            }
            let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
            name.hash(&mut hasher);
            if let Some((_, text)) = sources.get(name) {
                text.hash(&mut hasher);
            }
            for dep in deps {
                done.get(dep.as_str()).copied().unwrap_or(0).hash(&mut hasher);
            }
            on_path.remove(name);
            done.insert(name.to_string(), hasher.finish());
        }
    }
    done
}

/// The templates each template extends, includes, or calls a component
/// of, by name, sorted.
pub(super) fn dependencies<'a>(links: &BTreeMap<&'a str, Links>) -> HashMap<&'a str, Vec<String>> {
    let mut defined_in: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, links) in links {
        for component in &links.defines {
            defined_in.entry(component.as_str()).or_default().push(name);
        }
    }
    links
        .iter()
        .map(|(name, links)| {
            let mut deps: Vec<String> = links.extends.iter().map(|n| n.name.clone()).collect();
            deps.extend(links.includes.iter().map(|n| n.name.clone()));
            for call in &links.calls {
                let found = defined_in.get(call.as_str()).into_iter().flatten();
                deps.extend(found.map(|t| t.to_string()));
            }
            deps.sort();
            deps.dedup();
            deps.retain(|dep| dep != name);
            (*name, deps)
        })
        .collect()
}

/// What a template's tags name of other templates.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Links {
    /// `{% extends "x" %}`.
    pub extends: Option<Named>,
    /// `{% include "x" %}`, each.
    pub includes: Vec<Named>,
    /// The components it calls: `{{ <name ... /> }}`, `{% <name> %}`.
    pub calls: Vec<String>,
    /// The components it defines: `{% component name(...) %}`.
    pub defines: Vec<String>,
}

/// A template named in another, and the byte offset of the name there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Named {
    pub name: String,
    pub at: usize,
}

impl Links {
    /// Read from the tags of a template's source that Tera reads: not
    /// those in comments or `raw` blocks, which are text.
    pub fn of(text: &str) -> Links {
        let mut links = Links::default();
        let quoted = |tag: &str, rest: &str, offset: usize| {
            let trimmed = rest.trim_start();
            let quote = trimmed.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
            let name = trimmed[1..].split(quote).next()?.to_string();
            let at = offset + (tag.len() - trimmed.len()) + 1;
            Some(Named { name, at })
        };
        let name = |rest: &str| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                .collect();
            Some(name).filter(|n| !n.is_empty())
        };
        for (offset, inner) in live_tags(text) {
            let lead = inner.len()
                - inner
                    .trim_start_matches(|c: char| c == '-' || c.is_whitespace())
                    .len();
            let tag = inner.trim_matches(|c: char| c == '-' || c.is_whitespace());
            let offset = offset + lead;
            if let Some(rest) = tag.strip_prefix("extends") {
                links.extends = quoted(tag, rest, offset);
            } else if let Some(rest) = tag.strip_prefix("include") {
                links.includes.extend(quoted(tag, rest, offset));
            } else if let Some(rest) = tag.strip_prefix("component ") {
                links.defines.extend(name(rest.trim_start()));
            }
            // Calls may sit anywhere in an expression, and a body's end
            // tag names the component too.
            for (at, _) in tag.match_indices('<') {
                let rest = tag[at + 1..].trim_start_matches('/');
                links
                    .calls
                    .extend(name(rest).filter(|n| !n.starts_with(|c: char| c.is_ascii_digit())));
            }
        }
        links.calls.sort();
        links.calls.dedup();
        links
    }
}

/// The tags Tera reads in `text`: the offset and the text inside each
/// `{{ }}` and `{% %}`, leaving out comments (`{# #}`) and what a
/// `{% raw %}` block holds.
pub(crate) fn live_tags(text: &str) -> Vec<(usize, &str)> {
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        let inner_start = start + 2;
        let Some(length) = text[inner_start..].find(close) else {
            break;
        };
        let inner = &text[inner_start..inner_start + length];
        at = inner_start + length + 2;
        if close == "#}" {
            continue;
        }
        tags.push((inner_start, inner));
        if close == "%}" && inner.trim_matches(|c: char| c == '-' || c.is_whitespace()) == "raw" {
            at = end_of_raw(text, at);
        }
    }
    tags
}

/// Where the `{% endraw %}` after `from` ends, or the end of `text`.
fn end_of_raw(text: &str, from: usize) -> usize {
    let mut at = from;
    while let Some(found) = text[at..].find("{%") {
        let start = at + found;
        let Some(length) = text[start + 2..].find("%}") else {
            return text.len();
        };
        at = start + 2 + length + 2;
        if text[start + 2..start + 2 + length].trim_matches(|c: char| c == '-' || c.is_whitespace())
            == "endraw"
        {
            return at;
        }
    }
    text.len()
}

/// The first `"name"` or `'name'` in a template, or the file itself.
pub(super) fn locate_quoted(file: &Path, text: &str, name: &str) -> Location {
    [format!("\"{name}\""), format!("'{name}'")]
        .iter()
        .filter_map(|quoted| text.find(quoted.as_str()))
        .min()
        .map_or_else(
            || Location::file(file),
            |at| Location::at_offset(file, text, at + 1),
        )
}
