use super::*;

/// `path` as a file of a site that is its folder.
fn site_file(path: PathBuf) -> crate::input::SiteFile {
    let folder = crate::paths::real_path(path.parent().unwrap());
    crate::input::SiteFile {
        path,
        folder: folder.into(),
    }
}
use std::os::unix::fs::MetadataExt;

#[test]
fn unchanged_files_are_linked_from_the_previous_build_and_the_rest_written() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    std::fs::create_dir_all(output.join("a")).unwrap();
    std::fs::write(output.join("a/index.html"), "same").unwrap();
    std::fs::write(output.join("b.html"), "old!").unwrap();
    std::fs::write(output.join("c.css"), "old").unwrap();
    let source = dir.path().join("asset.css");
    std::fs::write(&source, "new copy").unwrap();

    let staging = Staging::create(&output).unwrap();
    staging
        .put("a/index.html", &Contents::Bytes(b"same".to_vec()))
        .unwrap();
    // Same length, other bytes: written, not linked.
    staging.put("b.html", &Contents::Bytes(b"new!".to_vec())).unwrap();
    staging
        .put("c.css", &Contents::CopyOf(site_file(source)))
        .unwrap();
    staging.put("d.html", &Contents::Static(b"fresh")).unwrap();
    let links = |path: &str| std::fs::metadata(staging.dir.join(path)).unwrap().nlink();
    assert_eq!(links("a/index.html"), 2, "linked to the previous build's file");
    assert_eq!(links("b.html"), 1);
    assert_eq!(links("c.css"), 1);
    assert_eq!(links("d.html"), 1);
    staging.commit().unwrap();

    assert_eq!(
        std::fs::read_to_string(output.join("a/index.html")).unwrap(),
        "same"
    );
    assert_eq!(std::fs::read_to_string(output.join("b.html")).unwrap(), "new!");
    assert_eq!(std::fs::read_to_string(output.join("c.css")).unwrap(), "new copy");
    assert_eq!(std::fs::read_to_string(output.join("d.html")).unwrap(), "fresh");
    assert_eq!(
        std::fs::metadata(output.join("a/index.html")).unwrap().nlink(),
        1,
        "the previous build is gone"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "no temporary folder left: {left:?}");
}

#[test]
fn a_file_of_pieces_holds_them_joined_in_order_new_folder_or_not() {
    // More pieces than the kernel takes in one vectored write, some of
    // them longer than a page, and a folder two levels down.
    let pieces: Vec<String> = (0..3000)
        .map(|i| match i % 7 {
            0 => "../".to_string(),
            1 => "x".repeat(5000 + i),
            _ => format!("<a href=\"{i}/\">{i}</a>"),
        })
        .collect();
    let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let joined = pieces.concat();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");

    // A first build: written from the pieces as they are.
    let staging = Staging::create(&output).unwrap();
    staging.put_pieces("a/b/index.html", &pieces).unwrap();
    staging.put_pieces("empty.html", &[]).unwrap();
    staging.commit().unwrap();
    assert_eq!(
        std::fs::read_to_string(output.join("a/b/index.html")).unwrap(),
        joined
    );
    assert_eq!(std::fs::read_to_string(output.join("empty.html")).unwrap(), "");

    // A build over it: joined, and linked when unchanged.
    let staging = Staging::create(&output).unwrap();
    staging.put_pieces("a/b/index.html", &pieces).unwrap();
    staging.put_pieces("c/index.html", &pieces[..2]).unwrap();
    assert_eq!(
        std::fs::metadata(staging.dir.join("a/b/index.html"))
            .unwrap()
            .nlink(),
        2
    );
    staging.commit().unwrap();
    assert_eq!(
        std::fs::read_to_string(output.join("a/b/index.html")).unwrap(),
        joined
    );
    assert_eq!(
        std::fs::read_to_string(output.join("c/index.html")).unwrap(),
        pieces[..2].concat()
    );
}

#[test]
fn swaps_in_a_complete_site_and_leaves_no_temporary_folders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut plan = Plan::default();
    plan.add("a/index.html", Contents::Bytes(b"one".to_vec()));
    plan.add("stale.txt", Contents::Bytes(b"x".to_vec()));
    write(&out, &plan).unwrap();
    let mut plan = Plan::default();
    plan.add("a/index.html", Contents::Bytes(b"two".to_vec()));
    write(&out, &plan).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
    assert!(!out.join("stale.txt").exists());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("public")]);
}

#[test]
fn updates_in_place_and_prunes_empty_folders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut plan = Plan::default();
    plan.add("a/b/index.html", Contents::Bytes(b"one".to_vec()));
    plan.add("keep.css", Contents::Bytes(b"x".to_vec()));
    write(&out, &plan).unwrap();
    let mut changed = Plan::default();
    changed.add("c/index.html", Contents::Bytes(b"new".to_vec()));
    update(&out, &changed, &["a/b/index.html".to_string()]).unwrap();
    assert!(!out.join("a").exists());
    assert_eq!(std::fs::read_to_string(out.join("c/index.html")).unwrap(), "new");
    assert_eq!(std::fs::read_to_string(out.join("keep.css")).unwrap(), "x");
    let names: Vec<_> = std::fs::read_dir(out.join("c"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("index.html")]);
}

#[test]
fn links_planted_in_the_output_are_replaced_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("index.html"), "not ours").unwrap();
    std::fs::write(elsewhere.join("old.html"), "not ours either").unwrap();
    let mut plan = Plan::default();
    plan.add("a/index.html", Contents::Bytes(b"one".to_vec()));
    plan.add("b/old.html", Contents::Bytes(b"old".to_vec()));
    write(&out, &plan).unwrap();
    // Something puts links where the build's folders were.
    std::fs::remove_dir_all(out.join("a")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
    std::fs::remove_dir_all(out.join("b")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("b")).unwrap();
    let mut changed = Plan::default();
    changed.add("a/index.html", Contents::Bytes(b"two".to_vec()));
    update(&out, &changed, &["b/old.html".to_string()]).unwrap();
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("index.html")).unwrap(),
        "not ours"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("old.html")).unwrap(),
        "not ours either"
    );
    assert!(
        !std::fs::symlink_metadata(out.join("a"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
    // A build over it shares no file through the link left there.
    assert!(holds_links(&out));
    let mut plan = Plan::default();
    plan.add("b/old.html", Contents::Bytes(b"not ours either".to_vec()));
    write(&out, &plan).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("b/old.html")).unwrap(),
        "not ours either"
    );
    assert_eq!(std::fs::metadata(elsewhere.join("old.html")).unwrap().nlink(), 1);
    assert!(elsewhere.join("old.html").exists());
}

#[test]
fn a_failed_write_keeps_the_previous_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut plan = Plan::default();
    plan.add("index.html", Contents::Bytes(b"old".to_vec()));
    write(&out, &plan).unwrap();
    let mut plan = Plan::default();
    plan.add("index.html", Contents::Bytes(b"new".to_vec()));
    plan.add(
        "img.png",
        Contents::CopyOf(site_file(dir.path().join("missing.png"))),
    );
    assert!(write(&out, &plan).is_err());
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
