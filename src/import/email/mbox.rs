//! mbox mailboxes (RFC 4155 and its variants mboxo, mboxrd, mboxcl, mboxcl2),
//! read one mail at a time.
//!
//! A mail starts at a `From ` line (the "From_" or envelope line) at the
//! start of a line. Writers differ in what they put there (`From
//! sender@host Mon Jun  3 12:50:27 1996`, `From - `, Gmail Takeout's
//! `From 1844347792267117879@xxx`) and not all of them leave a blank line
//! before it, while an unescaped body line may also start with `From `
//! (mboxo). So a `From ` line separates mails when
//! * it has the envelope's shape (one word, then nothing or a weekday) and
//!   follows a blank line or is followed by a header field, or
//! * it follows a blank line and is followed by a header field.
//!
//! Body lines `>From `, `>>From `… lose one `>` (mboxrd). A mail whose
//! headers give a `Content-Length` (mboxcl2) is cut at exactly that many
//! body bytes, unescaped, but only when the count ends at the end of the
//! file or right before another `From ` line (after at most one blank line);
//! a stale count, as Thunderbird leaves, is ignored.
//!
//! Memory: one mail (at most [`MAX_MAIL_BYTES`]; a larger one is skipped
//! while the reader streams past it) and lines of at most 1 MiB (a longer
//! line is read in pieces).

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};

use serde_json::{Map, Value};

use super::{header_name, MailImporter, MAX_MAIL_BYTES};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::Locator;

/// Longest piece of a line read at once.
const MAX_LINE: u64 = 1 << 20;
/// Longest envelope line kept in `extra`.
const MAX_ENVELOPE: usize = 200;

pub fn sniff_mbox(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let head = p.head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(p.head);
    let mut lines = head.split(|&b| b == b'\n');
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else { return false };
    first.starts_with(b"From ") && header_name(second).is_some()
}

pub fn import_mbox(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let mut mails = MailImporter::default();
    for entry in tree.entries().to_vec() {
        let display = tree.origin().join(&entry.path);
        let io_err = |e: io::Error| ImportError::Io { path: display.clone(), source: e };
        let mut reader = MboxReader::new(BufReader::with_capacity(1 << 16, tree.open(&entry.path)?));
        loop {
            let raw = match reader.next_mail() {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(MboxError::Io(e)) => return Err(io_err(e)),
                Err(MboxError::NotMbox { line }) => {
                    return Err(ImportError::malformed(
                        display.display().to_string(),
                        line,
                        "not an mbox: the first line that is not blank does not start with `From `",
                    ))
                }
            };
            let at = Locator::line(&entry.path, raw.line);
            if raw.oversized {
                ctx.skip(&at, format!("mail is larger than {} MiB; not read", MAX_MAIL_BYTES >> 20))?;
                continue;
            }
            let mut extra = Map::new();
            extra.insert("mbox_index".into(), raw.index.into());
            extra.insert("mbox_from_line".into(), Value::String(raw.envelope));
            if raw.framed {
                extra.insert("mbox_framing".into(), "content-length".into());
            }
            mails.mail(ctx, &raw.bytes, &at, raw.line + 1, extra)?;
        }
    }
    mails.finish(ctx)
}

/// One mail cut from an mbox.
#[derive(Debug)]
pub struct RawMail {
    /// 0-based position in the file.
    pub index: u64,
    /// 1-based line of its `From ` line.
    pub line: u64,
    /// The `From ` line (lossy UTF-8, at most 200 characters).
    pub envelope: String,
    /// The mail from its first header line on, unescaped.
    pub bytes: Vec<u8>,
    /// Larger than [`MAX_MAIL_BYTES`]: `bytes` is empty.
    pub oversized: bool,
    /// Cut by its `Content-Length` header.
    pub framed: bool,
}

impl RawMail {
    fn push(&mut self, bytes: &[u8]) {
        if self.oversized {
            return;
        }
        if (self.bytes.len() + bytes.len()) as u64 > MAX_MAIL_BYTES {
            self.oversized = true;
            self.bytes = Vec::new();
            return;
        }
        self.bytes.extend_from_slice(bytes);
    }
}

#[derive(Debug)]
pub enum MboxError {
    Io(io::Error),
    /// The file does not start with a `From ` line.
    NotMbox { line: u64 },
}

impl From<io::Error> for MboxError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// A line (or a piece of a very long one) with where it starts.
struct Chunk {
    bytes: Vec<u8>,
    line: u64,
    /// False for the second and later pieces of a long line.
    line_start: bool,
}

impl Chunk {
    fn is_blank(&self) -> bool {
        self.line_start && (self.bytes == b"\n" || self.bytes == b"\r\n")
    }
    fn starts_from(&self) -> bool {
        self.line_start && self.bytes.starts_with(b"From ")
    }
}

