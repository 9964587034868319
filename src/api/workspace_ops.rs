//! Workspace-level operations behind the API: import, scan, rule packs,
//! trying a text against the packs, participants. Long operations report
//! progress through [`Progress`] and stop when its cancel flag is set.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ApiError;
use crate::import::{self, ImportOptions, ImportOutcome};
use crate::review::context::MessageItem;
use crate::review::grouping::GroupingSummary;
use crate::review::privacy::NameView;
use crate::rules::{self, MessageView, RuleSet};
use crate::scan::ScanSummary;
use crate::store::{SourceSummary, Store, StoreError};
use crate::text::utf16::{self, Utf16Span};

/// Progress of a long task, as sent to the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProgressEvent {
    /// `import`, `scan` or `export`.
    pub task: String,
    /// Id to cancel the task with.
    pub id: String,
    pub done: u64,
    pub total: Option<u64>,
    pub message: String,
}

/// Where a long task reports progress, and the flag that cancels it.
pub struct Progress<'a> {
    pub task_id: String,
    pub emit: &'a mut dyn FnMut(ProgressEvent),
    pub cancel: Arc<AtomicBool>,
}

impl Progress<'_> {
    pub(super) fn send(&mut self, task: &str, done: u64, total: Option<u64>, message: impl Into<String>) {
        (self.emit)(ProgressEvent { task: task.into(), id: self.task_id.clone(), done, total, message: message.into() });
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportResultItem {
    pub path: String,
    /// `imported`, `already_imported`, `not_recognized` or `failed`.
    pub status: String,
    pub summary: Option<SourceSummary>,
    pub message: Option<String>,
}

struct ImportProgress<'p, 'a> {
    progress: Option<&'p mut Progress<'a>>,
    current: String,
}

impl import::Progress for ImportProgress<'_, '_> {
    fn source_started(&mut self, path: &str, format: &str, _bytes: u64) {
        self.current = format!("{path} [{format}]");
        if let Some(p) = self.progress.as_mut() {
            p.send("import", 0, None, self.current.clone());
        }
    }
    fn messages(&mut self, written: u64) {
        if let Some(p) = self.progress.as_mut() {
            p.send("import", written, None, self.current.clone());
        }
    }
}

pub fn import(
    store: &mut Store,
    actor: &str,
    paths: &[String],
    format: Option<String>,
    tz: Option<String>,
    progress: Option<&mut Progress>,
) -> Result<Vec<ImportResultItem>, ApiError> {
    if paths.is_empty() {
        return Err(ApiError { code: "bad_request".into(), message: "choose at least one file or folder to import".into() });
    }
    let cancel = progress.as_ref().map(|p| Arc::clone(&p.cancel));
    let opts = ImportOptions { format, tz, actor: Some(actor.to_string()), cancel };
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let mut bar = ImportProgress { progress, current: String::new() };
    let results = import::import_paths(store, &paths, &opts, &mut bar);
    let out = results
        .into_iter()
        .map(|r| {
            let path = r.path.display().to_string();
            match r.result {
                Ok(ImportOutcome::Imported(s)) => ImportResultItem { path, status: "imported".into(), summary: Some(s), message: None },
                Ok(ImportOutcome::AlreadyImported { sha256, source_id, .. }) => ImportResultItem {
                    path,
                    status: "already_imported".into(),
                    summary: None,
                    message: Some(format!("the same file (sha256 {sha256}) is source #{source_id}; nothing was written")),
                },
                Ok(ImportOutcome::NotRecognized { reason, .. }) => {
                    ImportResultItem { path, status: "not_recognized".into(), summary: None, message: Some(reason) }
                }
                Err(e) => ImportResultItem { path, status: "failed".into(), summary: None, message: Some(e.to_string()) },
            }
        })
        .collect();
    if let Some(p) = bar.progress.as_mut() {
        p.send("import", 0, Some(0), "building the search index");
    }
    store.index_pending(|done, total| {
        if let Some(p) = bar.progress.as_mut() {
            p.send("import", done, Some(total), "building the search index");
        }
    })?;
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScanOutcome {
    pub scan: ScanSummary,
    pub grouping: GroupingSummary,
}

/// Scan with the workspace's packs (plus `rules` paths), then group hits into cases.
pub fn scan(store: &mut Store, actor: &str, rules_paths: &[String], mut progress: Option<&mut Progress>) -> Result<ScanOutcome, ApiError> {
    let paths: Vec<PathBuf> = rules_paths.iter().map(PathBuf::from).collect();
    let sources = rules::for_workspace(&paths, store.path()).map_err(rule_error)?;
    let mut set = RuleSet::compile(&sources).map_err(rule_error)?;
    let cancel = progress.as_ref().map(|p| Arc::clone(&p.cancel));
    let scan = crate::scan::scan_with_cancel(store, &mut set, &sources, actor, cancel.as_deref(), |done, total| {
        if let Some(p) = progress.as_mut() {
            p.send("scan", done, Some(total), "scanning messages");
        }
    })
    .map_err(|e| match e {
        StoreError::Cancelled => ApiError { code: "cancelled".into(), message: "scan cancelled".into() },
        other => other.into(),
    })?;
    let tx = store.conn_mut().transaction()?;
    let grouping = crate::review::grouping::regroup(&tx)?;
    tx.commit()?;
    Ok(ScanOutcome { scan, grouping })
}

fn rule_error(e: rules::RuleError) -> ApiError {
    ApiError { code: "bad_request".into(), message: e.to_string() }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleView {
    pub id: String,
    pub hits: i64,
    pub cases: i64,
    pub false_positives: i64,
    pub false_positive_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RedLineView {
    pub id: String,
    pub title_en: String,
    pub title_zh: String,
    pub severity: String,
    pub rules: Vec<RuleView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PackView {
    pub id: String,
    pub name: String,
    pub version: String,
    pub path: String,
    pub red_lines: Vec<RedLineView>,
}

/// The packs the workspace scans with, with each rule's statistics.
pub fn packs(store: &Store) -> Result<Vec<PackView>, ApiError> {
    let sources = rules::for_workspace(&[], store.path()).map_err(rule_error)?;
    let set = RuleSet::compile(&sources).map_err(rule_error)?;
    let stats = crate::review::stats::compute(store.conn())?;
    Ok(set
        .packs()
        .iter()
        .map(|p| PackView {
            id: p.id.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            path: p.path.clone(),
            red_lines: p
                .red_lines
                .iter()
                .map(|rl| RedLineView {
                    id: rl.id.clone(),
                    title_en: rl.title_en.clone(),
                    title_zh: rl.title_zh.clone(),
                    severity: rl.severity.as_str().into(),
                    rules: rl
                        .rules
                        .iter()
                        .map(|r| {
                            let key = format!("{}/{}/{}", p.id, rl.id, r);
                            let s = stats.rules.iter().find(|x| x.rule == key);
                            RuleView {
                                id: r.clone(),
                                hits: s.map(|s| s.hits).unwrap_or(0),
                                cases: s.map(|s| s.cases).unwrap_or(0),
                                false_positives: s.map(|s| s.false_positives).unwrap_or(0),
                                false_positive_rate: s.and_then(|s| s.false_positive_rate),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TryMatch {
    pub pack: String,
    pub red_line: String,
    pub rule: String,
    pub severity: String,
    /// UTF-16 spans in the text tried.
    pub spans: Vec<Utf16Span>,
    pub terms: Vec<String>,
    /// Normalisations each span needed (codes such as `separators`).
    pub steps: Vec<Vec<String>>,
    pub conditions: Vec<String>,
}

/// What a text (and optional metadata) triggers in the workspace's packs.
pub fn try_rules(store: &Store, text: &str, kind: Option<String>, amount: Option<f64>) -> Result<Vec<TryMatch>, ApiError> {
    let sources = rules::for_workspace(&[], store.path()).map_err(rule_error)?;
    let set = RuleSet::compile(&sources).map_err(rule_error)?;
    let kind = match kind.as_deref() {
        None | Some("") => Some(crate::model::MessageKind::Text),
        Some(k) => Some(crate::model::MessageKind::parse(k).ok_or_else(|| ApiError { code: "bad_request".into(), message: format!("unknown kind {k:?}") })?),
    };
    let view = MessageView { text, kind, amount, ..Default::default() };
    Ok(set
        .match_message(&view)
        .into_iter()
        .map(|m| {
            let spans: Vec<(usize, usize)> = m.evidence.iter().map(|e| (e.start, e.end)).collect();
            TryMatch {
                pack: m.pack,
                red_line: m.red_line,
                rule: m.rule,
                severity: m.severity.as_str().into(),
                spans: utf16::to_utf16_spans(text, &spans),
                terms: m.evidence.iter().map(|e| e.term.clone()).collect(),
                steps: m.evidence.iter().map(|e| e.steps.codes().into_iter().map(String::from).collect()).collect(),
                conditions: m.conditions,
            }
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ParticipantRow {
    pub id: i64,
    pub platform: String,
    pub name: Option<String>,
    pub handle: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub messages: i64,
    pub hits: i64,
    pub cases: i64,
    pub pseudonymised: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ParticipantPage {
    pub total: i64,
    pub participants: Vec<ParticipantRow>,
}

/// Participants, most hits first; `query` matches names, handles, phones, e-mails.
pub fn participants(store: &Store, names: &NameView, query: Option<&str>, offset: i64, limit: i64) -> Result<ParticipantPage, ApiError> {
    let c = store.conn();
    let q = query.map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("%{q}%"));
    // Searching by name would reveal pseudonymised people: only aliases are searchable then.
    let filter = "(?1 IS NULL OR p.display_name LIKE ?1 OR p.external_id LIKE ?1 OR p.handle LIKE ?1 OR p.phone LIKE ?1
                   OR p.email LIKE ?1 OR EXISTS (SELECT 1 FROM participant_names n WHERE n.participant_id = p.id AND n.name LIKE ?1))";
    let total: i64 = c.query_row(&format!("SELECT count(*) FROM participants p WHERE {filter}"), [&q], |r| r.get(0))?;
    let sql = format!(
        "SELECT p.id, p.platform, coalesce(p.display_name, p.external_id), p.handle, p.phone, p.email,
                (SELECT count(*) FROM messages m WHERE m.sender_id = p.id),
                (SELECT count(*) FROM hits h JOIN messages m ON m.id = h.message_id WHERE m.sender_id = p.id AND h.retracted_scan_id IS NULL),
                (SELECT count(*) FROM cases k WHERE k.sender_id = p.id AND k.merged_into IS NULL)
         FROM participants p WHERE {filter} ORDER BY 8 DESC, 7 DESC, p.id LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params![q, limit.clamp(1, 1000), offset.max(0)], |r| {
        let id: i64 = r.get(0)?;
        let hidden = names.is_pseudonymised(id);
        Ok(ParticipantRow {
            id,
            platform: r.get(1)?,
            name: names.name(Some(id), r.get(2)?),
            handle: if hidden { None } else { r.get(3)? },
            phone: if hidden { None } else { r.get(4)? },
            email: if hidden { None } else { r.get(5)? },
            messages: r.get(6)?,
            hits: r.get(7)?,
            cases: r.get(8)?,
            pseudonymised: hidden,
        })
    })?;
    Ok(ParticipantPage { total, participants: rows.collect::<Result<_, _>>()? })
}

/// A participant's messages, newest first.
pub fn participant_messages(store: &Store, names: &NameView, participant_id: i64, offset: i64, limit: i64) -> Result<Vec<MessageItem>, ApiError> {
    let ids: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM messages WHERE sender_id = ?1 ORDER BY coalesce(ts_utc_ms, 0) DESC, id DESC LIMIT ?2 OFFSET ?3")?
        .query_map(rusqlite::params![participant_id, limit.clamp(1, 500), offset.max(0)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter()
        .map(|id| crate::review::context::message(store.conn(), names, id).map_err(ApiError::from))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FormatInfo {
    pub id: String,
    pub platform: String,
    pub summary: String,
}

pub fn formats() -> Vec<FormatInfo> {
    import::formats::FORMATS
        .iter()
        .map(|f| FormatInfo { id: f.id.into(), platform: f.platform.into(), summary: f.summary.into() })
        .collect()
}
