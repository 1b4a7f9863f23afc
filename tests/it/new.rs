//! `explainer new`, `theme eject`, `completions`, `--version`, and the
//! publishing files a new site comes with, each run the way its comments
//! and README say.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{BIN, Run, Site, run_in, tree};

/// A new site made by `explainer new NAME` in an empty folder.
fn new_site(args: &[&str]) -> (Site, PathBuf) {
    let site = Site::empty();
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    run_in(&site.root, &all).success();
    let dir = site.root.join(args[0]);
    (site, dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_new_site_builds_at_once_and_shows_every_component() {
    let (_site, dir) = new_site(&["water-cycle"]);
    assert!(!dir.join("templates").exists(), "the built-in theme serves");
    for file in [
        "README.md",
        ".gitignore",
        "netlify.toml",
        ".github/workflows/publish.yml",
        "content/site.toml",
        "content/_index.md",
        "content/anatomy.md",
        "content/glossary.toml",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(
        !dir.join("content/_headers").exists(),
        "the build writes the headers"
    );
    run_in(&dir, &["check"]).success().stdout_has("no problems found");
    run_in(&dir, &["build"]).success();
    let home = read(&dir.join("public/index.html"));
    assert!(
        home.contains("<title>Water cycle</title>"),
        "title from the folder name"
    );
    assert!(home.contains("href=\"anatomy/index.html\""));
    let page = read(&dir.join("public/anatomy/index.html"));
    for (component, mark) in [
        ("key figures", "class=\"block figures-block\""),
        (
            "a timeline from data",
            "class=\"event__title\">Gather the facts</h3>",
        ),
        (
            "a quote with attribution",
            "<span class=\"quote__speaker\">William Strunk Jr.</span>",
        ),
        (
            "a glossary term",
            "class=\"glossary-term\" href=\"../glossary/index.html#front-matter\"",
        ),
        ("what we know / what we don't", "class=\"block known-block\""),
        (
            "who is who",
            "<h2 id=\"members_title\" class=\"block__title\">Who makes an explainer</h2>",
        ),
        (
            "quotes from the front matter",
            "<p>“Vigorous writing is concise.”</p>",
        ),
        (
            "a key figure in the text",
            "<span class=\"figure__number\">3</span>",
        ),
        (
            "a blockquote that names its source",
            "<span class=\"cite\"><span class=\"cite__speaker\">William Strunk Jr.</span>",
        ),
        (
            "a claim that names its passage",
            "as this one does.<span class=\"cite\"><span class=\"cite__link\">(<a class=\"source-link\" href=\"../sources/index.html#source-starter-notes\">",
        ),
        (
            "a chart with its table",
            "<caption>Figures in this chart</caption>",
        ),
        ("a footnote", "<section class=\"footnotes\" aria-label=\"Notes\">"),
    ] {
        assert!(page.contains(mark), "{component}: {mark}");
    }
    assert!(dir.join("public/glossary/index.html").is_file());
    assert!(dir.join("public/404.html").is_file());
    let sources = read(&dir.join("public/sources/index.html"));
    assert!(sources.contains("id=\"source-elements-of-style\""), "{sources}");
    assert!(!dir.join("public/sources/elements-of-style/index.html").exists());
}

#[test]
fn the_title_is_taken_as_given() {
    let (_site, dir) = new_site(&["site", "--title", "Why \"tides\" turn: a guide"]);
    run_in(&dir, &["build"]).success();
    let home = read(&dir.join("public/index.html"));
    assert!(
        home.contains("<title>Why &quot;tides&quot; turn: a guide</title>"),
        "{home}"
    );
    assert!(read(&dir.join("README.md")).starts_with("# Why \"tides\" turn: a guide\n"));
}

#[test]
fn new_refuses_a_folder_that_is_not_empty() {
    let site = Site::empty();
    site.write("taken/notes.txt", "mine");
    let before = site.tree("taken");
    run_in(&site.root, &["new", "taken"])
        .failure(2)
        .stderr_has("error: taken: this folder is not empty; `new` writes only into a new or empty folder")
        .stderr_has("hint: choose a folder that does not exist yet");
    assert_eq!(site.tree("taken"), before, "nothing was touched");

    site.write("a-file", "x");
    run_in(&site.root, &["new", "a-file"])
        .failure(2)
        .stderr_has("a-file: this is a file, not a folder");

    // An empty folder is fine, and nothing is left beside it.
    std::fs::create_dir(site.root.join("empty")).unwrap();
    run_in(&site.root, &["new", "empty"]).success();
    assert!(site.root.join("empty/content/site.toml").is_file());
    let names: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "no temporary folder left: {names:?}"
    );
}

#[test]
fn eject_writes_the_theme_and_the_build_does_not_change() {
    let (_site, dir) = new_site(&["site"]);
    run_in(&dir, &["build", "--output", "../before"]).success();
    run_in(&dir, &["theme", "eject"])
        .success()
        .stdout_has("of the built-in theme to templates/");
    assert_eq!(
        tree(&dir.join("templates")),
        tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")),
        "the ejected theme is the built-in one"
    );
    run_in(&dir, &["build", "--output", "../after"]).success();
    assert_eq!(tree(&dir.join("../before")), tree(&dir.join("../after")));

    // A second eject would replace the editor's work: refused, nothing written.
    std::fs::write(dir.join("templates/page.html"), "mine").unwrap();
    let before = tree(&dir.join("templates"));
    run_in(&dir, &["theme", "eject"])
        .failure(2)
        .stderr_has("templates/404.html: this file exists already")
        .stderr_has("--force");
    assert_eq!(tree(&dir.join("templates")), before);
    run_in(&dir, &["theme", "eject", "--force"]).success();
    assert_ne!(read(&dir.join("templates/page.html")), "mine");

    // Into another site with --root, next to a template of its own.
    let other = Site::base();
    run_in(&other.root, &["theme", "eject", "--root", "."])
        .failure(2)
        .stderr_has("templates/base.html: this file exists already");
    other.remove("templates/base.html");
    other.remove("templates/index.html");
    other.remove("templates/page.html");
    other.remove("templates/section.html");
    other.remove("templates/style.css");
    let outside = other.outside();
    run_in(&outside, &["theme", "eject", "--root", "site"]).success();
    assert!(other.exists("templates/components/quote.html"));
}

#[test]
fn completions_for_each_shell_and_the_version() {
    let site = Site::empty();
    for (shell, mark) in [
        ("bash", "complete -F _explainer"),
        ("zsh", "#compdef explainer"),
        ("fish", "complete -c explainer"),
    ] {
        let run = run_in(&site.root, &["completions", shell]).success();
        assert!(
            run.stdout.contains(mark),
            "{shell}: {}",
            &run.stdout[..200.min(run.stdout.len())]
        );
        for sub in ["build", "serve", "new", "eject"] {
            assert!(run.stdout.contains(sub), "{shell} completes {sub}");
        }
    }
    run_in(&site.root, &["completions", "tcsh"]).failure(2);
    let run = run_in(&site.root, &["--version"]).success();
    assert_eq!(run.stdout, format!("explainer {}\n", env!("CARGO_PKG_VERSION")));
}

/// Runs a host's build command with `sh`, `explainer` on the PATH and the
/// host's variables set.
fn run_host_command(dir: &Path, command: &str, env: &[(&str, &str)]) -> Run {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(command).current_dir(dir).env("PATH", path);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let output = cmd.output().expect("run sh");
    Run::from_output(format!("sh -c {command}"), output)
}

#[test]
fn the_github_pages_workflow_builds_the_site_it_uploads() {
    let (_site, dir) = new_site(&["site"]);
    let workflow: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read(&dir.join(".github/workflows/publish.yml"))).unwrap();
    let steps = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("build steps");
    let run_of = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"].as_str() == Some(name))
            .and_then(|s| s["run"].as_str())
            .unwrap_or_else(|| panic!("a step named {name}"))
            .to_string()
    };
    assert!(run_of("Install explainer").contains(&format!("--version {}", env!("CARGO_PKG_VERSION"))));
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .expect("an upload step");
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    assert!(
        workflow["jobs"]["deploy"]["steps"][0]["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
    );

    // The Build step, with what configure-pages gives for a project site.
    let build = run_of("Build").replace(
        "${{ steps.pages.outputs.base_url }}",
        "https://editor.github.io/tides",
    );
    run_host_command(&dir, &build, &[]).success();
    let page = read(&dir.join("public/anatomy/index.html"));
    assert!(
        page.contains("<link rel=\"canonical\" href=\"https://editor.github.io/tides/anatomy/\">"),
        "{page}"
    );
    assert!(dir.join("public/sitemap.xml").is_file() && dir.join("public/404.html").is_file());
}

#[test]
fn the_netlify_commands_build_the_folder_netlify_publishes() {
    let (_site, dir) = new_site(&["site"]);
    let settings: toml::Table = toml::from_str(&read(&dir.join("netlify.toml"))).unwrap();
    let publish = settings["build"]["publish"].as_str().unwrap();
    assert_eq!(publish, "public");
    let commands = [
        (
            settings["build"]["command"].as_str().unwrap(),
            "URL",
            "https://tides.netlify.app",
        ),
        (
            settings["context"]["deploy-preview"]["command"].as_str().unwrap(),
            "DEPLOY_PRIME_URL",
            "https://deploy-preview-7--tides.netlify.app",
        ),
        (
            settings["context"]["branch-deploy"]["command"].as_str().unwrap(),
            "DEPLOY_PRIME_URL",
            "https://draft--tides.netlify.app",
        ),
    ];
    for (command, variable, address) in commands {
        assert!(
            command.contains(&format!("--version {}", env!("CARGO_PKG_VERSION"))),
            "{command}"
        );
        // explainer is on the PATH, so the install is skipped.
        run_host_command(&dir, command, &[(variable, address)]).success();
        let home = read(&dir.join(publish).join("index.html"));
        assert!(
            home.contains(&format!("<link rel=\"canonical\" href=\"{address}/\">")),
            "{command}"
        );
    }
}

#[test]
fn the_headers_file_is_published_and_names_files_that_exist() {
    let (_site, dir) = new_site(&["site"]);
    run_in(&dir, &["build"]).success();
    let headers = read(&dir.join("public/_headers"));
    let paths: Vec<&str> = headers
        .lines()
        .filter(|l| l.starts_with('/') && !l.contains('*'))
        .collect();
    assert!(
        paths.contains(&"/style.css") && paths.contains(&"/favicon.svg"),
        "{paths:?}"
    );
    for path in &paths {
        assert!(
            dir.join("public").join(&path[1..]).is_file(),
            "{path} is in the output"
        );
    }
    // The long-cached files are linked with a content hash on every page.
    for page in [
        "index.html",
        "anatomy/index.html",
        "glossary/index.html",
        "404.html",
    ] {
        let html = read(&dir.join("public").join(page));
        assert!(
            html.contains("style.css?h=") && html.contains("favicon.svg?h="),
            "{page}"
        );
    }
    // Every header line is `Name: value` under a path.
    for line in headers.lines().filter(|l| l.starts_with("  ")) {
        let (name, value) = line.trim().split_once(": ").expect("Name: value");
        assert!(
            !name.is_empty() && !value.is_empty() && !name.contains(' '),
            "{line}"
        );
    }
    let policy = |headers: &str| {
        headers
            .lines()
            .find_map(|l| l.strip_prefix("  Content-Security-Policy: "))
            .expect("a policy")
            .to_string()
    };
    assert!(
        !policy(&headers).contains("frame-src"),
        "no frames from elsewhere"
    );

    // The hosts the settings' comment shows, once the line is uncommented.
    let settings = read(&dir.join("content/site.toml"));
    let example = settings
        .lines()
        .find_map(|l| l.strip_prefix("# embed_hosts = "))
        .expect("an example of embed_hosts");
    std::fs::write(
        dir.join("content/site.toml"),
        settings.replace(
            &format!("# embed_hosts = {example}"),
            &format!("embed_hosts = {example}"),
        ),
    )
    .unwrap();
    run_in(&dir, &["build"]).success();
    assert!(
        policy(&read(&dir.join("public/_headers")))
            .contains("; frame-src 'self' https://datawrapper.dwcdn.net https://www.youtube-nocookie.com; "),
    );
}

#[test]
fn the_new_site_readme_commands_work() {
    let (_site, dir) = new_site(&["site"]);
    let readme = read(&dir.join("README.md"));
    let mut commands = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line == "```sh" {
            commands.extend(
                lines
                    .by_ref()
                    .take_while(|l| !l.starts_with("```"))
                    .map(str::to_string),
            );
        }
    }
    assert_eq!(commands.len(), 3, "{commands:?}");
    for command in &commands {
        let args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args[0], "explainer");
        if args[1] == "serve" {
            // Without --open here: no browser in tests.
            let server = crate::harness::Background::spawn_in(&dir, &["serve", "--port", "0"]);
            server.wait_for_line("serving the site at http://");
            server.interrupt();
        } else {
            run_in(&dir, &args[1..]).success();
        }
    }
    assert!(
        read(&dir.join("public/index.html"))
            .contains("<link rel=\"canonical\" href=\"https://example.org/my-explainer/\">")
    );
}

