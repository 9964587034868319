//! Grouping hits into cases.
//!
//! By default one case per (conversation, sender, red line) within a window
//! (a conversation is its platform and external id, so the same chat in two
//! exports groups together)
//! of `case_window_days` from the case's first hit. Grouping is
//! deterministic: hits are taken in (conversation, sender, red line, time,
//! hit id) order, so the same hits always give the same cases. It re-runs
//! after every scan: new hits join an open case of their key whose window
//! covers them, or open a new case; cases a reviewer has touched are never
//! rewritten (they only gain new hits); untouched cases drop hits a rescan
//! retracted, and disappear when none is left.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{cases, now, priority_of, settings, ReviewError};
use crate::audit;

/// Actor name for automatic changes.
pub const SYSTEM: &str = "system";

const DAY_MS: i64 = 86_400_000;
/// Pattern detection looks this far for other cases of a sender.
const PATTERN_DAYS: i64 = 30;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupingSummary {
    pub cases_created: i64,
    pub hits_grouped: i64,
    pub hits_dropped: i64,
    pub cases_removed: i64,
    pub cases_flagged: i64,
}

struct Pending {
    hit_id: i64,
    red_line: String,
    severity: String,
    conversation_id: i64,
    /// `platform:external id`: the same chat in two exports is one key.
    conversation_key: String,
    sender_id: Option<i64>,
    ts: Option<i64>,
    sender_name: Option<String>,
    conversation: Option<String>,
}

fn key(p: &Pending) -> String {
    format!("{}|{}|{}", p.conversation_key, p.sender_id.unwrap_or(0), p.red_line)
}

