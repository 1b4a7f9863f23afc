use super::*;

#[test]
fn location_counts_lines_and_characters() {
    let text = "+++\ntitle = \"é x\"\nweight = \"a\"\n+++\n";
    let offset = text.find("\"a\"").unwrap();
    let at = Location::at_offset("content/x.md", text, offset);
    assert_eq!((at.line, at.column), (Some(3), Some(10)));
    assert_eq!(at.line_text.as_ref().map(|l| &*l.text), Some("weight = \"a\""));
    let at = Location::at_line_column("x", text, 2, 11);
    assert_eq!(&text[text.find('x').unwrap()..][..1], "x");
    assert_eq!(at.column, Some(11));
    assert_eq!(at.line_text.as_ref().map(|l| &*l.text), Some("title = \"é x\""));
}

#[test]
fn problem_prints_line_caret_and_hint() {
    let text = "a\nbad = 1\n";
    let problem =
        Problem::new(Location::at_offset("f.md", text, 2), "unknown field `bad`").hint("did you mean `bar`?");
    assert_eq!(
        problem.to_string(),
        "f.md:2:1: unknown field `bad`\n  |\n2 | bad = 1\n  | ^\n  = hint: did you mean `bar`?"
    );
}

#[test]
fn a_long_line_is_shown_around_its_column() {
    let text = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
    let problem = Problem::new(Location::at_offset("f.md", &text, 5000), "here");
    let shown = problem.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[2], format!("1 | …{}X{}…", "a".repeat(80), "b".repeat(79)));
    assert_eq!(lines[3], format!("  | {}^", " ".repeat(81)));
    // Near either end, the line is cut on one side only.
    let start = Problem::new(Location::at_offset("f.md", &text, 1), "here").to_string();
    assert!(start.lines().nth(2).unwrap().starts_with("1 | aaa"));
    let end = Problem::new(Location::at_offset("f.md", &text, text.len()), "here").to_string();
    let lines: Vec<&str> = end.lines().collect();
    assert!(lines[2].ends_with("bbb"));
    assert_eq!(lines[3].len(), "  | ".len() + 161 + 1);
}

#[test]
fn control_characters_are_escaped() {
    let problem = Problem::new(Location::file("a\u{1b}[31m.md"), "key `\u{7}`");
    assert_eq!(problem.to_string(), "a\\u{1b}[31m.md: key `\\u{7}`");
}

#[test]
fn a_long_line_keeps_only_what_a_message_shows_and_shows_the_same() {
    let line = "é—a\tb".repeat(400);
    let text = format!("x\n{line}\ny");
    for column in (0..line.chars().count()).step_by(37).chain([1599]) {
        let offset = 2 + line.char_indices().nth(column).unwrap().0;
        let at = Location::at_offset("f.md", &text, offset);
        assert!(
            at.line_text.as_ref().unwrap().text.chars().count() <= 2 * EXCERPT + 2,
            "{column}"
        );
        let shown = Problem::new(at, "here").to_string();
        let (whole, caret) = line_excerpt(&line.replace('\t', " "), column);
        let expected = format!(
            "f.md:2:{}: here\n  |\n2 | {whole}\n  | {}^",
            column + 1,
            " ".repeat(caret)
        );
        assert_eq!(shown, expected, "column {column}");
    }
}

#[test]
fn a_file_reports_at_most_a_hundred_problems() {
    let text = "x ".repeat(300);
    let errors: Vec<Error> = (0..300)
        .map(|i| Error::lint(Problem::new(Location::at_offset("f.md", &text, 2 * i), "bad")))
        .chain([Error::lint(Problem::new(Location::file("g.md"), "other"))])
        .collect();
    let errors = Errors::new(errors);
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), MAX_PER_FILE + 2);
    assert!(
        shown[MAX_PER_FILE - 1].starts_with("f.md:1:199: bad"),
        "{}",
        shown[MAX_PER_FILE - 1]
    );
    assert_eq!(
        shown[MAX_PER_FILE],
        "f.md: 200 more problems in this file, not shown\n  = hint: fix the ones above, then build again"
    );
    assert_eq!(shown[MAX_PER_FILE + 1], "g.md: other");
}
