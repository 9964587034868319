//! The shared corpus' Slack exports. Counts were taken by reading the files:
//! testarchive.zip has 18 day files holding 158 message objects, every one
//! with a `ts` (8 channel_join + 3 bot_add, 3 legacy file_share); the
//! slackdump metadata lists 2 channels, 8 DMs, 2 group DMs and 8 users and
//! no messages; each slackdump message file is an array of 2 messages.

mod util;

use std::collections::BTreeMap;

use redline::import::ImportOutcome;
use util::{corpus, Workspace};

fn kinds(s: &redline::store::SourceSummary) -> BTreeMap<String, u64> {
    s.kinds.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

#[test]
fn slack_export_viewer_testarchive() {
    let Some(root) = corpus("corpus_slack") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("slack/slack-export-viewer/testarchive.zip"), None, None);
    assert_eq!(s.format, "slack");
    assert_eq!((s.messages, s.skipped, s.conversations, s.attachments), (158, 0, 2, 3));
    // 4 users + 3 bots (B0JL6RASU, B0JL6UFSL, B0VJZKVHC)
    assert_eq!(s.participants, 7);
    assert_eq!(kinds(&s), BTreeMap::from([("file".into(), 3), ("system".into(), 11), ("text".into(), 144)]));

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    let first = &msgs[0];
    assert_eq!((first.locator.as_str(), first.kind.as_str()), ("enrique/2016-01-14.json#/0", "system"));
    assert_eq!((first.conversation.as_str(), first.conversation_title.as_deref()), ("C0JGLMMNX", Some("enrique")));

    let link = msgs.iter().find(|m| m.locator == "enrique/2016-02-07.json#/0").unwrap();
    assert_eq!(
        link.text,
        "@abilinski: https://bitbucket.org/hfaran/security_a2/src/7c019470cf14fd2d14fab276c0a6e4313d393a12/Q2_sima.py?fileviewer=file-view-default"
    );
    assert_eq!((link.sender.as_deref(), link.sender_name.as_deref()), (Some("U0BMQB6JE"), Some("hamza")));
    assert_eq!(link.external_id.as_deref(), Some("1454884927.000002"));
    assert_eq!(link.timestamp.as_deref(), Some("2016-02-07T22:42:07Z"));

    // a GitHub bot post has no text of its own: its attachment is the text
    let bot = msgs.iter().find(|m| m.locator == "enrique/2016-02-07.json#/2").unwrap();
    assert_eq!(bot.sender.as_deref(), Some("B0JL6RASU"));
    assert!(bot.text.starts_with("[enrique:master] 1 new commit by Anthony Bilinski:\ned1acbe <https://github.com/mesos-magellan/enrique/commit/"), "{}", bot.text);

    let upload = msgs.iter().find(|m| m.locator == "traveling-sailor/2016-03-26.json#/10").unwrap();
    assert_eq!(upload.kind, "file");
    let a = &upload.attachments[0];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref(), a.size_bytes, a.sha256.as_deref()), ("100_cities.js", Some("text/plain"), Some(4163), None));
    assert_eq!(upload.text, "@doubledeez uploaded a file: 100 cities <https://mesos-magellan.slack.com/files/U0BMS113R/F0VNAKDE2/100_cities.js>");

    // the 2016 file_comment names its author only in `comment`
    let comment = msgs.iter().find(|m| m.locator == "traveling-sailor/2016-03-27.json#/1").unwrap();
    assert_eq!((comment.kind.as_str(), comment.sender.as_deref()), ("text", Some("U0BMS113R")));
}

#[test]
fn slackdump_metadata_only_export() {
    let Some(root) = corpus("corpus_slack") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("slack/slackdump-export-metadata"), None, None);
    assert_eq!(s.format, "slack");
    assert_eq!((s.messages, s.skipped, s.conversations, s.participants), (0, 0, 12, 8));
    let title: String = ws
        .store
        .conn()
        .query_row("SELECT title || '/' || kind FROM conversations WHERE external_id = 'GJPBBJKE0'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(title, "cs, Seymore Arsehole, Jane/group");
    let email: String =
        ws.store.conn().query_row("SELECT email FROM participants WHERE external_id = 'UHC8YKG2W'", [], |r| r.get(0)).unwrap();
    assert_eq!(email, "jane.d@example.com");
}

#[test]
fn slackdump_bare_message_files() {
    let Some(root) = corpus("corpus_slack") else { return };
    let mut ws = Workspace::new();
    // the folder holds two independent arrays: it is walked, not read as one export
    let results = ws.import_all(&root.join("slack/slackdump-messages"), None);
    assert_eq!(results.len(), 2);
    let summaries: Vec<_> = results
        .into_iter()
        .map(|r| match r.result {
            Ok(ImportOutcome::Imported(s)) => s,
            other => panic!("{}: {other:?}", r.path.display()),
        })
        .collect();
    for s in &summaries {
        assert_eq!((s.format.as_str(), s.messages, s.skipped), ("slack", 2, 0));
    }
    let chan = ws.store.messages_of_source(summaries[0].source_id).unwrap();
    assert_eq!((chan[0].text.as_str(), chan[0].conversation.as_str()), ("test", "chan1"));
    assert_eq!((chan[1].text.as_str(), chan[1].reply_to.as_deref()), ("test2", None));
    assert_eq!(chan[1].timestamp.as_deref(), Some("2025-01-10T03:10:30.905Z"));

    let thread = ws.store.messages_of_source(summaries[1].source_id).unwrap();
    assert_eq!(thread[0].text, "A message from a deactivated account");
    assert_eq!(thread[0].sender.as_deref(), Some("U0887G31L03"));
    assert_eq!(thread[1].reply_to.as_deref(), Some("1736478630.905399"));
    assert_eq!(thread[1].conversation, "chan1_thread_1736478630.905399");
}
