//! The built-in theme: a site without `templates/` builds with it, a site's
//! own files replace it file by file, and `get_url(..., cachebust=true)`.

use std::path::Path;

use crate::harness::{Site, copy_tree};

/// A site with content only.
fn content_only() -> Site {
    let site = Site::base();
    site.remove("templates");
    site
}

#[test]
fn a_site_without_templates_builds_exactly_as_with_the_theme_copied_in() {
    let bare = content_only();
    bare.build();
    let copied = content_only();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &copied.root.join("templates"),
    );
    copied.build();
    assert_eq!(bare.tree("public"), copied.tree("public"));
    for file in [
        "index.html",
        "alpha/index.html",
        "notes/index.html",
        "404.html",
        "style.css",
        "favicon.svg",
    ] {
        assert!(bare.exists(&format!("public/{file}")), "{file}");
    }
    assert!(
        bare.read("public/alpha/index.html")
            .contains("class=\"doc-title\">Alpha</h1>")
    );
}

#[test]
fn a_site_replaces_the_theme_file_by_file() {
    let site = content_only();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"mine\">{{ page.title }}</p>{% endblock content %}",
    );
    site.build();
    let page = site.read("public/alpha/index.html");
    assert!(page.contains("<p class=\"mine\">Alpha</p>"), "{page}");
    assert!(
        page.contains("class=\"skip-link\""),
        "the built-in base.html still serves: {page}"
    );
    let home = site.read("public/index.html");
    assert!(
        home.contains("class=\"doc-title\""),
        "the built-in index.html still serves"
    );

    // Only the stylesheet.
    let site = content_only();
    site.write("templates/style.css", "body { color: rebeccapurple; }\n");
    site.build();
    assert_eq!(site.read("public/style.css"), "body { color: rebeccapurple; }\n");
    assert!(
        site.exists("public/favicon.svg"),
        "the built-in icon still serves"
    );
}

#[test]
fn an_error_in_the_site_template_names_the_site_file() {
    let site = content_only();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.titel }}{% endblock content %}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/page.html:1:53: template error: Field `titel` is not defined")
        .stderr_has("{{ page.titel }}");
}

#[test]
fn watch_picks_up_a_templates_folder_created_later() {
    let site = content_only();
    let watch = site.spawn(&["watch"]);
    watch.wait_for_line("watching");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>new {{ page.title }}</p>{% endblock content %}",
    );
    assert!(
        crate::harness::wait_until(std::time::Duration::from_secs(10), || {
            site.read("public/alpha/index.html").contains("<p>new Alpha</p>")
        }),
        "{:?}",
        watch.output()
    );
    site.remove("templates");
    assert!(
        crate::harness::wait_until(std::time::Duration::from_secs(10), || {
            site.read("public/alpha/index.html")
                .contains("class=\"doc-title\">Alpha</h1>")
        }),
        "back to the built-in theme: {:?}",
        watch.output()
    );
    watch.interrupt();
}

/// The `?h=` hash in `href="...style.css?h=..."`.
fn stylesheet_hash(html: &str) -> String {
    let at = html.find("style.css?h=").expect("a cachebusted stylesheet link") + "style.css?h=".len();
    html[at..at + 16].to_string()
}

#[test]
fn cachebust_follows_the_file_content() {
    let site = content_only();
    site.build();
    let page = site.read("public/alpha/index.html");
    let first = stylesheet_hash(&page);
    assert!(first.bytes().all(|b| b.is_ascii_hexdigit()), "{first}");
    assert!(
        page.contains(&format!("href=\"../style.css?h={first}\"")),
        "{page}"
    );
    assert!(
        site.read("public/index.html")
            .contains(&format!("href=\"style.css?h={first}\""))
    );

    // The same bytes give the same hash; other bytes another.
    site.write("templates/style.css", "body { color: red; }\n");
    site.build();
    let second = stylesheet_hash(&site.read("public/alpha/index.html"));
    assert_ne!(first, second);
    let again = content_only();
    again.write("templates/style.css", "body { color: red; }\n");
    again.build();
    assert_eq!(second, stylesheet_hash(&again.read("public/alpha/index.html")));

    // Assets under content/ too.
    site.write("content/data.json", "{}");
    site.write(
        "templates/page.html",
        "{{ get_url(path=\"data.json\", cachebust=true) }}",
    );
    site.build();
    let line = site.read("public/alpha/index.html");
    assert!(
        line.starts_with("../data.json?h=") && line.len() == "../data.json?h=".len() + 16,
        "{line}"
    );
}

#[test]
fn cachebust_on_a_page_or_with_a_wrong_value_is_an_error() {
    let site = Site::base();
    site.write(
        "templates/page.html",
        "{{ get_url(path=\"@/alpha.md\", cachebust=true) }}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/page.html:1:")
        .stderr_has("`cachebust` applies to files, and `@/alpha.md` is a page");
    site.write(
        "templates/page.html",
        "{{ get_url(path=\"style.css\", cachebust=\"yes\") }}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("`get_url` needs `cachebust` as true or false");
}

#[test]
fn the_output_is_deterministic_with_the_built_in_theme() {
    let one = content_only();
    one.build();
    let two = content_only();
    two.build();
    assert_eq!(one.tree("public"), two.tree("public"));
}