/// Splits an mbox stream into mails.
pub struct MboxReader<R> {
    r: R,
    /// Lines read ahead or put back.
    queue: VecDeque<Chunk>,
    next_line: u64,
    at_line_start: bool,
    started: bool,
    /// The `From ` line of the next mail, once found.
    separator: Option<Chunk>,
    index: u64,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(r: R) -> Self {
        Self { r, queue: VecDeque::new(), next_line: 1, at_line_start: true, started: false, separator: None, index: 0 }
    }

    fn read_raw(&mut self) -> io::Result<Option<Chunk>> {
        let mut bytes = Vec::new();
        let n = (&mut self.r).take(MAX_LINE).read_until(b'\n', &mut bytes)?;
        if n == 0 {
            return Ok(None);
        }
        let chunk = Chunk { line: self.next_line, line_start: self.at_line_start, bytes };
        self.at_line_start = chunk.bytes.ends_with(b"\n");
        if self.at_line_start {
            self.next_line += 1;
        }
        Ok(Some(chunk))
    }

    fn take(&mut self) -> io::Result<Option<Chunk>> {
        match self.queue.pop_front() {
            Some(c) => Ok(Some(c)),
            None => self.read_raw(),
        }
    }

    /// The n-th line ahead (0 = next), without taking it.
    fn peek(&mut self, n: usize) -> io::Result<Option<&Chunk>> {
        while self.queue.len() <= n {
            match self.read_raw()? {
                Some(c) => self.queue.push_back(c),
                None => break,
            }
        }
        Ok(self.queue.get(n))
    }

    /// The next mail, or None at the end of the file.
    pub fn next_mail(&mut self) -> Result<Option<RawMail>, MboxError> {
        if !self.started {
            self.started = true;
            loop {
                let Some(mut c) = self.take()? else { return Ok(None) };
                if c.line == 1 && c.bytes.starts_with(b"\xEF\xBB\xBF") {
                    c.bytes.drain(..3);
                }
                if c.is_blank() {
                    continue;
                }
                if !c.starts_from() {
                    return Err(MboxError::NotMbox { line: c.line });
                }
                self.separator = Some(c);
                break;
            }
        }
        let Some(sep) = self.separator.take() else { return Ok(None) };
        let mut envelope = String::from_utf8_lossy(&sep.bytes).trim_end().to_string();
        if let Some((cut, _)) = envelope.char_indices().nth(MAX_ENVELOPE) {
            envelope.truncate(cut);
        }
        let mut mail =
            RawMail { index: self.index, line: sep.line, envelope, bytes: Vec::new(), oversized: false, framed: false };
        self.index += 1;

        let mut in_headers = true;
        let mut prev_blank = false;
        let mut content_length = None;
        while let Some(c) = self.take()? {
            if c.starts_from() {
                let next_is_header = self.peek(0)?.is_some_and(|n| n.line_start && header_name(&n.bytes).is_some());
                if is_separator(&c.bytes, prev_blank, next_is_header) {
                    self.separator = Some(c);
                    break;
                }
            }
            let blank = c.is_blank();
            if in_headers {
                mail.push(&c.bytes);
                if blank {
                    in_headers = false;
                    if let Some(n) = content_length {
                        if self.take_framed(&mut mail, n)? {
                            return Ok(Some(mail));
                        }
                    }
                } else if c.line_start && header_name(&c.bytes).is_some_and(|h| h.eq_ignore_ascii_case("content-length")) {
                    content_length = header_value(&c.bytes).and_then(|v| v.parse::<u64>().ok());
                }
            } else if c.line_start && is_escaped_from(&c.bytes) {
                mail.push(&c.bytes[1..]);
            } else {
                mail.push(&c.bytes);
            }
            prev_blank = blank;
        }
        // The blank line before the next `From ` belongs to the mbox, not the mail.
        if mail.bytes.ends_with(b"\n\r\n") || mail.bytes.ends_with(b"\r\n\r\n") {
            mail.bytes.truncate(mail.bytes.len() - 2);
        } else if mail.bytes.ends_with(b"\n\n") {
            mail.bytes.pop();
        }
        Ok(Some(mail))
    }

    /// Take exactly `n` body bytes when they end where a mail may end;
    /// otherwise put the lines back and return false.
    fn take_framed(&mut self, mail: &mut RawMail, n: u64) -> io::Result<bool> {
        if n > MAX_MAIL_BYTES || mail.oversized {
            return Ok(false);
        }
        let mut taken = Vec::new();
        let mut total = 0u64;
        while total < n {
            let Some(c) = self.take()? else { break };
            total += c.bytes.len() as u64;
            taken.push(c);
        }
        let ends_well = total == n
            && match self.peek(0)? {
                None => true,
                Some(c) if c.starts_from() => true,
                Some(c) if c.is_blank() => self.peek(1)?.map_or(true, Chunk::starts_from),
                Some(_) => false,
            };
        if !ends_well {
            for c in taken.into_iter().rev() {
                self.queue.push_front(c);
            }
            return Ok(false);
        }
        for c in &taken {
            mail.push(&c.bytes);
        }
        mail.framed = true;
        if self.peek(0)?.is_some_and(Chunk::is_blank) {
            self.take()?;
        }
        self.separator = self.take()?;
        Ok(true)
    }
}

