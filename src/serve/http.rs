//! The preview's HTTP connections: accepted, limited and closed here, so
//! that no client can hold the server up.
//!
//! - A client has [`HEADER_TIMEOUT`] to send a request's head.
//! - At most [`Limits::connections`] are open, well below the process's
//!   limit of open files, so a rebuild always has files to open. When the
//!   cap is reached, a new connection closes the oldest one that is not
//!   answering a request (a client that sends nothing, an idle keep-alive
//!   connection, a reload channel, which the page opens again by itself).
//! - Stopping does not wait on clients: no new connection is accepted,
//!   open ones finish the answer they are writing for up to [`GRACE`],
//!   and the rest are closed.
//! - Every response passes one place ([`Gate`]) that checks the `Host`
//!   header and adds the headers every response carries.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_service::Service as _;

/// How long a client has to send a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long stopping waits for answers being written.
pub const GRACE: Duration = Duration::from_millis(300);

/// Open files kept for everything but connections: a rebuild reads and
/// writes files, the watcher and the runtime hold a few.
const RESERVE: u64 = 256;

/// How many connections may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connections: usize,
}

impl Limits {
    /// The limits for this process: it raises its limit of open files as
    /// far as the system lets it, and leaves [`RESERVE`] of them out.
    pub fn for_this_process() -> Limits {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let mut files = limit.current.unwrap_or(u64::MAX);
        if limit.maximum.is_none_or(|maximum| maximum > files) {
            let raised = Rlimit {
                current: limit.maximum.map(|m| m.min(65_536)).or(Some(65_536)),
                maximum: limit.maximum,
            };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                files = raised.current.unwrap_or(files);
            }
        }
        let connections = files.saturating_sub(RESERVE).clamp(16, 4096);
        Limits {
            connections: usize::try_from(connections).unwrap_or(4096),
        }
    }
}

/// Who may reach the preview, by the `Host` header's name.
#[derive(Debug, Clone)]
pub struct Hosts {
    /// Names allowed besides `localhost` and IP addresses (`--allow-host`).
    pub allowed: Vec<String>,
}

impl Hosts {
    /// Whether a request naming `host` (the `Host` header, port included)
    /// may be answered. A page on another site can make a browser send
    /// requests here under a name of its own that resolves to this
    /// machine (DNS rebinding); an address or `localhost` cannot be
    /// rebound, so only those and the names allowed are answered.
    pub fn allow(&self, host: &str) -> bool {
        let is_port = |port: &str| port.is_empty() || port.bytes().all(|b| b.is_ascii_digit());
        let name = match host.strip_prefix('[') {
            // An IPv6 address, `[::1]:1111`: nothing but a port after it.
            Some(rest) => {
                return rest.split_once(']').is_some_and(|(ip, after)| {
                    ip.parse::<std::net::Ipv6Addr>().is_ok()
                        && (after.is_empty() || after.strip_prefix(':').is_some_and(is_port))
                });
            }
            None => host
                .rsplit_once(':')
                .map_or(host, |(name, port)| if is_port(port) { name } else { host }),
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        name.parse::<std::net::Ipv4Addr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || self
                .allowed
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(&name))
    }
}

/// One open connection, as the accepting loop keeps track of it.
struct Tracked {
    id: u64,
    /// Requests being answered on it right now.
    busy: Arc<AtomicUsize>,
    /// Told when the connection must close at once.
    evict: Arc<Notify>,
}

