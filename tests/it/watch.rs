//! `watch`: every editor's way of saving, new/deleted/renamed files,
//! templates, bad saves; the output always ends equal to a clean build.

use std::path::Path;
use std::time::Duration;

use crate::harness::{Background, Site, tree, wait_until};

type Save = fn(&Path, &str);

fn write_in_place(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// VS Code's and many tools' "atomic save": a temporary file renamed over.
fn rename_over(path: &Path, text: &str) {
    let temporary = path.with_file_name(".alpha.md.tmp.4242");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

/// Vim: probes the folder with `4913`, keeps a backup `~`, writes anew.
fn vim(path: &Path, text: &str) {
    let probe = path.with_file_name("4913");
    std::fs::write(&probe, "").unwrap();
    std::fs::remove_file(&probe).unwrap();
    let backup = path.with_file_name("alpha.md~");
    std::fs::rename(path, &backup).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::remove_file(&backup).unwrap();
}

/// JetBrains IDEs: write a temporary file, move the old one aside, swap.
fn jetbrains(path: &Path, text: &str) {
    let temporary = path.with_file_name("alpha.md___jb_tmp___");
    let old = path.with_file_name("alpha.md___jb_old___");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(path, &old).unwrap();
    std::fs::rename(&temporary, path).unwrap();
    std::fs::remove_file(&old).unwrap();
}

/// Emacs: a lock link, an auto-save file and a backup around the write.
fn emacs(path: &Path, text: &str) {
    let lock = path.with_file_name(".#alpha.md");
    let autosave = path.with_file_name("#alpha.md#");
    std::os::unix::fs::symlink("editor@host.1234", &lock).unwrap();
    std::fs::write(&autosave, text).unwrap();
    std::fs::copy(path, path.with_file_name("alpha.md~")).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::remove_file(&autosave).unwrap();
    std::fs::remove_file(&lock).unwrap();
}

/// Some tools delete the file, then create it again a moment later.
fn delete_then_create(path: &Path, text: &str) {
    std::fs::remove_file(path).unwrap();
    std::thread::sleep(Duration::from_millis(30));
    std::fs::write(path, text).unwrap();
}

fn start(site: &Site) -> Background {
    let watch = site.spawn(&["watch"]);
    watch.wait_for_line("watching content/ and templates/");
    watch
}

/// Stops `watch` and checks the output is what a clean build gives.
#[track_caller]
fn stop_and_compare(site: &Site, watch: Background) {
    let status = watch.interrupt();
    assert!(status.success(), "watch did not exit cleanly: {status}");
    let watched = site.tree("public");
    site.run(&["build", "--output", "../clean"]).success();
    let clean = tree(&site.outside().join("clean"));
    let differing: Vec<&String> = clean
        .keys()
        .chain(watched.keys())
        .filter(|p| clean.get(*p) != watched.get(*p))
        .collect();
    assert!(
        differing.is_empty(),
        "watch output differs from a clean build: {differing:?}"
    );
}

#[test]
fn every_way_of_saving_rebuilds_once_with_the_saved_text() {
    let site = Site::base();
    let watch = start(&site);
    let page = site.root.join("content/alpha.md");
    let patterns: [(&str, Save); 6] = [
        ("write in place", write_in_place),
        ("rename over", rename_over),
        ("vim", vim),
        ("jetbrains", jetbrains),
        ("emacs", emacs),
        ("delete then create", delete_then_create),
    ];
    for (name, save) in patterns {
        let before = watch.rebuilds();
        let marker = format!("Saved by {name}.");
        save(
            &page,
            &format!("+++\ntitle = \"Alpha\"\nweight = 1\n+++\n{marker}\n"),
        );
        let updated = wait_until(Duration::from_secs(10), || {
            std::fs::read_to_string(site.root.join("public/alpha/index.html"))
                .is_ok_and(|h| h.contains(&marker))
        });
        assert!(
            updated,
            "{name}: the output never showed the save:\n{}",
            watch.output().join("\n")
        );
        // The report line follows the write; then a quiet spell, long
        // enough for a second rebuild of the same save to show.
        wait_until(Duration::from_secs(10), || watch.rebuilds() > before);
        std::thread::sleep(Duration::from_millis(400));
        assert_eq!(
            watch.rebuilds() - before,
            1,
            "{name}: expected exactly one rebuild:\n{}",
            watch.output().join("\n")
        );
    }
    for noise in [
        "4913",
        "alpha.md~",
        "#alpha.md#",
        ".alpha.md.swp",
        "alpha.md___jb_tmp___",
    ] {
        assert!(!site.exists(&format!("public/{noise}")), "{noise} was copied");
    }
    stop_and_compare(&site, watch);
}

#[test]
fn new_deleted_and_renamed_pages_and_folders() {
    let site = Site::base();
    let watch = start(&site);
    let wait = |condition: &dyn Fn() -> bool, what: &str| {
        assert!(
            wait_until(Duration::from_secs(10), condition),
            "{what}:\n{}",
            watch.output().join("\n")
        );
    };

    site.write(
        "content/notes/second.md",
        "+++\ntitle = \"Second note\"\n+++\nNew.\n",
    );
    wait(&|| site.exists("public/notes/second/index.html"), "new page");
    wait(
        &|| site.read("public/notes/index.html").contains("Second note"),
        "listed",
    );

    std::fs::rename(
        site.root.join("content/notes/second.md"),
        site.root.join("content/notes/renamed.md"),
    )
    .unwrap();
    wait(&|| site.exists("public/notes/renamed/index.html"), "renamed page");
    wait(
        &|| !site.exists("public/notes/second/index.html"),
        "old name gone",
    );

    site.remove("content/notes/renamed.md");
    wait(&|| !site.exists("public/notes/renamed"), "deleted page gone");
    wait(
        &|| !site.read("public/notes/index.html").contains("Second note"),
        "gone from the listing",
    );

    site.write("content/extra/_index.md", "+++\ntitle = \"Extra\"\n+++\n");
    site.write("content/extra/one.md", "+++\ntitle = \"One\"\n+++\n");
    wait(&|| site.exists("public/extra/one/index.html"), "new folder");
    std::fs::rename(site.root.join("content/extra"), site.root.join("content/more")).unwrap();
    wait(&|| site.exists("public/more/one/index.html"), "renamed folder");
    wait(&|| !site.exists("public/extra"), "old folder gone");

    stop_and_compare(&site, watch);
}

#[test]
fn a_template_change_renders_only_the_pages_that_use_it() {
    let site = Site::base();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\ntemplate = \"special.html\"\n+++\n",
    );
    site.write(
        "templates/special.html",
        "{% extends \"base.html\" %}{% block body %}special {{ page.title }}{% endblock body %}",
    );
    let watch = start(&site);

    let before = watch.output().len();
    site.write(
        "templates/special.html",
        "{% extends \"base.html\" %}{% block body %}changed {{ page.title }}{% endblock body %}",
    );
    watch.wait_for_line("templates/special.html changed");
    let line = watch.output()[before..].join("\n");
    assert!(line.contains("rendered 1 page,"), "{line}");
    assert!(site.read("public/alpha/index.html").contains("changed Alpha"));

    // A change to the parent renders every page that extends it.
    let before = watch.output().len();
    site.write(
        "templates/base.html",
        site.read("templates/base.html")
            .replace("<body>", "<body class=\"b\">"),
    );
    watch.wait_for_line("templates/base.html changed");
    let line = watch.output()[before..].join("\n");
    assert!(line.contains("rendered 5 pages,"), "{line}"); // 4 pages and the built-in 404 page

    stop_and_compare(&site, watch);
}

#[test]
fn a_template_that_starts_naming_a_field_gets_it() {
    // No template of the fixture names `toc`, so listings are made without it
    // until one does; the kept listings must not be reused then.
    let site = Site::base();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n## Heading one\n",
    );
    let watch = start(&site);

    let before = watch.output().len();
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block body %}{% for p in section.pages %}[{% for h in p.toc %}{{ h.id }}{% endfor %}]{% endfor %}{% endblock body %}",
    );
    watch.wait_for_line("templates/section.html changed");
    let notes = site.read("public/notes/index.html");
    assert!(
        notes.contains("[heading-one]"),
        "{notes}\n{}",
        watch.output()[before..].join("\n")
    );

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<{% for h in page.toc %}{{ h.id }}{% endfor %}>{% endblock body %}",
    );
    watch.wait_for_line("templates/page.html changed");
    let first = site.read("public/notes/first/index.html");
    assert!(first.contains("<heading-one>"), "{first}");
    stop_and_compare(&site, watch);
}

