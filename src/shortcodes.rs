//! Finding calls in Markdown, in Zola 0.23's component form and in the
//! older shortcode form:
//!
//! ```text
//! {{ <figure value="10" unit="%" label="Baseline tariff" /> }}
//! {% <quote speaker="Josh Lipsky" role="Atlantic Council"> %}
//! Text in *Markdown*.
//! {% </quote> %}
//!
//! {{ figure(value="10", unit="%", label="Baseline tariff") }}
//! {% quote(speaker="Josh Lipsky", role="Atlantic Council") %}
//! Text in *Markdown*.
//! {% end %}
//! ```
//!
//! A component's attribute is a string in quotes or a value in braces
//! (`value={10}`, `open={true}`, `items={["a", "b"]}`).
//!
//! This module only parses: names, arguments and where each call is. Calls
//! inside code spans, code blocks and HTML comments are text, not calls.
//! So is a call written with a backslash before it (`\{{ figure() }}`,
//! which Markdown then shows without the backslash) or in Zola's form
//! `{{/* figure() */}}`, which shows as `{{ figure() }}`.

use std::ops::Range;

use serde_json::{Map, Value};

/// One call found in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Map<String, Value>,
    /// Where each argument's name is written, in the order written.
    pub arg_offsets: Vec<(String, usize)>,
    /// The whole call, from `{{`/`{%` to `}}` or the end tag's `%}`.
    pub span: Range<usize>,
    /// The text between `%}` and `{% end %}`, for calls with a body.
    pub body: Option<Range<usize>>,
}

/// A call written to be shown, not made: `{{/* name() */}}`, or one with
/// a backslash before it (`\{{ <name /> }}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// The whole of it in the source.
    pub span: Range<usize>,
    /// Markdown that shows it as text, `{{ name() }}`, every punctuation
    /// character escaped (see [`shown`]).
    pub text: String,
}

/// What [`find`] found.
#[derive(Debug, Default)]
pub struct Found {
    pub calls: Vec<Call>,
    pub literals: Vec<Literal>,
    pub errors: Vec<SyntaxError>,
}

/// A call that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
    pub hint: &'static str,
}

const ATTRIBUTES_HINT: &str = "write attributes as name=\"text\" or name={value}, separated by spaces: numbers, true/false or [lists] in braces";

const ARGS_HINT: &str =
    "write arguments as name=value, separated by commas: strings in quotes, numbers, true/false or [lists]";

/// Finds the calls in `source`, outside the byte ranges in `code` (sorted,
/// as [`crate::markdown::literal_ranges`] gives them). Only the outermost
/// calls are returned: calls inside a body are found when the body is.
/// One pass: each `{% end %}` closes the innermost call with a body that
/// is still open, so a body may hold calls with bodies of their own.
pub fn find(source: &str, code: &[Range<usize>]) -> Found {
    let mut result = Found::default();
    // Calls with a body whose end tag is not found yet, outermost first,
    // with the form they are written in; each one's span ends, for now,
    // where its body starts.
    let mut open: Vec<(Call, Form)> = Vec::new();
    // Whether a `*/}}` (and a `*/%}`) was looked for and is not in the rest
    // of the source: then no later `{{/*` can be a call written to be shown.
    let mut unclosed_literals = [false; 2];
    let mut at = 0;
    while let Some(found) = source[at..].find('{') {
        let start = at + found;
        at = start + 1;
        let block = match source.as_bytes().get(start + 1) {
            Some(b'{') => false,
            Some(b'%') => true,
            _ => continue,
        };
        if in_ranges(code, start) {
            continue;
        }
        let is_escaped = escaped(source, start);
        let literal = match is_escaped {
            true => escaped_call(source, start, block),
            false => zola_literal(source, start, block, &mut unclosed_literals),
        };
        if let Some(literal) = literal {
            at = literal.span.end;
            result.literals.extend(Some(literal).filter(|_| open.is_empty()));
            continue;
        }
        if is_escaped {
            continue;
        }
        let mut parser = Parser {
            source,
            at: start + 2,
            depth: 0,
        };
        if let Some(closing) = block.then(|| parser.end_tag()).flatten() {
            at = parser.at;
            // A tag that does not fit is an error; one within a body is
            // found again when that body is rendered, and reported once.
            let (call, error) = close(&mut open, closing, start..parser.at);
            result.errors.extend(error);
            result.calls.extend(call.filter(|_| open.is_empty()));
            continue;
        }
        parser.at = start + 2;
        let Some(head) = parser.head(block, start) else {
            continue;
        };
        match head {
            // A call that reaches into code (its arguments hold a backtick
            // that opens a code span) is no call: code stays as written.
            Ok((call, _)) if overlaps(code, &call.span) => {}
            Ok((call, form)) => {
                at = call.span.end;
                if block {
                    open.push((call, form));
                } else if open.is_empty() {
                    result.calls.push(call);
                }
            }
            Err(error) => {
                at = error.offset.max(start + 2);
                if open.is_empty() {
                    result.errors.push(error);
                }
            }
        }
    }
    result
        .errors
        .extend(open.into_iter().map(|(call, form)| match form {
            Form::Shortcode => SyntaxError {
                offset: call.span.start,
                message: format!("the shortcode `{}` has no `{{% end %}}`", call.name),
                hint: "close a shortcode with a body with {% end %}",
            },
            Form::Component => SyntaxError {
                offset: call.span.start,
                message: format!("the component `{0}` has no `{{% </{0}> %}}`", call.name),
                hint: "close a component with a body with {% </name> %}",
            },
        }));
    result.errors.sort_by_key(|e| e.offset);
    result
}

