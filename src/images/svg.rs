//! An SVG's size, from the start tag of its root element: what an `<img>`
//! holding it shows it at.

use super::{Dimensions, NOT_AN_IMAGE_HINT, Unreadable, dimensions};

const SVG_HINT: &str =
    "give the <svg> element a viewBox, or a width and a height in pixels (width=\"640\" height=\"480\")";

/// How much of an SVG file is read to find its root element's start tag:
/// a comment or a document type before it may be long, but not this long.
pub(super) const SVG_HEAD_LIMIT: u64 = 64 * 1024;

/// The size an SVG shows at when an `<img>` holds it: its root element's
/// `width` and `height` in pixels; the one missing (or given in another
/// unit, or in percent) from the other and the `viewBox`'s proportions;
/// both missing, the `viewBox`'s.
pub fn svg_dimensions(text: &[u8]) -> Result<Dimensions, Unreadable> {
    let root = root_start_tag(text).ok_or_else(|| Unreadable {
        reason: format!(
            "is not an SVG image: no <svg> element starts in its first {} KB",
            SVG_HEAD_LIMIT / 1024
        ),
        hint: NOT_AN_IMAGE_HINT,
    })?;
    let (mut width, mut height, mut view_box) = (None, None, None);
    for (name, value) in root {
        match name {
            b"width" => width = pixel_length(value),
            b"height" => height = pixel_length(value),
            b"viewBox" => view_box = view_box_size(value),
            _ => {}
        }
    }
    let size = match (width, height, view_box) {
        (Some(w), Some(h), _) => dimensions(w, h),
        (Some(w), None, Some((vw, vh))) => dimensions(w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => dimensions(h * vw / vh, h),
        (None, None, Some((vw, vh))) => dimensions(vw, vh),
        _ => None,
    };
    size.ok_or_else(|| Unreadable {
        reason: "gives no size: its <svg> element has no viewBox, nor a width and a height in pixels"
            .to_string(),
        hint: SVG_HINT,
    })
}

/// The attributes of the root element's start tag, when it is `svg`
/// (with or without a namespace prefix); what comes before it (an XML
/// declaration, comments, a document type) skipped.
fn root_start_tag(text: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut rest = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    loop {
        rest = rest.trim_ascii_start();
        if let Some(after) = rest.strip_prefix(b"<?") {
            rest = after_needle(after, b"?>")?;
        } else if let Some(after) = rest.strip_prefix(b"<!--") {
            rest = after_needle(after, b"-->")?;
        } else if rest.starts_with(b"<!") {
            rest = after_doctype(rest)?;
        } else {
            break;
        }
    }
    let rest = rest.strip_prefix(b"<")?;
    let name_end = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')?;
    let name = &rest[..name_end];
    let local = name.rsplit(|b| *b == b':').next()?;
    if local != b"svg" {
        return None;
    }
    attributes(&rest[name_end..])
}

/// What follows the first `needle` in `text`.
fn after_needle<'t>(text: &'t [u8], needle: &[u8]) -> Option<&'t [u8]> {
    let at = memchr::memmem::find(text, needle)?;
    Some(&text[at + needle.len()..])
}

/// What follows a document type declaration, whose internal subset
/// (`[...]`) may hold `>`.
fn after_doctype(text: &[u8]) -> Option<&[u8]> {
    let mut in_subset = false;
    for (at, byte) in text.iter().enumerate() {
        match byte {
            b'[' => in_subset = true,
            b']' => in_subset = false,
            b'>' if !in_subset => return Some(&text[at + 1..]),
            _ => {}
        }
    }
    None
}

