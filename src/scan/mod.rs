//! Scanning the store with rule packs, and the hits it produces.
//!
//! The scan module owns the `rule_packs`, `scans`, `pack_progress` and `hits`
//! tables. Scans are incremental: each pack remembers (by content hash) how
//! far it has scanned, so new messages are scanned by every pack, and a pack
//! whose file changed rescans everything. A hit's identity is its
//! fingerprint (message, pack, red line, rule, spans): when a rescan
//! produces the same hit again, the row — and any review work attached to it
//! — stays; hits a rescan no longer produces are marked retracted, never
//! deleted.

pub mod hits;

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use hits::{HitFilter, HitRow};

use crate::model::MessageKind;
use crate::rules::{MessageView, PackSource, RuleMatch, RuleSet};
use crate::store::{Store, StoreError};
use crate::text::utf16;

const BATCH: usize = 5_000;

/// Messages sampled to tune the rule set before a scan (`RuleSet::tune`):
/// enough to tell a term in one message of ten from one in a thousand, and
/// read in a few milliseconds.
pub const TUNE_SAMPLE: usize = 2_000;

/// What a scan did.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Default, ts_rs::TS)]
pub struct ScanSummary {
    pub scan_id: i64,
    pub messages_scanned: u64,
    pub hits_new: u64,
    pub hits_kept: u64,
    pub hits_retracted: u64,
    /// Live hits per red line after the scan.
    pub by_red_line: BTreeMap<String, u64>,
    /// Per pack: `incremental` or `full` (its content changed or is new).
    pub packs: Vec<PackScanInfo>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, ts_rs::TS)]
pub struct PackScanInfo {
    pub pack_id: String,
    pub version: String,
    pub sha256: String,
    pub mode: String,
    pub from_message: i64,
    /// Content hash this pack had at the previous scan, if it was used before.
    pub previous_sha256: Option<String>,
}

struct Row {
    id: i64,
    text: String,
    kind: String,
    amount: Option<String>,
    sender: Option<String>,
    sender_name: Option<String>,
    conversation: String,
    conversation_title: Option<String>,
    ts: Option<i64>,
    offset: Option<i32>,
    attachments: Option<String>,
}

/// Scan as the process's reviewer (see [`scan_as`]).
pub fn scan(
    store: &mut Store,
    set: &mut RuleSet,
    sources: &[PackSource],
    progress: impl FnMut(u64, u64),
) -> Result<ScanSummary, StoreError> {
    scan_as(store, set, sources, &crate::review::reviewers::os_login(), progress)
}

/// Scan the store with compiled packs. `sources` are the same packs as
/// `set` (their text is recorded for provenance). `progress` gets
/// (scanned, total). The scan and any rule-pack change are audited as `actor`.
pub fn scan_as(
    store: &mut Store,
    set: &mut RuleSet,
    sources: &[PackSource],
    actor: &str,
    progress: impl FnMut(u64, u64),
) -> Result<ScanSummary, StoreError> {
    scan_with_cancel(store, set, sources, actor, None, progress)
}

