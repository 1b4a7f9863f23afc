//! The quick way of a render after changes: when only the bodies of known
//! pages or templates the Markdown does not use changed, start from the last
//! render; only those pages' Markdown is rendered again, and only the
//! outputs whose inputs changed. Anything else is a full render.

use std::path::Path;
use std::sync::Arc;

use super::keys::hash_of;
use super::markdown::{self, Env};
use super::session::{Session, Snapshot};
use super::{Delta, Timer, theme};
use crate::change::{Change, ChangeKind};
use crate::content::data::DataFiles;
use crate::content::{self, CONTENT_DIR};
use crate::error::{Errors, site_path};
use crate::render::{ShortcodeRenderer, Theme};

/// What changed, when a patch can follow it.
struct Edits {
    /// Each edited document's position, and its new text.
    bodies: Vec<(usize, String)>,
    templates: bool,
}

impl Session {
    /// The quick way of [`Session::render_changed`], or `None` when it does not apply.
    pub(super) fn patch(&mut self, changed: &[Change]) -> Option<Result<Delta, Errors>> {
        let mut timer = Timer::new();
        let edits = edits(&self.options.root, self.last.as_ref()?, changed)?;
        let last = self.last.as_ref()?;
        if last
            .failing
            .iter()
            .any(|f| !edits.bodies.iter().any(|(p, _)| p == f))
        {
            return None;
        }
        if edits.templates {
            if let Err(errors) = theme::load(&self.options.root, &mut self.theme) {
                return Some(Err(Errors::new(errors)));
            }
            let theme = &self.theme.as_ref()?.theme;
            let last = self.last.as_ref()?;
            if !theme
                .template_names()
                .eq(last.templates.iter().map(String::as_str))
                || markdown_env(theme, last)? != last.markdown_env
            {
                return None;
            }
        }
        timer.stage("templates");
        let mut snapshot = self.last.take()?;
        let errors = self.render_bodies(&mut snapshot, edits.bodies)?;
        timer.stage("markdown");
        let result = self.emit(&mut snapshot, errors, &mut timer, None);
        self.last = Some(snapshot);
        Some(result)
    }

    /// Renders the Markdown of the edited documents again into `snapshot`.
    fn render_bodies(
        &mut self,
        snapshot: &mut Snapshot,
        bodies: Vec<(usize, String)>,
    ) -> Option<Vec<crate::error::Error>> {
        let theme = &mut self.theme.as_mut()?.theme;
        theme.register_functions(
            Arc::clone(&snapshot.index),
            Arc::clone(&snapshot.files),
            Arc::new(DataFiles::new(site_path(&self.options.root, CONTENT_DIR))),
            &snapshot.content,
            &snapshot.config.language,
        );
        let theme = &*theme;
        let shortcodes = ShortcodeRenderer::new(theme, &snapshot.config)
            .with_sources(!snapshot.content.sources.list.is_empty());
        let images = crate::images::ImageSizes::new(&snapshot.content.assets);
        let mut errors = Vec::new();
        for (position, text) in bodies {
            let doc = snapshot.doc_mut(position);
            doc.hash = content::text_hash(&text);
            doc.text = Arc::from(text);
            let env = Env {
                index: &snapshot.index,
                shortcodes: Some(&shortcodes),
                glossary: snapshot.glossary.as_ref(),
                markup: &snapshot.markup,
                images: &images,
                hash: snapshot.markdown_env,
            };
            let (key, result, found, source) = {
                let doc = snapshot.docs()[position];
                let (result, found) = markdown::render_one(doc, &doc.text, &env, &snapshot.content.sources);
                (
                    markdown::key(env.hash, doc),
                    Arc::new(result),
                    found,
                    doc.source.clone(),
                )
            };
            if found.is_empty() {
                snapshot.failing.remove(&position);
                self.markdown.insert(source, (key, Arc::clone(&result)));
            } else {
                snapshot.failing.insert(position);
                errors.extend(found);
            }
            snapshot.markdown_keys[position] = key;
            snapshot.results[position] = result;
        }
        Some(errors)
    }
}

/// The hash of what every document's Markdown may refer to, with `theme`
/// in place of the snapshot's: when it differs, every page's Markdown must
/// be rendered again (a component or shortcode template, or one it
/// includes or calls, changed; the markup; the ids the theme's pages hold).
fn markdown_env(theme: &Theme, last: &Snapshot) -> Option<u64> {
    let shortcodes =
        ShortcodeRenderer::new(theme, &last.config).with_sources(!last.content.sources.list.is_empty());
    let markup = theme.markup(&last.config).ok()?;
    let shared = hash_of((last.addresses_hash, last.config_hash));
    Some(markdown::env_hash(
        shared,
        &last.content,
        Some(&shortcodes),
        Some(theme),
        &markup,
    ))
}

/// The changes, if a patch can follow them: each a page's body (its front
/// matter untouched, which decides paths and order) or a template other
/// than a shortcode.
fn edits(root: &Path, snapshot: &Snapshot, changed: &[Change]) -> Option<Edits> {
    let mut edits = Edits {
        bodies: Vec::new(),
        templates: false,
    };
    for change in changed {
        match change.kind {
            ChangeKind::Template => edits.templates = true,
            ChangeKind::Content => edits.bodies.push(body_edit(root, snapshot, change)?),
            // Settings, the glossary, data and theme files reach
            // every page: a full render.
            _ => return None,
        }
    }
    (!edits.bodies.is_empty() || edits.templates).then_some(edits)
}

/// The position and new text of the document `change` names, if only its
/// body changed. Read as the content stage reads it; anything amiss is
/// left to a full render to report.
fn body_edit(root: &Path, snapshot: &Snapshot, change: &Change) -> Option<(usize, String)> {
    let position = *snapshot.positions.get(&change.name)?;
    let content_real = crate::paths::real_path(&site_path(root, CONTENT_DIR));
    let text = crate::input::read_source(&change.path, &content_real, "the file").ok()?;
    let old = snapshot.docs()[position];
    (text.get(..old.body_start) == Some(&old.text[..old.body_start])).then_some((position, text))
}
