//! Redaction of personal identifiers in exported text.
//!
//! Each identifier found is replaced by a visible marker such as
//! `[REDACTED:phone]` in every file of the case file (the report styles the
//! marker so nobody mistakes it for message text). Highlights and
//! annotation spans are UTF-16 ranges over the original text, so
//! [`Redacted::map_span`] moves them onto the redacted text: a span that
//! starts or ends inside a redacted identifier is widened to the marker.
//!
//! Patterns err towards the forms that appear in Chinese and international
//! chats; numbers are matched only at digit boundaries (Chinese text has no
//! word boundaries around digits), bank cards must pass the Luhn check and
//! identity numbers must carry a plausible birth date, so order numbers
//! and transfer ids are left alone.

use regex::Regex;

use super::options::RedactKind;
use crate::text::utf16::utf16_offset;

/// The marker that replaces an identifier.
pub fn marker(kind: RedactKind) -> String {
    format!("[REDACTED:{}]", kind.as_str())
}

/// One redaction: the marker's UTF-16 range in the redacted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redaction {
    pub kind: RedactKind,
    pub start: usize,
    pub end: usize,
}

/// A text after redaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Redacted {
    pub text: String,
    pub redactions: Vec<Redaction>,
    /// `(original start, original end, new start, new end)` in UTF-16 units.
    map: Vec<(usize, usize, usize, usize)>,
}

impl Redacted {
    /// Where original UTF-16 offset `o` lands in the redacted text; an offset
    /// inside an identifier goes to the marker's start (or, for `end`, its end).
    fn map_offset(&self, o: usize, end: bool) -> usize {
        let mut delta: isize = 0;
        for &(os, oe, ns, ne) in &self.map {
            if o <= os {
                break;
            }
            if o < oe {
                return if end { ne } else { ns };
            }
            delta += (ne - ns) as isize - (oe - os) as isize;
        }
        (o as isize + delta).max(0) as usize
    }

    /// An original UTF-16 span `[s, e)` moved onto the redacted text.
    pub fn map_span(&self, s: usize, e: usize) -> (usize, usize) {
        (self.map_offset(s, false), self.map_offset(e, true).max(self.map_offset(s, false)))
    }
}

/// Finds and replaces the identifiers of the chosen kinds.
pub struct Redactor {
    patterns: Vec<(RedactKind, Regex)>,
}

