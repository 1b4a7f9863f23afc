//! Templates at and past the limits of Tera 2 and of the engine's own
//! checks, and the faults only Tera 2 brings: each builds, or is an error
//! at its place, never a crash or a page that changes from run to run.

use crate::harness::Site;

/// Components `c0` to `c{count - 1}`, each in its own file, each reaching
/// the next through a chain of `includes` templates; the last writes
/// "leaf".
fn chain_of_components(site: &Site, count: usize, includes: usize) {
    for c in 0..count {
        let body = match c + 1 == count {
            true => "leaf".to_string(),
            false => format!("{{% include \"i{c}/0.html\" %}}"),
        };
        site.write(
            &format!("templates/c{c}.html"),
            format!("{{% component c{c}() %}}{body}{{% endcomponent c{c} %}}"),
        );
        if c + 1 == count {
            break;
        }
        for i in 0..includes {
            let next = match i + 1 == includes {
                true => format!("{{{{ <c{} /> }}}}", c + 1),
                false => format!("{{% include \"i{c}/{}.html\" %}}", i + 1),
            };
            site.write(&format!("templates/i{c}/{i}.html"), next);
        }
    }
}

#[test]
fn the_deepest_components_and_includes_render_and_deeper_is_an_error() {
    let site = Site::base();
    // Page and section templates as the base has them; Markdown calls c0.
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\nHere: {{ <c0 /> }}\n",
    );
    // 21 components inside one another, the most Tera 2 renders from a
    // call in Markdown (20 from a template), each through 31 includes (the
    // chain of includes may be 32 long).
    chain_of_components(&site, 21, 31);
    site.build();
    assert!(site.read("public/alpha/index.html").contains("leaf"));
    // One more is past Tera's limit, said where it cannot be told where.
    chain_of_components(&site, 22, 31);
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:4:7: the call of `c0` failed: components call components too deeply: Tera stops at 20 components inside one another");
}

#[test]
fn components_calling_one_another_without_end_are_an_error_not_a_crash() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n{{ <ping /> }}\n",
    );
    site.write(
        "templates/ping.html",
        "{% component ping() %}{{ <pong /> }}{% endcomponent ping %}",
    );
    site.write(
        "templates/pong.html",
        "{% component pong() %}{{ <ping /> }}{% endcomponent pong %}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("components call components too deeply")
        .stderr_has("look for components that call one another in a loop");
}

#[test]
fn tags_in_comments_and_raw_blocks_are_text() {
    let site = Site::base();
    site.write(
        "templates/page.html",
        "{% raw %}{% include \"page.html\" %}{% endraw %}{# {% extends \"page.html\" %} #}{{ page.title }}",
    );
    site.build();
    assert_eq!(
        site.read("public/alpha/index.html"),
        "{% include \"page.html\" %}Alpha"
    );
}

#[test]
fn an_include_of_a_template_that_extends_another_is_an_error() {
    let site = Site::base();
    site.write(
        "templates/parts/layout.html",
        "PARENT[{% block b %}{% endblock b %}]",
    );
    site.write(
        "templates/parts/child.html",
        "{% extends \"parts/layout.html\" %}{% block b %}CHILD{% endblock b %}",
    );
    site.write("templates/page.html", "A{% include \"parts/child.html\" %}B");
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/page.html:1:14: includes `parts/child.html`, which extends `parts/layout.html`: an include renders only its blocks, not its parent");
}

#[test]
fn the_context_printed_whole_is_an_error_as_its_order_changes() {
    let site = Site::base();
    site.write(
        "templates/page.html",
        "{% for k, v in __tera_context %}{{ k }} {% endfor %}",
    );
    site.run(&["build"]).failure(1).stderr_has(
        "templates/page.html:1:16: `__tera_context` lists the variables in a different order on each run",
    );
}

#[test]
fn a_component_defined_twice_is_an_error_at_the_second() {
    let site = Site::base();
    site.write(
        "templates/a.html",
        "{% component note() %}a{% endcomponent note %}",
    );
    site.write(
        "templates/b.html",
        "\n{% component note() %}b{% endcomponent note %}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/b.html:2:14: the component `note` is defined here and in templates/a.html");
}

