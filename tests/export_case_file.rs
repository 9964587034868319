//! Case files: what an export writes, that a lawyer, a second reviewer and an
//! eDiscovery platform can open it, and that `verify` catches any change.
//!
//! The evidence is a WhatsApp export (a zip with a photo and a PDF) built
//! here, imported, scanned with `tests/fixtures/export/pack.toml` and
//! grouped; a reviewer annotates, notes and closes the case, then exports.
//! Tests that need Chromium or pdftotext fail with the package to install
//! when it is missing (`make test` installs both).

mod util;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use redline::api::{Request, Response};
use redline::export::{CaseFileReport, ExportOptions, ExportSummary, Language, RedactKind};
use redline::review::Disposition;
use util::{api, Workspace};

const CHAT: &str = "\
[02.03.26, 08:59:00] Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.
[02.03.26, 09:00:00] 王强: Good morning, the tender documents are ready
[02.03.26, 09:05:00] 王强: 老李，这点辛苦费你收下，有事打13812345678
[02.03.26, 09:06:00] 李明: \u{200e}<attached: 00000001-PHOTO-2026-03-02-09-06-00.png>
[02.03.26, 09:07:00] 王强: Keep the kickback quiet <script>alert(1)</script> <img src=x onerror=alert(2)>
[02.03.26, 09:08:00] 李明: 邮箱 li.ming@example.cn
[02.03.26, 09:09:00] 王强: Invoice 2026-03.pdf • \u{200e}1 page \u{200e}<attached: 00000002-Invoice 2026-03.pdf>
[02.03.26, 09:10:00] 李明: 好的
[02.03.26, 09:11:00] 李明: 明天见
";

const PHOTO: &str = "00000001-PHOTO-2026-03-02-09-06-00.png";
const INVOICE: &str = "00000002-Invoice 2026-03.pdf";

/// A small real PNG: a red square with a blue stripe.
fn png_bytes() -> Vec<u8> {
    let (w, h) = (64u32, 48u32);
    let mut data = Vec::new();
    for y in 0..h {
        for _ in 0..w {
            data.extend_from_slice(if y < 12 { &[30, 60, 200] } else { &[200, 30, 30] });
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&data).unwrap();
    }
    out
}

/// `WhatsApp Chat - 采购群.zip` in `dir`.
fn whatsapp_zip(dir: &Path) -> PathBuf {
    let path = dir.join("WhatsApp Chat - 采购群.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    z.start_file("_chat.txt", o).unwrap();
    z.write_all(CHAT.as_bytes()).unwrap();
    z.start_file(PHOTO, o).unwrap();
    z.write_all(&png_bytes()).unwrap();
    z.start_file(INVOICE, o).unwrap();
    z.write_all(b"%PDF-1.4\n% invoice 2026-03, 3 x 1,000.00 CNY\n%%EOF\n").unwrap();
    z.finish().unwrap();
    path
}

struct Fixture {
    ws: Workspace,
    case: i64,
    source: PathBuf,
}

/// Imported, scanned, grouped; the case is annotated, noted and closed as a violation.
fn fixture() -> Fixture {
    let mut ws = Workspace::new();
    let source = whatsapp_zip(ws.dir.path());
    ws.import_one(&source, Some("Asia/Shanghai"), None);
    util::scan_pack(&mut ws, &util::fixture("export/pack.toml"));
    api(&mut ws, "alice", Request::Regroup);
    let case = match api(&mut ws, "alice", Request::ListCases { filter: Default::default(), sort: None, offset: None, limit: None, facets: None }) {
        Response::Cases(p) => {
            assert_eq!(p.total, 1, "one case: {:?}", p.cases);
            p.cases[0].id
        }
        r => panic!("{r:?}"),
    };
    let hit_message = message_with(&ws, "辛苦费");
    api(&mut ws, "alice", Request::Annotate { message_id: hit_message, case_id: Some(case), span: Some((5, 8)), label: "key evidence".into(), text: "calls it 辛苦费".into() });
    api(&mut ws, "alice", Request::AddNote { id: case, text: "王强 offers money twice; the invoice is attached.".into() });
    api(&mut ws, "alice", Request::SetStatus { id: case, status: redline::review::Status::InReview, reason: None });
    api(&mut ws, "alice", Request::Close { id: case, disposition: Disposition::Violation, reason: Some("confirmed".into()), misfired_rule: None });
    Fixture { ws, case, source }
}

fn message_with(ws: &Workspace, needle: &str) -> i64 {
    ws.store
        .conn()
        .query_row("SELECT id FROM messages WHERE instr(text, ?1) > 0", [needle], |r| r.get(0))
        .unwrap_or_else(|e| panic!("no message with {needle}: {e}"))
}

fn export(f: &mut Fixture, out: &Path, options: ExportOptions) -> ExportSummary {
    let req = Request::Export { case_ids: vec![f.case], out: out.display().to_string(), options };
    match api(&mut f.ws, "alice", req) {
        Response::Exported(s) => s,
        r => panic!("{r:?}"),
    }
}

fn verify(f: &mut Fixture, path: &Path) -> CaseFileReport {
    match api(&mut f.ws, "alice", Request::VerifyCaseFile { path: path.display().to_string() }) {
        Response::CaseFileVerify(r) => r,
        r => panic!("{r:?}"),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    redline::import::tree::sha256_reader(bytes).unwrap().1
}

/// A tool the test needs; fails (never skips) with what to install.
fn tool(path: &str, package: &str) -> PathBuf {
    let p = which(path).unwrap_or_else(|| panic!("{path} is missing: install the Debian package {package} (`make test` installs it)"));
    p
}

fn which(name: &str) -> Option<PathBuf> {
    if name.starts_with('/') {
        return Path::new(name).exists().then(|| PathBuf::from(name));
    }
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.exists()))
}

