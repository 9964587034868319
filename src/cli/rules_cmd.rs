//! `redline rules list|check|test|try|eval`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use redline::model::MessageKind;
use redline::rules::eval::{self, Score, Targets};
use redline::rules::{self, examples, MessageView, RuleSet};

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// List the loaded packs, their red lines and rules.
    List(PackArgs),
    /// Check packs for schema and syntax errors (file:line:column with a hint).
    Check {
        /// Pack files or folders (default: the built-in packs and the workspace's rules/).
        packs: Vec<PathBuf>,
    },
    /// Run every rule's must_match / must_not_match examples.
    Test {
        /// Pack files or folders (default: the built-in packs and the workspace's rules/).
        packs: Vec<PathBuf>,
    },
    /// Show what a text triggers and why: rule, term, normalisations.
    Try(TryArgs),
    /// Measure precision and recall per red line on a labelled JSONL set.
    Eval(EvalArgs),
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The labelled set (JSON Lines; schema in rules/README.md).
    pub file: PathBuf,
    /// Pack files or folders, repeatable or comma-separated (default: the
    /// built-in packs and the workspace's rules/).
    #[arg(long = "packs", value_delimiter = ',')]
    pub packs: Vec<PathBuf>,
    /// Only the messages of this split (`dev`, `holdout`).
    #[arg(long)]
    pub split: Option<String>,
    /// Exit 1 unless every red line reaches this precision.
    #[arg(long)]
    pub min_precision: Option<f64>,
    /// Exit 1 unless every red line reaches this recall.
    #[arg(long)]
    pub min_recall: Option<f64>,
    /// Exit 1 unless the evasion variants reach this recall.
    #[arg(long)]
    pub min_evasion_recall: Option<f64>,
    /// Do not list the false positives and negatives.
    #[arg(long)]
    pub no_misses: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct PackArgs {
    /// Pack files or folders (default: the built-in packs and the workspace's rules/).
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TryArgs {
    /// `TEXT`, or `PACK TEXT` to try one pack file.
    #[arg(required = true, num_args = 1..=2)]
    pub args: Vec<String>,
    /// Message kind for metadata rules (transfer, red_packet, image, …).
    #[arg(long)]
    pub kind: Option<String>,
    /// Payment amount for metadata rules.
    #[arg(long)]
    pub amount: Option<f64>,
    /// An attachment file name (repeatable).
    #[arg(long = "attachment")]
    pub attachments: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: &Path, cmd: RulesCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        RulesCommand::List(a) => list(db, a),
        RulesCommand::Check { packs } => check(db, &packs),
        RulesCommand::Test { packs } => test(db, &packs),
        RulesCommand::Try(a) => try_text(db, a),
        RulesCommand::Eval(a) => eval_set(db, a),
    }
}

