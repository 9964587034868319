//! WeChat exports. WeChat has no export of its own: every file comes from a
//! third-party tool that read the decrypted database, so each tool is its own
//! format (one file per format below). What they share lives here: the
//! database's message type codes, the transfer status texts, the placeholder
//! texts the exporters print for media, the system notices, and the small
//! text decoders (HTML entities, XML attributes) the formats need.
//!
//! Decisions shared by all WeChat importers:
//! * Platform `wechat`. A participant's external id is the best id the export
//!   gives: a wxid or WeChat ID when present, else the display name.
//! * Media messages that the export shows only as a placeholder (`[图片]`)
//!   get the media kind and an empty text; a file keeps its name as text (so
//!   a leaked file is found by search), a voice message its transcript.
//! * A recall notice ("X 撤回了一条消息") is stored as kind `recalled`: it is
//!   the trace of the recalled message. Other system notices are `system`.
//! * Transfers get a `Payment`; amounts stay decimal text (`"1072.00"`), `￥`
//!   is CNY. Red packets never show an amount in any export.
//! * The kind of a chat (group or direct) is rarely stated: it is decided at
//!   the end of the file from the number of distinct speakers and group-only
//!   notices (see [`ChatKind`]).

pub mod exporter_html;
pub mod exporter_txt;
mod js_literal;
pub mod memotrace_csv;
pub mod memotrace_html;
pub mod memotrace_txt;
pub mod pywxdump_csv;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use regex::Regex;
use serde_json::{Map, Value};

pub use super::csv_rows::CsvRows;
use super::money::parse_amount;
use super::tree::SourceTree;
use super::{ImportCtx, ImportError};
use crate::model::{
    AttachmentRecord, ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord,
    Payment, Timestamp,
};

pub(crate) use super::csv_rows::MAX_RECORD_BYTES;

/// The message kind of a WeChat database `Type` / `SubType` pair
/// (FORMATS.md §1a). MemoTrace HTML also uses type 0 for system messages.
pub fn kind_of_type(type_: i64, sub_type: i64) -> MessageKind {
    use MessageKind as K;
    match type_ {
        1 => K::Text,
        3 => K::Image,
        34 => K::Voice,
        42 | 66 => K::Contact,
        43 | 62 => K::Video,
        47 => K::Sticker,
        48 => K::Location,
        49 => match sub_type {
            1 | 57 => K::Text,
            2 => K::Image,
            3 | 4 | 5 | 33 | 36 | 50 | 51 | 63 | 88 => K::Link,
            6 => K::File,
            8 => K::Sticker,
            17 => K::Location,
            62 => K::System,
            2000 => K::Transfer,
            2001 => K::RedPacket,
            _ => K::Other,
        },
        50 | 52 | 53 => K::Call,
        0 | 37 | 40 | 51 | 64 | 9999 | 10000 => K::System,
        10002 => K::Recalled,
        _ => K::Other,
    }
}

/// Payment status of a transfer's `paysubtype` (FORMATS.md §1a).
pub fn transfer_status_by_paysubtype(paysubtype: i64) -> Option<&'static str> {
    match paysubtype {
        1 | 7 => Some("sent"),
        3 | 5 | 8 => Some("received"),
        4 | 9 => Some("returned"),
        10 => Some("expired"),
        _ => None,
    }
}

/// Payment status of the status text an exporter prints for a transfer:
/// `已收款`, `来自X的转账 - 已收款`, `已退还`, `已过期`, `向X转账`, `发起转账`, …
pub fn transfer_status_by_text(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if ["已收款", "已接收", "已被接收", "收款"].iter().any(|s| t.ends_with(s)) {
        Some("received")
    } else if ["已退还", "已被退还", "退还", "已退回"].iter().any(|s| t.ends_with(s)) {
        Some("returned")
    } else if t.ends_with("已过期") {
        Some("expired")
    } else if t.ends_with("转账") {
        Some("sent")
    } else {
        None
    }
}

