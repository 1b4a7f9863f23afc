//! Share cards: each page's `card.png`, its Open Graph and Twitter tags,
//! a page's own image, and the setting that turns cards off.

use explainer::build::{LintLevel, Options, Retention, Session};

use crate::harness::Site;

const PAGES: [&str; 3] = ["", "spring-tides/", "bores/"];
const BASE_URL: &str = "https://example.org/tides/";

/// The width and height a PNG file's header gives.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

fn card(site: &Site, page: &str) -> Vec<u8> {
    std::fs::read(site.root.join(format!("public/{page}card.png")))
        .unwrap_or_else(|e| panic!("no card for `{page}`: {e}"))
}

#[test]
fn every_page_gets_a_card_of_1200_by_630() {
    let site = Site::fixture("cards");
    site.build();
    for page in PAGES {
        assert_eq!(png_size(&card(&site, page)), (1200, 630), "{page}");
    }
    let sizes: Vec<usize> = PAGES.iter().map(|p| card(&site, p).len()).collect();
    assert!(sizes.iter().all(|&size| size < 60_000), "{sizes:?}");
    // Each card shows its own title.
    assert_ne!(card(&site, "spring-tides/"), card(&site, "bores/"));
}

#[test]
fn cards_are_the_same_bytes_on_every_build() {
    let site = Site::fixture("cards");
    site.build();
    let first = site.tree("public");
    site.remove("public");
    site.build();
    assert!(first.keys().any(|file| file.ends_with("card.png")));
    assert!(first == site.tree("public"), "a second build differs");
}

