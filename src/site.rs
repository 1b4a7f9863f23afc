//! The pipeline, and the one place that knows the order of the stages:
//! `config -> content -> markdown -> render -> output`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::body::{self, BodyError, ShortcodeTemplates};
use crate::change::ChangeKind;
use crate::config::{self, Config};
use crate::content::data::DataFiles;
use crate::content::glossary::GLOSSARY_FILE;
use crate::content::{self, CONTENT_DIR, Content, DocCache, Document, LoadOptions, Stamp};
use crate::error::{Error, Errors, Location, Problem, site_path};
use crate::feeds;
use crate::links::{AnchorCheck, PageLinks};
use crate::markdown::{Glossary, GlossaryTerm, IdSet, Rendered, TermUse};
use crate::output::{self, Contents, Plan, Staging};
use crate::path_map::{self, PathMap};
use crate::render::{
    self, Contexts, CostlyFields, FileHashes, ListingCache, ShortcodeRenderer, Theme, ThemeSource,
};
use crate::urls::{self, Target, UrlIndex};

/// What to build, from where, to where.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Defaults to `ROOT/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from the settings.
    pub base_url: Option<String>,
    /// Include pages marked `draft = true`.
    pub drafts: bool,
    /// Whether problems of form in the Markdown fail the build.
    pub lint: LintLevel,
    /// Replace an output folder that holds files explainer did not write.
    pub force: bool,
}

/// What a problem of form in the Markdown (an image without alt text, a
/// skipped heading level, ...) does to the build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LintLevel {
    /// It is an error: the build fails.
    #[default]
    Error,
    /// It is printed as a warning.
    Warn,
}

impl Options {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| site_path(&self.root, "public"))
    }
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub sections: usize,
    /// Output files that are neither pages nor sections.
    pub files: usize,
    /// Pages, sections and the 404 page rendered this time (all of them on
    /// a first build; on a rebuild, the ones whose inputs changed).
    pub rendered: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Problems of form reported as warnings (`LintLevel::Warn`).
    pub warnings: Vec<Problem>,
}

/// The output files that differ from the previous render of a [`Session`]
/// (every file, the first time), and the ones that are gone.
#[derive(Debug)]
pub struct Delta {
    pub changed: Plan,
    /// The HTML files of `changed` that differ from before only in the
    /// cachebust hashes of the files they link to (a stylesheet changed).
    pub readdressed: BTreeSet<String>,
    pub removed: Vec<String>,
    pub report: Report,
}

/// Builds the site and swaps it into the output folder.
pub fn build(options: &Options) -> Result<Report, Errors> {
    let output = options.output_dir();
    output::check_location(&options.root, &output, options.force)?;
    let mut session = Session::one_shot(options.clone());
    let staging = Staging::create(&output)?;
    let mut delta = session.render_into(Some(&staging))?;
    // One build, then the process ends: its caches need no freeing.
    std::mem::forget(session);
    let started = Instant::now();
    staging.fill(&delta.changed)?;
    staging.commit()?;
    delta.report.stages.push(("write", started.elapsed()));
    delta.report.elapsed += started.elapsed();
    Ok(delta.report)
}

/// Everything `build` does but writing: front matter, templates, links.
pub fn check(options: &Options) -> Result<Report, Errors> {
    Session::new(options.clone()).render().map(|delta| delta.report)
}

struct Timer {
    start: Instant,
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        let now = Instant::now();
        Timer {
            start: now,
            last: now,
            stages: Vec::new(),
        }
    }

    fn stage(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }
}

/// Markdown of one document, with what its links need checked.
#[derive(Debug, Clone)]
struct MarkdownResult {
    rendered: Rendered,
    anchors: Vec<AnchorCheck>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = BufferHasher(Vec::with_capacity(256));
    value.hash(&mut hasher);
    hasher.finish()
}

/// [`hash_of`] for a value of thousands of parts (one for each page),
/// hashed as it is written rather than gathered first.
fn long_hash_of(value: impl Hash) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Gathers what `Hash` writes and hashes it in one go at the end: keys
/// are made of many small writes, which a streaming hasher's state (set up
/// anew for every key) makes several times dearer.
struct BufferHasher(Vec<u8>);

impl Hasher for BufferHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.0)
    }
}

/// The theme, kept while no file under `templates/` changes.
struct CachedTheme {
    stamps: Vec<(PathBuf, Option<Stamp>)>,
    theme: Theme,
}

/// A site rendered again and again, as `watch` and `serve` do: each render
/// reuses what did not change since the previous one (parsed files,
/// Markdown, listings, pages whose inputs are the same) and reports only the
/// output files that differ. Every render gives exactly what a fresh build
/// of the same files gives.
pub struct Session {
    options: Options,
    docs: DocCache,
    theme: Option<CachedTheme>,
    /// By source file: the key the Markdown was rendered under, and the result.
    markdown: HashMap<String, (u64, Arc<MarkdownResult>)>,
    listings: ListingCache,
    /// Each dated page's entry in the feed, with the key it was made under.
    feed_entries: HashMap<String, (u64, Arc<str>)>,
    /// What the output folder holds after the last good render: each file
    /// with the key of what it was made from.
    outputs: PathMap<u64>,
    /// Each HTML file of the output: a hash of its bytes, and one with the
    /// `?h=` hashes of `get_url(..., cachebust=true)` left out.
    html_hashes: PathMap<HtmlHash>,
    /// What the last render loaded, to start the next one from.
    last: Option<Snapshot>,
    /// Rendered once, then dropped (a build): nothing is kept for a next
    /// render.
    one_shot: bool,
}

/// Everything a render loaded and made of the Markdown, kept so the next
/// render can start from it when only some pages' text or some templates
/// changed.
struct Snapshot {
    config: Config,
    config_hash: u64,
    content: Content,
    index: Arc<UrlIndex>,
    /// Output files by content hash, for `get_url(..., cachebust=true)`.
    files: Arc<FileHashes>,
    addresses_hash: u64,
    glossary: Option<Glossary>,
    markdown_env: u64,
    /// Sections first, then pages, as in `docs()`.
    markdown_keys: Vec<u64>,
    results: Vec<Arc<MarkdownResult>>,
    /// Documents whose Markdown had errors (broken links, shortcodes).
    failing: BTreeSet<usize>,
    /// Where each document is in `docs()`, by source file.
    positions: HashMap<String, usize>,
    /// The template names when the snapshot was made.
    templates: Vec<String>,
    /// [`fixed_ids_hash`] of the theme when the snapshot was made.
    fixed_ids_hash: u64,
}

impl Snapshot {
    fn docs(&self) -> Vec<&Document> {
        self.content.documents().collect()
    }

    fn doc_mut(&mut self, position: usize) -> &mut Document {
        let sections = self.content.sections.len();
        match position.checked_sub(sections) {
            None => &mut self.content.sections[position].doc,
            Some(page) => &mut self.content.pages[page].doc,
        }
    }
}

