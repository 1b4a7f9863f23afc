//! `watch`: build once, then rebuild after every burst of file changes.
//!
//! File events go through a pure [`classify`] (which ignores editor swap and
//! backup files and the output folder) and a short debounce; each burst
//! calls the same [`Session::render`] as `build` and writes only the files
//! that changed. A bad save prints its errors and keeps the last good
//! output; the next good save rebuilds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer, new_debouncer_opt};

use crate::content::{CONTENT_DIR, is_editor_noise};
use crate::error::{Error, Errors, Location, Problem, site_path};
use crate::output;
use crate::render::TEMPLATES_DIR;
use crate::site::{Delta, Session};

/// What a changed path is to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `content/site.toml`.
    Settings,
    /// `content/glossary.toml`.
    Glossary,
    /// A Markdown file under `content/`.
    Content,
    /// Any other file under `content/`.
    Asset,
    /// A template under `templates/`.
    Template,
    /// Any other file under `templates/` (the stylesheet, fonts).
    ThemeFile,
}

/// What `path` is, or `None` when a change to it does not matter: files
/// outside `content/` and `templates/`, the output folder, and the swap,
/// backup and lock files editors leave behind.
pub fn classify(root: &Path, output: &Path, path: &Path) -> Option<ChangeKind> {
    if path.starts_with(output) {
        return None;
    }
    let relative = path.strip_prefix(root).ok()?;
    if relative
        .components()
        .any(|c| is_editor_noise(&c.as_os_str().to_string_lossy()))
    {
        return None;
    }
    let mut parts = relative.components();
    let top = parts.next()?.as_os_str().to_str()?;
    let rest: PathBuf = parts.collect();
    let name = rest.to_str()?;
    match top {
        CONTENT_DIR if name == "site.toml" => Some(ChangeKind::Settings),
        CONTENT_DIR if name == "glossary.toml" => Some(ChangeKind::Glossary),
        CONTENT_DIR if name.ends_with(".md") => Some(ChangeKind::Content),
        CONTENT_DIR => Some(ChangeKind::Asset),
        TEMPLATES_DIR if name.ends_with(".html") => Some(ChangeKind::Template),
        TEMPLATES_DIR => Some(ChangeKind::ThemeFile),
        _ => None,
    }
}

/// How to notice changes.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Poll the files at this interval instead of asking the system for
    /// events (for file systems that send none).
    pub poll: Option<Duration>,
    /// Wait this long after the last event of a burst.
    pub debounce: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            poll: None,
            debounce: Duration::from_millis(10),
        }
    }
}

/// One rebuild, as the caller of [`watch`] hears of it.
#[derive(Debug)]
pub enum Rebuilt<'a> {
    /// The site was built: `delta` is what changed in the output folder;
    /// `changed` are the source files behind it (empty for the first build).
    Built {
        changed: &'a [PathBuf],
        delta: &'a Delta,
    },
    /// The build failed; the output folder holds the last good build.
    Failed {
        changed: &'a [PathBuf],
        errors: &'a Errors,
    },
}

/// After a burst that leaves a changed source missing, wait up to this much
/// longer for it to be written again (a delete-then-create or rename-away
/// save). Generous: on a busy machine the create can come 60 ms after the
/// delete, and rebuilding in between shows a broken site for a moment; a
/// page really deleted or renamed waits a little.
const DELETE_GRACE: Duration = Duration::from_millis(200);

/// Held while the output folder is being written, so that stopping never
/// leaves a file half-written.
static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn writing() -> std::sync::MutexGuard<'static, ()> {
    WRITING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long Ctrl-C waits for [`watch`] (and `serve`) to stop by itself
/// before the process ends anyway: a render of a large site can take
/// seconds, and an editor who presses Ctrl-C wants the prompt back.
const STOP_GRACE: Duration = Duration::from_millis(900);

/// Set by Ctrl-C; ends [`watch`] after the rebuild in progress, or, if
/// that takes longer than [`STOP_GRACE`], ends the process as soon as no
/// file is being written (a render in progress is dropped; a build's
/// temporary folder left behind is removed by the next build).
pub fn stop_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    Arc::clone(FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let set = Arc::clone(&flag);
        let _ = ctrlc::set_handler(move || {
            set.store(true, Ordering::SeqCst);
            std::thread::spawn(|| {
                std::thread::sleep(STOP_GRACE);
                let _writing = writing();
                eprintln!("stopped; the build in progress was left unfinished");
                std::process::exit(130);
            });
        });
        flag
    }))
}

