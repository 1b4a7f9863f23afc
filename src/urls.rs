//! The site's addresses: which source file or output path is what, and how
//! internal links are written so they work at a domain root, under any
//! subpath and from `file://`.
//!
//! Internal links are first written as the [`root`] marker followed by
//! the target's output file (`\u{FDD0}…rare-earths/index.html`). Only when
//! a page is written is the marker replaced by the way up from that page to
//! the site root (`../`). This lets the HTML of a page's content, or a
//! summary shown in a listing, be produced once and placed anywhere; and
//! feeds replace the marker with the absolute `base_url` instead.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::path_map::{self, PathMap};

/// Stands for "the site root, seen from the file being written": U+FDD0,
/// a Unicode noncharacter reserved for a program's internal use (no input
/// can hold one, see [`crate::input::decode`]), and a number drawn when the
/// program starts, so that not even the form a Markdown renderer writes
/// in an `href` (see `root_encoded`) can be written by an editor.
pub fn root() -> &'static str {
    &markers().0
}

/// [`root`] as a Markdown renderer writes it in an `href`: percent-encoded.
fn root_encoded() -> &'static str {
    &markers().1
}

fn markers() -> &'static (String, String) {
    static MARKERS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        // Seeded from the system's randomness.
        let number = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        (
            format!("\u{FDD0}{number:016x}"),
            format!("%EF%B7%90{number:016x}"),
        )
    })
}

/// What a URL in a path segment must escape: everything but unreserved and
/// a few safe sub-delimiters.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// [`root`] + the percent-encoded output path.
pub fn from_root(output_path: &str) -> String {
    let mut href = String::with_capacity(output_path.len() + 24);
    href.push_str(root());
    href.extend(utf8_percent_encode(output_path, SEGMENT));
    href
}

/// The output path in an address made by [`from_root`].
pub fn without_root(href: &str) -> &str {
    href.strip_prefix(root()).unwrap_or(href)
}

/// Replaces every [`root`] in `text` (also in its percent-encoded form) with `prefix`.
pub fn replace_root<'t>(text: &'t str, prefix: &str) -> Cow<'t, str> {
    let mut text = Cow::Borrowed(text);
    if text.contains(root()) {
        text = Cow::Owned(text.replace(root(), prefix));
    }
    if text.contains(root_encoded()) {
        text = Cow::Owned(text.replace(root_encoded(), prefix));
    }
    text
}

/// Rewrites every [`root`] + path in `text`, the contents of `output_file`,
/// as the shortest relative path from that file's folder:
/// `\u{FDD0}…notes/b/index.html` seen from `notes/a/index.html` is
/// `../b/index.html`. Borrowed only when nothing was rewritten.
pub fn relativize<'t>(text: &'t str, output_file: &str) -> Cow<'t, str> {
    let pieces = relativized_pieces(text, output_file);
    // One piece that is all of `text`: nothing was rewritten.
    if let [only] = pieces.as_slice()
        && only.len() == text.len()
    {
        return Cow::Borrowed(only);
    }
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        out.push_str(piece);
    }
    Cow::Owned(out)
}

/// Whether `text` holds part of a [`root`] marker that a template changed
/// (a filter on an address from `get_url` or on `page.content`): U+FDD0
/// without the rest of the marker. No input holds one, so any is a marker
/// the relativizer would leave in the page. (The encoded form is not
/// looked for: as text, an editor may write it.)
pub fn has_damaged_marker(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), "\u{FDD0}".as_bytes())
        .any(|at| !text[at..].starts_with(root()))
}

