//! Reading a text export line by line in bounded memory.
//!
//! Chat exports written by phones mix line ends (iOS writes CRLF, but lines
//! inside a poll end in a bare LF), often lack a final newline, and may hold
//! a stray invalid byte. [`Lines`] yields each line without its terminator,
//! says which terminator it had (so a multi-line message can be rebuilt byte
//! for byte), and never holds more than one line: a line longer than
//! [`MAX_LINE`] is cut there and flagged, the rest of it is read and dropped.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::PathBuf;

use super::ImportError;

/// Longest line kept (bytes). Real chat lines are far shorter; a longer one
/// is almost certainly not text.
pub const MAX_LINE: usize = 1 << 20;

/// One line of a text file.
pub struct Line<'a> {
    /// 1-based line number.
    pub no: u64,
    /// The line without its terminator; invalid UTF-8 replaced by U+FFFD.
    pub text: Cow<'a, str>,
    /// `"\r\n"`, `"\n"`, or `""` for a last line without newline.
    pub ending: &'static str,
    /// False when the line held bytes that are not UTF-8 (`text` is lossy).
    pub valid_utf8: bool,
    /// True when the line was longer than [`MAX_LINE`] and was cut.
    pub cut: bool,
}

pub struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    no: u64,
    /// For error messages.
    path: PathBuf,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, path: impl Into<PathBuf>) -> Self {
        Self { reader, buf: Vec::with_capacity(4096), no: 0, path: path.into() }
    }

    /// The next line, or None at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, ImportError> {
        self.buf.clear();
        let mut cut = false;
        let mut newline = false;
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf().map_err(|e| ImportError::Io { path: self.path.clone(), source: e })?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            let room = MAX_LINE.saturating_sub(self.buf.len());
            if take > room {
                cut = true;
            }
            self.buf.extend_from_slice(&chunk[..take.min(room)]);
            self.reader.consume(if done { take + 1 } else { take });
            if done {
                newline = true;
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.no += 1;
        let mut ending = if newline { "\n" } else { "" };
        if self.buf.last() == Some(&b'\r') && !cut {
            self.buf.pop();
            if newline {
                ending = "\r\n";
            }
        }
        let mut bytes: &[u8] = &self.buf;
        if self.no == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes = &bytes[3..];
        }
        let (text, valid_utf8) = match std::str::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), true),
            Err(_) => (String::from_utf8_lossy(bytes), false),
        };
        Ok(Some(Line { no: self.no, text, ending, valid_utf8, cut }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<(u64, String, &'static str, bool)> {
        let mut lines = Lines::new(input, "t");
        let mut out = Vec::new();
        while let Some(l) = lines.next_line().unwrap() {
            out.push((l.no, l.text.into_owned(), l.ending, l.valid_utf8));
        }
        out
    }

    #[test]
    fn mixed_endings_and_no_final_newline() {
        let got = all(b"\xEF\xBB\xBFa\r\nb\nc");
        assert_eq!(
            got,
            vec![(1, "a".into(), "\r\n", true), (2, "b".into(), "\n", true), (3, "c".into(), "", true)]
        );
    }

    #[test]
    fn empty_lines_and_bad_bytes() {
        let got = all(b"\n\xff\n");
        assert_eq!(got, vec![(1, "".into(), "\n", true), (2, "\u{fffd}".into(), "\n", false)]);
        assert!(all(b"").is_empty());
    }

    #[test]
    fn long_line_is_cut_and_the_next_line_survives() {
        let mut input = vec![b'x'; MAX_LINE + 10];
        input.extend_from_slice(b"\nnext");
        let mut lines = Lines::new(std::io::BufReader::with_capacity(1000, &input[..]), "t");
        let first = lines.next_line().unwrap().unwrap();
        assert!(first.cut);
        assert_eq!(first.text.len(), MAX_LINE);
        let second = lines.next_line().unwrap().unwrap();
        assert_eq!((second.no, second.text.as_ref(), second.cut), (2, "next", false));
    }
}
