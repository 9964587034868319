//! Running each rule's own examples (`redline rules test`).
//!
//! A rule documents itself with `must_match` and `must_not_match` messages.
//! They are run through the same compiled matcher that scans the store, so
//! a pack that passes its examples behaves the same way in a scan.

use chrono::DateTime;
use serde::Serialize;

use super::matcher::{MessageView, RuleSet};
use super::pack::{Example, PackSource};

/// One example that did not behave as its rule says.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExampleFailure {
    pub pack: String,
    pub path: String,
    pub red_line: String,
    pub rule: String,
    /// `must_match` or `must_not_match`.
    pub expectation: &'static str,
    pub text: String,
    /// Why, for the reviewer: what fired or that nothing did.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ExamplesReport {
    pub packs: usize,
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<ExampleFailure>,
}

/// Run every example of the given packs (which must all be in `set`).
pub fn run(set: &RuleSet, sources: &[PackSource]) -> ExamplesReport {
    let mut report = ExamplesReport { packs: sources.len(), ..Default::default() };
    for src in sources {
        let pack = src.file.pack.id.get_ref();
        for rl in &src.file.red_lines {
            for rule in &rl.rules {
                report.rules += 1;
                let cases = rule.must_match.iter().map(|e| (true, e)).chain(rule.must_not_match.iter().map(|e| (false, e)));
                for (expect, example) in cases {
                    report.examples += 1;
                    if let Some(detail) = check(set, pack, rl.id.get_ref(), rule.id.get_ref(), expect, example) {
                        report.failures.push(ExampleFailure {
                            pack: pack.clone(),
                            path: src.path.display().to_string(),
                            red_line: rl.id.get_ref().clone(),
                            rule: rule.id.get_ref().clone(),
                            expectation: if expect { "must_match" } else { "must_not_match" },
                            text: example.message().text,
                            detail,
                        });
                    }
                }
            }
        }
    }
    report
}

/// `None` when the example behaves; else what went wrong.
fn check(set: &RuleSet, pack: &str, red_line: &str, rule: &str, expect: bool, example: &Example) -> Option<String> {
    let m = example.message();
    let timestamp = match m.timestamp.as_deref().map(DateTime::parse_from_rfc3339) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => return Some(format!("example timestamp is not RFC 3339: {e}")),
        None => None,
    };
    let view = MessageView {
        text: &m.text,
        kind: Some(m.kind.unwrap_or(crate::model::MessageKind::Text)),
        amount: m.amount,
        attachments: m.attachments.iter().map(String::as_str).collect(),
        sender: m.sender.as_deref(),
        sender_name: None,
        conversation: m.conversation.as_deref(),
        conversation_title: None,
        timestamp,
    };
    let all = set.match_message_in_pack(pack, &view);
    let mine = all.iter().find(|r| r.red_line == red_line && r.rule == rule);
    match (expect, mine) {
        (true, Some(_)) | (false, None) => None,
        (true, None) => Some(if all.is_empty() {
            "nothing matched".into()
        } else {
            format!("did not match; other rules did: {}", all.iter().map(|r| format!("{}/{}", r.red_line, r.rule)).collect::<Vec<_>>().join(", "))
        }),
        (false, Some(r)) => Some(format!(
            "matched on {}",
            r.evidence.iter().map(|e| format!("{:?} (term {:?})", &m.text[e.start..e.end], e.term)).chain(r.conditions.iter().cloned()).collect::<Vec<_>>().join(", ")
        )),
    }
}
