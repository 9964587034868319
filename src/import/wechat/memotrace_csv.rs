//! MemoTrace / 留痕 (LC044/WeChatMsg) CSV export.
//!
//! Three shapes share the header `localId,TalkerId,Type,SubType,IsSender,
//! CreateTime,Status,StrContent,StrTime[,Remark,NickName,Sender]` (columns
//! are found by name, so a pandas index column in front does not matter):
//! * per chat, `<remark>/<remark>_utf8.csv` (2.x, BOM, CRLF): one chat, named
//!   after the file. Remark/NickName/Sender describe the speaker; Sender is
//!   the wxid and the participant id, Remark the name shown.
//! * "export all", `messages.csv`: every chat mixed. Remark/NickName describe
//!   the chat and Sender is a display name (`我` for the owner). Chosen when
//!   the file is called `messages.csv` or its first rows have several
//!   TalkerIds; each TalkerId is a conversation titled by its Remark.
//! * v0.2.7: the 9 names up to StrTime, no BOM, and a 10th value on every
//!   row (the message's server id, kept in `extra.msg_svr_id`). No names: the
//!   owner is `我`, the other side of a per-chat file is the chat.
//!
//! `CreateTime` is a UTC epoch (exact); `StrTime`, the exporting PC's local
//! time, is used only when CreateTime is unreadable, and kept in
//! `extra.str_time` when it disagrees with CreateTime in `--tz` (which tells
//! the reviewer the export was made in another zone). Type/SubType give the
//! kind (FORMATS.md §1a); media rows carry XML from which the useful
//! attributes are kept (voice transcript, lengths, md5, sticker URL,
//! location, card). Type-49 rows (files, links, quotes, transfers, red
//! packets) have an empty StrContent in MemoTrace 2.x, so they carry only
//! their kind: transfer amounts are not in a CSV export. A row that cannot
//! be read is skipped with its line.

use std::collections::{HashMap, HashSet};

use csv::StringRecord;

use super::{
    file_stem, fill_notice, kind_of_type, local_timestamp, main_entry, quote_value, transfer_payment,
    transfer_status_by_paysubtype, write_message, xml_attr, xml_text, ChatKind, CsvRows, Extra, People,
};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::{AttachmentRecord, ConversationRecord, Locator, MessageKind, MessageRecord};

const HEADER: &str = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime";

/// Rows read before deciding between a per-chat file and "export all".
const PROBE_ROWS: usize = 500;

pub fn sniff(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let first = p.text().lines().next().unwrap_or("").trim_end_matches('\r');
    first.strip_prefix(',').unwrap_or(first).starts_with(HEADER)
}

/// Column positions, by header name.
struct Columns {
    local_id: Option<usize>,
    talker_id: Option<usize>,
    type_: usize,
    sub_type: Option<usize>,
    is_sender: Option<usize>,
    create_time: Option<usize>,
    content: Option<usize>,
    str_time: Option<usize>,
    remark: Option<usize>,
    nick_name: Option<usize>,
    sender: Option<usize>,
    /// v0.2.7: the value after the last named column is the server id.
    svr_id: Option<usize>,
}

impl Columns {
    fn new(h: &StringRecord) -> Option<Self> {
        let pos = |k: &str| h.iter().position(|c| c.trim_start_matches('\u{feff}').trim() == k);
        let named = pos("Sender").is_none() && pos("Remark").is_none();
        Some(Self {
            local_id: pos("localId"),
            talker_id: pos("TalkerId"),
            type_: pos("Type")?,
            sub_type: pos("SubType"),
            is_sender: pos("IsSender"),
            create_time: pos("CreateTime"),
            content: pos("StrContent"),
            str_time: pos("StrTime"),
            remark: pos("Remark"),
            nick_name: pos("NickName"),
            sender: pos("Sender"),
            svr_id: pos("MsgSvrID").or_else(|| named.then_some(h.len())),
        })
    }
}

/// Where the rows go: one chat per file, or one per TalkerId.
enum Mode {
    PerChat { id: String, kind: ChatKind },
    All { chats: HashMap<String, ChatKind> },
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = main_entry(tree, &[".csv"])?;
    let display = format!("{}!{entry}", tree.origin().display());
    let (mut rows, headers) = CsvRows::open(tree.open(&entry)?, &entry, &display)?;
    let cols = Columns::new(&headers)
        .ok_or_else(|| ImportError::malformed(&display, 1, "the header has no `Type` column: not a MemoTrace CSV"))?;

