//! The `content/` folder: Markdown files become pages and sections, every
//! other file is an asset copied as it is.
//!
//! This stage reads files and front matter and builds the page/section tree
//! with each document's URL path; it knows nothing of HTML or templates.

pub mod data;
pub mod front_matter;
pub mod glossary;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SETTINGS_FILE;
use crate::error::{Error, Location, Problem, site_path};
use crate::input;
use crate::path_map::PathHasher;
pub use front_matter::{FrontMatter, Kind};

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

    /// The template a document renders with: the one its front matter
    /// names, or the default for its kind (`index.html` for the home page,
    /// `section.html` for other sections, `page.html` for pages).
    pub fn template_of(&self, at: DocRef) -> &str {
        let default = match at {
            DocRef::Section(0) => "index.html",
            DocRef::Section(_) => "section.html",
            DocRef::Page(_) => "page.html",
        };
        self.doc(at)
            .front
            .template
            .as_ref()
            .map_or(default, |(name, _)| name.as_str())
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

/// What the system says of a file, to tell whether it changed without
/// reading it: when all of it is unchanged, so is the file. The status
/// change time moves with any change to the file or its permissions (a
/// file made unreadable must be read again, and fail), and cannot be set
/// back (`cp -p`, `rsync -a` and `tar` set the modification time); the
/// inode changes when a save replaces the file. But times have a tick
/// (a few milliseconds here, seconds on some file systems): two writes
/// within one leave the same time. So while the change time is recent
/// ([`RECENT`]), the stamp holds a hash of the bytes too, and a file is
/// never taken for unchanged when it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub modified: Option<std::time::SystemTime>,
    pub changed: (i64, i64),
    pub inode: u64,
    pub len: u64,
    /// A hash of the bytes, while the change time is recent.
    pub recent_bytes: Option<u64>,
}

/// How long after a change a file's times may not yet tell it from the
/// next one: more than any file system's timestamp tick (FAT's is two
/// seconds).
pub const RECENT: std::time::Duration = std::time::Duration::from_secs(3);

impl Stamp {
    /// The stamp of `path`, a file that must lie inside `boundary` (a real
    /// path): a symbolic link is stamped by its target only when that lies
    /// inside, so no file outside is ever opened, even to hash it.
    pub fn of(path: &Path, boundary: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        let mut meta = std::fs::symlink_metadata(path).ok()?;
        let mut inside = true;
        if meta.file_type().is_symlink() {
            match input::resolve_inside(path, boundary) {
                Ok(real) => meta = std::fs::metadata(real).ok()?,
                Err(_) => inside = false,
            }
        }
        let changed = (meta.ctime(), meta.ctime_nsec());
        let recent_bytes = (inside && meta.is_file() && is_recent(changed, std::time::SystemTime::now()))
            .then(|| {
                let bytes = input::open_inside(path, boundary)
                    .and_then(input::read_all)
                    .ok()?;
                Some(xxhash_rust::xxh3::xxh3_64(&bytes))
            })
            .flatten();
        Some(Stamp {
            modified: meta.modified().ok(),
            changed,
            inode: meta.ino(),
            len: meta.len(),
            recent_bytes,
        })
    }
}

/// Whether a change at `changed` (seconds and nanoseconds since the epoch)
/// is within [`RECENT`] of `now`, or later (a clock set back).
fn is_recent(changed: (i64, i64), now: std::time::SystemTime) -> bool {
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    let changed = i128::from(changed.0) * 1_000_000_000 + i128::from(changed.1);
    now - changed < RECENT.as_nanos() as i128
}

/// Markdown files parsed by an earlier load, reused while their stamp holds.
#[derive(Debug, Default)]
pub struct DocCache {
    parsed: HashMap<String, (Stamp, Loaded)>,
    /// Set for a load that is the only one (a one-shot build): nothing is
    /// kept, and no file's stamp is taken.
    off: bool,
}

impl DocCache {
    /// A cache that keeps nothing, for a site loaded once.
    pub fn off() -> Self {
        DocCache {
            parsed: HashMap::new(),
            off: true,
        }
    }
}

/// The hash documents carry of their text.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Reads `root/content`.
pub fn load(root: &Path, options: LoadOptions) -> (Content, Vec<Error>) {
    load_cached(root, options, &mut DocCache::default())
}

