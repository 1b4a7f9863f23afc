//! A document's body made HTML: shortcodes expanded through their
//! templates, the Markdown rendered, links checked and rewritten.
//!
//! Each shortcode call is swapped for a placeholder before the Markdown is
//! rendered and its template's HTML is put in its place afterwards, so that
//! what a shortcode returns is never parsed as Markdown, and a call that
//! stands alone in a paragraph replaces the whole paragraph.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::error::Problem;
use crate::markdown::{self, ClaimAt, LinkRewriter, Rendered, TermUse};
use crate::shortcodes::{self, Call};

/// Renders what Markdown calls: the theme's components, and shortcode
/// templates (`templates/shortcodes/NAME.html`).
pub trait ShortcodeTemplates {
    /// The names that may be called, to suggest one for a misspelt name.
    fn names(&self) -> Vec<String>;
    /// Renders `name` with `args`, and `body` (HTML) for calls with a body.
    fn render(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, CallFailure>;
    /// Whether what `name` calls takes a `source` (a quote or a figure):
    /// a call that gives none is then worth a lint.
    fn takes_source(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

/// Why a call did not render.
#[derive(Debug)]
pub enum CallFailure {
    /// The template failed.
    Template(Problem),
    /// The arguments do not fit what is called: one is unknown, missing
    /// or of the wrong type. `argument` names the one written wrong, when
    /// the call writes it.
    Arguments {
        argument: Option<String>,
        message: String,
        hint: String,
    },
}

/// A problem in the body, at a byte offset of the body's text.
#[derive(Debug)]
pub enum BodyError {
    /// A call that cannot be parsed, or of a shortcode that does not exist.
    Shortcode {
        offset: usize,
        message: String,
        hint: String,
    },
    /// The shortcode's template failed.
    Template {
        offset: usize,
        name: String,
        problem: Problem,
    },
}

mod claims;

/// Whether `source` holds `{{` or `{%`, where a shortcode call could
/// start: one pass over it for `{`, not one search for each pair.
fn may_call_shortcodes(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|at| matches!(bytes.get(at + 1), Some(b'{' | b'%')))
}

/// Calls inside shortcode bodies nest this deep at most.
const MAX_DEPTH: usize = 8;

/// Renders `source`, the body of a document; link spans reported to `links`
/// and lint spans are byte ranges of `source`. `terms` marks up glossary
/// terms, once per page across the body and its shortcodes; `taken_ids`
/// are the ids the page's template gives its own elements; `markup` is the
/// theme's for what the Markdown adds of its own.
pub fn render(
    source: &str,
    markup: &markdown::Markup,
    links: &mut dyn LinkRewriter,
    templates: Option<&dyn ShortcodeTemplates>,
    terms: Option<&mut TermUse>,
    taken_ids: Option<&markdown::IdSet>,
) -> (Rendered, Vec<BodyError>) {
    let mut errors = Vec::new();
    let mut pass = Pass {
        markup,
        links,
        templates,
        terms,
        taken_ids,
        body_ids: markdown::IdSet::default(),
        errors: &mut errors,
        first_image: FirstImageAt::AsRendered,
    };
    let rendered = pass.render_at(source, 0, 0);
    (rendered, errors)
}

/// What every nested rendering of one body shares.
struct Pass<'p, 'g> {
    markup: &'p markdown::Markup,
    links: &'p mut dyn LinkRewriter,
    templates: Option<&'p dyn ShortcodeTemplates>,
    terms: Option<&'p mut TermUse<'g>>,
    taken_ids: Option<&'p markdown::IdSet>,
    /// The ids the bodies of calls rendered so far took, which the
    /// Markdown rendered after them must not take again.
    body_ids: markdown::IdSet,
    errors: &'p mut Vec<BodyError>,
    first_image: FirstImageAt,
}

/// Where the page's first image is, which loads at once.
#[derive(Clone, Copy)]
enum FirstImageAt {
    /// The first the Markdown writes: the images are rendered in the
    /// order they stand.
    AsRendered,
    /// At this byte of the body, or nowhere: calls' bodies, rendered
    /// before the Markdown around them, hold Markdown.
    Offset(Option<usize>),
}

impl Pass<'_, '_> {
    fn render_at(&mut self, source: &str, base: usize, depth: usize) -> Rendered {
        if !may_call_shortcodes(source) {
            return self.render_markdown(source, &[], &[], base);
        }
        let shortcodes::Found {
            calls,
            literals,
            errors: syntax_errors,
        } = shortcodes::find(source, &markdown::literal_ranges(source));
        self.errors
            .extend(syntax_errors.into_iter().map(|e| BodyError::Shortcode {
                offset: base + e.offset,
                message: e.message,
                hint: e.hint.to_string(),
            }));
        if depth == 0 && calls.iter().any(|call| call.body.is_some()) {
            let images = memchr::memmem::find(source.as_bytes(), b"![").is_some();
            let first = images.then(|| markdown::first_image_start(source)).flatten();
            self.first_image = FirstImageAt::Offset(first.map(|at| base + at));
        }

        // Each call's HTML first: the Markdown around it reads a call's text
        // where a heading holds it.
        let mut inner = Inner::default();
        let fragments: Vec<String> = calls
            .iter()
            .map(|call| self.expand(call, source, base, depth, &mut inner))
            .collect();
        // Calls and calls written to be shown, in the order they stand.
        let mut edits: Vec<(Range<usize>, String)> = calls
            .iter()
            .enumerate()
            .map(|(i, call)| (call.span.clone(), placeholder(i)))
            .chain(literals.into_iter().map(|l| (l.span, l.text)))
            .collect();
        edits.sort_by_key(|(span, _)| span.start);
        let (replaced, map) = with_edits(source, edits);

        let mut rendered = self.render_markdown(&replaced, &map, &fragments, base);
        for span in std::mem::take(&mut rendered.misplaced_calls) {
            self.errors.push(BodyError::Shortcode {
                offset: original(&map, base, span.start),
                message:
                    "a shortcode cannot stand in a link's address or title, or in an image's description"
                        .to_string(),
                hint: "write the link or image in the shortcode's template, or write plain text here"
                    .to_string(),
            });
        }
        rendered.ids.extend(inner.ids);
        rendered.word_count += inner.word_count;
        rendered.lints.extend(inner.lints);
        rendered.repeated_ids.extend(inner.repeated_ids);
        rendered.claims.extend(inner.claims);
        rendered
    }

    /// The Markdown of `source`, which `map` ties back to the document (see
    /// [`with_edits`]) and whose placeholders stand for `fragments`; links
    /// and lints point into the document.
    fn render_markdown(
        &mut self,
        source: &str,
        map: &[(usize, usize)],
        fragments: &[String],
        base: usize,
    ) -> Rendered {
        let mut shifted = Shifted {
            links: &mut *self.links,
            map,
            base,
        };
        let around = markdown::Around {
            markup: self.markup,
            fragments,
            taken_ids: self.taken_ids,
            body_ids: (!self.body_ids.is_empty()).then_some(&self.body_ids),
            first_image: match self.first_image {
                FirstImageAt::AsRendered => markdown::FirstImage::FirstWritten,
                FirstImageAt::Offset(at) => at
                    .and_then(|at| local(map, base, at, source.len()))
                    .map_or(markdown::FirstImage::Elsewhere, markdown::FirstImage::At),
            },
        };
        let mut rendered = markdown::render_in(source, &mut shifted, self.terms.as_deref_mut(), around);
        shift_lints(&mut rendered, map, base);
        rendered
    }

    /// Renders one call through its template; the empty string when it fails
    /// (the error is recorded).
    fn expand(
        &mut self,
        call: &Call,
        source: &str,
        base: usize,
        depth: usize,
        rendered: &mut Inner,
    ) -> String {
        let Some(templates) = self.templates else {
            return String::new();
        };
        if !self.is_known(call, templates, base)
            || !self.claims_checked(call, templates, source, base, rendered)
        {
            return String::new();
        }
        let body_html = match call.body.clone() {
            None => None,
            Some(body) if depth >= MAX_DEPTH => {
                self.errors.push(BodyError::Shortcode {
                    offset: base + body.start,
                    message: format!("calls are nested more than {MAX_DEPTH} deep"),
                    hint: "nest fewer calls inside each other".to_string(),
                });
                Some(String::new())
            }
            Some(body) => {
                let inner = self.render_at(&source[body.clone()], base + body.start, depth + 1);
                self.body_ids.extend(inner.ids.iter().cloned());
                rendered.ids.extend(inner.ids);
                rendered.word_count += inner.word_count;
                rendered.lints.extend(inner.lints);
                rendered.repeated_ids.extend(inner.repeated_ids);
                rendered.claims.extend(inner.claims);
                Some(inner.html)
            }
        };
        match templates.render(&call.name, &call.args, body_html.as_deref()) {
            Ok(html) => {
                let mut ids = markdown::IdSet::default();
                markdown::collect_html_ids(&html, &mut ids);
                self.body_ids.extend(ids.iter().cloned());
                rendered.ids.extend(ids);
                html
            }
            Err(CallFailure::Template(problem)) => {
                self.errors.push(BodyError::Template {
                    offset: base + call.span.start,
                    name: call.name.clone(),
                    problem,
                });
                String::new()
            }
            Err(CallFailure::Arguments {
                argument,
                message,
                hint,
            }) => {
                let written = call
                    .arg_offsets
                    .iter()
                    .find(|(name, _)| Some(name) == argument.as_ref());
                self.errors.push(BodyError::Shortcode {
                    offset: base + written.map_or(call.span.start, |(_, at)| *at),
                    message,
                    hint,
                });
                String::new()
            }
        }
    }

    /// Whether `call` names a component or shortcode there is; if not, the
    /// error is recorded, with the nearest name.
    fn is_known(&mut self, call: &Call, templates: &dyn ShortcodeTemplates, base: usize) -> bool {
        let names = templates.names();
        if !names.contains(&call.name) {
            let known: Vec<&str> = names.iter().map(String::as_str).collect();
            let hint = match crate::suggest::did_you_mean(&call.name, &known, str::to_string) {
                Some(hint) => hint,
                None if known.is_empty() => format!(
                    "define it in a template with {{% component {}(...) %}}",
                    call.name
                ),
                None => format!(
                    "there are {}; define `{}` in a template with {{% component {}(...) %}}",
                    known.join(", "),
                    call.name,
                    call.name
                ),
            };
            self.errors.push(BodyError::Shortcode {
                offset: base + call.span.start,
                message: format!("there is no component or shortcode `{}`", call.name),
                hint,
            });
            return false;
        }
        true
    }

    /// Records the claims `call` makes on a source; false when it makes
    /// one that cannot be checked (the error is recorded).
    fn claims_checked(
        &mut self,
        call: &Call,
        templates: &dyn ShortcodeTemplates,
        source: &str,
        base: usize,
        rendered: &mut Inner,
    ) -> bool {
        match claims::of_call(call, source, base, templates.takes_source(&call.name)) {
            Ok(found) => {
                rendered.claims.extend(found.claims);
                rendered.lints.extend(found.lint);
            }
            Err(error) => {
                self.errors.push(*error);
                return false;
            }
        }
        true
    }
}

/// What the calls' bodies and output add to the page that holds them.
#[derive(Default)]
struct Inner {
    ids: markdown::IdSet,
    word_count: usize,
    lints: Vec<markdown::Lint>,
    repeated_ids: Vec<String>,
    claims: Vec<ClaimAt>,
}

/// `source` with each span of `edits` (sorted, apart) replaced by its
/// text, and where each copied stretch came from: pairs of (offset in the
/// result, offset in `source`).
fn with_edits(source: &str, edits: Vec<(Range<usize>, String)>) -> (String, Vec<(usize, usize)>) {
    let mut replaced = String::with_capacity(source.len());
    let mut map: Vec<(usize, usize)> = Vec::with_capacity(edits.len() + 1);
    let mut copied_to = 0;
    for (span, text) in edits {
        map.push((replaced.len(), copied_to));
        replaced.push_str(&source[copied_to..span.start]);
        replaced.push_str(&text);
        copied_to = span.end;
    }
    map.push((replaced.len(), copied_to));
    replaced.push_str(&source[copied_to..]);
    (replaced, map)
}

/// Moves lint spans from the replaced text back to the body's source.
fn shift_lints(rendered: &mut Rendered, map: &[(usize, usize)], base: usize) {
    for lint in &mut rendered.lints {
        lint.span = original(map, base, lint.span.start)..original(map, base, lint.span.end);
    }
}

/// Where `offset` of the replaced text was in the source.
fn original(map: &[(usize, usize)], base: usize, offset: usize) -> usize {
    let (new, old) = map
        .iter()
        .rev()
        .find(|(new, _)| *new <= offset)
        .copied()
        .unwrap_or((0, 0));
    base + old + (offset - new)
}

/// Where the byte `at` of the body is in the replaced text of `len`
/// bytes that `map` and `base` tie to it (see [`original`]); `None` when
/// the text does not hold it.
fn local(map: &[(usize, usize)], base: usize, at: usize, len: usize) -> Option<usize> {
    let relative = at.checked_sub(base)?;
    let (new, old) = map
        .iter()
        .rev()
        .find(|(_, old)| *old <= relative)
        .copied()
        .unwrap_or((0, 0));
    let candidate = new + (relative - old);
    (candidate < len && original(map, base, candidate) == at).then_some(candidate)
}

use crate::placeholders::placeholder;

/// Passes links on with their spans moved back to the original source.
struct Shifted<'a, 'm> {
    links: &'a mut dyn LinkRewriter,
    /// `(offset in the replaced text, offset in the source)` of each copied stretch.
    map: &'m [(usize, usize)],
    base: usize,
}

impl LinkRewriter for Shifted<'_, '_> {
    fn rewrite(&mut self, destination: &str, span: Range<usize>) -> Option<String> {
        let span = original(self.map, self.base, span.start)..original(self.map, self.base, span.end);
        self.links.rewrite(destination, span)
    }

    fn image_size(&mut self, destination: &str, span: Range<usize>) -> Option<crate::images::Dimensions> {
        let span = original(self.map, self.base, span.start)..original(self.map, self.base, span.end);
        self.links.image_size(destination, span)
    }
}

#[cfg(test)]
mod tests;
