//! Telegram Desktop JSON export (`result.json`).
//!
//! Two shapes: a single chat (`{name, type, id, messages[]}`) and a whole
//! account (`{about, personal_information, contacts, chats:{list:[chat…]},
//! left_chats:{list:[…]}}`). Each chat becomes one conversation whose external
//! id is the chat's `id`; `personal_information` names the account owner
//! (`is_self`), and `contacts.list` adds people with their phone numbers.
//!
//! **Streaming.** An account export is one JSON document that can be many
//! gigabytes, so it is read with [`json_stream`]: each message object is
//! parsed, converted, written and dropped. Key order inside an object is not
//! guaranteed (hand-edited or re-serialised files put `messages` before `id`),
//! so a first walk skips every message array and collects only the chats'
//! `name`/`type`/`id` and `personal_information`; the second walk imports.
//! For a single-chat file whose `id` comes first (as tdesktop writes it) the
//! first walk stops at `messages`, so it costs nothing; for an account export
//! it parses the whole file once without allocating. Measured on a generated
//! 1 GB single-chat file (3.6 M messages, `name`/`id` placed after
//! `messages` so both walks read everything): 71 s in a release build on two
//! shared cores, peak RSS 82 MB (`one_gigabyte_stays_small` in
//! `tests/import_telegram.rs`, ignored by default).
//! A chat without an `id` gets `FILE#POINTER` (e.g. `result.json#/chats/list/3`).
//!
//! **Times.** `date_unixtime` is an exact UTC epoch (tdesktop ≥ 3.7.6, 2022):
//! shown in the source zone, offset not assumed. Older exports only have
//! `date`, the wall-clock time of the exporting PC without an offset: read in
//! `--tz` and marked `offset_assumed`. When both exist, `date` stays in
//! `extra` because it is the only record of the exporting PC's clock.
//!
//! **Media.** Paths in `photo`/`file`/`contact_vcard` are relative to the
//! folder holding `result.json`. When the export is a folder or zip, every
//! other file in it is hashed first (an entry cannot be opened while the JSON
//! is being streamed from the same archive) and attachments found there get
//! their SHA-256; `(File not included…)` placeholders give no attachment and
//! stay in `extra`.
//!
//! Everything else a message carries (reactions, poll answers, service action
//! details, `via_bot`, formatting entities) is kept in `extra` as it was.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use regex::Regex;
use serde_json::{Map, Value};

use super::formats::Probe;
use super::json_stream::{self, id_text, str_of, Pointer, Step, Walk, WalkError};
use super::tree::{Entry, SourceTree};
use super::{ImportCtx, ImportError};
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord,
    Payment, Timestamp,
};

const RESULT: &str = "result.json";

static CHAT_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""type"\s*:\s*"(personal_chat|bot_chat|saved_messages|private_group|private_supergroup|public_supergroup|private_channel|public_channel)""#,
    )
    .expect("static regex")
});

/// A single `.json` whose head has `"messages"` and keys only Telegram writes,
/// an account export (`personal_information` first), or a folder/zip whose
/// root (or single top folder) holds `result.json`.
pub fn sniff(p: &Probe) -> bool {
    if !p.single_file {
        return !documents(p.entries).is_empty();
    }
    let t = p.text();
    if !t.trim_start().starts_with('{') {
        return false;
    }
    let chat = t.contains("\"messages\"")
        && ["\"date_unixtime\"", "\"text_entities\"", "\"from_id\"", "\"actor_id\""].iter().any(|k| t.contains(k))
        || CHAT_TYPE.is_match(t) && t.contains("\"messages\"");
    let account = t.contains("\"personal_information\"") && t.contains("\"phone_number\"");
    chat || account
}

/// The `result.json` of a folder or archive: at its root, or under its only
/// top folder (a zipped `ChatExport_…` folder). Other files may sit next to
/// it only inside subfolders (media) or as the HTML export's pages, so that a
/// folder of unrelated evidence that happens to hold a `result.json` is not
/// swallowed whole.
fn documents(entries: &[Entry]) -> Vec<String> {
    let top = match entries.first().and_then(|e| e.path.split_once('/')) {
        Some((dir, _)) if entries.iter().all(|e| e.path.starts_with(&format!("{dir}/"))) => format!("{dir}/"),
        _ => String::new(),
    };
    let doc = format!("{top}{RESULT}");
    if !entries.iter().any(|e| e.path == doc) {
        return Vec::new();
    }
    let stray = entries.iter().any(|e| {
        let rest = e.path.strip_prefix(&top).unwrap_or(&e.path);
        !rest.contains('/') && rest != RESULT && !rest.ends_with(".html")
    });
    if stray {
        Vec::new()
    } else {
        vec![doc]
    }
}

