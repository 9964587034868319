//! Normalisation that defeats common evasion, with a map back to the
//! characters the sender typed.
//!
//! People who know their messages are screened write 機密 for 机密, ＶＩＰ for
//! VIP, 机 密 or 机.密 for 机密, b r i b e, br1be, brіbe with a Cyrillic і,
//! or slip a zero-width space into a word. Message text and rule terms both
//! go through the same [`normalize`], so a term matches whatever folds to
//! the same form, and every normalised char remembers the byte range of the
//! original char(s) it came from: highlights land on exactly what was sent.
//!
//! Each normalised char also carries [`Steps`] flags: which transformations
//! produced it (or removed something right before it). A match reports the
//! steps its chars needed, minus the steps the term itself needed, which is
//! how a reviewer reads "matched 机密 after removing spaces and a zero-width
//! character".
//!
//! Cost: the ASCII fast path and a plain-text check keep ordinary text cheap;
//! the scanner normalises once per message and builds the offset map only
//! for messages that produced a candidate match (see `Normalizer::map`).

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Which normalisations a rule pack asks for. All on by default except
/// pinyin, which widens matching a lot and is a term-side expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeOptions {
    /// Unicode NFKC: full-width letters and digits, circled and
    /// parenthesised forms, superscripts, ligatures.
    pub nfkc: bool,
    pub casefold: bool,
    pub traditional_to_simplified: bool,
    /// Remove zero-width and other format characters.
    pub strip_invisible: bool,
    /// Join characters that were spaced out or separated by punctuation
    /// (机 密, 机-密, b r i b e).
    pub join_separated: bool,
    /// Map Latin look-alikes (Cyrillic а, Greek ο, …) to Latin.
    pub confusables: bool,
    /// Read digits and symbols inside words as letters (br1be, $ex).
    pub leetspeak: bool,
    /// Fold Chinese numerals and decorated digits to ASCII digits.
    pub fold_numbers: bool,
    /// Runs of one repeated letter or character count once (麻麻麻痹, briiibe).
    pub collapse_repeats: bool,
    /// Also match Chinese terms written in pinyin or pinyin initials.
    pub pinyin: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        Self {
            nfkc: true,
            casefold: true,
            traditional_to_simplified: true,
            strip_invisible: true,
            join_separated: true,
            confusables: true,
            leetspeak: true,
            fold_numbers: true,
            collapse_repeats: true,
            pinyin: false,
        }
    }
}

/// Set of normalisation steps, as bit flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Steps(pub u16);

impl Steps {
    pub const NONE: Steps = Steps(0);
    pub const WIDTH: Steps = Steps(1 << 0);
    pub const CASE: Steps = Steps(1 << 1);
    pub const TRADITIONAL: Steps = Steps(1 << 2);
    pub const INVISIBLE: Steps = Steps(1 << 3);
    pub const SEPARATORS: Steps = Steps(1 << 4);
    pub const HOMOGLYPH: Steps = Steps(1 << 5);
    pub const LEET: Steps = Steps(1 << 6);
    pub const NUMERALS: Steps = Steps(1 << 7);
    pub const REPEATS: Steps = Steps(1 << 8);
    pub const PINYIN: Steps = Steps(1 << 9);

    const NAMES: [(Steps, &'static str); 10] = [
        (Self::WIDTH, "width/compatibility forms (NFKC)"),
        (Self::CASE, "case"),
        (Self::TRADITIONAL, "traditional → simplified Chinese"),
        (Self::INVISIBLE, "removed invisible characters"),
        (Self::SEPARATORS, "removed separators between characters"),
        (Self::HOMOGLYPH, "look-alike letters"),
        (Self::LEET, "leetspeak"),
        (Self::NUMERALS, "numerals/decorated digits"),
        (Self::REPEATS, "collapsed repeated characters"),
        (Self::PINYIN, "pinyin"),
    ];

    pub fn contains(self, other: Steps) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn minus(self, other: Steps) -> Steps {
        Steps(self.0 & !other.0)
    }

    /// Stable machine names (`["separators","invisible"]`) for storage and JSON.
    pub fn codes(self) -> Vec<&'static str> {
        const CODES: [&str; 10] =
            ["width", "case", "traditional", "invisible", "separators", "homoglyph", "leet", "numerals", "repeats", "pinyin"];
        (0..10).filter(|i| self.0 & (1 << i) != 0).map(|i| CODES[i]).collect()
    }

