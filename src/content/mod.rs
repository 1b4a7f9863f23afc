//! The `content/` folder: Markdown files become pages and sections, every
//! other file is an asset copied as it is.
//!
//! This stage reads files and front matter and builds the page/section tree
//! with each document's URL path; it knows nothing of HTML or templates.

mod cache;
pub mod data;
pub mod front_matter;
pub mod glossary;
pub mod image;
pub mod sources;
mod tree;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SETTINGS_FILE;
use crate::error::{Error, Location, Problem, site_path};
use crate::input;
use crate::path_map::PathHasher;
pub use cache::{DocCache, RECENT, Stamp, text_hash};
pub use front_matter::{FrontMatter, Kind};
use tree::*;

/// The folder, relative to the site root.
pub const CONTENT_DIR: &str = "content";

/// A Markdown file that loaded: its front matter, its text and its URL path.
#[derive(Debug)]
pub struct Document {
    /// Path under `content/`, with `/` separators (`timeline/_index.md`).
    pub source: String,
    /// The file as messages name it (`content/timeline/_index.md`).
    pub file: PathBuf,
    /// The whole file, without a byte order mark. A one-shot build lets
    /// go of it once the Markdown is rendered, unless the positions of the
    /// document's lints or link fragments are still to be reported: it is
    /// empty then.
    pub text: Arc<str>,
    /// A hash of `text` (and of what the file stands for), which changes
    /// when the file does.
    pub hash: u64,
    /// A hash of the front matter's text alone, which the body's edits
    /// leave as it is.
    pub front_hash: u64,
    /// Where the Markdown body starts in `text`.
    pub body_start: usize,
    pub front: Arc<FrontMatter>,
    /// Site-relative URL path, ending in `/` (`rare-earths/`); `""` for the home page.
    pub path: String,
}

impl Document {
    /// The output file, relative to the output folder.
    pub fn output_file(&self) -> String {
        const INDEX: &str = "index.html";
        let mut file = String::with_capacity(self.path.len() + INDEX.len());
        file.push_str(&self.path);
        file.push_str(INDEX);
        file
    }
}

#[derive(Debug)]
pub struct Page {
    pub doc: Document,
    /// Index of the section that lists this page.
    pub section: usize,
}

#[derive(Debug)]
pub struct Section {
    pub doc: Document,
    pub parent: Option<usize>,
    /// Pages listed here, in order: weight, then newest date, then title.
    pub pages: Vec<usize>,
    /// Sections directly below, in order: weight, then title.
    pub subsections: Vec<usize>,
}

/// A file under `content/` that is not Markdown, copied to the same place.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path under `content/`, with `/` separators; also its output path.
    pub source: String,
    /// The file to copy.
    pub file: input::SiteFile,
}

/// Everything `content/` holds, ready for the Markdown stage.
#[derive(Debug, Default)]
pub struct Content {
    /// `sections[0]` is the home page.
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Markdown files that exist but could not be used (their errors are
    /// reported on their own; links to them are not reported again).
    pub unusable: BTreeSet<String>,
    /// Drafts left out of this build.
    pub drafts: BTreeSet<String>,
    /// The terms of `content/glossary.toml`, which is also a page.
    pub glossary: Option<glossary::Glossary>,
    /// The texts under `content/sources/`, which quotes and claims are
    /// checked against; never published.
    pub sources: sources::Sources,
}

impl Content {
    /// Every section's document, then every page's: the order of a
    /// document's position in a build.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.sections
            .iter()
            .map(|s| &s.doc)
            .chain(self.pages.iter().map(|p| &p.doc))
    }

    /// [`Content::documents`], to change.
    pub fn documents_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.sections
            .iter_mut()
            .map(|s| &mut s.doc)
            .chain(self.pages.iter_mut().map(|p| &mut p.doc))
    }

    /// The sections from the home page down to `section`.
    pub fn section_chain(&self, mut section: usize) -> Vec<usize> {
        let mut chain = vec![section];
        while let Some(parent) = self.sections[section].parent {
            chain.push(parent);
            section = parent;
        }
        chain.reverse();
        chain
    }
}

