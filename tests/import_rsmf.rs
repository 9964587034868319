//! RSMF: the .rsmf mail, rsmf.zip, an unpacked rsmf.zip folder, a bare manifest.

mod util;

use std::io::Write;
use std::path::{Path, PathBuf};

use redline::import::{import_path, ImportError, ImportOptions, ImportOutcome};
use redline::store::queries::StoredMessage;
use redline::store::SourceSummary;
use serde_json::Value;
use sha2::{Digest, Sha256};
use util::{fixture, Workspace};

fn extra(ws: &Workspace, m: &StoredMessage) -> Value {
    let raw: Option<String> =
        ws.store.conn().query_row("SELECT extra FROM messages WHERE id = ?1", [m.id], |r| r.get(0)).unwrap();
    raw.map(|r| serde_json::from_str(&r).unwrap()).unwrap_or(Value::Null)
}

fn assumed(ws: &Workspace, m: &StoredMessage) -> bool {
    ws.store.conn().query_row("SELECT ts_offset_assumed FROM messages WHERE id = ?1", [m.id], |r| r.get(0)).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// rsmf.zip of the fixture folder `rsmf/zip` (manifest, an attachment in a
/// subfolder, an attachment without extension, one avatar).
fn zip_bytes() -> Vec<u8> {
    let src = fixture("rsmf/zip");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for rel in ["rsmf_manifest.json", "att/内部文件.pdf", "photo1", "avatar_p1.png"] {
        zip.start_file(rel, opts).unwrap();
        zip.write_all(&std::fs::read(src.join(rel)).unwrap()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            out.push(if k <= c.len() { A[(n >> (18 - 6 * k) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

/// An RSMF 2.0 mail around `zip`: a text part, then rsmf.zip in base64
/// (76-character lines, or one long line), then optionally a stray PDF.
fn rsmf_mail(zip: &[u8], wrap_lines: bool, stray_pdf: bool) -> Vec<u8> {
    let b64 = base64(zip);
    let body = if wrap_lines { b64.as_bytes().chunks(76).map(|l| std::str::from_utf8(l).unwrap()).collect::<Vec<_>>().join("\r\n") } else { b64 };
    let mut m = String::from(concat!(
        "From: \"Redline Test\" <export@example.com>\r\n",
        "To: review@example.com\r\n",
        "Subject: =?UTF-8?B?6YeH6LSt6YOo?= RSMF export\r\n",
        "Date: Mon, 2 Mar 2026 12:00:00 +0800\r\n",
        "MIME-Version: 1.0\r\n",
        "X-RSMF-Version: 2.0.0\r\n",
        "X-RSMF-Generator: redline-test\r\n",
        "X-RSMF-EventCount: 11\r\n",
        "Content-Type: multipart/mixed;\r\n\tboundary=\"----=_Part_0_rsmf\"\r\n",
        "\r\n",
        "This is a multi-part message in MIME format.\r\n",
        "------=_Part_0_rsmf\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
        "Content-Transfer-Encoding: 8bit\r\n",
        "\r\n",
        "王强: 老李，上次说的内部文件发你了，别外传\r\n",
        "------=_Part_0_rsmf\r\n",
        "Content-Type: application/zip; name=\"rsmf.zip\"\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "Content-Disposition: attachment; filename=\"rsmf.zip\"\r\n",
        "\r\n",
    ));
    m.push_str(&body);
    m.push_str("\r\n");
    if stray_pdf {
        m.push_str("------=_Part_0_rsmf\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"extra.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n");
    }
    m.push_str("------=_Part_0_rsmf--\r\n");
    m.into_bytes()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// (external_id, title, kind) of every conversation, in id order.
fn conversations(ws: &Workspace) -> Vec<(String, String, String)> {
    let mut stmt = ws.store.conn().prepare("SELECT external_id, COALESCE(title, ''), kind FROM conversations ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// What every way of reading the fixture manifest must give. `inside` is
/// where the manifest sits in the source (`rsmf.zip/` in a mail), `files`
/// whether the source carries the attachments.
fn check_fixture(ws: &Workspace, s: &SourceSummary, inside: &str, files: bool) {
    assert_eq!(s.format, "rsmf");
    assert_eq!((s.messages, s.attachments, s.conversations, s.participants), (10, 3, 4, 3));
    let skips: Vec<(&str, &str)> = s.skips.iter().map(|k| (k.locator.as_str(), k.reason.as_str())).collect();
    let at = |p: &str| format!("{inside}rsmf_manifest.json#{p}");
    assert!(skips.contains(&(at("/participants/3").as_str(), "participant without an id")), "{skips:?}");
    assert!(skips.contains(&(at("/events/5").as_str(), "event is not an object")), "{skips:?}");

    assert_eq!(
        conversations(ws),
        [("C1", "采购部 procurement", "channel"), ("D1", "王强 / 李娜", "direct"), ("G1", "trio", "group"), ("X9", "X9", "unknown")]
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let p1: (String, String, String) = ws
        .store
        .conn()
        .query_row("SELECT display_name, handle, email FROM participants WHERE external_id = 'P1' AND platform = 'rsmf'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(p1, ("王强".into(), "wangq".into(), "wang.qiang@example.cn".into()));

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    let ids: Vec<&str> = msgs.iter().map(|m| m.external_id.as_deref().unwrap_or("")).collect();
    assert_eq!(ids, ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10"]);

    let e1 = &msgs[0];
    assert_eq!((e1.kind.as_str(), e1.sender.as_deref()), ("system", None));
    assert_eq!(e1.timestamp.as_deref(), Some("2026-03-02T09:00:00+08:00"));
    assert_eq!(e1.locator, at("/events/0"));
    let x1 = extra(ws, e1);
    assert_eq!((x1["type"].as_str(), x1["platform"].as_str()), (Some("disclaimer"), Some("wechat")));
    // the first message of a conversation carries the conversation itself
    assert_eq!(x1["rsmf_conversation"]["participants"], serde_json::json!(["P1", "P2", "P3"]));
    assert_eq!(x1["rsmf_conversation"]["custodian"], "P1");

    let e2 = &msgs[1];
    assert_eq!((e2.kind.as_str(), e2.sender.as_deref(), e2.sender_name.as_deref()), ("system", Some("P2"), Some("Li Na 李娜")));
    let x2 = extra(ws, e2);
    assert_eq!(x2["type"], "join");
    assert!(x2.get("rsmf_conversation").is_none());
    // P2's avatar is referenced but not in the zip
    assert_eq!(x2.get("missing_avatar").and_then(Value::as_str), files.then_some("avatar_p2.png"));

    let e3 = &msgs[2];
    assert_eq!((e3.kind.as_str(), e3.text.as_str()), ("file", "老李，上次说的内部文件发你了，别外传"));
    let pdf = &e3.attachments[0];
    assert_eq!((pdf.file_name.as_str(), pdf.size_bytes), ("内部文件.pdf", Some(27)));
    let pdf_sha = sha256_hex(&std::fs::read(fixture("rsmf/zip/att/内部文件.pdf")).unwrap());
    if files {
        assert_eq!(pdf.sha256.as_deref(), Some(pdf_sha.as_str()));
        assert_eq!(pdf.export_path.as_deref(), Some(format!("{inside}att/内部文件.pdf").as_str()));
    } else {
        assert_eq!((pdf.sha256.as_deref(), pdf.export_path.as_deref()), (None, None));
    }
    let x3 = extra(ws, e3);
    assert_eq!((x3["importance"].as_str(), x3["reactions"][0]["value"].as_str()), (Some("high"), Some("👍")));
    assert_eq!(x3["attachments"][0]["id"], "att/内部文件.pdf");
    assert!(x3.get("missing_avatar").is_none(), "P1's avatar is in the zip");

    let e4 = &msgs[3];
    assert_eq!(e4.reply_to.as_deref(), Some("E3"));
    assert_eq!(e4.text, "收到 👌  will delete after reading\n(看完就删)");
    assert!(e4.edited && !e3.edited);
    // no zone in the export: read in --tz and marked assumed
    assert_eq!(e4.timestamp.as_deref(), Some("2026-03-02T09:16:30+08:00"));
    assert!(assumed(ws, e4) && !assumed(ws, e3));
    let x4 = extra(ws, e4);
    assert!(x4.get("importance").is_none(), "normal importance is the default");
    assert_eq!((x4["direction"].as_str(), x4["read_receipts"][0]["action"].as_str()), (Some("incoming"), Some("read")));
    assert_eq!(x4["edits"][0]["previous"], "收到");

    let e5 = &msgs[4];
    assert_eq!((e5.kind.as_str(), e5.conversation.as_str(), e5.text.as_str()), ("image", "D1", ""));
    assert_eq!(e5.timestamp.as_deref(), Some("2026-03-02T01:20:00Z"));
    let names: Vec<&str> = e5.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(names, ["receipt.jpg", "gone.bin"]);
    assert_eq!(e5.attachments[0].sha256.is_some(), files);
    assert_eq!(e5.attachments[1].sha256, None);
    let x5 = extra(ws, e5);
    assert_eq!(x5["platform"], "teams");
    assert_eq!(x5.get("missing_attachments").cloned(), files.then(|| serde_json::json!(["gone.bin"])));

    let e6 = &msgs[5];
    assert_eq!((e6.kind.as_str(), e6.deleted, e6.text.as_str()), ("recalled", true, "this one was deleted"));

    let e7 = &msgs[6];
    assert_eq!((e7.conversation.as_str(), e7.ts_utc_ms), ("X9", Some(1772416800250)));
    let x7 = extra(ws, e7);
    assert_eq!((x7["conversation_undeclared"].as_bool(), x7.get("platform")), (Some(true), None));
    assert_eq!(x7["custom"][0]["value"], "export tool");

    let e8 = &msgs[7];
    assert_eq!((e8.kind.as_str(), e8.timestamp.as_deref()), ("system", None));
    assert_eq!(extra(ws, e8)["timestamp"], "yesterday afternoon");

    let e9 = &msgs[8];
    assert_eq!((e9.kind.as_str(), e9.conversation_kind.as_str()), ("other", "group"));
    assert_eq!(e9.timestamp.as_deref(), Some("2026-03-03T10:00:00.123+01:00"));
    assert_eq!(extra(ws, e9)["type"], "unknown");

    let e10 = &msgs[9];
    assert_eq!((e10.kind.as_str(), e10.sender.as_deref()), ("system", None));
}

#[test]
fn rsmf_mail_imports_every_event() {
    let mut ws = Workspace::new();
    let p = write(ws.dir.path(), "export.rsmf", &rsmf_mail(&zip_bytes(), true, false));
    let s = ws.import_one(&p, Some("Asia/Shanghai"), None);
    assert_eq!(s.skipped, 2);
    check_fixture(&ws, &s, "rsmf.zip/", true);
}

#[test]
fn rsmf_zip_and_unpacked_folder() {
    let mut ws = Workspace::new();
    let p = write(ws.dir.path(), "rsmf.zip", &zip_bytes());
    let s = ws.import_one(&p, Some("Asia/Shanghai"), None);
    assert_eq!(s.skipped, 2);
    check_fixture(&ws, &s, "", true);

    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("rsmf/zip"), Some("Asia/Shanghai"), None);
    check_fixture(&ws, &s, "", true);
}

#[test]
fn bare_manifest_has_no_files_and_notes_none_missing() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("rsmf/zip/rsmf_manifest.json"), Some("Asia/Shanghai"), None);
    check_fixture(&ws, &s, "", false);
}

#[test]
fn mail_with_unwrapped_base64_and_a_stray_attachment() {
    let mut ws = Workspace::new();
    let p = write(ws.dir.path(), "one-line.rsmf", &rsmf_mail(&zip_bytes(), false, true));
    let s = ws.import_one(&p, Some("Asia/Shanghai"), None);
    assert_eq!((s.messages, s.skipped), (10, 3));
    assert_eq!(s.skips[0].locator, "one-line.rsmf@3");
    assert_eq!(s.skips[0].reason, "MIME attachment \"extra.pdf\" ignored: an RSMF file carries only rsmf.zip");
}

fn import_err(ws: &mut Workspace, path: &Path) -> ImportError {
    let opts = ImportOptions { format: None, tz: Some("UTC".into()), ..Default::default() };
    let mut r = import_path(&mut ws.store, path, &opts);
    match r.remove(0).result {
        Err(e) => e,
        other => panic!("{}: expected an error, got {other:?}", path.display()),
    }
}

#[test]
fn broken_inputs_are_errors_that_write_nothing() {
    let mut ws = Workspace::new();
    let dir = ws.dir.path().to_path_buf();

    let cut = write(&dir, "cut.json", br#"{"version": "2.0.0", "participants": [], "conversations": [], "events": [{"id": "1", "type": "message"}, {"id": "2", "bo"#);
    let e = import_err(&mut ws, &cut);
    assert!(matches!(e, ImportError::Malformed { .. }), "{e}");
    assert!(e.to_string().contains("/events/1"), "{e}");

    let no_events = write(&dir, "no-events.json", br#"{"version": "2.0.0", "participants": [{"id": "P"}], "conversations": [{"id": "C", "participants": []}]}"#);
    assert!(import_err(&mut ws, &no_events).to_string().contains("no \"events\""));

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"no manifest").unwrap();
    let no_manifest = write(&dir, "empty.rsmf", &rsmf_mail(&zip.finish().unwrap().into_inner(), true, false));
    assert!(import_err(&mut ws, &no_manifest).to_string().contains("no rsmf_manifest.json in rsmf.zip"));

    let mut mail = rsmf_mail(&zip_bytes(), true, false);
    let text = String::from_utf8(mail.clone()).unwrap().replace("filename=\"rsmf.zip\"", "filename=\"other.zip\"").replace("name=\"rsmf.zip\"", "name=\"other.zip\"");
    mail = text.into_bytes();
    let wrong_name = write(&dir, "wrong.rsmf", &mail);
    assert!(import_err(&mut ws, &wrong_name).to_string().contains("no rsmf.zip attachment (attachments: other.zip)"));

    assert_eq!(ws.store.totals().unwrap().sources, 0);
}

#[test]
fn look_alikes_are_not_rsmf() {
    let mut ws = Workspace::new();
    let dir = ws.dir.path().join("walk");
    std::fs::create_dir(&dir).unwrap();
    // a JSON schema that names every manifest key, a plain mail, an avatar
    write(&dir, "schema.json", br#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["version", "participants", "events"], "properties": {"version": {"type": "string"}, "participants": {"type": "array"}, "events": {"type": "array"}}}"#);
    write(&dir, "plain.eml", b"From: a@example.com\r\nSubject: X-RSMF-Version: 2.0.0\r\n\r\nbody X-RSMF-Version: 1\r\n");
    write(&dir, "avatar.png", b"\x89PNG\r\n\x1a\n");
    let results = ws.import_all(&dir, None);
    assert_eq!(results.len(), 3);
    for r in &results {
        if r.path.ends_with("plain.eml") {
            // An ordinary mail that merely mentions the header is e-mail, not RSMF.
            assert!(matches!(&r.result, Ok(ImportOutcome::Imported(s)) if s.format == "eml"), "{:?}", r);
        } else {
            assert!(matches!(r.result, Ok(ImportOutcome::NotRecognized { .. })), "{:?}", r);
        }
    }
}
