//! Files `explainer` writes for the editor, outside any build: a new site
//! (`explainer new`) and the built-in theme on disk (`explainer theme
//! eject`). Neither ever replaces a file that exists unless asked.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Problem, site_path};
use crate::render::{self, TEMPLATES_DIR};

/// The starter site: content, a README for the editor and the files hosts
/// read. `@TITLE@` (a TOML string), `@TITLE_TEXT@` and `@VERSION@` are
/// filled in when it is written.
static STARTER: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/src/starter");

/// Every file of the starter site, by path, in order.
fn starter_files() -> Vec<(String, &'static str)> {
    render::embedded_files(&STARTER)
        .into_iter()
        .filter_map(|(path, bytes)| Some((path, std::str::from_utf8(bytes).ok()?)))
        .collect()
}

/// A title made from a folder name: `water-cycle` gives "Water cycle".
pub fn title_from_folder(folder: &Path) -> String {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: Vec<&str> = name
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let mut title = words.join(" ");
    if let Some(first) = title.chars().next() {
        title = first.to_uppercase().chain(title.chars().skip(1)).collect();
    }
    if title.is_empty() {
        "My explainer".to_string()
    } else {
        title
    }
}

/// What `new_site` wrote.
#[derive(Debug)]
pub struct NewSite {
    pub dir: PathBuf,
    pub title: String,
    pub files: Vec<String>,
}

/// Writes a new site into `dir`, which must not exist or be empty. The
/// files are written into a temporary folder beside it, then moved into
/// place, so a failure leaves nothing half-written.
pub fn new_site(dir: &Path, title: Option<&str>) -> Result<NewSite, Error> {
    let title = match title.map(str::trim) {
        Some("") => {
            return Err(Error::usage(
                Problem::new(Location::file(dir), "the title is empty")
                    .hint("give a title, e.g. --title \"How the water cycle works\", or leave --title out"),
            ));
        }
        Some(title) => title.to_string(),
        None => title_from_folder(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())),
    };
    if title.chars().any(char::is_control) {
        return Err(Error::usage(
            Problem::new(Location::file(dir), "the title has a control character in it")
                .hint("give the title on one line, as plain text"),
        ));
    }
    refuse_link(dir, "`new`")?;
    let empty_existing = match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::usage(
                    Problem::new(
                        Location::file(dir),
                        "this folder is not empty; `new` writes only into a new or empty folder",
                    )
                    .hint("choose a folder that does not exist yet, e.g. `explainer new my-explainer`"),
                ));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::usage(
                Problem::new(Location::file(dir), "this is a file, not a folder")
                    .hint("choose a folder that does not exist yet"),
            ));
        }
        Err(e) => return Err(Error::io(dir, "read the folder", e)),
    };

    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create the folder", e))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".to_string());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let written = write_starter(&staging, &title);
    let moved = written.and_then(|files| {
        if empty_existing {
            std::fs::remove_dir(dir).map_err(|e| Error::io(dir, "replace the empty folder", e))?;
        }
        std::fs::rename(&staging, dir).map_err(|e| Error::io(dir, "move the new site into place", e))?;
        Ok(files)
    });
    match moved {
        Ok(files) => Ok(NewSite {
            dir: dir.to_path_buf(),
            title,
            files,
        }),
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            if empty_existing && !dir.exists() {
                let _ = std::fs::create_dir(dir);
            }
            Err(error)
        }
    }
}

fn write_starter(into: &Path, title: &str) -> Result<Vec<String>, Error> {
    let title_toml = toml::Value::String(title.to_string()).to_string();
    let mut written = Vec::new();
    for (path, text) in starter_files() {
        let text = text
            .replace("@TITLE@", &title_toml)
            .replace("@TITLE_TEXT@", title)
            .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
        let target = into.join(&path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, "create the folder", e))?;
        }
        std::fs::write(&target, text).map_err(|e| Error::io(&target, "write", e))?;
        written.push(path);
    }
    Ok(written)
}

