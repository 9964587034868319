//! Case review: hits grouped into cases, the case workflow, annotations,
//! quality assurance, and the views a reviewer works from.
//!
//! The review module owns the cases, notes, tags, annotations, QA and
//! reviewer tables (`src/store/sql/0003_review.sql`). Every change a
//! reviewer makes goes through a function here that performs it and appends
//! its audit entry in one transaction (`crate::audit`), so the trail can
//! never disagree with the data.

/// The ids of the messages of a case, for a subquery: `$case` is an SQL
/// expression for the case id (`"c.id"`, `"?1"`). Use this, not the
/// `case_message_ids` view, in anything run per case: SQLite does not push a
/// correlated `case_id = c.id` into the view's UNION, so every use scanned the
/// hits of all cases (one queue page of 100,000 cases took minutes; this
/// searches both tables by case). A message hit twice in a case is listed
/// twice, so count it with DISTINCT.
macro_rules! case_message_ids_of {
    ($case:literal) => {
        concat!(
            "SELECT h.message_id AS message_id FROM case_hits ch JOIN hits h ON h.id = ch.hit_id WHERE ch.case_id = ",
            $case,
            " AND h.retracted_scan_id IS NULL AND NOT EXISTS (SELECT 1 FROM case_messages x",
            " WHERE x.case_id = ch.case_id AND x.message_id = h.message_id AND x.included = 0)",
            " UNION ALL SELECT x.message_id FROM case_messages x WHERE x.case_id = ",
            $case,
            " AND x.included = 1"
        )
    };
}

pub mod annotations;
pub mod cases;
pub mod context;
pub mod grouping;
pub mod media;
pub mod privacy;
pub mod qa;
pub mod queue;
pub mod reviewers;
pub mod settings;
pub mod stats;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::StoreError;

pub use reviewers::Reviewer;

/// Errors a reviewer can get, each with a stable code for the API.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },

    #[error("cannot go from {from} to {to}: {hint}")]
    InvalidTransition { from: String, to: String, hint: String },

    #[error("not allowed: {0}")]
    Forbidden(String),

    #[error("{0}")]
    Conflict(String),

    #[error("{0}")]
    BadRequest(String),

    /// Evidence that exists in the workspace but cannot be had now (an
    /// attachment whose original export moved or changed).
    #[error("{0}")]
    Unavailable(String),

    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ReviewError {
    fn from(e: rusqlite::Error) -> Self {
        ReviewError::Store(StoreError::Sqlite(e))
    }
}

impl ReviewError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ReviewError::NotFound { .. } => "not_found",
            ReviewError::InvalidTransition { .. } => "invalid_transition",
            ReviewError::Forbidden(_) => "forbidden",
            ReviewError::Conflict(_) => "conflict",
            ReviewError::BadRequest(_) => "bad_request",
            ReviewError::Unavailable(_) => "unavailable",
            ReviewError::Store(_) => "storage",
        }
    }

    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        ReviewError::NotFound { what, id: id.to_string() }
    }
}

/// Case status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InReview,
    Escalated,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::New, Status::InReview, Status::Escalated, Status::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InReview => "in_review",
            Status::Escalated => "escalated",
            Status::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How a closed case was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Violation,
    NoViolation,
    /// The rule misfired: recorded against the rule's statistics.
    FalsePositive,
    InsufficientEvidence,
}

impl Disposition {
    pub const ALL: [Disposition; 4] =
        [Disposition::Violation, Disposition::NoViolation, Disposition::FalsePositive, Disposition::InsufficientEvidence];
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Violation => "violation",
            Disposition::NoViolation => "no_violation",
            Disposition::FalsePositive => "false_positive",
            Disposition::InsufficientEvidence => "insufficient_evidence",
        }
    }
    pub fn parse(s: &str) -> Option<Disposition> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Severity rank (higher is worse) and the priority it gives a case.
pub(crate) fn severity_rank(s: &str) -> i64 {
    match s {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        _ => 1,
    }
}

pub(crate) fn priority_of(severity: &str) -> i64 {
    5 - severity_rank(severity)
}