impl Session {
    pub fn new(options: Options) -> Self {
        Session {
            options,
            docs: DocCache::default(),
            theme: None,
            markdown: HashMap::new(),
            listings: ListingCache::default(),
            feed_entries: HashMap::new(),
            outputs: PathMap::default(),
            html_hashes: PathMap::default(),
            last: None,
            one_shot: false,
        }
    }

    /// A session for one render only, as `build` makes: it keeps none of
    /// what would speed up a next render.
    pub fn one_shot(options: Options) -> Self {
        Session {
            docs: DocCache::off(),
            one_shot: true,
            ..Session::new(options)
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Forgets what the output folder holds, so the next render gives every file.
    pub fn forget_outputs(&mut self) {
        self.outputs.clear();
        self.html_hashes.clear();
    }

    /// Loads, checks and renders the site in memory; on success, the output
    /// files that differ from the previous render.
    pub fn render(&mut self) -> Result<Delta, Errors> {
        self.render_into(None)
    }

    /// Like [`Session::render`], but pages go straight into `sink` as they
    /// are rendered instead of into the delta (for a one-shot build of a
    /// big site, whose pages need not all be held in memory). No hash is
    /// kept of the pages written to `sink`: a next render gives them again.
    pub fn render_into(&mut self, sink: Option<&Staging>) -> Result<Delta, Errors> {
        let mut timer = Timer::new();
        self.last = None;
        let (mut snapshot, errors) = self.prepare(&mut timer)?;
        let contents = match (self.one_shot, sink) {
            (true, Some(_)) => take_page_contents(&mut snapshot),
            _ => Vec::new(),
        };
        let result = self.emit(&snapshot, errors, &mut timer, sink, contents);
        self.last = Some(snapshot);
        result
    }

    /// Renders again after `changed` files changed. When they are only the
    /// bodies of known pages (front matter untouched) or templates other
    /// than shortcodes, it starts from the last render: only those pages'
    /// Markdown is rendered again, and only the outputs whose inputs changed.
    /// Anything else is a full [`Session::render`]. Both give the same files.
    pub fn render_changed(&mut self, changed: &[PathBuf]) -> Result<Delta, Errors> {
        match self.patch(changed) {
            Some(result) => result,
            None => self.render(),
        }
    }

    /// The quick way of [`Session::render_changed`], or `None` when it does not apply.
    fn patch(&mut self, changed: &[PathBuf]) -> Option<Result<Delta, Errors>> {
        let mut timer = Timer::new();
        // As `watch` names the paths it hears of: from the real site folder.
        let root = crate::input::real_path(&self.options.root);
        let content_dir = root.join(CONTENT_DIR);
        let templates_dir = root.join(render::TEMPLATES_DIR);
        let output = crate::input::real_path(&self.options.output_dir());
        let snapshot = self.last.as_ref()?;
        let mut edited: Vec<(usize, String)> = Vec::new();
        let mut templates_changed = false;
        for path in changed {
            let path = std::path::absolute(path).ok()?;
            match crate::change::classify(&root, &output, &path)? {
                ChangeKind::Template => {
                    let name = path.strip_prefix(&templates_dir).ok()?.to_str()?;
                    if name.starts_with("shortcodes/") {
                        return None;
                    }
                    templates_changed = true;
                    continue;
                }
                ChangeKind::Content => {}
                // Settings, the glossary, data and theme files reach
                // every page: a full render.
                _ => return None,
            }
            let source = path.strip_prefix(&content_dir).ok()?.to_str()?.replace('\\', "/");
            let position = *snapshot.positions.get(&source)?;
            // Read as the content stage reads it; anything amiss is left to a full render to report.
            let content_real = crate::input::real_path(&content_dir);
            let bytes = crate::input::open_inside(&path, &content_real)
                .and_then(crate::input::read_all)
                .ok()?;
            let text = crate::input::decode(&path, bytes).ok()?;
            let old = snapshot.docs()[position];
            // Only the body may differ: front matter decides paths and order.
            if text.get(..old.body_start) != Some(&old.text[..old.body_start]) {
                return None;
            }
            edited.push((position, text));
        }
        if edited.is_empty() && !templates_changed {
            return None;
        }
        if snapshot
            .failing
            .iter()
            .any(|f| !edited.iter().any(|(p, _)| p == f))
        {
            return None;
        }
        if templates_changed {
            if let Err(errors) = load_theme(&self.options.root, &mut self.theme) {
                return Some(Err(Errors::new(errors)));
            }
            let names: Vec<String> = self
                .theme
                .as_ref()?
                .theme
                .template_names()
                .map(str::to_string)
                .collect();
            if names != self.last.as_ref()?.templates {
                return None;
            }
            // The ids no heading may take: every page's Markdown depends on them.
            if fixed_ids_hash(&self.theme.as_ref()?.theme) != self.last.as_ref()?.fixed_ids_hash {
                return None;
            }
        }
        timer.stage("templates");

        let mut snapshot = self.last.take()?;
        let theme = &mut self.theme.as_mut()?.theme;
        theme.register_functions(
            Arc::clone(&snapshot.index),
            Arc::clone(&snapshot.files),
            Arc::new(DataFiles::new(site_path(&self.options.root, CONTENT_DIR))),
        );
        let theme = &*theme;
        let shortcodes = ShortcodeRenderer::new(theme, &snapshot.config);
        let mut errors = Vec::new();
        for (position, text) in edited {
            let doc = snapshot.doc_mut(position);
            doc.hash = content::text_hash(&text);
            doc.text = Arc::from(text);
            let (key, result, found, source) = {
                let docs = snapshot.docs();
                let doc = docs[position];
                let key = hash_of((snapshot.markdown_env, &doc.source, &doc.path, doc.hash));
                let (result, found) = render_markdown(
                    doc,
                    &doc.text,
                    &snapshot.index,
                    Some(&shortcodes),
                    snapshot.glossary.as_ref(),
                );
                (key, Arc::new(result), found, doc.source.clone())
            };
            if found.is_empty() {
                snapshot.failing.remove(&position);
                self.markdown.insert(source, (key, Arc::clone(&result)));
            } else {
                snapshot.failing.insert(position);
                errors.extend(found);
            }
            snapshot.markdown_keys[position] = key;
            snapshot.results[position] = result;
        }
        timer.stage("markdown");
        let result = self.emit(&snapshot, errors, &mut timer, None, Vec::new());
        self.last = Some(snapshot);
        Some(result)
    }

    /// Everything up to the rendered Markdown: settings, content, theme,
    /// addresses, Markdown. Errors that stop nothing else are returned
    /// with the snapshot; the ones that leave nothing to render end it.
    fn prepare(&mut self, timer: &mut Timer) -> Result<(Snapshot, Vec<Error>), Errors> {
        let options = self.options.clone();
        let root = &options.root;
        let mut errors: Vec<Error> = Vec::new();

        let config = match config::load(root, options.base_url.as_deref()) {
            Ok(config) => config,
            Err(found) => {
                if found.iter().any(|e| matches!(e, Error::Usage(_))) {
                    return Err(Errors::new(found));
                }
                errors.extend(found);
                // Go on with defaults, so that content and template errors are reported too.
                Config {
                    title: String::new(),
                    description: None,
                    base_url: None,
                    language: "en".to_string(),
                    author: None,
                    feed_limit: config::DEFAULT_FEED_LIMIT,
                    extra: serde_json::Value::Object(serde_json::Map::new()),
                }
            }
        };
        let config_hash = hash_of(serde_json::to_string(&config).unwrap_or_default());
        timer.stage("config");

        // Content and templates are read side by side: neither needs the
        // other, and a theme parsed on one thread while the other walks the
        // content folder takes no time of its own.
        let docs = &mut self.docs;
        let theme_slot = &mut self.theme;
        let ((mut content, found), theme_loaded) = rayon::join(
            || {
                content::load_cached(
                    root,
                    LoadOptions {
                        drafts: options.drafts,
                        site_title: &config.title,
                    },
                    docs,
                )
            },
            || load_theme(root, theme_slot),
        );
        errors.extend(found);
        if let Err(found) = theme_loaded {
            errors.extend(found);
            self.theme = None;
        }
        let theme = self.theme.as_mut().map(|cached| &mut cached.theme);
        if let Some(theme) = theme.as_deref() {
            keep_glossary_ids_off(&mut content, &theme.fixed_ids);
        }
        timer.stage("content and templates");

        let generated = generated_files(&config, theme.as_deref());
        let (index, found) = url_index(&content, theme.as_deref(), &generated);
        errors.extend(found);
        let index = Arc::new(index);
        // What get_url, load_data and links may see: every address, and the data files.
        let addresses_hash = addresses_hash(&content, theme.as_deref(), &generated);

        let files = Arc::new(FileHashes::new(
            content
                .assets
                .iter()
                .map(|a| (a.source.clone(), ThemeSource::File(a.file.clone())))
                .chain(
                    theme
                        .as_deref()
                        .map(|t| t.static_files.as_slice())
                        .unwrap_or_default()
                        .iter()
                        .map(|f| (f.output.clone(), f.source.clone())),
                ),
        ));
        let theme: Option<&Theme> = match theme {
            Some(theme) => {
                theme.register_functions(
                    Arc::clone(&index),
                    Arc::clone(&files),
                    Arc::new(DataFiles::new(site_path(root, CONTENT_DIR))),
                );
                Some(theme)
            }
            None => None,
        };
        let shortcodes = theme.map(|theme| ShortcodeRenderer::new(theme, &config));
        let glossary_page = content.pages.iter().find(|p| p.doc.source == GLOSSARY_FILE);
        let glossary = content.glossary.as_ref().zip(glossary_page).map(|(g, page)| {
            let terms = g
                .terms
                .iter()
                .map(|t| GlossaryTerm {
                    id: t.id.clone(),
                    forms: std::iter::once(&t.term).chain(&t.aliases).cloned().collect(),
                    definition: t.definition.clone(),
                })
                .collect();
            Glossary::new(terms, urls::from_root(&page.doc.output_file()))
        });

        // Markdown: reused when neither the body nor what it may refer to changed.
        let markdown_env = hash_of((
            addresses_hash,
            config_hash,
            content.glossary.as_ref().map(|g| format!("{:?}", g.terms)),
            shortcodes.as_ref().map(|s| {
                s.names()
                    .iter()
                    .map(|n| theme.map_or(0, |t| t.template_hash(&format!("shortcodes/{n}.html"))))
                    .collect::<Vec<_>>()
            }),
            theme.map(fixed_ids_hash),
        ));
        // A one-shot build takes each source's text out of its document and
        // lets go of it once its Markdown is rendered, so the pages' HTML
        // reuses the sources' memory instead of taking fresh memory (which
        // the kernel must zero first). A text whose lints or link
        // fragments are reported later, with their positions, goes back.
        let one_shot = self.one_shot;
        let empty: Arc<str> = Arc::from("");
        let texts: Vec<Arc<str>> = content
            .documents_mut()
            .map(|doc| {
                if one_shot {
                    std::mem::replace(&mut doc.text, Arc::clone(&empty))
                } else {
                    Arc::clone(&doc.text)
                }
            })
            .collect();
        let docs: Vec<&Document> = content.documents().collect();
        let markdown_keys: Vec<u64> = docs
            .iter()
            .map(|doc| hash_of((markdown_env, &doc.source, &doc.path, doc.hash)))
            .collect();
        let cache = &self.markdown;
        // Each document's result, errors, and its text when it goes back.
        type Outcome = (Arc<MarkdownResult>, Vec<Error>, Option<Arc<str>>);
        let outcomes: Vec<Outcome> = docs
            .par_iter()
            .zip(&markdown_keys)
            .zip(texts)
            .map(|((doc, key), text)| match cache.get(&doc.source) {
                Some((cached, result)) if cached == key => (Arc::clone(result), Vec::new(), None),
                _ => {
                    let (result, errors) =
                        render_markdown(doc, &text, &index, shortcodes.as_ref(), glossary.as_ref());
                    let positions_to_report = !result.rendered.lints.is_empty() || !result.anchors.is_empty();
                    let give_back = one_shot && positions_to_report;
                    (Arc::new(result), errors, give_back.then_some(text))
                }
            })
            .collect();
        let keep = !self.one_shot;
        let mut markdown_cache = HashMap::with_capacity(if keep { docs.len() } else { 0 });
        let mut results = Vec::with_capacity(docs.len());
        let mut failing = BTreeSet::new();
        let mut given_back = Vec::with_capacity(docs.len());
        for (position, ((doc, key), (result, found, text))) in
            docs.iter().zip(&markdown_keys).zip(outcomes).enumerate()
        {
            given_back.push(text);
            if !found.is_empty() {
                failing.insert(position);
            } else if keep {
                markdown_cache.insert(doc.source.clone(), (*key, Arc::clone(&result)));
            }
            errors.extend(found);
            results.push(result);
        }
        self.markdown = markdown_cache;
        let positions = if keep {
            docs.iter()
                .enumerate()
                .map(|(i, d)| (d.source.clone(), i))
                .collect()
        } else {
            HashMap::new()
        };
        let templates = theme
            .map(|t| t.template_names().map(str::to_string).collect())
            .unwrap_or_default();
        let fixed_ids_hash = theme.map_or(0, fixed_ids_hash);
        drop(docs);
        for (doc, text) in content.documents_mut().zip(given_back) {
            if let Some(text) = text {
                doc.text = text;
            }
        }
        timer.stage("markdown");
        Ok((
            Snapshot {
                config,
                config_hash,
                content,
                index,
                files,
                addresses_hash,
                glossary,
                markdown_env,
                markdown_keys,
                results,
                failing,
                positions,
                templates,
                fixed_ids_hash,
            },
            errors,
        ))
    }

    /// From the rendered Markdown to the output files: links' fragments,
    /// lint, listings, templates, feeds and copies. On success, records
    /// what the output folder holds and returns what differs.
    fn emit(
        &mut self,
        snapshot: &Snapshot,
        mut errors: Vec<Error>,
        timer: &mut Timer,
        sink: Option<&Staging>,
        contents: Vec<Mutex<Option<String>>>,
    ) -> Result<Delta, Errors> {
        let options = &self.options;
        let content = &snapshot.content;
        let config = &snapshot.config;
        let config_hash = snapshot.config_hash;
        let docs = snapshot.docs();
        let markdown_keys = &snapshot.markdown_keys;
        let (section_results, page_results) = snapshot.results.split_at(content.sections.len());
        let rendered_sections: Vec<&Rendered> = section_results.iter().map(|r| &r.rendered).collect();
        let rendered_pages: Vec<&Rendered> = page_results.iter().map(|r| &r.rendered).collect();
        let theme_ids = self.theme.as_ref().map(|cached| &cached.theme.fixed_ids);
        for (i, (doc, result)) in docs.iter().zip(&snapshot.results).enumerate() {
            let own = match i.checked_sub(content.sections.len()) {
                None => (true, i),
                Some(page) => (false, page),
            };
            let targets = Targets {
                content,
                sections: &rendered_sections,
                pages: &rendered_pages,
                theme_ids,
            };
            errors.extend(check_anchors(doc, own, &result.anchors, &targets));
        }
        let mut warnings = Vec::new();
        for (doc, result) in docs.iter().zip(&snapshot.results) {
            for lint in &result.rendered.lints {
                let at = Location::at_offset(&doc.file, &doc.text, doc.body_start + lint.span.start);
                let problem = Problem::new(at, lint.message.clone()).hint(lint.hint);
                match options.lint {
                    LintLevel::Error => errors.push(Error::Lint(problem)),
                    LintLevel::Warn => warnings.push(problem),
                }
            }
        }
        timer.stage("links");

        let theme = self.theme.as_ref().map(|cached| &cached.theme);
        let documents = content.sections.len() + content.pages.len();
        let mut outputs: PathMap<u64> = path_map::with_capacity(self.outputs.len().max(documents));
        let mut changed = Plan::default();
        let mut readdressed = BTreeSet::new();
        let mut html_hashes = Vec::new();
        let mut rendered_count = 0;
        if let Some(theme) = theme {
            let missing = missing_templates(content, theme);
            if missing.is_empty() {
                let (section_keys, page_keys) = markdown_keys.split_at(content.sections.len());
                let fields = fields_read(content, theme);
                // A listing is made of what the templates may read, too.
                let listing_keys = listing_keys(content, page_keys, hash_of((config_hash, fields)));
                let contexts = Contexts::new(
                    config,
                    content,
                    &rendered_sections,
                    &rendered_pages,
                    &listing_keys,
                    &mut self.listings,
                    self.one_shot,
                    fields,
                )
                .with_contents(contents);
                let keys = RenderKeys {
                    theme,
                    content,
                    shared: hash_of((config_hash, snapshot.addresses_hash)),
                    section_keys,
                    page_keys,
                    listing_keys: &listing_keys,
                };
                let rendered = render_documents(&keys, &contexts, &self.outputs, &mut outputs, sink);
                errors.extend(rendered.errors);
                for ((section, i), file, id) in rendered.repeated_ids {
                    let markdown = match section {
                        true => rendered_sections[i],
                        false => rendered_pages[i],
                    };
                    // Used twice in the Markdown alone: reported with its line.
                    if markdown.repeated_ids.contains(&id) {
                        continue;
                    }
                    let problem = Problem::new(
                        Location::file(&file),
                        format!("the id `{id}` is used twice on the page made from this file"),
                    )
                    .hint("give each element its own id: in the Markdown, in a shortcode's output, or in the template");
                    match options.lint {
                        LintLevel::Error => errors.push(Error::Lint(problem)),
                        LintLevel::Warn => warnings.push(problem),
                    }
                }
                rendered_count = rendered.count;
                for (file, html, hash) in rendered.html {
                    match self.html_hashes.get(&file) {
                        Some(old) if old.exact == hash.exact => {}
                        Some(old) if old.readdressed == hash.readdressed => {
                            readdressed.insert(file.clone());
                            changed.add(file.clone(), Contents::Bytes(html.into_bytes()));
                        }
                        _ => changed.add(file.clone(), Contents::Bytes(html.into_bytes())),
                    }
                    html_hashes.push((file, hash));
                }
            } else {
                errors.extend(missing);
            }
        }
        timer.stage("render");

        if !errors.is_empty() {
            return Err(Errors::new(errors));
        }

        if let Some(base_url) = &config.base_url {
            let pages = content.pages.iter().map(|p| p.doc.hash).collect::<Vec<_>>();
            let dated = feeds::feed_pages(content, config.feed_limit);
            let (_, page_keys) = markdown_keys.split_at(content.sections.len());
            let entry_key = |i: usize| hash_of((base_url, page_keys[i], content.pages[i].doc.hash));
            let entry_keys: Vec<u64> = dated.iter().map(|&i| entry_key(i)).collect();
            let feed_key = long_hash_of((config_hash, &pages, &entry_keys));
            if self.outputs.get(feeds::FEED) != Some(&feed_key) {
                // Each entry is kept between renders; only changed pages' are made again.
                let entries: HashMap<usize, (u64, Arc<str>)> = dated
                    .par_iter()
                    .zip(&entry_keys)
                    .map(|(&i, &key)| {
                        let page = &content.pages[i];
                        let entry = match self.feed_entries.get(&page.doc.source) {
                            Some((cached, entry)) if *cached == key => Arc::clone(entry),
                            _ => Arc::from(feeds::atom_entry(base_url, &page.doc, rendered_pages[i])),
                        };
                        (i, (key, entry))
                    })
                    .collect();
                let feed = feeds::atom(config, base_url, content, &dated, |i| Arc::clone(&entries[&i].1));
                self.feed_entries = entries
                    .into_iter()
                    .map(|(i, entry)| (content.pages[i].doc.source.clone(), entry))
                    .collect();
                changed.add(feeds::FEED, Contents::Bytes(feed.into_bytes()));
            }
            outputs.insert(feeds::FEED.to_string(), feed_key);
        }
        let mut add = |path: &str, key: u64, contents: &dyn Fn() -> Contents| {
            outputs.insert(path.to_string(), key);
            if self.outputs.get(path) != Some(&key) {
                changed.add(path, contents());
            }
        };
        if let Some(base_url) = &config.base_url {
            let lastmods: Vec<(&String, Option<&str>)> = docs
                .iter()
                .map(|d| {
                    let date = d.front.updated.as_ref().or(d.front.date.as_ref());
                    (&d.path, date.map(|d| d.rfc3339.as_str()))
                })
                .collect();
            add(feeds::SITEMAP, long_hash_of((base_url, &lastmods)), &|| {
                Contents::Bytes(feeds::sitemap(base_url, content).into_bytes())
            });
        }
        add(feeds::ROBOTS, hash_of(&config.base_url), &|| {
            Contents::Bytes(feeds::robots(config.base_url.as_deref()).into_bytes())
        });
        for asset in &content.assets {
            let file = &asset.file;
            add(
                &asset.source,
                hash_of((&file.path, Stamp::of(&file.path, &file.folder))),
                &|| Contents::CopyOf(file.clone()),
            );
        }
        for static_file in theme.map(|t| t.static_files.as_slice()).unwrap_or_default() {
            match &static_file.source {
                ThemeSource::File(file) => add(
                    &static_file.output,
                    hash_of((&file.path, Stamp::of(&file.path, &file.folder))),
                    &|| Contents::CopyOf(file.clone()),
                ),
                ThemeSource::BuiltIn(bytes) => {
                    add(&static_file.output, hash_of(bytes), &|| Contents::Static(bytes))
                }
            }
        }
        timer.stage("feeds");

        let mut removed: Vec<String> = self
            .outputs
            .keys()
            .filter(|path| !outputs.contains_key(*path))
            .cloned()
            .collect();
        removed.sort_unstable();
        let documents = content.pages.len() + content.sections.len();
        let report = Report {
            pages: content.pages.len(),
            sections: content.sections.len(),
            files: outputs.len().saturating_sub(documents),
            rendered: rendered_count,
            output: options.output_dir(),
            elapsed: timer.start.elapsed(),
            stages: std::mem::take(&mut timer.stages),
            warnings,
        };
        self.outputs = outputs;
        self.html_hashes.extend(html_hashes);
        if !removed.is_empty() {
            self.html_hashes.retain(|file, _| self.outputs.contains_key(file));
        }
        Ok(Delta {
            changed,
            readdressed,
            removed,
            report,
        })
    }
}

/// Takes each page's HTML out of the rendered Markdown of a one-shot
/// build, for [`Contexts::with_contents`]; the pages of the feed, which
/// needs their HTML after they render, keep theirs.
fn take_page_contents(snapshot: &mut Snapshot) -> Vec<Mutex<Option<String>>> {
    let in_feed: HashSet<usize> = match snapshot.config.base_url {
        Some(_) => feeds::feed_pages(&snapshot.content, snapshot.config.feed_limit)
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let sections = snapshot.content.sections.len();
    snapshot.results[sections..]
        .iter_mut()
        .enumerate()
        .map(|(page, result)| match Arc::get_mut(result) {
            Some(result) if !in_feed.contains(&page) => {
                Mutex::new(Some(std::mem::take(&mut result.rendered.html)))
            }
            _ => Mutex::new(None),
        })
        .collect()
}

/// Loads the theme into `slot` unless no file under `templates/` changed
/// since the last load.
fn load_theme(root: &Path, slot: &mut Option<CachedTheme>) -> Result<(), Vec<Error>> {
    let dir = site_path(root, render::TEMPLATES_DIR);
    let dir_real = crate::input::real_path(&dir);
    let stamps: Vec<(PathBuf, Option<Stamp>)> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let stamp = Stamp::of(e.path(), &dir_real);
            (e.into_path(), stamp)
        })
        .collect();
    if slot.as_ref().is_some_and(|cached| cached.stamps == stamps) {
        return Ok(());
    }
    *slot = None;
    let theme = render::load_theme(root)?;
    *slot = Some(CachedTheme { stamps, theme });
    Ok(())
}

/// Gives a glossary term whose id the theme's pages hold of their own
/// (a term "main") another, on the glossary page and in the links to it.
fn keep_glossary_ids_off(content: &mut Content, taken: &IdSet) {
    let Some(glossary) = content.glossary.as_mut() else {
        return;
    };
    if !glossary.avoid_ids(taken) {
        return;
    }
    let terms = glossary.terms_value();
    if let Some(page) = content.pages.iter_mut().find(|p| p.doc.source == GLOSSARY_FILE) {
        let front = Arc::make_mut(&mut page.doc.front);
        if let Some(extra) = front.extra.as_object_mut() {
            extra.insert("terms".to_string(), terms);
        }
    }
}

/// A hash of the ids a theme's pages hold of their own, which every page's
/// Markdown depends on (no heading takes one).
fn fixed_ids_hash(theme: &Theme) -> u64 {
    let mut ids: Vec<&String> = theme.fixed_ids.iter().collect();
    ids.sort_unstable();
    hash_of(ids)
}

/// A hash of every address of the site and of the data files, which
/// `get_url`, `load_data` and links depend on.
fn addresses_hash(content: &Content, theme: Option<&Theme>, generated: &[&'static str]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    for doc in content
        .sections
        .iter()
        .map(|s| &s.doc)
        .chain(content.pages.iter().map(|p| &p.doc))
    {
        (&doc.source, &doc.path).hash(&mut hasher);
    }
    for asset in &content.assets {
        asset.source.hash(&mut hasher);
        // load_data reads data files: their changes count.
        Stamp::of(&asset.file.path, &asset.file.folder).hash(&mut hasher);
    }
    for file in theme.map(|t| t.static_files.as_slice()).unwrap_or_default() {
        file.output.hash(&mut hasher);
        // get_url(..., cachebust=true) gives an address made from the content.
        match &file.source {
            ThemeSource::File(file) => Stamp::of(&file.path, &file.folder).hash(&mut hasher),
            ThemeSource::BuiltIn(bytes) => bytes.hash(&mut hasher),
        }
    }
    generated.hash(&mut hasher);
    (&content.unusable, &content.drafts).hash(&mut hasher);
    hasher.finish()
}

/// For each page, a hash of everything its listing is made of: its own
/// file and Markdown, the sections above it, its neighbours' briefs.
fn listing_keys(content: &Content, page_keys: &[u64], config_hash: u64) -> Vec<u64> {
    // A neighbour's brief comes from its front matter only. (Each page is
    // the neighbour of two: hashed once.)
    let briefs: Vec<u64> = content
        .pages
        .iter()
        .map(|page| {
            let doc = &page.doc;
            hash_of((&doc.source, &doc.path, doc.front_hash))
        })
        .collect();
    let brief = |i: usize| briefs[i];
    let chains: Vec<u64> = (0..content.sections.len())
        .map(|s| {
            let chain: Vec<(&str, &str, &str)> = content
                .section_chain(s)
                .into_iter()
                .map(|s| {
                    let doc = &content.sections[s].doc;
                    (doc.source.as_str(), doc.path.as_str(), doc.front.title.as_str())
                })
                .collect();
            hash_of(chain)
        })
        .collect();
    let neighbours = neighbours(content);
    content
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let (lower, higher) = neighbours[i];
            hash_of((
                page_keys[i],
                config_hash,
                chains[page.section],
                lower.map(brief),
                higher.map(brief),
            ))
        })
        .collect()
}

