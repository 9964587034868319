// Generated from the Rust API types (src/api). Do not edit: run
// `UPDATE_TS=1 cargo test --test api_types` after changing them.

export type Request = { "type": "workspace_info" } | { "type": "me" } | { "type": "list_reviewers" } | { "type": "update_profile", login: string | null, name: string | null, initials: string | null, role: string | null, } | { "type": "get_settings" } | { "type": "set_settings", settings: Settings, } | { "type": "regroup" } | { "type": "search", query: string, limit: number | null, } | { "type": "list_cases", filter: CaseFilter, sort: CaseSort | null, offset: number | null, limit: number | null, facets?: boolean, } | { "type": "get_case", id: number, } | { "type": "set_status", id: number, status: Status, reason: string | null, } | { "type": "close", id: number, disposition: Disposition, reason: string | null, misfired_rule: string | null, } | { "type": "approve", id: number, } | { "type": "reject_approval", id: number, reason: string, } | { "type": "assign", id: number, login: string | null, } | { "type": "tag", id: number, tag: string, add: boolean, } | { "type": "set_due", id: number, due: string | null, } | { "type": "set_priority", id: number, severity: string | null, priority: number | null, } | { "type": "add_note", id: number, text: string, } | { "type": "merge", ids: Array<number>, } | { "type": "split", id: number, message_ids: Array<number>, reason: string, } | { "type": "add_message", id: number, message_id: number, reason: string, } | { "type": "remove_message", id: number, message_id: number, reason: string, } | { "type": "annotate", message_id: number, case_id: number | null, span: [number, number] | null, label: string, text: string, } | { "type": "edit_annotation", id: number, label: string | null, text: string | null, } | { "type": "delete_annotation", id: number, } | { "type": "annotation_history", id: number, } | { "type": "window", message_id: number, before: number | null, after: number | null, } | { "type": "page", message_id: number, before: boolean, count: number | null, } | { "type": "sender_history", participant_id: number, } | { "type": "reveal", participant_id: number, } | { "type": "qa_sample", share: number | null, } | { "type": "qa_list", all: boolean, } | { "type": "qa_decide", id: number, agree: boolean, reason: string, } | { "type": "audit_log", case_id: number | null, limit: number | null, } | { "type": "audit_verify" } | { "type": "stats" } | { "type": "import", paths: Array<string>, format: string | null, tz: string | null, } | { "type": "scan", rules: Array<string>, } | { "type": "cancel", task_id: string, } | { "type": "list_packs" } | { "type": "try_rules", text: string, kind: string | null, amount: number | null, } | { "type": "list_participants", query: string | null, offset: number | null, limit: number | null, } | { "type": "participant_messages", participant_id: number, offset: number | null, limit: number | null, } | { "type": "formats" } | { "type": "attachment", id: number, } | { "type": "export", case_ids: Array<number>, out: string, options: ExportOptions, } | { "type": "export_cases", filter: CaseFilter, out: string, options: ExportOptions, } | { "type": "verify_case_file", path: string, };

export type Response = { "type": "ok" } | { "type": "workspace_info", "data": WorkspaceInfo } | { "type": "reviewer", "data": Reviewer } | { "type": "reviewers", "data": Array<Reviewer> } | { "type": "settings", "data": Settings } | { "type": "grouping", "data": GroupingSummary } | { "type": "search_results", "data": Array<SearchResult> } | { "type": "cases", "data": CasePage } | { "type": "case", "data": CaseDetail } | { "type": "closed", "data": CloseOutcome } | { "type": "case_id", "data": number } | { "type": "note_id", "data": number } | { "type": "annotation", "data": Annotation } | { "type": "annotation_history", "data": Array<AnnotationVersion> } | { "type": "window", "data": ConversationWindow } | { "type": "sender_history", "data": SenderHistory } | { "type": "qa", "data": Array<QaItem> } | { "type": "qa_item", "data": QaItem } | { "type": "audit", "data": Array<AuditEntry> } | { "type": "audit_verify", "data": VerifyReport } | { "type": "stats", "data": Stats } | { "type": "import_results", "data": Array<ImportResultItem> } | { "type": "scan_summary", "data": ScanOutcome } | { "type": "packs", "data": Array<PackView> } | { "type": "rule_matches", "data": Array<TryMatch> } | { "type": "participants", "data": ParticipantPage } | { "type": "messages", "data": Array<MessageItem> } | { "type": "formats", "data": Array<FormatInfo> } | { "type": "exported", "data": ExportSummary } | { "type": "case_file_verify", "data": CaseFileReport } | { "type": "attachment", "data": AttachmentContent };

