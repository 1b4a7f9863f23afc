//! Where a build may write: never over the site, never through a link,
//! and only into a folder that is empty or holds a previous build.

use std::path::Path;

use super::output_error;
use crate::error::{Error, Location, Problem};
use crate::paths::resolved;

/// The file every build writes into its output folder, so that a later
/// build knows the folder for its own and may replace what is in it.
pub const MARKER: &str = ".explainer-output";

/// What [`MARKER`] says to a person who opens it.
pub(super) const MARKER_TEXT: &str = "This folder is written by `explainer build`, which replaces everything in it\n\
on every build: keep no other files here.\n";

/// A folder's identity on the system (device and inode): two paths to one
/// folder through a bind mount or a link have the same.
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Whether `inner` is `outer` or lies inside it, by resolved path or, for
/// the parts that exist, by the identity of `inner` and its parents.
fn is_within(inner: &Path, outer: &Path) -> bool {
    if inner.starts_with(outer) {
        return true;
    }
    let Some(outer) = identity(outer) else {
        return false;
    };
    inner.ancestors().any(|folder| identity(folder) == Some(outer))
}

/// Refuses an output folder that a build must not replace: one that would
/// overwrite the site's own files (the root, `content/`, `templates/`,
/// anything inside them or above them, however spelt or linked), a
/// symbolic link, a file, and a folder that holds files explainer did not
/// write, unless `force`.
pub fn check_location(root: &Path, output: &Path, force: bool) -> Result<(), Error> {
    let refuse =
        |why: String, hint: &str| Err(Error::usage(Problem::new(Location::file(output), why).hint(hint)));
    const ELSEWHERE: &str = "choose an output folder such as public/ inside the site, or one outside it";
    if let Ok(target) = std::fs::read_link(output) {
        return refuse(
            format!(
                "the output folder is a symbolic link (to {}); a build would replace the link, not fill the folder",
                crate::error::escape_control(&target.display().to_string())
            ),
            "pass the folder the link points to as --output, or remove the link",
        );
    }
    let out = resolved(output);
    if out.parent().is_none() {
        return refuse(
            "the output folder cannot be the file system's root".to_string(),
            ELSEWHERE,
        );
    }
    let root = resolved(root);
    if is_within(&out, &root) && is_within(&root, &out) {
        return refuse(
            "the output folder cannot be the site's root folder".to_string(),
            ELSEWHERE,
        );
    }
    if is_within(&root, &out) {
        return refuse("the output folder cannot contain the site".to_string(), ELSEWHERE);
    }
    for name in ["content", "templates"] {
        let dir = resolved(&root.join(name));
        if is_within(&out, &dir) {
            return refuse(
                format!("the output folder cannot be in the site's {name}/ folder"),
                ELSEWHERE,
            );
        }
        if is_within(&dir, &out) {
            return refuse(
                format!("the output folder cannot contain the site's {name}/ folder"),
                ELSEWHERE,
            );
        }
    }
    match std::fs::symlink_metadata(output) {
        Ok(meta) if !meta.is_dir() => Err(Error::output(
            Problem::new(Location::file(output), "the output path is a file, not a folder")
                .hint("remove the file or choose another --output"),
        )),
        Ok(_) if !force => check_owned(output),
        _ => Ok(()),
    }
}

