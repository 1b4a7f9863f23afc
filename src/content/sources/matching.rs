//! Finding quoted words in a source's text: verbatim, but not fussy about
//! what typing changes (runs of spaces, curly or straight quotation marks,
//! kinds of dash), with `…` or `[...]` standing for words left out.

use std::ops::Range;

/// Text with spaces, quotation marks and dashes made uniform, and where
/// each of its bytes came from in the original text.
#[derive(Debug, Clone)]
pub(super) struct Normal {
    pub text: String,
    /// For each byte of `text`, the offset of the character it came from.
    origin: Vec<usize>,
    /// The length of the original text, the end of the last character.
    end: usize,
}

/// The form every variant of a character is compared in.
fn uniform(c: char) -> char {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' => '\'',
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

impl Normal {
    pub(super) fn of(text: &str) -> Normal {
        let mut normal = Normal {
            text: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len()),
            end: text.len(),
        };
        for (at, c) in text.char_indices() {
            let c = uniform(c);
            if c == ' ' && (normal.text.is_empty() || normal.text.ends_with(' ')) {
                continue;
            }
            // An ellipsis typed as one character is three full stops.
            let (c, times) = if c == '…' { ('.', 3) } else { (c, 1) };
            for _ in 0..times {
                normal.text.push(c);
                normal.origin.extend(std::iter::repeat_n(at, c.len_utf8()));
            }
        }
        while normal.text.ends_with(' ') {
            normal.text.pop();
            normal.origin.pop();
        }
        normal
    }

    /// The original range of `range`, a range of whole characters of `text`.
    pub(super) fn original(&self, range: Range<usize>) -> Range<usize> {
        let start = self.origin.get(range.start).copied().unwrap_or(self.end);
        let end = self.origin.get(range.end).copied().unwrap_or(self.end);
        start..end.max(start)
    }
}

/// The ways an editor marks words left out of a quote.
const ELISIONS: [&str; 4] = ["[...]", "[…]", "…", "..."];

/// The parts of a quote between its elisions, each made uniform and
/// without the spaces and closing punctuation at its edges (reporting
/// turns a full stop into a comma before "she said").
pub(super) fn parts(quote: &str) -> Vec<String> {
    let mut text = quote.to_string();
    for elision in ELISIONS {
        text = text.replace(elision, "\u{0}");
    }
    text.split('\u{0}')
        .map(|part| {
            let normal = Normal::of(part).text;
            let edges: &[char] = &[' ', '.', ',', ';', ':', '"', '\''];
            normal.trim_matches(edges).to_string()
        })
        .filter(|part| !part.is_empty())
        .collect()
}

/// Whether `text[range]` starts and ends at word boundaries, so that
/// "ant" is not found in "want".
fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let first = text[range.clone()].chars().next();
    let last = text[range.clone()].chars().next_back();
    let after = text[range.end..].chars().next();
    let joins = |a: Option<char>, b: Option<char>| matches!((a, b), (Some(a), Some(b)) if a.is_alphanumeric() && b.is_alphanumeric());
    !joins(before, first) && !joins(last, after)
}

