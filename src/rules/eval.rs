//! Measuring a pack's quality on a labelled set (`redline rules eval`).
//!
//! A labelled set is JSON Lines, one message a line:
//!
//! ```text
//! {"id":"g-0001","text":"给您发个红包","kind":"red_packet","amount":200,
//!  "attachments":[],"labels":["illicit-payments"],"evasion":false,
//!  "pack":"eight-red-lines","split":"dev"}
//! ```
//!
//! `labels` empty = an ordinary message. A message is scored only against the
//! pack it names (`pack`; absent = every loaded pack), because each pack's
//! set has its own negatives: a finance desk's "WeChat me" is a red line for
//! `financial-comms`, not a question for the government pack. For each red
//! line, a message is predicted positive when any rule of that red line
//! fires (the way a reviewer sees it: one hit is enough to read the message).
//!
//! `split` is free text (`dev`, `holdout`): rules are tuned on one half and
//! the other half tells whether the tuning generalises; the report gives
//! the figures for every split as well as for the whole set.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::matcher::{MessageView, RuleSet};
use crate::model::MessageKind;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Invalid { path: PathBuf, line: usize, message: String },
    #[error("message {id:?}: label {label:?} is not a red line of {packs}")]
    UnknownLabel { id: String, label: String, packs: String },
}

/// One labelled message.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub kind: Option<MessageKind>,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Red-line ids this message crosses (empty: ordinary).
    #[serde(default)]
    pub labels: Vec<String>,
    /// An evasion variant (traditional, spaced, zero-width, look-alikes, …).
    #[serde(default)]
    pub evasion: bool,
    /// The pack this message is labelled for (absent: every pack).
    #[serde(default)]
    pub pack: Option<String>,
    #[serde(default)]
    pub split: Option<String>,
}

/// Read a labelled set; every line must parse, ids must be unique.
pub fn read_jsonl(path: &Path) -> Result<Vec<Labelled>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::Io { path: path.into(), source: e })?;
    let mut out: Vec<Labelled> = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let invalid = |message: String| EvalError::Invalid { path: path.into(), line: i + 1, message };
        let m: Labelled = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
        if !ids.insert(m.id.clone()) {
            return Err(invalid(format!("duplicate id {:?}", m.id)));
        }
        out.push(m);
    }
    Ok(out)
}

/// Counts and figures for one red line (or a total).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Score {
    /// Messages labelled with it.
    pub positives: usize,
    /// Messages where one of its rules fired.
    pub predicted: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// `None` when nothing was predicted / nothing is labelled.
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

impl Score {
    fn add(&mut self, labelled: bool, predicted: bool) {
        self.positives += labelled as usize;
        self.predicted += predicted as usize;
        match (labelled, predicted) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => {}
        }
    }

    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        self.precision = ratio(self.true_positives, self.predicted);
        self.recall = ratio(self.true_positives, self.positives);
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RedLineScore {
    pub pack: String,
    pub red_line: String,
    #[serde(flatten)]
    pub score: Score,
    /// Recall on the evasion variants labelled with this red line.
    pub evasion: Score,
}

/// A message the pack got wrong.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Miss {
    /// `false_positive` or `false_negative`.
    pub error: &'static str,
    pub id: String,
    pub pack: String,
    pub red_line: String,
    pub evasion: bool,
    pub split: Option<String>,
    pub text: String,
    /// For a false positive, the rules that fired.
    pub rules: Vec<String>,
}

/// Figures over one part of the set (all of it, or one split).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Figures {
    /// Messages scored (labelled for a loaded pack).
    pub messages: usize,
    /// Of which ordinary (no label).
    pub ordinary: usize,
    /// Ordinary messages on which any rule fired.
    pub ordinary_flagged: usize,
    /// Evasion variants (messages marked `evasion` with a label).
    pub evasion_messages: usize,
    pub red_lines: Vec<RedLineScore>,
    /// Micro-averaged over every (message, red line) pair.
    pub overall: Score,
    /// Recall over the (evasion message, label) pairs.
    pub evasion: Score,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct EvalReport {
    pub packs: Vec<String>,
    /// Messages whose pack is not loaded (not scored).
    pub skipped: usize,
    pub all: Figures,
    pub splits: BTreeMap<String, Figures>,
    pub misses: Vec<Miss>,
}