/// [`relativize`] as the pieces that, in order, make up its result: stretches
/// of `text` and `../`s, none copied (a page can be written from them as
/// they are).
pub fn relativized_pieces<'t>(text: &'t str, output_file: &str) -> Vec<&'t str> {
    static MARKERS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let markers = MARKERS.get_or_init(|| {
        aho_corasick::AhoCorasick::new([root(), root_encoded()]).expect("two plain patterns")
    });
    let mut found_markers = markers.find_iter(text).peekable();
    if found_markers.peek().is_none() {
        return vec![text];
    }
    let from: Vec<String> = output_file
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map(|(_, dirs)| {
            dirs.iter()
                .map(|d| utf8_percent_encode(d, SEGMENT).to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut pieces = Vec::with_capacity(16);
    let mut copied = 0;
    for found in found_markers {
        if found.start() < copied {
            continue;
        }
        pieces.push(&text[copied..found.start()]);
        let rest = &text[found.end()..];
        let end = rest
            .find(|c: char| matches!(c, '"' | '\'' | '#' | '?' | '<' | '>' | ')' | ',') || c.is_whitespace())
            .unwrap_or(rest.len());
        let target = &rest[..end];
        // The folders the target shares with the file, from the top; the
        // target's last part is its file name, never a shared folder.
        let target_dirs = target.rsplit_once('/').map_or("", |(dirs, _)| dirs);
        let mut common = 0;
        let mut shared_bytes = 0;
        for (dir, target_dir) in from.iter().zip(target_dirs.split('/')) {
            if target_dirs.is_empty() || dir.as_str() != target_dir {
                break;
            }
            common += 1;
            shared_bytes += target_dir.len() + 1;
        }
        pieces.extend(std::iter::repeat_n("../", from.len() - common));
        pieces.push(&target[shared_bytes..]);
        copied = found.end() + end;
    }
    pieces.push(&text[copied..]);
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

/// Decodes `%20` and friends in a link written by an editor.
pub fn decode(text: &str) -> Cow<'_, str> {
    percent_decode_str(text).decode_utf8_lossy()
}

/// What a source file or an output path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page (`section: false`) or section, by index, with its output file.
    Document {
        section: bool,
        index: usize,
        file: String,
    },
    /// Any other output file (asset, theme file, feed), by output path.
    File(String),
    /// A Markdown file that failed to load; its own errors say why.
    Unusable,
    /// A draft left out of this build.
    Draft,
}

/// Finds targets by their source file under `content/` or by output path.
/// Each target is stored once; the maps hold its place.
#[derive(Debug, Default)]
pub struct UrlIndex {
    targets: Vec<Target>,
    by_source: PathMap<usize>,
    by_output: PathMap<usize>,
}

impl UrlIndex {
    /// An index with room for `documents` pages and sections and `files`
    /// other files, so that filling it never grows it.
    pub fn with_capacity(documents: usize, files: usize) -> Self {
        UrlIndex {
            targets: Vec::with_capacity(documents + files),
            by_source: path_map::with_capacity(documents + files),
            by_output: path_map::with_capacity(3 * documents + files),
        }
    }

    fn add(&mut self, target: Target) -> usize {
        self.targets.push(target);
        self.targets.len() - 1
    }

    /// A page or section: `source` under `content/`, `path` like `rare-earths/`.
    pub fn add_document(&mut self, source: &str, path: &str, section: bool, index: usize) {
        let file = format!("{path}index.html");
        let at = self.add(Target::Document {
            section,
            index,
            file: file.clone(),
        });
        self.by_source.insert(source.to_string(), at);
        self.by_output.insert(file, at);
        self.by_output.insert(path.to_string(), at);
        if let Some(bare) = path.strip_suffix('/') {
            self.by_output.insert(bare.to_string(), at);
        }
    }

    /// An output file; `source` when it comes from `content/`.
    pub fn add_file(&mut self, output_path: &str, source: Option<&str>) {
        let at = self.add(Target::File(output_path.to_string()));
        if let Some(source) = source {
            self.by_source.insert(source.to_string(), at);
        }
        self.by_output.insert(output_path.to_string(), at);
    }

    /// A Markdown file that exists but is not in this build.
    pub fn add_missing(&mut self, source: &str, target: Target) {
        if !self.by_source.contains_key(source) {
            let at = self.add(target);
            self.by_source.insert(source.to_string(), at);
        }
    }

    /// By path under `content/` (`timeline.md`, `img/map.png`).
    pub fn by_source(&self, source: &str) -> Option<&Target> {
        let at = self.by_source.get(source.trim_start_matches('/'))?;
        self.targets.get(*at)
    }

    /// By output path: `rare-earths/`, `rare-earths`, `rare-earths/index.html`,
    /// `style.css`; `""` and `/` are the home page.
    pub fn by_output(&self, path: &str) -> Option<&Target> {
        let at = self.by_output.get(path.trim_start_matches('/'))?;
        self.targets.get(*at)
    }
}

/// Joins a relative link to the folder it was written in, resolving `.` and
/// `..`; `None` when it climbs above the content folder.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut joined = parts.join("/");
    if relative.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Whether `link` names a scheme (`https:`, `mailto:`) or a host (`//`).
pub fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    match link.find(':') {
        Some(colon) => {
            let scheme = &link[..colon];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !link[..colon].contains('/')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_cannot_be_written_by_an_editor() {
        // U+FDD0 and its encoded form alone are text, not the marker.
        for text in [
            "a %EF%B7%90notes/index.html b",
            "\u{FDD0}notes/index.html",
            "%ef%b7%90x",
        ] {
            assert_eq!(relativize(text, "a/b/index.html"), text);
        }
        assert!(root().starts_with('\u{FDD0}') && root().len() > 3 + 8);
    }

    #[test]
    fn shortest_relative_paths() {
        let link = |to: &str, from: &str| {
            relativize(&format!("<a href=\"{}#x\">", from_root(to)), from).into_owned()
        };
        assert_eq!(
            link("notes/b/index.html", "notes/a/index.html"),
            "<a href=\"../b/index.html#x\">"
        );
        assert_eq!(
            link("notes/a/index.html", "notes/a/index.html"),
            "<a href=\"index.html#x\">"
        );
        assert_eq!(
            link("index.html", "notes/a/index.html"),
            "<a href=\"../../index.html#x\">"
        );
        assert_eq!(link("style.css", "index.html"), "<a href=\"style.css#x\">");
        assert_eq!(
            link("my dir/a b.pdf", "my-dir/p/index.html"),
            "<a href=\"../../my%20dir/a%20b.pdf#x\">"
        );
        assert_eq!(
            relativize(
                &format!("<img src=\"{}a/b.png\">", root_encoded()),
                "a/x/index.html"
            ),
            "<img src=\"../b.png\">"
        );
        assert_eq!(relativize("no links", "index.html"), "no links");
        let text = format!(
            "<a href=\"{}a/b/index.html\">x</a><img src=\"{}c.png\">",
            root(),
            root_encoded()
        );
        let text = text.as_str();
        assert_eq!(
            relativized_pieces(text, "a/x/index.html"),
            [
                "<a href=\"",
                "../",
                "b/index.html",
                "\">x</a><img src=\"",
                "../",
                "../",
                "c.png",
                "\">"
            ]
        );
        assert_eq!(relativized_pieces("plain", "index.html"), ["plain"]);
    }

    /// Borrowed means unchanged (the build then keeps the page it has),
    /// also when the result is one stretch of the text.
    #[test]
    fn a_text_that_is_one_rewritten_link_is_given_rewritten() {
        let text = from_root("a/b.png");
        let relative = relativize(&text, "a/index.html");
        assert_eq!(relative, "b.png");
        assert!(matches!(relative, Cow::Owned(_)));
        assert!(matches!(relativize("no links", "a/index.html"), Cow::Borrowed(_)));
    }

    #[test]
    fn absolute_with_a_base_url() {
        let html = format!("<a href=\"{}\">", from_root("my file.pdf"));
        assert_eq!(
            replace_root(&html, "https://x.org/"),
            "<a href=\"https://x.org/my%20file.pdf\">"
        );
        assert_eq!(
            replace_root(&format!("<img src=\"{}a.png\">", root_encoded()), "/"),
            "<img src=\"/a.png\">"
        );
    }

    #[test]
    fn joins_relative_links() {
        assert_eq!(join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("", "./x/y.png").as_deref(), Some("x/y.png"));
        assert_eq!(join("a", "../../x"), None);
    }

    #[test]
    fn external_links() {
        for link in ["https://x.org", "mailto:a@b", "//cdn.org/x", "tel:+1"] {
            assert!(is_external(link), "{link}");
        }
        for link in ["x.md", "/a/b", "a/b:c", "@/x.md", "#top"] {
            assert!(!is_external(link), "{link}");
        }
    }

    #[test]
    fn output_lookup_is_tolerant() {
        let mut index = UrlIndex::default();
        index.add_document("rare-earths.md", "rare-earths/", false, 0);
        index.add_document("_index.md", "", true, 0);
        for path in ["rare-earths", "/rare-earths/", "rare-earths/index.html"] {
            assert!(
                matches!(
                    index.by_output(path),
                    Some(Target::Document { section: false, .. })
                ),
                "{path}"
            );
        }
        assert!(matches!(
            index.by_output("/"),
            Some(Target::Document { section: true, .. })
        ));
    }
}
