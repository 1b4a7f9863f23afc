//! The width and height of the images of a site, read from each file's
//! header rather than the whole file, so that a page can give them to the
//! browser, which then keeps an image's place before it loads. Raster
//! formats are read by `imagesize` (a JPEG's Exif orientation here, in
//! `exif`); an SVG's size is read here, from the start tag of its root
//! element (`svg`).
//!
//! A build reads each file at most once, however many pages show it, and
//! only when a page does: [`ImageSizes`] keeps the answer.

use std::io::{BufRead, BufReader, Read as _, Seek};
use std::sync::OnceLock;

use crate::content::Asset;
use crate::input::SiteFile;
use crate::path_map::{self, PathMap};

mod exif;
mod svg;

use svg::SVG_HEAD_LIMIT;
pub use svg::svg_dimensions;

/// An image's size in CSS pixels, as `width` and `height` attributes give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// Why an image's size could not be read: the end of a sentence that
/// starts with the image's address, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub reason: String,
    pub hint: &'static str,
}

const NOT_AN_IMAGE_HINT: &str = "use a PNG, JPEG, GIF, WebP, AVIF or SVG file, or link to the file with [text](...) instead of showing it";
const DAMAGED_HINT: &str = "export the image again, or replace the file";

/// The sizes of the files under `content/`, each read on first demand.
pub struct ImageSizes {
    files: PathMap<(SiteFile, OnceLock<Result<Dimensions, Unreadable>>)>,
}

impl ImageSizes {
    /// The files of `assets`, none read yet.
    pub fn new(assets: &[Asset]) -> Self {
        let mut files = path_map::with_capacity(assets.len());
        for asset in assets {
            files.insert(asset.source.clone(), (asset.file.clone(), OnceLock::new()));
        }
        ImageSizes { files }
    }

    /// The size of the file at `source` (its path under `content/`), read
    /// the first time it is asked for; `None` when the site has no such
    /// file. Safe to ask from many threads: a file is read once.
    pub fn of(&self, source: &str) -> Option<&Result<Dimensions, Unreadable>> {
        let (file, size) = self.files.get(source)?;
        Some(size.get_or_init(|| read(file)))
    }
}

/// The size of the image `file`.
pub fn read(file: &SiteFile) -> Result<Dimensions, Unreadable> {
    let opened = file.open().map_err(|error| {
        let reason = match error {
            crate::input::ReadError::Io(error) => format!("cannot be read: {error}"),
            crate::input::ReadError::NotAFile(kind) => format!("is {kind}, not a regular file"),
            crate::input::ReadError::Outside { .. } => {
                "is a symbolic link out of the site's folders".to_string()
            }
        };
        Unreadable {
            reason,
            hint: "replace it with a regular file of the site",
        }
    })?;
    size_of(BufReader::new(opened))
}

/// The size of the image `reader` holds, read from its start.
pub fn size_of<R: BufRead + Seek>(mut reader: R) -> Result<Dimensions, Unreadable> {
    let head = reader.fill_buf().map_err(|error| Unreadable {
        reason: format!("cannot be read: {error}"),
        hint: DAMAGED_HINT,
    })?;
    if !starts_as_markup(head) {
        return raster_size(reader);
    }
    let mut text = Vec::new();
    match reader.take(SVG_HEAD_LIMIT).read_to_end(&mut text) {
        Ok(_) => svg_dimensions(&text),
        Err(error) => Err(Unreadable {
            reason: format!("cannot be read: {error}"),
            hint: DAMAGED_HINT,
        }),
    }
}

