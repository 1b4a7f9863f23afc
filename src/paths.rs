//! Paths on disk as the tool compares them: real (links followed), or
//! resolved the way the kernel resolves them.

use std::path::{Component, Path, PathBuf};

/// The real path of a folder the tool reads from, to check paths against;
/// the path as given when it does not exist.
pub fn real_path(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// `path` made absolute, with symbolic links followed and `.` and `..`
/// resolved where the system resolves them: a part that exists is
/// replaced by its real path before the next `..` applies to it, so
/// `link/..` is the parent of the link's target, not the folder the link
/// is in. Two spellings of one folder compare equal.
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut real = PathBuf::from("/");
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(part) => {
                real.push(part);
                // What does not exist has no links in it.
                if let Ok(target) = real.canonicalize() {
                    real = target;
                }
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    real
}
