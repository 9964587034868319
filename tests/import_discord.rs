//! DiscordChatExporter JSON: guild channels, DMs, message types, merged exports.

mod util;

use util::{extra, fixture, Workspace};

#[test]
fn guild_channel_export() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("discord/guild_channel.json"), Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "discord");
    // messageCount says 99: the messages that are there are imported
    assert_eq!((s.messages, s.skipped, s.conversations, s.participants), (13, 2, 1, 4));
    assert_eq!(s.skips[0].locator, "guild_channel.json#/messages/9");
    assert_eq!(s.skips[0].reason, "message is not a JSON object");
    assert_eq!(s.skips[1].locator, "guild_channel.json#/messages/10");
    assert!(s.skips[1].reason.contains("\"yesterday\" is not an ISO 8601 time"), "{:?}", s.skips);

    let m = ws.store.messages_of_source(s.source_id).unwrap();
    let kinds: Vec<_> = m.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["text", "text", "image", "file", "system", "system", "sticker", "link", "text", "system", "text", "text", "other"]
    );
    assert_eq!(m[0].conversation, "900000000000000001");
    assert_eq!(m[0].conversation_title.as_deref(), Some("Acme Holdings / #procurement"));
    assert_eq!(m[0].conversation_kind, "channel");
    // the export's own offset, exactly
    assert_eq!(m[0].timestamp.as_deref(), Some("2026-03-02T09:15:00.123+08:00"));
    assert_eq!(m[9].timestamp.as_deref(), Some("2026-03-02T01:30:00-05:00"));
    let assumed: i64 = ws.store.conn().query_row("SELECT sum(ts_offset_assumed) FROM messages", [], |r| r.get(0)).unwrap();
    assert_eq!(assumed, 0);
    // sender id is the snowflake; the nickname is the name shown
    assert_eq!((m[0].sender.as_deref(), m[0].sender_name.as_deref()), (Some("100000000000000001"), Some("老王")));
    assert_eq!(m[0].text, "报价已经发你了，老规矩 5% 回扣");
    assert_eq!(m[0].external_id.as_deref(), Some("1100000000000000001"));
    assert_eq!(extra(&ws.store, m[0].id)["reactions"][0]["count"], 2);
    // reply, edited
    assert_eq!(m[1].reply_to.as_deref(), Some("1100000000000000001"));
    assert!(m[1].edited && !m[0].edited);
    let e1 = extra(&ws.store, m[1].id);
    assert_eq!((e1["type"].as_str(), e1["timestampEdited"].as_str()), (Some("Reply"), Some("2026-03-02T09:17:00+08:00")));
    assert!(e1.get("reference").is_none(), "a plain reply is fully in reply_to");
    // attachments
    let a = &m[2].attachments[0];
    assert_eq!((a.file_name.as_str(), a.size_bytes), ("invoice.png", Some(20480)));
    assert_eq!(a.export_path.as_deref(), Some("https://cdn.discordapp.com/attachments/9/1/invoice.png"));
    assert_eq!(m[3].text, "contract attached\n\n  see §4");
    assert_eq!(m[3].attachments[0].file_name, "合同.pdf");
    // a pin notice points at the pinned message
    assert_eq!(m[4].reply_to.as_deref(), Some("1100000000000000002"));
    assert_eq!(extra(&ws.store, m[4].id)["type"], "ChannelPinnedMessage");
    assert_eq!(extra(&ws.store, m[6].id)["stickers"][0]["name"], "Wave");
    // merged exports repeat ids: both kept, the repeat marked
    assert_eq!(m[8].external_id, m[0].external_id);
    assert_eq!(extra(&ws.store, m[8].id)["duplicate_id"], true);
    assert!(extra(&ws.store, m[0].id).get("duplicate_id").is_none());
    // bots and pins
    let e10 = extra(&ws.store, m[10].id);
    assert_eq!((e10["author_is_bot"].as_bool(), e10["isPinned"].as_bool()), (Some(true), Some(true)));
    // a forward shows the forwarded text and where it came from
    assert_eq!(m[11].text, "原始消息：账户 6222 0000 1111");
    assert_eq!(m[11].forwarded_from.as_deref(), Some("channel 999"));
    assert_eq!(m[11].reply_to, None);
    assert_eq!(extra(&ws.store, m[12].id)["type"], "GuildInviteReminder");

    let handles: Vec<(String, Option<String>)> = {
        let mut st = ws.store.conn().prepare("SELECT external_id, handle FROM participants ORDER BY external_id").unwrap();
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(handles[0], ("100000000000000001".into(), Some("wang.qiang".into())));
    assert_eq!(handles[1], ("100000000000000002".into(), Some("anna_s#4821".into())));
}

#[test]
fn dm_with_messages_before_the_preamble() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("discord/dm_messages_first.json"), None, None);
    assert_eq!(s.format, "discord");
    let m = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].conversation.as_str(), m[0].conversation_kind.as_str()), ("910000000000000001", "direct"));
    assert_eq!(m[0].conversation_title.as_deref(), Some("Anna"));
    assert_eq!(m[0].kind, "call");
    assert_eq!(m[0].timestamp.as_deref(), Some("2026-03-03T20:00:00-04:00"));
    assert_eq!(extra(&ws.store, m[0].id)["callEndedTimestamp"], "2026-03-03T20:03:00-04:00");
    assert_eq!(m[1].text, "电话里说的别写下来");
}

#[test]
fn other_json_is_not_discord() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("telegram/single_chat.json"), None, None);
    assert_eq!(s.format, "telegram");
    let results = ws.import_all(&fixture("telegram/not_json.json"), None);
    assert!(results[0].result.is_err());
}
