//! PyWxDump-style CSV, as WeClone and other tools consume it
//! (FORMATS.md §1c): `id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`,
//! or the older shape whose single `content` column holds JSON
//! `{"src": …, "msg": …}`.
//!
//! * `type_name` is Chinese (文本, 图片, 动画表情, 引用回复, 系统通知, 转账, …)
//!   and gives the kind; an unknown name is kept in `extra.type_name`.
//! * `talker` is the speaker's id (a wxid, `我` for the owner in the older
//!   shape); `is_sender` 1 marks the owner. `room_name` is the chat.
//! * `CreateTime` is local wall-clock time (`2023-08-12 23:22:41`, or
//!   `2024/10/4 11:42` after an Excel round trip, without seconds): `--tz`,
//!   offset assumed.
//! * A quote reply is `reply\n\n[引用](time)name:quoted`: the reply is the
//!   text, the quote goes to `extra.quote`. `src` (a media path such as
//!   `FileStorage\…\x.dat`, or a sticker URL) becomes the attachment or
//!   `extra.url`. A transfer's text is searched for a `￥` amount and a status.
//! * `MsgSvrID` is the message id. Locator: the row's first line.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use csv::StringRecord;
use serde::Deserialize;

use super::{
    fill_notice, local_timestamp, main_entry, quote_value, transfer_payment, transfer_status_by_text, write_message,
    ChatKind, CsvRows, Extra, Media, People,
};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::{ConversationRecord, Locator, MessageKind, MessageRecord};

const HEADER: &str = "id,MsgSvrID,type_name,is_sender,talker,room_name,";

pub fn sniff(p: &Probe) -> bool {
    p.single_file
        && p.text().lines().next().is_some_and(|h| {
            let h = h.trim_end_matches('\r');
            h.starts_with(HEADER) && h.contains("CreateTime") && (h.contains(",msg,") || h.contains(",content,"))
        })
}

/// The kind of a `type_name` (PyWxDump's Chinese names, and its English ones).
fn kind_of_name(name: &str) -> Option<MessageKind> {
    use MessageKind as K;
    let n = name.trim();
    Some(match n {
        "文本" | "粘贴的文本" | "类似文字消息而不一样的消息" | "引用回复" | "带有引用的文本消息" | "群公告" | "接龙"
        | "text" | "reply with quote" | "pasted text" => K::Text,
        "图片" | "image" => K::Image,
        "语音" | "voice" => K::Voice,
        "视频" | "video" => K::Video,
        "动画表情" | "用户上传的GIF表情" | "用户上传的 GIF 表情" | "sticker" => K::Sticker,
        "文件" | "file" => K::File,
        "位置" | "位置共享" | "location" | "location sharing" => K::Location,
        "名片" | "推荐公众号" => K::Contact,
        "转账" | "转账消息" | "transfer" => K::Transfer,
        "红包" => K::RedPacket,
        "语音通话" | "视频通话" | "voice call" => K::Call,
        "系统通知" | "邀请加群" | "拍一拍" | "添加好友" | "system notification" | "pat pat" | "invite to group" => K::System,
        _ if n.starts_with("消息撤回") || n == "message recall" => K::Recalled,
        _ if n.starts_with("(分享)") || n.contains("链接") || n.contains("小程序") || n.contains("视频号") => K::Link,
        "合并转发的聊天记录" | "赠送红包封面" => K::Other,
        _ => return None,
    })
}