#[test]
fn a_case_file_has_every_file_and_each_says_the_same() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("case-file");
    let s = export(&mut f, &out, ExportOptions { language: Language::Zh, ..Default::default() });
    let photo_sha = sha256(&png_bytes());
    let photo_rel = format!("attachments/{photo_sha}.png");
    for name in ["case.html", "case.pdf", "case.json", "messages.csv", "case.rsmf", "loadfile.dat", "loadfile.opt", "manifest.json", "manifest.sha256", &photo_rel] {
        assert!(out.join(name).is_file(), "{name} missing; wrote {:?}", s.files);
        assert!(s.files.iter().any(|x| x == name), "{name} not in the summary");
    }
    assert_eq!((s.attachments_included, s.attachments_missing), (2, 0));
    // the copy is the file from the original zip, byte for byte
    assert_eq!(std::fs::read(out.join(&photo_rel)).unwrap(), png_bytes());

    // case.json: the case, its rules, reviewers, notes, annotations, audit, the messages with context
    let cj = json(&out.join("case.json"));
    let case = &cj["cases"][0];
    assert_eq!(case["id"], f.case);
    assert_eq!(case["status"], "closed");
    assert_eq!(case["disposition"], "violation");
    assert_eq!(case["closed_by"], "alice");
    assert_eq!(case["red_lines"][0]["title"], "收受红包转账");
    assert_eq!(case["rules"][0]["terms"], serde_json::json!(["辛苦费", "kickback"]));
    assert_eq!(case["annotations"][0]["quote"], "辛苦费");
    assert!(case["notes"][0]["text"].as_str().unwrap().contains("王强 offers money"));
    let actions: Vec<&str> = case["audit"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["case.create", "case.note", "case.status", "case.close", "annotation.add"] {
        assert!(actions.contains(&a), "{a} not in {actions:?}");
    }
    let messages = cj["messages"].as_array().unwrap();
    // the default context (5 each way) takes the whole 9-message chat
    assert_eq!(messages.len(), 9);
    let roles: Vec<&str> = messages.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "hit").count(), 2, "{roles:?}");
    let hit = messages.iter().find(|m| m["text"].as_str().unwrap().contains("辛苦费")).unwrap();
    assert_eq!(hit["timestamp"], "2026-03-02T09:05:00+08:00");
    assert_eq!(hit["hits"][0]["spans"], serde_json::json!([[5, 8]]));
    let att = messages.iter().flat_map(|m| m["attachments"].as_array().unwrap()).find(|a| a["file_name"] == PHOTO).unwrap();
    assert_eq!(att["path"], photo_rel);
    assert_eq!(att["sha256"], photo_sha);

    // messages.csv: BOM, header, Chinese intact, formulas neutralised
    let csv = std::fs::read(out.join("messages.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "messages.csv needs a BOM for Excel");
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(csv.starts_with("case_ids,message_id,role,"), "{csv}");
    assert!(csv.contains("老李，这点辛苦费你收下"));
    assert_eq!(csv::Reader::from_reader(csv.as_bytes()).records().count(), 9);

    // load files: Concordance DAT (BOM, þ quotes, char 20 separators) and Opticon OPT
    let dat = read(&out.join("loadfile.dat"));
    assert!(dat.starts_with('\u{feff}'));
    let lines: Vec<&str> = dat.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + 3, "header, the report, two attachments");
    let cells = |l: &str| l.split('\u{14}').map(|c| c.trim_matches('\u{fe}').to_string()).collect::<Vec<_>>();
    let header = cells(lines[0]);
    assert_eq!(&header[..4], ["BEGBATES", "ENDBATES", "BEGATTACH", "ENDATTACH"]);
    assert!(lines.iter().all(|l| l.starts_with('\u{fe}') && l.ends_with('\u{fe}')));
    let pages = s.pdf_pages.unwrap();
    let report = cells(lines[1]);
    assert_eq!((report[0].as_str(), report[1].clone()), ("RL000001", format!("RL{pages:06}")));
    let photo_doc = lines[2..].iter().map(|l| cells(l)).find(|c| c.contains(&photo_rel)).expect("photo in the DAT");
    assert_eq!(photo_doc[4], "RL000001", "PARENTBATES of an attachment is its report");
    assert_eq!(report[3], format!("RL{:06}", pages + 2), "ENDATTACH closes the family");
    assert_eq!(s.bates_last.as_deref(), Some(report[3].as_str()));
    let opt = read(&out.join("loadfile.opt"));
    assert_eq!(opt.lines().count(), pages);
    assert_eq!(opt.lines().next().unwrap(), format!("RL000001,REDLINE,case.pdf,Y,,,{pages}"));

    // manifest: every file with its hash, the source export, the attachments with their names
    let m = json(&out.join("manifest.json"));
    let listed: Vec<&str> = m["files"].as_array().unwrap().iter().map(|x| x["path"].as_str().unwrap()).collect();
    for name in ["case.html", "case.pdf", "case.json", "messages.csv", "case.rsmf", "loadfile.dat", "loadfile.opt", &photo_rel] {
        assert!(listed.contains(&name), "{name} not in the manifest");
    }
    let json_entry = m["files"].as_array().unwrap().iter().find(|x| x["path"] == "case.json").unwrap();
    assert_eq!(json_entry["sha256"], sha256(&std::fs::read(out.join("case.json")).unwrap()));
    assert_eq!(m["sources"][0]["sha256"], sha256(&std::fs::read(&f.source).unwrap()));
    assert_eq!(m["attachments"].as_array().unwrap().len(), 2);
    assert!(m["attachments"].as_array().unwrap().iter().any(|a| a["original_names"][0] == PHOTO && a["included"] == true));
    assert_eq!(m["tool"], "redline");
    assert_eq!(m["exporter"]["login"], "alice");
    let seal = read(&out.join("manifest.sha256"));
    assert_eq!(seal, format!("{}  manifest.json\n", s.manifest_sha256));

    // the export is audited, once per case, with the manifest's hash
    let log = match api(&mut f.ws, "alice", Request::AuditLog { case_id: Some(f.case), limit: None }) {
        Response::Audit(l) => l,
        r => panic!("{r:?}"),
    };
    let e = log.iter().find(|e| e.action == "case.export").expect("case.export audited");
    assert!(e.after.as_deref().unwrap().contains(&s.manifest_sha256));
    assert_eq!(s.audit_seqs, [e.seq]);
    match api(&mut f.ws, "alice", Request::AuditVerify) {
        Response::AuditVerify(v) => assert!(v.ok, "{:?}", v.problems),
        r => panic!("{r:?}"),
    }
}

