//! Finding quoted words in a source's text: verbatim, but not fussy about
//! what typing changes (runs of spaces, curly or straight quotation marks,
//! kinds of dash), with `…` or `[...]` standing for words left out.

use std::ops::Range;

/// Text with spaces, quotation marks and dashes made uniform, and where
/// each of its bytes came from in the original text.
#[derive(Debug, Clone)]
pub(super) struct Normal {
    pub text: String,
    /// `text` with each dash that is not a hyphen as `~`: where words are
    /// joined (`non-binding`) and where they are not (`magnets—materials`).
    pub shape: String,
    /// For each byte of `text`, the offset of the character it came from.
    origin: Vec<usize>,
    /// The length of the original text, the end of the last character.
    end: usize,
}

/// The form every variant of a character is compared in.
fn uniform(c: char) -> char {
    match c {
        // Single and double marks alike: styles swap them for inner quotes.
        '‘' | '’' | '‚' | '‛' | '′' | '`' | 'ʼ' | '“' | '”' | '„' | '‟' | '″' | '«' | '»' | '"' => {
            '\''
        }
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

impl Normal {
    pub(super) fn of(text: &str) -> Normal {
        let mut normal = Normal {
            text: String::with_capacity(text.len()),
            shape: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len()),
            end: text.len(),
        };
        for (at, written) in composed(text) {
            let c = uniform(written);
            // Runs of spaces are one space, and `--` typed for a dash is one.
            let run = match c {
                ' ' => normal.text.is_empty() || normal.text.ends_with(' '),
                '-' => normal.text.ends_with('-'),
                _ => false,
            };
            if run {
                if c == '-' {
                    // `--` is a dash, not a hyphen.
                    normal.shape.pop();
                    normal.shape.push('~');
                }
                continue;
            }
            // An ellipsis typed as one character is three full stops.
            let (c, times) = if c == '…' { ('.', 3) } else { (c, 1) };
            let hyphen = matches!(written, '-' | '‐' | '‑');
            for _ in 0..times {
                normal.text.push(c);
                normal.shape.push(if c == '-' && !hyphen { '~' } else { c });
                normal.origin.extend(std::iter::repeat_n(at, c.len_utf8()));
            }
        }
        while normal.text.ends_with(' ') {
            normal.text.pop();
            normal.shape.pop();
            normal.origin.pop();
        }
        normal
    }

    /// Whether the byte at `at` of `text` (a character boundary) stands
    /// inside a word: between two letters or digits, or next to a letter
    /// or digit across `'`, `.`, `,`, `:` or `-` with a letter or digit on
    /// its other side (`won't`, `3.5`, `10,000`, `non-binding`).
    pub(super) fn inside_word(text: &str, at: usize) -> bool {
        joined(text, at, &['\'', '.', ',', ':', '-'])
    }

    /// [`Normal::inside_word`] for a number, where a dash beside it marks
    /// a range (`5-10`), not a part of it.
    pub(super) fn inside_number(text: &str, at: usize) -> bool {
        joined(text, at, &['\'', '.', ',', ':'])
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

/// Whether the byte at `at` of `text` stands between two letters or
/// digits, or next to one across one of `joiners` with another on its
/// other side.
fn joined(text: &str, at: usize, joiners: &[char]) -> bool {
    let mut before = text[..at].chars().rev();
    let mut after = text[at..].chars();
    let (b1, b2) = (before.next(), before.next());
    let (a1, a2) = (after.next(), after.next());
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let joiner = |c: Option<char>| c.is_some_and(|c| joiners.contains(&c));
    (word(b1) && word(a1)) || (joiner(b1) && word(b2) && word(a1)) || (joiner(a1) && word(a2) && word(b1))
}

/// Whether `text[range]` starts and ends at word boundaries, so that
/// "ant" is not found in "want".
fn on_word_boundaries(shape: &str, range: &Range<usize>) -> bool {
    !Normal::inside_word(shape, range.start) && !Normal::inside_word(shape, range.end)
}

/// The first place of `part` in `text` at or after `from`, on word boundaries.
fn find_word_bounded(text: &str, shape: &str, part: &str, mut from: usize) -> Option<Range<usize>> {
    while let Some(found) = text.get(from..)?.find(part) {
        let range = from + found..from + found + part.len();
        if on_word_boundaries(shape, &range) {
            return Some(range);
        }
        from = range.start + text[range.start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Where `parts` stand in `text`, in order: from the start of the first to
/// the end of the last.
pub(super) fn find_parts(normal: &Normal, parts: &[String]) -> Option<Vec<Range<usize>>> {
    let (text, shape) = (&normal.text, &normal.shape);
    let mut from = 0;
    let mut found = Vec::with_capacity(parts.len());
    for part in parts {
        let range = find_word_bounded(text, shape, part, from)?;
        from = range.end;
        found.push(range);
    }
    (!found.is_empty()).then_some(found)
}

/// Words whose leaving out turns a sentence around.
const NEGATIONS: [&str; 9] = [
    "not", "no", "never", "nor", "neither", "without", "none", "nothing", "cannot",
];

/// The first word of turning-around that the gaps between `found` (ranges
/// of `text`, made uniform) leave out, if any: `not` in "we will … agree"
/// from "we will not agree".
pub(super) fn negation_left_out(text: &str, found: &[Range<usize>]) -> Option<String> {
    found.windows(2).find_map(|pair| {
        let gap = &text[pair[0].end..pair[1].start];
        gap.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .map(str::to_lowercase)
            .find(|word| NEGATIONS.contains(&word.as_str()) || word.ends_with("n't"))
    })
}

/// `text` with its characters canonically composed (a letter typed with a
/// combining accent is the accented letter), each with where it started.
fn composed(text: &str) -> Vec<(usize, char)> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::canonical_combining_class;
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        return text.char_indices().collect();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if canonical_combining_class(c) == 0 && at > start {
            out.extend(text[start..at].nfc().map(|composed| (start, composed)));
            start = at;
        }
    }
    out.extend(text[start..].nfc().map(|composed| (start, composed)));
    out
}

/// A word: as written, with the punctuation around it, and as compared,
/// without.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    shown: &'a str,
    key: &'a str,
}

/// The words of `text`, split at spaces; marks alone are left out.
fn words(text: &str) -> Vec<Word<'_>> {
    text.split(' ')
        .map(|shown| Word {
            shown,
            key: shown.trim_matches(|c: char| !c.is_alphanumeric()),
        })
        .filter(|word| !word.key.is_empty())
        .collect()
}

/// The quote's words compared with at most this many: a hint shows a
/// passage, not a page.
const MOST_WORDS: usize = 120;

/// The passage of `paragraphs` nearest to `quote`'s words, with the words
/// that differ marked as a word diff does: `[-the quote's-]{+the source's+}`.
/// `None` when no word is shared.
///
/// Each paragraph is first scored by the words a window of the quote's
/// length shares with it, counted as the window slides (one step a word);
/// only the best few windows are then aligned word by word.
pub(super) fn closest(paragraphs: &[(&Normal, &str)], quote: &[String]) -> Option<String> {
    let mut wanted: Vec<Word> = quote.iter().flat_map(|p| words(p)).collect();
    wanted.truncate(MOST_WORDS);
    if wanted.is_empty() {
        return None;
    }
    let span = wanted.len() + 2;
    let mut bag: std::collections::HashMap<&str, i32> = std::collections::HashMap::new();
    for word in &wanted {
        *bag.entry(word.key).or_default() += 1;
    }
    let texts: Vec<Vec<Word>> = paragraphs.iter().map(|(normal, _)| words(&normal.text)).collect();
    // (score, paragraph, start), best first.
    let mut best: Vec<(usize, usize, usize)> = Vec::new();
    for (index, have) in texts.iter().enumerate() {
        for (score, start) in sliding_scores(have, &bag, span) {
            best.push((score, index, start));
            best.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            best.truncate(3);
        }
    }
    let keys = keys_of(&wanted);
    let (_, index, start) =
        best.iter()
            .filter(|(score, ..)| *score > 0)
            .max_by_key(|(_, index, start)| {
                let window = window_keys(&texts[*index], *start, span);
                (common(&keys, &window).len(), std::cmp::Reverse((*index, *start)))
            })?;
    let have = &texts[*index];
    // The passage starts as many words before its first shared word as
    // the quote has before its own, and runs as far as the quote.
    let pairs = common(&keys, &window_keys(have, *start, span));
    let (i0, j0) = pairs.first().copied().unwrap_or((0, 0));
    let first = (start + j0).saturating_sub(i0);
    let (normal, original) = paragraphs[*index];
    // The source's words as it writes them, marks and all.
    let window: Vec<Word> = have[first..(first + span).min(have.len())]
        .iter()
        .map(|word| {
            let at = word.shown.as_ptr() as usize - normal.text.as_ptr() as usize;
            Word {
                shown: &original[normal.original(at..at + word.shown.len())],
                key: word.key,
            }
        })
        .collect();
    Some(marked(&wanted, &window))
}

fn window_keys<'a>(have: &[Word<'a>], start: usize, span: usize) -> Vec<&'a str> {
    have[start..(start + span).min(have.len())]
        .iter()
        .map(|w| w.key)
        .collect()
}

