//! Discord channel exports by DiscordChatExporter (Tyrrrz), JSON flavour.
//!
//! One file is one channel: `{guild, channel, dateRange, exportedAt,
//! messages[], messageCount}`. The channel is the conversation (external id =
//! channel id): a DM (`guild.id == "0"`, `DirectTextChat`) is direct, a group
//! DM (`DirectGroupTextChat`) a group, anything in a guild a channel titled
//! `Guild / #channel`.
//!
//! Messages stream through [`json_stream`] (a first walk reads `guild` and
//! `channel` and stops at `messages` when they come first, as DCE writes
//! them). Timestamps carry the exporting machine's offset and are used
//! exactly. The author's snowflake id is the sender; the shown name is the
//! server nickname when there is one. `reference.messageId` is `reply_to`
//! (for a forward, the source channel is `forwarded_from`).
//!
//! `messageCount` is not checked: exports edited or merged by hand disagree
//! with their own count, and we import the messages that are there. Merged
//! exports also repeat message ids; both copies are imported (they are
//! evidence of what each export held) and the later one is marked
//! `"duplicate_id": true` in `extra`. Seen ids are kept as 64-bit numbers, about
//! 16 bytes per message (16 MB per million messages).
//!
//! Attachments keep DCE's `url` as `export_path` (a CDN URL, or a relative
//! path when exported with `--media`); a single file cannot reach those
//! files, so they are not hashed. Embeds, stickers, reactions, mentions,
//! components, pins, call end times and the raw message type stay in `extra`.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::DateTime;
use regex::Regex;
use serde_json::{Map, Value};

use super::formats::Probe;
use super::json_stream::{self, id_text, str_of, Header};
use super::tree::SourceTree;
use super::{ImportCtx, ImportError};
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord,
};

static GUILD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""guild"\s*:\s*\{"#).expect("static regex"));
static CHANNEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""channel"\s*:\s*\{"#).expect("static regex"));

/// A single JSON file that opens with DCE's `guild` and `channel` objects.
pub fn sniff(p: &Probe) -> bool {
    let t = p.text();
    p.single_file
        && t.trim_start().starts_with('{')
        && GUILD.is_match(t)
        && CHANNEL.is_match(t)
        && t.contains("\"messages\"")
}

/// Message types that are notices rather than something a person wrote.
const SYSTEM_TYPES: &[&str] = &[
    "RecipientAdd",
    "RecipientRemove",
    "ChannelNameChange",
    "ChannelIconChange",
    "ChannelPinnedMessage",
    "GuildMemberJoin",
    "ThreadCreated",
    "GuildBoost",
    "GuildBoostTier1",
    "GuildBoostTier2",
    "GuildBoostTier3",
    "ChannelFollowAdd",
    "AutoModerationAction",
];

/// Types whose content a person (or a bot command) wrote.
const CHAT_TYPES: &[&str] = &["Default", "Reply", "ChatInputCommand", "ContextMenuCommand"];

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = tree.entries().first().map(|e| e.path.clone()).unwrap_or_default();
    let file = json_stream::describe(tree.origin(), &entry, tree.is_single_file());
    let mut header = Header::new("messages", &["guild", "channel"], &["guild", "channel"]);
    header.read(tree.open(&entry)?, &file)?;
    let null = Value::Null;
    let guild = header.values.get("guild").unwrap_or(&null);
    let channel = header.values.get("channel").unwrap_or(&null);
    let conversation = channel.get("id").and_then(id_text).unwrap_or_else(|| format!("{entry}#"));
    ctx.conversation(&conversation_record(&conversation, guild, channel))?;

    let mut seen = SeenIds::default();
    let mut authors = HashSet::new();
    let reader = tree.open(&entry)?;
    json_stream::import_array(reader, ctx, &file, &entry, "messages", |ctx, value, at| {
        let (m, author) = match convert(&conversation, value, at, &mut seen) {
            Ok(converted) => converted,
            Err(reason) => return Ok(Err(reason)),
        };
        if let Some(p) = author.filter(|p| !authors.contains(&p.external_id)) {
            authors.insert(p.external_id.clone());
            ctx.participant(&p)?;
        }
        Ok(Ok(m))
    })
}

fn conversation_record(id: &str, guild: &Value, channel: &Value) -> ConversationRecord {
    let name = str_of(channel, "name");
    let is_dm = guild.get("id").and_then(id_text).map_or(true, |g| g == "0");
    let kind = match str_of(channel, "type") {
        Some("DirectTextChat") => ConversationKind::Direct,
        Some("DirectGroupTextChat") => ConversationKind::Group,
        _ if is_dm => ConversationKind::Direct,
        _ => ConversationKind::Channel,
    };
    let title = match (is_dm, str_of(guild, "name"), name) {
        (false, Some(g), Some(n)) => Some(format!("{g} / #{n}")),
        (_, _, n) => n.map(str::to_string),
    };
    ConversationRecord { external_id: id.to_string(), title, kind: Some(kind) }
}

/// Message ids met so far, to mark repeats in merged exports.
#[derive(Default)]
struct SeenIds {
    numeric: HashSet<u64>,
    other: HashSet<String>,
}

impl SeenIds {
    /// True when `id` was seen before.
    fn repeat(&mut self, id: &str) -> bool {
        match id.parse::<u64>() {
            Ok(n) => !self.numeric.insert(n),
            Err(_) => !self.other.insert(id.to_string()),
        }
    }
}

