//! Cases and their workflow.
//!
//! Status moves `new → in_review → escalated → closed`, with these steps
//! allowed (anything else is refused with the list of what is allowed):
//!
//! | from        | to                                   |
//! |-------------|--------------------------------------|
//! | new         | in_review, escalated                 |
//! | in_review   | escalated, closed                    |
//! | escalated   | in_review, closed                    |
//! | closed      | in_review (reopen, with a reason)    |
//!
//! Closing needs a disposition. With the workspace's four-eyes rule on,
//! closing as `violation` only proposes it; a second, different reviewer
//! approves. Every change marks the case as touched (automatic regrouping
//! then leaves it alone) and is audited with its before and after state.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::privacy::NameView;
use super::{now, priority_of, settings, Disposition, ReviewError, Reviewer, Status};
use crate::audit;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PendingApproval {
    pub disposition: Disposition,
    pub proposed_by: String,
    pub reason: Option<String>,
}

/// A case as the queue and the case view show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseSummary {
    pub id: i64,
    pub title: String,
    pub red_lines: Vec<String>,
    pub severity: String,
    pub priority: i64,
    pub status: Status,
    pub disposition: Option<Disposition>,
    /// `pack/red_line/rule` that misfired, for false positives.
    pub misfired_rule: Option<String>,
    /// Login of the assignee.
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub due_date: Option<String>,
    pub conversation_id: Option<i64>,
    pub conversation: Option<String>,
    pub sender_id: Option<i64>,
    /// The sender's name, or an alias when pseudonymised.
    pub sender: Option<String>,
    pub hit_count: i64,
    pub message_count: i64,
    /// Time of the first and last message in the case (RFC 3339).
    pub first_at: Option<String>,
    pub last_at: Option<String>,
    /// The sender has cases of the same red line within 30 days.
    pub pattern_flag: bool,
    pub pending_approval: Option<PendingApproval>,
    pub merged_into: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

