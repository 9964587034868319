//! The shipped packs: their own examples pass, their quality on the labelled
//! set meets the targets, and every TOML example in rules/README.md works.

use std::path::{Path, PathBuf};

use redline::rules::eval::{self, Targets};
use redline::rules::{self, examples, pack::parse_pack, RuleSet};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn shipped() -> (RuleSet, Vec<redline::rules::PackSource>) {
    let sources = rules::load(&[rules_dir()]).unwrap_or_else(|e| panic!("{e}"));
    let set = RuleSet::compile(&sources).unwrap_or_else(|e| panic!("{e}"));
    (set, sources)
}

#[test]
fn every_pack_passes_its_own_examples() {
    let (set, sources) = shipped();
    let ids: Vec<&str> = sources.iter().map(|s| s.file.pack.id.get_ref().as_str()).collect();
    assert_eq!(ids, ["eight-red-lines", "financial-comms"]);
    let report = examples::run(&set, &sources);
    let failures: Vec<String> =
        report.failures.iter().map(|f| format!("{}/{}/{} {}: {:?} — {}", f.pack, f.red_line, f.rule, f.expectation, f.text, f.detail)).collect();
    assert!(failures.is_empty(), "{} failing examples:\n{}", failures.len(), failures.join("\n"));
    assert!(report.rules >= 40 && report.examples >= 200, "{report:?}");
}

#[test]
fn every_rule_has_both_kinds_of_examples() {
    let (_, sources) = shipped();
    for src in &sources {
        for rl in &src.file.red_lines {
            assert!(rl.description.is_some(), "{}: red line {} has no description", src.path.display(), rl.id.get_ref());
            for rule in &rl.rules {
                let name = format!("{}/{}/{}", src.file.pack.id.get_ref(), rl.id.get_ref(), rule.id.get_ref());
                assert!(!rule.must_match.is_empty(), "{name}: no must_match");
                assert!(!rule.must_not_match.is_empty(), "{name}: no must_not_match");
            }
        }
    }
}

#[test]
fn the_default_pack_has_the_eight_red_lines() {
    let (set, _) = shipped();
    let default = set.packs().iter().find(|p| p.id == "eight-red-lines").expect("default pack");
    let ids: Vec<&str> = default.red_lines.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "negative-commentary",
            "obscene-content",
            "rumors",
            "illicit-payments",
            "vote-buying",
            "secret-leaks",
            "side-business",
            "improper-remarks"
        ]
    );
    for rl in &default.red_lines {
        assert!(rl.rules.len() >= 2, "{} has {} rules", rl.id, rl.rules.len());
    }
}

#[test]
fn the_labelled_set_is_big_enough_and_balanced() {
    let set = eval::read_jsonl(&rules_dir().join("tests/labelled.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    assert!(set.len() >= 400, "{} messages", set.len());
    let ordinary = set.iter().filter(|m| m.labels.is_empty()).count();
    assert!(ordinary * 2 > set.len(), "ordinary messages must be most of the set: {ordinary} of {}", set.len());
    let (rs, _) = shipped();
    let default = rs.packs().iter().find(|p| p.id == "eight-red-lines").unwrap();
    for rl in &default.red_lines {
        let positives = set.iter().filter(|m| m.labels.contains(&rl.id)).count();
        let evasions = set.iter().filter(|m| m.evasion && m.labels.contains(&rl.id)).count();
        assert!(positives >= 25, "{}: {positives} positives", rl.id);
        assert!(evasions >= 3, "{}: {evasions} evasion variants", rl.id);
    }
    for lang_probe in ["的", "the "] {
        assert!(set.iter().filter(|m| m.text.contains(lang_probe)).count() >= 50, "too few messages with {lang_probe:?}");
    }
}

/// The quality gate: a pack change that breaks the default pack's precision,
/// recall or evasion recall fails here.
#[test]
fn the_default_pack_meets_its_quality_targets() {
    let (set, _) = shipped();
    let messages = eval::read_jsonl(&rules_dir().join("tests/labelled.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let report = eval::evaluate(&set, &messages).unwrap_or_else(|e| panic!("{e}"));
    let mut default = report.all.clone();
    default.red_lines.retain(|r| r.pack == "eight-red-lines");
    // Evasion recall of the default pack alone.
    let mut ev = (0, 0);
    for r in &default.red_lines {
        ev.0 += r.evasion.true_positives;
        ev.1 += r.evasion.positives;
    }
    default.evasion.recall = Some(ev.0 as f64 / ev.1.max(1) as f64);
    let short = default.shortfalls(&Targets::default());
    let misses: Vec<String> = report
        .misses
        .iter()
        .filter(|m| m.pack == "eight-red-lines")
        .map(|m| format!("{} {} {}: {:?}", m.error, m.id, m.red_line, m.text))
        .collect();
    assert!(short.is_empty(), "below target: {short:?}\nmisses:\n{}", misses.join("\n"));
    assert!(ev.1 >= 40, "only {} evasion variants", ev.1);
}

/// The financial pack has no contractual target; it must stay useful.
#[test]
fn the_financial_pack_stays_useful() {
    let (set, _) = shipped();
    let messages = eval::read_jsonl(&rules_dir().join("tests/labelled.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let report = eval::evaluate(&set, &messages).unwrap_or_else(|e| panic!("{e}"));
    let mut fin = report.all.clone();
    fin.red_lines.retain(|r| r.pack == "financial-comms");
    assert_eq!(fin.red_lines.len(), 6);
    let short = fin.shortfalls(&Targets { precision: 0.8, recall: 0.8, evasion_recall: 0.0 });
    assert!(short.is_empty(), "{short:?}");
}

/// `toml` code blocks of a Markdown text.
fn toml_blocks(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some((i + 2, String::new())),
            (Some(_), "```") => out.extend(current.take()),
            (Some((_, body)), l) => {
                body.push_str(l);
                body.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// A README block as a whole pack: blocks showing a rule or a red line get
/// the lines around them.
fn as_pack(n: usize, block: &str) -> String {
    let head = format!("[pack]\nid = \"readme-{n}\"\nname = \"README example\"\nversion = \"1\"\n\n");
    let first = block.lines().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).unwrap_or("").trim();
    if first.starts_with("[pack]") {
        block.to_string()
    } else if first.starts_with("[[red_line.rule]]") {
        format!("{head}[[red_line]]\nid = \"readme\"\ntitle = {{ en = \"README\", zh = \"说明\" }}\nseverity = \"high\"\n\n{block}")
    } else {
        format!("{head}{block}")
    }
}

#[test]
fn readme_examples_compile_and_pass_their_examples() {
    let md = std::fs::read_to_string(rules_dir().join("README.md")).expect("rules/README.md");
    let blocks = toml_blocks(&md);
    assert!(blocks.len() >= 10, "only {} toml blocks", blocks.len());
    for (n, (line, block)) in blocks.iter().enumerate() {
        let where_ = format!("rules/README.md block at line {line}");
        let src = parse_pack(Path::new(&where_), &as_pack(n, block)).unwrap_or_else(|e| panic!("{e}"));
        let set = RuleSet::compile(std::slice::from_ref(&src)).unwrap_or_else(|e| panic!("{e}"));
        let report = examples::run(&set, std::slice::from_ref(&src));
        assert!(report.examples > 0, "{where_}: no examples");
        assert!(report.failures.is_empty(), "{where_}: {:#?}", report.failures);
    }
}