#[test]
fn case_json_validates_against_the_documented_schema() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("cf");
    export(&mut f, &out, ExportOptions { redact: RedactKind::ALL.to_vec(), include_pdf: false, ..Default::default() });
    let schema: serde_json::Value = serde_json::from_str(&read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/case-file-schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let doc = json(&out.join("case.json"));
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "case.json does not match docs/case-file-schema.json:\n{}", errors.join("\n"));
    // and the schema can fail: a message without its text is refused
    let mut broken = doc.clone();
    broken["messages"][0].as_object_mut().unwrap().remove("text");
    assert!(!validator.is_valid(&broken));
    let mut broken = doc;
    broken["cases"][0]["status"] = "maybe".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn message_text_is_inert_in_the_html_report() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("cf");
    export(&mut f, &out, ExportOptions { include_pdf: false, ..Default::default() });
    let html = read(&out.join("case.html"));
    assert!(!html.contains("<script"), "a <script> tag got into case.html");
    assert!(!html.contains("<img src=x"), "an <img> from a message got into case.html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    // the hit is a <mark> around the escaped text, on exactly the matched characters
    assert!(html.contains("老李，这点<mark>辛苦费</mark>你收下"), "highlight not on 辛苦费");
    assert!(html.contains("Keep the <mark>kickback</mark> quiet &lt;script&gt;"));
    // self-contained: no external fetches, scripts forbidden by policy
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for external in ["src=\"http", "href=\"http", "@import", "url(http", "<link"] {
        assert!(!html.contains(external), "case.html loads {external}");
    }
    // the font is embedded: a subset of the CJK font with the report's characters
    let b64 = html.split("url(data:font/otf;base64,").nth(1).and_then(|r| r.split(')').next()).expect("an embedded font");
    use base64::Engine;
    let font = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let face = rustybuzz::ttf_parser::Face::parse(&font, 0).expect("the embedded font is a font");
    for c in "老李辛苦费收下kickback".chars() {
        assert!(face.glyph_index(c).is_some(), "{c} missing from the embedded font");
    }
    assert!(font.len() < 2 << 20, "a subset, not the whole font ({} bytes)", font.len());
    // the photo is a blurred thumbnail with a switch to show it
    assert!(html.contains("data:image/png;base64,"));
    assert!(html.contains("id=\"show-images\">"), "images start blurred (switch unchecked)");
}

