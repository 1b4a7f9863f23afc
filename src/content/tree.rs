//! Documents placed in the tree: sections under the nearest section
//! above them, pages in their sections, drafts left out, everything in
//! order; two documents at one address are an error.

use super::*;

/// The documents that loaded, before they have places in the tree.
#[derive(Default)]
pub(super) struct Tree {
    /// Each section by its folder (`""` for the home page).
    pub(super) sections: BTreeMap<String, Loaded>,
    pub(super) pages: Vec<Loaded>,
}

impl Tree {
    /// Leaves out the drafts, and everything under a draft section's
    /// folder; returns their sources.
    pub(super) fn drop_drafts(&mut self) -> BTreeSet<String> {
        let draft_dirs: Vec<String> = self
            .sections
            .iter()
            .filter(|(dir, s)| s.front.draft && !dir.is_empty())
            .map(|(dir, _)| dir.clone())
            .collect();
        let is_dropped =
            |source: &str, draft: bool| draft || draft_dirs.iter().any(|dir| dir_contains(dir, source));
        let mut drafts = BTreeSet::new();
        self.sections.retain(|_, s| {
            let dropped = !s.source_dir_is_home() && is_dropped(&s.source, s.front.draft);
            if dropped {
                drafts.insert(s.source.clone());
            }
            !dropped
        });
        self.pages.retain(|p| {
            let dropped = is_dropped(&p.source, p.front.draft);
            if dropped {
                drafts.insert(p.source.clone());
            }
            !dropped
        });
        drafts
    }
}

/// Adds the sections: the home page first (one made up when there is no
/// `content/_index.md`), then every folder with an `_index.md`, each
/// under the nearest folder above it that has one. Returns their folders.
pub(super) fn add_sections(
    content: &mut Content,
    mut sections: BTreeMap<String, Loaded>,
    root: &Path,
    site_title: &str,
) -> Vec<String> {
    let home = sections
        .remove("")
        .unwrap_or_else(|| implicit_home(root, site_title));
    let mut section_dirs: Vec<String> = vec![String::new()];
    content.sections.push(Section {
        doc: home.into_document(String::new()),
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
    });
    for (dir, loaded) in sections {
        let parent = nearest_section(&section_dirs, &dir);
        let path = url_path_of_dir(&dir);
        content.sections.push(Section {
            doc: loaded.into_document(path),
            parent: Some(parent),
            pages: Vec::new(),
            subsections: Vec::new(),
        });
        section_dirs.push(dir);
    }
    for index in 1..content.sections.len() {
        let parent = content.sections[index]
            .parent
            .expect("only the home page has no parent");
        content.sections[parent].subsections.push(index);
    }
    section_dirs
}

/// Adds the pages, each to the nearest section above it.
pub(super) fn add_pages(
    content: &mut Content,
    pages: Vec<Loaded>,
    section_dirs: &[String],
    errors: &mut Vec<Error>,
) {
    content.pages.reserve_exact(pages.len());
    // Pages come folder by folder: the last folder's section is the next page's, mostly.
    let mut last_section: Option<(String, usize)> = None;
    for loaded in pages {
        let (dir, stem) = page_dir_and_stem(&loaded.source);
        let slug = match page_slug(&loaded, stem) {
            Ok(slug) => slug,
            Err(problem) => {
                errors.push(Error::content(problem));
                content.unusable.insert(loaded.source.clone());
                continue;
            }
        };
        let section = match &last_section {
            Some((last, section)) if last == dir => *section,
            _ => {
                let section = nearest_section(section_dirs, dir);
                last_section = Some((dir.to_string(), section));
                section
            }
        };
        let path = format!("{}{slug}/", url_path_of_dir(dir));
        content.pages.push(Page {
            doc: loaded.into_document(path),
            section,
        });
    }
    for (index, page) in content.pages.iter().enumerate() {
        content.sections[page.section].pages.push(index);
    }
}

/// Orders each section's pages (weight, then newest date, then title)
/// and subsections (weight, then title).
pub(super) fn put_in_order(content: &mut Content) {
    for section in &mut content.sections {
        let pages = &content.pages;
        section
            .pages
            .sort_by(|&a, &b| page_order(&pages[a].doc, &pages[b].doc));
    }
    let order: Vec<(Option<i64>, String, String)> = content
        .sections
        .iter()
        .map(|s| {
            (
                s.doc.front.weight,
                s.doc.front.title.clone(),
                s.doc.source.clone(),
            )
        })
        .collect();
    for section in &mut content.sections {
        section.subsections.sort_by(|&a, &b| {
            let (wa, ta, sa) = &order[a];
            let (wb, tb, sb) = &order[b];
            weight_order(*wa, *wb)
                .then_with(|| ta.cmp(tb))
                .then_with(|| sa.cmp(sb))
        });
    }
}

