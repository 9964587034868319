//! Every WhatsApp file of the shared corpus, with the
//! message, skip and attachment counts counted by hand from the files:
//! one message per stamped line whose date exists, continuation lines
//! folded into the message above.

mod util;

use std::collections::BTreeMap;
use std::path::Path;

use redline::store::queries::StoredMessage;
use serde_json::{json, Value};
use util::Workspace;

/// (path under the corpus, format, messages, skipped, attachments, conversation kind)
const FILES: &[(&str, &str, u64, u64, u64, &str)] = &[
    ("whatsapp/chat-analytics/1A_3M.txt", "whatsapp", 3, 0, 0, "direct"),
    ("whatsapp/chat-analytics/4A_11M.txt", "whatsapp", 14, 0, 0, "group"),
    ("whatsapp/chat-miner/test_bracket_mmddyy_24hrs.txt", "whatsapp", 9, 0, 0, "group"),
    ("whatsapp/chat-miner/test_dateformat1.txt", "whatsapp", 10, 0, 0, "group"),
    ("whatsapp/chat-miner/test_dateformat2.txt", "whatsapp", 4, 0, 0, "group"),
    ("whatsapp/chat-miner/test_dateformat3.txt", "whatsapp", 4, 0, 0, "group"),
    ("whatsapp/chat-miner/test_dateformat6.txt", "whatsapp", 4, 0, 0, "group"),
    ("whatsapp/chat-miner/test_ddmmyy_24hrs.txt", "whatsapp", 9, 0, 0, "group"),
    ("whatsapp/chat-miner/test_mmddyy_24hrs.txt", "whatsapp", 9, 0, 0, "group"),
    ("whatsapp/chat-miner/test_mmddyyyy_12hrs.txt", "whatsapp", 9, 0, 0, "group"),
    ("whatsapp/chat-miner/test_yyyymmdd_24hrs.txt", "whatsapp", 9, 0, 0, "group"),
    ("whatsapp/chat-miner/testlog.txt", "whatsapp", 23, 0, 0, "group"),
    ("whatsapp/pustur-parser/short-chat.txt", "whatsapp", 5, 0, 0, "group"),
    ("whatsapp/pustur-website/whatsapp-chat-parser-example.zip", "whatsapp", 52, 0, 4, "group"),
    ("whatsapp/whats_json/Gregorian_iOS.txt", "whatsapp", 25, 0, 3, "direct"),
    ("whatsapp/whats_json/WhatsApp_Chat_-_Elon_Musk_German.txt", "whatsapp", 25, 0, 3, "direct"),
    ("whatsapp/whats_json/WhatsApp_Chat_with_Group_Chat_XXX_Android.txt", "whatsapp", 20, 0, 0, "group"),
    ("whatsapp/whats_json/czech_android.txt", "whatsapp", 60, 0, 2, "direct"),
    ("whatsapp/whats_json/english_android.txt", "whatsapp", 60, 0, 2, "direct"),
    ("whatsapp/whats_json/english_android_media.txt", "whatsapp", 60, 0, 11, "direct"),
    ("whatsapp/whats_json/english_ios.txt", "whatsapp", 23, 0, 3, "direct"),
    ("whatsapp/whats_json/english_ios_media.txt", "whatsapp", 25, 0, 13, "direct"),
    ("whatsapp/whats_json/french_ios.txt", "whatsapp", 23, 0, 3, "direct"),
    ("whatsapp/whats_json/indonesian_ios.txt", "whatsapp", 23, 0, 3, "direct"),
    ("whatsapp/whats_json/italian_ios.txt", "whatsapp", 23, 0, 3, "direct"),
    ("whatsapp/whats_json/portugal_ios.txt", "whatsapp", 23, 0, 3, "direct"),
    ("whatsapp/whats_json/russian_android.txt", "whatsapp", 60, 0, 2, "direct"),
    ("whatsapp/whats_json/spanish_ios.txt", "whatsapp", 23, 0, 3, "direct"),
    ("whatsapp/whatstk/example-12h.txt", "whatsapp", 20, 0, 0, "group"),
    ("whatsapp/whatstk/example.txt", "whatsapp", 20, 0, 0, "group"),
    ("whatsapp/whatstk/example_2.txt", "whatsapp", 20, 0, 0, "group"),
    ("whatsapp/whatstk/lorem-merge-part1.txt", "whatsapp", 300, 0, 0, "group"),
    ("whatsapp/whatstk/pokemon.txt", "whatsapp", 20, 0, 0, "group"),
];

struct Imported {
    ws: Workspace,
    by_file: BTreeMap<&'static str, (i64, Vec<StoredMessage>)>,
}

impl Imported {
    fn msgs(&self, file: &str) -> &[StoredMessage] {
        &self.by_file[file].1
    }