/// Decode a PNG into (width, height, RGBA-ish pixels, channels).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, info.color_type.samples())
}

#[test]
fn case_html_renders_in_headless_chromium() {
    let chromium = tool("/usr/bin/chromium", "chromium");
    let mut f = fixture();
    let out = f.ws.dir.path().join("cf");
    export(&mut f, &out, ExportOptions { include_pdf: false, blur_images: false, ..Default::default() });
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-case-html.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars"])
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1200,1600")
        .arg(format!("file://{}", out.join("case.html").display()))
        .output()
        .expect("chromium runs");
    let log = String::from_utf8_lossy(&status.stderr);
    assert!(shot.is_file(), "no screenshot: {log}");
    // the browser accepted the embedded font and blocked nothing
    for bad in ["OTS parsing error", "Failed to decode downloaded font", "Refused to", "Content Security Policy"] {
        assert!(!log.contains(bad), "Chromium: {bad}\n{log}");
    }
    let (w, h, px, n) = decode_png(&shot);
    assert_eq!((w, h), (1200, 1600));
    let pixels: Vec<&[u8]> = px.chunks(n).collect();
    let non_white = pixels.iter().filter(|p| p[..3].iter().any(|&c| c < 240)).count();
    assert!(non_white > pixels.len() / 50, "the page looks blank ({non_white} non-white pixels)");
    // the highlight colour (#ffe066) of <mark> is on screen
    let marks = pixels.iter().filter(|p| p[0] > 245 && (215..=235).contains(&p[1]) && (90..=115).contains(&p[2])).count();
    assert!(marks > 50, "no highlighted text visible ({marks} pixels)");
    eprintln!("screenshot: {}", shot.display());
}

fn pdftotext(pdf: &Path) -> String {
    let bin = tool("pdftotext", "poppler-utils");
    let out = Command::new(bin).arg("-enc").arg("UTF-8").arg(pdf).arg("-").output().expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_pdf_carries_chinese_and_english_text_and_bates_numbers() {
    let mut f = fixture();
    for (lang, label) in [(Language::Zh, "对话摘录"), (Language::En, "Conversation excerpts")] {
        let out = f.ws.dir.path().join(format!("cf-{}", lang.as_str()));
        let s = export(&mut f, &out, ExportOptions { language: lang, bates_prefix: "ACME".into(), bates_start: 41, ..Default::default() });
        let pdf = out.join("case.pdf");
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.windows(9).any(|w| w == b"FontFile3") || bytes.windows(9).any(|w| w == b"FontFile2"), "fonts are embedded");
        let text = pdftotext(&pdf);
        for needle in ["老李，这点辛苦费你收下", "Good morning, the tender documents are ready", "明天见", label, "ACME000041", "王强"] {
            assert!(text.contains(needle), "{needle:?} not in pdftotext output ({}):\n{text}", lang.as_str());
        }
        // the hostile message is text in the PDF too
        assert!(text.contains("<script>alert(1)</script>"));
        let pages = s.pdf_pages.unwrap();
        assert!(text.contains(&format!("ACME{:06}", 41 + pages - 1)), "last page's Bates number");
    }
}

#[test]
fn verify_passes_then_names_each_altered_added_or_removed_file() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("cf");
    let s = export(&mut f, &out, ExportOptions::default());
    let ok = verify(&mut f, &out);
    assert!(ok.ok, "{ok:?}");
    assert_eq!(ok.checked, s.files.len() - 2, "every file but the manifest and its seal");
    assert_eq!(ok.recorded_in_audit.as_deref(), Some(&s.audit_seqs[..]), "the workspace recorded this export");

    let photo = format!("attachments/{}.png", sha256(&png_bytes()));
    let kinds = ["case.html", "case.pdf", "case.json", "messages.csv", &photo, "case.rsmf", "loadfile.dat", "loadfile.opt", "manifest.json", "manifest.sha256"];
    for (k, name) in kinds.iter().enumerate() {
        let copy = f.ws.dir.path().join(format!("tampered-{k}"));
        copy_dir(&out, &copy);
        let file = copy.join(name);
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(&file, bytes).unwrap();
        let r = verify(&mut f, &copy);
        assert!(!r.ok, "changing one byte of {name} went unnoticed");
        let expected = if *name == "manifest.sha256" { "manifest.json" } else { name };
        assert!(r.altered.iter().any(|a| a == expected), "{name}: altered = {:?}, problems = {:?}", r.altered, r.problems);
        assert!(r.added.is_empty() && r.removed.is_empty(), "{name}: {r:?}");
    }
    // a file added, a file removed
    let copy = f.ws.dir.path().join("tampered-add-remove");
    copy_dir(&out, &copy);
    std::fs::write(copy.join("attachments/extra.txt"), "planted").unwrap();
    std::fs::remove_file(copy.join("loadfile.opt")).unwrap();
    let r = verify(&mut f, &copy);
    assert!(!r.ok);
    assert_eq!((r.added.clone(), r.removed.clone(), r.altered.clone()), (vec!["attachments/extra.txt".to_string()], vec!["loadfile.opt".to_string()], vec![]));
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if e.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
}