/// Each page's previous and next page in its section.
fn neighbours(content: &Content) -> Vec<(Option<usize>, Option<usize>)> {
    let mut found = vec![(None, None); content.pages.len()];
    for section in &content.sections {
        for (at, &page) in section.pages.iter().enumerate() {
            let lower = at.checked_sub(1).map(|n| section.pages[n]);
            let higher = section.pages.get(at + 1).copied();
            found[page] = (lower, higher);
        }
    }
    found
}

/// What decides whether a document must be rendered again.
struct RenderKeys<'a> {
    theme: &'a Theme,
    content: &'a Content,
    /// Settings and addresses, which every page may use.
    shared: u64,
    section_keys: &'a [u64],
    page_keys: &'a [u64],
    listing_keys: &'a [u64],
}

impl RenderKeys<'_> {
    /// A page's context is its listing (with its neighbours' briefs) and
    /// its content.
    fn page(&self, i: usize) -> u64 {
        let doc = &self.content.pages[i].doc;
        let template = self.theme.template_hash(template_of(doc, "page.html"));
        hash_of((
            "page",
            template,
            self.shared,
            self.listing_keys[i],
            self.page_keys[i],
        ))
    }

    fn section(&self, i: usize) -> u64 {
        let section = &self.content.sections[i];
        let default = if i == 0 { "index.html" } else { "section.html" };
        let template = self.theme.template_hash(template_of(&section.doc, default));
        let chain: Vec<(&str, &str)> = self
            .content
            .section_chain(i)
            .into_iter()
            .map(|s| {
                (
                    self.content.sections[s].doc.path.as_str(),
                    self.content.sections[s].doc.front.title.as_str(),
                )
            })
            .collect();
        let pages: Vec<u64> = section.pages.iter().map(|&p| self.listing_keys[p]).collect();
        let subsections: Vec<(&str, u64)> = section
            .subsections
            .iter()
            .map(|&s| {
                let doc = &self.content.sections[s].doc;
                (doc.path.as_str(), doc.hash)
            })
            .collect();
        hash_of((
            "section",
            template,
            self.shared,
            self.section_keys[i],
            chain,
            pages,
            subsections,
        ))
    }

    fn not_found(&self) -> u64 {
        hash_of(("404", self.theme.template_hash("404.html"), self.shared))
    }
}

