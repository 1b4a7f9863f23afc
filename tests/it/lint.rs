//! Problems of form in Markdown: errors by default, warnings on request.

use crate::harness::Site;

#[test]
fn problems_of_form_fail_the_build_or_warn() {
    let site = Site::base();
    site.build();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n![](photo.png)\n",
    );
    // The first bytes of a PNG two pixels wide and one high.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0]);
    site.write("content/photo.png", png);
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:4:1: an image has no alt text");
    let run = site.run(&["build", "--lint", "warn"]).success();
    assert!(
        run.stderr
            .starts_with("warning: content/alpha.md:4:1: an image has no alt text"),
        "{}",
        run.stderr
    );
    assert!(
        site.read("public/alpha/index.html")
            .contains("<img src=\"../photo.png\" alt=\"\" width=\"2\" height=\"1\" />")
    );
    // check counts the warnings rather than saying there is no problem.
    site.run(&["check", "--lint", "warn"])
        .success()
        .stdout_has(": no errors, 1 warning");
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n![a](photo.png)\n",
    );
    site.run(&["check"]).success().stdout_has(": no problems found");
}

#[test]
fn ids_are_unique_across_the_whole_page_the_themes_own_included() {
    let site = Site::base();
    // The built-in theme, whose pages have `main` (and `top` is the page's top).
    site.remove("templates");
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n## Main\n\n## Top\n\n## Fn 1\n\nA note.[^1]\n\n[^1]: The note.\n\n[down](#main-1)\n",
    );
    site.write(
        "content/glossary.toml",
        "[[terms]]\nterm = \"main\"\ndefinition = \"The chief one.\"\n",
    );
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\nThe main point.\n",
    );
    site.build();
    let alpha = site.read("public/alpha/index.html");
    for id in ["main-1", "top-1", "fn-1-1", "fn-1", "fnref-1"] {
        assert!(alpha.contains(&format!("id=\"{id}\"")), "{id}: {alpha}");
    }
    assert_eq!(alpha.matches("id=\"main\"").count(), 1, "{alpha}");
    let glossary = site.read("public/glossary/index.html");
    assert!(glossary.contains("id=\"main-1\""), "{glossary}");
    assert_eq!(glossary.matches("id=\"main\"").count(), 1);
    let note = site.read("public/notes/first/index.html");
    assert!(note.contains("glossary/index.html#main-1\""), "{note}");

    // Written by hand, the theme's own id is used twice: an error at its line.
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n## Here {#main}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:4:1: the id `main` is used twice on this page");
    // One the Markdown cannot see: a template that writes an id twice.
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\nText.\n");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"twice\">a</p><p id=\"twice\">b</p>{% block before_content %}{% endblock before_content %}{% endblock content %}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md: the id `twice` is used twice on the page made from this file");
    site.run(&["build", "--lint", "warn"])
        .success()
        .stderr_has("warning: content/alpha.md: the id `twice` is used twice");
}