/// A transfer's payment from the texts an export shows: the amount as printed
/// (`￥1,072.00`), a status, a memo. `None` when nothing is known.
pub fn transfer_payment(
    amount_text: Option<&str>,
    status: Option<&str>,
    memo: Option<&str>,
    transfer_id: Option<&str>,
) -> Option<Payment> {
    let parsed = amount_text.and_then(parse_amount);
    let p = Payment {
        currency: parsed.as_ref().map(|a| a.currency.clone().unwrap_or_else(|| "CNY".into())),
        amount: parsed.map(|a| a.value),
        status: status.map(str::to_string),
        memo: memo.filter(|m| !m.is_empty()).map(str::to_string),
        transfer_id: transfer_id.filter(|t| !t.is_empty()).map(str::to_string),
    };
    (p != Payment::default()).then_some(p)
}

/// The kind a bare placeholder stands for (`[图片]` → image). Exporters print
/// these for media they did not (or could not) export.
pub fn placeholder_kind(text: &str) -> Option<MessageKind> {
    use MessageKind as K;
    Some(match text {
        "[图片]" | "[Photo]" => K::Image,
        "[语音]" | "[Audio]" => K::Voice,
        "[视频]" | "[Video]" => K::Video,
        "[表情包]" | "[表情]" | "[动画表情]" | "[Emoji]" => K::Sticker,
        "[文件]" | "[File]" => K::File,
        "[音乐分享]" | "[链接]" | "[Link]" => K::Link,
        "[红包]" | "[Red Packet]" => K::RedPacket,
        "[转账]" | "[Transfer]" => K::Transfer,
        "[位置]" | "[实时位置共享]" | "[Location]" => K::Location,
        "[个人名片]" | "[视频号名片]" => K::Contact,
        "[视频/语音通话]" => K::Call,
        _ => return None,
    })
}

static RECALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"撤回了一条消息|recalled a message").expect("static regex"));

/// True for a recall notice ("X" 撤回了一条消息, 你撤回了一条消息).
pub fn is_recall_notice(text: &str) -> bool {
    RECALL.is_match(text)
}

/// The name in a recall notice: `"孙丽 财务" 撤回了一条消息` → `孙丽 财务`, `你…` → `你`.
pub fn recalled_by(text: &str) -> Option<String> {
    static WHO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^\s*(?:"([^"]*)"|(你))\s*撤回了一条消息"#).expect("static regex"));
    let c = WHO.captures(text)?;
    c.get(1).or_else(|| c.get(2)).map(|m| m.as_str().to_string())
}

/// Fill in a system notice: its text without WeChat's markup (the raw text
/// kept in `extra.raw` when that changed it), kind `recalled` for a recall
/// notice and `system` otherwise, and the group hint of group-only notices.
pub fn fill_notice(m: &mut MessageRecord, extra: &mut Extra, chat: &mut ChatKind, raw: &str) {
    let text = clean_system_text(raw).unwrap_or_else(|| raw.to_string());
    if text != raw && raw.len() <= 4096 {
        extra.put("raw", raw);
    }
    if is_recall_notice(&text) {
        m.kind = MessageKind::Recalled;
        m.deleted = true;
        extra.put_opt("recalled_by", recalled_by(&text));
    } else {
        m.kind = MessageKind::System;
    }
    if is_group_notice(&text) {
        chat.group_hint();
    }
    m.text = text;
}

static SYSTEM_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"^(?:"[^"\n]*"\s?撤回了一条消息|你撤回了一条消息(?: 重新编辑)?"#,
        r#"|(?:你|"[^"\n]*")邀请"[^\n]*"加入了群聊.*|"[^"\n]*"通过扫描.*加入群聊.*"#,
        r#"|(?:你|"[^"\n]*")(?:修改群名为|将"[^\n]*"移出了群聊|已成为新群主|退出了群聊).*"#,
        r#"|你被"[^"\n]*"移出群聊.*|"[^"\n]*"(?:加入了群聊|与群里其他人都不是朋友关系).*"#,
        r#"|你领取了.*的红包|.*领取了你的红包|收到红包，请在手机上查看"#,
        r#"|"[^"\n]*" ?拍了拍 ?(?:"[^"\n]*"|我|自己).*|我拍了拍.*"#,
        r#"|你已添加了.*，现在可以开始聊天了。?|以上是打招呼的内容|.*开启了朋友验证.*"#,
        r#"|你已经是群成员.*|群公告.*已更新)$"#,
    ))
    .expect("static regex")
});

