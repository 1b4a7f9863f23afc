//! A JPEG's orientation, from its Exif data: a camera held upright stores
//! the picture lying on its side and says so there, and browsers turn it
//! upright to show it, so its width and height trade places.

use std::io::{Read, Seek, SeekFrom};

/// Segments looked through before giving up: the Exif data comes first
/// or nearly, after at most a few others (JFIF, an ICC profile, XMP).
const MAX_SEGMENTS: usize = 32;

/// Whether the JPEG `reader` holds is shown turned a quarter (Exif
/// orientations 5 to 8). No Exif data, or Exif data that cannot be read,
/// is no turn: the size stays as the frame gives it.
pub(super) fn turned_a_quarter<R: Read + Seek>(reader: &mut R) -> bool {
    exif_orientation(reader).is_some_and(|orientation| (5..=8).contains(&orientation))
}

/// The orientation the first `APP1` Exif segment gives, looking no
/// further than the first frame or scan.
fn exif_orientation<R: Read + Seek>(reader: &mut R) -> Option<u16> {
    reader.seek(SeekFrom::Start(2)).ok()?;
    for _ in 0..MAX_SEGMENTS {
        let mut marker = [0; 4];
        reader.read_exact(&mut marker).ok()?;
        let [0xFF, kind, high, low] = marker else {
            return None;
        };
        // A frame (SOF), the scan or the end: the Exif data would be before.
        if matches!(kind, 0xC0..=0xCF | 0xDA | 0xD9) && !matches!(kind, 0xC4 | 0xC8 | 0xCC) {
            return None;
        }
        let length = usize::from(u16::from_be_bytes([high, low])).checked_sub(2)?;
        if kind == 0xE1 {
            let mut segment = vec![0; length];
            reader.read_exact(&mut segment).ok()?;
            if let Some(tiff) = segment.strip_prefix(b"Exif\0\0") {
                return orientation_in_tiff(tiff);
            }
        } else {
            reader.seek(SeekFrom::Current(length as i64)).ok()?;
        }
    }
    None
}

/// The Orientation tag (0x0112) of a TIFF structure's first directory.
fn orientation_in_tiff(tiff: &[u8]) -> Option<u16> {
    let big_endian = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let bytes: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(match big_endian {
            true => u16::from_be_bytes(bytes),
            false => u16::from_le_bytes(bytes),
        })
    };
    let u32_at = |at: usize| {
        let bytes: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(match big_endian {
            true => u32::from_be_bytes(bytes),
            false => u32::from_le_bytes(bytes),
        })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(directory)?;
    (0..usize::from(entries))
        .map(|i| directory + 2 + 12 * i)
        .find(|entry| u16_at(*entry) == Some(0x0112))
        // A SHORT, in the first two bytes of the entry's value.
        .and_then(|entry| u16_at(entry + 8))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A JPEG's start with an Exif segment that gives `orientation`, in
    /// either byte order, before the frame.
    pub(crate) fn exif_jpeg(orientation: u16, big_endian: bool) -> Vec<u8> {
        let u16_bytes = |n: u16| match big_endian {
            true => n.to_be_bytes(),
            false => n.to_le_bytes(),
        };
        let mut tiff = match big_endian {
            true => b"MM".to_vec(),
            false => b"II".to_vec(),
        };
        tiff.extend(u16_bytes(42));
        tiff.extend(match big_endian {
            true => 8u32.to_be_bytes(),
            false => 8u32.to_le_bytes(),
        });
        // Two entries: one that is not the orientation, then the orientation.
        tiff.extend(u16_bytes(2));
        for (tag, value) in [(0x010F, 0), (0x0112, orientation)] {
            tiff.extend(u16_bytes(tag));
            tiff.extend(u16_bytes(3));
            tiff.extend(match big_endian {
                true => 1u32.to_be_bytes(),
                false => 1u32.to_le_bytes(),
            });
            tiff.extend(u16_bytes(value));
            tiff.extend([0, 0]);
        }
        tiff.extend([0; 4]);
        let mut bytes = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xE1".to_vec();
        bytes.extend(u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
        bytes.extend(b"Exif\0\0");
        bytes.extend(tiff);
        bytes.extend(b"\xFF\xC0\0\x11\x08\x03\x20\x04\xB0\x03\x01\x22\0\x02\x11\x01\x03\x11\x01");
        bytes
    }

    #[test]
    fn orientations_five_to_eight_turn_a_quarter_in_either_byte_order() {
        for big_endian in [true, false] {
            for orientation in 1..=8 {
                let jpeg = exif_jpeg(orientation, big_endian);
                let turned = turned_a_quarter(&mut std::io::Cursor::new(&jpeg));
                assert_eq!(turned, orientation >= 5, "{orientation} {big_endian}");
            }
        }
    }

    #[test]
    fn exif_data_that_cannot_be_read_is_no_turn() {
        let whole = exif_jpeg(6, false);
        // Cut before the Exif segment's end (the frame's start), it is not read.
        let frame = memchr::memmem::find(&whole, b"\xFF\xC0").unwrap();
        for end in 0..whole.len() {
            let turned = turned_a_quarter(&mut std::io::Cursor::new(&whole[..end]));
            assert_eq!(turned, end >= frame, "{end}");
        }
        let mut wrong_order = exif_jpeg(6, false);
        let at = memchr::memmem::find(&wrong_order, b"II").unwrap();
        wrong_order[at..at + 2].copy_from_slice(b"XX");
        assert!(!turned_a_quarter(&mut std::io::Cursor::new(&wrong_order)));
        // A frame before any Exif data ends the search.
        let plain = b"\xFF\xD8\xFF\xC0\0\x11\x08\x03\x20\x04\xB0";
        assert!(!turned_a_quarter(&mut std::io::Cursor::new(&plain[..])));
    }
}
