//! Writing one source in one transaction.
//!
//! Importers stream records into a [`SourceWriter`]; it resolves the export's
//! own ids (conversation and participant external ids) to row ids with small
//! in-memory maps, so memory stays bounded by the number of chats and people,
//! never by the number of messages. Nothing is visible to other connections
//! until [`SourceWriter::finish`] commits; dropping the writer rolls back.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::StoreError;
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, MessageKind, MessageRecord, ParticipantRecord, Skip,
};

/// How many skipped records a summary lists; all are stored.
const SUMMARY_SKIPS: usize = 200;
/// How often (in messages) the progress callback is called.
const PROGRESS_EVERY: u64 = 4096;

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
    tx: Transaction<'c>,
    meta: SourceMeta,
    source_id: i64,
    conversations: HashMap<String, i64>,
    participants: HashMap<String, i64>,
    names_seen: HashSet<(i64, String)>,
    messages: u64,
    attachments: u64,
    skipped: u64,
    kinds: BTreeMap<MessageKind, u64>,
    skips: Vec<Skip>,
    progress: Option<Box<dyn FnMut(u64) + 'c>>,
}

impl<'c> SourceWriter<'c> {
    pub(super) fn begin(conn: &'c mut Connection, meta: SourceMeta) -> Result<Self, StoreError> {
        let tx = conn.transaction()?;
        tx.execute(
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
        let source_id = tx.last_insert_rowid();
        Ok(Self {
            tx,
            meta,
            source_id,
            conversations: HashMap::new(),
            participants: HashMap::new(),
            names_seen: HashSet::new(),
            messages: 0,
            attachments: 0,
            skipped: 0,
            kinds: BTreeMap::new(),
            skips: Vec::new(),
            progress: None,
        })
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
        if name.is_empty() || self.names_seen.contains(&(participant_id, name.to_string())) {
            return Ok(());
        }
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO participant_names(participant_id, name) VALUES (?1, ?2)")?
            .execute(params![participant_id, name])?;
        self.names_seen.insert((participant_id, name.to_string()));
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
                m.locator.to_string(),
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
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM messages WHERE conversation_id = ?1 AND external_id = ?2 LIMIT 1")?
            .query_row(params![cid, external_id], |r| r.get(0))
            .optional()?)
    }

    /// Append an audit entry in this source's transaction, so the import and
    /// its record commit together.
    pub fn audit(&self, actor: &str, action: &str, after: &serde_json::Value) -> Result<(), StoreError> {
        crate::audit::append(&self.tx, actor, action, "source", self.source_id, None, Some(after))?;
        Ok(())
    }

    /// Commit the source and return what was written.
    pub fn finish(self, actor: &str) -> Result<SourceSummary, StoreError> {
        let conversations = self.conversations.len() as u64;
        let participants = self.participants.len() as u64;
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
        self.tx.commit()?;
        Ok(SourceSummary {
            source_id: self.source_id,
            path: self.meta.path,
            format: self.meta.format,
            sha256: self.meta.sha256,
            size_bytes: self.meta.size_bytes,
            time_zone: self.meta.time_zone,
            conversations,
            participants,
            messages: self.messages,
            attachments: self.attachments,
            skipped: self.skipped,
            kinds: self.kinds.into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
            skips: self.skips,
        })
    }
}
