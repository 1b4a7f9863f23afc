//! What templates can use: context variables, functions, inheritance.

use crate::harness::Site;

#[test]
fn config_and_page_context() {
    let site = Site::base();
    site.remove("content/notes/first.md");
    site.write(
        "content/site.toml",
        "title = \"T\"\ndescription = \"D\"\nbase_url = \"https://example.org/sub\"\nlanguage = \"fr\"\nauthor = \"A\"\n[extra]\nsource = \"S\"\n",
    );
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\ndescription = \"Desc\"\ndate = 2025-05-01\nupdated = 2025-06-01\nweight = 1\n[extra]\nn = 3\n+++\none two three\n",
    );
    site.write(
        "templates/page.html",
        "{{ config.title }}|{{ config.description }}|{{ config.base_url }}|{{ config.language }}|{{ config.author }}|{{ config.extra.source }}\n\
         {{ page.title }}|{{ page.description }}|{{ page.date }}|{{ page.updated }}|{{ page.slug }}|{{ page.path }}|{{ page.permalink }}\n\
         {{ page.relative_path }}|{{ page.weight }}|{{ page.word_count }}|{{ page.reading_time }}|{{ page.extra.n }}|{{ current_path }}\n\
         {% for a in page.ancestors %}{{ a.title }}:{{ a.path }};{% endfor %}",
    );
    site.build();
    assert_eq!(
        site.read("public/alpha/index.html"),
        "T|D|https://example.org/sub/|fr|A|S\n\
         Alpha|Desc|2025-05-01|2025-06-01|alpha|alpha/|https://example.org/sub/alpha/\n\
         alpha.md|1|3|1|3|alpha/\n\
         Home:;"
    );
}

#[test]
fn section_context() {
    let site = Site::base();
    site.write(
        "content/notes/sub/_index.md",
        "+++\ntitle = \"Sub\"\ndescription = \"Below\"\n+++\n",
    );
    site.write(
        "templates/section.html",
        "{{ section.title }}|{{ section.path }}|{{ section.relative_path }}|{% for p in section.pages %}{{ p.title }}:{{ p.path }}{% endfor %}|{% for s in section.subsections %}{{ s.title }}:{{ s.description }}:{{ s.path }}{% endfor %}|{{ current_path }}",
    );
    site.build();
    assert_eq!(
        site.read("public/notes/index.html"),
        "Notes|notes/|notes/_index.md|First note:notes/first/|Sub:Below:notes/sub/|notes/"
    );
}

#[test]
fn front_matter_is_escaped_and_content_is_raw() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"<script>alert(1)</script>\"\n+++\n<span class=\"raw\">raw html</span>\n",
    );
    site.write(
        "templates/page.html",
        "{{ page.title }}|{{ page.content | safe }}",
    );
    site.build();
    let html = site.read("public/alpha/index.html");
    assert!(html.starts_with("&lt;script&gt;"), "{html}");
    assert!(html.contains("<span class=\"raw\">raw html</span>"), "{html}");
}

#[test]
fn a_page_can_pick_its_template_and_templates_share_components_and_includes() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\ntemplate = \"special.html\"\n+++\n",
    );
    site.write(
        "templates/parts/shout.html",
        "{% component shout(text: string) %}{{ text | upper }}!{% endcomponent shout %}",
    );
    site.write("templates/partials/note.html", "[note about {{ page.title }}]");
    site.write(
        "templates/special.html",
        "{% extends \"base.html\" %}{% block body %}{{ <shout text={page.title} /> }}{% include \"partials/note.html\" %}{% endblock body %}",
    );
    site.build();
    let html = site.read("public/alpha/index.html");
    assert!(html.contains("<body>ALPHA![note about Alpha]</body>"), "{html}");
}

