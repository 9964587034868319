//! BlueMatthew/WechatExporter (iOS backup) HTML export: `<chat>/index.html`.
//!
//! One `<div class="msg chat|media left|right …" msgid=… msgtype=…>` per
//! message, with `.nt-box` (`<span class="dspname …" wxId="…">NAME</span>
//! TIME`) and `.content-box`; system notices are `<div class="msg
//! chat-notice …">` with no name or time (FORMATS.md §1d, synthetic README).
//!
//! The exporter does not HTML-escape message text (a raw `<` appears, as in
//! `单笔<5000`), so the page is not well-formed HTML and a strict parser
//! would eat text. This is a targeted scanner instead: a message starts at
//! a line that opens a `msg` div, and runs to that
//! div's closing `</div>` (indented like its opening line); within it, the
//! known template pieces are found by pattern and the message text is what
//! lies between them, taken as it is.
//! Names are HTML-escaped by the exporter, so they are decoded; WeChat
//! emoji images (`<img class="wxemoji" rawemoji="[握手]">`) become their code.
//!
//! * Sender: the `wxId` attribute when present, else the name; a `right`
//!   message is the account owner's. Times are local (`--tz`, assumed).
//! * Transfers: `￥888.00 - 转账` and the memo on the next line; red packets
//!   `<pre>[红包]</pre>`; quotes `「name：quoted」` then the reply; links,
//!   files, images, voice (`4"`), video and stickers with their paths
//!   (hashed when the source holds the files). Locator: the div's line.
//! * Only the "sync loading" page has the messages inline; the default
//!   (load on scroll) keeps them in `Files/Data/msg-N.js`, which is not read:
//!   such a page imports no messages and records one skip saying so.

use std::io::BufReader;
use std::sync::LazyLock;

use regex::Regex;

use super::exporter_txt::body_kind;
use super::{
    file_stem, fill_notice, html_unescape, local_timestamp, looks_like_html, main_entry, quote_value, split_quote, transfer_payment,
    transfer_status_by_text, write_message, ChatKind, Extra, Gathered, Lines, Media, People,
};
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};
use crate::model::{ConversationRecord, Locator, MessageKind, MessageRecord};

static OPEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*<div class="(msg(?: [^"]*)?)" msgid="([^"]*)"(?:\s+msgtype="([^"]*)")?"#).expect("static regex")
});
static NAME_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<div class="nt-box"><span class="[^"]*"(?:\s+wxId="([^"]*)")?>([^<]*)</span>\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"#)
        .expect("static regex")
});
static WXEMOJI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<img [^<>]*class="wxemoji"[^<>]*>"#).expect("static regex"));
static PRE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<pre>(.*?)</pre>").expect("static regex"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?s)<a href="([^"]*)"><b>(.*?)</b></a>"#).expect("static regex"));
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<span class="sname">([^<]*)</span>|<title>([^<]*) - 微信聊天记录</title>"#).expect("static regex")
});

