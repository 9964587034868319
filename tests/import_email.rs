//! E-mail: single .eml files and mbox mailboxes.

mod util;

use redline::import::formats::{by_id, Probe};
use redline::import::tree::Entry;
use redline::import::{ImportError, ImportOutcome};
use redline::store::queries::StoredMessage;
use serde_json::Value;
use sha2::{Digest, Sha256};
use util::{fixture, Workspace};

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `extra` JSON of a stored message.
fn extra(ws: &Workspace, m: &StoredMessage) -> Value {
    let s: Option<String> =
        ws.store.conn().query_row("SELECT extra FROM messages WHERE id = ?1", [m.id], |r| r.get(0)).unwrap();
    s.map(|s| serde_json::from_str(&s).unwrap()).unwrap_or(Value::Null)
}

fn offsets_assumed(ws: &Workspace, source_id: i64) -> i64 {
    ws.store
        .conn()
        .query_row("SELECT COUNT(*) FROM messages WHERE source_id = ?1 AND ts_offset_assumed = 1", [source_id], |r| r.get(0))
        .unwrap()
}

#[test]
fn mbox_thread_in_chinese_and_english_with_a_malformed_mail() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("email/thread.mbox"), None, None);
    assert_eq!(s.format, "mbox");
    assert_eq!((s.messages, s.skipped, s.conversations), (3, 1, 1));
    assert_eq!(s.skips[0].locator, "thread.mbox:30");
    assert_eq!(s.skips[0].reason, "no header block: the mail does not start with a header field");

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    for m in &msgs {
        assert_eq!(m.conversation, "q1.20260302@example.cn");
        assert_eq!(m.conversation_title.as_deref(), Some("关于报价 / About the quote"));
        assert_eq!(m.conversation_kind, "direct");
        assert_eq!(m.kind, "text");
    }
    assert_eq!(offsets_assumed(&ws, s.source_id), 0);

    let m = &msgs[0];
    assert_eq!(m.locator, "thread.mbox:1");
    // the address is lower-cased for the id, the RFC 2047 name decoded
    assert_eq!((m.sender.as_deref(), m.sender_name.as_deref()), (Some("wangqiang@example.cn"), Some("王强")));
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-02T09:15:00+08:00"));
    assert_eq!(m.external_id.as_deref(), Some("q1.20260302@example.cn"));
    assert_eq!(m.reply_to, None);
    // mboxrd: `>From ` in the body loses its quote
    assert_eq!(
        m.text,
        "Subject: 关于报价 / About the quote\n\n李总：\n报价单已经发你了，回扣按老规矩走，别外传。\n\
         From the factory side, the price is 2000.00 per unit.\n王强\n"
    );
    let x = extra(&ws, m);
    assert_eq!(x["to"], serde_json::json!([{"name": "Li Ming", "address": "liming@example.com"}]));
    assert_eq!(x["mbox_index"], 0);
    assert_eq!(x["mbox_from_line"], "From wangqiang@example.cn Mon Mar  2 09:15:00 2026");

    let m = &msgs[1];
    assert_eq!(m.locator, "thread.mbox:17");
    assert_eq!(m.sender.as_deref(), Some("liming@example.com"));
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-02T02:01:30Z"));
    assert_eq!(m.reply_to.as_deref(), Some("q1.20260302@example.cn"));
    assert!(m.text.ends_with("off the record.\n>From now on use my personal mail.\n"), "{:?}", m.text);

    // GB2312 encoded words and a GBK body
    let m = &msgs[2];
    assert_eq!(m.locator, "thread.mbox:34");
    assert_eq!(m.text, "Subject: 回复: Re: 关于报价 / About the quote\n\n好的，明白。下周三见面细谈。\n");
    assert_eq!(m.sender_name.as_deref(), Some("王强"));
    assert_eq!(m.reply_to.as_deref(), Some("r1.liming@example.com"));
    assert_eq!(extra(&ws, m)["mbox_index"], 3);
    assert_eq!(extra(&ws, m)["references"], serde_json::json!(["q1.20260302@example.cn", "r1.liming@example.com"]));

    let email: String = ws
        .store
        .conn()
        .query_row("SELECT email FROM participants WHERE external_id = 'wangqiang@example.cn'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(email, "wangqiang@example.cn");

    ws.store.index_pending(|_, _| {}).unwrap();
    assert_eq!(ws.store.search("回扣", 10).unwrap().len(), 1);
    // the subject is searchable in every mail of the thread
    assert_eq!(ws.store.search("关于报价", 10).unwrap().len(), 3);
}

