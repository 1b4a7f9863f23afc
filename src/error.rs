//! One error type for the whole engine.
//!
//! Every error that comes from the editor's input carries the file it was
//! found in and, where the parser tells us, the line and column, so the
//! message reads `path:line:col: message` followed by the offending line, a
//! caret and a hint that says what to do about it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Where in the editor's files a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column in characters, when known.
    pub column: Option<u32>,
    /// The text of the line, to print under the message with a caret.
    pub line_text: Option<LineText>,
}

/// A line as a message shows it: of a long line, only the part around the
/// column a message can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineText {
    pub text: Box<str>,
    /// The characters of the line before `text`.
    pub from: u32,
}

impl Location {
    /// A whole file, with no position inside it.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
            line_text: None,
        }
    }

    /// The position of byte `offset` of `text`, the contents of `path`.
    pub fn at_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let bytes = text.as_bytes();
        let line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &bytes[offset..]).map_or(text.len(), |i| offset + i);
        // Counted by bytes, quickly: a file may hold thousands of problems
        // on one long line.
        let line = memchr::memchr_iter(b'\n', &bytes[..line_start]).count() + 1;
        let column = chars_in(&text[line_start..offset]);
        // What a message can show of the line: a window around the column,
        // a character wider each side than it shows, so that it still
        // sees where the line goes on.
        let from = back_chars(text, offset, EXCERPT + 1).max(line_start);
        let to = forward_chars(text, offset, EXCERPT + 1).min(line_end);
        let line_text = LineText {
            text: text[from..to].trim_end_matches('\r').into(),
            from: u32::try_from(chars_in(&text[line_start..from])).unwrap_or(u32::MAX),
        };
        Location {
            path: path.into(),
            line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
            column: Some(u32::try_from(column + 1).unwrap_or(u32::MAX)),
            line_text: Some(line_text),
        }
    }

    /// The start of 1-based `line` of `text`, the contents of `path`.
    pub fn at_line(path: impl Into<PathBuf>, text: &str, line: usize) -> Self {
        let offset = line_offset(text, line);
        Self::at_offset(path, text, offset)
    }

    /// 1-based `line` and `column` (in characters) of `text`.
    pub fn at_line_column(path: impl Into<PathBuf>, text: &str, line: usize, column: usize) -> Self {
        let start = line_offset(text, line);
        let offset = text[start..]
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .nth(column.saturating_sub(1))
            .map_or_else(
                || start + text[start..].find('\n').unwrap_or(text.len() - start),
                |(i, _)| start + i,
            );
        Self::at_offset(path, text, offset)
    }
}

/// The characters of `text`, counted by bytes (all but UTF-8's
/// continuation bytes), which the compiler vectorises.
fn chars_in(text: &str) -> usize {
    let starts = |bytes: &[u8]| bytes.iter().map(|b| u8::from(b & 0xc0 != 0x80)).sum::<u8>();
    let chunks = text.as_bytes().chunks_exact(64);
    let rest = usize::from(starts(chunks.remainder()));
    chunks.map(|chunk| usize::from(starts(chunk))).sum::<usize>() + rest
}

