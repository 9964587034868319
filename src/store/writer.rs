//! Writing one source in one transaction.
//!
//! Importers stream records into a [`SourceWriter`]; it resolves the export's
//! own ids (conversation and participant external ids) to row ids with small
//! in-memory maps, so memory stays bounded by the number of chats and people,
//! never by the number of messages. Nothing is visible to other connections
//! until [`SourceWriter::finish`] commits; dropping the writer rolls back.
//!
//! Bulk imports are the hot path (1M messages in ~4 s of CPU): the writer
//! turns off foreign-key checks it cannot fail and, for a source that is
//! large next to the workspace, builds the message indexes once at the end
//! instead of row by row. Both are undone before anyone else sees the data.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::StoreError;
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, MessageKind, MessageRecord, ParticipantRecord, Skip,
};

/// How many skipped records a summary lists; all are stored.
const SUMMARY_SKIPS: usize = 200;
/// How often (in messages) the progress callback is called.
const PROGRESS_EVERY: u64 = 4096;
/// A lower bound of export bytes per message (generic JSONL ≈ 235, WhatsApp
/// txt ≈ 70–100), to guess from a source's size whether it is big next to
/// what the workspace already holds.
const MIN_BYTES_PER_MESSAGE: u64 = 64;

/// What is known about a source before its records are read.
#[derive(Debug, Clone)]
pub struct SourceMeta {
    pub path: String,
    pub format: String,
    /// Platform name stored on conversations and participants (`whatsapp`, `wechat`, …).
    pub platform: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub importer_version: String,
    pub time_zone: String,
}

/// What one import wrote.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, ts_rs::TS)]
pub struct SourceSummary {
    pub source_id: i64,
    pub path: String,
    pub format: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub time_zone: String,
    pub conversations: u64,
    pub participants: u64,
    pub messages: u64,
    pub attachments: u64,
    pub skipped: u64,
    /// Messages per kind.
    pub kinds: BTreeMap<String, u64>,
    /// The first skipped records with their reasons (all are in `skipped_records`).
    pub skips: Vec<Skip>,
}

pub struct SourceWriter<'c> {
    /// The connection, inside the transaction this writer opened.
    tx: &'c Connection,
    /// False once committed; `Drop` rolls back an open transaction.
    open: bool,
    /// Foreign keys were on before `begin` and are turned on again by `Drop`.
    foreign_keys: bool,
    /// `PRAGMA temp_store` before `begin`, set again by `Drop`.
    temp_store: i64,
    /// `CREATE INDEX` statements of the message indexes dropped for a bulk
    /// import, run again before commit (see `defer_indexes`).
    deferred_indexes: RefCell<Vec<String>>,
    meta: SourceMeta,
    source_id: i64,
    conversations: HashMap<String, i64>,
    participants: HashMap<String, i64>,
    /// Names stored per participant (usually one), to write each once.
    names_seen: HashMap<i64, Vec<String>>,
    /// Reused buffer for the message locator.
    locator: String,
    messages: u64,
    attachments: u64,
    skipped: u64,
    kinds: BTreeMap<MessageKind, u64>,
    skips: Vec<Skip>,
    progress: Option<Box<dyn FnMut(u64) + 'c>>,
}

impl<'c> SourceWriter<'c> {
    pub(super) fn begin(conn: &'c mut Connection, meta: SourceMeta) -> Result<Self, StoreError> {
        let tx: &'c Connection = conn;
        // Every id the writer stores in a reference column comes from a row
        // it inserted (or found) in this same transaction, so SQLite's
        // foreign-key checks (three parent look-ups per message) cannot
        // fail here; they cost 0.7 s of 6.0 s CPU per 1M messages
        // (BENCHMARKS.md). The pragma is a no-op inside a transaction, so it
        // is switched before BEGIN and back by `Drop`.
        let foreign_keys: bool = tx.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        // Rebuilding deferred indexes sorts every row; with temp_store =
        // MEMORY the sorter's overflow stays in RAM (a 1 GB import peaked at
        // 289 MB), in files it is bounded by the cache size (141 MB).
        let temp_store: i64 = tx.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        let begun = tx.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE; BEGIN");
        if let Err(e) = begun {
            restore_pragmas(tx, foreign_keys, temp_store);
            return Err(e.into());
        }
        // From here on `Drop` rolls back and restores the pragmas.
        let mut w = Self {
            tx,
            open: true,
            foreign_keys,
            temp_store,
            deferred_indexes: RefCell::new(Vec::new()),
            meta,
            source_id: 0,
            conversations: HashMap::new(),
            participants: HashMap::new(),
            names_seen: HashMap::new(),
            locator: String::new(),
            messages: 0,
            attachments: 0,
            skipped: 0,
            kinds: BTreeMap::new(),
            skips: Vec::new(),
            progress: None,
        };
        w.insert_source()?;
        w.defer_indexes()?;
        Ok(w)
    }

