use super::*;
use serde_json::json;

fn calls(source: &str) -> Vec<Call> {
    let Found { calls, errors, .. } = find(source, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    calls
}

#[test]
fn inline_call_with_every_kind_of_value() {
    let source =
        "A {{ figure(value=\"10\", n=3, f=-1.5, ok=true, list=['a', `b`], q=\"say \\\"hi\\\"\") }} B";
    let found = calls(source);
    assert_eq!(found.len(), 1);
    let call = &found[0];
    assert_eq!(call.name, "figure");
    assert_eq!(&source[call.span.clone()], &source[2..source.len() - 2]);
    assert_eq!(
        Value::Object(call.args.clone()),
        json!({"value": "10", "n": 3, "f": -1.5, "ok": true, "list": ["a", "b"], "q": "say \"hi\""})
    );
    assert_eq!(call.body, None);
}

#[test]
fn call_with_a_body() {
    let source = "{% quote(speaker=\"X\") %}\nHello *there*.\n{% end %}\nAfter";
    let call = &calls(source)[0];
    assert_eq!(&source[call.body.clone().unwrap()], "\nHello *there*.\n");
    assert_eq!(&source[call.span.end..], "\nAfter");
}

#[test]
fn no_arguments_and_text_that_is_not_a_call() {
    assert_eq!(calls("{{ toc() }}")[0].name, "toc");
    assert!(calls("{{ just text }} and {% not a call %} and { brace").is_empty());
}

#[test]
fn calls_in_code_are_text() {
    let source = "`{{ figure(value=1) }}` {{ figure(value=2) }}";
    let code = [Range { start: 0, end: 24 }];
    let Found {
        calls: found,
        errors: _,
        ..
    } = find(source, &code);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].args["value"], json!(2));
}

#[test]
fn a_body_ends_at_its_own_end_tag() {
    let source = "{% outer() %}a {% inner(x=[1]) %}b{% end %} c{% end %} after";
    let call = &calls(source)[0];
    assert_eq!(call.name, "outer");
    assert_eq!(
        &source[call.body.clone().unwrap()],
        "a {% inner(x=[1]) %}b{% end %} c"
    );
    assert_eq!(&source[call.span.end..], " after");
    // An end tag in code is text, not the end.
    let source = "{% quote() %}`{% end %}` and\n```\n{% end %}\n```\n{% end %}";
    let code_span = source.find('`').unwrap()..source.find(" and").unwrap();
    let block_start = source.find("```").unwrap();
    let block = block_start..source.rfind("```").unwrap() + 3;
    let Found {
        calls: found, errors, ..
    } = find(source, &[code_span, block]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found[0].span.end, source.len());
}

#[test]
fn lists_nest_up_to_the_limit() {
    let nested = |depth: usize| format!("{{{{ f(a={}1{}) }}}}", "[".repeat(depth), "]".repeat(depth));
    let Found {
        calls: found, errors, ..
    } = find(&nested(MAX_LIST_DEPTH), &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found.len(), 1);
    let Found {
        calls: found, errors, ..
    } = find(&nested(MAX_LIST_DEPTH + 1), &[]);
    assert!(found.is_empty());
    assert_eq!(errors[0].message, "lists nest more than 32 deep in this argument");
    assert_eq!(errors[0].offset, 7 + MAX_LIST_DEPTH);
    // Far deeper than any stack could take one call per level.
    let Found { calls: _, errors, .. } = find(&nested(100_000), &[]);
    assert_eq!(errors.len(), 1);
}

#[test]
fn a_call_reaching_into_code_is_no_call() {
    let source = "{{ figure(a=\"`\") }} and `\") }}` here";
    let code_start = source.find('`').unwrap();
    let code = code_start..source.rfind('`').unwrap() + 1;
    let Found { calls, errors, .. } = find(source, std::slice::from_ref(&code));
    assert!(calls.is_empty() && errors.is_empty(), "{calls:?} {errors:?}");
}