pub(super) fn parent_dir(source: &str) -> &str {
    source.rfind('/').map_or("", |i| &source[..i])
}

/// Whether `source` is inside folder `dir` (`""` is the content folder).
pub(super) fn dir_contains(dir: &str, source: &str) -> bool {
    dir.is_empty() || source.starts_with(&format!("{dir}/"))
}

/// A page's folder (for its URL and its section) and the name its slug comes
/// from: `a/b.md` is `("a", "b")`, a bundle `a/b/index.md` is also `("a", "b")`.
pub(super) fn page_dir_and_stem(source: &str) -> (&str, &str) {
    let dir = parent_dir(source);
    let file = &source[if dir.is_empty() { 0 } else { dir.len() + 1 }..];
    let stem = file.strip_suffix(".md").unwrap_or(file);
    if stem == "index" && !dir.is_empty() {
        let outer = parent_dir(dir);
        let name = &dir[if outer.is_empty() { 0 } else { outer.len() + 1 }..];
        (outer, name)
    } else {
        (dir, stem)
    }
}

pub(super) fn page_slug(loaded: &Loaded, stem: &str) -> Result<String, Problem> {
    if let Some((slug, at)) = &loaded.front.slug {
        if slug.contains('/') || slug.contains('\\') || slug.contains("..") {
            return Err(Problem::new(
                at.clone(),
                format!("`slug` must be one part of a URL, not `{slug}`"),
            )
            .hint("leave out `/`, `\\` and `..`, e.g. slug = \"rare-earths\""));
        }
        let slug = slug::slugify(slug);
        if slug.is_empty() {
            return Err(
                Problem::new(at.clone(), "`slug` has no letters or digits to make a URL from")
                    .hint("write a slug such as \"rare-earths\""),
            );
        }
        return Ok(slug);
    }
    let slug = slug::slugify(stem);
    if slug.is_empty() {
        return Err(Problem::new(
            Location::file(&loaded.file),
            "the file name has no letters or digits to make a URL from",
        )
        .hint("rename the file, or set `slug` in its front matter"));
    }
    Ok(slug)
}

/// `a/My Folder` -> `a/my-folder/`; `""` stays `""`.
pub(super) fn url_path_of_dir(dir: &str) -> String {
    let mut path = String::new();
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        let slug = slug::slugify(part);
        path.push_str(if slug.is_empty() { part } else { &slug });
        path.push('/');
    }
    path
}

/// The section whose folder is the deepest one containing `dir`.
pub(super) fn nearest_section(section_dirs: &[String], dir: &str) -> usize {
    section_dirs
        .iter()
        .enumerate()
        .filter(|(_, d)| dir_contains(d, dir) || d.as_str() == dir)
        .max_by_key(|(_, d)| d.len())
        .map_or(0, |(i, _)| i)
}

pub(super) fn weight_order(a: Option<i64>, b: Option<i64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// Weight first (pages without one last), then newest date first (undated
/// last), then title, then the file's path so the order is total.
pub fn page_order(a: &Document, b: &Document) -> std::cmp::Ordering {
    let date = |d: &Document| d.front.date.as_ref().map(|d| d.timestamp);
    weight_order(a.front.weight, b.front.weight)
        .then_with(|| match (date(a), date(b)) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        .then_with(|| a.front.title.cmp(&b.front.title))
        .then_with(|| a.source.cmp(&b.source))
}

/// Two documents that would write the same file.
pub(super) fn duplicate_paths(content: &Content) -> Vec<Error> {
    let documents = content.sections.len() + content.pages.len();
    let mut seen: HashMap<&str, &Document, PathHasher> =
        HashMap::with_capacity_and_hasher(documents, PathHasher::default());
    let mut errors = Vec::new();
    let docs = content
        .sections
        .iter()
        .map(|s| &s.doc)
        .chain(content.pages.iter().map(|p| &p.doc));
    for doc in docs {
        if let Some(first) = seen.insert(&doc.path, doc) {
            let at = match &doc.front.slug {
                Some((_, at)) => at.clone(),
                None => Location::file(&doc.file),
            };
            errors.push(Error::content(
                Problem::new(at, {
                    let (own, other) = crate::error::code_points(&doc.file, &first.file).unwrap_or_default();
                    format!(
                        "this page{own} and {}{other} would both be written to {}index.html",
                        first.file.display(),
                        doc.path
                    )
                })
                .hint("give one of them another file name or `slug`"),
            ));
        }
    }
    errors
}
