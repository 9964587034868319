//! The one command surface: typed requests in, typed responses out.
//!
//! The CLI, the desktop shell (Tauri `invoke`) and `redline serve` (HTTP)
//! all call [`handle`]; none of them has logic of its own. Requests and
//! responses are serde types with TypeScript bindings generated from them
//! (`ui/src/api/types.ts`, checked by `tests/api_types.rs`), so the UI and the
//! library cannot drift apart. Errors carry a stable `code` and a message
//! written for a reviewer.
//!
//! Every request that changes something runs in one transaction together
//! with its audit entries.

mod types;
pub mod workspace_ops;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use types::ts_declarations;
pub use workspace_ops::{Progress, ProgressEvent};

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use workspace_ops::{FormatInfo, ImportResultItem, PackView, ParticipantPage, ScanOutcome, TryMatch};

use crate::audit::{self, AuditEntry, VerifyReport};
use crate::export::{self, CaseFileReport, ExportError, ExportOptions, ExportSummary};
use crate::review::annotations::{self, Annotation, AnnotationVersion};
use crate::review::cases::{self, CaseSummary, CloseOutcome, Note};
use crate::review::context::{self, ConversationWindow, MessageItem, SenderHistory};
use crate::review::grouping::{self, GroupingSummary};
use crate::review::media::{self, AttachmentContent};
use crate::review::privacy::{self, NameView};
use crate::review::qa::{self, QaItem};
use crate::review::queue::{self, CaseFilter, CasePage, CaseSort};
use crate::review::settings::{self, Settings};
use crate::review::stats::{self, Stats};
use crate::review::{reviewers, Disposition, ReviewError, Reviewer, Status};
use crate::store::{Store, StoreError};

/// A request to the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Totals, schema version and index state of the workspace.
    WorkspaceInfo,
    /// The acting reviewer's profile (created on first use).
    Me,
    ListReviewers,
    UpdateProfile { login: Option<String>, name: Option<String>, initials: Option<String>, role: Option<String> },
    GetSettings,
    SetSettings { settings: Settings },
    /// Group hits into cases (runs after every scan too).
    Regroup,
    Search { query: String, limit: Option<u32> },
    /// A page of the queue; `facets: false` skips the facet counts (for pages after the first).
    ListCases {
        filter: CaseFilter,
        sort: Option<CaseSort>,
        offset: Option<i64>,
        limit: Option<i64>,
        #[serde(default)]
        #[ts(optional)]
        facets: Option<bool>,
    },
    GetCase { id: i64 },
    SetStatus { id: i64, status: Status, reason: Option<String> },
    Close { id: i64, disposition: Disposition, reason: Option<String>, misfired_rule: Option<String> },
    Approve { id: i64 },
    RejectApproval { id: i64, reason: String },
    Assign { id: i64, login: Option<String> },
    Tag { id: i64, tag: String, add: bool },
    SetDue { id: i64, due: Option<String> },
    SetPriority { id: i64, severity: Option<String>, priority: Option<i64> },
    AddNote { id: i64, text: String },
    Merge { ids: Vec<i64> },
    Split { id: i64, message_ids: Vec<i64>, reason: String },
    AddMessage { id: i64, message_id: i64, reason: String },
    RemoveMessage { id: i64, message_id: i64, reason: String },
    Annotate { message_id: i64, case_id: Option<i64>, span: Option<(i64, i64)>, label: String, text: String },
    EditAnnotation { id: i64, label: Option<String>, text: Option<String> },
    DeleteAnnotation { id: i64 },
    AnnotationHistory { id: i64 },
    /// The conversation around a message.
    Window { message_id: i64, before: Option<i64>, after: Option<i64> },
    /// The next page before (`before: true`) or after a message.
    Page { message_id: i64, before: bool, count: Option<i64> },
    SenderHistory { participant_id: i64 },
    Reveal { participant_id: i64 },
    QaSample { share: Option<f64> },
    QaList { all: bool },
    QaDecide { id: i64, agree: bool, reason: String },
    /// The audit trail (of one case), oldest first; `limit` keeps the newest entries.
    AuditLog { case_id: Option<i64>, limit: Option<usize> },
    AuditVerify,
    Stats,
    /// Import files or folders (paths on this machine). Reports progress.
    Import { paths: Vec<String>, format: Option<String>, tz: Option<String> },
    /// Scan with the workspace's packs (and extra pack paths), then group into cases. Reports progress.
    Scan { rules: Vec<String> },
    /// Stop a running import, scan or export.
    Cancel { task_id: String },
    ListPacks,
    TryRules { text: String, kind: Option<String>, amount: Option<f64> },
    ListParticipants { query: Option<String>, offset: Option<i64>, limit: Option<i64> },
    ParticipantMessages { participant_id: i64, offset: Option<i64>, limit: Option<i64> },
    Formats,
    /// An attachment's bytes from its original export, checked against the
    /// SHA-256 recorded at import (for the case view's click-to-reveal).
    Attachment { id: i64 },
    /// Write a case file (a folder, or a zip when `out` ends in `.zip`) for these cases; audited per case.
    Export { case_ids: Vec<i64>, out: String, options: ExportOptions },
    /// Batch export: every case the queue filter selects (e.g. closed as violation in a date range).
    ExportCases { filter: CaseFilter, out: String, options: ExportOptions },
    /// Check a case file against its manifest (and this workspace's audit trail).
    VerifyCaseFile { path: String },
}

