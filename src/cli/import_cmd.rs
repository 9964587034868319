//! `redline import`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use redline::import::{self, ImportOptions, ImportOutcome};

use super::progress;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Export files, zip archives or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Force a format instead of detecting it (see `redline formats`).
    #[arg(long)]
    pub format: Option<String>,
    /// Time zone of times the export prints without an offset (IANA name; default: this machine's).
    #[arg(long)]
    pub tz: Option<String>,
    /// Print a machine-readable summary: one JSON object per source.
    #[arg(long)]
    pub json: bool,
    /// Do not build the search index now (run `redline index` later).
    #[arg(long)]
    pub no_index: bool,
}

pub fn run(db: &Path, actor: &str, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut store = super::open(db)?;
    let opts = ImportOptions { format: args.format.clone(), tz: args.tz.clone(), actor: Some(actor.to_string()), ..Default::default() };
    let mut bar = progress::ImportBar::new();
    let results = import::import_paths(&mut store, &args.paths, &opts, &mut bar);
    let mut failed = 0;
    for r in &results {
        match &r.result {
            Ok(outcome) if args.json => println!("{}", serde_json::to_string(outcome)?),
            Ok(outcome) => print_outcome(outcome),
            Err(e) => {
                failed += 1;
                if args.json {
                    println!("{}", serde_json::json!({ "status": "failed", "path": r.path, "error": e.to_string() }));
                }
                eprintln!("redline: error: {e}");
            }
        }
    }
    if !args.no_index {
        progress::index(&mut store, false)?;
    }
    if !args.json {
        let t = store.totals()?;
        println!(
            "workspace {}: {} sources, {} conversations, {} participants, {} messages, {} attachments, {} skipped records",
            db.display(),
            t.sources,
            t.conversations,
            t.participants,
            t.messages,
            t.attachments,
            t.skipped
        );
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_outcome(o: &ImportOutcome) {
    match o {
        ImportOutcome::Imported(s) => {
            println!("imported {} [{}] as source #{}", s.path, s.format, s.source_id);
            println!(
                "    {} conversations, {} participants, {} messages, {} attachments, {} skipped",
                s.conversations, s.participants, s.messages, s.attachments, s.skipped
            );
            if !s.kinds.is_empty() {
                let kinds: Vec<String> = s.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
                println!("    kinds: {}", kinds.join(", "));
            }
            for skip in &s.skips {
                println!("    skipped {}: {}", skip.locator, skip.reason);
            }
            if s.skipped as usize > s.skips.len() {
                println!("    … {} more skipped records (see the skipped_records table)", s.skipped as usize - s.skips.len());
            }
        }
        ImportOutcome::AlreadyImported { path, sha256, source_id } => {
            println!("already imported {path} (sha256 {sha256}) as source #{source_id}; nothing to do");
        }
        ImportOutcome::NotRecognized { path, reason } => {
            println!("not imported {path}: {reason}");
        }
    }
}