/// Size and SHA-256 of each file of the export by its path in the tree.
type MediaIndex = HashMap<String, (u64, String)>;

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let single = tree.is_single_file();
    let docs = if single { tree.entries().iter().map(|e| e.path.clone()).take(1).collect() } else { documents(tree.entries()) };
    if docs.is_empty() {
        let file = tree.origin().display().to_string();
        return Err(ImportError::malformed(file, "/", format!("no {RESULT} at the top of the folder or archive")));
    }
    let media = if single { MediaIndex::new() } else { hash_media(tree, ctx, &docs)? };
    for doc in &docs {
        import_document(tree, ctx, doc, &media)?;
    }
    Ok(())
}

/// Hash every file except the JSON documents, recording each as read. A
/// folder's JSON was already hashed by the driver; an archive's is hashed here.
fn hash_media(tree: &mut dyn SourceTree, ctx: &mut ImportCtx, docs: &[String]) -> Result<MediaIndex, ImportError> {
    let is_dir = tree.origin().is_dir();
    let mut media = MediaIndex::new();
    for entry in tree.entries().to_vec() {
        let is_doc = docs.contains(&entry.path);
        if is_doc && is_dir {
            continue;
        }
        let (size, sha) = tree.hash(&entry.path)?;
        ctx.source_file(&entry.path, size, &sha)?;
        if !is_doc {
            media.insert(entry.path, (size, sha));
        }
    }
    Ok(media)
}

fn import_document(
    tree: &mut dyn SourceTree,
    ctx: &mut ImportCtx,
    doc: &str,
    media: &MediaIndex,
) -> Result<(), ImportError> {
    let file = json_stream::describe(tree.origin(), doc, tree.is_single_file());
    let mut meta = Meta::default();
    match json_stream::walk(tree.open(doc)?, &mut meta) {
        Ok(()) => {}
        // A syntax error is reported by the main walk, which knows how much it
        // imported before it; the chats seen before the error are usable.
        Err(WalkError::Json(e, _)) if !e.is_io() && (meta.single || meta.account) => {}
        Err(e) => return Err(json_stream::failure(e, &file)),
    }
    if !meta.single && !meta.account {
        return Err(ImportError::malformed(
            file,
            "/",
            "neither a `messages` array (one chat) nor a `chats` list (whole account): not a Telegram export",
        ));
    }
    if let Some(me) = &meta.me {
        if let Some(p) = person(me, true) {
            ctx.participant(&p)?;
        }
    }
    let base = match doc.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => String::new(),
    };
    let mut main = Main { ctx, meta: &meta, doc, base: &base, media, conversation: None, written: 0 };
    let result = json_stream::walk(tree.open(doc)?, &mut main);
    let written = main.written;
    json_stream::conclude(result, ctx, &file, doc, written)
}

/// Where a pointer sits relative to its chat: the rest of the shape after the
/// chat object (`""` for the chat itself), for a chat of an account export's
/// lists, or for the document itself when it is one chat.
fn in_list_chat(shape: &str) -> Option<&str> {
    ["/chats/list/*", "/left_chats/list/*"].iter().find_map(|p| shape.strip_prefix(p))
}

/// What the first walk learns.
#[derive(Default)]
struct Meta {
    /// The document is one chat (it has a top-level `messages`).
    single: bool,
    /// The document is a whole account (it has `chats` or `left_chats`).
    account: bool,
    /// `personal_information`.
    me: Option<Value>,
    /// name/type/id of each chat by the pointer of its object ("" = the document).
    chats: HashMap<String, ChatMeta>,
}

#[derive(Default)]
struct ChatMeta {
    id: Option<String>,
    name: Option<String>,
    kind: Option<String>,
}

