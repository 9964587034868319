//! Grouping hits into cases: the default key and window, determinism,
//! stability across rescans, and pattern detection.

mod util;

use redline::api::{Request, Response};
use redline::review::queue::{CaseFilter, CaseSort};
use util::{api, review_workspace, scan_fixture_pack, Workspace};

fn cases(ws: &mut Workspace) -> Vec<redline::review::cases::CaseSummary> {
    let filter = CaseFilter::default();
    match api(ws, "alice", Request::ListCases { filter, sort: Some(CaseSort::Hits), offset: None, limit: Some(100), facets: None }) {
        Response::Cases(mut p) => {
            p.cases.sort_by_key(|c| c.id);
            p.cases
        }
        r => panic!("{r:?}"),
    }
}

/// (id, title, hit count, message ids) of every case.
fn shape(ws: &mut Workspace) -> Vec<(i64, String, i64, Vec<i64>)> {
    let list = cases(ws);
    list.into_iter()
        .map(|c| {
            let msgs = match api(ws, "alice", Request::GetCase { id: c.id }) {
                Response::Case(d) => d.messages.iter().map(|m| m.id).collect(),
                r => panic!("{r:?}"),
            };
            (c.id, c.title, c.hit_count, msgs)
        })
        .collect()
}

#[test]
fn one_case_per_conversation_sender_red_line_and_window() {
    let mut ws = review_workspace();
    let s = shape(&mut ws);
    assert_eq!(s.len(), 4, "{s:#?}");
    // Keys in (conversation, sender, red line) order; 办公室 sorts before 采购群.
    assert_eq!((s[0].1.as_str(), s[0].3.clone()), ("illicit-payments: 王强 in 办公室", vec![8]));
    // 采购群 / 王强 / illicit-payments: messages 2, 4, 5 within 7 days; 6 is 18 days later.
    assert_eq!(s[1].1, "illicit-payments: 王强 in 采购群");
    assert_eq!((s[1].2, s[1].3.clone()), (3, vec![2, 4, 5]));
    assert_eq!(s[2].3, vec![6]);
    assert_eq!((s[3].1.as_str(), s[3].3.clone()), ("secret-leaks: 李明 in 采购群", vec![7]));
    let list = cases(&mut ws);
    // The transfer of 5000 is critical: the case takes its worst hit's severity.
    assert_eq!((list[1].severity.as_str(), list[1].priority), ("critical", 1));
    assert_eq!((list[3].severity.as_str(), list[3].priority), ("medium", 3));
    // 王强 has three illicit-payments cases within 30 days: all flagged; 李明 has one.
    let flags: Vec<bool> = list.iter().map(|c| c.pattern_flag).collect();
    assert_eq!(flags, [true, true, true, false]);
}

#[test]
fn grouping_is_deterministic() {
    let mut a = review_workspace();
    let mut b = review_workspace();
    assert_eq!(shape(&mut a), shape(&mut b));
}

#[test]
fn regrouping_after_a_rescan_keeps_cases_and_adds_new_hits() {
    let mut ws = review_workspace();
    let before = shape(&mut ws);
    // Touch one case.
    api(&mut ws, "alice", Request::Tag { id: 2, tag: "priority-client".into(), add: true });
    // New messages arrive: one joins the open case (within its window), one is new.
    let extra = ws.dir.path().join("more.jsonl");
    std::fs::write(
        &extra,
        concat!(
            r#"{"id":"10","conversation":"采购群","sender":"wang","sender_name":"王强","timestamp":"2026-03-06T09:00:00+08:00","text":"辛苦费记得收"}"#,
            "\n",
            r#"{"id":"11","conversation":"采购群","sender":"zhao","sender_name":"赵六","timestamp":"2026-03-06T09:01:00+08:00","text":"内部文件别外传"}"#,
            "\n"
        ),
    )
    .unwrap();
    ws.import_one(&extra, None, None);
    scan_fixture_pack(&mut ws);
    match api(&mut ws, "alice", Request::Regroup) {
        Response::Grouping(g) => assert_eq!((g.hits_grouped, g.cases_created), (2, 1)),
        r => panic!("{r:?}"),
    }
    let after = shape(&mut ws);
    assert_eq!(after.len(), before.len() + 1);
    // Case 2 (touched, open) gained message 10 although it came in another
    // export of the same chat; every other case is unchanged.
    let msg10 = ws.store.messages_of_source(2).unwrap()[0].id;
    assert_eq!(after[1].0, before[1].0);
    assert_eq!(after[1].3, [before[1].3.clone(), vec![msg10]].concat());
    for i in [0, 2, 3] {
        assert_eq!(after[i], before[i]);
    }
    // Regrouping again changes nothing.
    match api(&mut ws, "alice", Request::Regroup) {
        Response::Grouping(g) => assert_eq!((g.hits_grouped, g.cases_created, g.cases_removed), (0, 0, 0)),
        r => panic!("{r:?}"),
    }
}

#[test]
fn a_closed_case_is_not_reopened_by_new_hits() {
    let mut ws = review_workspace();
    api(&mut ws, "alice", Request::SetStatus { id: 1, status: redline::review::Status::InReview, reason: None });
    api(&mut ws, "alice", Request::Close { id: 1, disposition: redline::review::Disposition::NoViolation, reason: None, misfired_rule: None });
    let extra = ws.dir.path().join("more.jsonl");
    std::fs::write(&extra, r#"{"id":"12","conversation":"办公室","sender":"wang","sender_name":"王强","timestamp":"2026-03-05T12:00:00+08:00","text":"辛苦费"}"#).unwrap();
    ws.import_one(&extra, None, None);
    scan_fixture_pack(&mut ws);
    match api(&mut ws, "alice", Request::Regroup) {
        Response::Grouping(g) => assert_eq!(g.cases_created, 1),
        r => panic!("{r:?}"),
    }
}