fn list(db: &Path, a: PackArgs) -> anyhow::Result<ExitCode> {
    let sources = rules::for_workspace(&a.rules, db)?;
    let set = RuleSet::compile(&sources)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(set.packs())?);
        return Ok(ExitCode::SUCCESS);
    }
    for p in set.packs() {
        println!("{} {} — {} [{}]", p.id, p.version, p.name, p.path);
        for rl in &p.red_lines {
            println!("  {:<22} {:<8} {} / {} ({} rules)", rl.id, rl.severity.as_str(), rl.title_en, rl.title_zh, rl.rules.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(db: &Path, packs: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let files = if packs.is_empty() { Vec::new() } else { rules::pack::pack_paths(packs)? };
    let mut failed = 0;
    let mut checked = Vec::new();
    if files.is_empty() {
        match rules::for_workspace(&[], db).and_then(|s| RuleSet::compile(&s).map(|_| s.len())) {
            Ok(n) => println!("ok: {n} packs"),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    for f in files {
        match rules::pack::read_pack(&f).and_then(|s| RuleSet::compile(std::slice::from_ref(&s)).map(|set| (s, set))) {
            Ok((s, set)) => {
                let rules: usize = set.packs().iter().flat_map(|p| &p.red_lines).map(|r| r.rules.len()).sum();
                println!("ok: {} ({} {}, {} red lines, {rules} rules)", f.display(), s.file.pack.id.get_ref(), s.file.pack.version, s.file.red_lines.len());
                checked.push(s);
            }
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    if checked.len() > 1 {
        if let Err(e) = RuleSet::compile(&checked) {
            failed += 1;
            eprintln!("{e}");
        }
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn test(db: &Path, packs: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let sources = if packs.is_empty() { rules::for_workspace(&[], db)? } else { rules::load(packs)? };
    let set = RuleSet::compile(&sources)?;
    let report = examples::run(&set, &sources);
    for f in &report.failures {
        println!("FAIL {} {}/{}/{} {}: {:?}", f.path, f.pack, f.red_line, f.rule, f.expectation, f.text);
        println!("     {}", f.detail);
    }
    let passed = report.examples - report.failures.len();
    println!("{passed} passed, {} failed", report.failures.len());
    println!("rules test: {} packs, {} rules, {} examples", report.packs, report.rules, report.examples);
    Ok(if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn try_text(db: &Path, a: TryArgs) -> anyhow::Result<ExitCode> {
    let (sources, text) = match a.args.as_slice() {
        [text] => (rules::for_workspace(&[], db)?, text.clone()),
        [pack, text] => (rules::load(&[PathBuf::from(pack)])?, text.clone()),
        _ => anyhow::bail!("usage: redline rules try [PACK] TEXT"),
    };
    let set = RuleSet::compile(&sources)?;
    let kind = match &a.kind {
        Some(k) => Some(MessageKind::parse(k).ok_or_else(|| anyhow::anyhow!("unknown kind {k:?}"))?),
        None => Some(MessageKind::Text),
    };
    let view = MessageView {
        text: &text,
        kind,
        amount: a.amount,
        attachments: a.attachments.iter().map(String::as_str).collect(),
        ..Default::default()
    };
    let matches = set.match_message(&view);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&matches)?);
    } else if matches.is_empty() {
        println!("no rule matches");
    }
    if !a.json {
        for m in &matches {
            println!("{}/{}/{} [{}]", m.pack, m.red_line, m.rule, m.severity.as_str());
            for e in &m.evidence {
                let how = e.steps.describe();
                let how = if how.is_empty() { String::new() } else { format!(" after {}", how.join(", ")) };
                println!("    matched {:?} (term {:?}) at bytes {}..{}{how}", &text[e.start..e.end], e.term, e.start, e.end);
            }
            for c in &m.conditions {
                println!("    condition {c}");
            }
        }
    }
    Ok(if matches.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn eval_set(db: &Path, a: EvalArgs) -> anyhow::Result<ExitCode> {
    let sources = if a.packs.is_empty() { rules::for_workspace(&[], db)? } else { rules::load(&a.packs)? };
    let set = RuleSet::compile(&sources)?;
    let mut messages = eval::read_jsonl(&a.file)?;
    if let Some(split) = &a.split {
        messages.retain(|m| m.split.as_deref() == Some(split.as_str()));
    }
    let mut report = eval::evaluate(&set, &messages)?;
    if a.no_misses {
        report.misses.clear();
    }
    let targets = Targets {
        precision: a.min_precision.unwrap_or(0.0),
        recall: a.min_recall.unwrap_or(0.0),
        evasion_recall: a.min_evasion_recall.unwrap_or(0.0),
    };
    let checking = a.min_precision.is_some() || a.min_recall.is_some() || a.min_evasion_recall.is_some();
    let shortfalls = if checking { report.all.shortfalls(&targets) } else { Vec::new() };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_eval(&report);
        for s in &shortfalls {
            println!("BELOW TARGET {s}");
        }
    }
    Ok(if shortfalls.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into())
}

fn print_eval(r: &eval::EvalReport) {
    let row = |name: &str, s: &Score, ev: &Score| {
        println!(
            "{name:<38} {:>5} {:>5} {:>4} {:>4} {:>4}  {:>6} {:>6}  {:>7}",
            s.positives,
            s.predicted,
            s.true_positives,
            s.false_positives,
            s.false_negatives,
            pct(s.precision),
            pct(s.recall),
            if ev.positives > 0 { format!("{}/{}", ev.true_positives, ev.positives) } else { "-".into() }
        );
    };
    let figures = std::iter::once(("all", &r.all)).chain(r.splits.iter().map(|(k, f)| (k.as_str(), f)));
    for (name, f) in figures {
        println!("== {name}: {} messages ({} ordinary, {} of them flagged), {} evasion variants", f.messages, f.ordinary, f.ordinary_flagged, f.evasion_messages);
        println!("{:<38} {:>5} {:>5} {:>4} {:>4} {:>4}  {:>6} {:>6}  {:>7}", "red line", "pos", "pred", "tp", "fp", "fn", "prec", "recall", "evasion");
        for rl in &f.red_lines {
            row(&format!("{}/{}", rl.pack, rl.red_line), &rl.score, &rl.evasion);
        }
        row("overall (micro)", &f.overall, &f.evasion);
        println!("evasion recall {}", pct(f.evasion.recall));
        println!();
    }
    if r.skipped > 0 {
        println!("{} messages skipped: their pack is not loaded", r.skipped);
    }
    for m in &r.misses {
        let tag = if m.evasion { " [evasion]" } else { "" };
        let rules = if m.rules.is_empty() { String::new() } else { format!(" ({})", m.rules.join(", ")) };
        println!("{} {} {}/{}{rules}{tag}: {:?}", if m.error == "false_positive" { "FP" } else { "FN" }, m.id, m.pack, m.red_line, m.text);
    }
}