impl Walk for Meta {
    fn step(&mut self, at: &Pointer) -> Step {
        let shape = at.shape();
        if let Some(rest) = in_list_chat(&shape) {
            return match rest {
                "" => Step::Enter,
                "/name" | "/type" | "/id" => Step::Take,
                _ => Step::Skip,
            };
        }
        match shape.as_str() {
            "/name" | "/type" | "/id" | "/personal_information" => Step::Take,
            "/messages" => {
                self.single = true;
                // tdesktop writes name/type/id first: then nothing else is needed.
                if self.chats.get("").is_some_and(|c| c.id.is_some()) {
                    Step::Stop
                } else {
                    Step::Skip
                }
            }
            "/chats" | "/left_chats" => {
                self.account = true;
                Step::Enter
            }
            "/chats/list" | "/left_chats/list" => Step::Enter,
            _ => Step::Skip,
        }
    }

    fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        let Some(json_stream::Seg::Key(field)) = at.segs().last() else { return Ok(()) };
        if field == "personal_information" && at.segs().len() == 1 {
            self.me = Some(value);
            return Ok(());
        }
        let chat = self.chats.entry(at.parent().to_string()).or_default();
        let text = value.as_str().map(str::to_string);
        match field.as_str() {
            "id" => chat.id = id_text(&value),
            "name" => chat.name = text,
            "type" => chat.kind = text,
            _ => {}
        }
        Ok(())
    }
}

/// The import walk.
struct Main<'a, 'w, 'c> {
    ctx: &'a mut ImportCtx<'w, 'c>,
    meta: &'a Meta,
    doc: &'a str,
    base: &'a str,
    media: &'a MediaIndex,
    /// External id of the chat being read.
    conversation: Option<String>,
    written: u64,
}

impl Main<'_, '_, '_> {
    fn is_chat(&self, shape: &str) -> bool {
        in_list_chat(shape) == Some("") || shape.is_empty() && self.meta.single
    }

    fn declare_chat(&mut self, at: &Pointer) -> Result<(), ImportError> {
        let key = at.to_string();
        let empty = ChatMeta::default();
        let chat = self.meta.chats.get(&key).unwrap_or(&empty);
        let external_id = chat.id.clone().unwrap_or_else(|| format!("{}#{key}", self.doc));
        let raw_kind = chat.kind.as_deref().unwrap_or("");
        let title = chat.name.clone().or_else(|| match raw_kind {
            "saved_messages" => Some("Saved Messages".to_string()),
            "replies" => Some("Replies".to_string()),
            _ => None,
        });
        let kind = match raw_kind {
            "personal_chat" | "bot_chat" | "saved_messages" => ConversationKind::Direct,
            "private_group" | "private_supergroup" | "public_supergroup" => ConversationKind::Group,
            "private_channel" | "public_channel" => ConversationKind::Channel,
            _ => ConversationKind::Unknown,
        };
        self.ctx.conversation(&ConversationRecord { external_id: external_id.clone(), title, kind: Some(kind) })?;
        // A personal chat's id is the other person's user id.
        if let ("personal_chat" | "bot_chat", Some(id)) = (raw_kind, &chat.id) {
            self.ctx.participant(&ParticipantRecord {
                external_id: format!("user{id}"),
                display_name: chat.name.clone(),
                ..Default::default()
            })?;
        }
        self.conversation = Some(external_id);
        Ok(())
    }

    fn message(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        let locator = Locator::json(self.doc, at.to_string());
        let Some(conversation) = self.conversation.clone() else {
            return self.ctx.skip(&locator, "message outside a chat");
        };
        let files = Files { base: self.base, media: self.media };
        match convert(self.ctx, &files, conversation, value, locator.clone()) {
            Ok(m) => {
                self.ctx.message(&m)?;
                self.written += 1;
                Ok(())
            }
            Err(reason) => self.ctx.skip(&locator, reason),
        }
    }

    fn contact(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        if !value.is_object() {
            return self.ctx.skip(&Locator::json(self.doc, at.to_string()), "contact is not an object");
        }
        match person(&value, false) {
            Some(p) => self.ctx.participant(&p),
            // An entry with only a date: a deleted contact, nothing to declare.
            None => Ok(()),
        }
    }
}

