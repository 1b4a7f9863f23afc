//! `embed_hosts`: the hosts whose pages a site shows in frames, checked
//! and written as the security policy's `frame-src` names them.

use crate::error::escape_control;

/// What is wrong with an entry, and what to write instead.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Refusal {
    pub message: String,
    pub hint: String,
}

/// The form every entry takes, for hints that have nothing better.
const EXAMPLE: &str = "write a scheme and a host only, such as \"https://datawrapper.dwcdn.net\", or \"https://*.example.org\" for every subdomain of a host";

/// Checks one entry of `embed_hosts`: `https://` and a host name, with an
/// optional port, or `https://*.` and a host for every subdomain of it.
/// Gives it as the policy writes it: lowercase, without a trailing `/`.
pub(super) fn frame_source(entry: &str) -> Result<String, Refusal> {
    let shown = escape_control(entry);
    let refuse = |message: String, hint: String| Err(Refusal { message, hint });
    let suggestion = || suggest(entry).map_or_else(|| EXAMPLE.to_string(), |s| format!("write \"{s}\""));
    if entry.is_empty() {
        return refuse(
            "an entry of `embed_hosts` is empty".to_string(),
            EXAMPLE.to_string(),
        );
    }
    if entry.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse(
            format!("`{shown}` in `embed_hosts` has a space in it"),
            suggestion(),
        );
    }
    let Some((scheme, rest)) = entry.split_once("://") else {
        return refuse(format!("`{shown}` in `embed_hosts` has no scheme"), suggestion());
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return refuse(
            format!(
                "`{shown}` in `embed_hosts` is not an https:// address: a page published over https shows no frame from {scheme}://"
            ),
            suggestion(),
        );
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#']) {
        return refuse(
            format!(
                "`{shown}` in `embed_hosts` has a path: the policy names hosts, and allows every address on them"
            ),
            suggestion(),
        );
    }
    if rest.contains('@') {
        return refuse(
            format!("`{shown}` in `embed_hosts` holds a user name: the policy names hosts only"),
            suggestion(),
        );
    }
    let (host, port) = split_port(rest).ok_or_else(|| Refusal {
        message: format!("`{shown}` in `embed_hosts` has a port that is not a number from 1 to 65535"),
        hint: suggestion(),
    })?;
    let host = host.to_ascii_lowercase();
    let name = host.strip_prefix("*.").unwrap_or(&host);
    if name.contains('*') {
        return refuse(
            format!("`{shown}` in `embed_hosts` has a `*` where the policy takes none"),
            "a `*` stands only for every subdomain, before the host: \"https://*.example.org\"".to_string(),
        );
    }
    if !name.is_ascii() {
        return refuse(
            format!(
                "`{shown}` in `embed_hosts` has a host that is not written in ASCII, as the policy needs it"
            ),
            suggestion(),
        );
    }
    if !is_host_name(name) {
        return refuse(
            format!("`{shown}` in `embed_hosts` is not a host name on the web"),
            EXAMPLE.to_string(),
        );
    }
    let port = port.map_or_else(String::new, |p| format!(":{p}"));
    Ok(format!("https://{host}{port}"))
}

/// `host:port` into the host and the port; `None` for a port that is not one.
fn split_port(rest: &str) -> Option<(&str, Option<u16>)> {
    match rest.rsplit_once(':') {
        None => Some((rest, None)),
        Some((host, port)) => {
            let valid = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
            let port: u16 = port.parse().ok().filter(|p| valid && *p > 0)?;
            Some((host, Some(port)))
        }
    }
}

/// Whether `name` is a host name of two labels or more, each of letters,
/// digits and inner hyphens: `example.org`, not `localhost` (and under
/// `*.`, not `*.org`).
fn is_host_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// What the editor probably meant: the entry's host after `https://`,
/// in ASCII, when there is one.
fn suggest(entry: &str) -> Option<String> {
    let after_scheme = entry.split_once("://").map_or(entry, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = authority
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || c.is_control());
    let (wildcard, host) = match host.strip_prefix("*.") {
        Some(host) => ("*.", host),
        None => ("", host),
    };
    let parsed = url::Url::parse(&format!("https://{host}/")).ok()?;
    let ascii = parsed.host_str()?;
    let port = parsed.port().map_or_else(String::new, |p| format!(":{p}"));
    is_host_name(ascii).then(|| format!("https://{wildcard}{ascii}{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_written_as_the_policy_names_them() {
        for (entry, source) in [
            ("https://datawrapper.dwcdn.net", "https://datawrapper.dwcdn.net"),
            (
                "https://www.youtube-nocookie.com/",
                "https://www.youtube-nocookie.com",
            ),
            ("HTTPS://Flo.URI.sh", "https://flo.uri.sh"),
            ("https://*.example.org", "https://*.example.org"),
            ("https://maps.example.org:8443", "https://maps.example.org:8443"),
        ] {
            assert_eq!(frame_source(entry).as_deref(), Ok(source), "{entry}");
        }
    }

    #[test]
    fn each_refusal_says_what_to_write() {
        for (entry, message, hint) in [
            (
                "datawrapper.dwcdn.net",
                "`datawrapper.dwcdn.net` in `embed_hosts` has no scheme",
                "write \"https://datawrapper.dwcdn.net\"",
            ),
            (
                "http://example.org",
                "`http://example.org` in `embed_hosts` is not an https:// address: a page published over https shows no frame from http://",
                "write \"https://example.org\"",
            ),
            (
                "https://datawrapper.dwcdn.net/AbCdE/1/",
                "`https://datawrapper.dwcdn.net/AbCdE/1/` in `embed_hosts` has a path: the policy names hosts, and allows every address on them",
                "write \"https://datawrapper.dwcdn.net\"",
            ),
            (
                "https://me@example.org",
                "`https://me@example.org` in `embed_hosts` holds a user name: the policy names hosts only",
                "write \"https://example.org\"",
            ),
            (
                "https://example.org:99999",
                "`https://example.org:99999` in `embed_hosts` has a port that is not a number from 1 to 65535",
                EXAMPLE,
            ),
            (
                "https://*",
                "`https://*` in `embed_hosts` has a `*` where the policy takes none",
                "a `*` stands only for every subdomain, before the host: \"https://*.example.org\"",
            ),
            (
                "https://*.org",
                "`https://*.org` in `embed_hosts` is not a host name on the web",
                EXAMPLE,
            ),
            (
                "https://cdn.*.example.org",
                "`https://cdn.*.example.org` in `embed_hosts` has a `*` where the policy takes none",
                "a `*` stands only for every subdomain, before the host: \"https://*.example.org\"",
            ),
            (
                "https://bücher.example",
                "`https://bücher.example` in `embed_hosts` has a host that is not written in ASCII, as the policy needs it",
                "write \"https://xn--bcher-kva.example\"",
            ),
            (
                "https://example.org ",
                "`https://example.org ` in `embed_hosts` has a space in it",
                "write \"https://example.org\"",
            ),
            ("'self'", "`'self'` in `embed_hosts` has no scheme", EXAMPLE),
            (
                "https://localhost",
                "`https://localhost` in `embed_hosts` is not a host name on the web",
                EXAMPLE,
            ),
            ("", "an entry of `embed_hosts` is empty", EXAMPLE),
        ] {
            let refusal = frame_source(entry).unwrap_err();
            assert_eq!(refusal.message, message, "{entry}");
            assert_eq!(refusal.hint, hint, "{entry}");
        }
    }
}