#[test]
fn a_bad_save_keeps_the_last_good_output_and_the_next_good_one_rebuilds() {
    let site = Site::base();
    let watch = start(&site);
    let good = site.tree("public");
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\nweight = \n+++\n");
    watch.wait_for_line("content/alpha.md:3:10: invalid TOML");
    watch.wait_for_line("the output keeps the last good build");
    assert_eq!(site.tree("public"), good);

    site.write("templates/page.html", "{{ page.nope }}");
    watch.wait_for_line("templates/page.html");

    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha again\"\nweight = 1\n+++\n",
    );
    site.write("templates/page.html", "{{ page.title }}");
    assert!(
        wait_until(Duration::from_secs(10), || site
            .read("public/alpha/index.html")
            .contains("Alpha again")),
        "{}",
        watch.output().join("\n")
    );
    stop_and_compare(&site, watch);
}

#[test]
fn settings_changes_rebuild_everything() {
    let site = Site::base();
    let watch = start(&site);
    site.write(
        "content/site.toml",
        "title = \"Renamed site\"\nlanguage = \"de\"\n",
    );
    assert!(
        wait_until(Duration::from_secs(10), || site
            .read("public/alpha/index.html")
            .contains("lang=\"de\"")),
        "{}",
        watch.output().join("\n")
    );
    stop_and_compare(&site, watch);
}

