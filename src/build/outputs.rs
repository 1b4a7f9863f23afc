//! Every file the build writes besides the pages and sections, as one
//! list: each kind of output says which paths it claims (known before
//! anything renders, for addresses and clashes) and which files it
//! writes, each with the key of what it is made from. A new kind of
//! output (a search index, image variants) is one more [`Output`] in
//! [`registry`].
//!
//! They are made after the Markdown and before the pages: a page's HTML
//! is still held then, whatever the [`super::Retention`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::keys::{hash_of, long_hash_of};
use crate::config::Config;
use crate::content::{Content, Stamp};
use crate::error::{Error, Problem};
use crate::feeds;
use crate::headers::{self, HEADERS};
use crate::input::SiteFile;
use crate::markdown::Rendered;
use crate::output::Contents;
use crate::path_map::PathMap;
use crate::render::{self, Theme, ThemeSource};

/// The site as the outputs see it before anything renders.
#[derive(Clone, Copy)]
pub(super) struct Site<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub theme: Option<&'a Theme>,
}

/// What the outputs are made from once the Markdown is rendered.
pub(super) struct Made<'a> {
    pub site: Site<'a>,
    pub config_hash: u64,
    /// Each page's rendered Markdown, and the key it was made under.
    pub pages: &'a [&'a Rendered],
    pub page_keys: &'a [u64],
}

/// A path of the output an output kind writes to, and who writes it (as
/// a message about two files written to one place names them).
pub(super) struct Claim {
    pub output: String,
    pub owner: PathBuf,
    /// The file under `content/` it is a copy of, which links may name.
    pub source: Option<String>,
}

/// A file to write, with the key of what it is made from.
pub(super) struct OutputFile {
    pub path: String,
    pub key: u64,
    /// `None` when the previous render wrote it from the same key.
    pub contents: Option<Contents>,
}

/// One kind of output file.
pub(super) trait Output: Send {
    /// The paths it writes to.
    fn claims(&self, site: Site) -> Vec<Claim>;
    /// Its files; `previous` holds the keys of what the last good render
    /// wrote, so an unchanged file is not made again.
    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile>;
    /// What in the site's settings and content it cannot make as asked.
    fn problems(&self, _: Site) -> Vec<Error> {
        Vec::new()
    }
    /// The problems the last `files` met (a template that failed).
    fn errors(&mut self) -> Vec<Error> {
        Vec::new()
    }
}

/// Every kind of output besides pages and sections, in the order their
/// claims are made (the first claim of a path wins; a later one is the
/// error).
pub(super) fn registry() -> Vec<Box<dyn Output>> {
    vec![
        Box::new(Robots),
        Box::new(Headers),
        Box::new(Sitemap),
        Box::new(Feed::default()),
        Box::new(NotFound),
        // Before the assets: a file of the site's in a card's place is
        // the error, at that file.
        Box::new(super::cards::Cards::default()),
        Box::new(Assets),
        Box::new(ThemeFiles),
    ]
}

/// The claims of every output of `registry`.
pub(super) fn claims(registry: &[Box<dyn Output>], site: Site) -> Vec<Claim> {
    registry.iter().flat_map(|output| output.claims(site)).collect()
}

/// The problems of every output of `registry`.
pub(super) fn problems(registry: &[Box<dyn Output>], site: Site) -> Vec<Error> {
    registry.iter().flat_map(|output| output.problems(site)).collect()
}

/// A file the build writes of its own accord.
fn generated(output: &str) -> Claim {
    Claim {
        output: output.to_string(),
        owner: PathBuf::from(format!("(the {output} the build writes)")),
        source: None,
    }
}

/// The claim of a file that needs absolute addresses: none without a base URL.
fn with_base_url(site: Site, output: &str) -> Vec<Claim> {
    match site.config.base_url {
        Some(_) => vec![generated(output)],
        None => Vec::new(),
    }
}

