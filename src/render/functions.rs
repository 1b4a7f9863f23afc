//! The functions templates call: `get_url` (with cachebust hashes),
//! `load_data`, and shortcodes rendered through their templates.

use super::*;

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
/// address.
pub(super) struct GetUrl {
    pub(super) index: Arc<UrlIndex>,
    pub(super) files: Arc<FileHashes>,
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
pub(super) struct LoadData {
    pub(super) data: Arc<DataFiles>,
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