#[test]
fn polling_notices_changes_too() {
    let site = Site::base();
    let watch = site.spawn(&["watch", "--poll", "50"]);
    watch.wait_for_line("watching content/");
    site.write("content/alpha.md", "+++\ntitle = \"Alpha\"\n+++\nPolled.\n");
    assert!(
        wait_until(Duration::from_secs(10), || site
            .read("public/alpha/index.html")
            .contains("Polled.")),
        "{}",
        watch.output().join("\n")
    );
    stop_and_compare(&site, watch);
}

#[test]
fn body_only_edits_render_only_what_shows_them() {
    let site = Site::base();
    site.write(
        "content/notes/second.md",
        "+++\ntitle = \"Second\"\ndate = 2025-04-01\n+++\nShort.\n",
    );
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }}:{{ p.word_count }}:{{ p.summary | default(value='') | safe }};{% endfor %}",
    );
    let watch = start(&site);
    let front = "+++\ntitle = \"First note\"\ndate = 2025-05-01\n+++\n";

    // The page and its section's listing change; nothing else is rendered.
    let before = watch.output().len();
    site.write(
        "content/notes/first.md",
        format!("{front}One two three.\n\n<!-- more -->\n\nFour.\n"),
    );
    watch.wait_for_line("content/notes/first.md changed");
    let line = watch.output()[before..].join("\n");
    assert!(line.contains("rendered 2 pages,"), "{line}");
    assert_eq!(
        site.read("public/notes/index.html"),
        "First note:4:<p>One two three.</p>\n;Second:1:;"
    );

    // A broken link in the body is an error; fixing it recovers.
    site.write("content/notes/first.md", format!("{front}[gone](@/gone.md)\n"));
    watch.wait_for_line("content/notes/first.md:5:1: broken link");
    let before = watch.output().len();
    site.write(
        "content/notes/second.md",
        "+++\ntitle = \"Second\"\ndate = 2025-04-01\n+++\nLonger now.\n",
    );
    watch.wait_for_line("content/notes/second.md");
    assert!(
        watch.output()[before..].iter().any(|l| l.contains("broken link")),
        "the broken page is still reported while it is broken"
    );
    site.write(
        "content/notes/first.md",
        format!("{front}Fixed [home](@/_index.md).\n"),
    );
    assert!(
        wait_until(Duration::from_secs(10), || site
            .read("public/notes/first/index.html")
            .contains("Fixed")),
        "{}",
        watch.output().join("\n")
    );
    stop_and_compare(&site, watch);
}