/// The key of a copy of `source`: its path and stamp.
fn copy_key(source: &SiteFile) -> u64 {
    hash_of((&source.path, Stamp::of(&source.path, &source.folder)))
}

/// `path` made by `make`, unless the last render wrote it under `key`.
fn file(previous: &PathMap<u64>, path: &str, key: u64, make: impl FnOnce() -> Contents) -> OutputFile {
    let contents = (previous.get(path) != Some(&key)).then(make);
    OutputFile {
        path: path.to_string(),
        key,
        contents,
    }
}

struct Robots;

impl Output for Robots {
    fn claims(&self, _: Site) -> Vec<Claim> {
        vec![generated(feeds::ROBOTS)]
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        let base_url = made.site.config.base_url.as_deref();
        let key = hash_of(&made.site.config.base_url);
        vec![file(previous, feeds::ROBOTS, key, || {
            Contents::Bytes(feeds::robots(base_url).into_bytes())
        })]
    }
}

/// `_headers`, with the security policy built from `embed_hosts`; none
/// when the site has its own `content/_headers`, copied as it is.
struct Headers;

/// Whether the site brings its own `_headers` under `content/`.
fn own_headers(content: &Content) -> bool {
    content.assets.iter().any(|asset| asset.source == HEADERS)
}

impl Output for Headers {
    fn claims(&self, site: Site) -> Vec<Claim> {
        match own_headers(site.content) {
            true => Vec::new(),
            false => vec![generated(HEADERS)],
        }
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        if own_headers(made.site.content) {
            return Vec::new();
        }
        let hosts = &made.site.config.embed_hosts;
        vec![file(previous, HEADERS, hash_of(hosts), || {
            Contents::Bytes(headers::headers(hosts).into_bytes())
        })]
    }

    /// `embed_hosts` beside a `content/_headers`: the setting would do
    /// nothing, as the site's own file is published as it is.
    fn problems(&self, site: Site) -> Vec<Error> {
        let config = site.config;
        match (&config.embed_hosts_at, own_headers(site.content)) {
            (Some(at), true) if !config.embed_hosts.is_empty() => vec![Error::config(
                Problem::new(
                    at.clone(),
                    "`embed_hosts` does nothing here: the site has its own content/_headers, which is published as it is",
                )
                .hint(format!(
                    "delete content/_headers to have the build write the headers with these hosts, or leave out `embed_hosts` and write the hosts into the policy of content/_headers: {}",
                    headers::content_security_policy(&config.embed_hosts)
                )),
            )],
            _ => Vec::new(),
        }
    }
}

/// `sitemap.xml`, with a base URL to make absolute addresses of.
struct Sitemap;

impl Output for Sitemap {
    fn claims(&self, site: Site) -> Vec<Claim> {
        with_base_url(site, feeds::SITEMAP)
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        let Some(base_url) = &made.site.config.base_url else {
            return Vec::new();
        };
        let content = made.site.content;
        let lastmods: Vec<(&String, Option<&str>)> = content
            .documents()
            .map(|d| {
                let date = d.front.updated.as_ref().or(d.front.date.as_ref());
                (&d.path, date.map(|d| d.rfc3339.as_str()))
            })
            .collect();
        let key = long_hash_of((base_url, &lastmods));
        vec![file(previous, feeds::SITEMAP, key, || {
            Contents::Bytes(feeds::sitemap(base_url, content).into_bytes())
        })]
    }
}

/// `atom.xml`, with a base URL. Each entry is kept between renders, by
/// page, with its key: only changed pages' entries are made again.
#[derive(Default)]
struct Feed {
    entries: HashMap<String, (u64, Arc<str>)>,
}

