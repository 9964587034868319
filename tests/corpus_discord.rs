//! The shared corpus's DiscordChatExporter files, with counts checked by reading them.

mod util;

use util::Workspace;

#[test]
fn dm_export() {
    let Some(root) = util::corpus("corpus_discord") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("discord/chat-analytics/DM_2A_2M.json"), None, None);
    assert_eq!(s.format, "discord");
    assert_eq!((s.messages, s.skipped, s.participants), (3, 0, 2));
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = m.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["text", "text", "call"]);
    assert_eq!((m[0].conversation.as_str(), m[0].conversation_kind.as_str()), ("530805775262679064", "direct"));
    assert_eq!(m[0].conversation_title.as_deref(), Some("Someones name"));
    assert_eq!(m[0].timestamp.as_deref(), Some("2019-01-04T17:52:39.762Z"));
    assert_eq!((m[1].sender.as_deref(), m[1].sender_name.as_deref()), (Some("444444444444444444"), Some("Someones nickname")));
    assert_eq!(m[2].text, "Started a call that lasted 251 minutes.");
}

#[test]
fn group_dm_export_with_a_wrong_message_count() {
    let Some(root) = util::corpus("corpus_discord") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("discord/chat-analytics/GC_3A_5M.json"), None, None);
    assert_eq!(s.format, "discord");
    // messageCount says 5; the file holds 6 messages
    assert_eq!((s.messages, s.skipped, s.participants), (6, 0, 3));
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = m.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["system", "text", "system", "text", "text", "call"]);
    assert_eq!((m[0].conversation_kind.as_str(), m[0].conversation_title.as_deref()), ("group", Some("a group chat")));
    assert_eq!(m[1].sender_name.as_deref(), Some("theplant"));
    assert_eq!(m[4].reply_to.as_deref(), Some("1064990824305274930"));
    assert_eq!(m[4].text, "woah nice :custom_emoji:");
    assert_eq!(m[5].timestamp.as_deref(), Some("2023-03-03T14:47:59.187Z"));
}
