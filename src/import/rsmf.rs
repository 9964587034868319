//! Relativity Short Message Format (RSMF) 1.0 and 2.0: the `.rsmf` mail, the
//! bare `rsmf.zip` inside it (or that zip unpacked into a folder), or a bare
//! `rsmf_manifest.json`.
//!
//! Everything is in `rsmf_manifest.json`: `participants`, `conversations`
//! and `events`, the attachments and avatars being zip entries named by id.
//! The manifest is streamed twice — first the people and conversations,
//! then the events — so the events can be any size and the keys may come in
//! any order (real manifests put `version` last).
//!
//! Mapping. A participant's `account_id` is its handle. A conversation of
//! `type: direct` is direct (a group when it has more than two
//! participants), `channel` a channel. Every event becomes a message:
//! `message` → text (image/video/file when it carries an attachment),
//! `join` / `leave` / `disclaimer` / `history` → `System`, `unknown` or an
//! unlisted type → `Other` (the type is kept in `extra.type`); `deleted` →
//! `Recalled`, `parent` → `reply_to`, non-empty `edits` → edited. A
//! timestamp with a zone is used exactly; one without a zone is read in
//! `--tz` and marked assumed; an unreadable one leaves the time empty and
//! keeps the raw text in `extra.timestamp`. An event whose conversation is
//! not declared still imports, into a conversation named by its id.
//!
//! Lossless for the RSMF writer: the store has one platform per source
//! (`rsmf`), so each message's `extra.platform` holds its conversation's
//! `platform`; the first message of each conversation carries the whole
//! conversation object in `extra.rsmf_conversation` (its participant list,
//! custodian, icon, custom fields); every event key without a column
//! (`importance` other than normal, `reactions`, `attachments`, `edits`,
//! `custom`, `direction`, `read_receipts`, keys outside the schema) is kept
//! in `extra` under its own name. Attachments are named by `display` (else
//! `id`) and hashed when the zip holds the entry `id`; a referenced
//! attachment or avatar missing from the zip is listed in
//! `extra.missing_attachments` / `extra.missing_avatar` (not for a bare
//! manifest, which never has the files). The mail's `X-RSMF-*` headers
//! repeat the manifest and are not stored; any MIME attachment besides
//! `rsmf.zip` is reported as a skip.

mod mime;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use super::filekind::kind_of_file;
use super::formats::Probe;
use super::json_head::top_level_keys;
use super::json_stream::{self, buffered_without_bom, ElementFn, Pointer, Seg, Step, Walk, WalkError};
use super::tree::{SourceTree, ZipTree};
use super::{ImportCtx, ImportError};
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord, Timestamp,
};

pub const MANIFEST: &str = "rsmf_manifest.json";

/// The manifest's arrays.
const ARRAYS: &[&str] = &["participants", "conversations", "events"];

/// Event keys that have their own column; all others go to `extra`.
const COLUMNS: &[&str] = &["id", "parent", "body", "participant", "conversation", "timestamp", "deleted"];

pub fn sniff(p: &Probe) -> bool {
    if !p.single_file {
        return p.has(MANIFEST);
    }
    let text = p.text();
    let start = text.trim_start();
    if start.starts_with('{') {
        return sniff_manifest(start);
    }
    has_rsmf_header(text)
}

/// A manifest: a top-level object with `participants` and `events` or
/// `conversations` (the head may end before `events`), and not a JSON
/// schema describing one.
fn sniff_manifest(text: &str) -> bool {
    let Some(keys) = top_level_keys(text) else { return false };
    let has = |k: &str| keys.iter().any(|(key, first)| key == k && *first == b'[');
    let version_ok = keys.iter().all(|(k, first)| k != "version" || *first == b'"');
    let schema = keys.iter().any(|(k, _)| k == "$schema" || k == "properties");
    has("participants") && (has("events") || has("conversations")) && version_ok && !schema
}

