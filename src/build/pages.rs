//! The pages stage: every section, page and the 404 page through its
//! template, in parallel, each section before its pages. Only the ones
//! whose key changed since the last render are rendered.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

use super::checks::RepeatedId;
use super::keys::RenderKeys;
use crate::content::DocRef;
use crate::error::{Error, Problem};
use crate::output::PageSink;
use crate::path_map::PathMap;
use crate::render::{self, Contexts};
use crate::urls;

/// A hash of an HTML file's bytes, and one of the bytes without the `?h=`
/// cachebust hashes in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct HtmlHash {
    pub exact: u64,
    pub readdressed: u64,
}

impl HtmlHash {
    fn of(html: &str) -> Self {
        let exact = xxhash_rust::xxh3::xxh3_64(html.as_bytes());
        let readdressed = if html.contains(render::CACHEBUST_MARK) {
            let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
            let mut rest = html;
            while let Some(at) = rest.find(render::CACHEBUST_MARK) {
                let end = at + render::CACHEBUST_MARK.len();
                hasher.update(&rest.as_bytes()[..end]);
                let digits = rest[end..]
                    .bytes()
                    .take(render::CACHEBUST_DIGITS)
                    .take_while(u8::is_ascii_hexdigit)
                    .count();
                rest = &rest[end + digits..];
            }
            hasher.update(rest.as_bytes());
            hasher.digest()
        } else {
            exact
        };
        HtmlHash { exact, readdressed }
    }
}

/// What [`render_all`] made.
pub(super) struct RenderedPages {
    /// Pages rendered but not written to a sink, with their hashes.
    pub html: Vec<(String, String, HtmlHash)>,
    pub errors: Vec<Error>,
    /// Ids that more than one element of a rendered page has.
    pub repeated_ids: Vec<RepeatedId>,
    /// How many were rendered.
    pub count: usize,
}

/// One file to render.
#[derive(Clone, Copy)]
enum Job {
    Doc(DocRef),
    NotFound,
}

/// What rendering one file gave.
enum Outcome {
    /// The HTML, to add to the changed files.
    Html(String, String, HtmlHash),
    /// Written to the sink already.
    Written,
    /// A template problem, and the file being rendered.
    Failed(Problem, PathBuf),
    /// The sink could not write it.
    NotWritten(Error),
}

/// Renders the pages, sections and 404 page whose key differs from the one
/// in `previous`; records every key in `outputs`. With a `sink`, each page
/// goes to it as soon as it is rendered (no hash is kept of it: a session
/// rendered into a sink renders once). A template error that many pages
/// hit is reported once, naming one page and a count.
pub(super) fn render_all(
    keys: &RenderKeys,
    contexts: &Contexts,
    previous: &PathMap<u64>,
    outputs: &mut PathMap<u64>,
    sink: Option<&dyn PageSink>,
) -> RenderedPages {
    let content = keys.content;
    let mut jobs: Vec<(Job, String, u64)> = content
        .doc_refs()
        .map(|at| (Job::Doc(at), content.doc(at).output_file(), keys.of(at)))
        .collect();
    if keys.theme.has_template(render::NOT_FOUND) {
        jobs.push((Job::NotFound, render::NOT_FOUND.to_string(), keys.not_found()));
    }
    for (_, file, key) in &jobs {
        outputs.insert(file.clone(), *key);
    }
    jobs.retain(|(_, file, key)| previous.get(file) != Some(key));
    let repeated: Mutex<Vec<RepeatedId>> = Mutex::new(Vec::new());
    let render =
        |(job, file, _): &(Job, String, u64)| render_one(*job, file, keys, contexts, sink, &repeated);
    let results = in_section_order(keys, &jobs, render);
    let count = results.len();
    let mut rendered = RenderedPages {
        html: Vec::new(),
        errors: Vec::new(),
        repeated_ids: Vec::new(),
        count,
    };
    let mut failures: Vec<(Problem, PathBuf)> = Vec::new();
    for result in results {
        match result {
            Outcome::Html(file, text, hash) => rendered.html.push((file, text, hash)),
            Outcome::Written => {}
            Outcome::NotWritten(error) => rendered.errors.push(error),
            Outcome::Failed(problem, source) => failures.push((problem, source)),
        }
    }
    rendered.errors.extend(grouped(failures));
    rendered.repeated_ids = repeated
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    rendered
}

/// Runs `render` on every job, section by section, each section before its
/// pages: the section's `section.pages` lends its pages their listings
/// (see `Contexts::new`).
fn in_section_order<'j>(
    keys: &RenderKeys,
    jobs: &'j [(Job, String, u64)],
    render: impl Fn(&'j (Job, String, u64)) -> Outcome + Sync,
) -> Vec<Outcome> {
    let content = keys.content;
    let mut groups: Vec<Vec<&(Job, String, u64)>> = vec![Vec::new(); content.sections.len() + 1];
    for job in jobs {
        let group = match job.0 {
            Job::Doc(DocRef::Section(i)) => i,
            Job::Doc(DocRef::Page(i)) => content.pages[i].section,
            Job::NotFound => content.sections.len(),
        };
        groups[group].push(job);
    }
    groups
        .par_iter()
        .map(|group| {
            let (first, pages) = match group.split_first() {
                Some((first, pages)) if matches!(first.0, Job::Doc(DocRef::Section(_))) => {
                    (Some(render(first)), pages)
                }
                _ => (None, group.as_slice()),
            };
            let mut outcomes: Vec<Outcome> = first.into_iter().collect();
            outcomes.par_extend(pages.par_iter().map(|job| render(job)));
            outcomes
        })
        .flatten_iter()
        .collect()
}