    /// For an import that is large next to the workspace, drop the indexes
    /// on `messages` and `attachments` now and build them again in
    /// [`finish`](Self::finish), in the same transaction (other connections
    /// never see the workspace without them). Inserting into an index costs
    /// a B-tree descent and page splits at ~800 places at once (one per chat
    /// and per sender); building it afterwards is one sort. For 1M messages
    /// into an empty workspace this saved 1.0 s of 5.3 s CPU (BENCHMARKS.md).
    /// Rebuilding covers the rows already there too, so it is done only when
    /// the source may at least double the table.
    fn defer_indexes(&mut self) -> Result<(), StoreError> {
        let existing: i64 = self.tx.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| r.get(0))?;
        let expected = self.meta.size_bytes / MIN_BYTES_PER_MESSAGE;
        if expected < 10_000 || existing as u64 > expected {
            return Ok(());
        }
        let indexes: Vec<(String, String)> = self
            .tx
            .prepare(
                // Unique indexes enforce something and stay.
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name IN ('messages', 'attachments') AND sql IS NOT NULL
                   AND upper(sql) NOT LIKE 'CREATE UNIQUE%'",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (name, sql) in indexes {
            // The name comes from sqlite_schema; quote it all the same.
            self.tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            self.deferred_indexes.borrow_mut().push(sql);
        }
        Ok(())
    }

    /// Build the indexes dropped by `defer_indexes`, if any.
    fn restore_indexes(&self) -> Result<(), StoreError> {
        let sqls = std::mem::take(&mut *self.deferred_indexes.borrow_mut());
        for sql in sqls {
            self.tx.execute_batch(&sql)?;
        }
        Ok(())
    }

    fn insert_source(&mut self) -> Result<(), StoreError> {
        let meta = &self.meta;
        self.tx.execute(
            "INSERT INTO sources(path, format, size_bytes, sha256, importer_version, imported_at, time_zone)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                meta.path,
                meta.format,
                meta.size_bytes as i64,
                meta.sha256,
                meta.importer_version,
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                meta.time_zone
            ],
        )?;
        self.source_id = self.tx.last_insert_rowid();
        Ok(())
    }

    /// Called with the number of messages written so far, every few thousand messages.
    pub fn on_progress(&mut self, f: impl FnMut(u64) + 'c) {
        self.progress = Some(Box::new(f));
    }

    pub fn source_id(&self) -> i64 {
        self.source_id
    }

    pub fn messages_written(&self) -> u64 {
        self.messages
    }

    /// Declare a conversation, or add a title/kind to one already seen.
    pub fn conversation(&mut self, c: &ConversationRecord) -> Result<i64, StoreError> {
        let kind = c.kind.unwrap_or(ConversationKind::Unknown).as_str();
        let id: i64 = self.tx.prepare_cached(
            "INSERT INTO conversations(source_id, platform, external_id, title, kind) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(source_id, external_id) DO UPDATE SET
               title = COALESCE(conversations.title, excluded.title),
               kind = CASE WHEN conversations.kind = 'unknown' THEN excluded.kind ELSE conversations.kind END
             RETURNING id",
        )?
        .query_row(params![self.source_id, self.meta.platform, c.external_id, c.title, kind], |r| r.get(0))?;
        self.conversations.insert(c.external_id.clone(), id);
        Ok(id)
    }

    fn conversation_id(&mut self, external_id: &str) -> Result<i64, StoreError> {
        if let Some(&id) = self.conversations.get(external_id) {
            return Ok(id);
        }
        self.conversation(&ConversationRecord { external_id: external_id.to_string(), title: None, kind: None })
    }

    /// Declare a participant, or add what this record knows to one already seen.
    pub fn participant(&mut self, p: &ParticipantRecord) -> Result<i64, StoreError> {
        let id: i64 = self.tx.prepare_cached(
            "INSERT INTO participants(platform, external_id, display_name, handle, phone, email, is_self)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(platform, external_id) DO UPDATE SET
               display_name = COALESCE(participants.display_name, excluded.display_name),
               handle = COALESCE(participants.handle, excluded.handle),
               phone = COALESCE(participants.phone, excluded.phone),
               email = COALESCE(participants.email, excluded.email),
               is_self = MAX(participants.is_self, excluded.is_self)
             RETURNING id",
        )?
        .query_row(
            params![self.meta.platform, p.external_id, p.display_name, p.handle, p.phone, p.email, p.is_self],
            |r| r.get(0),
        )?;
        self.participants.insert(p.external_id.clone(), id);
        if let Some(name) = &p.display_name {
            self.name_seen(id, name)?;
        }
        Ok(id)
    }

    fn name_seen(&mut self, participant_id: i64, name: &str) -> Result<(), StoreError> {
        let seen = self.names_seen.entry(participant_id).or_default();
        if name.is_empty() || seen.iter().any(|n| n == name) {
            return Ok(());
        }
        seen.push(name.to_string());
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO participant_names(participant_id, name) VALUES (?1, ?2)")?
            .execute(params![participant_id, name])?;
        Ok(())
    }

    fn participant_id(&mut self, external_id: &str, name: Option<&str>) -> Result<i64, StoreError> {
        let id = match self.participants.get(external_id) {
            Some(&id) => id,
            None => self.participant(&ParticipantRecord {
                external_id: external_id.to_string(),
                display_name: name.map(str::to_string),
                ..Default::default()
            })?,
        };
        if let Some(name) = name {
            self.name_seen(id, name)?;
        }
        Ok(id)
    }

    /// Write one message with its attachments; returns its row id.
    pub fn message(&mut self, m: &MessageRecord) -> Result<i64, StoreError> {
        let conversation_id = self.conversation_id(&m.conversation)?;
        let sender_id = match &m.sender {
            Some(s) => Some(self.participant_id(s, m.sender_name.as_deref())?),
            None => None,
        };
        let (ts_ms, offset_min) = match &m.timestamp {
            Some(t) => (Some(t.timestamp_millis()), Some(t.offset().local_minus_utc() / 60)),
            None => (None, None),
        };
        let pay = m.payment.as_ref();
        let extra = m.extra.as_ref().map(|v| v.to_string());
        self.locator.clear();
        let _ = write!(self.locator, "{}", m.locator);
        self.tx
            .prepare_cached(
                "INSERT INTO messages(source_id, conversation_id, sender_id, sender_name, external_id,
                   ts_utc_ms, ts_offset_min, ts_offset_assumed, kind, text, reply_to, forwarded_from,
                   edited, deleted, amount, currency, payment_status, payment_memo, transfer_id, locator, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            )?
            .execute(params![
                self.source_id,
                conversation_id,
                sender_id,
                m.sender_name,
                m.external_id,
                ts_ms,
                offset_min,
                m.offset_assumed && m.timestamp.is_some(),
                m.kind.as_str(),
                m.text,
                m.reply_to,
                m.forwarded_from,
                m.edited,
                m.deleted,
                pay.and_then(|p| p.amount.as_deref()),
                pay.and_then(|p| p.currency.as_deref()),
                pay.and_then(|p| p.status.as_deref()),
                pay.and_then(|p| p.memo.as_deref()),
                pay.and_then(|p| p.transfer_id.as_deref()),
                self.locator,
                extra,
            ])?;
        let message_id = self.tx.last_insert_rowid();
        for a in &m.attachments {
            self.attachment(message_id, a)?;
        }
        self.messages += 1;
        *self.kinds.entry(m.kind).or_default() += 1;
        if self.messages % PROGRESS_EVERY == 0 {
            if let Some(p) = self.progress.as_mut() {
                p(self.messages);
            }
        }
        Ok(message_id)
    }

    fn attachment(&mut self, message_id: i64, a: &AttachmentRecord) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO attachments(message_id, file_name, mime, size_bytes, sha256, export_path)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![message_id, a.file_name, a.mime, a.size.map(|s| s as i64), a.sha256, a.export_path])?;
        self.attachments += 1;
        Ok(())
    }

    /// Record a file read inside a folder or archive source.
    pub fn source_file(&mut self, path: &str, size: u64, sha256: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO source_files(source_id, path, size_bytes, sha256) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![self.source_id, path, size as i64, sha256])?;
        Ok(())
    }

    /// Record a record that could not be imported, with its reason.
    pub fn skip(&mut self, locator: &str, reason: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT INTO skipped_records(source_id, locator, reason) VALUES (?1, ?2, ?3)")?
            .execute(params![self.source_id, locator, reason])?;
        self.skipped += 1;
        if self.skips.len() < SUMMARY_SKIPS {
            self.skips.push(Skip { locator: locator.to_string(), reason: reason.to_string() });
        }
        Ok(())
    }

    /// Look up a message of this source by its external id (for importers
    /// that must attach something to an earlier message).
    pub fn message_id_by_external(&self, conversation: &str, external_id: &str) -> Result<Option<i64>, StoreError> {
        let Some(&cid) = self.conversations.get(conversation) else { return Ok(None) };
        // Without its index this look-up would scan the whole table.
        self.restore_indexes()?;
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM messages WHERE conversation_id = ?1 AND external_id = ?2 LIMIT 1")?
            .query_row(params![cid, external_id], |r| r.get(0))
            .optional()?)
    }

    /// Append an audit entry in this source's transaction, so the import and
    /// its record commit together.
    pub fn audit(&self, actor: &str, action: &str, after: &serde_json::Value) -> Result<(), StoreError> {
        crate::audit::append(self.tx, actor, action, "source", self.source_id, None, Some(after))?;
        Ok(())
    }

    /// Commit the source and return what was written.
    pub fn finish(mut self, actor: &str) -> Result<SourceSummary, StoreError> {
        let conversations = self.conversations.len() as u64;
        let participants = self.participants.len() as u64;
        self.restore_indexes()?;
        self.tx.execute(
            "UPDATE sources SET conversations = ?2, participants = ?3, messages = ?4, attachments = ?5, skipped = ?6
             WHERE id = ?1",
            params![
                self.source_id,
                conversations as i64,
                participants as i64,
                self.messages as i64,
                self.attachments as i64,
                self.skipped as i64
            ],
        )?;
        let summary_json = serde_json::json!({
            "path": self.meta.path, "format": self.meta.format, "sha256": self.meta.sha256,
            "size_bytes": self.meta.size_bytes, "time_zone": self.meta.time_zone,
            "conversations": conversations, "participants": participants, "messages": self.messages,
            "attachments": self.attachments, "skipped": self.skipped,
        });
        self.audit(actor, "source.import", &summary_json)?;
        self.tx.execute_batch("COMMIT")?;
        self.open = false;
        Ok(SourceSummary {
            source_id: self.source_id,
            path: std::mem::take(&mut self.meta.path),
            format: std::mem::take(&mut self.meta.format),
            sha256: std::mem::take(&mut self.meta.sha256),
            size_bytes: self.meta.size_bytes,
            time_zone: std::mem::take(&mut self.meta.time_zone),
            conversations,
            participants,
            messages: self.messages,
            attachments: self.attachments,
            skipped: self.skipped,
            kinds: std::mem::take(&mut self.kinds).into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
            skips: std::mem::take(&mut self.skips),
        })
    }
}

impl Drop for SourceWriter<'_> {
    /// Not committed: leave the workspace exactly as it was.
    fn drop(&mut self) {
        if self.open {
            let _ = self.tx.execute_batch("ROLLBACK");
        }
        restore_pragmas(self.tx, self.foreign_keys, self.temp_store);
    }
}

/// Undo the connection settings `SourceWriter::begin` changed (outside any
/// transaction, where pragmas take effect).
fn restore_pragmas(conn: &Connection, foreign_keys: bool, temp_store: i64) {
    // Both values come from SQLite itself (a bool and 0–2), never from input.
    let _ = conn.execute_batch(&format!(
        "PRAGMA foreign_keys = {}; PRAGMA temp_store = {temp_store};",
        if foreign_keys { "ON" } else { "OFF" }
    ));
}
