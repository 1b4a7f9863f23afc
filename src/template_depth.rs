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
/// [`MAX_NESTING`].
pub fn too_deep(file: &Path, text: &str) -> Option<Problem> {
    let mut blocks = 0usize;
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        let inner_start = start + 2;
        let Some(length) = text[inner_start..].find(close) else {
            // Unclosed: Tera's own syntax error says so.
            return None;
        };
        let inner = &text[inner_start..inner_start + length];
        at = inner_start + length + 2;
        if close == "#}" {
            continue;
        }
        if let Some(offset) = deep_brackets(inner) {
            return Some(problem(file, text, inner_start + offset, "brackets"));
        }
        if close == "%}" {
            let word = inner
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
                // Everything up to `{% endraw %}` is text.
                "raw" => match text[at..].find("endraw") {
                    Some(end) => at += end,
                    None => return None,
                },
                _ => {}
            }
        }
    }
    None
}

/// Where brackets in an expression first nest deeper than the limit,
/// outside string literals.
fn deep_brackets(expression: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, c) in expression.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(at);
                }
            }
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
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
    fn comments_and_raw_text_do_not_count() {
        let file = Path::new("t.html");
        let raw = format!("{{% raw %}}{}{{% endraw %}}", ifs(200));
        assert!(too_deep(file, &raw).is_none());
        let comment = format!("{{# {} #}}", "(".repeat(200));
        assert!(too_deep(file, &comment).is_none());
    }
}
