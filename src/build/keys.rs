//! Cache keys: hashes of everything an output is made from, so that a
//! render makes again only what changed since the previous one.

use std::hash::{Hash, Hasher};

use super::outputs::Claim;
use crate::content::{Content, DocRef, Stamp};
use crate::render::{self, Theme, ThemeSource};

pub(super) fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = BufferHasher(Vec::with_capacity(256));
    value.hash(&mut hasher);
    hasher.finish()
}

/// [`hash_of`] for a value of thousands of parts (one for each page),
/// hashed as it is written rather than gathered first.
pub(super) fn long_hash_of(value: impl Hash) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Gathers what `Hash` writes and hashes it in one go at the end: keys
/// are made of many small writes, which a streaming hasher's state (set up
/// anew for every key) makes dearer.
struct BufferHasher(Vec<u8>);

impl Hasher for BufferHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.0)
    }
}

/// A hash of the ids a theme's pages hold of their own, which every page's
/// Markdown depends on (no heading takes one).
pub(super) fn fixed_ids_hash(theme: &Theme) -> u64 {
    let mut ids: Vec<&String> = theme.fixed_ids.iter().collect();
    ids.sort_unstable();
    hash_of(ids)
}

/// A hash of every address of the site and of the data files, which
/// `get_url`, `load_data` and links depend on.
pub(super) fn addresses_hash(content: &Content, theme: Option<&Theme>, claims: &[Claim]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    for doc in content.documents() {
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
    for claim in claims {
        claim.output.hash(&mut hasher);
    }
    (&content.unusable, &content.drafts).hash(&mut hasher);
    hasher.finish()
}

/// For each page, a hash of everything its listing is made of: its own
/// file and Markdown, the sections above it, its neighbours' briefs.
pub(super) fn listing_keys(content: &Content, page_keys: &[u64], config_hash: u64) -> Vec<u64> {
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
pub(super) struct RenderKeys<'a> {
    pub(super) theme: &'a Theme,
    pub(super) content: &'a Content,
    /// Settings and addresses, which every page may use.
    pub(super) shared: u64,
    pub(super) section_keys: &'a [u64],
    pub(super) page_keys: &'a [u64],
    pub(super) listing_keys: &'a [u64],
    /// What the page listing the sources shows of every page's citations.
    pub(super) sources: u64,
}

impl RenderKeys<'_> {
    /// The key of a document's page.
    pub(super) fn of(&self, at: DocRef) -> u64 {
        match at {
            DocRef::Section(i) => self.section(i),
            DocRef::Page(i) => self.page(i),
        }
    }

    /// A page's context is its listing (with its neighbours' briefs) and
    /// its content.
    fn page(&self, i: usize) -> u64 {
        let template = self
            .theme
            .template_hash(render::template_of(self.content, DocRef::Page(i)));
        let lists_sources = self.content.pages[i].doc.source == crate::content::sources::SOURCES_PAGE;
        hash_of((
            "page",
            template,
            self.shared,
            self.listing_keys[i],
            self.page_keys[i],
            lists_sources.then_some(self.sources),
        ))
    }

    fn section(&self, i: usize) -> u64 {
        let section = &self.content.sections[i];
        let template = self
            .theme
            .template_hash(render::template_of(self.content, DocRef::Section(i)));
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

    pub(super) fn not_found(&self) -> u64 {
        hash_of(("404", self.theme.template_hash("404.html"), self.shared))
    }
}
