//! Sources checked at build time: a site on a town's new library whose
//! quotes, figures and claims name the texts they come from.

use crate::harness::Site;

#[test]
fn quotes_figures_and_claims_that_match_their_sources_build_and_link_to_them() {
    let site = Site::fixture("sourced-library");
    site.build().success();
    let voices = site.read("public/voices/index.html");
    let link = "<a class=\"source-link\" href=\"../sources/index.html#source-minutes\">source<span class=\"visually-hidden\">: Minutes of the library committee</span></a>";
    assert!(voices.contains(link), "{voices}");
    let home = site.read("public/index.html");
    assert!(
        home.contains("<a class=\"source-link\" href=\"sources/index.html#source-gazette\">"),
        "{home}"
    );
    // The sources are not published.
    assert!(!site.exists("public/sources/gazette/index.html"));
    assert!(!site.exists("public/sources/gazette.md"));
}

#[test]
fn the_sources_page_lists_each_source_with_every_citation_in_context() {
    let site = Site::fixture("sourced-library");
    site.build().success();
    let page = site.read("public/sources/index.html");
    for expected in [
        "<h1 class=\"doc-title\">Sources</h1>",
        "<article class=\"source\" id=\"source-gazette\" aria-labelledby=\"source-gazette-title\">",
        "<a href=\"https://gazette.example/library\">Library opens in March</a>",
        "<span>Town Gazette</span><span><time datetime=\"2024-03-01\">1 March 2024</time></span>",
        "Cited on this site 4 times",
        // The home page's figure, with its passage among the source's words.
        "<a href=\"../index.html\">The new library</a>, the figure 12,000</p>",
        "the chair of the council. <mark>The library will hold 12,000 books</mark>.</p>",
        // The claim in the home page's text.
        "<mark>The council will open the new library in March</mark>, its chair said.</p>",
        "<a href=\"../voices/index.html\">Who said what</a>, a quote</p>",
        // An elided quote is shown as the source writes it, whole.
        "<mark>The reading room will have forty seats and stays open until nine</mark> on weekdays.",
        "<span>The committee&#39;s clerk</span>",
    ] {
        assert!(page.contains(expected), "lacks {expected}\nin {page}");
    }
}