/// Everything the case view needs in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseDetail {
    pub case: CaseSummary,
    pub messages: Vec<MessageItem>,
    pub notes: Vec<Note>,
    pub annotations: Vec<Annotation>,
    pub audit: Vec<AuditEntry>,
    pub qa: Vec<QaItem>,
    /// Steps the case may take next from its status.
    pub allowed_status: Vec<Status>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkspaceInfo {
    pub path: String,
    pub schema_version: i64,
    pub sources: i64,
    pub conversations: i64,
    pub participants: i64,
    pub messages: i64,
    pub attachments: i64,
    pub skipped: i64,
    pub hits: i64,
    pub cases: i64,
    pub open_cases: i64,
    pub index_pending: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchResult {
    pub message_id: i64,
    pub conversation: String,
    pub sender: Option<String>,
    pub timestamp: Option<String>,
    pub kind: String,
    pub text: String,
    pub spans: Vec<crate::text::utf16::Utf16Span>,
    pub locator: String,
}

/// A response: `{"type": "...", "data": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Response {
    Ok,
    WorkspaceInfo(WorkspaceInfo),
    Reviewer(Reviewer),
    Reviewers(Vec<Reviewer>),
    Settings(Settings),
    Grouping(GroupingSummary),
    SearchResults(Vec<SearchResult>),
    Cases(CasePage),
    Case(Box<CaseDetail>),
    Closed(CloseOutcome),
    CaseId(i64),
    NoteId(i64),
    Annotation(Annotation),
    AnnotationHistory(Vec<AnnotationVersion>),
    Window(ConversationWindow),
    SenderHistory(SenderHistory),
    Qa(Vec<QaItem>),
    QaItem(QaItem),
    Audit(Vec<AuditEntry>),
    AuditVerify(VerifyReport),
    Stats(Stats),
    ImportResults(Vec<ImportResultItem>),
    ScanSummary(ScanOutcome),
    Packs(Vec<PackView>),
    RuleMatches(Vec<TryMatch>),
    Participants(ParticipantPage),
    Messages(Vec<MessageItem>),
    Formats(Vec<FormatInfo>),
    Exported(ExportSummary),
    CaseFileVerify(CaseFileReport),
    Attachment(AttachmentContent),
}

/// An error fit for a reviewer, with a stable code:
/// `not_found`, `invalid_transition`, `forbidden`, `conflict`, `bad_request`, `unavailable`,
/// `storage`, and for exports `io`, `missing_font`, `pdf`, `cancelled`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        ApiError { code: e.code().to_string(), message: e.to_string() }
    }
}

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        ApiError { code: e.code().to_string(), message: e.to_string() }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Query(m) => ApiError { code: "bad_request".into(), message: m },
            other => ApiError { code: "storage".into(), message: other.to_string() },
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::from(StoreError::Sqlite(e))
    }
}

/// The reviewer acting in this process (OS user, or `REDLINE_REVIEWER`).
pub fn current_reviewer(store: &mut Store) -> Result<Reviewer, ApiError> {
    reviewer(store, &reviewers::os_login())
}

fn reviewer(store: &mut Store, login: &str) -> Result<Reviewer, ApiError> {
    let tx = store.conn_mut().transaction()?;
    let r = reviewers::ensure(&tx, login)?;
    tx.commit()?;
    Ok(r)
}