/// The byte offset `count` characters before `offset` in `text` (or 0).
fn back_chars(text: &str, offset: usize, count: usize) -> usize {
    text[..offset]
        .char_indices()
        .rev()
        .nth(count.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte offset `count` characters after `offset` in `text` (or its end).
fn forward_chars(text: &str, offset: usize, count: usize) -> usize {
    text[offset..]
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| offset + i)
}

/// Byte offset where 1-based `line` starts (the end of the text if it has fewer lines).
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escape_control(&self.path.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// A problem in the editor's input: where, what, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(at: Location, message: impl Into<String>) -> Self {
        Problem {
            at,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, escape_control(&self.message))?;
        if let (Some(line), Some(text)) = (self.at.line, &self.at.line_text) {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let column = self
                .at
                .column
                .map(|c| (c as usize).saturating_sub(1 + text.from as usize));
            let (shown, caret) = line_excerpt(&text.text.replace('\t', " "), column.unwrap_or(0));
            write!(f, "\n{pad} |\n{number} | {shown}")?;
            if column.is_some() {
                write!(f, "\n{pad} | {}^", " ".repeat(caret))?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {}", escape_control(hint))?;
        }
        Ok(())
    }
}

/// The characters of a long line shown around the column; more would only
/// push the caret off the screen.
const EXCERPT: usize = 160;

/// `line` as a message shows it, control characters escaped and a long
/// line cut to [`EXCERPT`] characters around `column` (0-based, in
/// characters), with `…` where it was cut; and where the caret goes.
fn line_excerpt(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let (start, end) = if chars.len() <= EXCERPT {
        (0, chars.len())
    } else {
        let start = column.saturating_sub(EXCERPT / 2).min(chars.len() - EXCERPT);
        (start, start + EXCERPT)
    };
    let cut = |part: &[char]| escape_control(&part.iter().collect::<String>());
    let before = format!(
        "{}{}",
        if start > 0 { "…" } else { "" },
        cut(&chars[start..column.clamp(start, end)])
    );
    // The caret goes under the column's character; escaped control
    // characters before it are wider than one column.
    let caret = before.chars().count();
    let shown = format!(
        "{before}{}{}",
        cut(&chars[column.clamp(start, end)..end]),
        if end < chars.len() { "…" } else { "" }
    );
    (shown, caret)
}

/// What a problem concerns, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The command line asks for something that cannot be done (exit code 2).
    Usage,
    /// Reading or writing a file failed.
    Io,
    /// `content/site.toml` is missing or wrong.
    Config,
    /// A page's front matter is missing or wrong.
    FrontMatter,
    /// A content file cannot be used: not UTF-8, a bad slug, a clash of output paths.
    Content,
    /// A link in Markdown points at nothing.
    Link,
    /// A problem of form in Markdown: an image without alt text, a skipped
    /// heading level, a link without text, an empty heading, a duplicate id.
    Lint,
    /// A template cannot be parsed or rendered.
    Template,
    /// The output folder cannot be written.
    Output,
}

/// Everything that can go wrong in a build: a [`Problem`] (where, what,
/// what to do), and what it concerns. It prints as its problem does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: Kind,
    pub problem: Problem,
}

impl Error {
    pub fn new(kind: Kind, problem: Problem) -> Self {
        Error { kind, problem }
    }

    pub fn usage(problem: Problem) -> Self {
        Error::new(Kind::Usage, problem)
    }

    pub fn config(problem: Problem) -> Self {
        Error::new(Kind::Config, problem)
    }

    pub fn front_matter(problem: Problem) -> Self {
        Error::new(Kind::FrontMatter, problem)
    }

    pub fn content(problem: Problem) -> Self {
        Error::new(Kind::Content, problem)
    }

    pub fn link(problem: Problem) -> Self {
        Error::new(Kind::Link, problem)
    }

    pub fn lint(problem: Problem) -> Self {
        Error::new(Kind::Lint, problem)
    }

    pub fn template(problem: Problem) -> Self {
        Error::new(Kind::Template, problem)
    }

    pub fn output(problem: Problem) -> Self {
        Error::new(Kind::Output, problem)
    }

    /// Reading or writing `path` failed: "cannot `action`", the system's
    /// reason, and what to do when its kind says.
    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Self {
        let problem = Problem::new(Location::file(path), format!("cannot {action}: {source}"));
        let problem = match io_hint(&source) {
            Some(hint) => problem.hint(hint),
            None => problem,
        };
        Error::new(Kind::Io, problem)
    }

