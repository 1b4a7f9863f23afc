//! Templates written for Tera 1 (Zola 0.22 and earlier themes, this
//! engine's own before it moved to Tera 2): what Tera 2 says of a
//! construct it removed is a plain syntax error or an unknown name, so the
//! error is said again with what replaced the construct.

/// Filters, tests and functions of Tera 1 that Tera 2 renamed or removed,
/// with what to write instead.
const RENAMED: &[(&str, &str, &str)] = &[
    ("filter", "as_str", "write `str`"),
    ("filter", "linebreaksbr", "write `newlines_to_br`"),
    ("filter", "trim_start_matches", "write `trim_start(pat=\"...\")`"),
    ("filter", "trim_end_matches", "write `trim_end(pat=\"...\")`"),
    (
        "filter",
        "concat",
        "join lists with a spread: `[...list, item]` or `[...a, ...b]`",
    ),
    ("filter", "slice", "slice the list: `list[start:end]`"),
    (
        "filter",
        "filesizeformat",
        "it was removed; format the number in the data",
    ),
    (
        "filter",
        "addslashes",
        "it was removed; `replace(from=\"'\", to=\"\\\\'\")` does what it did",
    ),
    (
        "filter",
        "get_env",
        "it was removed: a build reads no environment",
    ),
    ("filter", "wordcount", "it is still there: check the spelling"),
    ("test", "divisibleby", "write `divisible_by(divisor=...)`"),
    ("test", "object", "write `map`"),
    (
        "test",
        "matching",
        "it was removed; test with `containing`, `starting_with` or `ending_with`",
    ),
    (
        "function",
        "get_env",
        "it was removed: a build reads no environment",
    ),
    (
        "function",
        "now",
        "it is not available: the same input must give the same site",
    ),
    (
        "function",
        "get_random",
        "it is not available: the same input must give the same site",
    ),
];

/// The message and hint for Tera's `message` at a line reading `line`,
/// when it comes from a construct of Tera 1.
pub(super) fn explain(message: &str, line: &str) -> Option<(String, String)> {
    let compact: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let tag_starts = |word: &str| {
        ["{% ", "{%- ", "{%-"]
            .iter()
            .any(|open| compact.contains(&format!("{open}{word} ")))
    };
    let said = |what: &str, hint: &str| Some((what.to_string(), hint.to_string()));
    if tag_starts("macro") || tag_starts("endmacro") {
        return said(
            "Tera 2 has no macros: `{% macro %}` is a component now",
            "define `{% component name(arg: string) %}...{% endcomponent name %}` and call it as `{{ <name arg=\"...\" /> }}`",
        );
    }
    if tag_starts("import") {
        return said(
            "Tera 2 has no `{% import %}`",
            "remove it: every template knows every component without one",
        );
    }
    if compact.contains("::") && message.contains("`:`") {
        return said(
            "macro calls such as `m::name(...)` or `self::name(...)` are gone in Tera 2",
            "call a component instead: `{{ <name arg=\"...\" /> }}`",
        );
    }
    if message.contains("unexpected escape character") {
        return said(
            "a string holds a backslash that Tera 2 reads as an escape it does not know",
            "Tera 2 reads \\n, \\t, \\r, \\\", \\' and \\\\ in strings: write \\\\ for a backslash",
        );
    }
    if message.contains("but expected identifier") {
        if dotted_number(&compact) {
            return said(
                "a list item is written `list.0`, which Tera 2 does not read",
                "write `list[0]`",
            );
        }
        if positional_argument(&compact) {
            return said(
                "an argument is given by its place, as Tera 1 allowed for some",
                "give every argument of a filter, test or function by name: `round(precision=2)`, `truncate(length=5)`, `divisible_by(divisor=3)`",
            );
        }
    }
    if message.contains("cannot be converted to an int") {
        return said(
            "`int` does not cut a number with a point to a whole one in Tera 2",
            "divide with `//` for a whole number, or use `round(method=\"floor\")`",
        );
    }
    let unknown = ["filter", "test", "function"].iter().find_map(|kind| {
        let capitalised = format!("Unknown {kind} `");
        let name = message.strip_prefix(&capitalised)?.split('`').next()?;
        Some((*kind, name))
    })?;
    RENAMED
        .iter()
        .find(|(kind, name, _)| (*kind, *name) == unknown)
        .map(|(kind, name, hint)| (format!("Tera 2 has no {kind} `{name}`"), hint.to_string()))
}