/// True when a line with no name and no time is a WeChat system notice
/// (recall, invite, join, red-packet claim, pat, friend added, …). Used by
/// the text formats, where such notices are bare lines.
pub fn is_system_notice(line: &str) -> bool {
    SYSTEM_NOTICE.is_match(line.trim())
}

/// The earliest byte offset at which the rest of `line` is a system notice,
/// for text glued to the end of a transfer line (WechatExporter TXT).
/// Only positions where a notice can begin (a quoted name or 你) are tried.
pub fn system_notice_suffix(line: &str) -> Option<usize> {
    line.char_indices()
        .filter(|&(i, c)| i > 0 && (c == '"' || c == '你'))
        .map(|(i, _)| i)
        .find(|&i| is_system_notice(&line[i..]))
}

/// Tags WeChat puts into system message text (red-packet icons, custom links,
/// the recall "重新编辑" link, CDATA). Only these are removed: anything else
/// that looks like markup is kept, because it may be what someone typed.
static SYSTEM_TAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<!\[CDATA\[|\]\]>|\s*<a href="weixin://revoke_edit_click">重新编辑</a>|</?(?:img|a|_wc_custom_link_|revokemsg|replacemsg|sysmsg|span|font|b)(?:\s[^<>]*)?/?>"#)
        .expect("static regex")
});

/// System message text without WeChat's markup; `None` when nothing was removed.
pub fn clean_system_text(raw: &str) -> Option<String> {
    if !SYSTEM_TAGS.is_match(raw) {
        return None;
    }
    Some(SYSTEM_TAGS.replace_all(raw, "").trim().to_string())
}

