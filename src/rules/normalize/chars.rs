//! What each character is to the normaliser: invisible, a look-alike, a
//! decorated or Chinese digit, leet, a separator, traditional.
//!
//! The scanner asks these questions for every char of every message, so the
//! common answers come from tables built once: a 128-entry class table for
//! ASCII, and for the Basic Multilingual Plane two bitsets (8 KiB each) —
//! chars that are traditional in fast2s's mapping, and chars that folding
//! leaves exactly as they are ("plain": most CJK ideographs, kana, Hangul,
//! most punctuation). A plain char skips every per-char step; only the rest
//! go through the `match`es and Unicode look-ups below. Building the tables
//! takes a few milliseconds on first use (fast2s and NFKC over 63,000 chars).

use std::sync::OnceLock;

/// Zero-width and format characters that render as nothing.
#[inline]
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
}

/// Latin look-alikes from Cyrillic, Greek and other scripts (the common ones
/// used to dodge filters; Unicode's confusables.txt is far larger, but most
/// of it is never typed on a phone keyboard).
pub(super) fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a', 'в' => 'b', 'е' | 'ё' => 'e', 'к' => 'k', 'м' => 'm', 'н' => 'h', 'о' => 'o', 'р' => 'p',
        'с' => 'c', 'т' => 't', 'у' => 'y', 'х' => 'x', 'ѕ' => 's', 'і' => 'i', 'ј' => 'j', 'ԁ' => 'd', 'ԛ' => 'q',
        'ԝ' => 'w', 'һ' => 'h', 'ӏ' => 'l', 'ɡ' => 'g', 'ı' => 'i',
        'α' => 'a', 'β' => 'b', 'ε' => 'e', 'η' => 'n', 'ι' => 'i', 'κ' => 'k', 'ν' => 'v', 'ο' => 'o', 'ρ' => 'p',
        'τ' => 't', 'υ' => 'u', 'χ' => 'x', 'ω' => 'w', 'ϲ' => 'c',
        _ => return None,
    })
}

/// Decorated digits that NFKC leaves alone (dingbat and negative circled).
pub(super) fn decorated_digit(c: char) -> Option<char> {
    let d = match c as u32 {
        0x2776..=0x277E => c as u32 - 0x2776 + 1, // ❶..❾
        0x2780..=0x2788 => c as u32 - 0x2780 + 1, // ➀..➈
        0x278A..=0x2792 => c as u32 - 0x278A + 1, // ➊..➒
        0x24F5..=0x24FD => c as u32 - 0x24F5 + 1, // ⓵..⓽
        0x24FF | 0x24EA => 0,                     // ⓿ ⓪
        _ => return None,
    };
    char::from_digit(d, 10)
}

pub(super) fn chinese_numeral(c: char) -> Option<char> {
    Some(match c {
        '〇' | '零' => '0',
        '一' | '壹' => '1',
        '二' | '贰' | '貳' | '两' => '2',
        '三' | '叁' | '參' => '3',
        '四' | '肆' => '4',
        '五' | '伍' => '5',
        '六' | '陆' | '陸' => '6',
        '七' | '柒' => '7',
        '八' | '捌' => '8',
        '九' | '玖' => '9',
        _ => return None,
    })
}

#[inline]
pub(super) fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

#[inline]
pub fn is_cjk(c: char) -> bool {
    crate::store::fts_tokens::is_cjk(c)
}

/// Characters people put between the characters of a term to break it up.
/// Asked for every char by the separator pass: ASCII answers from a table,
/// and CJK ideographs (none of which is a separator) before the Unicode
/// whitespace look-up; `reference::tests::separator_table_is_exact` checks
/// every char.
#[inline(always)]
pub(super) fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_SEPARATOR[c as usize];
    }
    if ('\u{3400}'..='\u{9FFF}').contains(&c) {
        return false;
    }
    is_separator_unicode(c)
}

#[inline(never)]
pub(super) fn is_separator_unicode(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '-' | '_' | '.' | ',' | '*' | '~' | '/' | '\\' | '|' | '+' | '=' | '#' | '^' | '`' | '\'' | '"' | ':' | ';'
            | '·' | '•' | '・' | '。' | '，' | '、' | '…' | '—' | '－' | '～' | '．' | '：' | '；' | '‧' | '∙')
}

static ASCII_SEPARATOR: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = matches!(i as u8,
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b'-' | b'_' | b'.' | b',' | b'*' | b'~' | b'/' | b'\\' | b'|'
            | b'+' | b'=' | b'#' | b'^' | b'`' | b'\'' | b'"' | b':' | b';');
        i += 1;
    }
    t
};

/// One bit per char of the Basic Multilingual Plane.
pub(super) struct BmpSet(Box<[u64; 1024]>);

impl BmpSet {
    pub(super) fn build(mut member: impl FnMut(char) -> bool) -> Self {
        let mut bits = Box::new([0u64; 1024]);
        for c in (0u32..0x10000).filter_map(char::from_u32) {
            if member(c) {
                bits[c as usize >> 6] |= 1 << (c as u32 & 63);
            }
        }
        BmpSet(bits)
    }

    #[inline]
    pub(super) fn contains(&self, c: char) -> bool {
        let i = c as usize;
        i < 0x10000 && self.0[i >> 6] & (1 << (i & 63)) != 0
    }
}

/// Chars fast2s may rewrite. It converts only 3-byte UTF-8 chars, each by a
/// table, except a few whose conversion depends on the neighbouring chars
/// (`CONTEXTUAL`: 計畫 → 计划 but 畫畫 → 画画). The table is read from fast2s
/// itself: every 3-byte char converted between two ASCII neighbours (no word
/// context), plus the contextual ones.
pub(super) fn is_traditional(c: char) -> bool {
    static SET: OnceLock<BmpSet> = OnceLock::new();
    SET.get_or_init(|| {
        let chars: Vec<char> = (0x800u32..0x10000).filter_map(char::from_u32).collect();
        let mut probe = String::with_capacity(chars.len() * 4);
        for &c in &chars {
            probe.push('0');
            probe.push(c);
        }
        let converted = fast2s::convert(&probe);
        let mut changed: Vec<char> =
            chars.iter().zip(converted.chars().skip(1).step_by(2)).filter(|(a, b)| **a != *b).map(|(a, _)| *a).collect();
        changed.extend(CONTEXTUAL);
        changed.sort_unstable();
        BmpSet::build(|c| changed.binary_search(&c).is_ok())
    })
    .contains(c)
}

/// fast2s 0.3 (`special.rs`): chars converted only in, or except in, certain
/// two-char words.
const CONTEXTUAL: [char; 15] = ['兒', '覆', '夥', '藉', '瞭', '麽', '幺', '於', '乾', '著', '苧', '闔', '鍾', '讎', '畫'];

/// The simplified form of the traditional char `c` between `prev` and `next`
/// (the chars around it in the original text, `'0'` at either end: what
/// fast2s sees when it converts a whole text).
pub(super) fn simplify(prev: char, c: char, next: char) -> char {
    let mut buf = [0u8; 12];
    let mut len = 0;
    for x in [prev, c, next] {
        len += x.encode_utf8(&mut buf[len..]).len();
    }
    let window = std::str::from_utf8(&buf[..len]).unwrap_or_default();
    fast2s::convert(window).chars().nth(1).unwrap_or(c)
}