/// Columns for [`CaseSummary`]; `c` is the cases table.
pub(crate) const SUMMARY_SELECT: &str = concat!(
    "
SELECT c.id, c.title, c.red_lines, c.severity, c.priority, c.status, c.disposition, c.misfired_rule,
       (SELECT login FROM reviewers r WHERE r.id = c.assignee_id),
       (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM case_tags t WHERE t.case_id = c.id ORDER BY tag)),
       c.due_date, c.conversation_id, (SELECT coalesce(title, external_id) FROM conversations v WHERE v.id = c.conversation_id),
       c.sender_id, (SELECT coalesce(display_name, external_id) FROM participants p WHERE p.id = c.sender_id),
       (SELECT count(*) FROM case_hits ch JOIN hits h ON h.id = ch.hit_id WHERE ch.case_id = c.id AND h.retracted_scan_id IS NULL),
       (SELECT count(DISTINCT message_id) FROM (",
    case_message_ids_of!("c.id"),
    ")),
       (SELECT min(ts_utc_ms) FROM messages m WHERE m.id IN (",
    case_message_ids_of!("c.id"),
    ")),
       (SELECT max(ts_utc_ms) FROM messages m WHERE m.id IN (",
    case_message_ids_of!("c.id"),
    ")),
       c.pattern_flag, c.pending_disposition, (SELECT login FROM reviewers r WHERE r.id = c.pending_by), c.pending_reason,
       c.merged_into, c.created_at, c.updated_at
FROM cases c"
);

/// Map a row of [`SUMMARY_SELECT`].
pub(crate) fn summary_row(r: &rusqlite::Row, names: &NameView) -> rusqlite::Result<CaseSummary> {
    let red_lines: String = r.get(2)?;
    let tags: Option<String> = r.get(9)?;
    let fmt = |ms: Option<i64>| ms.and_then(|ms| crate::store::queries::format_timestamp(Some(ms), Some(0)));
    let sender_id: Option<i64> = r.get(13)?;
    let pending: Option<String> = r.get(20)?;
    Ok(CaseSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        red_lines: serde_json::from_str(&red_lines).unwrap_or_default(),
        severity: r.get(3)?,
        priority: r.get(4)?,
        status: Status::parse(&r.get::<_, String>(5)?).unwrap_or(Status::New),
        disposition: r.get::<_, Option<String>>(6)?.as_deref().and_then(Disposition::parse),
        misfired_rule: r.get(7)?,
        assignee: r.get(8)?,
        tags: tags.map(|t| t.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default(),
        due_date: r.get(10)?,
        conversation_id: r.get(11)?,
        conversation: r.get(12)?,
        sender_id,
        sender: names.name(sender_id, r.get(14)?),
        hit_count: r.get(15)?,
        message_count: r.get(16)?,
        first_at: fmt(r.get(17)?),
        last_at: fmt(r.get(18)?),
        pattern_flag: r.get(19)?,
        pending_approval: match pending.as_deref().and_then(Disposition::parse) {
            Some(d) => Some(PendingApproval { disposition: d, proposed_by: r.get::<_, Option<String>>(21)?.unwrap_or_default(), reason: r.get(22)? }),
            None => None,
        },
        merged_into: r.get(23)?,
        created_at: r.get(24)?,
        updated_at: r.get(25)?,
    })
}

pub fn summary(conn: &Connection, names: &NameView, id: i64) -> Result<CaseSummary, ReviewError> {
    let sql = format!("{SUMMARY_SELECT} WHERE c.id = ?1");
    conn.query_row(&sql, [id], |r| summary_row(r, names)).optional()?.ok_or_else(|| ReviewError::not_found("case", id))
}

/// The audited state of a case: what before/after entries record.
fn snapshot(conn: &Connection, id: i64) -> Result<serde_json::Value, ReviewError> {
    let s = summary(conn, &NameView::open(), id)?;
    Ok(serde_json::json!({
        "title": s.title, "red_lines": s.red_lines, "severity": s.severity, "priority": s.priority,
        "status": s.status, "disposition": s.disposition, "misfired_rule": s.misfired_rule,
        "assignee": s.assignee, "tags": s.tags, "due_date": s.due_date, "hit_count": s.hit_count,
        "message_count": s.message_count, "pending_approval": s.pending_approval, "merged_into": s.merged_into,
    }))
}

/// Run a change on a case: check it exists and is not merged away, apply,
/// mark it touched, and audit before/after.
fn change<T>(
    conn: &Connection,
    actor: &Reviewer,
    id: i64,
    action: &str,
    detail: Option<serde_json::Value>,
    f: impl FnOnce(&Connection) -> Result<T, ReviewError>,
) -> Result<T, ReviewError> {
    let before = snapshot(conn, id)?;
    if let Some(into) = before.get("merged_into").and_then(|v| v.as_i64()) {
        return Err(ReviewError::Conflict(format!("case {id} was merged into case {into}; work on that case")));
    }
    let out = f(conn)?;
    conn.execute("UPDATE cases SET touched = 1, updated_at = ?2 WHERE id = ?1", params![id, now()])?;
    let mut after = snapshot(conn, id)?;
    if let (Some(d), Some(obj)) = (detail, after.as_object_mut()) {
        obj.insert("detail".into(), d);
    }
    audit::append(conn, &actor.login, action, "case", id, Some(&before), Some(&after))?;
    Ok(out)
}

fn status_of(conn: &Connection, id: i64) -> Result<Status, ReviewError> {
    let s: Option<String> = conn.query_row("SELECT status FROM cases WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    s.as_deref().and_then(Status::parse).ok_or_else(|| ReviewError::not_found("case", id))
}

/// The steps allowed from a status (closing goes through [`close`]).
pub fn allowed(from: Status) -> &'static [Status] {
    match from {
        Status::New => &[Status::InReview, Status::Escalated],
        Status::InReview => &[Status::Escalated, Status::Closed],
        Status::Escalated => &[Status::InReview, Status::Closed],
        Status::Closed => &[Status::InReview],
    }
}

fn check_transition(from: Status, to: Status) -> Result<(), ReviewError> {
    if allowed(from).contains(&to) {
        return Ok(());
    }
    let list: Vec<&str> = allowed(from).iter().map(|s| s.as_str()).collect();
    Err(ReviewError::InvalidTransition { from: from.as_str().into(), to: to.as_str().into(), hint: format!("from {} a case can go to: {}", from.as_str(), list.join(", ")) })
}

/// Move a case to `in_review` or `escalated`. Reopening a closed case needs a reason.
pub fn set_status(conn: &Connection, actor: &Reviewer, id: i64, to: Status, reason: Option<&str>) -> Result<(), ReviewError> {
    let from = status_of(conn, id)?;
    if to == Status::Closed {
        return Err(ReviewError::BadRequest("closing needs a disposition: use close".into()));
    }
    check_transition(from, to)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if from == Status::Closed && reason.is_none() {
        return Err(ReviewError::BadRequest("reopening a closed case needs a reason".into()));
    }
    let action = match (from, to) {
        (Status::Closed, _) => "case.reopen",
        (_, Status::Escalated) => "case.escalate",
        _ => "case.status",
    };
    change(conn, actor, id, action, reason.map(|r| serde_json::json!({ "reason": r })), |c| {
        c.execute(
            "UPDATE cases SET status = ?2,
               disposition = CASE WHEN ?2 = 'closed' THEN disposition ELSE NULL END,
               misfired_rule = CASE WHEN ?2 = 'closed' THEN misfired_rule ELSE NULL END,
               closed_at = NULL, closed_by = NULL
             WHERE id = ?1",
            params![id, to.as_str()],
        )?;
        Ok(())
    })
}

/// What a close request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CloseOutcome {
    Closed,
    /// Four-eyes: proposed; a different reviewer must approve.
    AwaitingApproval,
}

/// Close a case with a disposition. `misfired_rule` (`pack/red_line/rule`)
/// is required for a false positive when the case has hits of several rules.
pub fn close(
    conn: &Connection,
    actor: &Reviewer,
    id: i64,
    disposition: Disposition,
    reason: Option<&str>,
    misfired_rule: Option<&str>,
) -> Result<CloseOutcome, ReviewError> {
    let from = status_of(conn, id)?;
    check_transition(from, Status::Closed)?;
    let misfired = if disposition == Disposition::FalsePositive {
        Some(match misfired_rule {
            Some(r) => r.to_string(),
            None => single_rule(conn, id)?.ok_or_else(|| {
                ReviewError::BadRequest("this case has hits of several rules: say which one misfired (pack/red_line/rule)".into())
            })?,
        })
    } else {
        None
    };
    let four_eyes = settings::get(conn)?.four_eyes && disposition == Disposition::Violation;
    if four_eyes {
        let pending: Option<(Option<String>, Option<i64>)> = conn
            .query_row("SELECT pending_disposition, pending_by FROM cases WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match pending {
            Some((Some(_), Some(by))) if by != actor.id => return approve(conn, actor, id).map(|_| CloseOutcome::Closed),
            Some((Some(_), Some(_))) => {
                return Err(ReviewError::Forbidden("four-eyes rule: a different reviewer must approve this closing".into()))
            }
            _ => {}
        }
        change(conn, actor, id, "case.close_proposed", reason.map(|r| serde_json::json!({ "reason": r })), |c| {
            c.execute(
                "UPDATE cases SET pending_disposition = ?2, pending_by = ?3, pending_reason = ?4 WHERE id = ?1",
                params![id, disposition.as_str(), actor.id, reason],
            )?;
            Ok(())
        })?;
        return Ok(CloseOutcome::AwaitingApproval);
    }
    change(conn, actor, id, "case.close", Some(serde_json::json!({ "reason": reason })), |c| {
        c.execute(
            "UPDATE cases SET status = 'closed', disposition = ?2, misfired_rule = ?3, closed_at = ?4, closed_by = ?5,
               pending_disposition = NULL, pending_by = NULL, pending_reason = NULL
             WHERE id = ?1",
            params![id, disposition.as_str(), misfired, now(), actor.id],
        )?;
        Ok(())
    })?;
    Ok(CloseOutcome::Closed)
}

/// Approve a proposed closing (four-eyes). The approver must not be the proposer.
pub fn approve(conn: &Connection, actor: &Reviewer, id: i64) -> Result<(), ReviewError> {
    let (pending, by): (Option<String>, Option<i64>) = conn
        .query_row("SELECT pending_disposition, pending_by FROM cases WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| ReviewError::not_found("case", id))?;
    let Some(disposition) = pending else {
        return Err(ReviewError::Conflict(format!("case {id} has no closing waiting for approval")));
    };
    if by == Some(actor.id) {
        return Err(ReviewError::Forbidden("four-eyes rule: you proposed this closing, so a different reviewer must approve it".into()));
    }
    change(conn, actor, id, "case.close_approved", None, |c| {
        c.execute(
            "UPDATE cases SET status = 'closed', disposition = ?2, closed_at = ?3, closed_by = ?4,
               pending_disposition = NULL, pending_by = NULL, pending_reason = NULL
             WHERE id = ?1",
            params![id, disposition, now(), actor.id],
        )?;
        Ok(())
    })
}

/// Reject a proposed closing; the case stays open.
pub fn reject_approval(conn: &Connection, actor: &Reviewer, id: i64, reason: &str) -> Result<(), ReviewError> {
    change(conn, actor, id, "case.close_rejected", Some(serde_json::json!({ "reason": reason })), |c| {
        let n = c.execute(
            "UPDATE cases SET pending_disposition = NULL, pending_by = NULL, pending_reason = NULL
             WHERE id = ?1 AND pending_disposition IS NOT NULL",
            [id],
        )?;
        if n == 0 {
            return Err(ReviewError::Conflict(format!("case {id} has no closing waiting for approval")));
        }
        Ok(())
    })
}

/// The one rule behind a case's hits, if there is exactly one.
fn single_rule(conn: &Connection, id: i64) -> Result<Option<String>, ReviewError> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT h.pack_id || '/' || h.red_line || '/' || h.rule_id FROM case_hits ch JOIN hits h ON h.id = ch.hit_id
         WHERE ch.case_id = ?1",
    )?;
    let rules: Vec<String> = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(if rules.len() == 1 { rules.into_iter().next() } else { None })
}

/// Assign to a reviewer (by login), or unassign with `None`.
pub fn assign(conn: &Connection, actor: &Reviewer, id: i64, login: Option<&str>) -> Result<(), ReviewError> {
    let assignee = match login {
        Some(l) => Some(super::reviewers::ensure(conn, l)?.id),
        None => None,
    };
    change(conn, actor, id, "case.assign", None, |c| {
        c.execute("UPDATE cases SET assignee_id = ?2 WHERE id = ?1", params![id, assignee])?;
        Ok(())
    })
}

pub fn tag(conn: &Connection, actor: &Reviewer, id: i64, tag: &str, add: bool) -> Result<(), ReviewError> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(ReviewError::BadRequest("a tag cannot be empty".into()));
    }
    change(conn, actor, id, if add { "case.tag_add" } else { "case.tag_remove" }, None, |c| {
        if add {
            c.execute("INSERT OR IGNORE INTO case_tags(case_id, tag) VALUES (?1, ?2)", params![id, tag])?;
        } else {
            c.execute("DELETE FROM case_tags WHERE case_id = ?1 AND tag = ?2", params![id, tag])?;
        }
        Ok(())
    })
}

pub fn set_due(conn: &Connection, actor: &Reviewer, id: i64, due: Option<&str>) -> Result<(), ReviewError> {
    if let Some(d) = due {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ReviewError::BadRequest(format!("due date {d:?} is not YYYY-MM-DD")))?;
    }
    change(conn, actor, id, "case.due", None, |c| {
        c.execute("UPDATE cases SET due_date = ?2 WHERE id = ?1", params![id, due])?;
        Ok(())
    })
}