#[test]
fn a_zip_case_file_verifies_through_the_cli() {
    let mut f = fixture();
    let zip_path = f.ws.dir.path().join("case-file.zip");
    let s = export(&mut f, &zip_path, ExportOptions { include_pdf: false, ..Default::default() });
    assert!(zip_path.is_file());
    let mut names: Vec<String> = {
        let z = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
        z.file_names().map(|n| n.unwrap().into_owned()).collect()
    };
    names.sort();
    assert_eq!(names, s.files, "the zip holds the case file at its root");
    assert!(!std::fs::read_dir(f.ws.dir.path()).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".redline-export-")), "staging removed");

    let bin = env!("CARGO_BIN_EXE_redline");
    let run = |path: &Path| Command::new(bin).arg("--db").arg(f.ws.db_path()).arg("verify").arg(path).output().unwrap();
    let good = run(&zip_path);
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    assert!(String::from_utf8_lossy(&good.stdout).contains("recorded in this workspace's audit trail"));

    // rewrite the zip with one byte of messages.csv changed
    let bad = f.ws.dir.path().join("tampered.zip");
    {
        let mut src = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
        let mut dst = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
        for i in 0..src.len() {
            let mut e = src.by_index(i).unwrap();
            let name = e.name().unwrap().into_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            if name == "messages.csv" {
                let at = bytes.len() - 5;
                bytes[at] ^= 0x20;
            }
            dst.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            dst.write_all(&bytes).unwrap();
        }
        dst.finish().unwrap();
    }
    let out = run(&bad);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ALTERED  messages.csv"), "{text}");
    assert!(text.contains("NOT INTACT"));
}

#[test]
fn redaction_replaces_identifiers_everywhere_and_keeps_highlights_on_the_words() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("cf");
    let s = export(&mut f, &out, ExportOptions { redact: vec![RedactKind::Phone, RedactKind::Email], ..Default::default() });
    assert_eq!(s.redactions, 2);
    // no file of the case file holds the number or the address in the clear
    // (case.rsmf is base64 inside; it is checked by reading it back below)
    for name in ["case.html", "case.json", "messages.csv", "loadfile.dat", "manifest.json"] {
        let text = read(&out.join(name));
        assert!(!text.contains("13812345678") && !text.contains("li.ming@example.cn"), "{name} leaks an identifier");
    }
    let cj = json(&out.join("case.json"));
    let hit = cj["messages"].as_array().unwrap().iter().find(|m| m["text"].as_str().unwrap().contains("辛苦费")).unwrap();
    assert_eq!(hit["text"], "老李，这点辛苦费你收下，有事打[REDACTED:phone]");
    assert_eq!(hit["redactions"], serde_json::json!([{ "kind": "phone", "start": 15, "end": 31 }]));
    assert_eq!(hit["hits"][0]["spans"], serde_json::json!([[5, 8]]));
    let m = json(&out.join("manifest.json"));
    assert_eq!(m["redaction"]["kinds"], serde_json::json!(["phone", "email"]));
    assert_eq!(m["redaction"]["counts"], serde_json::json!({ "email": 1, "phone": 1 }));
    let html = read(&out.join("case.html"));
    assert!(html.contains("<span class=\"redacted\">[REDACTED:phone]</span>"));
    assert!(pdftotext(&out.join("case.pdf")).contains("[REDACTED:email]"));
    // the RSMF carries the redacted text too
    let mut other = Workspace::new();
    other.import_one(&out.join("case.rsmf"), None, None);
    let texts: Vec<String> = other.store.conn().prepare("SELECT text FROM messages").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert!(texts.iter().any(|t| t == "邮箱 [REDACTED:email]"), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("13812345678")));
}

type Row = (String, Option<String>, Option<String>, Option<i64>, Option<i32>, String);

