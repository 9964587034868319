//! HTML bodies to plain text, for mails that have no text/plain part.
//!
//! The result is what a reader of the mail sees, as inert text: tags are
//! dropped, character references decoded, runs of white space collapsed as a
//! browser would, and block elements (`<p>`, `<div>`, `<br>`, `<li>`, …)
//! become line breaks. The contents of `<script>`, `<style>`, `<head>`,
//! `<title>` and `<template>` are never shown by a mail client and are
//! dropped, so no markup or code survives into the evidence text. Link
//! targets are not part of the visible text; they are returned separately so
//! the importer can keep them in `extra`.

/// Most link targets kept per mail (a newsletter can have hundreds).
const MAX_LINKS: usize = 100;

/// Plain text of an HTML document, plus the `href` of its links.
pub struct HtmlText {
    pub text: String,
    pub links: Vec<String>,
}

/// Elements whose content is not displayed.
const HIDDEN: &[&str] = &["script", "style", "head", "title", "template"];

/// Elements that start on a new line.
const BLOCKS: &[&str] = &[
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
];

pub fn to_text(html: &str) -> HtmlText {
    let mut out = Out { text: String::with_capacity(html.len() / 2), pending_space: false, pre: 0 };
    let mut links = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.push_text(rest);
            break;
        };
        out.push_text(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            // DOCTYPE, CDATA, processing instructions: not displayed.
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        let Some(tag) = Tag::parse(rest) else {
            // A `<` that opens no tag ("a < b") is text.
            out.push_text("<");
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        let name = tag.name.as_str();
        if !tag.closing && HIDDEN.contains(&name) {
            rest = skip_element(rest, name);
            continue;
        }
        match name {
            "br" => out.newline(),
            "pre" => {
                out.block();
                out.pre = if tag.closing { out.pre.saturating_sub(1) } else { out.pre + 1 };
            }
            "a" if !tag.closing => {
                if let Some(href) = tag.href.filter(|h| !h.is_empty()) {
                    if links.len() < MAX_LINKS && !links.contains(&href) {
                        links.push(href);
                    }
                }
            }
            _ if BLOCKS.contains(&name) => out.block(),
            _ => {}
        }
    }
    let text = out.text.trim_end_matches([' ', '\n']).to_string();
    HtmlText { text, links }
}

/// Skip past the end tag of a raw-text element (`</script>`), matched
/// case-insensitively without copying the rest of the document.
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let b = rest.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"</") {
        let at = from + i;
        if b.get(at + 2..at + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes())) {
            // `at` is the byte of an ASCII `<`, so a char boundary.
            let tail = &rest[at..];
            return tail.find('>').map_or("", |e| &tail[e + 1..]);
        }
        from = at + 2;
    }
    ""
}

/// The text being built, with HTML's white-space rules.
struct Out {
    text: String,
    pending_space: bool,
    /// Depth inside `<pre>`, where white space is kept.
    pre: u32,
}

impl Out {
    fn push_text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let decoded = decode_entities(raw);
        if self.pre > 0 {
            self.text.push_str(&decoded);
            self.pending_space = false;
            return;
        }
        for ch in decoded.chars() {
            // HTML white space only; U+00A0 (&nbsp;) is a visible space and is kept.
            if matches!(ch, ' ' | '\t' | '\n' | '\r' | '\x0C') {
                self.pending_space = true;
            } else {
                if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                }
                self.pending_space = false;
                self.text.push(ch);
            }
        }
    }

    fn newline(&mut self) {
        self.text.push('\n');
        self.pending_space = false;
    }

    /// Start a new line unless the text is empty or already at one.
    fn block(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.pending_space = false;
    }
}

/// A start or end tag: its lower-case name, length in bytes, and `href`.
struct Tag {
    name: String,
    closing: bool,
    len: usize,
    href: Option<String>,
}

impl Tag {
    /// Parse the tag at the start of `s` (which starts with `<`). Attribute
    /// values may be quoted and contain `>`.
    fn parse(s: &str) -> Option<Tag> {
        let b = s.as_bytes();
        let mut i = 1;
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
            i += 1;
        }
        if i == start || !b.get(start).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let name = s[start..i].to_ascii_lowercase();
        let attrs_start = i;
        let mut quote = None;
        while let Some(&c) = b.get(i) {
            match (quote, c) {
                (None, b'>') => break,
                (None, b'"' | b'\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            i += 1;
        }
        // An unterminated tag runs to the end of the document.
        let end = i.min(b.len());
        let href = if name == "a" { attr(&s[attrs_start..end], "href") } else { None };
        Some(Tag { name, closing, len: (end + 1).min(b.len()), href })
    }
}

/// The decoded value of one attribute in a tag's attribute text.
fn attr(attrs: &str, want: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>').unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let mut value = None;
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let close = inner.find(q).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let e = after.find(|c: char| c.is_ascii_whitespace()).unwrap_or(after.len());
                    (&after[..e], &after[e..])
                }
            };
            value = Some(v);
            rest = tail;
        }
        if name.eq_ignore_ascii_case(want) {
            return value.map(|v| decode_entities(v).trim().to_string());
        }
        if name.is_empty() && value.is_none() {
            // A stray character: step over it.
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
        }
    }
}

/// Decode character references (`&amp;`, `&#20320;`, `&#x4F60;`). An unknown
/// or malformed reference is kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(rest) {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the reference at the start of `s` and its length.
fn reference(s: &str) -> Option<(char, usize)> {
    let body = &s[1..];
    let end = body.find(';').filter(|&e| e <= 32)?;
    let name = &body[..end];
    let ch = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        // NUL and surrogates are not characters; show the replacement.
        char::from_u32(code).filter(|&c| c != '\0').unwrap_or('\u{FFFD}')
    } else {
        named(name)?
    };
    Some((ch, end + 2))
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        "shy" => '\u{AD}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "sect" => '§',
        "para" => '¶',
        "cent" => '¢',
        "pound" => '£',
        "yen" => '¥',
        "euro" => '€',
        "iexcl" => '¡',
        "iquest" => '¿',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_style_are_dropped_and_entities_decoded() {
        let h = to_text(
            "<html><head><title>t</title><style>p{color:red}</style></head><body>\
             <p>报价&nbsp;&amp; <b>fee</b></p><SCRIPT type=\"x\">alert('<p>x</p>')</SCRIPT>\
             <div>&lt;script&gt; is text &#x4F60;&#22909;</div></body></html>",
        );
        assert_eq!(h.text, "报价\u{A0}& fee\n<script> is text 你好");
    }

    #[test]
    fn white_space_collapses_but_pre_keeps_it() {
        let h = to_text("a \n\t b<br>c<pre>  x\n  y</pre>d");
        assert_eq!(h.text, "a b\nc\n  x\n  y\nd");
    }

    #[test]
    fn links_are_collected_and_quoted_gt_does_not_end_a_tag() {
        let h = to_text("<a title=\"a>b\" href='http://x.test/?a=1&amp;b=2'>here</a> and <a href=http://y.test>y</a>");
        assert_eq!(h.text, "here and y");
        assert_eq!(h.links, ["http://x.test/?a=1&b=2", "http://y.test"]);
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for s in ["<", "<a", "<a href=\"x", "&", "&#;", "&#x110000;", "<!--", "<script>", "a < b", "<p", "&#0;"] {
            let _ = to_text(s);
        }
        assert_eq!(to_text("a < b &unknown; &#0;").text, "a < b &unknown; \u{FFFD}");
    }
}