    let first = rows.peek(ctx, PROBE_ROWS)?;
    let talkers: HashSet<&str> = first.iter().filter_map(|r| cols.talker_id.and_then(|i| r.get(i))).collect();
    let export_all = entry.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("messages.csv")) || talkers.len() > 1;
    let mut mode = if export_all {
        Mode::All { chats: HashMap::new() }
    } else {
        let id = file_stem(&entry);
        ctx.conversation(&ConversationRecord { external_id: id.clone(), title: Some(id.clone()), kind: None })?;
        Mode::PerChat { id, kind: ChatKind::default() }
    };

    let mut people = People::default();
    while let Some((record, line)) = rows.next(ctx)? {
        let at = Locator::line(&entry, line);
        match row_message(ctx, &cols, &record, &mut mode, at.clone())? {
            Ok(row) => {
                write_message(ctx, &mut people, &row.m, row.is_self)?;
                if let (Some(id), Some(nick)) = (&row.m.sender, &row.nick_name) {
                    people.alias(ctx, id, nick)?;
                }
            }
            Err(reason) => ctx.skip(&at, reason)?,
        }
    }
    match mode {
        Mode::PerChat { id, kind } => kind.declare(ctx, &id, Some(&id)),
        Mode::All { chats } => {
            for (id, kind) in chats {
                kind.declare(ctx, &id, None)?;
            }
            Ok(())
        }
    }
}

/// A row's message, who sent it and the sender's other name.
struct Row {
    m: MessageRecord,
    is_self: bool,
    nick_name: Option<String>,
}

fn row_message(
    ctx: &mut ImportCtx,
    cols: &Columns,
    r: &StringRecord,
    mode: &mut Mode,
    at: Locator,
) -> Result<Result<Row, String>, ImportError> {
    let get = |c: Option<usize>| c.and_then(|i| r.get(i)).map(str::trim).filter(|s| !s.is_empty());
    let Some(type_) = get(Some(cols.type_)).and_then(|t| t.parse::<i64>().ok()) else {
        return Ok(Err(format!("Type {:?} is not a number", r.get(cols.type_).unwrap_or(""))));
    };
    let sub_type = get(cols.sub_type).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
    let is_self = get(cols.is_sender) == Some("1");
    let content = cols.content.and_then(|i| r.get(i)).unwrap_or("");
    let str_time = get(cols.str_time);
    let mut extra = Extra::default();
    extra.put("type", type_);
    if sub_type != 0 {
        extra.put("sub_type", sub_type);
    }
    extra.put_opt("msg_svr_id", get(cols.svr_id));

    // The instant: CreateTime (UTC epoch), else StrTime (local wall clock).
    let epoch = get(cols.create_time).and_then(|t| t.parse::<i64>().ok()).and_then(|s| ctx.epoch_time(s, 0));
    let (timestamp, assumed) = match (epoch, str_time) {
        (Some(t), s) => {
            let shown = t.format("%Y-%m-%d %H:%M:%S").to_string();
            if s.is_some_and(|s| s != shown) {
                extra.put_opt("str_time", s);
            }
            (t, false)
        }
        (None, Some(s)) => match local_timestamp(ctx, s) {
            Ok(t) => (t, true),
            Err(reason) => return Ok(Err(format!("CreateTime is not an epoch and {reason}"))),
        },
        (None, None) => return Ok(Err("no CreateTime and no StrTime".into())),
    };

    let export_all = matches!(mode, Mode::All { .. });
    let (conversation, chat) = match mode {
        Mode::PerChat { id, kind } => (id.clone(), kind),
        Mode::All { chats } => {
            let id = get(cols.talker_id).unwrap_or("").to_string();
            let chat = match chats.entry(id.clone()) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let title = get(cols.remark).or(get(cols.nick_name)).map(str::to_string);
                    ctx.conversation(&ConversationRecord { external_id: id.clone(), title, kind: None })?;
                    v.insert(ChatKind::default())
                }
            };
            (id, chat)
        }
    };
    if content.contains("@chatroom") {
        chat.group_hint();
    }

    let mut m = MessageRecord::new(&conversation, kind_of_type(type_, sub_type), String::new(), at);
    m.timestamp = Some(timestamp);
    m.offset_assumed = assumed;
    m.external_id = get(cols.local_id).map(str::to_string);
    fill_content(&mut m, &mut extra, chat, type_, sub_type, content);

    // Who spoke. Per chat: Sender is the wxid; export-all: a display name.
    let system = matches!(m.kind, MessageKind::System | MessageKind::Recalled);
    let (sender, name, nick) = if export_all {
        (get(cols.sender).map(str::to_string), get(cols.sender).map(str::to_string), None)
    } else if let Some(s) = get(cols.sender) {
        let remark = get(cols.remark).or(get(cols.nick_name)).map(str::to_string);
        let nick = get(cols.nick_name).filter(|n| Some(*n) != remark.as_deref()).map(str::to_string);
        (Some(s.to_string()), remark, nick)
    } else if cols.sender.is_none() && !system {
        // v0.2.7 has no names: the owner, or the other side of the chat.
        let id = if is_self { "我".to_string() } else { conversation.clone() };
        (Some(id.clone()), Some(id), None)
    } else {
        (None, None, None)
    };
    if let Some(id) = &sender {
        if !system {
            chat.speaker(id);
        }
    }
    m.sender = sender;
    m.sender_name = name;
    m.extra = extra.into_value();
    Ok(Ok(Row { m, is_self, nick_name: nick }))
}