/// Run `f` in one transaction; commit only if it succeeds.
fn write<T>(store: &mut Store, f: impl FnOnce(&rusqlite::Connection) -> Result<T, ReviewError>) -> Result<T, ApiError> {
    let tx = store.conn_mut().transaction()?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// Running long tasks, by id, with their cancel flags. One process serves
/// one reviewer's tools, so a process-wide table is the simplest honest home.
static TASKS: Mutex<Option<HashMap<String, Arc<AtomicBool>>>> = Mutex::new(None);

fn register(task_id: &str) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    if let Ok(mut t) = TASKS.lock() {
        t.get_or_insert_with(HashMap::new).insert(task_id.to_string(), Arc::clone(&flag));
    }
    flag
}

fn unregister(task_id: &str) {
    if let Ok(mut t) = TASKS.lock() {
        if let Some(m) = t.as_mut() {
            m.remove(task_id);
        }
    }
}

fn cancel(task_id: &str) -> Result<(), ApiError> {
    let flag = TASKS.lock().ok().and_then(|t| t.as_ref().and_then(|m| m.get(task_id).cloned()));
    match flag {
        Some(f) => {
            f.store(true, Ordering::Relaxed);
            Ok(())
        }
        None => Err(ApiError { code: "not_found".into(), message: format!("no running task {task_id}") }),
    }
}

/// Handle one request as the reviewer with login `actor`.
pub fn handle(store: &mut Store, actor: &str, req: Request) -> Result<Response, ApiError> {
    handle_with_progress(store, actor, req, &mut |_| {})
}

/// [`handle`], reporting the progress of long tasks (import, scan) to `emit`.
pub fn handle_with_progress(store: &mut Store, actor: &str, req: Request, emit: &mut dyn FnMut(ProgressEvent)) -> Result<Response, ApiError> {
    let me = reviewer(store, actor)?;
    match req {
        Request::Import { paths, format, tz } => {
            let task_id = new_task_id("import");
            let cancel = register(&task_id);
            let mut p = Progress { task_id: task_id.clone(), emit, cancel };
            let r = workspace_ops::import(store, &me.login, &paths, format, tz, Some(&mut p));
            unregister(&task_id);
            return r.map(Response::ImportResults);
        }
        Request::Scan { rules } => {
            let task_id = new_task_id("scan");
            let cancel = register(&task_id);
            let mut p = Progress { task_id: task_id.clone(), emit, cancel };
            let r = workspace_ops::scan(store, &me.login, &rules, Some(&mut p));
            unregister(&task_id);
            return r.map(Response::ScanSummary);
        }
        Request::Export { case_ids, out, options } => {
            return run_export(store, &me, &case_ids, &out, &options, emit).map(Response::Exported);
        }
        Request::ExportCases { filter, out, options } => {
            let ids = export::cases_matching(store, &filter)?;
            if ids.is_empty() {
                return Err(ApiError { code: "bad_request".into(), message: "no case matches the filter: nothing to export".into() });
            }
            return run_export(store, &me, &ids, &out, &options, emit).map(Response::Exported);
        }
        Request::Cancel { task_id } => {
            cancel(&task_id)?;
            return Ok(Response::Ok);
        }
        req => handle_as(store, me, req),
    }
}

/// An export as a task: progress events, and a cancel flag it checks.
fn run_export(
    store: &mut Store,
    me: &Reviewer,
    ids: &[i64],
    out: &str,
    options: &ExportOptions,
    emit: &mut dyn FnMut(ProgressEvent),
) -> Result<ExportSummary, ApiError> {
    struct Adapter<'a> {
        p: Progress<'a>,
        last: Option<(std::time::Instant, String)>,
    }
    impl export::Progress for Adapter<'_> {
        fn step(&mut self, done: u64, total: u64, what: &str) {
            // Every step is sent, but a run of attachment copies at most ~20
            // times a second: 10,000 files should not flood the UI.
            let kind = what.split('/').next().unwrap_or(what);
            let now = std::time::Instant::now();
            if self.last.as_ref().is_some_and(|(t, k)| k == kind && now.duration_since(*t).as_millis() < 50) {
                return;
            }
            self.last = Some((now, kind.to_string()));
            self.p.send("export", done, Some(total), what);
        }
        fn cancelled(&self) -> bool {
            self.p.cancel.load(Ordering::Relaxed)
        }
    }
    let task_id = new_task_id("export");
    let cancel = register(&task_id);
    let mut adapter = Adapter { p: Progress { task_id: task_id.clone(), emit, cancel }, last: None };
    let r = export::export(store, me, ids, std::path::Path::new(out), options, &mut adapter);
    unregister(&task_id);
    Ok(r?)
}