/// The first place of `part` in `text` at or after `from`, on word boundaries.
fn find_word_bounded(text: &str, part: &str, mut from: usize) -> Option<Range<usize>> {
    while let Some(found) = text.get(from..)?.find(part) {
        let range = from + found..from + found + part.len();
        if on_word_boundaries(text, &range) {
            return Some(range);
        }
        from = range.start + text[range.start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Where `parts` stand in `text`, in order: from the start of the first to
/// the end of the last.
pub(super) fn find_parts(text: &str, parts: &[String]) -> Option<Range<usize>> {
    let mut from = 0;
    let mut start = None;
    for part in parts {
        let found = find_word_bounded(text, part, from)?;
        start.get_or_insert(found.start);
        from = found.end;
    }
    Some(start?..from)
}

/// Words for comparing: split at spaces, with the punctuation at their
/// edges set aside.
fn words(text: &str) -> Vec<&str> {
    text.split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The passage of `text` nearest to `quote`'s words, with the words that
/// differ marked as a word diff does: `[-the quote's-]{+the source's+}`.
/// `None` when no word is shared.
pub(super) fn closest(text: &str, quote: &[String]) -> Option<(usize, String)> {
    let wanted: Vec<&str> = quote.iter().flat_map(|p| words(p)).collect();
    let have = words(text);
    if wanted.is_empty() || have.is_empty() {
        return None;
    }
    let span = wanted.len() + 2;
    let mut best: Option<(usize, usize)> = None;
    for start in 0..have.len() {
        let window = &have[start..(start + span).min(have.len())];
        let shared = common(&wanted, window).len();
        if shared > 0 && best.is_none_or(|(most, _)| shared > most) {
            best = Some((shared, start));
        }
    }
    let (shared, start) = best?;
    // The passage starts at its first shared word and runs as far as the quote.
    let window = &have[start..(start + span).min(have.len())];
    let first = start + common(&wanted, window).first().map_or(0, |&(_, j)| j);
    let window = &have[first..(first + span).min(have.len())];
    Some((shared, marked(&wanted, window)))
}

/// The longest common subsequence of two word lists, as pairs of indices.
fn common(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let mut table = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// `window` (of the source) from its first word shared with `wanted` to its
/// last, with the differences marked.
fn marked(wanted: &[&str], window: &[&str]) -> String {
    let pairs = common(wanted, window);
    let mut out = Vec::new();
    let (mut i, mut j) = (0, pairs.first().map_or(0, |&(_, j)| j));
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    let flush = |out: &mut Vec<String>, missing: &mut Vec<&str>, extra: &mut Vec<&str>| {
        if !missing.is_empty() {
            out.push(format!("[-{}-]", missing.join(" ")));
            missing.clear();
        }
        if !extra.is_empty() {
            out.push(format!("{{+{}+}}", extra.join(" ")));
            extra.clear();
        }
    };
    for &(pi, pj) in &pairs {
        missing.extend(&wanted[i..pi]);
        extra.extend(&window[j..pj]);
        flush(&mut out, &mut missing, &mut extra);
        out.push(window[pj].to_string());
        (i, j) = (pi + 1, pj + 1);
    }
    // Words the quote has past the last shared one stand against as many
    // words of the source.
    missing.extend(&wanted[i..]);
    extra.extend(&window[j..(j + wanted.len() - i).min(window.len())]);
    flush(&mut out, &mut missing, &mut extra);
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str, quote: &str) -> Option<String> {
        let normal = Normal::of(source);
        let range = find_parts(&normal.text, &parts(quote))?;
        Some(source[normal.original(range)].to_string())
    }

    #[test]
    fn quotes_match_across_typing_differences() {
        let source = "She said: “It’s  a long\nroad — and we’ll walk it,” on Monday.";
        assert_eq!(
            found(source, "It's a long road - and we'll walk it.").as_deref(),
            Some("It’s  a long\nroad — and we’ll walk it")
        );
        assert_eq!(
            found(source, "“It’s a long road”").as_deref(),
            Some("It’s  a long\nroad")
        );
        assert_eq!(found(source, "It's a short road"), None);
    }

    #[test]
    fn elisions_match_any_words_in_order() {
        let source = "The hall opens at nine, the garden at ten, and the café at noon.";
        for quote in [
            "The hall opens … the café at noon",
            "The hall opens [...] at noon",
            "hall opens ... garden",
        ] {
            assert!(found(source, quote).is_some(), "{quote}");
        }
        assert_eq!(found(source, "the café … The hall"), None, "parts out of order");
    }

    #[test]
    fn words_are_not_found_inside_other_words() {
        assert_eq!(found("They want more.", "ant more"), None);
        assert_eq!(
            found("They want more.", "want more").as_deref(),
            Some("want more")
        );
    }

    #[test]
    fn the_closest_passage_marks_the_words_that_differ() {
        let source = "The council will open the new library in March, its chair said.";
        let quote = parts("the new library in April");
        let (_, marked) = closest(&Normal::of(source).text, &quote).expect("shares words");
        assert_eq!(marked, "the new library in [-April-] {+March+}");
    }
}