/// For each place a window of `span` words of `have` may start, the
/// count of its words `bag` also holds (each as often as `bag` does),
/// with the start: only the places where the count rises to a new best.
fn sliding_scores(
    have: &[Word],
    bag: &std::collections::HashMap<&str, i32>,
    span: usize,
) -> Vec<(usize, usize)> {
    let mut inside: std::collections::HashMap<&str, i32> = std::collections::HashMap::new();
    let mut score = 0usize;
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut best = 0;
    for (end, word) in have.iter().enumerate() {
        if let Some(&wanted) = bag.get(word.key) {
            let count = inside.entry(word.key).or_default();
            *count += 1;
            if *count <= wanted {
                score += 1;
            }
        }
        if end >= span {
            let gone = have[end - span].key;
            if let Some(&wanted) = bag.get(gone) {
                let count = inside.entry(gone).or_default();
                if *count <= wanted {
                    score -= 1;
                }
                *count -= 1;
            }
        }
        if score > best {
            best = score;
            found.push((score, (end + 1).saturating_sub(span)));
        }
    }
    found
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

fn keys_of<'a>(words: &[Word<'a>]) -> Vec<&'a str> {
    words.iter().map(|w| w.key).collect()
}

/// `window` (of the source) with the differences from `wanted` marked; the
/// source's words as it writes them.
fn marked(wanted: &[Word], window: &[Word]) -> String {
    let pairs = common(&keys_of(wanted), &keys_of(window));
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut missing: Vec<&str> = Vec::new();
    let mut extra: Vec<&str> = Vec::new();
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
        missing.extend(wanted[i..pi].iter().map(|w| w.shown));
        extra.extend(window[j..pj].iter().map(|w| w.shown));
        flush(&mut out, &mut missing, &mut extra);
        out.push(window[pj].shown.to_string());
        (i, j) = (pi + 1, pj + 1);
    }
    // Words the quote has past the last shared one stand against as many
    // words of the source.
    missing.extend(wanted[i..].iter().map(|w| w.shown));
    let more = (j + wanted.len() - i).min(window.len());
    extra.extend(window[j..more].iter().map(|w| w.shown));
    flush(&mut out, &mut missing, &mut extra);
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str, quote: &str) -> Option<String> {
        let normal = Normal::of(source);
        let found = find_parts(&normal, &parts(quote))?;
        let range = found[0].start..found[found.len() - 1].end;
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
        let normal = Normal::of(source);
        let marked = closest(&[(&normal, source)], &quote).expect("shares words");
        assert_eq!(marked, "the new library in [-April-] {+March,+}");
    }
}