/// Builds once, then rebuilds after each burst of changes until `stop` is
/// set, telling `report` about every build.
pub fn watch(
    mut session: Session,
    options: WatchOptions,
    stop: Arc<AtomicBool>,
    mut report: impl FnMut(Rebuilt),
) -> Result<(), Error> {
    let root = session.options().root.clone();
    let output = session.options().output_dir();
    output::check_location(&root, &output, session.options().force)?;
    let output_abs = absolute(&output);
    let root_abs = absolute(&root);

    // Watching starts before the first build, so no save is missed.
    let (sender, events) = channel::<DebounceEventResult>();
    let mut watcher = Watcher::start(&root_abs, options, sender)?;
    // The first build swaps the whole site in, like `build`.
    match session.render() {
        Ok(delta) => match write_whole(&output, &delta) {
            Ok(()) => report(Rebuilt::Built {
                changed: &[],
                delta: &delta,
            }),
            Err(error) => {
                session.forget_outputs();
                report(Rebuilt::Failed {
                    changed: &[],
                    errors: &Errors::from(error),
                });
            }
        },
        Err(errors) => {
            session.forget_outputs();
            report(Rebuilt::Failed {
                changed: &[],
                errors: &errors,
            });
        }
    }

    loop {
        let burst = match next_burst(&events, &stop, &root_abs, &output_abs) {
            Some(burst) => burst,
            None => return Ok(()),
        };
        // A folder created after the start (templates/ on a new site) gets watched.
        watcher.watch_new_folders(&root_abs);
        let changed: Vec<PathBuf> = burst.into_iter().collect();
        let result = session.render_changed(&changed);
        match result {
            Ok(delta) => match write_changes(&output, &delta) {
                Ok(()) => report(Rebuilt::Built {
                    changed: &changed,
                    delta: &delta,
                }),
                Err(error) => {
                    // What is on disk is unknown now: write everything next time.
                    session.forget_outputs();
                    report(Rebuilt::Failed {
                        changed: &changed,
                        errors: &Errors::from(error),
                    });
                }
            },
            Err(errors) => report(Rebuilt::Failed {
                changed: &changed,
                errors: &errors,
            }),
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
    }
}

fn write_whole(output: &Path, delta: &Delta) -> Result<(), Error> {
    let _writing = writing();
    output::write(output, &delta.changed)
}

fn write_changes(output: &Path, delta: &Delta) -> Result<(), Error> {
    let _writing = writing();
    output::update(output, &delta.changed, &delta.removed)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path)
        .ok()
        .and_then(|p| p.canonicalize().ok().or(Some(p)))
        .unwrap_or_else(|| path.to_path_buf())
}

/// The next burst of relevant changes, as source paths; `None` once `stop` is set.
fn next_burst(
    events: &Receiver<DebounceEventResult>,
    stop: &AtomicBool,
    root: &Path,
    output: &Path,
) -> Option<BTreeSet<PathBuf>> {
    loop {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let first = match events.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return None,
        };
        let relevant = |batch: Vec<DebouncedEvent>| -> BTreeSet<PathBuf> {
            batch
                .into_iter()
                .filter(|e| changes_files(&e.event.kind))
                .flat_map(|e| e.event.paths)
                .filter(|path| classify(root, output, path).is_some())
                .collect()
        };
        let mut changed = relevant(first.unwrap_or_default());
        // A save that deletes or renames the file away and then writes it
        // anew (Vim, JetBrains, some tools) may arrive as two bursts: while a
        // changed source is missing, wait for it to come back, up to the grace.
        let missing = |paths: &BTreeSet<PathBuf>| paths.iter().any(|p| !p.exists());
        if missing(&changed) {
            let deadline = Instant::now() + DELETE_GRACE;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match events.recv_timeout(left) {
                    Ok(more) => changed.extend(relevant(more.unwrap_or_default())),
                    Err(_) => break,
                }
                if !missing(&changed) {
                    break;
                }
            }
        }
        if !changed.is_empty() {
            return Some(changed);
        }
    }
}

