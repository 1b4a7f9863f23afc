//! Files and folders made relative to an open folder, and copies.

use super::*;

/// `create_dir_all` relative to the open folder `at`: a folder that is
/// already there is fine; a missing parent is made first.
pub(super) fn make_folder_at(at: &rustix::fd::OwnedFd, folder: &str) -> std::io::Result<()> {
    use rustix::io::Errno;
    // The mode `std::fs::create_dir` gives (before the umask).
    let mode = rustix::fs::Mode::from_raw_mode(0o777);
    match rustix::fs::mkdirat(at, folder, mode) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(Errno::NOENT) => {
            if let Some((parent, _)) = folder.rsplit_once('/') {
                make_folder_at(at, parent)?;
            }
            match rustix::fs::mkdirat(at, folder, mode) {
                Ok(()) | Err(Errno::EXIST) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// `std::fs::File::create` of `path` relative to the open folder `at`.
pub(super) fn create_at(at: &rustix::fd::OwnedFd, path: &str) -> std::io::Result<std::fs::File> {
    use rustix::fs::OFlags;
    let fd = rustix::fs::openat(
        at,
        path,
        OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
        // The mode `std::fs::File::create` gives (before the umask).
        rustix::fs::Mode::from_raw_mode(0o666),
    )?;
    Ok(std::fs::File::from(fd))
}

/// `std::fs::write` of `path` relative to the open folder `at`.
pub(super) fn write_at(at: &rustix::fd::OwnedFd, path: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    create_at(at, path)?.write_all(bytes)
}

/// Writes `pieces`, in order, to `path` relative to the open folder `at`,
/// in as few vectored writes as the kernel takes them in.
pub(super) fn write_pieces_at(at: &rustix::fd::OwnedFd, path: &str, pieces: &[&str]) -> std::io::Result<()> {
    use std::io::{IoSlice, Write as _};
    // The most slices the kernel takes in one call (IOV_MAX on Linux).
    const MAX_SLICES: usize = 1024;
    let mut file = create_at(at, path)?;
    // Without empty pieces: a call given only empty slices writes nothing
    // and returns 0, which would read as a disk that takes no more (an
    // empty page is just an empty file).
    let mut slices: Vec<IoSlice> = pieces
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| IoSlice::new(p.as_bytes()))
        .collect();
    let mut rest = slices.as_mut_slice();
    while !rest.is_empty() {
        let at_once = rest.len().min(MAX_SLICES);
        match file.write_vectored(&rest[..at_once]) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(written) => IoSlice::advance_slices(&mut rest, written),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Copies the site's file `source` (opened as every input is, see
/// [`crate::input`]) to a new file `target`.
pub(super) fn copy_file(source: &crate::input::SiteFile, target: &Path) -> Result<(), Error> {
    let mut from = source
        .open()
        .map_err(|e| Error::content(e.problem(&source.path, "the file to copy into the output")))?;
    let mut to = std::fs::File::create(target).map_err(|e| output_error(target, "write", e))?;
    std::io::copy(&mut from, &mut to)
        .map(|_| ())
        .map_err(|e| output_error(&source.path, "copy the file into the output", e))
}
