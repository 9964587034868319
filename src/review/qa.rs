//! Second-level quality assurance.
//!
//! A configurable share of each reviewer's closed cases is drawn at random
//! into a QA queue. A QA reviewer (not the one who closed the case) agrees
//! or disagrees with a reason; a disagreement reopens the case.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{cases, now, settings, ReviewError, Reviewer, Status};
use crate::audit;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QaItem {
    pub id: i64,
    pub case_id: i64,
    pub closed_by: Option<String>,
    pub sampled_at: String,
    pub qa_reviewer: Option<String>,
    pub verdict: Option<String>,
    pub reason: Option<String>,
    pub decided_at: Option<String>,
}

/// A random u64 from the standard library's per-process random keys.
fn random_u64(salt: u64) -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(salt);
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish()
}

/// Draw the QA sample: for each reviewer, `share` (default: the workspace
/// setting) of their closed cases not yet sampled, at least one if they have
/// any. Returns the new QA items.
pub fn sample(conn: &Connection, actor: &Reviewer, share: Option<f64>) -> Result<Vec<QaItem>, ReviewError> {
    let share = share.unwrap_or(settings::get(conn)?.qa_share);
    if !(0.0..=1.0).contains(&share) {
        return Err(ReviewError::BadRequest("the QA share must be between 0 and 1".into()));
    }
    let rows: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT id, closed_by FROM cases WHERE status = 'closed' AND closed_by IS NOT NULL AND merged_into IS NULL
               AND id NOT IN (SELECT case_id FROM qa_reviews) ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut by_reviewer: HashMap<i64, Vec<i64>> = HashMap::new();
    for (case, by) in rows {
        by_reviewer.entry(by).or_default().push(case);
    }
    let mut out = Vec::new();
    let mut reviewers: Vec<_> = by_reviewer.into_iter().collect();
    reviewers.sort();
    for (by, mut list) in reviewers {
        let take = if share <= 0.0 { 0 } else { ((list.len() as f64 * share).ceil() as usize).clamp(1, list.len()) };
        // Fisher–Yates on the front `take` slots.
        for i in 0..take {
            let j = i + (random_u64((by as u64) << 32 | i as u64) as usize) % (list.len() - i);
            list.swap(i, j);
        }
        for &case in &list[..take] {
            conn.execute("INSERT INTO qa_reviews(case_id, closed_by, sampled_at) VALUES (?1, ?2, ?3)", params![case, by, now()])?;
            let id = conn.last_insert_rowid();
            audit::append(conn, &actor.login, "qa.sample", "case", case, None, Some(&serde_json::json!({ "qa_review": id, "share": share })))?;
            out.push(get(conn, id)?);
        }
    }
    Ok(out)
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<QaItem> {
    Ok(QaItem {
        id: r.get(0)?,
        case_id: r.get(1)?,
        closed_by: r.get(2)?,
        sampled_at: r.get(3)?,
        qa_reviewer: r.get(4)?,
        verdict: r.get(5)?,
        reason: r.get(6)?,
        decided_at: r.get(7)?,
    })
}

const SELECT: &str = "SELECT q.id, q.case_id, (SELECT login FROM reviewers WHERE id = q.closed_by), q.sampled_at,
    (SELECT login FROM reviewers WHERE id = q.qa_reviewer_id), q.verdict, q.reason, q.decided_at FROM qa_reviews q";

pub fn get(conn: &Connection, id: i64) -> Result<QaItem, ReviewError> {
    conn.query_row(&format!("{SELECT} WHERE q.id = ?1"), [id], row).optional()?.ok_or_else(|| ReviewError::not_found("QA review", id))
}

/// The QA queue: pending items (or all with `all`).
pub fn list(conn: &Connection, all: bool) -> Result<Vec<QaItem>, ReviewError> {
    let sql = format!("{SELECT} {} ORDER BY q.id", if all { "" } else { "WHERE q.verdict IS NULL" });
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Record a QA verdict. Disagreement reopens the case with the reason.
pub fn decide(conn: &Connection, actor: &Reviewer, id: i64, agree: bool, reason: &str) -> Result<QaItem, ReviewError> {
    let item = get(conn, id)?;
    if item.verdict.is_some() {
        return Err(ReviewError::Conflict(format!("QA review {id} is already decided")));
    }
    if item.closed_by.as_deref() == Some(actor.login.as_str()) {
        return Err(ReviewError::Forbidden("QA must be done by a different reviewer than the one who closed the case".into()));
    }
    if !agree && reason.trim().is_empty() {
        return Err(ReviewError::BadRequest("a disagreement needs a reason".into()));
    }
    let verdict = if agree { "agree" } else { "disagree" };
    conn.execute(
        "UPDATE qa_reviews SET qa_reviewer_id = ?2, verdict = ?3, reason = ?4, decided_at = ?5 WHERE id = ?1",
        params![id, actor.id, verdict, reason, now()],
    )?;
    let after = get(conn, id)?;
    audit::append(conn, &actor.login, "qa.decide", "case", item.case_id, serde_json::to_value(&item).ok().as_ref(), serde_json::to_value(&after).ok().as_ref())?;
    if !agree {
        cases::set_status(conn, actor, item.case_id, Status::InReview, Some(&format!("QA disagreement: {reason}")))?;
    }
    Ok(after)
}