export type ApiError = { code: string, message: string, };

export type CaseDetail = { case: CaseSummary, messages: Array<MessageItem>, notes: Array<Note>, annotations: Array<Annotation>, audit: Array<AuditEntry>, qa: Array<QaItem>, 
/**
 * Steps the case may take next from its status.
 */
allowed_status: Array<Status>, };

export type WorkspaceInfo = { path: string, schema_version: number, sources: number, conversations: number, participants: number, messages: number, attachments: number, skipped: number, hits: number, cases: number, open_cases: number, index_pending: number, };

export type SearchResult = { message_id: number, conversation: string, sender: string | null, timestamp: string | null, kind: string, text: string, spans: Array<Utf16Span>, locator: string, };

export type Settings = { 
/**
 * Hits of one (conversation, sender, red line) within this many days form one case.
 */
case_window_days: number, 
/**
 * Closing a case as `violation` needs a second, different reviewer's approval.
 */
four_eyes: boolean, 
/**
 * Share of each reviewer's closed cases sampled for quality assurance (0..1).
 */
qa_share: number, 
/**
 * Show participants as "Participant N" until a senior reviewer reveals them.
 */
pseudonymise: boolean, 
/**
 * Messages shown before and after a hit in the conversation view.
 */
context_messages: number, };

export type Reviewer = { id: number, login: string, name: string, initials: string, 
/**
 * `reviewer`, `senior` or `admin`.
 */
role: string, };

export type GroupingSummary = { cases_created: number, hits_grouped: number, hits_dropped: number, cases_removed: number, cases_flagged: number, };

export type CaseFilter = { red_line: string | null, status: string | null, disposition: string | null, 
/**
 * Assignee login; `"none"` for unassigned.
 */
assignee: string | null, severity: string | null, conversation_id: number | null, participant_id: number | null, 
/**
 * Cases with a message at or after / before this time (RFC 3339 or YYYY-MM-DD).
 */
from: string | null, to: string | null, tag: string | null, 
/**
 * Words in the title or in the case's messages.
 */
text: string | null, pattern_only: boolean, };

export type CaseSort = "priority" | "date" | "hits";

export type CasePage = { total: number, offset: number, cases: Array<CaseSummary>, 
/**
 * For each facet (status, red_line, severity, disposition, assignee, tag): value → count,
 * over the filtered cases.
 */
facets: { [key in string]: { [key in string]: number } }, };

export type CaseSummary = { id: number, title: string, red_lines: Array<string>, severity: string, priority: number, status: Status, disposition: Disposition | null, 
/**
 * `pack/red_line/rule` that misfired, for false positives.
 */
misfired_rule: string | null, 
/**
 * Login of the assignee.
 */
assignee: string | null, tags: Array<string>, due_date: string | null, conversation_id: number | null, conversation: string | null, sender_id: number | null, 
/**
 * The sender's name, or an alias when pseudonymised.
 */
sender: string | null, hit_count: number, message_count: number, 
/**
 * Time of the first and last message in the case (RFC 3339).
 */
first_at: string | null, last_at: string | null, 
/**
 * The sender has cases of the same red line within 30 days.
 */
pattern_flag: boolean, pending_approval: PendingApproval | null, merged_into: number | null, created_at: string, updated_at: string, };

export type PendingApproval = { disposition: Disposition, proposed_by: string, reason: string | null, };

export type Status = "new" | "in_review" | "escalated" | "closed";

export type Disposition = "violation" | "no_violation" | "false_positive" | "insufficient_evidence";

export type CloseOutcome = "closed" | "awaiting_approval";

export type Note = { id: number, case_id: number, author: string, text: string, created_at: string, };

