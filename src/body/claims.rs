//! The claims a call makes on a source: a quote's words, or the passage a
//! figure or a sentence rests on, for the build to check.

use serde_json::Value;

use super::BodyError;
use crate::content::sources::{Claim, Kind};
use crate::markdown::{self, ClaimAt, Lint};
use crate::shortcodes::Call;

/// What a call claims, found in `source` (the text it is written in, which
/// starts at byte `base` of the document's body).
pub(super) struct Claims {
    pub claims: Vec<ClaimAt>,
    pub lint: Option<Lint>,
}

/// The claims of `call`; `takes_source` tells whether what it calls takes
/// a `source`, so that a call without one is worth a lint.
pub(super) fn of_call(
    call: &Call,
    source: &str,
    base: usize,
    takes_source: bool,
) -> Result<Claims, Box<BodyError>> {
    let written_at = |name: &str| {
        let at = call.arg_offsets.iter().find(|(arg, _)| arg == name);
        base + at.map_or(call.span.start, |(_, at)| *at)
    };
    let cited = match call.args.get("source") {
        None => {
            let lint = takes_source.then(|| Lint {
                span: base + call.span.start..base + call.span.end,
                message: format!(
                    "`{}` is called without a `source`: what it shows is not checked",
                    call.name
                ),
                hint: "name the source it comes from, e.g. source=\"report\" for content/sources/report.md",
            });
            return Ok(Claims {
                claims: Vec::new(),
                lint,
            });
        }
        Some(Value::String(id)) => id.clone(),
        Some(other) => {
            return Err(Box::new(BodyError::Shortcode {
                offset: written_at("source"),
                message: format!("`source` names a source by its file name in quotes, not `{other}`"),
                hint: "write source=\"report\" for content/sources/report.md".to_string(),
            }));
        }
    };
    let claim = |kind: Kind, words: String, value: Option<String>| Claim {
        kind,
        source: cited.clone(),
        words,
        value,
    };
    let text_of = |name: &str| match call.args.get(name) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    let claims = if let Some(passage) = text_of("passage") {
        let value = text_of("value");
        let kind = if value.is_some() {
            Kind::Figure
        } else {
            Kind::Claim
        };
        vec![ClaimAt {
            offset: written_at("passage"),
            claim: claim(kind, passage, value),
        }]
    } else if let Some(text) = text_of("text") {
        vec![ClaimAt {
            offset: written_at("text"),
            claim: claim(Kind::Quote, text, None),
        }]
    } else {
        quoted_paragraphs(call, source, base)
            .into_iter()
            .map(|(offset, words)| ClaimAt {
                offset,
                claim: claim(Kind::Quote, words, None),
            })
            .collect()
    };
    if claims.is_empty() {
        return Err(Box::new(BodyError::Shortcode {
            offset: written_at("source"),
            message: format!("`{}` names a source but nothing to find in it", call.name),
            hint: "give the quoted words (text=\"...\" or the call's body), or the passage it rests on (passage=\"...\"), or write the call as the last line of a blockquote".to_string(),
        }));
    }
    Ok(Claims { claims, lint: None })
}

/// The quoted words of a call without `text` or `passage`: its body's
/// paragraphs, or else those of the blockquote whose last line it is.
fn quoted_paragraphs(call: &Call, source: &str, base: usize) -> Vec<(usize, String)> {
    let found = match &call.body {
        Some(body) => markdown::paragraph_texts(&source[body.clone()])
            .into_iter()
            .map(|(at, text)| (body.start + at, text))
            .collect(),
        None => markdown::blockquote_paragraphs(source, call.span.start).unwrap_or_default(),
    };
    found
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(at, text)| (base + at, text))
        .collect()
}
