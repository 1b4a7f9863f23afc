//! Raw HTML written in the Markdown: the elements whose text the engine
//! leaves as written, and the ids a page's HTML holds.

use super::*;

/// Raw HTML elements whose text the engine leaves as written: no glossary
/// link (a link in a link, or in code, a button, a script), and no curly
/// quotes or dashes (which change code and scripts).
pub(super) const RAW_ELEMENTS: [&str; 15] = [
    "a", "code", "pre", "kbd", "samp", "script", "style", "button", "textarea", "h1", "h2", "h3", "h4", "h5",
    "h6",
];

/// What smart punctuation replaces, as written.
pub(super) const SMART_PUNCTUATION: [&str; 5] = ["\"", "'", "--", "---", "..."];

/// Follows the elements of [`RAW_ELEMENTS`] that the raw HTML `raw` opens
/// and closes, in `open`.
pub(super) fn track_raw_elements(raw: &str, open: &mut Vec<&'static str>) {
    let mut rest = raw;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest[usize::from(closing)..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let Some(element) = RAW_ELEMENTS.iter().find(|e| **e == name) else {
            continue;
        };
        let tag_end = rest.find('>').map_or(rest.len(), |end| end + 1);
        if closing {
            if let Some(at) = open.iter().rposition(|o| o == element) {
                open.truncate(at);
            }
        } else if !rest[..tag_end].ends_with("/>") {
            open.push(element);
        }
        rest = &rest[tag_end..];
    }
}

/// Collects `id="..."` attributes written in raw HTML.
pub fn collect_html_ids(html: &str, ids: &mut IdSet) {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(found) = html[from..].find("id=") {
        let at = from + found;
        from = at + 3;
        let before_ok = at == 0 || bytes[at - 1].is_ascii_whitespace();
        if !before_ok {
            continue;
        }
        let rest = &html[from..];
        let (quote, rest) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => (q, &rest[1..]),
            _ => continue,
        };
        if let Some(end) = rest.find(quote) {
            ids.insert(rest[..end].to_string());
        }
    }
}

/// The ids that more than one element of `html`, a whole page, has.
pub fn repeated_html_ids(html: &str) -> Vec<&str> {
    let bytes = html.as_bytes();
    let mut ids: Vec<&str> = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b" id=\"") {
        let start = at + 5;
        if let Some(end) = memchr::memchr(b'"', &bytes[start..]) {
            ids.push(&html[start..start + end]);
        }
    }
    ids.sort_unstable();
    let mut repeated: Vec<&str> = ids.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    repeated.dedup();
    repeated
}
