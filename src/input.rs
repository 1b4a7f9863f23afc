//! Every file the tool reads is opened here, the same way: without
//! blocking, so a named pipe or a device never hangs a build; only when it
//! is a regular file; and, where the path may pass through symbolic links,
//! only once its real place is known to lie inside the folder it must stay
//! in. Text is decoded here too: UTF-8, without a byte order mark, and
//! with no character that a web page or a feed may not hold.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};

use crate::error::{Location, Problem, escape_control};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// It exists but is not a regular file: what it is instead.
    NotAFile(&'static str),
    /// Its real place (symbolic links followed) is `target`, outside `boundary`.
    Outside {
        target: PathBuf,
        boundary: PathBuf,
    },
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        ReadError::Io(error)
    }
}

impl From<rustix::io::Errno> for ReadError {
    fn from(error: rustix::io::Errno) -> Self {
        ReadError::Io(error.into())
    }
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// The problem as messages show it: `path` is the file as the editor
    /// knows it; `what` says what it is (`"the file"`, `"the template"`).
    pub fn problem(&self, path: &Path, what: &str) -> Problem {
        let at = Location::file(path);
        match self {
            ReadError::Io(error) => {
                let problem = Problem::new(at, format!("cannot read {what}: {error}"));
                match crate::error::io_hint(error) {
                    Some(hint) => problem.hint(hint),
                    None => problem,
                }
            }
            ReadError::NotAFile(kind) => Problem::new(at, format!("{what} is {kind}, not a regular file"))
                .hint("replace it with a regular file, or remove it"),
            ReadError::Outside { target, .. } => Problem::new(
                at,
                format!(
                    "{what} is a symbolic link out of the site's folders, to {}",
                    escape_control(&target.display().to_string())
                ),
            )
            .hint("explainer reads only the site's own files: copy the file in instead of linking to it"),
        }
    }
}

/// What a file system entry is, in words, for messages.
pub fn kind_name(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_file() {
        "a regular file"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "of an unknown kind"
    }
}

const READ_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC)
    .union(OFlags::NOCTTY);

// Every file the tool reads is opened by one of the two functions below:
// without waiting on a writer (a named pipe) or a device, only if it is a
// regular file, and only if it lies inside the folder it belongs to.

/// Opens `relative` for reading, inside the open folder `at`, whose real
/// path is `at_real`, only if the file lies inside it: a link on the way is
/// followed only while it stays inside (the kernel sees to it, with
/// `openat2`'s `RESOLVE_BENEATH`; where that is missing, or for a link
/// written as an absolute path, the real place of the file opened is
/// checked after), and a link as its last part is refused. So a folder
/// swapped for a link after the walk listed it cannot lead outside.
pub fn open_at(at: &rustix::fd::OwnedFd, at_real: &Path, relative: &str) -> Result<std::fs::File, ReadError> {
    use rustix::fs::ResolveFlags;
    use rustix::io::Errno;
    let flags = READ_FLAGS | OFlags::NOFOLLOW;
    let beneath = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    let fd = match rustix::fs::openat2(at, relative, flags, Mode::empty(), beneath) {
        Ok(fd) => fd,
        Err(Errno::NOSYS | Errno::PERM | Errno::INVAL | Errno::XDEV | Errno::AGAIN) => {
            let fd = rustix::fs::openat(at, relative, flags, Mode::empty()).map_err(link_refused)?;
            check_opened(&fd, at_real)?;
            fd
        }
        Err(e) => return Err(link_refused(e)),
    };
    regular(fd)
}

/// A link as the last part of a path opened without following it.
fn link_refused(error: rustix::io::Errno) -> ReadError {
    match error {
        rustix::io::Errno::LOOP => ReadError::NotAFile("a symbolic link"),
        e => e.into(),
    }
}

/// Checks that the file `fd` is open on lies inside `boundary`, from the
/// system's own record of it (`/proc/self/fd`), whatever the path that
/// led to it; without that record, nothing more can be known.
fn check_opened(fd: &rustix::fd::OwnedFd, boundary: &Path) -> Result<(), ReadError> {
    use rustix::fd::AsRawFd as _;
    match std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())) {
        Ok(target) if !target.starts_with(boundary) => Err(ReadError::Outside {
            target,
            boundary: boundary.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

fn regular(fd: rustix::fd::OwnedFd) -> Result<std::fs::File, ReadError> {
    let file = std::fs::File::from(fd);
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotAFile(kind_name(kind)));
    }
    Ok(file)
}

/// The real place of `path`, symbolic links followed, if it lies inside
/// `boundary` (itself a real path, see [`real_path`]).
pub fn resolve_inside(path: &Path, boundary: &Path) -> Result<PathBuf, ReadError> {
    let target = path.canonicalize()?;
    if target.starts_with(boundary) {
        Ok(target)
    } else {
        Err(ReadError::Outside {
            target,
            boundary: boundary.to_path_buf(),
        })
    }
}

/// Opens `path` for reading once its real place is known to be inside
/// `boundary`; nothing is opened before that check.
pub fn open_inside(path: &Path, boundary: &Path) -> Result<std::fs::File, ReadError> {
    let target = resolve_inside(path, boundary)?;
    // The real path has no link as its last part; one put there since is
    // refused, and a folder on the way swapped for a link is found after.
    let fd = rustix::fs::open(&target, READ_FLAGS | OFlags::NOFOLLOW, Mode::empty()).map_err(link_refused)?;
    check_opened(&fd, boundary)?;
    regular(fd)
}

/// A file of the site, and the folder (a real path) its real place must
/// lie in: the file is opened only there (see [`open_inside`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteFile {
    pub path: PathBuf,
    pub folder: std::sync::Arc<Path>,
}