/// Quality targets; `shortfalls` lists what a report falls short of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    pub precision: f64,
    pub recall: f64,
    pub evasion_recall: f64,
}

impl Default for Targets {
    /// The targets of the default pack: every red line precision ≥ 0.8 and
    /// recall ≥ 0.9, evasion variants recall ≥ 0.9.
    fn default() -> Self {
        Self { precision: 0.8, recall: 0.9, evasion_recall: 0.9 }
    }
}

impl Figures {
    /// Every red line and the evasion recall checked against `t`; a red line
    /// with no positives fails too (it cannot be measured).
    pub fn shortfalls(&self, t: &Targets) -> Vec<String> {
        let mut out = Vec::new();
        for rl in &self.red_lines {
            let name = format!("{}/{}", rl.pack, rl.red_line);
            match rl.score.recall {
                None => out.push(format!("{name}: no labelled positives")),
                Some(r) if r < t.recall => out.push(format!("{name}: recall {r:.3} < {}", t.recall)),
                _ => {}
            }
            match rl.score.precision {
                Some(p) if p < t.precision => out.push(format!("{name}: precision {p:.3} < {}", t.precision)),
                _ => {}
            }
        }
        match self.evasion.recall {
            Some(r) if r < t.evasion_recall => out.push(format!("evasion recall {r:.3} < {}", t.evasion_recall)),
            _ => {}
        }
        out
    }
}

/// Score `set` on `messages`. Labels naming a red line that the message's
/// pack does not have are errors (a typo must not count as a miss).
pub fn evaluate(set: &RuleSet, messages: &[Labelled]) -> Result<EvalReport, EvalError> {
    let red_lines: BTreeMap<&str, Vec<&str>> =
        set.packs().iter().map(|p| (p.id.as_str(), p.red_lines.iter().map(|r| r.id.as_str()).collect())).collect();
    let mut report = EvalReport { packs: red_lines.keys().map(|s| s.to_string()).collect(), ..Default::default() };
    // (split or "") → per (pack, red line) scores
    let mut acc: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    for m in messages {
        let packs: Vec<&str> = match &m.pack {
            Some(p) if red_lines.contains_key(p.as_str()) => vec![p.as_str()],
            Some(_) => {
                report.skipped += 1;
                continue;
            }
            None => red_lines.keys().copied().collect(),
        };
        for l in &m.labels {
            if !packs.iter().any(|p| red_lines[p].contains(&l.as_str())) {
                return Err(EvalError::UnknownLabel { id: m.id.clone(), label: l.clone(), packs: packs.join(", ") });
            }
        }
        let view = MessageView {
            text: &m.text,
            kind: Some(m.kind.unwrap_or(MessageKind::Text)),
            amount: m.amount,
            attachments: m.attachments.iter().map(String::as_str).collect(),
            ..Default::default()
        };
        let fired = set.match_message(&view);
        let any_fired = fired.iter().any(|r| packs.contains(&r.pack.as_str()));
        for key in [None, m.split.clone()].into_iter().collect::<BTreeSet<_>>() {
            let a = acc.entry(key).or_default();
            a.messages += 1;
            if m.labels.is_empty() {
                a.ordinary += 1;
                a.ordinary_flagged += any_fired as usize;
            }
            if m.evasion && !m.labels.is_empty() {
                a.evasion_messages += 1;
            }
        }
        for &pack in &packs {
            for &rl in &red_lines[pack] {
                let labelled = m.labels.iter().any(|l| l == rl);
                let rules: Vec<String> =
                    fired.iter().filter(|r| r.pack == pack && r.red_line == rl).map(|r| r.rule.clone()).collect();
                let predicted = !rules.is_empty();
                for key in [None, m.split.clone()].into_iter().collect::<BTreeSet<_>>() {
                    let a = acc.entry(key).or_default();
                    let s = a.scores.entry((pack.to_string(), rl.to_string())).or_default();
                    s.0.add(labelled, predicted);
                    a.overall.add(labelled, predicted);
                    if m.evasion && labelled {
                        s.1.add(true, predicted);
                        a.evasion.add(true, predicted);
                    }
                }
                if labelled != predicted {
                    report.misses.push(Miss {
                        error: if predicted { "false_positive" } else { "false_negative" },
                        id: m.id.clone(),
                        pack: pack.to_string(),
                        red_line: rl.to_string(),
                        evasion: m.evasion,
                        split: m.split.clone(),
                        text: m.text.clone(),
                        rules,
                    });
                }
            }
        }
    }
    // Red lines with no message at all still appear (with no figures).
    for (key, a) in acc {
        let mut f = a.finish(&red_lines);
        match key {
            None => report.all = std::mem::take(&mut f),
            Some(k) => {
                report.splits.insert(k, f);
            }
        }
    }
    if report.all.red_lines.is_empty() {
        report.all = Acc::default().finish(&red_lines);
    }
    Ok(report)
}

