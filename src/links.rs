//! Checks the links an editor wrote in a page's Markdown against the site's
//! addresses, and rewrites internal ones so they work from the page's output
//! location: `@/rare-earths.md`, `diagram.svg` (read from the source file's
//! folder) and `/rare-earths/` all become `../rare-earths/index.html`-style
//! links once the page is written.

use std::ops::Range;

use crate::images::{Dimensions, ImageSizes};
use crate::markdown::{LinkRewriter, Lint};
use crate::urls::{self, Target, UrlIndex};

/// A link that points at nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Byte range of the link in the Markdown body.
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

/// A `#fragment` to look for once every page's headings are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorCheck {
    pub span: Range<usize>,
    /// The page or section linked to; `None` for the page itself.
    pub target: Option<(bool, usize)>,
    pub fragment: String,
    /// The link as written, for the message.
    pub written: String,
}

/// The [`LinkRewriter`] for one page.
pub struct PageLinks<'a> {
    index: &'a UrlIndex,
    /// Folder of the page's source file under `content/` (`""` at the top).
    source_dir: &'a str,
    pub broken: Vec<BrokenLink>,
    pub anchors: Vec<AnchorCheck>,
    /// The sizes of the site's files, for its images.
    images: Option<&'a ImageSizes>,
    /// Images of the site whose size cannot be read.
    pub image_lints: Vec<Lint>,
}

impl<'a> PageLinks<'a> {
    pub fn new(index: &'a UrlIndex, source: &'a str) -> Self {
        let source_dir = source.rfind('/').map_or("", |i| &source[..i]);
        PageLinks {
            index,
            source_dir,
            broken: Vec::new(),
            anchors: Vec::new(),
            images: None,
            image_lints: Vec::new(),
        }
    }

    /// Gives the images of the site's files their sizes from `images`.
    pub fn with_images(mut self, images: &'a ImageSizes) -> Self {
        self.images = Some(images);
        self
    }

    fn broken(&mut self, span: Range<usize>, message: String, hint: &str) {
        self.broken.push(BrokenLink {
            span,
            message,
            hint: hint.to_string(),
        });
    }

    /// What the link path `decoded` names, and what to say when nothing:
    /// `@/` names a source file, `/` an output path, anything else a path
    /// relative to the page's folder.
    fn look_up(&self, decoded: &str) -> (Option<&'a Target>, &'static str) {
        if let Some(source) = decoded.strip_prefix("@/") {
            (
                self.index.by_source(source),
                "an @/ link names a file under content/, such as @/rare-earths.md",
            )
        } else if decoded.starts_with('/') {
            (
                self.index.by_output(decoded),
                "link to a page as @/page.md (the file under content/); it works under any subpath",
            )
        } else {
            (
                self.relative(decoded),
                "a relative link is read from this file's folder in content/; link to a page as @/page.md",
            )
        }
    }

    /// Notes a `#fragment` to check once the target page is rendered
    /// (`target`: a section or not, and its index; `None`: this page).
    fn check_fragment(
        &mut self,
        span: Range<usize>,
        target: Option<(bool, usize)>,
        fragment: Option<&str>,
        written: &str,
    ) {
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            self.anchors.push(AnchorCheck {
                span,
                target,
                fragment: urls::decode(fragment).into_owned(),
                written: written.to_string(),
            });
        }
    }

    /// Looks a relative link up from the page's folder; a folder link finds
    /// its `_index.md` or `index.md`.
    fn relative(&self, path: &str) -> Option<&'a Target> {
        let joined = urls::join(self.source_dir, path)?;
        if joined.is_empty() || joined.ends_with('/') {
            return ["_index.md", "index.md"]
                .iter()
                .find_map(|name| self.index.by_source(&format!("{joined}{name}")));
        }
        self.index.by_source(&joined)
    }
}