impl Output for Feed {
    fn claims(&self, site: Site) -> Vec<Claim> {
        with_base_url(site, feeds::FEED)
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        let Some(base_url) = &made.site.config.base_url else {
            return Vec::new();
        };
        let (config, content) = (made.site.config, made.site.content);
        let pages = content.pages.iter().map(|p| p.doc.hash).collect::<Vec<_>>();
        let dated = feeds::feed_pages(content, config.feed_limit);
        let entry_key = |i: usize| hash_of((base_url, made.page_keys[i], content.pages[i].doc.hash));
        let entry_keys: Vec<u64> = dated.iter().map(|&i| entry_key(i)).collect();
        let key = long_hash_of((made.config_hash, &pages, &entry_keys));
        vec![file(previous, feeds::FEED, key, || {
            let entries: HashMap<usize, (u64, Arc<str>)> = dated
                .par_iter()
                .zip(&entry_keys)
                .map(|(&i, &key)| (i, (key, self.entry(made, base_url, i, key))))
                .collect();
            let feed = feeds::atom(config, base_url, content, &dated, |i| Arc::clone(&entries[&i].1));
            self.entries = entries
                .into_iter()
                .map(|(i, entry)| (content.pages[i].doc.source.clone(), entry))
                .collect();
            Contents::Bytes(feed.into_bytes())
        })]
    }
}

impl Feed {
    /// Page `i`'s entry: the one kept, if made under `key`.
    fn entry(&self, made: &Made, base_url: &str, i: usize, key: u64) -> Arc<str> {
        let page = &made.site.content.pages[i];
        match self.entries.get(&page.doc.source) {
            Some((cached, entry)) if *cached == key => Arc::clone(entry),
            _ => Arc::from(feeds::atom_entry(base_url, &page.doc, made.pages[i])),
        }
    }
}

/// `404.html`, when the theme has the template. Rendered with the pages
/// (it is one, for the templates); claimed here with the other files.
struct NotFound;

impl Output for NotFound {
    fn claims(&self, site: Site) -> Vec<Claim> {
        match site.theme.is_some_and(|t| t.has_template(render::NOT_FOUND)) {
            true => vec![generated(render::NOT_FOUND)],
            false => Vec::new(),
        }
    }

    fn files(&mut self, _: &Made, _: &PathMap<u64>) -> Vec<OutputFile> {
        Vec::new()
    }
}

/// The files under `content/` that are not Markdown, copied.
struct Assets;

impl Output for Assets {
    fn claims(&self, site: Site) -> Vec<Claim> {
        site.content
            .assets
            .iter()
            .map(|asset| Claim {
                output: asset.source.clone(),
                owner: asset.file.path.clone(),
                source: Some(asset.source.clone()),
            })
            .collect()
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        let assets = &made.site.content.assets;
        assets
            .iter()
            .map(|asset| {
                let source = &asset.file;
                file(previous, &asset.source, copy_key(source), || {
                    Contents::CopyOf(source.clone())
                })
            })
            .collect()
    }
}

/// The theme's files that are not templates (its stylesheet), copied.
struct ThemeFiles;

impl Output for ThemeFiles {
    fn claims(&self, site: Site) -> Vec<Claim> {
        let files = site.theme.map(|t| t.static_files.as_slice()).unwrap_or_default();
        files
            .iter()
            .map(|file| Claim {
                output: file.output.clone(),
                owner: match &file.source {
                    ThemeSource::File(file) => file.path.clone(),
                    ThemeSource::BuiltIn(_) => {
                        PathBuf::from(format!("{}/{}", render::BUILT_IN_LABEL, file.output))
                    }
                },
                source: None,
            })
            .collect()
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        let files = made
            .site
            .theme
            .map(|t| t.static_files.as_slice())
            .unwrap_or_default();
        files
            .iter()
            .map(|static_file| match &static_file.source {
                ThemeSource::File(source) => file(previous, &static_file.output, copy_key(source), || {
                    Contents::CopyOf(source.clone())
                }),
                ThemeSource::BuiltIn(bytes) => file(previous, &static_file.output, hash_of(bytes), || {
                    Contents::Static(bytes)
                }),
            })
            .collect()
    }
}
