//! Reviewer profiles. Every action records who did it; by default the
//! reviewer is the operating-system user (`REDLINE_REVIEWER` overrides, for
//! shared machines and tests). The first reviewer of a workspace is its admin.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ReviewError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reviewer {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub initials: String,
    /// `reviewer`, `senior` or `admin`.
    pub role: String,
}

/// The login of whoever runs this process.
pub fn os_login() -> String {
    std::env::var("REDLINE_REVIEWER")
        .ok()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "reviewer".to_string())
}

fn initials_of(name: &str) -> String {
    let parts: Vec<&str> = name.split_whitespace().collect();
    let s: String = if parts.len() > 1 {
        parts.iter().filter_map(|p| p.chars().next()).take(3).collect()
    } else {
        name.chars().take(2).collect()
    };
    s.to_uppercase()
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Reviewer> {
    Ok(Reviewer { id: r.get(0)?, login: r.get(1)?, name: r.get(2)?, initials: r.get(3)?, role: r.get(4)? })
}

pub fn by_login(conn: &Connection, login: &str) -> Result<Option<Reviewer>, ReviewError> {
    Ok(conn
        .query_row("SELECT id, login, name, initials, role FROM reviewers WHERE login = ?1", [login], row)
        .optional()?)
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Reviewer, ReviewError> {
    conn.query_row("SELECT id, login, name, initials, role FROM reviewers WHERE id = ?1", [id], row)
        .optional()?
        .ok_or_else(|| ReviewError::not_found("reviewer", id))
}

pub fn list(conn: &Connection) -> Result<Vec<Reviewer>, ReviewError> {
    let mut stmt = conn.prepare("SELECT id, login, name, initials, role FROM reviewers ORDER BY id")?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The profile for `login`, created on first use (admin if it is the first).
pub fn ensure(conn: &Connection, login: &str) -> Result<Reviewer, ReviewError> {
    if let Some(r) = by_login(conn, login)? {
        return Ok(r);
    }
    let first: i64 = conn.query_row("SELECT count(*) FROM reviewers", [], |r| r.get(0))?;
    let role = if first == 0 { "admin" } else { "reviewer" };
    conn.execute(
        "INSERT INTO reviewers(login, name, initials, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![login, login, initials_of(login), role, super::now()],
    )?;
    let r = by_login(conn, login)?.ok_or_else(|| ReviewError::not_found("reviewer", login))?;
    crate::audit::append(conn, login, "reviewer.create", "reviewer", r.id, None, serde_json::to_value(&r).ok().as_ref())?;
    Ok(r)
}

/// Change a profile: one's own name and initials; the role only by an admin.
pub fn update(
    conn: &Connection,
    actor: &Reviewer,
    login: &str,
    name: Option<&str>,
    initials: Option<&str>,
    role: Option<&str>,
) -> Result<Reviewer, ReviewError> {
    let before = ensure(conn, login)?;
    if actor.login != login && actor.role != "admin" {
        return Err(ReviewError::Forbidden("only an admin can change another reviewer's profile".into()));
    }
    if let Some(r) = role {
        if actor.role != "admin" {
            return Err(ReviewError::Forbidden("only an admin can change roles".into()));
        }
        if !matches!(r, "reviewer" | "senior" | "admin") {
            return Err(ReviewError::BadRequest(format!("unknown role {r:?}: use reviewer, senior or admin")));
        }
    }
    let name = name.map(str::to_string).unwrap_or(before.name.clone());
    let initials = initials.map(str::to_string).unwrap_or_else(|| if name != before.name { initials_of(&name) } else { before.initials.clone() });
    let role = role.map(str::to_string).unwrap_or(before.role.clone());
    conn.execute(
        "UPDATE reviewers SET name = ?2, initials = ?3, role = ?4 WHERE id = ?1",
        params![before.id, name, initials, role],
    )?;
    let after = by_id(conn, before.id)?;
    crate::audit::append(
        conn,
        &actor.login,
        "reviewer.update",
        "reviewer",
        after.id,
        serde_json::to_value(&before).ok().as_ref(),
        serde_json::to_value(&after).ok().as_ref(),
    )?;
    Ok(after)
}