/// The size of a PNG, JPEG, GIF, WebP, AVIF, BMP or icon file.
fn raster_size<R: BufRead + Seek>(mut reader: R) -> Result<Dimensions, Unreadable> {
    // Told apart by their first bytes: what no format starts with is not
    // an image; an image whose header then ends or makes no sense is damaged.
    // (The type is read from the reader, which some formats' size reading
    // expects just after the first twelve bytes.)
    let kind = imagesize::reader_type(&mut reader).map_err(|_| not_an_image())?;
    let size = kind.reader_size(&mut reader).map_err(|_| damaged())?;
    let (mut width, mut height) = (size.width, size.height);
    // A BMP stored top row first gives a negative height, which is read
    // as a number near 2^32.
    if kind == imagesize::ImageType::Bmp && height > i32::MAX as usize {
        height = (1usize << 32).saturating_sub(height);
    }
    if kind == imagesize::ImageType::Jpeg && exif::turned_a_quarter(&mut reader) {
        std::mem::swap(&mut width, &mut height);
    }
    dimensions(width as f64, height as f64).ok_or_else(damaged)
}

fn not_an_image() -> Unreadable {
    Unreadable {
        reason: "is not in a format browsers show as an image (PNG, JPEG, GIF, WebP, AVIF, SVG)".to_string(),
        hint: NOT_AN_IMAGE_HINT,
    }
}

fn damaged() -> Unreadable {
    Unreadable {
        reason: "is damaged: its header gives no size".to_string(),
        hint: DAMAGED_HINT,
    }
}

