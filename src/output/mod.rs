//! The only writer. A build is rendered into a temporary folder beside the
//! output folder and swapped in only when every file is written, so a
//! failed build leaves the previous site exactly as it was, and a reader of
//! the output folder sees either the old site or the new one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Location, Problem};

mod files;
mod location;
mod swap;

use files::*;
pub use location::{MARKER, check_location};
use swap::*;

/// What one output file holds.
#[derive(Debug)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Bytes compiled into the program (the built-in theme's files).
    Static(&'static [u8]),
    /// A copy of this file of the site.
    CopyOf(crate::input::SiteFile),
}

impl Contents {
    /// The bytes to write, for contents held in memory.
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Contents::Bytes(bytes) => Some(bytes),
            Contents::Static(bytes) => Some(bytes),
            Contents::CopyOf(_) => None,
        }
    }
}

/// Every file of the site, by path relative to the output folder.
#[derive(Debug, Default)]
pub struct Plan {
    files: BTreeMap<String, Contents>,
}

impl Plan {
    pub fn add(&mut self, path: impl Into<String>, contents: Contents) {
        self.files.insert(path.into(), contents);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Contents)> {
        self.files
            .iter()
            .map(|(path, contents)| (path.as_str(), contents))
    }
}

/// Writes `plan` into a new folder and swaps it in for `output`.
pub fn write(output: &Path, plan: &Plan) -> Result<(), Error> {
    let staging = Staging::create(output)?;
    staging.fill(plan)?;
    staging.commit()
}

/// A new output folder being filled beside the old one; [`Staging::commit`]
/// swaps it in, and dropping it uncommitted removes it, so a failed build
/// leaves the previous output as it was.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    parent: PathBuf,
    name: String,
    committed: bool,
    /// Folders made so far, so each is created once.
    made: std::sync::Mutex<BTreeSet<String>>,
    /// `dir`, open: files and folders are made relative to it, so the
    /// kernel looks up only their own path parts, not the whole path again
    /// for each file.
    /// `None` where the folder cannot be opened; then full paths are used.
    dir_fd: Option<rustix::fd::OwnedFd>,
    /// Whether the output folder holds a previous build to share files with.
    previous: bool,
}

/// Where a render that renders once puts each page as soon as it is
/// rendered, so the pages of a big site are not all held in memory.
pub trait PageSink: Sync {
    /// Writes the file at `path` (relative to the output folder) made of
    /// `pieces` in order.
    fn put_pieces(&self, path: &str, pieces: &[&str]) -> Result<(), Error>;
}

impl PageSink for Staging {
    fn put_pieces(&self, path: &str, pieces: &[&str]) -> Result<(), Error> {
        Staging::put_pieces(self, path, pieces)
    }
}

/// A sink that keeps nothing: `check` renders every page as `build`
/// does, and writes none.
pub struct Discard;