fn new_task_id(kind: &str) -> String {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{kind}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn handle_as(store: &mut Store, me: Reviewer, req: Request) -> Result<Response, ApiError> {
    let names = NameView::for_viewer(store.conn(), &me)?;
    Ok(match req {
        Request::WorkspaceInfo => Response::WorkspaceInfo(workspace_info(store)?),
        Request::Me => Response::Reviewer(me),
        Request::ListReviewers => Response::Reviewers(reviewers::list(store.conn())?),
        Request::UpdateProfile { login, name, initials, role } => Response::Reviewer(write(store, |c| {
            reviewers::update(c, &me, login.as_deref().unwrap_or(&me.login), name.as_deref(), initials.as_deref(), role.as_deref())
        })?),
        Request::GetSettings => Response::Settings(settings::get(store.conn())?),
        Request::SetSettings { settings: s } => Response::Settings(write(store, |c| settings::set(c, &me, &s))?),
        Request::Regroup => Response::Grouping(write(store, grouping::regroup)?),
        Request::Search { query, limit } => {
            let hits = store.search(&query, limit.unwrap_or(50).clamp(1, 1000) as usize)?;
            Response::SearchResults(
                hits.into_iter()
                    .map(|h| SearchResult {
                        message_id: h.message_id,
                        conversation: h.conversation,
                        sender: h.sender,
                        timestamp: h.timestamp,
                        kind: h.kind,
                        text: h.text,
                        spans: h.spans,
                        locator: h.locator,
                    })
                    .collect(),
            )
        }
        Request::ListCases { filter, sort, offset, limit, facets } => Response::Cases(queue::query(
            store.conn(),
            &names,
            &filter,
            sort.unwrap_or_default(),
            offset.unwrap_or(0),
            limit.unwrap_or(100),
            facets.unwrap_or(true),
        )?),
        Request::GetCase { id } => Response::Case(Box::new(case_detail(store, &names, id)?)),
        Request::SetStatus { id, status, reason } => {
            write(store, |c| cases::set_status(c, &me, id, status, reason.as_deref()))?;
            Response::Ok
        }
        Request::Close { id, disposition, reason, misfired_rule } => Response::Closed(write(store, |c| {
            cases::close(c, &me, id, disposition, reason.as_deref(), misfired_rule.as_deref())
        })?),
        Request::Approve { id } => {
            write(store, |c| cases::approve(c, &me, id))?;
            Response::Ok
        }
        Request::RejectApproval { id, reason } => {
            write(store, |c| cases::reject_approval(c, &me, id, &reason))?;
            Response::Ok
        }
        Request::Assign { id, login } => {
            write(store, |c| cases::assign(c, &me, id, login.as_deref()))?;
            Response::Ok
        }
        Request::Tag { id, tag, add } => {
            write(store, |c| cases::tag(c, &me, id, &tag, add))?;
            Response::Ok
        }
        Request::SetDue { id, due } => {
            write(store, |c| cases::set_due(c, &me, id, due.as_deref()))?;
            Response::Ok
        }
        Request::SetPriority { id, severity, priority } => {
            write(store, |c| cases::override_priority(c, &me, id, severity.as_deref(), priority))?;
            Response::Ok
        }
        Request::AddNote { id, text } => Response::NoteId(write(store, |c| cases::add_note(c, &me, id, &text))?),
        Request::Merge { ids } => Response::CaseId(write(store, |c| cases::merge(c, &me, &ids))?),
        Request::Split { id, message_ids, reason } => {
            Response::CaseId(write(store, |c| cases::split(c, &me, id, &message_ids, &reason))?)
        }
        Request::AddMessage { id, message_id, reason } => {
            write(store, |c| cases::add_message(c, &me, id, message_id, &reason))?;
            Response::Ok
        }
        Request::RemoveMessage { id, message_id, reason } => {
            write(store, |c| cases::remove_message(c, &me, id, message_id, &reason))?;
            Response::Ok
        }
        Request::Annotate { message_id, case_id, span, label, text } => {
            Response::Annotation(write(store, |c| annotations::add(c, &me, message_id, case_id, span, &label, &text))?)
        }
        Request::EditAnnotation { id, label, text } => {
            Response::Annotation(write(store, |c| annotations::edit(c, &me, id, label.as_deref(), text.as_deref()))?)
        }
        Request::DeleteAnnotation { id } => {
            write(store, |c| annotations::delete(c, &me, id))?;
            Response::Ok
        }
        Request::AnnotationHistory { id } => Response::AnnotationHistory(annotations::history(store.conn(), id)?),
        Request::Window { message_id, before, after } => {
            let n = i64::from(settings::get(store.conn())?.context_messages);
            Response::Window(context::window(store.conn(), &names, message_id, before.unwrap_or(n), after.unwrap_or(n))?)
        }
        Request::Page { message_id, before, count } => {
            Response::Window(context::page(store.conn(), &names, message_id, before, count.unwrap_or(20))?)
        }
        Request::SenderHistory { participant_id } => {
            Response::SenderHistory(context::sender_history(store.conn(), &names, participant_id)?)
        }
        Request::Reveal { participant_id } => {
            write(store, |c| privacy::reveal(c, &me, participant_id))?;
            Response::Ok
        }
        Request::QaSample { share } => Response::Qa(write(store, |c| qa::sample(c, &me, share))?),
        Request::QaList { all } => Response::Qa(qa::list(store.conn(), all)?),
        Request::QaDecide { id, agree, reason } => Response::QaItem(write(store, |c| qa::decide(c, &me, id, agree, &reason))?),
        Request::AuditLog { case_id, limit } => {
            let id = case_id.map(|i| i.to_string());
            Response::Audit(audit::log(store, id.as_deref().map(|i| ("case", i)), limit)?)
        }
        Request::AuditVerify => Response::AuditVerify(audit::verify(store)?),
        Request::Stats => Response::Stats(stats::compute(store.conn())?),
        Request::ListPacks => Response::Packs(workspace_ops::packs(store)?),
        Request::TryRules { text, kind, amount } => Response::RuleMatches(workspace_ops::try_rules(store, &text, kind, amount)?),
        Request::ListParticipants { query, offset, limit } => {
            Response::Participants(workspace_ops::participants(store, &names, query.as_deref(), offset.unwrap_or(0), limit.unwrap_or(100))?)
        }
        Request::ParticipantMessages { participant_id, offset, limit } => Response::Messages(workspace_ops::participant_messages(
            store,
            &names,
            participant_id,
            offset.unwrap_or(0),
            limit.unwrap_or(50),
        )?),
        Request::Formats => Response::Formats(workspace_ops::formats()),
        Request::Attachment { id } => Response::Attachment(media::content(store.conn(), id)?),
        Request::Import { .. }
        | Request::Scan { .. }
        | Request::Export { .. }
        | Request::ExportCases { .. }
        | Request::Cancel { .. } => {
            return handle_with_progress(store, &me.login, req, &mut |_| {})
        }
        Request::VerifyCaseFile { path } => Response::CaseFileVerify(export::verify_with_store(store, std::path::Path::new(&path))?),
    })
}

fn case_detail(store: &Store, names: &NameView, id: i64) -> Result<CaseDetail, ApiError> {
    let c = store.conn();
    let case = cases::summary(c, names, id)?;
    let id_text = id.to_string();
    Ok(CaseDetail {
        allowed_status: cases::allowed(case.status).to_vec(),
        messages: context::case_messages(c, names, id)?,
        notes: cases::notes(c, id)?,
        annotations: annotations::list(c, None, Some(id))?,
        audit: audit::log(store, Some(("case", &id_text)), None)?,
        qa: qa::list(c, true)?.into_iter().filter(|q| q.case_id == id).collect(),
        case,
    })
}

fn workspace_info(store: &Store) -> Result<WorkspaceInfo, ApiError> {
    let t = store.totals()?;
    let c = store.conn();
    let count = |sql: &str| -> Result<i64, ApiError> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
    Ok(WorkspaceInfo {
        path: store.path().display().to_string(),
        schema_version: store.schema_version()?,
        sources: t.sources,
        conversations: t.conversations,
        participants: t.participants,
        messages: t.messages,
        attachments: t.attachments,
        skipped: t.skipped,
        hits: count("SELECT count(*) FROM hits WHERE retracted_scan_id IS NULL")?,
        cases: count("SELECT count(*) FROM cases WHERE merged_into IS NULL")?,
        open_cases: count("SELECT count(*) FROM cases WHERE merged_into IS NULL AND status != 'closed'")?,
        index_pending: store.index_status()?.pending as i64,
    })
}

/// Where a workspace's database lives by default.
pub fn default_db() -> PathBuf {
    std::env::var_os("REDLINE_DB").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("redline.db"))
}