/// Files the build writes besides pages, sections, assets and theme files.
fn generated_files(config: &Config, theme: Option<&Theme>) -> Vec<&'static str> {
    let mut files = vec![feeds::ROBOTS];
    if config.base_url.is_some() {
        files.extend([feeds::SITEMAP, feeds::FEED]);
    }
    if theme.is_some_and(|t| t.has_template("404.html")) {
        files.push("404.html");
    }
    files
}

/// Every address of the site; two things with one output path are an error.
fn url_index(content: &Content, theme: Option<&Theme>, generated: &[&'static str]) -> (UrlIndex, Vec<Error>) {
    let static_files = theme.map_or(0, |t| t.static_files.len());
    let files = generated.len() + content.assets.len() + static_files;
    let mut index = UrlIndex::with_capacity(
        content.sections.len() + content.pages.len(),
        files + content.unusable.len() + content.drafts.len(),
    );
    let mut errors = Vec::new();
    for (i, section) in content.sections.iter().enumerate() {
        index.add_document(&section.doc.source, &section.doc.path, true, i);
    }
    for (i, page) in content.pages.iter().enumerate() {
        index.add_document(&page.doc.source, &page.doc.path, false, i);
    }
    // Who writes each file: documents are found in the index (their own
    // clashes are reported when the content is loaded), other files here.
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    // By the document's folder (`rare-earths/`), which no other file's
    // output path can be.
    let document_file = |index: &UrlIndex, output: &str| {
        let folder = output.strip_suffix("index.html")?;
        match index.by_output(folder)? {
            Target::Document { section, index, file } if file == output => {
                let doc = match section {
                    true => &content.sections[*index].doc,
                    false => &content.pages[*index].doc,
                };
                Some(doc.file.clone())
            }
            _ => None,
        }
    };
    let mut claim = |index: &UrlIndex, output: String, owner: PathBuf, errors: &mut Vec<Error>| {
        if let Some(first) = owners
            .get(&output)
            .cloned()
            .or_else(|| document_file(index, &output))
        {
            let (own, other) = crate::error::code_points(&owner, &first).unwrap_or_default();
            errors.push(Error::Content(
                Problem::new(
                    Location::file(&owner),
                    format!(
                        "this file{own} and {}{other} would both be written to {output}",
                        first.display()
                    ),
                )
                .hint("rename or move one of them"),
            ));
        } else {
            owners.insert(output, owner);
        }
    };
    for file in generated {
        claim(
            &index,
            file.to_string(),
            PathBuf::from(format!("(the {file} the build writes)")),
            &mut errors,
        );
        index.add_file(file, None);
    }
    for asset in &content.assets {
        claim(&index, asset.source.clone(), asset.file.path.clone(), &mut errors);
        index.add_file(&asset.source, Some(&asset.source));
    }
    if let Some(theme) = theme {
        for file in &theme.static_files {
            let owner = match &file.source {
                ThemeSource::File(file) => file.path.clone(),
                ThemeSource::BuiltIn(_) => {
                    PathBuf::from(format!("{}/{}", render::BUILT_IN_LABEL, file.output))
                }
            };
            claim(&index, file.output.clone(), owner, &mut errors);
            index.add_file(&file.output, None);
        }
    }
    for source in &content.unusable {
        index.add_missing(source, Target::Unusable);
    }
    for source in &content.drafts {
        index.add_missing(source, Target::Draft);
    }
    errors.extend(file_and_folder_clashes(content, &owners));
    (index, errors)
}

/// A file written where another output needs a folder: `content/alpha`
/// (a file) and `content/alpha.md` (a page, `alpha/index.html`). `files`
/// are the outputs that are not documents, with the file behind each.
fn file_and_folder_clashes(content: &Content, files: &BTreeMap<String, PathBuf>) -> Vec<Error> {
    // Every output's path (a document's is its folder, `alpha/`), sorted,
    // so that the outputs under a folder `F/` come right after `F/`.
    let mut outputs: Vec<(&str, &Path)> = content
        .documents()
        .map(|doc| (doc.path.as_str(), doc.file.as_path()))
        .chain(
            files
                .iter()
                .map(|(output, file)| (output.as_str(), file.as_path())),
        )
        .collect();
    outputs.sort_unstable();
    let mut errors = Vec::new();
    for (blocked, blocker) in files {
        let folder = format!("{blocked}/");
        let first_under = outputs.partition_point(|(output, _)| *output < folder.as_str());
        let Some((output, owner)) = outputs.get(first_under).filter(|(o, _)| o.starts_with(&folder)) else {
            continue;
        };
        let (own, other) = crate::error::code_points(blocker, owner).unwrap_or_default();
        let output = if output.ends_with('/') {
            format!("{output}index.html")
        } else {
            output.to_string()
        };
        errors.push(Error::Content(
            Problem::new(
                Location::file(blocker),
                format!(
                    "this file{own} would be written to {blocked}, where {}{other} needs a folder (for {output})",
                    owner.display()
                ),
            )
            .hint("rename or move one of them"),
        ));
    }
    errors
}

/// `doc`'s Markdown; `text` is its text (see [`Document::text`]).
fn render_markdown(
    doc: &Document,
    text: &str,
    index: &UrlIndex,
    shortcodes: Option<&ShortcodeRenderer>,
    glossary: Option<&Glossary>,
) -> (MarkdownResult, Vec<Error>) {
    let mut links = PageLinks::new(index, &doc.source);
    let templates = shortcodes.map(|s| s as &dyn ShortcodeTemplates);
    // The glossary page does not mark its own terms.
    let mut terms = glossary.filter(|_| doc.source != GLOSSARY_FILE).map(TermUse::new);
    let taken_ids = shortcodes.map(|s| &s.theme.fixed_ids);
    let (mut rendered, body_errors) = body::render(
        &text[doc.body_start..],
        &mut links,
        templates,
        terms.as_mut(),
        taken_ids,
    );
    if doc.source == GLOSSARY_FILE {
        // The glossary template gives each entry its term's id.
        if let Some(serde_json::Value::Array(terms)) = doc.front.extra.get("terms") {
            let ids = terms
                .iter()
                .filter_map(|t| t.get("id")?.as_str().map(str::to_string));
            rendered.ids.extend(ids);
        }
    }
    let at = |offset: usize| Location::at_offset(&doc.file, text, doc.body_start + offset);
    let mut errors: Vec<Error> = links
        .broken
        .into_iter()
        .map(|broken| Error::Link(Problem::new(at(broken.span.start), broken.message).hint(broken.hint)))
        .collect();
    for error in body_errors {
        errors.push(match error {
            BodyError::Shortcode {
                offset,
                message,
                hint,
            } => Error::Content(Problem::new(at(offset), message).hint(hint)),
            BodyError::Template {
                offset,
                name,
                problem,
            } => {
                let message = problem.message.trim_start_matches("template error: ");
                let needs = message
                    .strip_prefix("Variable `")
                    .and_then(|rest| rest.split_once('`'))
                    .map(|(variable, _)| variable)
                    .filter(|variable| !variable.contains('.'));
                let message = match needs {
                    Some(argument) => format!("the shortcode `{name}` needs an argument `{argument}`"),
                    None => format!("the shortcode `{name}` failed: {message} ({})", problem.at),
                };
                let hint = match needs {
                    Some(argument) => format!("add {argument}=... to the call"),
                    None => problem.hint.unwrap_or_default(),
                };
                Error::Template(Problem::new(at(offset), message).hint(hint))
            }
        });
    }
    let result = MarkdownResult {
        rendered,
        anchors: links.anchors,
    };
    (result, errors)
}

/// Every `#fragment` must be an id of the page it points at; `own` is the
/// linking document (section or page, and its index).
/// What a link's `#fragment` may name.
struct Targets<'a> {
    content: &'a Content,
    sections: &'a [&'a Rendered],
    pages: &'a [&'a Rendered],
    /// The ids every page of the theme has (`main`, `top`).
    theme_ids: Option<&'a IdSet>,
}

