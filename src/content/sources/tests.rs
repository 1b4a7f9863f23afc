use super::*;

const REPORT: &str = "+++\ntitle = \"Library hours\"\npublisher = \"Town Gazette\"\ndate = \"2024-03-01\"\n+++\n\
The council will open the new library in March, its chair said.\n\n\
“We want every child to have a card,” said Ana Ruiz, the chair. The library will hold 12,000 books.\n";

fn sources() -> Sources {
    let source = parse("gazette", Path::new("content/sources/gazette.md"), REPORT).expect("parses");
    Sources {
        list: vec![source],
        hash: 0,
    }
}

fn claim(kind: Kind, words: &str, value: Option<&str>) -> Claim {
    Claim {
        kind,
        source: "gazette".to_string(),
        words: words.to_string(),
        value: value.map(str::to_string),
    }
}

#[test]
fn front_matter_is_optional_and_known() {
    let source = &sources().list[0];
    assert_eq!(source.about.title.as_deref(), Some("Library hours"));
    assert_eq!(source.about.publisher.as_deref(), Some("Town Gazette"));
    assert_eq!(source.about.author, None);
    let plain = parse("notes", Path::new("notes.md"), "Just text.\n").expect("parses");
    assert_eq!(plain.about, About::default());
    let unknown = parse("x", Path::new("x.md"), "+++\nauthr = \"A\"\n+++\ntext\n").unwrap_err();
    assert!(
        unknown[0].message.contains("unknown source field `authr`"),
        "{unknown:?}"
    );
    let empty = parse("x", Path::new("x.md"), "+++\ntitle = \"A\"\n+++\n\n").unwrap_err();
    assert_eq!(empty[0].message, "the source has no text");
}

#[test]
fn a_quote_is_found_within_one_paragraph() {
    let sources = sources();
    let found = sources
        .check(&claim(Kind::Quote, "We want every child to have a card.", None))
        .expect("found");
    assert_eq!(
        &sources.list[0].text[found.passage.clone()],
        "We want every child to have a card"
    );
    let across = claim(Kind::Quote, "its chair said … We want every child", None);
    assert!(
        sources.check(&across).is_err(),
        "an elision stays within a paragraph"
    );
}

#[test]
fn a_changed_word_is_shown_against_the_source() {
    let miss = sources()
        .check(&claim(Kind::Quote, "We want every pupil to have a card", None))
        .unwrap_err();
    assert_eq!(
        miss.message,
        "the quote is not in the source `gazette` word for word"
    );
    assert!(
        miss.hint
            .starts_with("did you mean: “We want every [-pupil-] {+child+} to have a card”?"),
        "{}",
        miss.hint
    );
}

#[test]
fn a_figure_must_be_in_its_passage() {
    let sources = sources();
    let passage = "The library will hold 12,000 books";
    assert!(
        sources
            .check(&claim(Kind::Figure, passage, Some("12000")))
            .is_ok()
    );
    assert!(
        sources
            .check(&claim(Kind::Figure, passage, Some("12,000")))
            .is_ok()
    );
    let miss = sources
        .check(&claim(Kind::Figure, passage, Some("1200")))
        .unwrap_err();
    assert!(
        miss.message
            .starts_with("the figure `1200` is not in its passage"),
        "{}",
        miss.message
    );
}

#[test]
fn an_unknown_source_is_named_with_the_nearest() {
    let mut wrong = claim(Kind::Claim, "the new library", None);
    wrong.source = "gazete".to_string();
    let miss = sources().check(&wrong).unwrap_err();
    assert_eq!(miss.message, "there is no source `gazete`");
    assert_eq!(miss.hint, "did you mean `gazette`?");
}

#[test]
fn a_passage_is_shown_with_words_either_side() {
    let sources = sources();
    let found = sources
        .check(&claim(Kind::Claim, "open the new library", None))
        .unwrap();
    let (before, passage, after) = sources.list[0].in_context(&found.passage);
    assert_eq!(before, "The council will ");
    assert_eq!(passage, "open the new library");
    assert_eq!(after, " in March, its chair said.");
}