#[test]
fn open_graph_names_the_card_by_its_absolute_address() {
    let site = Site::fixture("cards");
    site.run(&["build", "--base-url", BASE_URL]).success();
    let html = site.read("public/spring-tides/index.html");
    for tag in [
        r#"<meta property="og:image" content="https://example.org/tides/spring-tides/card.png">"#,
        r#"<meta property="og:image:width" content="1200">"#,
        r#"<meta property="og:image:height" content="630">"#,
        r#"<meta property="og:image:alt" content="Spring tides — Tides, explained">"#,
        r#"<meta name="twitter:card" content="summary_large_image">"#,
        r#"<meta name="twitter:image" content="https://example.org/tides/spring-tides/card.png">"#,
    ] {
        assert!(html.contains(tag), "no {tag} in\n{html}");
    }
    let home = site.read("public/index.html");
    assert!(
        home.contains(r#"<meta property="og:image" content="https://example.org/tides/card.png">"#),
        "{home}"
    );
}

#[test]
fn without_a_base_url_cards_are_made_but_not_named() {
    let site = Site::fixture("cards");
    site.build();
    let html = site.read("public/spring-tides/index.html");
    assert!(!html.contains("og:image"), "{html}");
    assert!(
        html.contains(r#"<meta name="twitter:card" content="summary">"#),
        "{html}"
    );
    assert!(site.exists("public/spring-tides/card.png"));
}

#[test]
fn a_page_that_names_its_own_image_gets_no_card() {
    let site = Site::fixture("cards");
    site.write(
        "content/bores.md",
        "+++\ntitle = \"Tidal bores\"\nimage = \"images/bore.png\"\nimage_alt = \"A wave running up the Severn\"\n+++\nA wave.\n",
    );
    site.write("content/images/bore.png", b"\x89PNG\r\n\x1a\n");
    site.write(
        "content/spring-tides.md",
        "+++\ntitle = \"Spring tides\"\nimage = \"https://images.example.net/spring.jpg\"\n+++\nHigher.\n",
    );
    site.run(&["build", "--base-url", BASE_URL]).success();
    assert!(!site.exists("public/bores/card.png"));
    assert!(!site.exists("public/spring-tides/card.png"));
    assert!(site.exists("public/card.png"), "the home page still has its card");
    let html = site.read("public/bores/index.html");
    for tag in [
        r#"<meta property="og:image" content="https://example.org/tides/images/bore.png">"#,
        r#"<meta property="og:image:alt" content="A wave running up the Severn">"#,
        r#"<meta name="twitter:card" content="summary_large_image">"#,
    ] {
        assert!(html.contains(tag), "no {tag} in\n{html}");
    }
    assert!(!html.contains("og:image:width"), "{html}");
    let html = site.read("public/spring-tides/index.html");
    assert!(
        html.contains(r#"<meta property="og:image" content="https://images.example.net/spring.jpg">"#),
        "{html}"
    );
}

#[test]
fn an_own_image_that_is_not_there_is_an_error_at_its_line() {
    let site = Site::fixture("cards");
    site.write(
        "content/bores.md",
        "+++\ntitle = \"Tidal bores\"\nimage = \"bore.png\"\n+++\nA wave.\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/bores.md:3:9: `image` names `bore.png`, but there is no file content/bore.png")
        .stderr_has("name an image file under content/");
    site.write(
        "content/bores.md",
        "+++\ntitle = \"Tidal bores\"\nimage = \"../../bore.png\"\n+++\nA wave.\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/bores.md:3:9: `image` names `../../bore.png`, which is outside content/");
}

#[test]
fn share_cards_false_turns_them_off() {
    let site = Site::fixture("cards");
    site.write(
        "content/site.toml",
        "title = \"Tides, explained\"\nshare_cards = false\n",
    );
    site.run(&["build", "--base-url", BASE_URL]).success();
    let files = site.tree("public");
    assert!(
        !files.keys().any(|file| file.ends_with(".png")),
        "{:?}",
        files.keys()
    );
    let html = site.read("public/spring-tides/index.html");
    assert!(!html.contains("og:image"), "{html}");
    assert!(
        html.contains(r#"<meta name="twitter:card" content="summary">"#),
        "{html}"
    );

    site.write("content/site.toml", "title = \"Tides\"\nshare_cards = \"no\"\n");
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/site.toml:2:15: `share_cards` must be true or false, not the text `no`");
}

#[test]
fn a_file_in_a_cards_place_is_an_error() {
    let site = Site::fixture("cards");
    site.write("content/spring-tides/card.png", b"\x89PNG\r\n\x1a\n");
    site.run(&["build"])
        .failure(1)
        .stderr_has("would both be written to spring-tides/card.png")
        .stderr_has("(the share card of content/spring-tides.md)");
    // Named as the page's image, it is shown instead of a card.
    site.write(
        "content/spring-tides.md",
        "+++\ntitle = \"Spring tides\"\nimage = \"spring-tides/card.png\"\n+++\nHigher.\n",
    );
    site.run(&["build", "--base-url", BASE_URL]).success();
    assert_eq!(card(&site, "spring-tides/"), b"\x89PNG\r\n\x1a\n");
}

#[test]
fn a_site_restyles_its_cards_with_its_own_template() {
    let site = Site::fixture("cards");
    site.build();
    let built_in = card(&site, "spring-tides/");
    site.write(
        "templates/card.svg.html",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#123456"/>{% for line in lines %}<text x="60" y="{{ 200 + loop.index0 * 80 }}" font-size="64" fill="#fff">{{ line }}</text>{% endfor %}<text x="60" y="580" font-size="30" fill="#fff">{{ site }} &amp; {{ title }}</text></svg>"##,
    );
    site.build();
    let own = card(&site, "spring-tides/");
    assert_eq!(png_size(&own), (1200, 630));
    assert_ne!(own, built_in);

    site.write("templates/card.svg.html", "<p>{{ title }}</p>");
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/card.svg.html: the share card of content/")
        .stderr_has("is not an SVG image that can be drawn");
}

#[test]
fn a_rebuild_draws_only_the_cards_whose_title_changed() {
    let site = Site::fixture("cards");
    let options = Options {
        root: site.root.clone(),
        output: None,
        base_url: None,
        drafts: false,
        lint: LintLevel::Error,
        force: false,
    };
    let mut session = Session::new(options, Retention::Keep);
    let cards = |session: &mut Session| -> Vec<String> {
        let delta = session.render().expect("renders");
        let changed = delta.changed.paths().filter(|p| p.ends_with("card.png"));
        changed.map(str::to_string).collect()
    };
    assert_eq!(
        cards(&mut session),
        ["bores/card.png", "card.png", "spring-tides/card.png"]
    );
    site.write(
        "content/spring-tides.md",
        "+++\ntitle = \"Spring tides\"\nweight = 1\n+++\nAnother body.\n",
    );
    assert!(cards(&mut session).is_empty());
    site.write(
        "content/spring-tides.md",
        "+++\ntitle = \"Spring and neap tides\"\nweight = 1\n+++\nAnother body.\n",
    );
    assert_eq!(cards(&mut session), ["spring-tides/card.png"]);
}

#[test]
fn a_title_with_markup_characters_is_text_on_its_card() {
    let site = Site::fixture("cards");
    site.write(
        "content/spring-tides.md",
        "+++\ntitle = \"Salt & <sea>: \\\"spring\\\" tides ]]> &amp;\"\n+++\nHigher.\n",
    );
    site.build();
    assert_eq!(png_size(&card(&site, "spring-tides/")), (1200, 630));
}
