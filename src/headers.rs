//! `_headers`: the response headers that hosts reading the file (Netlify,
//! Cloudflare Pages) send with the site. Its security policy lets pages
//! show frames from the hosts `embed_hosts` names and from nothing else.

pub const HEADERS: &str = "_headers";

/// The policy for every page, with a `frame-src` when `embed_hosts` names
/// hosts (without one, frames come only from the site, as `default-src`).
pub fn content_security_policy(embed_hosts: &[String]) -> String {
    let frames = match embed_hosts {
        [] => String::new(),
        hosts => format!("frame-src 'self' {}; ", hosts.join(" ")),
    };
    format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; {frames}object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// The whole file: long caching for the theme's stylesheet and icon, and
/// the security headers for every page.
pub fn headers(embed_hosts: &[String]) -> String {
    let frames = match embed_hosts {
        [] => {
            "# no requests to other sites from what the pages hold (to show frames\n# from other sites, name their hosts in embed_hosts in content/site.toml)."
        }
        _ => {
            "# no requests to other sites from what the pages hold but frames from\n# the hosts embed_hosts names in content/site.toml."
        }
    };
    format!(
        "# Response headers for hosts that read a _headers file (Netlify, Cloudflare
# Pages), written by explainer build; a content/_headers of the site's own
# is published instead. The built-in theme links its stylesheet and icon
# with a hash of their content (style.css?h=...), so they may be cached for
# a year: a changed file gets a new address.
/style.css
  Cache-Control: public, max-age=31536000, immutable
/favicon.svg
  Cache-Control: public, max-age=31536000, immutable

# Every page: no sniffing of content types, no framing by other sites, and
{frames}
/*
  X-Content-Type-Options: nosniff
  X-Frame-Options: DENY
  Referrer-Policy: strict-origin-when-cross-origin
  Content-Security-Policy: {}
",
        content_security_policy(embed_hosts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_src_only_with_hosts() {
        assert_eq!(
            content_security_policy(&[]),
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
        );
        let hosts = [
            "https://a.example.org".to_string(),
            "https://*.b.example".to_string(),
        ];
        assert!(
            content_security_policy(&hosts)
                .contains("; frame-src 'self' https://a.example.org https://*.b.example; object-src 'none';")
        );
    }
}
