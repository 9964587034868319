//! Signal chat text: `[yyyy-mm-dd, HH:MM] Name: text`.

mod util;

use util::{fixture, Workspace};

#[test]
fn signal_text_with_multiline_and_a_line_before_the_first_message() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("signal/Signal Chat 王强.txt"), Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "signal");
    assert_eq!((s.messages, s.skipped, s.participants), (4, 1, 2));
    assert_eq!(s.skips[0].locator, "Signal Chat 王强.txt:1");
    assert_eq!(s.skips[0].reason, "text before the first Signal message line");

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = msgs.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "text", "text", "system"]);
    assert_eq!((msgs[0].conversation_title.as_deref(), msgs[0].conversation_kind.as_str()), (Some("Signal Chat 王强"), "direct"));
    assert_eq!((msgs[0].sender.as_deref(), msgs[0].text.as_str()), (Some("王强"), "资料发你了\n别外传"));
    assert_eq!(msgs[0].locator, "Signal Chat 王强.txt:2");
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2024-03-18T09:15:00+08:00"));
    assert_eq!((msgs[1].sender.as_deref(), msgs[1].locator.as_str()), (Some("Li Na"), "Signal Chat 王强.txt:4"));
    // only the first ": " separates the name
    assert_eq!(msgs[2].text, "转账 2000: 辛苦费");
    assert_eq!((msgs[3].sender.as_deref(), msgs[3].text.as_str()), (None, "Safety number with 王强 changed"));
    let assumed: i64 = ws
        .store
        .conn()
        .query_row("SELECT min(ts_offset_assumed) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(assumed, 1);
}

#[test]
fn signal_and_whatsapp_files_are_told_apart() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("signal/Signal Chat 王强.txt"), None, None);
    assert_eq!(s.format, "signal");
    // a WhatsApp iOS file with ISO-like dates is not Signal: it has seconds
    let path = ws.dir.path().join("chat.txt");
    std::fs::write(&path, "[2024-03-18 09:15:00] A: hi\n[2024-03-18 09:16:00] B: yo\n").unwrap();
    assert_eq!(ws.import_one(&path, None, None).format, "whatsapp");
}