#[test]
fn gmail_takeout_mbox_with_bom_crlf_attachment_only_and_odd_dates() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("email/takeout.mbox"), Some("Asia/Shanghai"), None);
    assert_eq!(s.format, "mbox");
    assert_eq!((s.messages, s.skipped, s.conversations), (4, 0, 3));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    let locators: Vec<_> = msgs.iter().map(|m| m.locator.as_str()).collect();
    assert_eq!(locators, ["takeout.mbox:1", "takeout.mbox:25", "takeout.mbox:44", "takeout.mbox:54"]);

    // text/plain is preferred over the HTML alternative; line ends are kept
    assert_eq!(msgs[0].text, "Subject: Invoice September\n\nHi Bob,\r\nthe invoice is attached.\r\n");
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2025-09-26T10:18:40-07:00"));
    assert_eq!(extra(&ws, &msgs[0])["mbox_from_line"], "From 1844347792267117879@xxx");

    // a reply with only an attachment is a file message; an unreadable Date gives no time
    let m = &msgs[1];
    assert_eq!((m.kind.as_str(), m.text.as_str()), ("file", "Subject: Re: Invoice September"));
    assert_eq!(m.conversation, "t1@mail.example.com");
    assert_eq!(m.conversation_kind, "direct");
    assert_eq!(m.timestamp, None);
    assert_eq!(extra(&ws, m)["date_unreadable"], "sometime last week");
    let zip = [&b"PK\x05\x06"[..], &[0u8; 18]].concat();
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref(), a.size_bytes), ("invoice.zip", Some("application/zip"), Some(22)));
    assert_eq!(a.sha256.as_deref(), Some(sha256(&zip).as_str()));
    assert_eq!(a.export_path.as_deref(), Some("mime part 1"));

    // no Date header at all: no timestamp, and nothing recorded as unreadable
    assert_eq!(msgs[2].timestamp, None);
    assert_eq!(msgs[2].conversation, "t3@mail.example.com");
    assert_eq!(extra(&ws, &msgs[2]).get("date_unreadable"), None);

    // a Date without a zone is wall-clock time: read in --tz, marked assumed;
    // the other mails keep their own zone whatever --tz says
    assert_eq!(msgs[3].timestamp.as_deref(), Some("2025-09-27T08:00:00+08:00"));
    assert_eq!(msgs[3].text, "Subject: Local time only\n\nSent from an old client.\r\n");
    assert_eq!(offsets_assumed(&ws, s.source_id), 1);
}

#[test]
fn mboxcl2_content_length_keeps_unescaped_from_lines_inside() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("email/mboxcl2.mbox"), None, None);
    assert_eq!((s.messages, s.skipped), (2, 0));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(
        msgs[0].text,
        "Subject: Board minutes\n\nMinutes attached.\n\nFrom the desk of the CFO: the numbers stay internal.\nNote: do not forward.\n"
    );
    assert_eq!(extra(&ws, &msgs[0])["mbox_framing"], "content-length");
    // a Content-Length that does not fit is ignored
    assert_eq!(msgs[1].locator, "mboxcl2.mbox:14");
    assert_eq!(msgs[1].text, "Subject: Re: Board minutes\n\nNoted.\n");
    assert_eq!(extra(&ws, &msgs[1]).get("mbox_framing"), None);
    assert_eq!(msgs[1].reply_to.as_deref(), Some("m1@example.com"));
    // CFO, board, assistant: a group thread
    assert!(msgs.iter().all(|m| m.conversation == "m1@example.com" && m.conversation_kind == "group"));
}

