//! The case workflow: every allowed and forbidden transition, four-eyes,
//! merge/split, manual messages, annotations, QA, pseudonymisation.

mod util;

use redline::api::{Request, Response};
use redline::review::{Disposition, Status};
use util::{api, api_err, review_workspace, scan_fixture_pack, Workspace};

fn status(ws: &mut Workspace, id: i64) -> (Status, Option<Disposition>) {
    match api(ws, "alice", Request::GetCase { id }) {
        Response::Case(d) => (d.case.status, d.case.disposition),
        r => panic!("{r:?}"),
    }
}

fn set(ws: &mut Workspace, who: &str, id: i64, to: Status, reason: Option<&str>) -> Result<(), String> {
    redline::api::handle(&mut ws.store, who, Request::SetStatus { id, status: to, reason: reason.map(str::to_string) })
        .map(|_| ())
        .map_err(|e| e.code)
}

fn close(ws: &mut Workspace, who: &str, id: i64, d: Disposition) -> Result<Response, String> {
    redline::api::handle(&mut ws.store, who, Request::Close { id, disposition: d, reason: Some("checked".into()), misfired_rule: None })
        .map_err(|e| e.code)
}

/// Put case `id` into `s` through allowed steps.
fn reach(ws: &mut Workspace, id: i64, s: Status) {
    match s {
        Status::New => {}
        Status::InReview => set(ws, "alice", id, Status::InReview, None).unwrap(),
        Status::Escalated => set(ws, "alice", id, Status::Escalated, None).unwrap(),
        Status::Closed => {
            set(ws, "alice", id, Status::InReview, None).unwrap();
            close(ws, "alice", id, Disposition::NoViolation).unwrap();
        }
    }
}

#[test]
fn every_transition_is_allowed_or_refused_as_specified() {
    use Status::*;
    let allowed = [(New, InReview), (New, Escalated), (InReview, Escalated), (InReview, Closed), (Escalated, InReview), (Escalated, Closed), (Closed, InReview)];
    for from in Status::ALL {
        for to in Status::ALL {
            let mut ws = review_workspace();
            reach(&mut ws, 1, from);
            assert_eq!(status(&mut ws, 1).0, from);
            let result = if to == Closed {
                close(&mut ws, "alice", 1, Disposition::Violation).map(|_| ())
            } else {
                set(&mut ws, "alice", 1, to, Some("new evidence"))
            };
            if allowed.contains(&(from, to)) {
                assert!(result.is_ok(), "{from:?} -> {to:?} should be allowed: {result:?}");
                assert_eq!(status(&mut ws, 1).0, to);
            } else {
                assert_eq!(result, Err("invalid_transition".to_string()), "{from:?} -> {to:?} should be refused");
                assert_eq!(status(&mut ws, 1).0, from, "a refused step changes nothing");
            }
        }
    }
}

#[test]
fn reopening_needs_a_reason_and_clears_the_disposition() {
    let mut ws = review_workspace();
    reach(&mut ws, 1, Status::Closed);
    assert_eq!(status(&mut ws, 1), (Status::Closed, Some(Disposition::NoViolation)));
    assert_eq!(set(&mut ws, "alice", 1, Status::InReview, None), Err("bad_request".into()));
    set(&mut ws, "alice", 1, Status::InReview, Some("new messages came in")).unwrap();
    assert_eq!(status(&mut ws, 1), (Status::InReview, None));
    let log = match api(&mut ws, "alice", Request::AuditLog { case_id: Some(1), limit: None }) {
        Response::Audit(l) => l,
        r => panic!("{r:?}"),
    };
    let reopen = log.iter().find(|e| e.action == "case.reopen").expect("reopen audited");
    assert!(reopen.after.as_deref().unwrap().contains("new messages came in"));
    assert!(reopen.before.as_deref().unwrap().contains("\"closed\""));
}

