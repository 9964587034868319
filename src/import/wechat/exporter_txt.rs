//! BlueMatthew/WechatExporter (iOS backup) text export: `<chat>/index.txt`.
//!
//! The file starts `{chat} - 微信聊天记录` and a blank line; then one
//! `{NAME} ({YYYY-mm-dd HH:MM:SS}):{MESSAGE}` per message, a multi-line text
//! continuing on the following lines (FORMATS.md §1d and the synthetic
//! README). Its templates make four shapes that are not one message per line:
//! * A transfer has no trailing newline: `微信转账 ￥19.00 - 向周芳-出纳转账`
//!   runs straight into the next message's header on the same line, and a
//!   memo, when there is one, follows after an embedded `\r\n` and is itself
//!   glued to the next header (`奶茶周芳-出纳 (…):…`). The status text is
//!   split from the next name by its grammar (`转账`, `已收款`, `向X转账`,
//!   `来自X的转账 - 已收款`, …) and the memo from the next name by the names
//!   the file shows at line starts (read in a first pass). When no known
//!   name ends the glued text, all of it is taken as the name and the split
//!   is flagged in `extra.split_uncertain`.
//! * A red packet prints `NAME (TIME):` with an empty body.
//! * A quote has no name and no time: `「name：quoted」`, a line of
//!   `- - - …`, then the reply. It becomes its own message with no sender and
//!   no time (the export does not say who replied, or when).
//! * System notices (recalls, invites, claims) are bare lines with neither
//!   name nor time; only a pat has a prefix, `System Message: `. They are
//!   recognised by their wording; a bare line that is not a known notice
//!   continues the message before it (a multi-line text), or, with no message
//!   before it, is a system message. Messages without a time keep their place
//!   in file order and get no timestamp.
//!
//! Times are local wall-clock times (`--tz`, offset assumed). Participants are
//! known by the name shown (the group nickname, remark or raw wxid).
//! Placeholders (`[图片]`, `[语音 6"]`, `[文件: x.xlsx]`, `[位置] …`) give the
//! kind; a line ending in ` - ` is a shared link whose app name is empty.
//! A CRLF at the end of an ordinary line is read as its line end.

use std::collections::HashSet;
use std::io::BufReader;
use std::sync::LazyLock;

use regex::Regex;

use super::{
    fill_notice, is_system_notice, local_timestamp, main_entry, placeholder_kind, quote_value, split_quote,
    system_notice_suffix, transfer_payment, transfer_status_by_text, write_message, ChatKind, Extra, Gathered, Lines,
    People,
};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::{AttachmentRecord, ConversationRecord, MessageKind, MessageRecord};

const TITLE_SUFFIX: &str = " - 微信聊天记录";
const PAT_PREFIXES: [&str; 2] = ["System Message: ", "系统消息："];
const TRANSFER_PREFIX: &str = "微信转账 ";
/// Most names remembered from the first pass.
const MAX_NAMES: usize = 100_000;

static HEADER_AT_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?) \((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\):").expect("static regex"));
static HEADER_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r" \((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\):").expect("static regex"));
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:向(.+)转账(?: - 已被接收| - 已被退还)?|来自(.+)的转账 - (?:已收款|已退还)",
        r"|转账|已收款|已接收|已退还|已被接收|已被退还|已过期|发起转账|发起非实时转账|非实时转账收款)$"
    ))
    .expect("static regex")
});
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:- ){4,}-$").expect("static regex"));
static VOICE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"^\[语音 ([0-9'"]+)\]$"#).expect("static regex"));

pub fn sniff(p: &Probe) -> bool {
    p.single_file && p.text().lines().next().is_some_and(|l| l.trim_end_matches('\r').ends_with(TITLE_SUFFIX))
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = main_entry(tree, &[".txt"])?;
    let display = format!("{}!{entry}", tree.origin().display());
    let known = known_names(tree, &entry)?;
    let origin = tree.origin().to_path_buf();
    let io_err = |e| ImportError::Io { path: origin.join(&entry), source: e };
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, tree.open(&entry)?));

    let title = match lines.next_line().map_err(io_err)? {
        Some((_, Ok(l))) if l.trim_end_matches('\r').ends_with(TITLE_SUFFIX) => {
            let l = l.trim_start_matches('\u{feff}').trim_end_matches('\r');
            l[..l.len() - TITLE_SUFFIX.len()].to_string()
        }
        _ => return Err(ImportError::malformed(&display, 1, format!("the first line is not \"<chat>{TITLE_SUFFIX}\""))),
    };
    ctx.conversation(&ConversationRecord { external_id: title.clone(), title: Some(title.clone()), kind: None })?;
    let mut p = Parser {
        entry: entry.clone(),
        conversation: title.clone(),
        known,
        people: People::default(),
        kind: ChatKind::default(),
        pending: None,
        awaiting_memo: false,
    };
    while let Some((no, line)) = lines.next_readable(ctx, &origin, &entry)? {
        p.line(ctx, no, &line)?;
    }
    // The page template ends with a newline of its own after the last message.
    if let Some(last) = p.pending.as_mut() {
        while last.body.lines.last().is_some_and(|l| l.is_empty()) {
            last.body.lines.pop();
        }
    }
    p.flush(ctx)?;
    p.kind.declare(ctx, &title, Some(&title))
}

