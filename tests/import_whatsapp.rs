//! WhatsApp "Export chat": Android and iOS text in several locales, the zip
//! and folder with media, and what must be refused.

mod util;

use std::io::Write;
use std::path::Path;

use redline::import::{import_path, ImportError, ImportOptions, ImportOutcome};
use redline::store::queries::StoredMessage;
use serde_json::{json, Value};
use util::{fixture, Workspace};

fn messages(ws: &Workspace, source: i64) -> Vec<StoredMessage> {
    ws.store.messages_of_source(source).unwrap()
}

/// The `extra` JSON of the message at a locator.
fn extra(ws: &Workspace, locator: &str) -> Value {
    let raw: Option<String> = ws
        .store
        .conn()
        .query_row("SELECT extra FROM messages WHERE locator = ?1", [locator], |r| r.get(0))
        .unwrap_or_else(|e| panic!("no message at {locator}: {e}"));
    raw.map(|s| serde_json::from_str(&s).unwrap()).unwrap_or(Value::Null)
}

fn at<'a>(msgs: &'a [StoredMessage], locator: &str) -> &'a StoredMessage {
    msgs.iter().find(|m| m.locator == locator).unwrap_or_else(|| panic!("no message at {locator}"))
}

fn kinds(msgs: &[StoredMessage]) -> Vec<&str> {
    msgs.iter().map(|m| m.kind.as_str()).collect()
}

#[test]
fn android_english_12h_with_narrow_nbsp() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("whatsapp/WhatsApp Chat with Alex Chen.txt"), Some("Asia/Hong_Kong"), None);
    assert_eq!(s.format, "whatsapp");
    assert_eq!((s.messages, s.skipped, s.attachments, s.participants), (14, 1, 1, 2));
    assert_eq!(s.skips[0].locator, "WhatsApp Chat with Alex Chen.txt:1");
    assert_eq!(s.skips[0].reason, "text before the first WhatsApp message line");

    let msgs = messages(&ws, s.source_id);
    let f = "WhatsApp Chat with Alex Chen.txt";
    assert_eq!(
        kinds(&msgs),
        [
            "system", "text", "text", "other", "recalled", "text", "location", "call", "contact", "text", "recalled", "poll", "other",
            "text"
        ]
    );
    assert_eq!(msgs[0].conversation_title.as_deref(), Some("Alex Chen"));
    assert_eq!(msgs[0].conversation_kind, "direct");
    assert_eq!((msgs[0].locator.as_str(), msgs[0].sender.as_deref()), (format!("{f}:3").as_str(), None));
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2024-03-01T09:05:00+08:00"));

    // multi-line with a blank line inside
    let m = at(&msgs, &format!("{f}:5"));
    assert_eq!(m.sender.as_deref(), Some("Sam Lee"));
    assert_eq!(m.text, "Yes. Don't forward it outside the team\nit is marked confidential.\n\nThanks");
    assert_eq!(extra(&ws, &format!("{f}:9")), json!({"media_omitted": true}));
    let deleted = at(&msgs, &format!("{f}:10"));
    assert!(deleted.deleted);
    assert_eq!(deleted.text, "This message was deleted");
    let edited = at(&msgs, &format!("{f}:11"));
    assert!(edited.edited);
    assert_eq!(edited.text, "See you at 5 <This message was edited>");
    let loc = extra(&ws, &format!("{f}:12"));
    assert_eq!((loc["latitude"].clone(), loc["longitude"].clone()), (json!(22.543096), json!(114.057865)));
    // the vcf attachment, not in the export: name and type only
    let card = at(&msgs, &format!("{f}:14"));
    assert_eq!(card.attachments.len(), 1);
    let a = &card.attachments[0];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref(), a.sha256.as_deref()), ("Bob Wu.vcf", Some("text/vcard"), None));
    // a stamp with an impossible date (February 30) is text of the message above
    assert_eq!(card.text, "Bob Wu.vcf (file attached)\n2/30/24, 1:02\u{202f}PM - Sam Lee: this line only looks like a header");
    // 12 AM is midnight, 11:59 PM is 23:59
    assert_eq!(at(&msgs, &format!("{f}:16")).timestamp.as_deref(), Some("2024-03-14T00:00:00+08:00"));
    assert_eq!(at(&msgs, &format!("{f}:23")).timestamp.as_deref(), Some("2024-03-14T23:59:00+08:00"));
    let poll = extra(&ws, &format!("{f}:18"));
    assert_eq!(poll["poll"]["question"], json!("Which supplier?"));
    assert_eq!(poll["poll"]["options"][1], json!({"text": "Globex", "votes": 1}));
    assert_eq!(extra(&ws, &format!("{f}:22")), json!({"view_once": true}));
    // the day/month order came from 3/14/24: no message is flagged
    let flagged: i64 = ws
        .store
        .conn()
        .query_row("SELECT count(*) FROM messages WHERE extra LIKE '%date_order%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(flagged, 0);
}