/// Decode HTML character references (`&amp;`, `&lt;`, `&#39;`, `&#x4e2d;`).
/// Unknown or unterminated references are kept as they are.
pub fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match decode_entity(tail) {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the reference at the start of `s` and its length in bytes.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            "emsp" => '\u{2003}',
            "ensp" => '\u{2002}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// Undo MemoTrace's `escape_js_and_html` on a string printed outside JS
/// (names and link-card fields in its TXT): backslash escapes, then entities.
pub fn unescape_js_html(s: &str) -> String {
    if !s.contains('\\') {
        return html_unescape(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    html_unescape(&out)
}

/// Reads lines of at most [`MAX_RECORD_BYTES`] without holding a longer one:
/// a longer line is consumed and reported, never buffered whole.
pub struct Lines<R> {
    r: R,
    line_no: u64,
}

impl<R: std::io::BufRead> Lines<R> {
    pub fn new(r: R) -> Self {
        Self { r, line_no: 0 }
    }

    /// The next line (1-based number, text without `\n`), or why it cannot
    /// be read (too long, not UTF-8).
    pub fn next_line(&mut self) -> std::io::Result<Option<(u64, Result<String, String>)>> {
        let mut buf = Vec::new();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = self.r.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let nl = chunk.iter().position(|&b| b == b'\n');
            let take = nl.map(|i| i + 1).unwrap_or(chunk.len());
            let body = nl.unwrap_or(chunk.len());
            if buf.len() + body > MAX_RECORD_BYTES {
                too_long = true;
            } else if !too_long {
                buf.extend_from_slice(&chunk[..body]);
            }
            self.r.consume(take);
            if nl.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line_no += 1;
        let line = if too_long {
            Err(format!("line longer than {MAX_RECORD_BYTES} bytes"))
        } else {
            String::from_utf8(buf).map_err(|e| format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()))
        };
        Ok(Some((self.line_no, line)))
    }

    /// The next readable line; an unreadable one is skipped (with its line
    /// number and reason) on the way.
    pub fn next_readable(
        &mut self,
        ctx: &mut ImportCtx,
        origin: &std::path::Path,
        entry: &str,
    ) -> Result<Option<(u64, String)>, ImportError> {
        loop {
            match self.next_line().map_err(|e| ImportError::Io { path: origin.join(entry), source: e })? {
                None => return Ok(None),
                Some((no, Ok(line))) => return Ok(Some((no, line))),
                Some((no, Err(reason))) => ctx.skip(&Locator::line(entry, no), reason)?,
            }
        }
    }
}

/// The lines of one record being gathered (a text block, an HTML div),
/// bounded: past [`MAX_RECORD_BYTES`] lines are counted but not kept, and the
/// record is skipped when it is finished.
pub struct Gathered {
    /// 1-based line of the record's first line.
    pub line: u64,
    pub lines: Vec<String>,
    bytes: usize,
}

impl Gathered {
    pub fn new(line: u64, first: Option<String>) -> Self {
        let mut g = Self { line, lines: Vec::new(), bytes: 0 };
        if let Some(f) = first {
            g.push(f);
        }
        g
    }

    pub fn push(&mut self, line: String) {
        self.bytes += line.len() + 1;
        if self.bytes <= MAX_RECORD_BYTES {
            self.lines.push(line);
        }
    }

    /// Remove and return the lines from `at` on.
    pub fn split_off(&mut self, at: usize) -> Vec<String> {
        let tail = self.lines.split_off(at.min(self.lines.len()));
        self.bytes = self.lines.iter().map(|l| l.len() + 1).sum();
        tail
    }

    /// The record's locator in `entry`, or `None` once it was skipped as too large.
    pub fn locator(&self, ctx: &mut ImportCtx, entry: &str, what: &str) -> Result<Option<Locator>, ImportError> {
        let at = Locator::line(entry, self.line);
        if self.bytes > MAX_RECORD_BYTES {
            ctx.skip(&at, format!("{what} larger than {MAX_RECORD_BYTES} bytes"))?;
            return Ok(None);
        }
        Ok(Some(at))
    }
}


/// The value of attribute `attr` on the first `<tag …>` in `xml`, decoded.
/// WeChat's XML puts optional spaces around `=` (`len = "333539"`).
pub fn xml_attr(xml: &str, tag: &str, attr: &str) -> Option<String> {
    let start = find_tag(xml, tag)?;
    let end = xml[start..].find('>').map(|e| start + e)?;
    let head = &xml[start..end];
    let mut from = 0;
    while let Some(pos) = head[from..].find(attr) {
        let at = from + pos;
        from = at + attr.len();
        let before_ok = head[..at].ends_with(|c: char| c.is_whitespace());
        let after = head[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let after = after[1..].trim_start();
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let body = &after[1..];
        let close = body.find(quote)?;
        return Some(html_unescape(&body[..close]));
    }
    None
}

/// The text of the first `<tag>…</tag>` in `xml` (CDATA unwrapped, entities decoded).
pub fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let start = find_tag(xml, tag)?;
    let open_end = start + xml[start..].find('>')? + 1;
    if xml[..open_end].ends_with("/>") {
        return Some(String::new());
    }
    let close = format!("</{tag}>");
    let end = open_end + xml[open_end..].find(&close)?;
    let inner = xml[open_end..end].trim();
    Some(match inner.strip_prefix("<![CDATA[").and_then(|i| i.strip_suffix("]]>")) {
        Some(cdata) => cdata.to_string(),
        None => html_unescape(inner),
    })
}

/// Byte offset of `<tag` followed by whitespace, `>` or `/`.
fn find_tag(xml: &str, tag: &str) -> Option<usize> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(pos) = xml[from..].find(&open) {
        let at = from + pos;
        let next = xml[at + open.len()..].chars().next();
        if matches!(next, Some(c) if c.is_whitespace() || c == '>' || c == '/') {
            return Some(at);
        }
        from = at + open.len();
    }
    None
}

/// True when a file's head is an HTML page (a doctype or `<html>` first),
/// so that documentation quoting an exporter's markup is not taken for it.
pub fn looks_like_html(head: &str) -> bool {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    let start: String = t.chars().take(14).collect::<String>().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// Read a wall-clock time the way WeChat exporters print it.
pub fn parse_local_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// A wall-clock time in the source's zone; `Err` with a reason a reviewer can act on.
pub fn local_timestamp(ctx: &ImportCtx, s: &str) -> Result<Timestamp, String> {
    let naive = parse_local_time(s).ok_or_else(|| format!("time {s:?} is not YYYY-mm-dd HH:MM:SS"))?;
    ctx.local_time(naive).ok_or_else(|| format!("time {s:?} does not exist in {}", ctx.tz()))
}

/// The participants declared so far, so each is declared once (and again
/// only when it turns out to be the account owner).
#[derive(Default)]
pub struct People {
    seen: HashMap<String, bool>,
    aliases: HashSet<(String, String)>,
}

impl People {
    /// Declare `id` (with a display name) unless it was declared already.
    pub fn see(&mut self, ctx: &mut ImportCtx, id: &str, name: Option<&str>, is_self: bool) -> Result<(), ImportError> {
        match self.seen.get(id) {
            Some(&was_self) if was_self || !is_self => return Ok(()),
            _ => {}
        }
        ctx.participant(&ParticipantRecord {
            external_id: id.to_string(),
            display_name: name.filter(|n| !n.is_empty()).map(str::to_string),
            is_self,
            ..Default::default()
        })?;
        self.seen.insert(id.to_string(), is_self);
        Ok(())
    }

    /// Record another name of a participant declared already (a nickname
    /// next to the remark), once.
    pub fn alias(&mut self, ctx: &mut ImportCtx, id: &str, name: &str) -> Result<(), ImportError> {
        if name.is_empty() || !self.aliases.insert((id.to_string(), name.to_string())) {
            return Ok(());
        }
        let is_self = self.seen.get(id).copied().unwrap_or(false);
        ctx.participant(&ParticipantRecord {
            external_id: id.to_string(),
            display_name: Some(name.to_string()),
            is_self,
            ..Default::default()
        })
    }
}

/// Write a message, declaring its sender first (once; `is_self` when the
/// export marks the account owner).
pub fn write_message(
    ctx: &mut ImportCtx,
    people: &mut People,
    m: &MessageRecord,
    is_self: bool,
) -> Result<(), ImportError> {
    if let Some(id) = &m.sender {
        people.see(ctx, id, m.sender_name.as_deref(), is_self)?;
    }
    ctx.message(m)?;
    Ok(())
}

/// The chat file of a source: the single file, or the first entry with one
/// of `exts` (a forced format on a folder or archive).
pub fn main_entry(tree: &dyn SourceTree, exts: &[&str]) -> Result<String, ImportError> {
    let entries = tree.entries();
    let by_ext = entries.iter().find(|e| {
        let name = e.path.to_ascii_lowercase();
        exts.iter().any(|x| name.ends_with(x))
    });
    match (tree.is_single_file(), entries.first(), by_ext) {
        (true, Some(e), _) | (false, _, Some(e)) => Ok(e.path.clone()),
        _ => Err(ImportError::malformed(
            tree.origin().display().to_string(),
            "entries",
            format!("no {} file in this source", exts.join(" / ")),
        )),
    }
}

/// Evidence for whether a chat is a group: the speakers seen (up to three)
/// and group-only signals (`@chatroom` ids, invites, group transfer wording).
#[derive(Default)]
pub struct ChatKind {
    speakers: HashSet<String>,
    group_hint: bool,
}

impl ChatKind {
    pub fn speaker(&mut self, id: &str) {
        if self.speakers.len() < 3 {
            self.speakers.insert(id.to_string());
        }
    }

    pub fn group_hint(&mut self) {
        self.group_hint = true;
    }

    /// Group with a group signal or more than two speakers; direct otherwise.
    pub fn kind(&self) -> ConversationKind {
        if self.group_hint || self.speakers.len() > 2 {
            ConversationKind::Group
        } else if self.speakers.is_empty() {
            ConversationKind::Unknown
        } else {
            ConversationKind::Direct
        }
    }

    /// Record the decided kind on a conversation declared earlier without one.
    pub fn declare(&self, ctx: &mut ImportCtx, id: &str, title: Option<&str>) -> Result<(), ImportError> {
        ctx.conversation(&ConversationRecord {
            external_id: id.to_string(),
            title: title.map(str::to_string),
            kind: Some(self.kind()),
        })
    }
}

/// Group-only notices (invites, joins, removals, group renames).
pub fn is_group_notice(text: &str) -> bool {
    static GROUP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"加入了群聊|加入群聊|移出了群聊|移出群聊|修改群名为|群主|群公告").expect("static regex"));
    GROUP.is_match(text)
}

