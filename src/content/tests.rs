use super::cache::is_recent;
use super::*;

#[test]
fn paths_relative_to_the_content_folder_are_what_strip_prefix_gives() {
    let cases = [
        ("content/a.md", "content"),
        ("content/a.md", "content/"),
        ("content/s1/b.md", "content"),
        ("/site/content/s1/b.md", "/site/content"),
        ("./content/a.md", "./content"),
        ("contents/a.md", "content"),
        ("content/a.md", "./content"),
        ("content//a.md", "content"),
        ("content/./a.md", "content"),
        ("content/.hidden/a.md", "content"),
        ("content/s1//a.md", "content"),
    ];
    for (path, dir) in cases {
        let (path, dir) = (Path::new(path), Path::new(dir));
        assert_eq!(
            crate::walk::relative_to(path, dir),
            path.strip_prefix(dir).ok(),
            "{path:?} in {dir:?}"
        );
    }
}

#[test]
fn page_folders_and_stems() {
    assert_eq!(page_dir_and_stem("rare-earths.md"), ("", "rare-earths"));
    assert_eq!(page_dir_and_stem("a/b.md"), ("a", "b"));
    assert_eq!(page_dir_and_stem("a/b/index.md"), ("a", "b"));
    assert_eq!(page_dir_and_stem("index.md"), ("", "index"));
}

#[test]
fn folder_url_paths_are_slugs() {
    assert_eq!(url_path_of_dir(""), "");
    assert_eq!(
        url_path_of_dir("Tariff Timeline/Part_2"),
        "tariff-timeline/part-2/"
    );
}

#[test]
fn nearest_section_is_deepest_containing_folder() {
    let dirs = vec![
        String::new(),
        "a".to_string(),
        "a/b".to_string(),
        "ab".to_string(),
    ];
    assert_eq!(nearest_section(&dirs, "a/b/c"), 2);
    assert_eq!(nearest_section(&dirs, "a"), 1);
    assert_eq!(nearest_section(&dirs, "abc"), 0);
    assert_eq!(nearest_section(&dirs, ""), 0);
}

#[test]
fn a_recent_change_is_told_apart_by_its_bytes() {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    assert!(is_recent((1_000_000, 0), now));
    assert!(is_recent((999_998, 0), now));
    assert!(!is_recent((999_997, 0), now));
    assert!(is_recent((1_000_005, 0), now), "a time ahead of the clock");
    // Two writes of the same length within one tick: the stamps differ.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.md");
    std::fs::write(&file, "one").unwrap();
    let first = Stamp::of(&file, dir.path()).unwrap();
    let times = std::fs::File::options().write(true).open(&file).unwrap();
    std::fs::write(&file, "two").unwrap();
    times.set_modified(first.modified.unwrap()).unwrap();
    let second = Stamp::of(&file, dir.path()).unwrap();
    assert_ne!(first, second);
    assert!(first.recent_bytes.is_some() && second.recent_bytes.is_some());
    assert_ne!(first.recent_bytes, second.recent_bytes);
}

#[test]
fn editor_noise() {
    for name in [
        ".x.md.swp",
        "x.md~",
        "#x.md#",
        "4913",
        ".#x.md",
        "x.md.tmp",
        "x.md___jb_tmp___",
        "x.md___jb_old___",
    ] {
        assert!(is_editor_noise(name), "{name}");
    }
    assert!(!is_editor_noise("x.md"));
}
