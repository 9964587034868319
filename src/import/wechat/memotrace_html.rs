//! MemoTrace / 留痕 (LC044/WeChatMsg) HTML export: `<remark>/<remark>.html`.
//!
//! The page is a template; the messages are JavaScript object literals in
//! `const chatMessages = [ … ];` (FORMATS.md §1b and the synthetic README).
//! Each literal is read by [`super::js_literal`] without a JS engine, streaming
//! one literal at a time. Strings are JS-escaped and, for the texts MemoTrace
//! passed through `html.escape`, HTML-escaped too, so both are undone.
//!
//! * `timestamp` is a UTC epoch: exact instants, shown in the source's zone.
//! * `displayname` is the speaker's (sanitised) remark; it is the only name,
//!   so it is the participant id. `is_send:1` marks the account owner.
//! * Kinds from `type`/`sub_type`; `type:3` is an image, or a sticker when
//!   its text is an `http(s)` URL (MemoTrace writes both as type 3).
//! * Transfers (49/2000): `feedesc` `￥2000.00` → amount and CNY, `paysubtype`
//!   → status, `pay_memo` → memo. The literal has no transfer id.
//! * Media paths (`./image/….jpg`) are relative to the page; when the source
//!   is the export folder (or a zip of it) the files are hashed.
//! * Locator: `file@n`, n = the literal's 0-based position in the array.

use std::io::BufReader;
use std::sync::LazyLock;

use regex::Regex;

use super::js_literal::{parse_object, Item, JsValue, LiteralScanner};
use super::{
    file_stem, fill_notice, html_unescape, kind_of_type, looks_like_html, main_entry, quote_value, split_quote, transfer_payment,
    transfer_status_by_paysubtype, transfer_status_by_text, write_message, ChatKind, Extra, Media, People,
    MAX_RECORD_BYTES,
};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::{ConversationRecord, Locator, MessageKind, MessageRecord};

const MARKER: &[u8] = b"const chatMessages = [";

