//! Benchmark helpers for the evidence store, driven by `bench/run.sh`
//! (`cargo bench --bench store -- COMMAND ...`; `harness = false`).
//!
//! * `search DB --messages N --seed S [--conversations K] [--per-class Q]`:
//!   search latency in-process through `Store::search` (limit 20) for
//!   queries cut from the corpus that `redline gen-corpus` wrote with the
//!   same options: 1-, 2-, 3- and 4-character Chinese queries and English
//!   words, Q of each, plus Q two-term queries (a Chinese pair and an
//!   English word; default Q = 50, so 300 queries). Prints p50/p95/max per
//!   class and overall, and one JSON line (`--json PATH` appends it to a file).
//! * `sqlite-version`: the version of the SQLite compiled into Redline.
//! * `fts-csv DB OUT`: the full-text index's input for every message —
//!   `id,body` with body the pre-tokenised text (`fts_tokens::index_text`) —
//!   so that the `sqlite3` shell can build exactly the same FTS5 index.
//!
//! Timed code never runs in `cargo test`.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use redline::corpus_gen::{self, GenOptions, OutputFormat};
use redline::store::{fts_tokens, Store};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Search latency over queries drawn from the corpus `gen-corpus` wrote with these options.
    Search {
        db: PathBuf,
        #[arg(long)]
        messages: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 200)]
        conversations: u32,
        #[arg(long, default_value = "jsonl")]
        format: OutputFormat,
        #[arg(long, default_value_t = 50)]
        per_class: usize,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Append the figures as one JSON line to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Print every query with its time and hit count.
        #[arg(long)]
        verbose: bool,
        /// Time these queries (class `given`) instead of the sampled ones.
        #[arg(long = "query")]
        queries: Vec<String>,
    },
    /// Write `id,body` (the index form of every message) as CSV.
    FtsCsv {
        db: PathBuf,
        out: PathBuf,
    },
    /// Print the version of the SQLite compiled into Redline.
    SqliteVersion,
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` appends `--bench` to the arguments of every bench
    // target; `cargo test --all-targets` runs it with no command at all.
    let args = Args::parse_from(std::env::args().filter(|a| a != "--bench"));
    let Some(command) = args.command else {
        eprintln!("store bench helper: no command (bench/run.sh drives it; see --help)");
        return Ok(());
    };
    match command {
        Command::Search { db, messages, seed, conversations, format, per_class, limit, json, verbose, queries } => {
            let opts = GenOptions { conversations, ..GenOptions::new(messages, seed, format) };
            let queries = if queries.is_empty() {
                sampled_queries(&opts, per_class)
            } else {
                queries.into_iter().map(|text| corpus_gen::SampleQuery { class: "given", text }).collect()
            };
            search(&db, &queries, limit, json, verbose)
        }
        Command::FtsCsv { db, out } => fts_csv(&db, &out),
        Command::SqliteVersion => {
            println!("{}", rusqlite::version());
            Ok(())
        }
    }
}

/// The corpus's sample queries plus two-term pairs.
fn sampled_queries(opts: &GenOptions, per_class: usize) -> Vec<corpus_gen::SampleQuery> {
    let mut queries = corpus_gen::sample_queries(opts, per_class);
    // Two terms that each match many messages but rarely meet: FTS5 walks
    // both lists to the end (the slow case for a conjunctive query).
    let words = |class: &str| queries.iter().filter(|q| q.class == class).map(|q| q.text.clone()).collect::<Vec<_>>();
    let pairs: Vec<corpus_gen::SampleQuery> = words("cjk2")
        .into_iter()
        .zip(words("en"))
        .map(|(a, b)| corpus_gen::SampleQuery { class: "pair", text: format!("{a} {b}") })
        .collect();
    queries.extend(pairs);
    queries
}

fn search(
    db: &PathBuf,
    queries: &[corpus_gen::SampleQuery],
    limit: usize,
    json: Option<PathBuf>,
    verbose: bool,
) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let status = store.index_status()?;
    anyhow::ensure!(status.pending == 0, "{} messages are not indexed yet; run `redline index`", status.pending);
    let mut times: Vec<(&'static str, Duration, usize)> = Vec::with_capacity(queries.len());
    for q in queries {
        let start = Instant::now();
        let hits = store.search(&q.text, limit)?;
        let took = start.elapsed();
        if verbose {
            println!("{:>9.3} ms {:>3} hits  {:<5} {}", ms(took), hits.len(), q.class, q.text);
        }
        times.push((q.class, took, hits.len()));
    }
    let mut classes: Vec<&str> = times.iter().map(|t| t.0).collect();
    classes.dedup();
    classes.sort();
    classes.dedup();
    let mut report = serde_json::Map::new();
    println!("search latency, limit {limit}, {} queries ({})", times.len(), db.display());
    println!("{:<6} {:>5} {:>10} {:>10} {:>10} {:>12}", "class", "n", "p50 ms", "p95 ms", "max ms", "full pages");
    // `full pages`: queries that found `limit` hits (the others found fewer).
    for class in classes.iter().copied().chain(["all"]) {
        let mut t: Vec<&(&str, Duration, usize)> = times.iter().filter(|t| class == "all" || t.0 == class).collect();
        t.sort_by_key(|t| t.1);
        let (p50, p95, max) = (percentile(&t, 50), percentile(&t, 95), percentile(&t, 100));
        let full = t.iter().filter(|t| t.2 == limit).count();
        println!("{class:<6} {:>5} {p50:>10.3} {p95:>10.3} {max:>10.3} {full:>12}", t.len());
        report.insert(
            class.to_string(),
            serde_json::json!({ "n": t.len(), "p50_ms": p50, "p95_ms": p95, "max_ms": max, "full_pages": full }),
        );
    }
    if let Some(path) = json {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        writeln!(f, "{}", serde_json::json!({ "search": report }))?;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted times.
fn percentile(sorted: &[&(&str, Duration, usize)], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    ms(sorted[rank - 1].1)
}

fn fts_csv(db: &PathBuf, out: &PathBuf) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?));
    w.write_record(["id", "body"])?;
    let mut stmt = store.conn().prepare("SELECT id, text FROM messages ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut body = String::new();
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let text: String = row.get(1)?;
        body.clear();
        fts_tokens::index_text(&text, &mut body);
        w.write_record([id.to_string().as_str(), body.as_str()])?;
        n += 1;
    }
    w.flush()?;
    eprintln!("wrote {n} rows to {}", out.display());
    Ok(())
}
