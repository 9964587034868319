//! Workspace settings for review.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ReviewError, Reviewer};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Hits of one (conversation, sender, red line) within this many days form one case.
    pub case_window_days: u32,
    /// Closing a case as `violation` needs a second, different reviewer's approval.
    pub four_eyes: bool,
    /// Share of each reviewer's closed cases sampled for quality assurance (0..1).
    pub qa_share: f64,
    /// Show participants as "Participant N" until a senior reviewer reveals them.
    pub pseudonymise: bool,
    /// Messages shown before and after a hit in the conversation view.
    pub context_messages: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { case_window_days: 7, four_eyes: false, qa_share: 0.1, pseudonymise: false, context_messages: 5 }
    }
}

const KEY: &str = "review";

pub fn get(conn: &Connection) -> Result<Settings, ReviewError> {
    let v: Option<String> = conn.query_row("SELECT value FROM settings WHERE key = ?1", [KEY], |r| r.get(0)).optional()?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// Change settings (admins and senior reviewers only); audited.
pub fn set(conn: &Connection, actor: &Reviewer, new: &Settings) -> Result<Settings, ReviewError> {
    if actor.role == "reviewer" {
        return Err(ReviewError::Forbidden("only a senior reviewer or an admin can change workspace settings".into()));
    }
    if !(0.0..=1.0).contains(&new.qa_share) {
        return Err(ReviewError::BadRequest("qa_share must be between 0 and 1".into()));
    }
    if new.case_window_days == 0 {
        return Err(ReviewError::BadRequest("case_window_days must be at least 1".into()));
    }
    let before = get(conn)?;
    let json = serde_json::to_string(new).map_err(|e| ReviewError::BadRequest(e.to_string()))?;
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [KEY, &json],
    )?;
    crate::audit::append(
        conn,
        &actor.login,
        "settings.update",
        "workspace",
        "settings",
        serde_json::to_value(&before).ok().as_ref(),
        serde_json::to_value(new).ok().as_ref(),
    )?;
    Ok(new.clone())
}
