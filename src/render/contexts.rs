//! The values templates see: `config`, `page`, `section`, `current_path`,
//! and the listings of pages that sections hold.

use tera::value::Key;
use tera::{Map as TeraMap, Value as TeraValue};

use super::share_image::{ShareImage, share_image};
use super::*;
use crate::content::glossary::GLOSSARY_FILE;
use crate::content::sources::SOURCES_PAGE;

/// Reading time in minutes at 200 words a minute, at least 1 for any text.
pub fn reading_time(word_count: usize) -> usize {
    word_count.div_ceil(200)
}

/// Builds the values templates see: `config`, `page`, `section`, `current_path`.
pub struct Contexts<'a> {
    content: &'a Content,
    listing_keys: &'a [u64],
    section_pages: &'a HashMap<String, SectionPages>,
    /// The rendered Markdown of each section and page.
    sections: &'a [&'a Rendered],
    pages: &'a [&'a Rendered],
    config: TeraValue,
    base_url: Option<String>,
    /// Whether pages without an image of their own have a share card, and
    /// the site's title, which its description names.
    share_cards: bool,
    site_title: String,
    /// Each page as listings show it: every field but `content`.
    page_listings: Vec<TeraValue>,
    /// In a one-shot build, each page's listing is made when first needed
    /// (by its section, as a rule), owned: moved into its section's
    /// `section.pages`, handed back here after the section renders, then
    /// moved into the page's own context. No listing is copied, none is
    /// kept for a next render, and only those of the sections being
    /// rendered are in memory at once.
    lent_listings: Vec<Mutex<Option<TeraValue>>>,
    /// Each page's HTML, when the build gave it away (see
    /// [`Contexts::with_contents`]): moved into the page's context instead
    /// of copied. `None` where it stays in the rendered Markdown.
    contents: Vec<Mutex<Option<String>>>,
    /// The costlier fields the templates may read; the others are not made.
    fields: CostlyFields,
    /// The sources with their citations, for the page that lists them.
    sources: Option<TeraValue>,
}

/// A section's `section.pages` from its last render, with the listing keys
/// it was made of; empty while the section renders.
pub(super) type SectionPages = Mutex<Option<(Vec<u64>, Vec<TeraValue>)>>;

/// Listings built by earlier renders, reused while what they are made of
/// is the same.
#[derive(Debug, Default)]
pub struct ListingCache {
    /// Each page's listing, by source file, with its listing key.
    pages: PathMap<(u64, TeraValue)>,
    /// Each section's `section.pages` from its last render, by source file,
    /// with the listing keys it was made of. A section renders with this
    /// array patched where listings changed, and hands it back after, so a
    /// section of thousands of pages is not copied for each edit.
    sections: HashMap<String, SectionPages>,
}

