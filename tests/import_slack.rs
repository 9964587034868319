//! Slack workspace exports: folder, zip, bare message arrays.

mod util;

use std::io::Write;
use std::path::{Path, PathBuf};

use redline::import::{import_path, ImportError, ImportOptions, ImportOutcome};
use redline::store::queries::StoredMessage;
use serde_json::Value;
use sha2::{Digest, Sha256};
use util::{fixture, Workspace};

fn extra(ws: &Workspace, m: &StoredMessage) -> Value {
    let raw: Option<String> =
        ws.store.conn().query_row("SELECT extra FROM messages WHERE id = ?1", [m.id], |r| r.get(0)).unwrap();
    raw.map(|r| serde_json::from_str(&r).unwrap()).unwrap_or(Value::Null)
}

fn sha256_hex(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// (external_id, title, kind) of every conversation, in id order.
fn conversations(ws: &Workspace) -> Vec<(String, String, String)> {
    let mut stmt = ws.store.conn().prepare("SELECT external_id, COALESCE(title, ''), kind FROM conversations ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// Zip the fixture export under a top folder, as a user re-zipping an
/// unpacked export would, with macOS junk next to it.
fn zip_export(dir: &Path, top: &str) -> PathBuf {
    let src = fixture("slack/export");
    let out = dir.join("acme-slack.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files: Vec<PathBuf> = walk(&src);
    files.sort();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        zip.start_file(format!("{top}/{rel}"), opts).unwrap();
        zip.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    zip.start_file("__MACOSX/._users.json", opts).unwrap();
    zip.write_all(b"\0\x05\x16\x07").unwrap();
    zip.finish().unwrap();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn export_folder_imports_every_conversation_person_and_message() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("slack/export"), Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "slack");
    assert_eq!((s.messages, s.skipped, s.attachments), (17, 4, 3));
    // 3 listed users, the Jira bot, Slackbot (author of the tombstone)
    assert_eq!(s.participants, 5);
    assert_eq!(s.conversations, 6);
    let kinds: Vec<(&str, u64)> = s.kinds.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    for want in [("text", 11), ("image", 1), ("video", 1), ("system", 2), ("recalled", 1), ("call", 1)] {
        assert!(kinds.contains(&want), "{want:?} in {kinds:?}");
    }

    let skips: Vec<(&str, &str)> = s.skips.iter().map(|k| (k.locator.as_str(), k.reason.as_str())).collect();
    assert_eq!(skips[0], ("users.json#/3", "user without an id"));
    assert_eq!(skips[1], ("general/2026-03-02.json#/5", "not a message object"));
    assert_eq!(skips[2], ("general/2026-03-02.json#/6", "message without ts"));
    assert_eq!(skips[3].0, "general/2026-03-03.json#/1");
    assert!(skips[3].1.starts_with("unreadable JSON: control character"), "{}", skips[3].1);
    assert!(skips[3].1.contains("at line 12 column 0"), "{}", skips[3].1);

    assert_eq!(
        conversations(&ws),
        [
            ("C01GEN", "general", "channel"),
            ("C02PROC", "procurement", "channel"),
            ("G01FIN", "finance-private", "group"),
            ("G02MPIM", "老王, 李娜, Alice Chen", "group"),
            ("D01", "老王, 李娜", "direct"),
            ("old-channel", "old-channel", "unknown"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(msgs.len(), 17);
    // entries are read in path order: D01, finance-private, general, old-channel, procurement
    let dm = &msgs[0];
    assert_eq!(dm.conversation, "D01");
    assert_eq!((dm.sender.as_deref(), dm.sender_name.as_deref()), (Some("U01WANG"), Some("老王")));
    assert_eq!(dm.text, "李总，货款5000元今晚转你私人账户，回执发 li.na@example.com");
    assert_eq!(dm.timestamp.as_deref(), Some("2026-03-02T10:00:00+08:00"));
    assert_eq!(dm.external_id.as_deref(), Some("1772416800.000100"));
    assert_eq!(dm.locator, "D01/2026-03-02.json#/0");
    assert_eq!(msgs[1].text, "好的 <保密>");
    assert_eq!(extra(&ws, &msgs[1])["reactions"][0]["name"], "ok_hand");

    let video = &msgs[2];
    assert_eq!((video.conversation.as_str(), video.kind.as_str()), ("G01FIN", "video"));
    let a = &video.attachments[0];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref(), a.size_bytes, a.sha256.as_deref()), ("meeting.mp4", Some("video/mp4"), Some(900000), None));

    let join = &msgs[3];
    assert_eq!((join.kind.as_str(), join.sender.as_deref()), ("system", Some("U02LI")));
    assert_eq!(join.text, "@李娜 has joined the channel");
    assert_eq!(join.timestamp.as_deref(), Some("2026-03-02T09:00:00+08:00"));

    let mention = &msgs[4];
    assert_eq!(mention.text, "@here 各位，@李娜 的报价单在 #procurement 里，  请看\n\n两行空格保留");
    assert_eq!(extra(&ws, mention)["mrkdwn"], "<!here> 各位，<@U02LI> 的报价单在 <#C02PROC|procurement> 里，  请看\n\n两行空格保留");
    assert_eq!(mention.timestamp.as_deref(), Some("2026-03-02T09:15:00+08:00"));

    let (parent, reply) = (&msgs[5], &msgs[6]);
    assert_eq!(parent.reply_to, None);
    let pe = extra(&ws, parent);
    assert_eq!((pe["thread_ts"].as_str(), pe["reply_count"].as_u64()), (Some("1772414160.000300"), Some(1)));
    assert_eq!(pe["reactions"][0]["users"][0], "U01WANG");
    assert_eq!(reply.reply_to.as_deref(), Some("1772414160.000300"));
    assert!(reply.edited && !parent.edited);
    assert_eq!(reply.text, "Ready. 回扣按老规矩 & 别在群里说");
    assert_eq!(extra(&ws, reply)["edited"]["ts"], "1772414250.000000");

    // a link shows its label AND where it really goes
    assert_eq!(msgs[7].text, "https://bank.example.com <https://evil.example/login?next=pay> please log in & confirm <today>");

    let share = &msgs[8];
    assert_eq!((share.kind.as_str(), share.text.as_str(), share.locator.as_str()), ("image", "@老王 发票和照片", "general/2026-03-02.json#/7"));
    let photo = &share.attachments[0];
    let on_disk = fixture("slack/export/__uploads/F0BBBBBBB2/photo.png");
    assert_eq!((photo.file_name.as_str(), photo.mime.as_deref(), photo.size_bytes), ("photo.png", Some("image/png"), Some(50)));
    assert_eq!(photo.sha256.as_deref(), Some(sha256_hex(&on_disk).as_str()));
    assert_eq!(photo.export_path.as_deref(), Some("__uploads/F0BBBBBBB2/photo.png"));
    let pdf = &share.attachments[1];
    assert_eq!((pdf.file_name.as_str(), pdf.size_bytes, pdf.sha256.as_deref()), ("报价单.pdf", Some(1234), None));
    assert_eq!(extra(&ws, share)["files"][0]["permalink"], "https://acme.slack.com/files/U02LI/F0BBBBBBB2/photo.png");

    let bot = &msgs[9];
    assert_eq!((bot.sender.as_deref(), bot.sender_name.as_deref()), (Some("B0BOT"), Some("Jira")));
    assert_eq!(bot.text, "New issue by @李娜:\nPROC-7 Approve vendor 宏远建设 <https://jira.example/browse/PROC-7>\nAmount: 50,000 CNY");
    assert_eq!(extra(&ws, bot)["text_from"], "attachments");

    let tomb = &msgs[10];
    assert_eq!((tomb.kind.as_str(), tomb.deleted, tomb.text.as_str()), ("recalled", true, "This message was deleted."));

    let blocks = &msgs[11];
    assert_eq!(blocks.text, "收款账户见 这里 <https://pay.example/acct/8899>，@老王 确认");
    assert_eq!(extra(&ws, blocks)["text_from"], "blocks");

    assert_eq!((msgs[12].text.as_str(), msgs[12].timestamp.as_deref()), ("第二天 the next day", Some("2026-03-03T10:00:00+08:00")));
    let orphan = &msgs[13];
    assert_eq!((orphan.conversation.as_str(), orphan.sender_name.as_deref()), ("old-channel", Some("Alice Chen")));
    assert_eq!((msgs[14].kind.as_str(), msgs[14].conversation.as_str()), ("text", "C02PROC"));
    assert_eq!(extra(&ws, &msgs[14])["subtype"], "me_message");
    assert_eq!(msgs[15].kind, "system");
    assert_eq!(msgs[16].kind, "call");
}

#[test]
fn users_become_participants_with_contact_details_and_both_names() {
    let mut ws = Workspace::new();
    ws.import_one(&fixture("slack/export"), None, None);
    let c = ws.store.conn();
    let row: (String, String, Option<String>, Option<String>, String) = c
        .query_row(
            "SELECT display_name, handle, phone, email, platform FROM participants WHERE external_id = 'U01WANG'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        ("王强".into(), "wangqiang".into(), Some("+86 138 0000 0001".into()), Some("wang.qiang@example.cn".into()), "slack".into())
    );
    let mut stmt = c
        .prepare("SELECT n.name FROM participant_names n JOIN participants p ON p.id = n.participant_id WHERE p.external_id = 'U01WANG' ORDER BY n.name")
        .unwrap();
    let names: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(names, ["王强", "老王"]);
    let phone: Option<String> = c.query_row("SELECT phone FROM participants WHERE external_id = 'U02LI'", [], |r| r.get(0)).unwrap();
    assert_eq!(phone, None, "an empty phone is no phone");
}

#[test]
fn zipped_export_under_a_top_folder_reads_the_same() {
    let mut ws = Workspace::new();
    let top = "Acme Slack export Mar 2026";
    let zip = zip_export(ws.dir.path(), top);
    let s = ws.import_one(&zip, Some("Asia/Shanghai"), None);
    assert_eq!((s.format.as_str(), s.messages, s.skipped, s.conversations), ("slack", 17, 4, 6));
    assert_eq!(s.skips[1].locator, format!("{top}/general/2026-03-02.json#/5"));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(msgs[0].locator, format!("{top}/D01/2026-03-02.json#/0"));
    let photo = &msgs[8].attachments[0];
    assert_eq!(photo.export_path.as_deref(), Some(format!("{top}/__uploads/F0BBBBBBB2/photo.png").as_str()));
    let on_disk = fixture("slack/export/__uploads/F0BBBBBBB2/photo.png");
    assert_eq!(photo.sha256.as_deref(), Some(sha256_hex(&on_disk).as_str()));
    assert_eq!(msgs[4].text, "@here 各位，@李娜 的报价单在 #procurement 里，  请看\n\n两行空格保留");
}

#[test]
fn bare_message_array_is_one_conversation_named_after_the_file() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("slack/bare/采购-thread.json"), Some("UTC"), None);
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("slack", 2, 1));
    assert_eq!(s.skips[0].locator, "采购-thread.json#/2");
    assert_eq!(conversations(&ws), [("采购-thread".to_string(), "采购-thread".to_string(), "unknown".to_string())]);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    // no users.json: a mention keeps its id, the sender's own profile names them
    assert_eq!(msgs[0].text, "@U02LI 合同今天签，合同草稿 <https://docs.example/c/77>");
    assert_eq!(msgs[0].sender_name.as_deref(), Some("老王"));
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2026-03-02T01:15:00Z"));
    assert_eq!(msgs[1].reply_to.as_deref(), Some("1772414100.000200"));
    assert_eq!(msgs[1].sender_name, None);
}

#[test]
fn bare_array_cut_short_keeps_what_was_read() {
    let mut ws = Workspace::new();
    let p = ws.dir.path().join("cut.json");
    std::fs::write(&p, "[{\"type\": \"message\", \"user\": \"U1\", \"text\": \"先到的\", \"ts\": \"1772414100.5\"},\n {\"type\": \"mess").unwrap();
    let s = ws.import_one(&p, None, None);
    assert_eq!((s.messages, s.skipped), (1, 1));
    assert_eq!(s.skips[0].locator, "cut.json#/1");
    assert!(s.skips[0].reason.contains("line 2"), "{}", s.skips[0].reason);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(msgs[0].ts_utc_ms, Some(1772414100500));
}

#[test]
fn other_json_is_not_slack() {
    let mut ws = Workspace::new();
    // a conversation list alone is not a message array
    let r = import_path(&mut ws.store, &fixture("slack/export/channels.json"), &ImportOptions::default());
    assert!(matches!(r[0].result, Err(ImportError::Unrecognized { .. })), "{:?}", r[0].result);
    // forcing the format on an object is an error naming the file, and writes nothing
    let p = ws.dir.path().join("obj.json");
    std::fs::write(&p, r#"{"type": "message", "ts": "1.0"}"#).unwrap();
    let opts = ImportOptions { format: Some("slack".into()), tz: Some("UTC".into()), ..Default::default() };
    let r = import_path(&mut ws.store, &p, &opts);
    match &r[0].result {
        Err(e @ ImportError::Malformed { .. }) => assert!(e.to_string().contains("obj.json"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(ws.store.totals().unwrap().sources, 0);
}

#[test]
fn metadata_only_export_has_conversations_and_people() {
    let mut ws = Workspace::new();
    let dir = ws.dir.path().join("meta");
    std::fs::create_dir(&dir).unwrap();
    for f in ["users.json", "channels.json", "dms.json"] {
        std::fs::copy(fixture("slack/export").join(f), dir.join(f)).unwrap();
    }
    let s = ws.import_one(&dir, None, None);
    assert_eq!((s.format.as_str(), s.messages, s.conversations, s.participants, s.skipped), ("slack", 0, 3, 3, 1));
    let again = ws.import_all(&dir, None);
    assert!(matches!(again[0].result, Ok(ImportOutcome::AlreadyImported { .. })));
}