/// The value of a one-line header field, trimmed.
fn header_value(line: &[u8]) -> Option<&str> {
    let colon = line.iter().position(|&b| b == b':')?;
    std::str::from_utf8(line.get(colon + 1..)?).ok().map(str::trim)
}

/// `>From `, `>>From `… (mboxrd quoting).
fn is_escaped_from(line: &[u8]) -> bool {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    quotes > 0 && line.get(quotes..).is_some_and(|rest| rest.starts_with(b"From "))
}

fn is_separator(line: &[u8], prev_blank: bool, next_is_header: bool) -> bool {
    let envelope = envelope_shaped(line);
    (envelope && (prev_blank || next_is_header)) || (prev_blank && next_is_header)
}

/// `From <word>` alone or followed by an asctime date (`Mon Jun  3 …`).
fn envelope_shaped(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else { return false };
    let rest = String::from_utf8_lossy(rest);
    let mut words = rest.split_whitespace();
    if words.next().is_none() {
        return false;
    }
    match words.next() {
        None => true,
        Some(w) => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<(u64, String)> {
        let mut r = MboxReader::new(s.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = r.next_mail().unwrap() {
            out.push((m.line, String::from_utf8(m.bytes).unwrap()));
        }
        out
    }

    #[test]
    fn envelope_shapes() {
        assert!(envelope_shaped(b"From - \n"));
        assert!(envelope_shaped(b"From - Mon Jun  3 12:50:27 1996\n"));
        assert!(envelope_shaped(b"From 1844347792267117879@xxx\r\n"));
        assert!(envelope_shaped(b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n"));
        assert!(!envelope_shaped(b"From here we go\n"));
        assert!(!envelope_shaped(b"From \n"));
    }

    #[test]
    fn splits_without_blank_lines_and_keeps_body_from_lines() {
        let mails = split(
            "From - \nFrom: a@x\n\nhello\nFrom here on, no.\n>From quoted\nFrom - \nSubject: b\n\nbye\n\nFrom x@y Mon Jan  1 00:00:00 2024\nno header\n",
        );
        assert_eq!(mails.len(), 3);
        assert_eq!(mails[0], (1, "From: a@x\n\nhello\nFrom here on, no.\nFrom quoted\n".into()));
        assert_eq!(mails[1], (7, "Subject: b\n\nbye\n".into()));
        assert_eq!(mails[2], (12, "no header\n".into()));
    }

    #[test]
    fn bom_and_leading_blank_lines() {
        let mails = split("\u{feff}\nFrom a@b\r\nSubject: s\r\n\r\nx\r\n");
        assert_eq!(mails, [(2, "Subject: s\r\n\r\nx\r\n".to_string())]);
    }

    #[test]
    fn not_an_mbox() {
        let mut r = MboxReader::new(&b"\nhello\n"[..]);
        assert!(matches!(r.next_mail(), Err(MboxError::NotMbox { line: 2 })));
    }

    #[test]
    fn content_length_frames_unescaped_from_lines() {
        // mboxcl2: the body's `From ` line is not escaped; the count keeps it inside.
        let body = "one\n\nFrom me: hi\nSubject: x\n";
        let s = format!("From a Mon Jan  1 00:00:00 2024\nContent-Length: {}\n\n{body}\nFrom b\nSubject: 2\n\nz\n", body.len());
        let mails = split(&s);
        assert_eq!(mails.len(), 2, "{mails:?}");
        assert_eq!(mails[0].1, format!("Content-Length: {}\n\n{body}", body.len()));
        assert_eq!(mails[1], (9, "Subject: 2\n\nz\n".into()));
    }

    #[test]
    fn stale_content_length_is_ignored() {
        let mails = split("From a\nContent-Length: 3\n\nhello\n\nFrom b\nSubject: 2\n\nz\n");
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[0].1, "Content-Length: 3\n\nhello\n");
        assert_eq!(mails[1].0, 6);
    }

    #[test]
    fn long_lines_are_read_in_pieces() {
        let long = "y".repeat((MAX_LINE as usize) * 2 + 10);
        let s = format!("From a\nSubject: s\n\n{long}\nFrom b\nSubject: t\n");
        let mails = split(&s);
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[0].1.len(), "Subject: s\n\n".len() + long.len() + 1);
        assert_eq!(mails[1].0, 5);
    }
}
