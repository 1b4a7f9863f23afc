//! The command line: one argument struct and one `run` per subcommand.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::error::Errors;
use crate::site::{self, LintLevel, Options, Report};

#[derive(Debug, Parser)]
#[command(
    name = "explainer",
    version,
    about = "Build explainer sites from Markdown and Tera templates",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Also print how long each stage took
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build content/ and templates/ into a static site
    Build(BuildArgs),
    /// Check front matter, templates and links without writing anything
    Check(CheckArgs),
}

/// Which site to read.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's folder, holding content/ and templates/
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// The address the site is published at, for canonical links, the sitemap
    /// and the feed (overrides `base_url` in content/site.toml)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// What problems of form in the Markdown do (images without alt text,
    /// skipped heading levels, links without text, empty headings, duplicate ids)
    #[arg(long, value_enum, default_value_t = Lint::Error)]
    pub lint: Lint,
}

/// `--lint`: fail the build, or warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lint {
    /// Fail the build
    Error,
    /// Print a warning and go on
    Warn,
}

impl SiteArgs {
    fn options(&self, output: Option<PathBuf>) -> Options {
        Options {
            root: self.root.clone(),
            output,
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            lint: match self.lint {
                Lint::Error => LintLevel::Error,
                Lint::Warn => LintLevel::Warn,
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site [default: ROOT/public]
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Cli {
    fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
}

/// Parses the command line, runs it, and gives the exit code: 0 on success,
/// 1 on errors in the site, 2 on bad arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = cli.verbosity();
    let result = match &cli.command {
        Command::Build(args) => run_build(args, verbosity),
        Command::Check(args) => run_check(args, verbosity),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "{errors}");
            let count = errors.len();
            let _ = writeln!(stderr, "\n{} found; nothing was written", plural(count, "error"));
            ExitCode::from(errors.exit_code())
        }
    }
}

pub fn run_build(args: &BuildArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let options = args.site.options(args.output.clone());
    let report = site::build(&options)?;
    print_report(&report, verbosity, "built");
    Ok(())
}

pub fn run_check(args: &CheckArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let report = site::check(&args.site.options(None))?;
    print_report(&report, verbosity, "checked");
    Ok(())
}

fn print_report(report: &Report, verbosity: Verbosity, verb: &str) {
    if verbosity == Verbosity::Quiet {
        return;
    }
    if !report.warnings.is_empty() {
        let mut stderr = std::io::stderr().lock();
        for warning in &report.warnings {
            let _ = writeln!(stderr, "warning: {warning}\n");
        }
    }
    if verbosity == Verbosity::Verbose {
        let mut stderr = std::io::stderr().lock();
        for (stage, took) in &report.stages {
            let _ = writeln!(stderr, "  {stage:<10} {}", milliseconds(*took));
        }
    }
    let destination = if verb == "built" {
        format!(" -> {}", site::display_output(&report.output))
    } else {
        ": no problems found".to_string()
    };
    println!(
        "{verb} {}, {}, {} in {}{destination}",
        plural(report.pages, "page"),
        plural(report.sections, "section"),
        plural(report.files, "file"),
        milliseconds(report.elapsed),
    );
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn milliseconds(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "page"), "1 page");
        assert_eq!(plural(0, "file"), "0 files");
    }
}