fn check_anchors(
    doc: &Document,
    own: (bool, usize),
    checks: &[AnchorCheck],
    targets: &Targets,
) -> Vec<Error> {
    let Targets {
        content,
        sections,
        pages,
        theme_ids,
    } = *targets;
    let mut errors = Vec::new();
    for check in checks {
        let (target_doc, rendered) = match check.target.unwrap_or(own) {
            (true, i) => (&content.sections[i].doc, &sections[i]),
            (false, i) => (&content.pages[i].doc, &pages[i]),
        };
        if rendered.ids.contains(&check.fragment)
            || theme_ids.is_some_and(|ids| ids.contains(&check.fragment))
        {
            continue;
        }
        let mut ids: Vec<&str> = rendered.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        let hint = match crate::fields::nearest(&check.fragment, &ids) {
            Some(near) => format!("did you mean `#{near}`?"),
            None if ids.is_empty() => format!("{} has no headings to link to", target_doc.file.display()),
            None => format!(
                "the headings of {} are: {}",
                target_doc.file.display(),
                ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
            ),
        };
        errors.push(Error::Link(
            Problem::new(
                Location::at_offset(&doc.file, &doc.text, doc.body_start + check.span.start),
                format!(
                    "broken link: `{}` has no heading with the id `{}`",
                    check.written, check.fragment
                ),
            )
            .hint(hint),
        ));
    }
    errors
}

