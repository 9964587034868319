//! One parsed mail (and the mails embedded in it) as plain owned data: the
//! part of the importer that knows `mail-parser`'s types.
//!
//! Body: the text/plain parts in MIME order (joined by a line break); when
//! there are none, the HTML parts turned into inert text ([`super::html`]);
//! for a multipart/related (MHTML) page whose HTML the parser files as an
//! attachment, that HTML. Every other leaf part is an attachment, hashed
//! from its decoded bytes (text parts as the UTF-8 text the parser decoded
//! them to). An embedded `message/rfc822` part is an attachment of its mail
//! *and* a mail of its own, read the same way, so that a forwarded mail's
//! text and sender are searchable.
//!
//! Trap: for an embedded message that is not base64/quoted-printable encoded,
//! `mail-parser` hands back the *whole outer buffer* as its `raw_message`
//! (its offsets are then offsets into that buffer), so the embedded bytes are
//! cut from the outer mail by the part's offsets; an encoded one has its own
//! decoded buffer.

use std::collections::HashSet;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use mail_parser::{Address, HeaderName, HeaderValue, Message, MessagePart, MimeHeaders, PartType};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::html;
use crate::model::{AttachmentRecord, Timestamp};

/// Embedded messages deeper than this are listed as attachments only.
const MAX_EMBED_DEPTH: usize = 8;

/// A mailbox from an address header.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Person {
    /// The participant id: the lower-cased address, else the display name.
    pub fn external_id(&self) -> Option<String> {
        match (&self.address, &self.name) {
            (Some(a), _) => Some(a.to_lowercase()),
            (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        }
    }

    fn json(&self) -> Value {
        let mut o = Map::new();
        if let Some(n) = &self.name {
            o.insert("name".into(), n.clone().into());
        }
        if let Some(a) = &self.address {
            o.insert("address".into(), a.clone().into());
        }
        Value::Object(o)
    }
}

/// What the importer needs of one mail.
#[derive(Debug)]
pub struct Mail {
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub subject: Option<String>,
    pub from: Vec<Person>,
    pub to: Vec<Person>,
    pub cc: Vec<Person>,
    pub bcc: Vec<Person>,
    pub reply_to: Vec<Person>,
    pub date: Option<MailDate>,
    /// The Date header as written, when it could not be read.
    pub date_unreadable: Option<String>,
    pub body: String,
    /// `text/plain`, `text/html`, or None when the mail has no text part.
    pub body_type: Option<&'static str>,
    pub links: Vec<String>,
    /// The parser met a MIME structure or encoding it had to guess at.
    pub mime_problem: bool,
    pub attachments: Vec<AttachmentRecord>,
    /// 1-based line in the file where this mail's headers start.
    pub line: u64,
    /// For an embedded mail: the MIME part path that holds it (`2`, `2/1`).
    pub embedded_at: Option<String>,
}

impl Mail {
    /// Format details without a column, as `extra` JSON.
    pub fn extra(&self) -> Map<String, Value> {
        let mut o = Map::new();
        let people = |v: &[Person]| Value::Array(v.iter().map(Person::json).collect());
        if let Some(s) = &self.subject {
            o.insert("subject".into(), s.clone().into());
        }
        if self.from.len() > 1 {
            o.insert("from".into(), people(&self.from));
        }
        for (k, v) in [("to", &self.to), ("cc", &self.cc), ("bcc", &self.bcc), ("reply_to", &self.reply_to)] {
            if !v.is_empty() {
                o.insert(k.into(), people(v));
            }
        }
        if let Some(id) = &self.message_id {
            o.insert("message_id".into(), id.clone().into());
        }
        if !self.in_reply_to.is_empty() {
            o.insert("in_reply_to".into(), json!(self.in_reply_to));
        }
        if !self.references.is_empty() {
            o.insert("references".into(), json!(self.references));
        }
        if let Some(d) = &self.date_unreadable {
            o.insert("date_unreadable".into(), d.clone().into());
        }
        if let Some(t) = self.body_type {
            o.insert("body_type".into(), t.into());
        }
        if !self.links.is_empty() {
            o.insert("html_links".into(), json!(self.links));
        }
        if self.mime_problem {
            o.insert("mime_problem".into(), true.into());
        }
        o
    }
}

/// Where a message's raw bytes sit in the file, to turn offsets into lines.
#[derive(Clone, Copy)]
struct Coords<'a> {
    raw: &'a [u8],
    first_line: u64,
}

impl Coords<'_> {
    fn line_at(&self, offset: u32) -> u64 {
        let head = self.raw.get(..offset as usize).unwrap_or(self.raw);
        self.first_line + memchr::memchr_iter(b'\n', head).count() as u64
    }
}

/// Read a parsed mail whose raw bytes start at `first_line` of the file:
/// the mail itself first, then every embedded mail, depth first.
pub fn read(msg: &Message, first_line: u64) -> Vec<Mail> {
    let mut out = Vec::new();
    let coords = Coords { raw: msg.raw_message(), first_line };
    read_into(msg, Some(coords), first_line, None, 0, &mut out);
    out
}

