use super::*;

#[test]
fn parsed_tables_give_what_toml_values_give() {
    let document = r#"
        text = "a \"quoted\" line\n"
        literal = 'C:\path'
        multiline = """
one
two"""
        integers = [0, -17, 1_000, 0xff, 0o17, 0b101, 9223372036854775807]
        floats = [1.5, -0.0, 6.02e23, 1_000.5, inf, -inf, nan]
        yes = true
        dates = [1979-05-27T07:32:00Z, 1979-05-27, 07:32:00, 1979-05-27T00:32:00.999999-07:00]
        inline = { b = 1, a = [{ c = "d" }] }
        [table]
        z = 1
        y.x = "dotted"
        [[list]]
        name = "first"
        [[list]]
        name = "second"
    "#;
    let expected = toml_to_json(toml::from_str::<toml::Value>(document).unwrap());
    let parsed = toml::de::DeTable::parse(document).unwrap().into_inner();
    let got = de_to_json(toml::de::DeValue::Table(parsed)).unwrap();
    assert_eq!(got, expected);
}

#[test]
fn a_number_too_large_is_an_error_at_its_value() {
    let text = "+++\ntitle = \"T\"\nweight = 99999999999999999999\n+++\n";
    let problem = Fields::from_toml(Path::new("a.md"), text, 4, &text[4..text.len() - 4]).unwrap_err();
    assert_eq!(problem.message, "invalid TOML: integer number overflowed");
    assert_eq!((problem.at.line, problem.at.column), (Some(3), Some(10)));
}

#[test]
fn dates_in_all_accepted_forms() {
    let d = Date::parse("2025-06-09").unwrap();
    assert_eq!(d.rfc3339, "2025-06-09T00:00:00Z");
    let t = Date::parse("2025-06-09T10:30:00+01:00").unwrap();
    assert_eq!(t.timestamp - d.timestamp, 9 * 3600 + 1800);
    assert!(Date::parse("2025-06-09 10:30:00").is_some());
    assert!(Date::parse("2025-13-01").is_none());
    assert!(Date::parse("June 9").is_none());
}

#[test]
fn toml_fields_point_at_values() {
    let text = "+++\ntitle = 3\nweigth = 1\n+++\n";
    let path = Path::new("p.md");
    let mut fields = Fields::from_toml(path, text, 4, &text[4..text.len() - 4]).unwrap();
    fields.reject_unknown(&["title", "weight"], "front matter");
    assert_eq!(fields.string("title"), None);
    let problems = fields.finish().unwrap_err();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].at.line, Some(3));
    assert_eq!(problems[0].hint.as_deref(), Some("did you mean `weight`?"));
    assert_eq!((problems[1].at.line, problems[1].at.column), (Some(2), Some(9)));
}

#[test]
fn yaml_fields_point_at_keys() {
    let text = "---\ntitle: Hello\nweight: heavy\n---\n";
    let path = Path::new("p.md");
    let mut fields = Fields::from_yaml(path, text, 4, &text[4..text.len() - 4]).unwrap();
    assert_eq!(fields.string("title").as_deref(), Some("Hello"));
    assert_eq!(fields.integer("weight"), None);
    let problems = fields.finish().unwrap_err();
    assert_eq!((problems[0].at.line, problems[0].at.column), (Some(3), Some(9)));
}

#[test]
fn a_list_of_texts_points_at_each_item() {
    let text = "hosts = [\n  \"a\",\n  3,\n  \"b\" ]\nnone = \"x\"\n";
    let path = Path::new("s.toml");
    let mut fields = Fields::from_toml(path, text, 0, text).unwrap();
    let list = fields.string_list("hosts");
    let at: Vec<(&str, Option<u32>, Option<u32>)> =
        list.iter().map(|(t, l)| (t.as_str(), l.line, l.column)).collect();
    assert_eq!(at, [("a", Some(2), Some(3)), ("b", Some(4), Some(3))]);
    assert!(fields.string_list("absent").is_empty());
    assert!(fields.string_list("none").is_empty());
    let problems = fields.finish().unwrap_err();
    assert_eq!(problems.len(), 2);
    assert_eq!(
        problems[0].message,
        "`hosts` must be a list of texts in quotes, not the number `3`"
    );
    assert_eq!((problems[0].at.line, problems[0].at.column), (Some(3), Some(3)));
    assert_eq!((problems[1].at.line, problems[1].at.column), (Some(5), Some(8)));
}