#[test]
fn a_page_replaced_by_a_named_pipe_is_an_error_and_ctrl_c_still_stops() {
    let site = Site::base();
    let watch = start(&site);
    let page = site.root.join("content/alpha.md");
    std::fs::remove_file(&page).unwrap();
    crate::harness::make_fifo(&page);
    watch.wait_for_line("content/alpha.md: this is a named pipe (FIFO), not a regular file");
    // A template replaced by one, too.
    let template = site.root.join("templates/page.html");
    std::fs::remove_file(&template).unwrap();
    crate::harness::make_fifo(&template);
    watch.wait_for_line("templates/page.html: this is a named pipe (FIFO), not a regular file");
    let status = watch.interrupt();
    assert!(status.success(), "{status}");
}

/// Ctrl-C stops `watch` and `serve` within about a second even in the
/// middle of a long build; the output is left whole (the build in
/// progress is dropped, never half-written).
#[test]
fn ctrl_c_stops_a_long_build_at_once() {
    let site = Site::base();
    // Without share cards: drawing 6,000 of them in a build without
    // optimisation would outlast the harness's limit for the builds after.
    let settings = site.read("content/site.toml");
    site.write("content/site.toml", format!("share_cards = false\n{settings}"));
    let body = "A paragraph of text for the page. ".repeat(40);
    for i in 0..6000 {
        site.write(
            &format!("content/notes/page-{i:05}.md"),
            format!("+++\ntitle = \"Page {i}\"\n+++\n## Part\n\n{body}\n"),
        );
    }
    for args in [vec!["watch"], vec!["serve", "--port", "0"]] {
        let running = site.spawn(&args);
        // Well into the first build, which takes seconds.
        std::thread::sleep(std::time::Duration::from_millis(500));
        assert!(
            !running.output().iter().any(|l| l.starts_with("built ")),
            "the build was too quick to test this"
        );
        let started = std::time::Instant::now();
        let status = running.interrupt();
        assert!(
            started.elapsed() < std::time::Duration::from_millis(1500),
            "{args:?} took {:?}",
            started.elapsed()
        );
        assert!(
            !status.success() || site.exists("public/notes/page-05999/index.html"),
            "{args:?}: {status}"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&site.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".public"))
            .collect();
        // A folder a killed build left is removed by the next one.
        site.run(&["build"]).success();
        let after: Vec<_> = std::fs::read_dir(&site.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".public"))
            .collect();
        assert!(after.is_empty(), "{leftovers:?} then {after:?}");
    }
}

/// Waits until the page `public/alpha/index.html` holds `text`.
#[track_caller]
fn wait_for_alpha(site: &Site, watch: &Background, text: &str) {
    let shown = crate::harness::wait_until(std::time::Duration::from_secs(15), || {
        std::fs::read_to_string(site.root.join("public/alpha/index.html"))
            .is_ok_and(|html| html.contains(text))
    });
    assert!(shown, "no rebuild with {text:?}:\n{}", watch.output().join("\n"));
}

fn alpha(text: &str) -> String {
    format!("+++\ntitle = \"Alpha\"\n+++\n{text}\n")
}