#[test]
fn component_faults_from_markdown_name_the_component_or_what_is_missing() {
    let site = Site::base();
    site.write(
        "templates/parts.html",
        "{% component note(label: string) %}<b>{{ lable }}</b>{% endcomponent note %}\n{% component crumbs(@page) %}{{ page.title }}{% endcomponent crumbs %}",
    );
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n{{ <note label=\"a\" /> }}\n\n{{ <crumbs /> }}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:4:1: the call of `note` failed: Variable `lable` is not defined. Available variables: label (templates/parts.html:1:42)")
        .stderr_has("content/alpha.md:6:1: the component `crumbs` takes `@page`, which a call from Markdown does not have");
}

#[test]
fn a_component_defined_under_shortcodes_is_called_as_a_component() {
    let site = Site::base();
    site.write(
        "templates/shortcodes/box.html",
        "{% component box(t: string) %}<b>{{ t }}</b>{% endcomponent box %}",
    );
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\nx {{ <box t=\"a\" /> }} y\n",
    );
    site.build();
    assert!(
        site.read("public/alpha/index.html")
            .contains("<p>x <b>a</b> y</p>")
    );
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\nx {{ <box t={1} /> }} y\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("`t` of the component `box` is an integer, and `box` takes a string there");
}

#[test]
fn groups_come_in_the_order_of_their_first_item_on_every_run() {
    let site = Site::base();
    site.write(
        "content/data/rows.toml",
        "[[rows]]\nname = \"b\"\nn = 1\n[[rows]]\nname = \"a\"\nn = 2\n[[rows]]\nname = \"b\"\nn = 3\n[[rows]]\nname = \"c\"\nn = 4\n",
    );
    site.write(
        "templates/page.html",
        "{% set d = load_data(path=\"data/rows.toml\") %}{% for name, rows in d.rows | group_by(attribute=\"name\") %}{{ name }}:{% for r in rows %}{{ r.n }}{% endfor %} {% endfor %}",
    );
    for _ in 0..5 {
        site.build();
        assert_eq!(site.read("public/alpha/index.html"), "b:13 a:2 c:4 ");
    }
}

#[test]
fn a_misspelt_argument_of_get_url_or_load_data_is_an_error() {
    let site = Site::base();
    site.write(
        "templates/page.html",
        "<link href=\"{{ get_url(path='style.css', cachbust=true) }}\">",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/page.html:1:16: template error: `get_url` takes `path`, `cachebust`, `optional`, and no `cachbust`: did you mean `cachebust`?");
    site.write("content/data/a.toml", "n = 1\n");
    site.write(
        "templates/page.html",
        "{% set a = load_data(path='data/a.toml', required=false) %}{{ a.n }}",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("`load_data` takes `path`, and no `required`");
}

#[test]
fn only_a_name_near_a_markup_templates_is_taken_for_a_misspelling() {
    let site = Site::base();
    site.write("templates/markup/headings.html", "{{ text | safe }}");
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/markup/headings.html: `markup/headings.html` is not one of the markup templates, so nothing uses it")
        .stderr_has("did you mean `markup/heading.html`? rename the file");
    site.remove("templates/markup/headings.html");
    // Parts, used or not, with names of their own.
    site.write("templates/markup/anchor.html", "<a href=\"#{{ id }}\">#</a>");
    site.write("templates/markup/icon.html", "<i></i>");
    site.write(
        "templates/markup/heading.html",
        "{{ text | safe }} {% include \"markup/anchor.html\" %}",
    );
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\n## Hi\n");
    site.build();
    let alpha = site.read("public/alpha/index.html");
    assert!(
        alpha.contains("<h2 id=\"hi\">Hi <a href=\"#hi\">#</a></h2>"),
        "{alpha}"
    );
}

#[test]
fn a_file_that_replaces_a_built_in_component_without_it_is_the_error() {
    let site = Site::fixture("zola-components");
    site.write(
        "templates/components/quote.html",
        "{% component citation(speaker: string) %}{{ speaker }}{% endcomponent citation %}",
    );
    site.write(
        "content/glossary.toml",
        "[[terms]]\nterm = \"plot\"\ndefinition = \"A bed.\"\n",
    );
    let run = site.run(&["build"]).failure(1);
    run.stderr_has("templates/components/quote.html: this file replaces the built-in `components/quote.html`, which defined the component `quote` the built-in theme calls, and defines no `quote`");
    assert!(
        !run.describe().contains("(built-in theme)/page.html"),
        "{}",
        run.describe()
    );
}

#[test]
fn a_filter_that_changes_an_address_is_an_error_not_a_broken_link() {
    let site = Site::base();
    for written in [
        "{{ get_url(path=\"@/alpha.md\") | reverse }}",
        "{{ get_url(path=\"style.css\") | truncate(length=5) }}",
        "{% set u = get_url(path=\"@/alpha.md\") %}<a href=\"{{ u[:3] }}\">x</a>",
    ] {
        site.write(
            "content/alpha.md",
            "+++\ntitle = \"Alpha\"\n+++\n[Notes](@/notes/_index.md)\n",
        );
        site.write("templates/page.html", written);
        let run = site.run(&["build"]);
        assert!(
            run.describe()
                .contains("templates/page.html: the template changed an address"),
            "{written}: {}",
            run.describe()
        );
    }
}