pub use super::filekind::mime_of;

/// The media files of a folder or archive source, hashed up front, so that a
/// message naming `./image/x.jpg` or `Files/38.xlsx` (relative to the chat
/// file) gets the file's size and SHA-256. A single-file source has none:
/// its attachments keep the path the export names.
pub struct Media {
    dir: String,
    files: HashMap<String, (u64, String)>,
}

impl Media {
    /// Hash every entry except the chat file itself.
    pub fn new(tree: &mut dyn SourceTree, entry: &str) -> Result<Self, ImportError> {
        let dir = entry.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
        let mut files = HashMap::new();
        if !tree.is_single_file() {
            let paths: Vec<String> = tree.entries().iter().map(|e| e.path.clone()).filter(|p| p != entry).collect();
            for p in paths {
                let h = tree.hash(&p)?;
                files.insert(p, h);
            }
        }
        Ok(Self { dir, files })
    }

    /// The attachment for a path as the export writes it.
    pub fn attachment(&self, path: &str, file_name: Option<&str>) -> AttachmentRecord {
        let clean = path.trim().replace('\\', "/");
        let rel = clean.trim_start_matches("./");
        let name = file_name
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| rel.rsplit('/').next().unwrap_or(rel).to_string());
        let mut a = AttachmentRecord {
            mime: mime_of(&name).map(str::to_string),
            file_name: name,
            export_path: Some(path.trim().to_string()).filter(|p| !p.is_empty()),
            ..Default::default()
        };
        let inside = format!("{}{rel}", self.dir);
        if let Some((size, sha)) = self.files.get(&inside) {
            a.size = Some(*size);
            a.sha256 = Some(sha.clone());
            a.export_path = Some(inside);
        }
        a
    }
}

