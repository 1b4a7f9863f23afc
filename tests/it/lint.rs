//! Problems of form in Markdown: errors by default, warnings on request.

use crate::harness::Site;

#[test]
fn problems_of_form_fail_the_build_or_warn() {
    let site = Site::base();
    site.build();
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n![](photo.png)\n",
    );
    site.write("content/photo.png", [0u8; 4]);
    site.run(&["build"])
        .failure(1)
        .stderr_has("content/alpha.md:4:1: an image has no alt text");
    let run = site.run(&["build", "--lint", "warn"]).success();
    assert!(
        run.stderr
            .starts_with("warning: content/alpha.md:4:1: an image has no alt text"),
        "{}",
        run.stderr
    );
    assert!(
        site.read("public/alpha/index.html")
            .contains("<img src=\"../photo.png\" alt=\"\" />")
    );
    // check counts the warnings rather than saying there is no problem.
    site.run(&["check", "--lint", "warn"])
        .success()
        .stdout_has(": no errors, 1 warning");
    site.write(
        "content/alpha.md",
        "+++\ntitle = \"Alpha\"\n+++\n![a](photo.png)\n",
    );
    site.run(&["check"]).success().stdout_has(": no problems found");
}
