//! The one rule of memory: what a render keeps once it has used it.

use std::sync::{Arc, Mutex};

use super::markdown::MarkdownResult;
use crate::content::DocCache;

/// What a [`super::Session`] keeps between and during renders. Every
/// choice that trades memory for a faster next render is made here, from
/// this value, and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// `watch` and `serve`: render again and again, so keep everything a
    /// next render can reuse (parsed files, Markdown, listings, feed
    /// entries, the hashes of the output) and each source's text (to
    /// compare an edit with).
    Keep,
    /// `build` and `check`: render once, then the process ends. Each input
    /// is let go as soon as its output exists: a source's text once its
    /// Markdown is rendered (unless a problem in it is still to be
    /// reported with its line), a page's HTML once the page is rendered
    /// (unless the feed still needs it), each listing once the page that
    /// shows it is rendered; each page goes to the output folder as soon as
    /// it is rendered. The memory freed goes to the next page, instead of
    /// fresh memory the kernel must zero first.
    Release,
}

impl Retention {
    /// Whether what a render made is kept for the next one.
    pub(super) fn keeps_caches(self) -> bool {
        self == Retention::Keep
    }

    /// Whether a source's text is let go once its Markdown is rendered.
    pub(super) fn releases_texts(self) -> bool {
        self == Retention::Release
    }

    /// Whether each page's listing is made when first needed and moved
    /// rather than copied (see `Contexts::new`), none kept.
    pub(super) fn lends_listings(self) -> bool {
        self == Retention::Release
    }

    /// The pages' HTML, one slot a page, to move into their contexts (see
    /// `Contexts::with_contents`): taken out of the rendered Markdown
    /// (`results`, sections first) when released, so each page's HTML is
    /// freed as soon as the page is rendered; none when kept.
    pub(super) fn take_page_contents(
        self,
        results: &mut [Arc<MarkdownResult>],
        sections: usize,
    ) -> Vec<Mutex<Option<String>>> {
        if self == Retention::Keep {
            return Vec::new();
        }
        results[sections..]
            .iter_mut()
            .map(|result| Mutex::new(Arc::get_mut(result).map(|r| std::mem::take(&mut r.rendered.html))))
            .collect()
    }

    /// The cache of parsed files a session starts with.
    pub(super) fn doc_cache(self) -> DocCache {
        match self {
            Retention::Keep => DocCache::default(),
            Retention::Release => DocCache::off(),
        }
    }

    /// Ends a session: a released one is not freed piece by piece (the
    /// process is about to end, and freeing thousands of pages takes
    /// time of its own).
    pub fn end<T>(self, session: T) {
        match self {
            Retention::Keep => drop(session),
            Retention::Release => std::mem::forget(session),
        }
    }
}