/// Renders one file; notes the ids its page has twice in `repeated`.
fn render_one(
    job: Job,
    file: &str,
    keys: &RenderKeys,
    contexts: &Contexts,
    sink: Option<&dyn PageSink>,
    repeated: &Mutex<Vec<RepeatedId>>,
) -> Outcome {
    // The frame around a page's content: header, navigation, footer.
    const FRAME: usize = 16 * 1024;
    let content = keys.content;
    let (template, context, source, size) = match job {
        Job::Doc(at @ DocRef::Section(i)) => {
            let size = FRAME + 256 * content.sections[i].pages.len();
            (
                render::template_of(content, at),
                contexts.section(i),
                content.doc(at).file.clone(),
                size,
            )
        }
        Job::Doc(at @ DocRef::Page(i)) => {
            let size = FRAME + contexts.content_len(i);
            (
                render::template_of(content, at),
                contexts.page(i),
                content.doc(at).file.clone(),
                size,
            )
        }
        Job::NotFound => (
            render::NOT_FOUND,
            contexts.not_found(),
            PathBuf::from("the 404 page"),
            FRAME,
        ),
    };
    let rendered = keys.theme.render(template, &context, size);
    if let Job::Doc(DocRef::Section(i)) = job {
        contexts.section_done(i, context);
    }
    let html = match rendered {
        Ok(html) => html,
        Err(problem) => return Outcome::Failed(problem, source),
    };
    if let Some(problem) = glossary_targets_missing(job, keys, template, &html) {
        return Outcome::Failed(problem, source);
    }
    if urls::has_damaged_marker(&html) {
        let problem = Problem::new(
            crate::error::Location::file(keys.theme.template_file(template)),
            "the template changed an address: a filter on what `get_url` gives, or on `page.content`, breaks the links in it",
        )
        .hint("print addresses and content as they are (`{{ get_url(path=...) }}`, `{{ page.content | safe }}`)");
        return Outcome::Failed(problem, source);
    }
    if let Job::Doc(doc) = job {
        // The whole page: the template's own elements and the Markdown's.
        for id in crate::markdown::repeated_html_ids(&html) {
            let found = RepeatedId {
                doc,
                file: source.clone(),
                id: id.to_string(),
            };
            repeated
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(found);
        }
    }
    deliver(file, html, sink)
}

/// On the glossary page, an id of a term that its HTML lacks: every page
/// that uses the term links to it there, so a template that does not
/// write it (or a block of it that the site's parent template lacks)
/// breaks those links.
fn glossary_targets_missing(job: Job, keys: &RenderKeys, template: &str, html: &str) -> Option<Problem> {
    let Job::Doc(at) = job else {
        return None;
    };
    let content = keys.content;
    let glossary = content.glossary.as_ref()?;
    if content.doc(at).source != crate::content::glossary::GLOSSARY_FILE {
        return None;
    }
    let mut ids = crate::markdown::IdSet::default();
    crate::markdown::collect_html_ids(html, &mut ids);
    let mut missing = glossary.terms.iter().filter(|t| !ids.contains(&t.id));
    let first = missing.next()?;
    let more = match missing.count() {
        0 => String::new(),
        others => format!(" (and {others} more)"),
    };
    let file = keys.theme.template_file(template);
    let problem = Problem::new(
        crate::error::Location::file(file),
        format!(
            "the glossary page has no element with the id `{}`{more}, which pages that use the term link to",
            first.id
        ),
    );
    Some(problem.hint(
        "write each term's id in the glossary's template (`id=\"{{ t.id }}\"`); the built-in glossary.html fills the block `before_content`, which a site's own page.html must then have",
    ))
}

/// A rendered page, relative to where it is: written to the sink at once
/// (so a big site's pages are not all held in memory, and from the pieces
/// of its relative form, not joined), or kept with its hash.
fn deliver(file: &str, html: String, sink: Option<&dyn PageSink>) -> Outcome {
    match sink {
        Some(sink) => match sink.put_pieces(file, &urls::relativized_pieces(&html, file)) {
            Ok(()) => Outcome::Written,
            Err(error) => Outcome::NotWritten(error),
        },
        None => {
            let relative = match urls::relativize(&html, file) {
                std::borrow::Cow::Owned(relative) => Some(relative),
                std::borrow::Cow::Borrowed(_) => None,
            };
            let html = relative.unwrap_or(html);
            let hash = HtmlHash::of(&html);
            Outcome::Html(file.to_string(), html, hash)
        }
    }
}

/// Template problems grouped by where in the template they happen: the
/// same fault on many pages is one error (the first page's message, and
/// a count).
fn grouped(failures: Vec<(Problem, PathBuf)>) -> Vec<Error> {
    // By file, line and column in the template.
    type Place = (PathBuf, Option<u32>, Option<u32>);
    let mut by_place: BTreeMap<Place, (Problem, Vec<PathBuf>)> = BTreeMap::new();
    for (problem, source) in failures {
        let place = (problem.at.path.clone(), problem.at.line, problem.at.column);
        let entry = by_place.entry(place).or_insert_with(|| (problem, Vec::new()));
        entry.1.push(source);
    }
    by_place
        .into_values()
        .map(|(mut problem, sources)| {
            let first = sources.iter().min().expect("a failure has a page").display();
            let more = match sources.len() - 1 {
                0 => String::new(),
                1 => " and 1 more page".to_string(),
                n => format!(" and {n} more pages"),
            };
            problem.message = format!("{} (rendering {first}{more})", problem.message);
            Error::template(problem)
        })
        .collect()
}
