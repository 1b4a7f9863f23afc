//! A page's summary: the HTML before `<!-- more -->`, with whatever the
//! cut leaves open closed, as an HTML tokenizer reads it.

/// `html`, the start of a page cut at `<!-- more -->`, with the elements
/// still open there closed, innermost first: the marker may stand in the
/// middle of a paragraph or inside a `<div>`.
pub(super) fn with_open_elements_closed(html: &str) -> String {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr",
    ];
    let mut open: Vec<String> = Vec::new();
    // Where the text that is kept ends: before a tag or comment the cut
    // left unfinished, which would swallow the closing tags after it.
    let mut kept = html.len();
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        let rest = &html[start + 1..];
        let letter_at = |i: usize| rest.as_bytes().get(i).is_some_and(u8::is_ascii_alphabetic);
        let closing = rest.starts_with('/');
        // As an HTML tokenizer reads them: a comment; a declaration, a
        // processing instruction or a broken end tag, which run to the
        // next `>`; a tag, which starts with a letter; else `<` is text.
        let (end, is_tag) = if let Some(comment) = rest.strip_prefix("!--") {
            (comment_end(comment).map(|end| 4 + end), false)
        } else if rest.starts_with('!') || rest.starts_with('?') || (closing && !letter_at(1)) {
            (rest.find('>').map(|end| 1 + end + 1), false)
        } else if letter_at(0) || closing {
            (tag_end(rest).map(|end| 1 + end), true)
        } else {
            at = start + 1;
            continue;
        };
        let Some(end) = end else {
            kept = start;
            break;
        };
        at = start + end;
        if !is_tag {
            continue;
        }
        let name: String = rest[usize::from(closing)..]
            .chars()
            .take_while(|c| !c.is_ascii_whitespace() && !matches!(c, '/' | '>'))
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if let Some(open_at) = open.iter().rposition(|o| *o == name) {
                open.truncate(open_at);
            }
        } else {
            // A `/>` ends no element but a void one (or in SVG, where an
            // extra end tag is ignored): the element is open.
            // Their text is not HTML: skip to their end. One the cut
            // leaves open, or whose text holds `<!--` (after which an HTML
            // parser reads its end differently), ends the summary before it.
            if name == "script" || name == "style" {
                let text_end = html[at..].to_ascii_lowercase().find(&format!("</{name}"));
                match text_end {
                    Some(end) if !html[at..at + end].contains("<!--") => at += end,
                    _ => {
                        kept = start;
                        break;
                    }
                }
            }
            open.push(name);
        }
    }
    let mut closed = html[..kept].to_string();
    for name in open.iter().rev() {
        closed.push_str("</");
        closed.push_str(name);
        closed.push('>');
    }
    closed
}

/// Where a comment whose text (after its `<!--`) is `rest` ends, just
/// after its end, as an HTML tokenizer finds it: `<!-->` and `<!--->` end
/// at once, and `--!>` ends one too.
pub(super) fn comment_end(rest: &str) -> Option<usize> {
    if rest.starts_with('>') {
        return Some(1);
    }
    if rest.starts_with("->") {
        return Some(2);
    }
    let plain = rest.find("-->").map(|end| end + 3);
    let bang = rest.find("--!>").map(|end| end + 4);
    match (plain, bang) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Where the tag whose text (after its `<`) is `rest` ends, just after its
/// `>`, as an HTML tokenizer finds it: the first `>` that is not in an
/// attribute's quoted value (a quote opens one only right after `=`).
pub(super) fn tag_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'>' => return Some(at + 1),
            b'=' => {
                at += 1;
                while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(&quote @ (b'"' | b'\'')) => at += 1 + memchr::memchr(quote, &bytes[at + 1..])?,
                    // An unquoted value, or none (`<a b=>`): read on from here.
                    _ => continue,
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}