/// Text, kind details and extra from a row's StrContent.
fn fill_content(m: &mut MessageRecord, extra: &mut Extra, chat: &mut ChatKind, type_: i64, sub_type: i64, content: &str) {
    let attr = |tag: &str, a: &str| xml_attr(content, tag, a).filter(|v| !v.is_empty());
    match type_ {
        1 => m.text = content.to_string(),
        3 => {
            extra.put_opt("md5", attr("img", "md5")).put_opt("size", attr("img", "length").and_then(num));
        }
        34 => {
            m.text = attr("voicetrans", "transtext").unwrap_or_default();
            extra.put_opt("duration_ms", attr("voicemsg", "voicelength").and_then(num));
        }
        43 | 62 => {
            extra
                .put_opt("duration_s", attr("videomsg", "playlength").and_then(num))
                .put_opt("size", attr("videomsg", "length").and_then(num))
                .put_opt("md5", attr("videomsg", "md5"));
        }
        47 => {
            extra.put_opt("md5", attr("emoji", "md5")).put_opt("url", attr("emoji", "cdnurl"));
        }
        48 => {
            let poi = attr("location", "poiname").unwrap_or_default();
            let label = attr("location", "label").unwrap_or_default();
            m.text = match (poi.is_empty(), label.is_empty()) {
                (false, false) => format!("{poi} - {label}"),
                _ => format!("{poi}{label}"),
            };
            extra.put_opt("lat", attr("location", "x")).put_opt("lng", attr("location", "y"));
        }
        42 | 66 => {
            m.text = attr("msg", "nickname").unwrap_or_default();
            extra.put_opt("username", attr("msg", "username")).put_opt("alias", attr("msg", "alias"));
        }
        49 => app_message(m, extra, sub_type, content),
        10000 | 10002 => system(m, extra, chat, type_, content),
        _ if !content.trim_start().starts_with('<') => m.text = content.to_string(),
        _ if content.len() <= 4096 => {
            extra.put("content", content);
        }
        _ => {}
    }
}

fn num(s: String) -> Option<i64> {
    s.trim().parse().ok()
}

/// A type-49 app message. MemoTrace 2.x leaves StrContent empty for these;
/// other builds (and 1.x) may carry the `<appmsg>` XML, read when present.
fn app_message(m: &mut MessageRecord, extra: &mut Extra, sub_type: i64, xml: &str) {
    if xml.trim().is_empty() {
        return;
    }
    let sub = match sub_type {
        0 => xml_text(xml, "type").and_then(num).unwrap_or(0),
        s => s,
    };
    m.kind = kind_of_type(49, sub);
    let text = |tag: &str| xml_text(xml, tag).filter(|t| !t.is_empty());
    let title = text("title").unwrap_or_default();
    match sub {
        6 => {
            m.attachments.push(AttachmentRecord {
                mime: super::mime_of(&title).map(str::to_string),
                size: text("totallen").and_then(num).and_then(|n| u64::try_from(n).ok()),
                file_name: title.clone(),
                ..Default::default()
            });
            m.text = title;
        }
        57 => {
            m.text = title;
            if let Some(quoted) = text("content") {
                extra.put("quote", quote_value(text("displayname"), quoted, None));
            }
        }
        2000 => {
            let paysubtype = text("paysubtype").and_then(num);
            let memo = text("pay_memo");
            m.payment = transfer_payment(
                text("feedesc").as_deref(),
                paysubtype.and_then(transfer_status_by_paysubtype),
                memo.as_deref(),
                text("transferid").as_deref(),
            );
            extra.put_opt("paysubtype", paysubtype);
            m.text = memo.unwrap_or_default();
        }
        _ => {
            let parts = [Some(title), text("des"), text("url")];
            m.text = parts.into_iter().flatten().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n");
        }
    }
}

/// A system row (10000) or a revoke (10002, `<sysmsg>` XML).
fn system(m: &mut MessageRecord, extra: &mut Extra, chat: &mut ChatKind, type_: i64, content: &str) {
    let inner = if type_ == 10002 { xml_text(content, "replacemsg") } else { None };
    fill_notice(m, extra, chat, inner.as_deref().unwrap_or(content));
    if inner.is_some() && content.len() <= 4096 {
        extra.put("raw", content);
    }
    if type_ == 10002 {
        m.kind = MessageKind::Recalled;
        m.deleted = true;
    }
}
