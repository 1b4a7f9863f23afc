use super::*;
use crate::error::Location;

/// [`super::render`] with the built-in theme's markup.
fn render(
    source: &str,
    links: &mut dyn LinkRewriter,
    templates: Option<&dyn ShortcodeTemplates>,
    terms: Option<&mut TermUse>,
    taken_ids: Option<&markdown::IdSet>,
) -> (Rendered, Vec<BodyError>) {
    let markup = crate::render::built_in_markup_for_tests();
    super::render(source, markup, links, templates, terms, taken_ids)
}

#[test]
fn only_a_brace_pair_may_start_a_shortcode() {
    for (source, may) in [
        ("{{ x() }}", true),
        ("a {% x() %}", true),
        ("{ {", false),
        ("a { b } c", false),
        ("ends with {", false),
        ("{x{%", true),
        ("", false),
    ] {
        assert_eq!(may_call_shortcodes(source), may, "{source:?}");
    }
}

struct Fake;

impl ShortcodeTemplates for Fake {
    fn names(&self) -> Vec<String> {
        vec!["figure".into(), "quote".into(), "broken".into()]
    }

    fn render(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, CallFailure> {
        match name {
            "figure" => Ok(format!(
                "<b id=\"fig\">{}</b>",
                args["value"].as_str().unwrap_or("?")
            )),
            "quote" => Ok(format!("<blockquote>{}</blockquote>\n", body.unwrap_or(""))),
            _ => Err(CallFailure::Template(Problem::new(
                Location::file("templates/shortcodes/broken.html"),
                "boom",
            ))),
        }
    }
}

struct Spans(Vec<(String, Range<usize>)>);

impl LinkRewriter for Spans {
    fn rewrite(&mut self, destination: &str, span: Range<usize>) -> Option<String> {
        self.0.push((destination.to_string(), span));
        None
    }
}

#[test]
fn inline_and_block_calls() {
    let source =
        "Tariff {{ figure(value=\"10\") }} now.\n\n{% quote() %}\nSaid *this*.\n{% end %}\n\nAfter.\n";
    let (rendered, errors) = render(source, &mut Spans(Vec::new()), Some(&Fake), None, None);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        rendered.html,
        "<p>Tariff <b id=\"fig\">10</b> now.</p>\n<blockquote><p>Said <em>this</em>.</p>\n</blockquote>\n<p>After.</p>\n"
    );
    assert!(rendered.ids.contains("fig"));
}

#[test]
fn a_glossary_term_never_takes_part_of_a_shortcodes_place() {
    use crate::markdown::{Glossary, GlossaryTerm, TermUse};
    // Terms that are a call's number, part of it, or the number and
    // the text around it: each call still renders, and the text's own
    // use of a term is marked.
    for form in ["0", "1", "10", "2 x", "x 1"] {
        let glossary = Glossary::new(
            vec![GlossaryTerm {
                id: "t".into(),
                forms: vec![form.into()],
                definition: "D.".into(),
            }],
            "g.html".into(),
        );
        let mut terms = TermUse::new(&glossary);
        let source = format!(
            "x {{{{ figure(value=\"a\") }}}} x {{{{ figure(value=\"b\") }}}} 2 x\n\n{{% quote() %}}\n\n```\n1\n```\n\n{{% end %}}\n\n{form}\n"
        );
        let (rendered, errors) = render(
            &source,
            &mut Spans(Vec::new()),
            Some(&Fake),
            Some(&mut terms),
            None,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let html = &rendered.html;
        assert!(!crate::placeholders::any(html), "{form}: {html}");
        assert!(
            html.contains("<b id=\"fig\">a</b>") && html.contains("<b id=\"fig\">b</b>"),
            "{html}"
        );
        assert!(
            html.contains("<blockquote><pre><code>1\n</code></pre>\n</blockquote>"),
            "{html}"
        );
        assert_eq!(
            html.matches("class=\"glossary-term\"").count(),
            1,
            "{form}: {html}"
        );
    }
}

#[test]
fn link_spans_point_into_the_original_source() {
    let source = "{{ figure(value=\"1\") }} [x](x.md)\n\n{% quote() %}[y](y.md){% end %}\n";
    let mut links = Spans(Vec::new());
    render(source, &mut links, Some(&Fake), None, None);
    for (destination, span) in links.0 {
        let name = destination.trim_end_matches(".md");
        assert_eq!(&source[span], format!("[{name}]({destination})"));
    }
}

#[test]
fn unknown_and_failing_shortcodes() {
    let (_, errors) = render(
        "a\n\n{{ figur(value=1) }}\n{{ broken() }}",
        &mut Spans(Vec::new()),
        Some(&Fake),
        None,
        None,
    );
    match &errors[0] {
        BodyError::Shortcode {
            offset,
            message,
            hint,
        } => {
            assert_eq!(*offset, 3);
            assert_eq!(message, "there is no component or shortcode `figur`");
            assert_eq!(hint, "did you mean `figure`?");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&errors[1], BodyError::Template { name, .. } if name == "broken"));
}

#[test]
fn the_first_image_in_the_page_loads_at_once_wherever_it_stands() {
    // A call's body renders before the Markdown around it.
    let lazy = " loading=\"lazy\" decoding=\"async\"";
    // Each source, the image that loads at once, the one that waits.
    for (source, eager, lazy_one) in [
        (
            "![one](a.gif)\n\n{% quote() %}\n![two](b.gif)\n{% end %}\n",
            "a.gif",
            "b.gif",
        ),
        (
            "{% quote() %}\n![one](b.gif)\n{% end %}\n\n![two](a.gif)\n",
            "b.gif",
            "a.gif",
        ),
        (
            "{{ figure(value=\"1\") }}\n\n![one](a.gif) ![two](b.gif)\n",
            "a.gif",
            "b.gif",
        ),
    ] {
        let (rendered, errors) = render(source, &mut Spans(Vec::new()), Some(&Fake), None, None);
        assert!(errors.is_empty(), "{errors:?}");
        let html = &rendered.html;
        assert!(
            html.contains(&format!("src=\"{eager}\" alt=\"one\" />")),
            "{html}"
        );
        assert!(
            html.contains(&format!("src=\"{lazy_one}\" alt=\"two\"{lazy} />")),
            "{html}"
        );
    }
}

#[test]
fn calls_in_code_stay_text() {
    let (rendered, errors) = render(
        "`{{ figure(value=\"1\") }}`",
        &mut Spans(Vec::new()),
        Some(&Fake),
        None,
        None,
    );
    assert!(errors.is_empty());
    assert_eq!(rendered.html, "<p><code>{{ figure(value=\"1\") }}</code></p>\n");
}
