//! The theme, loaded again only when a file under `templates/` changed.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Content, Stamp};
use crate::error::{Error, site_path};
use crate::markdown::{IdSet, Markup};
use crate::render::{self, Theme};

/// The theme, kept while no file under `templates/` changes.
pub(super) struct CachedTheme {
    stamps: Vec<(PathBuf, Option<Stamp>)>,
    pub theme: Theme,
}

/// Loads the theme into `slot` unless no file under `templates/` changed
/// since the last load.
pub(super) fn load(root: &Path, slot: &mut Option<CachedTheme>) -> Result<(), Vec<Error>> {
    let dir = site_path(root, render::TEMPLATES_DIR);
    let dir_real = crate::paths::real_path(&dir);
    let stamps: Vec<(PathBuf, Option<Stamp>)> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let stamp = Stamp::of(e.path(), &dir_real);
            (e.into_path(), stamp)
        })
        .collect();
    if slot.as_ref().is_some_and(|cached| cached.stamps == stamps) {
        return Ok(());
    }
    *slot = None;
    let theme = render::load_theme(root)?;
    *slot = Some(CachedTheme { stamps, theme });
    Ok(())
}

/// Gives a glossary term whose id the theme's pages hold of their own
/// (a term "main") another, on the glossary page and in the links to it.
pub(super) fn keep_glossary_ids_off(content: &mut Content, taken: &IdSet) {
    if let Some(glossary) = content.glossary.as_mut() {
        glossary.avoid_ids(taken);
    }
}

/// The theme's markup for what the Markdown adds of its own. Without a
/// theme, or after an error in one of its markup templates (reported in
/// `errors`), nothing is written: an empty one stands in.
pub(super) fn markup(theme: Option<&Theme>, config: &Config, errors: &mut Vec<Error>) -> Markup {
    match theme.map(|theme| theme.markup(config)) {
        Some(Ok(markup)) => markup,
        Some(Err(found)) => {
            errors.extend(found);
            Markup::default()
        }
        None => Markup::default(),
    }
}