#[test]
fn a_changed_word_is_an_error_at_the_quote_with_the_passage_it_differs_from() {
    let site = Site::fixture("sourced-library");
    site.write(
        "content/voices.md",
        "+++\ntitle = \"Who said what\"\n+++\n\n{{ <quote speaker=\"Ana Ruiz\" text=\"We want every pupil to have a card.\" source=\"gazette\" /> }}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("error: content/voices.md:5:30: the quote is not in the source `gazette` word for word")
        .stderr_has("hint: did you mean: “We want every [-pupil-] {+child+} to have a card,” (");
    assert!(!site.exists("public"), "nothing is written");
}

#[test]
fn a_quote_checked_against_the_wrong_speakers_source_is_an_error() {
    let site = Site::fixture("sourced-library");
    site.write(
        "content/voices.md",
        "+++\ntitle = \"Who said what\"\n+++\n\n> Books are the cheapest holiday there is.\n>\n> {{ <cite source=\"gazette\" speaker=\"Ben Okafor\" /> }}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("error: content/voices.md:5:3: the quote is not in the source `gazette` word for word");
}

#[test]
fn front_matter_quotes_and_figures_are_checked_where_they_are_written() {
    let site = Site::fixture("sourced-library");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"The new library\"\n\n[[extra.figures]]\nvalue = \"1,200\"\nlabel = \"books\"\nsource = \"gazette\"\npassage = \"The library will hold 12,000 books\"\n\n[[extra.quotes]]\nspeaker = \"Ana Ruiz\"\ntext = \"We want every child … a card\"\nsource = \"gazet\"\n+++\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("error: content/_index.md:8:12: the figure `1,200` is not in its passage in `gazette`: “The library will hold 12,000 books”")
        .stderr_has("error: content/_index.md:12:9: there is no source `gazet`")
        .stderr_has("hint: did you mean `gazette`?");
}

#[test]
fn a_quote_or_figure_without_a_source_is_a_lint_finding() {
    let site = Site::fixture("sourced-library");
    site.write(
        "content/voices.md",
        "+++\ntitle = \"Who said what\"\n\n[[extra.quotes]]\nspeaker = \"Ana Ruiz\"\ntext = \"We want every child to have a card.\"\n+++\n\n{{ <figure value=\"40\" label=\"seats\" /> }}\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("error: content/voices.md:6:9: a quote in `extra.quotes` has no `source`: what it shows is not checked")
        .stderr_has("error: content/voices.md:9:1: `figure` is called without a `source`: what it shows is not checked");
    site.run(&["build", "--lint", "warn"])
        .success()
        .stderr_has("warning: content/voices.md:6:9: a quote in `extra.quotes` has no `source`");
}

#[test]
fn a_site_without_sources_is_not_asked_for_them() {
    let site = Site::fixture("sourced-library");
    site.remove("content/sources");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"The new library\"\n\n[[extra.figures]]\nvalue = \"40\"\nlabel = \"seats\"\n+++\n",
    );
    site.write(
        "content/voices.md",
        "+++\ntitle = \"Who said what\"\n+++\n\n{{ <quote speaker=\"Ana Ruiz\" text=\"Welcome.\" /> }}\n",
    );
    site.build().success();
    assert!(!site.exists("public/sources/index.html"));
}

#[test]
fn a_source_file_that_cannot_be_a_source_is_named() {
    let site = Site::fixture("sourced-library");
    site.write("content/sources/Council Notes.md", "Text.\n");
    site.write("content/sources/old/gazette.md", "Text.\n");
    site.write("content/sources/empty.md", "+++\ntitle = \"Empty\"\n+++\n\n");
    site.write("content/sources/transcript.txt", "Text.\n");
    site.write("content/sources/_index.md", "+++\ntitle = \"Sources\"\n+++\n");
    site.run(&["build"])
        .failure(1)
        .stderr_has("error: content/sources/Council Notes.md: a source's file name is what quotes name it by")
        .stderr_has("error: content/sources/old/gazette.md: a source must be directly in content/sources/")
        .stderr_has("error: content/sources/empty.md: the source has no text")
        .stderr_has("error: content/sources/transcript.txt: content/sources/ holds sources only, each a Markdown file of its text, and is never published")
        .stderr_has("error: content/sources/_index.md: the page listing the sources is content/sources/index.md, not _index.md");
}

#[test]
fn watch_checks_again_when_a_source_or_a_quote_changes() {
    let site = Site::fixture("sourced-library");
    let watch = site.spawn(&["watch"]);
    watch.wait_for_line("watching content/ and templates/");
    let errors = |watch: &crate::harness::Background| {
        watch
            .output()
            .iter()
            .filter(|line| line.contains("is not in the source `gazette`"))
            .count()
    };
    // The source loses the words a quote stands on: the next build says so.
    let gazette = site.read("content/sources/gazette.md");
    site.write(
        "content/sources/gazette.md",
        gazette.replace("every child", "every pupil"),
    );
    assert!(
        crate::harness::wait_until(std::time::Duration::from_secs(10), || errors(&watch) > 0),
        "no error after the source changed:\n{}",
        watch.output().join("\n")
    );
    // Put back, the site builds again and the sources page shows the quote.
    let before = watch.rebuilds();
    site.write("content/sources/gazette.md", &gazette);
    assert!(crate::harness::wait_until(
        std::time::Duration::from_secs(10),
        || { watch.rebuilds() > before }
    ));
    // A quote edited in a page's body is checked on the quick rebuild too.
    let failures = errors(&watch);
    site.write(
        "content/plans.md",
        "+++\ntitle = \"Plans\"\n+++\n\n{{ <quote speaker=\"Ana Ruiz\" text=\"We want every adult to have a card\" source=\"gazette\" /> }}\n",
    );
    assert!(
        crate::harness::wait_until(std::time::Duration::from_secs(10), || errors(&watch) > failures),
        "no error after the quote changed:\n{}",
        watch.output().join("\n")
    );
    let status = watch.interrupt();
    assert!(status.success());
}

#[test]
fn a_data_files_figures_are_checked_and_listed_by_the_file() {
    let site = Site::fixture("sourced-library");
    site.build();
    let page = site.read("public/sources/index.html");
    assert!(
        page.contains("<p class=\"citation__where\"><code>data/shelves.toml</code>, the figure 12000</p>"),
        "{page}"
    );
    let shelves = site.read("content/data/shelves.toml");
    site.write(
        "content/data/shelves.toml",
        shelves.replace("value = 12000", "value = 1200"),
    );
    site.run(&["build"]).failure(1).stderr_has(
        "error: content/data/shelves.toml:9:12: the figure `1200` is not in its passage in `gazette`",
    );
}