#[test]
fn calls_written_to_be_shown_are_not_made() {
    // A backslash before the call (Markdown drops it), unless it is itself escaped.
    assert!(calls("\\{{ figure(value=1) }} and \\{% quote() %}x").is_empty());
    assert_eq!(calls("\\\\{{ figure(value=1) }}").len(), 1);
    // Zola's form shows as the call would be written.
    let source = "a {{/* figure(value=\"1\") */}} b {%/* quote() */%}c{%/* end */%}";
    let Found {
        calls,
        literals,
        errors,
    } = find(source, &[]);
    assert!(calls.is_empty() && errors.is_empty(), "{calls:?} {errors:?}");
    // As Markdown that shows exactly that: its punctuation escaped.
    let shown: Vec<String> = literals.iter().map(|l| l.text.replace('\\', "")).collect();
    assert_eq!(shown, ["{{ figure(value=\"1\") }}", "{% quote() %}", "{% end %}"]);
    assert_eq!(literals[0].text, "\\{\\{ figure\\(value\\=\\\"1\\\"\\) \\}\\}");
    assert_eq!(&source[literals[0].span.clone()], "{{/* figure(value=\"1\") */}}");

    // An escaped call or end tag in either form is shown from its backslash
    // to its end, a mistaken one too.
    let source = "\\{{ <f a=\"1\" /> }} \\{% <q> %} \\{% </q> %} \\{% end %} \\{{ <f a=1 /> }} \\{ x";
    let Found {
        calls,
        literals,
        errors,
    } = find(source, &[]);
    assert!(calls.is_empty() && errors.is_empty(), "{calls:?} {errors:?}");
    let spans: Vec<&str> = literals.iter().map(|l| &source[l.span.clone()]).collect();
    assert_eq!(
        spans,
        [
            "\\{{ <f a=\"1\" /> }}",
            "\\{% <q> %}",
            "\\{% </q> %}",
            "\\{% end %}",
            "\\{{ <f a=1 /> }}"
        ]
    );
}

#[test]
fn syntax_errors_point_at_the_problem() {
    let Found { calls: _, errors, .. } = find("{{ figure(value=\"10\" unit=\"%\") }}", &[]);
    assert_eq!(errors[0].message, "expected `,` or `)` after an argument");
    assert_eq!(errors[0].offset, 21);
    let Found { calls: _, errors, .. } = find("{% quote(a=1) %} never closed", &[]);
    assert_eq!(errors[0].message, "the shortcode `quote` has no `{% end %}`");
    let Found { calls: _, errors, .. } = find("{{ f(a=1, a=2) }}", &[]);
    assert_eq!(errors[0].message, "the argument `a` is given twice");
    let Found { calls: _, errors, .. } = find("{{ f(a=\"open) }}", &[]);
    assert_eq!(errors[0].message, "a string is never closed");
    let Found { calls: _, errors, .. } = find("{{ f(a=1) }", &[]);
    assert_eq!(errors[0].message, "expected `}}` to close the call of `f`");
}

#[test]
fn components_are_called_with_attributes_inline_and_with_a_body() {
    let source = "A {{<figure value=\"10\" n={3} f={-1.5} ok={true} list={['a', `b`]} q='it\\'s' />}} B";
    let found = calls(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "figure");
    assert_eq!(&source[found[0].span.clone()], &source[2..source.len() - 2]);
    assert_eq!(
        Value::Object(found[0].args.clone()),
        json!({"value": "10", "n": 3, "f": -1.5, "ok": true, "list": ["a", "b"], "q": "it's"})
    );

    // Bodies nest, in either form, each closed by its own end tag.
    let source =
        "{% <quote speaker=\"X\"> %}a {% <card> %}b{% </card> %} {% old() %}c{% end %}{% </quote> %} after";
    let call = &calls(source)[0];
    assert_eq!(
        (call.name.as_str(), call.args["speaker"].as_str()),
        ("quote", Some("X"))
    );
    assert_eq!(
        &source[call.body.clone().unwrap()],
        "a {% <card> %}b{% </card> %} {% old() %}c{% end %}"
    );
    assert_eq!(&source[call.span.end..], " after");
    assert_eq!(calls("{{ <site.card /> }}")[0].name, "site.card");

    // In code, escaped, or no name after `<`: text.
    let code = [Range { start: 0, end: 18 }];
    assert!(
        find("`{{ <figure /> }}` \\{{ <figure /> }} {{ < 3 }}", &code)
            .calls
            .is_empty()
    );
}

