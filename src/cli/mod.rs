//! Command-line interface: flags, and how results are printed. Every
//! command here is a call into the library; nothing is decided here that a
//! script, the desktop shell or the local server could not also get.

mod gen_cmd;
mod import_cmd;
mod progress;
mod search_cmd;

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
    match cli.command {
        Command::Formats => {
            for f in redline::import::formats::FORMATS {
                println!("{:<22} {}", f.id, f.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => import_cmd::run(&cli.db, args),
        Command::Search(args) => search_cmd::run(&open(&cli.db)?, args),
        Command::Sources { json } => sources(&open(&cli.db)?, json),
        Command::Index { rebuild } => {
            let mut store = open(&cli.db)?;
            let n = progress::index(&mut store, rebuild)?;
            println!("indexed {n} messages");
            Ok(ExitCode::SUCCESS)
        }
        Command::Info { json } => info(&open(&cli.db)?, json),
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