/// One document of [`Content`]: a section or a page, by its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocRef {
    Section(usize),
    Page(usize),
}

impl Content {
    pub fn doc(&self, at: DocRef) -> &Document {
        match at {
            DocRef::Section(i) => &self.sections[i].doc,
            DocRef::Page(i) => &self.pages[i].doc,
        }
    }

    /// Every document, sections first, in the order of [`Content::documents`].
    pub fn doc_refs(&self) -> impl Iterator<Item = DocRef> + use<> {
        (0..self.sections.len())
            .map(DocRef::Section)
            .chain((0..self.pages.len()).map(DocRef::Page))
    }
}

/// Options of the content stage.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    pub drafts: bool,
    /// The home page's title when there is no `content/_index.md`.
    pub site_title: &'a str,
}

/// Files an editor or the system leaves behind that are never content:
/// hidden files, backups, swap and lock files.
pub fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Reads `root/content`.
pub fn load(root: &Path, options: LoadOptions) -> (Content, Vec<Error>) {
    load_cached(root, options, &mut DocCache::default())
}

/// Reads `root/content`, reparsing only the Markdown files that changed
/// since `cache` saw them.
pub fn load_cached(root: &Path, options: LoadOptions, cache: &mut DocCache) -> (Content, Vec<Error>) {
    let content_real = crate::paths::real_path(&site_path(root, CONTENT_DIR));
    let mut errors = Vec::new();
    let walked = walk(root, &content_real, &mut errors);
    let loaded = parse_all(root, &content_real, &walked, cache);
    let mut content = Content {
        assets: walked.assets,
        ..Content::default()
    };
    let mut tree = Tree {
        sections: BTreeMap::new(),
        pages: Vec::with_capacity(walked.markdown.len() + 1),
    };
    match load_glossary(root, &content_real) {
        Ok(Some((glossary, page))) => {
            content.glossary = Some(glossary);
            tree.pages.push(page);
        }
        Ok(None) => {}
        Err(found) => {
            errors.extend(found);
            content.unusable.insert(glossary::GLOSSARY_FILE.to_string());
        }
    }
    content.sources = load_sources(root, &content_real, &walked.sources, &mut errors);
    if !content.sources.list.is_empty() && !walked.markdown.iter().any(|s| s == sources::SOURCES_PAGE) {
        tree.pages.push(implicit_sources_page(root));
    }
    for (source, result) in walked.markdown.iter().zip(loaded) {
        match result {
            Ok(loaded) if loaded.kind == Kind::Section => {
                tree.sections.insert(parent_dir(source).to_string(), loaded);
            }
            Ok(loaded) => tree.pages.push(loaded),
            Err(found) => {
                errors.extend(found);
                content.unusable.insert(source.clone());
            }
        }
    }
    if !options.drafts {
        content.drafts = tree.drop_drafts();
    }
    let section_dirs = add_sections(&mut content, tree.sections, root, options.site_title);
    add_pages(&mut content, tree.pages, &section_dirs, &mut errors);
    put_in_order(&mut content);
    errors.extend(duplicate_paths(&content));
    errors.extend(image::check(&content));
    (content, errors)
}