pub fn sniff(p: &Probe) -> bool {
    let t = p.text();
    p.single_file
        && looks_like_html(t)
        && (t.lines().any(|l| OPEN.is_match(l)) || (t.contains(" - 微信聊天记录</title>") && t.contains(r#"id="msgs-div""#)))
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = main_entry(tree, &[".html", ".htm"])?;
    let media = Media::new(tree, &entry)?;
    let origin = tree.origin().to_path_buf();
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, tree.open(&entry)?));
    let mut page = Page {
        entry: entry.clone(),
        conversation: None,
        fallback_title: fallback_title(&origin, &entry),
        kind: ChatKind::default(),
        people: People::default(),
        media,
        current: None,
        divs: 0,
        declared: false,
        close: String::new(),
    };
    while let Some((no, line)) = lines.next_readable(ctx, &origin, &entry)? {
        page.line(ctx, no, line)?;
    }
    page.flush(ctx)?;
    if page.divs == 0 {
        ctx.skip(
            &Locator::line(&entry, 1),
            "no message divs in the page: a WechatExporter page made with \"load on scroll\" keeps its messages in Files/Data/msg-*.js, which is not read",
        )?;
    }
    let id = page.conversation_id(ctx)?;
    page.kind.declare(ctx, &id, Some(&id))
}

/// The chat's name when the page does not give one: its folder, or the file name.
fn fallback_title(origin: &std::path::Path, entry: &str) -> String {
    let stem = file_stem(entry);
    if stem != "index" {
        return stem;
    }
    let folder = if entry.contains('/') { entry.rsplit('/').nth(1).map(str::to_string) } else { None };
    folder
        .or_else(|| origin.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or(stem)
}

struct Page {
    entry: String,
    conversation: Option<String>,
    fallback_title: String,
    kind: ChatKind,
    people: People,
    media: Media,
    current: Option<Gathered>,
    divs: u64,
    declared: bool,
    /// The line that closes the current message div: `</div>` indented as
    /// its opening line. Message text is raw, so nothing else is trusted to
    /// end it: text imitating a div is text (unless it imitates this line).
    close: String,
}

impl Page {
    fn line(&mut self, ctx: &mut ImportCtx, no: u64, line: String) -> Result<(), ImportError> {
        if let Some(div) = self.current.as_mut() {
            let closes = line.trim_end() == self.close;
            div.push(line);
            if closes {
                self.flush(ctx)?;
            }
            return Ok(());
        }
        if OPEN.is_match(&line) {
            self.divs += 1;
            let indent = &line[..line.len() - line.trim_start().len()];
            self.close = format!("{indent}</div>");
            let one_line = line.matches("<div").count() == line.matches("</div>").count();
            self.current = Some(Gathered::new(no, Some(line)));
            if one_line {
                self.flush(ctx)?;
            }
            return Ok(());
        }
        if self.conversation.is_none() {
            if let Some(c) = TITLE.captures(&line) {
                let t = c.get(1).or_else(|| c.get(2)).map(|m| html_unescape(m.as_str().trim())).unwrap_or_default();
                if !t.is_empty() {
                    self.conversation = Some(t);
                }
            }
        }
        if line.contains("<body") && line.contains("@chatroom") {
            self.kind.group_hint();
        }
        Ok(())
    }

    /// The conversation, declared when the first message needs it.
    fn conversation_id(&mut self, ctx: &mut ImportCtx) -> Result<String, ImportError> {
        if let (Some(id), true) = (&self.conversation, self.declared) {
            return Ok(id.clone());
        }
        let id = self.conversation.get_or_insert_with(|| self.fallback_title.clone()).clone();
        ctx.conversation(&ConversationRecord { external_id: id.clone(), title: Some(id.clone()), kind: None })?;
        self.declared = true;
        Ok(id)
    }

    fn flush(&mut self, ctx: &mut ImportCtx) -> Result<(), ImportError> {
        let Some(div) = self.current.take() else { return Ok(()) };
        let Some(at) = div.locator(ctx, &self.entry, "message div")? else { return Ok(()) };
        let conversation = self.conversation_id(ctx)?;
        let html = div.lines.join("\n");
        match self.message(ctx, &conversation, &html, at.clone()) {
            Ok((m, is_self)) => write_message(ctx, &mut self.people, &m, is_self),
            Err(reason) => ctx.skip(&at, reason),
        }
    }

    fn message(&mut self, ctx: &ImportCtx, conversation: &str, html: &str, at: Locator) -> Result<(MessageRecord, bool), String> {
        let open = OPEN.captures(html).ok_or("not a message div")?;
        let classes: Vec<&str> = open[1].split_whitespace().collect();
        let msgtype = open.get(3).map(|m| m.as_str()).unwrap_or("");
        let mut m = MessageRecord::new(conversation, MessageKind::Text, String::new(), at);
        m.external_id = Some(open[2].to_string()).filter(|s| !s.is_empty());
        let mut extra = Extra::default();
        extra.put("msgtype", msgtype);

        if classes.iter().any(|c| c.contains("notice")) {
            let inner = between(html, r#"<span class="dont-break-out msg-text">"#, "</span>").unwrap_or_default();
            fill_notice(&mut m, &mut extra, &mut self.kind, inner.trim());
            m.extra = extra.into_value();
            return Ok((m, false));
        }
        let nt = NAME_TIME.captures(html).ok_or("no name and time (.nt-box) in the message div")?;
        let name = html_unescape(nt[2].trim());
        let id = nt.get(1).map(|w| w.as_str().trim()).filter(|w| !w.is_empty()).map(str::to_string);
        m.timestamp = Some(local_timestamp(ctx, &nt[3])?);
        m.offset_assumed = true;
        let is_self = classes.iter().any(|c| *c == "right" || c.ends_with("-right"));
        let sender = id.unwrap_or_else(|| name.clone());
        self.kind.speaker(&sender);
        m.sender = Some(sender);
        m.sender_name = Some(name).filter(|n| !n.is_empty());

        let content = html.find(r#"<div class="content-box">"#).map(|i| &html[i..]).unwrap_or(html);
        let pres: Vec<String> = PRE.captures_iter(content).map(|c| emoji_codes(&c[1])).collect();
        let app = between(content, r#"<span class="app-name">"#, "</span>").map(|a| html_unescape(&a)).filter(|a| !a.is_empty());
        if content.contains(r#"class="transfer-icon""#) {
            transfer(&mut m, &mut extra, pres.first().map(String::as_str).unwrap_or(""));
        } else if content.contains("refermsg") {
            let quoted = pres.first().map(|q| q.trim_start_matches('「').trim_end_matches('」').to_string()).unwrap_or_default();
            let (who, quoted) = split_quote(&quoted);
            extra.put("quote", quote_value(who, quoted, None));
            m.text = if pres.len() > 1 { pres.last().cloned().unwrap_or_default() } else { String::new() };
        } else if msgtype == "image" || content.contains("rawUrl=") {
            m.kind = MessageKind::Image;
            self.attach(&mut m, attr(content, "rawUrl").or_else(|| attr(content, "data-src")), None);
        } else if msgtype == "video" || content.contains("<video") {
            m.kind = MessageKind::Video;
            self.attach(&mut m, attr(content, "<source src"), None);
        } else if content.contains(r#"class="voicebox""#) {
            m.kind = MessageKind::Voice;
            extra.put_opt("duration", between(content, r#"<div class="voicetime">"#, "</div>"));
            self.attach(&mut m, attr(content, "audio"), None);
        } else if msgtype == "47" || msgtype == "emoji" {
            m.kind = MessageKind::Sticker;
            extra.put_opt("url", attr(content, "rawsrc"));
            self.attach(&mut m, attr(content, "<img src"), None);
        } else if content.contains(r#"class="card-name""#) {
            m.kind = MessageKind::Contact;
            m.text = between(content, r#"<span class="dont-break-out">"#, "</span>").map(|n| html_unescape(&n)).unwrap_or_default();
        } else if let Some(link) = LINK.captures(content) {
            let href = html_unescape(&link[1]);
            let title = PRE.captures(&link[2]).map(|c| emoji_codes(&c[1])).unwrap_or_else(|| html_unescape(&link[2]));
            let description = pres.iter().skip(usize::from(link[2].contains("<pre>"))).find(|p| !p.is_empty()).cloned();
            share(&mut m, &mut extra, msgtype, href, title, description);
            extra.put_opt("app_name", app);
            if m.kind == MessageKind::File {
                let name = m.text.clone();
                self.attach(&mut m, extra_path(&link[1]), Some(&name));
            }
        } else {
            let text = between_last(content, "<pre>", "</pre>").map(|t| emoji_codes(&t)).unwrap_or_default();
            body_kind(&mut m, &mut extra, text);
        }
        m.extra = extra.into_value();
        Ok((m, is_self))
    }

    fn attach(&self, m: &mut MessageRecord, path: Option<String>, name: Option<&str>) {
        if let Some(p) = path.filter(|p| !p.is_empty()) {
            m.attachments.push(self.media.attachment(&p, name));
        }
    }
}

/// A file link's path, when it points into the export (`Files/38.xlsx`).
fn extra_path(href: &str) -> Option<String> {
    Some(html_unescape(href)).filter(|h| !h.is_empty() && !h.contains("://") && h != "##")
}

/// `￥888.00 - 转账` and the memo on the following line(s).
fn transfer(m: &mut MessageRecord, extra: &mut Extra, text: &str) {
    m.kind = MessageKind::Transfer;
    let (head, memo) = match text.split_once('\n') {
        Some((h, rest)) => (h.trim_end_matches('\r'), Some(rest.to_string())),
        None => (text, None),
    };
    let (amount, status) = head.split_once(" - ").unwrap_or((head, ""));
    m.payment = transfer_payment(Some(amount), transfer_status_by_text(status), memo.as_deref(), None);
    extra.put("amount_text", amount).put("status_text", status);
    m.text = memo.unwrap_or_default();
}

/// A share card (`<a href><b>title</b></a>` + description), a file in the
/// same template, or a red packet (empty title, `[红包]` description).
fn share(m: &mut MessageRecord, extra: &mut Extra, msgtype: &str, href: String, title: String, description: Option<String>) {
    if title.is_empty() && description.as_deref() == Some("[红包]") {
        m.kind = MessageKind::RedPacket;
        return;
    }
    if msgtype == "file" {
        m.kind = MessageKind::File;
        m.text = title;
        return;
    }
    m.kind = MessageKind::Link;
    m.text = [Some(title.as_str()), description.as_deref(), Some(href.as_str())]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty() && *s != "##")
        .collect::<Vec<_>>()
        .join("\n");
    extra.put("title", title).put("url", href).put_opt("description", description);
}

/// WeChat emoji images in text become their code (`[握手]`).
fn emoji_codes(s: &str) -> String {
    if !s.contains("wxemoji") {
        return s.to_string();
    }
    WXEMOJI
        .replace_all(s, |c: &regex::Captures| {
            let tag = &c[0];
            attr(tag, "rawemoji").or_else(|| attr(tag, "title")).or_else(|| attr(tag, "alt")).unwrap_or_else(|| "[emoji]".into())
        })
        .into_owned()
}

/// The decoded value of `name="…"` (or `<tag name="…"` when `name` has a
/// `<tag ` prefix) in `html`.
fn attr(html: &str, name: &str) -> Option<String> {
    let key = match name.split_once(' ') {
        Some((tag, a)) => format!("{tag} {a}=\""),
        None => format!(" {name}=\""),
    };
    let start = html.find(&key)? + key.len();
    let end = html[start..].find('"')?;
    Some(html_unescape(&html[start..start + end]))
}

/// Text between the first `open` and the first `close` after it.
fn between(s: &str, open: &str, close: &str) -> Option<String> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)?;
    Some(s[start..start + end].to_string())
}

/// Text between the first `open` and the last `close`: message text may
/// itself contain `</pre>`, the template's own comes last.
fn between_last(s: &str, open: &str, close: &str) -> Option<String> {
    let start = s.find(open)? + open.len();
    let end = s.rfind(close).filter(|&e| e >= start)?;
    Some(s[start..end].to_string())
}