#[test]
fn load_data_reads_every_format() {
    let site = Site::base();
    site.write("content/data/a.toml", "n = 1\n");
    site.write("content/data/b.json", "{\"n\": 2}");
    site.write("content/data/c.yaml", "n: 3\n");
    site.write("content/data/d.csv", "n,m\n4,5\n");
    site.write(
        "templates/page.html",
        "{% set a = load_data(path='data/a.toml') %}{% set b = load_data(path='data/b.json') %}{% set c = load_data(path='data/c.yaml') %}{% set d = load_data(path='data/d.csv') %}{{ a.n }}{{ b.n }}{{ c.n }}{{ d.records[0][0] }}",
    );
    site.build();
    assert_eq!(site.read("public/alpha/index.html"), "1234");
}

#[test]
fn not_found_page_is_rendered_at_the_root() {
    let site = Site::base();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block body %}<a href=\"{{ get_url(path='') }}\">home</a> {{ current_path }}{% endblock body %}",
    );
    site.build();
    let html = site.read("public/404.html");
    assert!(
        html.contains("<a href=\"index.html\">home</a> 404.html"),
        "{html}"
    );
    assert!(html.contains("href=\"style.css\""), "{html}");
}

#[test]
fn sitemap_robots_and_feed_with_a_base_url() {
    let site = Site::base();
    site.run(&["build", "--base-url", "https://example.org/explainer"])
        .success();
    let sitemap = site.read("public/sitemap.xml");
    for loc in ["", "alpha/", "notes/", "notes/first/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org/explainer/{loc}</loc>")),
            "{loc}: {sitemap}"
        );
    }
    assert!(
        sitemap.contains("<lastmod>2025-05-01T00:00:00Z</lastmod>"),
        "{sitemap}"
    );
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.org/explainer/sitemap.xml")
    );
    let feed = site.read("public/atom.xml");
    assert!(feed.contains("<title>First note</title>"), "{feed}");
    assert!(
        !feed.contains("<title>Alpha</title>"),
        "undated pages are not in the feed: {feed}"
    );
    assert!(
        feed.contains("href=&quot;https://example.org/explainer/index.html&quot;"),
        "links in the feed are absolute: {feed}"
    );
}

#[test]
fn the_feed_holds_the_newest_pages_up_to_its_limit() {
    let site = Site::base();
    site.write(
        "content/site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\nfeed_limit = 2\n",
    );
    for (name, date) in [
        ("old", "2020-01-01"),
        ("mid", "2022-01-01"),
        ("new", "2024-01-01"),
    ] {
        site.write(
            &format!("content/notes/{name}.md"),
            format!("+++\ntitle = \"{name}\"\ndate = {date}\n+++\n"),
        );
    }
    site.build();
    let feed = site.read("public/atom.xml");
    let titles: Vec<&str> = feed
        .split("<title>")
        .skip(2)
        .map(|t| t.split('<').next().unwrap())
        .collect();
    assert_eq!(titles, vec!["First note", "new"], "{feed}");
    assert!(
        feed.contains("  <updated>2025-05-01T00:00:00Z</updated>"),
        "{feed}"
    );
}

#[test]
fn without_a_base_url_there_is_no_sitemap_or_feed() {
    let site = Site::base();
    site.build();
    assert!(!site.exists("public/sitemap.xml"));
    assert!(!site.exists("public/atom.xml"));
    assert_eq!(site.read("public/robots.txt"), "User-agent: *\nAllow: /\n");
}

#[test]
fn base_url_from_the_command_line_wins() {
    let site = Site::base();
    site.write(
        "content/site.toml",
        "title = \"T\"\nbase_url = \"https://old.example.org/\"\n",
    );
    site.write("templates/page.html", "{{ page.permalink }}");
    site.run(&["build", "--base-url", "https://new.example.org/x/"])
        .success();
    assert_eq!(
        site.read("public/alpha/index.html"),
        "https://new.example.org/x/alpha/"
    );
}

