//! A render of the whole site, step by step, and what it keeps for the
//! next one.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use super::checks::{self, Findings, Targets};
use super::keys::{self, RenderKeys, hash_of};
use super::markdown::{self, MarkdownCache, MarkdownResult};
use super::outputs::{self, Made, Output, Site};
use super::pages::{self, HtmlHash};
use super::theme::{self, CachedTheme};
use super::{Delta, Options, Report, Retention, Timer, addresses, citations, sources_page};
use crate::change::Change;
use crate::config::{self, Config};
use crate::content::data::DataFiles;
use crate::content::{self, CONTENT_DIR, Content, DocCache, Document, LoadOptions};
use crate::error::{Error, Errors, Kind, site_path};
use crate::images::ImageSizes;
use crate::markdown::{Glossary, Markup, Rendered};
use crate::output::{Contents, PageSink, Plan};
use crate::path_map::{self, PathMap};
use crate::render::{Contexts, FileHashes, ListingCache, ShortcodeRenderer, Theme, ThemeSource};
use crate::urls::UrlIndex;

/// A site rendered once (`build`, `check`) or again and again (`watch`,
/// `serve`): each render reuses what did not change since the previous
/// one (parsed files, Markdown, listings, pages whose inputs are the
/// same) and reports only the output files that differ. Every render
/// gives exactly what a fresh build of the same files gives.
pub struct Session {
    pub(super) options: Options,
    pub(super) retention: Retention,
    docs: DocCache,
    pub(super) theme: Option<CachedTheme>,
    pub(super) markdown: MarkdownCache,
    listings: ListingCache,
    /// Every kind of output besides the pages (see [`outputs::registry`]).
    extras: Vec<Box<dyn Output>>,
    /// What the output folder holds after the last good render: each file
    /// with the key of what it was made from.
    outputs: PathMap<u64>,
    /// Each HTML file of the output: a hash of its bytes, and one with the
    /// `?h=` hashes of `get_url(..., cachebust=true)` left out.
    html_hashes: PathMap<HtmlHash>,
    /// What the last render loaded, to start the next one from.
    pub(super) last: Option<Snapshot>,
}

/// Everything a render loaded and made of the Markdown, kept so the next
/// render can start from it when only some pages' text or some templates
/// changed.
pub(super) struct Snapshot {
    pub config: Config,
    pub config_hash: u64,
    pub content: Content,
    pub index: Arc<UrlIndex>,
    /// Output files by content hash, for `get_url(..., cachebust=true)`.
    pub files: Arc<FileHashes>,
    pub addresses_hash: u64,
    pub glossary: Option<Glossary>,
    /// The theme's markup for what the Markdown adds of its own.
    pub markup: Markup,
    /// The hash of what every document's Markdown may refer to.
    pub markdown_env: u64,
    /// Sections first, then pages, as in `docs()`.
    pub markdown_keys: Vec<u64>,
    pub results: Vec<Arc<MarkdownResult>>,
    /// Documents whose Markdown had errors (broken links, shortcodes).
    pub failing: BTreeSet<usize>,
    /// Where each document is in `docs()`, by source file.
    pub positions: HashMap<String, usize>,
    /// The template names when the snapshot was made.
    pub templates: Vec<String>,
    /// The claims of the data files under `content/`, found in their sources.
    pub data_citations: Vec<citations::DataCitation>,
}

impl Snapshot {
    /// The rendered Markdown of the sections, and of the pages.
    fn rendered(&self) -> (Vec<&Rendered>, Vec<&Rendered>) {
        let rendered = self.results.iter().map(|r| &r.rendered);
        let sections = self.content.sections.len();
        (
            rendered.clone().take(sections).collect(),
            rendered.skip(sections).collect(),
        )
    }

    pub fn docs(&self) -> Vec<&Document> {
        self.content.documents().collect()
    }

