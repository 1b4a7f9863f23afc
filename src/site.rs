//! The pipeline, and the one place that knows the order of the stages:
//! `config -> content -> markdown -> render -> output`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::body::{self, BodyError, ShortcodeTemplates};
use crate::config::{self, Config};
use crate::content::data::DataFiles;
use crate::content::glossary::GLOSSARY_FILE;
use crate::content::{self, CONTENT_DIR, Content, Document, LoadOptions};
use crate::error::{Error, Errors, Location, Problem, site_path};
use crate::feeds;
use crate::links::{AnchorCheck, PageLinks};
use crate::markdown::{Glossary, GlossaryTerm, Rendered, TermUse};
use crate::output::{self, Contents, Plan};
use crate::render::{self, Contexts, ShortcodeRenderer, Theme};
use crate::urls::{self, Target, UrlIndex};

/// What to build, from where, to where.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Defaults to `ROOT/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from the settings.
    pub base_url: Option<String>,
    /// Include pages marked `draft = true`.
    pub drafts: bool,
    /// Whether problems of form in the Markdown fail the build.
    pub lint: LintLevel,
}

/// What a problem of form in the Markdown (an image without alt text, a
/// skipped heading level, ...) does to the build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LintLevel {
    /// It is an error: the build fails.
    #[default]
    Error,
    /// It is printed as a warning.
    Warn,
}

impl Options {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| site_path(&self.root, "public"))
    }
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub sections: usize,
    /// Output files that are neither pages nor sections.
    pub files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Problems of form reported as warnings (`LintLevel::Warn`).
    pub warnings: Vec<Problem>,
}

/// Builds the site and swaps it into the output folder.
pub fn build(options: &Options) -> Result<Report, Errors> {
    let output = options.output_dir();
    output::check_location(&options.root, &output)?;
    let (plan, mut report) = render_site(options)?;
    let started = Instant::now();
    output::write(&output, &plan)?;
    report.stages.push(("write", started.elapsed()));
    report.elapsed += started.elapsed();
    Ok(report)
}

/// Everything `build` does but writing: front matter, templates, links.
pub fn check(options: &Options) -> Result<Report, Errors> {
    render_site(options).map(|(_, report)| report)
}

struct Timer {
    start: Instant,
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        let now = Instant::now();
        Timer {
            start: now,
            last: now,
            stages: Vec::new(),
        }
    }

    fn stage(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }
}

/// Markdown of one document, with what its links need checked.
struct MarkdownResult {
    rendered: Rendered,
    anchors: Vec<AnchorCheck>,
}