impl<'a> Contexts<'a> {
    /// `listing_keys[i]` is a hash of everything page `i`'s listing is built
    /// from; a listing in `cache` under the same key is reused. With
    /// `lend_listings` (a build that renders once and ends), listings are
    /// neither reused nor kept, and each is moved rather than copied into
    /// the contexts: render each section before its pages. Only the
    /// costlier `fields` the templates may read are made.
    #[expect(
        clippy::too_many_arguments,
        reason = "each is a separate input of the listings; a struct would only rename them"
    )]
    pub fn new(
        config: &Config,
        content: &'a Content,
        sections: &'a [&'a Rendered],
        pages: &'a [&'a Rendered],
        listing_keys: &'a [u64],
        cache: &'a mut ListingCache,
        lend_listings: bool,
        fields: CostlyFields,
    ) -> Self {
        let current: HashSet<&str> = content.sections.iter().map(|s| s.doc.source.as_str()).collect();
        cache
            .sections
            .retain(|source, _| current.contains(source.as_str()));
        for section in &content.sections {
            cache.sections.entry(section.doc.source.clone()).or_default();
        }
        let ListingCache {
            pages: page_cache,
            sections: section_pages,
        } = cache;
        let cache = page_cache;
        let mut contexts = Contexts {
            content,
            listing_keys,
            section_pages,
            sections,
            pages,
            config: TeraValue::from_serializable(config),
            base_url: config.base_url.clone(),
            share_cards: config.share_cards,
            site_title: config.title.clone(),
            page_listings: Vec::new(),
            lent_listings: Vec::new(),
            contents: Vec::new(),
            fields,
            sources: None,
        };
        if lend_listings {
            contexts.lent_listings = content.pages.iter().map(|_| Mutex::new(None)).collect();
            return contexts;
        }
        let reusable: Vec<Option<TeraValue>> = content
            .pages
            .iter()
            .zip(listing_keys)
            .map(|(page, key)| match cache.get(&page.doc.source) {
                Some((cached, value)) if cached == key => Some(value.clone()),
                _ => None,
            })
            .collect();
        let reusable_flags: Vec<bool> = reusable.iter().map(Option::is_some).collect();
        contexts.page_listings = reusable
            .into_par_iter()
            .enumerate()
            .map(|(i, reused)| reused.unwrap_or_else(|| contexts.listing(i)))
            .collect();
        // Only the listings made anew go into the cache; pages that are gone leave it.
        for (i, reused) in reusable_flags.iter().enumerate() {
            if !reused {
                let page = &content.pages[i];
                cache.insert(
                    page.doc.source.clone(),
                    (listing_keys[i], contexts.page_listings[i].clone()),
                );
            }
        }
        if cache.len() != content.pages.len() {
            let current: HashSet<&str> = content.pages.iter().map(|p| p.doc.source.as_str()).collect();
            cache.retain(|source, _| current.contains(source.as_str()));
        }
        contexts
    }

    /// Gives the pages' HTML to move into their contexts, one slot a page
    /// (`None`: copy it from the rendered Markdown). Each page's HTML is then
    /// freed as soon as the page is rendered, and the memory goes to the
    /// pages after it, instead of all of it being held to the end.
    /// Gives the page listing the sources its `sources`.
    pub fn with_sources(mut self, sources: TeraValue) -> Self {
        self.sources = Some(sources);
        self
    }

    pub fn with_contents(mut self, contents: Vec<Mutex<Option<String>>>) -> Self {
        self.contents = contents;
        self
    }

    /// Page `i` as listings show it: every field but `content`, and the
    /// neighbours' briefs as `lower` and `higher`.
    pub(super) fn listing(&self, i: usize) -> TeraValue {
        let page = &self.content.pages[i];
        let mut value = self.document(&page.doc, self.pages[i], Some(page.section));
        let (lower, higher) = self.neighbours(i);
        let brief = |n: usize| self.brief(&self.content.pages[n].doc);
        if self.fields.neighbours {
            value.insert(Key::Str("lower"), lower.map_or_else(TeraValue::none, brief));
            value.insert(Key::Str("higher"), higher.map_or_else(TeraValue::none, brief));
        }
        TeraValue::from(value)
    }

    /// Page `i`'s listing: in a one-shot build, the one its section handed
    /// back, or made now; a copy of the kept one otherwise.
    pub(super) fn listing_of(&self, i: usize) -> TeraValue {
        match self.lent_listings.get(i) {
            Some(slot) => lock(slot).take().unwrap_or_else(|| self.listing(i)),
            None => self.page_listings[i].clone(),
        }
    }

    /// The previous and next page in the page's section.
    pub(super) fn neighbours(&self, page: usize) -> (Option<usize>, Option<usize>) {
        let list = &self.content.sections[self.content.pages[page].section].pages;
        let Some(at) = list.iter().position(|&p| p == page) else {
            return (None, None);
        };
        (at.checked_sub(1).map(|i| list[i]), list.get(at + 1).copied())
    }

    pub(super) fn permalink(&self, path: &str) -> TeraValue {
        self.permalink_text(path)
            .map_or_else(TeraValue::none, TeraValue::from)
    }

    /// The absolute address of `path`, with a `base_url`.
    fn permalink_text(&self, path: &str) -> Option<String> {
        let base = self.base_url.as_ref()?;
        Some(format!("{base}{}", urls::without_root(&urls::from_root(path))))
    }

    /// A short description of a page, for `lower`/`higher`.
    pub(super) fn brief(&self, doc: &Document) -> TeraValue {
        let front = &doc.front;
        TeraValue::from_serializable(&Brief {
            title: &front.title,
            description: front.description.as_deref(),
            date: front.date.as_ref().map(|d| d.text.as_str()),
            path: &doc.path,
            permalink: self.permalink_text(&doc.path),
            relative_path: &doc.source,
        })
    }

    /// The fields pages and sections share, as a map (built in one pass
    /// from a struct: a map built and then converted would be built twice).
    pub(super) fn document(&self, doc: &Document, rendered: &Rendered, parent: Option<usize>) -> TeraMap {
        let front = &doc.front;
        let ancestors = self.fields.ancestors.then(|| {
            parent
                .map(|s| self.content.section_chain(s))
                .unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let section = &self.content.sections[s].doc;
                    Ancestor {
                        title: &section.front.title,
                        path: &section.path,
                        relative_path: &section.source,
                    }
                })
                .collect()
        });
        let fields = DocumentFields {
            title: &front.title,
            description: front.description.as_deref(),
            date: front.date.as_ref().map(|d| d.text.as_str()),
            updated: front.updated.as_ref().map(|d| d.text.as_str()),
            slug: doc.path.trim_end_matches('/').rsplit('/').next().unwrap_or(""),
            path: &doc.path,
            permalink: self.permalink_text(&doc.path),
            summary: rendered.summary.as_deref(),
            toc: self.fields.toc.then_some(rendered.toc.as_slice()),
            relative_path: &doc.source,
            weight: front.weight,
            word_count: rendered.word_count,
            reading_time: reading_time(rendered.word_count),
            extra: &front.extra,
            ancestors,
            image: share_image(doc, self.share_cards, &self.site_title, |path| {
                self.permalink_text(path)
            }),
        };
        TeraValue::from_serializable(&fields)
            .into_map()
            .unwrap_or_default()
    }

    /// The variables every template gets, and `name` set to `value`.
    pub(super) fn context(
        &self,
        current_path: &str,
        name: &'static str,
        value: Option<TeraValue>,
    ) -> Context {
        let mut context = Context::new();
        context.insert_value("config", self.config.clone());
        context.insert_value("current_path", text(current_path));
        if let Some(value) = value {
            context.insert_value(name, value);
        }
        context
    }

    /// The length of page `index`'s rendered Markdown.
    pub fn content_len(&self, index: usize) -> usize {
        match self
            .contents
            .get(index)
            .map(|slot| lock(slot).as_ref().map(String::len))
        {
            Some(Some(len)) => len,
            _ => self.pages[index].html.len(),
        }
    }

    /// The context of page `index`: its listing (whose `lower` and `higher`
    /// are the neighbours' briefs) and its content.
    pub fn page(&self, index: usize) -> Context {
        let rendered = self.pages[index];
        let mut page = self.listing_of(index).into_map().unwrap_or_default();
        let content = match self.contents.get(index).map(|slot| lock(slot).take()) {
            Some(Some(html)) => html,
            _ => rendered.html.clone(),
        };
        page.insert(Key::Str("content"), TeraValue::from(content));
        let doc = &self.content.pages[index].doc;
        let mut context = self.context(&doc.path, "page", Some(TeraValue::from(page)));
        if let Some(glossary) = self
            .content
            .glossary
            .as_ref()
            .filter(|_| doc.source == GLOSSARY_FILE)
        {
            context.insert("glossary", &glossary.terms_value());
        }
        if let Some(sources) = self.sources.as_ref().filter(|_| doc.source == SOURCES_PAGE) {
            context.insert("sources", sources);
        }
        context
    }

    /// The context of section `index` (0 is the home page).
    pub fn section(&self, index: usize) -> Context {
        let rendered = self.sections[index];
        let section = &self.content.sections[index];
        let mut value = self.document(&section.doc, rendered, section.parent);
        value.insert(Key::Str("content"), TeraValue::from(rendered.html.as_str()));
        let keys = self.section_keys(index);
        let kept = self
            .section_pages
            .get(&section.doc.source)
            .and_then(|slot| lock(slot).take());
        let pages: Vec<TeraValue> = match kept {
            Some((old_keys, mut pages)) if old_keys.len() == keys.len() => {
                for (at, (new, old)) in keys.iter().zip(&old_keys).enumerate() {
                    if new != old {
                        pages[at] = self.page_listings[section.pages[at]].clone();
                    }
                }
                pages
            }
            _ => section.pages.par_iter().map(|&p| self.listing_of(p)).collect(),
        };
        value.insert(Key::Str("pages"), TeraValue::from(pages));
        let subsections = section
            .subsections
            .iter()
            .map(|&s| {
                let doc = &self.content.sections[s].doc;
                let mut map = TeraMap::default();
                map.insert(Key::Str("title"), text(&doc.front.title));
                map.insert(
                    Key::Str("description"),
                    optional(doc.front.description.as_deref()),
                );
                map.insert(Key::Str("path"), text(&doc.path));
                map.insert(Key::Str("permalink"), self.permalink(&doc.path));
                map.insert(Key::Str("relative_path"), text(&doc.source));
                map.insert(Key::Str("extra"), TeraValue::from_serializable(&doc.front.extra));
                TeraValue::from(map)
            })
            .collect::<Vec<_>>();
        value.insert(Key::Str("subsections"), TeraValue::from(subsections));
        self.context(&section.doc.path, "section", Some(TeraValue::from(value)))
    }

    /// Takes back `section.pages` from a section's rendered context: in a
    /// one-shot build, each listing goes back to its page; otherwise the
    /// array is kept, to patch for the section's next render.
    pub fn section_done(&self, index: usize, mut context: Context) {
        let section = &self.content.sections[index];
        let Some(mut value) = context.remove("section").and_then(TeraValue::into_map) else {
            return;
        };
        let Some(pages) = value.shift_remove(&Key::Str("pages")) else {
            return;
        };
        let pages = pages.as_array().map(<[TeraValue]>::to_vec).unwrap_or_default();
        if self.lent_listings.is_empty() {
            if let Some(slot) = self.section_pages.get(&section.doc.source) {
                *lock(slot) = Some((self.section_keys(index), pages));
            }
        } else {
            for (&page, listing) in section.pages.iter().zip(pages) {
                if let Some(slot) = self.lent_listings.get(page) {
                    *lock(slot) = Some(listing);
                }
            }
        }
    }

    pub(super) fn section_keys(&self, index: usize) -> Vec<u64> {
        self.content.sections[index]
            .pages
            .iter()
            .map(|&p| self.listing_keys[p])
            .collect()
    }

    /// The context of the 404 page.
    pub fn not_found(&self) -> Context {
        self.context(NOT_FOUND, "", None)
    }
}

/// The fields pages and sections share, as templates see them.
#[derive(serde::Serialize)]
struct DocumentFields<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    slug: &'a str,
    path: &'a str,
    permalink: Option<String>,
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    toc: Option<&'a [Heading]>,
    relative_path: &'a str,
    weight: Option<i64>,
    word_count: usize,
    reading_time: usize,
    extra: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    ancestors: Option<Vec<Ancestor<'a>>>,
    image: Option<ShareImage>,
}

/// A section above a document.
#[derive(serde::Serialize)]
struct Ancestor<'a> {
    title: &'a str,
    path: &'a str,
    relative_path: &'a str,
}

/// A page as `lower` and `higher` show it.
#[derive(serde::Serialize)]
struct Brief<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    path: &'a str,
    permalink: Option<String>,
    relative_path: &'a str,
}

/// Text for a template.
fn text(text: &str) -> TeraValue {
    TeraValue::from(text)
}

/// Text, or none.
fn optional(text: Option<&str>) -> TeraValue {
    text.map_or_else(TeraValue::none, TeraValue::from)
}

/// A mutex's value, also after a thread panicked holding it.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
