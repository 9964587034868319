//! The JavaScript object literals MemoTrace writes into its HTML page:
//! `const chatMessages = [ { type:1, text:'…', … },{ … } ];`.
//!
//! No JS engine: a page is hostile input, and we only need data. A
//! [`LiteralScanner`] streams the array one literal at a time (memory is
//! bounded by one literal, not the page), and [`parse_object`] reads one
//! literal: unquoted or quoted keys, single-, double- or back-quoted strings
//! with JS escapes, numbers, `true`/`false`/`null`/`undefined`; nested
//! objects and arrays are kept as raw text. Trailing commas are allowed, as
//! MemoTrace writes them (`feedesc:'￥2000.00',}`).

use std::io::{self, BufRead};

use super::MAX_RECORD_BYTES;

/// A value of a literal's key.
#[derive(Debug, Clone, PartialEq)]
pub enum JsValue {
    Str(String),
    /// A number as written (`1772450411`, `-1.5`).
    Num(String),
    Bool(bool),
    Null,
    /// A nested object or array, as raw source text.
    Raw(String),
}

impl JsValue {
    /// The value as text: strings as they are, numbers and booleans as written.
    pub fn text(&self) -> Option<&str> {
        match self {
            JsValue::Str(s) | JsValue::Num(s) => Some(s),
            JsValue::Bool(true) => Some("true"),
            JsValue::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// The value as an integer (a number, or a string holding one).
    pub fn int(&self) -> Option<i64> {
        let t = self.text()?.trim();
        t.parse::<i64>().ok().or_else(|| t.parse::<f64>().ok().filter(|f| f.fract() == 0.0).map(|f| f as i64))
    }
}

/// What the scanner found next in the array.
#[derive(Debug)]
pub enum Item {
    /// One `{…}` literal (its bytes), with its 0-based position in the array.
    Literal { index: u64, bytes: Vec<u8> },
    /// A literal larger than the record limit, skipped without buffering.
    TooLarge { index: u64 },
    /// Something that is not a literal between literals (skipped up to the next `{`).
    Stray { index: u64, text: String },
    /// The file ended before the array's `]`.
    Truncated { index: u64 },
}

/// Scan state inside a literal.
#[derive(Default)]
struct LitState {
    depth: u32,
    quote: Option<u8>,
    escaped: bool,
}

impl LitState {
    /// Feed one byte; true when it closed the literal.
    fn feed(&mut self, b: u8) -> bool {
        if let Some(q) = self.quote {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == q {
                self.quote = None;
            }
            return false;
        }
        match b {
            b'\'' | b'"' | b'`' => self.quote = Some(b),
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                return self.depth == 0;
            }
            _ => {}
        }
        false
    }
}

/// Streams the literals of the array that follows `marker` in a reader.
pub struct LiteralScanner<R> {
    r: R,
    index: u64,
    done: bool,
}

impl<R: BufRead> LiteralScanner<R> {
    /// Skip to just after `marker`; `Ok(None)` when the reader never contains it.
    pub fn after_marker(mut r: R, marker: &[u8]) -> io::Result<Option<Self>> {
        if skip_past(&mut r, marker)? {
            Ok(Some(Self { r, index: 0, done: false }))
        } else {
            Ok(None)
        }
    }

    /// The next item, or `None` after the array's closing `]`.
    pub fn next_item(&mut self) -> io::Result<Option<Item>> {
        if self.done {
            return Ok(None);
        }
        loop {
            let buf = self.r.fill_buf()?;
            let Some(&b) = buf.first() else {
                self.done = true;
                return Ok(Some(Item::Truncated { index: self.index }));
            };
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => self.r.consume(1),
                b']' => {
                    self.r.consume(1);
                    self.done = true;
                    return Ok(None);
                }
                b'{' => return self.literal().map(Some),
                _ => return self.stray().map(Some),
            }
        }
    }

    fn literal(&mut self) -> io::Result<Item> {
        let index = self.index;
        self.index += 1;
        let mut state = LitState::default();
        let mut bytes = Vec::new();
        let mut too_large = false;
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                self.done = true;
                return Ok(Item::Truncated { index });
            }
            let end = buf.iter().position(|&b| state.feed(b));
            let take = end.map(|e| e + 1).unwrap_or(buf.len());
            if !too_large {
                if bytes.len() + take > MAX_RECORD_BYTES {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&buf[..take]);
                }
            }
            self.r.consume(take);
            if end.is_some() {
                return Ok(if too_large { Item::TooLarge { index } } else { Item::Literal { index, bytes } });
            }
        }
    }

    /// Skip to the next `{` or `]`, keeping a short sample of what was skipped.
    fn stray(&mut self) -> io::Result<Item> {
        let index = self.index;
        let mut sample = Vec::new();
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                self.done = true;
                break;
            }
            let stop = buf.iter().position(|&b| b == b'{' || b == b']');
            let take = stop.unwrap_or(buf.len());
            let room = 80usize.saturating_sub(sample.len());
            sample.extend_from_slice(&buf[..take.min(room)]);
            self.r.consume(take);
            if stop.is_some() {
                break;
            }
        }
        let text = String::from_utf8_lossy(&sample).trim_matches(|c: char| c == ',' || c.is_whitespace()).to_string();
        Ok(Item::Stray { index, text })
    }
}

