//! The glossary: defined once, marked up where each page first uses a term.

use crate::harness::Site;

fn site_with_glossary() -> Site {
    let site = Site::base();
    site.write(
        "content/glossary.toml",
        "title = \"Words\"\ndescription = \"Terms used here.\"\nweight = 5\n\n\
         [[terms]]\nterm = \"first heading\"\ndefinition = \"The heading that comes first.\"\n\n\
         [[terms]]\nterm = \"note\"\ndefinition = \"A short text.\"\naliases = [\"notes\"]\n",
    );
    site.write(
        "templates/glossary.html",
        "{% extends \"base.html\" %}{% block body %}<h1>{{ page.title }}</h1><dl>{% for t in glossary %}<dt id=\"{{ t.id }}\"><dfn>{{ t.term }}</dfn></dt><dd>{{ t.definition }}</dd>{% endfor %}</dl>{% endblock body %}",
    );
    site
}

#[test]
fn the_glossary_is_a_page_and_terms_link_to_it() {
    let site = site_with_glossary();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\nA note about notes, and a [note](@/alpha.md).\n\nAnother note.\n",
    );
    site.build();
    let glossary = site.read("public/glossary/index.html");
    assert!(
        glossary.contains("<dt id=\"note\"><dfn>note</dfn></dt><dd>A short text.</dd>"),
        "{glossary}"
    );
    assert!(
        !glossary.contains("glossary-term"),
        "the glossary does not mark its own terms"
    );

    let page = site.read("public/notes/first/index.html");
    assert_eq!(page.matches("class=\"glossary-term\"").count(), 1, "{page}");
    assert!(
        page.contains("<p>A <a class=\"glossary-term\" href=\"../../glossary/index.html#note\" aria-describedby=\"glossary-note\">note</a>"),
        "{page}"
    );
    assert!(
        page.contains("role=\"tooltip\" hidden>A short text.</span>"),
        "{page}"
    );
    // The glossary page is listed like any page of its section.
    assert!(
        site.read("public/index.html")
            .contains("glossary/index.html\">Words</a>")
    );
}

#[test]
fn links_to_the_glossary_file_work() {
    let site = site_with_glossary();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\nSee [the words](@/glossary.toml#note).\n",
    );
    site.build();
    assert!(
        site.read("public/alpha/index.html")
            .contains("href=\"../glossary/index.html#note\"")
    );
}

#[test]
fn a_glossary_page_without_the_terms_ids_is_an_error() {
    // A site's page.html without the block the built-in glossary.html
    // fills: the terms would be left out, and every link to them broken.
    let site = Site::base();
    site.write(
        "content/glossary.toml",
        "[[terms]]\nterm = \"tariff\"\ndefinition = \"A tax.\"\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}{{ page.content | safe }}{% endblock body %}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("(built-in theme)/glossary.html: the glossary page has no element with the id `tariff`, which pages that use the term link to (rendering content/glossary.toml)");
    // A glossary template of the site's own that leaves out the ids.
    site.write(
        "templates/glossary.html",
        "{% for t in glossary %}<dt>{{ t.term }}</dt>{% endfor %}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/glossary.html: the glossary page has no element with the id `tariff`");
    site.write(
        "templates/glossary.html",
        "{% for t in glossary %}<dt id=\"{{ t.id }}\">{{ t.term }}</dt>{% endfor %}",
    );
    site.build();
}
