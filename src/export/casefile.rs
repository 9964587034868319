//! `case.json`: the complete, machine-readable case file.
//!
//! These types are the schema: `docs/case-file-schema.json` describes them
//! for readers outside Rust and `tests/export_case_file.rs` validates every
//! exported `case.json` against it. [`SCHEMA_VERSION`] changes with any
//! change here (minor: fields added; major: fields changed or removed).
//!
//! Every other file of the case file is rendered from one [`CaseFile`], so
//! the report, the CSV, the RSMF and the load files cannot disagree. Texts
//! are as exported (after redaction, if any); spans are UTF-16 offsets into
//! those texts, as everywhere in Redline's API.

use serde::{Deserialize, Serialize};

use super::options::ExportOptions;
use crate::audit::AuditEntry;
use crate::review::cases::{Note, PendingApproval};
use crate::review::{Disposition, Status};

pub const SCHEMA_ID: &str = "urn:redline:case-file";
pub const SCHEMA_VERSION: &str = "1.0";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFile {
    pub schema: String,
    pub schema_version: String,
    pub generated: Generated,
    pub cases: Vec<CaseRecord>,
    /// Every exported message once (a message can be in several cases or be
    /// context of several hits), in conversation order.
    pub messages: Vec<MessageOut>,
    pub conversations: Vec<ConversationOut>,
    pub participants: Vec<ParticipantOut>,
    /// The original exports the messages came from.
    pub sources: Vec<SourceOut>,
    /// Distinct attachment files (by SHA-256) and whether the case file holds a copy.
    pub attachments: Vec<AttachmentFile>,
    pub redaction: RedactionSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generated {
    pub tool: String,
    pub tool_version: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub exporter: Person,
    pub language: String,
    pub options: ExportOptions,
    /// Participants the exporter may not see by name are shown as aliases.
    pub pseudonymised: bool,
}

/// A reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub login: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub id: i64,
    pub title: String,
    pub status: Status,
    pub disposition: Option<Disposition>,
    pub misfired_rule: Option<String>,
    pub severity: String,
    pub priority: i64,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub due_date: Option<String>,
    pub conversation_id: Option<i64>,
    pub conversation: Option<String>,
    pub sender_id: Option<i64>,
    pub sender: Option<String>,
    pub red_lines: Vec<RedLineOut>,
    /// The rules that fired in this case, with the terms that matched.
    pub rules: Vec<RuleOut>,
    /// Reviewers who acted on the case, with what they did.
    pub reviewers: Vec<CaseReviewer>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub pending_approval: Option<PendingApproval>,
    pub pattern_flag: bool,
    pub hit_count: i64,
    /// Time of the case's first and last message, in their original offsets.
    pub first_at: Option<String>,
    pub last_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The case's own messages (hits and messages added by hand).
    pub message_ids: Vec<i64>,
    /// Runs of consecutive messages shown with their context.
    pub excerpts: Vec<Excerpt>,
    pub notes: Vec<Note>,
    pub annotations: Vec<AnnotationOut>,
    /// The case's audit trail, oldest first (the export itself is appended
    /// to the workspace's trail after this file is written).
    pub audit: Vec<AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedLineOut {
    pub id: String,
    /// Title in the report language, from the rule pack the hits came from.
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleOut {
    pub pack: String,
    pub pack_version: String,
    pub red_line: String,
    pub rule: String,
    pub severity: String,
    pub hits: i64,
    pub terms: Vec<String>,
    /// Metadata conditions that held (`kind=transfer`, `amount=5000`).
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReviewer {
    pub login: String,
    pub name: Option<String>,
    /// `assignee`, `closed_by`, `proposed_closing`, `author`, `actor`.
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excerpt {
    pub conversation_id: i64,
    pub message_ids: Vec<i64>,
    /// Messages of the conversation exist before / after the excerpt.
    pub more_before: bool,
    pub more_after: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotationOut {
    pub id: i64,
    pub message_id: i64,
    /// UTF-16 span in the exported text; `None` for the whole message.
    pub span: Option<(usize, usize)>,
    pub quote: Option<String>,
    pub label: String,
    pub text: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// Why a message is in the case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// In a case, with hits.
    Hit,
    /// In a case without hits (added by hand).
    Case,
    /// Shown as context around a hit.
    Context,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageOut {
    pub id: i64,
    pub role: Role,
    /// Exported cases this message belongs to (empty for context).
    pub cases: Vec<i64>,
    pub conversation_id: i64,
    pub sender_id: Option<i64>,
    pub sender: Option<String>,
    /// RFC 3339 in the original offset.
    pub timestamp: Option<String>,
    pub offset_assumed: bool,
    pub kind: String,
    pub text: String,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub payment_status: Option<String>,
    pub edited: bool,
    pub deleted: bool,
    pub reply_to: Option<String>,
    pub forwarded_from: Option<String>,
    pub external_id: Option<String>,
    /// Where the message is in its source (`chat.txt:17`, `result.json#/messages/3`).
    pub locator: String,
    pub source_id: i64,
    pub hits: Vec<HitOut>,
    pub attachments: Vec<AttachmentRef>,
    /// Markers that replaced identifiers (UTF-16 spans in `text`).
    pub redactions: Vec<RedactionOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitOut {
    pub hit_id: i64,
    pub pack: String,
    pub red_line: String,
    pub rule: String,
    pub severity: String,
    pub terms: Vec<String>,
    pub normalizations: Vec<String>,
    pub conditions: Vec<String>,
    /// UTF-16 spans in the exported text.
    pub spans: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedactionOut {
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub file_name: String,
    pub mime: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub export_path: Option<String>,
    /// Path of the copy in the case file (`attachments/<sha256>.<ext>`), when included.
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentFile {
    pub sha256: String,
    pub size_bytes: Option<i64>,
    pub mime: Option<String>,
    /// Every name the file has in the exported messages.
    pub original_names: Vec<String>,
    pub included: bool,
    pub path: Option<String>,
    /// Why a file is not included (the original export is gone, or changed).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationOut {
    pub id: i64,
    pub source_id: i64,
    pub platform: String,
    pub external_id: String,
    pub title: Option<String>,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantOut {
    pub id: i64,
    pub platform: String,
    /// The platform's id (an alias when pseudonymised).
    pub external_id: String,
    pub display_name: Option<String>,
    pub handle: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub pseudonymised: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceOut {
    pub id: i64,
    pub path: String,
    pub format: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub importer_version: String,
    pub imported_at: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RedactionSummary {
    pub kinds: Vec<String>,
    /// Identifiers replaced, per kind.
    pub counts: std::collections::BTreeMap<String, u64>,
    /// What redaction was applied to.
    pub fields: Vec<String>,
}