    /// Human-readable list for reviewers.
    pub fn describe(self) -> Vec<&'static str> {
        Self::NAMES.iter().filter(|(s, _)| self.contains(*s)).map(|(_, n)| *n).collect()
    }

    pub fn from_codes(codes: &[&str]) -> Steps {
        let mut s = Steps::NONE;
        for c in codes {
            if let Some(i) =
                ["width", "case", "traditional", "invisible", "separators", "homoglyph", "leet", "numerals", "repeats", "pinyin"]
                    .iter()
                    .position(|k| k == c)
            {
                s.0 |= 1 << i;
            }
        }
        s
    }
}

/// Serialised as the list of step codes, e.g. `["separators","invisible"]`.
impl Serialize for Steps {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.codes().serialize(s)
    }
}

impl std::ops::BitOr for Steps {
    type Output = Steps;
    fn bitor(self, o: Steps) -> Steps {
        Steps(self.0 | o.0)
    }
}
impl std::ops::BitOrAssign for Steps {
    fn bitor_assign(&mut self, o: Steps) {
        self.0 |= o.0;
    }
}

/// A normalised text with, per normalised char, where it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    /// Byte offset in `text` of each char, plus `text.len()` at the end.
    char_starts: Vec<u32>,
    /// Original byte range of each normalised char.
    origin: Vec<(u32, u32)>,
    /// Steps that produced each normalised char.
    steps: Vec<Steps>,
}