/// The attributes of a start tag from after its name to its `>`; `None`
/// when the tag does not end in `text`.
fn attributes(mut rest: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut found = Vec::new();
    loop {
        rest = rest.trim_ascii_start();
        match rest.first()? {
            b'>' => return Some(found),
            b'/' => rest = &rest[1..],
            _ => {
                let name_end = rest
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || matches!(b, b'=' | b'>' | b'/'))?;
                let name = &rest[..name_end];
                rest = rest[name_end..].trim_ascii_start();
                let Some(after_equals) = rest.strip_prefix(b"=") else {
                    // A name without a value: not well-formed, and no size.
                    continue;
                };
                rest = after_equals.trim_ascii_start();
                let quote = *rest.first()?;
                if quote != b'"' && quote != b'\'' {
                    return None;
                }
                let end = rest[1..].iter().position(|b| *b == quote)?;
                found.push((name, &rest[1..1 + end]));
                rest = &rest[end + 2..];
            }
        }
    }
}

/// A length in pixels: a number, alone or followed by `px`.
fn pixel_length(value: &[u8]) -> Option<f64> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let number = value.strip_suffix("px").unwrap_or(value);
    number.parse::<f64>().ok().filter(|n| n.is_finite() && *n > 0.0)
}

/// The width and height of a `viewBox` (`min-x min-y width height`,
/// apart by white space or commas), both positive.
fn view_box_size(value: &[u8]) -> Option<(f64, f64)> {
    let value = std::str::from_utf8(value).ok()?;
    let numbers: Vec<f64> = value
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|part| !part.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [_, _, width, height] if width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite() => {
            Some((width, height))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(text: &str) -> Option<(u32, u32)> {
        svg_dimensions(text.as_bytes()).ok().map(|d| (d.width, d.height))
    }

    #[test]
    fn an_svg_size_comes_from_width_and_height_or_the_view_box() {
        let ns = "xmlns=\"http://www.w3.org/2000/svg\"";
        for (text, size) in [
            (
                format!("<svg {ns} width=\"640\" height=\"480\"/>"),
                Some((640, 480)),
            ),
            (format!("<svg {ns} width='64px' height='48.4px'>"), Some((64, 48))),
            (format!("<svg {ns} viewBox=\"0 0 300 150\">"), Some((300, 150))),
            (format!("<svg {ns} viewBox=\"0,0,30.6,15\">"), Some((31, 15))),
            (
                format!("<svg {ns} width=\"600\" viewBox=\"0 0 300 150\">"),
                Some((600, 300)),
            ),
            (
                format!("<svg {ns} height=\"50\" viewBox=\"0 0 300 150\">"),
                Some((100, 50)),
            ),
            (
                format!("<svg {ns} width=\"100%\" viewBox=\"0 0 30 15\">"),
                Some((30, 15)),
            ),
            (
                format!(
                    "<?xml version=\"1.0\"?>\n<!-- a map -->\n<!DOCTYPE svg [<!ENTITY a \">\">]>\n<svg:svg {ns} width=\"2\" height=\"1\">"
                ),
                Some((2, 1)),
            ),
            (
                format!("\u{FEFF}  <svg\n  {ns}\n  width=\"3\"\n  height=\"4\"\n>"),
                Some((3, 4)),
            ),
            (format!("<svg {ns}/>"), None),
            (format!("<svg {ns} width=\"10cm\" height=\"5cm\">"), None),
            (format!("<svg {ns} width=\"0\" height=\"5\">"), None),
            (format!("<svg {ns} viewBox=\"0 0 -1 5\">"), None),
            (format!("<svg {ns} width=\"10\" height=\"5\""), None),
            (
                "<html><svg width=\"1\" height=\"1\"></svg></html>".to_string(),
                None,
            ),
            (
                "<!-- never closed <svg width=\"1\" height=\"1\">".to_string(),
                None,
            ),
            (String::new(), None),
        ] {
            assert_eq!(svg(&text), size, "{text}");
        }
    }

    #[test]
    fn an_unreadable_svg_says_why() {
        let no_size = svg_dimensions(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap_err();
        assert!(no_size.reason.contains("no viewBox"), "{no_size:?}");
        let not_svg = svg_dimensions(b"<html></html>").unwrap_err();
        assert!(not_svg.reason.contains("not an SVG"), "{not_svg:?}");
    }
}
