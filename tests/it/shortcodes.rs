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