#[test]
fn site_folders_renamed_removed_or_linked_anew_are_still_watched() {
    for folder in ["content", "templates"] {
        let site = Site::base();
        let watch = start(&site);
        let dir = site.root.join(folder);
        let elsewhere = site.outside().join(format!("{folder}-elsewhere"));
        // Renamed away and back.
        std::fs::rename(&dir, &elsewhere).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        std::fs::rename(&elsewhere, &dir).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        site.write("content/alpha.md", alpha("After the rename."));
        wait_for_alpha(&site, &watch, "After the rename.");
        // Removed and made again.
        crate::harness::copy_tree(&dir, &elsewhere);
        std::fs::remove_dir_all(&dir).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        crate::harness::copy_tree(&elsewhere, &dir);
        std::thread::sleep(std::time::Duration::from_millis(300));
        site.write("content/alpha.md", alpha("After it was made again."));
        wait_for_alpha(&site, &watch, "After it was made again.");
        // Replaced by a link to a folder elsewhere: edits there count.
        std::fs::remove_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        site.write("content/alpha.md", alpha("Through the link."));
        wait_for_alpha(&site, &watch, "Through the link.");
        if folder == "templates" {
            std::fs::write(
                elsewhere.join("page.html"),
                "{% extends \"base.html\" %}{% block body %}<p>template edited</p>{{ page.content | safe }}{% endblock body %}",
            )
            .unwrap();
            wait_for_alpha(&site, &watch, "template edited");
        }
        stop_and_compare(&site, watch);
    }
}

#[test]
fn a_theme_ejected_into_a_new_templates_folder_is_watched() {
    let site = Site::base();
    let watch = start(&site);
    site.remove("templates");
    std::thread::sleep(std::time::Duration::from_millis(300));
    site.run(&["theme", "eject"]).success();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let page = site.root.join("templates/page.html");
    let template = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        template.replacen("<article", "<p>ejected and edited</p><article", 1),
    )
    .unwrap();
    wait_for_alpha(&site, &watch, "ejected and edited");
    stop_and_compare(&site, watch);
}

#[test]
fn pages_deleted_while_the_site_had_an_error_are_removed_when_it_builds() {
    let site = Site::base();
    site.build();
    assert!(site.exists("public/notes/first/index.html"));
    // The page goes while watch is not running, and the site has an error
    // when watch starts: its first build fails.
    site.remove("content/notes/first.md");
    site.write("content/alpha.md", "+++\ntitle = \n+++\n");
    let watch = site.spawn(&["watch"]);
    watch.wait_for_line("the output keeps the last good build");
    site.write("content/alpha.md", alpha("Fixed."));
    wait_for_alpha(&site, &watch, "Fixed.");
    assert!(
        !site.exists("public/notes/first"),
        "swapped in whole: {}",
        watch.output().join("\n")
    );
    // And one deleted while a later save has an error.
    site.write("content/notes/second.md", "+++\ntitle = \"Second\"\n+++\nText.\n");
    assert!(crate::harness::wait_until(
        std::time::Duration::from_secs(15),
        || site.exists("public/notes/second/index.html")
    ));
    site.write("content/alpha.md", "+++\ntitle = \n+++\n");
    std::thread::sleep(std::time::Duration::from_millis(400));
    site.remove("content/notes/second.md");
    std::thread::sleep(std::time::Duration::from_millis(400));
    site.write("content/alpha.md", alpha("Fixed again."));
    wait_for_alpha(&site, &watch, "Fixed again.");
    // Files are written before the ones that go are removed.
    let removed = crate::harness::wait_until(std::time::Duration::from_secs(5), || {
        !site.exists("public/notes/second")
    });
    assert!(removed, "{}", watch.output().join("\n"));
    stop_and_compare(&site, watch);
}

#[test]
fn glossary_edits_are_read_as_the_build_reads_them() {
    let site = Site::base();
    let glossary =
        |definition: &str| format!("[[terms]]\nterm = \"shortcode\"\ndefinition = \"{definition}\"\n");
    site.write(
        "content/glossary.toml",
        glossary("A call written {{ name(...) }} or {% name(...) %}...{% end %}."),
    );
    site.write(
        "templates/glossary.html",
        "{% extends \"base.html\" %}{% block body %}{% for t in glossary %}<dfn id=\"{{ t.id }}\">{{ t.term }}</dfn>{{ t.definition }}{% endfor %}{% endblock body %}",
    );
    let watch = start(&site);
    for definition in [
        "A call written {{ name(...) }}, edited.",
        "A call written {{ name(...) }} or {% name(...) %}...{% end %}.",
    ] {
        site.write("content/glossary.toml", glossary(definition));
        let shown = crate::harness::wait_until(std::time::Duration::from_secs(15), || {
            std::fs::read_to_string(site.root.join("public/glossary/index.html"))
                .is_ok_and(|html| html.contains(&definition.replace('"', "&quot;")))
        });
        assert!(shown, "{}", watch.output().join("\n"));
    }
    assert!(
        !watch.output().iter().any(|l| l.contains("error")),
        "{}",
        watch.output().join("\n")
    );
    stop_and_compare(&site, watch);
}

