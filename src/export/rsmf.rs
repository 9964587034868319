//! `case.rsmf`: the exported messages in the Relativity Short Message
//! Format 2.0, so the case loads into eDiscovery review platforms.
//!
//! An RFC 5322 mail with the `X-RSMF-*` headers, a `multipart/mixed` body
//! of a plain-text rendering and exactly one attachment, `rsmf.zip`
//! (base64), which holds `rsmf_manifest.json` and the attachment files
//! named by zip entry (`<sha256>.<ext>`). Participants, conversations and
//! events keep the platform's own ids, so Redline's RSMF importer reads the
//! file back with every message, sender, timestamp (in its original
//! offset) and attachment name (`tests/export_case_file.rs` checks this).
//!
//! What RSMF has no field for goes into `custom` name/value pairs (the only
//! place the schema allows extra data): Redline's message id, kind, amount,
//! role in the case, hits, the provenance locator. A reply whose parent is
//! not in the file would be an invalid `parent`, so it is a `custom` too,
//! and so is an attachment whose file the case file does not hold.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use base64::Engine;
use serde_json::{json, Map, Value};

use super::casefile::{CaseFile, Role};
use super::ExportError;

pub const VERSION: &str = "2.0.0";

/// Ids that are unique in the manifest: the platform id, or with `~N` added.
#[derive(Default)]
struct Ids {
    used: HashMap<String, usize>,
}

impl Ids {
    fn unique(&mut self, want: &str) -> String {
        let base = if want.is_empty() { "x".to_string() } else { want.to_string() };
        let n = self.used.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}~{n}")
        }
    }
}

fn custom(pairs: &[(&str, String)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect(),
    )
}

