//! MemoTrace / 留痕 (LC044/WeChatMsg) TXT export: `<remark>/<remark>.txt`.
//!
//! One block per message, `"{StrTime} {name}\n{content}\n\n"`, and a system
//! block `"{StrTime} {text}\n\n"` with no name. A block starts at a line
//! `YYYY-mm-dd HH:MM:SS …` at the start of the file or after a blank line,
//! and runs to the next such line; the blank line that ends a block is the
//! separator, not content. So the two kinds are told apart by what follows
//! the header line: nothing (then the header's rest is a system text) or
//! content lines (then it is the speaker's name). A message whose content is
//! empty still has its empty content line. A content line that itself looks
//! like a block header after a blank line cannot be told from a new block;
//! it is read as one (a limit of the format).
//!
//! * Times are the exporting PC's local time: read in `--tz`, offset assumed.
//! * Names (and link-card fields) went through MemoTrace's JS/HTML escaping;
//!   it is undone. The name is the only id a TXT export has.
//! * Placeholders `[图片] [语音] [视频] [表情包] [文件]` give the kind (text
//!   empty); a quote is `title\n引用:name:text` (or `引用:未知`); a link card
//!   is a block of 12-space-indented `[链接]:title:` / `description:` / `url:`
//!   / `name:` lines. MemoTrace leaves transfers and red packets out of TXT.
//! * Locator: the header line of the block.

use std::io::BufReader;
use std::sync::LazyLock;

use regex::Regex;

use super::{
    file_stem, fill_notice, local_timestamp, main_entry, placeholder_kind, quote_value, unescape_js_html,
    write_message, ChatKind, Extra, Gathered, Lines, People,
};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::{ConversationRecord, Locator, MessageKind, MessageRecord};

static HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (.+)$").expect("static regex"));

/// Link-card lines are indented by 12 spaces.
const CARD_INDENT: &str = "            ";

pub fn sniff(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let lines: Vec<&str> = p.text().lines().take(400).map(|l| l.trim_end_matches('\r')).collect();
    let Some(first) = lines.first() else { return false };
    if !HEADER.is_match(first) {
        return false;
    }
    // A log file has a timestamp on every line; MemoTrace puts a name line's
    // content, or the blank separator, right after a header.
    if lines.get(1).is_some_and(|l| HEADER.is_match(l)) {
        return false;
    }
    let block_after_blank = lines.windows(2).any(|w| w[0].is_empty() && HEADER.is_match(w[1]));
    block_after_blank || lines.len() <= 3
}

/// A block being read: the header's time and rest, and the lines after it.
struct Block {
    time: String,
    rest: String,
    body: Gathered,
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = main_entry(tree, &[".txt"])?;
    let conversation = file_stem(&entry);
    ctx.conversation(&ConversationRecord { external_id: conversation.clone(), title: Some(conversation.clone()), kind: None })?;
    let origin = tree.origin().to_path_buf();
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, tree.open(&entry)?));
    let mut chat = Chat { entry: entry.clone(), conversation: conversation.clone(), kind: ChatKind::default(), people: People::default() };
    let mut block: Option<Block> = None;
    let mut prev_blank = true;
    while let Some((no, line)) = lines.next_readable(ctx, &origin, &entry)? {
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if prev_blank {
            if let Some(c) = HEADER.captures(line) {
                if let Some(b) = block.take() {
                    chat.finish(ctx, b)?;
                }
                block = Some(Block { time: c[1].to_string(), rest: c[2].to_string(), body: Gathered::new(no, None) });
                prev_blank = false;
                continue;
            }
        }
        prev_blank = line.is_empty();
        match block.as_mut() {
            Some(b) => b.body.push(line.to_string()),
            None if line.is_empty() => {}
            None => ctx.skip(&Locator::line(&entry, no), "text before the first message block")?,
        }
    }
    if let Some(b) = block.take() {
        chat.finish(ctx, b)?;
    }
    chat.kind.declare(ctx, &conversation, Some(&conversation))
}

struct Chat {
    entry: String,
    conversation: String,
    kind: ChatKind,
    people: People,
}

impl Chat {
    fn finish(&mut self, ctx: &mut ImportCtx, mut b: Block) -> Result<(), ImportError> {
        let Some(at) = b.body.locator(ctx, &self.entry, "message block")? else { return Ok(()) };
        let timestamp = match local_timestamp(ctx, &b.time) {
            Ok(t) => t,
            Err(reason) => return ctx.skip(&at, reason),
        };
        if b.body.lines.last().is_some_and(|l| l.is_empty()) {
            b.body.lines.pop();
        }
        let mut m = MessageRecord::new(&self.conversation, MessageKind::Text, String::new(), at);
        m.timestamp = Some(timestamp);
        m.offset_assumed = true;
        let mut extra = Extra::default();
        if b.body.lines.is_empty() {
            // A system block: its text is on the header line.
            fill_notice(&mut m, &mut extra, &mut self.kind, &b.rest);
            m.extra = extra.into_value();
            return write_message(ctx, &mut self.people, &m, false);
        }
        let name = unescape_js_html(&b.rest);
        content(&mut m, &mut extra, &b.body.lines);
        self.kind.speaker(&name);
        m.sender = Some(name.clone());
        m.sender_name = Some(name);
        m.extra = extra.into_value();
        write_message(ctx, &mut self.people, &m, false)
    }
}

/// Kind, text and details of a named block's content lines.
fn content(m: &mut MessageRecord, extra: &mut Extra, lines: &[String]) {
    if let [only] = lines {
        if let Some(kind) = placeholder_kind(only) {
            m.kind = kind;
            return;
        }
    }
    if lines.first().is_some_and(|l| l.starts_with(CARD_INDENT) && l.trim_start().starts_with("[链接]:title:")) {
        return link_card(m, extra, lines);
    }
    if let Some(i) = lines.iter().rposition(|l| l.starts_with("引用:")).filter(|&i| i > 0) {
        let quoted = lines[i..].join("\n");
        let quoted = &quoted["引用:".len()..];
        let (who, text) = match quoted.split_once(':') {
            Some((who, text)) => (Some(unescape_js_html(who)), text.to_string()),
            None => (None, quoted.to_string()),
        };
        extra.put("quote", quote_value(who, text, None));
        m.text = lines[..i].join("\n");
        return;
    }
    m.text = lines.join("\n");
}

/// `[链接]:title:…`, `description:…`, `url:…`, `name:…`, each 12-space
/// indented; a line with none of these prefixes continues the field before.
fn link_card(m: &mut MessageRecord, extra: &mut Extra, lines: &[String]) {
    m.kind = MessageKind::Link;
    let mut fields: [(&str, String); 4] =
        [("[链接]:title:", String::new()), ("description:", String::new()), ("url:", String::new()), ("name:", String::new())];
    let mut current: Option<usize> = None;
    for line in lines {
        let l = line.strip_prefix(CARD_INDENT).unwrap_or(line);
        match fields.iter().position(|(p, _)| l.starts_with(p)) {
            Some(i) => {
                fields[i].1 = l[fields[i].0.len()..].to_string();
                current = Some(i);
            }
            None if l.trim().is_empty() => {}
            None => {
                if let Some(i) = current {
                    fields[i].1.push('\n');
                    fields[i].1.push_str(l);
                }
            }
        }
    }
    let [title, description, url, name] = fields.map(|(_, v)| unescape_js_html(&v));
    m.text = [title.as_str(), description.as_str(), url.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    extra.put("title", title).put("description", description).put("url", url).put("app_name", name);
}
