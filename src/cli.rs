//! The command line: one argument struct and one `run` per subcommand.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::build::{self, LintLevel, Options, Report, Retention, Session};
use crate::change::Change;
use crate::error::Errors;
use crate::scaffold;
use crate::serve::{self, ServeOptions};
use crate::watch::{self, Rebuilt, WatchOptions};

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
    /// Build, then rebuild after every change to content/ or templates/
    Watch(WatchArgs),
    /// Watch, and serve the site on this machine with live reload
    Serve(ServeArgs),
    /// Start a new explainer in a new folder
    New(NewArgs),
    /// Work with the built-in theme
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create; it must not exist or be empty
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The site's title [default: made from the folder's name]
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Write the built-in theme into the site's templates/, to change it freely
    Eject(EjectArgs),
}

#[derive(Debug, Args)]
pub struct EjectArgs {
    /// The site's folder
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Replace files that exist in templates/
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// The options of a command that reads the site and writes to `output`
    /// (`None` for `check`, which writes nothing).
    fn options(&self, output: Option<&OutputArgs>) -> Options {
        Options {
            root: self.root.clone(),
            output: output.and_then(|o| o.output.clone()),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            lint: match self.lint {
                Lint::Error => LintLevel::Error,
                Lint::Warn => LintLevel::Warn,
            },
            force: output.is_some_and(|o| o.force),
        }
    }
}

/// Where the site is written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Where to write the site [default: ROOT/public]
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace an output folder that holds files explainer did not write
    /// (a build replaces everything in its output folder)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

/// How to notice changes.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Poll for changes every MS milliseconds instead of asking the system
    /// for events (Docker bind mounts, WSL, network shares)
    #[arg(long, value_name = "MS", num_args = 0..=1, default_missing_value = "500")]
    pub poll: Option<u64>,
}

