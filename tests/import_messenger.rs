//! Facebook Messenger and Instagram DM JSON (Meta's download): BOM, mojibake,
//! newest-first order, media, calls, unsent messages.

mod util;

use redline::store::Store;
use util::{extra, fixture, Workspace};

fn platforms(store: &Store) -> Vec<String> {
    let mut st = store.conn().prepare("SELECT DISTINCT platform FROM conversations").unwrap();
    let rows = st.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn messenger_thread_with_mojibake() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("messenger/message_1.json"), Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "messenger");
    assert_eq!((s.messages, s.skipped, s.participants), (7, 2, 3));
    assert_eq!(s.skips[0].locator, "message_1.json#/messages/4");
    assert_eq!(s.skips[0].reason, "message is not a JSON object");
    assert_eq!(s.skips[1].locator, "message_1.json#/messages/5");
    assert!(s.skips[1].reason.contains("timestamp_ms \"soon\""), "{:?}", s.skips);
    assert_eq!(platforms(&ws.store), ["messenger"]);

    let m = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = m.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "image", "link", "call", "recalled", "system", "voice"]);
    // the thread is named by its path; title and kind come after `messages` in the file
    assert_eq!(m[0].conversation, "inbox/cityproject_123");
    assert_eq!(m[0].conversation_title.as_deref(), Some("城南项目 Group"));
    assert_eq!(m[0].conversation_kind, "group");
    // mojibake repaired, in text and names
    assert_eq!(m[0].text, "It’s done — 款已转，别声张 👍");
    assert_eq!((m[0].sender.as_deref(), m[0].sender_name.as_deref()), (Some("王强"), Some("王强")));
    assert_eq!(extra(&ws.store, m[0].id)["reactions"][0]["actor"], "Anna Schmidt");
    assert_eq!(m[6].text, "café, naïve — Grüße\n  second line");
    // newest first in the file, and kept in file order; times are exact epochs
    assert_eq!(m[0].timestamp.as_deref(), Some("2026-03-02T09:25:00+08:00"));
    assert_eq!(m[6].timestamp.as_deref(), Some("2026-03-02T09:15:00+08:00"));
    // media
    let photo = &m[1].attachments[0];
    assert_eq!(photo.file_name, "4567.jpg");
    assert_eq!(photo.export_path.as_deref(), Some("messages/inbox/cityproject_123/photos/4567.jpg"));
    assert!(extra(&ws.store, m[1].id).get("photos").is_none());
    assert_eq!(m[6].attachments[0].file_name, "clip.mp4");
    assert_eq!(extra(&ws.store, m[2].id)["share"]["share_text"], "招标公告");
    assert_eq!(extra(&ws.store, m[3].id)["call_duration"], 125);
    assert!(m[4].deleted && !m[3].deleted);
    assert_eq!(extra(&ws.store, m[5].id)["users"][0]["name"], "Anna Schmidt");
}

#[test]
fn instagram_thread_is_its_own_platform() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("messenger/instagram_message_1.json"), None, None);
    assert_eq!(s.format, "instagram");
    assert_eq!(platforms(&ws.store), ["instagram"]);
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].conversation.as_str(), m[0].conversation_kind.as_str()), ("inbox/zhangwei_987", "direct"));
    assert_eq!(m[0].kind, "link");
    assert_eq!(m[1].text, "Hi 张伟 😊");
    assert_eq!(m[1].timestamp.as_deref(), Some("2026-03-02T01:15:00Z"));
}

#[test]
fn the_same_thread_forced_as_messenger_is_messenger() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("messenger/instagram_message_1.json"), None, Some("messenger"));
    assert_eq!(s.format, "messenger");
    assert_eq!(platforms(&ws.store), ["messenger"]);
}