/// The costlier fields the templates the documents render with may read.
fn fields_read(content: &Content, theme: &Theme) -> CostlyFields {
    let mut templates: BTreeSet<&str> = with_default_templates(content)
        .map(|(doc, default)| template_of(doc, default))
        .collect();
    templates.insert("404.html");
    theme.fields_read_by(templates)
}

/// Every section and page, with the template it renders with unless its
/// front matter names another.
fn with_default_templates(content: &Content) -> impl Iterator<Item = (&Document, &'static str)> {
    content
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.doc, if i == 0 { "index.html" } else { "section.html" }))
        .chain(content.pages.iter().map(|p| (&p.doc, "page.html")))
}

/// The template each document asks for, checked before anything renders.
fn template_of<'a>(doc: &'a Document, default: &'static str) -> &'a str {
    doc.front
        .template
        .as_ref()
        .map_or(default, |(name, _)| name.as_str())
}

fn missing_templates(content: &Content, theme: &Theme) -> Vec<Error> {
    let mut errors = Vec::new();
    // Documents that fall back on a default template that does not exist, by template.
    let mut without_default: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    for (doc, default) in with_default_templates(content) {
        let name = template_of(doc, default);
        if theme.has_template(name) {
            continue;
        }
        match &doc.front.template {
            Some((name, at)) => {
                let known: Vec<&str> = theme.template_names().collect();
                let hint = match crate::fields::nearest(name, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("create templates/{name}, or fix the name"),
                };
                errors.push(Error::Template(
                    Problem::new(at.clone(), format!("there is no template `{name}` in templates/"))
                        .hint(hint),
                ));
            }
            None => without_default.entry(name).or_default().push(doc.file.clone()),
        }
    }
    for (name, files) in without_default {
        errors.push(Error::Template(
            Problem::new(
                Location::file(&files[0]),
                format!(
                    "there is no template `{name}` in templates/ to render this{}",
                    others(files.len() - 1, "page")
                ),
            )
            .hint(format!(
                "create templates/{name}, or set `template` in the front matter"
            )),
        ));
    }
    errors
}

