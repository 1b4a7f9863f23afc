//! `content/site.toml`: the site's settings, read and checked.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Location, Problem, site_path};
use crate::fields::Fields;

mod hosts;

/// Where the settings live, relative to the site root.
pub const SETTINGS_FILE: &str = "content/site.toml";

const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "author",
    "feed_limit",
    "embed_hosts",
    "share_cards",
    "extra",
];

/// How many of the newest dated pages the feed holds when the settings do not say.
pub const DEFAULT_FEED_LIMIT: usize = 20;

/// The site's settings, as templates see them under `config`.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Absolute, ending in `/`; only used where a URL must be absolute.
    pub base_url: Option<String>,
    pub language: String,
    pub author: Option<String>,
    /// How many of the newest dated pages `atom.xml` holds.
    pub feed_limit: usize,
    /// The hosts whose pages the site shows in frames, as the security
    /// policy names them (`https://datawrapper.dwcdn.net`).
    pub embed_hosts: Vec<String>,
    /// Where `embed_hosts` was written, for a message about it.
    #[serde(skip)]
    pub embed_hosts_at: Option<Location>,
    /// Whether each page without an `image` of its own gets a share card
    /// drawn (`card.png`).
    pub share_cards: bool,
    pub extra: Value,
}

impl Default for Config {
    /// The settings a site without a usable `site.toml` is checked with,
    /// so that its other errors are reported too.
    fn default() -> Self {
        Config {
            title: String::new(),
            description: None,
            base_url: None,
            language: "en".to_string(),
            author: None,
            feed_limit: DEFAULT_FEED_LIMIT,
            embed_hosts: Vec::new(),
            embed_hosts_at: None,
            share_cards: true,
            extra: Value::Object(serde_json::Map::new()),
        }
    }
}

/// Reads `content/site.toml` under `root`; `base_url` from the command line
/// wins over the file's.
pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<Config, Vec<Error>> {
    let path = site_path(root, SETTINGS_FILE);
    let content = crate::paths::real_path(&site_path(root, crate::content::CONTENT_DIR));
    let text = match crate::input::read_source(&path, &content, "the site settings file") {
        Ok(text) => text,
        Err(unread) if unread.missing => {
            return Err(vec![Error::config(
                Problem::new(Location::file(&path), "the site settings file is missing")
                    .hint("create it with at least a line `title = \"My explainer\"`"),
            )]);
        }
        Err(unread) => return Err(vec![Error::config(unread.problem)]),
    };
    let text = text.as_str();
    parse(&path, text, base_url_override)
}

/// An error for a `language` that is not a language tag (letters, digits
/// and `-`), which `lang` must be.
fn language_problem(language: &str, at: Location) -> Option<Error> {
    let tag = language
        .split('-')
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    (!tag).then(|| {
        Error::config(
            Problem::new(at, format!("`language` is not a language tag: `{language}`"))
                .hint("write a tag such as \"en\", \"fr\" or \"pt-BR\""),
        )
    })
}

/// Parses the settings file's text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str, base_url_override: Option<&str>) -> Result<Config, Vec<Error>> {
    let mut fields = Fields::from_toml(path, text, 0, text).map_err(|p| vec![Error::config(p)])?;
    fields.reject_unknown(KNOWN_KEYS, "site setting");
    let base_url_at = fields.location_of("base_url");
    let title = fields.required_string("title", "the site settings file");
    let description = fields.string("description");
    let base_url = fields.string("base_url");
    let language_at = fields.location_of("language");
    let language = fields.string("language").unwrap_or_else(|| "en".to_string());
    let author = fields.string("author");
    let feed_limit_at = fields.location_of("feed_limit");
    let feed_limit = fields.integer("feed_limit");
    let embed_hosts_at = fields
        .has("embed_hosts")
        .then(|| fields.location_of("embed_hosts"));
    let embed_hosts = fields.string_list("embed_hosts");
    let share_cards = fields.bool("share_cards").unwrap_or(true);
    let extra = fields.table("extra");
    let mut errors: Vec<Error> = match fields.finish() {
        Ok(()) => Vec::new(),
        Err(problems) => problems.into_iter().map(Error::config).collect(),
    };

    let feed_limit = match feed_limit {
        None => DEFAULT_FEED_LIMIT,
        Some(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
        Some(n) => {
            errors.push(Error::config(
                Problem::new(feed_limit_at, format!("`feed_limit` must be 1 or more, not {n}"))
                    .hint("leave it out for the newest 20 pages"),
            ));
            DEFAULT_FEED_LIMIT
        }
    };
    let embed_hosts = frame_sources(embed_hosts, &mut errors);
    errors.extend(language_problem(&language, language_at));
    let base_url = match base_url_override {
        Some(url) => match normalise_base_url(url) {
            Ok(url) => Some(url),
            Err(message) => {
                errors.push(Error::usage(
                    Problem::new(Location::file("--base-url"), message)
                        .hint("pass an absolute URL such as https://example.org/explainer/"),
                ));
                None
            }
        },
        None => match base_url.map(|url| normalise_base_url(&url)) {
            Some(Ok(url)) => Some(url),
            Some(Err(message)) => {
                let mut at = base_url_at;
                if message.contains("password") {
                    // The line holds the password: not shown again.
                    at.line_text = None;
                }
                errors.push(Error::config(Problem::new(at, message).hint(
                    "write an absolute URL such as \"https://example.org/explainer/\", or leave it out",
                )));
                None
            }
            None => None,
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        title: title.unwrap_or_default(),
        description,
        base_url,
        language,
        author,
        feed_limit,
        embed_hosts,
        embed_hosts_at,
        share_cards,
        extra,
    })
}

