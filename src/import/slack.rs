//! Slack workspace exports: the `.zip` Slack's admin export produces, the
//! same unpacked into a folder, or one bare message-array JSON file (a day
//! file on its own, slackdump's `channel.json` / thread files).
//!
//! An export is one source. Its root holds `users.json` (people),
//! `channels.json`, `groups.json` (private channels), `mpims.json` (group
//! DMs) and `dms.json` (conversations), and one folder per conversation —
//! named after the channel, or the DM's id — with a `YYYY-MM-DD.json` file
//! per day, each a JSON array of messages. An export with only the lists
//! and no day files still imports: conversations and people, no messages.
//! A zip that wraps everything in one top folder is read the same way.
//!
//! Messages: `ts` is the UTC epoch with microseconds and is the message id
//! (`external_id`); `thread_ts` ≠ `ts` makes it a reply (`reply_to`);
//! `text` is decoded from mrkdwn (see [`mrkdwn`]), falling back to `blocks`
//! and legacy `attachments` when empty. `subtype` picks the kind: joins,
//! topics, renames, pins → `System`; `tombstone` / `message_deleted` →
//! `Recalled` (deleted); huddles → `Call`; shared files → image/video/file
//! by MIME type. The actor of a system message stays its sender. Reactions,
//! edits, thread details, the raw mrkdwn and legacy attachments go to
//! `extra`. Files shared in a message are attachments; when the export
//! carries the file itself (slackdump's `<channel>/attachments/F…-name`,
//! `__uploads/F…/name`) it is hashed.
//!
//! A message that is not an object or has no usable `ts` is skipped with its
//! JSON pointer (`general/2016-02-08.json#/3`). A day file whose JSON breaks
//! off is read up to the break, and the rest is one skip naming the line and
//! column; a broken `users.json` / `channels.json` is a skip too, so one bad
//! file never hides the rest of an export.

pub mod mrkdwn;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::filekind::kind_of_file;
use super::formats::Probe;
use super::json_head::first_array_element;
use super::json_stream::{buffered_without_bom, failure, for_each_element, WalkError};
use super::tree::{Entry, SourceTree};
use super::{ImportCtx, ImportError};
use crate::model::{AttachmentRecord, ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord};
use mrkdwn::Names;

/// The conversation lists at an export's root, with the kind each holds.
const LISTS: [(&str, ConversationKind); 4] = [
    ("channels.json", ConversationKind::Channel),
    ("groups.json", ConversationKind::Group),
    ("mpims.json", ConversationKind::Group),
    ("dms.json", ConversationKind::Direct),
];

/// Subtypes that announce something rather than say it, besides every
/// `channel_*` and `group_*` (joins, leaves, topics, purposes, renames,
/// archiving, conversions).
const SYSTEM_SUBTYPES: &[&str] = &[
    "bot_add",
    "bot_remove",
    "bot_enable",
    "bot_disable",
    "pinned_item",
    "unpinned_item",
    "reminder_add",
    "tombstone_notice",
    "joiner_notification",
    "ekm_access_denied",
];

/// Subtypes that are ordinary messages, just marked.
const TEXT_SUBTYPES: &[&str] =
    &["bot_message", "me_message", "thread_broadcast", "reply_broadcast", "slackbot_response", "file_comment", "file_mention"];

/// Message keys copied to `extra` as they are.
const EXTRA_KEYS: &[&str] = &[
    "subtype",
    "thread_ts",
    "parent_user_id",
    "reply_count",
    "reply_users",
    "reply_users_count",
    "latest_reply",
    "replies",
    "reactions",
    "edited",
    "attachments",
    "pinned_to",
    "pinned_info",
    "bot_id",
    "username",
    "client_msg_id",
    "team",
    "hidden",
    "upload",
    "inviter",
    "topic",
    "purpose",
    "name",
    "old_name",
    "root",
    "deleted_ts",
    "item_type",
];

pub fn sniff(p: &Probe) -> bool {
    if p.single_file {
        return sniff_message_array(p);
    }
    export_root(p.entries).is_some()
}