/// Reads `root/content`, reparsing only the Markdown files that changed
/// since `cache` saw them.
pub fn load_cached(root: &Path, options: LoadOptions, cache: &mut DocCache) -> (Content, Vec<Error>) {
    let content_real = input::real_path(&site_path(root, CONTENT_DIR));
    let mut errors = Vec::new();
    let walked = walk(root, &content_real, &mut errors);
    let loaded = parse_all(root, &content_real, &walked, cache);
    let mut content = Content {
        assets: walked.assets,
        ..Content::default()
    };
    let mut tree = Tree::default();
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

/// The documents that loaded, before they have places in the tree.
#[derive(Default)]
struct Tree {
    /// Each section by its folder (`""` for the home page).
    sections: BTreeMap<String, Loaded>,
    pages: Vec<Loaded>,
}

impl Tree {
    /// Leaves out the drafts, and everything under a draft section's
    /// folder; returns their sources.
    fn drop_drafts(&mut self) -> BTreeSet<String> {
        let draft_dirs: Vec<String> = self
            .sections
            .iter()
            .filter(|(dir, s)| s.front.draft && !dir.is_empty())
            .map(|(dir, _)| dir.clone())
            .collect();
        let is_dropped =
            |source: &str, draft: bool| draft || draft_dirs.iter().any(|dir| dir_contains(dir, source));
        let mut drafts = BTreeSet::new();
        self.sections.retain(|_, s| {
            let dropped = !s.source_dir_is_home() && is_dropped(&s.source, s.front.draft);
            if dropped {
                drafts.insert(s.source.clone());
            }
            !dropped
        });
        self.pages.retain(|p| {
            let dropped = is_dropped(&p.source, p.front.draft);
            if dropped {
                drafts.insert(p.source.clone());
            }
            !dropped
        });
        drafts
    }
}

/// Adds the sections: the home page first (one made up when there is no
/// `content/_index.md`), then every folder with an `_index.md`, each
/// under the nearest folder above it that has one. Returns their folders.
fn add_sections(
    content: &mut Content,
    mut sections: BTreeMap<String, Loaded>,
    root: &Path,
    site_title: &str,
) -> Vec<String> {
    let home = sections
        .remove("")
        .unwrap_or_else(|| implicit_home(root, site_title));
    let mut section_dirs: Vec<String> = vec![String::new()];
    content.sections.push(Section {
        doc: home.into_document(String::new()),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
    });
    for (dir, loaded) in sections {
        let parent = nearest_section(&section_dirs, &dir);
        let path = url_path_of_dir(&dir);
        content.sections.push(Section {
            doc: loaded.into_document(path),
            parent: Some(parent),
            pages: Vec::new(),
            subsections: Vec::new(),
        });
        section_dirs.push(dir);
    }
    for index in 1..content.sections.len() {
        let parent = content.sections[index]
            .parent
            .expect("only the home page has no parent");
        content.sections[parent].subsections.push(index);
    }
    section_dirs
}

/// Adds the pages, each to the nearest section above it.
fn add_pages(content: &mut Content, pages: Vec<Loaded>, section_dirs: &[String], errors: &mut Vec<Error>) {
    content.pages.reserve_exact(pages.len());
    // Pages come folder by folder: the last folder's section is the next page's, mostly.
    let mut last_section: Option<(String, usize)> = None;
    for loaded in pages {
        let (dir, stem) = page_dir_and_stem(&loaded.source);
        let slug = match page_slug(&loaded, stem) {
            Ok(slug) => slug,
            Err(problem) => {
                errors.push(Error::Content(problem));
                content.unusable.insert(loaded.source.clone());
                continue;
            }
        };
        let section = match &last_section {
            Some((last, section)) if last == dir => *section,
            _ => {
                let section = nearest_section(section_dirs, dir);
                last_section = Some((dir.to_string(), section));
                section
            }
        };
        let path = format!("{}{slug}/", url_path_of_dir(dir));
        content.pages.push(Page {
            doc: loaded.into_document(path),
            section,
        });
    }
    for (index, page) in content.pages.iter().enumerate() {
        content.sections[page.section].pages.push(index);
    }
}

/// Orders each section's pages (weight, then newest date, then title)
/// and subsections (weight, then title).
fn put_in_order(content: &mut Content) {
    for section in &mut content.sections {
        let pages = &content.pages;
        section
            .pages
            .sort_by(|&a, &b| page_order(&pages[a].doc, &pages[b].doc));
    }
    let order: Vec<(Option<i64>, String, String)> = content
        .sections
        .iter()
        .map(|s| {
            (
                s.doc.front.weight,
                s.doc.front.title.clone(),
                s.doc.source.clone(),
            )
        })
        .collect();
    for section in &mut content.sections {
        section.subsections.sort_by(|&a, &b| {
            let (wa, ta, sa) = &order[a];
            let (wb, tb, sb) = &order[b];
            weight_order(*wa, *wb)
                .then_with(|| ta.cmp(tb))
                .then_with(|| sa.cmp(sb))
        });
    }
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

/// The glossary, and the page that lists it, when `content/glossary.toml` exists.
fn load_glossary(
    root: &Path,
    content_real: &Path,
) -> Result<Option<(glossary::Glossary, Loaded)>, Vec<Error>> {
    let file = site_path(root, Path::new(CONTENT_DIR).join(glossary::GLOSSARY_FILE));
    let text = match input::read_source(&file, content_real, "the glossary") {
        Ok(text) => text,
        Err(unread) if unread.missing => return Ok(None),
        Err(unread) => return Err(vec![Error::Content(unread.problem)]),
    };
    let text = text.as_str();
    let glossary = glossary::parse(&file, text)
        .map_err(|problems| problems.into_iter().map(Error::Content).collect::<Vec<_>>())?;
    let at = Location::file(&file);
    let mut extra = serde_json::Map::new();
    extra.insert("terms".to_string(), glossary.terms_value());
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
            extra: serde_json::Value::Object(extra),
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
        input::text_of(&file, opened, "the file").map_err(|unread| vec![Error::Content(unread.problem)])?;
    let kind = if source.rsplit('/').next() == Some("_index.md") {
        Kind::Section
    } else {
        Kind::Page
    };
    let (front, body_start) = front_matter::parse(&file, &text, kind)
        .map_err(|problems| problems.into_iter().map(Error::FrontMatter).collect::<Vec<_>>())?;
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
}

/// Lists Markdown files and assets under `root/content`, sorted; no link
/// may lead out of `content_real`, that folder's real path.
fn walk(root: &Path, content_real: &Path, errors: &mut Vec<Error>) -> Walked {
    let content_dir = site_path(root, CONTENT_DIR);
    let mut walked = Walked::default();
    if !content_dir.is_dir() {
        errors.push(Error::Content(
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
    errors.extend(problems.into_iter().map(Error::Content));
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
            errors.push(Error::Content(
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
            errors.push(Error::Content(problem));
            continue;
        }
        let real = found.real;
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

fn parent_dir(source: &str) -> &str {
    source.rfind('/').map_or("", |i| &source[..i])
}

/// Whether `source` is inside folder `dir` (`""` is the content folder).
fn dir_contains(dir: &str, source: &str) -> bool {
    dir.is_empty() || source.starts_with(&format!("{dir}/"))
}

/// A page's folder (for its URL and its section) and the name its slug comes
/// from: `a/b.md` is `("a", "b")`, a bundle `a/b/index.md` is also `("a", "b")`.
fn page_dir_and_stem(source: &str) -> (&str, &str) {
    let dir = parent_dir(source);
    let file = &source[if dir.is_empty() { 0 } else { dir.len() + 1 }..];
    let stem = file.strip_suffix(".md").unwrap_or(file);
    if stem == "index" && !dir.is_empty() {
        let outer = parent_dir(dir);
        let name = &dir[if outer.is_empty() { 0 } else { outer.len() + 1 }..];
        (outer, name)
    } else {
        (dir, stem)
    }
}

fn page_slug(loaded: &Loaded, stem: &str) -> Result<String, Problem> {
    if let Some((slug, at)) = &loaded.front.slug {
        if slug.contains('/') || slug.contains('\\') || slug.contains("..") {
            return Err(Problem::new(
                at.clone(),
                format!("`slug` must be one part of a URL, not `{slug}`"),
            )
            .hint("leave out `/`, `\\` and `..`, e.g. slug = \"rare-earths\""));
        }
        let slug = slug::slugify(slug);
        if slug.is_empty() {
            return Err(
                Problem::new(at.clone(), "`slug` has no letters or digits to make a URL from")
                    .hint("write a slug such as \"rare-earths\""),
            );
        }
        return Ok(slug);
    }
    let slug = slug::slugify(stem);
    if slug.is_empty() {
        return Err(Problem::new(
            Location::file(&loaded.file),
            "the file name has no letters or digits to make a URL from",
        )
        .hint("rename the file, or set `slug` in its front matter"));
    }
    Ok(slug)
}

/// `a/My Folder` -> `a/my-folder/`; `""` stays `""`.
fn url_path_of_dir(dir: &str) -> String {
    let mut path = String::new();
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        let slug = slug::slugify(part);
        path.push_str(if slug.is_empty() { part } else { &slug });
        path.push('/');
    }
    path
}

/// The section whose folder is the deepest one containing `dir`.
fn nearest_section(section_dirs: &[String], dir: &str) -> usize {
    section_dirs
        .iter()
        .enumerate()
        .filter(|(_, d)| dir_contains(d, dir) || d.as_str() == dir)
        .max_by_key(|(_, d)| d.len())
        .map_or(0, |(i, _)| i)
}

fn weight_order(a: Option<i64>, b: Option<i64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// Weight first (pages without one last), then newest date first (undated
/// last), then title, then the file's path so the order is total.
pub fn page_order(a: &Document, b: &Document) -> std::cmp::Ordering {
    let date = |d: &Document| d.front.date.as_ref().map(|d| d.timestamp);
    weight_order(a.front.weight, b.front.weight)
        .then_with(|| match (date(a), date(b)) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        .then_with(|| a.front.title.cmp(&b.front.title))
        .then_with(|| a.source.cmp(&b.source))
}

/// Two documents that would write the same file.
fn duplicate_paths(content: &Content) -> Vec<Error> {
    let documents = content.sections.len() + content.pages.len();
    let mut seen: HashMap<&str, &Document, PathHasher> =
        HashMap::with_capacity_and_hasher(documents, PathHasher::default());
    let mut errors = Vec::new();
    let docs = content
        .sections
        .iter()
        .map(|s| &s.doc)
        .chain(content.pages.iter().map(|p| &p.doc));
    for doc in docs {
        if let Some(first) = seen.insert(&doc.path, doc) {
            let at = match &doc.front.slug {
                Some((_, at)) => at.clone(),
                None => Location::file(&doc.file),
            };
            errors.push(Error::Content(
                Problem::new(at, {
                    let (own, other) = crate::error::code_points(&doc.file, &first.file).unwrap_or_default();
                    format!(
                        "this page{own} and {}{other} would both be written to {}index.html",
                        first.file.display(),
                        doc.path
                    )
                })
                .hint("give one of them another file name or `slug`"),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_content_folder_are_what_strip_prefix_gives() {
        let cases = [
            ("content/a.md", "content"),
            ("content/a.md", "content/"),
            ("content/s1/b.md", "content"),
            ("/site/content/s1/b.md", "/site/content"),
            ("./content/a.md", "./content"),
            ("contents/a.md", "content"),
            ("content/a.md", "./content"),
            ("content//a.md", "content"),
            ("content/./a.md", "content"),
            ("content/.hidden/a.md", "content"),
            ("content/s1//a.md", "content"),
        ];
        for (path, dir) in cases {
            let (path, dir) = (Path::new(path), Path::new(dir));
            assert_eq!(
                crate::walk::relative_to(path, dir),
                path.strip_prefix(dir).ok(),
                "{path:?} in {dir:?}"
            );
        }
    }

    #[test]
    fn page_folders_and_stems() {
        assert_eq!(page_dir_and_stem("rare-earths.md"), ("", "rare-earths"));
        assert_eq!(page_dir_and_stem("a/b.md"), ("a", "b"));
        assert_eq!(page_dir_and_stem("a/b/index.md"), ("a", "b"));
        assert_eq!(page_dir_and_stem("index.md"), ("", "index"));
    }

    #[test]
    fn folder_url_paths_are_slugs() {
        assert_eq!(url_path_of_dir(""), "");
        assert_eq!(
            url_path_of_dir("Tariff Timeline/Part_2"),
            "tariff-timeline/part-2/"
        );
    }

    #[test]
    fn nearest_section_is_deepest_containing_folder() {
        let dirs = vec![
            String::new(),
            "a".to_string(),
            "a/b".to_string(),
            "ab".to_string(),
        ];
        assert_eq!(nearest_section(&dirs, "a/b/c"), 2);
        assert_eq!(nearest_section(&dirs, "a"), 1);
        assert_eq!(nearest_section(&dirs, "abc"), 0);
        assert_eq!(nearest_section(&dirs, ""), 0);
    }

    #[test]
    fn a_recent_change_is_told_apart_by_its_bytes() {
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        assert!(is_recent((1_000_000, 0), now));
        assert!(is_recent((999_998, 0), now));
        assert!(!is_recent((999_997, 0), now));
        assert!(is_recent((1_000_005, 0), now), "a time ahead of the clock");
        // Two writes of the same length within one tick: the stamps differ.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "one").unwrap();
        let first = Stamp::of(&file, dir.path()).unwrap();
        let times = std::fs::File::options().write(true).open(&file).unwrap();
        std::fs::write(&file, "two").unwrap();
        times.set_modified(first.modified.unwrap()).unwrap();
        let second = Stamp::of(&file, dir.path()).unwrap();
        assert_ne!(first, second);
        assert!(first.recent_bytes.is_some() && second.recent_bytes.is_some());
        assert_ne!(first.recent_bytes, second.recent_bytes);
    }

    #[test]
    fn editor_noise() {
        for name in [
            ".x.md.swp",
            "x.md~",
            "#x.md#",
            "4913",
            ".#x.md",
            "x.md.tmp",
            "x.md___jb_tmp___",
            "x.md___jb_old___",
        ] {
            assert!(is_editor_noise(name), "{name}");
        }
        assert!(!is_editor_noise("x.md"));
    }
}
