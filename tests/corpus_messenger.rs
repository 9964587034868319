//! The shared corpus's Messenger and Instagram files, with counts checked by reading them.

mod util;

use util::Workspace;

#[test]
fn messenger_thread() {
    let Some(root) = util::corpus("corpus_messenger") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("other/messenger/chat-analytics-2A_7M.json"), None, None);
    assert_eq!(s.format, "messenger");
    assert_eq!((s.messages, s.skipped, s.participants), (7, 0, 2));
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = m.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "text", "text", "file", "voice", "sticker", "image"]);
    assert_eq!(m[0].conversation, "inbox/alice_aaaaaaaaaa");
    assert_eq!((m[0].conversation_title.as_deref(), m[0].conversation_kind.as_str()), (Some("Alice"), "direct"));
    assert_eq!((m[0].sender.as_deref(), m[0].text.as_str()), (Some("Alice"), "Hello"));
    // newest first, kept in file order
    assert_eq!(m[0].timestamp.as_deref(), Some("2014-11-05T00:35:32.056Z"));
    assert_eq!(m[3].attachments[0].file_name, "blabla.docx");
    assert_eq!(m[6].attachments[0].export_path.as_deref(), Some("messages/inbox/alice_aaaaaaaaaa/photos/123123123123123.jpg"));
}

#[test]
fn instagram_thread() {
    let Some(root) = util::corpus("corpus_messenger") else { return };
    let mut ws = Workspace::new();
    // nothing in this file says Instagram: detection calls it Messenger, so force it
    let s = ws.import_one(&root.join("other/instagram/chat-miner-test_export.json"), None, Some("instagram"));
    assert_eq!(s.format, "instagram");
    assert_eq!((s.messages, s.skipped), (2, 0));
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(m[0].conversation, "chat-miner-test_export.json#");
    assert_eq!((m[0].sender.as_deref(), m[0].text.as_str()), (Some("John Doe"), "Hello Jane!"));
    assert_eq!(m[0].timestamp.as_deref(), Some("2020-01-17T20:49:00Z"));
    assert_eq!(m[1].sender_name.as_deref(), Some("Jane Doe"));
}
