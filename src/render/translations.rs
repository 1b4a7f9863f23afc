//! The theme's words in the site's language: `templates/translations.toml`,
//! a table of keys by language, the built-in one with a site's own read
//! over it key by key; templates print them with `trans(key="...")`.

use std::collections::BTreeMap;

use super::*;

/// The file, under `templates/`.
pub const TRANSLATIONS_FILE: &str = "translations.toml";

/// The language every other falls back to, key by key.
const FALLBACK: &str = "en";

type Table = BTreeMap<String, BTreeMap<String, String>>;

/// Every language's words, by key.
#[derive(Debug, Clone, Default, Hash)]
pub struct Translations {
    languages: Table,
}

impl Translations {
    /// The built-in table, with `site` (its file and text) read over it.
    pub(super) fn load(site: Option<(PathBuf, String)>) -> Result<Translations, Vec<Error>> {
        let built_in = BUILT_IN_THEME
            .get_file(TRANSLATIONS_FILE)
            .and_then(|f| f.contents_utf8())
            .unwrap_or_default();
        let label = PathBuf::from(format!("{BUILT_IN_LABEL}/{TRANSLATIONS_FILE}"));
        let mut languages = parse(&label, built_in)?;
        if let Some((file, text)) = site {
            for (language, words) in parse(&file, &text)? {
                languages.entry(language).or_default().extend(words);
            }
        }
        Ok(Translations { languages })
    }

    /// The words for `language` (`fr`, or `fr-CA` read as `fr` where the
    /// table has no `fr-CA`), each key falling back to English.
    pub fn for_language(&self, language: &str) -> BTreeMap<String, String> {
        let mut words = self.languages.get(FALLBACK).cloned().unwrap_or_default();
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        for name in [primary, language] {
            if let Some(own) = self.languages.get(name).filter(|_| name != FALLBACK) {
                words.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        words
    }

    /// A hash of every word: part of every template's, as every template
    /// may print them.
    pub(super) fn fingerprint(&self) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// The languages the table has.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.keys().map(String::as_str)
    }

    /// The keys `language` itself gives (not through the fallback).
    pub fn keys_of(&self, language: &str) -> Vec<&str> {
        self.languages
            .get(language)
            .map(|words| words.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// Reads a table of `[language]` sections of `key = "words"`.
fn parse(file: &Path, text: &str) -> Result<Table, Vec<Error>> {
    toml::from_str::<Table>(text).map_err(|error| {
        let at = error.span().map_or_else(
            || Location::file(file),
            |span| Location::at_offset(file, text, span.start),
        );
        vec![Error::template(
            Problem::new(
                at,
                format!("invalid translations: {}", error.message().trim_end()),
            )
            .hint("write a [language] section (such as [fr]) of key = \"words\" lines"),
        )]
    })
}

/// Registers `trans` with Tera, answering in `language`.
pub(super) fn register(tera: &mut Tera, translations: &Arc<Translations>, language: &str) {
    let trans = Trans {
        words: translations.for_language(language),
        translations: Arc::clone(translations),
    };
    tera.register_function("trans", move |kwargs: Kwargs, _: &State| trans.call(&kwargs));
}

/// `trans(key=..., lang=...)`: the theme's words for `key` in the site's
/// language (or `lang`).
pub(super) struct Trans {
    pub(super) words: BTreeMap<String, String>,
    pub(super) translations: Arc<Translations>,
}

impl Trans {
    pub(super) fn call(&self, kwargs: &Kwargs) -> TeraResult<tera::Value> {
        super::functions::known_arguments("trans", kwargs, &["key", "lang"])?;
        let Some(key) = kwargs.get::<tera::Value>("key")?.filter(tera::Value::is_string) else {
            return Err(tera::Error::message(
                "`trans` needs a `key` as text, e.g. trans(key=\"contents\")",
            ));
        };
        let key = key.as_str().unwrap_or_default();
        let other;
        let words = match kwargs.get::<tera::Value>("lang")? {
            Some(lang) => {
                other = self.translations.for_language(lang.as_str().unwrap_or_default());
                &other
            }
            None => &self.words,
        };
        match words.get(key) {
            Some(text) => Ok(tera::Value::from(text.as_str())),
            None => {
                let known: Vec<&str> = words.keys().map(String::as_str).collect();
                let hint = crate::suggest::did_you_mean(key, &known, str::to_string)
                    .unwrap_or_else(|| format!("add `{key}` to templates/{TRANSLATIONS_FILE}"));
                Err(tera::Error::message(format!(
                    "there are no words for `{key}` in the translations: {hint}"
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_language_has_every_key_of_english() {
        let translations = Translations::load(None).expect("the built-in table reads");
        let english = translations.keys_of(FALLBACK);
        assert!(english.len() > 30);
        let languages: Vec<&str> = translations.languages().collect();
        assert_eq!(languages, ["de", "en", "es", "fr", "pt", "zh"]);
        for language in languages {
            assert_eq!(translations.keys_of(language), english, "{language}");
        }
    }

    #[test]
    fn a_sites_table_is_read_over_the_built_in_one_key_by_key() {
        let site = "[fr]\nread_on = \"Lire la suite\"\n[it]\ncontents = \"Indice\"\n";
        let translations = Translations::load(Some((
            PathBuf::from("templates/translations.toml"),
            site.to_string(),
        )))
        .expect("reads");
        let french = translations.for_language("fr-CA");
        assert_eq!(french["read_on"], "Lire la suite");
        assert_eq!(french["contents"], "Sommaire");
        let italian = translations.for_language("it");
        assert_eq!(italian["contents"], "Indice");
        assert_eq!(italian["read_on"], "Read on", "falls back to English");
        let bad = Translations::load(Some((PathBuf::from("t.toml"), "[fr]\nx = 1\n".to_string())));
        let error = &bad.unwrap_err()[0];
        assert!(error.to_string().contains("t.toml:2:5"), "{error}");
    }
}