fn read_into(
    msg: &Message,
    coords: Option<Coords>,
    line: u64,
    embedded_at: Option<String>,
    depth: usize,
    out: &mut Vec<Mail>,
) {
    let (body, body_type, links, used) = body_of(msg);
    let (date, date_unreadable) = date_of(msg);
    let prefix = embedded_at.as_deref().map(|p| format!("{p}/")).unwrap_or_default();
    let me = out.len();
    out.push(Mail {
        message_id: msg.message_id().map(clean_id).filter(|s| !s.is_empty()),
        in_reply_to: id_list(msg.in_reply_to()),
        references: id_list(msg.references()),
        subject: msg.subject().map(str::to_string),
        from: people(msg.from().or_else(|| msg.sender())),
        to: people_all(msg.header_values(HeaderName::To)),
        cc: people_all(msg.header_values(HeaderName::Cc)),
        bcc: people_all(msg.header_values(HeaderName::Bcc)),
        reply_to: people(msg.reply_to()),
        date,
        date_unreadable,
        body,
        body_type,
        links,
        mime_problem: msg.parts.iter().any(|p| p.is_encoding_problem),
        attachments: Vec::new(),
        line,
        embedded_at,
    });
    let mut attachments = Vec::new();
    for &id in &msg.attachments {
        if used.contains(&id) {
            continue;
        }
        let Some(part) = msg.parts.get(id as usize) else { continue };
        let path = format!("{prefix}{id}");
        match &part.body {
            PartType::Message(sub) => {
                let same_buffer = same_bytes(sub.raw_message(), msg.raw_message());
                let bytes = if same_buffer {
                    msg.raw_message().get(part.offset_body as usize..part.offset_end as usize).unwrap_or_default()
                } else {
                    sub.raw_message()
                };
                let name = part
                    .attachment_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}.eml", sub.subject().filter(|s| !s.trim().is_empty()).unwrap_or("message")));
                attachments.push(attachment(name, Some(mime_of(part).unwrap_or_else(|| "message/rfc822".into())), bytes, &path));
                if depth < MAX_EMBED_DEPTH {
                    let sub_line = coords.map_or(line, |c| c.line_at(part.offset_body));
                    let sub_coords = if same_buffer { coords } else { None };
                    read_into(sub, sub_coords, sub_line, Some(path), depth + 1, out);
                }
            }
            PartType::Multipart(_) => {}
            _ => {
                let name = part.attachment_name().map(str::to_string).unwrap_or_else(|| format!("part-{path}"));
                attachments.push(attachment(name, mime_of(part), part.contents(), &path));
            }
        }
    }
    if let Some(m) = out.get_mut(me) {
        m.attachments = attachments;
    }
}

/// True when two buffers are the same bytes (cheaply when they are the same memory).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
}

fn attachment(file_name: String, mime: Option<String>, bytes: &[u8], path: &str) -> AttachmentRecord {
    AttachmentRecord {
        file_name,
        mime,
        size: Some(bytes.len() as u64),
        sha256: Some(hex::encode(Sha256::digest(bytes))),
        export_path: Some(format!("mime part {path}")),
    }
}

fn mime_of(part: &MessagePart) -> Option<String> {
    let ct = part.content_type()?;
    Some(match ct.subtype() {
        Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
        None => ct.ctype().to_ascii_lowercase(),
    })
}

/// The body text, its type, link targets, and the parts used for it.
fn body_of(msg: &Message) -> (String, Option<&'static str>, Vec<String>, HashSet<u32>) {
    let mut text = String::new();
    let mut links = Vec::new();
    let mut used = HashSet::new();
    let mut html_used = false;
    let add = |text: &mut String, piece: &str| {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(piece);
    };
    for &id in &msg.text_body {
        match msg.parts.get(id as usize).map(|p| &p.body) {
            Some(PartType::Text(t)) => add(&mut text, t),
            Some(PartType::Html(h)) => {
                let h = html::to_text(h);
                add(&mut text, &h.text);
                links.extend(h.links);
                html_used = true;
            }
            _ => continue,
        }
        used.insert(id);
    }
    if used.is_empty() {
        // No body part. A broken multipart (no closing boundary) or an MHTML
        // page (multipart/related) has its text filed among the attachments:
        // show the first plain-text part, else the first HTML part, that is
        // not an explicit attachment.
        let candidates: Vec<u32> = msg.html_body.iter().chain(&msg.attachments).copied().collect();
        let shown = |p: &MessagePart| !p.content_disposition().is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        let plain = candidates.iter().copied().find(|&id| {
            msg.parts.get(id as usize).is_some_and(|p| {
                matches!(p.body, PartType::Text(_)) && shown(p) && mime_of(p).map_or(true, |m| m == "text/plain")
            })
        });
        let html = || {
            candidates
                .iter()
                .copied()
                .find(|&id| msg.parts.get(id as usize).is_some_and(|p| matches!(p.body, PartType::Html(_)) && shown(p)))
        };
        match plain.or_else(html).and_then(|id| Some((id, &msg.parts.get(id as usize)?.body))) {
            Some((id, PartType::Text(t))) => {
                text = t.to_string();
                used.insert(id);
            }
            Some((id, PartType::Html(h))) => {
                let h = html::to_text(h);
                text = h.text;
                links = h.links;
                html_used = true;
                used.insert(id);
            }
            _ => {}
        }
    }
    // A NUL (from a binary part labelled text) would cut the text short in
    // SQLite's string functions and the index: show it as U+FFFD.
    if text.contains('\0') {
        text = text.replace('\0', "\u{FFFD}");
    }
    let kind = match (used.is_empty(), html_used) {
        (true, _) => None,
        (false, true) => Some("text/html"),
        (false, false) => Some("text/plain"),
    };
    (text, kind, links, used)
}

