//! Which of the costlier fields of a page the templates may read.

use super::*;

/// The fields of `page` and `section` that cost the most to make (each a
/// few maps and lists per page, in every listing of a section too), and
/// whether the theme's templates may read each. One that no template
/// names, as a word anywhere in its source, is left out of every context:
/// what no template reads cannot change a page. Templates that may read a
/// field without naming it (a subscript or an attribute given by a value,
/// a `key, value` loop, a spread, `json_encode`, `__tera_context`) get
/// every field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CostlyFields {
    /// `toc`.
    pub toc: bool,
    /// `lower` and `higher`.
    pub neighbours: bool,
    /// `ancestors`.
    pub ancestors: bool,
}

impl CostlyFields {
    pub const ALL: CostlyFields = CostlyFields {
        toc: true,
        neighbours: true,
        ancestors: true,
    };

    pub const NONE: CostlyFields = CostlyFields {
        toc: false,
        neighbours: false,
        ancestors: false,
    };

    /// The fields either may read.
    pub(super) fn or(self, other: CostlyFields) -> CostlyFields {
        CostlyFields {
            toc: self.toc || other.toc,
            neighbours: self.neighbours || other.neighbours,
            ancestors: self.ancestors || other.ancestors,
        }
    }

    /// The fields a template of this source may read.
    pub fn read_by(text: &str) -> Self {
        if reads_fields_unnamed(text) {
            return CostlyFields::ALL;
        }
        let words: HashSet<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty())
            .collect();
        CostlyFields {
            toc: words.contains("toc"),
            neighbours: words.contains("lower") || words.contains("higher"),
            ancestors: words.contains("ancestors"),
        }
    }
}

/// Whether a template may read a field whose name it does not spell out.
pub(super) fn reads_fields_unnamed(text: &str) -> bool {
    if text.contains("__tera_context") || text.contains("json_encode") {
        return true;
    }
    // A spread (`{...page}`) copies every field; `keys`, `values` and
    // `pairs` list them.
    tag_contents(text).any(|tag| {
        let trimmed = tag.trim_start_matches('-').trim_start();
        let key_value_loop = trimmed
            .strip_prefix("for")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .and_then(|rest| rest.split_once(" in "))
            .is_some_and(|(variables, _)| variables.contains(','));
        let compact: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
        key_value_loop
            || compact.contains("...")
            || ["|get(", "|keys", "|values", "|pairs"]
                .iter()
                .any(|f| compact.contains(f))
            || named_by_value(&compact, "attribute=")
            || subscript_by_value(&compact)
    })
}

/// The text inside each `{{ }}` and `{% %}` of a template.
pub(super) fn tag_contents(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let after = &rest[start + 1..];
            let close = match after.as_bytes().first() {
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                _ => {
                    rest = after;
                    continue;
                }
            };
            let inner = &after[1..];
            let end = inner.find(close).unwrap_or(inner.len());
            rest = &inner[end..];
            return Some(&inner[..end]);
        }
    })
}

/// Whether `argument` (such as `attribute=`) is given anything but a quoted
/// string in `compact` (a tag without its whitespace).
pub(super) fn named_by_value(compact: &str, argument: &str) -> bool {
    compact.match_indices(argument).any(|(at, _)| {
        !matches!(
            compact.as_bytes().get(at + argument.len()),
            Some(b'"' | b'\'' | b'`')
        )
    })
}

/// Whether `compact` (a tag without its whitespace) subscripts a value by
/// anything but a quoted name or a number: `page[name]`, `page["t" ~ "oc"]`.
pub(super) fn subscript_by_value(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    (1..bytes.len()).any(|at| {
        let before = bytes[at - 1];
        let subscript = bytes[at] == b'['
            && (before.is_ascii_alphanumeric() || matches!(before, b'_' | b']' | b')' | b'?'));
        if !subscript {
            return false;
        }
        let inside = &compact[at + 1..];
        let literal = match inside.as_bytes().first() {
            Some(&quote @ (b'"' | b'\'' | b'`')) => inside[1..]
                .find(quote as char)
                .is_some_and(|end| inside[end + 2..].starts_with(']')),
            Some(digit) if digit.is_ascii_digit() => inside
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with(']'),
            _ => false,
        };
        !literal
    })
}
