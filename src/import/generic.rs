//! Generic JSON Lines and CSV: the documented schema through which any other
//! tool can feed Redline.
//!
//! Fields (JSONL keys or CSV header names, case-insensitive in CSV):
//! `id, conversation, sender, timestamp, kind, text, amount, currency,
//! attachments` — plus the optional `sender_name, conversation_title,
//! reply_to, edited, deleted`. In JSONL `attachments` is an array of
//! `{name, mime?, size?, sha256?}`; in CSV it is `;`-separated names.
//! `timestamp` is RFC 3339; a time without an offset is read in `--tz`.
//! A line that cannot be read is skipped with its line number and reason.

use std::io::{BufRead, BufReader};

use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde_json::Value;

use super::csv_rows::CsvRows;
use super::formats::Probe;
use super::money::parse_amount;
use super::tree::SourceTree;
use super::{ImportCtx, ImportError};
use crate::model::{AttachmentRecord, Locator, MessageKind, MessageRecord, Payment, Timestamp};

#[derive(Debug, Deserialize)]
struct JsonRow {
    id: Option<Value>,
    conversation: Option<Value>,
    conversation_title: Option<String>,
    sender: Option<Value>,
    sender_name: Option<String>,
    timestamp: Option<String>,
    kind: Option<String>,
    text: Option<String>,
    amount: Option<Value>,
    currency: Option<String>,
    #[serde(default)]
    attachments: Vec<JsonAttachment>,
    reply_to: Option<Value>,
    #[serde(default)]
    edited: bool,
    #[serde(default)]
    deleted: bool,
}

#[derive(Debug, Deserialize)]
struct JsonAttachment {
    name: String,
    mime: Option<String>,
    size: Option<u64>,
    sha256: Option<String>,
}

/// A JSON id may be a number or a string; we store text.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

pub fn sniff_jsonl(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let Some(first) = p.text().lines().find(|l| !l.trim().is_empty()) else { return false };
    match serde_json::from_str::<Value>(first) {
        Ok(Value::Object(o)) => o.contains_key("conversation") && (o.contains_key("text") || o.contains_key("kind")),
        _ => false,
    }
}

pub fn sniff_csv(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let Some(header) = p.text().lines().next() else { return false };
    let cols: Vec<String> = header.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    ["conversation", "sender", "timestamp", "text"].iter().all(|k| cols.iter().any(|c| c == k))
}

/// Read a timestamp: RFC 3339 with offset, or a naive time in the source's zone.
fn parse_time(ctx: &ImportCtx, s: &str) -> Result<(Timestamp, bool), String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok((t, false));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return ctx.local_time(n).map(|t| (t, true)).ok_or_else(|| format!("time {s:?} does not exist in {}", ctx.tz()));
        }
    }
    Err(format!("timestamp {s:?} is not RFC 3339 (e.g. 2026-03-02T09:15:00+08:00)"))
}

fn kind_of(kind: Option<&str>) -> (MessageKind, Option<String>) {
    match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => (MessageKind::Text, None),
        Some(k) => match MessageKind::parse(&k.to_ascii_lowercase()) {
            Some(kind) => (kind, None),
            None => (MessageKind::Other, Some(k.to_string())),
        },
    }
}

fn payment(amount: Option<String>, currency: Option<String>) -> Result<Option<Payment>, String> {
    let Some(raw) = amount.filter(|a| !a.trim().is_empty()) else {
        return Ok(currency.filter(|c| !c.is_empty()).map(|c| Payment { currency: Some(c), ..Default::default() }));
    };
    let a = parse_amount(&raw).ok_or_else(|| format!("amount {raw:?} is not a number"))?;
    Ok(Some(Payment {
        amount: Some(a.value),
        currency: currency.filter(|c| !c.is_empty()).or(a.currency),
        ..Default::default()
    }))
}

pub fn import_jsonl(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let name = tree.entries()[0].path.clone();
    let origin = tree.origin().to_path_buf();
    let mut reader = BufReader::with_capacity(1 << 20, tree.open(&name)?);
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| ImportError::Io { path: origin.clone(), source: e })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let at = Locator::line(&name, line_no);
        let line = match std::str::from_utf8(&buf) {
            Ok(l) => l.trim_start_matches('\u{feff}').trim(),
            Err(e) => {
                ctx.skip(&at, format!("not valid UTF-8 at byte {}", e.valid_up_to()))?;
                continue;
            }
        };
        if line.is_empty() {
            continue;
        }
        let row: JsonRow = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                ctx.skip(&at, format!("not a message object: {e}"))?;
                continue;
            }
        };
        let title = row.conversation_title.clone().filter(|t| !t.trim().is_empty());
        match jsonl_message(ctx, row, at.clone()) {
            Ok(m) => {
                // A title names the conversation (the id may be a code).
                if let Some(title) = title {
                    ctx.conversation(&crate::model::ConversationRecord { external_id: m.conversation.clone(), title: Some(title), kind: None })?;
                }
                ctx.message(&m)?;
            }
            Err(reason) => ctx.skip(&at, reason)?,
        }
    }
    Ok(())
}