/// First pass: the names at line starts, and the names in group transfer
/// wording, used to split a memo or status from the name glued to it.
/// A line after a transfer's `\r` starts with a memo, so its name is not taken.
fn known_names(tree: &mut dyn SourceTree, entry: &str) -> Result<HashSet<String>, ImportError> {
    let origin = tree.origin().to_path_buf();
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, tree.open(entry)?));
    let mut names = HashSet::new();
    let mut after_cr = false;
    while let Some((_, line)) = lines.next_line().map_err(|e| ImportError::Io { path: origin.join(entry), source: e })? {
        let Ok(line) = line else { continue };
        if names.len() >= MAX_NAMES {
            break;
        }
        if !after_cr {
            if let Some(c) = HEADER_AT_START.captures(&line) {
                names.insert(c[1].to_string());
            }
        }
        for seg in line.split(TRANSFER_PREFIX).skip(1) {
            if let Some((_, status)) = seg.split_once(" - ") {
                if let Some(name) = status.strip_prefix('向').and_then(|s| s.split_once("转账")).map(|(n, _)| n) {
                    names.insert(name.to_string());
                }
                if let Some(name) = status.strip_prefix("来自").and_then(|s| s.split_once("的转账")).map(|(n, _)| n) {
                    names.insert(name.to_string());
                }
            }
        }
        after_cr = line.ends_with('\r') && line.contains(TRANSFER_PREFIX);
    }
    Ok(names)
}

/// A message being read: its header (if any) and its lines.
struct Pending {
    /// Name and time from the header; `None` for quotes and notices.
    header: Option<(String, String)>,
    body: Gathered,
    shape: Shape,
}

enum Shape {
    Plain,
    Transfer { amount: String, status: String, memo: Option<String>, uncertain: Option<String> },
    /// A quote block: the `「name：quoted」` text; body is the reply.
    Quote(String),
    /// A bare notice or a `System Message:` line.
    Notice,
}

struct Parser {
    entry: String,
    conversation: String,
    known: HashSet<String>,
    people: People,
    kind: ChatKind,
    pending: Option<Pending>,
    /// The pending transfer's line ended in `\r`: the next line starts with its memo.
    awaiting_memo: bool,
}

impl Parser {
    fn line(&mut self, ctx: &mut ImportCtx, no: u64, line: &str) -> Result<(), ImportError> {
        if std::mem::take(&mut self.awaiting_memo) {
            return self.memo_line(ctx, no, line);
        }
        let line = line.strip_suffix('\r').filter(|_| !line.contains(TRANSFER_PREFIX)).unwrap_or(line);
        self.segment(ctx, no, line)
    }

    /// A line, or the rest of one after a glued transfer.
    fn segment(&mut self, ctx: &mut ImportCtx, no: u64, s: &str) -> Result<(), ImportError> {
        if let Some(c) = HEADER_AT_START.captures(s) {
            let (name, time) = (c[1].to_string(), c[2].to_string());
            let body = &s[c.get(0).map(|m| m.end()).unwrap_or(0)..];
            self.flush(ctx)?;
            return self.start(ctx, no, name, time, body);
        }
        if let Some(text) = PAT_PREFIXES.iter().find_map(|p| s.strip_prefix(p)) {
            self.flush(ctx)?;
            self.pending = Some(Pending::headless(no, text, Shape::Notice));
            return Ok(());
        }
        if SEPARATOR.is_match(s.trim_end()) && self.quote_begins(ctx)? {
            return Ok(());
        }
        if is_system_notice(s) {
            self.flush(ctx)?;
            self.pending = Some(Pending::headless(no, s, Shape::Notice));
            return Ok(());
        }
        match self.pending.as_mut() {
            Some(p) => p.body.push(s.to_string()),
            None if s.is_empty() => {}
            None => self.pending = Some(Pending::headless(no, s, Shape::Notice)),
        }
        Ok(())
    }

