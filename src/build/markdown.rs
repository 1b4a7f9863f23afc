//! The Markdown stage: each document's body to HTML, with its links
//! rewritten and its shortcodes run; reused from the last render when
//! neither the body nor anything it may refer to changed.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::Retention;
use super::citations::{self, Citation, FrontLint};
use super::keys::{fixed_ids_hash, hash_of};
use crate::body::{self, BodyError, ShortcodeTemplates};
use crate::content::glossary::GLOSSARY_FILE;
use crate::content::sources::Sources;
use crate::content::{Content, Document};
use crate::error::{Error, Location, Problem};
use crate::images::ImageSizes;
use crate::links::{AnchorCheck, PageLinks};
use crate::markdown::{Glossary, GlossaryTerm, Markup, Rendered, TermUse};
use crate::render::{ShortcodeRenderer, Theme};
use crate::urls::{self, UrlIndex};

/// Markdown of one document, with what its links need checked.
#[derive(Debug, Clone)]
pub(super) struct MarkdownResult {
    pub rendered: Rendered,
    pub anchors: Vec<AnchorCheck>,
    /// The quotes, figures and claims found in their sources.
    pub citations: Vec<Citation>,
    /// Lints about the front matter's data.
    pub front_lints: Vec<FrontLint>,
}

/// Each document's Markdown from the last render, by source file, with
/// the key it was made under.
pub(super) type MarkdownCache = HashMap<String, (u64, Arc<MarkdownResult>)>;

/// What every document's Markdown may refer to.
pub(super) struct Env<'a> {
    pub index: &'a UrlIndex,
    pub shortcodes: Option<&'a ShortcodeRenderer<'a>>,
    pub glossary: Option<&'a Glossary>,
    /// The theme's markup for headings, glossary terms and footnotes.
    pub markup: &'a Markup,
    /// The sizes of the images under `content/`, each read once a render.
    pub images: &'a ImageSizes,
    /// A hash of all of the above, part of every document's key.
    pub hash: u64,
}

/// What the stage made, one entry a document (sections first).
pub(super) struct Markdown {
    pub keys: Vec<u64>,
    pub results: Vec<Arc<MarkdownResult>>,
    /// Documents whose Markdown had errors (broken links, shortcodes).
    pub failing: BTreeSet<usize>,
    pub errors: Vec<Error>,
}

/// The site's glossary as the Markdown marks its terms, linking to the
/// glossary page.
pub(super) fn glossary(content: &Content) -> Option<Glossary> {
    let page = content.pages.iter().find(|p| p.doc.source == GLOSSARY_FILE)?;
    let terms = content.glossary.as_ref()?.terms.iter();
    let terms = terms
        .map(|t| GlossaryTerm {
            id: t.id.clone(),
            forms: std::iter::once(&t.term).chain(&t.aliases).cloned().collect(),
            definition: t.definition.clone(),
        })
        .collect();
    Some(Glossary::new(terms, urls::from_root(&page.doc.output_file())))
}

/// The hash of what every document's Markdown may refer to besides the
/// addresses and settings: the glossary, the components and shortcode
/// templates it may call, the ids the theme's pages hold, the theme's
/// markup, the sources.
pub(super) fn env_hash(
    shared: u64,
    content: &Content,
    shortcodes: Option<&ShortcodeRenderer>,
    theme: Option<&Theme>,
    markup: &Markup,
) -> u64 {
    hash_of((
        shared,
        markup,
        content.glossary.as_ref().map(|g| &g.terms),
        content.sources.hash,
        shortcodes.and(theme).map(Theme::callable_hash),
        theme.map(fixed_ids_hash),
    ))
}

/// The key of a document's Markdown.
pub(super) fn key(env: u64, doc: &Document) -> u64 {
    hash_of((env, &doc.source, &doc.path, doc.hash))
}

/// Renders every document's Markdown, or takes it from `cache` where the
/// key is the same; `cache` then holds this render's (when `retention`
/// keeps caches). A released document's text is let go once rendered,
/// unless a problem in it is still to be reported with its line.
pub(super) fn render_all(
    content: &mut Content,
    env: &Env,
    cache: &mut MarkdownCache,
    retention: Retention,
) -> Markdown {
    let texts = take_texts(content, retention);
    let docs: Vec<&Document> = content.documents().collect();
    let sources = &content.sources;
    let keys: Vec<u64> = docs.iter().map(|doc| key(env.hash, doc)).collect();
    // Each document's result, errors, and its text when it goes back.
    type Outcome = (Arc<MarkdownResult>, Vec<Error>, Option<Arc<str>>);
    let outcomes: Vec<Outcome> = (docs.par_iter().zip(&keys).zip(texts))
        .map(|((doc, key), text)| match cache.get(&doc.source) {
            Some((cached, result)) if cached == key => (Arc::clone(result), Vec::new(), None),
            _ => {
                let (result, errors) = render_one(doc, &text, env, sources);
                let to_report = !result.rendered.lints.is_empty()
                    || !result.anchors.is_empty()
                    || !result.front_lints.is_empty();
                let give_back = retention.releases_texts() && to_report;
                (Arc::new(result), errors, give_back.then_some(text))
            }
        })
        .collect();
    let keep = retention.keeps_caches();
    let mut markdown = Markdown {
        keys: Vec::new(),
        results: Vec::with_capacity(docs.len()),
        failing: BTreeSet::new(),
        errors: Vec::new(),
    };
    let mut kept = MarkdownCache::with_capacity(if keep { docs.len() } else { 0 });
    let mut given_back = Vec::with_capacity(docs.len());
    for (position, ((doc, key), (result, found, text))) in docs.iter().zip(&keys).zip(outcomes).enumerate() {
        given_back.push(text);
        if !found.is_empty() {
            markdown.failing.insert(position);
        } else if keep {
            kept.insert(doc.source.clone(), (*key, Arc::clone(&result)));
        }
        markdown.errors.extend(found);
        markdown.results.push(result);
    }
    *cache = kept;
    markdown.keys = keys;
    for (doc, text) in content.documents_mut().zip(given_back) {
        if let Some(text) = text {
            doc.text = text;
        }
    }
    markdown
}

