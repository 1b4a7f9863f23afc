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
//! inside code spans and code blocks are text, not calls.

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

/// A call that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
    pub hint: &'static str,
}

const ARGS_HINT: &str =
    "write arguments as name=value, separated by commas: strings in quotes, numbers, true/false or [lists]";

/// Finds the calls in `source`, outside the byte ranges in `code`.
pub fn find(source: &str, code: &[Range<usize>]) -> (Vec<Call>, Vec<SyntaxError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let mut at = 0;
    while let Some(found) = source[at..].find('{') {
        let start = at + found;
        at = start + 1;
        let block = match source.as_bytes().get(start + 1) {
            Some(b'{') => false,
            Some(b'%') => true,
            _ => continue,
        };
        if code.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let mut parser = Parser {
            source,
            at: start + 2,
        };
        parser.skip_space();
        let Some(name) = parser.ident() else { continue };
        if !parser.eat('(') {
            continue;
        }
        // From here on it is a call; a mistake is an error.
        match parser.call_rest(name, block, start) {
            Ok(call) => {
                at = call.span.end;
                calls.push(call);
            }
            Err(error) => {
                at = error.offset.max(start + 2);
                errors.push(error);
            }
        }
    }
    (calls, errors)
}

struct Parser<'a> {
    source: &'a str,
    at: usize,
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

    /// After `name(`: the arguments, the closing delimiters and, for a block, the body.
    fn call_rest(&mut self, name: String, block: bool, start: usize) -> Result<Call, SyntaxError> {
        let mut args = Map::new();
        if !self.eat(')') {
            loop {
                self.skip_space();
                let key_at = self.at;
                let key = self.ident().ok_or_else(|| {
                    self.error(format!("expected an argument name in the call of `{name}`"))
                })?;
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
                    break;
                }
                if !self.eat(',') {
                    return Err(self.error("expected `,` or `)` after an argument"));
                }
            }
        }
        let close = if block { "%}" } else { "}}" };
        if !self.eat_str(close) {
            return Err(self.error(format!("expected `{close}` to close the call of `{name}`")));
        }
        if !block {
            return Ok(Call {
                name,
                args,
                span: start..self.at,
                body: None,
            });
        }
        let body_start = self.at;
        let mut search = self.at;
        while let Some(found) = self.source[search..].find("{%") {
            let tag = search + found;
            let mut end = Parser {
                source: self.source,
                at: tag + 2,
            };
            if end.eat_str("end") && end.eat_str("%}") {
                return Ok(Call {
                    name,
                    args,
                    span: start..end.at,
                    body: Some(body_start..tag),
                });
            }
            search = tag + 2;
        }
        Err(SyntaxError {
            offset: start,
            message: format!("the shortcode `{name}` has no `{{% end %}}`"),
            hint: "close a shortcode with a body with {% end %}",
        })
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
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(']') {
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(']') {
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
mod tests {
    use super::*;
    use serde_json::json;

    fn calls(source: &str) -> Vec<Call> {
        let (calls, errors) = find(source, &[]);
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
        let (found, _) = find(source, &code);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].args["value"], json!(2));
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let (_, errors) = find("{{ figure(value=\"10\" unit=\"%\") }}", &[]);
        assert_eq!(errors[0].message, "expected `,` or `)` after an argument");
        assert_eq!(errors[0].offset, 21);
        let (_, errors) = find("{% quote(a=1) %} never closed", &[]);
        assert_eq!(errors[0].message, "the shortcode `quote` has no `{% end %}`");
        let (_, errors) = find("{{ f(a=1, a=2) }}", &[]);
        assert_eq!(errors[0].message, "the argument `a` is given twice");
        let (_, errors) = find("{{ f(a=\"open) }}", &[]);
        assert_eq!(errors[0].message, "a string is never closed");
        let (_, errors) = find("{{ f(a=1) }", &[]);
        assert_eq!(errors[0].message, "expected `}}` to close the call of `f`");
    }
}