#[test]
fn four_eyes_needs_a_second_reviewer_for_violations() {
    let mut ws = review_workspace();
    // alice is the first reviewer and so the admin; she turns four-eyes on.
    let mut s = match api(&mut ws, "alice", Request::GetSettings) {
        Response::Settings(s) => s,
        r => panic!("{r:?}"),
    };
    s.four_eyes = true;
    api(&mut ws, "alice", Request::SetSettings { settings: s.clone() });
    reach(&mut ws, 1, Status::InReview);
    assert!(matches!(close(&mut ws, "alice", 1, Disposition::Violation), Ok(Response::Closed(redline::review::cases::CloseOutcome::AwaitingApproval))));
    assert_eq!(status(&mut ws, 1).0, Status::InReview, "not closed yet");
    // The proposer cannot approve herself, by approve or by closing again.
    assert_eq!(api_err(&mut ws, "alice", Request::Approve { id: 1 }), "forbidden");
    assert_eq!(close(&mut ws, "alice", 1, Disposition::Violation).unwrap_err(), "forbidden");
    // bob approves.
    api(&mut ws, "bob", Request::Approve { id: 1 });
    assert_eq!(status(&mut ws, 1), (Status::Closed, Some(Disposition::Violation)));
    // Other dispositions close at once.
    reach(&mut ws, 2, Status::InReview);
    assert!(matches!(close(&mut ws, "alice", 2, Disposition::NoViolation), Ok(Response::Closed(redline::review::cases::CloseOutcome::Closed))));
    // A plain reviewer cannot change settings.
    s.four_eyes = false;
    assert_eq!(api_err(&mut ws, "bob", Request::SetSettings { settings: s }), "forbidden");
}

#[test]
fn false_positives_record_the_misfiring_rule() {
    let mut ws = review_workspace();
    reach(&mut ws, 4, Status::InReview);
    // case 4 (secret-leaks) has one rule: it is recorded without asking.
    close(&mut ws, "alice", 4, Disposition::FalsePositive).unwrap();
    let stats = match api(&mut ws, "alice", Request::Stats) {
        Response::Stats(s) => s,
        r => panic!("{r:?}"),
    };
    let rule = stats.rules.iter().find(|r| r.rule == "review-test/secret-leaks/internal").unwrap();
    assert_eq!((rule.closed_cases, rule.false_positives, rule.false_positive_rate), (1, 1, Some(1.0)));
    let rl = stats.red_lines.iter().find(|r| r.red_line == "secret-leaks").unwrap();
    assert_eq!(rl.dispositions.false_positive, 1);
    // case 2 has hits of two rules: the reviewer must say which misfired.
    reach(&mut ws, 2, Status::InReview);
    assert_eq!(close(&mut ws, "alice", 2, Disposition::FalsePositive).unwrap_err(), "bad_request");
}

#[test]
fn merge_split_and_manual_messages() {
    let mut ws = review_workspace();
    // Merge case 3 (message 6) into case 2 (messages 2, 4, 5).
    api(&mut ws, "alice", Request::Merge { ids: vec![2, 3] });
    let detail = |ws: &mut Workspace, id| match api(ws, "alice", Request::GetCase { id }) {
        Response::Case(d) => d,
        r => panic!("{r:?}"),
    };
    let ids = |d: &redline::api::CaseDetail| d.messages.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(&detail(&mut ws, 2)), [2, 4, 5, 6]);
    assert_eq!(detail(&mut ws, 3).case.merged_into, Some(2));
    assert_eq!(api_err(&mut ws, "alice", Request::Tag { id: 3, tag: "x".into(), add: true }), "conflict");
    // Split 5 and 6 out again.
    let new_id = match api(&mut ws, "alice", Request::Split { id: 2, message_ids: vec![5, 6], reason: "later episode".into() }) {
        Response::CaseId(id) => id,
        r => panic!("{r:?}"),
    };
    assert_eq!(ids(&detail(&mut ws, 2)), [2, 4]);
    assert_eq!(ids(&detail(&mut ws, new_id)), [5, 6]);
    // Add a context message by hand, then remove a hit message by hand; both need reasons.
    assert_eq!(api_err(&mut ws, "alice", Request::AddMessage { id: 2, message_id: 3, reason: " ".into() }), "bad_request");
    api(&mut ws, "alice", Request::AddMessage { id: 2, message_id: 3, reason: "the refusal matters".into() });
    api(&mut ws, "alice", Request::RemoveMessage { id: 2, message_id: 4, reason: "duplicate of message 2".into() });
    assert_eq!(ids(&detail(&mut ws, 2)), [2, 3]);
    let actions: Vec<String> = detail(&mut ws, 2).audit.iter().map(|e| e.action.clone()).collect();
    for a in ["case.merge", "case.split", "case.add_message", "case.remove_message"] {
        assert!(actions.iter().any(|x| x == a), "{a} not in {actions:?}");
    }
}