/// Each document's text, to render; taken out of a released document, so
/// that the pages' HTML reuses the sources' memory instead of taking
/// fresh memory (which the kernel must zero first).
fn take_texts(content: &mut Content, retention: Retention) -> Vec<Arc<str>> {
    let empty: Arc<str> = Arc::from("");
    content
        .documents_mut()
        .map(|doc| match retention.releases_texts() {
            true => std::mem::replace(&mut doc.text, Arc::clone(&empty)),
            false => Arc::clone(&doc.text),
        })
        .collect()
}

/// `doc`'s Markdown; `text` is its text (see [`Document::text`]), its
/// quotes and claims checked against `sources`.
pub(super) fn render_one(
    doc: &Document,
    text: &str,
    env: &Env,
    sources: &Sources,
) -> (MarkdownResult, Vec<Error>) {
    let mut links = PageLinks::new(env.index, &doc.source).with_images(env.images);
    let templates = env.shortcodes.map(|s| s as &dyn ShortcodeTemplates);
    // The glossary page does not mark its own terms.
    let mut terms = env
        .glossary
        .filter(|_| doc.source != GLOSSARY_FILE)
        .map(TermUse::new);
    let taken_ids = env.shortcodes.map(|s| &s.theme.fixed_ids);
    let (mut rendered, body_errors) = body::render(
        &text[doc.body_start..],
        env.markup,
        &mut links,
        templates,
        terms.as_mut(),
        taken_ids,
    );
    rendered.lints.append(&mut links.image_lints);
    if let Some(glossary) = env.glossary.filter(|_| doc.source == GLOSSARY_FILE) {
        // The glossary template gives each entry its term's id.
        rendered.ids.extend(glossary.ids().map(str::to_string));
    }
    let at = |offset: usize| Location::at_offset(&doc.file, text, doc.body_start + offset);
    let mut errors: Vec<Error> = links
        .broken
        .into_iter()
        .map(|broken| Error::link(Problem::new(at(broken.span.start), broken.message).hint(broken.hint)))
        .collect();
    errors.extend(body_errors.into_iter().map(|error| body_error(error, &at)));
    let checked = citations::check(doc, text, &std::mem::take(&mut rendered.claims), sources);
    errors.extend(checked.errors);
    let result = MarkdownResult {
        rendered,
        anchors: links.anchors,
        citations: checked.citations,
        front_lints: checked.lints,
    };
    (result, errors)
}

/// A problem with a shortcode, at its place in the document.
fn body_error(error: BodyError, at: &dyn Fn(usize) -> Location) -> Error {
    match error {
        BodyError::Shortcode {
            offset,
            message,
            hint,
        } => Error::content(Problem::new(at(offset), message).hint(hint)),
        BodyError::Template {
            offset,
            name,
            problem,
        } => {
            let message = problem.message.trim_start_matches("template error: ");
            // A shortcode template sees its arguments as variables: one it
            // lacks is an argument the call lacks. A component's arguments
            // are checked before it renders.
            let shortcode = problem.at.path.ends_with(format!("shortcodes/{name}.html"));
            let needs = Some(message)
                .filter(|_| shortcode)
                .and_then(|message| message.strip_prefix("Variable `"))
                .and_then(|rest| rest.split_once('`'))
                .map(|(variable, _)| variable)
                .filter(|variable| !variable.contains('.'));
            let message = match needs {
                Some(argument) => format!("the shortcode `{name}` needs an argument `{argument}`"),
                // Where in the templates, when Tera says.
                None if problem.at.path == std::path::Path::new(crate::render::TEMPLATES_DIR) => {
                    format!("the call of `{name}` failed: {message}")
                }
                None => format!("the call of `{name}` failed: {message} ({})", problem.at),
            };
            let hint = match needs {
                Some(argument) => format!("add {argument}=... to the call"),
                None => problem.hint.unwrap_or_default(),
            };
            Error::template(Problem::new(at(offset), message).hint(hint))
        }
    }
}
