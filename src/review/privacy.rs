//! Pseudonymisation for first-level review.
//!
//! With the workspace setting on, participants are shown as stable aliases
//! ("Participant 7", from the participant's row id, so the same person has
//! the same alias in every case) until a senior reviewer or admin reveals
//! them. Each reveal is recorded and audited.

use rusqlite::{params, Connection};

use super::{settings, ReviewError, Reviewer};

pub fn alias(participant_id: i64) -> String {
    format!("Participant {participant_id}")
}

/// Decides what name a viewer sees for a participant.
pub struct NameView {
    pseudonymise: bool,
    revealed: std::collections::HashSet<i64>,
}

impl NameView {
    pub fn for_viewer(conn: &Connection, viewer: &Reviewer) -> Result<Self, ReviewError> {
        let pseudonymise = settings::get(conn)?.pseudonymise;
        let mut revealed = std::collections::HashSet::new();
        if pseudonymise {
            let mut stmt = conn.prepare("SELECT participant_id FROM reveals WHERE reviewer_id = ?1")?;
            for id in stmt.query_map([viewer.id], |r| r.get::<_, i64>(0))? {
                revealed.insert(id?);
            }
        }
        Ok(Self { pseudonymise, revealed })
    }

    /// A view that shows every real name (exports, tests).
    pub fn open() -> Self {
        Self { pseudonymise: false, revealed: Default::default() }
    }

    /// The name to show for a participant whose real name is `real`.
    pub fn name(&self, participant_id: Option<i64>, real: Option<String>) -> Option<String> {
        match participant_id {
            Some(id) if self.pseudonymise && !self.revealed.contains(&id) => Some(alias(id)),
            _ => real,
        }
    }

    pub fn is_pseudonymised(&self, participant_id: i64) -> bool {
        self.pseudonymise && !self.revealed.contains(&participant_id)
    }
}

/// Reveal a participant's real identity to `actor` (senior reviewers and admins only).
pub fn reveal(conn: &Connection, actor: &Reviewer, participant_id: i64) -> Result<(), ReviewError> {
    if actor.role == "reviewer" {
        return Err(ReviewError::Forbidden("revealing a participant needs the senior or admin role".into()));
    }
    let exists: i64 = conn.query_row("SELECT count(*) FROM participants WHERE id = ?1", [participant_id], |r| r.get(0))?;
    if exists == 0 {
        return Err(ReviewError::not_found("participant", participant_id));
    }
    conn.execute(
        "INSERT OR IGNORE INTO reveals(reviewer_id, participant_id, at) VALUES (?1, ?2, ?3)",
        params![actor.id, participant_id, super::now()],
    )?;
    crate::audit::append(
        conn,
        &actor.login,
        "participant.reveal",
        "participant",
        participant_id,
        Some(&serde_json::json!({ "shown_as": alias(participant_id) })),
        Some(&serde_json::json!({ "revealed_to": actor.login })),
    )?;
    Ok(())
}
