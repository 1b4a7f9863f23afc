//! The pipeline, and the one place that knows the order of the stages:
//!
//! ```text
//! settings -> content and theme -> addresses -> Markdown
//!          -> checks (links, anchors, lint, templates) -> pages
//!          -> other outputs -> write
//! ```
//!
//! [`Session::render`] runs them in that order (`session.rs`); each stage is
//! a module here with typed input and output. `build`, `check`, `watch`
//! and `serve` all run the same session; what they keep between renders
//! is decided by one [`Retention`] policy.

mod addresses;
mod cards;
mod checks;
mod citations;
mod keys;
mod markdown;
mod outputs;
mod pages;
mod patch;
mod retention;
mod session;
mod sources_page;
mod theme;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use retention::Retention;
pub use session::{Session, worker_threads_with_room};

use crate::error::{Errors, Problem, site_path};
use crate::output::{self, Plan, Staging};

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
    /// Replace an output folder that holds files explainer did not write.
    pub force: bool,
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
    /// Pages, sections and the 404 page rendered this time (all of them on
    /// a first build; on a rebuild, the ones whose inputs changed).
    pub rendered: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Problems of form reported as warnings (`LintLevel::Warn`).
    pub warnings: Vec<Problem>,
}

/// The output files that differ from the previous render of a [`Session`]
/// (every file, the first time), and the ones that are gone.
#[derive(Debug)]
pub struct Delta {
    pub changed: Plan,
    /// The HTML files of `changed` that differ from before only in the
    /// cachebust hashes of the files they link to (a stylesheet changed).
    pub readdressed: BTreeSet<String>,
    pub removed: Vec<String>,
    pub report: Report,
}

/// Builds the site and swaps it into the output folder.
pub fn build(options: &Options) -> Result<Report, Errors> {
    let output = options.output_dir();
    output::check_location(&options.root, &output, options.force)?;
    let mut session = Session::new(options.clone(), Retention::Release);
    let staging = Staging::create(&output)?;
    let mut delta = session.render_into(&staging)?;
    Retention::Release.end(session);
    let started = Instant::now();
    staging.fill(&delta.changed)?;
    staging.commit()?;
    delta.report.stages.push(("write", started.elapsed()));
    delta.report.elapsed += started.elapsed();
    Ok(delta.report)
}

/// Everything `build` does but writing, the same way: front matter,
/// templates, links, every page rendered.
pub fn check(options: &Options) -> Result<Report, Errors> {
    let mut session = Session::new(options.clone(), Retention::Release);
    let delta = session.render_into(&output::Discard)?;
    Retention::Release.end(session);
    Ok(delta.report)
}

/// How long each stage of a render took.
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

    /// Ends the stage `name`, which began where the last one ended.
    fn stage(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }
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
