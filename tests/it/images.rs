//! Images in Markdown: their width and height read from the file, lazy
//! loading after a page's first, figures for titled images that stand
//! alone, the theme's markup for both, and the lint for a file whose
//! size cannot be read. The images are made here, byte by byte: only the
//! header a size is read from.

use std::time::Duration;

use crate::harness::{Site, wait_until};

/// The first bytes of a PNG of `width` by `height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// A JPEG's start: its JFIF segment, then the frame that gives the size.
fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xC0\0\x11\x08".to_vec();
    bytes.extend(height.to_be_bytes());
    bytes.extend(width.to_be_bytes());
    bytes.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    bytes
}

fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend(width.to_le_bytes());
    bytes.extend(height.to_le_bytes());
    bytes.extend([0, 0, 0]);
    bytes
}

/// A WebP with the extended header, which gives the size less one.
fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"RIFF\x1e\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
    bytes.extend(&(width - 1).to_le_bytes()[..3]);
    bytes.extend(&(height - 1).to_le_bytes()[..3]);
    bytes
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}")
}

const LAZY: &str = " loading=\"lazy\" decoding=\"async\"";

#[test]
fn images_of_the_site_get_the_size_their_file_gives() {
    let site = Site::base();
    site.write("content/birds/heron.png", png(640, 480));
    site.write("content/birds/wren.jpg", jpeg(1200, 800));
    site.write("content/birds/swift.gif", gif(31, 17));
    site.write("content/birds/kite.webp", webp(300, 200));
    site.write(
        "content/birds/range.svg",
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" viewBox=\"0 0 300 150\"></svg>\n",
    );
    site.write(
        "content/birds/index.md",
        page(
            "Birds",
            "![A grey heron](heron.png)\n\n\
             ![A wren](wren.jpg)\n\n\
             ![A swift](@/birds/swift.gif)\n\n\
             ![A kite](/birds/kite.webp)\n\n\
             ![Where they nest](range.svg)\n\n\
             ![A gull](https://example.org/gull.png)\n",
        ),
    );
    site.build();
    let html = site.read("public/birds/index.html");
    for expected in [
        "<p><img src=\"heron.png\" alt=\"A grey heron\" width=\"640\" height=\"480\" /></p>".to_string(),
        format!("<p><img src=\"wren.jpg\" alt=\"A wren\" width=\"1200\" height=\"800\"{LAZY} /></p>"),
        format!("<p><img src=\"swift.gif\" alt=\"A swift\" width=\"31\" height=\"17\"{LAZY} /></p>"),
        format!("<p><img src=\"kite.webp\" alt=\"A kite\" width=\"300\" height=\"200\"{LAZY} /></p>"),
        format!(
            "<p><img src=\"range.svg\" alt=\"Where they nest\" width=\"600\" height=\"300\"{LAZY} /></p>"
        ),
        // A remote image's size is not known.
        format!("<p><img src=\"https://example.org/gull.png\" alt=\"A gull\"{LAZY} /></p>"),
    ] {
        assert!(html.contains(&expected), "{expected}\nnot in\n{html}");
    }
    // The same image on another page, in another folder: the same size.
    site.write(
        "content/alpha.md",
        page("Alpha", "Herons: ![heron](birds/heron.png).\n"),
    );
    site.build();
    assert!(
        site.read("public/alpha/index.html")
            .contains("<img src=\"../birds/heron.png\" alt=\"heron\" width=\"640\" height=\"480\" />"),
        "{}",
        site.read("public/alpha/index.html")
    );
}

#[test]
fn a_titled_image_alone_in_its_paragraph_is_a_figure_and_one_in_text_stays_inline() {
    let site = Site::base();
    site.write("content/heron.png", png(640, 480));
    site.write(
        "content/alpha.md",
        page(
            "Alpha",
            "![A heron & its \"catch\"](heron.png \"Grey heron, <dawn>\")\n\n\
             A heron ![icon](heron.png \"Heron\") in the text.\n\n\
             ![](heron.png)\n",
        ),
    );
    site.run(&["build", "--lint", "warn"]).success();
    let html = site.read("public/alpha/index.html");
    for expected in [
        "<figure><img src=\"../heron.png\" alt=\"A heron &amp; its “catch”\" width=\"640\" height=\"480\" />\
         <figcaption>Grey heron, &lt;dawn&gt;</figcaption></figure>"
            .to_string(),
        format!(
            "<p>A heron <img src=\"../heron.png\" alt=\"icon\" title=\"Heron\" width=\"640\" height=\"480\"{LAZY} /> in the text.</p>"
        ),
        // An empty description stays an empty alt, for a decorative image.
        format!("<p><img src=\"../heron.png\" alt=\"\" width=\"640\" height=\"480\"{LAZY} /></p>"),
    ] {
        assert!(html.contains(&expected), "{expected}\nnot in\n{html}");
    }
    assert!(!html.contains("<p><figure>"), "{html}");
}