#[test]
fn chinese_ios_group_with_crlf() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("whatsapp/WhatsApp Chat - 采购部.txt"), Some("Asia/Shanghai"), None);
    assert_eq!((s.messages, s.skipped, s.participants), (9, 0, 3));
    let msgs = messages(&ws, s.source_id);
    let f = "WhatsApp Chat - 采购部.txt";
    assert_eq!(kinds(&msgs), ["system", "system", "system", "text", "text", "image", "text", "recalled", "text"]);
    assert_eq!((msgs[0].conversation_title.as_deref(), msgs[0].conversation_kind.as_str()), (Some("采购部"), "group"));
    // iOS attributes these to the group itself: system lines, name kept aside
    for (line, text) in [(1, "消息和通话已进行端到端加密。对话之外的任何人，甚至包括 WhatsApp，都无法读取或收听。"), (2, "王强创建了群组“采购部”"), (3, "王强添加了李娜")] {
        let m = at(&msgs, &format!("{f}:{line}"));
        assert_eq!((m.sender.as_deref(), m.text.as_str()), (None, text));
        assert_eq!(extra(&ws, &format!("{f}:{line}")), json!({"attributed_to": "采购部"}));
    }
    let m = at(&msgs, &format!("{f}:4"));
    assert_eq!((m.sender.as_deref(), m.text.as_str()), (Some("王强"), "老李，上次说的内部文件发你了，别外传"));
    assert_eq!(m.timestamp.as_deref(), Some("2024-03-18T09:15:30+08:00"));
    // the export's CRLF line ends stay inside the message text
    assert_eq!(at(&msgs, &format!("{f}:5")).text, "收到。报价单我改好了\r\n第二页的数字你再看看\r\n\r\n明天发给供应商");
    assert_eq!(at(&msgs, &format!("{f}:9")).text, "image omitted");
    let gone = at(&msgs, &format!("{f}:11"));
    assert_eq!((gone.deleted, gone.text.as_str()), (true, "此消息已删除。"));
    assert_eq!(at(&msgs, &format!("{f}:12")).text, "好的👍");
    ws.store.index_pending(|_, _| {}).unwrap();
    assert_eq!(ws.store.search("外传", 10).unwrap().len(), 1);
}

#[test]
fn german_android_group_with_phone_number_sender() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("whatsapp/WhatsApp Chat mit Vertrieb.txt"), Some("Europe/Berlin"), None);
    assert_eq!((s.messages, s.skipped), (6, 0));
    let msgs = messages(&ws, s.source_id);
    assert_eq!(kinds(&msgs), ["system", "system", "text", "other", "recalled", "text"]);
    assert_eq!((msgs[0].conversation_title.as_deref(), msgs[0].conversation_kind.as_str()), (Some("Vertrieb"), "group"));
    // a quoted group name with ": " inside is still a system line
    assert_eq!((msgs[1].sender.as_deref(), msgs[1].text.as_str()), (None, "Anna Schmidt hat die Gruppe \"Vertrieb: Nord\" erstellt"));
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2022-03-18T14:56:00+01:00"));
    // U+202A/U+202C around the number are dropped from the name; the phone is set
    assert_eq!(msgs[3].sender.as_deref(), Some("+49 151 23456789"));
    let phone: String = ws
        .store
        .conn()
        .query_row("SELECT phone FROM participants WHERE external_id = '+49 151 23456789'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(phone, "+4915123456789");
    assert!(msgs[4].deleted);
    assert!(msgs[5].edited);
    assert_eq!(msgs[5].timestamp.as_deref(), Some("2022-03-19T08:00:00+01:00"));
}

