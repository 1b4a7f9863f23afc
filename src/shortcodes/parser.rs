//! Reading one call: its name, its arguments or attributes, and its
//! end tag.

use super::*;

pub(super) struct Parser<'a> {
    pub(super) source: &'a str,
    pub(super) at: usize,
    /// Lists open at `at`.
    pub(super) depth: usize,
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

    /// The call that starts at `start`, after its `{{` or `{%`: `None` when
    /// the text there is no call. From the name on it is one, and a
    /// mistake is an error (reported when the body it stands in is
    /// rendered, if it is in one).
    pub(super) fn head(&mut self, block: bool, start: usize) -> Option<Result<(Call, Form), SyntaxError>> {
        self.skip_space();
        if self.eat('<') {
            let name = self.name()?;
            return Some(
                self.component_head(name, block, start)
                    .map(|call| (call, Form::Component)),
            );
        }
        let name = self.ident()?;
        if !self.eat('(') {
            return None;
        }
        Some(
            self.call_head(name, block, start)
                .map(|call| (call, Form::Shortcode)),
        )
    }

    /// A component's name: an identifier, and more after dots
    /// (`site.card`).
    fn name(&mut self) -> Option<String> {
        let mut name = self.ident()?;
        while self.rest().starts_with('.') {
            self.at += 1;
            name.push('.');
            name.push_str(&self.ident()?);
        }
        Some(name)
    }

    /// An end tag after `{%`: `end %}` or `</name> %}`.
    pub(super) fn end_tag(&mut self) -> Option<EndTag> {
        let start = self.at;
        let tag = if self.eat_str("end") {
            Some(EndTag { name: None })
        } else if self.eat_str("</") {
            self.name()
                .filter(|_| self.eat('>'))
                .map(|name| EndTag { name: Some(name) })
        } else {
            None
        };
        match tag.filter(|_| self.eat_str("%}")) {
            Some(tag) => Some(tag),
            None => {
                self.at = start;
                None
            }
        }
    }

    /// After `<name`: the attributes and the end of the tag, `/> }}` for a
    /// call without a body, `> %}` for one with a body (which is then
    /// still to be found).
    fn component_head(&mut self, name: String, block: bool, start: usize) -> Result<Call, SyntaxError> {
        let args = self.attributes(&name)?;
        let self_closing = self.eat_str("/>");
        if !self_closing && !self.eat('>') {
            return Err(self.error(format!("expected `/>` or `>` to end the tag of `{name}`")));
        }
        let close = if block { "%}" } else { "}}" };
        if self_closing == block {
            let message = match block {
                true => format!("a call with `/>` has no body: write it `{{{{ <{name} ... /> }}}}`"),
                false => "a call in `{{ }}` has no body: end its tag with `/>`".to_string(),
            };
            return Err(SyntaxError {
                offset: start,
                message,
                hint: "write {{ <name ... /> }}, or {% <name ...> %}body{% </name> %} for a call with a body",
            });
        }
        self.close_head(name, args, close, start)
    }

    /// The `close` (`}}` or `%}`) that ends the call of `name` starting at
    /// `start`, and the call.
    fn close_head(
        &mut self,
        name: String,
        (args, arg_offsets): Arguments,
        close: &str,
        start: usize,
    ) -> Result<Call, SyntaxError> {
        if !self.eat_str(close) {
            return Err(self.error(format!("expected `{close}` to close the call of `{name}`")));
        }
        Ok(Call {
            name,
            args,
            arg_offsets,
            span: start..self.at,
            body: None,
        })
    }

    /// A component's attributes: `name="text"` or `name={value}`, up to
    /// the `/>` or `>` that ends its tag.
    fn attributes(&mut self, name: &str) -> Result<Arguments, SyntaxError> {
        let mut args = Arguments::default();
        loop {
            self.skip_space();
            if self.rest().starts_with("/>") || self.rest().starts_with('>') {
                return Ok(args);
            }
            let key_at = self.at;
            let key = self.ident().ok_or_else(|| {
                self.attribute_error(format!("expected an attribute name in the call of `{name}`"))
            })?;
            if !self.eat('=') {
                return Err(self.attribute_error(format!("expected `=` after `{key}`: give it a value")));
            }
            self.skip_space();
            let in_attribute = |error: SyntaxError| SyntaxError {
                hint: if error.hint == ARGS_HINT {
                    ATTRIBUTES_HINT
                } else {
                    error.hint
                },
                ..error
            };
            let value = match self.rest().chars().next() {
                Some('"' | '\'') => self.value().map_err(in_attribute)?,
                Some('{') => {
                    self.at += 1;
                    if self.eat('}') {
                        return Err(self.attribute_error(format!("`{key}={{}}` holds no value")));
                    }
                    let value = self.value().map_err(in_attribute)?;
                    if !self.eat('}') {
                        return Err(self.attribute_error("expected `}` after the value"));
                    }
                    value
                }
                _ => {
                    return Err(
                        self.attribute_error(format!("expected a value for `{key}`: \"text\" or {{value}}"))
                    );
                }
            };
            insert_once(&mut args, key, key_at, value)?;
        }
    }

    fn attribute_error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.at,
            message: message.into(),
            hint: ATTRIBUTES_HINT,
        }
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
        self.close_head(name, args, close, start)
    }

    /// The arguments of a call, after its `(` up to its `)`.
    fn arguments(&mut self, name: &str) -> Result<Arguments, SyntaxError> {
        let mut args = Arguments::default();
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
            insert_once(&mut args, key, key_at, value)?;
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

/// A call's arguments, and where each name is written.
type Arguments = (Map<String, Value>, Vec<(String, usize)>);

/// `args` with `key` (written at `key_at`) set to `value`; an error when it
/// is there already.
fn insert_once(
    (args, offsets): &mut Arguments,
    key: String,
    key_at: usize,
    value: Value,
) -> Result<(), SyntaxError> {
    if args.contains_key(&key) {
        return Err(SyntaxError {
            offset: key_at,
            message: format!("the argument `{key}` is given twice"),
            hint: "give each argument once",
        });
    }
    offsets.push((key.clone(), key_at));
    args.insert(key, value);
    Ok(())
}
