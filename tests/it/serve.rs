//! `serve` over real HTTP on loopback.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use crate::harness::{Background, Site, http_get, tree, wait_until};

fn start(site: &Site) -> (Background, String) {
    let server = site.spawn(&["serve", "--port", "0"]);
    let line = server.wait_for_line("serving the site at http://");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("an address")
        .to_string();
    (server, address)
}

#[test]
fn files_types_folders_and_the_404_page() {
    let site = Site::base();
    site.write(
        "templates/404.html",
        "<!doctype html><title>Missing</title><body>not here</body>",
    );
    site.write("content/notes/data.json", "{}");
    let (server, address) = start(&site);

    let home = http_get(&address, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text().contains("data-explainer-live-reload"),
        "HTML gets the reload script"
    );

    let css = http_get(&address, "/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        css.text(),
        site.read("public/style.css"),
        "other files are served as they are"
    );
    assert_eq!(
        http_get(&address, "/notes/data.json")
            .header("content-type")
            .as_deref(),
        Some("application/json")
    );

    // A folder without an index.html is no listing: it is a miss.
    std::fs::create_dir(site.root.join("public/bare")).unwrap();
    std::fs::write(site.root.join("public/bare/file.txt"), "x").unwrap();
    let bare = http_get(&address, "/bare/");
    assert_eq!(bare.status, 404);
    assert!(!bare.text().contains("file.txt"), "no directory listing");
    let folder = http_get(&address, "/notes/first/");
    assert_eq!(folder.status, 200);
    assert!(folder.text().contains("First note"));
    let redirect = http_get(&address, "/notes/first");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location").as_deref(), Some("/notes/first/"));

    let missing = http_get(&address, "/no/such/page");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("not here"));
    assert!(
        missing.text().contains("../../__explainer/events"),
        "the reload script finds its way from any depth"
    );

    // serve leaves exactly what build writes: no script in the files.
    for (path, bytes) in site.tree("public") {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("explainer-live-reload"),
            "{path}"
        );
    }
    let status = server.interrupt();
    assert!(status.success());
}

#[test]
fn paths_outside_the_output_folder_are_refused() {
    let site = Site::base();
    site.write("secret.txt", "do not serve");
    let (server, address) = start(&site);
    std::os::unix::fs::symlink(site.root.join("secret.txt"), site.root.join("public/link.txt")).unwrap();
    let long = format!("/{}", "a/".repeat(2000));
    let long_dots = format!("/{}secret.txt", "../".repeat(200));
    let targets: Vec<&str> = vec![
        "/../secret.txt",
        "/../../etc/passwd",
        "/./../secret.txt",
        "/alpha/../../secret.txt",
        "/alpha/./../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/%2e./secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/alpha/..%2f..%2fsecret.txt",
        "/alpha/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%25252e%25252e/secret.txt",
        "/..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "/alpha\\..\\..\\secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/%00",
        "/secret.txt%00.html",
        "/alpha/index.html%00",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%c1%9c../secret.txt",
        "/%ff%fe/secret.txt",
        "//etc/passwd",
        "///etc/passwd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/c:%5cwindows%5cwin.ini",
        "/file:///etc/passwd",
        "/link.txt",
        "/alpha/../link.txt",
        "/%6c%69%6e%6b.txt",
        &long,
        &long_dots,
        "/..",
        "/.../secret.txt",
    ];
    assert!(targets.len() >= 40);
    for target in targets {
        let response = http_get(&address, target);
        assert!(
            response.status == 403 || response.status == 404,
            "{target} gave {}: {}",
            response.status,
            response.text()
        );
        assert!(
            !response.text().contains("do not serve"),
            "{target} leaked the file"
        );
        assert!(!response.text().contains("root:"), "{target} leaked /etc/passwd");
    }
    drop(server);
}

/// The first event name on the reload channel opened with `query`, within
/// `limit`; `None` if none comes.
fn first_event(address: &str, query: &str, limit: Duration) -> Option<String> {
    let mut events = std::net::TcpStream::connect(address).unwrap();
    events.set_read_timeout(Some(limit)).unwrap();
    write!(
        events,
        "GET /__explainer/events{query} HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        if let Some(name) = line.trim_end().strip_prefix("event: ") {
            return Some(name.to_string());
        }
    }
}

