//! `watch`: build once, then rebuild after every burst of file changes.
//!
//! File events go through a pure [`classify`] (which ignores editor swap and
//! backup files and the output folder) and a short debounce; each burst
//! renders the site again through the same [`Session`] as `build` (keeping
//! what a next render can reuse, see [`crate::build::Retention`]) and
//! writes only the files that changed. A bad save prints its errors and keeps the last good
//! output; the next good save rebuilds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer, new_debouncer_opt};

use crate::build::{Delta, Session};
use crate::change::{Change, classify};
use crate::content::CONTENT_DIR;
use crate::error::{Error, Errors, Location, Problem, site_path};
use crate::output;
use crate::render::TEMPLATES_DIR;

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
    Built { changed: &'a [Change], delta: &'a Delta },
    /// The build failed; the output folder holds the last good build.
    Failed {
        changed: &'a [Change],
        errors: &'a Errors,
    },
}

/// After a burst that leaves a changed source missing, wait up to this much
/// longer for it to be written again (a delete-then-create or rename-away
/// save). Generous: on a busy machine the create can come well after the
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
/// that takes longer than `STOP_GRACE`, ends the process as soon as no
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
    let output_abs = crate::paths::real_path(&output);
    let root_abs = crate::paths::real_path(&root);

    // Watching starts before the first build, so no save is missed.
    let (sender, events) = channel::<DebounceEventResult>();
    let mut watcher = Watcher::start(&root_abs, options, sender)?;
    let mut writer = Writer::new(output);
    let mut changed: Vec<Change> = Vec::new();
    loop {
        let result = match changed.is_empty() {
            true => session.render(),
            false => session.render_changed(&changed),
        };
        match result.and_then(|delta| writer.write(&mut session, &delta).map(|()| delta)) {
            Ok(delta) => report(Rebuilt::Built {
                changed: &changed,
                delta: &delta,
            }),
            Err(errors) => report(Rebuilt::Failed {
                changed: &changed,
                errors: &errors,
            }),
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        changed = match next_burst(&events, &stop, &root_abs, &output_abs) {
            Some(burst) => burst
                .into_iter()
                .filter_map(|path| Change::of(&root_abs, &output_abs, path))
                .collect(),
            None => return Ok(()),
        };
        // content/ or templates/ made, replaced or linked anew gets watched again.
        watcher.watch_site_folders(&root_abs);
    }
}

/// Keeps the output folder what the session's last good render gave.
/// Until a whole site has been swapped in (the first build), and again
/// after a write failed (what is on disk is unknown then), the next good
/// render is swapped in whole, as `build` does: only that removes every
/// file a build would not write. Otherwise only the files that changed
/// are written, in place.
pub struct Writer {
    output: PathBuf,
    whole: bool,
}

impl Writer {
    pub fn new(output: PathBuf) -> Self {
        Writer { output, whole: true }
    }

    /// Writes what `delta` changed: every file, when the site is due to be
    /// swapped in whole (the session's renders then give every file, as
    /// it knows of no output yet).
    pub fn write(&mut self, session: &mut Session, delta: &Delta) -> Result<(), Errors> {
        let written = match self.whole {
            // Filled beside the output folder, which only the swap changes.
            true => output::Staging::create(&self.output).and_then(|staging| {
                staging.fill(&delta.changed)?;
                let _writing = writing();
                staging.commit()
            }),
            false => {
                let _writing = writing();
                output::update(&self.output, &delta.changed, &delta.removed)
            }
        };
        match written {
            Ok(()) => {
                self.whole = false;
                Ok(())
            }
            Err(error) => {
                session.forget_outputs();
                self.whole = true;
                Err(Errors::from(error))
            }
        }
    }
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
    /// The site folders watched, with what each was when its watch began
    /// (device and inode of the folder, links followed).
    watched: BTreeMap<PathBuf, (u64, u64)>,
}

trait WatchFolders {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
    fn unwatch(&mut self, path: &Path) -> notify::Result<()>;
}

impl<T: notify::Watcher, C: notify_debouncer_full::FileIdCache> WatchFolders
    for notify_debouncer_full::Debouncer<T, C>
{
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        notify_debouncer_full::Debouncer::watch(self, path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        notify_debouncer_full::Debouncer::unwatch(self, path)
    }
}

/// A folder's device and inode, links followed; `None` if it is not a folder.
fn folder_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (m.dev(), m.ino()))
}

impl Watcher {
    fn start(
        root: &Path,
        options: WatchOptions,
        sender: Sender<DebounceEventResult>,
    ) -> Result<Watcher, Error> {
        let failed = |e: notify::Error| {
            Error::output(
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
            watched: BTreeMap::new(),
        };
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(failed)?;
        watcher.watch_site_folders(root);
        Ok(watcher)
    }

    /// Watches `content/` and `templates/` when they are folders, and again
    /// whenever one was made, removed, renamed away and back, replaced or
    /// linked elsewhere since its watch began (the system's watch follows
    /// the folder it was set on, not the name).
    fn watch_site_folders(&mut self, root: &Path) {
        for name in [CONTENT_DIR, TEMPLATES_DIR] {
            let dir = site_path(root, name);
            let now = folder_identity(&dir);
            if now.is_some() && self.watched.get(&dir) == now.as_ref() {
                continue;
            }
            if self.watched.remove(&dir).is_some() {
                let _ = self.debouncer.unwatch(&dir);
            }
            if let Some(now) = now
                && self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(dir, now);
            }
        }
    }
}