impl PageSink for Discard {
    fn put_pieces(&self, _: &str, _: &[&str]) -> Result<(), Error> {
        Ok(())
    }
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging, Error> {
        let name = output
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                Error::usage(Problem::new(
                    Location::file(output),
                    "the output folder needs a name",
                ))
            })?
            .to_string();
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| output_error(&parent, "create the output folder's parent", e))?;
        remove_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| output_error(&dir, "remove an old temporary folder", e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| output_error(&dir, "create a temporary folder", e))?;
        let marker = dir.join(MARKER);
        std::fs::write(&marker, location::MARKER_TEXT).map_err(|e| output_error(&marker, "write", e))?;
        // A previous build's files are shared with the new one when they
        // did not change; not from a folder that something else put links in.
        let previous = std::fs::symlink_metadata(output).is_ok_and(|m| m.is_dir()) && !holds_links(output);
        let dir_fd = rustix::fs::open(
            &dir,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .ok();
        Ok(Staging {
            dir_fd,
            dir,
            output: output.to_path_buf(),
            parent,
            name,
            committed: false,
            made: std::sync::Mutex::new(BTreeSet::new()),
            previous,
        })
    }

    /// Writes one file (from any thread), making its folder if needed.
    pub fn put(&self, path: &str, contents: &Contents) -> Result<(), Error> {
        self.make_parent(path)?;
        if let (false, Some(fd), Some(bytes)) = (self.previous, &self.dir_fd, contents.bytes()) {
            return write_at(fd, path, bytes).map_err(|e| output_error(&self.dir.join(path), "write", e));
        }
        let target = self.dir.join(path);
        if self.previous && self.link_unchanged(path, contents, &target) {
            return Ok(());
        }
        match contents {
            Contents::Bytes(_) | Contents::Static(_) => {
                std::fs::write(&target, contents.bytes().unwrap_or_default())
                    .map_err(|e| output_error(&target, "write", e))
            }
            Contents::CopyOf(source) => copy_file(source, &target),
        }
    }

    /// Writes one file made of `pieces`, in order (from any thread), making
    /// its folder if needed. Into a new output folder, the pieces go to the
    /// file as they are, in one vectored write, without being joined first.
    pub fn put_pieces(&self, path: &str, pieces: &[&str]) -> Result<(), Error> {
        let (false, Some(fd)) = (self.previous, &self.dir_fd) else {
            return self.put(path, &Contents::Bytes(pieces.concat().into_bytes()));
        };
        self.make_parent(path)?;
        write_pieces_at(fd, path, pieces).map_err(|e| output_error(&self.dir.join(path), "write", e))
    }

    /// Makes the folder `path` goes in, unless an earlier file made it.
    fn make_parent(&self, path: &str) -> Result<(), Error> {
        if let Some(folder) = path.rfind('/').map(|i| &path[..i]) {
            // The folder is made with the lock released, so threads writing
            // into different folders do not wait on each other; one is
            // recorded only once it exists, and two threads making the same
            // folder at once is fine for `create_dir_all`.
            let made = || {
                self.made
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            };
            if !made().contains(folder) {
                self.make_folder(folder)
                    .map_err(|e| output_error(&self.dir.join(folder), "create a folder", e))?;
                made().insert(folder.to_string());
            }
        }
        Ok(())
    }

    /// Makes `folder` (relative to `dir`) and any missing parents, as
    /// `create_dir_all` does.
    fn make_folder(&self, folder: &str) -> std::io::Result<()> {
        match &self.dir_fd {
            Some(fd) => make_folder_at(fd, folder),
            None => std::fs::create_dir_all(self.dir.join(folder)),
        }
    }

    /// When the previous build wrote the same bytes to `path`, links that
    /// file into the new folder instead of writing a copy, and says so.
    /// Removing the previous build after the swap then frees no blocks for
    /// it: on disks mounted with `discard`, freeing is what makes deleting
    /// thousands of files slow. Anything unexpected (no such file, another
    /// size, a file system without hard links) falls back to writing.
    fn link_unchanged(&self, path: &str, contents: &Contents, target: &Path) -> bool {
        let old = self.output.join(path);
        let Ok(meta) = std::fs::symlink_metadata(&old) else {
            return false;
        };
        if !meta.is_file() {
            return false;
        }
        let same = match contents {
            Contents::Bytes(bytes) => {
                meta.len() == bytes.len() as u64 && std::fs::read(&old).is_ok_and(|b| b == *bytes)
            }
            Contents::Static(bytes) => {
                meta.len() == bytes.len() as u64 && std::fs::read(&old).is_ok_and(|b| b == *bytes)
            }
            Contents::CopyOf(source) => {
                let read = || source.open().and_then(crate::input::read_all).ok();
                std::fs::metadata(&source.path).is_ok_and(|m| m.len() == meta.len())
                    && matches!((std::fs::read(&old), read()), (Ok(a), Some(b)) if a == b)
            }
        };
        same && std::fs::hard_link(&old, target).is_ok()
    }

    /// Writes every file of `plan`.
    pub fn fill(&self, plan: &Plan) -> Result<(), Error> {
        plan.files
            .par_iter()
            .try_for_each(|(path, contents)| self.put(path, contents))
    }

    /// Swaps the new folder in for the output folder.
    pub fn commit(mut self) -> Result<(), Error> {
        swap_in(&self.dir, &self.output, &self.parent, &self.name)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn output_error(path: &Path, action: &str, error: std::io::Error) -> Error {
    let hint = match (error.kind(), crate::error::io_hint(&error)) {
        (std::io::ErrorKind::PermissionDenied, _) => {
            "check that you may write there, or choose another --output".to_string()
        }
        (_, Some(hint)) => format!("{hint}; the previous output is unchanged"),
        (_, None) => "the previous output is unchanged".to_string(),
    };
    Error::output(Problem::new(Location::file(path), format!("cannot {action}: {error}")).hint(hint))
}

/// Applies the changes of a rebuild to an existing output folder in place,
/// as `watch` and `serve` do: each file is written under a temporary name
/// beside it and renamed over the old one, so a reader never sees half a
/// file; removed files are deleted, and folders they leave empty.
pub fn update(output: &Path, changed: &Plan, removed: &[String]) -> Result<(), Error> {
    let dirs: BTreeSet<&str> = changed
        .files
        .keys()
        .filter_map(|path| path.rfind('/').map(|i| &path[..i]))
        .collect();
    for dir in dirs {
        make_real_folder(output, dir)?;
    }
    changed.files.par_iter().try_for_each(|(path, contents)| {
        let target = output.join(path);
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let temporary = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let written = match contents {
            Contents::Bytes(_) | Contents::Static(_) => {
                std::fs::write(&temporary, contents.bytes().unwrap_or_default())
            }
            Contents::CopyOf(source) => match copy_file(source, &temporary) {
                Ok(()) => Ok(()),
                Err(error) => {
                    let _ = std::fs::remove_file(&temporary);
                    return Err(error);
                }
            },
        };
        written
            .and_then(|()| std::fs::rename(&temporary, &target))
            .map_err(|e| {
                let _ = std::fs::remove_file(&temporary);
                output_error(&target, "write", e)
            })
    })?;
    for path in removed {
        let target = output.join(path);
        if through_link(output, path) {
            // Not the output's own file: what the link leads to stays.
            continue;
        }
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(output_error(&target, "remove", e)),
        }
        // Folders left empty go too (remove_dir fails on a folder that is not).
        let mut dir = target.parent();
        while let Some(d) = dir {
            if d == output || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// Makes `dir` (relative to `output`) and the folders above it, each a
/// real folder: a symbolic link or a file in the way (no build writes
/// either) is removed first, so nothing is written through a link to a
/// place outside the output folder.
fn make_real_folder(output: &Path, dir: &str) -> Result<(), Error> {
    let mut folder = output.to_path_buf();
    for part in dir.split('/') {
        folder.push(part);
        match std::fs::symlink_metadata(&folder) {
            Ok(meta) if meta.is_dir() => continue,
            Ok(_) => std::fs::remove_file(&folder).map_err(|e| output_error(&folder, "replace a link", e))?,
            Err(_) => {}
        }
        match std::fs::create_dir(&folder) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(e) => return Err(output_error(&folder, "create a folder", e)),
        }
    }
    Ok(())
}

/// Whether a folder on the way from `output` to `path` (relative to it)
/// is a symbolic link.
fn through_link(output: &Path, path: &str) -> bool {
    let mut folder = output.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    parts[..parts.len() - 1].iter().any(|part| {
        folder.push(part);
        std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// Whether `output` holds a symbolic link anywhere: no build writes one,
/// and a file reached through one may lie outside the output folder.
fn holds_links(output: &Path) -> bool {
    walkdir::WalkDir::new(output)
        .into_iter()
        .any(|entry| entry.map_or(true, |e| e.path_is_symlink()))
}

#[cfg(test)]
mod tests;