/// Parses every Markdown file `walked` found, or takes it from `cache`
/// where its stamp is the same; `cache` then holds this load's files.
fn parse_all(
    root: &Path,
    content_real: &Path,
    walked: &Walked,
    cache: &mut DocCache,
) -> Vec<Result<Loaded, Vec<Error>>> {
    let content_dir = site_path(root, CONTENT_DIR);
    let markdown = &walked.markdown;
    let stamps: Vec<Option<Stamp>> = if cache.off {
        vec![None; markdown.len()]
    } else {
        markdown
            .par_iter()
            .map(|source| Stamp::of(&content_dir.join(source), content_real))
            .collect()
    };
    // Files are opened relative to the open content folder: the kernel then
    // looks up only their own path parts, not the whole path again.
    let content_fd = rustix::fs::open(
        &content_dir,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .ok();
    let loaded: Vec<Result<Loaded, Vec<Error>>> = markdown
        .par_iter()
        .zip(&stamps)
        .map(|(source, stamp)| match (cache.parsed.get(source), stamp) {
            (Some((cached, loaded)), Some(stamp)) if cached == stamp => Ok(loaded.clone()),
            _ => {
                let from = match walked.linked.get(source) {
                    Some(real) => ReadFrom::Link(real, content_real),
                    None => ReadFrom::Folder(content_fd.as_ref(), content_real),
                };
                load_document(root, from, source)
            }
        })
        .collect();
    cache.parsed.clear();
    for ((source, stamp), result) in markdown.iter().zip(&stamps).zip(&loaded) {
        if let (Some(stamp), Ok(loaded)) = (stamp, result) {
            cache.parsed.insert(source.clone(), (*stamp, loaded.clone()));
        }
    }
    loaded
}

/// A Markdown file that parsed, before it has a place in the tree.
#[derive(Debug, Clone)]
struct Loaded {
    source: String,
    file: PathBuf,
    text: Arc<str>,
    hash: u64,
    front_hash: u64,
    body_start: usize,
    front: Arc<FrontMatter>,
    kind: Kind,
}

impl Loaded {
    fn into_document(self, path: String) -> Document {
        Document {
            source: self.source,
            file: self.file,
            text: self.text,
            hash: self.hash,
            front_hash: self.front_hash,
            body_start: self.body_start,
            front: self.front,
            path,
        }
    }

    fn source_dir_is_home(&self) -> bool {
        self.source == "_index.md"
    }
}

fn implicit_home(root: &Path, title: &str) -> Loaded {
    Loaded {
        source: "_index.md".to_string(),
        file: site_path(root, "content/_index.md"),
        text: Arc::from(""),
        hash: text_hash(title),
        front_hash: text_hash(""),
        body_start: 0,
        front: Arc::new(FrontMatter {
            title: title.to_string(),
            ..FrontMatter::default()
        }),
        kind: Kind::Section,
    }
}

/// The sources `walk` found, read and parsed; each one that fails is reported.
fn load_sources(
    root: &Path,
    content_real: &Path,
    found: &[(String, PathBuf)],
    errors: &mut Vec<Error>,
) -> sources::Sources {
    let mut loaded = sources::Sources::default();
    let mut hasher = std::hash::DefaultHasher::new();
    for (id, file) in found {
        let shown = site_path(
            root,
            Path::new(CONTENT_DIR)
                .join(sources::SOURCES_DIR)
                .join(format!("{id}.md")),
        );
        let parsed = input::read_source(file, content_real, "the source")
            .map_err(|unread| vec![unread.problem])
            .and_then(|text| sources::parse(id, &shown, &text));
        match parsed {
            Ok(source) => {
                std::hash::Hash::hash(&(id, &source.text, &source.about), &mut hasher);
                loaded.list.push(source);
            }
            Err(problems) => errors.extend(problems.into_iter().map(Error::content)),
        }
    }
    loaded.hash = std::hash::Hasher::finish(&hasher);
    loaded
}

/// The page that lists the sources when the site writes none of its own.
fn implicit_sources_page(root: &Path) -> Loaded {
    Loaded {
        source: sources::SOURCES_PAGE.to_string(),
        file: site_path(root, Path::new(CONTENT_DIR).join(sources::SOURCES_PAGE)),
        text: Arc::from(""),
        hash: text_hash("sources"),
        front_hash: text_hash(""),
        body_start: 0,
        front: Arc::new(FrontMatter {
            title: "Sources".to_string(),
            ..FrontMatter::default()
        }),
        kind: Kind::Page,
    }
}

/// The glossary, and the page that lists it, when `content/glossary.toml` exists.
fn load_glossary(
    root: &Path,
    content_real: &Path,
) -> Result<Option<(glossary::Glossary, Loaded)>, Vec<Error>> {
    let file = site_path(root, Path::new(CONTENT_DIR).join(glossary::GLOSSARY_FILE));
    let text = match input::read_source(&file, content_real, "the glossary") {
        Ok(text) => text,
        Err(unread) if unread.missing => return Ok(None),
        Err(unread) => return Err(vec![Error::content(unread.problem)]),
    };
    let text = text.as_str();
    let glossary = glossary::parse(&file, text)
        .map_err(|problems| problems.into_iter().map(Error::content).collect::<Vec<_>>())?;
    let at = Location::file(&file);
    let page = Loaded {
        source: glossary::GLOSSARY_FILE.to_string(),
        file,
        text: Arc::from(""),
        hash: text_hash(text),
        front_hash: text_hash(""),
        body_start: 0,
        front: Arc::new(FrontMatter {
            title: glossary.title.clone(),
            description: glossary.description.clone(),
            weight: glossary.weight,
            template: Some((glossary.template.clone(), at.clone())),
            slug: Some(("glossary".to_string(), at)),
            ..FrontMatter::default()
        }),
        kind: Kind::Page,
    };
    Ok(Some((glossary, page)))
}

/// Where a Markdown file is read from.
enum ReadFrom<'a> {
    /// The content folder, open (`None`: by full path, checked against the
    /// real content folder).
    Folder(Option<&'a rustix::fd::OwnedFd>, &'a Path),
    /// A symbolic link's real target, inside the real content folder.
    Link(&'a Path, &'a Path),
}

