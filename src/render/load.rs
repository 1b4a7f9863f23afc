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
fn from_files(files: ThemeFiles, dir: &Path, mut errors: Vec<Error>) -> Result<Theme, Vec<Error>> {
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
            vec![Error::template(Problem::new(
                Location::file(dir),
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

/// Parses each template on its own, so every syntax error is reported;
/// in parallel, as parsing is most of the cost of a small site's build.
pub(super) fn parse_all(
    sources: &BTreeMap<String, (PathBuf, String)>,
    errors: &mut Vec<Error>,
) -> BTreeMap<String, tera::Template> {
    let results: Vec<(String, Result<tera::Template, Error>)> = sources
        .par_iter()
        .map(|(name, (file, text))| {
            let template = match crate::template_depth::too_deep(file, text) {
                Some(problem) => Err(Error::template(problem)),
                None => tera::Template::new(name, None, text)
                    .map_err(|e| Error::template(syntax_problem(file, text, &e))),
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
/// a change to a parent or an included file changes the hash of every
/// template that uses it.
pub(super) fn template_hashes(
    sources: &BTreeMap<String, (PathBuf, String)>,
    parsed: &BTreeMap<String, tera::Template>,
) -> HashMap<String, u64> {
    pub(super) fn hash_of(
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
pub(super) fn dependencies(template: &tera::Template) -> Vec<String> {
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
pub(super) fn syntax_problem(file: &Path, text: &str, error: &tera::Error) -> Problem {
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
pub(super) fn check_references(
    sources: &BTreeMap<String, (PathBuf, String)>,
    parsed: &BTreeMap<String, tera::Template>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    let exists = |name: &str| sources.contains_key(name);
    let mut includes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, template) in parsed {
        let (file, text) = &sources[name];
        let missing = |kind: &str, target: &str| {
            Error::template(
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
        errors.push(Error::template(
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
pub(super) enum IncludeFault<'a> {
    /// The last template is one met before.
    Loop(Vec<&'a str>),
    /// Longer than [`MAX_INCLUDE_DEPTH`].
    TooDeep(Vec<&'a str>),
}

/// How many levels of includes lie below `name`, with `path` the chain
/// that led to it; `heights` keeps each template's, so that every template
/// is walked once.
pub(super) fn include_height<'a>(
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

pub(super) fn collect_includes(nodes: &[tera::ast::Node], found: &mut Vec<(Vec<String>, bool)>) {
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

/// The messages of a Tera error and its causes, outermost first.
pub(super) fn error_chain(error: &tera::Error) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    messages
}