impl SiteFile {
    pub fn open(&self) -> Result<std::fs::File, ReadError> {
        open_inside(&self.path, &self.folder)
    }
}

/// Everything in `file`, from where it is.
pub fn read_all(file: std::fs::File) -> Result<Vec<u8>, ReadError> {
    // Room for a usual page; `read_to_end` grows it for a longer one.
    // Through `take`, which does not ask the file for its size first, as
    // `File::read_to_end` does: one system call less per file.
    let mut bytes = Vec::with_capacity(16 * 1024);
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Decodes the bytes of `file` (named in messages as `path`): not UTF-8
/// is an error at the first bad byte; a byte order mark is dropped; a
/// character that HTML and XML do not allow is an error at its place.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Problem> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Err(Problem::new(
                Location::at_offset(path, &lossy, valid),
                "the file is not valid UTF-8",
            )
            .hint("save the file as UTF-8 (the position is the first byte that is not)"));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if may_hold_forbidden(text.as_bytes())
        && let Some((at, c)) = text.char_indices().find(|(_, c)| is_forbidden(*c))
    {
        let more = text[at..].chars().filter(|c| is_forbidden(*c)).count() - 1;
        let more = match more {
            0 => String::new(),
            1 => " (and 1 more after it)".to_string(),
            n => format!(" (and {n} more after it)"),
        };
        return Err(Problem::new(
            Location::at_offset(path, &text, at),
            format!(
                "{} is not allowed in a web page or a feed{more}",
                describe_char(c)
            ),
        )
        .hint("delete it: such characters are invisible and often come with text copied from a PDF"));
    }
    Ok(text)
}

/// A character that HTML (a parse error) or XML 1.0 (not well-formed)
/// does not allow: the control characters but tab, line feed and carriage
/// return, and the Unicode noncharacters.
pub fn is_forbidden(c: char) -> bool {
    let code = c as u32;
    (code < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&code)
        || (0xfdd0..=0xfdef).contains(&code)
        || code & 0xfffe == 0xfffe
}

/// Whether `bytes` may hold a character of [`is_forbidden`]: a quick test
/// of each byte, so that text without any is not decoded character by
/// character (most text has none).
fn may_hold_forbidden(bytes: &[u8]) -> bool {
    // Chunks without an early exit, so the loop is vectorised.
    bytes.chunks(64).any(|chunk| {
        chunk.iter().fold(false, |seen, &b| {
            seen | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                | (b == 0x7f)
                // U+0080..U+00BF (C1 controls among them), U+F000..U+FFFF
                // and beyond (noncharacters among them).
                | (b == 0xc2)
                | (b >= 0xef)
        })
    })
}

/// Whether `text` holds a character of [`is_forbidden`].
pub fn has_forbidden(text: &str) -> bool {
    may_hold_forbidden(text.as_bytes()) && text.chars().any(is_forbidden)
}

/// `text` without the characters of [`is_forbidden`].
pub fn without_forbidden(text: &str) -> String {
    text.chars().filter(|c| !is_forbidden(*c)).collect()
}

/// `text`, from a value the input wrote with escapes (`\f` in TOML,
/// `\u0000` in JSON), without the characters of [`is_forbidden`]: no more
/// allowed in a page than the raw characters are (see [`decode`]), and the
/// engine's own markers are among them, so input can never forge one.
pub fn clean(text: String) -> String {
    if has_forbidden(&text) {
        without_forbidden(&text)
    } else {
        text
    }
}

/// `U+000C (form feed)`, as messages name a character.
fn describe_char(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\u{7}' => " (bell)",
        '\u{8}' => " (backspace)",
        '\u{b}' => " (vertical tab)",
        '\u{c}' => " (form feed)",
        '\u{1b}' => " (escape)",
        '\u{7f}' => " (delete)",
        '\u{80}'..='\u{9f}' => " (a C1 control character)",
        '\u{fdd0}'..='\u{fdef}' => " (a Unicode noncharacter)",
        _ if (c as u32) & 0xfffe == 0xfffe => " (a Unicode noncharacter)",
        _ => " (a control character)",
    };
    format!("the character U+{:04X}{name}", c as u32)
}

/// Why a source's text could not be had.
#[derive(Debug)]
pub struct Unread {
    /// There is no such file: the caller says what that means.
    pub missing: bool,
    pub problem: Problem,
}

/// The text of the source file `path` (which lies inside `boundary`),
/// read the one way every source is: opened as [`open_inside`] opens,
/// read whole, decoded by [`decode`]. `what` names it in messages ("the
/// template").
pub fn read_source(path: &Path, boundary: &Path, what: &str) -> Result<String, Unread> {
    text_of(path, open_inside(path, boundary), what)
}