/// A mail whose header block has `X-RSMF-Version`.
fn has_rsmf_header(text: &str) -> bool {
    let end = [text.find("\r\n\r\n"), text.find("\n\n")].into_iter().flatten().min().unwrap_or(text.len());
    let head = &text[..end];
    // every header line looks like `Name: value` or is a folded continuation
    let well_formed = head.lines().all(|l| l.starts_with([' ', '\t']) || l.split_once(':').is_some_and(|(n, _)| !n.is_empty() && !n.contains(' ')));
    well_formed && head.lines().any(|l| l.split_once(':').is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("X-RSMF-Version")))
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    if !tree.is_single_file() {
        if !tree.has(MANIFEST) {
            let origin = tree.origin().display().to_string();
            return Err(ImportError::malformed(origin, "entries", format!("no {MANIFEST} at the root")));
        }
        return read_manifest(tree, ctx, MANIFEST, "", true);
    }
    let name = tree.entries().first().map(|e| e.path.clone()).unwrap_or_default();
    let origin = tree.origin().to_path_buf();
    let mut first = Vec::with_capacity(256);
    let read = tree.open(&name)?.take(256).read_to_end(&mut first);
    read.map_err(|e| ImportError::Io { path: origin.clone(), source: e })?;
    let json = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&first).iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{');
    if json {
        return read_manifest(tree, ctx, &name, "", false);
    }
    // an .rsmf mail: take out rsmf.zip and read it
    let (mut zip, extra_parts) = mail_zip(tree.open(&name)?, &origin)?;
    for (index, part) in &extra_parts {
        ctx.skip(&Locator::record(&name, *index), format!("MIME attachment {part:?} ignored: an RSMF file carries only rsmf.zip"))?;
    }
    if !zip.has(MANIFEST) {
        return Err(ImportError::malformed(format!("{}!rsmf.zip", origin.display()), "entries", format!("no {MANIFEST} in rsmf.zip")));
    }
    read_manifest(&mut zip, ctx, MANIFEST, "rsmf.zip/", true)
}

/// `rsmf.zip` as a tree, and the other MIME attachments `(index, name)`.
pub type MailZip = (ZipTree<tempfile::SpooledTempFile>, Vec<(u64, String)>);

/// The `rsmf.zip` of an `.rsmf` mail as a tree (streamed out of the mail;
/// see [`mime`]), with the `(index, name)` of any other MIME attachment.
/// Attachments imported from a mail have export paths `rsmf.zip/ID`.
pub fn mail_zip(mail: impl Read, origin: &std::path::Path) -> Result<MailZip, ImportError> {
    let extracted = mime::extract(mail, &origin.display().to_string())?;
    Ok((ZipTree::new(&origin.join("rsmf.zip"), extracted.zip)?, extracted.extra_parts))
}

/// A participant as events need it.
struct Person {
    display: Option<String>,
    avatar: Option<String>,
}

/// A declared conversation as events need it.
struct Conversation {
    platform: Option<String>,
    raw: Value,
}

/// Everything known before the events are read.
struct Known {
    /// Where the manifest is, for locators (`rsmf.zip/rsmf_manifest.json`).
    manifest: String,
    /// Prefix of attachment paths (`rsmf.zip/` inside a mail).
    prefix: String,
    people: HashMap<String, Person>,
    conversations: HashMap<String, Conversation>,
    /// Zip entries (attachments, avatars) with size and SHA-256; `None` for
    /// a bare manifest, which has no files at all.
    files: Option<HashMap<String, (u64, String)>>,
}

fn read_manifest(tree: &mut dyn SourceTree, ctx: &mut ImportCtx, path: &str, prefix: &str, with_files: bool) -> Result<(), ImportError> {
    let files = if with_files {
        let names: Vec<String> = tree.entries().iter().map(|e| e.path.clone()).filter(|p| p != path).collect();
        let mut files = HashMap::new();
        for n in names {
            let h = tree.hash(&n)?;
            files.insert(n, h);
        }
        Some(files)
    } else {
        None
    };
    let mut known = Known {
        manifest: format!("{prefix}{path}"),
        prefix: prefix.to_string(),
        people: HashMap::new(),
        conversations: HashMap::new(),
        files,
    };
    let ctx = RefCell::new(ctx);

    // pass 1: participants and conversations
    let keys = {
        let manifest = known.manifest.clone();
        let (people, conversations) = (&mut known.people, &mut known.conversations);
        let mut on_participant =
            |i: u64, v: Value| participant(&mut ctx.borrow_mut(), people, v, Locator::json(&manifest, format!("/participants/{i}")));
        let mut on_conversation =
            |i: u64, v: Value| conversation(&mut ctx.borrow_mut(), conversations, v, Locator::json(&manifest, format!("/conversations/{i}")));
        stream_manifest(tree, path, &known.manifest, vec![("participants", &mut on_participant), ("conversations", &mut on_conversation)])?
    };
    if !keys.iter().any(|k| k == "events") {
        return Err(ImportError::malformed(known.manifest.clone(), "top level", "the manifest has no \"events\""));
    }

    // pass 2: events
    let mut started: HashSet<String> = HashSet::new();
    let mut on_event = |i: u64, v: Value| -> Result<(), ImportError> {
        let at = Locator::json(&known.manifest, format!("/events/{i}"));
        let mut ctx = ctx.borrow_mut();
        let Value::Object(o) = v else { return ctx.skip(&at, "event is not an object") };
        let m = event(&mut ctx, &known, &mut started, o, at)?;
        ctx.message(&m).map(|_| ())
    };
    stream_manifest(tree, path, &known.manifest.clone(), vec![("events", &mut on_event)])?;
    Ok(())
}

