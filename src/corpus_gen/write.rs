//! Writing generated messages in each output format, one at a time.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{civil, Message, OutputFormat, World, CHINA};

/// A writer that counts the bytes passing through.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

enum Out<W: Write> {
    Plain(Counting<W>),
    Csv(Box<csv::Writer<Counting<W>>>),
}

pub(super) struct Sink<W: Write> {
    format: OutputFormat,
    out: Out<W>,
    /// Chats whose title was written (JSONL names a chat on its first message).
    announced: Vec<bool>,
    ts: String,
    id: String,
    reply: String,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    id: u64,
    conversation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender_name: Option<&'a str>,
    timestamp: &'a str,
    kind: &'static str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attachments: Option<[JsonAttachment<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<u64>,
}

#[derive(Serialize)]
struct JsonAttachment<'a> {
    name: &'a str,
    mime: &'static str,
    size: u64,
}

const CSV_HEADER: [&str; 11] =
    ["id", "conversation", "sender", "sender_name", "timestamp", "kind", "text", "amount", "currency", "attachments", "reply_to"];

impl<W: Write> Sink<W> {
    pub(super) fn new(format: OutputFormat, inner: W) -> io::Result<Self> {
        let counting = Counting { inner, bytes: 0 };
        let out = match format {
            OutputFormat::Csv => {
                let mut w = csv::WriterBuilder::new().from_writer(counting);
                w.write_record(CSV_HEADER)?;
                Out::Csv(Box::new(w))
            }
            OutputFormat::Jsonl | OutputFormat::WhatsApp => Out::Plain(counting),
        };
        Ok(Self { format, out, announced: Vec::new(), ts: String::new(), id: String::new(), reply: String::new() })
    }

    pub(super) fn write(&mut self, world: &World, m: &Message) -> io::Result<()> {
        let chat = &world.chats[m.chat];
        let sender = m.sender.map(|p| &world.people[p as usize]);
        self.ts.clear();
        match self.format {
            OutputFormat::WhatsApp => {
                let (y, mo, d, h, mi, _) = civil(m.ts + CHINA);
                let _ = write!(self.ts, "{d:02}/{mo:02}/{y:04}, {h:02}:{mi:02} - ");
            }
            _ => rfc3339(&mut self.ts, m.ts, m.millis, chat.utc),
        }
        match &mut self.out {
            Out::Plain(out) if self.format == OutputFormat::WhatsApp => {
                out.write_all(self.ts.as_bytes())?;
                if let Some(p) = sender {
                    out.write_all(p.name.as_bytes())?;
                    out.write_all(b": ")?;
                }
                out.write_all(m.text.as_bytes())?;
                out.write_all(b"\n")
            }
            Out::Plain(out) => {
                if self.announced.len() <= m.chat {
                    self.announced.resize(m.chat + 1, false);
                }
                let first = !std::mem::replace(&mut self.announced[m.chat], true);
                let line = JsonLine {
                    id: m.id,
                    conversation: &chat.id,
                    conversation_title: first.then_some(chat.title.as_str()),
                    sender: sender.map(|p| p.id.as_str()),
                    sender_name: sender.map(|p| p.name.as_str()),
                    timestamp: &self.ts,
                    kind: m.kind.as_str(),
                    text: &m.text,
                    amount: (!m.amount.is_empty()).then_some(m.amount.as_str()),
                    currency: m.currency,
                    attachments: m.attachment.as_ref().map(|a| [JsonAttachment { name: &a.name, mime: a.mime, size: a.size }]),
                    reply_to: m.reply_to,
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")
            }
            Out::Csv(w) => {
                self.id.clear();
                let _ = write!(self.id, "{}", m.id);
                self.reply.clear();
                if let Some(r) = m.reply_to {
                    let _ = write!(self.reply, "{r}");
                }
                w.write_record([
                    self.id.as_str(),
                    &chat.id,
                    sender.map_or("", |p| p.id.as_str()),
                    sender.map_or("", |p| p.name.as_str()),
                    &self.ts,
                    m.kind.as_str(),
                    &m.text,
                    &m.amount,
                    m.currency.unwrap_or(""),
                    m.attachment.as_ref().map_or("", |a| a.name.as_str()),
                    &self.reply,
                ])?;
                Ok(())
            }
        }
    }

    /// Flush and return the number of bytes written.
    pub(super) fn finish(self) -> io::Result<u64> {
        let mut counting = match self.out {
            Out::Plain(c) => c,
            Out::Csv(w) => w.into_inner().map_err(|e| e.into_error())?,
        };
        counting.flush()?;
        Ok(counting.bytes)
    }
}

/// `2024-03-04T09:15:27+08:00`, or in UTC `2024-03-04T01:15:27.123Z`.
fn rfc3339(out: &mut String, ts: i64, millis: Option<u16>, utc: bool) {
    let (y, mo, d, h, mi, s) = civil(if utc { ts } else { ts + CHINA });
    let _ = write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    if let Some(ms) = millis {
        let _ = write!(out, ".{ms:03}");
    }
    out.push_str(if utc { "Z" } else { "+08:00" });
}
