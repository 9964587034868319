//! What a reviewer reads around a hit: the conversation window (paged both
//! ways), the messages of a case with their hits, and a sender's history.
//!
//! Messages are ordered by (UTC time, id); offsets handed out are UTF-16.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases::{summary_row, CaseSummary, SUMMARY_SELECT};
use super::privacy::NameView;
use super::ReviewError;
use crate::store::queries::format_timestamp;
use crate::text::utf16::Utf16Span;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HitMark {
    pub hit_id: i64,
    pub pack: String,
    pub red_line: String,
    pub rule: String,
    pub severity: String,
    pub terms: Vec<String>,
    pub normalizations: Vec<String>,
    /// UTF-16 spans in the message text.
    pub spans: Vec<Utf16Span>,
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentInfo {
    /// Id for `Request::Attachment` (the file's bytes).
    pub id: i64,
    pub file_name: String,
    pub mime: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub export_path: Option<String>,
}

/// A message as the review screens show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MessageItem {
    pub id: i64,
    pub conversation_id: i64,
    pub conversation: String,
    pub sender_id: Option<i64>,
    pub sender: Option<String>,
    /// RFC 3339 in the original offset.
    pub timestamp: Option<String>,
    pub offset_assumed: bool,
    pub kind: String,
    pub text: String,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub payment_status: Option<String>,
    pub edited: bool,
    pub deleted: bool,
    pub reply_to: Option<String>,
    pub forwarded_from: Option<String>,
    pub external_id: Option<String>,
    pub locator: String,
    pub source: String,
    pub source_sha256: String,
    pub attachments: Vec<AttachmentInfo>,
    pub hits: Vec<HitMark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConversationWindow {
    pub conversation_id: i64,
    pub conversation: String,
    pub messages: Vec<MessageItem>,
    pub has_more_before: bool,
    pub has_more_after: bool,
}

const MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, coalesce(c.title, c.external_id), m.sender_id,
    coalesce(m.sender_name, p.display_name, p.external_id), m.ts_utc_ms, m.ts_offset_min, m.ts_offset_assumed, m.kind, m.text,
    m.amount, m.currency, m.payment_status, m.edited, m.deleted, m.reply_to, m.forwarded_from, m.external_id, m.locator,
    s.path, s.sha256
    FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN sources s ON s.id = m.source_id
    LEFT JOIN participants p ON p.id = m.sender_id";

fn message_row(r: &rusqlite::Row, names: &NameView) -> rusqlite::Result<MessageItem> {
    let sender_id: Option<i64> = r.get(3)?;
    Ok(MessageItem {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        conversation: r.get(2)?,
        sender_id,
        sender: names.name(sender_id, r.get(4)?),
        timestamp: format_timestamp(r.get(5)?, r.get(6)?),
        offset_assumed: r.get(7)?,
        kind: r.get(8)?,
        text: r.get(9)?,
        amount: r.get(10)?,
        currency: r.get(11)?,
        payment_status: r.get(12)?,
        edited: r.get(13)?,
        deleted: r.get(14)?,
        reply_to: r.get(15)?,
        forwarded_from: r.get(16)?,
        external_id: r.get(17)?,
        locator: r.get(18)?,
        source: r.get(19)?,
        source_sha256: r.get(20)?,
        attachments: Vec::new(),
        hits: Vec::new(),
    })
}

/// Fill in attachments and live hits.
fn complete(conn: &Connection, mut items: Vec<MessageItem>) -> Result<Vec<MessageItem>, ReviewError> {
    let mut att = conn.prepare_cached(
        "SELECT file_name, mime, size_bytes, sha256, export_path, id FROM attachments WHERE message_id = ?1 ORDER BY id",
    )?;
    let mut hits = conn.prepare_cached(
        "SELECT id, pack_id, red_line, rule_id, severity, terms, normalizations, spans_utf16, conditions
         FROM hits WHERE message_id = ?1 AND retracted_scan_id IS NULL ORDER BY id",
    )?;
    let list = |s: String| -> Vec<String> { serde_json::from_str(&s).unwrap_or_default() };
    for m in &mut items {
        m.attachments = att
            .query_map([m.id], |r| {
                Ok(AttachmentInfo { id: r.get(5)?, file_name: r.get(0)?, mime: r.get(1)?, size_bytes: r.get(2)?, sha256: r.get(3)?, export_path: r.get(4)? })
            })?
            .collect::<Result<_, _>>()?;
        m.hits = hits
            .query_map([m.id], |r| {
                Ok(HitMark {
                    hit_id: r.get(0)?,
                    pack: r.get(1)?,
                    red_line: r.get(2)?,
                    rule: r.get(3)?,
                    severity: r.get(4)?,
                    terms: list(r.get(5)?),
                    normalizations: list(r.get(6)?),
                    spans: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                    conditions: list(r.get(8)?),
                })
            })?
            .collect::<Result<_, _>>()?;
    }
    Ok(items)
}

pub fn message(conn: &Connection, names: &NameView, id: i64) -> Result<MessageItem, ReviewError> {
    let m = conn
        .query_row(&format!("{MESSAGE_SELECT} WHERE m.id = ?1"), [id], |r| message_row(r, names))
        .optional()?
        .ok_or_else(|| ReviewError::not_found("message", id))?;
    Ok(complete(conn, vec![m])?.remove(0))
}

/// Messages of a conversation strictly before or after an anchor message.
fn side(conn: &Connection, names: &NameView, anchor: &MessageItem, ts: Option<i64>, before: bool, n: i64) -> Result<(Vec<MessageItem>, bool), ReviewError> {
    let (cmp, order) = if before { ("<", "DESC") } else { (">", "ASC") };
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.conversation_id = ?1
           AND (coalesce(m.ts_utc_ms, -9223372036854775808), m.id) {cmp} (coalesce(?2, -9223372036854775808), ?3)
         ORDER BY coalesce(m.ts_utc_ms, -9223372036854775808) {order}, m.id {order} LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows: Vec<MessageItem> =
        stmt.query_map(params![anchor.conversation_id, ts, anchor.id, n + 1], |r| message_row(r, names))?.collect::<Result<_, _>>()?;
    let more = rows.len() as i64 > n;
    rows.truncate(n as usize);
    if before {
        rows.reverse();
    }
    Ok((rows, more))
}

fn ts_of(conn: &Connection, id: i64) -> Result<Option<i64>, ReviewError> {
    Ok(conn.query_row("SELECT ts_utc_ms FROM messages WHERE id = ?1", [id], |r| r.get(0))?)
}

/// `before` and `after` messages around `message_id` in its conversation.
pub fn window(conn: &Connection, names: &NameView, message_id: i64, before: i64, after: i64) -> Result<ConversationWindow, ReviewError> {
    let anchor = message(conn, names, message_id)?;
    let ts = ts_of(conn, message_id)?;
    let (mut msgs, more_before) = side(conn, names, &anchor, ts, true, before.clamp(0, 500))?;
    let (after_msgs, more_after) = side(conn, names, &anchor, ts, false, after.clamp(0, 500))?;
    msgs.push(anchor.clone());
    msgs.extend(after_msgs);
    Ok(ConversationWindow {
        conversation_id: anchor.conversation_id,
        conversation: anchor.conversation.clone(),
        messages: complete(conn, msgs)?,
        has_more_before: more_before,
        has_more_after: more_after,
    })
}

/// The next page before or after a message (for scrolling either way).
pub fn page(conn: &Connection, names: &NameView, message_id: i64, before: bool, n: i64) -> Result<ConversationWindow, ReviewError> {
    let anchor = message(conn, names, message_id)?;
    let ts = ts_of(conn, message_id)?;
    let (msgs, more) = side(conn, names, &anchor, ts, before, n.clamp(1, 500))?;
    Ok(ConversationWindow {
        conversation_id: anchor.conversation_id,
        conversation: anchor.conversation,
        messages: complete(conn, msgs)?,
        has_more_before: before && more,
        has_more_after: !before && more,
    })
}

/// The messages of a case, in conversation order, with their hits.
pub fn case_messages(conn: &Connection, names: &NameView, case_id: i64) -> Result<Vec<MessageItem>, ReviewError> {
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.id IN ({})
         ORDER BY m.conversation_id, coalesce(m.ts_utc_ms, -9223372036854775808), m.id",
        case_message_ids_of!("?1")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([case_id], |r| message_row(r, names))?.collect::<Result<Vec<_>, _>>()?;
    complete(conn, rows)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SenderHistory {
    pub participant_id: i64,
    pub name: Option<String>,
    pub pseudonymised: bool,
    pub messages: i64,
    /// Live hits per red line.
    pub hits_by_red_line: Vec<(String, i64)>,
    pub cases: Vec<CaseSummary>,
}

pub fn sender_history(conn: &Connection, names: &NameView, participant_id: i64) -> Result<SenderHistory, ReviewError> {
    let real: Option<String> = conn
        .query_row("SELECT coalesce(display_name, external_id) FROM participants WHERE id = ?1", [participant_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| ReviewError::not_found("participant", participant_id))?;
    let messages: i64 = conn.query_row("SELECT count(*) FROM messages WHERE sender_id = ?1", [participant_id], |r| r.get(0))?;
    let hits_by_red_line = conn
        .prepare(
            "SELECT h.red_line, count(*) FROM hits h JOIN messages m ON m.id = h.message_id
             WHERE m.sender_id = ?1 AND h.retracted_scan_id IS NULL GROUP BY h.red_line ORDER BY 2 DESC, 1",
        )?
        .query_map([participant_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let sql = format!("{SUMMARY_SELECT} WHERE c.sender_id = ?1 AND c.merged_into IS NULL ORDER BY c.id");
    let cases = conn.prepare(&sql)?.query_map([participant_id], |r| summary_row(r, names))?.collect::<Result<_, _>>()?;
    Ok(SenderHistory {
        participant_id,
        name: names.name(Some(participant_id), real),
        pseudonymised: names.is_pseudonymised(participant_id),
        messages,
        hits_by_red_line,
        cases,
    })
}