/// (text, sender external id, sender name, UTC ms, offset, attachment names) by message, in order.
fn messages_of(store: &redline::store::Store) -> Vec<Row> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT m.text, p.external_id, coalesce(m.sender_name, p.display_name), m.ts_utc_ms, m.ts_offset_min,
                    coalesce((SELECT group_concat(file_name || ':' || coalesce(sha256, '-'), '|') FROM attachments a WHERE a.message_id = m.id), '')
             FROM messages m LEFT JOIN participants p ON p.id = m.sender_id ORDER BY m.ts_utc_ms, m.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn rsmf_round_trips_through_the_importer() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("cf");
    export(&mut f, &out, ExportOptions { include_pdf: false, context: Some(20), ..Default::default() });
    let rsmf = out.join("case.rsmf");
    let head = read(&rsmf);
    for h in ["X-RSMF-Version: 2.0.0", "X-RSMF-Generator: Redline", "X-RSMF-EventCount: 9", "X-RSMF-AttachmentCount: 2", "X-RSMF-BeginDate: 2026-03-02T00:59:00Z", "X-RSMF-EndDate: 2026-03-02T01:11:00Z"] {
        assert!(head.contains(h), "{h} missing in the RSMF headers");
    }
    assert_eq!(head.matches("filename=\"rsmf.zip\"").count(), 1, "exactly one attachment");

    let mut back = Workspace::new();
    let summary = back.import_one(&rsmf, None, None);
    assert_eq!(summary.skipped, 0, "nothing skipped");
    let original = messages_of(&f.ws.store);
    let read_back = messages_of(&back.store);
    assert_eq!(read_back.len(), original.len(), "every message");
    for (a, b) in original.iter().zip(&read_back) {
        assert_eq!(a.0, b.0, "text");
        assert_eq!((&a.1, &a.2), (&b.1, &b.2), "sender of {:?}", a.0);
        assert_eq!((a.3, a.4), (b.3, b.4), "timestamp (instant and offset) of {:?}", a.0);
        assert_eq!(a.5, b.5, "attachment names and hashes of {:?}", a.0);
    }
    // every participant, with their names
    let people = |s: &redline::store::Store| -> Vec<(String, Option<String>)> {
        s.conn().prepare("SELECT external_id, display_name FROM participants ORDER BY external_id").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(people(&back.store), people(&f.ws.store));
    // the manifest is valid RSMF 2.0 by Relativity's own schema (from the shared corpus)
    if let Some(corpus) = util::corpus("rsmf_round_trips_through_the_importer") {
        use redline::import::tree::SourceTree;
        let schema: serde_json::Value = serde_json::from_str(&read(&corpus.join("rsmf/relativity-validator/rsmf_schema_2_0_0.json"))).unwrap();
        let (mut zip, extra) = redline::import::rsmf::mail_zip(std::fs::File::open(&rsmf).unwrap(), &rsmf).unwrap();
        assert!(extra.is_empty(), "only rsmf.zip is attached");
        let manifest: serde_json::Value = serde_json::from_slice(&zip.read_all("rsmf_manifest.json", 1 << 24).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&manifest).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "rsmf_manifest.json is not valid RSMF 2.0:\n{}", errors.join("\n"));
        for entry in manifest["events"].as_array().unwrap().iter().flat_map(|e| e["attachments"].as_array().cloned().unwrap_or_default()) {
            assert!(zip.has(entry["id"].as_str().unwrap()), "attachment {entry} is not in rsmf.zip");
        }
    }
    // Redline's own details travel in custom fields
    let extra = util::extra(&back.store, 3);
    let custom = extra["custom"].as_array().expect("custom kept");
    assert!(custom.iter().any(|c| c["name"] == "role" && c["value"] == "hit"), "{custom:?}");
}

#[test]
fn attachments_whose_original_is_gone_are_listed_as_not_included() {
    let mut f = fixture();
    std::fs::remove_file(&f.source).unwrap();
    let out = f.ws.dir.path().join("cf");
    let s = export(&mut f, &out, ExportOptions { include_pdf: false, ..Default::default() });
    assert_eq!((s.attachments_included, s.attachments_missing), (0, 2));
    assert!(!out.join("attachments").exists());
    let m = json(&out.join("manifest.json"));
    for a in m["attachments"].as_array().unwrap() {
        assert_eq!(a["included"], false);
        assert!(a["reason"].as_str().unwrap().contains("no longer there"), "{a}");
    }
    assert!(read(&out.join("case.html")).contains("not included"));
    // the DAT produces the report only
    assert_eq!(read(&out.join("loadfile.dat")).lines().count(), 2);
    assert!(verify(&mut f, &out).ok);
}