    /// The process exit code this error maps to: 2 for usage, 1 for the rest.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Usage => 2,
            _ => 1,
        }
    }

    /// The place the error points at.
    pub fn location(&self) -> &Location {
        &self.problem.at
    }

    fn sort_key(&self) -> (PathBuf, u32, u32, String) {
        let at = self.location();
        (
            at.path.clone(),
            at.line.unwrap_or(0),
            at.column.unwrap_or(0),
            self.to_string(),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for Error {}

/// All the errors of one build, sorted by file and position.
#[derive(Debug)]
pub struct Errors(Vec<Error>);

/// A file's problems are reported this many at most: past them, a
/// message says how many more there are.
pub const MAX_PER_FILE: usize = 100;

/// `errors` (sorted by file) with at most [`MAX_PER_FILE`] for each file,
/// and for a file that has more, one that counts the rest.
fn at_most_per_file(errors: Vec<Error>) -> Vec<Error> {
    let mut kept: Vec<Error> = Vec::with_capacity(errors.len().min(4 * MAX_PER_FILE));
    let mut run = 0;
    let mut left_out = 0;
    let mut last: Option<(PathBuf, Kind)> = None;
    let flush = |kept: &mut Vec<Error>, last: &Option<(PathBuf, Kind)>, left_out: usize| {
        if let (Some((path, kind)), true) = (last, left_out > 0) {
            let problem = Problem::new(
                Location::file(path),
                format!("{left_out} more problems in this file, not shown"),
            )
            .hint("fix the ones above, then build again");
            kept.push(Error::new(*kind, problem));
        }
    };
    for error in errors {
        let path = &error.location().path;
        if last.as_ref().is_none_or(|(p, _)| p != path) {
            flush(&mut kept, &last, left_out);
            last = Some((path.clone(), error.kind));
            (run, left_out) = (0, 0);
        }
        run += 1;
        match run <= MAX_PER_FILE {
            true => kept.push(error),
            false => left_out += 1,
        }
    }
    flush(&mut kept, &last, left_out);
    kept
}

impl Errors {
    pub fn new(mut errors: Vec<Error>) -> Self {
        errors.sort_by_cached_key(Error::sort_key);
        errors.dedup_by(|a, b| a.to_string() == b.to_string());
        Errors(at_most_per_file(errors))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Error> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// 2 when any error is a usage error, else 1.
    pub fn exit_code(&self) -> u8 {
        self.0.iter().map(Error::exit_code).max().unwrap_or(1)
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Errors(vec![error])
    }
}

impl From<Vec<Error>> for Errors {
    fn from(errors: Vec<Error>) -> Self {
        Errors::new(errors)
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "error: {error}")?;
        }
        Ok(())
    }
}

/// What to do about a file operation that failed the way `error` did, when
/// its kind says.
pub fn io_hint(error: &io::Error) -> Option<&'static str> {
    use io::ErrorKind;
    Some(match error.kind() {
        ErrorKind::PermissionDenied => {
            "check the permissions of the file and of the folders above it (`ls -l`, `chmod u+rw`)"
        }
        ErrorKind::InvalidFilename => {
            "the path is longer than the system allows: use shorter folder and file names"
        }
        ErrorKind::StorageFull => "free some disk space",
        ErrorKind::ReadOnlyFilesystem => "the disk is mounted read-only: choose a folder on another one",
        ErrorKind::NotADirectory => "a part of the path is a file where a folder should be",
        _ if error.raw_os_error() == Some(24) => {
            "too many files are open at once: raise the limit (`ulimit -n 4096`) and try again"
        }
        _ => return None,
    })
}

/// Control characters from the input are printed escaped (`\u{1b}`), so a
/// file name or a key can never rewrite the terminal.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Two different files a message names side by side, and which may look
/// the same: a name with letters beyond ASCII may be written two ways (`é`
/// as one character, or as `e` and an accent). Then each name's code
/// points, so the reader can tell them apart: `` (`caf\u{e9}.md`)``;
/// otherwise nothing.
pub fn code_points(a: &Path, b: &Path) -> Option<(String, String)> {
    let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
    if a.is_ascii() || b.is_ascii() {
        return None;
    }
    let points = |text: &str| -> String {
        let escaped: String = text
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_control() {
                    c.to_string()
                } else {
                    c.escape_unicode().to_string()
                }
            })
            .collect();
        format!(" (`{escaped}`)")
    };
    Some((points(&a), points(&b)))
}

/// `root/relative` as messages show it: without a leading `./` when the
/// site is the current folder.
pub fn site_path(root: &Path, relative: impl AsRef<Path>) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        relative.as_ref().to_path_buf()
    } else {
        root.join(relative)
    }
}

#[cfg(test)]
mod tests;
