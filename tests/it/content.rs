//! Pages, sections, front matter, ordering, drafts and assets.

use crate::harness::Site;

#[test]
fn pretty_urls_for_pages_and_sections() {
    let site = Site::base();
    site.build();
    for file in [
        "index.html",
        "alpha/index.html",
        "notes/index.html",
        "notes/first/index.html",
        "style.css",
    ] {
        assert!(site.exists(&format!("public/{file}")), "missing {file}");
    }
    assert!(
        !site.exists("public/site.toml"),
        "the settings file is not content"
    );
}

#[test]
fn summary_line_counts_pages_sections_and_files() {
    let site = Site::base();
    let run = site.build();
    assert!(
        run.stdout.starts_with("built 2 pages, 2 sections, 9 files in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with(" ms -> public/"),
        "{}",
        run.stdout
    );
}

#[test]
fn toml_and_yaml_front_matter_give_the_same_page() {
    let toml = Site::base();
    toml.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\ndate = 2025-06-09\nweight = 1\n[extra]\nfigures = [{ value = 10, unit = \"%\" }]\n+++\nBody.\n",
    );
    let yaml = Site::base();
    yaml.write(
        "content/alpha.md",
        "---\ntitle: Alpha\ndate: 2025-06-09\nweight: 1\nextra:\n  figures:\n    - value: 10\n      unit: \"%\"\n---\nBody.\n",
    );
    for site in [&toml, &yaml] {
        site.remove("content/notes/first.md");
        site.write(
            "templates/page.html",
            "{{ page.title }}|{{ page.date }}|{{ page.extra.figures[0].value }}{{ page.extra.figures[0].unit }}|{{ page.content | safe }}",
        );
        site.build();
    }
    assert_eq!(
        toml.read("public/alpha/index.html"),
        "Alpha|2025-06-09|10%|<p>Body.</p>\n"
    );
    assert_eq!(
        toml.read("public/alpha/index.html"),
        yaml.read("public/alpha/index.html")
    );
}

#[test]
fn byte_order_mark_and_crlf_line_endings_are_fine() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "\u{feff}+++\r\ntitle = \"Alpha\"\r\n+++\r\n## Heading\r\n\r\nText.\r\n",
    );
    site.build();
    let html = site.read("public/alpha/index.html");
    assert!(html.contains("<h2 id=\"heading\">"), "{html}");
}

#[test]
fn pages_are_ordered_by_weight_then_newest_date_then_title() {
    let site = Site::base();
    site.write("content/notes/b.md", "+++\ntitle = \"B\"\nweight = 2\n+++\n");
    site.write("content/notes/a.md", "+++\ntitle = \"A\"\nweight = 2\n+++\n");
    site.write(
        "content/notes/old.md",
        "+++\ntitle = \"Old\"\ndate = 2024-01-01\n+++\n",
    );
    site.write(
        "content/notes/new.md",
        "+++\ntitle = \"New\"\ndate = \"2025-07-01T10:00:00Z\"\n+++\n",
    );
    site.write("content/notes/undated.md", "+++\ntitle = \"Undated\"\n+++\n");
    site.write(
        "content/notes/heavy.md",
        "+++\ntitle = \"Heavy\"\nweight = 1\n+++\n",
    );
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }};{% endfor %}",
    );
    site.build();
    assert_eq!(
        site.read("public/notes/index.html"),
        "Heavy;A;B;New;First note;Old;Undated;"
    );
}

#[test]
fn lower_and_higher_are_the_neighbours_in_the_section() {
    let site = Site::base();
    site.write(
        "content/notes/second.md",
        "+++\ntitle = \"Second\"\ndate = 2025-04-01\n+++\n",
    );
    site.build();
    let first = site.read("public/notes/first/index.html");
    assert!(
        first.contains("<a rel=\"next\" href=\"../second/index.html\">Second</a>"),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""), "{first}");
    let second = site.read("public/notes/second/index.html");
    assert!(
        second.contains("<a rel=\"prev\" href=\"../first/index.html\">First note</a>"),
        "{second}"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::base();
    site.write(
        "content/wip.md",
        "+++\ntitle = \"Work in progress\"\ndraft = true\n+++\n",
    );
    site.write(
        "content/hidden/_index.md",
        "+++\ntitle = \"Hidden\"\ndraft = true\n+++\n",
    );
    site.write("content/hidden/inside.md", "+++\ntitle = \"Inside\"\n+++\n");
    site.build();
    assert!(!site.exists("public/wip/index.html"));
    assert!(!site.exists("public/hidden/index.html"));
    assert!(!site.exists("public/hidden/inside/index.html"));
    assert!(!site.read("public/index.html").contains("Work in progress"));

    site.run(&["build", "--drafts"]).success();
    assert!(site.exists("public/wip/index.html"));
    assert!(site.exists("public/hidden/inside/index.html"));
}