/// Read the manifest once, streaming the arrays that have a handler.
/// Returns the top-level keys seen.
fn stream_manifest(
    tree: &mut dyn SourceTree,
    path: &str,
    shown: &str,
    handlers: Vec<(&'static str, &mut ElementFn<'_>)>,
) -> Result<Vec<String>, ImportError> {
    let mut top = TopLevel { handlers, keys: Vec::new(), elements: 0, position: None };
    let origin = tree.origin().join(path);
    let reader = buffered_without_bom(tree.open(path)?).map_err(|e| ImportError::Io { path: origin, source: e })?;
    match json_stream::walk_buffered(reader, &mut top) {
        Ok(()) => Ok(top.keys),
        Err(WalkError::Import(e)) => Err(e),
        Err(WalkError::NotObject) => {
            Err(ImportError::malformed(shown, "line 1 column 1", "not a readable RSMF manifest: the top level is not a JSON object"))
        }
        Err(WalkError::Json(e, broke_at)) => {
            // In an array: the element being read; after one: the array and its length.
            let position = match broke_at.segs() {
                [Seg::Key(key), rest @ ..] if top.is_array(key) => match rest.first() {
                    Some(Seg::Index(n)) => Some((key.clone(), *n)),
                    _ => Some((key.clone(), 0)),
                },
                _ => top.position.take(),
            };
            let at = match position {
                Some((key, n)) => format!("/{key}/{n}, line {} column {}", e.line(), e.column()),
                None => format!("line {} column {}", e.line(), e.column()),
            };
            Err(ImportError::malformed(shown, at, format!("not a readable RSMF manifest: {e}")))
        }
    }
}

/// The manifest's top-level object, with arrays streamed to handlers.
struct TopLevel<'h, 'f> {
    handlers: Vec<(&'static str, &'h mut ElementFn<'f>)>,
    keys: Vec<String>,
    /// Elements met in the array being read.
    elements: u64,
    /// The array read last and its length, until the next key.
    position: Option<(String, u64)>,
}

impl TopLevel<'_, '_> {
    /// A top-level key whose value must be an array (counted for error
    /// messages even without a handler).
    fn is_array(&self, key: &str) -> bool {
        ARRAYS.contains(&key) || self.handlers.iter().any(|(k, _)| *k == key)
    }
}

impl Walk for TopLevel<'_, '_> {
    fn step(&mut self, at: &Pointer) -> Step {
        match at.segs() {
            [Seg::Key(key)] => {
                self.position = None;
                self.elements = 0;
                self.keys.push(key.clone());
                if self.is_array(key) { Step::Array } else { Step::Skip }
            }
            [Seg::Key(key), Seg::Index(i)] => {
                self.elements = i + 1;
                if self.handlers.iter().any(|(k, _)| k == key) { Step::Take } else { Step::Skip }
            }
            _ => Step::Skip,
        }
    }

    fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        let [Seg::Key(key), Seg::Index(i)] = at.segs() else { return Ok(()) };
        match self.handlers.iter_mut().find(|(k, _)| k == key) {
            Some((_, f)) => f(*i, value),
            None => Ok(()),
        }
    }

