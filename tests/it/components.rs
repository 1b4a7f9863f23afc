//! The explainer components of the bundled theme on a site about something
//! else entirely (the water cycle): figures, timeline, members, quotes,
//! known/unknown, chart, shortcodes and glossary work for any topic. The
//! site has no templates/ of its own: the built-in theme serves it.

use crate::harness::Site;

fn site() -> Site {
    let site = Site::fixture("components");
    assert!(!site.exists("templates"));
    site.build();
    site
}

#[test]
fn the_bundled_theme_works_on_another_topic() {
    let site = site();
    let home = site.read("public/index.html");
    assert!(
        home.contains("Summarised from “A school science unit on the water cycle”"),
        "footer credit"
    );
    assert!(
        home.contains("figure__qualifier"),
        "key figures from extra.figures"
    );
    for page in [
        "stages/index.html",
        "people/index.html",
        "voices/index.html",
        "next/index.html",
        "glossary/index.html",
    ] {
        assert!(home.contains(page), "the home page leads to {page}");
    }

    let stages = site.read("public/stages/index.html");
    assert!(stages.contains("aria-label=\"Breadcrumb\""), "breadcrumbs");
    assert!(
        stages.contains("<time datetime=\"2024-03\">March 2024</time>"),
        "timeline dates"
    );
    assert!(stages.contains("<figure class=\"quote\">"), "the quote shortcode");
    assert!(stages.contains("<em>rain</em>"), "the quote's body is Markdown");
    assert!(stages.contains("figure__value"), "the figure shortcode");
    assert!(
        stages.contains("role=\"img\""),
        "the chart has a text alternative"
    );
    assert!(
        stages.contains("<caption>Figures in this chart"),
        "and its figures as a table"
    );
    assert_eq!(
        stages.matches("over 40 mm — the gauge overflowed").count(),
        2,
        "a bound is labelled as a bound, with its note, in the chart and the table"
    );
    assert!(
        stages.contains("<td>10 mm</td>"),
        "a bar without a note shows its value"
    );
    assert!(
        !stages.contains("fill=\"url("),
        "an open end is not drawn as a bar of some length"
    );
    assert!(
        stages.contains("href=\"../glossary/index.html#evaporation\" aria-describedby=\"glossary-evaporation\">Evaporation</a>"),
        "the first use of a glossary term links to it"
    );
    assert!(stages.contains("id=\"fn-1\""), "footnotes");

    let people = site.read("public/people/index.html");
    assert!(
        people.contains(">Who is who</h2>"),
        "a neutral heading unless the page names one"
    );
    let scientists = people.find(">Scientists</h3>").expect("a side");
    let teachers = people.find(">Teachers</h3>").expect("another side");
    assert!(scientists < teachers && people.contains("A meteorologist"));

    let voices = site.read("public/voices/index.html");
    assert!(
        voices.contains("“Clouds are water you can see.”"),
        "quotes verbatim"
    );
    let next = site.read("public/next/index.html");
    assert!(next.contains("Water evaporates, condenses and falls again."));
    assert!(next.contains("How the cycle changes over the coming decades."));
    let glossary = site.read("public/glossary/index.html");
    assert!(
        glossary.contains("id=\"precipitation\""),
        "glossary entries carry their ids"
    );
}

#[test]
fn a_date_and_a_time_read_alike_as_dates() {
    let site = Site::fixture("components");
    site.write(
        "content/dated.md",
        "+++\ntitle = \"Dated\"\ndate = 2025-05-12\nupdated = 2025-06-03T23:30:00-05:00\n+++\nText.\n",
    );
    site.build();
    let html = site.read("public/dated/index.html");
    assert!(
        html.contains("<span>Published <time datetime=\"2025-05-12\">12 May 2025</time></span><span>Updated <time datetime=\"2025-06-03T23:30:00-05:00\">3 June 2025</time></span>"),
        "{html}"
    );
}

#[test]
fn a_sites_extra_css_comes_after_the_themes_stylesheet() {
    let site = Site::fixture("components");
    site.build();
    let home = site.read("public/index.html");
    assert!(!home.contains("extra.css"), "{home}");
    site.write("templates/extra.css", ".lead { font-style: italic; }\n");
    site.build();
    let home = site.read("public/index.html");
    let theme = home.find("href=\"style.css?h=").expect("the theme's stylesheet");
    let extra = home.find("href=\"extra.css?h=").expect("the site's extra.css");
    assert!(theme < extra, "{home}");
    assert_eq!(site.read("public/extra.css"), ".lead { font-style: italic; }\n");
}

#[test]
fn reading_time_counts_the_blocks_the_reader_reads() {
    let site = Site::fixture("components");
    let summary = "word ".repeat(150);
    let mut page = String::from("+++\ntitle = \"Long timeline\"\n");
    for step in 0..3 {
        page.push_str(&format!(
            "[[extra.events]]\nwhen = \"Step {step}\"\ntitle = \"Step\"\nsummary = \"{summary}\"\n"
        ));
    }
    page.push_str("+++\nA short text.\n");
    site.write("content/long.md", &page);
    site.build();
    // 3 words of text and 3 × 153 in the timeline: 462 words, 3 minutes.
    let html = site.read("public/long/index.html");
    assert!(html.contains("<span>3 min read</span>"), "{html}");
    let home = site.read("public/index.html");
    assert!(home.contains("<p class=\"card__meta\">3 min read</p>"), "{home}");
}

#[test]
fn reference_pages_are_listed_apart_and_unnumbered_on_the_home_page() {
    let site = Site::fixture("components");
    site.write(
        "content/colophon.md",
        "+++\ntitle = \"Colophon\"\nweight = 99\n\n[extra]\nreference = true\n+++\nHow this site is made.\n",
    );
    site.build();
    let home = site.read("public/index.html");
    let reference = home
        .find("<h2 id=\"references_title\" class=\"block__title\">For reference</h2>")
        .expect("a reference block");
    let (stories, references) = home.split_at(reference);
    assert!(stories.contains("card__number"), "{home}");
    for page in ["glossary/index.html", "colophon/index.html"] {
        let card = format!("class=\"card__link\" href=\"{page}\"");
        assert!(
            references.contains(&card) && !stories.contains(&card),
            "{page}: {home}"
        );
    }
    assert!(!references.contains("card__number"), "{home}");
}