/// A mail's Date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MailDate {
    /// With the zone the header gives.
    Exact(Timestamp),
    /// A header without a zone (not RFC 5322, but seen): wall-clock time.
    Local(NaiveDateTime),
}

/// The Date header; or the raw header when it cannot be read.
fn date_of(msg: &Message) -> (Option<MailDate>, Option<String>) {
    let raw = msg.header_raw(HeaderName::Date).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let Some(raw_text) = raw.as_deref() else { return (None, None) };
    let Some(d) = msg.date().filter(|d| d.is_valid()) else {
        // The parser reads no date without a zone; try the wall-clock forms.
        return match local_date(raw_text) {
            Some(naive) => (Some(MailDate::Local(naive)), None),
            None => (None, raw),
        };
    };
    let naive = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .and_then(|day| day.and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second)));
    let Some(naive) = naive else { return (None, raw) };
    if !has_zone(raw_text) {
        return (Some(MailDate::Local(naive)), None);
    }
    let secs = (i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60) * if d.tz_before_gmt { -1 } else { 1 };
    match FixedOffset::east_opt(secs).and_then(|off| off.from_local_datetime(&naive).single()) {
        Some(t) => (Some(MailDate::Exact(t)), None),
        None => (None, raw),
    }
}

/// The header without `(comments)`.
fn strip_comments(raw: &str) -> String {
    let mut plain = String::with_capacity(raw.len());
    let mut depth = 0u32;
    for c in raw.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// True when a Date header ends with a zone (`+0800`, `-0000`, `GMT`,
/// `EST`), comments such as `(CST)` aside. The parser reads a missing zone
/// as UTC, which would pass a guess off as exact.
fn has_zone(raw: &str) -> bool {
    let plain = strip_comments(raw);
    let Some(last) = plain.split_whitespace().last() else { return false };
    let numeric = last.len() == 5 && last.starts_with(['+', '-']) && last.bytes().skip(1).all(|b| b.is_ascii_digit());
    numeric || (last.len() <= 5 && last.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// `[Day,] 27 Sep 2025 08:00[:00]` without a zone.
fn local_date(raw: &str) -> Option<NaiveDateTime> {
    let plain = strip_comments(raw);
    let plain = plain.trim();
    let plain = plain.split_once(',').map_or(plain, |(_, rest)| rest.trim());
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    ["%d %b %Y %H:%M:%S", "%d %b %Y %H:%M"].iter().find_map(|f| NaiveDateTime::parse_from_str(&plain, f).ok())
}

fn clean_id(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').trim().to_string()
}

fn id_list(v: &HeaderValue) -> Vec<String> {
    let list: Vec<String> = match v {
        HeaderValue::Text(t) => vec![clean_id(t)],
        HeaderValue::TextList(l) => l.iter().map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    };
    list.into_iter().filter(|s| !s.is_empty()).collect()
}

fn people(a: Option<&Address>) -> Vec<Person> {
    a.map(|a| {
        a.iter()
            .map(|x| Person {
                name: x.name().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
                address: x.address().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
            })
            .filter(|p| p.name.is_some() || p.address.is_some())
            .collect()
    })
    .unwrap_or_default()
}

/// All addresses of a header that may appear more than once (obsolete syntax).
fn people_all<'a>(values: impl Iterator<Item = &'a HeaderValue<'a>>) -> Vec<Person> {
    values.flat_map(|v| people(v.as_address())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_zones() {
        assert!(has_zone("Mon, 2 Mar 2026 09:20:00 +0800 (CST)"));
        assert!(has_zone("Fri, 07 Oct 1994 16:15:05 -0700 (PDT)"));
        assert!(has_zone("Mon, 2 Mar 2026 09:20:00 -0000"));
        assert!(has_zone("Mon, 2 Mar 2026 09:20:00 GMT"));
        assert!(!has_zone("Mon, 2 Mar 2026 09:20:00"));
        assert!(!has_zone("Mon, 2 Mar 2026 09:20:00 (CST)"));
        assert!(!has_zone(""));
        let want = NaiveDate::from_ymd_opt(2025, 9, 27).and_then(|d| d.and_hms_opt(8, 0, 0));
        assert_eq!(local_date("Sat, 27 Sep 2025 08:00:00"), want);
        assert_eq!(local_date("27  Sep 2025 08:00 (local)"), want);
        assert_eq!(local_date("sometime last week"), None);
    }
}