#[test]
fn annotations_anchor_to_the_text_and_survive_rescans() {
    let mut ws = review_workspace();
    // Message 2: "老李，这点辛苦费你收下" — 辛苦费 is UTF-16 5..8.
    let a = match api(&mut ws, "alice", Request::Annotate { message_id: 2, case_id: Some(2), span: Some((5, 8)), label: "key evidence".into(), text: "calls it 辛苦费".into() }) {
        Response::Annotation(a) => a,
        r => panic!("{r:?}"),
    };
    assert_eq!(a.quote.as_deref(), Some("辛苦费"));
    assert_eq!(api_err(&mut ws, "alice", Request::Annotate { message_id: 2, case_id: None, span: Some((5, 80)), label: "x".into(), text: String::new() }), "bad_request");
    // Edit keeps history.
    api(&mut ws, "alice", Request::EditAnnotation { id: a.id, label: None, text: Some("called 辛苦费, i.e. a payment".into()) });
    match api(&mut ws, "alice", Request::AnnotationHistory { id: a.id }) {
        Response::AnnotationHistory(h) => assert_eq!(h.iter().map(|v| v.text.as_str()).collect::<Vec<_>>(), ["calls it 辛苦费"]),
        r => panic!("{r:?}"),
    }
    // A changed pack rescans everything; the annotation still marks the same characters.
    let pack = ws.dir.path().join("pack-v2.toml");
    std::fs::write(&pack, std::fs::read_to_string(util::fixture("review/pack.toml")).unwrap().replace("version = \"1\"", "version = \"2\"")).unwrap();
    let s = util::scan_pack(&mut ws, &pack);
    assert_eq!(s.packs[0].mode, "full");
    let d = match api(&mut ws, "alice", Request::GetCase { id: 2 }) {
        Response::Case(d) => d,
        r => panic!("{r:?}"),
    };
    let ann = d.annotations.iter().find(|x| x.id == a.id).unwrap();
    let msg = d.messages.iter().find(|m| m.id == 2).unwrap();
    let (s16, e16) = ann.span.unwrap();
    let units: Vec<u16> = msg.text.encode_utf16().collect();
    assert_eq!(String::from_utf16(&units[s16 as usize..e16 as usize]).unwrap(), "辛苦费");
    assert_eq!(ann.version, 2);
    // And the hit on it kept its identity through the rescan.
    assert_eq!(msg.hits.len(), 1);
    scan_fixture_pack(&mut ws);
}

#[test]
fn qa_samples_closed_cases_and_disagreement_reopens() {
    let mut ws = review_workspace();
    for id in 1..=4 {
        reach(&mut ws, id, Status::Closed);
    }
    let items = match api(&mut ws, "carol", Request::QaSample { share: Some(0.5) }) {
        Response::Qa(q) => q,
        r => panic!("{r:?}"),
    };
    assert_eq!(items.len(), 2, "half of alice's 4 closed cases");
    // alice closed them: she cannot QA her own work.
    assert_eq!(api_err(&mut ws, "alice", Request::QaDecide { id: items[0].id, agree: true, reason: String::new() }), "forbidden");
    api(&mut ws, "carol", Request::QaDecide { id: items[0].id, agree: true, reason: String::new() });
    api(&mut ws, "carol", Request::QaDecide { id: items[1].id, agree: false, reason: "the transfer was returned".into() });
    assert_eq!(status(&mut ws, items[0].case_id).0, Status::Closed);
    assert_eq!(status(&mut ws, items[1].case_id), (Status::InReview, None));
    // Sampling again takes only cases not sampled yet.
    match api(&mut ws, "carol", Request::QaSample { share: Some(1.0) }) {
        Response::Qa(q) => assert_eq!(q.len(), 2),
        r => panic!("{r:?}"),
    }
    let stats = match api(&mut ws, "carol", Request::Stats) {
        Response::Stats(s) => s,
        r => panic!("{r:?}"),
    };
    let alice = stats.reviewers.iter().find(|r| r.reviewer == "alice").unwrap();
    assert_eq!((alice.qa_agreed, alice.qa_disagreed, alice.qa_agreement_rate), (1, 1, Some(0.5)));
}