fn jsonl_message(ctx: &ImportCtx, row: JsonRow, at: Locator) -> Result<MessageRecord, String> {
    let conversation = row.conversation.as_ref().and_then(value_text).filter(|c| !c.is_empty()).ok_or("no conversation")?;
    let (kind, raw_kind) = kind_of(row.kind.as_deref());
    let mut m = MessageRecord::new(conversation, kind, row.text.unwrap_or_default(), at);
    m.external_id = row.id.as_ref().and_then(value_text);
    m.sender = row.sender.as_ref().and_then(value_text).filter(|s| !s.is_empty());
    m.sender_name = row.sender_name;
    if let Some(ts) = row.timestamp.filter(|t| !t.trim().is_empty()) {
        let (t, assumed) = parse_time(ctx, &ts)?;
        m.timestamp = Some(t);
        m.offset_assumed = assumed;
    }
    m.payment = payment(row.amount.as_ref().and_then(value_text), row.currency)?;
    m.reply_to = row.reply_to.as_ref().and_then(value_text);
    m.edited = row.edited;
    m.deleted = row.deleted;
    m.attachments = row
        .attachments
        .into_iter()
        .map(|a| AttachmentRecord { file_name: a.name, mime: a.mime, size: a.size, sha256: a.sha256, export_path: None })
        .collect();
    let mut extra = serde_json::Map::new();
    if let Some(k) = raw_kind {
        extra.insert("kind".into(), Value::String(k));
    }
    if let Some(t) = row.conversation_title {
        extra.insert("conversation_title".into(), Value::String(t));
    }
    if !extra.is_empty() {
        m.extra = Some(Value::Object(extra));
    }
    Ok(m)
}

/// Column positions of the generic CSV header.
struct Columns {
    id: Option<usize>,
    conversation: usize,
    sender: Option<usize>,
    sender_name: Option<usize>,
    timestamp: Option<usize>,
    kind: Option<usize>,
    text: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    attachments: Option<usize>,
    reply_to: Option<usize>,
}

pub fn import_csv(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let name = tree.entries()[0].path.clone();
    let display = tree.origin().display().to_string();
    let (mut rows, headers) = CsvRows::open(tree.open(&name)?, &name, &display)?;
    let pos = |k: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim().eq_ignore_ascii_case(k));
    let cols = Columns {
        id: pos("id"),
        conversation: pos("conversation").ok_or_else(|| ImportError::malformed(&display, 1, "the header has no `conversation` column"))?,
        sender: pos("sender"),
        sender_name: pos("sender_name"),
        timestamp: pos("timestamp"),
        kind: pos("kind"),
        text: pos("text"),
        amount: pos("amount"),
        currency: pos("currency"),
        attachments: pos("attachments"),
        reply_to: pos("reply_to"),
    };
    while let Some((record, line)) = rows.next(ctx)? {
        let at = Locator::line(&name, line);
        match csv_message(ctx, &cols, &record, at.clone()) {
            Ok(m) => {
                ctx.message(&m)?;
            }
            Err(reason) => ctx.skip(&at, reason)?,
        }
    }
    Ok(())
}

fn csv_message(ctx: &ImportCtx, cols: &Columns, r: &csv::StringRecord, at: Locator) -> Result<MessageRecord, String> {
    let get = |c: Option<usize>| c.and_then(|i| r.get(i)).map(str::to_string).filter(|s| !s.is_empty());
    let conversation = get(Some(cols.conversation)).ok_or("no conversation")?;
    let (kind, raw_kind) = kind_of(get(cols.kind).as_deref());
    let mut m = MessageRecord::new(conversation, kind, get(cols.text).unwrap_or_default(), at);
    m.external_id = get(cols.id);
    m.sender = get(cols.sender);
    m.sender_name = get(cols.sender_name);
    if let Some(ts) = get(cols.timestamp) {
        let (t, assumed) = parse_time(ctx, &ts)?;
        m.timestamp = Some(t);
        m.offset_assumed = assumed;
    }
    m.payment = payment(get(cols.amount), get(cols.currency))?;
    m.reply_to = get(cols.reply_to);
    if let Some(list) = get(cols.attachments) {
        m.attachments = list
            .split(';')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| AttachmentRecord { file_name: n.to_string(), ..Default::default() })
            .collect();
    }
    if let Some(k) = raw_kind {
        m.extra = Some(serde_json::json!({ "kind": k }));
    }
    Ok(m)
}
