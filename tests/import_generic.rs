//! Generic JSONL and CSV: the documented schema.

mod util;

use util::{fixture, Workspace};

#[test]
fn jsonl_imports_messages_and_reports_bad_lines() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("generic/chat.jsonl"), Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "jsonl");
    assert_eq!(s.messages, 4);
    assert_eq!(s.skipped, 3);
    let reasons: Vec<_> = s.skips.iter().map(|k| (k.locator.as_str(), k.reason.as_str())).collect();
    assert_eq!(reasons[0].0, "chat.jsonl:4");
    assert_eq!(reasons[1], ("chat.jsonl:6", "no conversation"));
    assert!(reasons[2].1.contains("yesterday"), "{reasons:?}");

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2026-03-02T09:15:00+08:00"));
    assert_eq!(msgs[0].sender_name.as_deref(), Some("王强"));
    // a time without offset is read in --tz
    assert_eq!(msgs[1].timestamp.as_deref(), Some("2026-03-02T09:16:30+08:00"));
    assert_eq!((msgs[1].kind.as_str(), msgs[1].amount.as_deref(), msgs[1].currency.as_deref()), ("transfer", Some("5000.00"), Some("CNY")));
    assert_eq!(msgs[2].attachments[0].file_name, "报价单.jpg");
    assert_eq!(msgs[3].locator, "chat.jsonl:5");
}

#[test]
fn same_file_twice_is_a_noop() {
    let mut ws = Workspace::new();
    ws.import_one(&fixture("generic/chat.jsonl"), None, None);
    let again = ws.import_all(&fixture("generic/chat.jsonl"), None);
    assert!(matches!(again[0].result, Ok(redline::import::ImportOutcome::AlreadyImported { .. })));
    assert_eq!(ws.store.totals().unwrap().messages, 4);
}

#[test]
fn csv_with_attachments_and_bad_rows() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("generic/chat.csv"), Some("Europe/London"), None);
    assert_eq!(s.format, "csv");
    assert_eq!((s.messages, s.skipped), (3, 1));
    // line 6: the second record spans lines 3-4 (CRLF file)
    assert_eq!(s.skips[0].locator, "chat.csv:6");
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    // evidence keeps its own line ends
    assert_eq!(msgs[1].text, "line one\r\nline two, with a comma");
    let names: Vec<_> = msgs[2].attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(names, ["a.pdf", "b c.jpg"]);
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2026-07-01T10:00:00+01:00"));
}

#[test]
fn search_finds_two_character_chinese_and_english() {
    let mut ws = Workspace::new();
    ws.import_one(&fixture("generic/chat.jsonl"), None, None);
    // before indexing: the unindexed tail is scanned
    assert_eq!(ws.store.search("外传", 10).unwrap().len(), 1);
    ws.store.index_pending(|_, _| {}).unwrap();
    let hits = ws.store.search("外传", 10).unwrap();
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    // UTF-16 span of 外传 in "老李，上次说的内部文件发你了，别外传"
    assert_eq!((h.spans[0].start, h.spans[0].end), (16, 18));
    assert_eq!(ws.store.search("whatsapp", 10).unwrap().len(), 1);
    assert_eq!(ws.store.search("部", 10).unwrap().len(), 1);
    assert_eq!(ws.store.search("内部文件", 10).unwrap().len(), 1);
    assert_eq!(ws.store.search("文件内部", 10).unwrap().len(), 0);
}

#[test]
fn conversation_title_names_the_conversation() {
    let mut ws = Workspace::new();
    let p = ws.dir.path().join("t.jsonl");
    std::fs::write(&p, r#"{"id":"1","conversation":"g-17","conversation_title":"采购部工作群","sender":"a","text":"hi"}"#).unwrap();
    let s = ws.import_one(&p, None, None);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!((msgs[0].conversation.as_str(), msgs[0].conversation_title.as_deref()), ("g-17", Some("采购部工作群")));
}