    fn leave(&mut self, at: &Pointer) -> Result<(), ImportError> {
        if let [Seg::Key(key)] = at.segs() {
            self.position = Some((key.clone(), self.elements));
        }
        Ok(())
    }
}

/// An id that may be written as a number.
fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn participant(ctx: &mut ImportCtx, people: &mut HashMap<String, Person>, v: Value, at: Locator) -> Result<(), ImportError> {
    let Some(id) = id_text(v.get("id")) else { return ctx.skip(&at, "participant without an id") };
    let display = str_of(&v, "display").map(str::to_string);
    ctx.participant(&ParticipantRecord {
        external_id: id.clone(),
        display_name: display.clone(),
        handle: id_text(v.get("account_id")),
        email: str_of(&v, "email").map(str::to_string),
        ..Default::default()
    })?;
    people.insert(id, Person { display, avatar: str_of(&v, "avatar").map(str::to_string) });
    Ok(())
}

fn conversation(ctx: &mut ImportCtx, conversations: &mut HashMap<String, Conversation>, v: Value, at: Locator) -> Result<(), ImportError> {
    let Some(id) = id_text(v.get("id")) else { return ctx.skip(&at, "conversation without an id") };
    let members = v.get("participants").and_then(Value::as_array).map_or(0, Vec::len);
    let kind = match str_of(&v, "type").map(str::to_ascii_lowercase).as_deref() {
        Some("direct") if members > 2 => ConversationKind::Group,
        Some("direct") => ConversationKind::Direct,
        Some("channel") => ConversationKind::Channel,
        _ => ConversationKind::Unknown,
    };
    let title = str_of(&v, "display").map(str::to_string).or_else(|| Some(id.clone()));
    ctx.conversation(&ConversationRecord { external_id: id.clone(), title, kind: Some(kind) })?;
    conversations.insert(id, Conversation { platform: str_of(&v, "platform").map(str::to_string), raw: v });
    Ok(())
}

/// An ISO 8601 time: exact with a zone, read in `--tz` (assumed) without.
fn parse_time(ctx: &ImportCtx, s: &str) -> Option<(Timestamp, bool)> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some((t, false));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some((t, false));
        }
    }
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    ctx.local_time(naive).map(|t| (t, true))
}

fn event(
    ctx: &mut ImportCtx,
    known: &Known,
    started: &mut HashSet<String>,
    o: Map<String, Value>,
    at: Locator,
) -> Result<MessageRecord, ImportError> {
    let mut extra = Map::new();
    let conversation = match id_text(o.get("conversation")) {
        Some(c) => c,
        None => {
            extra.insert("no_conversation".into(), Value::Bool(true));
            "(no conversation)".to_string()
        }
    };
    let declared = known.conversations.get(&conversation);
    if started.insert(conversation.clone()) {
        match declared {
            Some(c) => {
                extra.insert("rsmf_conversation".into(), c.raw.clone());
            }
            None => {
                let title = Some(conversation.clone());
                ctx.conversation(&ConversationRecord { external_id: conversation.clone(), title, kind: None })?;
            }
        }
    }
    if let Some(p) = declared.and_then(|c| c.platform.as_ref()) {
        extra.insert("platform".into(), Value::String(p.clone()));
    }
    if declared.is_none() {
        extra.insert("conversation_undeclared".into(), Value::Bool(true));
    }

    let event_type = o.get("type").and_then(Value::as_str).unwrap_or("unknown").to_ascii_lowercase();
    let attachments: Vec<(Option<String>, AttachmentRecord)> =
        o.get("attachments").and_then(Value::as_array).into_iter().flatten().map(|a| attachment(a, known)).collect();
    let deleted = o.get("deleted").and_then(Value::as_bool).unwrap_or(false);
    let kind = match event_type.as_str() {
        _ if deleted => MessageKind::Recalled,
        "message" => match attachments.first() {
            Some((_, a)) => kind_of_file(a.mime.as_deref(), &a.file_name),
            None => MessageKind::Text,
        },
        "join" | "leave" | "disclaimer" | "history" => MessageKind::System,
        _ => MessageKind::Other,
    };
    let body = match o.get("body") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut m = MessageRecord::new(conversation, kind, body, at);
    m.external_id = id_text(o.get("id"));
    m.reply_to = id_text(o.get("parent"));
    m.deleted = deleted;
    m.edited = o.get("edits").and_then(Value::as_array).is_some_and(|e| !e.is_empty());
    if let Some(p) = id_text(o.get("participant")) {
        let person = known.people.get(&p);
        m.sender_name = person.and_then(|x| x.display.clone());
        if let (Some(files), Some(avatar)) = (&known.files, person.and_then(|x| x.avatar.as_ref())) {
            if !files.contains_key(avatar) {
                extra.insert("missing_avatar".into(), Value::String(avatar.clone()));
            }
        }
        m.sender = Some(p);
    }
    match o.get("timestamp") {
        Some(Value::String(s)) => match parse_time(ctx, s) {
            Some((t, assumed)) => {
                m.timestamp = Some(t);
                m.offset_assumed = assumed;
            }
            None => {
                extra.insert("timestamp".into(), Value::String(s.clone()));
            }
        },
        Some(Value::Null) | None => {}
        Some(other) => {
            extra.insert("timestamp".into(), other.clone());
        }
    }
    let missing: Vec<Value> = attachments.iter().filter_map(|(missing, _)| missing.clone().map(Value::String)).collect();
    if !missing.is_empty() {
        extra.insert("missing_attachments".into(), Value::Array(missing));
    }
    m.attachments = attachments.into_iter().map(|(_, a)| a).collect();

    for (k, v) in o {
        let default = (k == "type" && v == "message") || (k == "importance" && v == "normal");
        if !COLUMNS.contains(&k.as_str()) && !default {
            extra.insert(k, v);
        }
    }
    if !extra.is_empty() {
        m.extra = Some(Value::Object(extra));
    }
    Ok(m)
}

