//! What a changed file is to the site, decided from its path alone: the
//! one classification `watch` (which changes to act on) and the build
//! (which changes it can apply without a full render) share.

use std::path::{Path, PathBuf};

use crate::content::{CONTENT_DIR, is_editor_noise};
use crate::render::TEMPLATES_DIR;

/// What a changed path is to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `content/site.toml`.
    Settings,
    /// `content/glossary.toml`.
    Glossary,
    /// A Markdown file under `content/`.
    Content,
    /// Any other file under `content/`.
    Asset,
    /// A template under `templates/`.
    Template,
    /// Any other file under `templates/` (the stylesheet, fonts).
    ThemeFile,
}

/// A change to one file of the site, as `watch` hears of it: the build
/// decides from its kind what to render again, without looking at the
/// path again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The file, under the site's folder as `watch` names it.
    pub path: PathBuf,
    pub kind: ChangeKind,
    /// Its path under `content/` or `templates/`, with `/` separators.
    pub name: String,
}

impl Change {
    /// The change of `path`, or `None` when a change to it does not matter
    /// (see [`classify`]). `root` and `output` are real paths.
    pub fn of(root: &Path, output: &Path, path: PathBuf) -> Option<Change> {
        let kind = classify(root, output, &path)?;
        let relative = path.strip_prefix(root).ok()?;
        let name: PathBuf = relative.components().skip(1).collect();
        let name = name.to_str()?.replace(std::path::MAIN_SEPARATOR, "/");
        Some(Change { path, kind, name })
    }
}

/// What `path` is, or `None` when a change to it does not matter: files
/// outside `content/` and `templates/`, the output folder, and the swap,
/// backup and lock files editors leave behind.
pub fn classify(root: &Path, output: &Path, path: &Path) -> Option<ChangeKind> {
    if path.starts_with(output) {
        return None;
    }
    let relative = path.strip_prefix(root).ok()?;
    if relative
        .components()
        .any(|c| is_editor_noise(&c.as_os_str().to_string_lossy()))
    {
        return None;
    }
    let mut parts = relative.components();
    let top = parts.next()?.as_os_str().to_str()?;
    let rest: PathBuf = parts.collect();
    let name = rest.to_str()?;
    match top {
        CONTENT_DIR if name == "site.toml" => Some(ChangeKind::Settings),
        CONTENT_DIR if name == "glossary.toml" => Some(ChangeKind::Glossary),
        CONTENT_DIR if name.ends_with(".md") => Some(ChangeKind::Content),
        CONTENT_DIR => Some(ChangeKind::Asset),
        TEMPLATES_DIR if name.ends_with(".html") => Some(ChangeKind::Template),
        TEMPLATES_DIR => Some(ChangeKind::ThemeFile),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_names_its_file_under_its_folder() {
        let (root, output) = (Path::new("/site"), Path::new("/site/public"));
        let change = Change::of(root, output, PathBuf::from("/site/content/notes/may.md")).unwrap();
        assert_eq!(
            (change.kind, change.name.as_str()),
            (ChangeKind::Content, "notes/may.md")
        );
        let change = Change::of(
            root,
            output,
            PathBuf::from("/site/templates/shortcodes/figure.html"),
        )
        .unwrap();
        assert_eq!(
            (change.kind, change.name.as_str()),
            (ChangeKind::Template, "shortcodes/figure.html")
        );
        assert_eq!(
            Change::of(root, output, PathBuf::from("/site/public/index.html")),
            None
        );
    }

    #[test]
    fn classify_table() {
        let root = Path::new("/site");
        let output = Path::new("/site/public");
        let cases: &[(&str, Option<ChangeKind>)] = &[
            ("/site/content/site.toml", Some(ChangeKind::Settings)),
            ("/site/content/glossary.toml", Some(ChangeKind::Glossary)),
            ("/site/content/rare-earths.md", Some(ChangeKind::Content)),
            ("/site/content/notes/_index.md", Some(ChangeKind::Content)),
            ("/site/content/data/figures.toml", Some(ChangeKind::Asset)),
            ("/site/content/img/map.png", Some(ChangeKind::Asset)),
            ("/site/content/notes", Some(ChangeKind::Asset)),
            ("/site/templates/page.html", Some(ChangeKind::Template)),
            (
                "/site/templates/shortcodes/figure.html",
                Some(ChangeKind::Template),
            ),
            ("/site/templates/style.css", Some(ChangeKind::ThemeFile)),
            ("/site/public/index.html", None),
            ("/site/public", None),
            ("/site/README.md", None),
            ("/site/target/x", None),
            ("/elsewhere/content/a.md", None),
            ("/site/content/.rare-earths.md.swp", None),
            ("/site/content/.rare-earths.md.swx", None),
            ("/site/content/rare-earths.md~", None),
            ("/site/content/.#rare-earths.md", None),
            ("/site/content/#rare-earths.md#", None),
            ("/site/content/4913", None),
            ("/site/templates/.page.html.kate-swp", None),
            ("/site/content/.git/index", None),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(root, output, Path::new(path)), *expected, "{path}");
        }
    }

    #[test]
    fn an_output_folder_inside_content_is_still_ignored() {
        let root = Path::new("/site");
        assert_eq!(
            classify(root, Path::new("/out"), Path::new("/out/index.html")),
            None
        );
        assert_eq!(
            classify(
                root,
                Path::new("/site/content/x"),
                Path::new("/site/content/x/a.md")
            ),
            None
        );
    }
}