/// [`read_source`] of a file already opened (or not) another way.
pub fn text_of(path: &Path, opened: Result<std::fs::File, ReadError>, what: &str) -> Result<String, Unread> {
    let bytes = opened.and_then(read_all).map_err(|e| Unread {
        missing: e.is_not_found(),
        problem: e.problem(path, what),
    })?;
    decode(path, bytes).map_err(|problem| Unread {
        missing: false,
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::real_path;

    #[test]
    fn forbidden_characters_are_the_controls_and_noncharacters() {
        for c in [
            '\0',
            '\u{7}',
            '\u{8}',
            '\u{b}',
            '\u{c}',
            '\u{1b}',
            '\u{1f}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(is_forbidden(c), "{:X}", c as u32);
        }
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'a',
            '\u{a0}',
            '\u{a9}',
            '\u{fdcf}',
            '\u{fdf0}',
            '\u{fffd}',
            '\u{1f600}',
            '\u{e000}',
            'é',
        ] {
            assert!(!is_forbidden(c), "{:X}", c as u32);
        }
    }

    #[test]
    fn the_quick_test_never_misses_a_forbidden_character() {
        for code in (0..0x11_0000).step_by(1) {
            let Some(c) = char::from_u32(code) else { continue };
            if is_forbidden(c) {
                let text = format!("{}{c}", "x".repeat((code % 130) as usize));
                assert!(may_hold_forbidden(text.as_bytes()), "{code:X}");
            }
        }
        assert!(!may_hold_forbidden("plain text, é and ü\n\ttab".as_bytes()));
    }

    #[test]
    fn a_forbidden_character_is_an_error_at_its_place() {
        let bytes = "\u{feff}a\nb\u{c}c\0d".as_bytes().to_vec();
        let problem = decode(Path::new("x.md"), bytes).unwrap_err();
        assert_eq!(
            problem.to_string().lines().next().unwrap(),
            "x.md:2:2: the character U+000C (form feed) is not allowed in a web page or a feed (and 1 more after it)"
        );
        assert_eq!(
            decode(Path::new("x.md"), "\u{feff}a\r\n\tb".into()).unwrap(),
            "a\r\n\tb"
        );
    }

    #[test]
    fn a_named_pipe_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let boundary = real_path(dir.path());
        match open_inside(&fifo, &boundary) {
            Err(ReadError::NotAFile(kind)) => assert_eq!(kind, "a named pipe (FIFO)"),
            other => panic!("{other:?}"),
        }
        let at = rustix::fs::open(dir.path(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        assert!(matches!(
            open_at(&at, &real_path(dir.path()), "pipe"),
            Err(ReadError::NotAFile(_))
        ));
        assert!(matches!(
            open_inside(dir.path(), &boundary),
            Err(ReadError::NotAFile("a folder"))
        ));
    }

    #[test]
    fn a_folder_swapped_for_a_link_cannot_lead_outside() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("content");
        std::fs::create_dir_all(site.join("notes")).unwrap();
        std::fs::create_dir_all(dir.path().join("secret")).unwrap();
        std::fs::write(site.join("notes/first.md"), "mine").unwrap();
        std::fs::write(dir.path().join("secret/first.md"), "secret").unwrap();
        std::os::unix::fs::symlink("notes", site.join("again")).unwrap();
        std::os::unix::fs::symlink(site.join("notes"), site.join("absolute")).unwrap();
        let at = rustix::fs::open(&site, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let real = real_path(&site);
        for inside in ["notes/first.md", "again/first.md", "absolute/first.md"] {
            let bytes = read_all(open_at(&at, &real, inside).unwrap()).unwrap();
            assert_eq!(bytes, b"mine", "{inside}");
        }
        // The walk listed notes/; then it is swapped for a link out.
        std::fs::rename(site.join("notes"), dir.path().join("moved")).unwrap();
        for target in [Path::new("../secret").to_path_buf(), dir.path().join("secret")] {
            let _ = std::fs::remove_file(site.join("notes"));
            std::os::unix::fs::symlink(&target, site.join("notes")).unwrap();
            match open_at(&at, &real, "notes/first.md") {
                Err(ReadError::Outside { .. }) => {}
                other => panic!("{target:?}: {other:?}"),
            }
            match open_inside(&site.join("notes/first.md"), &real) {
                Err(ReadError::Outside { .. }) => {}
                other => panic!("{target:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_link_out_of_the_boundary_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("site");
        std::fs::create_dir(&inside).unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        std::fs::write(inside.join("own"), "o").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), inside.join("out")).unwrap();
        std::os::unix::fs::symlink("own", inside.join("in")).unwrap();
        let boundary = real_path(&inside);
        assert!(matches!(
            open_inside(&inside.join("out"), &boundary),
            Err(ReadError::Outside { .. })
        ));
        let bytes = read_all(open_inside(&inside.join("in"), &boundary).unwrap()).unwrap();
        assert_eq!(bytes, b"o");
    }
}
