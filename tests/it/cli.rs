//! The command line itself.

use crate::harness::Site;

#[test]
fn help_for_every_command() {
    let site = Site::empty();
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["help", "build"],
    ] {
        let run = site.run(&args).success();
        assert!(run.stdout.contains("Usage: explainer"), "{}", run.describe());
    }
    let run = site.run(&["build", "--help"]).success();
    for flag in [
        "--root",
        "--output",
        "--base-url",
        "--drafts",
        "--verbose",
        "--quiet",
    ] {
        assert!(run.stdout.contains(flag), "build --help lacks {flag}");
    }
}

#[test]
fn version() {
    let run = Site::empty().run(&["--version"]).success();
    assert_eq!(
        run.stdout.trim(),
        format!("explainer {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bad_arguments_exit_with_2() {
    let site = Site::base();
    site.run(&["build", "--no-such-flag"]).failure(2);
    site.run(&["frobnicate"]).failure(2);
    site.run(&["build", "-q", "-v"]).failure(2);
    site.run(&["build", "--base-url", "not a url"])
        .failure(2)
        .stderr_has("--base-url: `base_url` is not an absolute URL");
}

#[test]
fn quiet_and_verbose() {
    let site = Site::base();
    let quiet = site.run(&["build", "-q"]).success();
    assert_eq!(quiet.stdout, "");
    assert_eq!(quiet.stderr, "");
    let verbose = site.run(&["-v", "build"]).success();
    for stage in ["config", "content", "templates", "markdown", "render", "write"] {
        assert!(verbose.stderr.contains(stage), "{}", verbose.describe());
    }
    assert!(verbose.stdout.starts_with("built "));
}

#[test]
fn a_folder_that_is_not_a_site() {
    Site::empty()
        .run(&["build"])
        .failure(1)
        .stderr_has("content/site.toml: the site settings file is missing");
}
