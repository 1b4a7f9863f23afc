//! Where a shortcode's output goes in Markdown. Each call is replaced by a
//! placeholder before the Markdown is rendered: U+FDD1, the call's number,
//! U+FDD1. U+FDD1 is a Unicode noncharacter that no input can hold (see
//! [`crate::input::decode`]), so a placeholder is always the engine's
//! own, and Markdown leaves it alone as text. The renderer then puts each
//! call's HTML in its place, and reads its text where a heading needs it.

const MARK: char = '\u{FDD1}';

/// The placeholder of call `i`.
pub fn placeholder(i: usize) -> String {
    format!("{MARK}{i}{MARK}")
}

/// Whether `text` holds a placeholder.
pub fn any(text: &str) -> bool {
    text.contains(MARK)
}

/// Each placeholder in `text`: where it starts and ends, and its number.
fn each(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let width = MARK.len_utf8();
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let start = from + text[from..].find(MARK)?;
            let end = start + width + text[start + width..].find(MARK)?;
            from = end;
            if let Ok(i) = text[start + width..end].parse() {
                from = end + width;
                return Some((start, end + width, i));
            }
        }
    })
}

/// Where each placeholder in `text` stands, so that nothing that works on
/// text (the glossary) takes part of one for words.
pub fn spans(text: &str) -> Vec<std::ops::Range<usize>> {
    each(text).map(|(start, end, _)| start..end).collect()
}

/// `text` with each placeholder replaced by what `put` writes for its
/// number, in one pass.
pub fn replace(text: &str, mut put: impl FnMut(usize, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, i) in each(text) {
        out.push_str(&text[copied..start]);
        put(i, &mut out);
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// `html` with each placeholder replaced by its fragment, in one pass; a
/// placeholder that stands alone in a paragraph replaces the whole
/// paragraph, so a shortcode may give block-level HTML.
pub fn put_fragments(html: &str, fragments: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for (start, end, i) in each(html) {
        let fragment = fragments.get(i).map_or("", String::as_str);
        let alone = html[copied..start].ends_with("<p>") && html[end..].starts_with("</p>\n");
        match alone {
            true => {
                out.push_str(&html[copied..start - "<p>".len()]);
                out.push_str(fragment);
                copied = end + "</p>\n".len();
            }
            false => {
                out.push_str(&html[copied..start]);
                out.push_str(fragment);
                copied = end;
            }
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// The text a reader sees in `html`: tags left out, the five entities
/// Markdown and Tera write decoded.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_go_in_their_places() {
        let fragments = ["<b>one</b>".to_string(), "<figure>two</figure>".to_string()];
        let html = format!("<p>a {} b</p>\n<p>{}</p>\n", placeholder(0), placeholder(1));
        assert_eq!(
            put_fragments(&html, &fragments),
            "<p>a <b>one</b> b</p>\n<figure>two</figure>"
        );
        assert_eq!(put_fragments("no calls", &fragments), "no calls");
    }

    #[test]
    fn text_for_a_heading() {
        let text = format!("Cost {}", placeholder(0));
        let replaced = replace(&text, |_, out| {
            out.push_str(&text_of("<span class=\"x\">10 &amp; 20%</span>"))
        });
        assert_eq!(replaced, "Cost 10 & 20%");
        assert!(any(&text) && !any("plain"));
    }
}