/// A single JSON file whose top level is an array of Slack messages.
fn sniff_message_array(p: &Probe) -> bool {
    static TYPE_MESSAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""type"\s*:\s*"message""#).expect("static regex"));
    static TS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""ts"\s*:\s*"\d+(\.\d+)?""#).expect("static regex"));
    match first_array_element(p.text()) {
        Some(Ok(first)) => match serde_json::from_str::<Value>(first) {
            Ok(Value::Object(o)) => o.contains_key("ts") && o.get("type").and_then(Value::as_str) == Some("message"),
            _ => false,
        },
        // a first message longer than the sniffer's head
        Some(Err(prefix)) => prefix.starts_with('{') && TYPE_MESSAGE.is_match(prefix) && TS.is_match(prefix),
        None => false,
    }
}

/// `YYYY-MM-DD.json`.
fn is_day_file(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 15
        && name.ends_with(".json")
        && b.iter().take(10).enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// The folder of a day file `prefix + folder/YYYY-MM-DD.json`.
fn day_folder<'e>(path: &'e str, root: &str) -> Option<&'e str> {
    let rel = path.strip_prefix(root)?;
    let (folder, file) = rel.split_once('/')?;
    (!folder.is_empty() && folder != "__MACOSX" && is_day_file(file)).then_some(folder)
}

/// Where the export lies in a folder or archive: `""`, or `"top/"` when
/// everything is wrapped in one folder. `None` when it is not a Slack export.
fn export_root(entries: &[Entry]) -> Option<String> {
    let looks_like_root = |root: &str| {
        LISTS.iter().any(|(f, _)| entries.iter().any(|e| e.path.strip_prefix(root) == Some(f)))
            || entries.iter().any(|e| day_folder(&e.path, root).is_some())
    };
    if looks_like_root("") {
        return Some(String::new());
    }
    let mut tops = entries.iter().filter(|e| !e.path.starts_with("__MACOSX/")).map(|e| e.path.split('/').next().unwrap_or(""));
    let first = tops.next()?;
    let root = format!("{first}/");
    (tops.all(|t| t == first) && looks_like_root(&root)).then_some(root)
}

/// A copy of a shared file found inside the export.
struct StoredFile {
    path: String,
    size: u64,
    sha256: String,
}

/// What every message needs to know about the export.
#[derive(Default)]
struct Export {
    names: Names,
    /// Slack file id → copies of the file in the export.
    files: HashMap<String, Vec<StoredFile>>,
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    if tree.is_single_file() {
        return import_message_array(tree, ctx);
    }
    let origin = tree.origin().display().to_string();
    let root = export_root(tree.entries()).ok_or_else(|| {
        ImportError::malformed(&origin, "entries", "no Slack export files (channels.json, dms.json, … or <channel>/YYYY-MM-DD.json)")
    })?;
    let mut export = Export::default();
    read_users(tree, ctx, &root, &mut export.names)?;
    let folders = read_conversations(tree, ctx, &root, &mut export.names)?;
    index_files(tree, &root, &mut export.files)?;

    let days: Vec<(String, String)> = tree
        .entries()
        .iter()
        .filter_map(|e| day_folder(&e.path, &root).map(|f| (e.path.clone(), f.to_string())))
        .collect();
    let mut declared: HashSet<String> = HashSet::new();
    for (path, folder) in days {
        let conversation = match folders.get(&folder) {
            Some(id) => id.clone(),
            None => {
                // a folder no list names: the folder is all we know
                if declared.insert(folder.clone()) {
                    let title = Some(folder.clone());
                    ctx.conversation(&ConversationRecord { external_id: folder.clone(), title, kind: None })?;
                }
                folder
            }
        };
        read_day_file(tree, ctx, &export, &conversation, &path, false)?;
    }
    Ok(())
}

/// A bare message array: one conversation named after the file.
fn import_message_array(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let path = tree.entries().first().map(|e| e.path.clone()).unwrap_or_default();
    let stem = path.strip_suffix(".json").or_else(|| path.strip_suffix(".JSON")).unwrap_or(&path).to_string();
    ctx.conversation(&ConversationRecord { external_id: stem.clone(), title: Some(stem.clone()), kind: None })?;
    read_day_file(tree, ctx, &Export::default(), &stem, &path, true)
}

