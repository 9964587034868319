//! E-mail: a single RFC 5322 message (`eml`) and mbox mailboxes (`mbox`).
//!
//! Each mail is one message. Decisions, and why:
//! * **Text** is `Subject: …`, a blank line, then the body, so that search and
//!   rules see the subject of every mail (a reply's subject can carry the
//!   red-line words its body leaves out). The subject is also in `extra`. The
//!   body is the text/plain part; an HTML-only mail is converted to inert
//!   text (tags dropped, entities decoded, scripts removed), never kept as
//!   markup. Body text is otherwise kept exactly as decoded.
//! * **Sender** is the first `From` mailbox (else `Sender`): external id the
//!   lower-cased address (the display name when there is no address).
//!   Every mailbox of From/To/Cc/Bcc is declared as a participant with its
//!   e-mail address; To/Cc/Bcc/Reply-To, Message-ID, In-Reply-To and
//!   References are kept in `extra`.
//! * **Time** is the Date header with its own zone, exactly; a mail without
//!   a readable Date has no timestamp (the raw header is kept in `extra`),
//!   and a Date without a zone is read in `--tz` and marked as assumed.
//! * **Conversations** are threads ([`thread`]): external id the root
//!   Message-ID, title the subject without `Re:`-style markers, kind direct
//!   when exactly two addresses take part (From/To/Cc/Bcc over the whole
//!   thread), group for more, unknown for fewer. The kind is only known at
//!   the end, so it is declared after the last mail.
//! * **Embedded mails** (`message/rfc822` parts, digests) are listed as an
//!   attachment of their mail and also imported as messages of their own, in
//!   the same conversation, right after it, with `extra.embedded_in`; their
//!   locator is the line where the embedded mail starts.
//! * **Kind** is text, or file when the body is empty and there are attachments.
//! * A mail that does not start with a header field, or that the MIME parser
//!   cannot read, is skipped with the reason. So is a mail larger than
//!   [`MAX_MAIL_BYTES`] (it would be held in memory to parse it).
//!
//! Memory: one mail at a time (its bytes, the parsed tree, and the decoded
//! attachments: about three times the mail's size), plus the thread index.

mod html;
pub mod mbox;
mod message;
mod thread;

use std::collections::HashSet;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mail_parser::MessageParser;
use serde_json::{Map, Value};

use super::formats::Probe;
use super::tree::SourceTree;
use super::{ImportCtx, ImportError};
use crate::model::{ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord};
use message::{Mail, MailDate, Person};
use thread::{MailIds, Threads};

pub use mbox::{import_mbox, sniff_mbox};

/// Largest mail read; a larger one is skipped with its reason.
pub const MAX_MAIL_BYTES: u64 = 96 << 20;

/// Header names that mark the start of a mail (compared lower-case).
const KNOWN_HEADERS: &[&str] = &[
    "received", "from", "to", "cc", "bcc", "return-path", "mime-version", "message-id", "date", "subject",
    "content-type", "content-transfer-encoding", "content-disposition", "reply-to", "sender", "in-reply-to",
    "references", "delivered-to", "x-mailer", "user-agent", "dkim-signature", "authentication-results",
    "thread-topic", "thread-index", "importance", "organization", "list-id", "precedence",
];

/// The name of a header field line (`Subject: x` → `Subject`), or None when
/// the line is not one. RFC 5322 allows any printable ASCII in a name; real
/// names are letters, digits, `-` and `_`, and holding to that keeps JSON
/// (`{"a":1}`) and prose (`Note to self: …`) from passing for headers.
pub(crate) fn header_name(line: &[u8]) -> Option<&str> {
    let colon = line.iter().take(80).position(|&b| b == b':')?;
    let name = line.get(..colon)?;
    let ok = name.first().is_some_and(u8::is_ascii_alphanumeric)
        && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return None;
    }
    std::str::from_utf8(name).ok()
}

/// True when the head starts with a header block that looks like a mail's:
/// every line a header field or a folded continuation, at least two known
/// names (one is enough for a `.eml` file), and no RSMF marker.
fn looks_like_mail_head(head: &[u8], ext: &str) -> bool {
    let mut known = 0;
    let mut lines = head.split(|&b| b == b'\n').peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let last = lines.peek().is_none();
        if !first && matches!(line.first(), Some(b' ' | b'\t')) {
            continue;
        }
        first = false;
        match header_name(line) {
            Some(name) => {
                let lower = name.to_ascii_lowercase();
                if lower == "x-rsmf-version" {
                    return false;
                }
                if KNOWN_HEADERS.contains(&lower.as_str()) {
                    known += 1;
                }
            }
            // The head may end inside a line.
            None if last && head.len() >= super::formats::PROBE_BYTES => break,
            None => return false,
        }
    }
    known >= 2 || (known == 1 && matches!(ext, "eml" | "mht" | "mhtml"))
}