#[test]
fn pseudonyms_until_a_senior_reveals() {
    let mut ws = review_workspace();
    let mut s = match api(&mut ws, "alice", Request::GetSettings) {
        Response::Settings(s) => s,
        r => panic!("{r:?}"),
    };
    s.pseudonymise = true;
    api(&mut ws, "alice", Request::SetSettings { settings: s });
    let sender_of = |ws: &mut Workspace, who: &str| match api(ws, who, Request::GetCase { id: 2 }) {
        Response::Case(d) => (d.case.sender.clone(), d.messages[0].sender.clone(), d.case.sender_id),
        r => panic!("{r:?}"),
    };
    let (case_sender, msg_sender, pid) = sender_of(&mut ws, "bob");
    let alias = format!("Participant {}", pid.unwrap());
    assert_eq!((case_sender.as_deref(), msg_sender.as_deref()), (Some(alias.as_str()), Some(alias.as_str())));
    // bob is a plain reviewer: he may not reveal.
    assert_eq!(api_err(&mut ws, "bob", Request::Reveal { participant_id: pid.unwrap() }), "forbidden");
    // alice (admin) reveals for herself; bob still sees the alias.
    api(&mut ws, "alice", Request::Reveal { participant_id: pid.unwrap() });
    assert_eq!(sender_of(&mut ws, "alice").0.as_deref(), Some("王强"));
    assert_eq!(sender_of(&mut ws, "bob").0.as_deref(), Some(alias.as_str()));
    let all = match api(&mut ws, "alice", Request::AuditLog { case_id: None, limit: None }) {
        Response::Audit(l) => l,
        r => panic!("{r:?}"),
    };
    assert!(all.iter().any(|e| e.action == "participant.reveal" && e.actor == "alice"));
    // a limit keeps the newest entries, still oldest first
    match api(&mut ws, "alice", Request::AuditLog { case_id: None, limit: Some(2) }) {
        Response::Audit(l) => assert_eq!(l.iter().map(|e| e.seq).collect::<Vec<_>>(), all[all.len() - 2..].iter().map(|e| e.seq).collect::<Vec<_>>()),
        r => panic!("{r:?}"),
    }
}

#[test]
fn queue_filters_sort_and_facets() {
    let mut ws = review_workspace();
    api(&mut ws, "alice", Request::Assign { id: 2, login: Some("bob".into()) });
    api(&mut ws, "alice", Request::Tag { id: 2, tag: "kickback".into(), add: true });
    let list = |ws: &mut Workspace, f: redline::review::queue::CaseFilter| match api(ws, "alice", Request::ListCases { filter: f, sort: None, offset: None, limit: None, facets: None }) {
        Response::Cases(p) => p,
        r => panic!("{r:?}"),
    };
    use redline::review::queue::CaseFilter;
    let all = list(&mut ws, CaseFilter::default());
    assert_eq!(all.total, 4);
    assert_eq!(all.cases[0].id, 2, "critical case first by priority");
    assert_eq!(all.facets["red_line"]["illicit-payments"], 3);
    assert_eq!(all.facets["assignee"]["bob"], 1);
    assert_eq!(list(&mut ws, CaseFilter { assignee: Some("bob".into()), ..Default::default() }).total, 1);
    assert_eq!(list(&mut ws, CaseFilter { tag: Some("kickback".into()), ..Default::default() }).total, 1);
    assert_eq!(list(&mut ws, CaseFilter { red_line: Some("secret-leaks".into()), ..Default::default() }).total, 1);
    assert_eq!(list(&mut ws, CaseFilter { text: Some("好处费".into()), ..Default::default() }).total, 1);
    assert_eq!(list(&mut ws, CaseFilter { from: Some("2026-03-10".into()), ..Default::default() }).total, 1);
    assert_eq!(list(&mut ws, CaseFilter { severity: Some("critical".into()), ..Default::default() }).total, 1);
    assert_eq!(list(&mut ws, CaseFilter { pattern_only: true, ..Default::default() }).total, 3);
    // Context: the window around message 4 has the messages before and after it.
    match api(&mut ws, "alice", Request::Window { message_id: 4, before: Some(2), after: Some(1) }) {
        Response::Window(w) => {
            assert_eq!(w.messages.iter().map(|m| m.id).collect::<Vec<_>>(), [2, 3, 4, 7]);
            assert!(w.has_more_before && w.has_more_after);
            assert_eq!(w.messages[2].hits[0].conditions, ["kind=transfer", "amount=5000"]);
        }
        r => panic!("{r:?}"),
    }
    match api(&mut ws, "alice", Request::SenderHistory { participant_id: 1 }) {
        Response::SenderHistory(h) => {
            assert_eq!(h.cases.len(), 3);
            assert_eq!(h.hits_by_red_line, [("illicit-payments".to_string(), 5)]);
        }
        r => panic!("{r:?}"),
    }
}
