//! The checks between the Markdown and the pages: links' `#fragments`
//! against the ids of the pages they point at, problems of form (lint),
//! and the templates the documents ask for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::LintLevel;
use super::markdown::MarkdownResult;
use crate::content::{Content, DocRef, Document};
use crate::error::{Error, Location, Problem};
use crate::links::AnchorCheck;
use crate::markdown::{IdSet, Rendered};
use crate::render::{self, CostlyFields, Theme};

/// Problems of form, as errors or as warnings.
#[derive(Default)]
pub(super) struct Findings {
    pub errors: Vec<Error>,
    pub warnings: Vec<Problem>,
}

impl Findings {
    /// Records a problem of form as `level` says.
    pub fn lint(&mut self, level: LintLevel, problem: Problem) {
        match level {
            LintLevel::Error => self.errors.push(Error::lint(problem)),
            LintLevel::Warn => self.warnings.push(problem),
        }
    }
}

/// The rendered Markdown of every document, as links see it.
pub(super) struct Targets<'a> {
    pub content: &'a Content,
    pub sections: &'a [&'a Rendered],
    pub pages: &'a [&'a Rendered],
    /// The ids every page of the theme has (`main`, `top`).
    pub theme_ids: Option<&'a IdSet>,
}

impl Targets<'_> {
    fn rendered(&self, at: DocRef) -> &Rendered {
        match at {
            DocRef::Section(i) => self.sections[i],
            DocRef::Page(i) => self.pages[i],
        }
    }
}

/// Every link's `#fragment` checked, and every document's problems of form.
pub(super) fn links_and_lint(
    targets: &Targets,
    results: &[std::sync::Arc<MarkdownResult>],
    lint: LintLevel,
) -> Findings {
    let content = targets.content;
    let mut findings = Findings::default();
    for (at, result) in content.doc_refs().zip(results) {
        let doc = content.doc(at);
        findings
            .errors
            .extend(check_anchors(doc, at, &result.anchors, targets));
    }
    for (doc, result) in content.documents().zip(results) {
        for lint_found in &result.rendered.lints {
            let at = Location::at_offset(&doc.file, &doc.text, doc.body_start + lint_found.span.start);
            findings.lint(
                lint,
                Problem::new(at, lint_found.message.clone()).hint(lint_found.hint),
            );
        }
        for front_lint in &result.front_lints {
            let at = Location::at_offset(&doc.file, &doc.text, front_lint.offset);
            findings.lint(
                lint,
                Problem::new(at, front_lint.message.clone()).hint(super::citations::NO_SOURCE_HINT),
            );
        }
    }
    findings
}

/// Every `#fragment` must be an id of the page it points at; `own` is the
/// linking document.
fn check_anchors(doc: &Document, own: DocRef, checks: &[AnchorCheck], targets: &Targets) -> Vec<Error> {
    let mut errors = Vec::new();
    for check in checks {
        let target = match check.target {
            Some((true, i)) => DocRef::Section(i),
            Some((false, i)) => DocRef::Page(i),
            None => own,
        };
        let rendered = targets.rendered(target);
        if rendered.ids.contains(&check.fragment)
            || targets.theme_ids.is_some_and(|ids| ids.contains(&check.fragment))
        {
            continue;
        }
        let hint = fragment_hint(&check.fragment, targets.content.doc(target), rendered);
        errors.push(Error::link(
            Problem::new(
                Location::at_offset(&doc.file, &doc.text, doc.body_start + check.span.start),
                format!(
                    "broken link: `{}` has no heading with the id `{}`",
                    check.written, check.fragment
                ),
            )
            .hint(hint),
        ));
    }
    errors
}

/// What to say of a `#fragment` that `target` does not have.
fn fragment_hint(fragment: &str, target: &Document, rendered: &Rendered) -> String {
    let mut ids: Vec<&str> = rendered.ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    match crate::suggest::did_you_mean(fragment, &ids, |id| format!("#{id}")) {
        Some(hint) => hint,
        None if ids.is_empty() => format!("{} has no headings to link to", target.file.display()),
        None => format!(
            "the headings of {} are: {}",
            target.file.display(),
            ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// An id that more than one element of a rendered page has.
pub(super) struct RepeatedId {
    pub doc: DocRef,
    pub file: PathBuf,
    pub id: String,
}

/// The ids used twice on the whole page, the theme's own elements
/// included; one used twice in the Markdown alone is reported with its
/// line already.
pub(super) fn repeated_ids(repeated: Vec<RepeatedId>, targets: &Targets, level: LintLevel) -> Findings {
    let mut findings = Findings::default();
    for RepeatedId { doc, file, id } in repeated {
        if targets.rendered(doc).repeated_ids.contains(&id) {
            continue;
        }
        let problem = Problem::new(
            Location::file(&file),
            format!("the id `{id}` is used twice on the page made from this file"),
        )
        .hint("give each element its own id: in the Markdown, in a shortcode's output, or in the template");
        findings.lint(level, problem);
    }
    findings
}

/// The costlier fields the templates the documents render with may read.
pub(super) fn fields_read(content: &Content, theme: &Theme) -> CostlyFields {
    let mut templates: BTreeSet<&str> = content
        .doc_refs()
        .map(|at| render::template_of(content, at))
        .collect();
    templates.insert(render::NOT_FOUND);
    theme.fields_read_by(templates)
}

/// The templates documents ask for that the theme does not have.
pub(super) fn missing_templates(content: &Content, theme: &Theme) -> Vec<Error> {
    let mut errors = Vec::new();
    // Documents that fall back on a default template that does not exist, by template.
    let mut without_default: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    for at in content.doc_refs() {
        let name = render::template_of(content, at);
        if theme.has_template(name) {
            continue;
        }
        let doc = content.doc(at);
        match &doc.front.template {
            Some((name, at)) => {
                let known: Vec<&str> = theme.template_names().collect();
                let hint = match crate::suggest::did_you_mean(name, &known, str::to_string) {
                    Some(hint) => hint,
                    None => format!("create templates/{name}, or fix the name"),
                };
                errors.push(Error::template(
                    Problem::new(at.clone(), format!("there is no template `{name}` in templates/"))
                        .hint(hint),
                ));
            }
            None => without_default.entry(name).or_default().push(doc.file.clone()),
        }
    }
    for (name, files) in without_default {
        errors.push(Error::template(
            Problem::new(
                Location::file(&files[0]),
                format!(
                    "there is no template `{name}` in templates/ to render this{}",
                    others(files.len() - 1, "page")
                ),
            )
            .hint(format!(
                "create templates/{name}, or set `template` in the front matter"
            )),
        ));
    }
    errors
}

/// `" (and 3 more pages)"`, or nothing for 0.
pub(super) fn others(count: usize, what: &str) -> String {
    match count {
        0 => String::new(),
        1 => format!(" (and 1 more {what})"),
        n => format!(" (and {n} more {what}s)"),
    }
}
