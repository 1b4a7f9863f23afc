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
            .starts_with("did you mean: “We want every [-pupil-] {+child+} to have a card,” ("),
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

fn checks(source: &str, kind: Kind, words: &str, value: Option<&str>) -> Result<Found, Miss> {
    let sources = Sources {
        list: vec![parse("s", Path::new("s.md"), source).expect("parses")],
        hash: 0,
    };
    sources.check(&Claim {
        kind,
        source: "s".to_string(),
        words: words.to_string(),
        value: value.map(str::to_string),
    })
}

#[test]
fn a_quote_never_ends_or_starts_inside_a_word_or_a_number() {
    for (source, quote) in [
        ("We won't sign it.", "We won"),
        ("We won't sign it.", "t sign it"),
        ("Prices rose to 10,000 euros in the year.", "Prices rose to 10"),
        (
            "Prices rose to 10,000 euros in the year.",
            "000 euros in the year",
        ),
        ("Growth was 3.5 per cent, the bank said.", "Growth was 3"),
        (
            "Growth was 3.5 per cent, the bank said.",
            "5 per cent, the bank said",
        ),
        ("The envoy spoke at 10:30 today.", "The envoy spoke at 10"),
        ("The vote was non-binding.", "The vote was non"),
    ] {
        assert!(
            checks(source, Kind::Quote, quote, None).is_err(),
            "{quote} in {source}"
        );
    }
    assert!(checks("We won't sign it.", Kind::Quote, "We won't sign", None).is_ok());
    let dashed = "The flow of magnets—materials used in phones -- and cars.";
    assert!(
        checks(dashed, Kind::Quote, "The flow of magnets", None).is_ok(),
        "a dash is not a hyphen"
    );
    assert!(checks(dashed, Kind::Quote, "in phones", None).is_ok());
}

#[test]
fn a_figure_is_a_whole_number_of_its_passage() {
    let passage =
        |text: &str, value: &str| checks(text, Kind::Figure, text.trim_end_matches('.'), Some(value));
    assert!(passage("Growth was 3.5 per cent.", "3").is_err());
    assert!(passage("Growth was 3.5 per cent.", "3.5").is_ok());
    assert!(
        passage("Debt fell by -4.2 points.", "4.2").is_err(),
        "the sign is part of it"
    );
    assert!(passage("Debt fell by -4.2 points.", "-4.2").is_ok());
    assert!(passage("About 1 000 000 people came.", "1").is_err());
    assert!(passage("About 1 000 000 people came.", "1,000,000").is_ok());
    assert!(passage("Prices rose to 10,000 euros.", "10 000").is_ok());
    assert!(passage("Prices rose to 10,000 euros.", "10").is_err());
    assert!(
        passage("A range of 5-10 days.", "10").is_ok(),
        "a range is not a sign"
    );
}

#[test]
fn a_passage_has_no_elisions_and_a_quote_keeps_its_negations() {
    let source =
        "Prices rose to 10,000 euros in the year, not 20,000 euros.\n\nWe will not agree to these terms.\n";
    let miss = checks(
        source,
        Kind::Figure,
        "Prices rose to … 20,000 euros",
        Some("20,000"),
    )
    .unwrap_err();
    assert_eq!(
        miss.message,
        "a passage is one stretch of the source, without words left out"
    );
    let miss = checks(source, Kind::Quote, "We will … agree to these terms", None).unwrap_err();
    assert_eq!(
        miss.message,
        "the words left out of the quote hold “not”, which turns it around"
    );
    assert!(checks(source, Kind::Quote, "Prices rose … in the year", None).is_ok());
}

#[test]
fn typing_differences_an_editor_makes_are_not_compared() {
    let source = "We don't agree -- and won't, said \"Bob\". The café was naïve.\n";
    for quote in [
        "We don’t agree – and won’t",
        "We don't agree — and won't",
        "said ‘Bob’",
        "The cafe\u{301} was nai\u{308}ve",
    ] {
        assert!(checks(source, Kind::Quote, quote, None).is_ok(), "{quote}");
    }
}

#[test]
fn a_long_quote_that_is_not_there_gets_a_short_hint_at_once() {
    let vocabulary = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
    ];
    let paragraph = |seed: usize| -> String {
        (0..200)
            .map(|i| vocabulary[(i * 7 + seed) % vocabulary.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let source: String = (0..500).map(|p| paragraph(p) + ".\n\n").collect();
    let quote: String = (0..2000)
        .map(|i| vocabulary[(i * 3) % vocabulary.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let miss = checks(&source, Kind::Quote, &quote, None).unwrap_err();
    assert!(miss.hint.len() < 3000, "{}", miss.hint.len());
}