impl Redactor {
    pub fn new(kinds: &[RedactKind]) -> Self {
        let mut patterns = Vec::new();
        for kind in RedactKind::ALL {
            if !kinds.contains(&kind) {
                continue;
            }
            let sources: &[&str] = match kind {
                RedactKind::Email => &[r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"],
                RedactKind::NationalId => {
                    &[r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"]
                }
                RedactKind::BankCard => &[r"[0-9](?:[ \-]?[0-9]){12,18}"],
                RedactKind::Phone => &[
                    // Chinese mobile, with or without +86 and separators: 138 1234 5678
                    r"(?:(?:\+|00)86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}",
                    // international: +44 20 7946 0958, +1 (415) 555-0100
                    r"(?:\+|00)[1-9][0-9]{0,2}[ \-]?(?:\([0-9]{1,4}\)[ \-]?)?[0-9]{1,4}(?:[ \-]?[0-9]{2,4}){1,4}",
                    // Chinese landline with area code: 010-12345678, 0755-1234567
                    r"0[1-9][0-9]{1,2}-[0-9]{7,8}",
                ],
            };
            for s in sources {
                if let Ok(re) = Regex::new(s) {
                    patterns.push((kind, re));
                }
            }
        }
        Self { patterns }
    }

    pub fn is_active(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// Byte ranges of identifiers in `text`, sorted, not overlapping.
    fn find(&self, text: &str) -> Vec<(usize, usize, RedactKind)> {
        let mut found = Vec::new();
        for (kind, re) in &self.patterns {
            for m in re.find_iter(text) {
                let (s, e) = (m.start(), m.end());
                if !bounded(text, s, e, *kind) || !valid(*kind, m.as_str()) {
                    continue;
                }
                found.push((s, e, *kind));
            }
        }
        // earliest first, longest first at the same start; drop overlaps
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<(usize, usize, RedactKind)> = Vec::new();
        for f in found {
            if out.last().is_none_or(|l| f.0 >= l.1) {
                out.push(f);
            }
        }
        out
    }

    pub fn apply(&self, text: &str) -> Redacted {
        if !self.is_active() {
            return Redacted { text: text.to_string(), ..Default::default() };
        }
        let found = self.find(text);
        let mut out = String::with_capacity(text.len());
        let mut redactions = Vec::new();
        let mut map = Vec::new();
        let mut last = 0;
        for (s, e, kind) in found {
            out.push_str(&text[last..s]);
            let ns = utf16_offset(&out, out.len());
            out.push_str(&marker(kind));
            let ne = utf16_offset(&out, out.len());
            map.push((utf16_offset(text, s), utf16_offset(text, e), ns, ne));
            redactions.push(Redaction { kind, start: ns, end: ne });
            last = e;
        }
        out.push_str(&text[last..]);
        Redacted { text: out, redactions, map }
    }

    /// Redact a text when there is one.
    pub fn text(&self, text: &str) -> String {
        self.apply(text).text
    }

    pub fn opt(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.text(t))
    }
}

/// Numbers must not be part of a longer number (or an e-mail of a longer word).
fn bounded(text: &str, s: usize, e: usize, kind: RedactKind) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    match kind {
        RedactKind::Email => true,
        _ => !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_alphanumeric()),
    }
}

fn valid(kind: RedactKind, s: &str) -> bool {
    match kind {
        RedactKind::BankCard => {
            let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
            (13..=19).contains(&digits.len()) && luhn(&digits)
        }
        _ => true,
    }
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Redactor {
        Redactor::new(&RedactKind::ALL)
    }

    #[test]
    fn each_kind_in_chinese_and_english_text() {
        let r = all();
        assert_eq!(r.text("电话13812345678找我"), "电话[REDACTED:phone]找我");
        assert_eq!(r.text("call +44 20 7946 0958 today"), "call [REDACTED:phone] today");
        assert_eq!(r.text("身份证110105199003071234号"), "身份证[REDACTED:national_id]号");
        assert_eq!(r.text("卡号 6222 0212 3456 7894 收款"), "卡号 [REDACTED:bank_card] 收款");
        assert_eq!(r.text("mail wang.qiang@example.cn!"), "mail [REDACTED:email]!");
        // not Luhn-valid, not a phone: an order number stays
        assert_eq!(r.text("订单号 6222021234567890"), "订单号 6222021234567890");
        // part of a longer number: not a phone
        assert_eq!(r.text("转账编号 1000013812345678901"), "转账编号 1000013812345678901");
    }

    #[test]
    fn switches_are_per_kind() {
        let r = Redactor::new(&[RedactKind::Email]);
        assert_eq!(r.text("13812345678 a@b.co"), "13812345678 [REDACTED:email]");
        assert!(!Redactor::new(&[]).is_active());
    }

    #[test]
    fn spans_move_with_the_text() {
        let r = all();
        // "号码13812345678，辛苦费" — 辛苦费 at UTF-16 14..17
        let red = r.apply("号码13812345678，辛苦费");
        let (s, e) = red.map_span(14, 17);
        let units: Vec<u16> = red.text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[s..e]).unwrap(), "辛苦费");
        // a span over the number covers the marker
        let (s, e) = red.map_span(4, 8);
        assert_eq!(String::from_utf16(&units[s..e]).unwrap(), "[REDACTED:phone]");
        assert_eq!(red.redactions, [Redaction { kind: RedactKind::Phone, start: 2, end: 18 }]);
    }
}
