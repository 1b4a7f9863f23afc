//! How deep a template nests, found before Tera parses it: Tera's parser
//! and renderer call themselves once for each level of blocks (`if`,
//! `for`, `block`, `macro`, `filter`) and of brackets in an expression,
//! and a template nested deeply enough would exhaust the stack of the
//! thread that parses or renders it, which ends the process. A template
//! deeper than [`MAX_NESTING`] is an error at the tag that goes too deep,
//! far below what the stack takes.

use std::path::Path;

use crate::error::{Location, Problem};

/// Blocks inside blocks, and brackets inside brackets, this deep at most.
pub const MAX_NESTING: usize = 64;

/// The first place in `text` (the template `file`) that nests deeper than
/// [`MAX_NESTING`]. Tags are read as Tera reads them: a `%}` or `}}` in a
/// string is part of the string, not the end of the tag.
pub fn too_deep(file: &Path, text: &str) -> Option<Problem> {
    let mut blocks = 0usize;
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                // A comment holds no tag: it ends at the first `#}`.
                at = text[start + 2..]
                    .find("#}")
                    .map_or(text.len(), |end| start + 2 + end + 2);
                continue;
            }
            _ => {
                at = start + 1;
                continue;
            }
        };
        let tag = match read_tag(&text[start + 2..], close) {
            Tag::Closed(length) => &text[start + 2..start + 2 + length],
            // Unclosed: Tera's own syntax error says so.
            Tag::Unclosed => return None,
            Tag::TooDeep(offset) => return Some(problem(file, text, start + 2 + offset, "brackets")),
        };
        at = start + 2 + tag.len() + 2;
        if close == "}}" {
            continue;
        }
        let word = tag
            .trim_start_matches(['-', ' ', '\t', '\r', '\n'])
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        match word {
            "if" | "for" | "block" | "macro" | "filter" => {
                blocks += 1;
                if blocks > MAX_NESTING {
                    return Some(problem(file, text, start, "blocks"));
                }
            }
            "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => {
                blocks = blocks.saturating_sub(1);
            }
            // Everything up to the tag `{% endraw %}` is text.
            "raw" => match end_of_raw(&text[at..]) {
                Some(end) => at += end,
                None => return None,
            },
            _ => {}
        }
    }
    None
}

/// What follows a tag's `{{` or `{%`.
enum Tag {
    /// Its inside is this long; the closing `}}` or `%}` follows it.
    Closed(usize),
    Unclosed,
    /// Brackets nest too deep at this offset.
    TooDeep(usize),
}

/// Reads a tag's inside up to `close`, which ends it only outside a string
/// literal, counting how deep brackets nest on the way.
fn read_tag(rest: &str, close: &str) -> Tag {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, _) if rest[at..].starts_with(close) => return Tag::Closed(at),
            (None, '(' | '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Tag::TooDeep(at);
                }
            }
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Tag::Unclosed
}

/// Where the tag `{% endraw %}` in `text` ends.
fn end_of_raw(text: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = text[at..].find("{%") {
        let start = at + found;
        let inside = text[start + 2..].trim_start_matches(['-', ' ', '\t', '\r', '\n']);
        if let Some(after) = inside.strip_prefix("endraw") {
            let end = after.find("%}")?;
            return Some(text.len() - after.len() + end + 2);
        }
        at = start + 2;
    }
    None
}

fn problem(file: &Path, text: &str, offset: usize, what: &str) -> Problem {
    Problem::new(
        Location::at_offset(file, text, offset),
        format!("the template nests {what} more than {MAX_NESTING} deep here"),
    )
    .hint("split the template: move the inner part into a template of its own and include it")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ifs(depth: usize) -> String {
        format!("{}x{}", "{% if a %}".repeat(depth), "{% endif %}".repeat(depth))
    }

    #[test]
    fn blocks_nest_up_to_the_limit() {
        let file = Path::new("t.html");
        assert!(too_deep(file, &ifs(MAX_NESTING)).is_none());
        // Blocks that close do not add up.
        assert!(too_deep(file, &ifs(MAX_NESTING).repeat(3)).is_none());
        let problem = too_deep(file, &ifs(MAX_NESTING + 1)).unwrap();
        assert_eq!(problem.at.column, Some(10 * MAX_NESTING as u32 + 1));
        assert_eq!(
            problem.message,
            "the template nests blocks more than 64 deep here"
        );
        let mixed = format!(
            "{}{{%- for x in y -%}}{}",
            "{% block b %}{% filter upper %}".repeat(32),
            "z"
        );
        assert!(too_deep(file, &mixed).is_some());
    }

    #[test]
    fn brackets_nest_up_to_the_limit_outside_strings() {
        let file = Path::new("t.html");
        let parens = |depth: usize| format!("{{{{ {}1{} }}}}", "(".repeat(depth), ")".repeat(depth));
        assert!(too_deep(file, &parens(MAX_NESTING)).is_none());
        assert!(too_deep(file, &parens(MAX_NESTING + 1)).is_some());
        let in_string = format!("{{{{ \"{}\" }}}}", "(".repeat(1000));
        assert!(too_deep(file, &in_string).is_none());
        let list = format!("{{% set x = {}1{} %}}", "[".repeat(100), "]".repeat(100));
        assert!(too_deep(file, &list).is_some());
    }

    #[test]
    fn tag_ends_in_strings_do_not_end_tags() {
        let file = Path::new("t.html");
        let hidden = format!(
            "{{% if \"%}}\" == {}1{} %}}x{{% endif %}}",
            "(".repeat(1000),
            ")".repeat(1000)
        );
        assert!(
            too_deep(file, &hidden).is_some(),
            "brackets after a string holding %}}"
        );
        let phantom_ends = format!(
            "{{% set x = \"%}}{}\" %}}{}x{}",
            "{% endif %}".repeat(500),
            "{% if a %}".repeat(200),
            "{% endif %}".repeat(200)
        );
        assert!(
            too_deep(file, &phantom_ends).is_some(),
            "ends inside a string do not count"
        );
        let print = format!("{{{{ \"}}}}\" ~ {}1{} }}}}", "[".repeat(100), "]".repeat(100));
        assert!(too_deep(file, &print).is_some());
        assert!(too_deep(file, "{{ \"}}\" }} {% if a %}{{ '%}' }}{% endif %}").is_none());
    }

    #[test]
    fn comments_and_raw_text_do_not_count() {
        let file = Path::new("t.html");
        let raw = format!("{{% raw %}}endraw {}{{%- endraw %}}", ifs(200));
        assert!(too_deep(file, &raw).is_none());
        let after_raw = format!("{{% raw %}}x{{% endraw %}}{}", ifs(MAX_NESTING + 1));
        assert!(too_deep(file, &after_raw).is_some());
        let comment = format!("{{# {} #}}", "(".repeat(200));
        assert!(too_deep(file, &comment).is_none());
    }
}