/// Column positions, by header name.
struct Columns {
    svr_id: Option<usize>,
    type_name: usize,
    is_sender: Option<usize>,
    talker: Option<usize>,
    room: Option<usize>,
    msg: Option<usize>,
    src: Option<usize>,
    /// The older shape: one JSON column instead of `msg` and `src`.
    content: Option<usize>,
    time: usize,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    src: String,
    #[serde(default)]
    msg: String,
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = main_entry(tree, &[".csv"])?;
    let display = format!("{}!{entry}", tree.origin().display());
    let media = Media::new(tree, &entry)?;
    let (mut rows, h) = CsvRows::open(tree.open(&entry)?, &entry, &display)?;
    let pos = |k: &str| h.iter().position(|c| c.trim_start_matches('\u{feff}').trim() == k);
    let missing = |k: &str| ImportError::malformed(&display, 1, format!("the header has no `{k}` column"));
    let cols = Columns {
        svr_id: pos("MsgSvrID"),
        type_name: pos("type_name").ok_or_else(|| missing("type_name"))?,
        is_sender: pos("is_sender"),
        talker: pos("talker"),
        room: pos("room_name"),
        msg: pos("msg"),
        src: pos("src"),
        content: pos("content"),
        time: pos("CreateTime").ok_or_else(|| missing("CreateTime"))?,
    };
    let fallback_chat = super::file_stem(&entry);
    let mut chats: HashMap<String, ChatKind> = HashMap::new();
    let mut people = People::default();
    while let Some((record, line)) = rows.next(ctx)? {
        let at = Locator::line(&entry, line);
        let room = cols.room.and_then(|i| record.get(i)).map(str::trim).filter(|r| !r.is_empty());
        let room = room.unwrap_or(&fallback_chat).to_string();
        let chat = match chats.entry(room.clone()) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                ctx.conversation(&ConversationRecord { external_id: room.clone(), title: Some(room.clone()), kind: None })?;
                let mut kind = ChatKind::default();
                if room.ends_with("@chatroom") {
                    kind.group_hint();
                }
                v.insert(kind)
            }
        };
        match row_message(ctx, &cols, &record, &room, chat, &media, at.clone()) {
            Ok((m, is_self)) => write_message(ctx, &mut people, &m, is_self)?,
            Err(reason) => ctx.skip(&at, reason)?,
        }
    }
    for (id, kind) in chats {
        kind.declare(ctx, &id, Some(&id))?;
    }
    Ok(())
}

fn row_message(
    ctx: &ImportCtx,
    cols: &Columns,
    r: &StringRecord,
    room: &str,
    chat: &mut ChatKind,
    media: &Media,
    at: Locator,
) -> Result<(MessageRecord, bool), String> {
    let get = |c: Option<usize>| c.and_then(|i| r.get(i));
    let type_name = get(Some(cols.type_name)).unwrap_or("").trim();
    let (msg, src) = match cols.content {
        Some(i) if cols.msg.is_none() => {
            let raw = r.get(i).unwrap_or("");
            let c: Content = serde_json::from_str(raw).map_err(|e| format!("content is not JSON {{\"src\",\"msg\"}}: {e}"))?;
            (c.msg, c.src)
        }
        _ => (get(cols.msg).unwrap_or("").to_string(), get(cols.src).unwrap_or("").to_string()),
    };
    let time = get(Some(cols.time)).unwrap_or("");
    let timestamp = local_timestamp(ctx, time)?;
    let talker = get(cols.talker).map(str::trim).filter(|t| !t.is_empty());
    let is_self = get(cols.is_sender).map(str::trim) == Some("1") || talker == Some("我");

    let mut m = MessageRecord::new(room, MessageKind::Other, String::new(), at);
    m.timestamp = Some(timestamp);
    m.offset_assumed = true;
    m.external_id = get(cols.svr_id).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let mut extra = Extra::default();
    extra.put("type_name", type_name);
    let kind = kind_of_name(type_name).unwrap_or(MessageKind::Other);
    match kind {
        MessageKind::System | MessageKind::Recalled => {
            fill_notice(&mut m, &mut extra, chat, &msg);
            if kind == MessageKind::Recalled {
                m.kind = kind;
                m.deleted = true;
            }
        }
        MessageKind::Text => match msg.split_once("\n\n[引用](") {
            Some((reply, quote)) => {
                let (time, rest) = quote.split_once(')').unwrap_or(("", quote));
                let (who, quoted) = match rest.split_once(':') {
                    Some((w, q)) => (Some(w.to_string()), q.to_string()),
                    None => (None, rest.to_string()),
                };
                extra.put("quote", quote_value(who, quoted, Some(time.to_string()).filter(|t| !t.is_empty())));
                m.kind = kind;
                m.text = reply.to_string();
            }
            None => {
                m.kind = kind;
                m.text = msg;
            }
        },
        MessageKind::Transfer => {
            m.kind = kind;
            let amount = msg.split(|c: char| c.is_whitespace()).find(|w| w.starts_with(['￥', '¥']));
            m.payment = transfer_payment(amount, transfer_status_by_text(&msg), None, None);
            m.text = msg;
        }
        _ => {
            m.kind = kind;
            // Media rows repeat their type as the text (`图片`, `表情`).
            if msg != type_name && msg != "表情" && !msg.is_empty() {
                m.text = msg;
            }
        }
    }
    if !src.is_empty() {
        if src.starts_with("http://") || src.starts_with("https://") {
            extra.put("url", src);
        } else {
            m.attachments.push(media.attachment(&src, None));
        }
    }
    let system = matches!(m.kind, MessageKind::System);
    if let (Some(t), false) = (talker, system) {
        chat.speaker(t);
        m.sender = Some(t.to_string());
        m.sender_name = Some(t.to_string());
    }
    m.extra = extra.into_value();
    Ok((m, is_self))
}
