//! Each page's share card, `card.png` beside its `index.html`: the theme's
//! card template (`card.svg.html`) renders the page's title and the
//! site's name as SVG, which [`crate::cards`] draws. Only the cards whose
//! title, site name or template changed are drawn again; they are drawn
//! in parallel.

use std::path::PathBuf;

use rayon::prelude::*;

use super::keys::hash_of;
use super::outputs::{Claim, Made, Output, OutputFile, Site};
use crate::cards;
use crate::content::Document;
use crate::error::{Error, Location, Problem};
use crate::output::Contents;
use crate::path_map::PathMap;
use crate::render::Theme;

/// The theme's template that makes a card's SVG.
pub(super) const TEMPLATE: &str = "card.svg.html";

/// Changes when a card drawn from the same SVG would come out otherwise
/// (another font, another size), so a running `watch` draws them again.
const DRAWING: u32 = 1;

/// The share cards of the pages that have no `image` of their own, unless
/// the settings say `share_cards = false`.
#[derive(Default)]
pub(super) struct Cards {
    /// The first problem the last `files` met (every card comes from one
    /// template: one mistake in it would be the same for every page).
    error: Option<Error>,
}

/// The documents that get a card.
fn with_cards<'a>(site: Site<'a>) -> impl Iterator<Item = &'a Document> + 'a {
    let on = site.config.share_cards;
    site.content
        .documents()
        .filter(move |doc| on && doc.front.image.is_none())
}

fn card_path(doc: &Document) -> String {
    format!("{}{}", doc.path, cards::FILE)
}

impl Output for Cards {
    fn claims(&self, site: Site) -> Vec<Claim> {
        // Two documents at one address are an error of their own already.
        let mut seen = std::collections::HashSet::new();
        with_cards(site)
            .filter(|doc| seen.insert(doc.path.as_str()))
            .map(|doc| Claim {
                output: card_path(doc),
                owner: PathBuf::from(format!("(the share card of {})", doc.file.display())),
                source: None,
            })
            .collect()
    }

    fn files(&mut self, made: &Made, previous: &PathMap<u64>) -> Vec<OutputFile> {
        self.error = None;
        let Some(theme) = made.site.theme.filter(|t| t.has_template(TEMPLATE)) else {
            return Vec::new();
        };
        let site_title = made.site.config.title.as_str();
        let template = theme.template_hash(TEMPLATE);
        let docs: Vec<&Document> = with_cards(made.site).collect();
        let drawn: Vec<Result<OutputFile, Error>> = docs
            .par_iter()
            .map(|doc| {
                let path = card_path(doc);
                let key = hash_of((DRAWING, template, &doc.front.title, site_title));
                let contents = match previous.get(&path) == Some(&key) {
                    true => None,
                    false => Some(Contents::Bytes(draw(theme, doc, site_title)?)),
                };
                Ok(OutputFile { path, key, contents })
            })
            .collect();
        let mut files = Vec::with_capacity(drawn.len());
        for result in drawn {
            match result {
                Ok(file) => files.push(file),
                Err(error) => {
                    self.error.get_or_insert(error);
                }
            }
        }
        files
    }

    fn errors(&mut self) -> Vec<Error> {
        self.error.take().into_iter().collect()
    }
}

/// `doc`'s card: its SVG from the template, drawn as PNG.
fn draw(theme: &Theme, doc: &Document, site_title: &str) -> Result<Vec<u8>, Error> {
    let title = doc.front.title.as_str();
    let mut context = tera::Context::new();
    context.insert_value("title", tera::Value::from(title));
    context.insert_value("site", tera::Value::from(site_title));
    context.insert_value(
        "lines",
        tera::Value::from_serializable(&cards::title_lines(title)),
    );
    let svg = theme.render(TEMPLATE, &context, 4096).map_err(Error::template)?;
    cards::rasterise(&svg).map_err(|message| {
        Error::template(
            Problem::new(
                Location::file(theme.template_file(TEMPLATE)),
                format!(
                    "the share card of {} is not an SVG image that can be drawn: {message}",
                    doc.file.display()
                ),
            )
            .hint("make the template write a whole <svg> element, with xmlns=\"http://www.w3.org/2000/svg\" and a width and height; or set `share_cards = false` in content/site.toml"),
        )
    })
}