#[test]
fn fields_named_only_in_an_included_or_parent_template_are_made() {
    let site = Site::base();
    site.write(
        "content/notes/second.md",
        "+++\ntitle = \"Second note\"\nweight = 2\n+++\n## One\n\n### Two\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"middle.html\" %}{% block body %}{{ page.title }}{% include \"parts/toc.html\" %}{% endblock body %}",
    );
    site.write(
        "templates/middle.html",
        "{% extends \"base.html\" %}{% block title %}{% for a in page.ancestors %}{{ a.title }}/{% endfor %}{% endblock title %}",
    );
    site.write(
        "templates/parts/toc.html",
        "|{% for h in page.toc %}{{ h.id }}({% for c in h.children %}{{ c.id }}{% endfor %}){% endfor %}|{{ page.lower.title | default(value=\"\") }}{{ page.higher.title | default(value=\"\") }}",
    );
    site.build();
    let second = site.read("public/notes/second/index.html");
    assert!(second.contains("<title>Home/Notes/</title>"), "{second}");
    assert!(second.contains("Second note|one(two)|First note"), "{second}");
}

#[test]
fn a_template_that_reads_fields_by_value_gets_every_field() {
    let site = Site::base();
    site.write(
        "templates/page.html",
        "{% for key, value in page %}{{ key }},{% endfor %}",
    );
    site.build();
    let keys = site.read("public/alpha/index.html");
    for key in ["ancestors,", "higher,", "lower,", "toc,", "title,", "content,"] {
        assert!(keys.contains(key), "{key} missing in {keys}");
    }
}

#[test]
fn a_template_may_render_nothing() {
    // An empty section list renders to an empty file, not a write error.
    let site = Site::base();
    site.remove("content/notes/first.md");
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }}{% endfor %}",
    );
    site.build();
    assert_eq!(site.read("public/notes/index.html"), "");
}

#[test]
fn template_nesting_up_to_the_limit_builds_and_deeper_is_an_error() {
    let nested = |depth: usize| {
        format!(
            "{{% extends \"base.html\" %}}{{% block body %}}{}deep{}{{% endblock body %}}",
            "{% if true %}".repeat(depth),
            "{% endif %}".repeat(depth)
        )
    };
    let site = Site::base();
    // Tera 2 parses 40 levels, the block around them one.
    site.write("templates/page.html", nested(38));
    site.build();
    assert!(site.read("public/alpha/index.html").contains("deep"));
    site.write("templates/page.html", nested(39));
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/page.html:1:547: template error: The template nesting is too deep");
    // Far deeper, in a template no page uses: still an error, not a crash.
    site.write("templates/page.html", nested(1));
    site.write("templates/unused.html", nested(100_000));
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/unused.html:1:")
        .stderr_has("The template nesting is too deep");
    site.write(
        "templates/unused.html",
        format!("{{{{ {}1{} }}}}", "(".repeat(100_000), ")".repeat(100_000)),
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/unused.html:1:43: template error: The expression is too complex");
}

#[test]
fn chains_of_includes_up_to_the_limit_render_and_longer_ones_are_an_error() {
    let site = Site::base();
    let chain = |length: usize| {
        for i in 0..length {
            let body = if i + 1 < length {
                format!("{{% include \"chain/{}.html\" %}}", i + 1)
            } else {
                "end of the chain".to_string()
            };
            site.write(&format!("templates/chain/{i}.html"), body);
        }
    };
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}{% include \"chain/0.html\" %}{% endblock body %}",
    );
    // page.html and 32 more.
    chain(32);
    site.build();
    assert!(site.read("public/alpha/index.html").contains("end of the chain"));
    chain(33);
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/page.html:1:54: templates include each other more than 32 deep: page.html -> chain/0.html -> ...");
    site.remove("templates/chain");
    chain(3000);
    site.run(&["build"]).failure(1).stderr_has("more than 32 deep");
}

#[test]
fn chains_of_extends_too_long_or_in_a_loop_are_an_error_not_a_crash() {
    let site = Site::base();
    site.write("templates/page.html", "{% extends \"layout/0.html\" %}");
    for i in 0..3000 {
        site.write(
            &format!("templates/layout/{i}.html"),
            format!("{{% extends \"layout/{}.html\" %}}", i + 1),
        );
    }
    site.write("templates/layout/3000.html", "end");
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/layout/0.html:1:13: templates extend each other more than 32 deep: layout/0.html -> layout/1.html -> layout/2.html -> layout/3.html -> ...");
    site.remove("templates/layout");
    site.write("templates/layout/0.html", "{% extends \"layout/1.html\" %}");
    site.write("templates/layout/1.html", "{% extends \"layout/0.html\" %}");
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates extend each other in a loop: layout/0.html -> layout/1.html -> layout/0.html");
}

