//! Internal links: checked at build time, written relative and naming files.

use crate::harness::Site;

fn hrefs(html: &str) -> Vec<String> {
    html.split(" href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn markdown_links_become_relative_file_links() {
    let site = Site::base();
    site.write(
        "content/notes/links.md",
        "+++\ntitle = \"Links\"\n+++\n\
         [a](@/alpha.md) [b](@/alpha.md#first-heading) [c](../alpha.md) [d](first.md)\n\
         [e](/alpha/) [f](/notes/first/) [g](/) [h](@/notes/_index.md) [i](/style.css)\n\
         [j](https://example.org/x) [k](#own) [l](mailto:a@example.org) [m](chart.svg)\n\n## Own\n",
    );
    site.write(
        "content/notes/chart.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build();
    let html = site.read("public/notes/links/index.html");
    let found = hrefs(&html);
    for expected in [
        "../../alpha/index.html",
        "../../alpha/index.html#first-heading",
        "../first/index.html",
        "../../index.html",
        "../index.html",
        "../../style.css",
        "https://example.org/x",
        "#own",
        "mailto:a@example.org",
        "../chart.svg",
    ] {
        assert!(
            found.iter().any(|h| h == expected),
            "no link {expected} in {found:?}"
        );
    }
    assert!(
        found.iter().all(|h| !h.starts_with('/')),
        "root-absolute link left in {found:?}"
    );
}

#[test]
fn every_internal_link_names_a_file_that_exists() {
    let site = Site::base();
    site.write(
        "content/notes/more.md",
        "+++\ntitle = \"More\"\n+++\n[x](@/alpha.md) [y](/notes/)\n",
    );
    site.build();
    let public = site.root.join("public");
    for (path, bytes) in site.tree("public") {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let dir = public.join(&path).parent().unwrap().to_path_buf();
        for href in hrefs(&html) {
            if href.starts_with('#') || href.contains(':') {
                continue;
            }
            let file = href.split('#').next().unwrap();
            assert!(!file.ends_with('/'), "{path}: link to a folder {href}");
            assert!(
                dir.join(file).is_file(),
                "{path}: {href} does not resolve to a file"
            );
        }
    }
}

#[test]
fn the_summary_works_wherever_it_is_shown() {
    let site = Site::base();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\nSee [alpha](@/alpha.md).\n\n<!-- more -->\n\nRest.\n",
    );
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.summary | safe }}{% endfor %}",
    );
    site.write(
        "templates/index.html",
        "{% for p in section.pages %}{{ p.title }}{% endfor %}",
    );
    site.build();
    assert_eq!(
        site.read("public/notes/index.html"),
        "<p>See <a href=\"../alpha/index.html\">alpha</a>.</p>\n"
    );
}

#[test]
fn get_url_is_relative_to_the_page_and_not_escaped() {
    let site = Site::base();
    site.write(
        "templates/page.html",
        "{{ get_url(path='@/alpha.md') }} {{ get_url(path='style.css') }} {{ get_url(path='') }} {{ get_url(path='/notes/') }}",
    );
    site.build();
    assert_eq!(
        site.read("public/notes/first/index.html"),
        "../../alpha/index.html ../../style.css ../../index.html ../index.html"
    );
    assert_eq!(
        site.read("public/alpha/index.html"),
        "index.html ../style.css ../index.html ../notes/index.html"
    );
}

#[test]
fn heading_ids_self_links_and_table_of_contents() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n## Why now?\n\n### Rare_earths & magnets\n\n## Why now?\n\n## Named {#custom-id}\n",
    );
    site.write(
        "templates/page.html",
        "{% for h in page.toc %}{{ h.id }}({% for c in h.children %}{{ c.id }}{% endfor %}) {% endfor %}\n{{ page.content | safe }}",
    );
    site.build();
    let html = site.read("public/alpha/index.html");
    assert!(
        html.starts_with("why-now(rare-earths-magnets) why-now-1() custom-id() \n"),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"why-now\"><a class=\"heading-link\" href=\"#why-now\">Why now?</a></h2>")
    );
    assert!(html.contains("<h2 id=\"custom-id\">"));
}