/// How a call with a body is written, which decides its end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `{% name(...) %}`, ended by `{% end %}`.
    Shortcode,
    /// `{% <name ...> %}`, ended by `{% </name> %}`.
    Component,
}

/// An end tag: `{% end %}` (no name), or `{% </name> %}`.
struct EndTag {
    name: Option<String>,
}

/// Ends the innermost open call at the end tag `closing` (at `span`), and
/// gives it, now with its body; nothing when nothing is open and the tag
/// is `{% end %}` (which is then text). A tag that does not fit the call
/// open there is an error, and is left out; unless it names a component
/// open further out, which it then closes, with the calls inside it.
fn close(
    open: &mut Vec<(Call, Form)>,
    closing: EndTag,
    span: Range<usize>,
) -> (Option<Call>, Option<SyntaxError>) {
    let error = |message: String, hint: &'static str| {
        Some(SyntaxError {
            offset: span.start,
            message,
            hint,
        })
    };
    let Some((call, form)) = open.last() else {
        return match closing.name {
            None => (None, None),
            Some(name) => (
                None,
                error(
                    format!("`{{% </{name}> %}}` closes no component"),
                    "remove it, or open the component before it with {% <name ...> %}",
                ),
            ),
        };
    };
    let mismatch = match (&closing.name, form) {
        (None, Form::Shortcode) => None,
        (Some(name), Form::Component) if *name == call.name => None,
        (None, Form::Component) => error(
            format!(
                "`{{% end %}}` cannot close the component `{0}`: write `{{% </{0}> %}}`",
                call.name
            ),
            "close a component with a body with {% </name> %}",
        ),
        (Some(name), Form::Shortcode) => error(
            format!(
                "`{{% </{name}> %}}` cannot close the shortcode `{}`: write `{{% end %}}`",
                call.name
            ),
            "close a shortcode with a body with {% end %}",
        ),
        (Some(name), Form::Component) => error(
            format!(
                "`{{% </{name}> %}}` closes `{name}`, but `{}` is the one open here",
                call.name
            ),
            "close the innermost call first",
        ),
    };
    if mismatch.is_some() {
        let named = closing.name.as_ref().and_then(|name| {
            open.iter()
                .rposition(|(call, form)| *form == Form::Component && call.name == *name)
        });
        match named {
            Some(at) => open.truncate(at + 1),
            None => return (None, mismatch),
        }
    }
    let (mut call, _) = open.pop().expect("a call is open");
    call.body = Some(call.span.end..span.start);
    call.span.end = span.end;
    (Some(call), mismatch)
}

/// Whether the `{` at `at` has a backslash before it that is not itself
/// escaped: an odd number of backslashes.
fn escaped(source: &str, at: usize) -> bool {
    source.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// The call written to be shown at `start` (`{{/* ... */}}`, or with `%`
/// for a call with a body), if there is one. `unclosed` says, for each
/// kind, that its end is known not to follow.
fn zola_literal(source: &str, start: usize, block: bool, unclosed: &mut [bool; 2]) -> Option<Literal> {
    let (open, close) = if block { ("{%", "%}") } else { ("{{", "}}") };
    let inner_start = start + 2 + source[start + 2..].strip_prefix("/*").map(|_| 2)?;
    if unclosed[usize::from(block)] {
        return None;
    }
    let Some(end) = source[inner_start..].find(&format!("*/{close}")) else {
        unclosed[usize::from(block)] = true;
        return None;
    };
    let end_of_inner = inner_start + end;
    Some(Literal {
        span: start..end_of_inner + 2 + close.len(),
        text: shown(&format!("{open}{}{close}", &source[inner_start..end_of_inner])),
    })
}

/// The call or end tag at `start` with a backslash before it, to be shown
/// as written: from the backslash to the end of the tag. `None` when no
/// call starts there (Markdown then reads the backslash as it would).
fn escaped_call(source: &str, start: usize, block: bool) -> Option<Literal> {
    let mut parser = Parser {
        source,
        at: start + 2,
        depth: 0,
    };
    let end = match block.then(|| parser.end_tag()).flatten() {
        Some(_) => parser.at,
        None => {
            parser.at = start + 2;
            match parser.head(block, start)? {
                Ok((call, _)) => call.span.end,
                // A call with a mistake in it is shown too, up to its close.
                Err(_) => {
                    let close = if block { "%}" } else { "}}" };
                    start + 2 + source[start + 2..].find(close)? + close.len()
                }
            }
        }
    };
    Some(Literal {
        span: start - 1..end,
        text: shown(&source[start..end]),
    })
}

/// Markdown that shows `text` exactly: every ASCII punctuation character
/// escaped with a backslash, so nothing in it is read as markup or HTML,
/// nor made typographic.
fn shown(text: &str) -> String {
    let mut markdown = String::with_capacity(2 * text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            markdown.push('\\');
        }
        markdown.push(c);
    }
    markdown
}

/// Whether `span` shares a byte with one of `ranges` (sorted, apart).
fn overlaps(ranges: &[Range<usize>], span: &Range<usize>) -> bool {
    let first_after = ranges.partition_point(|r| r.end <= span.start);
    ranges.get(first_after).is_some_and(|r| r.start < span.end)
}

/// Whether `offset` lies in one of `ranges`, which are sorted and do not overlap.
fn in_ranges(ranges: &[Range<usize>], offset: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= offset);
    after > 0 && ranges[after - 1].contains(&offset)
}

/// Lists in an argument nest this deep at most: the parser calls itself
/// for each level, and input must not be able to exhaust its stack.
pub const MAX_LIST_DEPTH: usize = 32;

mod parser;

use parser::Parser;

#[cfg(test)]
mod tests;
