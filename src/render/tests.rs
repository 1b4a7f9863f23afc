use super::*;

#[test]
fn costly_fields_are_those_a_template_names() {
    let read = CostlyFields::read_by;
    let none = CostlyFields::NONE;
    assert_eq!(read("<h1>{{ page.title }}</h1>{{ page.content | safe }}"), none);
    assert_eq!(
        read("{% for p in section.pages %}{{ p.title }}{% endfor %}{% set a = [1, 2] %}{{ a[0] }}"),
        none
    );
    let toc = CostlyFields { toc: true, ..none };
    assert_eq!(read("{% for h in page.toc %}{{ h.id }}{% endfor %}"), toc);
    assert_eq!(read("{{ page[\"toc\"] | length }}"), toc);
    assert_eq!(read("{{ p.toc }}"), toc);
    assert_eq!(
        read("{% if page.higher %}{{ page.higher.title }}{% endif %}"),
        CostlyFields {
            neighbours: true,
            ..none
        }
    );
    assert!(read("{{ page.lower.path }}").neighbours);
    assert_eq!(
        read("{% for a in page.ancestors %}{% endfor %}"),
        CostlyFields {
            ancestors: true,
            ..none
        }
    );
    // A word outside the tags counts too: the scan errs on the side of making more.
    assert_eq!(read("<nav class=\"toc\"></nav>"), toc);
    // Fields read by names that are not spelled out: every field.
    for text in [
        "{{ page[name] }}",
        "{{ page[\"t\" ~ \"oc\"] }}",
        "{{ page [ key ] }}",
        "{% for key, value in page %}{{ key }}{% endfor %}",
        "{%- for key,value in page -%}{%- endfor -%}",
        "{{ page | json_encode() }}",
        "{{ __tera_context }}",
        "{{ page | get(key=name) }}",
        "{{ section.pages | sort(attribute=by) }}",
        "{% set all = {...page} %}",
        "{{ page?[name] }}",
        "{% for k in page | keys %}{% endfor %}",
        "{% for pair in page | pairs %}{% endfor %}",
    ] {
        assert_eq!(read(text), CostlyFields::ALL, "{text}");
    }
    assert_eq!(read("{{ section.pages | sort(attribute=\"title\") }}"), none);
    assert_eq!(read("{{ page | get(key = \"title\") }}"), CostlyFields::ALL);
}

#[test]
fn reading_time_rounds_up() {
    assert_eq!(reading_time(0), 0);
    assert_eq!(reading_time(1), 1);
    assert_eq!(reading_time(200), 1);
    assert_eq!(reading_time(201), 2);
}

#[test]
fn links_are_what_a_template_extends_includes_defines_and_calls() {
    let links = Links::of(concat!(
        "{%- extends \"base.html\" -%}\n",
        "{% include 'parts/nav.html' %}\n",
        "{% component card(title: string) %}{{ <icon name=\"x\" /> }}{% endcomponent card %}\n",
        "{% <ui.panel title> %}{{ body }}{% </ui.panel> %}\n",
        "{% if a < 3 %}{% endif %}",
        "{# {% include \"commented.html\" %} #}{% raw %}{% extends \"shown.html\" %}{{ <shown /> }}{% endraw %}",
    ));
    let extends = links.extends.as_ref().unwrap();
    assert_eq!((extends.name.as_str(), extends.at), ("base.html", 13));
    assert_eq!(
        links.includes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["parts/nav.html"]
    );
    assert_eq!(links.defines, ["card"]);
    assert_eq!(links.calls, ["icon", "ui.panel"]);
}

#[test]
fn the_readme_lists_every_built_in_component_with_its_arguments() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("## The built-in theme and its components").unwrap();
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    let theme = built_in_theme().unwrap();
    let names = theme.component_names();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let row = section
            .lines()
            .find(|line| line.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("the README has no row for the component `{name}`"));
        let info = theme.tera.get_component_definition(&name).unwrap();
        for arg in info.args() {
            let written = match arg.arg_type() {
                Some(typ) => format!("`{}: {}", arg.name(), typ.as_str()),
                None => format!("`{}`", arg.name()),
            };
            assert!(
                row.contains(&written),
                "{name}: the README lacks {written}: {row}"
            );
        }
    }
}
