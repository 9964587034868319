//! The shared corpus' RSMF files. Counts were taken by reading the files:
//! the rsmf-viewer manifest (v1.0.0) has 12 participants, 6 channels and
//! 148 events — 125 message (14 deleted, 35 with one attachment: 22 images
//! by extension, 13 other files), 20 join, 3 disclaimer; 42 have a parent.
//! Sample2's rsmf.zip holds only its manifest: 1 participant whose avatar
//! AV1 is missing, 1 conversation, 1 message event without a body or zone.
//! The schema and avatar.png next to it are not exports.

mod util;

use std::collections::BTreeMap;

use redline::import::ImportOutcome;
use util::{corpus, Workspace};

#[test]
fn rsmf_viewer_manifest() {
    let Some(root) = corpus("corpus_rsmf") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("rsmf/rsmf-viewer/rsmf_manifest.json"), None, None);
    assert_eq!(s.format, "rsmf");
    assert_eq!((s.messages, s.skipped, s.conversations, s.participants, s.attachments), (148, 0, 6, 12, 35));
    let kinds: BTreeMap<&str, u64> = s.kinds.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(kinds, BTreeMap::from([("file", 13), ("image", 22), ("recalled", 14), ("system", 23), ("text", 76)]));

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(msgs.iter().filter(|m| m.reply_to.is_some()).count(), 42);
    assert!(msgs.iter().all(|m| m.timestamp.is_some()), "both .002Z and Z times parse");
    let first = &msgs[0];
    assert_eq!(first.external_id.as_deref(), Some("CHAF1FWN5_1554216835.0015"));
    assert_eq!(first.text, "Anything posted here can be seen by all of the organization");
    assert_eq!((first.sender.as_deref(), first.sender_name.as_deref()), (Some("WFJMFG763"), Some("RaoP")));
    assert_eq!(first.timestamp.as_deref(), Some("2019-04-02T14:53:55.002Z"));
    assert!(first.edited);
    assert_eq!((first.conversation.as_str(), first.conversation_title.as_deref()), ("CHAF1FWN5", Some("organization")));

    let pdf = msgs.iter().find(|m| m.external_id.as_deref() == Some("CHLNSU1SA_1554225515.0132")).unwrap();
    let a = &pdf.attachments[0];
    assert_eq!((a.file_name.as_str(), a.size_bytes, a.sha256.as_deref()), ("RelativityOne - User Guide.pdf", Some(4884207), None));
    let reply = msgs.iter().find(|m| m.external_id.as_deref() == Some("CHLNSU1SA_1554225469.0126")).unwrap();
    assert_eq!(reply.reply_to.as_deref(), Some("CHLNSU1SA_1554225213.0117"));
    let extra: String =
        ws.store.conn().query_row("SELECT extra FROM messages WHERE id = ?1", [reply.id], |r| r.get(0)).unwrap();
    let extra: serde_json::Value = serde_json::from_str(&extra).unwrap();
    assert_eq!((extra["platform"].as_str(), extra["custom"][0]["name"].as_str()), (Some("slack"), Some("Edit1")));
}

#[test]
fn relativity_sample2_zip_and_its_neighbours() {
    let Some(root) = corpus("corpus_rsmf") else { return };
    let mut ws = Workspace::new();
    let results = ws.import_all(&root.join("rsmf/relativity-validator"), Some("Asia/Shanghai"));
    let outcome = |name: &str| {
        results.iter().find(|r| r.path.ends_with(name)).map(|r| r.result.as_ref().unwrap()).unwrap_or_else(|| panic!("{name}"))
    };
    assert!(matches!(outcome("rsmf_schema_2_0_0.json"), ImportOutcome::NotRecognized { .. }));
    assert!(matches!(outcome("avatar.png"), ImportOutcome::NotRecognized { .. }));
    let ImportOutcome::Imported(s) = outcome("rsmf.zip") else { panic!("rsmf.zip not imported") };
    assert_eq!(results.len(), 3);
    assert_eq!((s.format.as_str(), s.messages, s.skipped, s.conversations, s.participants), ("rsmf", 1, 0, 1, 1));

    let m = &ws.store.messages_of_source(s.source_id).unwrap()[0];
    assert_eq!((m.external_id.as_deref(), m.text.as_str(), m.kind.as_str()), (Some("1"), "", "text"));
    assert_eq!((m.conversation.as_str(), m.conversation_title.as_deref(), m.conversation_kind.as_str()), ("1", Some("C1"), "direct"));
    assert_eq!(m.sender_name.as_deref(), Some("Participant Name"));
    // "2013-01-10T15:53:00" has no zone: read in --tz, marked assumed
    assert_eq!(m.timestamp.as_deref(), Some("2013-01-10T15:53:00+08:00"));
    let (assumed, extra): (bool, String) = ws
        .store
        .conn()
        .query_row("SELECT ts_offset_assumed, extra FROM messages WHERE id = ?1", [m.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(assumed);
    let extra: serde_json::Value = serde_json::from_str(&extra).unwrap();
    assert_eq!((extra["missing_avatar"].as_str(), extra["platform"].as_str()), (Some("AV1"), Some("skype")));
}
