//! Slack message text ("mrkdwn") turned into the text a reader saw.
//!
//! Slack stores `<`, `>` and `&` of the typed text as `&lt;`, `&gt;`,
//! `&amp;`, so every raw `<` starts a control sequence: a mention
//! (`<@U123>`), a channel (`<#C1|general>`), a broadcast (`<!here>`), a user
//! group (`<!subteam^S1|@team>`), a date (`<!date^…|fallback>`) or a link
//! (`<https://x|label>`). Mentions become `@name` (the name from
//! `users.json` when the export has it). A link with a label becomes
//! `label <url>`: a reviewer must see both what the sender showed and where
//! the link really goes (a phishing link or an off-channel drop hides behind
//! its label). The decoding never trims or reflows whitespace; the raw
//! mrkdwn is kept in the message's `extra` when it differs.
//!
//! Messages with an empty `text` (newer clients, bots) carry their content in
//! `blocks` or legacy `attachments`; [`blocks_text`] and
//! [`attachments_text`] read those.

use std::collections::HashMap;

use serde_json::Value;

/// Names for ids that appear in messages.
#[derive(Debug, Default)]
pub struct Names {
    /// User id → the name Slack shows (display name, else real name, else user name).
    pub users: HashMap<String, String>,
    /// Conversation id → channel name.
    pub channels: HashMap<String, String>,
}

impl Names {
    fn user(&self, id: &str) -> Option<&str> {
        self.users.get(id).map(String::as_str)
    }
}

/// Decode Slack's three HTML entities in one pass (`&amp;lt;` → `&lt;`).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        let tail = &rest[k..];
        let (rep, len) = if tail.starts_with("&lt;") {
            ("<", 4)
        } else if tail.starts_with("&gt;") {
            (">", 4)
        } else if tail.starts_with("&amp;") {
            ("&", 5)
        } else {
            ("&", 1)
        };
        out.push_str(rep);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// The text of a mrkdwn string as a reader saw it.
pub fn decode(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&unescape(&rest[..start]));
        let after = &rest[start + 1..];
        match after.find(['>', '<', '\n']) {
            Some(end) if after[end..].starts_with('>') => {
                out.push_str(&control(&after[..end], names));
                rest = &after[end + 1..];
            }
            // Not a control sequence (a hand-written export): keep the `<`.
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(&unescape(rest));
    out
}

/// One `<…>` sequence, without the brackets.
fn control(inner: &str, names: &Names) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(unescape(l)).filter(|l| !l.is_empty())),
        None => (inner, None),
    };
    if let Some(id) = target.strip_prefix('@') {
        let name = names.user(id).map(str::to_string).or(label).unwrap_or_else(|| id.to_string());
        return at(&name);
    }
    if let Some(id) = target.strip_prefix('#') {
        let name = label.or_else(|| names.channels.get(id).cloned()).unwrap_or_else(|| id.to_string());
        return format!("#{name}");
    }
    if let Some(special) = target.strip_prefix('!') {
        let (word, arg) = special.split_once('^').unwrap_or((special, ""));
        return match word {
            "here" | "channel" | "everyone" => format!("@{word}"),
            "subteam" => at(&label.unwrap_or_else(|| arg.to_string())),
            "date" => label.unwrap_or_else(|| special.to_string()),
            _ => label.unwrap_or_else(|| at(word)),
        };
    }
    link(&unescape(target), label.as_deref())
}

fn at(name: &str) -> String {
    if name.starts_with('@') {
        name.to_string()
    } else {
        format!("@{name}")
    }
}

