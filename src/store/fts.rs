//! Building the full-text index and searching it.
//!
//! The index is filled in bulk after messages are committed, never by a
//! trigger during import (a trigger costs ~30× the insert rate, see
//! MEASURED.md). Messages are indexed in id order in batches, each batch in
//! its own transaction together with the high-water mark
//! `meta.fts_indexed_upto`, so an interrupted build resumes where it stopped
//! and reviewers can read and search while it runs. Messages above the mark
//! are still found: search scans that unindexed tail directly.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::fts_tokens::{self, QueryTerm};
use super::{Store, StoreError};
use crate::text::{fold, utf16};

const INDEXED_UPTO: &str = "fts_indexed_upto";
/// Messages per transaction of the index build. Each commit flushes FTS5's
/// pending terms to a new segment that later merges rewrite, and checkpoints
/// the WAL. Together with [`HASH_BYTES`], 1M-message batches took the build
/// of 1M messages from 6.6 s (50,000 per batch, 1 MB hash) to 4.3 s of CPU;
/// 200,000 per batch gave 4.7 s (BENCHMARKS.md). An interrupted build loses
/// at most one batch (~5 s of work). Memory does not grow with the batch:
/// pending terms are flushed at `HASH_BYTES` anyway.
const BATCH: i64 = 1_000_000;
/// How often (in messages) `index_pending` reports progress within a batch.
const PROGRESS_EVERY: u64 = 50_000;
/// FTS5's `hashsize`: pending terms are flushed to a new segment when they
/// exceed it. The default (1 MB) flushes a small segment every few thousand
/// messages, which merges then rewrite; 16–32 MB saved ~1.5 s of 7.4 s CPU
/// per 1M messages and adds up to ~40 MB to the peak RSS (74 → 114 MB with
/// 1M-message batches; BENCHMARKS.md).
const HASH_BYTES: i64 = 32 << 20;

/// Where the index stands.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct IndexStatus {
    /// Highest message id in the index.
    pub indexed_upto: i64,
    /// Messages not yet indexed.
    pub pending: u64,
}

/// One search result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchHit {
    pub message_id: i64,
    pub conversation: String,
    pub sender: Option<String>,
    /// RFC 3339 in the message's original offset.
    pub timestamp: Option<String>,
    pub kind: String,
    pub text: String,
    /// Matched ranges in `text`, UTF-16 code units (for the UI).
    pub spans: Vec<utf16::Utf16Span>,
    /// Matched ranges in `text`, bytes (for Rust callers, e.g. the terminal).
    #[serde(skip)]
    pub byte_spans: Vec<(usize, usize)>,
    pub locator: String,
    pub source: String,
}

impl Store {
    pub fn index_status(&self) -> Result<IndexStatus, StoreError> {
        let upto = self.indexed_upto()?;
        let pending: i64 =
            self.conn().query_row("SELECT count(*) FROM messages WHERE id > ?1", [upto], |r| r.get(0))?;
        Ok(IndexStatus { indexed_upto: upto, pending: pending as u64 })
    }

