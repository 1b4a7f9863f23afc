//! The functions templates call: `get_url` (with cachebust hashes),
//! `load_data`, `get_source`, and shortcodes rendered through their templates.

use super::*;
use crate::body::CallFailure;
use crate::content::sources::SOURCES_PAGE;

/// An error a template function gives.
fn fail<T>(message: String) -> TeraResult<T> {
    Err(tera::Error::message(message))
}

/// An error for an argument of `function` that is not one of `known`
/// (a misspelt `cachebust` would otherwise be left out without a word).
pub(super) fn known_arguments(function: &str, kwargs: &Kwargs, known: &[&str]) -> TeraResult<()> {
    let Some(unknown) = kwargs
        .iter()
        .filter_map(|(key, _)| key.as_str())
        .find(|key| !known.contains(key))
    else {
        return Ok(());
    };
    let quoted: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    let near = crate::suggest::nearest(unknown, known)
        .map(|near| format!(": did you mean `{near}`?"))
        .unwrap_or_default();
    fail(format!(
        "`{function}` takes {}, and no `{unknown}`{near}",
        quoted.join(", ")
    ))
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
    pub(super) fn hash(&self, output: &str) -> Result<String, String> {
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
/// address. With `optional=true`, a path that is not there gives "".
pub(super) struct GetUrl {
    pub(super) index: Arc<UrlIndex>,
    pub(super) files: Arc<FileHashes>,
}

impl GetUrl {
    pub(super) fn call(&self, kwargs: &Kwargs) -> TeraResult<tera::Value> {
        known_arguments("get_url", kwargs, &["path", "cachebust", "optional"])?;
        let path = match kwargs.get::<tera::Value>("path")? {
            Some(value) => match value.as_str() {
                Some(path) => path.to_string(),
                None => return fail(format!("`get_url` needs `path` as text, not `{value}`")),
            },
            None => {
                return fail("`get_url` needs a `path`, e.g. get_url(path=\"@/rare-earths.md\")".to_string());
            }
        };
        let cachebust = match kwargs.get::<tera::Value>("cachebust")? {
            None => false,
            Some(value) => match value.as_bool() {
                Some(cachebust) => cachebust,
                None => {
                    return fail(format!(
                        "`get_url` needs `cachebust` as true or false, not `{value}`"
                    ));
                }
            },
        };
        let optional = match kwargs.get::<tera::Value>("optional")? {
            None => false,
            Some(value) => match value.as_bool() {
                Some(optional) => optional,
                None => {
                    return fail(format!(
                        "`get_url` needs `optional` as true or false, not `{value}`"
                    ));
                }
            },
        };
        let target = match path.strip_prefix("@/") {
            Some(source) => self.index.by_source(source),
            None => self.index.by_output(&path),
        };
        // Escaped here and marked safe, so it prints as it is wherever it goes.
        let url = |text: String| Ok(tera::Value::safe_string(&escape(&text)));
        match target {
            Some(Target::File(file)) if cachebust => {
                let hash = self.files.hash(file).or_else(fail)?;
                url(format!("{}{CACHEBUST_MARK}{hash}", urls::from_root(file)))
            }
            Some(Target::Document { .. }) if cachebust => {
                fail(format!("`cachebust` applies to files, and `{path}` is a page"))
            }
            Some(Target::Document { file, .. } | Target::File(file)) => url(urls::from_root(file)),
            Some(Target::Unusable) => url(String::new()),
            Some(Target::Draft) => fail(format!("`{path}` is a draft, which this build leaves out")),
            // A file a site may or may not have (`extra.css`).
            None if optional => url(String::new()),
            None => fail(format!("`{path}` is not a page or file of this site")),
        }
    }
}

/// `get_source(id=...)`: what is known of a source of `content/sources/`,
/// and `entry`, the address of its entry on the page listing the sources;
/// none for an id that is not a source (the build reports the claim that
/// names it).
pub(super) struct GetSource {
    pub(super) sources: Arc<Vec<(String, tera::Value)>>,
}

impl GetSource {
    /// Each source as `get_source` gives it.
    pub fn entries(content: &Content) -> Vec<(String, tera::Value)> {
        let Some(page) = content.pages.iter().find(|p| p.doc.source == SOURCES_PAGE) else {
            return Vec::new();
        };
        let page = crate::urls::from_root(&page.doc.output_file());
        content
            .sources
            .list
            .iter()
            .map(|source| {
                let mut entry = tera::Value::from_serializable(&source.about)
                    .into_map()
                    .unwrap_or_default();
                entry.insert("id".into(), tera::Value::from(source.id.as_str()));
                entry.insert(
                    "entry".into(),
                    tera::Value::from(format!("{page}#source-{}", source.id)),
                );
                (source.id.clone(), tera::Value::from(entry))
            })
            .collect()
    }

    pub(super) fn call(&self, kwargs: &Kwargs) -> TeraResult<tera::Value> {
        known_arguments("get_source", kwargs, &["id"])?;
        let Some(id) = kwargs.get::<tera::Value>("id")?.filter(tera::Value::is_string) else {
            return fail("`get_source` needs an `id` as text, e.g. get_source(id=\"report\")".to_string());
        };
        let id = id.as_str().unwrap_or_default();
        Ok(self
            .sources
            .iter()
            .find(|(known, _)| known == id)
            .map_or_else(tera::Value::none, |(_, entry)| entry.clone()))
    }
}

/// `load_data(path=...)`: a TOML, JSON, YAML or CSV file under `content/`.
pub(super) struct LoadData {
    pub(super) data: Arc<DataFiles>,
}

impl LoadData {
    pub(super) fn call(&self, kwargs: &Kwargs) -> TeraResult<tera::Value> {
        known_arguments("load_data", kwargs, &["path"])?;
        let Some(path) = kwargs.get::<tera::Value>("path")?.filter(tera::Value::is_string) else {
            return Err(tera::Error::message(
                "`load_data` needs a `path` as text, e.g. load_data(path=\"data/figures.toml\")",
            ));
        };
        match self.data.load(path.as_str().unwrap_or_default()) {
            Ok(value) => Ok(tera::Value::from_serializable(&*value)),
            Err(problem) => Err(tera::Error::message(format!(
                "{}: {}",
                problem.at, problem.message
            ))),
        }
    }
}

/// Renders what Markdown calls: `templates/shortcodes/NAME.html` with the
/// call's arguments as variables, `body` (the HTML of the call's body, for
/// calls with one) and `config`; or, where there is no such template (or
/// it defines components), the component `NAME`, whose `@config` argument
/// is the site's settings.
pub struct ShortcodeRenderer<'a> {
    pub theme: &'a Theme,
    config: tera::Value,
    implicits: Context,
    names: Vec<String>,
    /// Whether the site has sources: only then is a quote or figure that
    /// names none worth a lint.
    has_sources: bool,
}

impl<'a> ShortcodeRenderer<'a> {
    pub fn new(theme: &'a Theme, config: &Config) -> Self {
        let mut names: Vec<String> = theme
            .template_names()
            .filter_map(|t| t.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .map(str::to_string)
            .collect();
        names.extend(theme.component_names());
        names.sort();
        names.dedup();
        let config = tera::Value::from_serializable(config);
        let mut implicits = Context::new();
        implicits.insert_value("config", config.clone());
        ShortcodeRenderer {
            theme,
            config,
            implicits,
            names,
            has_sources: false,
        }
    }

    /// The renderer for a site with sources (see `has_sources`).
    pub fn with_sources(mut self, has_sources: bool) -> Self {
        self.has_sources = has_sources;
        self
    }
}

impl ShortcodeTemplates for ShortcodeRenderer<'_> {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn takes_source(&self, name: &str) -> bool {
        self.has_sources && self.theme.component_takes(name, "source")
    }

    fn render(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, CallFailure> {
        let template = format!("shortcodes/{name}.html");
        // A file there that defines components is not a shortcode template.
        let shortcode =
            self.theme.has_template(&template) && !self.theme.defining_components.contains(&template);
        if !shortcode {
            return self.theme.render_component(name, args, body, &self.implicits);
        }
        let mut context = Context::new();
        context.insert_value("config", self.config.clone());
        for (key, value) in args {
            context.insert(key.clone(), value);
        }
        if let Some(body) = body {
            context.insert("body", body);
        }
        let size = 1024 + body.map_or(0, str::len);
        self.theme
            .render(&template, &context, size)
            .map_err(CallFailure::Template)
    }
}