/// A link: `label <url>`, or just the URL (or the address of a `mailto:`)
/// when the label says nothing more.
pub fn link(url: &str, label: Option<&str>) -> String {
    match label {
        None => url.to_string(),
        Some(l) if l == url => url.to_string(),
        Some(l) if url.strip_prefix("mailto:") == Some(l) || url.strip_prefix("tel:") == Some(l) => l.to_string(),
        Some(l) => format!("{l} <{url}>"),
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The text of Block Kit `blocks`: rich text, sections, headers, context.
pub fn blocks_text(blocks: &[Value], names: &Names) -> String {
    let mut lines = Vec::new();
    for block in blocks {
        match str_of(block, "type") {
            Some("rich_text") => {
                for el in block.get("elements").and_then(Value::as_array).into_iter().flatten() {
                    rich_element(el, names, &mut lines);
                }
            }
            Some("section") | Some("header") => {
                if let Some(t) = block.get("text") {
                    lines.push(text_object(t, names));
                }
                for f in block.get("fields").and_then(Value::as_array).into_iter().flatten() {
                    lines.push(text_object(f, names));
                }
            }
            Some("context") => {
                let parts: Vec<String> = block
                    .get("elements")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|e| e.get("text").is_some())
                    .map(|e| text_object(e, names))
                    .collect();
                lines.push(parts.join(" "));
            }
            _ => {}
        }
    }
    lines.retain(|l| !l.is_empty());
    lines.join("\n")
}

/// A composition text object: `{type: mrkdwn|plain_text, text}`.
fn text_object(t: &Value, names: &Names) -> String {
    let text = str_of(t, "text").unwrap_or_default();
    if str_of(t, "type") == Some("mrkdwn") {
        decode(text, names)
    } else {
        text.to_string()
    }
}

fn rich_element(el: &Value, names: &Names, lines: &mut Vec<String>) {
    let inner = || el.get("elements").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    match str_of(el, "type") {
        Some("rich_text_list") => {
            let ordered = str_of(el, "style") == Some("ordered");
            for (n, item) in inner().iter().enumerate() {
                let body = inline(item.get("elements").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default(), names);
                lines.push(if ordered { format!("{}. {body}", n + 1) } else { format!("• {body}") });
            }
        }
        // sections, preformatted and quotes: their inline elements, as typed
        _ => lines.push(inline(inner(), names)),
    }
}

fn inline(elements: &[Value], names: &Names) -> String {
    let mut s = String::new();
    for e in elements {
        let id = |k: &str| str_of(e, k).unwrap_or_default().to_string();
        match str_of(e, "type") {
            Some("text") => s.push_str(str_of(e, "text").unwrap_or_default()),
            Some("link") => s.push_str(&link(str_of(e, "url").unwrap_or_default(), str_of(e, "text"))),
            Some("user") => s.push_str(&at(names.user(&id("user_id")).unwrap_or(&id("user_id")))),
            Some("channel") => {
                let cid = id("channel_id");
                s.push('#');
                s.push_str(names.channels.get(&cid).unwrap_or(&cid));
            }
            Some("usergroup") => s.push_str(&at(&id("usergroup_id"))),
            Some("broadcast") => s.push_str(&at(&id("range"))),
            Some("emoji") => s.push_str(&format!(":{}:", id("name"))),
            Some("date") => s.push_str(str_of(e, "fallback").unwrap_or_default()),
            Some("color") => s.push_str(str_of(e, "value").unwrap_or_default()),
            _ => s.push_str(str_of(e, "text").unwrap_or_default()),
        }
    }
    s
}

/// The text of legacy `attachments` (bot posts, link unfurls): pretext,
/// title, text of each — or its `fallback` when it has none of those.
pub fn attachments_text(attachments: &[Value], names: &Names) -> String {
    let mut out = Vec::new();
    for a in attachments {
        let mut parts = Vec::new();
        if let Some(p) = str_of(a, "pretext") {
            parts.push(decode(p, names));
        }
        if let Some(t) = str_of(a, "title") {
            let t = decode(t, names);
            parts.push(match str_of(a, "title_link") {
                Some(l) => link(l, Some(&t)),
                None => t,
            });
        }
        if let Some(t) = str_of(a, "text") {
            parts.push(decode(t, names));
        }
        if parts.is_empty() {
            if let Some(f) = str_of(a, "fallback") {
                parts.push(decode(f, names));
            }
        }
        out.extend(parts);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let mut n = Names::default();
        n.users.insert("U1".into(), "王强".into());
        n.channels.insert("C1".into(), "general".into());
        n
    }

    #[test]
    fn mentions_channels_and_broadcasts() {
        let n = names();
        assert_eq!(decode("<@U1>: hi <@U2|bob> <@U3>", &n), "@王强: hi @bob @U3");
        assert_eq!(decode("see <#C1> and <#C9|random>", &n), "see #general and #random");
        assert_eq!(decode("<!here> <!channel> <!everyone|everyone> <!subteam^S1|@finance>", &n), "@here @channel @everyone @finance");
        assert_eq!(decode("<!date^1392734382^{date}|Feb 18, 2014>", &n), "Feb 18, 2014");
    }

    #[test]
    fn links_keep_label_and_target() {
        let n = names();
        assert_eq!(decode("<https://evil.example/x?a=1&amp;b=2|https://bank.example>", &n), "https://bank.example <https://evil.example/x?a=1&b=2>");
        assert_eq!(decode("<http://a.example/>", &n), "http://a.example/");
        assert_eq!(decode("<mailto:li@example.com|li@example.com>", &n), "li@example.com");
        assert_eq!(decode("<https://x.example|https://x.example>", &n), "https://x.example");
    }

    #[test]
    fn entities_once_and_stray_brackets_kept() {
        let n = names();
        assert_eq!(decode("a &lt;b&gt; &amp;lt; &amp; &copy;", &n), "a <b> &lt; & &copy;");
        assert_eq!(decode("1 < 2\nand <3", &n), "1 < 2\nand <3");
        assert_eq!(decode("  spaced  \n\n", &n), "  spaced  \n\n");
    }

    #[test]
    fn rich_text_blocks() {
        let n = names();
        let blocks: Vec<Value> = serde_json::from_str(
            r#"[{"type":"rich_text","elements":[
                {"type":"rich_text_section","elements":[{"type":"text","text":"转给 "},{"type":"user","user_id":"U1"},
                   {"type":"text","text":" 看 "},{"type":"link","url":"https://x.example","text":"这里"},{"type":"emoji","name":"+1"}]},
                {"type":"rich_text_list","style":"ordered","elements":[
                   {"type":"rich_text_section","elements":[{"type":"text","text":"one"}]},
                   {"type":"rich_text_section","elements":[{"type":"channel","channel_id":"C1"}]}]}]}]"#,
        )
        .unwrap();
        assert_eq!(blocks_text(&blocks, &n), "转给 @王强 看 这里 <https://x.example>:+1:\n1. one\n2. #general");
    }

    #[test]
    fn legacy_attachments() {
        let n = names();
        let a: Vec<Value> = serde_json::from_str(
            r#"[{"fallback":"fb","pretext":"[repo] 1 new commit","text":"<https://g.example/c|ed1acbe>: fix"},{"fallback":"only &lt;fallback&gt;"}]"#,
        )
        .unwrap();
        assert_eq!(attachments_text(&a, &n), "[repo] 1 new commit\ned1acbe <https://g.example/c>: fix\nonly <fallback>");
    }
}