#[test]
fn batch_export_by_filter_and_refusals() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("batch");
    let filter = redline::review::queue::CaseFilter {
        status: Some("closed".into()),
        disposition: Some("violation".into()),
        from: Some("2026-03-01".into()),
        to: Some("2026-03-31".into()),
        ..Default::default()
    };
    let req = Request::ExportCases { filter: filter.clone(), out: out.display().to_string(), options: ExportOptions { include_pdf: false, ..Default::default() } };
    match api(&mut f.ws, "alice", req) {
        Response::Exported(s) => assert_eq!(s.cases, [f.case]),
        r => panic!("{r:?}"),
    }
    // nothing matches April
    let april = redline::review::queue::CaseFilter { from: Some("2026-04-01".into()), to: None, ..filter };
    let req = Request::ExportCases { filter: april, out: f.ws.dir.path().join("none").display().to_string(), options: ExportOptions::default() };
    assert_eq!(util::api_err(&mut f.ws, "alice", req), "bad_request");
    // an existing, non-empty destination is never overwritten
    let req = Request::Export { case_ids: vec![f.case], out: out.display().to_string(), options: ExportOptions::default() };
    assert_eq!(util::api_err(&mut f.ws, "alice", req), "bad_request");
    // unknown case: nothing written, nothing audited
    let nowhere = f.ws.dir.path().join("nowhere");
    let req = Request::Export { case_ids: vec![999], out: nowhere.display().to_string(), options: ExportOptions::default() };
    assert_eq!(util::api_err(&mut f.ws, "alice", req), "not_found");
    assert!(!nowhere.exists());
}