    pub fn doc_mut(&mut self, position: usize) -> &mut Document {
        let sections = self.content.sections.len();
        match position.checked_sub(sections) {
            None => &mut self.content.sections[position].doc,
            Some(page) => &mut self.content.pages[page].doc,
        }
    }
}

impl Session {
    pub fn new(options: Options, retention: Retention) -> Self {
        worker_threads_with_room();
        Session {
            options,
            retention,
            docs: retention.doc_cache(),
            theme: None,
            markdown: HashMap::new(),
            listings: ListingCache::default(),
            extras: outputs::registry(),
            outputs: PathMap::default(),
            html_hashes: PathMap::default(),
            last: None,
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
        self.render_with(None)
    }

    /// Like [`Session::render`], but pages go straight into `sink` as they
    /// are rendered instead of into the delta (for a one-time render of a
    /// big site, whose pages need not all be held in memory). No hash is
    /// kept of the pages written to `sink`: a next render gives them again.
    pub fn render_into(&mut self, sink: &dyn PageSink) -> Result<Delta, Errors> {
        self.render_with(Some(sink))
    }

    fn render_with(&mut self, sink: Option<&dyn PageSink>) -> Result<Delta, Errors> {
        let mut timer = Timer::new();
        self.last = None;
        let (mut snapshot, errors) = self.prepare(&mut timer)?;
        let result = self.emit(&mut snapshot, errors, &mut timer, sink);
        self.last = Some(snapshot);
        result
    }

    /// Renders again after `changed` files changed: from the last render
    /// when they are only the bodies of known pages or templates no page's
    /// Markdown is made with (see `patch.rs`), else a full [`Session::render`].
    /// Both give the same files.
    pub fn render_changed(&mut self, changed: &[Change]) -> Result<Delta, Errors> {
        match self.patch(changed) {
            Some(result) => result,
            None => self.render(),
        }
    }

    /// Everything up to the rendered Markdown: settings, content, theme,
    /// addresses, Markdown. Errors that stop nothing else are returned
    /// with the snapshot; the ones that leave nothing to render end it.
    fn prepare(&mut self, timer: &mut Timer) -> Result<(Snapshot, Vec<Error>), Errors> {
        let mut errors: Vec<Error> = Vec::new();
        let config = self.load_settings(&mut errors)?;
        // Through its JSON form: `extra` is a JSON value, which has no `Hash`.
        let config_hash = hash_of(serde_json::to_string(&config).unwrap_or_default());
        timer.stage("config");
        let mut content = self.load_content_and_theme(&config, &mut errors);
        timer.stage("content and templates");

        let site = Site {
            config: &config,
            content: &content,
            theme: self.theme.as_ref().map(|cached| &cached.theme),
        };
        let claims = outputs::claims(&self.extras, site);
        errors.extend(outputs::problems(&self.extras, site));
        let (index, found) = addresses::url_index(&content, &claims);
        errors.extend(found);
        let index = Arc::new(index);
        // What get_url, load_data and links may see: every address, and the data files.
        let addresses_hash = keys::addresses_hash(&content, site.theme, &claims);
        let files = Arc::new(file_hashes(&content, site.theme));
        let theme = with_build_functions(
            &mut self.theme,
            &self.options.root,
            &index,
            &files,
            &content,
            &config,
        );

        let shortcodes = theme.map(|theme| {
            ShortcodeRenderer::new(theme, &config).with_sources(!content.sources.list.is_empty())
        });
        let glossary = markdown::glossary(&content);
        let markup = theme::markup(theme, &config, &mut errors);
        let shared = hash_of((addresses_hash, config_hash));
        let images = ImageSizes::new(&content.assets);
        let env = markdown::Env {
            index: &index,
            shortcodes: shortcodes.as_ref(),
            glossary: glossary.as_ref(),
            markup: &markup,
            images: &images,
            hash: markdown::env_hash(shared, &content, shortcodes.as_ref(), theme, &markup),
        };
        let rendered = markdown::render_all(&mut content, &env, &mut self.markdown, self.retention);
        let markdown_env = env.hash;
        errors.extend(rendered.errors);
        let (data_citations, found) = citations::check_data(&content);
        errors.extend(found);
        drop(shortcodes);
        timer.stage("markdown");
        let positions = positions(&content, self.retention);
        let snapshot = Snapshot {
            config,
            config_hash,
            content,
            index,
            files,
            addresses_hash,
            glossary,
            markup,
            markdown_env,
            markdown_keys: rendered.keys,
            results: rendered.results,
            failing: rendered.failing,
            positions,
            templates: theme
                .map(|t| t.template_names().map(str::to_string).collect())
                .unwrap_or_default(),
            data_citations,
        };
        Ok((snapshot, errors))
    }

    /// The settings; on an error that stops nothing else, the defaults,
    /// so that content and template errors are reported too.
    fn load_settings(&self, errors: &mut Vec<Error>) -> Result<Config, Errors> {
        match config::load(&self.options.root, self.options.base_url.as_deref()) {
            Ok(config) => Ok(config),
            Err(found) if found.iter().any(|e| e.kind == Kind::Usage) => Err(Errors::new(found)),
            Err(found) => {
                errors.extend(found);
                Ok(Config::default())
            }
        }
    }

    /// The content and the theme, read side by side: neither needs the
    /// other, and a theme parsed on one thread while the other walks the
    /// content folder takes no time of its own.
    fn load_content_and_theme(&mut self, config: &Config, errors: &mut Vec<Error>) -> Content {
        let root = &self.options.root;
        let load = LoadOptions {
            drafts: self.options.drafts,
            site_title: &config.title,
        };
        let docs = &mut self.docs;
        let theme_slot = &mut self.theme;
        let ((mut content, found), theme_loaded) = rayon::join(
            || content::load_cached(root, load, docs),
            || theme::load(root, theme_slot),
        );
        errors.extend(found);
        if let Err(found) = theme_loaded {
            errors.extend(found);
            self.theme = None;
        }
        if let Some(cached) = &self.theme {
            theme::keep_glossary_ids_off(&mut content, &cached.theme.fixed_ids);
        }
        content
    }

    /// From the rendered Markdown to the output files: checks, the other
    /// outputs, the pages. On success, records what the output folder
    /// holds and returns what differs.
    pub(super) fn emit(
        &mut self,
        snapshot: &mut Snapshot,
        mut errors: Vec<Error>,
        timer: &mut Timer,
        sink: Option<&dyn PageSink>,
    ) -> Result<Delta, Errors> {
        let mut findings = self.check_links(snapshot);
        errors.append(&mut findings.errors);
        timer.stage("links");
        let mut next = self.other_outputs(snapshot, &mut errors);
        timer.stage("feeds and cards");
        let sections = snapshot.content.sections.len();
        let contents = match sink {
            Some(_) => self.retention.take_page_contents(&mut snapshot.results, sections),
            None => Vec::new(),
        };
        errors.extend(self.render_pages(snapshot, contents, &mut next, sink, &mut findings));
        timer.stage("render");
        if !errors.is_empty() {
            return Err(Errors::new(errors));
        }
        Ok(self.finish(next, snapshot, findings.warnings, timer))
    }

    /// Every link's `#fragment`, and the problems of form.
    fn check_links(&self, snapshot: &Snapshot) -> Findings {
        let (sections, pages) = snapshot.rendered();
        let targets = Targets {
            content: &snapshot.content,
            sections: &sections,
            pages: &pages,
            theme_ids: self.theme.as_ref().map(|cached| &cached.theme.fixed_ids),
        };
        checks::links_and_lint(&targets, &snapshot.results, self.options.lint)
    }

    /// The output files besides the pages, made while every page's HTML
    /// is still held.
    fn other_outputs(&mut self, snapshot: &Snapshot, errors: &mut Vec<Error>) -> Next {
        let sections = snapshot.content.sections.len();
        let (_, pages) = snapshot.rendered();
        let made = Made {
            site: Site {
                config: &snapshot.config,
                content: &snapshot.content,
                theme: self.theme.as_ref().map(|cached| &cached.theme),
            },
            config_hash: snapshot.config_hash,
            pages: &pages,
            page_keys: &snapshot.markdown_keys[sections..],
        };
        let mut next = Next::with_capacity(self.outputs.len().max(snapshot.markdown_keys.len()));
        for extra in &mut self.extras {
            for file in extra.files(&made, &self.outputs) {
                next.add(file.path, file.key, file.contents);
            }
            errors.extend(extra.errors());
        }
        next
    }

    /// The pages, when the theme loaded and has every template asked for;
    /// their errors.
    fn render_pages(
        &mut self,
        snapshot: &Snapshot,
        contents: Vec<Mutex<Option<String>>>,
        next: &mut Next,
        sink: Option<&dyn PageSink>,
        findings: &mut Findings,
    ) -> Vec<Error> {
        let Some(theme) = self.theme.as_ref().map(|cached| &cached.theme) else {
            return Vec::new();
        };
        let content = &snapshot.content;
        let missing = checks::missing_templates(content, theme);
        if !missing.is_empty() {
            return missing;
        }
        let (sections, pages) = snapshot.rendered();
        let (section_keys, page_keys) = snapshot.markdown_keys.split_at(content.sections.len());
        let fields = checks::fields_read(content, theme);
        // A listing is made of what the templates may read, too.
        let listing_keys = keys::listing_keys(content, page_keys, hash_of((snapshot.config_hash, fields)));
        let contexts = Contexts::new(
            &snapshot.config,
            content,
            &sections,
            &pages,
            &listing_keys,
            &mut self.listings,
            self.retention.lends_listings(),
            fields,
        )
        .with_contents(contents);
        let (sources, sources_hash) =
            sources_page::listing(content, &snapshot.results, &snapshot.data_citations);
        let contexts = match content.sources.list.is_empty() {
            true => contexts,
            false => contexts.with_sources(tera::Value::from_serializable(&sources)),
        };
        let keys = RenderKeys {
            theme,
            content,
            // get_source answers from the sources.
            shared: hash_of((
                snapshot.config_hash,
                snapshot.addresses_hash,
                content.sources.hash,
            )),
            section_keys,
            page_keys,
            listing_keys: &listing_keys,
            sources: sources_hash,
        };
        let rendered = pages::render_all(&keys, &contexts, &self.outputs, &mut next.outputs, sink);
        let targets = Targets {
            content,
            sections: &sections,
            pages: &pages,
            theme_ids: Some(&theme.fixed_ids),
        };
        let repeated = checks::repeated_ids(rendered.repeated_ids, &targets, self.options.lint);
        findings.warnings.extend(repeated.warnings);
        next.rendered = rendered.count;
        for (file, html, hash) in rendered.html {
            let readdressed = match self.html_hashes.get(&file) {
                Some(old) if old.exact == hash.exact => None,
                Some(old) => Some(old.readdressed == hash.readdressed),
                None => Some(false),
            };
            if let Some(readdressed) = readdressed {
                next.changed_html(file.clone(), html, readdressed);
            }
            next.html_hashes.push((file, hash));
        }
        let mut errors = rendered.errors;
        errors.extend(repeated.errors);
        errors
    }

    /// Records what the output folder holds now, and what differs.
    fn finish(
        &mut self,
        next: Next,
        snapshot: &Snapshot,
        warnings: Vec<crate::error::Problem>,
        timer: &mut Timer,
    ) -> Delta {
        let content = &snapshot.content;
        let mut removed: Vec<String> = self
            .outputs
            .keys()
            .filter(|path| !next.outputs.contains_key(*path))
            .cloned()
            .collect();
        removed.sort_unstable();
        let documents = content.pages.len() + content.sections.len();
        let report = Report {
            pages: content.pages.len(),
            sections: content.sections.len(),
            files: next.outputs.len().saturating_sub(documents),
            rendered: next.rendered,
            output: self.options.output_dir(),
            elapsed: timer.start.elapsed(),
            stages: std::mem::take(&mut timer.stages),
            warnings,
        };
        self.outputs = next.outputs;
        self.html_hashes.extend(next.html_hashes);
        if !removed.is_empty() {
            self.html_hashes.retain(|file, _| self.outputs.contains_key(file));
        }
        Delta {
            changed: next.changed,
            readdressed: next.readdressed,
            removed,
            report,
        }
    }
}

/// What a render is making of the output folder.
struct Next {
    /// Every file, with the key of what it is made from.
    outputs: PathMap<u64>,
    /// The files that differ from the last render.
    changed: Plan,
    /// The HTML files of `changed` that differ only in cachebust hashes.
    readdressed: BTreeSet<String>,
    html_hashes: Vec<(String, HtmlHash)>,
    /// How many pages were rendered.
    rendered: usize,
}

impl Next {
    fn with_capacity(files: usize) -> Self {
        Next {
            outputs: path_map::with_capacity(files),
            changed: Plan::default(),
            readdressed: BTreeSet::new(),
            html_hashes: Vec::new(),
            rendered: 0,
        }
    }

