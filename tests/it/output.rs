//! The output folder: atomic, deterministic, and never somewhere dangerous.

use crate::harness::{Site, run_in, tree};

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::base();
    site.write(
        "content/notes/second.md",
        "+++\ntitle = \"Second\"\ndate = 2025-04-01\n+++\n[^a] x\n\n[^a]: note\n",
    );
    site.run(&[
        "build",
        "--base-url",
        "https://example.org/",
        "--output",
        "../one",
    ])
    .success();
    site.run(&[
        "build",
        "--base-url",
        "https://example.org/",
        "--output",
        "../two",
    ])
    .success();
    let one = tree(&site.outside().join("one"));
    let two = tree(&site.outside().join("two"));
    assert!(!one.is_empty());
    assert_eq!(one, two);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Site::base();
    site.build();
    let before = site.tree("public");
    site.write("content/alpha.md", "+++\ntitle = \n+++\n");
    site.run(&["build"]).failure(1).stderr_has("nothing was written");
    assert_eq!(site.tree("public"), before);
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
}

#[test]
fn a_new_build_leaves_no_stale_files() {
    let site = Site::base();
    site.build();
    assert!(site.exists("public/notes/first/index.html"));
    site.remove("content/notes/first.md");
    site.build();
    assert!(!site.exists("public/notes/first/index.html"));
    assert!(!site.exists("public/notes/first"));
}

#[test]
fn check_writes_nothing() {
    let site = Site::base();
    let run = site.run(&["check"]).success();
    assert!(
        run.stdout.starts_with("checked 2 pages, 2 sections, 9 files in "),
        "{}",
        run.stdout
    );
    assert!(!site.exists("public"));
    site.write("content/alpha.md", "+++\ntitle = \"A\"\n+++\n[x](@/nope.md)\n");
    site.run(&["check"])
        .failure(1)
        .stderr_has("content/alpha.md:4:1: broken link");
    assert!(!site.exists("public"));
}

#[test]
fn output_folders_that_would_overwrite_the_site_are_refused() {
    let site = Site::base();
    for output in [".", "content", "content/public", "templates", "..", "/"] {
        site.run(&["build", "--output", output])
            .failure(2)
            .stderr_has("the output folder cannot");
    }
    assert!(site.exists("content/alpha.md"));
}

#[test]
fn output_elsewhere_and_root_from_elsewhere() {
    let site = Site::base();
    let elsewhere = site.outside();
    run_in(&elsewhere, &["build", "--root", "site", "--output", "out"])
        .success()
        .stdout_has("-> out/");
    assert!(elsewhere.join("out/alpha/index.html").is_file());
}

#[test]
fn an_output_path_that_is_a_file_is_an_error() {
    let site = Site::base();
    site.write("public", "not a folder");
    site.run(&["build"])
        .failure(1)
        .stderr_has("public: the output path is a file");
    assert_eq!(site.read("public"), "not a folder");
}

#[test]
fn a_folder_explainer_did_not_write_is_not_replaced_without_force() {
    let site = Site::base();
    let home = site.outside().join("home");
    std::fs::create_dir_all(home.join("projects")).unwrap();
    std::fs::write(home.join("notes.txt"), "keep me").unwrap();
    std::fs::write(home.join("projects/plan.md"), "and me").unwrap();
    let before = tree(&home);
    for command in ["build", "watch", "serve"] {
        let mut args = vec![command, "--output", "../home"];
        if command == "serve" {
            args.extend(["--port", "0"]);
        }
        site.run(&args)
            .failure(2)
            .stderr_has("../home: the output folder holds files that explainer did not write (`notes.txt`, `projects`)")
            .stderr_has("pass --force to replace what is there");
        assert_eq!(tree(&home), before, "{command} touched the folder");
    }
    // Forced, the folder becomes the site's; from then on it is a build's.
    site.run(&["build", "--output", "../home", "--force"]).success();
    assert!(!home.join("notes.txt").exists());
    assert!(home.join("alpha/index.html").is_file());
    assert!(home.join(".explainer-output").is_file());
    site.run(&["build", "--output", "../home"]).success();
    // An empty folder needs no --force.
    std::fs::create_dir(site.outside().join("empty")).unwrap();
    site.run(&["build", "--output", "../empty"]).success();
}

#[test]
fn linked_site_folders_cannot_be_the_output_under_another_name() {
    let site = Site::base();
    // content/ and templates/ live elsewhere, linked into the site.
    let words = site.outside().join("words");
    let theme = site.outside().join("theme");
    std::fs::rename(site.root.join("content"), &words).unwrap();
    std::fs::rename(site.root.join("templates"), &theme).unwrap();
    std::os::unix::fs::symlink(&words, site.root.join("content")).unwrap();
    std::os::unix::fs::symlink(&theme, site.root.join("templates")).unwrap();
    site.build();
    let words_before = tree(&words);
    let theme_before = tree(&theme);
    for output in [
        "../words",
        "../words/notes",
        "../words/out",
        "../theme",
        // `..` after a link applies to where the link leads.
        "content/../words",
        "content/notes/../..",
        "templates/../theme/x",
    ] {
        site.run(&["build", "--output", output, "--force"])
            .failure(2)
            .stderr_has("the output folder cannot");
    }
    // The whole site through a link to it, and an output that is a link.
    let linked = site.outside().join("linked-site");
    std::os::unix::fs::symlink(&site.root, &linked).unwrap();
    run_in(
        &site.outside(),
        &["build", "--root", "linked-site", "--output", "words", "--force"],
    )
    .failure(2)
    .stderr_has("the output folder cannot be in the site's content/ folder");
    std::os::unix::fs::symlink(&words, site.outside().join("to-words")).unwrap();
    site.run(&["build", "--output", "../to-words", "--force"])
        .failure(2)
        .stderr_has("the output folder is a symbolic link (to ");
    assert_eq!(tree(&words), words_before);
    assert_eq!(tree(&theme), theme_before);
}

#[test]
fn temporary_files_of_a_killed_watch_are_gone_after_the_next_build_or_watch() {
    let site = Site::base();
    site.build();
    let leftovers = [
        "public/alpha/.index.html.tmp-99999",
        "public/.style.css.tmp-99999",
    ];
    for (command, args) in [("build", vec!["build"]), ("watch", vec!["watch"])] {
        for leftover in leftovers {
            site.write(leftover, "half a page");
        }
        if command == "build" {
            site.run(&args).success();
        } else {
            let watch = site.spawn(&args);
            watch.wait_for_line("watching content/");
        }
        for leftover in leftovers {
            assert!(!site.exists(leftover), "{command} left {leftover}");
        }
        assert!(site.exists("public/alpha/index.html"));
    }
}

#[test]
fn an_output_path_longer_than_the_system_allows_says_so() {
    let site = Site::base();
    let long = vec!["b".repeat(200); 25].join("/");
    site.run(&["build", "--output", &format!("../{long}")])
        .failure(1)
        .stderr_has("File name too long")
        .stderr_has("hint: the path is longer than the system allows: use shorter folder and file names");
    let name = "n".repeat(300);
    site.run(&["build", "--output", &format!("../{name}")])
        .failure(1)
        .stderr_has("hint: the path is longer than the system allows");
}