/// Stream a JSON array file to `f`, turning a break in the JSON into one
/// skip (or, for a file that is the whole source, an error).
fn stream_file(
    tree: &mut dyn SourceTree,
    ctx_skip: &mut dyn FnMut(&Locator, String) -> Result<(), ImportError>,
    path: &str,
    whole_source: bool,
    f: &mut dyn FnMut(u64, Value) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let origin = tree.origin().display().to_string();
    let entry = tree.origin().join(path);
    let reader = buffered_without_bom(tree.open(path)?).map_err(|e| ImportError::Io { path: entry, source: e })?;
    let (read, result) = for_each_element(reader, f);
    match result {
        Ok(()) => Ok(()),
        Err(WalkError::Json(error, _)) => {
            let at = format!("line {} column {}", error.line(), error.column());
            if read == 0 && whole_source {
                return Err(ImportError::malformed(format!("{origin}!{path}"), at, format!("not a JSON array of Slack messages: {error}")));
            }
            // a wrong top-level type is about the whole file; a syntax
            // error is about the element being read when it broke
            let (pointer, reason) = if read == 0 && error.is_data() {
                (String::new(), format!("not a JSON array: {error}"))
            } else {
                (format!("/{read}"), format!("unreadable JSON: {error}; the rest of the file could not be read"))
            };
            ctx_skip(&Locator::json(path, pointer), reason)
        }
        // the callback's own error (the store); an array root is never `NotObject`
        Err(e) => Err(failure(e, &format!("{origin}!{path}"))),
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// `users.json`: every person, and the names mentions are shown with.
fn read_users(tree: &mut dyn SourceTree, ctx: &mut ImportCtx, root: &str, names: &mut Names) -> Result<(), ImportError> {
    let path = format!("{root}users.json");
    if !tree.has(&path) {
        return Ok(());
    }
    let ctx = std::cell::RefCell::new(ctx);
    let mut skip = |at: &Locator, reason: String| ctx.borrow_mut().skip(at, reason);
    let mut user = |i: u64, v: Value| -> Result<(), ImportError> {
        let Some(id) = str_of(&v, "id") else {
            return ctx.borrow_mut().skip(&Locator::json(&path, format!("/{i}")), "user without an id");
        };
        let profile = v.get("profile").unwrap_or(&Value::Null);
        let real = str_of(profile, "real_name").or_else(|| str_of(&v, "real_name"));
        let display = str_of(profile, "display_name");
        let handle = str_of(&v, "name");
        let shown = display.or(real).or(handle).unwrap_or(id);
        let mut p = ParticipantRecord {
            external_id: id.to_string(),
            display_name: real.or(display).or(handle).map(str::to_string),
            handle: handle.map(str::to_string),
            phone: str_of(profile, "phone").map(str::to_string),
            email: str_of(profile, "email").or_else(|| str_of(&v, "email")).map(str::to_string),
            is_self: false,
        };
        let mut ctx = ctx.borrow_mut();
        ctx.participant(&p)?;
        if p.display_name.as_deref() != Some(shown) {
            // the other name is recorded too (participant_names)
            p.display_name = Some(shown.to_string());
            ctx.participant(&p)?;
        }
        names.users.insert(id.to_string(), shown.to_string());
        Ok(())
    };
    let path2 = path.clone();
    stream_file(tree, &mut skip, &path2, false, &mut user)
}

/// The conversation lists. Returns folder name → conversation id.
fn read_conversations(
    tree: &mut dyn SourceTree,
    ctx: &mut ImportCtx,
    root: &str,
    names: &mut Names,
) -> Result<HashMap<String, String>, ImportError> {
    let mut folders = HashMap::new();
    let ctx = std::cell::RefCell::new(ctx);
    for (file, kind) in LISTS {
        let path = format!("{root}{file}");
        if !tree.has(&path) {
            continue;
        }
        let mut skip = |at: &Locator, reason: String| ctx.borrow_mut().skip(at, reason);
        let mut conversation = |i: u64, v: Value| -> Result<(), ImportError> {
            let Some(id) = str_of(&v, "id") else {
                return ctx.borrow_mut().skip(&Locator::json(&path, format!("/{i}")), "conversation without an id");
            };
            let name = str_of(&v, "name");
            let members: Vec<&str> = v.get("members").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            let title = match kind {
                // DMs have no name; group DMs have a generated one (mpdm-a--b-1)
                ConversationKind::Direct | ConversationKind::Group if file != "groups.json" && !members.is_empty() => {
                    let mut seen = Vec::new();
                    for m in &members {
                        let n = names.users.get(*m).map(String::as_str).unwrap_or(m);
                        if !seen.contains(&n) {
                            seen.push(n);
                        }
                    }
                    Some(seen.join(", "))
                }
                _ => name.map(str::to_string),
            };
            let title = title.or_else(|| Some(id.to_string()));
            ctx.borrow_mut().conversation(&ConversationRecord { external_id: id.to_string(), title, kind: Some(kind) })?;
            if let Some(n) = name {
                names.channels.insert(id.to_string(), n.to_string());
                folders.entry(n.to_string()).or_insert_with(|| id.to_string());
            }
            folders.entry(id.to_string()).or_insert_with(|| id.to_string());
            Ok(())
        };
        stream_file(tree, &mut skip, &path, false, &mut conversation)?;
    }
    Ok(folders)
}

/// The Slack file id a stored file belongs to: `F…-name.ext` or `F…/name.ext`.
fn file_id_of(rel: &str) -> Option<&str> {
    let is_id = |s: &str| s.len() >= 7 && s.starts_with('F') && s.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let mut parts = rel.split('/').rev();
    let name = parts.next()?;
    if let Some((id, _)) = name.split_once('-') {
        if is_id(id) {
            return Some(id);
        }
    }
    parts.find(|p| is_id(p))
}

/// Hash every shared file the export carries, by Slack file id. Done before
/// the messages because an archive streams one entry at a time.
fn index_files(tree: &mut dyn SourceTree, root: &str, files: &mut HashMap<String, Vec<StoredFile>>) -> Result<(), ImportError> {
    let candidates: Vec<(String, String)> = tree
        .entries()
        .iter()
        .filter_map(|e| {
            let rel = e.path.strip_prefix(root)?;
            if day_folder(&e.path, root).is_some() || !rel.contains('/') {
                return None;
            }
            file_id_of(rel).map(|id| (id.to_string(), e.path.clone()))
        })
        .collect();
    for (id, path) in candidates {
        let (size, sha256) = tree.hash(&path)?;
        files.entry(id).or_default().push(StoredFile { path, size, sha256 });
    }
    Ok(())
}

/// Read one day file (or a bare message array) into `conversation`.
fn read_day_file(
    tree: &mut dyn SourceTree,
    ctx: &mut ImportCtx,
    export: &Export,
    conversation: &str,
    path: &str,
    whole_source: bool,
) -> Result<(), ImportError> {
    let ctx = std::cell::RefCell::new(ctx);
    let mut skip = |at: &Locator, reason: String| ctx.borrow_mut().skip(at, reason);
    let mut message = |i: u64, v: Value| -> Result<(), ImportError> {
        let at = Locator::json(path, format!("/{i}"));
        let mut ctx = ctx.borrow_mut();
        match to_message(&ctx, export, conversation, v, at.clone()) {
            Ok(m) => ctx.message(&m).map(|_| ()),
            Err(reason) => ctx.skip(&at, reason),
        }
    };
    stream_file(tree, &mut skip, path, whole_source, &mut message)
}

/// Seconds and milliseconds of a Slack `ts` (`"1454884927.000002"`).
fn parse_ts(ts: &str) -> Option<(i64, u32)> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    if secs.is_empty() || !secs.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let millis = frac.get(..3).map(|f| format!("{f:0<3}")).unwrap_or_else(|| format!("{frac:0<3}"));
    Some((secs.parse().ok()?, millis.parse().ok()?))
}

fn to_message(ctx: &ImportCtx, export: &Export, conversation: &str, v: Value, at: Locator) -> Result<MessageRecord, String> {
    let Value::Object(o) = v else { return Err("not a message object".into()) };
    let ts = match o.get("ts") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("message without ts".into()),
    };
    let (secs, millis) = parse_ts(&ts).ok_or_else(|| format!("ts {ts:?} is not a Slack timestamp"))?;
    let timestamp = ctx.epoch_time(secs, millis).ok_or_else(|| format!("ts {ts:?} is out of range"))?;
    let names = &export.names;
    let get = |k: &str| o.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let subtype = get("subtype");

    // text: mrkdwn, else the blocks, else the legacy attachments
    let raw = get("text").unwrap_or_default();
    let mut text = mrkdwn::decode(raw, names);
    let mut text_from = None;
    if text.is_empty() {
        if let Some(b) = o.get("blocks").and_then(Value::as_array) {
            text = mrkdwn::blocks_text(b, names);
            text_from = Some("blocks").filter(|_| !text.is_empty());
        }
    }
    if text.is_empty() {
        if let Some(a) = o.get("attachments").and_then(Value::as_array) {
            text = mrkdwn::attachments_text(a, names);
            text_from = Some("attachments").filter(|_| !text.is_empty());
        }
    }

    let files = shared_files(&o);
    let attachments: Vec<AttachmentRecord> = files.iter().map(|f| attachment(f, export)).collect();
    let kind = match subtype {
        Some(s) if SYSTEM_SUBTYPES.contains(&s) || s.starts_with("channel_") || s.starts_with("group_") => MessageKind::System,
        Some("tombstone" | "message_deleted") => MessageKind::Recalled,
        Some("huddle_thread" | "sh_room_created") => MessageKind::Call,
        _ if !attachments.is_empty() && !matches!(subtype, Some("file_comment" | "file_mention")) => {
            attachments.first().map_or(MessageKind::File, |a| kind_of_file(a.mime.as_deref(), &a.file_name))
        }
        None => MessageKind::Text,
        Some(s) if TEXT_SUBTYPES.contains(&s) || s == "file_share" => MessageKind::Text,
        Some(_) => MessageKind::Other,
    };

    let mut m = MessageRecord::new(conversation, kind, text, at);
    m.external_id = Some(ts.clone());
    m.timestamp = Some(timestamp);
    m.deleted = kind == MessageKind::Recalled;
    m.edited = o.get("edited").is_some_and(|e| !e.is_null());
    m.reply_to = get("thread_ts").filter(|t| *t != ts).map(str::to_string);
    // a 2016-era file_comment names its author only inside `comment`
    let commenter = o.get("comment").and_then(|c| str_of(c, "user"));
    let profile = o.get("user_profile").unwrap_or(&Value::Null);
    let profile_name = str_of(profile, "display_name").or_else(|| str_of(profile, "real_name")).or_else(|| str_of(profile, "name"));
    if let Some(user) = get("user").or(commenter) {
        m.sender = Some(user.to_string());
        let listed = names.users.get(user).map(String::as_str);
        m.sender_name = match subtype {
            Some("bot_message") => get("username").or(listed),
            _ => listed.or(profile_name).or(get("username")),
        }
        .map(str::to_string);
    } else if let Some(bot) = get("bot_id") {
        m.sender = Some(bot.to_string());
        let bot_name = o.get("bot_profile").and_then(|b| str_of(b, "name"));
        m.sender_name = get("username").or(bot_name).map(str::to_string);
    } else if let Some(name) = get("username") {
        m.sender = Some(name.to_string());
        m.sender_name = Some(name.to_string());
    }
    m.attachments = attachments;

    let mut extra = Map::new();
    for k in EXTRA_KEYS {
        if let Some(v) = o.get(*k).filter(|v| !v.is_null()) {
            extra.insert((*k).to_string(), v.clone());
        }
    }
    if raw != m.text && text_from.is_none() {
        extra.insert("mrkdwn".into(), Value::String(raw.to_string()));
    }
    if let Some(src) = text_from {
        extra.insert("text_from".into(), Value::String(src.into()));
    }
    if !files.is_empty() {
        let keep = ["id", "title", "filetype", "mode", "permalink", "url_private"];
        let meta: Vec<Value> = files
            .iter()
            .map(|f| Value::Object(keep.iter().filter_map(|k| f.get(*k).map(|v| ((*k).to_string(), v.clone()))).collect()))
            .collect();
        extra.insert("files".into(), Value::Array(meta));
    }
    if let Some(file) = o.get("file").filter(|_| matches!(subtype, Some("file_comment" | "file_mention"))) {
        extra.insert("file".into(), serde_json::json!({ "id": file.get("id"), "name": file.get("name") }));
    }
    if !extra.is_empty() {
        m.extra = Some(Value::Object(extra));
    }
    Ok(m)
}

