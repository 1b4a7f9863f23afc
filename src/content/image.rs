//! A page's own share image (front matter `image`): where it is, and the
//! check that it is there.

use super::{Content, Document};
use crate::error::{Error, Problem};
use crate::urls;

/// The image a page names in `image`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnImage<'a> {
    /// An absolute address (`https://...`), used as it is.
    Address(&'a str),
    /// A file under `content/`: its path there, which is its output path.
    File(String),
}

/// The image `doc` names, if any: a path relative to its Markdown file's
/// folder (or, starting with `/`, to `content/`), or an absolute
/// http(s) address. `None` too for a path that climbs out of `content/`,
/// which [`check`] reports.
pub fn own_image(doc: &Document) -> Option<OwnImage<'_>> {
    let (image, _) = doc.front.image.as_ref()?;
    if image.starts_with("https://") || image.starts_with("http://") {
        return Some(OwnImage::Address(image));
    }
    let folder = doc.source.rfind('/').map_or("", |i| &doc.source[..i]);
    let from = match image.starts_with('/') {
        true => "",
        false => folder,
    };
    urls::join(from, image).map(OwnImage::File)
}

/// Every page whose `image` is neither an absolute address nor a file
/// under `content/`.
pub fn check(content: &Content) -> Vec<Error> {
    let files: std::collections::HashSet<&str> =
        content.assets.iter().map(|asset| asset.source.as_str()).collect();
    content
        .documents()
        .filter_map(|doc| {
            let (image, at) = doc.front.image.as_ref()?;
            let problem = match own_image(doc)? {
                OwnImage::Address(_) => return None,
                OwnImage::File(file) if files.contains(file.as_str()) => return None,
                OwnImage::File(file) => Problem::new(
                    at.clone(),
                    format!("`image` names `{image}`, but there is no file content/{file}"),
                ),
            };
            Some(problem)
        })
        .chain(climbing_out(content))
        .map(|problem| {
            Error::link(problem.hint(
                "name an image file under content/, relative to this page's file (\"map.png\" beside it), or an absolute https:// address; leave `image` out to get the drawn card",
            ))
        })
        .collect()
}

/// The pages whose `image` climbs out of `content/` (`../../x.png`).
fn climbing_out(content: &Content) -> impl Iterator<Item = Problem> + '_ {
    content.documents().filter_map(|doc| {
        let (image, at) = doc.front.image.as_ref()?;
        own_image(doc).is_none().then(|| {
            Problem::new(
                at.clone(),
                format!("`image` names `{image}`, which is outside content/"),
            )
        })
    })
}
