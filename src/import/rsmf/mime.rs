//! Taking `rsmf.zip` out of an `.rsmf` mail without holding the mail.
//!
//! An `.rsmf` file is an RFC 5322 message whose `multipart/mixed` body has a
//! human-readable text part and exactly one attachment, `rsmf.zip`, almost
//! always base64. RSMF files can be gigabytes, so the mail is streamed: the
//! headers (of the mail and of each part) are parsed with `mail-parser`, the
//! body lines are scanned for the MIME boundaries, and the zip is decoded
//! straight into a spooled buffer that stays in memory up to
//! [`SPOOL_IN_MEMORY`] and moves to an anonymous temporary file beyond (the
//! zip needs random access; the file is unlinked from the start and vanishes
//! with the import). Peak memory is therefore bounded, whatever the size.
//!
//! Lines are read in bounded chunks, because some generators write base64
//! without line breaks: only a short line at a line start can be a boundary.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};

use mail_parser::{MessageParser, MimeHeaders};
use tempfile::SpooledTempFile;

use super::super::ImportError;

/// Decoded zips up to this size stay in memory.
pub const SPOOL_IN_MEMORY: usize = 64 << 20;
/// Longest header block (of the mail or of one part) accepted.
const MAX_HEADERS: usize = 1 << 20;
/// A boundary line is at most 70 characters plus `--`, `--` and spaces.
const BOUNDARY_LINE: usize = 1024;
const CHUNK: usize = 64 << 10;

/// The attachment of an `.rsmf` mail, and what else the mail carried.
pub struct Extracted {
    pub zip: SpooledTempFile,
    /// `(index, name)` of other attachments, which RSMF does not allow.
    pub extra_parts: Vec<(u64, String)>,
}

/// How a part's body is read.
enum State {
    /// Preamble, epilogue, text parts, attachments we do not take.
    Skip,
    /// Collecting a part's header lines.
    Headers(Vec<u8>),
    /// Decoding `rsmf.zip`.
    Base64(Base64),
    /// `rsmf.zip` sent as 8bit/binary: copied, holding back each line end
    /// because the one before a boundary belongs to the boundary.
    Raw { pending: Vec<u8> },
}

enum Line {
    Eof,
    Complete,
    Partial,
}

/// Read up to and including the next `\n`, at most `limit` bytes.
fn read_chunk(r: &mut impl BufRead, out: &mut Vec<u8>, limit: usize) -> io::Result<Line> {
    out.clear();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(if out.is_empty() { Line::Eof } else { Line::Complete });
        }
        let room = limit.saturating_sub(out.len()).min(buf.len());
        if let Some(k) = memchr::memchr(b'\n', &buf[..room]) {
            out.extend_from_slice(&buf[..=k]);
            r.consume(k + 1);
            return Ok(Line::Complete);
        }
        out.extend_from_slice(&buf[..room]);
        r.consume(room);
        if out.len() >= limit {
            return Ok(Line::Partial);
        }
    }
}

fn malformed(origin: &str, at: impl std::fmt::Display, message: impl Into<String>) -> ImportError {
    ImportError::malformed(origin, at, message)
}

/// What a part is, from its headers.
enum Part {
    Multipart(String),
    RsmfZip { encoding: String },
    Named(String),
    Body,
}

fn classify(headers: &[u8]) -> Part {
    let Some(m) = MessageParser::new().parse_headers(headers) else { return Part::Body };
    if let Some(ct) = m.content_type() {
        if ct.ctype().eq_ignore_ascii_case("multipart") {
            if let Some(b) = ct.attribute("boundary") {
                return Part::Multipart(b.to_string());
            }
        }
    }
    match m.attachment_name() {
        Some(n) if n.eq_ignore_ascii_case("rsmf.zip") => {
            let encoding = m.content_transfer_encoding().unwrap_or("7bit").trim().to_ascii_lowercase();
            Part::RsmfZip { encoding }
        }
        Some(n) => Part::Named(n.to_string()),
        None => Part::Body,
    }
}

/// `Some((depth, closing))` when the line is `--boundary` or `--boundary--`
/// of one of the open multiparts (`depth` indexes `stack`).
fn boundary_of(line: &[u8], stack: &[String]) -> Option<(usize, bool)> {
    let line = line.strip_prefix(b"--")?;
    let end = line.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |k| k + 1);
    let line = &line[..end];
    stack.iter().enumerate().rev().find_map(|(i, b)| {
        let rest = line.strip_prefix(b.as_bytes())?;
        match rest {
            b"" => Some((i, false)),
            b"--" => Some((i, true)),
            _ => None,
        }
    })
}