/// Whether an event can change what a file holds or where it is. Reading
/// (which the build itself does) and access times are not changes.
fn changes_files(kind: &EventKind) -> bool {
    use notify::event::{MetadataKind, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// The file system watcher: `content/` and `templates/` recursively, and the
/// site folder itself (not recursively, so the output folder is never
/// watched) to notice either of them appearing.
struct Watcher {
    debouncer: Box<dyn WatchFolders>,
    watched: BTreeSet<PathBuf>,
}

trait WatchFolders {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
}

impl<T: notify::Watcher, C: notify_debouncer_full::FileIdCache> WatchFolders
    for notify_debouncer_full::Debouncer<T, C>
{
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        notify_debouncer_full::Debouncer::watch(self, path, mode)
    }
}

impl Watcher {
    fn start(
        root: &Path,
        options: WatchOptions,
        sender: Sender<DebounceEventResult>,
    ) -> Result<Watcher, Error> {
        let failed = |e: notify::Error| {
            Error::Output(
                Problem::new(
                    Location::file(root),
                    format!("cannot watch the site's files: {e}"),
                )
                .hint("try --poll, for file systems that send no change events"),
            )
        };
        let debouncer: Box<dyn WatchFolders> = match options.poll {
            None => Box::new(new_debouncer(options.debounce, None, sender).map_err(failed)?),
            Some(interval) => {
                // Modification times are compared to the second only: compare
                // contents too, or two saves within a second look like one.
                let config = notify::Config::default()
                    .with_poll_interval(interval)
                    .with_compare_contents(true);
                Box::new(
                    new_debouncer_opt::<_, notify::PollWatcher, _>(
                        options.debounce,
                        None,
                        sender,
                        notify_debouncer_full::RecommendedCache::new(),
                        config,
                    )
                    .map_err(failed)?,
                )
            }
        };
        let mut watcher = Watcher {
            debouncer,
            watched: BTreeSet::new(),
        };
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(failed)?;
        watcher.watch_new_folders(root);
        Ok(watcher)
    }

    fn watch_new_folders(&mut self, root: &Path) {
        for name in [CONTENT_DIR, TEMPLATES_DIR] {
            let dir = site_path(root, name);
            if dir.is_dir()
                && !self.watched.contains(&dir)
                && self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_table() {
        let root = Path::new("/site");
        let output = Path::new("/site/public");
        let cases: &[(&str, Option<ChangeKind>)] = &[
            ("/site/content/site.toml", Some(ChangeKind::Settings)),
            ("/site/content/glossary.toml", Some(ChangeKind::Glossary)),
            ("/site/content/rare-earths.md", Some(ChangeKind::Content)),
            ("/site/content/notes/_index.md", Some(ChangeKind::Content)),
            ("/site/content/data/figures.toml", Some(ChangeKind::Asset)),
            ("/site/content/img/map.png", Some(ChangeKind::Asset)),
            ("/site/content/notes", Some(ChangeKind::Asset)),
            ("/site/templates/page.html", Some(ChangeKind::Template)),
            (
                "/site/templates/shortcodes/figure.html",
                Some(ChangeKind::Template),
            ),
            ("/site/templates/style.css", Some(ChangeKind::ThemeFile)),
            ("/site/public/index.html", None),
            ("/site/public", None),
            ("/site/README.md", None),
            ("/site/target/x", None),
            ("/elsewhere/content/a.md", None),
            ("/site/content/.rare-earths.md.swp", None),
            ("/site/content/.rare-earths.md.swx", None),
            ("/site/content/rare-earths.md~", None),
            ("/site/content/.#rare-earths.md", None),
            ("/site/content/#rare-earths.md#", None),
            ("/site/content/4913", None),
            ("/site/templates/.page.html.kate-swp", None),
            ("/site/content/.git/index", None),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(root, output, Path::new(path)), *expected, "{path}");
        }
    }

    #[test]
    fn an_output_folder_inside_content_is_still_ignored() {
        let root = Path::new("/site");
        assert_eq!(
            classify(root, Path::new("/out"), Path::new("/out/index.html")),
            None
        );
        assert_eq!(
            classify(
                root,
                Path::new("/site/content/x"),
                Path::new("/site/content/x/a.md")
            ),
            None
        );
    }
}