impl Normalized {
    /// Index of the char starting at (or containing) byte `b` of `text`.
    fn char_index(&self, b: usize) -> usize {
        match self.char_starts.binary_search(&(b as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The original byte range covered by normalised bytes `[start, end)`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() || start >= end {
            return (0, 0);
        }
        let first = self.char_index(start).min(self.origin.len() - 1);
        let last = self.char_index(end.saturating_sub(1)).min(self.origin.len() - 1);
        (self.origin[first].0 as usize, self.origin[last].1 as usize)
    }

    /// Steps needed by the normalised bytes `[start, end)`.
    pub fn steps_in(&self, start: usize, end: usize) -> Steps {
        if self.steps.is_empty() || start >= end {
            return Steps::NONE;
        }
        let first = self.char_index(start);
        let last = self.char_index(end.saturating_sub(1)).min(self.steps.len() - 1);
        let mut s = Steps::NONE;
        for st in &self.steps[first..=last] {
            s |= *st;
        }
        s
    }

    /// Steps of the char starting at byte `b` (NONE past the end).
    pub fn steps_at(&self, b: usize) -> Steps {
        if b >= self.text.len() {
            return Steps::NONE;
        }
        self.steps.get(self.char_index(b)).copied().unwrap_or(Steps::NONE)
    }

    pub fn len_chars(&self) -> usize {
        self.origin.len()
    }
}

/// Zero-width and format characters that render as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
}

/// Latin look-alikes from Cyrillic, Greek and other scripts (the common ones
/// used to dodge filters; Unicode's confusables.txt is far larger, but most
/// of it is never typed on a phone keyboard).
fn homoglyph(c: char) -> Option<char> {
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
fn decorated_digit(c: char) -> Option<char> {
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

fn chinese_numeral(c: char) -> Option<char> {
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

fn leet(c: char) -> Option<char> {
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

pub fn is_cjk(c: char) -> bool {
    crate::store::fts_tokens::is_cjk(c)
}

/// Characters people put between the characters of a term to break it up.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '-' | '_' | '.' | ',' | '*' | '~' | '/' | '\\' | '|' | '+' | '=' | '#' | '^' | '`' | '\'' | '"' | ':' | ';'
            | '·' | '•' | '・' | '。' | '，' | '、' | '…' | '—' | '－' | '～' | '．' | '：' | '；' | '‧' | '∙')
}

/// One char of the intermediate stream.
#[derive(Clone, Copy)]
struct Item {
    c: char,
    start: u32,
    end: u32,
    steps: Steps,
}

/// Normalise `text` under `opts`, keeping the offset map.
pub fn normalize(text: &str, opts: &NormalizeOptions) -> Normalized {
    let items = fold_chars(text, opts);
    let items = if opts.join_separated { join_separated(items) } else { items };
    let items = if opts.leetspeak { apply_leet(items) } else { items };
    let items = if opts.collapse_repeats { collapse_repeats(items) } else { items };
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        char_starts: Vec::with_capacity(items.len() + 1),
        origin: Vec::with_capacity(items.len()),
        steps: Vec::with_capacity(items.len()),
    };
    for it in items {
        out.char_starts.push(out.text.len() as u32);
        out.text.push(it.c);
        out.origin.push((it.start, it.end));
        out.steps.push(it.steps);
    }
    out.char_starts.push(out.text.len() as u32);
    out
}

/// The normalised form only, no map (terms, quick checks).
pub fn normalize_str(text: &str, opts: &NormalizeOptions) -> String {
    normalize(text, opts).text
}

/// Per-char folding: invisible, NFKC, case, traditional, look-alikes, digits.
fn fold_chars(text: &str, opts: &NormalizeOptions) -> Vec<Item> {
    let mut items = Vec::with_capacity(text.len());
    let simplified: Option<Vec<char>> = if opts.traditional_to_simplified && !text.is_ascii() {
        Some(fast2s::convert(text).chars().collect())
    } else {
        None
    };
    // Most text is already in NFKC: one quick check saves a per-char
    // decomposition (the most expensive step here).
    let text_is_nfkc = !opts.nfkc || unicode_normalization::is_nfkc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes;
    let mut pending = Steps::NONE;
    let mut buf: Vec<char> = Vec::with_capacity(4);
    for (k, (i, c)) in text.char_indices().enumerate() {
        let start = i as u32;
        let end = (i + c.len_utf8()) as u32;
        if c.is_ascii() {
            let mut steps = pending;
            pending = Steps::NONE;
            let mut ch = c;
            if opts.casefold && c.is_ascii_uppercase() {
                ch = c.to_ascii_lowercase();
                steps |= Steps::CASE;
            }
            items.push(Item { c: ch, start, end, steps });
            continue;
        }
        if opts.strip_invisible && is_invisible(c) {
            pending |= Steps::INVISIBLE;
            continue;
        }
        let mut steps = pending;
        pending = Steps::NONE;
        let mut base = c;
        if let Some(s) = simplified.as_ref().and_then(|v| v.get(k)).copied() {
            if s != c {
                base = s;
                steps |= Steps::TRADITIONAL;
            }
        }
        if opts.fold_numbers {
            if let Some(d) = decorated_digit(base) {
                items.push(Item { c: d, start, end, steps: steps | Steps::NUMERALS });
                continue;
            }
            if let Some(d) = chinese_numeral(base) {
                items.push(Item { c: d, start, end, steps: steps | Steps::NUMERALS });
                continue;
            }
        }
        buf.clear();
        if opts.nfkc && !text_is_nfkc {
            buf.extend(std::iter::once(base).nfkc());
            if buf.len() != 1 || buf[0] != base {
                steps |= Steps::WIDTH;
            }
        }
        if buf.is_empty() {
            buf.push(base);
        }
        for &b in buf.iter() {
            let mut f = b;
            let mut st = steps;
            if opts.casefold {
                let mut lower = f.to_lowercase();
                if let (Some(l), None) = (lower.next(), lower.next()) {
                    if l != f {
                        st |= Steps::CASE;
                        f = l;
                    }
                }
            }
            if opts.confusables {
                if let Some(h) = homoglyph(f) {
                    f = h;
                    st |= Steps::HOMOGLYPH;
                }
            }
            if opts.fold_numbers {
                if let Some(d) = chinese_numeral(f) {
                    f = d;
                    st |= Steps::NUMERALS;
                }
            }
            items.push(Item { c: f, start, end, steps: st });
        }
    }
    items
}

/// Remove separators inside a spaced-out term: between two CJK chars (机 密,
/// 麻。。。痹; runs of up to three separators), and between single letters in
/// a run of at least three (b r i b e, b-r-i-b-e). Whitespace runs elsewhere
/// become one space.
fn join_separated(items: Vec<Item>) -> Vec<Item> {
    let n = items.len();
    let mut remove = vec![false; n];
    // Separator runs as (start, end) item ranges.
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        if is_separator(items[i].c) {
            let j = (i..n).find(|&k| !is_separator(items[k].c)).unwrap_or(n);
            runs.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    let single = |k: usize| -> bool {
        // item k is an alphanumeric non-CJK char standing alone between separators (or the ends)
        let c = items[k].c;
        c.is_alphanumeric()
            && !is_cjk(c)
            && (k == 0 || is_separator(items[k - 1].c))
            && (k + 1 == n || is_separator(items[k + 1].c))
    };
    // CJK joins.
    for &(s, e) in &runs {
        if s > 0 && e < n && e - s <= 3 && is_cjk(items[s - 1].c) && is_cjk(items[e].c) {
            remove[s..e].iter_mut().for_each(|r| *r = true);
        }
    }
    // Spaced-out letters: chains of single letters joined by short separator runs.
    let mut chain: Vec<(usize, usize)> = Vec::new();
    let flush = |chain: &mut Vec<(usize, usize)>, remove: &mut Vec<bool>| {
        if chain.len() >= 2 {
            for &(s, e) in chain.iter() {
                remove[s..e].iter_mut().for_each(|r| *r = true);
            }
        }
        chain.clear();
    };
    for &(s, e) in &runs {
        let joins = s > 0 && e < n && e - s <= 2 && single(s - 1) && single(e);
        if joins {
            if let Some(&(_, pe)) = chain.last() {
                if pe != s - 1 {
                    flush(&mut chain, &mut remove);
                }
            }
            chain.push((s, e));
        } else {
            flush(&mut chain, &mut remove);
        }
    }
    flush(&mut chain, &mut remove);

    let mut out: Vec<Item> = Vec::with_capacity(n);
    let mut flag_next = false;
    let mut i = 0;
    while i < n {
        if remove[i] {
            flag_next = true;
            i += 1;
            continue;
        }
        let mut it = items[i];
        if flag_next {
            it.steps |= Steps::SEPARATORS;
            flag_next = false;
        }
        if it.c.is_whitespace() {
            let j = (i..n).find(|&k| !items[k].c.is_whitespace() || remove[k]).unwrap_or(n);
            it.c = ' ';
            it.end = items[j - 1].end;
            out.push(it);
            i = j;
            continue;
        }
        out.push(it);
        i += 1;
    }
    out
}

/// Inside a word that has letters, read leet digits and symbols as letters.
fn apply_leet(mut items: Vec<Item>) -> Vec<Item> {
    let n = items.len();
    let mut i = 0;
    let wordish = |c: char| c.is_ascii_alphanumeric() || leet(c).is_some();
    while i < n {
        if !wordish(items[i].c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && wordish(items[j].c) {
            j += 1;
        }
        let letters = items[i..j].iter().filter(|it| it.c.is_ascii_alphabetic()).count();
        let leets = items[i..j].iter().filter(|it| !it.c.is_ascii_alphabetic() && leet(it.c).is_some()).count();
        // "br1be", "$ex", "4ss" — but not "2024", "5pm"-like tokens that are mostly digits.
        if letters >= 2 && leets >= 1 && leets <= letters {
            // Decide on the original chars first, then map.
            let is_letter = |k: usize| k >= i && k < j && items[k].c.is_ascii_alphabetic();
            let mut map = Vec::new();
            let word: String = items[i..j].iter().map(|it| it.c).collect();
            let edge_ok = leet_at_edge(&word, letters);
            for k in i..j {
                let c = items[k].c;
                if c.is_ascii_alphabetic() || leet(c).is_none() {
                    continue;
                }
                let (prev, next) = (k > i && is_letter(k - 1), is_letter(k + 1));
                let ok = match c {
                    // "$ex", "@ss", "p@ss": a symbol next to a letter
                    '$' | '@' => prev || next,
                    // digits and !|+ between letters: br1be, wh!te — not 5pm, mp3, 10am
                    _ => (prev && next) || (edge_ok && (k == i || k + 1 == j) && (prev || next)),
                };
                if ok {
                    map.push(k);
                }
            }
            for k in map {
                if let Some(l) = leet(items[k].c) {
                    items[k].c = l;
                    items[k].steps |= Steps::LEET;
                }
            }
        }
        i = j;
    }
    items
}

/// Whether a leet digit at the edge of `word` reads as a letter: 0ff,
/// 1nternal, materia1, crypt0 — one digit only, next to enough letters,
/// and not an ordinal or a unit (1st, 4th, 5pm, 3kg, mp3).
fn leet_at_edge(word: &str, letters: usize) -> bool {
    const UNITS: [&str; 24] = [
        "st", "nd", "rd", "th", "am", "pm", "kg", "km", "cm", "mm", "ml", "gb", "mb", "kb", "tb", "hz", "px", "pt", "bn",
        "mn", "yr", "yrs", "hr", "hrs",
    ];
    let digits = word.chars().filter(|c| c.is_ascii_digit()).count();
    if digits != 1 || word.chars().any(|c| !c.is_ascii_alphanumeric()) {
        return false;
    }
    let first = word.chars().next().is_some_and(|c| c.is_ascii_digit());
    let rest = if first { &word[1..] } else { &word[..word.len() - 1] };
    if first {
        letters >= 2 && !UNITS.contains(&rest.to_ascii_lowercase().as_str())
    } else {
        letters >= 3
    }
}

/// A run of the same letter or CJK char counts once (digits are kept: 5000
/// is not 50). A Latin word made of one repeated letter only is kept as it
/// is: AA (split the bill), XXX, WWW are abbreviations, not stretched words,
/// and collapsing them to a single letter would match every `a` or `x`.
fn collapse_repeats(items: Vec<Item>) -> Vec<Item> {
    let word = |c: char| c.is_alphanumeric() && !is_cjk(c);
    let n = items.len();
    let mut keep = vec![false; n];
    let mut i = 0;
    while i < n {
        let c = items[i].c;
        let j = (i..n).find(|&k| items[k].c != c).unwrap_or(n);
        if j - i >= 2 && word(c) && (i == 0 || !word(items[i - 1].c)) && (j == n || !word(items[j].c)) {
            keep[i..j].iter_mut().for_each(|k| *k = true);
        }
        i = j;
    }
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for (k, it) in items.into_iter().enumerate() {
        if let Some(last) = out.last_mut() {
            if last.c == it.c && it.c.is_alphabetic() && !keep[k] {
                last.end = it.end;
                last.steps |= it.steps | Steps::REPEATS;
                continue;
            }
        }
        out.push(it);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize_str(s, &NormalizeOptions::default())
    }

    #[test]
    fn evasions_fold_to_the_plain_form() {
        assert_eq!(norm("機密"), "机密");
        assert_eq!(norm("机 密"), "机密");
        assert_eq!(norm("机-密"), "机密");
        assert_eq!(norm("机.密"), "机密");
        assert_eq!(norm("机\u{200B}密"), "机密");
        assert_eq!(norm("麻。。。痹"), "麻痹");
        assert_eq!(norm("ＶＩＰ"), "vip");
        assert_eq!(norm("b r i b e"), "bribe");
        assert_eq!(norm("b-r-i-b-e"), "bribe");
        assert_eq!(norm("br1be"), "bribe");
        assert_eq!(norm("brіbe"), "bribe"); // Cyrillic і
        assert_eq!(norm("0ff the rec0rd"), "of the record");
        assert_eq!(norm("materia1"), "materiai");
        assert_eq!(norm("crypt0 fund"), "crypto fund");
        assert_eq!(norm("briiibe"), "bribe");
        assert_eq!(norm("哈哈哈"), "哈");
        assert_eq!(norm("➃"), "4");
        assert_eq!(norm("⒋"), "4.");
        assert_eq!(norm("㈤"), "(5)");
        assert_eq!(norm("Ⓕ"), "f");
        assert_eq!(norm("五千"), "5千");
    }

    #[test]
    fn ordinary_text_keeps_its_words() {
        assert_eq!(norm("I will pay in 2024"), "i wil pay in 2024");
        assert_eq!(norm("see  you   at 5pm"), "se you at 5pm");
        assert_eq!(norm("the 1st and 4th at 3kg, mp3 or mp4, 10am, covid19, 5k"), "the 1st and 4th at 3kg, mp3 or mp4, 10am, covid19, 5k");
        assert_eq!(norm("a b"), "a b");
    }

    /// Regression: AA, XXX collapsed to one letter and then matched every a / x.
    #[test]
    fn words_of_one_repeated_letter_are_kept() {
        assert_eq!(norm("聚餐AA"), "聚餐aa");
        assert_eq!(norm("XXX videos"), "xxx videos");
        assert_eq!(norm("www.example"), "www.example");
        assert_eq!(norm("AAA级景区"), "aaa级景区");
        assert_eq!(norm("zzz"), "zzz");
        assert_eq!(norm("goood"), "god");
    }

    #[test]
    fn offsets_point_at_the_original() {
        let t = "这是机 \u{200B}密文件";
        let n = normalize(t, &NormalizeOptions::default());
        let at = n.text.find("机密").unwrap();
        let (s, e) = n.original_span(at, at + "机密".len());
        assert_eq!(&t[s..e], "机 \u{200B}密");
        let steps = n.steps_in(at, at + "机密".len());
        assert!(steps.contains(Steps::SEPARATORS), "{:?}", steps.codes());
    }

    #[test]
    fn emoji_stay() {
        assert_eq!(norm("🧧"), "🧧");
        assert_eq!(norm("❤\u{FE0F}"), "❤");
    }
}