/// The files a message shares: `files[]`, or the legacy single `file` of a
/// 2016-era `file_share` (a `file_comment` names a file, it does not share it).
fn shared_files(o: &Map<String, Value>) -> Vec<&Value> {
    if let Some(list) = o.get("files").and_then(Value::as_array) {
        return list.iter().filter(|f| f.is_object()).collect();
    }
    match (o.get("file"), o.get("subtype").and_then(Value::as_str)) {
        (Some(f), Some("file_share")) if f.is_object() => vec![f],
        _ => Vec::new(),
    }
}

fn attachment(f: &Value, export: &Export) -> AttachmentRecord {
    let id = str_of(f, "id");
    let file_name = str_of(f, "name").or_else(|| str_of(f, "title")).or(id).unwrap_or("file").to_string();
    let stored = id.and_then(|id| export.files.get(id)).and_then(|copies| {
        copies.iter().find(|c| c.path.ends_with(&file_name)).or_else(|| copies.first())
    });
    AttachmentRecord {
        mime: str_of(f, "mimetype").map(str::to_string),
        size: f.get("size").and_then(Value::as_u64).or(stored.map(|s| s.size)),
        sha256: stored.map(|s| s.sha256.clone()),
        export_path: stored.map(|s| s.path.clone()),
        file_name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(paths: &[&str]) -> Vec<Entry> {
        paths.iter().map(|p| Entry { path: p.to_string(), size: 1 }).collect()
    }

    #[test]
    fn finds_the_export_root() {
        assert_eq!(export_root(&entries(&["channels.json", "users.json"])), Some(String::new()));
        assert_eq!(export_root(&entries(&["general/2016-02-08.json"])), Some(String::new()));
        assert_eq!(export_root(&entries(&["__MACOSX/x", "Acme Slack/dms.json", "Acme Slack/D1/2020-01-01.json"])), Some("Acme Slack/".into()));
        assert_eq!(export_root(&entries(&["users.json"])), None);
        assert_eq!(export_root(&entries(&["a/channels.json", "b/x.txt"])), None);
        assert_eq!(export_root(&entries(&["rsmf_manifest.json", "AV1"])), None);
        assert_eq!(export_root(&entries(&["2016-02-08.json", "logs/2016-02-08.txt"])), None);
    }

    #[test]
    fn ts_to_instant() {
        assert_eq!(parse_ts("1454884927.000002"), Some((1454884927, 0)));
        assert_eq!(parse_ts("1736478630.905399"), Some((1736478630, 905)));
        assert_eq!(parse_ts("1736478630.9"), Some((1736478630, 900)));
        assert_eq!(parse_ts("1736478630"), Some((1736478630, 0)));
        assert_eq!(parse_ts("-1.0"), None);
        assert_eq!(parse_ts("yesterday"), None);
    }

    #[test]
    fn file_ids_in_paths() {
        assert_eq!(file_id_of("general/attachments/F0VNAKDE2-100_cities.js"), Some("F0VNAKDE2"));
        assert_eq!(file_id_of("__uploads/F0VNAKDE2/100 cities.js"), Some("F0VNAKDE2"));
        assert_eq!(file_id_of("general/Foo-bar.png"), None);
    }
}