/// Override severity and/or priority (1..4).
pub fn override_priority(conn: &Connection, actor: &Reviewer, id: i64, severity: Option<&str>, priority: Option<i64>) -> Result<(), ReviewError> {
    if let Some(s) = severity {
        if !matches!(s, "low" | "medium" | "high" | "critical") {
            return Err(ReviewError::BadRequest(format!("severity {s:?}: use low, medium, high or critical")));
        }
    }
    if priority.is_some_and(|p| !(1..=4).contains(&p)) {
        return Err(ReviewError::BadRequest("priority is 1 (highest) to 4".into()));
    }
    change(conn, actor, id, "case.priority", None, |c| {
        if let Some(s) = severity {
            c.execute("UPDATE cases SET severity = ?2, severity_overridden = 1 WHERE id = ?1", params![id, s])?;
            if priority.is_none() {
                c.execute("UPDATE cases SET priority = ?2 WHERE id = ?1 AND priority_overridden = 0", params![id, priority_of(s)])?;
            }
        }
        if let Some(p) = priority {
            c.execute("UPDATE cases SET priority = ?2, priority_overridden = 1 WHERE id = ?1", params![id, p])?;
        }
        Ok(())
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Note {
    pub id: i64,
    pub case_id: i64,
    pub author: String,
    pub text: String,
    pub created_at: String,
}

pub fn add_note(conn: &Connection, actor: &Reviewer, id: i64, text: &str) -> Result<i64, ReviewError> {
    if text.trim().is_empty() {
        return Err(ReviewError::BadRequest("a note cannot be empty".into()));
    }
    change(conn, actor, id, "case.note", Some(serde_json::json!({ "note": text })), |c| {
        c.execute(
            "INSERT INTO case_notes(case_id, author_id, text, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, actor.id, text, now()],
        )?;
        Ok(c.last_insert_rowid())
    })
}

pub fn notes(conn: &Connection, id: i64) -> Result<Vec<Note>, ReviewError> {
    let mut stmt = conn.prepare(
        "SELECT n.id, n.case_id, r.login, n.text, n.created_at FROM case_notes n JOIN reviewers r ON r.id = n.author_id
         WHERE n.case_id = ?1 ORDER BY n.id",
    )?;
    let rows = stmt.query_map([id], |r| Ok(Note { id: r.get(0)?, case_id: r.get(1)?, author: r.get(2)?, text: r.get(3)?, created_at: r.get(4)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn require_reason(reason: &str) -> Result<&str, ReviewError> {
    let r = reason.trim();
    if r.is_empty() {
        Err(ReviewError::BadRequest("a reason is required".into()))
    } else {
        Ok(r)
    }
}

/// Add a message to a case by hand, with a reason.
pub fn add_message(conn: &Connection, actor: &Reviewer, id: i64, message_id: i64, reason: &str) -> Result<(), ReviewError> {
    let reason = require_reason(reason)?;
    let exists: i64 = conn.query_row("SELECT count(*) FROM messages WHERE id = ?1", [message_id], |r| r.get(0))?;
    if exists == 0 {
        return Err(ReviewError::not_found("message", message_id));
    }
    change(conn, actor, id, "case.add_message", Some(serde_json::json!({ "message_id": message_id, "reason": reason })), |c| {
        c.execute(
            "INSERT INTO case_messages(case_id, message_id, included, reason, by_id, at) VALUES (?1, ?2, 1, ?3, ?4, ?5)
             ON CONFLICT(case_id, message_id) DO UPDATE SET included = 1, reason = excluded.reason, by_id = excluded.by_id, at = excluded.at",
            params![id, message_id, reason, actor.id, now()],
        )?;
        Ok(())
    })
}

/// Remove a message from a case by hand, with a reason (its hits stay recorded).
pub fn remove_message(conn: &Connection, actor: &Reviewer, id: i64, message_id: i64, reason: &str) -> Result<(), ReviewError> {
    let reason = require_reason(reason)?;
    let in_case: i64 = conn.query_row(
        concat!("SELECT count(*) FROM (", case_message_ids_of!("?1"), ") WHERE message_id = ?2"),
        params![id, message_id],
        |r| r.get(0),
    )?;
    if in_case == 0 {
        return Err(ReviewError::Conflict(format!("message {message_id} is not in case {id}")));
    }
    change(conn, actor, id, "case.remove_message", Some(serde_json::json!({ "message_id": message_id, "reason": reason })), |c| {
        c.execute(
            "INSERT INTO case_messages(case_id, message_id, included, reason, by_id, at) VALUES (?1, ?2, 0, ?3, ?4, ?5)
             ON CONFLICT(case_id, message_id) DO UPDATE SET included = 0, reason = excluded.reason, by_id = excluded.by_id, at = excluded.at",
            params![id, message_id, reason, actor.id, now()],
        )?;
        Ok(())
    })
}

/// Merge cases into the first one given. The others are kept, marked as
/// merged (so their history stays), and disappear from the queue.
pub fn merge(conn: &Connection, actor: &Reviewer, ids: &[i64]) -> Result<i64, ReviewError> {
    let (&target, others) = ids.split_first().ok_or_else(|| ReviewError::BadRequest("merge needs at least two cases".into()))?;
    if others.is_empty() {
        return Err(ReviewError::BadRequest("merge needs at least two cases".into()));
    }
    for &o in others {
        if o == target {
            return Err(ReviewError::BadRequest("a case cannot be merged into itself".into()));
        }
        let s = status_of(conn, o)?;
        if s == Status::Closed {
            return Err(ReviewError::Conflict(format!("case {o} is closed: reopen it before merging")));
        }
    }
    let mut red: Vec<String> = Vec::new();
    for &c in ids {
        let rl: String = conn.query_row("SELECT red_lines FROM cases WHERE id = ?1", [c], |r| r.get(0))?;
        for x in serde_json::from_str::<Vec<String>>(&rl).unwrap_or_default() {
            if !red.contains(&x) {
                red.push(x);
            }
        }
    }
    change(conn, actor, target, "case.merge", Some(serde_json::json!({ "merged": others })), |c| {
        for &o in others {
            c.execute("UPDATE case_hits SET case_id = ?1 WHERE case_id = ?2", params![target, o])?;
            c.execute(
                "INSERT OR IGNORE INTO case_messages(case_id, message_id, included, reason, by_id, at)
                 SELECT ?1, message_id, included, reason, by_id, at FROM case_messages WHERE case_id = ?2",
                params![target, o],
            )?;
            c.execute("INSERT OR IGNORE INTO case_tags(case_id, tag) SELECT ?1, tag FROM case_tags WHERE case_id = ?2", params![target, o])?;
            c.execute("UPDATE case_notes SET case_id = ?1 WHERE case_id = ?2", params![target, o])?;
            c.execute("UPDATE annotations SET case_id = ?1 WHERE case_id = ?2", params![target, o])?;
        }
        c.execute("UPDATE cases SET red_lines = ?2 WHERE id = ?1", params![target, serde_json::to_string(&red).unwrap_or_default()])?;
        refresh_severity(c, target)?;
        Ok(())
    })?;
    for &o in others {
        change(conn, actor, o, "case.merged_into", Some(serde_json::json!({ "into": target })), |c| {
            c.execute("UPDATE cases SET merged_into = ?2 WHERE id = ?1", params![o, target])?;
            Ok(())
        })?;
    }
    Ok(target)
}

/// Split the given messages (and their hits) out of a case into a new case.
pub fn split(conn: &Connection, actor: &Reviewer, id: i64, message_ids: &[i64], reason: &str) -> Result<i64, ReviewError> {
    let reason = require_reason(reason)?;
    if message_ids.is_empty() {
        return Err(ReviewError::BadRequest("say which messages go to the new case".into()));
    }
    let total: i64 =
        conn.query_row(concat!("SELECT count(DISTINCT message_id) FROM (", case_message_ids_of!("?1"), ")"), [id], |r| r.get(0))?;
    for &m in message_ids {
        let n: i64 = conn.query_row(
            concat!("SELECT count(*) FROM (", case_message_ids_of!("?1"), ") WHERE message_id = ?2"),
            params![id, m],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(ReviewError::Conflict(format!("message {m} is not in case {id}")));
        }
    }
    if message_ids.len() as i64 >= total {
        return Err(ReviewError::BadRequest("a split must leave at least one message in the original case".into()));
    }
    let ts = now();
    conn.execute(
        "INSERT INTO cases(title, conversation_id, sender_id, red_lines, group_key, window_start_ms, severity, priority,
                           severity_overridden, priority_overridden, status, assignee_id, due_date, touched, created_at, updated_at)
         SELECT title || ' (split)', conversation_id, sender_id, red_lines, NULL, window_start_ms, severity, priority,
                severity_overridden, priority_overridden, 'new', assignee_id, due_date, 1, ?2, ?2
         FROM cases WHERE id = ?1",
        params![id, ts],
    )?;
    let new_id = conn.last_insert_rowid();
    change(conn, actor, id, "case.split", Some(serde_json::json!({ "new_case": new_id, "messages": message_ids, "reason": reason })), |c| {
        for &m in message_ids {
            c.execute(
                "UPDATE case_hits SET case_id = ?1 WHERE case_id = ?2 AND hit_id IN (SELECT id FROM hits WHERE message_id = ?3)",
                params![new_id, id, m],
            )?;
            c.execute("UPDATE case_messages SET case_id = ?1 WHERE case_id = ?2 AND message_id = ?3", params![new_id, id, m])?;
        }
        refresh_severity(c, id)?;
        refresh_severity(c, new_id)?;
        Ok(())
    })?;
    audit::append(conn, &actor.login, "case.create_from_split", "case", new_id, None, Some(&snapshot(conn, new_id)?))?;
    Ok(new_id)
}

/// Recompute severity and priority from the case's hits, unless overridden.
pub(crate) fn refresh_severity(conn: &Connection, id: i64) -> Result<(), ReviewError> {
    let worst: Option<String> = conn
        .query_row(
            "SELECT h.severity FROM case_hits ch JOIN hits h ON h.id = ch.hit_id WHERE ch.case_id = ?1
             ORDER BY CASE h.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(s) = worst {
        conn.execute("UPDATE cases SET severity = ?2 WHERE id = ?1 AND severity_overridden = 0", params![id, s])?;
        conn.execute("UPDATE cases SET priority = ?2 WHERE id = ?1 AND priority_overridden = 0", params![id, priority_of(&s)])?;
    }
    Ok(())
}