#[test]
fn eject_replaces_links_and_never_writes_through_them() {
    let site = Site::base();
    let outside = site.outside().join("elsewhere.html");
    std::fs::write(&outside, "not the site's").unwrap();
    // A link to a file outside the site, and one to a file that does not exist yet.
    site.remove("templates/page.html");
    std::os::unix::fs::symlink(&outside, site.root.join("templates/page.html")).unwrap();
    let dangling = site.outside().join("created-through-a-link.html");
    site.remove("templates/index.html");
    std::os::unix::fs::symlink(&dangling, site.root.join("templates/index.html")).unwrap();
    // Without --force, both count as files that exist.
    site.run(&["theme", "eject"])
        .failure(2)
        .stderr_has("this file exists already");
    site.run(&["theme", "eject", "--force"]).success();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "not the site's");
    assert!(
        !dangling.exists(),
        "nothing was written through the dangling link"
    );
    let page = site.root.join("templates/page.html");
    assert!(!std::fs::symlink_metadata(&page).unwrap().file_type().is_symlink());
    assert_eq!(
        read(&page),
        std::fs::read_to_string("templates/page.html").unwrap()
    );

    // A linked folder inside templates/, and templates/ itself a link.
    let theme = site.outside().join("shared-theme");
    std::fs::create_dir(&theme).unwrap();
    site.remove("templates/components");
    std::os::unix::fs::symlink(&theme, site.root.join("templates/components")).unwrap();
    site.run(&["theme", "eject", "--force"])
        .failure(2)
        .stderr_has("templates/components: this is a symbolic link (to ");
    site.remove("templates");
    std::os::unix::fs::symlink(&theme, site.root.join("templates")).unwrap();
    site.run(&["theme", "eject", "--force"])
        .failure(2)
        .stderr_has("templates: this is a symbolic link (to ");
    assert_eq!(
        std::fs::read_dir(&theme).unwrap().count(),
        0,
        "nothing written into the linked folder"
    );
}

#[test]
fn new_refuses_a_link_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::os::unix::fs::symlink("empty", dir.path().join("link")).unwrap();
    let run = run_in(dir.path(), &["new", "link"]);
    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert!(
        run.stderr
            .contains("link: this is a symbolic link (to empty); `new` writes only into real folders"),
        "{}",
        run.describe()
    );
    assert_eq!(std::fs::read_dir(dir.path().join("empty")).unwrap().count(), 0);
    run_in(dir.path(), &["new", "empty"]).success();
}
