//! The files made for machines: `sitemap.xml`, `robots.txt` and the Atom
//! feed `atom.xml`. Sitemap and feed need absolute URLs, so they are only
//! written when the site has a `base_url`.

use std::fmt::Write as _;

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;

use crate::content::{Content, Document};
use crate::markdown::Rendered;
use crate::urls;

pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
pub const FEED: &str = "atom.xml";

/// Escapes text for XML content and attributes.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    crate::markdown::escape_entities(&mut out, text, "&apos;");
    out
}

/// Every page and section with its absolute URL, in path order; `lastmod`
/// from `updated`, else `date`.
pub fn sitemap(base_url: &str, content: &Content) -> String {
    let mut entries: Vec<(&str, Option<&str>)> = content
        .sections
        .iter()
        .map(|s| &s.doc)
        .chain(content.pages.iter().map(|p| &p.doc))
        .map(|doc| {
            let lastmod = doc
                .front
                .updated
                .as_ref()
                .or(doc.front.date.as_ref())
                .map(|d| d.rfc3339.as_str());
            (doc.path.as_str(), lastmod)
        })
        .collect();
    entries.sort_unstable();
    // In parallel, a few hundred entries at a time, then joined in order.
    let parts: Vec<String> = entries
        .par_chunks(256)
        .map(|chunk| {
            let mut out = String::with_capacity(chunk.len() * (base_url.len() + 96));
            for (path, lastmod) in chunk {
                let _ = write!(
                    out,
                    "  <url>\n    <loc>{}</loc>\n",
                    xml(&absolute(base_url, path))
                );
                if let Some(lastmod) = lastmod {
                    let _ = writeln!(out, "    <lastmod>{}</lastmod>", xml(lastmod));
                }
                out.push_str("  </url>\n");
            }
            out
        })
        .collect();
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    const TAIL: &str = "</urlset>\n";
    let mut out =
        String::with_capacity(HEAD.len() + parts.iter().map(String::len).sum::<usize>() + TAIL.len());
    out.push_str(HEAD);
    for part in parts {
        out.push_str(&part);
    }
    out.push_str(TAIL);
    out
}

/// Allows everything, and names the sitemap when there is one.
pub fn robots(base_url: Option<&str>) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = base_url {
        let _ = writeln!(out, "Sitemap: {base}{SITEMAP}");
    }
    out
}

fn absolute(base_url: &str, path: &str) -> String {
    format!("{base_url}{}", urls::without_root(&urls::from_root(path)))
}

/// The pages of the feed: the newest `limit` dated pages, newest first.
pub fn feed_pages(content: &Content, limit: usize) -> Vec<usize> {
    let mut dated: Vec<usize> = (0..content.pages.len())
        .filter(|&i| content.pages[i].doc.front.date.is_some())
        .collect();
    dated.sort_by(|&a, &b| {
        let date = |i: usize| content.pages[i].doc.front.date.as_ref().map(|d| d.timestamp);
        date(b)
            .cmp(&date(a))
            .then_with(|| content.pages[a].doc.path.cmp(&content.pages[b].doc.path))
    });
    dated.truncate(limit);
    dated
}

/// An Atom feed of `dated` (from [`feed_pages`]), with their full content
/// and links made absolute. `entry(i)` gives page `i`'s `<entry>` (from
/// [`atom_entry`], or a copy of it kept from an earlier build).
pub fn atom(
    config: &Config,
    base_url: &str,
    content: &Content,
    dated: &[usize],
    entry: impl Fn(usize) -> Arc<str>,
) -> String {
    let updated = dated
        .iter()
        .filter_map(|&i| last_change(&content.pages[i].doc))
        .max_by_key(|d| d.timestamp)
        .map_or("1970-01-01T00:00:00Z", |d| d.rfc3339.as_str());

    let entries: Vec<Arc<str>> = dated.iter().map(|&i| entry(i)).collect();
    let mut out = String::with_capacity(1024 + entries.iter().map(|e| e.len()).sum::<usize>());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml(&config.language)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml(&config.title));
    if let Some(description) = &config.description {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml(description));
    }
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml(&format!("{base_url}{FEED}"))
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(base_url)
    );
    let _ = writeln!(out, "  <id>{}</id>", xml(&format!("{base_url}{FEED}")));
    let _ = writeln!(out, "  <updated>{}</updated>", xml(updated));
    if let Some(author) = &config.author {
        let _ = writeln!(out, "  <author><name>{}</name></author>", xml(author));
    }
    for entry in entries {
        out.push_str(&entry);
    }
    out.push_str("</feed>\n");
    out
}

fn last_change(doc: &Document) -> Option<&crate::fields::Date> {
    doc.front.updated.as_ref().or(doc.front.date.as_ref())
}

/// One page's `<entry>` in the feed.
pub fn atom_entry(base_url: &str, doc: &Document, rendered: &Rendered) -> String {
    let link = absolute(base_url, &doc.path);
    let published = doc.front.date.as_ref().map_or("", |d| d.rfc3339.as_str());
    let updated = last_change(doc).map_or("", |d| d.rfc3339.as_str());
    let mut out = String::from("  <entry>\n");
    let _ = writeln!(out, "    <title>{}</title>", xml(&doc.front.title));
    let _ = writeln!(
        out,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(&link)
    );
    let _ = writeln!(out, "    <id>{}</id>", xml(&link));
    let _ = writeln!(out, "    <published>{}</published>", xml(published));
    let _ = writeln!(out, "    <updated>{}</updated>", xml(updated));
    if let Some(description) = &doc.front.description {
        let _ = writeln!(out, "    <summary>{}</summary>", xml(description));
    }
    let html = urls::replace_root(&rendered.html, base_url);
    let _ = writeln!(out, "    <content type=\"html\">{}</content>", xml(&html));
    out.push_str("  </entry>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_names_the_sitemap() {
        assert_eq!(robots(None), "User-agent: *\nAllow: /\n");
        assert!(robots(Some("https://x.org/sub/")).contains("Sitemap: https://x.org/sub/sitemap.xml"));
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(xml("a & <b> \"c\""), "a &amp; &lt;b&gt; &quot;c&quot;");
        assert_eq!(xml("l'é—t"), "l&apos;é—t");
        assert_eq!(xml(""), "");
    }
}