/// Accepts connections on `listener` and answers them with `app`, until
/// `stop` is set.
pub async fn run(listener: TcpListener, app: Router, hosts: Hosts, limits: Limits, stop: Arc<AtomicBool>) {
    let open: Arc<Mutex<VecDeque<Tracked>>> = Arc::default();
    let (stopping, _) = tokio::sync::watch::channel(false);
    let ids = AtomicU64::new(0);
    let gate = Gate {
        app,
        hosts: Arc::new(hosts),
    };
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopped(&stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of files, or a connection reset before it was taken:
            // wait a moment rather than try again at once.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let tracked = Tracked {
            id: ids.fetch_add(1, Ordering::Relaxed),
            busy: Arc::default(),
            evict: Arc::default(),
        };
        if !make_room(&open, limits.connections) {
            // Every connection is answering a request: this one waits its turn elsewhere.
            drop(stream);
            continue;
        }
        let connection = Connection {
            id: tracked.id,
            busy: Arc::clone(&tracked.busy),
            evict: Arc::clone(&tracked.evict),
            open: Arc::clone(&open),
            stopping: stopping.subscribe(),
        };
        lock(&open).push_back(tracked);
        tokio::spawn(connection.serve(stream, gate.clone()));
    }
    // Stopping: no new connections; the open ones end their answers.
    let _ = stopping.send(true);
    let started = Instant::now();
    while !lock(&open).is_empty() && started.elapsed() < GRACE {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn lock(open: &Mutex<VecDeque<Tracked>>) -> std::sync::MutexGuard<'_, VecDeque<Tracked>> {
    open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Closes the oldest idle connection when `limit` are open; false when
/// all of them are answering requests.
fn make_room(open: &Mutex<VecDeque<Tracked>>, limit: usize) -> bool {
    let mut open = lock(open);
    if open.len() < limit {
        return true;
    }
    match open.iter().position(|t| t.busy.load(Ordering::SeqCst) == 0) {
        Some(oldest_idle) => {
            if let Some(closed) = open.remove(oldest_idle) {
                closed.evict.notify_one();
            }
            true
        }
        None => false,
    }
}

async fn stopped(stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

struct Connection {
    id: u64,
    busy: Arc<AtomicUsize>,
    evict: Arc<Notify>,
    open: Arc<Mutex<VecDeque<Tracked>>>,
    stopping: tokio::sync::watch::Receiver<bool>,
}

impl Connection {
    async fn serve(mut self, stream: tokio::net::TcpStream, gate: Gate) {
        let busy = Arc::clone(&self.busy);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let busy = Arc::clone(&busy);
            busy.fetch_add(1, Ordering::SeqCst);
            let answer = gate.clone().answer(request.map(Body::new));
            async move {
                let response = answer.await;
                busy.fetch_sub(1, Ordering::SeqCst);
                Ok::<_, Infallible>(response)
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(connection);
        let mut told_to_stop = false;
        loop {
            tokio::select! {
                _ = connection.as_mut() => break,
                () = self.evict.notified() => break,
                changed = self.stopping.changed(), if !told_to_stop => {
                    told_to_stop = true;
                    if changed.is_ok() {
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
        }
        let mut open = lock(&self.open);
        if let Some(at) = open.iter().position(|t| t.id == self.id) {
            open.remove(at);
        }
    }
}

/// The one place every request passes: the `Host` check, then the site,
/// then the headers every response carries.
#[derive(Clone)]
struct Gate {
    app: Router,
    hosts: Arc<Hosts>,
}

impl Gate {
    async fn answer(mut self, request: Request<Body>) -> Response {
        let mut response = match host_of(&request) {
            Ok(host)
                if self.hosts.allow(host)
                    && request.uri().authority().is_none_or(|a| self.hosts.allow(a.as_str())) =>
            {
                match self.app.call(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
            Ok(_) => (
                StatusCode::FORBIDDEN,
                "This preview answers only to localhost and IP addresses; start it with --allow-host NAME to reach it by another name.",
            )
                .into_response(),
            Err(why) => (StatusCode::BAD_REQUEST, why).into_response(),
        };
        let headers = response.headers_mut();
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// The one name a request gives the server: its `Host` header (one, in
/// plain text), or, for a request to an absolute address, that address's.
fn host_of(request: &Request<Body>) -> Result<&str, &'static str> {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().map_err(|_| "The Host header is not plain text."),
        (Some(_), Some(_)) => Err("A request names one host, not two."),
        (None, _) => request
            .uri()
            .authority()
            .map(|a| a.as_str())
            .ok_or("A request must name its host (the Host header)."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_localhost_and_allowed_names_are_answered() {
        let hosts = Hosts {
            allowed: vec!["preview.example".to_string()],
        };
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.:1111",
            "app.localhost:1111",
            "127.0.0.1:1111",
            "127.0.0.1",
            "192.168.1.20:1111",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:8080",
            "preview.example:1111",
            "Preview.Example",
        ] {
            assert!(hosts.allow(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "[::1",
            "[evil]:1111",
            "[::1].evil.example",
            "[::1]:80.evil.example",
            "",
        ] {
            assert!(!hosts.allow(host), "{host}");
        }
    }

    #[test]
    fn the_oldest_idle_connection_makes_room() {
        let open = Mutex::new(VecDeque::new());
        let track = |id: u64, busy: usize| Tracked {
            id,
            busy: Arc::new(AtomicUsize::new(busy)),
            evict: Arc::default(),
        };
        lock(&open).extend([track(0, 1), track(1, 0), track(2, 0)]);
        assert!(make_room(&open, 4), "below the limit");
        assert_eq!(lock(&open).len(), 3);
        assert!(make_room(&open, 3));
        let left: Vec<u64> = lock(&open).iter().map(|t| t.id).collect();
        assert_eq!(left, vec![0, 2], "the busy one stays, the oldest idle one goes");
        lock(&open)[1].busy.store(1, Ordering::SeqCst);
        assert!(!make_room(&open, 2), "all busy");
    }
}
