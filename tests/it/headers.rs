//! `_headers`, the file Netlify and Cloudflare Pages read: written by the
//! build with a security policy that lets pages show frames from the hosts
//! `embed_hosts` names, unless the site brings its own. Tiny sites about
//! beekeeping.

use crate::harness::Site;

/// A site of one home page about bees, with these lines added to its settings.
fn bees(settings: &str) -> Site {
    let site = Site::empty();
    site.write(
        "content/site.toml",
        format!("title = \"Keeping bees\"\n{settings}"),
    );
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Keeping bees\"\n+++\n\nA hive holds one queen.\n",
    );
    site
}

/// The file as the build writes it, with `csp` for its policy and
/// `frames` for the lines that say where frames may come from.
fn expected(frames: &str, csp: &str) -> String {
    format!(
        "# Response headers for hosts that read a _headers file (Netlify, Cloudflare
# Pages), written by explainer build; a content/_headers of the site's own
# is published instead. The built-in theme links its stylesheet and icon
# with a hash of their content (style.css?h=...), so they may be cached for
# a year: a changed file gets a new address.
/style.css
  Cache-Control: public, max-age=31536000, immutable
/favicon.svg
  Cache-Control: public, max-age=31536000, immutable

# Every page: no sniffing of content types, no framing by other sites, and
{frames}
/*
  X-Content-Type-Options: nosniff
  X-Frame-Options: DENY
  Referrer-Policy: strict-origin-when-cross-origin
  Content-Security-Policy: {csp}
"
    )
}

#[test]
fn the_policy_allows_frames_from_the_hosts_embed_hosts_names() {
    let site = bees(
        "embed_hosts = [\"https://datawrapper.dwcdn.net/\", \"https://*.Flourish.studio\", \"https://datawrapper.dwcdn.net\"]\n",
    );
    site.build();
    assert_eq!(
        site.read("public/_headers"),
        expected(
            "# no requests to other sites from what the pages hold but frames from\n# the hosts embed_hosts names in content/site.toml.",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-src 'self' https://datawrapper.dwcdn.net https://*.flourish.studio; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
        )
    );
}

#[test]
fn without_embed_hosts_no_frame_comes_from_elsewhere() {
    for settings in ["", "embed_hosts = []\n"] {
        let site = bees(settings);
        site.build();
        assert_eq!(
            site.read("public/_headers"),
            expected(
                "# no requests to other sites from what the pages hold (to show frames\n# from other sites, name their hosts in embed_hosts in content/site.toml).",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
            ),
            "{settings}"
        );
    }
}

#[test]
fn a_bad_host_is_an_error_at_its_line_and_column() {
    let site = bees("embed_hosts = [\"https://www.youtube-nocookie.com\", \"http://player.vimeo.com\"]\n");
    site.run(&["build"]).failure(1).stderr_has(
        "error: content/site.toml:2:52: `http://player.vimeo.com` in `embed_hosts` is not an https:// address: a page published over https shows no frame from http://\n  |\n2 | embed_hosts = [\"https://www.youtube-nocookie.com\", \"http://player.vimeo.com\"]\n  |                                                    ^\n  = hint: write \"https://player.vimeo.com\"\n",
    );
    assert!(!site.exists("public"), "nothing was written");
}

#[test]
fn a_site_s_own_headers_file_is_published_as_it_is() {
    let own =
        "/*\n  X-Frame-Options: SAMEORIGIN\n  Content-Security-Policy: frame-src https://hives.example.org\n";
    let site = bees("");
    site.write("content/_headers", own);
    site.build();
    assert_eq!(site.read("public/_headers"), own);

    // Taken away, the build writes the file again; changed, it is copied again.
    site.remove("content/_headers");
    site.build();
    assert!(site.read("public/_headers").starts_with("# Response headers"));
    site.write("content/_headers", own);
    site.build();
    assert_eq!(site.read("public/_headers"), own);

    // The hosts would do nothing beside it: an error that says what to do.
    site.write(
        "content/site.toml",
        "title = \"Keeping bees\"\nembed_hosts = [\"https://hives.example.org\"]\n",
    );
    site.run(&["build"])
        .failure(1)
        .stderr_has("error: content/site.toml:2:15: `embed_hosts` does nothing here: the site has its own content/_headers, which is published as it is")
        .stderr_has("hint: delete content/_headers to have the build write the headers with these hosts, or leave out `embed_hosts` and write the hosts into the policy of content/_headers: default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-src 'self' https://hives.example.org; object-src 'none';");
}

#[test]
fn watch_writes_the_policy_again_when_the_hosts_change() {
    let site = bees("");
    let watch = site.spawn(&["watch"]);
    watch.wait_for_line("watching content/ and templates/");
    site.write(
        "content/site.toml",
        "title = \"Keeping bees\"\nembed_hosts = [\"https://hives.example.org\"]\n",
    );
    watch.wait_for_line("content/site.toml changed");
    assert!(watch.interrupt().success());
    assert!(
        site.read("public/_headers")
            .contains("frame-src 'self' https://hives.example.org;")
    );
    let fresh = bees("embed_hosts = [\"https://hives.example.org\"]\n");
    fresh.build();
    assert_eq!(
        site.tree("public"),
        fresh.tree("public"),
        "the same as a fresh build"
    );
}