impl ChangeArgs {
    fn options(&self) -> WatchOptions {
        WatchOptions {
            poll: self.poll.map(|ms| Duration::from_millis(ms.max(10))),
            ..WatchOptions::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub changes: ChangeArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The address to listen on; anything but a loopback address lets other
    /// machines see the preview
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1", value_parser = serve::parse_bind)]
    pub bind: std::net::IpAddr,
    /// Also answer requests that name the preview NAME (beside localhost
    /// and IP addresses), e.g. a name for this machine on the network
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// The port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub changes: ChangeArgs,
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
    crate::build::worker_threads_with_room();
    let cli = Cli::parse();
    let verbosity = cli.verbosity();
    let result = match &cli.command {
        Command::Build(args) => run_build(args, verbosity),
        Command::Check(args) => run_check(args, verbosity),
        Command::Watch(args) => run_watch(args, verbosity),
        Command::Serve(args) => run_serve(args, verbosity),
        Command::New(args) => run_new(args, verbosity),
        Command::Theme(ThemeCommand::Eject(args)) => run_eject(args, verbosity),
        Command::Completions(args) => {
            // Into memory first: the generator panics on a closed pipe
            // (`explainer completions bash | head`).
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "explainer", &mut script);
            let _ = std::io::stdout().lock().write_all(&script);
            Ok(())
        }
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
    let options = args.site.options(Some(&args.output));
    crate::allocator::keep_freed_memory();
    let report = build::build(&options)?;
    print_report(&report, verbosity, "built");
    Ok(())
}

pub fn run_new(args: &NewArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let site = scaffold::new_site(&args.dir, args.title.as_deref()).map_err(|e| Errors::new(vec![e]))?;
    if verbosity != Verbosity::Quiet {
        let dir = site.dir.display();
        println!(
            "created \"{}\" in {dir}/ ({})",
            site.title,
            plural(site.files.len(), "file")
        );
        println!();
        println!("Next:");
        println!("  cd {dir}");
        println!("  explainer serve --open     preview; every save shows at once");
        println!("  explainer check            check every page and link");
        println!("  explainer build            build the site into public/");
        println!();
        println!("{dir}/README.md says how to publish it.");
    }
    Ok(())
}

pub fn run_eject(args: &EjectArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let ejected = scaffold::eject_theme(&args.root, args.force).map_err(|e| Errors::new(vec![e]))?;
    if verbosity != Verbosity::Quiet {
        println!(
            "wrote {} of the built-in theme to {}",
            plural(ejected.files.len(), "file"),
            build::display_output(&ejected.dir)
        );
    }
    Ok(())
}

pub fn run_check(args: &CheckArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let report = build::check(&args.site.options(None))?;
    print_report(&report, verbosity, "checked");
    Ok(())
}

pub fn run_watch(args: &WatchArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let options = args.site.options(Some(&args.output));
    let root = options.root.clone();
    let session = Session::new(options, Retention::Keep);
    let stop = watch::stop_flag();
    watch::watch(session, args.changes.options(), stop, |rebuilt| {
        print_rebuilt(&root, &rebuilt, verbosity)
    })?;
    if verbosity != Verbosity::Quiet {
        println!("stopped");
    }
    Ok(())
}

pub fn run_serve(args: &ServeArgs, verbosity: Verbosity) -> Result<(), Errors> {
    let options = args.site.options(Some(&args.output));
    let root = options.root.clone();
    if let Some(warning) = serve::warn_if_public(args.bind) {
        eprintln!("{warning}");
    }
    let session = Session::new(options, Retention::Keep);
    let serve_options = ServeOptions {
        bind: args.bind,
        port: args.port,
        open: args.open,
        allowed_hosts: args.allow_host.clone(),
    };
    serve::serve(
        session,
        args.changes.options(),
        serve_options,
        watch::stop_flag(),
        move |rebuilt| print_rebuilt(&root, rebuilt, verbosity),
        |address| {
            println!("serving the site at http://{address}/ (Ctrl-C to stop)");
            let _ = std::io::stdout().flush();
        },
    )?;
    if verbosity != Verbosity::Quiet {
        println!("stopped");
    }
    Ok(())
}

/// One line per rebuild (and the errors of a failed one).
pub fn print_rebuilt(root: &Path, rebuilt: &Rebuilt, verbosity: Verbosity) {
    // Watch names changes under the site's real folder; the root given
    // may be a link to it, or relative.
    let real_root = crate::paths::real_path(root);
    let absolute_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let names = |changed: &[Change]| {
        let mut names: Vec<String> = changed
            .iter()
            .map(|Change { path: p, .. }| {
                p.strip_prefix(&real_root)
                    .or_else(|_| p.strip_prefix(&absolute_root))
                    .or_else(|_| p.strip_prefix(root))
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        if names.len() > 3 {
            let more = names.len() - 3;
            names.truncate(3);
            names.push(format!("{more} more"));
        }
        names.join(", ")
    };
    match rebuilt {
        Rebuilt::Built { changed: [], delta } => {
            print_report(&delta.report, verbosity, "built");
            if verbosity != Verbosity::Quiet {
                println!("watching content/ and templates/ for changes (Ctrl-C to stop)");
            }
        }
        Rebuilt::Built { changed, delta } => {
            if verbosity == Verbosity::Quiet {
                return;
            }
            for warning in &delta.report.warnings {
                eprintln!("warning: {warning}\n");
            }
            if verbosity == Verbosity::Verbose {
                print_stages(&delta.report);
            }
            println!(
                "{} changed: rendered {}, wrote {}, removed {} in {}",
                names(changed),
                plural(delta.report.rendered, "page"),
                plural(delta.changed.len(), "file"),
                delta.removed.len(),
                milliseconds(delta.report.elapsed),
            );
        }
        Rebuilt::Failed { changed, errors } => {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "{errors}");
            let after = if changed.is_empty() {
                String::new()
            } else {
                format!(" after {} changed", names(changed))
            };
            let _ = writeln!(
                stderr,
                "\n{}{after}; the output keeps the last good build, waiting for the next change",
                plural(errors.len(), "error"),
            );
        }
    }
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
        print_stages(report);
    }
    let destination = if verb == "built" {
        format!(" -> {}", build::display_output(&report.output))
    } else if report.warnings.is_empty() {
        ": no problems found".to_string()
    } else {
        format!(": no errors, {}", plural(report.warnings.len(), "warning"))
    };
    println!(
        "{verb} {}, {}, {} in {}{destination}",
        plural(report.pages, "page"),
        plural(report.sections, "section"),
        plural(report.files, "file"),
        milliseconds(report.elapsed),
    );
}

fn print_stages(report: &Report) {
    let mut stderr = std::io::stderr().lock();
    for (stage, took) in &report.stages {
        let _ = writeln!(stderr, "  {stage:<21} {}", milliseconds(*took));
    }
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
