//! A site written in Zola 0.23's component syntax: components defined in
//! the site's templates with typed arguments and defaults, one calling
//! another, one reading the site's settings through `@config`, called from
//! Markdown inline and with a body (bodies nested), beside a component of
//! the built-in theme and a call in the older form.

use crate::harness::Site;

#[test]
fn a_site_in_zola_components_syntax_renders_as_documented() {
    let site = Site::fixture("zola-components");
    site.build();
    let home = site.read("public/index.html");
    for expected in [
        // Inline, with an integer attribute in braces.
        "<p>The plot has <span class=\"stat\"><b>42</b> raised beds</span> and a waiting list.</p>",
        // With a body rendered as Markdown, a call inside it, another
        // component called by this one, a default, and `@config`.
        "<aside class=\"callout callout--tip\"><span class=\"badge\">TIP</span><h2>Before you dig</h2><p>Ask for a <em>plot map</em> first. It lists <span class=\"stat\"><b>6</b> shared taps</span>.</p>",
        "<aside class=\"callout callout--note\"><span class=\"badge\">NOTE</span><h2>Nested</h2><p>A body may hold calls with bodies.</p>\n<small>The allotment</small></aside><small>The allotment</small></aside>",
        // The built-in theme's component beside the site's own.
        "<span class=\"key-figure\"><span class=\"figure__value\"><span class=\"figure__number\">3<span class=\"figure__unit\"> m</span></span></span> <span class=\"figure__label\">between paths</span></span>",
        // The older form calls the same component.
        "<p>The older form still works: <span class=\"stat\"><b>12</b> compost bays</span>.</p>",
        // Code stays code.
        "<p><code>{{ &lt;stat value={1} label=\"in code\" /&gt; }}</code> stays as written.</p>",
    ] {
        assert!(home.contains(expected), "lacks {expected}\nin {home}");
    }
}

#[test]
fn a_sites_component_replaces_the_built_in_one_of_its_name() {
    let site = Site::fixture("zola-components");
    site.write(
        "templates/parts/figure.html",
        "{% component figure(value, label: string, unit: string = \"\") %}<mark>{{ value }}{{ unit }}: {{ label }}</mark>{% endcomponent figure %}",
    );
    site.build();
    let home = site.read("public/index.html");
    assert!(home.contains("<mark>3 m: between paths</mark>"), "{home}");
    assert!(!home.contains("key-figure"), "{home}");
}

#[test]
fn a_call_with_the_wrong_arguments_is_an_error_at_the_argument() {
    let site = Site::fixture("zola-components");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"The allotment\"\n+++\nBeds: {{ <stat value=\"42\" label=\"raised beds\" /> }}\n\n{% <callout kind=\"tip\"> %}\nNo title.\n{% </callout> %}\n\n{{ <quote speaker=\"A\" /> }}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/_index.md:4:16: `value` of the component `stat` is a string, and `stat` takes an integer there")
        .stderr_has("content/_index.md:6:1: the component `callout` needs the argument `title`")
        .stderr_has("content/_index.md:10:1: the call of `quote` failed: a quote needs its words");
}
