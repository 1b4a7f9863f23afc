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

use explainer::markdown::{self, KeepLinks};
use explainer::output;
use explainer::site::{LintLevel, Options, Session};
use explainer::urls;
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
        let first = markdown::render(&source, &mut KeepLinks, None);
        let again = markdown::render(&source, &mut KeepLinks, None);
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
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..6usize, "[a-z ]{0,30}").prop_map(|(i, text)| Edit::Body(i, text)),
        (0..6usize, "[A-Z][a-z]{0,8}").prop_map(|(i, title)| Edit::Title(i, title)),
        (0..6usize).prop_map(Edit::Create),
        (0..6usize).prop_map(Edit::Delete),
        (0..6usize, 0..6usize).prop_map(|(a, b)| Edit::Rename(a, b)),
        "[a-z]{1,8}".prop_map(Edit::Template),
    ]
}

fn page(root: &Path, i: usize) -> PathBuf {
    root.join(format!("content/notes/page-{i}.md"))
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
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rebuilds_after_any_edits_equal_a_fresh_build(edits in prop::collection::vec(edit(), 1..12)) {
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

        // A session rebuilding after each edit, as watch does.
        let watched = dir.path().join("watched");
        let mut session = Session::new(options(&root, &watched));
        let first = session.render().unwrap();
        output::write(&watched, &first.changed).unwrap();
        for edit in &edits {
            let changed = apply(&root, edit);
            let delta = session.render_changed(&changed).unwrap();
            output::update(&watched, &delta.changed, &delta.removed).unwrap();
        }

        let fresh = dir.path().join("fresh");
        explainer::site::build(&options(&root, &fresh)).unwrap();
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
        let built = explainer::site::build(&options(&root, &first));
        if distinct.len() < slugs.len() {
            let errors = built.expect_err("two pages share a URL").to_string();
            prop_assert!(errors.contains("would both be written to"), "{}", errors);
            prop_assert!(!first.exists(), "nothing written");
            return Ok(());
        }
        built.unwrap();
        let again = dir.path().join("again");
        explainer::site::build(&options(&root, &again)).unwrap();
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
