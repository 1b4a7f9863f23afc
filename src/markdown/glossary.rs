//! The glossary as the Markdown uses it: each term linked where a page
//! first uses it, with its definition at hand.

use super::*;

/// Terms defined once for the whole site, marked up where a page first uses them.
#[derive(Debug)]
pub struct Glossary {
    matcher: aho_corasick::AhoCorasick,
    /// For each pattern, the index of its term.
    pattern_term: Vec<usize>,
    terms: Vec<GlossaryTerm>,
    /// The glossary page's address, to which `#id` is added.
    href: String,
}

#[derive(Debug, Clone)]
pub struct GlossaryTerm {
    pub id: String,
    /// The term and its aliases, as written in prose.
    pub forms: Vec<String>,
    pub definition: String,
}

impl Glossary {
    /// `href` is where the glossary page is (an entry's id is appended).
    pub fn new(terms: Vec<GlossaryTerm>, href: String) -> Glossary {
        let mut patterns = Vec::new();
        let mut pattern_term = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            for form in &term.forms {
                patterns.push(form.clone());
                pattern_term.push(i);
            }
        }
        let matcher = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("plain string patterns always build");
        Glossary {
            matcher,
            pattern_term,
            terms,
            href,
        }
    }
}

impl Glossary {
    /// Each term's id, which its entry on the glossary page has.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|term| term.id.as_str())
    }
}

/// The glossary as one page uses it: each term is marked up the first time only.
#[derive(Debug)]
pub struct TermUse<'g> {
    glossary: &'g Glossary,
    used: HashSet<usize>,
}

impl<'g> TermUse<'g> {
    pub fn new(glossary: &'g Glossary) -> Self {
        TermUse {
            glossary,
            used: HashSet::new(),
        }
    }

    /// `text` as HTML with the first use of each unused term marked up, or
    /// `None` when it holds no new term.
    pub(super) fn mark(&mut self, text: &str, markup: &Markup) -> Option<String> {
        let glossary = self.glossary;
        let mut out = String::new();
        let mut copied = 0;
        // A shortcode's placeholder is no text: a term never takes its number.
        let placeholders = match crate::placeholders::any(text) {
            true => crate::placeholders::spans(text),
            false => Vec::new(),
        };
        for found in glossary.matcher.find_iter(text) {
            let term = glossary.pattern_term[found.pattern().as_usize()];
            let before = text[..found.start()].chars().next_back();
            let after = text[found.end()..].chars().next();
            let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            let in_placeholder = placeholders
                .iter()
                .any(|p| p.start < found.end() && found.start() < p.end);
            if self.used.contains(&term) || is_word(before) || is_word(after) || in_placeholder {
                continue;
            }
            self.used.insert(term);
            let entry = &glossary.terms[term];
            out.push_str(&escape(&text[copied..found.start()]));
            markup.glossary_term.write(&mut out, |slot, out| match slot {
                Slot::Href => {
                    out.push_str(&glossary.href);
                    out.push('#');
                    escape_into(out, &entry.id);
                }
                Slot::Id => escape_into(out, &entry.id),
                Slot::Text => escape_into(out, &text[found.start()..found.end()]),
                Slot::Definition => escape_into(out, &entry.definition),
                _ => {}
            });
            copied = found.end();
        }
        (copied > 0).then(|| {
            out.push_str(&escape(&text[copied..]));
            out
        })
    }
}