/// The entries of `embed_hosts` as the policy names them, each once; an
/// error at each entry that is not a host.
fn frame_sources(entries: Vec<(String, Location)>, errors: &mut Vec<Error>) -> Vec<String> {
    let mut sources: Vec<String> = Vec::with_capacity(entries.len());
    for (entry, at) in entries {
        match hosts::frame_source(&entry) {
            Ok(source) if sources.contains(&source) => {}
            Ok(source) => sources.push(source),
            Err(refusal) => errors.push(Error::config(
                Problem::new(at, refusal.message).hint(refusal.hint),
            )),
        }
    }
    sources
}

/// Checks that `url` is an absolute http(s) URL and gives it a trailing `/`.
fn normalise_base_url(url: &str) -> Result<String, String> {
    // Before anything else, so that no message repeats them (it would end
    // up in logs), whatever else is wrong with the address.
    if holds_credentials(url) {
        return Err(
            "`base_url` must not hold a user name or password: they would be published in every canonical link, the sitemap and the feed"
                .to_string(),
        );
    }
    let parsed =
        url::Url::parse(url).map_err(|e| format!("`base_url` is not an absolute URL: `{url}` ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`base_url` must start with https:// or http://, not `{url}`"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!("`base_url` must not have a query or a fragment: `{url}`"));
    }
    let mut normalised = parsed.to_string();
    if !normalised.ends_with('/') {
        normalised.push('/');
    }
    Ok(normalised)
}

/// Whether `url`'s host part, written with or without a scheme, starts
/// with a user name or password (`user:secret@`).
fn holds_credentials(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    authority.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        parse(Path::new("content/site.toml"), text, None).unwrap()
    }

    fn parse_err(text: &str) -> String {
        let errors = parse(Path::new("content/site.toml"), text, None).unwrap_err();
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn defaults_and_normalised_base_url() {
        let config = parse_ok("title = \"T\"\nbase_url = \"https://example.org/sub\"\n");
        assert_eq!(config.language, "en");
        assert_eq!(config.base_url.as_deref(), Some("https://example.org/sub/"));
        assert_eq!(config.extra, serde_json::json!({}));
        assert!(config.share_cards);
    }

    #[test]
    fn share_cards_is_true_or_false() {
        assert!(!parse_ok("title = \"T\"\nshare_cards = false\n").share_cards);
        let message = parse_err("title = \"T\"\nshare_cards = \"no\"\n");
        assert!(
            message
                .contains("content/site.toml:2:15: `share_cards` must be true or false, not the text `no`"),
            "{message}"
        );
    }

    #[test]
    fn override_wins() {
        let config = parse(
            Path::new("s"),
            "title = \"T\"\nbase_url = \"https://a.org/\"",
            Some("https://b.org"),
        )
        .unwrap();
        assert_eq!(config.base_url.as_deref(), Some("https://b.org/"));
    }

    #[test]
    fn unknown_key_names_nearest() {
        let message = parse_err("title = \"T\"\nauthr = \"me\"\n");
        assert!(
            message.contains("content/site.toml:2:1: unknown site setting field `authr`"),
            "{message}"
        );
        assert!(message.contains("did you mean `author`?"), "{message}");
    }

    #[test]
    fn a_base_url_with_credentials_is_refused_without_repeating_them() {
        for url in [
            "https://user:secret@example.org/",
            "https://user@example.org/",
            "https://:secret@example.org/",
        ] {
            let message = parse_err(&format!("title = \"T\"\nbase_url = \"{url}\"\n"));
            assert!(
                message.contains("must not hold a user name or password"),
                "{message}"
            );
            let errors = parse(Path::new("s"), "title = \"T\"", Some(url)).unwrap_err();
            assert_eq!(errors[0].kind, crate::error::Kind::Usage, "{errors:?}");
            assert!(!errors[0].to_string().contains("secret"), "{}", errors[0]);
        }
    }

    #[test]
    fn embed_hosts_each_once_and_each_bad_one_at_its_place() {
        let config = parse_ok(
            "title = \"T\"\nembed_hosts = [\"https://datawrapper.dwcdn.net/\", \"https://*.Example.org\", \"https://datawrapper.dwcdn.net\"]\n",
        );
        assert_eq!(
            config.embed_hosts,
            ["https://datawrapper.dwcdn.net", "https://*.example.org"]
        );
        assert_eq!(config.embed_hosts_at.and_then(|at| at.line), Some(2));
        assert!(parse_ok("title = \"T\"").embed_hosts.is_empty());

        let message = parse_err(
            "title = \"T\"\nembed_hosts = [\n  \"https://flo.uri.sh\",\n  \"flo.uri.sh/visualisation/1\",\n]\n",
        );
        assert_eq!(
            message,
            "content/site.toml:4:3: `flo.uri.sh/visualisation/1` in `embed_hosts` has no scheme\n  |\n4 |   \"flo.uri.sh/visualisation/1\",\n  |   ^\n  = hint: write \"https://flo.uri.sh\""
        );
        let message = parse_err("title = \"T\"\nembed_hosts = \"https://flo.uri.sh\"\n");
        assert!(
            message.contains(
                "content/site.toml:2:15: `embed_hosts` must be a list of texts in quotes, not the text"
            ),
            "{message}"
        );
    }

    #[test]
    fn missing_title_and_bad_url() {
        let message = parse_err("base_url = \"example.org\"\n");
        assert!(message.contains("has no `title`"), "{message}");
        assert!(
            message.contains("content/site.toml:1:12: `base_url` is not an absolute URL"),
            "{message}"
        );
    }
}