#[test]
fn eml_with_attachment_and_embedded_forwarded_mail() {
    let mut ws = Workspace::new();
    let path = fixture("email/quote.eml");
    let s = ws.import_one(&path, None, None);
    assert_eq!(s.format, "eml");
    assert_eq!((s.messages, s.skipped, s.attachments, s.conversations), (2, 0, 2, 1));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();

    let m = &msgs[0];
    assert_eq!(m.locator, "quote.eml:1");
    assert_eq!(m.kind, "text");
    // quoted-printable UTF-8 body; a `(CST)` comment after the zone is ignored
    assert_eq!(m.text, "Subject: 最终报价 (final quote)\n\n各位：\n附件是最终报价，请查收。\nRegards,\nWang Qiang\n");
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-02T09:20:00+08:00"));
    assert_eq!((m.conversation.as_str(), m.conversation_kind.as_str()), ("final.1@example.cn", "group"));
    let x = extra(&ws, m);
    assert_eq!(x["cc"][0], serde_json::json!({"name": "张伟", "address": "zhangwei@supplier.cn"}));
    assert_eq!(x["cc"][1], serde_json::json!({"address": "audit@example.com"}));

    let pdf = b"%PDF-1.4\n% fake quote\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let a = &m.attachments[0];
    // RFC 2231 encoded file name
    assert_eq!((a.file_name.as_str(), a.mime.as_deref()), ("报价单.pdf", Some("application/pdf")));
    assert_eq!((a.size_bytes, a.sha256.clone()), (Some(pdf.len() as i64), Some(sha256(pdf))));
    assert_eq!(a.export_path.as_deref(), Some("mime part 2"));

    // the embedded mail is an attachment (its exact bytes) and a message
    let raw = std::fs::read(&path).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let start = raw.find("Content-Disposition: attachment\n\n").unwrap() + "Content-Disposition: attachment\n\n".len();
    let end = raw.rfind("\n--==outer==--").unwrap();
    let inner = &raw.as_bytes()[start..end];
    let a = &m.attachments[1];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref()), ("原始报价.eml", Some("message/rfc822")));
    assert_eq!((a.size_bytes, a.sha256.clone()), (Some(inner.len() as i64), Some(sha256(inner))));

    let e = &msgs[1];
    assert_eq!(e.locator, "quote.eml:36");
    assert_eq!(e.conversation, "final.1@example.cn");
    assert_eq!((e.sender.as_deref(), e.sender_name.as_deref()), (Some("zhangwei@supplier.cn"), Some("张伟")));
    assert_eq!(e.text, "Subject: 原始报价\n\n单价 1800 元，给你留 200 元的好处费。\n");
    assert_eq!(e.timestamp.as_deref(), Some("2026-03-01T20:00:00+08:00"));
    assert_eq!(e.external_id.as_deref(), Some("orig.1@supplier.cn"));
    assert_eq!(extra(&ws, e)["embedded_in"], serde_json::json!({"message_id": "final.1@example.cn", "mime_part": "3"}));

    ws.store.index_pending(|_, _| {}).unwrap();
    let hits = ws.store.search("好处费", 10).unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn html_only_mail_becomes_inert_text() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("email/html-only.eml"), None, None);
    assert_eq!((s.format.as_str(), s.messages), ("eml", 1));
    let m = &ws.store.messages_of_source(s.source_id).unwrap()[0];
    // GBK quoted-printable encoded word in the subject
    assert_eq!(
        m.text,
        "Subject: 佣金 notice\n\nDear\u{a0}partner,\nThe code is <b>NOT</b> markup & the fee is ¥5,000 (佣金).\nClick here\nto confirm."
    );
    assert!(!m.text.contains("<script") && !m.text.contains("alert") && !m.text.contains("Hidden title"));
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-04T23:59:59-05:00"));
    let x = extra(&ws, m);
    assert_eq!(x["body_type"], "text/html");
    assert_eq!(x["html_links"], serde_json::json!(["https://pay.example/transfer?id=42&amt=5000"]));
    // Partner and Li Ming
    assert_eq!(m.conversation_kind, "direct");
}