impl Walk for Main<'_, '_, '_> {
    fn step(&mut self, at: &Pointer) -> Step {
        let shape = at.shape();
        let rest = match in_list_chat(&shape) {
            Some(rest) => rest,
            None if self.meta.single => shape.as_str(),
            None => "",
        };
        match (shape.as_str(), rest) {
            (_, "/messages") => Step::Enter,
            (_, "/messages/*") => Step::Take,
            ("/chats" | "/left_chats" | "/chats/list" | "/left_chats/list" | "/contacts" | "/contacts/list", _) => {
                Step::Enter
            }
            ("/contacts/list/*", _) => Step::Take,
            _ if in_list_chat(&shape) == Some("") => Step::Enter,
            _ => Step::Skip,
        }
    }

    fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        let shape = at.shape();
        if shape == "/contacts/list/*" {
            return self.contact(at, value);
        }
        if shape.ends_with("/messages/*") {
            return self.message(at, value);
        }
        // A scalar where a container was expected (`"messages": 5`).
        self.ctx.skip(&Locator::json(self.doc, at.to_string()), format!("expected an array or object, found {value}"))
    }

    fn enter(&mut self, at: &Pointer) -> Result<(), ImportError> {
        if self.is_chat(&at.shape()) {
            self.declare_chat(at)?;
        }
        Ok(())
    }

    fn leave(&mut self, at: &Pointer) -> Result<(), ImportError> {
        if self.is_chat(&at.shape()) {
            self.conversation = None;
        }
        Ok(())
    }
}

/// The account owner (`personal_information`) or a contact.
fn person(v: &Value, is_self: bool) -> Option<ParticipantRecord> {
    let name = [str_of(v, "first_name"), str_of(v, "last_name")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let phone = str_of(v, "phone_number").map(str::to_string);
    let external_id = match v.get("user_id").and_then(id_text) {
        Some(id) => format!("user{id}"),
        None => phone.clone()?,
    };
    Some(ParticipantRecord {
        external_id,
        display_name: Some(name).filter(|n| !n.is_empty()),
        handle: str_of(v, "username").map(str::to_string),
        phone,
        email: None,
        is_self,
    })
}

/// Where attachment paths are resolved.
struct Files<'a> {
    /// Folder of `result.json` inside the tree (`""` or `ChatExport_…/`).
    base: &'a str,
    media: &'a MediaIndex,
}

impl Files<'_> {
    /// An attachment for a path as the export wrote it, or `None` for a
    /// "(File not included…)" placeholder.
    fn attachment(&self, written: &str, mime: Option<String>) -> Option<AttachmentRecord> {
        if written.is_empty() || written.starts_with('(') && written.ends_with(')') {
            return None;
        }
        let in_tree = format!("{}{written}", self.base);
        let found = self.media.get(&in_tree);
        Some(AttachmentRecord {
            file_name: written.rsplit('/').next().unwrap_or(written).to_string(),
            mime,
            size: found.map(|f| f.0),
            sha256: found.map(|f| f.1.clone()),
            export_path: Some(if found.is_some() { in_tree } else { written.to_string() }),
        })
    }
}

/// A message object → a record, or the reason it cannot be one.
fn convert(
    ctx: &ImportCtx,
    files: &Files,
    conversation: String,
    value: Value,
    at: Locator,
) -> Result<MessageRecord, String> {
    let Value::Object(mut o) = value else { return Err("message is not a JSON object".into()) };
    let raw_type = o.get("type").and_then(Value::as_str).unwrap_or("message").to_string();
    let service = raw_type == "service";
    let text = flatten_text(o.get("text"))?;
    let mut m = MessageRecord::new(conversation, MessageKind::Text, text, at);
    m.external_id = o.remove("id").as_ref().and_then(id_text);
    if let Some((t, assumed)) = time(ctx, &mut o)? {
        m.timestamp = Some(t);
        m.offset_assumed = assumed;
    }
    if matches!(raw_type.as_str(), "message" | "service") {
        o.remove("type");
    }
    let (who, who_id) = if service { ("actor", "actor_id") } else { ("from", "from_id") };
    m.sender_name = text_of(&o, who).map(str::to_string);
    m.sender = o.get(who_id).and_then(peer_id).or_else(|| m.sender_name.clone());
    o.remove(who);
    o.remove(who_id);
    keep_entities(&mut o);
    m.reply_to = o.remove("reply_to_message_id").as_ref().and_then(id_text);
    m.forwarded_from = o.remove("forwarded_from").and_then(|v| v.as_str().map(str::to_string));
    m.edited = o.contains_key("edited") || o.contains_key("edited_unixtime");
    m.kind = if raw_type == "unsupported" {
        MessageKind::Other
    } else if service {
        service_kind(&o)
    } else {
        media_kind(&o)
    };
    m.payment = payment(&o);
    attachments(files, &mut o, &mut m.attachments);
    if !o.is_empty() {
        m.extra = Some(Value::Object(o));
    }
    Ok(m)
}