#[test]
fn component_syntax_errors_say_what_to_write() {
    let first = |source: &str| {
        let found = find(source, &[]);
        assert!(found.calls.is_empty(), "{source}: {:?}", found.calls);
        let error = found.errors.into_iter().next().expect(source);
        (error.message, error.offset, error.hint)
    };
    assert_eq!(
        first("{% <quote> %} never closed"),
        (
            "the component `quote` has no `{% </quote> %}`".into(),
            0,
            "close a component with a body with {% </name> %}"
        )
    );
    assert_eq!(
        first("x {% </quote> %}"),
        (
            "`{% </quote> %}` closes no component".into(),
            2,
            "remove it, or open the component before it with {% <name ...> %}"
        )
    );
    assert_eq!(
        first("{{ <figure value=\"1\"> }}").0,
        "a call in `{{ }}` has no body: end its tag with `/>`"
    );
    assert_eq!(
        first("{% <figure /> %}").0,
        "a call with `/>` has no body: write it `{{ <figure ... /> }}`"
    );
    let (message, offset, hint) = first("{{ <figure value=10 /> }}");
    assert_eq!(
        (message.as_str(), offset),
        ("expected a value for `value`: \"text\" or {value}", 17)
    );
    assert!(
        hint.starts_with("write attributes as name=\"text\" or name={value}"),
        "{hint}"
    );
    assert_eq!(
        first("{{ <figure value /> }}").0,
        "expected `=` after `value`: give it a value"
    );
    assert_eq!(
        first("{{ <figure a=\"1\" a=\"2\" /> }}").0,
        "the argument `a` is given twice"
    );
    assert_eq!(first("{{ <figure a={1 /> }}").0, "expected `}` after the value");
    assert_eq!(first("{{ <figure a={ } /> }}").0, "`a={}` holds no value");
    assert_eq!(
        first("{{ <figure a=\"1\" /> }").0,
        "expected `}}` to close the call of `figure`"
    );
}

#[test]
fn an_end_tag_that_does_not_fit_is_an_error_at_the_tag() {
    // A tag that does not fit: an error at the tag, which is left out.
    let messages = |source: &str| -> Vec<(String, usize)> {
        find(source, &[])
            .errors
            .into_iter()
            .map(|e| (e.message, e.offset))
            .collect()
    };
    assert_eq!(
        messages("{% <quote> %}x{% end %}y{% </quote> %}"),
        [(
            "`{% end %}` cannot close the component `quote`: write `{% </quote> %}`".into(),
            14
        )]
    );
    assert_eq!(
        messages("{% quote() %}x{% </quote> %}y{% end %}"),
        [(
            "`{% </quote> %}` cannot close the shortcode `quote`: write `{% end %}`".into(),
            14
        )]
    );
    // One naming a component open further out closes it, and the calls
    // inside it are left unclosed.
    let found = find("{% <quote> %}{% <card> %}x{% </quote> %} after", &[]);
    assert_eq!(
        found
            .errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        ["`{% </quote> %}` closes `quote`, but `card` is the one open here"]
    );
    assert_eq!(found.calls.len(), 1);
    assert_eq!(found.calls[0].name, "quote");
    // A wrong end tag deep inside bodies is the one error, at its place.
    let source = "{% <box> %}\n{% <side> %}\ny\n{% end %}\n{% </side> %}\n{% </box> %}\n";
    assert_eq!(
        messages(source),
        [(
            "`{% end %}` cannot close the component `side`: write `{% </side> %}`".into(),
            27
        )]
    );
}