    fn indexed_upto(&self) -> Result<i64, StoreError> {
        Ok(self.meta_get(INDEXED_UPTO)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Index every message not yet in the full-text index. `progress` gets
    /// (done, total) every 50,000 messages and after each batch. Returns the
    /// number of messages indexed.
    pub fn index_pending(&mut self, mut progress: impl FnMut(u64, u64)) -> Result<u64, StoreError> {
        let total = self.index_status()?.pending;
        let mut upto = self.indexed_upto()?;
        let mut done = 0u64;
        let mut body = String::new();
        if total == 0 {
            return Ok(0);
        }
        // A setting of the index (stored in message_fts_config); harmless
        // to write again.
        self.conn().execute("INSERT INTO message_fts(message_fts, rank) VALUES ('hashsize', ?1)", [HASH_BYTES])?;
        loop {
            let tx = self.conn_mut().transaction()?;
            let mut last = upto;
            {
                let mut select = tx.prepare_cached("SELECT id, text FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2")?;
                let mut insert = tx.prepare_cached("INSERT INTO message_fts(rowid, body) VALUES (?1, ?2)")?;
                let mut rows = select.query(params![upto, BATCH])?;
                while let Some(row) = rows.next()? {
                    let id: i64 = row.get(0)?;
                    body.clear();
                    fts_tokens::index_text(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?, &mut body);
                    insert.execute(params![id, body])?;
                    last = id;
                    done += 1;
                    if done % PROGRESS_EVERY == 0 {
                        progress(done, total);
                    }
                }
            }
            if last == upto {
                tx.rollback()?;
                break;
            }
            tx.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![INDEXED_UPTO, last.to_string()],
            )?;
            tx.commit()?;
            upto = last;
            progress(done, total);
        }
        Ok(done)
    }

    /// Drop and rebuild the whole index (after a tokenizer change).
    pub fn reindex(&mut self, progress: impl FnMut(u64, u64)) -> Result<u64, StoreError> {
        self.conn().execute_batch(
            "INSERT INTO message_fts(message_fts) VALUES ('delete-all');
             DELETE FROM meta WHERE key = 'fts_indexed_upto';",
        )?;
        self.index_pending(progress)
    }

    /// Messages matching every term of `query`, newest import first.
    ///
    /// Indexed messages are found through FTS5; messages imported but not
    /// yet indexed are scanned, so a search right after an import is
    /// complete. Results carry the matched spans for highlighting.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let terms = fts_tokens::parse_query(query);
        let Some(fts) = fts_tokens::query_to_fts(query) else {
            return Err(StoreError::Query(format!("nothing to search for in {query:?}")));
        };
        let upto = self.indexed_upto()?;
        let mut ids: Vec<i64> = self.scan_unindexed(&terms, upto, limit)?;
        if ids.len() < limit {
            let mut stmt = self
                .conn()
                .prepare_cached("SELECT rowid FROM message_fts WHERE message_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2")?;
            let rows = stmt.query_map(params![fts, (limit - ids.len()) as i64], |r| r.get::<_, i64>(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        let needles: Vec<&str> = terms.iter().map(|t| t.text.as_str()).collect();
        ids.iter().filter_map(|&id| self.search_hit(id, &needles).transpose()).collect()
    }

    fn scan_unindexed(&self, terms: &[QueryTerm], upto: i64, limit: usize) -> Result<Vec<i64>, StoreError> {
        let max: Option<i64> = self.conn().query_row("SELECT max(id) FROM messages", [], |r| r.get(0))?;
        if max.unwrap_or(0) <= upto {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut stmt = self.conn().prepare_cached("SELECT id, text FROM messages WHERE id > ?1 ORDER BY id DESC")?;
        let mut rows = stmt.query([upto])?;
        while let Some(row) = rows.next()? {
            let text: String = row.get(1)?;
            if terms.iter().all(|t| !fold::find_all(&text, &[t.text.as_str()]).is_empty()) {
                out.push(row.get(0)?);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn search_hit(&self, id: i64, needles: &[&str]) -> Result<Option<SearchHit>, StoreError> {
        let row = self
            .conn()
            .prepare_cached(
                "SELECT m.id, coalesce(c.title, c.external_id), coalesce(m.sender_name, p.display_name, p.external_id),
                        m.ts_utc_ms, m.ts_offset_min, m.kind, m.text, m.locator, s.path
                 FROM messages m
                 JOIN conversations c ON c.id = m.conversation_id
                 JOIN sources s ON s.id = m.source_id
                 LEFT JOIN participants p ON p.id = m.sender_id
                 WHERE m.id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i32>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })
            .optional()?;
        let Some((message_id, conversation, sender, ts, offset, kind, text, locator, source)) = row else {
            return Ok(None);
        };
        let byte_spans = fold::find_all(&text, needles);
        Ok(Some(SearchHit {
            message_id,
            conversation,
            sender,
            timestamp: super::queries::format_timestamp(ts, offset),
            kind,
            spans: utf16::to_utf16_spans(&text, &byte_spans),
            byte_spans,
            text,
            locator,
            source,
        }))
    }
}
