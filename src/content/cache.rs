//! What tells a file changed since the last load (its stamp), and the
//! files parsed by the last load, kept while their stamps hold.

use super::*;

/// What the system says of a file, to tell whether it changed without
/// reading it: when all of it is unchanged, so is the file. The status
/// change time moves with any change to the file or its permissions (a
/// file made unreadable must be read again, and fail), and cannot be set
/// back (`cp -p`, `rsync -a` and `tar` set the modification time); the
/// inode changes when a save replaces the file. But times have a tick
/// (a few milliseconds here, seconds on some file systems): two writes
/// within one leave the same time. So while the change time is recent
/// ([`RECENT`]), the stamp holds a hash of the bytes too, and a file is
/// never taken for unchanged when it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub modified: Option<std::time::SystemTime>,
    pub changed: (i64, i64),
    pub inode: u64,
    pub len: u64,
    /// A hash of the bytes, while the change time is recent.
    pub recent_bytes: Option<u64>,
}

/// How long after a change a file's times may not yet tell it from the
/// next one: more than any file system's timestamp tick (FAT's is two
/// seconds).
pub const RECENT: std::time::Duration = std::time::Duration::from_secs(3);

impl Stamp {
    /// The stamp of `path`, a file that must lie inside `boundary` (a real
    /// path): a symbolic link is stamped by its target only when that lies
    /// inside, so no file outside is ever opened, even to hash it.
    pub fn of(path: &Path, boundary: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        let mut meta = std::fs::symlink_metadata(path).ok()?;
        let mut inside = true;
        if meta.file_type().is_symlink() {
            match input::resolve_inside(path, boundary) {
                Ok(real) => meta = std::fs::metadata(real).ok()?,
                Err(_) => inside = false,
            }
        }
        let changed = (meta.ctime(), meta.ctime_nsec());
        let recent_bytes = (inside && meta.is_file() && is_recent(changed, std::time::SystemTime::now()))
            .then(|| {
                let bytes = input::open_inside(path, boundary)
                    .and_then(input::read_all)
                    .ok()?;
                Some(xxhash_rust::xxh3::xxh3_64(&bytes))
            })
            .flatten();
        Some(Stamp {
            modified: meta.modified().ok(),
            changed,
            inode: meta.ino(),
            len: meta.len(),
            recent_bytes,
        })
    }
}

/// Whether a change at `changed` (seconds and nanoseconds since the epoch)
/// is within [`RECENT`] of `now`, or later (a clock set back).
pub(super) fn is_recent(changed: (i64, i64), now: std::time::SystemTime) -> bool {
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    let changed = i128::from(changed.0) * 1_000_000_000 + i128::from(changed.1);
    now - changed < RECENT.as_nanos() as i128
}

/// Markdown files parsed by an earlier load, reused while their stamp holds.
#[derive(Debug, Default)]
pub struct DocCache {
    pub(super) parsed: HashMap<String, (Stamp, Loaded)>,
    /// Set for a load that is the only one (a one-shot build): nothing is
    /// kept, and no file's stamp is taken.
    pub(super) off: bool,
}

impl DocCache {
    /// A cache that keeps nothing, for a site loaded once.
    pub fn off() -> Self {
        DocCache {
            parsed: HashMap::new(),
            off: true,
        }
    }
}

/// The hash documents carry of their text.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    text.hash(&mut hasher);
    hasher.finish()
}