    fn at(&self, file: &str, line: u64) -> &StoredMessage {
        let name = file.rsplit('/').next().unwrap();
        let loc = if file.ends_with(".zip") { format!("_chat.txt:{line}") } else { format!("{name}:{line}") };
        self.msgs(file).iter().find(|m| m.locator == loc).unwrap_or_else(|| panic!("{file}: no message at {loc}"))
    }

    fn extra(&self, file: &str, line: u64) -> Value {
        let id = self.at(file, line).id;
        let raw: Option<String> =
            self.ws.store.conn().query_row("SELECT extra FROM messages WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        raw.map(|s| serde_json::from_str(&s).unwrap()).unwrap_or(Value::Null)
    }
}

fn import_corpus(root: &Path) -> Imported {
    let mut ws = Workspace::new();
    let mut by_file = BTreeMap::new();
    for &(rel, format, messages, skipped, attachments, kind) in FILES {
        let s = ws.import_one(&root.join(rel), Some("UTC"), None);
        assert_eq!(s.format, format, "{rel}");
        assert_eq!((s.messages, s.skipped, s.attachments), (messages, skipped, attachments), "{rel}: {:?}", s.skips);
        let msgs = ws.store.messages_of_source(s.source_id).unwrap();
        assert_eq!(msgs[0].conversation_kind, kind, "{rel}");
        assert!(msgs.iter().all(|m| m.timestamp.is_some()), "{rel}: a message without time");
        by_file.insert(rel, (s.source_id, msgs));
    }
    Imported { ws, by_file }
}

#[test]
fn corpus_files_import_with_hand_counted_messages() {
    let Some(root) = util::corpus("corpus_whatsapp") else { return };
    let c = import_corpus(&root);

    // the real iOS zip: media hashed from the zip, the old example zip kept as a file
    let zip = "whatsapp/pustur-website/whatsapp-chat-parser-example.zip";
    let photo = &c.at(zip, 16).attachments[0];
    assert_eq!(photo.sha256.as_deref(), Some("eb6ee22d65a7ff5f803297c0d9ae3943ca58f9729816835993e1032c893a42f8"));
    assert_eq!((photo.size_bytes, photo.mime.as_deref()), (Some(146284), Some("image/jpeg")));
    let nested = c.at(zip, 32);
    assert_eq!(nested.kind, "file");
    assert_eq!(nested.attachments[0].sha256.as_deref(), Some("b2fd88e2db87bc07743db7ebf3d34bbec9cc576b4716faad41583bd5eb768d0a"));
    assert_eq!(c.at(zip, 27).kind, "audio");
    assert_eq!(c.at(zip, 24).text, "Come on...\r\ndon't be so mysterious and show us!");
    assert_eq!(c.extra(zip, 48)["poll"]["options"][3], json!({"text": "Saturday 17 afternoon", "votes": 3}));
    assert_eq!(c.at(zip, 1).timestamp.as_deref(), Some("2019-06-20T15:58:47Z"));
    assert_eq!(c.msgs(zip)[0].conversation_title.as_deref(), Some("whatsapp-chat-parser-example"));
    let files: i64 = c
        .ws
        .store
        .conn()
        .query_row("SELECT count(*) FROM source_files WHERE source_id = ?1", [c.by_file[zip].0], |r| r.get(0))
        .unwrap();
    assert_eq!(files, 5, "_chat.txt and four media files, no __MACOSX");

    // the same chat in m/d and d/m files lands on the same days
    for line in [2, 10] {
        assert_eq!(
            c.at("whatsapp/chat-miner/test_mmddyy_24hrs.txt", line).timestamp,
            c.at("whatsapp/chat-miner/test_ddmmyy_24hrs.txt", line).timestamp
        );
    }
    assert_eq!(c.at("whatsapp/chat-miner/test_ddmmyy_24hrs.txt", 10).timestamp.as_deref(), Some("2021-12-30T22:01:00Z"));
    assert_eq!(c.at("whatsapp/chat-miner/test_mmddyyyy_12hrs.txt", 6).timestamp.as_deref(), Some("2020-06-20T00:08:00Z"));
    assert_eq!(c.at("whatsapp/chat-miner/test_dateformat2.txt", 2).timestamp.as_deref(), Some("2019-11-27T21:30:00Z"));
    assert_eq!(c.at("whatsapp/chat-miner/test_dateformat3.txt", 1).timestamp.as_deref(), Some("2022-12-14T13:34:00Z"));
    assert_eq!(c.at("whatsapp/whatstk/example-12h.txt", 13).timestamp.as_deref(), Some("2016-08-10T09:45:00Z"));
    // `John Doe:.` is John Doe saying "."
    let dot = c.at("whatsapp/chat-miner/test_mmddyy_24hrs.txt", 2);
    assert_eq!((dot.sender.as_deref(), dot.text.as_str()), (Some("John Doe"), "."));
    // the mixed log: dashes have no evidence and are flagged, slashes borrow evidence
    let log = "whatsapp/chat-miner/testlog.txt";
    assert_eq!(c.extra(log, 20), json!({"date_order": "d/m/y", "date_order_assumed": true}));
    assert_eq!(c.at(log, 18).timestamp.as_deref(), Some("2022-09-10T22:37:00Z"));
    assert_eq!(c.at(log, 24).timestamp.as_deref(), Some("2022-09-10T22:37:00Z"));
    assert_eq!(c.at(log, 21).timestamp.as_deref(), Some("2021-10-24T15:21:43Z"));

    // blank line inside a message, phone-number sender
    let short = c.at("whatsapp/pustur-parser/short-chat.txt", 5);
    assert_eq!((short.sender.as_deref(), short.text.as_str()), (Some("+410123456789"), "How are you?\n\nIs everything alright?"));
    // a trailing blank line at the end of the file is not part of the last message
    assert_eq!(c.at("whatsapp/whatstk/example.txt", 20).text, "Wo-bbu-ffet");

    // Android EN: first line dated after the following ones, kept in file order
    let en = "whatsapp/whats_json/english_android.txt";
    assert_eq!((c.at(en, 1).kind.as_str(), c.at(en, 1).timestamp.as_deref()), ("system", Some("2022-03-23T13:31:00Z")));
    assert_eq!(c.msgs(en)[1].locator, "english_android.txt:2");
    assert_eq!(c.at(en, 3).kind, "other");
    assert_eq!(c.at(en, 8).kind, "location");
    assert_eq!(c.at(en, 13).attachments[0].file_name, "Alex.vcf");
    assert!(c.at(en, 17).deleted && c.at(en, 28).deleted);
    assert_eq!(c.at(en, 39).text, "Pimlico Gardens\nLondon, United Kingdom\nhttps://foursquare.com/v/4e89af95e5fa82ad4c0aa03b");
    assert_eq!(c.at(en, 39).kind, "location");
    assert_eq!(c.at(en, 61).kind, "call");
    assert_eq!(c.at("whatsapp/whats_json/english_android_media.txt", 9).kind, "voice");
    assert_eq!(c.at("whatsapp/whats_json/english_android_media.txt", 4).text, "<Media omitted>\nCaption");
    for (file, line) in [("whatsapp/whats_json/russian_android.txt", 3), ("whatsapp/whats_json/czech_android.txt", 3)] {
        assert_eq!(c.extra(file, line), json!({"media_omitted": true}), "{file}");
    }
    assert_eq!(c.at("whatsapp/whats_json/russian_android.txt", 61).kind, "call");

    // iOS: the notices are system lines although a contact is named
    for file in ["whatsapp/whats_json/english_ios.txt", "whatsapp/whats_json/french_ios.txt", "whatsapp/whats_json/Gregorian_iOS.txt"] {
        let e2e = c.at(file, 1);
        assert_eq!((e2e.kind.as_str(), e2e.sender.as_deref()), ("system", None), "{file}");
        assert_eq!(c.extra(file, 1), json!({"attributed_to": "Elon Musk"}));
        assert_eq!(c.at(file, 3).kind, "image", "{file}");
        assert_eq!(c.at(file, 13).attachments[0].file_name, "Resume-Dmitry-Starkov.pdf", "{file}");
        assert!(c.at(file, 21).deleted, "{file}");
    }
    assert_eq!(c.at("whatsapp/whats_json/Gregorian_iOS.txt", 24).kind, "system");
    assert_eq!(c.at("whatsapp/whats_json/english_ios.txt", 3).text, "image omitted");
    assert_eq!(c.at("whatsapp/whats_json/indonesian_ios.txt", 2).timestamp.as_deref(), Some("2022-03-27T21:41:35Z"));
    assert_eq!(c.at("whatsapp/whats_json/english_ios_media.txt", 6).kind, "voice");
    assert_eq!(c.at("whatsapp/whats_json/WhatsApp_Chat_-_Elon_Musk_German.txt", 1).conversation_title.as_deref(), Some("Elon Musk German"));
    assert_eq!(c.at("whatsapp/whatstk/pokemon.txt", 1).kind, "system");
    let group = "whatsapp/whats_json/WhatsApp_Chat_with_Group_Chat_XXX_Android.txt";
    assert_eq!(c.msgs(group)[0].conversation_title.as_deref(), Some("Group Chat XXX Android"));
    assert_eq!(c.msgs(group).iter().filter(|m| m.kind == "system").count(), 16);
}
