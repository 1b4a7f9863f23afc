//! Shortcodes: templates called from Markdown.

use crate::harness::Site;

fn site_with_shortcodes() -> Site {
    let site = Site::base();
    site.write(
        "templates/shortcodes/figure.html",
        "<span class=\"figure\">{% if qualifier is defined %}{{ qualifier }} {% endif %}{{ value }}{{ unit | default(value='') }} <small>{{ label }}</small></span>",
    );
    site.write(
        "templates/shortcodes/note.html",
        "<aside class=\"note\"><h2>{{ title }}</h2>{{ body | safe }}<a href=\"{{ get_url(path='@/alpha.md') }}\">more</a></aside>\n",
    );
    site
}

#[test]
fn inline_and_block_shortcodes() {
    let site = site_with_shortcodes();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n\
         Duties rose to {{ figure(qualifier=\"over\", value=\"100\", unit=\"%\", label=\"before the pause\") }} in all.\n\n\
         {% note(title=\"Why\") %}\nSee [alpha](@/alpha.md#first-heading) and *this*.\n{% end %}\n\n\
         Code stays: `{{ figure(value=1) }}`\n",
    );
    site.build();
    let html = site.read("public/notes/first/index.html");
    assert!(
        html.contains("<p>Duties rose to <span class=\"figure\">over 100% <small>before the pause</small></span> in all.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<aside class=\"note\"><h2>Why</h2><p>See <a href=\"../../alpha/index.html#first-heading\">alpha</a> and <em>this</em>.</p>\n<a href=\"../../alpha/index.html\">more</a></aside>"),
        "{html}"
    );
    assert!(
        !html.contains("<p><aside"),
        "a block shortcode replaces its paragraph: {html}"
    );
    assert!(html.contains("<code>{{ figure(value=1) }}</code>"), "{html}");
}

#[test]
fn calls_with_bodies_nest_and_end_tags_in_code_are_text() {
    let site = site_with_shortcodes();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n\
         {% note(title=\"Outer\") %}\nBefore.\n\n\
         {% note(title=\"Inner\") %}\nInside, with `{% end %}` in code.\n{% end %}\n\n\
         After.\n{% end %}\n\nLast.\n",
    );
    site.build();
    let html = site.read("public/notes/first/index.html");
    assert!(
        html.contains("<aside class=\"note\"><h2>Outer</h2><p>Before.</p>\n<aside class=\"note\"><h2>Inner</h2><p>Inside, with <code>{% end %}</code> in code.</p>\n"),
        "{html}"
    );
    assert!(
        html.contains("<p>After.</p>\n<a href=\"../../alpha/index.html\">more</a></aside>\n<p>Last.</p>"),
        "{html}"
    );
}

#[test]
fn deeply_nested_arguments_are_an_error_not_a_crash() {
    let site = site_with_shortcodes();
    let depth = 10_000;
    site.write(
        "content/notes/first.md",
        format!(
            "+++\ntitle = \"First note\"\n+++\n{{{{ figure(value={}1{}, label=\"x\") }}}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/notes/first.md:4:49: lists nest more than 32 deep in this argument");
}

#[test]
fn calls_escaped_commented_or_written_to_be_shown_stay_text() {
    let site = site_with_shortcodes();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n\
         Escaped: \\{{ figure(value=\"1\", label=\"x\") }}.\n\n\
         Shown: {{/* figure(value=\"2\") */}}.\n\n\
         New form: \\{{ <figure value=\"4\" label=\"z\" /> }}, \\{% <note title=\"T\"> %}, \\{% </note> %}, \\{{ <figure value=5 /> }}.\n\n\
         Shown too: {{/* <figure value=\"6\" /> */}}.\n\n\
         <!-- TODO: {{ chart(data) }} and {% end %} -->\n\n\
         Inline <!-- {{ figure(oops) }} --> comment.\n\n\
         <!--\n{{ figure(also oops) }}\n-->\n\n\
         After: {{ figure(value=\"3\", label=\"y\") }}\n",
    );
    site.build();
    let html = site.read("public/notes/first/index.html");
    // Shown exactly as written: no quotes made typographic, no HTML made
    // of a component's tag.
    assert!(
        html.contains("<p>Escaped: {{ figure(value=\"1\", label=\"x\") }}.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p>Shown: {{ figure(value=\"2\") }}.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p>New form: {{ &lt;figure value=\"4\" label=\"z\" /&gt; }}, {% &lt;note title=\"T\"&gt; %}, {% &lt;/note&gt; %}, {{ &lt;figure value=5 /&gt; }}.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p>Shown too: {{ &lt;figure value=\"6\" /&gt; }}.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<!-- TODO: {{ chart(data) }} and {% end %} -->"),
        "{html}"
    );
    assert!(
        html.contains("Inline <!-- {{ figure(oops) }} --> comment."),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"figure\">3 <small>y</small></span>"),
        "{html}"
    );
}

#[test]
fn a_call_in_a_heading_gives_the_id_and_contents_entry_its_text() {
    let site = site_with_shortcodes();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<nav>{% for h in page.toc %}[{{ h.id }}|{{ h.title }}]{% endfor %}</nav>{{ page.content | safe }}{% endblock body %}",
    );
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n## Cost {{ figure(value=\"10\", unit=\"%\", label=\"more\") }}\n\nText.\n",
    );
    site.build();
    let html = site.read("public/notes/first/index.html");
    assert!(html.contains("<nav>[cost-10-more|Cost 10% more]</nav>"), "{html}");
    assert!(html.contains("<h2 id=\"cost-10-more\">"), "{html}");
    assert!(!html.contains('\u{FDD1}'), "{html}");
}

#[test]
fn a_call_where_its_html_cannot_go_is_an_error_at_its_line() {
    let site = site_with_shortcodes();
    for (markdown, column) in [
        ("[a](https://e.org/?q={{ figure(value=\"1\") }})", 1),
        ("[a](https://e.org/ \"title {{ figure(value=\"1\") }}\")", 1),
        ("![alt {{ figure(value=\"1\") }}](x.png)", 1),
        ("Go to <https://e.org/{{ figure(value=\"1\") }}>.", 7),
    ] {
        site.write(
            "content/notes/first.md",
            format!("+++\ntitle = \"First note\"\n+++\n{markdown}\n"),
        );
        site.run(&["build"])
            .failure(1)
            .stderr_has(&format!(
                "content/notes/first.md:4:{column}: a shortcode cannot stand in a link's address or title, or in an image's description"
            ));
    }
}

#[test]
fn calls_in_the_component_form_render_as_the_older_form_does() {
    let site = site_with_shortcodes();
    let older = "Duties rose to {{ figure(qualifier=\"over\", value=\"100\", unit=\"%\", label=\"before the pause\") }} in all.\n\n\
         {% note(title=\"Why\") %}\nSee [alpha](@/alpha.md#first-heading) and *this*.\n\n\
         {% note(title=\"Inner\") %}\nNested.\n{% end %}\n{% end %}\n";
    let component = "Duties rose to {{ <figure qualifier=\"over\" value=\"100\" unit=\"%\" label=\"before the pause\" /> }} in all.\n\n\
         {% <note title=\"Why\"> %}\nSee [alpha](@/alpha.md#first-heading) and *this*.\n\n\
         {% <note title=\"Inner\"> %}\nNested.\n{% </note> %}\n{% </note> %}\n";
    site.write(
        "content/notes/first.md",
        format!("+++\ntitle = \"First note\"\n+++\n{older}"),
    );
    site.write(
        "content/notes/second.md",
        format!("+++\ntitle = \"First note\"\n+++\n{component}"),
    );
    site.build();
    let body = |path: &str| {
        let html = site.read(path);
        let start = html.find("<p>Duties").expect("the body");
        html[start..html.rfind("</aside>").expect("the notes")].to_string()
    };
    let first = body("public/notes/first/index.html");
    assert!(
        first.contains("<span class=\"figure\">over 100% <small>before the pause</small></span>"),
        "{first}"
    );
    assert!(first.contains("<h2>Inner</h2><p>Nested.</p>"), "{first}");
    assert_eq!(body("public/notes/second/index.html"), first);
}

#[test]
fn a_component_closed_by_the_wrong_tag_is_an_error_at_the_tag() {
    let site = site_with_shortcodes();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\nCode stays: `{% </note> %}`\n\n{% <note title=\"Why\"> %}\nText.\n{% end %}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/notes/first.md:8:1: `{% end %}` cannot close the component `note`: write `{% </note> %}`")
        .stderr_has("close a component with a body with {% </name> %}");
}

#[test]
fn a_heading_never_takes_an_id_a_calls_body_or_output_holds() {
    let site = site_with_shortcodes();
    site.write(
        "templates/shortcodes/marked.html",
        "<span id=\"marked\">{{ body | safe }}</span>",
    );
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n## Same\n\n{% <note title=\"N\"> %}\n## Same\n{% </note> %}\n\n{% <note title=\"M\"> %}\n## Same\n{% </note> %}\n\n{% <marked> %}x{% </marked> %}\n\n## Marked\n",
    );
    site.build();
    let html = site.read("public/notes/first/index.html");
    for id in ["same", "same-1", "same-2", "marked", "marked-1"] {
        assert_eq!(html.matches(&format!(" id=\"{id}\"")).count(), 1, "{id}: {html}");
    }
}