/// Whether `head`, the start of a file, is text that opens with markup
/// (`<svg`, `<?xml`, `<!--`), after a byte order mark and white space.
fn starts_as_markup(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// A size in whole pixels: rounded, at least 1; `None` unless both are
/// positive and finite.
fn dimensions(width: f64, height: f64) -> Option<Dimensions> {
    let pixels = |value: f64| (value.is_finite() && value > 0.0).then(|| value.round().max(1.0) as u32);
    Some(Dimensions {
        width: pixels(width)?,
        height: pixels(height)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first bytes of a PNG of `width` by `height`: enough for its size.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xC0\0\x11\x08".to_vec();
        bytes.extend(height.to_be_bytes());
        bytes.extend(width.to_be_bytes());
        bytes.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        bytes
    }

    fn gif(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = b"GIF89a".to_vec();
        bytes.extend(width.to_le_bytes());
        bytes.extend(height.to_le_bytes());
        bytes.extend([0, 0, 0]);
        bytes
    }

    /// A WebP with an extended header (`VP8X`), which gives the size less one.
    fn webp(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"RIFF\x1e\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        bytes.extend(&(width - 1).to_le_bytes()[..3]);
        bytes.extend(&(height - 1).to_le_bytes()[..3]);
        bytes
    }

    /// An AVIF's boxes down to the one that gives the size (`ispe`).
    fn avif(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\0\0\0\x10ftypavif\0\0\0\0".to_vec();
        bytes.extend(b"\0\0\0\x30meta\0\0\0\0\0\0\0\x24iprp\0\0\0\x1cipco\0\0\0\x14ispe\0\0\0\0");
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes
    }

    fn bmp(width: i32, height: i32) -> Vec<u8> {
        let mut bytes = b"BM".to_vec();
        bytes.extend([0; 16]);
        bytes.extend(width.to_le_bytes());
        bytes.extend(height.to_le_bytes());
        bytes.extend([1, 0, 24, 0]);
        bytes
    }

    /// An icon file with two images, 16 and 256 pixels square (0 is 256).
    fn ico() -> Vec<u8> {
        let mut bytes = vec![0, 0, 1, 0, 2, 0];
        bytes.extend([16, 16].iter().chain(&[0; 14]));
        bytes.extend([0, 0].iter().chain(&[0; 14]));
        bytes
    }

    /// `files` written into a folder, as the site's assets.
    fn assets(files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, Vec<Asset>) {
        let dir = tempfile::tempdir().unwrap();
        let folder: std::sync::Arc<std::path::Path> = dir.path().canonicalize().unwrap().into();
        let assets = files
            .iter()
            .map(|(name, bytes)| {
                let path = folder.join(name);
                std::fs::write(&path, bytes).unwrap();
                Asset {
                    source: name.to_string(),
                    file: SiteFile {
                        path,
                        folder: std::sync::Arc::clone(&folder),
                    },
                }
            })
            .collect();
        (dir, assets)
    }

    #[test]
    fn raster_sizes_come_from_the_header() {
        let mut truncated = png(10, 10);
        truncated.truncate(18);
        let (_dir, files) = assets(&[
            ("a.png", png(640, 480)),
            ("b.jpg", jpeg(1200, 800)),
            ("c.gif", gif(31, 17)),
            ("d.webp", webp(300, 200)),
            ("h.avif", avif(1920, 1080)),
            ("i.bmp", bmp(20, 10)),
            ("j.bmp", bmp(20, -10)),
            ("k.ico", ico()),
            ("l.jpg", exif::tests::exif_jpeg(6, true)),
            ("m.jpg", exif::tests::exif_jpeg(3, false)),
            ("e.png", truncated),
            ("f.png", b"a table of numbers, not an image".to_vec()),
            ("g.png", png(0, 10)),
        ]);
        let sizes = ImageSizes::new(&files);
        let size = |name: &str| sizes.of(name).unwrap().clone().map(|d| (d.width, d.height));
        assert_eq!(size("a.png"), Ok((640, 480)));
        assert_eq!(size("b.jpg"), Ok((1200, 800)));
        assert_eq!(size("c.gif"), Ok((31, 17)));
        assert_eq!(size("d.webp"), Ok((300, 200)));
        assert_eq!(size("h.avif"), Ok((1920, 1080)));
        assert_eq!(size("i.bmp"), Ok((20, 10)));
        assert_eq!(size("j.bmp"), Ok((20, 10)));
        assert_eq!(size("k.ico"), Ok((256, 256)));
        // Taken by a camera held upright: shown turned, 800 wide.
        assert_eq!(size("l.jpg"), Ok((800, 1200)));
        assert_eq!(size("m.jpg"), Ok((1200, 800)));
        assert!(size("e.png").unwrap_err().reason.contains("damaged"));
        assert!(size("f.png").unwrap_err().reason.contains("not in a format"));
        assert!(size("g.png").unwrap_err().reason.contains("damaged"));
        assert!(sizes.of("missing.png").is_none());
    }

    #[test]
    fn a_file_is_read_once_however_often_it_is_asked_for() {
        let (dir, files) = assets(&[("a.png", png(4, 3))]);
        let sizes = ImageSizes::new(&files);
        assert_eq!(sizes.of("a.png").unwrap().clone().map(|d| d.width), Ok(4));
        std::fs::write(dir.path().join("a.png"), png(8, 6)).unwrap();
        assert_eq!(sizes.of("a.png").unwrap().clone().map(|d| d.width), Ok(4));
        assert_eq!(
            ImageSizes::new(&files)
                .of("a.png")
                .unwrap()
                .clone()
                .map(|d| d.width),
            Ok(8)
        );
    }

    proptest::proptest! {
        /// Whatever follows a format's first bytes, the answer is a size
        /// of at least a pixel or a reason, never a panic.
        #[test]
        fn any_bytes_give_a_size_or_a_reason(
            start in 0usize..10,
            tail in proptest::collection::vec(proptest::num::u8::ANY, 0..160),
        ) {
            let starts: [&[u8]; 10] = [
                b"\x89PNG\r\n\x1a\n",
                b"\xFF\xD8\xFF",
                b"GIF89a",
                b"RIFF\0\0\0\0WEBPVP8",
                b"\0\0\0\x10ftypavif",
                b"BM",
                b"\0\0\x01\0",
                b"\xFF\x0A",
                b"<svg ",
                b"",
            ];
            let mut bytes = starts[start].to_vec();
            bytes.extend(tail);
            if let Ok(size) = size_of(std::io::Cursor::new(&bytes)) {
                proptest::prop_assert!(size.width >= 1 && size.height >= 1);
            }
        }
    }

    #[test]
    fn markup_is_told_from_binary_formats_by_its_first_character() {
        assert!(starts_as_markup(b"<svg"));
        assert!(starts_as_markup(b"\xEF\xBB\xBF\n <?xml"));
        assert!(!starts_as_markup(b"\x89PNG\r\n"));
        assert!(!starts_as_markup(b""));
    }
}
