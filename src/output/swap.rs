//! Swapping a finished build into place, and removing what it replaced
//! or what a killed build left.

use super::*;

/// Puts `staging` where `output` is, in one step where the system allows.
pub(super) fn swap_in(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<(), Error> {
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return std::fs::rename(staging, output)
                .map_err(|e| output_error(output, "move the new site into place", e));
        }
        Err(e) => return Err(output_error(output, "read the output folder", e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::output(
                Problem::new(Location::file(output), "the output path is not a folder")
                    .hint("remove it or choose another --output"),
            ));
        }
        Ok(_) => {}
    }
    if exchange(staging, output).is_ok() {
        // `staging` now holds the previous site.
        remove_tree(staging);
        return Ok(());
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    std::fs::rename(output, &old).map_err(|e| output_error(output, "move the previous site aside", e))?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output);
        return Err(output_error(output, "move the new site into place", e));
    }
    remove_tree(&old);
    Ok(())
}

/// Removes a previous build's folder. Each removal waits on the disk's
/// journal far more than on the processor, so the folders two levels down
/// (a section's pages) are removed by several threads at once.
pub(super) fn remove_tree(dir: &Path) {
    let children = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut folders = Vec::new();
    for child in children(dir) {
        let grandchildren = children(&child);
        if grandchildren.is_empty() {
            folders.push(child);
        } else {
            folders.extend(grandchildren);
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..REMOVING_THREADS.min(folders.len()) {
            scope.spawn(|| {
                while let Some(folder) = folders.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    let _ = std::fs::remove_dir_all(folder);
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// How many threads remove a previous build's files.
pub(super) const REMOVING_THREADS: usize = 8;

/// Swaps two folders atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes temporary folders left by builds that were killed, recognised by
/// their name and by their process being gone.
pub(super) fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let pid = [".tmp-", ".old-"].iter().find_map(|kind| {
            file_name
                .strip_prefix(&format!(".{name}{kind}"))
                .and_then(|pid| pid.parse::<u32>().ok())
        });
        let is_folder = entry.file_type().is_ok_and(|t| t.is_dir());
        if let Some(pid) = pid
            && is_folder
            && (pid == std::process::id() || !process_exists(pid))
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process `pid` runs (one that is not ours to signal runs too).
pub(super) fn process_exists(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else {
        return false;
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}
