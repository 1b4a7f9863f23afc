//! The addresses stage: every address of the site in one index, which
//! links, `get_url` and `load_data` look up; two things written to one
//! path are an error here, before anything renders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::outputs::Claim;
use crate::content::Content;
use crate::error::{Error, Location, Problem};
use crate::urls::{Target, UrlIndex};

/// Every address of the site: the documents, then the files `claims`
/// name; two things with one output path are an error.
pub(super) fn url_index(content: &Content, claims: &[Claim]) -> (UrlIndex, Vec<Error>) {
    let mut index = UrlIndex::with_capacity(
        content.sections.len() + content.pages.len(),
        claims.len() + content.unusable.len() + content.drafts.len(),
    );
    for (i, section) in content.sections.iter().enumerate() {
        index.add_document(&section.doc.source, &section.doc.path, true, i);
    }
    for (i, page) in content.pages.iter().enumerate() {
        index.add_document(&page.doc.source, &page.doc.path, false, i);
    }
    let mut owners = Owners::default();
    for claim in claims {
        owners.claim(content, &index, &claim.output, &claim.owner);
        index.add_file(&claim.output, claim.source.as_deref());
    }
    for source in &content.unusable {
        index.add_missing(source, Target::Unusable);
    }
    for source in &content.drafts {
        index.add_missing(source, Target::Draft);
    }
    let mut errors = owners.errors;
    errors.extend(file_and_folder_clashes(content, &owners.files));
    (index, errors)
}

/// Who writes each file that is not a document (documents are found in
/// the index; their own clashes are reported when the content is loaded).
#[derive(Default)]
struct Owners {
    files: BTreeMap<String, PathBuf>,
    errors: Vec<Error>,
}

impl Owners {
    /// Records that `owner` writes `output`, or the error if another does.
    fn claim(&mut self, content: &Content, index: &UrlIndex, output: &str, owner: &Path) {
        let first = self
            .files
            .get(output)
            .cloned()
            .or_else(|| document_file(content, index, output));
        let Some(first) = first else {
            self.files.insert(output.to_string(), owner.to_path_buf());
            return;
        };
        let (own, other) = crate::error::code_points(owner, &first).unwrap_or_default();
        self.errors.push(Error::content(
            Problem::new(
                Location::file(owner),
                format!(
                    "this file{own} and {}{other} would both be written to {output}",
                    first.display()
                ),
            )
            .hint("rename or move one of them"),
        ));
    }
}

/// The file of the document written to `output`, found by the document's
/// folder (`rare-earths/`), which no other file's output path can be.
fn document_file(content: &Content, index: &UrlIndex, output: &str) -> Option<PathBuf> {
    let folder = output.strip_suffix("index.html")?;
    match index.by_output(folder)? {
        Target::Document { section, index, file } if file == output => {
            let doc = match section {
                true => &content.sections[*index].doc,
                false => &content.pages[*index].doc,
            };
            Some(doc.file.clone())
        }
        _ => None,
    }
}

/// A file written where another output needs a folder: `content/alpha`
/// (a file) and `content/alpha.md` (a page, `alpha/index.html`). `files`
/// are the outputs that are not documents, with the file behind each.
fn file_and_folder_clashes(content: &Content, files: &BTreeMap<String, PathBuf>) -> Vec<Error> {
    // Every output's path (a document's is its folder, `alpha/`), sorted,
    // so that the outputs under a folder `F/` come right after `F/`.
    let mut outputs: Vec<(&str, &Path)> = content
        .documents()
        .map(|doc| (doc.path.as_str(), doc.file.as_path()))
        .chain(
            files
                .iter()
                .map(|(output, file)| (output.as_str(), file.as_path())),
        )
        .collect();
    outputs.sort_unstable();
    let mut errors = Vec::new();
    for (blocked, blocker) in files {
        let folder = format!("{blocked}/");
        let first_under = outputs.partition_point(|(output, _)| *output < folder.as_str());
        let Some((output, owner)) = outputs.get(first_under).filter(|(o, _)| o.starts_with(&folder)) else {
            continue;
        };
        let (own, other) = crate::error::code_points(blocker, owner).unwrap_or_default();
        let output = if output.ends_with('/') {
            format!("{output}index.html")
        } else {
            output.to_string()
        };
        errors.push(Error::content(
            Problem::new(
                Location::file(blocker),
                format!(
                    "this file{own} would be written to {blocked}, where {}{other} needs a folder (for {output})",
                    owner.display()
                ),
            )
            .hint("rename or move one of them"),
        ));
    }
    errors
}