#[test]
fn russian_android_with_ambiguous_dates_flagged() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("whatsapp/Чат WhatsApp с контактом Иван.txt"), Some("Europe/Moscow"), None);
    assert_eq!((s.messages, s.skipped), (5, 0));
    let msgs = messages(&ws, s.source_id);
    assert_eq!(kinds(&msgs), ["text", "other", "call", "location", "recalled"]);
    assert_eq!((msgs[0].conversation_title.as_deref(), msgs[0].conversation_kind.as_str()), (Some("Иван"), "direct"));
    // every day is 12 or less: day-first is assumed for dotted dates, and said so
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2022-03-05T10:00:00+03:00"));
    assert_eq!(msgs[2].timestamp.as_deref(), Some("2022-04-05T18:30:00+03:00"));
    let f = "Чат WhatsApp с контактом Иван.txt";
    assert_eq!(extra(&ws, &format!("{f}:1")), json!({"date_order": "d/m/y", "date_order_assumed": true}));
    assert_eq!(extra(&ws, &format!("{f}:4"))["latitude"], json!(55.7558));
    assert!(msgs[4].deleted);
}

#[test]
fn ios_12h_crlf_with_bare_lf_and_no_final_newline() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("whatsapp/WhatsApp Chat - Jordan.txt"), Some("America/New_York"), None);
    assert_eq!((s.messages, s.skipped), (6, 0));
    let msgs = messages(&ws, s.source_id);
    assert_eq!(kinds(&msgs), ["system", "text", "image", "file", "poll", "text"]);
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2024-03-18T14:56:01-04:00"));
    assert_eq!(msgs[0].sender, None);
    assert_eq!(msgs[2].text, "<attached: 00000003-PHOTO-2024-03-18-14-58-00.jpg>");
    // a plain .txt has no media: the attachment has a name but no hash
    let a = &msgs[2].attachments[0];
    assert_eq!((a.file_name.as_str(), a.sha256.as_deref(), a.export_path.as_deref()), ("00000003-PHOTO-2024-03-18-14-58-00.jpg", None, None));
    assert_eq!(msgs[3].attachments[0].file_name, "Tender.pdf");
    assert_eq!(msgs[3].text, "Tender.pdf • \u{200e}12 pages \u{200e}document omitted");
    assert_eq!(msgs[4].text, "POLL:\nLunch?\nOPTION: Yes (1 vote)\nOPTION: No (0 votes)");
    assert_eq!(msgs[5].text, "first line\r\nsecond line\nthird line");
}