#[derive(Default)]
struct Acc {
    messages: usize,
    ordinary: usize,
    ordinary_flagged: usize,
    evasion_messages: usize,
    scores: BTreeMap<(String, String), (Score, Score)>,
    overall: Score,
    evasion: Score,
}

impl Acc {
    fn finish(mut self, red_lines: &BTreeMap<&str, Vec<&str>>) -> Figures {
        let mut out = Vec::new();
        for (pack, rls) in red_lines {
            for rl in rls {
                let (mut score, mut evasion) = self.scores.remove(&(pack.to_string(), rl.to_string())).unwrap_or_default();
                score.finish();
                evasion.finish();
                out.push(RedLineScore { pack: pack.to_string(), red_line: rl.to_string(), score, evasion });
            }
        }
        self.overall.finish();
        self.evasion.finish();
        Figures {
            messages: self.messages,
            ordinary: self.ordinary,
            ordinary_flagged: self.ordinary_flagged,
            evasion_messages: self.evasion_messages,
            red_lines: out,
            overall: self.overall,
            evasion: self.evasion,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pack::parse_pack;

    const PACK: &str = r#"
[pack]
id = "p"
name = "p"
version = "1"

[[red_line]]
id = "pay"
title = { en = "pay", zh = "付" }
severity = "high"
  [[red_line.rule]]
  id = "t"
  terms = ["红包"]

[[red_line]]
id = "leak"
title = { en = "leak", zh = "泄" }
severity = "high"
  [[red_line.rule]]
  id = "t"
  terms = ["机密"]
"#;

    fn msg(id: &str, text: &str, labels: &[&str], evasion: bool, split: &str) -> Labelled {
        Labelled {
            id: id.into(),
            text: text.into(),
            kind: None,
            amount: None,
            attachments: vec![],
            labels: labels.iter().map(|s| s.to_string()).collect(),
            evasion,
            pack: Some("p".into()),
            split: Some(split.into()),
        }
    }

    #[test]
    fn counts_precision_recall_and_evasion() {
        let set = RuleSet::compile(&[parse_pack(Path::new("p.toml"), PACK).unwrap()]).unwrap();
        let msgs = vec![
            msg("1", "发个红包", &["pay"], false, "dev"),
            msg("2", "转账给你", &["pay"], false, "dev"),      // missed
            msg("3", "红包封面好看", &[], false, "holdout"), // false positive
            msg("4", "機密文件", &["leak"], true, "holdout"),
            msg("5", "今天开会", &[], false, "dev"),
        ];
        let r = evaluate(&set, &msgs).unwrap();
        let pay = &r.all.red_lines.iter().find(|s| s.red_line == "pay").unwrap().score;
        assert_eq!((pay.positives, pay.predicted, pay.true_positives), (2, 2, 1));
        assert_eq!((pay.precision, pay.recall), (Some(0.5), Some(0.5)));
        assert_eq!(r.all.evasion.recall, Some(1.0));
        assert_eq!((r.all.ordinary, r.all.ordinary_flagged), (2, 1));
        assert_eq!(r.misses.len(), 2);
        assert_eq!(r.misses[0].error, "false_negative");
        assert_eq!(r.misses[1].rules, ["t"]);
        assert_eq!(r.splits["dev"].messages, 3);
        assert_eq!(r.splits["holdout"].overall.false_positives, 1);
        let short = r.all.shortfalls(&Targets::default());
        assert!(short.iter().any(|s| s.contains("p/pay: recall 0.500")), "{short:?}");
    }

    #[test]
    fn unknown_labels_are_errors() {
        let set = RuleSet::compile(&[parse_pack(Path::new("p.toml"), PACK).unwrap()]).unwrap();
        let e = evaluate(&set, &[msg("1", "x", &["bribes"], false, "dev")]).unwrap_err().to_string();
        assert!(e.contains("\"bribes\""), "{e}");
    }
}
