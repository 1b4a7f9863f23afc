//! The words of a blockquote, for checking them against the source its
//! attribution names.

use super::*;

/// The paragraphs of the innermost blockquote around byte `offset` of
/// `source`, but for the attribution at `offset` (of its paragraph, only
/// the words before it count): each as its offset and its text, without
/// markup. `None` when no blockquote holds `offset`.
pub fn blockquote_paragraphs(source: &str, offset: usize) -> Option<Vec<(usize, String)>> {
    // Each open blockquote's paragraphs so far, and whether it holds `offset`.
    let mut open: Vec<(Vec<(usize, String)>, bool)> = Vec::new();
    let mut paragraph: Option<(usize, String, bool)> = None;
    for (event, span) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_)) => open.push((Vec::new(), span.contains(&offset))),
            Event::End(TagEnd::BlockQuote(_)) => {
                // The innermost blockquote holding `offset` ends first.
                let (paragraphs, holds) = open.pop()?;
                if holds {
                    return Some(paragraphs);
                }
            }
            Event::Start(Tag::Paragraph) if !open.is_empty() => {
                paragraph = Some((span.start, String::new(), span.contains(&offset)));
            }
            Event::End(TagEnd::Paragraph) => {
                if let (Some((at, text, _)), Some((paragraphs, _))) = (paragraph.take(), open.last_mut())
                    && !text.trim().is_empty()
                {
                    paragraphs.push((at, text.trim().to_string()));
                }
            }
            // Words from the attribution on are not the quote's.
            _ if paragraph.as_ref().is_some_and(|p| p.2) && span.start >= offset => {}
            Event::Text(_) if paragraph.as_ref().is_some_and(|p| p.2) && span.end > offset => {
                if let Some((_, words, _)) = paragraph.as_mut() {
                    words.push_str(&source[span.start..offset]);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, words, _)) = paragraph.as_mut() {
                    words.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, words, _)) = paragraph.as_mut() {
                    words.push(' ');
                }
            }
            _ => {}
        }
    }
    None
}

/// Every paragraph of `source`, as its offset and its text without markup.
pub fn paragraph_texts(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut paragraph: Option<(usize, String)> = None;
    for (event, span) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) => paragraph = Some((span.start, String::new())),
            Event::End(TagEnd::Paragraph) => found.extend(paragraph.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, words)) = paragraph.as_mut() {
                    words.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, words)) = paragraph.as_mut() {
                    words.push(' ');
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_is_every_paragraph_but_the_attribution() {
        let source =
            "Intro.\n\n> It was a *long*\n> winter.\n>\n> And a wet spring.\n>\n> ATTRIBUTION\n\nAfter.\n";
        let at = source.find("ATTRIBUTION").unwrap();
        let paragraphs = blockquote_paragraphs(source, at).expect("in a blockquote");
        let texts: Vec<&str> = paragraphs.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["It was a long winter.", "And a wet spring."]);
        assert_eq!(paragraphs[0].0, source.find("It was").unwrap());
        assert_eq!(blockquote_paragraphs(source, source.find("After").unwrap()), None);
        let same = "> It was a long\n> winter. ATTRIBUTION\n";
        let paragraphs = blockquote_paragraphs(same, same.find("ATTRIBUTION").unwrap()).unwrap();
        assert_eq!(paragraphs, [(2, "It was a long winter.".to_string())]);
    }
}
