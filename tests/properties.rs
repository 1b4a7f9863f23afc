//! Property tests of the pure pieces and of rebuilds:
//!
//! - a relative link written for any page resolves to the file it names;
//! - heading ids are unique on a page, URL-safe and stable;
//! - page slugs from any file name are URL-safe, stable and unique, or a
//!   clash is an error;
//! - any sequence of edits applied through a rebuilding session ends with
//!   exactly the files a fresh build gives.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use explainer::build::{LintLevel, Options, Retention, Session};
use explainer::change::Change;
use explainer::markdown::{self, KeepLinks};
use explainer::urls;
use explainer::watch::Writer;
use proptest::prelude::*;

/// Resolves `href` seen from the folder of `from` the way a browser does.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn segment() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,8}"
}

fn output_path() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(segment(), 0..4),
        prop_oneof![Just("index.html".to_string()), "[a-z]{1,6}\\.css"],
    )
        .prop_map(|(dirs, file)| {
            let mut path = dirs.join("/");
            if !path.is_empty() {
                path.push('/');
            }
            path + &file
        })
}

proptest! {
    #[test]
    fn relative_links_resolve_to_their_target(from in output_path(), to in output_path()) {
        let html = format!("<a href=\"{}\">", urls::from_root(&to));
        let written = urls::relativize(&html, &from).into_owned();
        let href = written.trim_start_matches("<a href=\"").trim_end_matches("\">");
        prop_assert!(!href.starts_with('/'), "a relative link: {}", href);
        prop_assert_eq!(resolve(&from, href), to);
    }

    #[test]
    fn heading_ids_are_unique_url_safe_and_stable(titles in prop::collection::vec("[A-Za-z0-9 _?!'&-]{0,12}", 1..30)) {
        let source: String = titles.iter().map(|t| format!("## {t}\n\n")).collect();
        let markup = explainer::render::built_in_markup();
        let first = markdown::render(&source, &markup, &mut KeepLinks, None);
        let again = markdown::render(&source, &markup, &mut KeepLinks, None);
        let ids: Vec<&str> = first.toc.iter().map(|h| h.id.as_str()).collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        prop_assert_eq!(unique.len(), ids.len(), "ids repeat: {:?}", ids);
        for id in &ids {
            prop_assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", id);
        }
        prop_assert_eq!(first.html, again.html);
    }
}

/// One change an editor makes.
#[derive(Debug, Clone)]
enum Edit {
    /// New text for a page's body.
    Body(usize, String),
    /// A new title (front matter) for a page.
    Title(usize, String),
    /// A new page.
    Create(usize),
    /// A page deleted.
    Delete(usize),
    /// A page renamed.
    Rename(usize, usize),
    /// The page template changed.
    Template(String),
    /// A page's front matter broken (an error), until it is saved again.
    Break(usize),
    /// A page's body replaced by one of the same length, and its
    /// modification time set back to what it was (`cp -p`, `rsync -a`).
    SameSizeSameTime(usize, u8),
    /// The notes folder renamed away, or back.
    RenameFolder,
    /// The notes folder moved elsewhere in `content/` and linked from its
    /// old place, or back.
    LinkFolder,
    /// The next write of the output fails (the output folder is not a
    /// folder for a moment, as on a full or read-only disk).
    FailWrite,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..6usize, "[a-z ]{0,30}").prop_map(|(i, text)| Edit::Body(i, text)),
        (0..6usize, "[A-Z][a-z]{0,8}").prop_map(|(i, title)| Edit::Title(i, title)),
        (0..6usize).prop_map(Edit::Create),
        (0..6usize).prop_map(Edit::Delete),
        (0..6usize, 0..6usize).prop_map(|(a, b)| Edit::Rename(a, b)),
        "[a-z]{1,8}".prop_map(Edit::Template),
        (0..6usize).prop_map(Edit::Break),
        (0..6usize, any::<u8>()).prop_map(|(i, seed)| Edit::SameSizeSameTime(i, seed)),
        Just(Edit::RenameFolder),
        Just(Edit::LinkFolder),
        Just(Edit::FailWrite),
    ]
}

/// Where the notes folder is now: renamed away, it is `notes-away`.
fn notes(root: &Path) -> PathBuf {
    let away = root.join("content/notes-away");
    if away.exists() {
        away
    } else {
        root.join("content/notes")
    }
}