/// What `eject_theme` wrote.
#[derive(Debug)]
pub struct Ejected {
    pub dir: PathBuf,
    pub files: Vec<String>,
}

/// Writes every file of the built-in theme into `root/templates/`. With
/// `force`, files that exist are replaced; without it, any that exists is
/// an error and nothing is written.
pub fn eject_theme(root: &Path, force: bool) -> Result<Ejected, Error> {
    let dir = site_path(root, TEMPLATES_DIR);
    refuse_link(&dir, "ejecting the theme")?;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::usage(
            Problem::new(Location::file(&dir), "this is a file, not a folder")
                .hint("move the file away; the theme goes into a templates/ folder"),
        ));
    }
    let files = render::built_in_files();
    // A link counts as a file that exists, even one that points nowhere.
    let exists = |path: &Path| std::fs::symlink_metadata(path).is_ok();
    if !force {
        let existing: Vec<&str> = files
            .iter()
            .map(|(path, _)| path.as_str())
            .filter(|path| exists(&dir.join(path)))
            .collect();
        if let Some(first) = existing.first() {
            let more = match existing.len() {
                1 => String::new(),
                n => format!(" (and {} more of the theme's files)", n - 1),
            };
            return Err(Error::usage(
                Problem::new(
                    Location::file(dir.join(first)),
                    format!("this file exists already{more}; ejecting the theme would replace it"),
                )
                .hint("keep your changes by moving the file away, or run `explainer theme eject --force` to replace it"),
            ));
        }
    }
    for (path, _) in &files {
        let mut folder = dir.join(path);
        while folder.pop() && folder.starts_with(&dir) && folder != dir {
            refuse_link(&folder, "ejecting the theme")?;
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        let target = dir.join(&path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, "create the folder", e))?;
        }
        replace_file(&target, bytes)?;
        written.push(path);
    }
    Ok(Ejected { dir, files: written })
}

/// Refuses to write into `path` when it is a symbolic link: what it
/// points to lies elsewhere, maybe outside the site.
fn refuse_link(path: &Path, doing: &str) -> Result<(), Error> {
    match std::fs::read_link(path) {
        Ok(target) => Err(Error::usage(
            Problem::new(
                Location::file(path),
                format!(
                    "this is a symbolic link (to {}); {doing} writes only into real folders",
                    crate::error::escape_control(&target.display().to_string())
                ),
            )
            .hint("pass the folder the link points to, or remove the link"),
        )),
        Err(_) => Ok(()),
    }
}

/// Writes `bytes` to `target` under a temporary name beside it, then
/// renames it over `target`: a symbolic link there is replaced by the
/// file, never written through.
fn replace_file(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = target.with_file_name(format!(".{name}.eject-{}", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            Error::io(target, "write", e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_folder_names() {
        assert_eq!(title_from_folder(Path::new("/x/water-cycle")), "Water cycle");
        assert_eq!(title_from_folder(Path::new("my_site")), "My site");
        assert_eq!(title_from_folder(Path::new("élan vital")), "Élan vital");
        assert_eq!(title_from_folder(Path::new("/")), "My explainer");
    }

    #[test]
    fn the_starter_has_every_file_and_no_unfilled_marker_after_writing() {
        let files = starter_files();
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        for needed in [
            ".github/workflows/publish.yml",
            ".gitignore",
            "README.md",
            "content/_index.md",
            "content/anatomy.md",
            "content/glossary.toml",
            "content/site.toml",
            "netlify.toml",
        ] {
            assert!(paths.contains(&needed), "{needed} in {paths:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        write_starter(dir.path(), "A \"quoted\" title").unwrap();
        for (path, _) in &files {
            let text = std::fs::read_to_string(dir.path().join(path)).unwrap();
            assert!(!text.contains("@TITLE") && !text.contains("@VERSION@"), "{path}");
        }
        let settings = std::fs::read_to_string(dir.path().join("content/site.toml")).unwrap();
        let parsed: toml::Table = toml::from_str(&settings).unwrap();
        assert_eq!(parsed["title"].as_str(), Some("A \"quoted\" title"));
    }
}
