//! `page.image`: the image a shared link to a page shows, its own or its
//! share card.

use crate::content::Document;
use crate::content::image::{OwnImage, own_image};

/// The image a shared link to a page shows, as templates see it.
#[derive(serde::Serialize)]
pub(super) struct ShareImage {
    /// Its absolute address: with a `base_url`, or an address given as one.
    url: Option<String>,
    /// Its path in the output, for `get_url`; none for an address.
    path: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    alt: Option<String>,
}

/// `doc`'s own image, or its card when `share_cards`; `permalink` makes
/// an output path absolute (`None` without a `base_url`).
pub(super) fn share_image(
    doc: &Document,
    share_cards: bool,
    site_title: &str,
    permalink: impl Fn(&str) -> Option<String>,
) -> Option<ShareImage> {
    let image = match own_image(doc) {
        Some(OwnImage::Address(url)) => ShareImage {
            url: Some(url.to_string()),
            path: None,
            width: None,
            height: None,
            alt: doc.front.image_alt.clone(),
        },
        Some(OwnImage::File(path)) => ShareImage {
            url: permalink(&path),
            path: Some(path),
            width: None,
            height: None,
            alt: doc.front.image_alt.clone(),
        },
        None if share_cards && doc.front.image.is_none() => {
            let path = format!("{}{}", doc.path, crate::cards::FILE);
            ShareImage {
                url: permalink(&path),
                path: Some(path),
                width: Some(crate::cards::WIDTH),
                height: Some(crate::cards::HEIGHT),
                alt: Some(format!("{} — {site_title}", doc.front.title)),
            }
        }
        None => return None,
    };
    Some(image)
}