/// Whether `line` holds a name followed by a dot and a digit (`list.0`).
fn dotted_number(line: &str) -> bool {
    let bytes = line.as_bytes();
    (1..bytes.len().saturating_sub(1)).any(|at| {
        let before = bytes[at - 1];
        bytes[at] == b'.'
            && bytes[at + 1].is_ascii_digit()
            && (before.is_ascii_alphabetic() || matches!(before, b'_' | b']' | b')'))
    })
}

/// Whether `line` calls something with a value where a name should come
/// (`round(2)`, `replace("a", "b")`).
fn positional_argument(line: &str) -> bool {
    line.match_indices('(').any(|(at, _)| {
        let rest = line[at + 1..].trim_start();
        let named_before = line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        named_before
            && rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '"' | '\'' | '`' | '-' | '['))
    })
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn tera1_constructs_are_named_with_what_replaced_them() {
        let macro_line = explain("Unknown tag", "{% macro card(title) %}").unwrap();
        assert!(macro_line.0.contains("no macros"), "{macro_line:?}");
        let import = explain("Unknown tag", "{%- import \"macros.html\" as m -%}").unwrap();
        assert!(import.1.contains("every component"), "{import:?}");
        let call = explain("Found `:` but expected `}}`", "{{ m::card(title=\"x\") }}").unwrap();
        assert!(call.1.contains("{{ <name"), "{call:?}");
        let filter = explain("Unknown filter `as_str`", "{{ x | as_str }}").unwrap();
        assert_eq!(filter.1, "write `str`");
        let test = explain("Unknown test `divisibleby`", "{% if x is divisibleby(3) %}").unwrap();
        assert!(test.1.contains("divisible_by"));
        let concat = explain("Unknown filter `concat`", "{{ a | concat(with=b) }}").unwrap();
        assert!(concat.1.contains("[...list, item]"), "{concat:?}");
        let object = explain("Unknown test `object`", "{% if x is object %}").unwrap();
        assert_eq!(object.1, "write `map`");
        let item = explain("Found integer but expected identifier.", "{{ list.0 }}").unwrap();
        assert_eq!(item.1, "write `list[0]`");
        let float = explain(
            "Found float but expected identifier.",
            "{{ page.extra.figures.0.value }}",
        )
        .unwrap();
        assert_eq!(float.1, "write `list[0]`");
        for positional in [
            "{{ x | round(2) }}",
            "{% if 3 is divisibleby(3) %}",
            "{{ a | replace(\"a\", \"b\") }}",
        ] {
            let by_name = explain("Found integer but expected identifier.", positional).unwrap();
            assert!(by_name.1.contains("by name"), "{positional}: {by_name:?}");
        }
        assert_eq!(
            explain(
                "Found integer but expected identifier.",
                "{{ 1.5 | round(precision=2) }}"
            ),
            None
        );
        let escape = explain("unexpected escape character", "{{ \"\\u003c\" }}").unwrap();
        assert!(escape.1.contains("write \\\\ for a backslash"), "{escape:?}");
        let int = explain(
            "The float 1.5 cannot be converted to an int (non-integer)",
            "{{ x | int }}",
        )
        .unwrap();
        assert!(int.1.contains("`//`"), "{int:?}");
        assert_eq!(explain("Unknown filter `nope`", "{{ x | nope }}"), None);
        assert_eq!(explain("Field `x` is not defined", "{{ macro_name }}"), None);
    }
}