/// A sender id: `user123` / `channel123` as written; exports before
/// tdesktop 2.x wrote a bare number, which is a user id.
fn peer_id(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(format!("user{n}")),
        other => id_text(other),
    }
}

/// `text` is a string, or an array of strings and entity objects whose
/// `text` members concatenate to the message.
fn flatten_text(v: Option<&Value>) -> Result<String, String> {
    match v {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(parts)) => {
            let mut out = String::new();
            for (i, part) in parts.iter().enumerate() {
                match part {
                    Value::String(s) => out.push_str(s),
                    Value::Object(e) => out.push_str(e.get("text").and_then(Value::as_str).unwrap_or("")),
                    other => return Err(format!("text part {i} is neither a string nor an entity: {other}")),
                }
            }
            Ok(out)
        }
        Some(other) => Err(format!("text is neither a string nor an array: {other}")),
    }
}

/// Keep formatting only where it says more than the text: `text_entities`
/// when an entity is not plain (links, mentions with user ids), or the
/// entity array of `text` when an old export has no `text_entities`.
fn keep_entities(o: &mut Map<String, Value>) {
    let text = o.remove("text");
    match o.remove("text_entities") {
        Some(Value::Array(es)) if es.iter().all(|e| e.get("type").and_then(Value::as_str) == Some("plain")) => {}
        Some(entities) => {
            o.insert("text_entities".into(), entities);
        }
        None => {
            if let Some(t @ Value::Array(_)) = text {
                o.insert("text".into(), t);
            }
        }
    }
}

/// `date_unixtime` (exact) or `date` (exporting PC's clock, offset assumed).
fn time(ctx: &ImportCtx, o: &mut Map<String, Value>) -> Result<Option<(Timestamp, bool)>, String> {
    if let Some(raw) = o.remove("date_unixtime") {
        let secs = match &raw {
            Value::String(s) => s.trim().parse::<i64>().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        };
        let secs = secs.ok_or_else(|| format!("date_unixtime {raw} is not a Unix time"))?;
        let t = ctx.epoch_time(secs, 0).ok_or_else(|| format!("date_unixtime {secs} is out of range"))?;
        return Ok(Some((t, false)));
    }
    let Some(raw) = o.remove("date") else { return Ok(None) };
    let s = raw.as_str().ok_or_else(|| format!("date {raw} is not a string"))?;
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .map_err(|_| format!("date {s:?} is not a time like 2024-01-31T23:59:00"))?;
    let t = ctx.local_time(naive).ok_or_else(|| format!("date {s:?} does not exist in {}", ctx.tz()))?;
    Ok(Some((t, true)))
}

fn service_kind(o: &Map<String, Value>) -> MessageKind {
    match text_of(o, "action") {
        Some("phone_call" | "group_call") => MessageKind::Call,
        Some("send_payment") => MessageKind::Transfer,
        _ => MessageKind::System,
    }
}

fn media_kind(o: &Map<String, Value>) -> MessageKind {
    if o.contains_key("photo") {
        return MessageKind::Image;
    }
    if o.contains_key("file") || o.contains_key("media_type") {
        return match o.get("media_type").and_then(Value::as_str) {
            Some("sticker") => MessageKind::Sticker,
            Some("animation" | "video_file" | "video_message") => MessageKind::Video,
            Some("voice_message") => MessageKind::Voice,
            Some("audio_file") => MessageKind::Audio,
            _ => MessageKind::File,
        };
    }
    if o.contains_key("contact_information") {
        MessageKind::Contact
    } else if o.contains_key("location_information") || o.contains_key("place_name") {
        MessageKind::Location
    } else if o.contains_key("poll") {
        MessageKind::Poll
    } else if o.contains_key("invoice_information") || o.contains_key("game_title") {
        MessageKind::Other
    } else {
        MessageKind::Text
    }
}