    /// A header line's message; a transfer may have the next message glued on.
    fn start(&mut self, ctx: &mut ImportCtx, no: u64, name: String, time: String, body: &str) -> Result<(), ImportError> {
        let header = Some((name, time));
        let Some((amount, after)) = body.strip_prefix(TRANSFER_PREFIX).and_then(|t| t.split_once(" - ")) else {
            self.pending = Some(Pending { header, body: Gathered::new(no, Some(body.to_string())), shape: Shape::Plain });
            return Ok(());
        };
        let amount = amount.to_string();
        let transfer = |status: &str, uncertain: Option<String>| Shape::Transfer {
            amount: amount.clone(),
            status: status.to_string(),
            memo: None,
            uncertain,
        };
        let pending = |shape| Pending { header: header.clone(), body: Gathered::new(no, None), shape };
        if let Some(h) = HEADER_TAIL.find(after) {
            // The next message is glued on: split the status from its name.
            let glued = &after[..h.start()];
            let (status_len, uncertain) = match self.split_status(glued) {
                Some(len) => (len, None),
                None => (glued.len(), Some(glued.to_string())),
            };
            let (status, rest) = after.split_at(status_len);
            self.pending = Some(pending(transfer(status, uncertain)));
            self.flush(ctx)?;
            return self.segment(ctx, no, rest);
        }
        if let Some(status) = after.strip_suffix('\r') {
            self.pending = Some(pending(transfer(status, None)));
            self.awaiting_memo = true;
            return Ok(());
        }
        let cut = notice_start(after).unwrap_or(after.len());
        let (status, rest) = after.split_at(cut);
        self.pending = Some(pending(transfer(status, None)));
        if !rest.is_empty() {
            self.flush(ctx)?;
            self.segment(ctx, no, rest)?;
        }
        Ok(())
    }

    /// Length of the status at the start of `glued` (status + next name):
    /// the shortest status whose remainder is a known name, else the shortest.
    fn split_status(&self, glued: &str) -> Option<usize> {
        let cuts: Vec<usize> = glued
            .char_indices()
            .map(|(i, _)| i)
            .skip(1)
            .take_while(|&i| i <= 1024)
            .filter(|&i| STATUS.is_match(&glued[..i]))
            .collect();
        cuts.iter().copied().find(|&i| self.known.contains(&glued[i..])).or(cuts.first().copied())
    }

    /// The line after a transfer's `\r`: its memo, then what is glued on.
    fn memo_line(&mut self, ctx: &mut ImportCtx, no: u64, line: &str) -> Result<(), ImportError> {
        let (memo_len, uncertain) = match HEADER_TAIL.find(line) {
            Some(h) => {
                let glued = &line[..h.start()];
                let name = self.known.iter().filter(|n| glued.ends_with(n.as_str())).max_by_key(|n| n.len());
                match name {
                    Some(n) => (glued.len() - n.len(), None),
                    None => (0, Some(glued.to_string())),
                }
            }
            None => (notice_start(line).unwrap_or(line.len()), None),
        };
        let (memo, rest) = line.split_at(memo_len);
        if let Some(Pending { shape: Shape::Transfer { memo: m, uncertain: u, .. }, .. }) = self.pending.as_mut() {
            *m = Some(memo.trim_end_matches('\r').to_string());
            if uncertain.is_some() {
                *u = uncertain;
            }
        }
        self.flush(ctx)?;
        if rest.is_empty() {
            return Ok(());
        }
        self.line(ctx, no, rest)
    }

    /// On a `- - - …` line: if the pending message ends with `「…」` lines,
    /// those lines start a quote (which has no header of its own).
    fn quote_begins(&mut self, ctx: &mut ImportCtx) -> Result<bool, ImportError> {
        let Some(p) = self.pending.as_mut() else { return Ok(false) };
        if !p.body.lines.last().is_some_and(|l| l.ends_with('」')) {
            return Ok(false);
        }
        // A header's first body line is on the header line: it cannot start a quote.
        let lowest = usize::from(p.header.is_some());
        let Some(i) = p.body.lines.iter().rposition(|l| l.starts_with('「')).filter(|&i| i >= lowest) else {
            return Ok(false);
        };
        let line = p.body.line + i as u64;
        let quoted = p.body.split_off(i).join("\n");
        if p.body.lines.is_empty() {
            // A notice that was only the quote line.
            self.pending = None;
        }
        self.flush(ctx)?;
        let inner = quoted.trim_start_matches('「').trim_end_matches('」').to_string();
        self.pending = Some(Pending { header: None, body: Gathered::new(line, None), shape: Shape::Quote(inner) });
        Ok(true)
    }