/// A link's path, query and fragment.
fn parts(destination: &str) -> (&str, Option<&str>, Option<&str>) {
    let (before_fragment, fragment) = match destination.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (destination, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    (path, query, fragment)
}

impl LinkRewriter for PageLinks<'_> {
    fn rewrite(&mut self, destination: &str, span: Range<usize>) -> Option<String> {
        if destination.is_empty() || urls::is_external(destination) {
            return None;
        }
        let (path, query, fragment) = parts(destination);
        if path.is_empty() {
            self.check_fragment(span, None, fragment, destination);
            return None;
        }
        let (target, hint) = self.look_up(&urls::decode(path));
        let file = match target {
            None => {
                self.broken(
                    span,
                    format!("broken link: `{destination}` is not a page or file of this site"),
                    hint,
                );
                return None;
            }
            Some(Target::Unusable) => return None,
            Some(Target::Draft) => {
                self.broken(
                    span,
                    format!("`{destination}` links to a draft, which this build leaves out"),
                    "remove `draft = true` from the page, build with --drafts, or remove the link",
                );
                return None;
            }
            Some(Target::Document { section, index, file }) => {
                self.check_fragment(span, Some((*section, *index)), fragment, destination);
                file
            }
            Some(Target::File(file)) => file,
        };
        let mut href = urls::from_root(file);
        if let Some(query) = query {
            href.push('?');
            href.push_str(query);
        }
        if let Some(fragment) = fragment {
            href.push('#');
            href.push_str(fragment);
        }
        Some(href)
    }

    /// The size of a file under `content/`; one that cannot be read is
    /// a lint at the image. A page, a theme's file or a remote image has
    /// none.
    fn image_size(&mut self, destination: &str, span: Range<usize>) -> Option<Dimensions> {
        let images = self.images?;
        if destination.is_empty() || urls::is_external(destination) {
            return None;
        }
        let (path, _, _) = parts(destination);
        let Some(Target::File(file)) = self.look_up(&urls::decode(path)).0 else {
            return None;
        };
        match images.of(file)? {
            Ok(size) => Some(*size),
            Err(unreadable) => {
                self.image_lints.push(Lint {
                    span,
                    message: format!("the image `{destination}` {}", unreadable.reason),
                    hint: unreadable.hint,
                });
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::root;

    fn index() -> UrlIndex {
        let mut index = UrlIndex::default();
        index.add_document("_index.md", "", true, 0);
        index.add_document("timeline/_index.md", "timeline/", true, 1);
        index.add_document("rare-earths.md", "rare-earths/", false, 0);
        index.add_document("timeline/may.md", "timeline/may/", false, 1);
        index.add_file("timeline/chart.svg", Some("timeline/chart.svg"));
        index.add_file("style.css", None);
        index.add_missing("broken.md", Target::Unusable);
        index.add_missing("draft.md", Target::Draft);
        index
    }

    fn rewrite(source: &str, link: &str) -> (Option<String>, PageLinks<'static>) {
        let index: &'static UrlIndex = Box::leak(Box::new(index()));
        let source: &'static str = Box::leak(source.to_string().into_boxed_str());
        let mut links = PageLinks::new(index, source);
        let out = links.rewrite(link, 0..1);
        (out.map(|s| s.replace(root(), "ROOT/")), links)
    }

    #[test]
    fn at_links_relative_links_and_root_links() {
        assert_eq!(
            rewrite("timeline/may.md", "@/rare-earths.md").0.as_deref(),
            Some("ROOT/rare-earths/index.html")
        );
        assert_eq!(
            rewrite("timeline/may.md", "chart.svg").0.as_deref(),
            Some("ROOT/timeline/chart.svg")
        );
        assert_eq!(
            rewrite("timeline/may.md", "../rare-earths.md#x").0.as_deref(),
            Some("ROOT/rare-earths/index.html#x")
        );
        assert_eq!(
            rewrite("rare-earths.md", "/timeline/").0.as_deref(),
            Some("ROOT/timeline/index.html")
        );
        assert_eq!(
            rewrite("rare-earths.md", "/style.css?v=1").0.as_deref(),
            Some("ROOT/style.css?v=1")
        );
        assert_eq!(
            rewrite("rare-earths.md", "timeline/").0.as_deref(),
            Some("ROOT/timeline/index.html")
        );
        assert_eq!(
            rewrite("rare-earths.md", "@/_index.md").0.as_deref(),
            Some("ROOT/index.html")
        );
    }

    #[test]
    fn external_and_same_page_links_are_kept() {
        let (out, links) = rewrite("a.md", "https://example.org/x");
        assert_eq!(out, None);
        assert!(links.broken.is_empty());
        let (out, links) = rewrite("a.md", "#top-ten");
        assert_eq!(out, None);
        assert_eq!(links.anchors[0].target, None);
        assert_eq!(links.anchors[0].fragment, "top-ten");
    }

    #[test]
    fn broken_draft_and_unusable_targets() {
        let (_, links) = rewrite("a.md", "@/missing.md");
        assert!(
            links.broken[0]
                .message
                .contains("`@/missing.md` is not a page or file")
        );
        let (_, links) = rewrite("a.md", "@/draft.md");
        assert!(links.broken[0].message.contains("draft"));
        let (out, links) = rewrite("a.md", "@/broken.md");
        assert_eq!(out, None);
        assert!(links.broken.is_empty());
        let (_, links) = rewrite("a.md", "../../etc/passwd");
        assert_eq!(links.broken.len(), 1);
    }

    #[test]
    fn fragments_are_queued_for_checking() {
        let (_, links) = rewrite("a.md", "@/rare-earths.md#what%20is");
        assert_eq!(links.anchors[0].target, Some((false, 0)));
        assert_eq!(links.anchors[0].fragment, "what is");
    }
}