/// Loads, checks and renders the whole site in memory.
fn render_site(options: &Options) -> Result<(Plan, Report), Errors> {
    let root = &options.root;
    let mut timer = Timer::new();
    let mut errors: Vec<Error> = Vec::new();

    let config = match config::load(root, options.base_url.as_deref()) {
        Ok(config) => config,
        Err(found) => {
            if found.iter().any(|e| matches!(e, Error::Usage(_))) {
                return Err(Errors::new(found));
            }
            errors.extend(found);
            // Go on with defaults, so that content and template errors are reported too.
            Config {
                title: String::new(),
                description: None,
                base_url: None,
                language: "en".to_string(),
                author: None,
                extra: serde_json::Value::Object(serde_json::Map::new()),
            }
        }
    };
    timer.stage("config");

    let (content, found) = content::load(
        root,
        LoadOptions {
            drafts: options.drafts,
            site_title: &config.title,
        },
    );
    errors.extend(found);
    timer.stage("content");

    let mut theme = match render::load_theme(root) {
        Ok(theme) => Some(theme),
        Err(found) => {
            errors.extend(found);
            None
        }
    };
    timer.stage("templates");

    let generated = generated_files(&config, theme.as_ref());
    let (index, found) = url_index(&content, theme.as_ref(), &generated);
    errors.extend(found);
    let index = Arc::new(index);

    if let Some(theme) = &mut theme {
        theme.register_functions(
            Arc::clone(&index),
            Arc::new(DataFiles::new(site_path(root, CONTENT_DIR))),
        );
    }
    let shortcodes = theme.as_ref().map(|theme| ShortcodeRenderer::new(theme, &config));
    let glossary_page = content.pages.iter().find(|p| p.doc.source == GLOSSARY_FILE);
    let glossary = content.glossary.as_ref().zip(glossary_page).map(|(g, page)| {
        let terms = g
            .terms
            .iter()
            .map(|t| GlossaryTerm {
                id: t.id.clone(),
                forms: std::iter::once(&t.term).chain(&t.aliases).cloned().collect(),
                definition: t.definition.clone(),
            })
            .collect();
        Glossary::new(terms, urls::from_root(&page.doc.output_file()))
    });

    let docs: Vec<&Document> = content
        .sections
        .iter()
        .map(|s| &s.doc)
        .chain(content.pages.iter().map(|p| &p.doc))
        .collect();
    let results: Vec<(MarkdownResult, Vec<Error>)> = docs
        .par_iter()
        .map(|doc| render_markdown(doc, &index, shortcodes.as_ref(), glossary.as_ref()))
        .collect();
    let mut rendered_sections = Vec::with_capacity(content.sections.len());
    let mut rendered_pages = Vec::with_capacity(content.pages.len());
    let mut anchors = Vec::with_capacity(docs.len());
    for (i, (result, found)) in results.into_iter().enumerate() {
        errors.extend(found);
        anchors.push(result.anchors);
        if i < content.sections.len() {
            rendered_sections.push(result.rendered);
        } else {
            rendered_pages.push(result.rendered);
        }
    }
    for (i, (doc, checks)) in docs.iter().zip(&anchors).enumerate() {
        let own = match i.checked_sub(content.sections.len()) {
            None => (true, i),
            Some(page) => (false, page),
        };
        errors.extend(check_anchors(
            doc,
            own,
            checks,
            &content,
            &rendered_sections,
            &rendered_pages,
        ));
    }
    let mut warnings = Vec::new();
    let rendered_docs = rendered_sections.iter().chain(&rendered_pages);
    for (doc, rendered) in docs.iter().zip(rendered_docs) {
        for lint in &rendered.lints {
            let at = Location::at_offset(&doc.file, &doc.text, doc.body_start + lint.span.start);
            let problem = Problem::new(at, lint.message.clone()).hint(lint.hint);
            match options.lint {
                LintLevel::Error => errors.push(Error::Lint(problem)),
                LintLevel::Warn => warnings.push(problem),
            }
        }
    }
    timer.stage("markdown");

    let mut plan = Plan::default();
    if let Some(theme) = &theme {
        let missing = missing_templates(&content, theme);
        if missing.is_empty() {
            let contexts = Contexts::new(&config, &content, &rendered_pages);
            errors.extend(render_documents(
                theme,
                &content,
                &contexts,
                &rendered_sections,
                &rendered_pages,
                &mut plan,
            ));
        } else {
            errors.extend(missing);
        }
    }
    timer.stage("render");

    if !errors.is_empty() {
        return Err(Errors::new(errors));
    }

    if let Some(base_url) = &config.base_url {
        plan.add(
            feeds::SITEMAP,
            Contents::Bytes(feeds::sitemap(base_url, &content).into_bytes()),
        );
        plan.add(
            feeds::FEED,
            Contents::Bytes(feeds::atom(&config, base_url, &content, &rendered_pages).into_bytes()),
        );
    }
    plan.add(
        feeds::ROBOTS,
        Contents::Bytes(feeds::robots(config.base_url.as_deref()).into_bytes()),
    );
    for asset in &content.assets {
        plan.add(asset.source.clone(), Contents::CopyOf(asset.file.clone()));
    }
    if let Some(theme) = &theme {
        for file in &theme.static_files {
            plan.add(file.output.clone(), Contents::CopyOf(file.file.clone()));
        }
    }
    timer.stage("feeds");

    let documents = content.pages.len() + content.sections.len();
    let report = Report {
        pages: content.pages.len(),
        sections: content.sections.len(),
        files: plan.len().saturating_sub(documents),
        output: options.output_dir(),
        elapsed: timer.start.elapsed(),
        stages: timer.stages,
        warnings,
    };
    Ok((plan, report))
}

/// Files the build writes besides pages, sections, assets and theme files.
fn generated_files(config: &Config, theme: Option<&Theme>) -> Vec<&'static str> {
    let mut files = vec![feeds::ROBOTS];
    if config.base_url.is_some() {
        files.extend([feeds::SITEMAP, feeds::FEED]);
    }
    if theme.is_some_and(|t| t.has_template("404.html")) {
        files.push("404.html");
    }
    files
}

