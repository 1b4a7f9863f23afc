//! What the page listing the sources shows: each source, and under it every
//! quote, figure and claim that cites it, with the page it is on and the
//! passage in its context.

use serde::Serialize;

use super::citations::{Citation, DataCitation};
use super::keys::hash_of;
use super::markdown::MarkdownResult;
use crate::content::Content;
use crate::content::sources::{About, Kind};
use crate::urls;

/// One source as the template sees it (`sources`).
#[derive(Debug, Serialize)]
pub(super) struct Listed<'a> {
    pub id: &'a str,
    /// The id of its entry on the page (`source-report`), which cited
    /// claims link to.
    pub anchor: String,
    #[serde(flatten)]
    pub about: &'a About,
    pub citations: Vec<Cited<'a>>,
}

/// A quote, figure or claim citing the source.
#[derive(Debug, Serialize)]
pub(super) struct Cited<'a> {
    pub kind: &'a Kind,
    /// The page it is on: its title and its address; for a data file
    /// under `content/` (a chart's), its path and no address.
    pub page_title: &'a str,
    pub page_url: String,
    /// A figure's value.
    pub value: Option<&'a str>,
    /// A few words of the source before the passage, the passage as the
    /// source writes it, and a few words after.
    pub before: String,
    pub passage: String,
    pub after: String,
}

/// The id of a source's entry on the sources page.
pub(crate) fn anchor(id: &str) -> String {
    format!("source-{id}")
}

/// Every source with its citations, in the order of the documents (the
/// order of [`Content::documents`]), and a hash of it all.
pub(super) fn listing<'a>(
    content: &'a Content,
    results: &'a [std::sync::Arc<MarkdownResult>],
    data: &'a [DataCitation],
) -> (Vec<Listed<'a>>, u64) {
    let mut listed: Vec<Listed> = content
        .sources
        .list
        .iter()
        .map(|source| Listed {
            id: &source.id,
            anchor: anchor(&source.id),
            about: &source.about,
            citations: Vec::new(),
        })
        .collect();
    let in_pages = content.documents().zip(results).flat_map(|(doc, result)| {
        result
            .citations
            .iter()
            .map(move |c| (&doc.front.title as &str, Some(doc), c))
    });
    let in_data = data.iter().map(|d| (d.file.as_str(), None, &d.citation));
    for (title, doc, Citation { claim, found }) in in_pages.chain(in_data) {
        {
            let source = &content.sources.list[found.source];
            let (before, passage, after) = source.in_context(&found.passage);
            listed[found.source].citations.push(Cited {
                kind: &claim.kind,
                page_title: title,
                page_url: doc
                    .map(|doc| urls::from_root(&doc.output_file()))
                    .unwrap_or_default(),
                value: claim.value.as_deref(),
                before,
                passage,
                after,
            });
        }
    }
    // The addresses carry a marker drawn at start: hashed without it.
    let hash = hash_of(
        listed
            .iter()
            .map(|l| {
                (
                    l.id,
                    l.about,
                    l.citations
                        .iter()
                        .map(|c| {
                            (
                                c.kind,
                                c.page_title,
                                urls::without_root(&c.page_url),
                                c.value,
                                &c.before,
                                &c.passage,
                                &c.after,
                            )
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>(),
    );
    (listed, hash)
}
