//! Walks a folder the tool reads (`content/`, `templates/`): every regular
//! file under it, sorted by name.
//!
//! Symbolic links are resolved before anything behind them is read or
//! listed: one whose target lies inside the walk's boundary is followed (a
//! file is read from its target, a folder is walked as if it were there);
//! one that leads outside it, loops, or points at nothing is an error, and
//! nothing behind it is touched. Anything that is neither a regular file
//! nor a folder (a named pipe, a socket, a device) is an error too, so no
//! read can wait on it. Hidden files and editors' leftovers are skipped.

use std::path::{Path, PathBuf};

use crate::content::is_editor_noise;
use crate::error::{Location, Problem, escape_control};
use crate::input;

/// Linked folders inside linked folders nest this deep at most.
pub const MAX_LINKED_FOLDERS: usize = 32;

/// A file found by [`files`].
#[derive(Debug)]
pub struct Found {
    /// Where the walk found it, under the walked folder.
    pub path: PathBuf,
    /// Its real place, when `path` is a symbolic link: read it from there.
    pub real: Option<PathBuf>,
    /// What it is when it is not a regular file or a folder ("a named
    /// pipe (FIFO)"): nothing may read it, and the caller says so.
    pub not_a_file: Option<&'static str>,
}

impl Found {
    /// The problem of a file that is not a regular one; `folder` is the
    /// walked folder as messages name it ("content/").
    pub fn not_a_file_problem(&self, folder: &str) -> Option<Problem> {
        let kind = self.not_a_file?;
        let linked = if self.real.is_some() {
            "a symbolic link to "
        } else {
            ""
        };
        Some(
            Problem::new(
                Location::file(&self.path),
                format!("this is {linked}{kind}, not a regular file"),
            )
            .hint(format!("only files and folders belong in {folder}: remove it")),
        )
    }
}

/// Where a walk may go, and how messages name it.
#[derive(Debug, Clone, Copy)]
pub struct Boundary<'a> {
    /// A real path (see [`input::real_path`]): no link may lead out of it.
    pub real: &'a Path,
    /// The folder as messages name it: "the content folder".
    pub name: &'a str,
    /// Where a linked file should be copied instead: "content/".
    pub copy_into: &'a str,
}

/// Every regular file under `dir`, in order, and the problems found.
pub fn files(dir: &Path, boundary: Boundary) -> (Vec<Found>, Vec<Problem>) {
    let mut walk = Walk {
        boundary,
        found: Vec::new(),
        problems: Vec::new(),
    };
    walk.folder(dir, &mut vec![boundary.real.to_path_buf()]);
    (walk.found, walk.problems)
}

struct Walk<'a> {
    boundary: Boundary<'a>,
    found: Vec<Found>,
    problems: Vec<Problem>,
}

impl Walk<'_> {
    /// Walks `dir`; `inside` holds the real paths of the folders it is in,
    /// to find a link that leads back into one of them.
    fn folder(&mut self, dir: &Path, inside: &mut Vec<PathBuf>) {
        let mut walker = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0 || !is_editor_noise(&entry.file_name().to_string_lossy())
            });
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                    self.problems.push(match e.io_error() {
                        Some(io) => unreadable(&path, io),
                        None => Problem::new(Location::file(path), format!("cannot read: {e}")),
                    });
                    continue;
                }
            };
            let kind = entry.file_type();
            if entry.depth() > 0 && input::has_forbidden(&entry.file_name().to_string_lossy()) {
                // It would reach addresses and links as it is.
                self.problems.push(
                    Problem::new(
                        Location::file(entry.path()),
                        "the name has a control character in it, which no address may hold",
                    )
                    .hint("rename it"),
                );
                if kind.is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            if entry.depth() == 0 || kind.is_dir() {
                continue;
            }
            if kind.is_symlink() {
                self.link(entry.path(), inside);
            } else {
                self.found.push(Found {
                    path: entry.into_path(),
                    real: None,
                    not_a_file: (!kind.is_file()).then(|| input::kind_name(kind)),
                });
            }
        }
    }

    /// A symbolic link: followed when it resolves inside the boundary, an
    /// error otherwise.
    fn link(&mut self, path: &Path, inside: &mut Vec<PathBuf>) {
        let target = match input::resolve_inside(path, self.boundary.real) {
            Ok(target) => target,
            Err(input::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.problems.push(
                    Problem::new(
                        Location::file(path),
                        "a symbolic link here points to a file that does not exist",
                    )
                    .hint("remove the link, or restore the file it points to"),
                );
                return;
            }
            Err(input::ReadError::Io(e))
                if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
            {
                self.problems.push(loops(path));
                return;
            }
            Err(input::ReadError::Outside { target, .. }) => {
                self.problems.push(
                    Problem::new(
                        Location::file(path),
                        format!(
                            "a symbolic link points outside {}, to {}",
                            self.boundary.name,
                            escape_control(&target.display().to_string())
                        ),
                    )
                    .hint(format!(
                        "copy the file into {} instead of linking to it",
                        self.boundary.copy_into
                    )),
                );
                return;
            }
            Err(e) => {
                self.problems.push(e.problem(path, "the link"));
                return;
            }
        };
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                if inside.iter().any(|folder| folder.starts_with(&target)) {
                    self.problems.push(loops(path));
                    return;
                }
                // The walk calls itself for each linked folder within one.
                if inside.len() > MAX_LINKED_FOLDERS {
                    self.problems.push(
                        Problem::new(
                            Location::file(path),
                            format!(
                                "links to folders lead through more than {MAX_LINKED_FOLDERS} folders here"
                            ),
                        )
                        .hint("link to the folder you mean directly, or move it"),
                    );
                    return;
                }
                inside.push(target);
                self.folder(path, inside);
                inside.pop();
            }
            Ok(meta) => self.found.push(Found {
                path: path.to_path_buf(),
                real: Some(target),
                not_a_file: (!meta.is_file()).then(|| input::kind_name(meta.file_type())),
            }),
            Err(e) => self.problems.push(unreadable(path, &e)),
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
pub fn relative_to<'p>(path: &'p Path, dir: &Path) -> Option<&'p Path> {
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