/// The fixture folder zipped as WhatsApp does, into `dir`.
fn zip_folder(src: &Path, dst: &Path, extra_entries: &[(&str, &[u8])]) {
    let f = std::fs::File::create(dst).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files: Vec<_> = walk(src);
    files.sort();
    for rel in files {
        z.start_file(rel.as_str(), opts).unwrap();
        z.write_all(&std::fs::read(src.join(&rel)).unwrap()).unwrap();
    }
    for (name, bytes) in extra_entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

const PHOTO_SHA: &str = "c6a8f57718bf659bcc189b8e466d22095783d186c8053a46524762cfc4898ad3";
const INVOICE_SHA: &str = "8d53a8c44642e94993d496c8090d5519b41ed5ee32a20f6cf66cac71ee4ba704";
const UNREFERENCED_SHA: &str = "e8927f6fbb47b66eaf5d337acc540953fd83f33d97fa3d5e98c0ee87cf6da1df";

fn check_supplier_group(ws: &Workspace, source: i64) {
    let msgs = messages(ws, source);
    assert_eq!(kinds(&msgs), ["system", "system", "image", "video", "file", "text"]);
    assert_eq!((msgs[0].conversation_title.as_deref(), msgs[0].conversation_kind.as_str()), (Some("Supplier Group"), "group"));
    assert_eq!(msgs[0].locator, "_chat.txt:1");
    let photo = &msgs[2].attachments[0];
    assert_eq!(photo.file_name, "00000001-PHOTO-2024-05-20-10-00-00.jpg");
    assert_eq!((photo.sha256.as_deref(), photo.size_bytes, photo.mime.as_deref()), (Some(PHOTO_SHA), Some(33), Some("image/jpeg")));
    assert_eq!(photo.export_path.as_deref(), Some("00000001-PHOTO-2024-05-20-10-00-00.jpg"));
    // named by the chat but not in the export: still an attachment, without hash
    let video = &msgs[3].attachments[0];
    assert_eq!((video.file_name.as_str(), video.sha256.as_deref(), video.size_bytes), ("00000002-VIDEO-2024-05-20-10-01-00.mp4", None, None));
    let invoice = &msgs[4].attachments[0];
    assert_eq!((invoice.file_name.as_str(), invoice.sha256.as_deref()), ("00000003-Invoice 2024-05.pdf", Some(INVOICE_SHA)));
    assert_eq!(msgs[5].text, "收到，回扣按老规矩");
    // d.m.yy: 20.05.24 decides day-first
    assert_eq!(msgs[5].timestamp.as_deref(), Some("2024-05-20T10:03:00+08:00"));
}

fn source_files(ws: &Workspace, source: i64) -> Vec<(String, String)> {
    let mut stmt = ws.store.conn().prepare("SELECT path, sha256 FROM source_files WHERE source_id = ?1 ORDER BY path").unwrap();
    stmt.query_map([source], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn zip_with_media_hashes_attachments_and_lists_every_file() {
    let mut ws = Workspace::new();
    let zip = ws.dir.path().join("WhatsApp Chat - Supplier Group.zip");
    zip_folder(&fixture("whatsapp/WhatsApp Chat - Supplier Group"), &zip, &[]);
    let s = ws.import_one(&zip, Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "whatsapp");
    assert_eq!((s.messages, s.skipped, s.attachments), (6, 0, 3));
    check_supplier_group(&ws, s.source_id);
    // the unreferenced photo is in the inventory; __MACOSX junk is not
    let files = source_files(&ws, s.source_id);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "00000001-PHOTO-2024-05-20-10-00-00.jpg",
            "00000003-Invoice 2024-05.pdf",
            "00000009-PHOTO-2024-05-21-09-00-00.jpg",
            "_chat.txt"
        ]
    );
    assert_eq!(files[2].1, UNREFERENCED_SHA);
}

#[test]
fn unpacked_folder_imports_as_one_source() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("whatsapp/WhatsApp Chat - Supplier Group"), Some("Asia/Shanghai"), None);
    assert_eq!((s.format.as_str(), s.messages, s.attachments), ("whatsapp", 6, 3));
    check_supplier_group(&ws, s.source_id);
}