fn load_document(root: &Path, from: ReadFrom, source: &str) -> Result<Loaded, Vec<Error>> {
    let file = site_path(root, Path::new(CONTENT_DIR).join(source));
    let opened = match from {
        ReadFrom::Folder(Some(at), content_real) => input::open_at(at, content_real, source),
        ReadFrom::Folder(None, content_real) => input::open_inside(&file, content_real),
        ReadFrom::Link(real, content_real) => input::open_inside(real, content_real),
    };
    let text =
        input::text_of(&file, opened, "the file").map_err(|unread| vec![Error::content(unread.problem)])?;
    let kind = if source.rsplit('/').next() == Some("_index.md") {
        Kind::Section
    } else {
        Kind::Page
    };
    let (front, body_start) = front_matter::parse(&file, &text, kind)
        .map_err(|problems| problems.into_iter().map(Error::front_matter).collect::<Vec<_>>())?;
    Ok(Loaded {
        source: source.to_string(),
        file,
        hash: text_hash(&text),
        front_hash: text_hash(&text[..body_start]),
        text: Arc::from(text),
        body_start,
        front: Arc::new(front),
        kind,
    })
}

/// What the walk of `content/` found.
#[derive(Debug, Default)]
struct Walked {
    /// Markdown files, as paths under `content/` with `/` separators.
    markdown: Vec<String>,
    assets: Vec<Asset>,
    /// Markdown files that are symbolic links, with their real place
    /// (inside the content folder), to read them from.
    linked: BTreeMap<String, PathBuf>,
    /// The sources (`content/sources/*.md` but the index): id and file.
    sources: Vec<(String, PathBuf)>,
}