/// Every address of the site; two things with one output path are an error.
fn url_index(content: &Content, theme: Option<&Theme>, generated: &[&'static str]) -> (UrlIndex, Vec<Error>) {
    let mut index = UrlIndex::default();
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, section) in content.sections.iter().enumerate() {
        index.add_document(&section.doc.source, &section.doc.path, true, i);
        owners.insert(section.doc.output_file(), section.doc.file.clone());
    }
    for (i, page) in content.pages.iter().enumerate() {
        index.add_document(&page.doc.source, &page.doc.path, false, i);
        owners.insert(page.doc.output_file(), page.doc.file.clone());
    }
    let mut claim = |output: String, owner: PathBuf, errors: &mut Vec<Error>| {
        if let Some(first) = owners.get(&output) {
            errors.push(Error::Content(
                Problem::new(
                    Location::file(&owner),
                    format!(
                        "this file and {} would both be written to {output}",
                        first.display()
                    ),
                )
                .hint("rename or move one of them"),
            ));
        } else {
            owners.insert(output, owner);
        }
    };
    for file in generated {
        claim(
            file.to_string(),
            PathBuf::from(format!("(the {file} the build writes)")),
            &mut errors,
        );
        index.add_file(file, None);
    }
    for asset in &content.assets {
        claim(asset.source.clone(), asset.file.clone(), &mut errors);
        index.add_file(&asset.source, Some(&asset.source));
    }
    if let Some(theme) = theme {
        for file in &theme.static_files {
            claim(file.output.clone(), file.file.clone(), &mut errors);
            index.add_file(&file.output, None);
        }
    }
    for source in &content.unusable {
        index.add_missing(source, Target::Unusable);
    }
    for source in &content.drafts {
        index.add_missing(source, Target::Draft);
    }
    (index, errors)
}

fn render_markdown(
    doc: &Document,
    index: &UrlIndex,
    shortcodes: Option<&ShortcodeRenderer>,
    glossary: Option<&Glossary>,
) -> (MarkdownResult, Vec<Error>) {
    let mut links = PageLinks::new(index, &doc.source);
    let templates = shortcodes.map(|s| s as &dyn ShortcodeTemplates);
    // The glossary page does not mark its own terms.
    let mut terms = glossary.filter(|_| doc.source != GLOSSARY_FILE).map(TermUse::new);
    let (mut rendered, body_errors) = body::render(doc.body(), &mut links, templates, terms.as_mut());
    if doc.source == GLOSSARY_FILE {
        // The glossary template gives each entry its term's id.
        if let Some(serde_json::Value::Array(terms)) = doc.front.extra.get("terms") {
            let ids = terms
                .iter()
                .filter_map(|t| t.get("id")?.as_str().map(str::to_string));
            rendered.ids.extend(ids);
        }
    }
    let at = |offset: usize| Location::at_offset(&doc.file, &doc.text, doc.body_start + offset);
    let mut errors: Vec<Error> = links
        .broken
        .into_iter()
        .map(|broken| Error::Link(Problem::new(at(broken.span.start), broken.message).hint(broken.hint)))
        .collect();
    for error in body_errors {
        errors.push(match error {
            BodyError::Shortcode {
                offset,
                message,
                hint,
            } => Error::Content(Problem::new(at(offset), message).hint(hint)),
            BodyError::Template {
                offset,
                name,
                problem,
            } => {
                let message = problem.message.trim_start_matches("template error: ");
                let needs = message
                    .strip_prefix("Variable `")
                    .and_then(|rest| rest.split_once('`'))
                    .map(|(variable, _)| variable)
                    .filter(|variable| !variable.contains('.'));
                let message = match needs {
                    Some(argument) => format!("the shortcode `{name}` needs an argument `{argument}`"),
                    None => format!("the shortcode `{name}` failed: {message} ({})", problem.at),
                };
                let hint = match needs {
                    Some(argument) => format!("add {argument}=... to the call"),
                    None => problem.hint.unwrap_or_default(),
                };
                Error::Template(Problem::new(at(offset), message).hint(hint))
            }
        });
    }
    let result = MarkdownResult {
        rendered,
        anchors: links.anchors,
    };
    (result, errors)
}

