//! The queue's filters and counts on cases whose messages are hit more than
//! once, and by participant.

mod util;

use redline::api::{Request, Response};
use redline::review::queue::{CaseFilter, CasePage};
use util::{api, review_workspace, scan_pack, Workspace};

fn list(ws: &mut Workspace, filter: CaseFilter) -> CasePage {
    match api(ws, "alice", Request::ListCases { filter, sort: None, offset: None, limit: None, facets: None }) {
        Response::Cases(p) => p,
        r => panic!("{r:?}"),
    }
}

fn participant(ws: &mut Workspace, name: &str) -> i64 {
    match api(ws, "alice", Request::ListParticipants { query: Some(name.into()), offset: None, limit: None }) {
        Response::Participants(p) => p.participants[0].id,
        r => panic!("{r:?}"),
    }
}

#[test]
fn participant_filter_lists_only_that_persons_cases() {
    let mut ws = review_workspace();
    assert_eq!(list(&mut ws, CaseFilter::default()).total, 4);
    let li = participant(&mut ws, "李明");
    let page = list(&mut ws, CaseFilter { participant_id: Some(li), ..Default::default() });
    assert_eq!(page.total, 1, "{:?}", page.cases.iter().map(|c| &c.title).collect::<Vec<_>>());
    assert_eq!(page.cases[0].red_lines, ["secret-leaks"]);
    let wang = participant(&mut ws, "王强");
    assert_eq!(list(&mut ws, CaseFilter { participant_id: Some(wang), ..Default::default() }).total, 3);
    let zhao = participant(&mut ws, "赵六");
    assert_eq!(list(&mut ws, CaseFilter { participant_id: Some(zhao), ..Default::default() }).total, 0);
}

#[test]
fn a_message_hit_by_two_rules_counts_once() {
    let mut ws = Workspace::new();
    ws.import_one(&util::fixture("review/chats.jsonl"), Some("Asia/Shanghai"), None);
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("two-rules.toml");
    std::fs::write(
        &pack,
        r#"[pack]
id = "two-rules"
name = "Two rules on one message"
version = "1"

[[red_line]]
id = "illicit-payments"
title = { en = "Accepting payments", zh = "收受红包转账" }
severity = "high"

  [[red_line.rule]]
  id = "thanks-money"
  terms = ["辛苦费"]

  [[red_line.rule]]
  id = "take-it"
  terms = ["收下"]
"#,
    )
    .unwrap();
    scan_pack(&mut ws, &pack);
    api(&mut ws, "alice", Request::Regroup);
    // Message 2 ("老李，这点辛苦费你收下") has two hits; its case has one more message, 6 is weeks later.
    let page = list(&mut ws, CaseFilter { text: Some("收下".into()), ..Default::default() });
    assert_eq!(page.total, 1);
    let c = &page.cases[0];
    assert_eq!((c.hit_count, c.message_count), (2, 1), "{c:?}");
    match api(&mut ws, "alice", Request::GetCase { id: c.id }) {
        Response::Case(d) => assert_eq!(d.messages.iter().map(|m| m.id).collect::<Vec<_>>(), [2]),
        r => panic!("{r:?}"),
    }
}

#[test]
fn facets_come_only_when_asked_for() {
    let mut ws = review_workspace();
    let page = |ws: &mut Workspace, facets: Option<bool>| match api(ws, "alice", Request::ListCases { filter: CaseFilter::default(), sort: None, offset: Some(1), limit: Some(1), facets }) {
        Response::Cases(p) => p,
        r => panic!("{r:?}"),
    };
    let with = page(&mut ws, None);
    assert!(with.facets["status"].values().sum::<i64>() == with.total && with.total > 1, "{with:?}");
    let without = page(&mut ws, Some(false));
    assert!(without.facets.is_empty());
    assert_eq!((without.total, without.cases.len(), &without.cases[0].id), (with.total, 1, &with.cases[0].id));
}