#[test]
fn slug_front_matter_and_page_bundles() {
    let site = Site::base();
    site.write("content/notes/Long File Name.md", "+++\ntitle = \"Long\"\n+++\n");
    site.write(
        "content/custom.md",
        "+++\ntitle = \"Custom\"\nslug = \"Better Name\"\n+++\n",
    );
    site.write(
        "content/bundle/index.md",
        "+++\ntitle = \"Bundle\"\n+++\n![map](map.svg)\n",
    );
    site.write(
        "content/bundle/map.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 4\"/>",
    );
    site.build();
    assert!(site.exists("public/notes/long-file-name/index.html"));
    assert!(site.exists("public/better-name/index.html"));
    assert!(site.exists("public/bundle/index.html"));
    assert!(site.exists("public/bundle/map.svg"));
    let bundle = site.read("public/bundle/index.html");
    assert!(
        bundle.contains("<img src=\"map.svg\" alt=\"map\" width=\"8\" height=\"4\" />"),
        "{bundle}"
    );
}

#[test]
fn assets_keep_their_place_and_editor_files_are_ignored() {
    let site = Site::base();
    site.write("content/notes/data.csv", "a,b\n1,2\n");
    site.write("content/img/photo one.png", [0x89, b'P', b'N', b'G']);
    site.write("content/.alpha.md.swp", "swap");
    site.write("content/alpha.md~", "backup");
    site.write("templates/fonts/a.woff2", "font");
    site.build();
    assert_eq!(site.read("public/notes/data.csv"), "a,b\n1,2\n");
    assert!(site.exists("public/img/photo one.png"));
    assert!(site.exists("public/fonts/a.woff2"));
    assert!(!site.exists("public/.alpha.md.swp"));
    assert!(!site.exists("public/alpha.md~"));
}

#[test]
fn a_site_without_a_home_page_file_gets_one() {
    let site = Site::base();
    site.remove("content/_index.md");
    site.write(
        "templates/index.html",
        "{{ section.title }}|{% for p in section.pages %}{{ p.title }}{% endfor %}",
    );
    site.build();
    assert_eq!(site.read("public/index.html"), "Fixture site|Alpha");
}

#[test]
fn folders_without_an_index_file_belong_to_the_nearest_section() {
    let site = Site::base();
    site.write("content/notes/deep/inner.md", "+++\ntitle = \"Inner\"\n+++\n");
    site.build();
    assert!(site.exists("public/notes/deep/inner/index.html"));
    assert!(
        site.read("public/notes/index.html")
            .contains("deep/inner/index.html")
    );
}

#[test]
fn linked_folders_nest_to_a_limit() {
    let site = crate::harness::Site::base();
    // Each folder holds a link to the next one: a chain the walk follows.
    let chain = |length: usize| {
        let _ = std::fs::remove_dir_all(site.root.join("content/chain"));
        for i in 0..length {
            let folder = site.root.join(format!("content/chain/d{i}"));
            std::fs::create_dir_all(&folder).unwrap();
            if i + 1 < length {
                std::os::unix::fs::symlink(format!("../d{}", i + 1), folder.join("next")).unwrap();
            }
        }
        std::fs::write(
            site.root.join(format!("content/chain/d{}/end.txt", length - 1)),
            "end",
        )
        .unwrap();
    };
    chain(32);
    site.build();
    chain(2000);
    site.run(&["build"])
        .failure(1)
        .stderr_has("links to folders lead through more than 32 folders here");
}