export type Annotation = { id: number, message_id: number, case_id: number | null, 
/**
 * UTF-16 span in the message text; `None` for the whole message.
 */
span: [number, number] | null, quote: string | null, label: string, text: string, author: string, created_at: string, updated_at: string, version: number, deleted: boolean, };

export type AnnotationVersion = { version: number, label: string, text: string, deleted: boolean, by: string, at: string, };

export type ConversationWindow = { conversation_id: number, conversation: string, messages: Array<MessageItem>, has_more_before: boolean, has_more_after: boolean, };

export type MessageItem = { id: number, conversation_id: number, conversation: string, sender_id: number | null, sender: string | null, 
/**
 * RFC 3339 in the original offset.
 */
timestamp: string | null, offset_assumed: boolean, kind: string, text: string, amount: string | null, currency: string | null, payment_status: string | null, edited: boolean, deleted: boolean, reply_to: string | null, forwarded_from: string | null, external_id: string | null, locator: string, source: string, source_sha256: string, attachments: Array<AttachmentInfo>, hits: Array<HitMark>, };

export type HitMark = { hit_id: number, pack: string, red_line: string, rule: string, severity: string, terms: Array<string>, normalizations: Array<string>, 
/**
 * UTF-16 spans in the message text.
 */
spans: Array<Utf16Span>, conditions: Array<string>, };

export type AttachmentInfo = { 
/**
 * Id for `Request::Attachment` (the file's bytes).
 */
id: number, file_name: string, mime: string | null, size_bytes: number | null, sha256: string | null, export_path: string | null, };

export type SenderHistory = { participant_id: number, name: string | null, pseudonymised: boolean, messages: number, 
/**
 * Live hits per red line.
 */
hits_by_red_line: Array<[string, number]>, cases: Array<CaseSummary>, };

export type QaItem = { id: number, case_id: number, closed_by: string | null, sampled_at: string, qa_reviewer: string | null, verdict: string | null, reason: string | null, decided_at: string | null, };

export type AuditEntry = { seq: number, at: string, actor: string, action: string, object_type: string, object_id: string, 
/**
 * JSON of the state before (null for a creation).
 */
before: string | null, 
/**
 * JSON of the state after (null for a deletion).
 */
after: string | null, prev_hash: string, hash: string, };

export type VerifyReport = { entries: number, ok: boolean, problems: Array<string>, };

export type Stats = { red_lines: Array<RedLineStats>, rules: Array<RuleStats>, terms: Array<TermStats>, reviewers: Array<ReviewerStats>, 
/**
 * Hits per day (UTC date, count), for trend charts.
 */
hits_per_day: Array<[string, number]>, };

export type RedLineStats = { red_line: string, hits: number, cases: number, open_cases: number, dispositions: Dispositions, 
/**
 * False positives / closed cases (None when nothing is closed).
 */
false_positive_rate: number | null, };

export type RuleStats = { 
/**
 * `pack/red_line/rule`
 */
rule: string, hits: number, cases: number, closed_cases: number, 
/**
 * Closed cases where reviewers recorded this rule as misfiring.
 */
false_positives: number, false_positive_rate: number | null, };

export type TermStats = { red_line: string, term: string, hits: number, };

export type ReviewerStats = { reviewer: string, cases_closed: number, qa_agreed: number, qa_disagreed: number, qa_agreement_rate: number | null, };

export type Dispositions = { violation: number, no_violation: number, false_positive: number, insufficient_evidence: number, };

export type Utf16Span = { start: number, end: number, };

export type ProgressEvent = { 
/**
 * `import`, `scan` or `export`.
 */
task: string, 
/**
 * Id to cancel the task with.
 */
id: string, done: number, total: number | null, message: string, };

export type ImportResultItem = { path: string, 
/**
 * `imported`, `already_imported`, `not_recognized` or `failed`.
 */
status: string, summary: SourceSummary | null, message: string | null, };

export type SourceSummary = { source_id: number, path: string, format: string, sha256: string, size_bytes: number, time_zone: string, conversations: number, participants: number, messages: number, attachments: number, skipped: number, 
/**
 * Messages per kind.
 */
kinds: { [key in string]: number }, 
/**
 * The first skipped records with their reasons (all are in `skipped_records`).
 */
skips: Array<Skip>, };

