//! `redline scan` and `redline hits`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::ProgressStyle;
use redline::rules::{self, RuleSet};
use redline::scan::{self, HitFilter};

use super::progress;

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Rule pack files or folders (default: the built-in packs); the workspace's rules/ folder is always added.
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Print the scan and grouping summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct HitsArgs {
    /// Only hits of this red line (e.g. illicit-payments).
    #[arg(long = "red-line")]
    pub red_line: Option<String>,
    /// Only hits of this rule id.
    #[arg(long)]
    pub rule: Option<String>,
    /// Only hits of this pack id.
    #[arg(long)]
    pub pack: Option<String>,
    /// Also list hits that a later scan no longer produces.
    #[arg(long)]
    pub include_retracted: bool,
    /// At most this many hits (in message order).
    #[arg(long)]
    pub limit: Option<usize>,
    /// One JSON object per hit, per line (spans are UTF-16 offsets into `text`).
    #[arg(long)]
    pub json: bool,
}

pub fn scan(db: &Path, actor: &str, a: ScanArgs) -> anyhow::Result<ExitCode> {
    let mut store = super::open(db)?;
    let sources = rules::for_workspace(&a.rules, db)?;
    let mut set = RuleSet::compile(&sources)?;
    let bar = progress::bar(None);
    bar.set_style(ProgressStyle::with_template("scanning {bar:40} {pos}/{len} messages ({per_sec}, eta {eta})").unwrap_or_else(|_| ProgressStyle::default_bar()));
    let summary = scan::scan_as(&mut store, &mut set, &sources, actor, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    // New hits go into cases right away.
    let grouping = match redline::api::handle(&mut store, actor, redline::api::Request::Regroup) {
        Ok(redline::api::Response::Grouping(g)) => g,
        Ok(_) => Default::default(),
        Err(e) => anyhow::bail!("grouping hits into cases: {}", e.message),
    };
    if a.json {
        println!("{}", serde_json::json!({ "scan": summary, "grouping": grouping }));
        return Ok(ExitCode::SUCCESS);
    }
    for p in &summary.packs {
        println!("pack {} {} ({} scan from message {})", p.pack_id, p.version, p.mode, p.from_message + 1);
    }
    println!(
        "scan #{}: {} messages scanned, {} new hits, {} unchanged, {} retracted",
        summary.scan_id, summary.messages_scanned, summary.hits_new, summary.hits_kept, summary.hits_retracted
    );
    if summary.by_red_line.is_empty() {
        println!("no hits");
    }
    for (rl, n) in &summary.by_red_line {
        println!("  {rl:<24} {n:>8} hits");
    }
    println!("cases: {} new, {} hits grouped", grouping.cases_created, grouping.hits_grouped);
    Ok(ExitCode::SUCCESS)
}

pub fn hits(db: &Path, a: HitsArgs) -> anyhow::Result<ExitCode> {
    let store = super::open(db)?;
    let filter = HitFilter {
        red_line: a.red_line,
        rule: a.rule,
        pack: a.pack,
        message_id: None,
        include_retracted: a.include_retracted,
        limit: a.limit,
    };
    let rows = scan::hits::list(&store, &filter)?;
    for h in &rows {
        if a.json {
            println!("{}", serde_json::to_string(h)?);
            continue;
        }
        println!(
            "hit #{} {}/{} [{}] msg #{} {} | {} | {} [{}]",
            h.hit_id,
            h.red_line,
            h.rule,
            h.severity,
            h.message_id,
            h.timestamp.as_deref().unwrap_or("(no time)"),
            h.conversation,
            h.sender.as_deref().unwrap_or("(system)"),
            h.source_locator
        );
        println!("    {}", super::search_cmd::highlight(&h.text, &h.byte_spans, progress::visible()));
        if !h.normalizations.is_empty() {
            println!("    matched after: {}", h.normalizations.join(", "));
        }
        if !h.conditions.is_empty() {
            println!("    conditions: {}", h.conditions.join(", "));
        }
    }
    if !a.json {
        println!("{} hits", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}