/// Builder for `MessageRecord::extra`: only keys with a value are kept.
#[derive(Default)]
pub struct Extra(Map<String, Value>);

impl Extra {
    pub fn put(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        let v = value.into();
        let empty = matches!(&v, Value::Null) || matches!(&v, Value::String(s) if s.is_empty());
        if !empty {
            self.0.insert(key.to_string(), v);
        }
        self
    }

    pub fn put_opt<T: Into<Value>>(&mut self, key: &str, value: Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.put(key, v);
        }
        self
    }

    pub fn into_value(self) -> Option<Value> {
        (!self.0.is_empty()).then_some(Value::Object(self.0))
    }
}

/// The part of a file name before its extension (and MemoTrace's `_utf8`).
pub fn file_stem(entry: &str) -> String {
    let name = entry.rsplit('/').next().unwrap_or(entry);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    stem.strip_suffix("_utf8").unwrap_or(stem).to_string()
}

/// `name：text` (full- or half-width colon) of a quoted message.
pub fn split_quote(quote: &str) -> (Option<String>, String) {
    let cut = quote.char_indices().find(|&(_, c)| c == '：' || c == ':');
    match cut {
        Some((i, c)) => (Some(quote[..i].to_string()), quote[i + c.len_utf8()..].to_string()),
        None => (None, quote.to_string()),
    }
}