export type Skip = { locator: string, reason: string, };

export type ScanOutcome = { scan: ScanSummary, grouping: GroupingSummary, };

export type ScanSummary = { scan_id: number, messages_scanned: number, hits_new: number, hits_kept: number, hits_retracted: number, 
/**
 * Live hits per red line after the scan.
 */
by_red_line: { [key in string]: number }, 
/**
 * Per pack: `incremental` or `full` (its content changed or is new).
 */
packs: Array<PackScanInfo>, };

export type PackScanInfo = { pack_id: string, version: string, sha256: string, mode: string, from_message: number, 
/**
 * Content hash this pack had at the previous scan, if it was used before.
 */
previous_sha256: string | null, };

export type PackView = { id: string, name: string, version: string, path: string, red_lines: Array<RedLineView>, };

export type RedLineView = { id: string, title_en: string, title_zh: string, severity: string, rules: Array<RuleView>, };

export type RuleView = { id: string, hits: number, cases: number, false_positives: number, false_positive_rate: number | null, };

export type TryMatch = { pack: string, red_line: string, rule: string, severity: string, 
/**
 * UTF-16 spans in the text tried.
 */
spans: Array<Utf16Span>, terms: Array<string>, 
/**
 * Normalisations each span needed (codes such as `separators`).
 */
steps: Array<Array<string>>, conditions: Array<string>, };

export type ParticipantPage = { total: number, participants: Array<ParticipantRow>, };

export type ParticipantRow = { id: number, platform: string, name: string | null, handle: string | null, phone: string | null, email: string | null, messages: number, hits: number, cases: number, pseudonymised: boolean, };

export type FormatInfo = { id: string, platform: string, summary: string, };

export type ExportOptions = { language: Language, 
/**
 * Messages shown before and after each hit; `None`: the workspace's
 * `context_messages` setting.
 */
context: number | null, 
/**
 * Identifiers to redact in every exported text.
 */
redact: Array<RedactKind>, 
/**
 * Bates prefix (letters, digits, `-`, `_`), e.g. `RL` gives `RL000001`.
 */
bates_prefix: string, bates_start: number, 
/**
 * Digits of the zero-padded Bates number.
 */
bates_digits: number, 
/**
 * Write `case.pdf` (needs a CJK font on the system).
 */
include_pdf: boolean, 
/**
 * Image thumbnails start blurred in `case.html` (a switch in the page
 * shows them, on screen and in print) and are left out of `case.pdf`.
 */
blur_images: boolean, };

export type Language = "en" | "zh";

export type RedactKind = "phone" | "national_id" | "bank_card" | "email";

export type ExportSummary = { path: string, cases: Array<number>, messages: number, 
/**
 * Files of the case file, manifest included.
 */
files: Array<string>, attachments_included: number, attachments_missing: number, pdf_pages: number | null, bates_first: string | null, bates_last: string | null, redactions: number, manifest_sha256: string, 
/**
 * Audit sequence numbers of the `case.export` entries.
 */
audit_seqs: Array<number>, };

export type CaseFileReport = { path: string, ok: boolean, 
/**
 * Files listed in the manifest and checked.
 */
checked: number, altered: Array<string>, added: Array<string>, removed: Array<string>, problems: Array<string>, manifest_sha256: string | null, cases: Array<number>, created_at: string | null, exporter: string | null, 
/**
 * Audit entries (`case.export`) of this workspace that recorded this
 * manifest; `None` when no workspace was consulted.
 */
recorded_in_audit: Array<number> | null, };

export type AttachmentContent = { id: number, file_name: string, 
/**
 * The MIME type the export declared.
 */
mime: string | null, 
/**
 * The type the content really is, when it is one the UI may show
 * (`image/png`, `image/jpeg`, `image/gif`, `image/webp`, `image/bmp`,
 * `video/mp4`, `video/webm`); `None` for anything else.
 */
display_type: string | null, size_bytes: number, sha256: string, 
/**
 * The bytes, base64 (standard alphabet, padded).
 */
data_base64: string, };