#[test]
fn linked_templates_inside_the_templates_folder_are_used() {
    let site = Site::base();
    site.write(
        "templates/shared/page.html",
        "{% extends \"base.html\" %}{% block body %}shared page{% endblock body %}",
    );
    site.write("templates/shared/extra.css", "p { color: red }");
    site.remove("templates/page.html");
    std::os::unix::fs::symlink("shared/page.html", site.root.join("templates/page.html")).unwrap();
    std::os::unix::fs::symlink("shared/extra.css", site.root.join("templates/extra.css")).unwrap();
    std::os::unix::fs::symlink("shared", site.root.join("templates/linked-folder")).unwrap();
    site.build();
    assert!(site.read("public/alpha/index.html").contains("shared page"));
    assert_eq!(site.read("public/extra.css"), "p { color: red }");
    assert_eq!(site.read("public/linked-folder/extra.css"), "p { color: red }");
    // The whole theme may live elsewhere, linked in as templates/.
    let theme = site.outside().join("theme");
    std::fs::rename(site.root.join("templates"), &theme).unwrap();
    std::os::unix::fs::symlink(&theme, site.root.join("templates")).unwrap();
    site.build();
    assert!(site.read("public/alpha/index.html").contains("shared page"));
    // A link out of it is refused, not skipped in silence.
    std::os::unix::fs::symlink("/etc/hostname", theme.join("host.html")).unwrap();
    site.run(&["build"]).failure(1).stderr_has(
        "templates/host.html: a symbolic link points outside the templates folder, to /etc/hostname",
    );
}

#[test]
fn a_site_writes_the_markup_of_headings_glossary_terms_and_notes() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n## Plain\n\n### With [a link](https://example.org/)\n\nA word[^n] and rain[^n].\n\n[^n]: The note.\n",
    );
    site.write(
        "content/glossary.toml",
        "title = \"Terms\"\n[[terms]]\nterm = \"rain\"\ndefinition = \"Water & more.\"\n",
    );
    site.write(
        "templates/markup/heading.html",
        "{#- Ours -#}\n{% if has_link %}{{ text | safe }} <a href=\"#{{ id }}\">¶</a>{% else %}<a href=\"#{{ id }}\">{{ text | safe }}</a>{% endif %} [h{{ level }}]\n",
    );
    site.write(
        "templates/markup/glossary-term.html",
        "<abbr title=\"{{ definition }}\"><a href=\"{{ href }}\">{{ text | safe }}</a></abbr>\n",
    );
    site.write(
        "templates/markup/footnote-reference.html",
        "<a class=\"ref\" id=\"{{ id }}\" href=\"#{{ note_id }}\">[{{ number }}]</a>\n",
    );
    site.write(
        "templates/markup/footnote-backref.html",
        "<a href=\"#{{ reference_id }}\">{% if repeated %}{{ occurrence }}{% else %}back{% endif %}</a>\n",
    );
    site.write(
        "templates/markup/footnotes.html",
        "<aside lang=\"{{ config.language }}\"><ol>{{ notes | safe }}</ol></aside>\n",
    );
    site.write(
        "templates/glossary.html",
        "{% for t in glossary %}<dt id=\"{{ t.id }}\">{{ t.term }}</dt>{% endfor %}",
    );
    site.build();
    let html = site.read("public/alpha/index.html");
    for expected in [
        "<h2 id=\"plain\"><a href=\"#plain\">Plain</a> [h2]</h2>",
        "<h3 id=\"with-a-link\">With <a href=\"https://example.org/\">a link</a> <a href=\"#with-a-link\">¶</a> [h3]</h3>",
        "A word<a class=\"ref\" id=\"fnref-1\" href=\"#fn-1\">[1]</a> and \
         <abbr title=\"Water &amp; more.\"><a href=\"../glossary/index.html#rain\">rain</a></abbr>\
         <a class=\"ref\" id=\"fnref-1-2\" href=\"#fn-1\">[1]</a>.",
        "<aside lang=\"en\"><ol><li id=\"fn-1\"><p>The note. <a href=\"#fnref-1\">1</a> <a href=\"#fnref-1-2\">2</a></p></li>\n</ol></aside>\n",
    ] {
        assert!(html.contains(expected), "{expected}\nnot in\n{html}");
    }
    assert_eq!(
        site.read("public/glossary/index.html"),
        "<dt id=\"rain\">rain</dt>"
    );
}

