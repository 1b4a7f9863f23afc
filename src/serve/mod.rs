//! `serve`: `watch`, plus an HTTP server for the output folder with live
//! reload.
//!
//! After each rebuild every open page hears of it over Server-Sent Events
//! and reloads itself, keeping its scroll position; a change to stylesheets
//! only swaps them; a failed build shows its errors over the page until the
//! next good one. The snippet that does this is added to HTML responses as
//! they are sent, never written into the output folder, so `serve` leaves
//! exactly what `build` writes. `http.rs` keeps the connections.

mod files;
mod http;

use files::*;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::percent_decode_str;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::build::Session;
use crate::error::{Error, Location, Problem};
use crate::input;
use crate::watch::{self, Rebuilt, WatchOptions};

/// Where pages reach the reload channel, relative to the site root.
pub const EVENTS_PATH: &str = "__explainer/events";

/// What the server is told after each build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Pages should reload.
    Reload,
    /// Only stylesheets changed: swap them without a reload.
    Styles,
    /// The build failed: show these errors over the page.
    Failed(String),
    /// A build after a failed one changed no file: remove the errors.
    Cleared,
    /// The server is stopping: end the event streams.
    Stop,
}

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Names besides `localhost` and IP addresses the preview answers to.
    pub allowed_hosts: Vec<String>,
}

/// Shared by the request handlers.
struct Shared {
    /// The output folder, made absolute.
    root: PathBuf,
    notices: broadcast::Sender<Notice>,
    /// The errors of the last build, if it failed, for pages opened since.
    failure: Mutex<Option<String>>,
    /// How many builds changed the output. A page is served with the number
    /// it was read at and gives it back when it opens the reload channel,
    /// so a build that finished in between (whose notice the page could
    /// not hear yet) still reloads it.
    generation: AtomicU64,
}

/// The notice for a rebuild, or none (nothing changed in the output and
/// no error is showing). `failing` says whether the build before failed:
/// a good build clears its error from every page, even one that writes
/// nothing (the mistake was undone).
pub fn notice_for(rebuilt: &Rebuilt, failing: bool) -> Option<Notice> {
    match rebuilt {
        Rebuilt::Failed { errors, .. } => Some(Notice::Failed(errors.to_string())),
        Rebuilt::Built { delta, .. } => {
            let paths: Vec<&str> = delta
                .changed
                .paths()
                .chain(delta.removed.iter().map(String::as_str))
                .collect();
            if paths.is_empty() {
                failing.then_some(Notice::Cleared)
            } else if paths
                .iter()
                .all(|p| p.ends_with(".css") || delta.readdressed.contains(*p))
            {
                Some(Notice::Styles)
            } else {
                Some(Notice::Reload)
            }
        }
    }
}

/// Serves the output folder and rebuilds on every change until Ctrl-C.
/// `report` hears of every build, like `watch`'s; `ready` gets the address
/// once the server listens.
pub fn serve(
    session: Session,
    watch_options: WatchOptions,
    options: ServeOptions,
    stop: Arc<AtomicBool>,
    report: impl FnMut(&Rebuilt) + Send + 'static,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let output = session.options().output_dir();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io(&output, "start the server", e))?;
    let listener = listen(&runtime, &options)?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::io(&output, "read the server's address", e))?;
    let (notices, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        root: std::path::absolute(&output).unwrap_or(output.clone()),
        notices,
        failure: Mutex::new(None),
        generation: AtomicU64::new(0),
    });
    // The watcher runs beside the server; the first build happens before
    // the server answers, so the first page is already there.
    let (watcher, first_build) = start_watching(session, watch_options, &stop, report, &shared);
    let watcher_stopped = |watcher: std::thread::JoinHandle<Result<(), Error>>| {
        watcher.join().unwrap_or_else(|_| {
            Err(Error::output(Problem::new(
                Location::file(&output),
                "the watcher stopped",
            )))
        })
    };
    // No first build: the watcher stopped before it (its error is returned).
    if first_build.recv().is_err() || watcher.is_finished() {
        return watcher_stopped(watcher);
    }
    ready(address);
    if options.open {
        let _ = opener::open(format!("http://{address}/"));
    }
    runtime.block_on(answer_until_stopped(
        listener,
        &options,
        shared,
        Arc::clone(&stop),
    ));
    // Whatever a client still holds open is dropped here, not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    stop.store(true, Ordering::SeqCst);
    watcher_stopped(watcher)
}

/// The listening socket, or a usage error naming the address.
fn listen(
    runtime: &tokio::runtime::Runtime,
    options: &ServeOptions,
) -> Result<tokio::net::TcpListener, Error> {
    let address = SocketAddr::new(options.bind, options.port);
    runtime
        .block_on(tokio::net::TcpListener::bind(address))
        .map_err(|e| {
            Error::usage(
                Problem::new(
                    Location::file(address.to_string()),
                    format!("cannot listen on {address}: {e}"),
                )
                .hint("choose another --port, or --port 0 for any free one"),
            )
        })
}

