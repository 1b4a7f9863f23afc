use super::*;

#[test]
fn paths_that_could_leave_the_site_are_refused() {
    for path in [
        "/../etc/passwd",
        "/a/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/%2E%2E%2Fetc%2Fpasswd",
        "/a%2f..%2f..%2fetc",
        "/..%5cetc",
        "/a\\b",
        "/%00",
        "/%ff",
    ] {
        assert_eq!(site_relative(path), None, "{path}");
    }
    assert_eq!(
        site_relative("/a/b/index.html"),
        Some(PathBuf::from("a/b/index.html"))
    );
    assert_eq!(
        site_relative("/my%20file.pdf"),
        Some(PathBuf::from("my file.pdf"))
    );
    assert_eq!(site_relative("//etc/passwd"), Some(PathBuf::from("etc/passwd")));
    assert_eq!(site_relative("/"), Some(PathBuf::new()));
}

#[test]
fn the_404_page_gets_a_base_at_any_depth_unless_it_has_one() {
    let page = b"<!doctype html><html><HEAD lang=x><link href=\"style.css\"></head></html>".to_vec();
    let at_two = String::from_utf8(with_base(page.clone(), 2)).unwrap();
    assert!(
        at_two.contains("<HEAD lang=x><base href=\"../../\"><link"),
        "{at_two}"
    );
    assert_eq!(with_base(page.clone(), 0), page);
    let own = b"<head><base href=\"https://example.org/x/\"></head>".to_vec();
    assert_eq!(with_base(own.clone(), 3), own);
}

#[test]
fn the_snippet_goes_before_the_end_of_the_body() {
    let served = Served {
        depth: 2,
        generation: 7,
    };
    let html = inject(b"<html><body><p>x</p></body></html>".to_vec(), served);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<p>x</p><script data-explainer-live-reload>"));
    assert!(html.contains("new URL(\"../../__explainer/events?since=7\", location.href)"));
    assert!(html.ends_with("</script>\n</body></html>"));
}