#[test]
fn a_markup_template_may_not_change_the_values_it_stands_for() {
    let site = Site::base();
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\n## Plain\n");
    site.write(
        "templates/markup/heading.html",
        "<a href=\"#{{ id | upper }}\">{{ text | safe }}</a>\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has(
            "templates/markup/heading.html: the template changes `id`, which it may only write as it is",
        )
        .stderr_has("write the value as it is (`{{ id }}`, `{{ text | safe }}`), without a filter");
    assert!(!site.exists("public"));

    // Any filter that changes or measures a value, and HTML text printed
    // without `| safe` (escaped again), is caught the same way.
    for (template, written, named) in [
        (
            "heading",
            "{{ id | length }}",
            "changes or tests one of `id`, `text`",
        ),
        (
            "heading",
            "{{ id | slugify }}",
            "changes or tests one of `id`, `text`",
        ),
        (
            "heading",
            "{{ id | urlencode }}",
            "changes or tests one of `id`, `text`",
        ),
        ("heading", "{{ text | striptags }}", "changes `text`"),
        ("heading", "{{ text | lower }}", "changes `text`"),
        ("heading", "{{ text }}", "changes `text`"),
        (
            "heading",
            "{{ text | replace(from=\"T\", to=\"t\") }}",
            "changes `text`",
        ),
        (
            "glossary-term",
            "{{ definition | truncate(length=20) }}",
            "changes `definition`",
        ),
        (
            "footnote-reference",
            "<sup>{{ number | length }}</sup>",
            "changes or tests one of `number`, `id`, `note_id`",
        ),
    ] {
        let site = Site::base();
        site.write(
            "content/alpha.md",
            "+++\ntitle = \"Alpha\"\n+++\n## Plain\n\nA[^n].\n\n[^n]: Note.\n",
        );
        site.write(
            "content/glossary.toml",
            "[[terms]]\nterm = \"plain\"\ndefinition = \"D.\"\n",
        );
        let text = match template {
            "heading" => format!("<a href=\"#{{{{ id }}}}\">{{{{ text | safe }}}}</a> {written}"),
            "glossary-term" => format!("{{{{ text | safe }}}} {written}"),
            _ => written.to_string(),
        };
        site.write(&format!("templates/markup/{template}.html"), text);
        let run = site.run(&["build"]).failure(1);
        run.stderr_has(&format!("templates/markup/{template}.html: the template {named}"));
    }

    // A value it does not have is an error at its line, once.
    site.write(
        "templates/markup/heading.html",
        "\n<a href=\"#{{ anchor }}\">{{ text | safe }}</a>\n",
    );
    let run = site.run(&["build"]).failure(1);
    run.stderr_has("templates/markup/heading.html:2:")
        .stderr_has("Variable `anchor` is not defined");
    assert_eq!(
        run.describe().matches("Variable `anchor` is not defined").count(),
        1,
        "{}",
        run.describe()
    );
}

#[test]
fn a_note_reference_without_an_id_in_the_markup_gives_the_page_no_such_id() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\nA[^n] and [back](#fnref-1).\n\n[^n]: Note.\n",
    );
    site.write(
        "templates/markup/footnote-reference.html",
        "<sup>{{ number }}</sup>",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:4:11: broken link: `#fnref-1` has no heading with the id `fnref-1`");
}