/// `" (and 3 more pages)"`, or nothing for 0.
fn others(count: usize, what: &str) -> String {
    match count {
        0 => String::new(),
        1 => format!(" (and 1 more {what})"),
        n => format!(" (and {n} more {what}s)"),
    }
}

/// Renders the pages, sections and 404 page whose key differs from the one
/// in `previous` into `changed`; records every key in `outputs`. A template
/// error that many pages hit is reported once, naming one page and a count.
/// Returns the errors and how many documents were rendered.
/// A hash of an HTML file's bytes, and one of the bytes without the `?h=`
/// cachebust hashes in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HtmlHash {
    exact: u64,
    readdressed: u64,
}

impl HtmlHash {
    fn of(html: &str) -> Self {
        let exact = xxhash_rust::xxh3::xxh3_64(html.as_bytes());
        let readdressed = if html.contains(render::CACHEBUST_MARK) {
            let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
            let mut rest = html;
            while let Some(at) = rest.find(render::CACHEBUST_MARK) {
                let end = at + render::CACHEBUST_MARK.len();
                hasher.update(&rest.as_bytes()[..end]);
                let digits = rest[end..]
                    .bytes()
                    .take(render::CACHEBUST_DIGITS)
                    .take_while(u8::is_ascii_hexdigit)
                    .count();
                rest = &rest[end + digits..];
            }
            hasher.update(rest.as_bytes());
            hasher.digest()
        } else {
            exact
        };
        HtmlHash { exact, readdressed }
    }
}

