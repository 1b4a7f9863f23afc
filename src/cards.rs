//! Share cards: the image a link to a page shows where it is shared (Open
//! Graph, Twitter), drawn at build time from the SVG the theme's card
//! template makes.
//!
//! Text is drawn with the DejaVu fonts compiled into the program and no
//! other: no font of the machine is ever read, so a card is the same
//! image on every machine, and a build gives the same bytes every time.
//! The fonts are parsed once a process; cards are drawn in parallel.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// The size every card is drawn at, in pixels: what Open Graph and Twitter
/// show best ("summary_large_image").
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// The name of each page's card, beside its `index.html`.
pub const FILE: &str = "card.png";

/// The family of the fonts a card can use; every other family name, and
/// the generic ones (`sans-serif`, `serif`, `monospace`), draw with it too.
pub const FAMILY: &str = "DejaVu Sans";

/// How the title is wrapped for the template (`lines`): as many words a
/// line as fit `TITLE_WIDTH` pixels in DejaVu Sans Bold at `TITLE_SIZE`
/// pixels, at most `TITLE_LINES` lines, the last shortened with "…" when
/// the title needs more. The built-in card template draws them so.
pub const TITLE_WIDTH: f32 = 1040.0;
pub const TITLE_SIZE: f32 = 64.0;
pub const TITLE_LINES: usize = 4;

/// The bold font's advance widths, to measure a line of the title.
struct Advances {
    /// Advance of each character below U+0250 (Latin and its accents), in
    /// em; others are looked up in the font.
    latin: Vec<f32>,
    font: skrifa::FontRef<'static>,
    /// The advance of a character the font lacks, in em.
    missing: f32,
}

fn advances() -> &'static Advances {
    static ADVANCES: OnceLock<Advances> = OnceLock::new();
    ADVANCES.get_or_init(|| {
        // The font is compiled in: it parses, or the program is broken.
        let font = skrifa::FontRef::new(dejavu::sans::bold()).expect("DejaVu Sans Bold parses");
        let mut advances = Advances {
            latin: Vec::new(),
            font,
            missing: 0.6,
        };
        advances.latin = (0..0x250u32)
            .map(|c| char::from_u32(c).map_or(0.0, |c| advances.lookup(c)))
            .collect();
        advances
    })
}

impl Advances {
    fn lookup(&self, c: char) -> f32 {
        let per_em = Size::new(1.0);
        let metrics = self.font.glyph_metrics(per_em, LocationRef::default());
        self.font
            .charmap()
            .map(c)
            .and_then(|glyph| metrics.advance_width(glyph))
            .unwrap_or(self.missing)
    }

    fn of(&self, c: char) -> f32 {
        match self.latin.get(c as usize) {
            Some(&advance) => advance,
            None => self.lookup(c),
        }
    }
}

/// The width of `text` in DejaVu Sans Bold at `TITLE_SIZE`, in pixels,
/// without kerning (which only narrows it).
pub fn title_width(text: &str) -> f32 {
    let advances = advances();
    text.chars().map(|c| advances.of(c)).sum::<f32>() * TITLE_SIZE
}

/// `title` wrapped as the card template gets it (see [`TITLE_WIDTH`]).
pub fn title_lines(title: &str) -> Vec<String> {
    wrap(title, TITLE_WIDTH, TITLE_LINES, title_width)
}

/// `text` in lines of words no wider than `width` by `measure`, at most
/// `max_lines`; a word wider than a line alone is cut where the line is
/// full, and the last line kept ends with "…" when text is left over.
pub fn wrap(text: &str, width: f32, max_lines: usize, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = match line.is_empty() {
            true => word.to_string(),
            false => format!("{line} {word}"),
        };
        if measure(&joined) <= width {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if measure(&line) > width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = with_ellipsis(last, width, &measure);
        }
    }
    lines
}

/// `line` with "…" after it, shortened until both fit `width`, and never
/// ending in a space or a mark of punctuation before the "…".
fn with_ellipsis(line: &str, width: f32, measure: impl Fn(&str) -> f32) -> String {
    let mut kept = line.to_string();
    loop {
        let trimmed = kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:.–—-".contains(c));
        let candidate = format!("{trimmed}…");
        if measure(&candidate) <= width || trimmed.is_empty() {
            return candidate;
        }
        kept = trimmed.to_string();
        kept.pop();
    }
}

/// The fonts cards are drawn with: DejaVu Sans, regular and bold, parsed
/// once a process and shared by every card.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut fonts = fontdb::Database::new();
        for bytes in [dejavu::sans::regular(), dejavu::sans::bold()] {
            fonts.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
        fonts.set_sans_serif_family(FAMILY);
        fonts.set_serif_family(FAMILY);
        fonts.set_monospace_family(FAMILY);
        fonts.set_cursive_family(FAMILY);
        fonts.set_fantasy_family(FAMILY);
        Arc::new(fonts)
    });
    Arc::clone(fonts)
}