#[test]
fn only_the_first_image_of_each_page_loads_at_once() {
    let site = Site::base();
    site.write("content/heron.png", png(4, 3));
    for name in ["alpha", "beta"] {
        site.write(
            &format!("content/{name}.md"),
            page(
                name,
                "## Above\n\n![first](heron.png)\n\n![second](heron.png) ![third](heron.png)\n",
            ),
        );
    }
    site.build();
    for name in ["alpha", "beta"] {
        let html = site.read(&format!("public/{name}/index.html"));
        assert_eq!(html.matches(LAZY).count(), 2, "{html}");
        assert!(
            html.contains("<img src=\"../heron.png\" alt=\"first\" width=\"4\" height=\"3\" />"),
            "{html}"
        );
    }
}

#[test]
fn an_image_whose_size_cannot_be_read_is_a_lint_at_its_place() {
    let site = Site::base();
    let mut damaged = png(10, 10);
    damaged.truncate(20);
    site.write("content/plan.png", damaged);
    site.write("content/notes.png", "notes, not an image\n");
    site.write(
        "content/alpha.md",
        page(
            "Alpha",
            "A plan:\n\n![The plan](plan.png)\n\nAnd ![notes](notes.png).\n",
        ),
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:6:1: the image `plan.png` is damaged: its header gives no size")
        .stderr_has("hint: export the image again, or replace the file")
        .stderr_has(
            "content/alpha.md:8:5: the image `notes.png` is not in a format browsers show as an image",
        );
    assert!(!site.exists("public/alpha"));
    // As warnings, the pages are written, the images without a size.
    site.run(&["build", "--lint", "warn"])
        .success()
        .stderr_has("warning: content/alpha.md:6:1: the image `plan.png` is damaged");
    let html = site.read("public/alpha/index.html");
    assert!(
        html.contains("<img src=\"../plan.png\" alt=\"The plan\" />"),
        "{html}"
    );
}

#[test]
fn the_theme_writes_images_and_figures_its_own_way() {
    let site = Site::base();
    site.write("content/heron.png", png(64, 48));
    site.write(
        "content/alpha.md",
        page(
            "Alpha",
            "![A heron](heron.png \"At dawn\")\n\nAnd ![far](https://example.org/f.png \"Far\").\n",
        ),
    );
    site.write(
        "templates/markup/image.html",
        "<img class=\"photo\" src=\"{{ src }}\" alt=\"{{ alt }}\"\
         {% if has_title %} data-title=\"{{ title }}\"{% endif %}\
         {% if has_size %} style=\"aspect-ratio: {{ width }} / {{ height }}\"{% endif %}\
         {% if lazy %} loading=\"lazy\"{% endif %}>\n",
    );
    site.write(
        "templates/markup/figure.html",
        "<figure class=\"{{ config.language }}\">{{ image | safe }}<figcaption>— {{ title }}</figcaption></figure>\n",
    );
    site.build();
    let html = site.read("public/alpha/index.html");
    for expected in [
        "<figure class=\"en\"><img class=\"photo\" src=\"../heron.png\" alt=\"A heron\" style=\"aspect-ratio: 64 / 48\">\
         <figcaption>— At dawn</figcaption></figure>",
        "And <img class=\"photo\" src=\"https://example.org/f.png\" alt=\"far\" data-title=\"Far\" loading=\"lazy\">.",
    ] {
        assert!(html.contains(expected), "{expected}\nnot in\n{html}");
    }
    // A value stands for each image's own: it is written as it is.
    site.write(
        "templates/markup/image.html",
        "<img src=\"{{ src }}\" alt=\"{{ alt | upper }}\">",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/markup/image.html: the template changes `alt`");
    // Testing one cannot work: every image would seem to have a size.
    site.write(
        "templates/markup/image.html",
        "<img src=\"{{ src }}\" alt=\"{{ alt }}\"{% if width %} width=\"{{ width }}\"{% endif %}>",
    );
    site.run(&["build"]).failure(1).stderr_has(
        "templates/markup/image.html: the template writes `width` or `height` where `has_size` is false",
    );
    site.write("templates/markup/image.html", "<img alt=\"{{ alt }}\">");
    site.run(&["build"])
        .failure(1)
        .stderr_has("templates/markup/image.html: the template never writes `src`: no image would show");
}

#[test]
fn watch_gives_an_image_its_new_size_when_the_file_changes() {
    let site = Site::base();
    site.write("content/heron.png", png(640, 480));
    site.write("content/alpha.md", page("Alpha", "![A heron](heron.png)\n"));
    let watch = site.spawn(&["watch"]);
    watch.wait_for_line("watching content/ and templates/");
    let shows = |size: &str| site.read("public/alpha/index.html").contains(size);
    assert!(shows("width=\"640\" height=\"480\""));
    site.write("content/heron.png", png(320, 200));
    assert!(
        wait_until(Duration::from_secs(10), || shows("width=\"320\" height=\"200\"")),
        "{}",
        watch.output().join("\n")
    );
    // An edit of the page's text alone (the quick way) keeps the size.
    site.write(
        "content/alpha.md",
        page("Alpha", "Edited.\n\n![A heron](heron.png)\n"),
    );
    assert!(
        wait_until(Duration::from_secs(10), || shows("Edited.")),
        "{}",
        watch.output().join("\n")
    );
    assert!(shows("width=\"320\" height=\"200\""));
    let status = watch.interrupt();
    assert!(status.success(), "watch did not exit cleanly: {status}");
}