/// Every `#fragment` must be an id of the page it points at; `own` is the
/// linking document (section or page, and its index).
fn check_anchors(
    doc: &Document,
    own: (bool, usize),
    checks: &[AnchorCheck],
    content: &Content,
    sections: &[Rendered],
    pages: &[Rendered],
) -> Vec<Error> {
    let mut errors = Vec::new();
    for check in checks {
        let (target_doc, rendered) = match check.target.unwrap_or(own) {
            (true, i) => (&content.sections[i].doc, &sections[i]),
            (false, i) => (&content.pages[i].doc, &pages[i]),
        };
        if rendered.ids.contains(&check.fragment) || check.fragment == "top" {
            continue;
        }
        let mut ids: Vec<&str> = rendered.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        let hint = match crate::fields::nearest(&check.fragment, &ids) {
            Some(near) => format!("did you mean `#{near}`?"),
            None if ids.is_empty() => format!("{} has no headings to link to", target_doc.file.display()),
            None => format!(
                "the headings of {} are: {}",
                target_doc.file.display(),
                ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
            ),
        };
        errors.push(Error::Link(
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

/// The template each document asks for, checked before anything renders.
fn template_of<'a>(doc: &'a Document, default: &'static str) -> &'a str {
    doc.front
        .template
        .as_ref()
        .map_or(default, |(name, _)| name.as_str())
}

fn missing_templates(content: &Content, theme: &Theme) -> Vec<Error> {
    let mut errors = Vec::new();
    // Documents that fall back on a default template that does not exist, by template.
    let mut without_default: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    let defaults = content
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.doc, if i == 0 { "index.html" } else { "section.html" }))
        .chain(content.pages.iter().map(|p| (&p.doc, "page.html")));
    for (doc, default) in defaults {
        let name = template_of(doc, default);
        if theme.has_template(name) {
            continue;
        }
        match &doc.front.template {
            Some((name, at)) => {
                let known: Vec<&str> = theme.template_names().collect();
                let hint = match crate::fields::nearest(name, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("create templates/{name}, or fix the name"),
                };
                errors.push(Error::Template(
                    Problem::new(at.clone(), format!("there is no template `{name}` in templates/"))
                        .hint(hint),
                ));
            }
            None => without_default.entry(name).or_default().push(doc.file.clone()),
        }
    }
    for (name, files) in without_default {
        errors.push(Error::Template(
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
fn others(count: usize, what: &str) -> String {
    match count {
        0 => String::new(),
        1 => format!(" (and 1 more {what})"),
        n => format!(" (and {n} more {what}s)"),
    }
}

/// Renders every page, section and the 404 page into `plan`. A template
/// error that many pages hit is reported once, naming one page and a count.
fn render_documents(
    theme: &Theme,
    content: &Content,
    contexts: &Contexts,
    sections: &[Rendered],
    pages: &[Rendered],
    plan: &mut Plan,
) -> Vec<Error> {
    enum Job {
        Section(usize),
        Page(usize),
        NotFound,
    }
    let mut jobs: Vec<Job> = (0..content.sections.len()).map(Job::Section).collect();
    jobs.extend((0..content.pages.len()).map(Job::Page));
    if theme.has_template("404.html") {
        jobs.push(Job::NotFound);
    }
    /// An output file and its HTML, or the problem and the file being rendered.
    type Outcome = (String, Result<String, (Problem, PathBuf)>);
    let results: Vec<Outcome> = jobs
        .par_iter()
        .map(|job| {
            let (file, template, context, source) = match job {
                Job::Section(i) => {
                    let doc = &content.sections[*i].doc;
                    let default = if *i == 0 { "index.html" } else { "section.html" };
                    (
                        doc.output_file(),
                        template_of(doc, default),
                        contexts.section(*i, &sections[*i]),
                        doc.file.clone(),
                    )
                }
                Job::Page(i) => {
                    let doc = &content.pages[*i].doc;
                    (
                        doc.output_file(),
                        template_of(doc, "page.html"),
                        contexts.page(*i, &pages[*i]),
                        doc.file.clone(),
                    )
                }
                Job::NotFound => (
                    "404.html".to_string(),
                    "404.html",
                    contexts.not_found(),
                    PathBuf::from("404.html"),
                ),
            };
            let result = theme
                .render(template, &context)
                .map(|html| urls::relativize(&html, &file).into_owned())
                .map_err(|problem| (problem, source));
            (file, result)
        })
        .collect();

    // Grouped by where in the template they happen: the same fault on many
    // pages is one error (the first page's message, and a count).
    let mut failures: BTreeMap<String, (Problem, Vec<PathBuf>)> = BTreeMap::new();
    for (file, result) in results {
        match result {
            Ok(html) => plan.add(file, Contents::Bytes(html.into_bytes())),
            Err((problem, source)) => {
                let key = format!(
                    "{}:{:?}:{:?}",
                    problem.at.path.display(),
                    problem.at.line,
                    problem.at.column
                );
                let entry = failures.entry(key).or_insert_with(|| (problem, Vec::new()));
                entry.1.push(source);
            }
        }
    }
    failures
        .into_values()
        .map(|(mut problem, sources)| {
            let first = sources.iter().min().expect("a failure has a page").display();
            problem.message = format!(
                "{} (rendering {first}{})",
                problem.message,
                others(sources.len() - 1, "page")
                    .replace(" (and", " and")
                    .replace(')', "")
            );
            Error::Template(problem)
        })
        .collect()
}

/// The output folder as the summary line shows it.
pub fn display_output(path: &Path) -> String {
    let shown = path.display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
}
