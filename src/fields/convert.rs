//! TOML and YAML tables made JSON values, with YAML's depth checked
//! before its reader runs and its keys found for positions.

use super::*;

/// A value of a parsed TOML table as templates see it: what [`toml_to_json`]
/// gives for the same value, or why it has none (a number too large).
pub(super) fn de_to_json(value: toml::de::DeValue) -> Result<Value, &'static str> {
    use toml::de::DeValue;
    Ok(match value {
        DeValue::String(s) => Value::String(crate::input::clean(s.into_owned())),
        DeValue::Integer(i) => {
            Value::from(i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| "integer number overflowed")?)
        }
        DeValue::Float(f) => {
            let number: f64 = f.as_str().parse().map_err(|_| "invalid floating-point number")?;
            if number.is_infinite() && !f.as_str().contains("inf") {
                return Err("floating-point number overflowed");
            }
            serde_json::Number::from_f64(number)
                .map_or_else(|| Value::String(number.to_string()), Value::Number)
        }
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| de_to_json(item.into_inner()))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| {
                    let key = crate::input::clean(key.into_inner().into_owned());
                    Ok((key, de_to_json(value.into_inner())?))
                })
                .collect::<Result<_, &'static str>>()?,
        ),
    })
}

pub fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(crate::input::clean(s)),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (crate::input::clean(k), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// `value` (read from JSON, whose `\u` escapes may write any character)
/// without the characters of [`crate::input::is_forbidden`] in its strings
/// and keys, as the TOML and YAML readers give them.
pub fn clean_json(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(crate::input::clean(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (crate::input::clean(k), clean_json(v)))
                .collect(),
        ),
        other => other,
    }
}

pub(super) fn yaml_key(key: &serde_yaml_ng::Value) -> Option<String> {
    match key {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn yaml_to_json(value: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Y::String(s) => Value::String(crate::input::clean(s)),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (k, v) in mapping {
                let key = yaml_key(&k).ok_or("a YAML key must be text")?;
                map.insert(crate::input::clean(key), yaml_to_json(v)?);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// YAML nests this deep at most: the reader's own limit, which a
/// pre-scan applies to lists and mappings written inline (`[[[...]]]`),
/// since the reader takes time that grows with the square of their depth
/// before it gets to its limit.
pub(super) const MAX_YAML_DEPTH: usize = 128;

/// Parses `table`, the YAML at byte `offset` of `text` (the file `path`).
pub fn parse_yaml(
    path: &Path,
    text: &str,
    offset: usize,
    table: &str,
) -> Result<serde_yaml_ng::Value, Problem> {
    let too_deep = "nest lists and mappings less deeply: the reader stops at 128 levels";
    if let Some(at) = inline_depth_exceeded(table) {
        return Err(Problem::new(
            Location::at_offset(path, text, offset + at),
            "invalid YAML: recursion limit exceeded",
        )
        .hint(too_deep));
    }
    let start_line = text[..offset].matches('\n').count();
    serde_yaml_ng::from_str(table).map_err(|error| {
        let at = match error.location() {
            Some(l) => Location::at_line_column(path, text, start_line + l.line(), l.column()),
            None => Location::at_offset(path, text, offset),
        };
        let message = error.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        Problem::new(at, format!("invalid YAML: {message}")).hint(if message.contains("recursion limit") {
            too_deep
        } else {
            "check the indentation and the `key: value` syntax on this line"
        })
    })
}

/// Where `[` and `{` written inline first nest deeper than
/// [`MAX_YAML_DEPTH`], outside quoted text and comments.
pub(super) fn inline_depth_exceeded(yaml: &str) -> Option<usize> {
    let bytes = yaml.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Some(at);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            quote @ (b'"' | b'\'') => {
                at += 1;
                while at < bytes.len() && bytes[at] != quote {
                    at += if quote == b'"' && bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' if at == 0 || bytes[at - 1].is_ascii_whitespace() => {
                at += bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap_or(bytes.len() - at);
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Byte offsets of a top-level `key:` and of its value in YAML text.
pub(super) fn find_yaml_key(table: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in table.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let rest = line
            .strip_prefix(key)
            .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| line.strip_prefix(&format!("'{key}'")));
        if let Some(rest) = rest {
            let after = rest.trim_start_matches([' ', '\t']);
            if let Some(value) = after.strip_prefix(':') {
                let value_start = line.len() - value.trim_start_matches([' ', '\t']).len();
                return Some((start, start + value_start));
            }
        }
    }
    None
}