/// The build a served page says it is from (its reload channel's `since`).
fn build_of(page: &str) -> Option<&str> {
    page.split("events?since=").nth(1)?.split('"').next()
}

#[test]
fn a_page_older_than_the_last_build_reloads_as_its_channel_opens() {
    let site = Site::base();
    let (server, address) = start(&site);
    // The page as served says which build it is from.
    let page = http_get(&address, "/alpha/").text();
    let since = build_of(&page).expect("the page names its build").to_string();
    // Unchanged since: nothing to do when the channel opens.
    let quiet = Duration::from_millis(600);
    assert_eq!(first_event(&address, &format!("?since={since}"), quiet), None);

    // A build finishes before the page opens its channel, as when a save
    // comes right after the page loaded: the page hears it all the same.
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\nEdited early.\n");
    assert!(wait_until(Duration::from_secs(10), || {
        site.read("public/alpha/index.html").contains("Edited early.")
    }));
    assert!(wait_until(Duration::from_secs(10), || {
        build_of(&http_get(&address, "/alpha/").text()) != Some(since.as_str())
    }));
    assert_eq!(
        first_event(&address, &format!("?since={since}"), Duration::from_secs(10)).as_deref(),
        Some("reload")
    );
    let status = server.interrupt();
    assert!(status.success());
}

#[test]
fn pages_hear_of_every_rebuild() {
    let site = Site::base();
    let (server, address) = start(&site);
    let mut events = std::net::TcpStream::connect(&address).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(
        events,
        "GET /__explainer/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut next_event = || -> String {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "the event stream ended");
            if let Some(name) = line.trim_end().strip_prefix("event: ") {
                return name.to_string();
            }
        }
    };
    // Let the stream open before the first change.
    std::thread::sleep(Duration::from_millis(200));

    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\nEdited.\n");
    assert_eq!(next_event(), "reload");
    site.write("templates/style.css", "body { margin: 1px; }\n");
    assert_eq!(
        next_event(),
        "styles",
        "a stylesheet change swaps styles without a reload"
    );
    site.write("content/alpha.md", "+++\ntitle = \n+++\n");
    assert_eq!(next_event(), "failed");
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\nFixed.\n");
    assert_eq!(next_event(), "reload");

    // With cachebusted stylesheet links, a stylesheet change changes every
    // page's link, and nothing else: still a swap, not a reload.
    site.write(
        "templates/base.html",
        site.read("templates/base.html").replace(
            "</head>",
            "<link rel=\"stylesheet\" href=\"{{ get_url(path='style.css', cachebust=true) }}\"></head>",
        ),
    );
    assert_eq!(next_event(), "reload");
    site.write("templates/style.css", "body { margin: 2px; }\n");
    assert_eq!(next_event(), "styles");
    assert!(site.read("public/alpha/index.html").contains("style.css?h="));

    let status = server.interrupt();
    assert!(status.success());
    let served = site.tree("public");
    site.run(&["build", "--output", "../clean"]).success();
    assert_eq!(
        served,
        tree(&site.outside().join("clean")),
        "serve leaves what build writes"
    );
}

#[test]
fn binding_beyond_loopback_warns_and_a_busy_port_is_an_error() {
    let site = Site::base();
    let (server, address) = start(&site);
    let port = address.rsplit(':').next().unwrap();
    let busy = site.run(&["serve", "--port", port]);
    assert_eq!(busy.code, Some(2), "{}", busy.describe());
    assert!(busy.stderr.contains("cannot listen on"), "{}", busy.describe());
    drop(server);

    let other = Site::base();
    let open = other.spawn(&["serve", "--port", "0", "--bind", "0.0.0.0"]);
    open.wait_for_line("warning: serving on 0.0.0.0");
    assert!(wait_until(Duration::from_secs(10), || open
        .output()
        .iter()
        .any(|l| l.contains("serving the site at"))));
}
