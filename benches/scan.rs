//! Scan throughput of the rule engine, next to ripgrep doing a plain
//! literal search with the same terms (`cargo bench --bench scan -- ...`,
//! driven by `bench/scan.sh`; `harness = false`, never run by `cargo test`).
//!
//! `run JSONL [--limit N] [--out DIR]` reads the message texts of a generic
//! JSONL export (as `redline gen-corpus` writes), then on one core:
//!
//! 1. normalisation only (the default pack's settings), MB/s: the text
//!    alone (`Normalizer::text`, what every message costs) and with the
//!    offset map (`normalize`, built for messages with a candidate match);
//! 2. the full matcher with the built-in packs (`RuleSet::match_message`:
//!    normalisation, the automaton, boolean/proximity/regex evaluation and
//!    the offset map for candidates), MB/s and hits;
//! 3. the automaton alone over pre-normalised text, aho-corasick against
//!    daachorse's character-wise automaton on the CJK literals;
//! 4. `rg -F -i -c -f terms.txt` with the packs' terms as written, over the
//!    same texts written one message per line (ripgrep uses every core; it
//!    is also run with `-j1`), and the ratio.
//!
//! Figures are printed as a Markdown table and one JSON line.
//! `--matcher-only` runs step 2 alone (for profiling the matcher).

use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use redline::model::MessageKind;
use redline::rules::normalize::{normalize, normalize_str, Normalizer};
use redline::rules::{self, MessageView, RuleSet};

fn mbps(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

fn read_texts(path: &str, limit: usize) -> Vec<String> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for line in std::io::BufReader::new(f).lines() {
        let Ok(line) = line else { break };
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
            if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                out.push(t.to_string());
            }
        }
        if out.len() >= limit {
            break;
        }
    }
    out
}

fn time_rg(args: &[&str]) -> Option<(f64, String)> {
    let t = Instant::now();
    let out = std::process::Command::new("rg").args(args).output().ok()?;
    let secs = t.elapsed().as_secs_f64();
    Some((secs, String::from_utf8_lossy(&out.stdout).trim().to_string()))
}

/// One timed run of the full matcher over `texts`, tuning included.
struct MatcherRun {
    secs: f64,
    tune_secs: f64,
    hits: usize,
    messages_hit: usize,
    /// A hash of (message, rule, evidence): a faster matcher that finds
    /// other hits with the same count is caught.
    fingerprint: String,
}