/// An id that more than one element of a page as written has: the
/// document (section or not, and its index), its file, and the id.
type RepeatedId = ((bool, usize), PathBuf, String);

/// What `render_documents` made.
struct RenderedDocuments {
    /// Pages rendered but not yet written, with their hashes.
    html: Vec<(String, String, HtmlHash)>,
    errors: Vec<Error>,
    /// Ids that more than one element of a page as written has.
    repeated_ids: Vec<RepeatedId>,
    count: usize,
}

fn render_documents(
    keys: &RenderKeys,
    contexts: &Contexts,
    previous: &PathMap<u64>,
    outputs: &mut PathMap<u64>,
    sink: Option<&Staging>,
) -> RenderedDocuments {
    enum Job {
        Section(usize),
        Page(usize),
        NotFound,
    }
    let content = keys.content;
    let mut jobs: Vec<(Job, String, u64)> =
        Vec::with_capacity(content.sections.len() + content.pages.len() + 1);
    for i in 0..content.sections.len() {
        jobs.push((
            Job::Section(i),
            content.sections[i].doc.output_file(),
            keys.section(i),
        ));
    }
    for i in 0..content.pages.len() {
        jobs.push((Job::Page(i), content.pages[i].doc.output_file(), keys.page(i)));
    }
    if keys.theme.has_template("404.html") {
        jobs.push((Job::NotFound, "404.html".to_string(), keys.not_found()));
    }
    for (_, file, key) in &jobs {
        outputs.insert(file.clone(), *key);
    }
    jobs.retain(|(_, file, key)| previous.get(file) != Some(key));

    /// What rendering one file gave.
    enum Outcome {
        /// The HTML, to add to `changed`.
        Html(String, String, HtmlHash),
        /// Written to the sink already.
        Written,
        /// A template problem, and the file being rendered.
        Failed(Problem, PathBuf),
        /// The sink could not write it.
        NotWritten(Error),
    }
    let repeated: Mutex<Vec<RepeatedId>> = Mutex::new(Vec::new());
    let render = |(job, file, _): &(Job, String, u64)| {
        // The frame around a page's content: header, navigation, footer.
        const FRAME: usize = 16 * 1024;
        let (template, context, source, size) = match job {
            Job::Section(i) => {
                let doc = &content.sections[*i].doc;
                let default = if *i == 0 { "index.html" } else { "section.html" };
                let size = FRAME + 256 * content.sections[*i].pages.len();
                (
                    template_of(doc, default),
                    contexts.section(*i),
                    doc.file.clone(),
                    size,
                )
            }
            Job::Page(i) => {
                let doc = &content.pages[*i].doc;
                let size = FRAME + contexts.content_len(*i);
                (
                    template_of(doc, "page.html"),
                    contexts.page(*i),
                    doc.file.clone(),
                    size,
                )
            }
            Job::NotFound => (
                "404.html",
                contexts.not_found(),
                PathBuf::from("the 404 page"),
                FRAME,
            ),
        };
        let rendered = keys.theme.render(template, &context, size);
        if let Job::Section(i) = job {
            contexts.section_done(*i, context);
        }
        let html = match rendered {
            Ok(html) => html,
            Err(problem) => return Outcome::Failed(problem, source),
        };
        let document = match job {
            Job::Section(i) => Some((true, *i)),
            Job::Page(i) => Some((false, *i)),
            Job::NotFound => None,
        };
        if let Some(document) = document {
            // The whole page: the template's own elements and the Markdown's.
            for id in crate::markdown::repeated_html_ids(&html) {
                let found = (document, source.clone(), id.to_string());
                repeated
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(found);
            }
        }
        match sink {
            // Written at once, so a big site's pages are not all held in
            // memory, and from the pieces of its relative form, not joined.
            Some(sink) => match sink.put_pieces(file, &urls::relativized_pieces(&html, file)) {
                Ok(()) => Outcome::Written,
                Err(error) => Outcome::NotWritten(error),
            },
            None => {
                let relative = match urls::relativize(&html, file) {
                    std::borrow::Cow::Owned(relative) => Some(relative),
                    std::borrow::Cow::Borrowed(_) => None,
                };
                let html = relative.unwrap_or(html);
                let hash = HtmlHash::of(&html);
                Outcome::Html(file.clone(), html, hash)
            }
        }
    };
    // Section by section, each before its pages: the section's
    // `section.pages` lends its pages their listings (see `Contexts::new`).
    let mut groups: Vec<Vec<&(Job, String, u64)>> = vec![Vec::new(); content.sections.len() + 1];
    for job in &jobs {
        let group = match job.0 {
            Job::Section(i) => i,
            Job::Page(i) => content.pages[i].section,
            Job::NotFound => content.sections.len(),
        };
        groups[group].push(job);
    }
    let results: Vec<Outcome> = groups
        .par_iter()
        .map(|group| {
            let (first, pages) = match group.split_first() {
                Some((first, pages)) if matches!(first.0, Job::Section(_)) => (Some(render(first)), pages),
                _ => (None, group.as_slice()),
            };
            let mut outcomes: Vec<Outcome> = first.into_iter().collect();
            outcomes.par_extend(pages.par_iter().map(|job| render(job)));
            outcomes
        })
        .flatten_iter()
        .collect();
    let count = results.len();

    // Grouped by where in the template they happen: the same fault on many
    // pages is one error (the first page's message, and a count).
    let mut failures: BTreeMap<String, (Problem, Vec<PathBuf>)> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut html = Vec::new();
    for result in results {
        match result {
            Outcome::Html(file, text, hash) => html.push((file, text, hash)),
            // No hash is kept of it: a session rendered into a sink is a
            // one-shot build, not rendered again.
            Outcome::Written => {}
            Outcome::NotWritten(error) => errors.push(error),
            Outcome::Failed(problem, source) => {
                let key = format!(
                    "{}:{:?}:{:?}",
                    problem.at.path.display(),
                    problem.at.line,
                    problem.at.column
                );
                let entry = failures.entry(key).or_insert_with(|| (problem, Vec::new()));
                entry.1.push(source);
            }
        }
    }
    errors.extend(failures.into_values().map(|(mut problem, sources)| {
        let first = sources.iter().min().expect("a failure has a page").display();
        problem.message = format!(
            "{} (rendering {first}{})",
            problem.message,
            others(sources.len() - 1, "page")
                .replace(" (and", " and")
                .replace(')', "")
        );
        Error::Template(problem)
    }));
    RenderedDocuments {
        html,
        errors,
        repeated_ids: repeated
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        count,
    }
}

/// The output folder as the summary line shows it.
pub fn display_output(path: &Path) -> String {
    let shown = path.display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
}