/// [`scan_as`], stopping between batches when `cancel` is set. Batches
/// already committed stay (a later scan goes on from there: a pack's
/// progress is only advanced when the scan completes, so an interrupted
/// scan is redone, and hits it wrote keep their identity).
pub fn scan_with_cancel(
    store: &mut Store,
    set: &mut RuleSet,
    sources: &[PackSource],
    actor: &str,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    mut progress: impl FnMut(u64, u64),
) -> Result<ScanSummary, StoreError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let max_id: i64 = store.conn().query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| r.get(0))?;

    // Where each pack starts.
    let mut infos = Vec::new();
    for p in set.packs() {
        let prev: Option<(String, i64)> = store
            .conn()
            .query_row("SELECT sha256, scanned_upto FROM pack_progress WHERE pack_id = ?1", [&p.id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let previous_sha256 = prev.as_ref().map(|(sha, _)| sha.clone());
        let (mode, from) = match prev {
            Some((sha, upto)) if sha == p.sha256 => ("incremental", upto),
            Some(_) => ("full", 0),
            None => ("full", 0),
        };
        infos.push(PackScanInfo {
            pack_id: p.id.clone(),
            version: p.version.clone(),
            sha256: p.sha256.clone(),
            mode: mode.into(),
            from_message: from,
            previous_sha256,
        });
    }
    let start_from = infos.iter().map(|i| i.from_message).min().unwrap_or(max_id);
    // Which terms are rare in these messages decides which rules each
    // message must be checked against (the hits do not depend on it).
    let sample = sample_texts(store, start_from, max_id, TUNE_SAMPLE)?;
    set.tune(&sample.iter().map(String::as_str).collect::<Vec<_>>());
    let set: &RuleSet = set;
    let from_of: BTreeMap<String, i64> = infos.iter().map(|i| (i.pack_id.clone(), i.from_message)).collect();

    let scan_id = {
        let tx = store.conn_mut().transaction()?;
        for src in sources {
            tx.execute(
                "INSERT OR IGNORE INTO rule_packs(pack_id, version, name, sha256, path, source, first_used)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    src.file.pack.id.get_ref(),
                    src.file.pack.version,
                    src.file.pack.name,
                    src.sha256,
                    src.path.display().to_string(),
                    src.source,
                    now
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO scans(started_at, packs) VALUES (?1, ?2)",
            params![now, serde_json::to_string(&infos).unwrap_or_default()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        id
    };

    let total: i64 =
        store.conn().query_row("SELECT count(*) FROM messages WHERE id > ?1", [start_from], |r| r.get(0))?;
    let mut summary = ScanSummary { scan_id, packs: infos.clone(), ..Default::default() };
    let mut cursor = start_from;
    loop {
        if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
            return Err(StoreError::Cancelled);
        }
        let rows = read_batch(store, cursor)?;
        if rows.is_empty() {
            break;
        }
        cursor = rows.last().map(|r| r.id).unwrap_or(cursor);
        let tx = store.conn_mut().transaction()?;
        for row in &rows {
            let matches = match_row(set, row);
            for m in matches {
                // A pack that already scanned this message (incremental) skips it.
                if from_of.get(&m.pack).is_some_and(|&from| row.id <= from) {
                    continue;
                }
                if hits::upsert(&tx, scan_id, row.id, &row.text, &m)? {
                    summary.hits_new += 1;
                } else {
                    summary.hits_kept += 1;
                }
            }
        }
        tx.commit()?;
        summary.messages_scanned += rows.len() as u64;
        progress(summary.messages_scanned, total as u64);
    }

    let tx = store.conn_mut().transaction()?;
    for info in &infos {
        if info.mode == "full" {
            summary.hits_retracted += tx.execute(
                "UPDATE hits SET retracted_scan_id = ?1
                 WHERE pack_id = ?2 AND last_scan_id < ?1 AND retracted_scan_id IS NULL",
                params![scan_id, info.pack_id],
            )? as u64;
        }
        tx.execute(
            "INSERT INTO pack_progress(pack_id, sha256, scanned_upto) VALUES (?1, ?2, ?3)
             ON CONFLICT(pack_id) DO UPDATE SET sha256 = excluded.sha256, scanned_upto = excluded.scanned_upto",
            params![info.pack_id, info.sha256, max_id],
        )?;
    }
    tx.execute(
        "UPDATE scans SET finished_at = ?2, messages_scanned = ?3, hits_new = ?4, hits_kept = ?5, hits_retracted = ?6
         WHERE id = ?1",
        params![
            scan_id,
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            summary.messages_scanned as i64,
            summary.hits_new as i64,
            summary.hits_kept as i64,
            summary.hits_retracted as i64
        ],
    )?;
    for info in &infos {
        if let Some(prev) = info.previous_sha256.as_ref().filter(|p| **p != info.sha256) {
            crate::audit::append(
                &tx,
                actor,
                "rule_pack.change",
                "rule_pack",
                &info.pack_id,
                Some(&serde_json::json!({ "sha256": prev })),
                Some(&serde_json::json!({ "sha256": info.sha256, "version": info.version })),
            )?;
        }
    }
    crate::audit::append(
        &tx,
        actor,
        "scan.run",
        "scan",
        scan_id,
        None,
        Some(&serde_json::json!({
            "packs": infos, "messages_scanned": summary.messages_scanned, "hits_new": summary.hits_new,
            "hits_kept": summary.hits_kept, "hits_retracted": summary.hits_retracted,
        })),
    )?;
    tx.commit()?;
    summary.by_red_line = hits::live_counts_by_red_line(store)?;
    Ok(summary)
}

/// Up to `n` texts of the messages with ids in `(after, upto]`, spread
/// evenly over that range.
fn sample_texts(store: &Store, after: i64, upto: i64, n: usize) -> Result<Vec<String>, StoreError> {
    let mut stmt = store.conn().prepare_cached("SELECT id, text FROM messages WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT 1")?;
    let span = (upto - after).max(0);
    let mut out = Vec::new();
    let mut last = after;
    for i in 0..n as i64 {
        let from = (after + span * i / n as i64).max(last);
        let Some((id, text)) = stmt.query_row(params![from, upto], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).optional()? else {
            break;
        };
        last = id;
        out.push(text);
    }
    Ok(out)
}

fn read_batch(store: &Store, after: i64) -> Result<Vec<Row>, StoreError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT m.id, m.text, m.kind, m.amount, p.external_id, coalesce(m.sender_name, p.display_name),
                c.external_id, c.title, m.ts_utc_ms, m.ts_offset_min,
                (SELECT group_concat(file_name, char(31)) FROM attachments a WHERE a.message_id = m.id)
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN participants p ON p.id = m.sender_id
         WHERE m.id > ?1 ORDER BY m.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, BATCH as i64], |r| {
        Ok(Row {
            id: r.get(0)?,
            text: r.get(1)?,
            kind: r.get(2)?,
            amount: r.get(3)?,
            sender: r.get(4)?,
            sender_name: r.get(5)?,
            conversation: r.get(6)?,
            conversation_title: r.get(7)?,
            ts: r.get(8)?,
            offset: r.get(9)?,
            attachments: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn match_row(set: &RuleSet, row: &Row) -> Vec<RuleMatch> {
    let timestamp = row.ts.and_then(|ms| {
        let off = chrono::FixedOffset::east_opt(row.offset.unwrap_or(0) * 60)?;
        chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&off))
    });
    let view = MessageView {
        text: &row.text,
        kind: MessageKind::parse(&row.kind),
        amount: row.amount.as_deref().and_then(|a| a.parse().ok()),
        attachments: row.attachments.as_deref().map(|a| a.split('\u{1f}').collect()).unwrap_or_default(),
        sender: row.sender.as_deref(),
        sender_name: row.sender_name.as_deref(),
        conversation: Some(&row.conversation),
        conversation_title: row.conversation_title.as_deref(),
        timestamp,
    };
    set.match_message(&view)
}

/// Stable identity of a hit across rescans.
fn fingerprint(message_id: i64, m: &RuleMatch) -> String {
    let mut h = Sha256::new();
    h.update(format!("{message_id}\u{1f}{}\u{1f}{}\u{1f}{}", m.pack, m.red_line, m.rule).as_bytes());
    for e in &m.evidence {
        h.update(format!("\u{1f}{}-{}", e.start, e.end).as_bytes());
    }
    hex::encode(h.finalize())
}

/// UTF-16 spans of a match's evidence (the one conversion point is `text::utf16`).
fn utf16_spans(text: &str, m: &RuleMatch) -> Vec<utf16::Utf16Span> {
    let spans: Vec<(usize, usize)> = m.evidence.iter().map(|e| (e.start, e.end)).collect();
    utf16::to_utf16_spans(text, &spans)
}
