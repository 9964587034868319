//! Facebook Messenger and Instagram direct messages, from Meta's "Download
//! your information" JSON (`messages/inbox/<thread>/message_1.json`).
//!
//! Both use one schema: `participants[{name}]`, `messages[{sender_name,
//! timestamp_ms, content, photos, videos, audio_files, files, gifs, sticker,
//! share, reactions, type, call_duration, is_unsent…}]`, then `title`,
//! `thread_type`, `thread_path`. They are two formats (`messenger`,
//! `instagram`) only so that people land on the right platform. Content
//! cannot always tell them apart: a file mentioning `instagram.com/` or
//! `your_instagram_activity` is Instagram, anything else Messenger — force
//! `--format instagram` for a plain Instagram thread.
//!
//! **Mojibake.** Meta writes each UTF-8 byte as its own `\u00XX` escape, so
//! `’` arrives as `\u00e2\u0080\u0099`. Every string whose characters are all
//! below U+0100 and which has one above U+007F is re-encoded as those bytes
//! and decoded as UTF-8 when that succeeds; genuine Latin-1 text such as
//! `café` is not valid UTF-8 that way and stays as it is.
//!
//! **Order and time.** Messages are newest first; file order is kept (the
//! store keeps insertion order) and `timestamp_ms` is an exact UTC epoch.
//! The export has no user ids: people are known by display name. The thread
//! (`thread_path`, else `title`) is the conversation; `title` and
//! `thread_path` come after `messages`, so a first walk reads them
//! ([`json_stream::Header`]) before messages are streamed.
//!
//! Media `uri`s are relative to the root of the whole download; a single
//! thread file cannot reach them, so attachments carry the uri as
//! `export_path` and no hash.

use serde_json::{Map, Value};

use super::formats::Probe;
use super::json_stream::{self, str_of, Header};
use super::tree::SourceTree;
use super::{ImportCtx, ImportError};
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord,
};

/// Meta's message schema: `messages` with `sender_name` and `timestamp_ms`.
fn meta_schema(p: &Probe) -> bool {
    let t = p.text();
    p.single_file
        && t.trim_start().starts_with('{')
        && t.contains("\"messages\"")
        && t.contains("\"sender_name\"")
        && t.contains("\"timestamp_ms\"")
}

fn instagram_marks(p: &Probe) -> bool {
    let t = p.text();
    t.contains("your_instagram_activity") || t.contains("instagram.com/")
}

pub fn sniff_messenger(p: &Probe) -> bool {
    meta_schema(p) && !instagram_marks(p)
}

pub fn sniff_instagram(p: &Probe) -> bool {
    meta_schema(p) && instagram_marks(p)
}

pub fn import_messenger(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    import(tree, ctx)
}

pub fn import_instagram(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    import(tree, ctx)
}

fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = tree.entries().first().map(|e| e.path.clone()).unwrap_or_default();
    let file = json_stream::describe(tree.origin(), &entry, tree.is_single_file());
    let mut header = Header::new(
        "messages",
        &["participants", "title", "thread_type", "thread_path"],
        &["participants", "title", "thread_type", "thread_path"],
    );
    header.read(tree.open(&entry)?, &file)?;
    for v in header.values.values_mut() {
        fix_mojibake(v);
    }
    let conversation = conversation(ctx, &header, &entry)?;

    let reader = tree.open(&entry)?;
    json_stream::import_array(reader, ctx, &file, &entry, "messages", |ctx, mut value, at| {
        fix_mojibake(&mut value);
        Ok(convert(ctx, &conversation, value, at))
    })
}

/// Declare the thread and its participants; returns the thread's external id.
fn conversation(ctx: &mut ImportCtx, header: &Header, entry: &str) -> Result<String, ImportError> {
    let people: Vec<&str> = header
        .values
        .get("participants")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(|p| str_of(p, "name")).collect())
        .unwrap_or_default();
    for name in &people {
        ctx.participant(&ParticipantRecord {
            external_id: name.to_string(),
            display_name: Some(name.to_string()),
            ..Default::default()
        })?;
    }
    let title = header.text("title").filter(|t| !t.is_empty());
    let external_id = header
        .text("thread_path")
        .filter(|t| !t.is_empty())
        .or(title)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{entry}#"));
    let kind = match (header.text("thread_type"), people.len()) {
        (Some("Regular"), _) => ConversationKind::Direct,
        (Some("RegularGroup"), _) => ConversationKind::Group,
        (_, 0) => ConversationKind::Unknown,
        (_, 1 | 2) => ConversationKind::Direct,
        _ => ConversationKind::Group,
    };
    ctx.conversation(&ConversationRecord {
        external_id: external_id.clone(),
        title: title.map(str::to_string),
        kind: Some(kind),
    })?;
    Ok(external_id)
}