    fn add(&mut self, path: String, key: u64, contents: Option<Contents>) {
        if let Some(contents) = contents {
            self.changed.add(path.clone(), contents);
        }
        self.outputs.insert(path, key);
    }

    fn changed_html(&mut self, file: String, html: String, readdressed: bool) {
        if readdressed {
            self.readdressed.insert(file.clone());
        }
        self.changed.add(file, Contents::Bytes(html.into_bytes()));
    }
}

/// Every file a page may link to with `get_url(..., cachebust=true)`: the
/// assets and the theme's files.
fn file_hashes(content: &Content, theme: Option<&Theme>) -> FileHashes {
    let assets = content
        .assets
        .iter()
        .map(|a| (a.source.clone(), ThemeSource::File(a.file.clone())));
    let theme_files = theme.map(|t| t.static_files.as_slice()).unwrap_or_default();
    FileHashes::new(assets.chain(theme_files.iter().map(|f| (f.output.clone(), f.source.clone()))))
}

/// Each thread that renders pages gets a stack of this size. Tera 2 calls
/// itself for each template a page includes (up to
/// [`crate::render::MAX_CHAIN_DEPTH`]) within each component a component
/// calls (up to 21 from Markdown): the deepest of these, 21 components
/// each through 32 includes, needs about 64 MiB in a build without
/// optimisation and a quarter of that in a release build, where the
/// threads' default is 2 MiB. Only the part a render uses is touched.
const WORKER_STACK: usize = 128 << 20;

/// Sets up the worker threads, once, before anything runs on them; later
/// calls leave them as they are.
pub fn worker_threads_with_room() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only if the pool runs already, which then keeps its stacks.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK)
            .build_global();
    });
}

/// Each document's position by its source file, for the quick way of a
/// rebuild (see `patch`); none when no rebuild will follow.
fn positions(content: &Content, retention: Retention) -> HashMap<String, usize> {
    match retention.keeps_caches() {
        true => content
            .documents()
            .enumerate()
            .map(|(i, d)| (d.source.clone(), i))
            .collect(),
        false => HashMap::new(),
    }
}

/// The theme, its functions answering from this build: every address
/// (`index`) and output file's hash (`files`), the data files under the
/// site's `root`, the sources and the site's language.
fn with_build_functions<'t>(
    cached: &'t mut Option<CachedTheme>,
    root: &std::path::Path,
    index: &Arc<UrlIndex>,
    files: &Arc<FileHashes>,
    content: &Content,
    config: &Config,
) -> Option<&'t Theme> {
    let theme = &mut cached.as_mut()?.theme;
    let data = Arc::new(DataFiles::new(site_path(root, CONTENT_DIR)));
    theme.register_functions(
        Arc::clone(index),
        Arc::clone(files),
        data,
        content,
        &config.language,
    );
    Some(theme)
}