/// Consume `r` up to and including the first occurrence of `marker`.
fn skip_past(r: &mut impl BufRead, marker: &[u8]) -> io::Result<bool> {
    // Knuth–Morris–Pratt, so a marker split across buffer refills is found.
    let mut fail = vec![0usize; marker.len()];
    let mut k = 0;
    for i in 1..marker.len() {
        while k > 0 && marker[i] != marker[k] {
            k = fail[k - 1];
        }
        if marker[i] == marker[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut matched = 0;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let mut used = buf.len();
        for (i, &b) in buf.iter().enumerate() {
            while matched > 0 && b != marker[matched] {
                matched = fail[matched - 1];
            }
            if b == marker[matched] {
                matched += 1;
            }
            if matched == marker.len() {
                used = i + 1;
                break;
            }
        }
        r.consume(used);
        if matched == marker.len() {
            return Ok(true);
        }
    }
}

/// Parse one object literal into its keys and values, in order.
pub fn parse_object(src: &str) -> Result<Vec<(String, JsValue)>, String> {
    let mut p = Parser { s: src.as_bytes(), src, i: 0 };
    p.ws();
    p.expect(b'{')?;
    let mut out = Vec::new();
    loop {
        p.ws();
        if p.eat(b'}') {
            break;
        }
        let key = p.key()?;
        p.ws();
        p.expect(b':')?;
        p.ws();
        let value = p.value()?;
        out.push((key, value));
        p.ws();
        if p.eat(b',') {
            continue;
        }
        p.ws();
        p.expect(b'}')?;
        break;
    }
    p.ws();
    if p.i < p.s.len() {
        return Err(format!("unexpected text after the literal at byte {}", p.i));
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(match self.peek() {
                Some(c) => format!("expected {:?} at byte {}, found {:?}", b as char, self.i, c as char),
                None => format!("expected {:?} at byte {}, found the end", b as char, self.i),
            })
        }
    }

    /// Skip whitespace and comments.
    fn ws(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    while !matches!(self.peek(), None | Some(b'\n')) {
                        self.i += 1;
                    }
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'*') => {
                    match self.src[self.i + 2..].find("*/") {
                        Some(e) => self.i += e + 4,
                        None => self.i = self.s.len(),
                    }
                }
                _ => return,
            }
        }
    }

    fn key(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => self.string(q),
            Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' => {
                let start = self.i;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'$') {
                    self.i += 1;
                }
                Ok(self.src[start..self.i].to_string())
            }
            Some(c) => Err(format!("expected a key at byte {}, found {:?}", self.i, c as char)),
            None => Err("the literal ends inside a key".into()),
        }
    }

    fn value(&mut self) -> Result<JsValue, String> {
        match self.peek() {
            Some(q @ (b'\'' | b'"' | b'`')) => self.string(q).map(JsValue::Str),
            Some(b'{' | b'[') => self.nested().map(JsValue::Raw),
            Some(c) if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => {
                let start = self.i;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+')) {
                    self.i += 1;
                }
                let n = &self.src[start..self.i];
                if n.parse::<f64>().is_err() {
                    return Err(format!("{n:?} at byte {start} is not a number"));
                }
                Ok(JsValue::Num(n.to_string()))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.i;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric()) {
                    self.i += 1;
                }
                match &self.src[start..self.i] {
                    "true" => Ok(JsValue::Bool(true)),
                    "false" => Ok(JsValue::Bool(false)),
                    "null" | "undefined" => Ok(JsValue::Null),
                    other => Err(format!("{other:?} at byte {start} is not a value")),
                }
            }
            Some(c) => Err(format!("expected a value at byte {}, found {:?}", self.i, c as char)),
            None => Err("the literal ends before a value".into()),
        }
    }

    /// A nested object or array, kept as raw text.
    fn nested(&mut self) -> Result<String, String> {
        let start = self.i;
        let mut state = LitState::default();
        while let Some(b) = self.peek() {
            self.i += 1;
            if state.feed(b) {
                return Ok(self.src[start..self.i].to_string());
            }
        }
        Err(format!("unclosed nested value starting at byte {start}"))
    }

    /// A quoted string, with JS escapes decoded.
    fn string(&mut self, quote: u8) -> Result<String, String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = &self.src[self.i..];
            let Some(stop) = rest.find([quote as char, '\\']) else {
                return Err(format!("unterminated string starting at byte {start}"));
            };
            out.push_str(&rest[..stop]);
            self.i += stop;
            if self.eat(quote) {
                return Ok(out);
            }
            self.i += 1; // the backslash
            self.escape(&mut out)?;
        }
    }

    /// Decode the escape after a backslash into `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let Some(c) = self.src[self.i..].chars().next() else {
            return Err("the literal ends inside an escape".into());
        };
        self.i += c.len_utf8();
        match c {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' if !matches!(self.peek(), Some(b'0'..=b'9')) => out.push('\0'),
            // A line continuation: backslash-newline is nothing.
            '\n' | '\u{2028}' | '\u{2029}' => {}
            '\r' => {
                self.eat(b'\n');
            }
            'x' => {
                let code = self.hex(2)?;
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            'u' => {
                let code = if self.eat(b'{') {
                    let end = self.src[self.i..].find('}').ok_or("unterminated \\u{…} escape")?;
                    let hex = &self.src[self.i..self.i + end];
                    self.i += end + 1;
                    u32::from_str_radix(hex, 16).map_err(|_| format!("bad \\u{{{hex}}} escape"))?
                } else {
                    self.hex(4)?
                };
                out.push(self.surrogate(code)?);
            }
            other => out.push(other),
        }
        Ok(())
    }

    fn hex(&mut self, n: usize) -> Result<u32, String> {
        let digits = self.src.get(self.i..self.i + n).ok_or("the literal ends inside an escape")?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| format!("bad hex escape {digits:?}"))?;
        self.i += n;
        Ok(code)
    }

    /// Combine a UTF-16 surrogate pair (`\ud83d\ude00`); a lone half becomes U+FFFD.
    fn surrogate(&mut self, high: u32) -> Result<char, String> {
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or('\u{fffd}'));
        }
        if self.src[self.i..].starts_with("\\u") {
            let save = self.i;
            self.i += 2;
            let low = self.hex(4)?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            self.i = save;
        }
        Ok('\u{fffd}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(o: &'a [(String, JsValue)], k: &str) -> Option<&'a JsValue> {
        o.iter().find(|(key, _)| key == k).map(|(_, v)| v)
    }

    #[test]
    fn memotrace_literal() {
        let o = parse_object(
            r#"{ type:49,sub_type:2000,text:'感谢关照',is_send:0,timestamp:1772713862,pay_memo:'it\'s \"ok\"\n\u4e2d\ud83d\ude00',feedesc:'￥2000.00',}"#,
        )
        .unwrap();
        assert_eq!(get(&o, "type").and_then(JsValue::int), Some(49));
        assert_eq!(get(&o, "text").and_then(JsValue::text), Some("感谢关照"));
        assert_eq!(get(&o, "pay_memo").and_then(JsValue::text), Some("it's \"ok\"\n中😀"));
        assert_eq!(get(&o, "feedesc").and_then(JsValue::text), Some("￥2000.00"));
    }

    #[test]
    fn other_values() {
        let o = parse_object(r#"{"a": [1, {b: '}'}], c: null, d: true, e: -1.5, /* note */ f: `x`}"#).unwrap();
        assert_eq!(get(&o, "a"), Some(&JsValue::Raw("[1, {b: '}'}]".into())));
        assert_eq!(get(&o, "c"), Some(&JsValue::Null));
        assert_eq!(get(&o, "d"), Some(&JsValue::Bool(true)));
        assert_eq!(get(&o, "e"), Some(&JsValue::Num("-1.5".into())));
        assert_eq!(get(&o, "f").and_then(JsValue::text), Some("x"));
    }

    #[test]
    fn broken_literals_are_errors() {
        assert!(parse_object("{ type:1, text:'unterminated }").is_err());
        assert!(parse_object("{ type:1 text:'x' }").is_err());
        assert!(parse_object("{ type:alert(1) }").is_err());
        assert!(parse_object("{ a:1 } extra").is_err());
    }

    #[test]
    fn scanner_streams_literals() {
        let page = "<script>\r\nconst chatMessages = [\r\n{ a:'}{' },{ b:2 },\r\n oops { c:3 },\r\n];\r\n";
        let reader = std::io::BufReader::with_capacity(4, page.as_bytes());
        let mut s = LiteralScanner::after_marker(reader, b"const chatMessages = [").unwrap().unwrap();
        let mut seen = Vec::new();
        while let Some(item) = s.next_item().unwrap() {
            seen.push(match item {
                Item::Literal { index, bytes } => format!("{index}:{}", String::from_utf8(bytes).unwrap()),
                Item::Stray { index, text } => format!("{index}:stray {text}"),
                other => format!("{other:?}"),
            });
        }
        assert_eq!(seen, ["0:{ a:'}{' }", "1:{ b:2 }", "2:stray oops", "2:{ c:3 }"]);
        let none = LiteralScanner::after_marker(&b"no array here"[..], b"const chatMessages = [").unwrap();
        assert!(none.is_none());
        let mut cut = LiteralScanner::after_marker(&b"const chatMessages = [{a:1},{b:"[..], b"const chatMessages = [").unwrap().unwrap();
        assert!(matches!(cut.next_item().unwrap(), Some(Item::Literal { .. })));
        assert!(matches!(cut.next_item().unwrap(), Some(Item::Truncated { index: 1 })));
        assert!(cut.next_item().unwrap().is_none());
    }
}
