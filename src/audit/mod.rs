//! The audit trail: an append-only, hash-chained log of every action.
//!
//! Each entry stores the SHA-256 of the previous entry, and its own hash
//! covers its sequence number, time, actor, action, object and the before
//! and after states. Editing an entry breaks its hash; deleting one breaks
//! the link of the next; reordering breaks both; cutting entries off the
//! end is caught by the head (count and last hash) kept in `meta`. SQLite
//! triggers refuse UPDATE and DELETE on the table, so only someone editing
//! the file by other means can tamper, and `verify` says which entry.
//!
//! The audit module owns the `audit_log` table; every other module appends
//! through [`append`] inside its own transaction, so an action and its
//! audit entry commit together or not at all.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::{Store, StoreError};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, ts_rs::TS)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON of the state before (null for a creation).
    pub before: Option<String>,
    /// JSON of the state after (null for a deletion).
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, ts_rs::TS)]
pub struct VerifyReport {
    pub entries: i64,
    pub ok: bool,
    pub problems: Vec<String>,
}

fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&str>,
    after: Option<&str>,
    prev: &str,
) -> String {
    // Length-prefixed fields: no two different entries can hash the same input.
    let mut h = Sha256::new();
    for field in [
        seq.to_string().as_str(),
        at,
        actor,
        action,
        object_type,
        object_id,
        before.unwrap_or("\u{0}null"),
        after.unwrap_or("\u{0}null"),
        prev,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

fn head(conn: &Connection) -> Result<(i64, String), StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(last.unwrap_or((0, GENESIS.to_string())))
}

/// Append an entry. Call inside the transaction that performs the action.
pub fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<i64, StoreError> {
    let (last_seq, prev) = head(conn)?;
    let seq = last_seq + 1;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let object_id = object_id.to_string();
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    let hash = entry_hash(seq, &at, actor, action, object_type, &object_id, before.as_deref(), after.as_deref(), &prev);
    conn.prepare_cached(
        "INSERT INTO audit_log(seq, at, actor, action, object_type, object_id, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![seq, at, actor, action, object_type, object_id, before, after, prev, hash])?;
    conn.prepare_cached(
        "INSERT INTO meta(key, value) VALUES ('audit_head', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute([format!("{seq}:{hash}")])?;
    Ok(seq)
}

/// Entries, oldest first; optionally only those about one object, and only
/// the newest `limit` of them (a reviewer asking for 50 wants the latest 50).
pub fn log(store: &Store, object: Option<(&str, &str)>, limit: Option<usize>) -> Result<Vec<AuditEntry>, StoreError> {
    let mut sql = String::from(
        "SELECT seq, at, actor, action, object_type, object_id, before, after, prev_hash, hash FROM audit_log",
    );
    if object.is_some() {
        sql.push_str(" WHERE object_type = ?1 AND object_id = ?2");
    }
    match limit {
        Some(n) => sql = format!("SELECT * FROM ({sql} ORDER BY seq DESC LIMIT {n}) ORDER BY seq"),
        None => sql.push_str(" ORDER BY seq"),
    }
    let mut stmt = store.conn().prepare(&sql)?;
    let map = |r: &rusqlite::Row| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            object_type: r.get(4)?,
            object_id: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
            prev_hash: r.get(8)?,
            hash: r.get(9)?,
        })
    };
    let rows = match object {
        Some((t, id)) => stmt.query_map(params![t, id], map)?.collect::<Result<Vec<_>, _>>()?,
        None => stmt.query_map([], map)?.collect::<Result<Vec<_>, _>>()?,
    };
    Ok(rows)
}

/// Check the whole chain. Names each entry that was edited, removed or
/// moved, and a cut-off end.
pub fn verify(store: &Store) -> Result<VerifyReport, StoreError> {
    let entries = log(store, None, None)?;
    let mut problems = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1;
    for e in &entries {
        if e.seq != expected_seq {
            if e.seq > expected_seq {
                problems.push(format!("entries {expected_seq}..{} are missing (deleted)", e.seq - 1));
            } else {
                problems.push(format!("entry {} is out of order", e.seq));
            }
        }
        let recomputed = entry_hash(
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.object_type,
            &e.object_id,
            e.before.as_deref(),
            e.after.as_deref(),
            &e.prev_hash,
        );
        if recomputed != e.hash {
            problems.push(format!("entry {} ({} {} {}) was edited: its content does not match its hash", e.seq, e.action, e.object_type, e.object_id));
        }
        if e.prev_hash != prev_hash {
            problems.push(format!(
                "entry {} does not follow the entry before it (an entry before it was removed, edited or moved)",
                e.seq
            ));
        }
        prev_hash = e.hash.clone();
        expected_seq = e.seq + 1;
    }
    let recorded: Option<String> = store.conn().query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0)).optional()?;
    let actual = entries.last().map(|e| format!("{}:{}", e.seq, e.hash));
    if recorded != actual {
        problems.push(match (recorded, actual) {
            (Some(r), Some(a)) => format!("the log ends at {a} but the recorded head is {r}: entries were removed from the end or rewritten"),
            (Some(r), None) => format!("the log is empty but the recorded head is {r}: entries were removed"),
            (None, _) => "the recorded head is missing".to_string(),
        });
    }
    Ok(VerifyReport { entries: entries.len() as i64, ok: problems.is_empty(), problems })
}