#[test]
fn zip_escaping_its_folder_is_refused_and_nothing_is_written() {
    let mut ws = Workspace::new();
    let zip = ws.dir.path().join("WhatsApp Chat - evil.zip");
    zip_folder(&fixture("whatsapp/WhatsApp Chat - Supplier Group"), &zip, &[("../evil.txt", b"gotcha")]);
    let results = ws.import_all(&zip, None);
    assert_eq!(results.len(), 1);
    match &results[0].result {
        Err(ImportError::Hostile { entry, .. }) => assert_eq!(entry, "../evil.txt"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let t = ws.store.totals().unwrap();
    assert_eq!((t.sources, t.messages, t.skipped), (0, 0, 0));
    assert!(!ws.dir.path().join("evil.txt").exists());
}

#[test]
fn text_that_is_not_whatsapp_is_malformed_when_forced() {
    let mut ws = Workspace::new();
    let path = ws.dir.path().join("notes.txt");
    std::fs::write(&path, "meeting notes\nnothing here looks like a chat\n").unwrap();
    let opts = ImportOptions { format: Some("whatsapp".into()), tz: Some("UTC".into()), ..Default::default() };
    let results = import_path(&mut ws.store, &path, &opts);
    match &results[0].result {
        Err(ImportError::Malformed { path, message, .. }) => {
            assert!(path.ends_with("notes.txt"), "{path}");
            assert!(message.contains("no WhatsApp message line"), "{message}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert_eq!(ws.store.totals().unwrap().sources, 0);
    // without --format it is simply not recognised
    let results = ws.import_all(&path, None);
    assert!(matches!(results[0].result, Err(ImportError::Unrecognized { .. })));
}

#[test]
fn a_folder_of_several_chats_is_walked_file_by_file() {
    let mut ws = Workspace::new();
    let dir = ws.dir.path().join("chats");
    std::fs::create_dir(&dir).unwrap();
    for name in ["WhatsApp Chat with Alex Chen.txt", "WhatsApp Chat mit Vertrieb.txt"] {
        std::fs::copy(fixture(&format!("whatsapp/{name}")), dir.join(name)).unwrap();
    }
    let results = ws.import_all(&dir, None);
    assert_eq!(results.len(), 2);
    for r in &results {
        assert!(matches!(&r.result, Ok(ImportOutcome::Imported(s)) if s.format == "whatsapp"), "{r:?}");
    }
    assert_eq!(ws.store.totals().unwrap().conversations, 2);
}

#[test]
fn invalid_bytes_and_long_exports_stream() {
    let mut ws = Workspace::new();
    let path = ws.dir.path().join("WhatsApp Chat with Big.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"1/2/21, 10:00 - A: bad \xff byte\r\n").unwrap();
    for i in 0..20_000u32 {
        writeln!(f, "1/{}/21, {:02}:{:02} - {}: message {i}", 1 + i % 28, (i / 60) % 24, i % 60, if i % 2 == 0 { "A" } else { "B" }).unwrap();
        if i % 1000 == 0 {
            writeln!(f, "a second line\n").unwrap();
        }
    }
    drop(f);
    let s = ws.import_one(&path, None, None);
    assert_eq!((s.messages, s.skipped), (20_001, 0));
    let first = &messages(&ws, s.source_id)[0];
    assert_eq!(first.text, "bad \u{fffd} byte");
    assert_eq!(extra(&ws, "WhatsApp Chat with Big.txt:1")["invalid_utf8"], json!(true));
    assert_eq!(at(&messages(&ws, s.source_id), "WhatsApp Chat with Big.txt:2").text, "message 0\na second line");
}

#[test]
fn renamed_chat_in_a_zip_is_found_by_content_when_forced() {
    let mut ws = Workspace::new();
    let zip = ws.dir.path().join("export.zip");
    let chat = std::fs::read(fixture("whatsapp/WhatsApp Chat - Supplier Group/_chat.txt")).unwrap();
    zip_folder(&fixture("whatsapp/WhatsApp Chat - Supplier Group/__MACOSX"), &zip, &[("notes.txt", b"not a chat\n"), ("chat.txt", &chat)]);
    // no chat by name: not recognised on its own...
    assert!(matches!(ws.import_all(&zip, None)[0].result, Err(ImportError::Unrecognized { .. })));
    // ...but read when forced, from the .txt whose lines are WhatsApp lines
    let s = ws.import_one(&zip, None, Some("whatsapp"));
    assert_eq!((s.messages, s.attachments), (6, 3));
    assert_eq!(messages(&ws, s.source_id)[0].locator, "chat.txt:1");
}

#[test]
fn a_folder_with_a_chat_and_other_folders_is_not_one_export() {
    let mut ws = Workspace::new();
    let dir = ws.dir.path().join("case files");
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::copy(fixture("whatsapp/WhatsApp Chat - Jordan.txt"), dir.join("WhatsApp Chat - Jordan.txt")).unwrap();
    std::fs::write(dir.join("other/readme.md"), "unrelated\n").unwrap();
    let results = ws.import_all(&dir, None);
    assert_eq!(results.len(), 2);
    assert!(matches!(&results[0].result, Ok(ImportOutcome::Imported(s)) if s.messages == 6), "{results:?}");
    assert!(matches!(&results[1].result, Ok(ImportOutcome::NotRecognized { .. })), "{results:?}");
}
