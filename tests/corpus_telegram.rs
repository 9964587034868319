//! The shared corpus's Telegram exports, with counts checked by reading them.

mod util;

use util::Workspace;

#[test]
fn chat_analytics_dm() {
    let Some(root) = util::corpus("corpus_telegram") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("telegram/chat-analytics/DM_2A_7M.json"), Some("America/Sao_Paulo"), None);
    assert_eq!(s.format, "telegram");
    // 8 objects: joined_telegram service, 6 messages, a phone_call service
    assert_eq!((s.messages, s.skipped, s.conversations), (8, 0, 1));
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = m.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["system", "text", "text", "text", "text", "image", "image", "call"]);
    assert_eq!((m[0].conversation.as_str(), m[0].conversation_title.as_deref()), ("700000000", Some("Bob")));
    assert_eq!(m[0].conversation_kind, "direct");
    // `date` only: the exporting PC's clock, read in --tz
    assert_eq!(m[0].timestamp.as_deref(), Some("2019-07-05T16:55:32-03:00"));
    assert_eq!((m[0].sender.as_deref(), m[0].sender_name.as_deref()), (Some("user700000000"), Some("Bob")));
    assert_eq!(m[1].text, "https://google.com 👀");
    assert_eq!(m[2].sender.as_deref(), Some("user300000000"));
    // `date_unixtime` only: exact
    assert_eq!(m[3].timestamp.as_deref(), Some("2022-05-09T19:23:53-03:00"));
    assert_eq!(m[3].external_id.as_deref(), Some("3662"));
    assert!(m[5].attachments.is_empty(), "photo not included in the export");
    // both: date_unixtime wins (2023-08-11T02:11:02Z)
    assert_eq!(m[7].timestamp.as_deref(), Some("2023-08-10T23:11:02-03:00"));
}

#[test]
fn chat_miner_minimal() {
    let Some(root) = util::corpus("corpus_telegram") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("telegram/chat-miner/test_single_export.json"), None, None);
    assert_eq!(s.format, "telegram");
    assert_eq!((s.messages, s.skipped), (2, 0));
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    // no chat id, no message ids, senders known only by name
    assert_eq!(m[0].conversation, "test_single_export.json#");
    assert_eq!(m[0].external_id, None);
    assert_eq!((m[0].sender.as_deref(), m[0].text.as_str()), (Some("Author 1"), "Minimal Message"));
    assert_eq!(m[0].timestamp.as_deref(), Some("2018-12-05T10:39:10Z"));
    assert_eq!(m[1].text, "Link:https://telegram.org/");
    assert_eq!(m[1].locator, "test_single_export.json#/messages/1");
}
