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
    assert_eq!(redirect.header("location").as_deref(), Some("./first/"));

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

/// `GET`s `target` naming the server as `host`.
fn get_as(address: &str, target: &str, host: &str) -> crate::harness::Response {
    crate::harness::http_request(
        address,
        &format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn every_response_carries_the_promised_headers() {
    let site = Site::base();
    site.write("content/photo 12:30.txt", "taken at half past twelve");
    let (server, address) = start(&site);
    let method = |name: &str, target: &str| {
        crate::harness::http_request(
            &address,
            &format!("{name} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
        )
    };
    let responses = [
        ("page", http_get(&address, "/alpha/"), 200),
        (
            "a name with a colon",
            http_get(&address, "/photo%2012:30.txt"),
            200,
        ),
        ("redirect", http_get(&address, "/notes"), 301),
        ("refused path", http_get(&address, "/../x"), 403),
        ("bare 404", http_get(&address, "/no/such/page"), 404),
        (
            "bad query",
            http_get(&address, "/__explainer/events?since=abc"),
            400,
        ),
        ("other host", get_as(&address, "/", "evil.example"), 403),
        ("method", method("POST", "/alpha/"), 405),
        ("head", method("HEAD", "/alpha/"), 200),
    ];
    for (what, response, status) in &responses {
        assert_eq!(response.status, *status, "{what}: {}", response.head);
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("no-store"),
            "{what}"
        );
    }
    assert_eq!(responses[1].1.text(), "taken at half past twelve");
    assert_eq!(responses[7].1.header("allow").as_deref(), Some("GET, HEAD"));
    // HEAD gives the length GET gives, and no body.
    let get = http_get(&address, "/alpha/");
    let head = &responses[8].1;
    assert_eq!(head.header("content-length"), Some(get.body.len().to_string()));
    assert!(head.body.is_empty());
    // The event stream too.
    let mut events = std::net::TcpStream::connect(&address).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        events,
        "GET /__explainer/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    let mut head = String::new();
    let mut reader = BufReader::new(events);
    while reader.read_line(&mut head).unwrap() > 2 && !head.ends_with("\r\n\r\n") {}
    let head = head.to_ascii_lowercase();
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    drop(server);
}

#[test]
fn redirects_stay_on_the_server() {
    let site = Site::base();
    let (server, address) = start(&site);
    std::fs::create_dir_all(site.root.join("public/evil.example")).unwrap();
    std::fs::create_dir_all(site.root.join("public/http:")).unwrap();
    for (target, location) in [
        ("//evil.example", "./evil.example/"),
        ("///evil.example", "./evil.example/"),
        ("/%2F%2Fevil.example", "./evil.example/"),
        ("/notes", "./notes/"),
        ("/http:", "./http:/"),
    ] {
        let response = http_get(&address, target);
        assert_eq!(response.status, 301, "{target}");
        assert_eq!(response.header("location").as_deref(), Some(location), "{target}");
    }
    drop(server);
}

#[test]
fn only_local_names_and_allowed_hosts_reach_the_preview() {
    let site = Site::base();
    let server = site.spawn(&["serve", "--port", "0", "--allow-host", "preview.test"]);
    let line = server.wait_for_line("serving the site at http://");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    let port = address.rsplit(':').next().unwrap();
    for host in [
        format!("localhost:{port}"),
        address.clone(),
        format!("preview.test:{port}"),
    ] {
        assert_eq!(get_as(&address, "/alpha/", &host).status, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let refused = get_as(&address, "/alpha/", &host);
        assert_eq!(refused.status, 403, "{host}");
        assert!(refused.text().contains("--allow-host"));
        let events = get_as(&address, "/__explainer/events", &host);
        assert_eq!(events.status, 403, "{host}: the error stream too");
    }
    let raw = |request: String| crate::harness::http_request(&address, &request).status;
    assert_eq!(
        raw(format!(
            "GET / HTTP/1.1\r\nHost: [::1].evil.example:{port}\r\nConnection: close\r\n\r\n"
        )),
        403
    );
    assert_eq!(
        raw(format!(
            "GET http://evil.example/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        )),
        403
    );
    assert_eq!(
        raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_string()),
        400,
        "no Host"
    );
    assert_eq!(
        raw("GET / HTTP/1.1\r\nHost: evil.example\u{e9}\r\nConnection: close\r\n\r\n".to_string()),
        400,
        "not plain text"
    );
    assert_eq!(
        raw(
            "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
                .to_string()
        ),
        400,
        "two Hosts"
    );
    drop(server);
}

#[test]
fn binding_names_and_mapped_loopback_addresses() {
    for bind in ["localhost", "::ffff:127.0.0.1", "::1"] {
        let site = Site::base();
        let server = site.spawn(&["serve", "--port", "0", "--bind", bind]);
        server.wait_for_line("serving the site at http://");
        assert!(
            !server.output().iter().any(|l| l.contains("warning")),
            "{bind}: {:?}",
            server.output()
        );
    }
    let site = Site::base();
    let refused = site.run(&["serve", "--bind", "no-such-host.invalid"]);
    assert_eq!(refused.code, Some(2), "{}", refused.describe());
    assert!(
        refused
            .stderr
            .contains("is not an IP address or a name of this machine")
    );
}

#[test]
fn ctrl_c_does_not_wait_on_a_half_sent_request() {
    let site = Site::base();
    let (server, address) = start(&site);
    let mut held = std::net::TcpStream::connect(&address).unwrap();
    write!(held, "GET /alpha/ HTTP/1.1\r\nHost: {address}\r\nX-Slow:").unwrap();
    let mut events = std::net::TcpStream::connect(&address).unwrap();
    write!(
        events,
        "GET /__explainer/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let status = server.interrupt();
    assert!(status.success());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
}

/// Slow clients (slowloris) cannot take the preview down: with the limit
/// of open files at 1,024, 2,000 clients that send a request's head a
/// little at a time and come back when closed leave a normal client
/// answered, rebuilds working, and Ctrl-C stopping the server at once.
#[test]
fn slow_clients_do_not_starve_the_server_or_its_rebuilds() {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    // This process holds the 2,000 connections: it needs the files.
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    let _ = rustix::process::setrlimit(
        rustix::process::Resource::Nofile,
        rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        },
    );
    let site = Site::base();
    let mut command = Command::new(crate::harness::BIN);
    command
        .args(["serve", "--port", "0"])
        .current_dir(&site.root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only setrlimit, which is async-signal-safe, between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let files = rustix::process::Rlimit {
                current: Some(1024),
                maximum: Some(1024),
            };
            rustix::process::setrlimit(rustix::process::Resource::Nofile, files).map_err(std::io::Error::from)
        });
    }
    let server = Background::from_child(command.spawn().unwrap());
    let line = server.wait_for_line("serving the site at http://");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();

    let done = Arc::new(AtomicBool::new(false));
    let slow = {
        let (address, done) = (address.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            let to: std::net::SocketAddr = address.parse().unwrap();
            // A request line, then a header line now and then, never the end.
            let open = || {
                let mut stream = std::net::TcpStream::connect_timeout(&to, Duration::from_millis(50)).ok()?;
                stream.set_nonblocking(true).ok()?;
                stream
                    .write_all(b"GET /alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .ok()?;
                Some(stream)
            };
            let mut clients: Vec<Option<std::net::TcpStream>> = (0..2000).map(|_| open()).collect();
            let mut reconnected = 0;
            while !done.load(Ordering::SeqCst) {
                for client in &mut clients {
                    let alive = client.as_mut().is_some_and(|c| c.write(b"X-Slow: a\r\n").is_ok());
                    if !alive {
                        *client = open();
                        reconnected += 1;
                    }
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            reconnected
        })
    };
    // Until the slow clients have filled every place.
    let fds = || std::fs::read_dir(format!("/proc/{}/fd", server.pid())).map_or(0, |d| d.count());
    assert!(
        wait_until(Duration::from_secs(30), || fds() > 700),
        "{} files open",
        fds()
    );
    for _ in 0..10 {
        let started = std::time::Instant::now();
        let page = http_get(&address, "/alpha/");
        assert_eq!(page.status, 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A rebuild still has the files it needs.
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\nRebuilt under load.\n",
    );
    assert!(
        wait_until(Duration::from_secs(20), || {
            http_get(&address, "/alpha/")
                .text()
                .contains("Rebuilt under load.")
        }),
        "{}",
        server.output().join("\n")
    );
    assert!(!server.output().iter().any(|l| l.contains("Too many open files")));
    let started = std::time::Instant::now();
    let status = server.interrupt();
    assert!(status.success());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    done.store(true, Ordering::SeqCst);
    let reconnected = slow.join().unwrap();
    assert!(reconnected > 0, "the cap closed slow clients");
}

#[test]
fn before_a_first_good_build_pages_show_the_errors_and_reload_after_the_fix() {
    let site = Site::base();
    site.write("templates/page.html", "{{ nope }");
    let (server, address) = start(&site);
    let page = http_get(&address, "/alpha/");
    assert_eq!(page.status, 404);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let text = page.text();
    assert!(text.contains("data-explainer-live-reload"), "{text}");
    let since = build_of(&text).expect("the page names its build").to_string();
    assert_eq!(
        first_event(&address, &format!("?since={since}"), Duration::from_secs(10)).as_deref(),
        Some("failed"),
        "the errors show over the page as its channel opens"
    );
    site.write("templates/page.html", "{{ page.title }}");
    assert!(wait_until(Duration::from_secs(10), || http_get(
        &address, "/alpha/"
    )
    .status
        == 200));
    assert!(http_get(&address, "/alpha/").text().starts_with("Alpha"));
    assert_eq!(
        first_event(&address, &format!("?since={since}"), Duration::from_secs(10)).as_deref(),
        Some("reload"),
        "the page from before the fix reloads"
    );
    assert!(server.interrupt().success());
}