/// `send_payment` services and invoices state amounts in the currency's
/// smallest unit (cents); the evidence shows the decimal amount.
fn payment(o: &Map<String, Value>) -> Option<Payment> {
    let (holder, status) = match o.get("invoice_information") {
        Some(Value::Object(invoice)) => (invoice, "invoice"),
        _ if text_of(o, "action") == Some("send_payment") => (o, "sent"),
        _ => return None,
    };
    let currency = text_of(holder, "currency").map(str::to_string);
    let minor = holder.get("amount").and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()));
    Some(Payment {
        amount: minor.map(|m| decimal(m, currency.as_deref())),
        currency,
        status: Some(status.to_string()),
        memo: text_of(holder, "title").map(str::to_string),
        transfer_id: None,
    })
}

/// A non-empty string member of a message object.
fn text_of<'o>(o: &'o Map<String, Value>, key: &str) -> Option<&'o str> {
    o.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Minor units → decimal text, by ISO 4217 exponent (2 unless listed).
fn decimal(minor: i64, currency: Option<&str>) -> String {
    let exp: u32 = match currency.unwrap_or("") {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "VND" | "VUV"
        | "XAF" | "XOF" | "XPF" | "XTR" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    };
    if exp == 0 {
        return minor.to_string();
    }
    let unit = 10u64.pow(exp);
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:0width$}", abs / unit, abs % unit, width = exp as usize)
}

/// Attachments from `photo`, `file` and `contact_vcard`; a path that became
/// an attachment leaves `extra`, a placeholder stays.
fn attachments(files: &Files, o: &mut Map<String, Value>, out: &mut Vec<AttachmentRecord>) {
    for key in ["photo", "file", "contact_vcard"] {
        let Some(written) = o.get(key).and_then(Value::as_str) else { continue };
        let mime = match key {
            "file" => text_of(o, "mime_type").map(str::to_string),
            "contact_vcard" => Some("text/vcard".to_string()),
            _ => None,
        };
        match files.attachment(written, mime) {
            Some(mut a) => {
                if key == "file" {
                    if let Some(size) = o.get("file_size").and_then(Value::as_u64) {
                        a.size = a.size.or(Some(size));
                    }
                    o.remove("mime_type");
                }
                o.remove(key);
                out.push(a);
            }
            // Not included in the export, but newer exports still name it.
            None => {
                if let (true, Some(name)) = (key == "file", text_of(o, "file_name")) {
                    out.push(AttachmentRecord {
                        file_name: name.to_string(),
                        mime: text_of(o, "mime_type").map(str::to_string),
                        size: o.get("file_size").and_then(Value::as_u64),
                        ..Default::default()
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_become_decimals() {
        assert_eq!(decimal(123456, Some("USD")), "1234.56");
        assert_eq!(decimal(5, Some("EUR")), "0.05");
        assert_eq!(decimal(-250, Some("CNY")), "-2.50");
        assert_eq!(decimal(1500, Some("JPY")), "1500");
        assert_eq!(decimal(1234, Some("KWD")), "1.234");
    }

    #[test]
    fn text_arrays_flatten() {
        let v: Value = serde_json::json!(["see ", {"type": "link", "text": "https://t.me"}, {"type": "bold"}, "!"]);
        assert_eq!(flatten_text(Some(&v)).unwrap(), "see https://t.me!");
        assert!(flatten_text(Some(&serde_json::json!([1]))).is_err());
        assert!(flatten_text(Some(&serde_json::json!(7))).is_err());
    }

    fn entries(paths: &[&str]) -> Vec<Entry> {
        paths.iter().map(|p| Entry { path: p.to_string(), size: 1 }).collect()
    }

    #[test]
    fn folder_documents() {
        assert_eq!(documents(&entries(&["photos/a.jpg", "result.json"])), ["result.json"]);
        assert_eq!(documents(&entries(&["X/messages.html", "X/result.json"])), ["X/result.json"]);
        // unrelated evidence next to it: not claimed as a whole
        assert!(documents(&entries(&["chat.txt", "result.json"])).is_empty());
        assert!(documents(&entries(&["X/result.json", "Y/a.txt"])).is_empty());
        assert!(documents(&entries(&["data.json"])).is_empty());
    }
}