/// Refuses an output folder that holds files but no [`MARKER`]: a build
/// replaces everything in it, and these files are not a build's.
fn check_owned(output: &Path) -> Result<(), Error> {
    let entries = std::fs::read_dir(output).map_err(|e| output_error(output, "read the output folder", e))?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() || names.iter().any(|name| name == MARKER) {
        return Ok(());
    }
    names.sort();
    let shown: Vec<String> = names
        .iter()
        .take(3)
        .map(|n| format!("`{}`", crate::error::escape_control(n)))
        .collect();
    let more = match names.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Err(Error::usage(
        Problem::new(
            Location::file(output),
            format!(
                "the output folder holds files that explainer did not write ({}{more}); a build replaces everything in it",
                shown.join(", ")
            ),
        )
        .hint("choose an empty or new folder as --output, or pass --force to replace what is there with the site"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Contents, Plan, write};
    use std::path::PathBuf;

    #[test]
    fn refuses_dangerous_output_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/sub")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join("content"),
            root.join("content/sub/out"),
            root.join("templates"),
            root.join(".."),
            root.join("public/../content"),
            PathBuf::from("/"),
        ] {
            assert!(check_location(root, &bad, true).is_err(), "{}", bad.display());
        }
        assert!(check_location(root, &root.join("public"), false).is_ok());
        assert!(check_location(root, &dir.path().join("../elsewhere-out"), false).is_ok());
    }

    #[test]
    fn linked_site_folders_are_compared_where_they_really_are() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let words = dir.path().join("words");
        let theme = dir.path().join("theme");
        std::fs::create_dir_all(words.join("notes")).unwrap();
        std::fs::create_dir_all(&theme).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(&words, root.join("content")).unwrap();
        std::os::unix::fs::symlink(&theme, root.join("templates")).unwrap();
        // The site's root itself through a link.
        let linked_root = dir.path().join("linked-site");
        std::os::unix::fs::symlink(&root, &linked_root).unwrap();
        for bad in [
            words.clone(),
            words.join("notes"),
            words.join("new-out"),
            theme.clone(),
            theme.join("out"),
            dir.path().to_path_buf(),
            linked_root.join("content/out"),
            linked_root.clone(),
        ] {
            for site in [&root, &linked_root] {
                let refused = check_location(site, &bad, true);
                assert!(refused.is_err(), "{} for {}", bad.display(), site.display());
                assert_eq!(refused.unwrap_err().exit_code(), 2);
            }
        }
        assert!(check_location(&linked_root, &root.join("public"), false).is_ok());
        // A link to a folder inside the content folder, given as the output.
        let link = dir.path().join("to-words");
        std::os::unix::fs::symlink(words.join("notes"), &link).unwrap();
        assert!(check_location(&root, &link, true).is_err());
    }

    #[test]
    fn parent_parts_apply_after_the_links_before_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/notes")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(root.join("content/notes"), elsewhere.join("link")).unwrap();
        // `link/..` is the content folder, `link/../..` the site.
        for (bad, why) in [
            (elsewhere.join("link/.."), "be in the site's content/"),
            (elsewhere.join("link/../new"), "be in the site's content/"),
            (elsewhere.join("link/../.."), "be the site's root"),
            (
                elsewhere.join("link/../../templates"),
                "be in the site's templates/",
            ),
            (elsewhere.join("link/../../../site"), "be the site's root"),
            (elsewhere.join("link/../../.."), "contain the site"),
        ] {
            let refused = check_location(&root, &bad, true).unwrap_err().to_string();
            assert!(refused.contains(why), "{}: {refused}", bad.display());
        }
        assert_eq!(
            resolved(&elsewhere.join("link/../../x/..")),
            root.canonicalize().unwrap()
        );
    }

    #[test]
    fn only_an_empty_folder_or_a_previous_build_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let output = dir.path().join("home");
        std::fs::create_dir_all(&output).unwrap();
        assert!(check_location(&root, &output, false).is_ok(), "empty");
        std::fs::write(output.join("notes.txt"), "mine").unwrap();
        let refused = check_location(&root, &output, false).unwrap_err();
        assert_eq!(refused.exit_code(), 2);
        assert!(
            refused
                .to_string()
                .contains("holds files that explainer did not write (`notes.txt`)")
        );
        assert!(check_location(&root, &output, true).is_ok(), "--force");
        // What a build writes there says it is a build's.
        let mut plan = Plan::default();
        plan.add("index.html", Contents::Bytes(b"x".to_vec()));
        write(&output, &plan).unwrap();
        assert!(output.join(MARKER).is_file());
        assert!(check_location(&root, &output, false).is_ok());
    }
}
