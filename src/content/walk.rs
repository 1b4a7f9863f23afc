//! The walk of `content/`: every Markdown file and asset under it, sorted.
//!
//! Symbolic links are resolved before anything behind them is read or
//! listed: one whose target lies inside the content folder is followed
//! (a file is read from its target, a folder is walked as if it were
//! there); one that leads outside it, loops, or points at nothing is an
//! error, and nothing behind it is touched. Anything that is neither a
//! regular file nor a folder (a named pipe, a socket, a device) is an
//! error too, so no read can wait on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::SETTINGS_FILE;
use crate::content::{Asset, CONTENT_DIR, glossary, is_editor_noise};
use crate::error::{Error, Location, Problem, escape_control, site_path};
use crate::input;

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// Markdown files, as paths under `content/` with `/` separators.
    pub markdown: Vec<String>,
    pub assets: Vec<Asset>,
    /// Markdown files that are symbolic links, with their real place
    /// (inside the content folder), to read them from.
    pub linked: BTreeMap<String, PathBuf>,
}

/// Lists Markdown files and assets under `root/content`; `content_real` is
/// that folder's real path, which no file read may leave.
pub fn walk(root: &Path, content_real: &Path, errors: &mut Vec<Error>) -> Walked {
    let content_dir = site_path(root, CONTENT_DIR);
    let mut walked = Walked::default();
    if !content_dir.is_dir() {
        errors.push(Error::Content(
            Problem::new(Location::file(&content_dir), "there is no content folder")
                .hint("run the command in the site's folder, or pass --root DIR"),
        ));
        return walked;
    }
    let mut walk = Walk {
        root,
        content_dir: &content_dir,
        content_real,
        walked: &mut walked,
        errors,
    };
    walk.folder(&content_dir, &mut vec![content_real.to_path_buf()]);
    walked
}

struct Walk<'a> {
    root: &'a Path,
    content_dir: &'a Path,
    content_real: &'a Path,
    walked: &'a mut Walked,
    errors: &'a mut Vec<Error>,
}

impl Walk<'_> {
    /// Walks `dir` (a path under the content folder as the editor sees
    /// it); `inside` holds the real paths of the folders it is in, to
    /// find a link that leads back into one of them.
    fn folder(&mut self, dir: &Path, inside: &mut Vec<PathBuf>) {
        let walker = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0 || !is_editor_noise(&entry.file_name().to_string_lossy())
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                    let problem = match e.io_error() {
                        Some(io) => unreadable(&path, io),
                        None => Problem::new(Location::file(path), format!("cannot read: {e}")),
                    };
                    self.errors.push(Error::Content(problem));
                    continue;
                }
            };
            let kind = entry.file_type();
            if entry.depth() == 0 || kind.is_dir() {
                continue;
            }
            if kind.is_symlink() {
                self.link(entry.path(), inside);
            } else if kind.is_file() {
                self.file(entry.path(), None);
            } else {
                self.errors.push(Error::Content(
                    Problem::new(
                        Location::file(entry.path()),
                        format!("this is {}, not a regular file", input::std_kind_name(kind)),
                    )
                    .hint("only files and folders belong in content/: remove it"),
                ));
            }
        }
    }

    /// A symbolic link: followed when it resolves inside the content
    /// folder, an error otherwise.
    fn link(&mut self, path: &Path, inside: &mut Vec<PathBuf>) {
        let target = match input::resolve_inside(path, self.content_real) {
            Ok(target) => target,
            Err(input::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.errors.push(Error::Content(
                    Problem::new(
                        Location::file(path),
                        "a symbolic link here points to a file that does not exist",
                    )
                    .hint("remove the link, or restore the file it points to"),
                ));
                return;
            }
            Err(input::ReadError::Io(e))
                if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
            {
                self.errors.push(Error::Content(loops(path)));
                return;
            }
            Err(input::ReadError::Outside { target, .. }) => {
                self.errors.push(Error::Content(
                    Problem::new(
                        Location::file(path),
                        format!(
                            "a symbolic link points outside the content folder, to {}",
                            escape_control(&target.display().to_string())
                        ),
                    )
                    .hint("copy the file into content/ instead of linking to it"),
                ));
                return;
            }
            Err(e) => {
                self.errors.push(Error::Content(e.problem(path, "the link")));
                return;
            }
        };
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                if inside.iter().any(|folder| folder.starts_with(&target)) {
                    self.errors.push(Error::Content(loops(path)));
                    return;
                }
                inside.push(target);
                self.folder(path, inside);
                inside.pop();
            }
            Ok(meta) if meta.is_file() => self.file(path, Some(target)),
            Ok(meta) => self.errors.push(Error::Content(
                Problem::new(
                    Location::file(path),
                    format!(
                        "a symbolic link here points to {}, not a regular file",
                        input::std_kind_name(meta.file_type())
                    ),
                )
                .hint("only files and folders belong in content/: remove the link"),
            )),
            Err(e) => self.errors.push(Error::Content(unreadable(path, &e))),
        }
    }

    /// A file at `path` (read from `real` when it is a link).
    fn file(&mut self, path: &Path, real: Option<PathBuf>) {
        let Some(relative) = relative_to(path, self.content_dir) else {
            return;
        };
        let Some(source) = relative
            .to_str()
            .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"))
        else {
            self.errors.push(Error::Content(
                Problem::new(Location::file(path), "the file name is not valid UTF-8")
                    .hint("rename the file"),
            ));
            return;
        };
        let settings = SETTINGS_FILE.strip_prefix("content/").unwrap_or(SETTINGS_FILE);
        if source == settings || source == glossary::GLOSSARY_FILE {
            return;
        }
        if source.ends_with(".md") {
            if let Some(real) = real {
                self.walked.linked.insert(source.clone(), real);
            }
            self.walked.markdown.push(source);
        } else {
            let file = real.unwrap_or_else(|| site_path(self.root, Path::new(CONTENT_DIR).join(&source)));
            self.walked.assets.push(Asset { file, source });
        }
    }
}

fn loops(path: &Path) -> Problem {
    Problem::new(
        Location::file(path),
        "a symbolic link here loops back to a folder that contains it",
    )
    .hint("remove the link")
}

fn unreadable(path: &Path, error: &std::io::Error) -> Problem {
    let problem = Problem::new(Location::file(path), format!("cannot read: {error}"));
    match crate::error::io_hint(error) {
        Some(hint) => problem.hint(hint),
        None => problem,
    }
}

/// `path` below `dir`, as `Path::strip_prefix` gives it. A path that
/// starts with `dir`'s very bytes, as the walker's do, is cut there instead
/// of comparing the two part by part (most of the walk's serial cost).
pub(super) fn relative_to<'p>(path: &'p Path, dir: &Path) -> Option<&'p Path> {
    let separator = [std::path::MAIN_SEPARATOR as u8];
    let prefix = dir.as_os_str().as_encoded_bytes();
    let rest = path
        .as_os_str()
        .as_encoded_bytes()
        .strip_prefix(prefix)
        // The prefix must end at a separator: `content` does not hold `contents/a.md`.
        .and_then(|rest| match prefix.ends_with(&separator) {
            true => Some(rest),
            false => rest.strip_prefix(&separator),
        })
        // Leading separators and `.` parts, which the walker does not
        // make, are left to `strip_prefix`.
        .filter(|rest| !rest.starts_with(&separator) && !rest.starts_with(b"."))
        .and_then(|rest| std::str::from_utf8(rest).ok());
    match rest {
        Some(rest) => Some(Path::new(rest)),
        None => path.strip_prefix(dir).ok(),
    }
}
