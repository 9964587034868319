//! Review commands: cases, annotations, audit, QA, statistics, settings.
//! Each one builds an `api::Request` and prints the `api::Response`; the
//! same requests serve the desktop shell and `redline serve`.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use redline::api::{self, Request, Response};
use redline::review::queue::{CaseFilter, CaseSort};
use redline::review::settings::Settings;
use redline::review::{Disposition, Status};

#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// List cases with filters (the review queue).
    List(ListArgs),
    /// Show a case: messages with hits, notes, annotations, audit history.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Group new hits into cases (scan does this itself).
    Group,
    /// Assign a case to a reviewer (login), or --none to unassign.
    Assign {
        id: i64,
        login: Option<String>,
        #[arg(long)]
        none: bool,
    },
    /// Move a case to in_review or escalated.
    Status {
        id: i64,
        status: StatusArg,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Close a case with a disposition.
    Close {
        id: i64,
        disposition: DispositionArg,
        #[arg(long)]
        reason: Option<String>,
        /// For false positives: the rule that misfired (pack/red_line/rule).
        #[arg(long)]
        rule: Option<String>,
    },
    /// Reopen a closed case (a reason is required).
    Reopen {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Approve a closing proposed under the four-eyes rule.
    Approve { id: i64 },
    /// Reject a closing proposed under the four-eyes rule.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Add (or with --remove, remove) a tag.
    Tag {
        id: i64,
        tag: String,
        #[arg(long)]
        remove: bool,
    },
    /// Add a note to a case.
    Note { id: i64, text: String },
    /// Set the due date (YYYY-MM-DD), or --none.
    Due {
        id: i64,
        date: Option<String>,
        #[arg(long)]
        none: bool,
    },
    /// Override severity and/or priority.
    Priority {
        id: i64,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        priority: Option<i64>,
    },
    /// Merge cases into the first one given.
    Merge {
        #[arg(required = true, num_args = 2..)]
        ids: Vec<i64>,
    },
    /// Move messages of a case into a new case.
    Split {
        id: i64,
        #[arg(long, value_delimiter = ',', required = true)]
        messages: Vec<i64>,
        #[arg(long)]
        reason: String,
    },
    /// Add a message to a case by hand.
    AddMessage {
        id: i64,
        message_id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Remove a message from a case by hand.
    RemoveMessage {
        id: i64,
        message_id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum StatusArg {
    InReview,
    Escalated,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum DispositionArg {
    Violation,
    NoViolation,
    FalsePositive,
    InsufficientEvidence,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum SortArg {
    Priority,
    Date,
    Hits,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long = "red-line")]
    pub red_line: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub disposition: Option<String>,
    /// Assignee login, or `none`.
    #[arg(long)]
    pub assignee: Option<String>,
    #[arg(long)]
    pub severity: Option<String>,
    #[arg(long)]
    pub conversation: Option<i64>,
    #[arg(long)]
    pub participant: Option<i64>,
    /// Cases with messages from this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    /// Words in the title or the case's messages.
    #[arg(long)]
    pub text: Option<String>,
    /// Only cases flagged for a sender's repeated pattern.
    #[arg(long)]
    pub pattern: bool,
    #[arg(long, value_enum, default_value = "priority")]
    pub sort: SortArg,
    #[arg(long, default_value_t = 0)]
    pub offset: i64,
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct AnnotateArgs {
    pub message_id: i64,
    /// UTF-16 span `start..end` of the message text (default: the whole message).
    #[arg(long)]
    pub span: Option<String>,
    #[arg(long)]
    pub case: Option<i64>,
    /// e.g. "key evidence", "context", "mitigating".
    #[arg(long)]
    pub label: String,
    #[arg(long, default_value = "")]
    pub text: String,
}

#[derive(Subcommand, Debug)]
pub enum AnnotationCommand {
    /// Change an annotation (the previous version is kept).
    Edit {
        id: i64,
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        text: Option<String>,
    },
    Delete { id: i64 },
    /// Every version of an annotation.
    History { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Show the audit trail (of one case with --case).
    Log {
        #[arg(long)]
        case: Option<i64>,
        /// Only the newest N entries (still listed oldest first)
        #[arg(long, value_name = "N")]
        last: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain; names any edited, deleted or reordered entry.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum QaCommand {
    /// Sample closed cases into the QA queue.
    Sample {
        /// Share of each reviewer's closed cases (default: the workspace setting).
        #[arg(long)]
        share: Option<f64>,
    },
    /// The QA queue (pending; --all for decided ones too).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Agree or disagree with a closed case; disagreement reopens it.
    Decide {
        id: i64,
        verdict: Verdict,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum Verdict {
    Agree,
    Disagree,
}

#[derive(Subcommand, Debug)]
pub enum SettingsCommand {
    Show,
    /// Set one or more of: case_window_days=N four_eyes=true qa_share=0.1 pseudonymise=true context_messages=N
    Set {
        #[arg(required = true)]
        pairs: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReviewerCommand {
    /// The acting reviewer (the OS user, or --reviewer / REDLINE_REVIEWER).
    Show,
    List,
    /// Change a profile: your own name/initials, or (admin) anyone's role.
    Set {
        #[arg(long)]
        login: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        initials: Option<String>,
        #[arg(long)]
        role: Option<String>,
    },
}

/// Run one request and print the response (JSON with `json`).
pub fn call(db: &Path, actor: &str, req: Request, json: bool) -> anyhow::Result<ExitCode> {
    let mut store = super::open(db)?;
    match api::handle(&mut store, actor, req) {
        Ok(resp) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&resp)?);
            } else {
                print(&resp);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::to_string(&e)?);
            }
            eprintln!("redline: {} ({})", e.message, e.code);
            Ok(ExitCode::from(1))
        }
    }
}

pub fn cases(db: &Path, actor: &str, cmd: CasesCommand) -> anyhow::Result<ExitCode> {
    let (req, json) = match cmd {
        CasesCommand::List(a) => (
            Request::ListCases {
                filter: CaseFilter {
                    red_line: a.red_line,
                    status: a.status,
                    disposition: a.disposition,
                    assignee: a.assignee,
                    severity: a.severity,
                    conversation_id: a.conversation,
                    participant_id: a.participant,
                    from: a.from,
                    to: a.to,
                    tag: a.tag,
                    text: a.text,
                    pattern_only: a.pattern,
                },
                sort: Some(match a.sort {
                    SortArg::Priority => CaseSort::Priority,
                    SortArg::Date => CaseSort::Date,
                    SortArg::Hits => CaseSort::Hits,
                }),
                offset: Some(a.offset),
                limit: Some(a.limit),
                // the JSON answer carries the facet counts; the table does not show them
                facets: Some(a.json),
            },
            a.json,
        ),
        CasesCommand::Show { id, json } => (Request::GetCase { id }, json),
        CasesCommand::Group => (Request::Regroup, false),
        CasesCommand::Assign { id, login, none } => {
            if login.is_none() && !none {
                anyhow::bail!("give a reviewer login, or --none to unassign");
            }
            (Request::Assign { id, login: if none { None } else { login } }, false)
        }
        CasesCommand::Status { id, status, reason } => (
            Request::SetStatus {
                id,
                status: match status {
                    StatusArg::InReview => Status::InReview,
                    StatusArg::Escalated => Status::Escalated,
                },
                reason,
            },
            false,
        ),
        CasesCommand::Close { id, disposition, reason, rule } => (
            Request::Close {
                id,
                disposition: match disposition {
                    DispositionArg::Violation => Disposition::Violation,
                    DispositionArg::NoViolation => Disposition::NoViolation,
                    DispositionArg::FalsePositive => Disposition::FalsePositive,
                    DispositionArg::InsufficientEvidence => Disposition::InsufficientEvidence,
                },
                reason,
                misfired_rule: rule,
            },
            false,
        ),
        CasesCommand::Reopen { id, reason } => (Request::SetStatus { id, status: Status::InReview, reason: Some(reason) }, false),
        CasesCommand::Approve { id } => (Request::Approve { id }, false),
        CasesCommand::Reject { id, reason } => (Request::RejectApproval { id, reason }, false),
        CasesCommand::Tag { id, tag, remove } => (Request::Tag { id, tag, add: !remove }, false),
        CasesCommand::Note { id, text } => (Request::AddNote { id, text }, false),
        CasesCommand::Due { id, date, none } => {
            if date.is_none() && !none {
                anyhow::bail!("give a date (YYYY-MM-DD), or --none");
            }
            (Request::SetDue { id, due: if none { None } else { date } }, false)
        }
        CasesCommand::Priority { id, severity, priority } => (Request::SetPriority { id, severity, priority }, false),
        CasesCommand::Merge { ids } => (Request::Merge { ids }, false),
        CasesCommand::Split { id, messages, reason } => (Request::Split { id, message_ids: messages, reason }, false),
        CasesCommand::AddMessage { id, message_id, reason } => (Request::AddMessage { id, message_id, reason }, false),
        CasesCommand::RemoveMessage { id, message_id, reason } => (Request::RemoveMessage { id, message_id, reason }, false),
    };
    call(db, actor, req, json)
}

pub fn annotate(db: &Path, actor: &str, a: AnnotateArgs) -> anyhow::Result<ExitCode> {
    let span = match a.span.as_deref() {
        None => None,
        Some(s) => {
            let (x, y) = s.split_once("..").ok_or_else(|| anyhow::anyhow!("--span is start..end (UTF-16 offsets)"))?;
            Some((x.trim().parse()?, y.trim().parse()?))
        }
    };
    call(db, actor, Request::Annotate { message_id: a.message_id, case_id: a.case, span, label: a.label, text: a.text }, false)
}

pub fn annotation(db: &Path, actor: &str, cmd: AnnotationCommand) -> anyhow::Result<ExitCode> {
    let req = match cmd {
        AnnotationCommand::Edit { id, label, text } => Request::EditAnnotation { id, label, text },
        AnnotationCommand::Delete { id } => Request::DeleteAnnotation { id },
        AnnotationCommand::History { id } => Request::AnnotationHistory { id },
    };
    call(db, actor, req, false)
}

pub fn audit(db: &Path, actor: &str, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Log { case, last, json } => call(db, actor, Request::AuditLog { case_id: case, limit: last }, json),
        AuditCommand::Verify => {
            let store = super::open(db)?;
            let report = redline::audit::verify(&store)?;
            if report.ok {
                println!("audit trail intact: {} entries, hash chain verified", report.entries);
                Ok(ExitCode::SUCCESS)
            } else {
                println!("AUDIT TRAIL TAMPERED ({} entries):", report.entries);
                for p in &report.problems {
                    println!("  {p}");
                }
                Ok(ExitCode::from(1))
            }
        }
    }
}

pub fn qa(db: &Path, actor: &str, cmd: QaCommand) -> anyhow::Result<ExitCode> {
    let req = match cmd {
        QaCommand::Sample { share } => Request::QaSample { share },
        QaCommand::List { all } => Request::QaList { all },
        QaCommand::Decide { id, verdict, reason } => Request::QaDecide { id, agree: matches!(verdict, Verdict::Agree), reason },
    };
    call(db, actor, req, false)
}

pub fn settings(db: &Path, actor: &str, cmd: SettingsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SettingsCommand::Show => call(db, actor, Request::GetSettings, true),
        SettingsCommand::Set { pairs } => {
            let store = super::open(db)?;
            let current = redline::review::settings::get(store.conn())?;
            let mut value = serde_json::to_value(&current)?;
            for pair in pairs {
                let (k, v) = pair.split_once('=').ok_or_else(|| anyhow::anyhow!("{pair:?}: use key=value"))?;
                let parsed: serde_json::Value = serde_json::from_str(v).unwrap_or(serde_json::Value::String(v.to_string()));
                let obj = value.as_object_mut().ok_or_else(|| anyhow::anyhow!("settings are not an object"))?;
                if !obj.contains_key(k) {
                    anyhow::bail!("unknown setting {k:?}; settings: {}", obj.keys().cloned().collect::<Vec<_>>().join(", "));
                }
                obj.insert(k.to_string(), parsed);
            }
            let new: Settings = serde_json::from_value(value)?;
            drop(store);
            call(db, actor, Request::SetSettings { settings: new }, true)
        }
    }
}

pub fn reviewer(db: &Path, actor: &str, cmd: ReviewerCommand) -> anyhow::Result<ExitCode> {
    let req = match cmd {
        ReviewerCommand::Show => Request::Me,
        ReviewerCommand::List => Request::ListReviewers,
        ReviewerCommand::Set { login, name, initials, role } => Request::UpdateProfile { login, name, initials, role },
    };
    call(db, actor, req, false)
}

fn print(resp: &Response) {
    match resp {
        Response::Ok => println!("ok"),
        Response::Cases(page) => {
            for c in &page.cases {
                println!(
                    "#{:<5} P{} {:<8} {:<10} {:<22} {:>3} hits  {}{}{}",
                    c.id,
                    c.priority,
                    c.severity,
                    c.status.as_str(),
                    c.red_lines.join(","),
                    c.hit_count,
                    c.title,
                    c.assignee.as_deref().map(|a| format!("  @{a}")).unwrap_or_default(),
                    if c.pattern_flag { "  [pattern]" } else { "" }
                );
            }
            println!("{} of {} cases (offset {})", page.cases.len(), page.total, page.offset);
            for (facet, counts) in &page.facets {
                if !counts.is_empty() {
                    let list: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
                    println!("  {facet}: {}", list.join(", "));
                }
            }
        }
        Response::Case(d) => {
            let c = &d.case;
            println!("case #{} — {}", c.id, c.title);
            println!(
                "  status {}{}  severity {}  priority {}  red lines {}",
                c.status.as_str(),
                c.disposition.map(|d| format!(" ({})", d.as_str())).unwrap_or_default(),
                c.severity,
                c.priority,
                c.red_lines.join(", ")
            );
            println!(
                "  assignee {}  tags [{}]  due {}{}",
                c.assignee.as_deref().unwrap_or("-"),
                c.tags.join(", "),
                c.due_date.as_deref().unwrap_or("-"),
                if c.pattern_flag { "  PATTERN: sender has other cases of this red line within 30 days" } else { "" }
            );
            if let Some(p) = &c.pending_approval {
                println!("  awaiting approval: {} proposed by {}", p.disposition.as_str(), p.proposed_by);
            }
            println!("  messages:");
            for m in &d.messages {
                println!(
                    "    msg #{} {} {} [{}] {}",
                    m.id,
                    m.timestamp.as_deref().unwrap_or("(no time)"),
                    m.sender.as_deref().unwrap_or("(system)"),
                    m.kind,
                    m.text.replace('\n', " ⏎ ")
                );
                for h in &m.hits {
                    println!("        hit {}/{} terms {:?} {}", h.red_line, h.rule, h.terms, h.conditions.join(" "));
                }
            }
            for n in &d.notes {
                println!("  note by {} at {}: {}", n.author, n.created_at, n.text);
            }
            for a in &d.annotations {
                println!("  annotation #{} on msg #{} [{}] {:?}: {}", a.id, a.message_id, a.label, a.quote.as_deref().unwrap_or("(whole message)"), a.text);
            }
            println!("  history:");
            for e in &d.audit {
                println!("    {} {} {}", e.at, e.actor, e.action);
            }
        }
        Response::Audit(entries) => {
            for e in entries {
                println!("{:>6} {} {:<12} {:<24} {} {}", e.seq, e.at, e.actor, e.action, e.object_type, e.object_id);
            }
        }
        Response::Grouping(g) => println!(
            "{} hits grouped, {} cases created, {} retracted hits dropped, {} empty cases removed, {} cases flagged as patterns",
            g.hits_grouped, g.cases_created, g.hits_dropped, g.cases_removed, g.cases_flagged
        ),
        Response::Closed(o) => println!("{}", serde_json::to_string(o).unwrap_or_default().trim_matches('"')),
        Response::CaseId(id) => println!("case #{id}"),
        Response::NoteId(id) => println!("note #{id}"),
        Response::Annotation(a) => println!("annotation #{} (version {})", a.id, a.version),
        other => println!("{}", serde_json::to_string_pretty(other).unwrap_or_default()),
    }
}