pub fn sniff(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let t = p.text();
    if !looks_like_html(t) {
        return false;
    }
    // The array usually sits after ~20 KB of template CSS; the page skeleton
    // before it is MemoTrace's own (`checkScroll`, the mid-bar) when it does not.
    t.contains("const chatMessages = [")
        || (t.contains(r#"id="chat-container" onscroll="checkScroll()""#) && t.contains(r#"<div class="mid-bar">"#))
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = main_entry(tree, &[".html", ".htm"])?;
    let display = format!("{}!{entry}", tree.origin().display());
    let conversation = file_stem(&entry);
    ctx.conversation(&ConversationRecord { external_id: conversation.clone(), title: Some(conversation.clone()), kind: None })?;
    let media = Media::new(tree, &entry)?;

    let origin = tree.origin().to_path_buf();
    let reader = BufReader::with_capacity(1 << 16, tree.open(&entry)?);
    let io_err = |e| ImportError::Io { path: origin.join(&entry), source: e };
    let Some(mut scanner) = LiteralScanner::after_marker(reader, MARKER).map_err(io_err)? else {
        return Err(ImportError::malformed(&display, "page", "no `const chatMessages = [` array: not a MemoTrace HTML export"));
    };
    let mut chat = Chat { conversation: conversation.clone(), entry: entry.clone(), kind: ChatKind::default(), media };
    let mut people = People::default();
    while let Some(item) = scanner.next_item().map_err(io_err)? {
        let (index, result) = match item {
            Item::Literal { index, bytes } => (index, chat.literal(ctx, index, bytes)),
            Item::TooLarge { index } => (index, Err(format!("message literal larger than {MAX_RECORD_BYTES} bytes"))),
            Item::Stray { index, text } => (index, Err(format!("text that is not a message literal: {text:?}"))),
            Item::Truncated { index } => (index, Err("the file ends inside the message array (truncated export?)".into())),
        };
        match result {
            Ok((m, is_self)) => write_message(ctx, &mut people, &m, is_self)?,
            Err(reason) => ctx.skip(&Locator::record(&entry, index), reason)?,
        }
    }
    chat.kind.declare(ctx, &conversation, Some(&conversation))
}

/// What the literals of one page share.
struct Chat {
    conversation: String,
    entry: String,
    kind: ChatKind,
    media: Media,
}

/// One parsed literal.
struct Literal(Vec<(String, JsValue)>);

impl Literal {
    fn raw(&self, key: &str) -> Option<&JsValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A string field, JS-unescaped (by the parser) and HTML-unescaped.
    fn text(&self, key: &str) -> Option<String> {
        self.raw(key).and_then(JsValue::text).map(|t| html_unescape(&emoji_codes(t)))
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.raw(key).and_then(JsValue::int)
    }
}

/// MemoTrace may turn `[抱拳]` into `<img … id="抱拳" class="emoji_img">`
/// after escaping the text; such a tag is its own, so it becomes the code again.
fn emoji_codes(s: &str) -> String {
    static IMG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"<img [^<>]*?id="([^"]*)"[^<>]*class="emoji_img"[^<>]*>"#).expect("static regex"));
    if !s.contains("emoji_img") {
        return s.to_string();
    }
    IMG.replace_all(s, |c: &regex::Captures| format!("[{}]", c[1].replace(' ', ""))).into_owned()
}

impl Chat {
    fn literal(&mut self, ctx: &ImportCtx, index: u64, bytes: Vec<u8>) -> Result<(MessageRecord, bool), String> {
        let src = String::from_utf8(bytes).map_err(|e| format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()))?;
        let fields = parse_object(&src).map_err(|e| format!("unreadable message literal: {e}"))?;
        self.message(ctx, index, &Literal(fields))
    }

    fn message(&mut self, ctx: &ImportCtx, index: u64, lit: &Literal) -> Result<(MessageRecord, bool), String> {
        let type_ = lit.int("type").ok_or("no numeric `type`")?;
        let sub_type = lit.int("sub_type").unwrap_or(0);
        let secs = lit.int("timestamp").ok_or("no numeric `timestamp`")?;
        let timestamp = ctx.epoch_time(secs, 0).ok_or_else(|| format!("timestamp {secs} is out of range"))?;
        let text = lit.text("text").unwrap_or_default();
        let is_send = lit.int("is_send") == Some(1);
        let name = lit.text("displayname").filter(|n| !n.is_empty());
        if lit.int("is_chatroom") == Some(1) {
            self.kind.group_hint();
        }

        let mut extra = Extra::default();
        extra.put("type", type_);
        if lit.raw("sub_type").is_some() {
            extra.put("sub_type", sub_type);
        }
        let at = Locator::record(&self.entry, index);
        let mut m = MessageRecord::new(&self.conversation, kind_of_type(type_, sub_type), String::new(), at);
        m.timestamp = Some(timestamp);
        let mut media: Option<(String, Option<String>)> = None;
        match (type_, sub_type) {
            (0 | 10000 | 10002, _) => fill_notice(&mut m, &mut extra, &mut self.kind, &text),
            (3, _) if text.starts_with("http://") || text.starts_with("https://") => {
                m.kind = MessageKind::Sticker;
                extra.put("url", text);
            }
            (3 | 43 | 62, _) => media = Some((text, None)),
            (34, _) => {
                m.text = lit.text("voice_to_text").unwrap_or_default();
                media = Some((text, None));
            }
            (49, 6) => {
                let file_name = lit.text("file_name").filter(|f| !f.is_empty());
                m.text = file_name.clone().unwrap_or_default();
                extra.put_opt("file_size", lit.text("file_size")).put_opt("app_name", lit.text("app_name"));
                media = Some((text, file_name));
            }
            (49, 57) => {
                m.text = text;
                if let Some(refer) = lit.text("refer_text") {
                    let (who, quoted) = split_quote(&refer);
                    extra.put("quote", quote_value(who, quoted, None));
                }
            }
            (49, 3 | 5) => {
                let title = lit.text("title").unwrap_or_default();
                let url = lit.text("url").or_else(|| lit.text("link_url")).unwrap_or_default();
                let description = lit.text("description").or_else(|| lit.text("artist")).unwrap_or_default();
                m.text = [title.as_str(), description.as_str(), url.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                extra.put("title", title).put("url", url).put("description", description);
                extra.put_opt("app_name", lit.text("app_name")).put_opt("website_name", lit.text("website_name"));
                if sub_type == 3 && !text.is_empty() {
                    media = Some((text, None));
                }
            }
            (49, 2000) => {
                let paysubtype = lit.int("paysubtype");
                let status =
                    paysubtype.and_then(transfer_status_by_paysubtype).or_else(|| transfer_status_by_text(&text));
                let memo = lit.text("pay_memo");
                let feedesc = lit.text("feedesc");
                m.payment = transfer_payment(feedesc.as_deref(), status, memo.as_deref(), None);
                extra.put_opt("paysubtype", paysubtype).put_opt("feedesc", feedesc);
                m.text = text;
            }
            (50, _) => {
                m.text = text;
                extra.put_opt("call_type", lit.int("call_type"));
            }
            _ => m.text = text,
        }

        let system = matches!(m.kind, MessageKind::System | MessageKind::Recalled);
        if !system || is_send {
            let id = name.clone().unwrap_or_else(|| if is_send { "我".into() } else { self.conversation.clone() });
            self.kind.speaker(&id);
            m.sender = Some(id);
            m.sender_name = name;
        }
        if let Some((path, file_name)) = media.filter(|(p, _)| !p.is_empty()) {
            m.attachments.push(self.media.attachment(&path, file_name.as_deref()));
        }
        m.extra = extra.into_value();
        Ok((m, is_send))
    }
}