/// Lists Markdown files and assets under `root/content`, sorted; no link
/// may lead out of `content_real`, that folder's real path.
fn walk(root: &Path, content_real: &Path, errors: &mut Vec<Error>) -> Walked {
    let content_dir = site_path(root, CONTENT_DIR);
    let mut walked = Walked::default();
    if !content_dir.is_dir() {
        errors.push(Error::content(
            Problem::new(Location::file(&content_dir), "there is no content folder")
                .hint("run the command in the site's folder, or pass --root DIR"),
        ));
        return walked;
    }
    let boundary = crate::walk::Boundary {
        real: content_real,
        name: "the content folder",
        copy_into: "content/",
    };
    let (found, problems) = crate::walk::files(&content_dir, boundary);
    errors.extend(problems.into_iter().map(Error::content));
    let settings = SETTINGS_FILE.strip_prefix("content/").unwrap_or(SETTINGS_FILE);
    let folder: Arc<Path> = Arc::from(content_real);
    for found in found {
        let Some(relative) = crate::walk::relative_to(&found.path, &content_dir) else {
            continue;
        };
        let path = &found.path;
        let Some(source) = relative
            .to_str()
            .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"))
        else {
            errors.push(Error::content(
                Problem::new(Location::file(path), "the file name is not valid UTF-8")
                    .hint("rename the file"),
            ));
            continue;
        };
        // These two are read, and their problems reported, on their own.
        if source == settings || source == glossary::GLOSSARY_FILE {
            continue;
        }
        if let Some(problem) = found.not_a_file_problem("content/") {
            errors.push(Error::content(problem));
            continue;
        }
        let real = found.real;
        if let Some(id) = source_id(&source) {
            match id {
                Ok(id) => walked
                    .sources
                    .push((id.to_string(), real.unwrap_or_else(|| path.clone()))),
                Err(problem) => errors.push(Error::content(problem.at_file(path))),
            }
            continue;
        }
        if source.ends_with(".md") {
            if let Some(real) = real {
                walked.linked.insert(source.clone(), real);
            }
            walked.markdown.push(source);
        } else {
            let path = real.unwrap_or_else(|| site_path(root, Path::new(CONTENT_DIR).join(&source)));
            let file = input::SiteFile {
                path,
                folder: Arc::clone(&folder),
            };
            walked.assets.push(Asset { file, source });
        }
    }
    walked
}

/// The id of a source, when `source` (a path under `content/`) is one:
/// a Markdown file directly in `sources/`, other than the page listing them.
fn source_id(source: &str) -> Option<Result<&str, SourceNameProblem>> {
    let name = source.strip_prefix(sources::SOURCES_DIR)?.strip_prefix('/')?;
    if source == sources::SOURCES_PAGE {
        return None;
    }
    if name == "_index.md" {
        return Some(Err(SourceNameProblem::SectionIndex));
    }
    // Anything else there would be published as it is.
    let Some(id) = name.strip_suffix(".md") else {
        return Some(Err(SourceNameProblem::NotMarkdown));
    };
    if id.contains('/') {
        return Some(Err(SourceNameProblem::Nested));
    }
    let fits = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    Some(if fits {
        Ok(id)
    } else {
        Err(SourceNameProblem::Name)
    })
}

/// Why a file under `content/sources/` cannot be a source.
enum SourceNameProblem {
    Nested,
    Name,
    NotMarkdown,
    SectionIndex,
}

impl SourceNameProblem {
    fn at_file(self, path: &Path) -> Problem {
        let at = Location::file(path);
        match self {
            SourceNameProblem::Nested => Problem::new(at, "a source must be directly in content/sources/")
                .hint("move the file up into content/sources/"),
            SourceNameProblem::Name => Problem::new(
                at,
                "a source's file name is what quotes name it by: only lowercase letters, digits and `-`",
            )
            .hint("rename the file, e.g. content/sources/city-report.md"),
            SourceNameProblem::NotMarkdown => Problem::new(
                at,
                "content/sources/ holds sources only, each a Markdown file of its text, and is never published",
            )
            .hint("paste the text into a file NAME.md there (a PDF's or a page's text, not the file); keep other files elsewhere under content/"),
            SourceNameProblem::SectionIndex => Problem::new(
                at,
                "the page listing the sources is content/sources/index.md, not _index.md",
            )
            .hint("rename the file to index.md"),
        }
    }
}

#[cfg(test)]
mod tests;