    /// Write the pending message.
    fn flush(&mut self, ctx: &mut ImportCtx) -> Result<(), ImportError> {
        let Some(p) = self.pending.take() else { return Ok(()) };
        let Some(at) = p.body.locator(ctx, &self.entry, "message")? else { return Ok(()) };
        let mut m = MessageRecord::new(&self.conversation, MessageKind::Text, String::new(), at.clone());
        let mut extra = Extra::default();
        if let Some((name, time)) = &p.header {
            match local_timestamp(ctx, time) {
                Ok(t) => m.timestamp = Some(t),
                Err(reason) => return ctx.skip(&at, reason),
            }
            m.offset_assumed = true;
            self.kind.speaker(name);
            m.sender = Some(name.clone());
            m.sender_name = Some(name.clone());
        }
        let text = p.body.lines.join("\n");
        match p.shape {
            Shape::Plain => body_kind(&mut m, &mut extra, text),
            Shape::Transfer { amount, status, memo, uncertain } => {
                m.kind = MessageKind::Transfer;
                m.payment = transfer_payment(Some(&amount), transfer_status_by_text(&status), memo.as_deref(), None);
                if let Some(c) = STATUS.captures(&status) {
                    if c.get(1).is_some() || c.get(2).is_some() {
                        self.kind.group_hint();
                    }
                    extra.put_opt("payee", c.get(1).map(|x| x.as_str())).put_opt("payer", c.get(2).map(|x| x.as_str()));
                }
                extra.put("amount_text", amount).put("status_text", status).put_opt("split_uncertain", uncertain);
                m.text = memo.unwrap_or_default();
            }
            Shape::Quote(quoted) => {
                let (who, quoted) = split_quote(&quoted);
                extra.put("quote", quote_value(who, quoted, None));
                m.text = text;
            }
            Shape::Notice => fill_notice(&mut m, &mut extra, &mut self.kind, text.trim()),
        }
        m.extra = extra.into_value();
        write_message(ctx, &mut self.people, &m, false)
    }
}

impl Pending {
    fn headless(line: u64, text: &str, shape: Shape) -> Self {
        Self { header: None, body: Gathered::new(line, Some(text.to_string())), shape }
    }
}

/// Where a pat line or a system notice starts inside text glued to a transfer.
fn notice_start(s: &str) -> Option<usize> {
    let pat = PAT_PREFIXES.iter().filter_map(|p| s.find(p)).min();
    match (pat, system_notice_suffix(s)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Kind and text of a header message's body (also the text of a WechatExporter HTML message).
pub(super) fn body_kind(m: &mut MessageRecord, extra: &mut Extra, text: String) {
    if text.is_empty() {
        // The plainshare template with an empty title: a red packet.
        m.kind = MessageKind::RedPacket;
        return;
    }
    if !text.contains('\n') {
        if let Some(kind) = placeholder_kind(&text) {
            m.kind = kind;
            return;
        }
        if let Some(c) = VOICE.captures(&text) {
            m.kind = MessageKind::Voice;
            extra.put("duration", &c[1]);
            return;
        }
        if let Some(name) = text.strip_prefix("[文件: ").and_then(|t| t.strip_suffix(']')) {
            m.kind = MessageKind::File;
            m.attachments.push(AttachmentRecord {
                file_name: name.to_string(),
                mime: super::mime_of(name).map(str::to_string),
                ..Default::default()
            });
            m.text = name.to_string();
            return;
        }
        for (prefix, kind) in [("[位置] ", MessageKind::Location), ("[个人名片] ", MessageKind::Contact), ("[视频号名片] ", MessageKind::Contact)] {
            if let Some(rest) = text.strip_prefix(prefix) {
                m.kind = kind;
                m.text = rest.to_string();
                return;
            }
        }
        if let Some(title) = text.strip_suffix(" - ") {
            m.kind = MessageKind::Link;
            extra.put("title", title);
            m.text = title.to_string();
            return;
        }
    }
    m.text = text;
}