/// Stream an `.rsmf` mail and return its `rsmf.zip`, rewound.
pub fn extract(reader: impl Read, origin: &str) -> Result<Extracted, ImportError> {
    let io_err = |e: io::Error| ImportError::Io { path: origin.into(), source: e };
    let mut r = BufReader::with_capacity(CHUNK, reader);
    let mut chunk = Vec::with_capacity(CHUNK);

    // the mail's own headers, up to the first empty line
    let mut head = Vec::new();
    loop {
        match read_chunk(&mut r, &mut chunk, CHUNK).map_err(io_err)? {
            Line::Eof => break,
            _ => {
                head.extend_from_slice(&chunk);
                if chunk == b"\n" || chunk == b"\r\n" {
                    break;
                }
                if head.len() > MAX_HEADERS {
                    return Err(malformed(origin, "headers", "the mail headers are longer than 1 MiB"));
                }
            }
        }
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    let mail = MessageParser::new().parse_headers(&head).ok_or_else(|| malformed(origin, "line 1", "no mail headers"))?;
    if !mail.headers().iter().any(|h| h.name().eq_ignore_ascii_case("X-RSMF-Version")) {
        return Err(malformed(origin, "headers", "no X-RSMF-Version header: not an RSMF file"));
    }
    let mut stack: Vec<String> = Vec::new();
    let mut state = match classify(&head) {
        Part::Multipart(b) => {
            stack.push(b);
            State::Skip
        }
        Part::RsmfZip { encoding } => start_zip(&encoding, origin)?,
        _ => return Err(malformed(origin, "headers", "the mail is not multipart and carries no rsmf.zip")),
    };

    let mut zip = SpooledTempFile::new(SPOOL_IN_MEMORY);
    let mut found = matches!(state, State::Base64(_) | State::Raw { .. });
    let mut extra_parts = Vec::new();
    let mut part_index = 0u64;
    let mut at_line_start = true;
    loop {
        let limit = if at_line_start { BOUNDARY_LINE } else { CHUNK };
        let line = read_chunk(&mut r, &mut chunk, limit).map_err(io_err)?;
        if matches!(line, Line::Eof) {
            break;
        }
        if at_line_start && matches!(line, Line::Complete) {
            if let Some((depth, closing)) = boundary_of(&chunk, &stack) {
                finish(&mut state, &mut zip).map_err(io_err)?;
                stack.truncate(depth + 1);
                state = if closing {
                    stack.pop();
                    State::Skip
                } else {
                    part_index += 1;
                    State::Headers(Vec::new())
                };
                continue;
            }
        }
        let complete = matches!(line, Line::Complete);
        match &mut state {
            State::Skip => {}
            State::Headers(buf) => {
                buf.extend_from_slice(&chunk);
                if buf.len() > MAX_HEADERS {
                    return Err(malformed(origin, format!("MIME part {part_index}"), "part headers longer than 1 MiB"));
                }
                if at_line_start && (chunk == b"\n" || chunk == b"\r\n") {
                    state = match classify(buf) {
                        Part::Multipart(b) => {
                            stack.push(b);
                            State::Skip
                        }
                        Part::RsmfZip { encoding } if !found => {
                            found = true;
                            start_zip(&encoding, origin)?
                        }
                        Part::RsmfZip { .. } => {
                            extra_parts.push((part_index, "rsmf.zip (a second one)".to_string()));
                            State::Skip
                        }
                        Part::Named(name) => {
                            extra_parts.push((part_index, name));
                            State::Skip
                        }
                        Part::Body => State::Skip,
                    };
                }
            }
            State::Base64(d) => d.feed(&chunk, &mut zip).map_err(io_err)?,
            State::Raw { pending } => {
                zip.write_all(pending).map_err(io_err)?;
                pending.clear();
                let body_end = if complete { chunk.len() - line_end_len(&chunk) } else { chunk.len() };
                zip.write_all(&chunk[..body_end]).map_err(io_err)?;
                pending.extend_from_slice(&chunk[body_end..]);
            }
        }
        at_line_start = complete;
    }
    finish(&mut state, &mut zip).map_err(io_err)?;
    if !found {
        let others: Vec<&str> = extra_parts.iter().map(|(_, n)| n.as_str()).collect();
        let hint = if others.is_empty() { String::new() } else { format!(" (attachments: {})", others.join(", ")) };
        return Err(malformed(origin, "body", format!("no rsmf.zip attachment{hint}")));
    }
    zip.seek(SeekFrom::Start(0)).map_err(io_err)?;
    Ok(Extracted { zip, extra_parts })
}

fn line_end_len(line: &[u8]) -> usize {
    if line.ends_with(b"\r\n") {
        2
    } else if line.ends_with(b"\n") {
        1
    } else {
        0
    }
}

fn start_zip(encoding: &str, origin: &str) -> Result<State, ImportError> {
    match encoding {
        "base64" => Ok(State::Base64(Base64::default())),
        "7bit" | "8bit" | "binary" => Ok(State::Raw { pending: Vec::new() }),
        other => Err(malformed(origin, "rsmf.zip", format!("rsmf.zip is sent as {other:?}; Redline reads base64 or binary"))),
    }
}

/// End the current part: flush a base64 tail.
fn finish(state: &mut State, out: &mut impl Write) -> io::Result<()> {
    if let State::Base64(d) = state {
        d.finish(out)?;
    }
    *state = State::Skip;
    Ok(())
}

/// A streaming base64 decoder that ignores line breaks and any other
/// character outside the alphabet (RFC 2045 §6.8), and stops at `=`.
#[derive(Default)]
struct Base64 {
    acc: u32,
    n: u8,
    done: bool,
    out: Vec<u8>,
}

impl Base64 {
    fn feed(&mut self, input: &[u8], w: &mut impl Write) -> io::Result<()> {
        self.out.clear();
        for &c in input {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' => {
                    self.done = true;
                    continue;
                }
                _ => continue,
            };
            if self.done {
                continue;
            }
            self.acc = (self.acc << 6) | u32::from(v);
            self.n += 1;
            if self.n == 4 {
                self.out.extend_from_slice(&[(self.acc >> 16) as u8, (self.acc >> 8) as u8, self.acc as u8]);
                self.acc = 0;
                self.n = 0;
            }
        }
        w.write_all(&self.out)
    }

    fn finish(&mut self, w: &mut impl Write) -> io::Result<()> {
        let tail = match self.n {
            2 => vec![(self.acc >> 4) as u8],
            3 => vec![(self.acc >> 10) as u8, (self.acc >> 2) as u8],
            _ => Vec::new(),
        };
        self.n = 0;
        w.write_all(&tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Vec<u8> {
        let mut d = Base64::default();
        let mut out = Vec::new();
        for piece in s.as_bytes().chunks(3) {
            d.feed(piece, &mut out).unwrap();
        }
        d.finish(&mut out).unwrap();
        out
    }

    #[test]
    fn base64_across_chunks_and_lines() {
        assert_eq!(decode("aGVs\r\nbG8g\nd29y bGQ="), b"hello world");
        assert_eq!(decode("YQ=="), b"a");
        assert_eq!(decode("YWI="), b"ab");
        assert_eq!(decode("5Lit5paH"), "中文".as_bytes());
    }

    fn mail(body: &str) -> String {
        format!(
            "From: a@example.com\r\nX-RSMF-Version: 2.0.0\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n{body}"
        )
    }

    fn read_zip(mut e: Extracted) -> Vec<u8> {
        let mut v = Vec::new();
        e.zip.read_to_end(&mut v).unwrap();
        v
    }

    #[test]
    fn finds_the_zip_among_parts() {
        let m = mail(concat!(
            "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhuman text\r\n--b1\r\n",
            "Content-Type: application/zip; name=rsmf.zip\r\nContent-Transfer-Encoding: base64\r\n",
            "Content-Disposition: attachment; filename=\"rsmf.zip\"\r\n\r\naGVs\r\nbG8=\r\n",
            "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\n\r\nJVBE\r\n--b1--\r\nepilogue\r\n"
        ));
        let e = extract(m.as_bytes(), "t.rsmf").unwrap();
        assert_eq!(e.extra_parts, [(3, "x.pdf".to_string())]);
        assert_eq!(read_zip(e), b"hello");
    }

    #[test]
    fn nested_multipart_and_binary_zip() {
        let m = mail(concat!(
            "--b1\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\nContent-Type: text/plain\n\nx\n--inner--\n",
            "--b1\nContent-Disposition: attachment; filename=RSMF.ZIP\nContent-Transfer-Encoding: binary\n\nPK\x03\nline two\n--b1--\n"
        ));
        assert_eq!(read_zip(extract(m.as_bytes(), "t.rsmf").unwrap()), b"PK\x03\nline two");
    }

    #[test]
    fn not_rsmf() {
        let err = extract("From: a@b\r\nContent-Type: text/plain\r\n\r\nhi\r\n".as_bytes(), "t.eml").err().unwrap();
        assert!(err.to_string().contains("X-RSMF-Version"), "{err}");
        let err = extract(mail("--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1--\r\n").as_bytes(), "t.rsmf").err().unwrap();
        assert!(err.to_string().contains("no rsmf.zip attachment"), "{err}");
    }
}