/// An event attachment, and its id when the zip should hold it but does not.
fn attachment(a: &Value, known: &Known) -> (Option<String>, AttachmentRecord) {
    let id = id_text(a.get("id"));
    let file_name = str_of(a, "display").map(str::to_string).or_else(|| id.clone()).unwrap_or_else(|| "attachment".into());
    let stored = id.as_ref().and_then(|id| known.files.as_ref().map(|f| f.get(id)));
    let mut rec = AttachmentRecord { file_name, size: a.get("size").and_then(Value::as_u64), ..Default::default() };
    let mut missing = None;
    match (stored, &id) {
        (Some(Some((size, sha))), Some(id)) => {
            rec.size = rec.size.or(Some(*size));
            rec.sha256 = Some(sha.clone());
            rec.export_path = Some(format!("{}{id}", known.prefix));
        }
        (Some(None), Some(id)) => missing = Some(id.clone()),
        _ => {}
    }
    (missing, rec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tree::Entry;

    fn probe<'a>(name: &'a str, head: &'a [u8], entries: &'a [Entry]) -> Probe<'a> {
        Probe { name, single_file: true, head, entries }
    }

    #[test]
    fn sniffs_manifests_not_schemas() {
        let e = [Entry { path: "m.json".into(), size: 1 }];
        let yes = br#"{"participants": [{"id": "1"}], "conversations": [], "events": [{"type": "mess"#;
        assert!(sniff(&probe("m.json", yes, &e)));
        let late_version = br#"{"participants": [], "conversations": [{"id": "C1"}"#;
        assert!(sniff(&probe("m.json", late_version, &e)));
        let schema = br#"{"$schema": "http://json-schema.org/draft-07/schema#", "required": ["version", "participants", "events"], "properties": {"participants": []}}"#;
        assert!(!sniff(&probe("rsmf_schema_2_0_0.json", schema, &e)));
        let telegram = br#"{"name": "x", "type": "personal_chat", "messages": []}"#;
        assert!(!sniff(&probe("result.json", telegram, &e)));
    }

    #[test]
    fn sniffs_rsmf_mail_headers_only() {
        let e = [Entry { path: "a.rsmf".into(), size: 1 }];
        assert!(sniff(&probe("a.rsmf", b"From: x@example.com\r\nX-RSMF-Version: 2.0.0\r\nSubject: s\r\n\r\nbody", &e)));
        assert!(!sniff(&probe("a.eml", b"From: x@example.com\r\nSubject: s\r\n\r\nX-RSMF-Version: 2.0.0", &e)));
        assert!(!sniff(&probe("a.txt", b"hello X-RSMF-Version: 1\n", &e)));
    }
}
