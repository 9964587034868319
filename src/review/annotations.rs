//! Annotations on messages and on spans of their text.
//!
//! A span is given in UTF-16 offsets (what the UI selects) and stored with
//! the quoted text. Message text never changes, so an annotation stays on
//! the same characters through any number of rescans; the quote proves it.
//! Edits and deletions keep the previous versions in `annotation_history`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{now, ReviewError, Reviewer};
use crate::audit;
use crate::text::utf16;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Annotation {
    pub id: i64,
    pub message_id: i64,
    pub case_id: Option<i64>,
    /// UTF-16 span in the message text; `None` for the whole message.
    pub span: Option<(i64, i64)>,
    pub quote: Option<String>,
    pub label: String,
    pub text: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnnotationVersion {
    pub version: i64,
    pub label: String,
    pub text: String,
    pub deleted: bool,
    pub by: String,
    pub at: String,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Annotation> {
    let s: Option<i64> = r.get(3)?;
    let e: Option<i64> = r.get(4)?;
    Ok(Annotation {
        id: r.get(0)?,
        message_id: r.get(1)?,
        case_id: r.get(2)?,
        span: s.zip(e),
        quote: r.get(5)?,
        label: r.get(6)?,
        text: r.get(7)?,
        author: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        version: r.get(11)?,
        deleted: r.get(12)?,
    })
}

const SELECT: &str = "SELECT a.id, a.message_id, a.case_id, a.span_start, a.span_end, a.quote, a.label, a.text, r.login,
        a.created_at, a.updated_at, a.version, a.deleted FROM annotations a JOIN reviewers r ON r.id = a.author_id";

pub fn get(conn: &Connection, id: i64) -> Result<Annotation, ReviewError> {
    conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], row).optional()?.ok_or_else(|| ReviewError::not_found("annotation", id))
}

/// Live annotations of a message or of a case's messages.
pub fn list(conn: &Connection, message_id: Option<i64>, case_id: Option<i64>) -> Result<Vec<Annotation>, ReviewError> {
    let sql = format!(
        "{SELECT} WHERE a.deleted = 0 AND (?1 IS NULL OR a.message_id = ?1)
           AND (?2 IS NULL OR a.case_id = ?2 OR a.message_id IN ({}))
         ORDER BY a.message_id, coalesce(a.span_start, -1), a.id",
        case_message_ids_of!("?2")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![message_id, case_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn check_label(label: &str) -> Result<(), ReviewError> {
    if label.trim().is_empty() {
        Err(ReviewError::BadRequest("an annotation needs a label (e.g. key evidence, context, mitigating)".into()))
    } else {
        Ok(())
    }
}

/// Annotate a message, or the UTF-16 span `[start, end)` of its text.
pub fn add(
    conn: &Connection,
    actor: &Reviewer,
    message_id: i64,
    case_id: Option<i64>,
    span: Option<(i64, i64)>,
    label: &str,
    text: &str,
) -> Result<Annotation, ReviewError> {
    check_label(label)?;
    let body: Option<String> = conn.query_row("SELECT text FROM messages WHERE id = ?1", [message_id], |r| r.get(0)).optional()?;
    let body = body.ok_or_else(|| ReviewError::not_found("message", message_id))?;
    let quote = match span {
        None => None,
        Some((s, e)) => {
            let len = utf16::utf16_offset(&body, body.len()) as i64;
            if s < 0 || e <= s || e > len {
                return Err(ReviewError::BadRequest(format!("span {s}..{e} is outside the message text (0..{len} UTF-16 units)")));
            }
            let (bs, be) = (utf16::byte_offset(&body, s as usize), utf16::byte_offset(&body, e as usize));
            if utf16::utf16_offset(&body, bs) as i64 != s || utf16::utf16_offset(&body, be) as i64 != e {
                return Err(ReviewError::BadRequest(format!("span {s}..{e} splits a character")));
            }
            Some(body[bs..be].to_string())
        }
    };
    if let Some(c) = case_id {
        super::cases::summary(conn, &super::privacy::NameView::open(), c)?;
    }
    let ts = now();
    conn.execute(
        "INSERT INTO annotations(message_id, case_id, span_start, span_end, quote, label, text, author_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![message_id, case_id, span.map(|s| s.0), span.map(|s| s.1), quote, label, text, actor.id, ts],
    )?;
    let a = get(conn, conn.last_insert_rowid())?;
    audit::append(conn, &actor.login, "annotation.add", "annotation", a.id, None, serde_json::to_value(&a).ok().as_ref())?;
    if let Some(c) = case_id {
        conn.execute("UPDATE cases SET touched = 1, updated_at = ?2 WHERE id = ?1", params![c, ts])?;
    }
    Ok(a)
}

fn keep_history(conn: &Connection, a: &Annotation, by: i64) -> Result<(), ReviewError> {
    conn.execute(
        "INSERT INTO annotation_history(annotation_id, version, label, text, deleted, by_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![a.id, a.version, a.label, a.text, a.deleted, by, a.updated_at],
    )?;
    Ok(())
}

/// Change an annotation's label and/or text; the previous version is kept.
pub fn edit(conn: &Connection, actor: &Reviewer, id: i64, label: Option<&str>, text: Option<&str>) -> Result<Annotation, ReviewError> {
    let before = get(conn, id)?;
    if before.deleted {
        return Err(ReviewError::Conflict(format!("annotation {id} was deleted")));
    }
    if let Some(l) = label {
        check_label(l)?;
    }
    keep_history(conn, &before, actor.id)?;
    conn.execute(
        "UPDATE annotations SET label = ?2, text = ?3, version = version + 1, updated_at = ?4 WHERE id = ?1",
        params![id, label.unwrap_or(&before.label), text.unwrap_or(&before.text), now()],
    )?;
    let after = get(conn, id)?;
    audit::append(conn, &actor.login, "annotation.edit", "annotation", id, serde_json::to_value(&before).ok().as_ref(), serde_json::to_value(&after).ok().as_ref())?;
    Ok(after)
}

pub fn delete(conn: &Connection, actor: &Reviewer, id: i64) -> Result<(), ReviewError> {
    let before = get(conn, id)?;
    if before.deleted {
        return Ok(());
    }
    keep_history(conn, &before, actor.id)?;
    conn.execute("UPDATE annotations SET deleted = 1, version = version + 1, updated_at = ?2 WHERE id = ?1", params![id, now()])?;
    let after = get(conn, id)?;
    audit::append(conn, &actor.login, "annotation.delete", "annotation", id, serde_json::to_value(&before).ok().as_ref(), serde_json::to_value(&after).ok().as_ref())?;
    Ok(())
}

/// Every earlier version of an annotation, oldest first.
pub fn history(conn: &Connection, id: i64) -> Result<Vec<AnnotationVersion>, ReviewError> {
    let mut stmt = conn.prepare(
        "SELECT h.version, h.label, h.text, h.deleted, r.login, h.at FROM annotation_history h JOIN reviewers r ON r.id = h.by_id
         WHERE h.annotation_id = ?1 ORDER BY h.version",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(AnnotationVersion { version: r.get(0)?, label: r.get(1)?, text: r.get(2)?, deleted: r.get(3)?, by: r.get(4)?, at: r.get(5)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