#[test]
fn a_site_reached_through_a_link_is_rebuilt_the_quick_way() {
    let site = Site::base();
    let link = site.outside().join("linked-site");
    std::os::unix::fs::symlink(&site.root, &link).unwrap();
    let root = link.to_str().unwrap();
    let watch = Background::spawn_in(&site.outside(), &["watch", "--verbose", "--root", root]);
    watch.wait_for_line("watching content/ and templates/");
    let before = watch.output().len();
    let text = site.read("content/alpha.md");
    site.write("content/alpha.md", format!("{text}\nA new body.\n"));
    // Named as the editor knows it, under the site, not by its real path.
    watch.wait_for_line("content/alpha.md changed: rendered");
    let lines = watch.output()[before..].to_vec();
    let changed = lines.iter().find(|l| l.contains("changed: rendered")).unwrap();
    assert!(changed.starts_with("content/alpha.md changed"), "{lines:?}");
    // Only the body changed: the render starts from the last one (its first
    // step is the templates' check), it does not read the settings again.
    // (The stages go to stderr, the line above to stdout: wait for them.)
    assert!(wait_until(Duration::from_secs(5), || watch.output()[before..]
        .iter()
        .any(|l| l.starts_with("  render"))));
    let lines = watch.output()[before..].to_vec();
    assert!(lines.iter().any(|l| l.starts_with("  templates")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.starts_with("  config")), "{lines:?}");
    assert!(site.read("public/alpha/index.html").contains("A new body."));
}

#[test]
fn templates_the_markdown_uses_render_every_page_again() {
    // The markup of headings, and a file a shortcode's template includes:
    // every page's Markdown is made with them.
    let site = Site::base();
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n## Heading one\n\n{{ sig() }}\n",
    );
    site.write(
        "templates/shortcodes/sig.html",
        "{% include \"parts/sig.html\" %}",
    );
    site.write("templates/parts/sig.html", "<b>old</b>");
    site.write(
        "templates/markup/heading.html",
        "<a href=\"#{{ id }}\">{{ text | safe }}</a>",
    );
    let watch = start(&site);

    site.write(
        "templates/markup/heading.html",
        "<a class=\"self\" href=\"#{{ id }}\">{{ text | safe }}</a>",
    );
    watch.wait_for_line("templates/markup/heading.html changed");
    let first = site.read("public/notes/first/index.html");
    assert!(
        first.contains("<h2 id=\"heading-one\"><a class=\"self\" href=\"#heading-one\">Heading one</a></h2>"),
        "{first}"
    );

    site.write("templates/parts/sig.html", "<b>new</b>");
    watch.wait_for_line("templates/parts/sig.html changed");
    let first = site.read("public/notes/first/index.html");
    assert!(first.contains("<b>new</b>"), "{first}");

    // A component, and one it calls, each defined in a file of its own.
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First note\"\n+++\n{{ <stamp /> }}\n",
    );
    site.write(
        "templates/parts/stamp.html",
        "{% component stamp() %}<i>{{ <ink /> }}</i>{% endcomponent stamp %}",
    );
    site.write(
        "templates/parts/ink.html",
        "{% component ink() %}blue{% endcomponent ink %}",
    );
    let shows = |text: &str| {
        wait_until(Duration::from_secs(10), || {
            std::fs::read_to_string(site.root.join("public/notes/first/index.html"))
                .is_ok_and(|html| html.contains(text))
        })
    };
    assert!(
        shows("<i>blue</i>"),
        "{}",
        site.read("public/notes/first/index.html")
    );
    site.write(
        "templates/parts/ink.html",
        "{% component ink() %}red{% endcomponent ink %}",
    );
    assert!(
        shows("<i>red</i>"),
        "{}",
        site.read("public/notes/first/index.html")
    );
    stop_and_compare(&site, watch);
}