/// Group every live hit that is not in a case yet.
pub fn regroup(conn: &Connection) -> Result<GroupingSummary, ReviewError> {
    let window_ms = i64::from(settings::get(conn)?.case_window_days) * DAY_MS;
    let mut summary = GroupingSummary::default();

    // Untouched cases give up retracted hits.
    summary.hits_dropped = conn.execute(
        "DELETE FROM case_hits WHERE hit_id IN (SELECT id FROM hits WHERE retracted_scan_id IS NOT NULL)
           AND case_id IN (SELECT id FROM cases WHERE touched = 0)",
        [],
    )? as i64;
    let empty: Vec<i64> = conn
        .prepare("SELECT id FROM cases c WHERE touched = 0 AND merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM case_hits ch WHERE ch.case_id = c.id)")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in empty {
        let before = serde_json::json!({ "case": id });
        conn.execute("DELETE FROM case_tags WHERE case_id = ?1", [id])?;
        conn.execute("DELETE FROM cases WHERE id = ?1", [id])?;
        audit::append(conn, SYSTEM, "case.remove_empty", "case", id, Some(&before), None)?;
        summary.cases_removed += 1;
    }

    let pending: Vec<Pending> = conn
        .prepare(
            "SELECT h.id, h.red_line, h.severity, m.conversation_id, m.sender_id, m.ts_utc_ms,
                    coalesce(m.sender_name, p.display_name, p.external_id), coalesce(c.title, c.external_id),
                    c.platform || ':' || c.external_id
             FROM hits h JOIN messages m ON m.id = h.message_id
             JOIN conversations c ON c.id = m.conversation_id
             LEFT JOIN participants p ON p.id = m.sender_id
             WHERE h.retracted_scan_id IS NULL AND NOT EXISTS (SELECT 1 FROM case_hits ch WHERE ch.hit_id = h.id)
             ORDER BY c.platform, c.external_id, coalesce(m.sender_id, 0), h.red_line, coalesce(m.ts_utc_ms, 0), h.id",
        )?
        .query_map([], |r| {
            Ok(Pending {
                hit_id: r.get(0)?,
                red_line: r.get(1)?,
                severity: r.get(2)?,
                conversation_id: r.get(3)?,
                sender_id: r.get(4)?,
                ts: r.get(5)?,
                sender_name: r.get(6)?,
                conversation: r.get(7)?,
                conversation_key: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;

    // Open cases per key: (case id, window start).
    let mut open: HashMap<String, Vec<(i64, Option<i64>)>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT group_key, id, window_start_ms FROM cases WHERE group_key IS NOT NULL AND status != 'closed' AND merged_into IS NULL ORDER BY id",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<i64>>(2)?)))? {
            let (k, id, start) = row?;
            open.entry(k).or_default().push((id, start));
        }
    }
    let mut changed = Vec::new();
    for p in &pending {
        let k = key(p);
        let found = open.get(&k).and_then(|cands| {
            cands.iter().rev().find(|(_, start)| match (start, p.ts) {
                (Some(s), Some(t)) => t >= *s && t < s + window_ms,
                (None, None) => true,
                _ => false,
            })
        });
        let case_id = match found {
            Some(&(id, _)) => id,
            None => {
                let title = format!(
                    "{}: {} in {}",
                    p.red_line,
                    p.sender_name.as_deref().unwrap_or("(no sender)"),
                    p.conversation.as_deref().unwrap_or("?")
                );
                let ts = now();
                conn.execute(
                    "INSERT INTO cases(title, conversation_id, sender_id, red_lines, group_key, window_start_ms, severity, priority,
                                       status, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'new', ?9, ?9)",
                    params![
                        title,
                        p.conversation_id,
                        p.sender_id,
                        serde_json::to_string(&[&p.red_line]).unwrap_or_default(),
                        k,
                        p.ts,
                        p.severity,
                        priority_of(&p.severity),
                        ts
                    ],
                )?;
                let id = conn.last_insert_rowid();
                open.entry(k.clone()).or_default().push((id, p.ts));
                summary.cases_created += 1;
                audit::append(conn, SYSTEM, "case.create", "case", id, None, Some(&serde_json::json!({ "title": title, "group_key": k })))?;
                id
            }
        };
        conn.execute("INSERT INTO case_hits(case_id, hit_id) VALUES (?1, ?2)", params![case_id, p.hit_id])?;
        summary.hits_grouped += 1;
        if !changed.contains(&case_id) {
            changed.push(case_id);
        }
    }
    for id in changed {
        cases::refresh_severity(conn, id)?;
    }
    summary.cases_flagged = detect_patterns(conn)?;
    Ok(summary)
}

/// Flag every case whose sender has another case of the same red line
/// starting within 30 days. Returns how many cases are flagged.
pub fn detect_patterns(conn: &Connection) -> Result<i64, ReviewError> {
    let rows: Vec<(i64, i64, String, i64)> = conn
        .prepare(
            concat!(
                "SELECT c.id, c.sender_id, j.value,
                    coalesce((SELECT min(m.ts_utc_ms) FROM messages m WHERE m.id IN (",
                case_message_ids_of!("c.id"),
                ")), 0)
             FROM cases c, json_each(c.red_lines) j
             WHERE c.sender_id IS NOT NULL AND c.merged_into IS NULL"
            ),
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut by_key: HashMap<(i64, String), Vec<(i64, i64)>> = HashMap::new();
    for (id, sender, rl, start) in rows {
        by_key.entry((sender, rl)).or_default().push((id, start));
    }
    let mut flagged = std::collections::BTreeSet::new();
    for list in by_key.values() {
        for (i, a) in list.iter().enumerate() {
            if list.iter().enumerate().any(|(j, b)| i != j && a.0 != b.0 && (a.1 - b.1).abs() <= PATTERN_DAYS * DAY_MS) {
                flagged.insert(a.0);
            }
        }
    }
    conn.execute("UPDATE cases SET pattern_flag = 0 WHERE pattern_flag = 1", [])?;
    for id in &flagged {
        conn.execute("UPDATE cases SET pattern_flag = 1 WHERE id = ?1", [id])?;
    }
    Ok(flagged.len() as i64)
}
