//! Read queries over the evidence tables: what was imported, and the stored
//! messages in a shape tests and the CLI can use.

use chrono::{FixedOffset, TimeZone, Utc};
use rusqlite::params;
use serde::Serialize;

use super::{Store, StoreError};

/// A row of `sources`, as `redline sources` shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceRow {
    pub id: i64,
    pub path: String,
    pub format: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub importer_version: String,
    pub imported_at: String,
    pub time_zone: String,
    pub conversations: i64,
    pub participants: i64,
    pub messages: i64,
    pub attachments: i64,
    pub skipped: i64,
}

/// A stored message with its names resolved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredMessage {
    pub id: i64,
    pub source_id: i64,
    pub conversation: String,
    pub conversation_title: Option<String>,
    pub conversation_kind: String,
    pub sender: Option<String>,
    pub sender_name: Option<String>,
    pub external_id: Option<String>,
    pub ts_utc_ms: Option<i64>,
    pub ts_offset_min: Option<i32>,
    pub timestamp: Option<String>,
    pub kind: String,
    pub text: String,
    pub reply_to: Option<String>,
    pub forwarded_from: Option<String>,
    pub edited: bool,
    pub deleted: bool,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub payment_status: Option<String>,
    pub locator: String,
    pub attachments: Vec<StoredAttachment>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredAttachment {
    pub file_name: String,
    pub mime: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub export_path: Option<String>,
}

/// Totals over the whole workspace.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Totals {
    pub sources: i64,
    pub conversations: i64,
    pub participants: i64,
    pub messages: i64,
    pub attachments: i64,
    pub skipped: i64,
}

/// RFC 3339 in the original offset, from the stored UTC millis and offset.
pub fn format_timestamp(ts_ms: Option<i64>, offset_min: Option<i32>) -> Option<String> {
    let ts = ts_ms?;
    let offset = FixedOffset::east_opt(offset_min.unwrap_or(0) * 60)?;
    let utc = Utc.timestamp_millis_opt(ts).single()?;
    Some(utc.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

impl Store {
    pub fn sources(&self) -> Result<Vec<SourceRow>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, path, format, size_bytes, sha256, importer_version, imported_at, time_zone,
                    conversations, participants, messages, attachments, skipped
             FROM sources ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SourceRow {
                id: r.get(0)?,
                path: r.get(1)?,
                format: r.get(2)?,
                size_bytes: r.get(3)?,
                sha256: r.get(4)?,
                importer_version: r.get(5)?,
                imported_at: r.get(6)?,
                time_zone: r.get(7)?,
                conversations: r.get(8)?,
                participants: r.get(9)?,
                messages: r.get(10)?,
                attachments: r.get(11)?,
                skipped: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The source already imported with this SHA-256, if any.
    pub fn source_by_sha256(&self, sha256: &str) -> Result<Option<SourceRow>, StoreError> {
        Ok(self.sources()?.into_iter().find(|s| s.sha256 == sha256))
    }

    pub fn totals(&self) -> Result<Totals, StoreError> {
        let c = self.conn();
        let count = |sql: &str| -> Result<i64, StoreError> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        Ok(Totals {
            sources: count("SELECT count(*) FROM sources")?,
            conversations: count("SELECT count(*) FROM conversations")?,
            participants: count("SELECT count(*) FROM participants")?,
            messages: count("SELECT count(*) FROM messages")?,
            attachments: count("SELECT count(*) FROM attachments")?,
            skipped: count("SELECT count(*) FROM skipped_records")?,
        })
    }

    /// Skipped records of a source, with their reasons.
    pub fn skipped_records(&self, source_id: i64) -> Result<Vec<crate::model::Skip>, StoreError> {
        let mut stmt =
            self.conn().prepare("SELECT locator, reason FROM skipped_records WHERE source_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([source_id], |r| Ok(crate::model::Skip { locator: r.get(0)?, reason: r.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every message of a source in import order.
    pub fn messages_of_source(&self, source_id: i64) -> Result<Vec<StoredMessage>, StoreError> {
        self.stored_messages("m.source_id = ?1", source_id)
    }

    pub fn message(&self, id: i64) -> Result<Option<StoredMessage>, StoreError> {
        Ok(self.stored_messages("m.id = ?1", id)?.pop())
    }

    fn stored_messages(&self, filter: &str, arg: i64) -> Result<Vec<StoredMessage>, StoreError> {
        let sql = format!(
            "SELECT m.id, m.source_id, c.external_id, c.title, c.kind, p.external_id, m.sender_name, m.external_id,
                    m.ts_utc_ms, m.ts_offset_min, m.kind, m.text, m.reply_to, m.forwarded_from, m.edited, m.deleted,
                    m.amount, m.currency, m.payment_status, m.locator
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             LEFT JOIN participants p ON p.id = m.sender_id
             WHERE {filter} ORDER BY m.id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([arg], |r| {
            let ts: Option<i64> = r.get(8)?;
            let off: Option<i32> = r.get(9)?;
            Ok(StoredMessage {
                id: r.get(0)?,
                source_id: r.get(1)?,
                conversation: r.get(2)?,
                conversation_title: r.get(3)?,
                conversation_kind: r.get(4)?,
                sender: r.get(5)?,
                sender_name: r.get(6)?,
                external_id: r.get(7)?,
                ts_utc_ms: ts,
                ts_offset_min: off,
                timestamp: format_timestamp(ts, off),
                kind: r.get(10)?,
                text: r.get(11)?,
                reply_to: r.get(12)?,
                forwarded_from: r.get(13)?,
                edited: r.get(14)?,
                deleted: r.get(15)?,
                amount: r.get(16)?,
                currency: r.get(17)?,
                payment_status: r.get(18)?,
                locator: r.get(19)?,
                attachments: Vec::new(),
            })
        })?;
        let mut out: Vec<StoredMessage> = rows.collect::<Result<_, _>>()?;
        let mut att = self.conn().prepare_cached(
            "SELECT file_name, mime, size_bytes, sha256, export_path FROM attachments WHERE message_id = ?1 ORDER BY id",
        )?;
        for m in &mut out {
            let rows = att.query_map(params![m.id], |r| {
                Ok(StoredAttachment {
                    file_name: r.get(0)?,
                    mime: r.get(1)?,
                    size_bytes: r.get(2)?,
                    sha256: r.get(3)?,
                    export_path: r.get(4)?,
                })
            })?;
            m.attachments = rows.collect::<Result<_, _>>()?;
        }
        Ok(out)
    }
}
