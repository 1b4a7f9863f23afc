//! Files of the output folder as the preview sends them: `index.html`
//! for a folder, the 404 page for a miss, and the live-reload snippet in
//! every HTML page.
//!
//! Not tower-http's `ServeDir`: it opens a file with a plain `open`, which
//! waits for a writer on a named pipe, and follows a link out of the
//! folder, where SECURITY.md promises neither; and it has no place for the
//! snippet. Every file here is opened through [`crate::input`], as the
//! build opens its own.

use super::*;

/// Serves a file of the output folder: `index.html` for a folder, `404.html`
/// with status 404 for a miss; HTML gets the live-reload snippet.
pub(super) async fn files(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = refused(StatusCode::METHOD_NOT_ALLOWED);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let Some(relative) = site_relative(uri.path()) else {
        return refused(StatusCode::FORBIDDEN);
    };
    let mut file = shared.root.join(&relative);
    if file.is_dir() {
        if !uri.path().ends_with('/') {
            return to_folder(&relative);
        }
        file.push("index.html");
    }
    let depth = uri.path().trim_start_matches('/').matches('/').count();
    // Read before the file: the file is at least as new as this build.
    let served = Served {
        depth,
        generation: shared.generation.load(Ordering::SeqCst),
    };
    match read_inside(&shared.root, file.clone()).await {
        Ok(bytes) => respond(StatusCode::OK, &file, bytes, served),
        Err(input::ReadError::Outside { .. }) => refused(StatusCode::FORBIDDEN),
        Err(_) => match read_inside(&shared.root, shared.root.join("404.html")).await {
            Ok(bytes) => respond(
                StatusCode::NOT_FOUND,
                Path::new("404.html"),
                with_base(bytes, depth),
                served,
            ),
            // No page and no 404 page: before a first good build, say so
            // in a page that carries the snippet, so the errors show over
            // it and the next good build reloads it.
            _ => respond(
                StatusCode::NOT_FOUND,
                Path::new("404.html"),
                NOTHING_BUILT.as_bytes().to_vec(),
                served,
            ),
        },
    }
}

/// What a page that is not there shows when the site has no 404 page.
const NOTHING_BUILT: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><p>There is no page here: the site has no such page, or has not been built yet.</p></body>\n</html>\n";

/// The redirect from a folder's address without its `/` to the address
/// with it. Relative to the request (`./name/`), so it can never lead to
/// another host, and works under a proxy's subpath.
pub(super) fn to_folder(relative: &Path) -> Response {
    /// What a path part keeps as it is; the rest is percent-encoded.
    const PART: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'/')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'\\')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let location = format!("./{}/", percent_encoding::utf8_percent_encode(&name, PART));
    match HeaderValue::from_str(&location) {
        Ok(location) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response(),
        Err(_) => refused(StatusCode::NOT_FOUND),
    }
}

/// The bytes of `file`, read as every input is (see [`input`]): a regular
/// file whose real place lies inside `root`.
pub(super) async fn read_inside(root: &Path, file: PathBuf) -> Result<Vec<u8>, input::ReadError> {
    let root = crate::paths::real_path(root);
    tokio::task::spawn_blocking(move || input::open_inside(&file, &root).and_then(input::read_all))
        .await
        .unwrap_or_else(|e| Err(input::ReadError::Io(std::io::Error::other(e))))
}

/// A bare refusal: the status and a one-line text.
pub(super) fn refused(status: StatusCode) -> Response {
    (status, status.canonical_reason().unwrap_or("refused")).into_response()
}

/// Where a page is served from and at which build, for its snippet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Served {
    /// Folders between the site root and the page.
    pub(super) depth: usize,
    pub(super) generation: u64,
}

/// A file's answer. For `HEAD`, the same: hyper sends the head with the
/// body's length and leaves the body out.
pub(super) fn respond(status: StatusCode, file: &Path, bytes: Vec<u8>, served: Served) -> Response {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if mime.essence_str() == "image/svg+xml" || mime.essence_str() == "application/xml" => {
            format!("{}; charset=utf-8", mime.essence_str())
        }
        _ => mime.essence_str().to_string(),
    };
    let body = if is_html { inject(bytes, served) } else { bytes };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// The 404 page, written for the site's root, served at any depth: its
/// relative links (the stylesheet, the home page) are made to start from
/// the root with a `<base>` at the start of its head, as a host's 404 page
/// gets from `base_url`; a page that has a `<base>` of its own keeps it.
pub(super) fn with_base(mut html: Vec<u8>, depth: usize) -> Vec<u8> {
    if depth == 0 || find_first(&html, b"<base").is_some() {
        return html;
    }
    let base = format!("<base href=\"{}\">", "../".repeat(depth));
    let at = find_first(&html, b"<head")
        .and_then(|head| {
            html[head..]
                .iter()
                .position(|&b| b == b'>')
                .map(|end| head + end + 1)
        })
        .unwrap_or(0);
    html.splice(at..at, base.into_bytes());
    html
}

pub(super) fn find_first(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The live-reload script, added before `</body>`. It reaches the events
/// with a path relative to the page, so it works behind a proxy too, and
/// says which build it was served at.
pub(super) fn inject(mut html: Vec<u8>, served: Served) -> Vec<u8> {
    let events = format!(
        "{}{EVENTS_PATH}?since={}",
        "../".repeat(served.depth),
        served.generation
    );
    let script = SNIPPET.replace("EVENTS_URL", &events);
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, script.into_bytes());
    html
}

pub(super) fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

pub(super) const SNIPPET: &str = r#"<script data-explainer-live-reload>
(() => {
  const key = "explainer-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    addEventListener("load", () => scrollTo(0, Number(saved)));
  }
  const overlay = () => document.getElementById("explainer-build-errors");
  const source = new EventSource(new URL("EVENTS_URL", location.href));
  source.addEventListener("reload", () => {
    sessionStorage.setItem(key, String(scrollY));
    location.reload();
  });
  source.addEventListener("cleared", () => overlay()?.remove());
  source.addEventListener("styles", () => {
    overlay()?.remove();
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("reload", String(Date.now()));
      link.href = url.href;
    }
  });
  source.addEventListener("failed", (event) => {
    overlay()?.remove();
    // In a shadow root of its own, so that no style of the site's reaches it.
    const host = document.createElement("div");
    host.id = "explainer-build-errors";
    host.setAttribute("role", "alert");
    host.style.cssText = "all:initial;position:fixed;inset:0;z-index:2147483647";
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = ":host{all:initial}" +
      ".box{position:fixed;inset:0;overflow:auto;box-sizing:border-box;padding:2rem;background:#141414;color:#f2f2f2;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}" +
      "h2{all:unset;display:block;font:bold 16px/1.4 system-ui,sans-serif;color:#fff;margin:0 0 1rem}" +
      "pre{all:unset;display:block;white-space:pre-wrap;color:#ffd0c8;background:#141414}";
    const box = document.createElement("div");
    box.className = "box";
    const title = document.createElement("h2");
    title.textContent = "The last save did not build: the page shows the last good build.";
    const text = document.createElement("pre");
    text.textContent = event.data;
    box.append(title, text);
    root.append(style, box);
    document.body.append(host);
  });
})();
</script>
"#;