/// A message object → the record and its author, or why it cannot be read.
fn convert(
    conversation: &str,
    value: Value,
    at: Locator,
    seen: &mut SeenIds,
) -> Result<(MessageRecord, Option<ParticipantRecord>), String> {
    let (mut o, text) = json_stream::message_object(value, "content")?;
    let mut m = MessageRecord::new(conversation, MessageKind::Text, text, at);
    if let Some(raw) = o.remove("timestamp").filter(|t| !t.is_null()) {
        let s = raw.as_str().ok_or_else(|| format!("timestamp {raw} is not a string"))?;
        m.timestamp =
            Some(DateTime::parse_from_rfc3339(s).map_err(|_| format!("timestamp {s:?} is not an ISO 8601 time"))?);
    }
    m.external_id = o.remove("id").as_ref().and_then(id_text);
    if m.external_id.as_deref().is_some_and(|id| seen.repeat(id)) {
        o.insert("duplicate_id".into(), Value::Bool(true));
    }
    m.edited = o.get("timestampEdited").is_some_and(|t| !t.is_null());
    let raw_type = o.remove("type").and_then(|t| t.as_str().map(str::to_string)).unwrap_or_else(|| "Default".into());
    let author = o.remove("author").map(|a| author(&a, &mut m, &mut o));
    references(conversation, &mut m, &mut o);
    forwarded(&mut m, &o);
    m.attachments = attachments(&o);
    m.kind = kind(&raw_type, &m, &o);
    if raw_type != "Default" {
        o.insert("type".into(), Value::String(raw_type));
    }
    // What has no column: keep it, minus empty lists and unset flags.
    o.retain(|_, v| !matches!(v, Value::Null | Value::Bool(false)) && v.as_array().map_or(true, |a| !a.is_empty()));
    o.remove("attachments");
    if !o.is_empty() {
        m.extra = Some(Value::Object(o));
    }
    Ok((m, author.flatten()))
}

/// Set the sender from `author`; returns the participant to declare.
fn author(a: &Value, m: &mut MessageRecord, extra: &mut Map<String, Value>) -> Option<ParticipantRecord> {
    let id = a.get("id").and_then(id_text)?;
    let name = str_of(a, "name");
    m.sender = Some(id.clone());
    m.sender_name = str_of(a, "nickname").or(name).map(str::to_string);
    if a.get("isBot").and_then(Value::as_bool) == Some(true) {
        extra.insert("author_is_bot".into(), Value::Bool(true));
    }
    let handle = match (name, str_of(a, "discriminator")) {
        (Some(n), Some(d)) if !d.trim_start_matches('0').is_empty() => Some(format!("{n}#{d}")),
        (n, _) => n.map(str::to_string),
    };
    Some(ParticipantRecord { external_id: id, display_name: name.map(str::to_string), handle, ..Default::default() })
}

/// `reference` → `reply_to`, or `forwarded_from` for a forward; the
/// reference stays in `extra` unless it is a plain reply in this channel.
fn references(conversation: &str, m: &mut MessageRecord, o: &mut Map<String, Value>) {
    let Some(r) = o.get("reference") else { return };
    let same_channel = r.get("channelId").and_then(id_text).map_or(true, |c| c == conversation);
    if str_of(r, "type") == Some("Forward") {
        m.forwarded_from = r.get("channelId").and_then(id_text).map(|c| format!("channel {c}"));
        return;
    }
    m.reply_to = r.get("messageId").and_then(id_text);
    if same_channel && m.reply_to.is_some() {
        o.remove("reference");
    }
}

/// A forward with no text of its own shows the forwarded text.
fn forwarded(m: &mut MessageRecord, o: &Map<String, Value>) {
    if let (true, Some(text)) = (m.text.is_empty(), o.get("forwardedMessage").and_then(|f| str_of(f, "content"))) {
        m.text = text.to_string();
    }
}

fn attachments(o: &Map<String, Value>) -> Vec<AttachmentRecord> {
    let list = o.get("attachments").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    list.iter()
        .filter_map(|a| {
            let url = str_of(a, "url");
            let name = str_of(a, "fileName").or_else(|| url.map(|u| u.rsplit('/').next().unwrap_or(u)))?;
            Some(AttachmentRecord {
                file_name: name.to_string(),
                mime: None,
                size: a.get("fileSizeBytes").and_then(Value::as_u64),
                sha256: None,
                export_path: url.map(str::to_string),
            })
        })
        .collect()
}

fn kind(raw_type: &str, m: &MessageRecord, o: &Map<String, Value>) -> MessageKind {
    if raw_type == "Call" {
        return MessageKind::Call;
    }
    if SYSTEM_TYPES.contains(&raw_type) {
        return MessageKind::System;
    }
    if !CHAT_TYPES.contains(&raw_type) && raw_type.parse::<u32>().is_err() {
        return MessageKind::Other;
    }
    let has = |k: &str| o.get(k).and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    if let Some(a) = m.attachments.first() {
        return by_extension(&a.file_name);
    }
    if has("stickers") {
        MessageKind::Sticker
    } else if m.text.is_empty() && has("embeds") {
        MessageKind::Link
    } else {
        MessageKind::Text
    }
}

/// DCE gives no MIME type; the file name's extension is all there is.
fn by_extension(name: &str) -> MessageKind {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "heic" => MessageKind::Image,
        "mp4" | "mov" | "webm" | "mkv" | "avi" => MessageKind::Video,
        "ogg" if name.starts_with("voice-message") => MessageKind::Voice,
        "mp3" | "ogg" | "wav" | "m4a" | "flac" | "opus" => MessageKind::Audio,
        _ => MessageKind::File,
    }
}
