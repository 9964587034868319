//! Command-line interface: flags, and how results are printed. Every
//! command here is a call into the library; nothing is decided here that a
//! script, the desktop shell or the local server could not also get.

mod gen_cmd;
mod export_cmd;
mod import_cmd;
mod progress;
mod review_cmd;
mod rules_cmd;
mod scan_cmd;
mod search_cmd;
mod serve_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use redline::store::Store;

#[derive(Parser, Debug)]
#[command(name = "redline", version, about = "Review chat exports against red-line rules: import, scan, review, export.")]
pub struct Cli {
    /// Workspace database (created if missing).
    #[arg(long, global = true, env = "REDLINE_DB", default_value = "redline.db")]
    pub db: PathBuf,

    /// Act as this reviewer (login); default: the OS user.
    #[arg(long, global = true, env = "REDLINE_REVIEWER")]
    pub reviewer: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import chat exports (files, zips or folders) into the workspace.
    Import(import_cmd::ImportArgs),
    /// List imported sources with their hashes and counts.
    Sources {
        /// One JSON object per source, one per line.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search over all messages (Chinese and English).
    Search(search_cmd::SearchArgs),
    /// Build the full-text index for messages not yet indexed (import does this itself).
    Index {
        /// Drop and rebuild the whole index.
        #[arg(long)]
        rebuild: bool,
    },
    /// Scan messages against rule packs (incremental: only new messages and changed packs).
    Scan(scan_cmd::ScanArgs),
    /// List red-line hits.
    Hits(scan_cmd::HitsArgs),
    /// Rule packs: list, check, test, try, eval.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Review cases: list, show, assign, status, close, reopen, tag, note, merge, split, …
    #[command(subcommand)]
    Cases(review_cmd::CasesCommand),
    /// Annotate a message or a span of its text.
    Annotate(review_cmd::AnnotateArgs),
    /// Edit, delete or show the history of an annotation.
    #[command(subcommand)]
    Annotation(review_cmd::AnnotationCommand),
    /// The tamper-evident audit trail: log and verify.
    #[command(subcommand)]
    Audit(review_cmd::AuditCommand),
    /// Second-level quality assurance.
    #[command(subcommand)]
    Qa(review_cmd::QaCommand),
    /// Statistics per red line, rule, term and reviewer.
    Stats,
    /// The conversation around a message.
    Context {
        message_id: i64,
        #[arg(long, default_value_t = 5)]
        before: i64,
        #[arg(long, default_value_t = 5)]
        after: i64,
    },
    /// A participant's messages, hits and cases.
    Sender { participant_id: i64 },
    /// Reveal a pseudonymised participant (senior reviewers and admins; audited).
    Reveal { participant_id: i64 },
    /// Workspace review settings.
    #[command(subcommand)]
    Settings(review_cmd::SettingsCommand),
    /// Reviewer profiles.
    #[command(subcommand)]
    Reviewer(review_cmd::ReviewerCommand),
    /// Serve the workstation UI on 127.0.0.1 for a browser (session token in the printed URL).
    Serve(serve_cmd::ServeArgs),
    /// Write a case file (folder or .zip): report (HTML, PDF), JSON, CSV, RSMF, load files, attachments, manifest.
    Export(export_cmd::ExportArgs),
    /// Check a case file (folder or .zip) against its manifest; exit 1 naming altered, added or removed files.
    Verify {
        path: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List the export formats Redline reads.
    Formats,
    /// Show the workspace: schema version, totals, index state.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Write a synthetic, reproducible chat export (for benchmarks and load tests).
    GenCorpus(gen_cmd::GenArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let actor = cli.reviewer.clone().unwrap_or_else(redline::review::reviewers::os_login);
    let db = cli.db.clone();
    use redline::api::Request;
    match cli.command {
        Command::Serve(a) => serve_cmd::run(&db, &actor, a),
        Command::Cases(c) => review_cmd::cases(&db, &actor, c),
        Command::Annotate(a) => review_cmd::annotate(&db, &actor, a),
        Command::Annotation(c) => review_cmd::annotation(&db, &actor, c),
        Command::Audit(c) => review_cmd::audit(&db, &actor, c),
        Command::Qa(c) => review_cmd::qa(&db, &actor, c),
        Command::Stats => review_cmd::call(&db, &actor, Request::Stats, true),
        Command::Context { message_id, before, after } => {
            review_cmd::call(&db, &actor, Request::Window { message_id, before: Some(before), after: Some(after) }, true)
        }
        Command::Sender { participant_id } => review_cmd::call(&db, &actor, Request::SenderHistory { participant_id }, true),
        Command::Reveal { participant_id } => review_cmd::call(&db, &actor, Request::Reveal { participant_id }, false),
        Command::Settings(c) => review_cmd::settings(&db, &actor, c),
        Command::Reviewer(c) => review_cmd::reviewer(&db, &actor, c),
        Command::Export(a) => export_cmd::export(&db, &actor, a),
        Command::Verify { path, json } => export_cmd::verify(&db, &actor, &path, json),
        Command::Formats => {
            for f in redline::import::formats::FORMATS {
                println!("{:<22} {}", f.id, f.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => import_cmd::run(&cli.db, &actor, args),
        Command::Search(args) => search_cmd::run(&open(&cli.db)?, args),
        Command::Sources { json } => sources(&open(&cli.db)?, json),
        Command::Index { rebuild } => {
            let mut store = open(&cli.db)?;
            let n = progress::index(&mut store, rebuild)?;
            println!("indexed {n} messages");
            Ok(ExitCode::SUCCESS)
        }
        Command::Info { json } => info(&open(&cli.db)?, json),
        Command::Scan(a) => scan_cmd::scan(&cli.db, &actor, a),
        Command::Hits(a) => scan_cmd::hits(&cli.db, a),
        Command::Rules(c) => rules_cmd::run(&cli.db, c),
        Command::GenCorpus(args) => gen_cmd::run(args),
    }
}

pub(crate) fn open(db: &std::path::Path) -> anyhow::Result<Store> {
    Store::open(db).with_context(|| format!("opening workspace {}", db.display()))
}

fn sources(store: &Store, json: bool) -> anyhow::Result<ExitCode> {
    let rows = store.sources()?;
    if json {
        for r in &rows {
            println!("{}", serde_json::to_string(r)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!("no sources imported yet; try `redline import PATH`");
    }
    for r in &rows {
        println!("#{} {} [{}]", r.id, r.path, r.format);
        println!("    sha256 {}  {} bytes  imported {}  by {}  tz {}", r.sha256, r.size_bytes, r.imported_at, r.importer_version, r.time_zone);
        println!(
            "    {} conversations, {} participants, {} messages, {} attachments, {} skipped",
            r.conversations, r.participants, r.messages, r.attachments, r.skipped
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn info(store: &Store, json: bool) -> anyhow::Result<ExitCode> {
    let totals = store.totals()?;
    let index = store.index_status()?;
    let version = store.schema_version()?;
    if json {
        println!(
            "{}",
            serde_json::json!({ "path": store.path(), "schema_version": version, "totals": totals, "index": index })
        );
    } else {
        println!("workspace      {}", store.path().display());
        println!("schema version {version}");
        println!(
            "contents       {} sources, {} conversations, {} participants, {} messages, {} attachments, {} skipped records",
            totals.sources, totals.conversations, totals.participants, totals.messages, totals.attachments, totals.skipped
        );
        println!("search index   up to message {}, {} pending", index.indexed_upto, index.pending);
    }
    Ok(ExitCode::SUCCESS)
}