/// Undo Meta's byte-per-character escaping in every string of `v`.
pub fn fix_mojibake(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(fixed) = unmangle(s) {
                *s = fixed;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_mojibake),
        Value::Object(o) => o.values_mut().for_each(fix_mojibake),
        _ => {}
    }
}

/// The UTF-8 text hidden in `s`, when `s` is UTF-8 bytes read as Latin-1.
fn unmangle(s: &str) -> Option<String> {
    if s.is_ascii() {
        return None;
    }
    let bytes: Vec<u8> = s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect::<Option<_>>()?;
    String::from_utf8(bytes).ok()
}

/// Media lists and their kinds, in the order that decides a message's kind.
const MEDIA: &[(&str, MessageKind)] = &[
    ("photos", MessageKind::Image),
    ("videos", MessageKind::Video),
    ("gifs", MessageKind::Image),
    ("audio_files", MessageKind::Voice),
    ("files", MessageKind::File),
];

fn convert(ctx: &ImportCtx, conversation: &str, value: Value, at: Locator) -> Result<MessageRecord, String> {
    let (mut o, text) = json_stream::message_object(value, "content")?;
    let mut m = MessageRecord::new(conversation, MessageKind::Text, text, at);
    if let Some(raw) = o.remove("timestamp_ms") {
        let ms = raw.as_i64().ok_or_else(|| format!("timestamp_ms {raw} is not a whole number"))?;
        let t = ctx.epoch_time(ms.div_euclid(1000), ms.rem_euclid(1000) as u32);
        m.timestamp = Some(t.ok_or_else(|| format!("timestamp_ms {ms} is out of range"))?);
    }
    if let Some(Value::String(name)) = o.remove("sender_name") {
        m.sender = Some(name.clone());
        m.sender_name = Some(name);
    }
    m.kind = kind(&o);
    m.deleted = o.get("is_unsent").and_then(Value::as_bool) == Some(true);
    for key in MEDIA.iter().map(|(k, _)| *k).chain(["sticker"]) {
        let (found, all) = match o.get(key) {
            Some(Value::Array(list)) => {
                let found: Vec<_> = list.iter().filter_map(|i| str_of(i, "uri")).map(attachment).collect();
                let all = found.len() == list.len();
                (found, all)
            }
            Some(one @ Value::Object(_)) => (str_of(one, "uri").map(attachment).into_iter().collect(), true),
            _ => continue,
        };
        // A list fully turned into attachments leaves `extra`.
        if all && !found.is_empty() {
            o.remove(key);
        }
        m.attachments.extend(found);
    }
    if !o.is_empty() {
        m.extra = Some(Value::Object(o));
    }
    Ok(m)
}

fn kind(o: &Map<String, Value>) -> MessageKind {
    if o.get("is_unsent").and_then(Value::as_bool) == Some(true) {
        return MessageKind::Recalled;
    }
    match o.get("type").and_then(Value::as_str) {
        Some("Call") => return MessageKind::Call,
        Some("Subscribe" | "Unsubscribe") => return MessageKind::System,
        _ => {}
    }
    let has = |k: &str| o.get(k).and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    if let Some((_, kind)) = MEDIA.iter().find(|(k, _)| has(k)) {
        *kind
    } else if o.get("sticker").is_some_and(Value::is_object) {
        MessageKind::Sticker
    } else if o.contains_key("share") {
        MessageKind::Link
    } else {
        MessageKind::Text
    }
}

fn attachment(uri: &str) -> AttachmentRecord {
    AttachmentRecord {
        file_name: uri.rsplit('/').next().unwrap_or(uri).to_string(),
        export_path: Some(uri.to_string()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_is_undone_and_latin1_kept() {
        assert_eq!(unmangle("It\u{e2}\u{80}\u{99}s"), Some("It’s".to_string()));
        assert_eq!(unmangle("\u{e4}\u{bd}\u{a0}\u{e5}\u{a5}\u{bd}"), Some("你好".to_string()));
        assert_eq!(unmangle("café"), None);
        assert_eq!(unmangle("plain"), None);
        assert_eq!(unmangle("你好"), None);
    }
}