/// The manifest and the files for `rsmf.zip` (`(entry name, path in the case file)`).
pub fn manifest(cf: &CaseFile) -> (Value, Vec<(String, String)>) {
    let mut pids = Ids::default();
    let mut participant_id: HashMap<i64, String> = HashMap::new();
    let mut participants = Vec::new();
    for p in &cf.participants {
        let id = pids.unique(&p.external_id);
        participant_id.insert(p.id, id.clone());
        let mut o = Map::new();
        o.insert("id".into(), json!(id));
        if let Some(d) = &p.display_name {
            o.insert("display".into(), json!(d));
        }
        // a redacted address is no address (RSMF requires an e-mail format)
        if let Some(e) = p.email.as_ref().filter(|e| e.contains('@')) {
            o.insert("email".into(), json!(e));
        }
        if let Some(h) = p.handle.as_ref().filter(|h| !h.is_empty()) {
            o.insert("account_id".into(), json!(h));
        }
        o.insert(
            "custom".into(),
            custom(&[("redline_participant_id", p.id.to_string()), ("platform", p.platform.clone()), ("phone", p.phone.clone().unwrap_or_default())]),
        );
        participants.push(Value::Object(o));
    }

    let mut cids = Ids::default();
    let mut conversation_id: HashMap<i64, String> = HashMap::new();
    let mut members: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for m in &cf.messages {
        if let Some(p) = m.sender_id.and_then(|s| participant_id.get(&s)) {
            let list = members.entry(m.conversation_id).or_default();
            if !list.contains(p) {
                list.push(p.clone());
            }
        }
    }
    let mut conversations = Vec::new();
    for c in &cf.conversations {
        let id = cids.unique(&c.external_id);
        conversation_id.insert(c.id, id.clone());
        let kind = if c.kind == "channel" { "channel" } else { "direct" };
        conversations.push(json!({
            "id": id,
            "display": c.title.clone().unwrap_or_else(|| c.external_id.clone()),
            "platform": if c.platform.is_empty() { "unknown".to_string() } else { c.platform.clone() },
            "type": kind,
            "participants": members.get(&c.id).cloned().unwrap_or_default(),
            "custom": custom(&[("redline_conversation_id", c.id.to_string()), ("redline_kind", c.kind.clone())]),
        }));
    }

    // event ids: the message's own id when unique in its conversation
    let mut eids: HashMap<i64, Ids> = HashMap::new();
    let mut event_id: HashMap<i64, String> = HashMap::new();
    let mut by_external: HashMap<(i64, String), String> = HashMap::new();
    for m in &cf.messages {
        let want = m.external_id.clone().unwrap_or_else(|| format!("m{}", m.id));
        let id = eids.entry(m.conversation_id).or_default().unique(&want);
        if let Some(x) = &m.external_id {
            by_external.entry((m.conversation_id, x.clone())).or_insert(id.clone());
        }
        event_id.insert(m.id, id);
    }

    let mut files: Vec<(String, String)> = Vec::new();
    let mut events = Vec::new();
    for m in &cf.messages {
        let mut o = Map::new();
        o.insert("id".into(), json!(event_id[&m.id]));
        o.insert("type".into(), json!(if m.kind == "system" { "unknown" } else { "message" }));
        let parent = m.reply_to.as_ref().and_then(|r| by_external.get(&(m.conversation_id, r.clone())));
        if let Some(p) = parent {
            o.insert("parent".into(), json!(p));
        }
        o.insert("body".into(), json!(m.text));
        if let Some(p) = m.sender_id.and_then(|s| participant_id.get(&s)) {
            o.insert("participant".into(), json!(p));
        }
        if let Some(c) = conversation_id.get(&m.conversation_id) {
            o.insert("conversation".into(), json!(c));
        }
        if let Some(t) = &m.timestamp {
            o.insert("timestamp".into(), json!(t));
        }
        if m.deleted {
            o.insert("deleted".into(), json!(true));
        }
        if m.role != Role::Context {
            o.insert("importance".into(), json!("high"));
        }
        let mut atts = Vec::new();
        let mut missing = Vec::new();
        for a in &m.attachments {
            match (&a.path, &a.sha256) {
                (Some(path), Some(sha)) => {
                    let ext = path.rsplit_once('.').map(|(_, e)| format!(".{e}")).filter(|_| path.contains('.')).unwrap_or_default();
                    let entry = format!("{sha}{ext}");
                    if !files.iter().any(|(e, _)| e == &entry) {
                        files.push((entry.clone(), path.clone()));
                    }
                    let mut x = json!({ "id": entry, "display": a.file_name });
                    if let Some(n) = a.size_bytes {
                        x["size"] = json!(n);
                    }
                    atts.push(x);
                }
                _ => missing.push(a.file_name.clone()),
            }
        }
        if !atts.is_empty() {
            o.insert("attachments".into(), Value::Array(atts));
        }
        let role = match m.role {
            Role::Hit => "hit",
            Role::Case => "case",
            Role::Context => "context",
        };
        let hits: Vec<String> = m.hits.iter().map(|h| format!("{}/{}/{}: {}", h.pack, h.red_line, h.rule, h.terms.join(", "))).collect();
        o.insert(
            "custom".into(),
            custom(&[
                ("redline_message_id", m.id.to_string()),
                ("redline_cases", m.cases.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
                ("role", role.into()),
                ("kind", m.kind.clone()),
                ("amount", m.amount.clone().unwrap_or_default()),
                ("currency", m.currency.clone().unwrap_or_default()),
                ("payment_status", m.payment_status.clone().unwrap_or_default()),
                ("reply_to", if parent.is_none() { m.reply_to.clone().unwrap_or_default() } else { String::new() }),
                ("forwarded_from", m.forwarded_from.clone().unwrap_or_default()),
                ("edited", if m.edited { "true".into() } else { String::new() }),
                ("offset_assumed", if m.offset_assumed { "true".into() } else { String::new() }),
                ("hits", hits.join("; ")),
                ("attachments_not_included", missing.join("; ")),
                ("locator", m.locator.clone()),
            ]),
        );
        events.push(Value::Object(o));
    }
    let manifest = json!({
        "version": VERSION,
        "participants": participants,
        "conversations": conversations,
        "events": events,
    });
    (manifest, files)
}

/// RFC 2047 encoded-words for a header value that is not plain ASCII.
fn header_value(v: &str) -> String {
    if v.is_ascii() && !v.contains(['\r', '\n']) {
        return v.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in v.chars().filter(|c| !matches!(c, '\r' | '\n')) {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(w)))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

fn base64_lines(bytes: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(b64.len() + b64.len() / 76 * 2 + 2);
    for chunk in b64.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ` of the earliest and latest message.
fn span(cf: &CaseFile) -> (String, String) {
    let times: Vec<chrono::DateTime<chrono::Utc>> = cf
        .messages
        .iter()
        .filter_map(|m| m.timestamp.as_deref())
        .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .collect();
    let f = |t: Option<&chrono::DateTime<chrono::Utc>>| t.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default();
    (f(times.iter().min()), f(times.iter().max()))
}

pub fn write(cf: &CaseFile, dir: &Path, path: &Path) -> Result<(), ExportError> {
    let (manifest, files) = manifest(cf);
    let io = |e: std::io::Error| ExportError::io(path, e);
    // rsmf.zip in an anonymous temporary file (attachments can be large):
    // the manifest plus the attachment files
    let mut zip = zip::ZipWriter::new(tempfile::tempfile().map_err(io)?);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    let zerr = |e: zip::result::ZipError| ExportError::io(path, std::io::Error::other(e));
    zip.start_file("rsmf_manifest.json", opts).map_err(zerr)?;
    zip.write_all(serde_json::to_string_pretty(&manifest).unwrap_or_default().as_bytes()).map_err(io)?;
    for (entry, rel) in &files {
        let src = dir.join(rel);
        let mut f = std::fs::File::open(&src).map_err(|e| ExportError::io(&src, e))?;
        zip.start_file(entry.as_str(), opts).map_err(zerr)?;
        std::io::copy(&mut f, &mut zip).map_err(io)?;
    }
    let mut zip_file = zip.finish().map_err(zerr)?;
    zip_file.seek(SeekFrom::Start(0)).map_err(io)?;
    let (_, zip_sha) = crate::import::tree::sha256_reader(&mut zip_file).map_err(io)?;
    zip_file.seek(SeekFrom::Start(0)).map_err(io)?;

    let (begin, end) = span(cf);
    let mut platforms: Vec<&str> = cf.conversations.iter().map(|c| c.platform.as_str()).collect();
    platforms.sort_unstable();
    platforms.dedup();
    let names: Vec<String> = cf.participants.iter().filter_map(|p| p.display_name.clone()).collect();
    let subject = match cf.cases.as_slice() {
        [c] => format!("Redline case #{}: {}", c.id, c.title),
        cs => format!("Redline cases {}", cs.iter().map(|c| format!("#{}", c.id)).collect::<Vec<_>>().join(", ")),
    };
    let boundary = format!("redline-{}", &zip_sha[..24]);
    let date = chrono::DateTime::parse_from_rfc3339(&cf.generated.at).map(|d| d.to_rfc2822()).unwrap_or_default();

    let mut mail = String::new();
    let mut h = |name: &str, value: &str| {
        mail.push_str(&format!("{name}: {}\r\n", header_value(value)));
    };
    h("From", &format!("Redline <redline@{}.invalid>", "export"));
    h("Subject", &subject);
    h("Date", &date);
    h("MIME-Version", "1.0");
    h("X-RSMF-Version", VERSION);
    h("X-RSMF-Generator", &format!("Redline {}", cf.generated.tool_version));
    if !begin.is_empty() {
        h("X-RSMF-BeginDate", &begin);
        h("X-RSMF-EndDate", &end);
    }
    h("X-RSMF-EventCount", &cf.messages.len().to_string());
    h("X-RSMF-AttachmentCount", &files.len().to_string());
    h("X-RSMF-Application", &platforms.join(", "));
    h("X-RSMF-Participants", &names.join(", "));
    h("Content-Type", &format!("multipart/mixed; boundary=\"{boundary}\""));
    mail.push_str("\r\nThis is an RSMF file: the messages are in the attached rsmf.zip.\r\n");

    // the human-readable rendering
    mail.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"));
    let mut text = format!("{subject}\n\n");
    for m in &cf.messages {
        let conv = cf.conversations.iter().find(|c| c.id == m.conversation_id).and_then(|c| c.title.clone()).unwrap_or_default();
        text.push_str(&format!(
            "[{}] {} | {}: {}\n",
            m.timestamp.clone().unwrap_or_default(),
            conv,
            m.sender.clone().unwrap_or_default(),
            m.text
        ));
    }
    mail.push_str(&base64_lines(text.as_bytes()));
    mail.push_str(&format!(
        "--{boundary}\r\nContent-Type: application/zip; name=\"rsmf.zip\"\r\nContent-Disposition: attachment; filename=\"rsmf.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ));
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(io)?);
    out.write_all(mail.as_bytes()).map_err(io)?;
    // the zip, base64 in 76-character lines, streamed
    let mut chunk = vec![0u8; 57 * 1024];
    loop {
        let n = read_full(&mut zip_file, &mut chunk).map_err(io)?;
        if n == 0 {
            break;
        }
        out.write_all(base64_lines(&chunk[..n]).as_bytes()).map_err(io)?;
    }
    out.write_all(format!("--{boundary}--\r\n").as_bytes()).map_err(io)?;
    out.flush().map_err(io)
}

/// Fill `buf` as far as the reader goes (a multiple of 57 bytes keeps the
/// base64 lines whole across chunks).
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = r.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_encoded_when_not_ascii() {
        assert_eq!(header_value("2.0.0"), "2.0.0");
        let v = header_value("王强, 李明");
        assert!(v.starts_with("=?UTF-8?B?") && v.is_ascii(), "{v}");
    }

    #[test]
    fn ids_stay_unique() {
        let mut ids = Ids::default();
        assert_eq!([ids.unique("a"), ids.unique("a"), ids.unique("")], ["a", "a~2", "x"]);
    }
}