/// How SVG is read for a card: the compiled-in fonts, and no file: an
/// `<image>` may embed its picture (`data:`), but one that names a file
/// or an address is left out, so a card's bytes depend on its SVG alone.
fn options() -> usvg::Options<'static> {
    let mut options = usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    options
}

/// `svg` drawn as a `WIDTH` x `HEIGHT` PNG: scaled to fill it, whatever
/// size the drawing gives itself. The error says what is wrong with
/// the SVG.
pub fn rasterise(svg: &str) -> Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, &options()).map_err(|e| e.to_string())?;
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT).ok_or("the card has no size")?;
    let size = tree.size();
    let scale = Transform::from_scale(WIDTH as f32 / size.width(), HEIGHT as f32 / size.height());
    resvg::render(&tree, scale, &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| e.to_string())
}

/// `pixmap` as PNG: 8-bit RGB when it is opaque all over (a card, as a
/// rule; RGBA otherwise), each row stored as its differences from the
/// pixel to the left ("Sub"), which turns a card's long runs of one
/// colour into runs of zeros.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let data = pixmap.data();
    let opaque = data.chunks_exact(4).all(|p| p[3] == u8::MAX);
    let (colour, bytes) = match opaque {
        // Premultiplied colours are the colours themselves at full alpha.
        true => {
            let mut rgb = Vec::with_capacity(data.len() / 4 * 3);
            for p in data.chunks_exact(4) {
                rgb.extend_from_slice(&p[..3]);
            }
            (png::ColorType::Rgb, rgb)
        }
        false => (png::ColorType::Rgba, pixmap.clone().take_demultiplied()),
    };
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    encoder.set_filter(png::Filter::Sub);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&bytes)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pixel a character.
    fn chars(text: &str) -> f32 {
        text.chars().count() as f32
    }

    #[test]
    fn wraps_words_greedily() {
        let lines = wrap("the tide turns twice a day", 10.0, 4, chars);
        assert_eq!(lines, ["the tide", "turns", "twice a", "day"]);
    }

    #[test]
    fn too_many_lines_end_with_an_ellipsis_that_fits() {
        let lines = wrap("one two three four five six seven", 9.0, 2, chars);
        assert_eq!(lines, ["one two", "three…"]);
        let lines = wrap("alpha beta gamma, delta epsilon", 11.0, 2, chars);
        assert_eq!(lines, ["alpha beta", "gamma…"]);
        for line in wrap("a b c d e f g h i j k l m n o p", 5.0, 3, chars) {
            assert!(chars(&line) <= 5.0, "{line}");
        }
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut() {
        let lines = wrap("Donaudampfschifffahrt ok", 8.0, 4, chars);
        assert_eq!(lines, ["Donaudam", "pfschiff", "fahrt ok"]);
    }

    #[test]
    fn nothing_to_wrap() {
        assert!(wrap("  ", 10.0, 3, chars).is_empty());
    }

    #[test]
    fn bold_capitals_are_wider_than_small_letters() {
        assert!(title_width("WWWW") > title_width("iiii") * 2.0);
        let lines = title_lines(
            "Why the moon pulls the sea twice a day, and why the second tide is not the smaller one",
        );
        assert!(lines.len() > 1 && lines.len() <= TITLE_LINES, "{lines:?}");
        assert!(lines.iter().all(|l| title_width(l) <= TITLE_WIDTH), "{lines:?}");
    }

    #[test]
    fn draws_a_card_of_the_size_and_the_same_bytes_twice() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="315"><rect width="600" height="315" fill="#fbfaf7"/><text x="40" y="100" font-family="serif" font-size="40">Tides</text><image href="/etc/hostname" width="10" height="10"/></svg>"##;
        let png = rasterise(svg).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
        assert_eq!(rasterise(svg).unwrap(), png);
        assert!(rasterise("<svg").is_err());
    }

    fn text_card(family: &str, text: &str, extra: &str) -> Vec<u8> {
        rasterise(&format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><text x="80" y="300" font-family="{family}" font-size="64">{text}</text>{extra}</svg>"##
        ))
        .unwrap()
    }

    #[test]
    fn only_the_compiled_in_fonts_draw_and_no_file_is_read() {
        let dejavu = text_card("DejaVu Sans", "Tides", "");
        assert!(text_card("Arial", "Tides", "") == dejavu, "another font drew");
        assert!(text_card("serif", "Tides", "") == dejavu, "another font drew");
        assert!(text_card("DejaVu Sans", "Tide", "") != dejavu);
        let image = r#"<image href="/etc/hostname" width="100" height="100"/>"#;
        assert!(
            text_card("DejaVu Sans", "Tides", image) == dejavu,
            "an image file was read"
        );
        // A character the fonts lack is drawn as the font's empty box.
        assert!(text_card("DejaVu Sans", "Tides 潮", "") != dejavu);
    }
}