fn page(root: &Path, i: usize) -> PathBuf {
    notes(root).join(format!("page-{i}.md"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn apply(root: &Path, edit: &Edit) -> Vec<PathBuf> {
    match edit {
        Edit::Body(i, text) | Edit::Title(i, text) => {
            let path = page(root, *i);
            let Ok(old) = std::fs::read_to_string(&path) else {
                return Vec::new();
            };
            let (front, body) = old.split_at(old.find("+++\n\n").map_or(0, |at| at + 4));
            let new = match edit {
                Edit::Body(..) => format!("{front}\n{text}\n"),
                _ => format!("+++\ntitle = \"{text}\"\nweight = {i}\n+++\n{body}"),
            };
            write(&path, &new);
            vec![path]
        }
        Edit::Create(i) => {
            let path = page(root, *i);
            write(
                &path,
                &format!("+++\ntitle = \"Page {i}\"\nweight = {i}\n+++\n\nText of page {i}.\n"),
            );
            vec![path]
        }
        Edit::Delete(i) => {
            let path = page(root, *i);
            let _ = std::fs::remove_file(&path);
            vec![path]
        }
        Edit::Rename(a, b) => {
            let (from, to) = (page(root, *a), page(root, *b));
            if a == b || !from.exists() || to.exists() {
                return Vec::new();
            }
            std::fs::rename(&from, &to).unwrap();
            vec![from, to]
        }
        Edit::Break(i) => {
            let path = page(root, *i);
            if !path.exists() {
                return Vec::new();
            }
            write(&path, "+++\ntitle = \n+++\nBroken.\n");
            vec![path]
        }
        Edit::SameSizeSameTime(i, seed) => {
            let path = page(root, *i);
            let Ok(old) = std::fs::read(&path) else {
                return Vec::new();
            };
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            // The same bytes but the body's last letter, which cycles.
            let mut new = old.clone();
            let body = old
                .windows(4)
                .rposition(|w| w == b"+++\n")
                .map_or(old.len(), |at| at + 4);
            let Some(last) = new[body..].iter().rposition(|b| b.is_ascii_lowercase()) else {
                return Vec::new();
            };
            let last = body + last;
            new[last] = b'a' + (new[last] - b'a' + 1 + seed % 25) % 26;
            std::fs::write(&path, &new).unwrap();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(modified)
                .unwrap();
            vec![path]
        }
        Edit::RenameFolder => {
            let (from, to) = match root.join("content/notes-away").exists() {
                true => (root.join("content/notes-away"), root.join("content/notes")),
                false => (root.join("content/notes"), root.join("content/notes-away")),
            };
            if std::fs::symlink_metadata(&from).is_ok_and(|m| m.file_type().is_symlink()) || to.exists() {
                return Vec::new();
            }
            std::fs::rename(&from, &to).unwrap();
            vec![from, to]
        }
        Edit::LinkFolder => {
            let link = root.join("content/notes");
            let stash = root.join("content/stash");
            if std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()) {
                std::fs::remove_file(&link).unwrap();
                std::fs::rename(&stash, &link).unwrap();
            } else if link.is_dir() {
                std::fs::rename(&link, &stash).unwrap();
                std::os::unix::fs::symlink("stash", &link).unwrap();
            } else {
                return Vec::new();
            }
            vec![link, stash]
        }
        // Done by the loop, which writes.
        Edit::FailWrite => Vec::new(),
        Edit::Template(word) => {
            let path = root.join("templates/page.html");
            write(
                &path,
                &format!(
                    "<h1>{{{{ page.title }}}}</h1><p>{word}</p>{{{{ page.content | safe }}}}{{% if page.higher %}}<a href=\"{{{{ get_url(path=page.higher.path) }}}}\">next</a>{{% endif %}}"
                ),
            );
            vec![path]
        }
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn options(root: &Path, output: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        base_url: Some("https://example.org/".to_string()),
        drafts: false,
        lint: LintLevel::Error,
        force: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rebuilds_after_any_edits_equal_a_fresh_build(edits in prop::collection::vec(edit(), 1..16)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        write(&root.join("content/site.toml"), "title = \"Props\"\n");
        write(&root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n");
        write(&root.join("content/notes/_index.md"), "+++\ntitle = \"Notes\"\n+++\n");
        write(&root.join("templates/index.html"), "{% for s in section.subsections %}{{ s.title }}{% endfor %}");
        write(&root.join("templates/section.html"), "{% for p in section.pages %}<a href=\"{{ get_url(path=p.path) }}\">{{ p.title }} {{ p.word_count }}</a>{% endfor %}");
        apply(&root, &Edit::Template("start".to_string()));
        for i in 0..3 {
            apply(&root, &Edit::Create(i));
        }

        // A session rebuilding after each edit, as watch does, and writing
        // as watch does.
        let watched = dir.path().join("watched");
        let mut session = Session::new(options(&root, &watched), Retention::Keep);
        let mut writer = Writer::new(watched.clone());
        let first = session.render().unwrap();
        writer.write(&mut session, &first).unwrap();
        let mut fail_next = false;
        for edit in &edits {
            if matches!(edit, Edit::FailWrite) {
                fail_next = true;
                continue;
            }
            let changed = changes(&root, &watched, apply(&root, edit));
            let Ok(delta) = session.render_changed(&changed) else {
                continue;
            };
            if std::mem::take(&mut fail_next) {
                // The output folder is a file for the length of the write.
                let held = dir.path().join("held");
                std::fs::rename(&watched, &held).unwrap();
                std::fs::write(&watched, "not a folder").unwrap();
                let written = writer.write(&mut session, &delta);
                std::fs::remove_file(&watched).unwrap();
                std::fs::rename(&held, &watched).unwrap();
                let nothing_to_write = delta.changed.is_empty() && delta.removed.is_empty();
                prop_assert!(written.is_err() || nothing_to_write, "a write into a file succeeded");
            } else {
                writer.write(&mut session, &delta).unwrap();
            }
        }
        // The editor mends what is broken; the site builds again.
        let mut mended = Vec::new();
        for i in 0..6 {
            let path = page(&root, i);
            if std::fs::read_to_string(&path).is_ok_and(|text| !text.starts_with("+++\ntitle = \"")) {
                apply(&root, &Edit::Create(i));
                mended.push(path);
            }
        }
        if let Ok(delta) = session.render_changed(&changes(&root, &watched, mended)) {
            writer.write(&mut session, &delta).unwrap();
        } else {
            let delta = session.render().unwrap();
            writer.write(&mut session, &delta).unwrap();
        }

        let fresh = dir.path().join("fresh");
        explainer::build::build(&options(&root, &fresh)).unwrap();
        prop_assert_eq!(files(&watched), files(&fresh), "after {:?}", edits);
    }
}

/// A file name an editor might give a page: letters (some accented),
/// digits, spaces and punctuation.
fn page_name() -> impl Strategy<Value = String> {
    "[a-zA-Zéü][A-Za-zéü0-9 _!'&,-]{0,10}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Pages get their URL from their file name: the part is URL-safe, the
    /// same on every build, and two pages that would share one are an
    /// error naming both files, never one page written over the other.
    #[test]
    fn page_slugs_are_url_safe_stable_and_unique(names in prop::collection::btree_set(page_name(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        write(&root.join("content/site.toml"), "title = \"Slugs\"\n");
        write(&root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n");
        write(&root.join("templates/page.html"), "{{ page.path }}");
        for name in &names {
            write(&root.join(format!("content/{name}.md")), &format!("+++\ntitle = \"{}\"\n+++\n", name.replace('"', "")));
        }
        let slugs: Vec<String> = names.iter().map(slug::slugify).collect();
        let distinct: HashSet<&String> = slugs.iter().collect();

        let first = dir.path().join("first");
        let built = explainer::build::build(&options(&root, &first));
        if distinct.len() < slugs.len() {
            let errors = built.expect_err("two pages share a URL").to_string();
            prop_assert!(errors.contains("would both be written to"), "{}", errors);
            prop_assert!(!first.exists(), "nothing written");
            return Ok(());
        }
        built.unwrap();
        let again = dir.path().join("again");
        explainer::build::build(&options(&root, &again)).unwrap();
        prop_assert_eq!(files(&first), files(&again));

        let pages: Vec<String> = files(&first)
            .into_keys()
            .filter_map(|p| p.strip_suffix("/index.html").map(str::to_string))
            .collect();
        prop_assert_eq!(pages.len(), names.len(), "one page each: {:?}", pages);
        for page in &pages {
            prop_assert!(
                !page.is_empty() && page.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "URL-safe: {}", page
            );
            prop_assert_eq!(std::fs::read_to_string(first.join(page).join("index.html")).unwrap(), format!("{page}/"));
        }
    }
}

/// Where a generated build writes to.
#[derive(Debug, Clone, Copy)]
enum Output {
    /// `public/` in the site.
    Public,
    /// A folder beside the site.
    Sibling,
    /// A folder beside the site that holds someone's files.
    Home,
    /// The site's `content/`, or a folder in it.
    Content,
    /// The real folder behind a linked `content/`.
    LinkedContent,
    /// The site's root.
    Root,
    /// `..` after a link to a folder of the site: that folder's parent.
    ParentOfLink,
}

fn output_choice() -> impl Strategy<Value = Output> {
    prop_oneof![
        Just(Output::Public),
        Just(Output::Sibling),
        Just(Output::Home),
        Just(Output::Content),
        Just(Output::LinkedContent),
        Just(Output::Root),
        Just(Output::ParentOfLink),
    ]
}

/// Every entry under `dir` but those under `except`: its kind, size,
/// modification time, permissions, bytes and link target. (A folder's
/// own time is left out: the output's parent gains and loses the
/// temporary folder a build writes into.)
fn snapshot(dir: &Path, except: Option<&Path>) -> BTreeMap<String, String> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| except.is_none_or(|except| !e.path().starts_with(except)))
        .filter_map(Result::ok)
        .map(|e| {
            let meta = e.path().symlink_metadata().unwrap();
            let link = std::fs::read_link(e.path()).ok();
            let bytes = if meta.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let time = if meta.is_dir() {
                (0, 0)
            } else {
                (meta.mtime(), meta.mtime_nsec())
            };
            let state = format!(
                "{:?} {} {}.{} {:o} {:?} {:x}",
                meta.file_type(),
                if meta.is_dir() { 0 } else { meta.len() },
                time.0,
                time.1,
                meta.mode(),
                link,
                xxhash_rust::xxh3::xxh3_64(&bytes)
            );
            (relative, state)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the site holds (links in and out, other people's files
    /// beside it) and wherever the output goes, a build changes nothing
    /// outside its output folder: a refused or failed build changes
    /// nothing at all, and leaves no temporary folder.
    #[test]
    fn a_build_touches_nothing_outside_its_output_folder(
        pages in prop::collection::btree_set("[a-z]{1,6}", 1..5),
        assets in prop::collection::btree_set("[a-z]{1,6}", 0..3),
        link_out in any::<bool>(),
        link_in in any::<bool>(),
        linked_content in any::<bool>(),
        broken in any::<bool>(),
        output in output_choice(),
        force in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        let root = top.join("site");
        let words = if linked_content { top.join("words") } else { root.join("content") };
        write(&words.join("site.toml"), "title = \"Touch\"\n");
        for page in &pages {
            let body = if broken { "[gone](@/missing.md)" } else { "Text." };
            write(&words.join(format!("notes/{page}.md")), &format!("+++\ntitle = \"{page}\"\n+++\n{body}\n"));
        }
        for asset in &assets {
            write(&words.join(format!("img/{asset}.png")), asset);
        }
        write(&top.join("home/notes.txt"), "someone's notes");
        write(&top.join("home/project/plan.md"), "someone's plan");
        if linked_content {
            std::fs::create_dir_all(&root).unwrap();
            std::os::unix::fs::symlink(&words, root.join("content")).unwrap();
        }
        if link_out {
            std::os::unix::fs::symlink(top.join("home"), words.join("home-link")).unwrap();
        }
        if link_in {
            std::os::unix::fs::symlink("notes", words.join("notes-again")).unwrap();
        }
        let out = match output {
            Output::Public => root.join("public"),
            Output::Sibling => top.join("out"),
            Output::Home => top.join("home"),
            Output::Content => root.join("content/notes"),
            Output::LinkedContent => words.join("out"),
            Output::Root => root.clone(),
            Output::ParentOfLink => {
                std::fs::create_dir_all(top.join("elsewhere")).unwrap();
                std::os::unix::fs::symlink(words.join("notes"), top.join("elsewhere/link")).unwrap();
                top.join("elsewhere/link/..")
            }
        };
        let before = snapshot(top, None);
        let options = Options { force, ..options(&root, &out) };
        let built = explainer::build::build(&options);
        let leftovers: Vec<String> = std::fs::read_dir(out.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".tmp-") || name.contains(".old-"))
            .collect();
        prop_assert!(leftovers.is_empty(), "{:?}", leftovers);
        match built {
            Ok(_) => {
                prop_assert!(matches!(output, Output::Public | Output::Sibling | Output::Home));
                prop_assert!(force || !matches!(output, Output::Home), "someone's files replaced without --force");
                prop_assert_eq!(snapshot(top, Some(&out)), {
                    let mut before = before;
                    let inside = out.strip_prefix(top).unwrap().to_string_lossy().into_owned();
                    before.retain(|path, _| path != &inside && !path.starts_with(&format!("{inside}/")));
                    before
                });
            }
            Err(_) => prop_assert_eq!(snapshot(top, None), before),
        }
    }
}

/// The changes `watch` would pass on for `paths`.
fn changes(root: &Path, output: &Path, paths: Vec<PathBuf>) -> Vec<Change> {
    let root = explainer::paths::real_path(root);
    let output = explainer::paths::real_path(output);
    paths
        .into_iter()
        .filter_map(|path| Change::of(&root, &output, path))
        .collect()
}