#[test]
fn without_a_chinese_font_the_pdf_is_refused_with_what_to_install() {
    let f = fixture();
    let bin = env!("CARGO_BIN_EXE_redline");
    let out = f.ws.dir.path().join("no-font");
    let run = |extra: &[&str]| {
        Command::new(bin)
            .env("REDLINE_CJK_FONT", "/nonexistent/font.ttc")
            .env("REDLINE_REVIEWER", "alice")
            .arg("--db")
            .arg(f.ws.db_path())
            .args(["export", &f.case.to_string(), "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = run(&[]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("apt-get install fonts-noto-cjk") && err.contains("missing_font"), "{err}");
    assert!(!out.exists(), "nothing written when the PDF cannot be made");
    let ok = run(&["--no-pdf"]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(out.join("case.html").is_file() && !out.join("case.pdf").exists());
}

#[test]
fn a_reviewer_who_sees_aliases_exports_aliases() {
    let mut f = fixture();
    let mut s = match api(&mut f.ws, "alice", Request::GetSettings) {
        Response::Settings(s) => s,
        r => panic!("{r:?}"),
    };
    s.pseudonymise = true;
    api(&mut f.ws, "alice", Request::SetSettings { settings: s });
    // bob is a plain reviewer who has revealed no one
    let out = f.ws.dir.path().join("cf-bob");
    let req = Request::Export { case_ids: vec![f.case], out: out.display().to_string(), options: ExportOptions { include_pdf: false, ..Default::default() } };
    match api(&mut f.ws, "bob", req) {
        Response::Exported(_) => {}
        r => panic!("{r:?}"),
    }
    let cj = json(&out.join("case.json"));
    assert_eq!(cj["generated"]["pseudonymised"], true);
    for p in cj["participants"].as_array().unwrap() {
        assert!(p["external_id"].as_str().unwrap().starts_with("Participant "), "{p}");
        assert!(p["phone"].is_null() && p["handle"].is_null());
    }
    for m in cj["messages"].as_array().unwrap().iter().filter(|m| !m["sender"].is_null()) {
        assert!(m["sender"].as_str().unwrap().starts_with("Participant "), "{m}");
    }
    let title = cj["cases"][0]["title"].as_str().unwrap();
    assert!(title.starts_with("illicit-payments: Participant ") && !title.contains("王强"), "{title}");
    let html = read(&out.join("case.html"));
    assert!(html.contains("are pseudonymised"));
}

/// The attachment rows of the message that mentions `needle`.
fn attachments_of(f: &mut Fixture, needle: &str) -> Vec<redline::review::context::AttachmentInfo> {
    let id = message_with(&f.ws, needle);
    match api(&mut f.ws, "alice", Request::Window { message_id: id, before: Some(0), after: Some(0) }) {
        Response::Window(w) => w.messages.into_iter().find(|m| m.id == id).expect("the message itself").attachments,
        r => panic!("{r:?}"),
    }
}

#[test]
fn the_case_view_gets_attachment_bytes_verified_and_typed_by_content() {
    use base64::Engine;
    let mut f = fixture();
    let photo = attachments_of(&mut f, "PHOTO").pop().expect("photo attachment");
    let got = match api(&mut f.ws, "alice", Request::Attachment { id: photo.id }) {
        Response::Attachment(a) => a,
        r => panic!("{r:?}"),
    };
    let bytes = base64::engine::general_purpose::STANDARD.decode(&got.data_base64).unwrap();
    assert_eq!(bytes, png_bytes());
    assert_eq!((got.display_type.as_deref(), got.sha256.as_str()), (Some("image/png"), sha256(&png_bytes()).as_str()));
    assert_eq!(got.size_bytes, bytes.len() as u64);

    // a file that is no image is served but never typed for display
    let invoice = attachments_of(&mut f, "Invoice").pop().expect("invoice attachment");
    match api(&mut f.ws, "alice", Request::Attachment { id: invoice.id }) {
        Response::Attachment(a) => assert_eq!((a.display_type, a.file_name.as_str()), (None, INVOICE)),
        r => panic!("{r:?}"),
    }

    // the photo swapped in the original export after import: refused, saying so
    let chat = std::fs::read(&f.source).unwrap();
    std::fs::remove_file(&f.source).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(&f.source).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    {
        let mut original = zip::ZipArchive::new(std::io::Cursor::new(chat)).unwrap();
        let mut text = String::new();
        original.by_name("_chat.txt").unwrap().read_to_string(&mut text).unwrap();
        z.start_file("_chat.txt", o).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.start_file(PHOTO, o).unwrap();
    z.write_all(b"\x89PNG\r\n\x1a\nnot the photo that was imported").unwrap();
    z.finish().unwrap();
    let req = Request::Attachment { id: photo.id };
    let err = match redline::api::handle(&mut f.ws.store, "alice", req.clone()) {
        Err(e) => e,
        Ok(r) => panic!("a changed file was served: {r:?}"),
    };
    assert_eq!(err.code, "unavailable");
    assert!(err.message.contains("changed since import"), "{}", err.message);

    // the export moved away
    std::fs::remove_file(&f.source).unwrap();
    let err = redline::api::handle(&mut f.ws.store, "alice", req).unwrap_err();
    assert!(err.code == "unavailable" && err.message.contains("no longer there"), "{err:?}");
    assert_eq!(util::api_err(&mut f.ws, "alice", Request::Attachment { id: 999_999 }), "not_found");
}

#[test]
fn export_reports_its_steps_and_a_cancel_leaves_nothing_behind() {
    let mut f = fixture();
    let out = f.ws.dir.path().join("with-progress.zip");
    let mut events = Vec::new();
    let req = Request::Export { case_ids: vec![f.case], out: out.display().to_string(), options: ExportOptions::default() };
    let r = redline::api::handle_with_progress(&mut f.ws.store, "alice", req, &mut |ev| events.push(ev));
    assert!(matches!(r, Ok(Response::Exported(_))), "{r:?}");
    assert!(events.iter().all(|e| e.task == "export" && e.id == events[0].id), "{events:?}");
    let total = events.last().and_then(|e| e.total).unwrap();
    // 9 fixed steps, the zip, and both attachment files
    assert_eq!(total, 12, "{events:?}");
    assert!(events.windows(2).all(|w| w[0].done <= w[1].done && w[1].done < total), "{events:?}");
    assert!(events[0].message.contains("gathering"), "{events:?}");

    // cancel from another connection when the first attachment starts
    let db = f.ws.db_path();
    let audit_before = audit_count(&f.ws.store);
    for out in [f.ws.dir.path().join("cancelled"), f.ws.dir.path().join("cancelled.zip")] {
        let req = Request::Export { case_ids: vec![f.case], out: out.display().to_string(), options: ExportOptions::default() };
        let mut other = redline::store::Store::open(&db).unwrap();
        let mut asked = false;
        let r = redline::api::handle_with_progress(&mut f.ws.store, "alice", req, &mut |ev| {
            if ev.message.starts_with("attachments/") && !asked {
                asked = true;
                redline::api::handle(&mut other, "bob", Request::Cancel { task_id: ev.id.clone() }).unwrap();
            }
        });
        assert!(asked);
        assert_eq!(r.unwrap_err().code, "cancelled");
        assert!(!out.exists(), "{} left behind", out.display());
        let strays: Vec<_> = std::fs::read_dir(f.ws.dir.path()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with(".redline-export-")).collect();
        assert!(strays.is_empty(), "staging left behind: {strays:?}");
        assert_eq!(audit_count(&f.ws.store), audit_before, "a cancelled export is not audited");
    }
    // a cancel for a task that is not running is an error, not a silent no-op
    assert_eq!(util::api_err(&mut f.ws, "alice", Request::Cancel { task_id: "export-0".into() }), "not_found");
}

fn audit_count(store: &redline::store::Store) -> i64 {
    store.conn().query_row("SELECT count(*) FROM audit_log WHERE action = 'case.export'", [], |r| r.get(0)).unwrap()
}