pub fn sniff_eml(p: &Probe) -> bool {
    p.single_file && !p.head.starts_with(b"From ") && looks_like_mail_head(p.head, &p.ext())
}

/// A single mail file; a zip or folder forced to `--format eml` has each of
/// its files read as one mail.
pub fn import_eml(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let mut mails = MailImporter::default();
    let origin = tree.origin().to_path_buf();
    for entry in tree.entries().to_vec() {
        let at = Locator::line(&entry.path, 1);
        let mut bytes = Vec::new();
        tree.open(&entry.path)?
            .take(MAX_MAIL_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ImportError::Io { path: origin.join(&entry.path), source: e })?;
        if bytes.len() as u64 > MAX_MAIL_BYTES {
            ctx.skip(&at, format!("mail is larger than {} MiB; not read", MAX_MAIL_BYTES >> 20))?;
            continue;
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        mails.mail(ctx, body, &at, 1, Map::new())?;
    }
    mails.finish(ctx)
}

/// Turns mails into records, keeping the thread index across a source.
#[derive(Default)]
pub(crate) struct MailImporter {
    threads: Threads,
    /// Participants already declared in this source (lower-cased ids).
    declared: HashSet<String>,
}

impl MailImporter {
    /// Import one mail. `raw` starts with its headers, at line `first_line`
    /// of the file; `at` locates it; `extra` holds container details (mbox).
    pub fn mail(
        &mut self,
        ctx: &mut ImportCtx,
        raw: &[u8],
        at: &Locator,
        first_line: u64,
        extra: Map<String, Value>,
    ) -> Result<(), ImportError> {
        let first = raw.split(|&b| b == b'\n').next().unwrap_or_default();
        if header_name(first).is_none() {
            let reason = if raw.iter().all(u8::is_ascii_whitespace) {
                "empty mail".to_string()
            } else {
                "no header block: the mail does not start with a header field".to_string()
            };
            return ctx.skip(at, reason);
        }
        // mail-parser is fuzzed, but a panic on one hostile mail must not end
        // the import: it becomes a skip.
        let parsed = catch_unwind(AssertUnwindSafe(|| {
            MessageParser::default().parse(raw).map(|m| message::read(&m, first_line))
        }));
        let mut mails = match parsed {
            Ok(Some(m)) if !m.is_empty() => m.into_iter(),
            Ok(_) => return ctx.skip(at, "the MIME parser could not read this mail"),
            Err(_) => return ctx.skip(at, "the MIME parser failed on this mail"),
        };
        let Some(top) = mails.next() else { return Ok(()) };
        let conversation = self.place(ctx, &top, at)?;
        let parent_id = top.message_id.clone();
        self.write(ctx, top, at.clone(), &conversation, extra)?;
        for sub in mails {
            let sub_at = match at {
                Locator::Line { path, .. } => Locator::line(path.clone(), sub.line),
                other => other.clone(),
            };
            let mut extra = Map::new();
            let mut embedded_in = Map::new();
            if let Some(id) = &parent_id {
                embedded_in.insert("message_id".into(), id.clone().into());
            }
            embedded_in.insert("mime_part".into(), sub.embedded_at.clone().unwrap_or_default().into());
            extra.insert("embedded_in".into(), Value::Object(embedded_in));
            self.write(ctx, sub, sub_at, &conversation, extra)?;
        }
        Ok(())
    }

    /// Put a top-level mail in its thread, declaring the thread when new.
    fn place(&mut self, ctx: &mut ImportCtx, mail: &Mail, at: &Locator) -> Result<String, ImportError> {
        let mut refs = mail.references.clone();
        for id in &mail.in_reply_to {
            if !refs.contains(id) {
                refs.push(id.clone());
            }
        }
        let ids = MailIds { message_id: mail.message_id.as_deref(), refs: &refs, subject: mail.subject.as_deref() };
        let placed = self.threads.place(&ids, &at.to_string());
        for p in mail.from.iter().chain(&mail.to).chain(&mail.cc).chain(&mail.bcc) {
            if let Some(id) = p.external_id() {
                self.threads.involve(placed.index, &id);
            }
        }
        let external_id = self.threads.external_id(placed.index).to_string();
        if placed.new {
            let title = mail.subject.as_deref().map(|s| thread::strip_prefixes(s).trim().to_string()).filter(|s| !s.is_empty());
            ctx.conversation(&ConversationRecord { external_id: external_id.clone(), title, kind: None })?;
        }
        Ok(external_id)
    }

    fn write(
        &mut self,
        ctx: &mut ImportCtx,
        mail: Mail,
        at: Locator,
        conversation: &str,
        mut extra: Map<String, Value>,
    ) -> Result<(), ImportError> {
        for p in mail.from.iter().chain(&mail.to).chain(&mail.cc).chain(&mail.bcc) {
            self.declare(ctx, p)?;
        }
        let sender = mail.from.first();
        let text = match mail.subject.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) if mail.body.is_empty() => format!("Subject: {s}"),
            Some(s) => format!("Subject: {s}\n\n{}", mail.body),
            None => mail.body.clone(),
        };
        let kind = if mail.body.trim().is_empty() && !mail.attachments.is_empty() {
            MessageKind::File
        } else {
            MessageKind::Text
        };
        for (k, v) in mail.extra() {
            extra.insert(k, v);
        }
        let mut m = MessageRecord::new(conversation, kind, text, at);
        m.external_id = mail.message_id;
        m.sender = sender.and_then(Person::external_id);
        m.sender_name = sender.and_then(|p| p.name.clone());
        match mail.date {
            Some(MailDate::Exact(t)) => m.timestamp = Some(t),
            Some(MailDate::Local(naive)) => {
                m.timestamp = ctx.local_time(naive);
                m.offset_assumed = true;
            }
            None => {}
        }
        m.reply_to = if mail.embedded_at.is_some() {
            None
        } else {
            mail.in_reply_to.first().or(mail.references.last()).cloned()
        };
        m.attachments = mail.attachments;
        m.extra = Some(Value::Object(extra));
        ctx.message(&m)?;
        Ok(())
    }

    fn declare(&mut self, ctx: &mut ImportCtx, p: &Person) -> Result<(), ImportError> {
        let Some(id) = p.external_id() else { return Ok(()) };
        if self.declared.contains(&id) {
            return Ok(());
        }
        ctx.participant(&ParticipantRecord {
            external_id: id.clone(),
            display_name: p.name.clone(),
            email: p.address.as_ref().map(|a| a.to_lowercase()),
            ..Default::default()
        })?;
        self.declared.insert(id);
        Ok(())
    }

    /// Declare each thread's kind, now that all its mails are seen.
    pub fn finish(self, ctx: &mut ImportCtx) -> Result<(), ImportError> {
        for c in self.threads.kinds().filter(|c| c.kind != Some(ConversationKind::Unknown)) {
            ctx.conversation(&c)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        assert_eq!(header_name(b"Subject: x\r\n"), Some("Subject"));
        assert_eq!(header_name(b"X-GM-THRID: 1\n"), Some("X-GM-THRID"));
        assert_eq!(header_name(b"X-Test-Header:\n"), Some("X-Test-Header"));
        assert_eq!(header_name(b"{\"a\":1}"), None);
        assert_eq!(header_name(b"Note to self: x"), None);
        assert_eq!(header_name(b": x"), None);
        assert_eq!(header_name(b" folded: x"), None);
    }

    #[test]
    fn mail_heads() {
        assert!(looks_like_mail_head(b"From: a@b\nSubject: s\n\nbody", "txt"));
        assert!(!looks_like_mail_head(b"Content-Type: text/plain\n\nbody", "txt"));
        assert!(looks_like_mail_head(b"Content-Type: multipart/mixed;\n boundary=x\n\n", "eml"));
        assert!(!looks_like_mail_head(b"From: a@b\nSubject: s\nnot a header\n", "eml"));
        assert!(!looks_like_mail_head(b"X-RSMF-Version: 2.0.0\nFrom: a@b\nSubject: s\n\n", "eml"));
        assert!(!looks_like_mail_head(b" folded first: x\nFrom: a@b\nSubject: s\n\n", "eml"));
    }
}
