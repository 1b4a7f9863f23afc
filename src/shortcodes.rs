//! Finding shortcode calls in Markdown, Zola style:
//!
//! ```text
//! {{ figure(value="10", unit="%", label="Baseline tariff") }}
//! {% quote(speaker="Josh Lipsky", role="Atlantic Council") %}
//! Text in *Markdown*.
//! {% end %}
//! ```
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
    /// The whole call, from `{{`/`{%` to `}}` or the end tag's `%}`.
    pub span: Range<usize>,
    /// The text between `%}` and `{% end %}`, for calls with a body.
    pub body: Option<Range<usize>>,
}

/// A call written to be shown, not made: `{{/* name() */}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// The whole of it in the source.
    pub span: Range<usize>,
    /// What the page shows instead: `{{ name() }}`.
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

const ARGS_HINT: &str =
    "write arguments as name=value, separated by commas: strings in quotes, numbers, true/false or [lists]";

/// Finds the calls in `source`, outside the byte ranges in `code` (sorted,
/// as [`crate::markdown::literal_ranges`] gives them). Only the outermost
/// calls are returned: calls inside a body are found when the body is.
/// One pass: each `{% end %}` closes the innermost call with a body that
/// is still open, so a body may hold calls with bodies of their own.
pub fn find(source: &str, code: &[Range<usize>]) -> Found {
    let mut result = Found::default();
    // Calls with a body whose `{% end %}` is not found yet, outermost
    // first; each one's span ends, for now, where its body starts.
    let mut open: Vec<Call> = Vec::new();
    let mut at = 0;
    while let Some(found) = source[at..].find('{') {
        let start = at + found;
        at = start + 1;
        let block = match source.as_bytes().get(start + 1) {
            Some(b'{') => false,
            Some(b'%') => true,
            _ => continue,
        };
        if in_ranges(code, start) || escaped(source, start) {
            continue;
        }
        if let Some(literal) = zola_literal(source, start, block) {
            at = literal.span.end;
            if open.is_empty() {
                result.literals.push(literal);
            }
            continue;
        }
        let mut parser = Parser {
            source,
            at: start + 2,
            depth: 0,
        };
        if block && parser.eat_str("end") && parser.eat_str("%}") {
            if let Some(mut call) = open.pop() {
                call.body = Some(call.span.end..start);
                call.span.end = parser.at;
                at = parser.at;
                if open.is_empty() {
                    result.calls.push(call);
                }
            }
            continue;
        }
        parser.at = start + 2;
        parser.skip_space();
        let Some(name) = parser.ident() else { continue };
        if !parser.eat('(') {
            continue;
        }
        // From here on it is a call; a mistake is an error (reported when
        // the body it stands in is rendered, if it is in one).
        match parser.call_head(name, block, start) {
            // A call that reaches into code (its arguments hold a backtick
            // that opens a code span) is no call: code stays as written.
            Ok(call) if overlaps(code, &call.span) => {}
            Ok(call) => {
                at = call.span.end;
                if block {
                    open.push(call);
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
    result.errors.extend(open.into_iter().map(|call| SyntaxError {
        offset: call.span.start,
        message: format!("the shortcode `{}` has no `{{% end %}}`", call.name),
        hint: "close a shortcode with a body with {% end %}",
    }));
    result.errors.sort_by_key(|e| e.offset);
    result
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
/// for a call with a body), if there is one.
fn zola_literal(source: &str, start: usize, block: bool) -> Option<Literal> {
    let (open, close) = if block { ("{%", "%}") } else { ("{{", "}}") };
    let inner_start = start + 2 + source[start + 2..].strip_prefix("/*").map(|_| 2)?;
    let end_of_inner = inner_start + source[inner_start..].find(&format!("*/{close}"))?;
    Some(Literal {
        span: start..end_of_inner + 2 + close.len(),
        text: format!("{open}{}{close}", &source[inner_start..end_of_inner]),
    })
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

struct Parser<'a> {
    source: &'a str,
    at: usize,
    /// Lists open at `at`.
    depth: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.source[self.at..]
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.source.len() - trimmed.len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.rest().starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        self.at += len;
        Some(rest[..len].to_string())
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.at,
            message: message.into(),
            hint: ARGS_HINT,
        }
    }

    /// After `name(`: the arguments and the closing `}}` (or `%}` for a
    /// call with a body, whose body is then still to be found).
    fn call_head(&mut self, name: String, block: bool, start: usize) -> Result<Call, SyntaxError> {
        let args = self.arguments(&name)?;
        let close = if block { "%}" } else { "}}" };
        if !self.eat_str(close) {
            return Err(self.error(format!("expected `{close}` to close the call of `{name}`")));
        }
        Ok(Call {
            name,
            args,
            span: start..self.at,
            body: None,
        })
    }

    /// The arguments of a call, after its `(` up to its `)`.
    fn arguments(&mut self, name: &str) -> Result<Map<String, Value>, SyntaxError> {
        let mut args = Map::new();
        if self.eat(')') {
            return Ok(args);
        }
        loop {
            self.skip_space();
            let key_at = self.at;
            let key = self
                .ident()
                .ok_or_else(|| self.error(format!("expected an argument name in the call of `{name}`")))?;
            if !self.eat('=') {
                return Err(self.error(format!("expected `=` after `{key}`")));
            }
            let value = self.value()?;
            if args.insert(key.clone(), value).is_some() {
                return Err(SyntaxError {
                    offset: key_at,
                    message: format!("the argument `{key}` is given twice"),
                    hint: "give each argument once",
                });
            }
            if self.eat(')') {
                return Ok(args);
            }
            if !self.eat(',') {
                return Err(self.error("expected `,` or `)` after an argument"));
            }
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        self.skip_space();
        let rest = self.rest();
        let Some(first) = rest.chars().next() else {
            return Err(self.error("expected a value"));
        };
        match first {
            '"' | '\'' | '`' => {
                let inner = &rest[1..];
                let mut out = String::new();
                let mut chars = inner.char_indices();
                while let Some((i, c)) = chars.next() {
                    if c == first {
                        self.at += 1 + i + 1;
                        return Ok(Value::String(out));
                    }
                    if c == '\\' && first != '`' {
                        match chars.next() {
                            Some((_, 'n')) => out.push('\n'),
                            Some((_, other)) => out.push(other),
                            None => break,
                        }
                    } else {
                        out.push(c);
                    }
                }
                Err(self.error("a string is never closed"))
            }
            '[' => {
                if self.depth == MAX_LIST_DEPTH {
                    return Err(SyntaxError {
                        offset: self.at,
                        message: format!("lists nest more than {MAX_LIST_DEPTH} deep in this argument"),
                        hint: "give the data as a file under content/ and its path as the argument",
                    });
                }
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(']') {
                    return Ok(Value::Array(items));
                }
                self.depth += 1;
                loop {
                    items.push(self.value()?);
                    if self.eat(']') {
                        self.depth -= 1;
                        return Ok(Value::Array(items));
                    }
                    if !self.eat(',') {
                        return Err(self.error("expected `,` or `]` in a list"));
                    }
                }
            }
            _ => {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.' | '_')))
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                let value = match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => {
                        if let Ok(i) = word.parse::<i64>() {
                            Value::from(i)
                        } else if let Some(n) =
                            word.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
                        {
                            Value::Number(n)
                        } else {
                            return Err(self.error(format!("`{word}` is not a value")));
                        }
                    }
                };
                self.at += len;
                Ok(value)
            }
        }
    }
}

#[cfg(test)]
mod tests;