fn time_matcher(set: &mut RuleSet, texts: &[String], tune_sample: &[&str]) -> MatcherRun {
    let t = Instant::now();
    set.tune(tune_sample);
    let tune_secs = t.elapsed().as_secs_f64();
    let mut hits = 0usize;
    let mut messages_hit = 0usize;
    let mut fingerprint = std::collections::hash_map::DefaultHasher::new();
    for (i, s) in texts.iter().enumerate() {
        let m = set.match_message(&MessageView { text: s, kind: Some(MessageKind::Text), ..Default::default() });
        hits += m.len();
        messages_hit += usize::from(!m.is_empty());
        for r in &m {
            (i, &r.pack, &r.red_line, &r.rule, &r.conditions).hash(&mut fingerprint);
            for e in &r.evidence {
                (e.start, e.end, &e.term, e.steps).hash(&mut fingerprint);
            }
        }
    }
    MatcherRun { secs: t.elapsed().as_secs_f64(), tune_secs, hits, messages_hit, fingerprint: format!("{:016x}", fingerprint.finish()) }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let len = args.len();
    args.retain(|a| a != "--matcher-only");
    let matcher_only = args.len() != len;
    if args.first().map(String::as_str) != Some("run") || args.len() < 2 {
        eprintln!("usage: cargo bench --bench scan -- run MESSAGES.jsonl [--limit N] [--out DIR] [--repeat N] [--matcher-only]");
        std::process::exit(2);
    }
    let path = &args[1];
    let mut limit = usize::MAX;
    let mut out_dir = std::env::temp_dir().join("redline-scan-bench");
    let mut repeat = 1usize;
    let mut i = 2;
    while i + 1 < args.len() {
        match args[i].as_str() {
            "--limit" => limit = args[i + 1].parse().expect("--limit N"),
            "--out" => out_dir = PathBuf::from(&args[i + 1]),
            "--repeat" => repeat = args[i + 1].parse().expect("--repeat N"),
            _ => {}
        }
        i += 2;
    }
    std::fs::create_dir_all(&out_dir).expect("out dir");
    let texts = read_texts(path, limit);
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!("{} messages, {:.1} MB of text", texts.len(), bytes as f64 / 1e6);

    let sources = rules::builtin().expect("built-in packs");
    let mut set = RuleSet::compile(&sources).expect("packs compile");
    let opts = sources[0].file.pack.normalize;
    eprintln!("term automata: {:.1} MB", set.automaton_bytes() as f64 / 1e6);

    // 1. normalisation only: the text-only form the scanner runs on every
    // message, and the form with the offset map it builds for candidates
    let mut normalizer = Normalizer::new();
    let t = Instant::now();
    let mut n = 0usize;
    let sample = if matcher_only { &texts[..0] } else { &texts[..] };
    for s in sample {
        n += normalizer.text(s, &opts).len();
    }
    let norm_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for s in sample {
        n += normalize(s, &opts).len_chars();
    }
    let map_secs = t.elapsed().as_secs_f64();
    std::hint::black_box(n);

    // 2. the full matcher, tuned as `scan` tunes it: on texts spread evenly
    // over the messages to scan (the tuning is part of the time)
    let tune_n = redline::scan::TUNE_SAMPLE.min(texts.len());
    let tune_sample: Vec<&str> = (0..tune_n).map(|i| texts[i * texts.len() / tune_n].as_str()).collect();
    let run = time_matcher(&mut set, &texts, &tune_sample);
    let (match_secs, tune_secs, hits, messages_hit, fingerprint) =
        (run.secs, run.tune_secs, run.hits, run.messages_hit, run.fingerprint.clone());
    if matcher_only {
        // For profiling the matcher (`perf record`) and quick comparisons.
        println!("full matcher, built-in packs (1 core): {match_secs:.2} s, {:.1} MB/s (tuning on {tune_n} texts: {tune_secs:.3} s)", mbps(bytes, match_secs));
        println!("messages {} with {} hits; {} messages hit; hits fingerprint {fingerprint}", texts.len(), hits, messages_hit);
        return;
    }

    // 3. automata alone on pre-normalised text: aho-corasick vs daachorse on CJK literals
    let normalized: Vec<String> = texts.iter().map(|s| normalize_str(s, &opts)).collect();
    let cjk: Vec<String> = set
        .literals()
        .into_iter()
        .filter(|l| !l.is_empty() && l.chars().all(|c| redline::rules::normalize::is_cjk(c)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let ac = aho_corasick::AhoCorasick::new(&cjk).expect("aho-corasick");
    let t = Instant::now();
    let mut c1 = 0usize;
    for s in &normalized {
        c1 += ac.find_overlapping_iter(s).count();
    }
    let ac_secs = t.elapsed().as_secs_f64();
    let da: daachorse::CharwiseDoubleArrayAhoCorasick<u32> =
        daachorse::CharwiseDoubleArrayAhoCorasick::new(&cjk).expect("daachorse");
    let t = Instant::now();
    let mut c2 = 0usize;
    for s in &normalized {
        c2 += da.find_overlapping_iter(s).count();
    }
    let da_secs = t.elapsed().as_secs_f64();
    assert_eq!(c1, c2, "both automata must find the same CJK matches");

    // 4. ripgrep over the same text, with the packs' terms as written
    let text_file = out_dir.join("messages.txt");
    let terms_file = out_dir.join("terms.txt");
    {
        let mut w = BufWriter::new(std::fs::File::create(&text_file).expect("text file"));
        for s in &texts {
            writeln!(w, "{}", s.replace(['\n', '\r'], " ")).expect("write");
        }
        let mut w = BufWriter::new(std::fs::File::create(&terms_file).expect("terms file"));
        let mut terms: Vec<String> = set.terms_as_written().into_iter().filter(|t| !t.trim().is_empty()).collect();
        terms.sort();
        terms.dedup();
        for t in terms {
            writeln!(w, "{t}").expect("write");
        }
    }
    let tf = terms_file.to_string_lossy().to_string();
    let xf = text_file.to_string_lossy().to_string();
    // Warm the page cache once.
    let _ = time_rg(&["-F", "-i", "-c", "-f", &tf, &xf]);
    let rg_all = time_rg(&["-F", "-i", "-c", "-f", &tf, &xf]);
    let rg_one = time_rg(&["-j1", "-F", "-i", "-c", "-f", &tf, &xf]);

    let match_mbps = mbps(bytes, match_secs);
    println!("| measure | time (s) | MB/s |");
    println!("| --- | ---: | ---: |");
    println!("| normalisation only, text (1 core) | {norm_secs:.2} | {:.1} |", mbps(bytes, norm_secs));
    println!("| normalisation with offset map (1 core) | {map_secs:.2} | {:.1} |", mbps(bytes, map_secs));
    println!("| full matcher, built-in packs (1 core) | {match_secs:.2} | {match_mbps:.1} |");
    println!("| aho-corasick, {} CJK literals, normalised text | {ac_secs:.2} | {:.1} |", cjk.len(), mbps(bytes, ac_secs));
    println!("| daachorse (charwise), same literals and text | {da_secs:.2} | {:.1} |", mbps(bytes, da_secs));
    if let Some((s, c)) = &rg_one {
        println!("| rg -j1 -F -i -c -f terms.txt (1 core) | {s:.2} | {:.1} | (matching lines: {c})", mbps(bytes, *s));
    }
    if let Some((s, c)) = &rg_all {
        println!("| rg -F -i -c -f terms.txt (all cores) | {s:.2} | {:.1} | (matching lines: {c})", mbps(bytes, *s));
    }
    if rg_one.is_none() {
        println!("(ripgrep not found: apt-get install -y ripgrep)");
    }
    println!("messages {} with {} hits; {} messages hit; hits fingerprint {fingerprint}", texts.len(), hits, messages_hit);
    // 5. on a shared machine one run can be slowed by a neighbour: rounds
    // of the matcher and ripgrep, interleaved, with the median and best of
    // each and the median of the per-round ratio
    let mut rounds = serde_json::Value::Null;
    if repeat > 1 && rg_one.is_some() {
        let (mut m, mut r, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..repeat {
            let run = time_matcher(&mut set, &texts, &tune_sample);
            assert_eq!(run.fingerprint, fingerprint, "every round finds the same hits");
            let Some((rs, _)) = time_rg(&["-j1", "-F", "-i", "-c", "-f", &tf, &xf]) else { break };
            m.push(mbps(bytes, run.secs));
            r.push(mbps(bytes, rs));
            ratio.push(mbps(bytes, run.secs) / mbps(bytes, rs));
        }
        let best = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        println!(
            "| {} interleaved rounds: full matcher MB/s median (best) | {:.1} ({:.1}) | rg -j1 median (best) {:.1} ({:.1}) | ratio median {:.2} |",
            m.len(), median(m.clone()), best(&m), median(r.clone()), best(&r), median(ratio.clone())
        );
        rounds = serde_json::json!({
            "rounds": m.len(), "match_mbps": m, "rg_j1_mbps": r,
            "match_median": median(m.clone()), "rg_j1_median": median(r.clone()), "ratio_median": median(ratio),
        });
    }
    let rg1 = rg_one.as_ref().map(|(s, _)| mbps(bytes, *s));
    println!(
        "{}",
        serde_json::json!({
            "messages": texts.len(), "bytes": bytes, "hits": hits, "messages_hit": messages_hit, "hits_fingerprint": fingerprint,
            "normalize_mbps": mbps(bytes, norm_secs), "normalize_map_mbps": mbps(bytes, map_secs), "match_mbps": match_mbps,
            "aho_corasick_cjk_mbps": mbps(bytes, ac_secs), "daachorse_cjk_mbps": mbps(bytes, da_secs),
            "cjk_literals": cjk.len(), "rg_j1_mbps": rg1, "rg_all_mbps": rg_all.as_ref().map(|(s, _)| mbps(bytes, *s)),
            "ratio_to_rg_j1": rg1.map(|r| match_mbps / r), "tune_secs": tune_secs, "interleaved": rounds,
        })
    );
}