/// The JSON value of a quote for `extra.quote`.
pub fn quote_value(name: Option<String>, text: String, time: Option<String>) -> Value {
    let mut m = Map::new();
    if let Some(n) = name {
        m.insert("name".into(), Value::String(n));
    }
    m.insert("text".into(), Value::String(text));
    if let Some(t) = time {
        m.insert("time".into(), Value::String(t));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(html_unescape("a&amp;b &lt;x&gt; &#39;q&#39; &#x4e2d; &foo; &"), "a&b <x> 'q' 中 &foo; &");
        assert_eq!(html_unescape("&amp;amp;"), "&amp;");
        // A reference right before multi-byte text (the 12-byte look-ahead ends mid-character).
        assert_eq!(html_unescape("钱老板&amp;合伙人"), "钱老板&合伙人");
        assert_eq!(html_unescape("&合伙人;"), "&合伙人;");
    }

    #[test]
    fn xml_attributes_and_text() {
        let x = r#"<msg><voicemsg endflag="1" voicelength="8260" /><emoji len = "333539" cdnurl = "http://a?b=1&amp;c=2"></emoji><appmsg><title><![CDATA[报价单.pdf]]></title><des>a &amp; b</des><url/></appmsg></msg>"#;
        assert_eq!(xml_attr(x, "voicemsg", "voicelength").as_deref(), Some("8260"));
        assert_eq!(xml_attr(x, "emoji", "len").as_deref(), Some("333539"));
        assert_eq!(xml_attr(x, "emoji", "cdnurl").as_deref(), Some("http://a?b=1&c=2"));
        assert_eq!(xml_attr(x, "voicemsg", "length"), None);
        assert_eq!(xml_text(x, "title").as_deref(), Some("报价单.pdf"));
        assert_eq!(xml_text(x, "des").as_deref(), Some("a & b"));
        assert_eq!(xml_text(x, "url").as_deref(), Some(""));
        assert_eq!(xml_text(x, "missing"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(transfer_status_by_text("来自林晓Lynn的转账 - 已收款"), Some("received"));
        assert_eq!(transfer_status_by_text("向周芳-出纳转账"), Some("sent"));
        assert_eq!(transfer_status_by_text("向周芳转账 - 已被退还"), Some("returned"));
        assert_eq!(transfer_status_by_text("已过期"), Some("expired"));
        assert_eq!(transfer_status_by_text("发起转账"), Some("sent"));
        assert_eq!(transfer_status_by_text("感谢关照"), None);
        assert_eq!(transfer_status_by_paysubtype(4), Some("returned"));
        assert_eq!(transfer_status_by_paysubtype(2), None);
    }

    #[test]
    fn notices() {
        assert!(is_system_notice(r#""周芳-出纳" 撤回了一条消息"#));
        assert!(is_system_notice("  你领取了吴总的红包"));
        assert!(is_system_notice(r#""吴总"邀请"陈浩"加入了群聊"#));
        assert!(!is_system_notice("1. 周芳 多肉葡萄"));
        assert_eq!(recalled_by(r#""孙丽 财务" 撤回了一条消息"#).as_deref(), Some("孙丽 财务"));
        assert_eq!(recalled_by("你撤回了一条消息").as_deref(), Some("你"));
        assert_eq!(system_notice_suffix(r#"奶茶"周芳-出纳" 撤回了一条消息"#), Some("奶茶".len()));
        assert_eq!(
            clean_system_text(r#"你撤回了一条消息 <![CDATA[<a href="weixin://revoke_edit_click">重新编辑</a>]]>"#).as_deref(),
            Some("你撤回了一条消息")
        );
        assert_eq!(clean_system_text("<script>x</script> 修改群名"), None);
    }

    #[test]
    fn times() {
        let t = |s| parse_local_time(s).map(|t| t.to_string());
        assert_eq!(t("2024/10/4 11:42").as_deref(), Some("2024-10-04 11:42:00"));
        assert_eq!(t("2023-08-12 23:22:41").as_deref(), Some("2023-08-12 23:22:41"));
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of_type(49, 2000), MessageKind::Transfer);
        assert_eq!(kind_of_type(49, 2001), MessageKind::RedPacket);
        assert_eq!(kind_of_type(10002, 0), MessageKind::Recalled);
        assert_eq!(kind_of_type(12345, 0), MessageKind::Other);
        assert_eq!(placeholder_kind("[表情包]"), Some(MessageKind::Sticker));
        assert_eq!(file_stem("a/城南区住建局工作群_utf8.csv"), "城南区住建局工作群");
        assert_eq!(split_quote("郑国强：何会计"), (Some("郑国强".into()), "何会计".into()));
    }
}