fn probe_of(name: &str) -> (String, Vec<u8>, Vec<Entry>) {
    let bytes = std::fs::read(fixture(&format!("email/{name}"))).unwrap();
    let entries = vec![Entry { path: name.to_string(), size: bytes.len() as u64 }];
    (name.to_string(), bytes, entries)
}

fn sniffs(format: &str, name: &str) -> bool {
    let (name, head, entries) = probe_of(name);
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let probe = Probe { name: &name, single_file: true, head, entries: &entries };
    (by_id(format).unwrap().sniff)(&probe)
}

#[test]
fn sniffers_are_specific() {
    assert!(sniffs("eml", "quote.eml") && sniffs("eml", "html-only.eml"));
    assert!(sniffs("mbox", "thread.mbox") && sniffs("mbox", "takeout.mbox") && sniffs("mbox", "mboxcl2.mbox"));
    assert!(!sniffs("mbox", "quote.eml") && !sniffs("eml", "thread.mbox") && !sniffs("eml", "takeout.mbox"));
    // RSMF is an .eml with X-RSMF-Version: left to the RSMF importer
    assert!(!sniffs("eml", "rsmf-like.eml"));
    assert!(!sniffs("eml", "not-mail.txt") && !sniffs("mbox", "not-mail.txt"));
    for generic in ["generic/chat.jsonl", "generic/chat.csv"] {
        let (_, head, entries) = probe_of(&format!("../{generic}"));
        let probe = Probe { name: generic, single_file: true, head: &head, entries: &entries };
        assert!(!(by_id("eml").unwrap().sniff)(&probe) && !(by_id("mbox").unwrap().sniff)(&probe), "{generic}");
    }
}

#[test]
fn a_file_that_is_not_mail() {
    let mut ws = Workspace::new();
    let path = fixture("email/not-mail.txt");
    let r = ws.import_all(&path, None);
    assert!(matches!(r[0].result, Err(ImportError::Unrecognized { .. })), "{r:?}");

    // forced as eml: the one "mail" has no header block and is skipped
    let s = ws.import_one(&path, None, Some("eml"));
    assert_eq!((s.messages, s.skipped), (0, 1));
    assert_eq!(s.skips[0].locator, "not-mail.txt:1");
    assert!(s.skips[0].reason.starts_with("no header block"));

    // forced as mbox: not an mbox at all
    let mut ws = Workspace::new();
    let opts = redline::import::ImportOptions { format: Some("mbox".into()), tz: Some("UTC".into()), ..Default::default() };
    let r = redline::import::import_path(&mut ws.store, &path, &opts);
    match &r[0].result {
        Err(ImportError::Malformed { at, message, .. }) => {
            assert_eq!(at, "1");
            assert!(message.contains("not an mbox"), "{message}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert_eq!(ws.store.totals().unwrap().messages, 0);
}

#[test]
fn a_folder_of_mail_files_imports_each_and_reports_the_rest() {
    let mut ws = Workspace::new();
    let results = ws.import_all(&fixture("email"), None);
    let imported: Vec<_> = results
        .iter()
        .filter_map(|r| match &r.result {
            Ok(ImportOutcome::Imported(s)) => Some((r.path.file_name().unwrap().to_string_lossy().into_owned(), s.format.clone())),
            _ => None,
        })
        .collect();
    let mut want = vec![
        ("html-only.eml", "eml"),
        ("mboxcl2.mbox", "mbox"),
        ("quote.eml", "eml"),
        ("takeout.mbox", "mbox"),
        ("thread.mbox", "mbox"),
    ];
    want.sort();
    let got: Vec<_> = imported.iter().map(|(p, f)| (p.as_str(), f.as_str())).collect();
    assert_eq!(got, want);
    assert_eq!(ws.store.totals().unwrap().messages, 1 + 2 + 2 + 4 + 3);
}