/// Starts `watch` on its own thread, telling open pages of every build
/// through `shared`; the receiver hears once the first build is done.
fn start_watching(
    session: Session,
    watch_options: WatchOptions,
    stop: &Arc<AtomicBool>,
    mut report: impl FnMut(&Rebuilt) + Send + 'static,
    shared: &Arc<Shared>,
) -> (
    std::thread::JoinHandle<Result<(), Error>>,
    std::sync::mpsc::Receiver<()>,
) {
    let (built, first_build) = std::sync::mpsc::channel::<()>();
    let shared = Arc::clone(shared);
    let stop = Arc::clone(stop);
    let watcher = std::thread::spawn(move || {
        let mut first = Some(built);
        watch::watch(session, watch_options, stop, |rebuilt| {
            report(&rebuilt);
            let mut failure = shared.failure.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(notice) = notice_for(&rebuilt, failure.is_some()) {
                *failure = match &notice {
                    Notice::Failed(text) => Some(text.clone()),
                    _ => None,
                };
                drop(failure);
                if matches!(notice, Notice::Reload | Notice::Styles) {
                    shared.generation.fetch_add(1, Ordering::SeqCst);
                }
                let _ = shared.notices.send(notice);
            }
            if let Some(built) = first.take() {
                let _ = built.send(());
            }
        })
    });
    (watcher, first_build)
}

/// Answers requests until `stop` is set, then ends the open event streams.
async fn answer_until_stopped(
    listener: tokio::net::TcpListener,
    options: &ServeOptions,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
) {
    let app = Router::new()
        .route(&format!("/{EVENTS_PATH}"), get(events))
        .fallback(files)
        .with_state(Arc::clone(&shared));
    let hosts = http::Hosts {
        allowed: options.allowed_hosts.clone(),
    };
    let limits = http::Limits::for_this_process();
    let server = tokio::spawn(http::run(listener, app, hosts, limits, Arc::clone(&stop)));
    while !stop.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Open event streams end, so their connections can close.
    let _ = shared.notices.send(Notice::Stop);
    let _ = server.await;
}

/// What a page says when it opens the reload channel.
#[derive(Debug, serde::Deserialize)]
struct Opened {
    /// The build generation the page was served at.
    since: Option<u64>,
}

/// The reload channel: one Server-Sent Event per build, and a reload at
/// once for a page older than the last build.
async fn events(
    State(shared): State<Arc<Shared>>,
    Query(opened): Query<Opened>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    // Subscribed first: a build after this is heard; one before it is seen
    // in the generation.
    let notices = shared.notices.subscribe();
    let stale = opened
        .since
        .is_some_and(|since| shared.generation.load(Ordering::SeqCst) > since);
    let current = shared.failure.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let first = tokio_stream::iter(
        stale
            .then(|| Ok(Event::default().event("reload").data("reload")))
            .into_iter()
            .chain(current.map(|text| Ok(failure_event(&text)))),
    );
    let updates = BroadcastStream::new(notices)
        .take_while(|notice| notice.as_ref().map_or(true, |n| *n != Notice::Stop))
        .filter_map(|notice| {
            let event = match notice.ok()? {
                Notice::Reload => Event::default().event("reload").data("reload"),
                Notice::Styles => Event::default().event("styles").data("styles"),
                Notice::Failed(text) => failure_event(&text),
                Notice::Cleared => Event::default().event("cleared").data("cleared"),
                Notice::Stop => return None,
            };
            Some(Ok(event))
        });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::default())
}

fn failure_event(text: &str) -> Event {
    Event::default().event("failed").data(text)
}

/// A path of the site: the request's path, decoded and checked. `None` for
/// anything that could reach outside the output folder: `..`, encoded dots
/// or slashes that decode to them, backslashes, NUL.
pub fn site_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut relative = PathBuf::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => relative.push(part),
        }
    }
    if relative.components().all(|c| matches!(c, Component::Normal(_))) {
        Some(relative)
    } else {
        None
    }
}

/// Prints a warning when the server is reachable from other machines.
pub fn warn_if_public(bind: IpAddr) -> Option<String> {
    (!bind.to_canonical().is_loopback()).then(|| {
        format!(
            "warning: serving on {bind}, which other machines can reach; the preview is meant for 127.0.0.1"
        )
    })
}

/// The address `--bind` names: an IP address, or a name such as
/// `localhost` that resolves to one.
pub fn parse_bind(text: &str) -> Result<IpAddr, String> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(ip);
    }
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    }
    use std::net::ToSocketAddrs as _;
    (text, 0)
        .to_socket_addrs()
        .ok()
        .and_then(|mut found| found.next())
        .map(|address| address.ip())
        .ok_or_else(|| format!("`{text}` is not an IP address or a name of this machine (try 127.0.0.1)"))
}

#[cfg(test)]
mod tests;
