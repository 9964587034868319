//! TypeScript declarations of the API types, for `ui/src/api/types.ts`.
//!
//! Generated from the Rust types with ts-rs; `tests/api_types.rs` fails when
//! the checked-in file differs (run it with `UPDATE_TS=1` to rewrite it).
//! Integers are `number`: every id and count fits in 2^53.

use ts_rs::{Config, TS};

use super::*;
use crate::export::{Language, RedactKind};
use crate::review::cases::PendingApproval;
use crate::review::context::{AttachmentInfo, HitMark};
use crate::review::stats::{Dispositions, RedLineStats, ReviewerStats, RuleStats, TermStats};
use crate::model::Skip;
use crate::scan::{PackScanInfo, ScanSummary};
use crate::store::SourceSummary;
use crate::text::utf16::Utf16Span;
use workspace_ops::{ImportResultItem, ParticipantRow, RedLineView, RuleView};

macro_rules! declarations {
    ($cfg:expr; $($t:ty),* $(,)?) => {{
        let mut out = Vec::new();
        $( out.push(format!("export {}", <$t as TS>::decl($cfg))); )*
        out
    }};
}

/// The whole generated file.
pub fn ts_declarations() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = declarations!(&cfg;
        Request, Response, ApiError, CaseDetail, WorkspaceInfo, SearchResult, Settings, Reviewer, GroupingSummary,
        CaseFilter, CaseSort, CasePage, CaseSummary, PendingApproval, Status, Disposition, CloseOutcome, Note,
        Annotation, AnnotationVersion, ConversationWindow, MessageItem, HitMark, AttachmentInfo, SenderHistory,
        QaItem, AuditEntry, VerifyReport, Stats, RedLineStats, RuleStats, TermStats, ReviewerStats, Dispositions,
        Utf16Span, ProgressEvent, ImportResultItem, SourceSummary, Skip, ScanOutcome, ScanSummary, PackScanInfo,
        PackView, RedLineView, RuleView, TryMatch, ParticipantPage, ParticipantRow, FormatInfo,
        ExportOptions, Language, RedactKind, ExportSummary, CaseFileReport, AttachmentContent,
    );
    let mut s = String::from(
        "// Generated from the Rust API types (src/api). Do not edit: run\n// `UPDATE_TS=1 cargo test --test api_types` after changing them.\n\n",
    );
    for d in decls {
        s.push_str(&d);
        s.push_str("\n\n");
    }
    s.trim_end().to_string() + "\n"
}
