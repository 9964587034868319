//! The first pass: each char of the original text folded on its own
//! (invisible, traditional, decorated and Chinese digits, NFKC, case,
//! look-alikes), into a stream of units.
//!
//! Two shortcuts keep this cheap, and both give exactly what the full steps
//! give (the tests compare every BMP char and generated text):
//!
//! - **plain chars** (a BMP bitset, see `chars`) are pushed as they are;
//! - **NFKC per char, only where it can change something.** The pipeline
//!   applies NFKC char by char when the text as a whole is not in NFKC (a
//!   quick check, as before). A char whose own quick check is "yes" is left
//!   as it is by NFKC, so the whole-text check is needed only for a char
//!   that NFKC may change, and only if fast2s produced that char (otherwise
//!   the char itself makes the text not NFKC). Full-width ASCII, the most
//!   common such chars in Chinese chat (，！？：), map by offset.

use std::sync::OnceLock;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::chars::{chinese_numeral, decorated_digit, homoglyph, is_invisible, is_traditional, simplify, BmpSet};
use super::passes::Unit;
use super::{NormalizeOptions, Steps};

/// What the later passes need to know of the folded stream before they
/// look at it: the leetspeak pass changes nothing in a text with fewer than
/// two ASCII letters or without a leet char (the separator pass only
/// removes chars or turns whitespace into a space, neither of which adds
/// any).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Seen {
    pub ascii_letters: u32,
    pub leets: u32,
}

impl Seen {
    #[inline(always)]
    fn note(&mut self, c: char) {
        if let Some(&class) = ASCII_CLASS.get(c as usize) {
            self.ascii_letters += u32::from(class & LETTER);
            self.leets += u32::from(class >> 1);
        }
    }

    pub(super) fn may_have_leet(self) -> bool {
        self.ascii_letters >= 2 && self.leets >= 1
    }
}

const LETTER: u8 = 1;
const LEET: u8 = 2;

/// Per ASCII char: `LETTER` if alphabetic, `LEET` if `leet` reads it as one.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphabetic() {
            t[i] = LETTER;
        }
        if matches!(c, b'0' | b'1' | b'!' | b'|' | b'3' | b'4' | b'@' | b'5' | b'$' | b'7' | b'+' | b'8' | b'9') {
            t[i] = LEET;
        }
        i += 1;
    }
    t
};

/// Fold `text` into `out` (cleared first).
pub(super) fn fold<T: Unit>(text: &str, opts: &NormalizeOptions, out: &mut Vec<T>) -> Seen {
    out.clear();
    let mut folder = Folder::new(text);
    for (i, c) in text.char_indices() {
        folder.push(i, c, opts, |f, start, end, steps| out.push(T::new(f, start, end, steps)));
    }
    folder.seen
}

/// Folding char by char, with what it remembers between chars. Written
/// once for both the unit streams (`fold`) and the one-pass text form
/// (`stream`), so the two cannot fold a char differently.
pub(super) struct Folder<'t> {
    text: &'t str,
    plain: &'static BmpSet,
    /// Steps of removed invisible chars go to the next char pushed.
    pending: Steps,
    /// The previous original char: fast2s decides some chars by their neighbours.
    prev: char,
    text_is_nfkc: Option<bool>,
    pub seen: Seen,
}

impl<'t> Folder<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Folder { text, plain: plain_chars(), pending: Steps::NONE, prev: '0', text_is_nfkc: None, seen: Seen::default() }
    }

    /// Fold the char `c` at byte `i` of the text; `emit(char, start, end,
    /// steps)` is called for each resulting char (none for a removed one).
    #[inline(always)]
    pub(super) fn push(&mut self, i: usize, c: char, opts: &NormalizeOptions, mut emit: impl FnMut(char, u32, u32, Steps)) {
        let start = i as u32;
        let end = (i + c.len_utf8()) as u32;
        match self.simple(c, opts) {
            Some((f, steps)) => emit(f, start, end, steps),
            None => self.push_rare(c, start, end, opts, &mut emit),
        }
    }

    /// The fold of an ASCII or plain char (most chars), with its steps;
    /// None for any other char, which `push_rare` folds.
    #[inline(always)]
    pub(super) fn simple(&mut self, c: char, opts: &NormalizeOptions) -> Option<(char, Steps)> {
        if c.is_ascii() {
            return Some(self.ascii(c, c, Steps::NONE, opts));
        }
        // Plain chars are not ASCII: no letter, no leet.
        if self.plain.contains(c) {
            self.prev = c;
            return Some((c, std::mem::take(&mut self.pending)));
        }
        // Full-width punctuation (，！？：) is the most common char of
        // Chinese chat that folding changes. None is invisible or
        // traditional, and a text holding one is not NFKC, so NFKC applies
        // (see `push_rare`); after it comes case, nothing else.
        if opts.nfkc {
            if let Some(a) = full_width_ascii(c) {
                return Some(self.ascii(c, a, Steps::WIDTH, opts));
            }
        }
        // Chinese numerals (一下, 周五, 两点), unless traditional (貳).
        if opts.fold_numbers {
            if let Some(d) = chinese_numeral(c) {
                if !(opts.traditional_to_simplified && is_traditional(c)) {
                    self.prev = c;
                    self.seen.note(d);
                    return Some((d, std::mem::take(&mut self.pending) | Steps::NUMERALS));
                }
            }
        }
        None
    }

    /// The run of CJK ideographs at byte `from` of the text that fold
    /// leaves as they are, with no two equal chars in a row and the first
    /// not equal to `after` (the char before it in the output): the bulk of
    /// Chinese chat, which the one-pass form copies as it is. Returns the
    /// end of the run and its last two chars (the first of them None if the
    /// run is one char long), None if no such char starts at `from`.
    #[inline]
    pub(super) fn plain_ideographs(&mut self, from: usize, after: Option<char>) -> Option<(usize, char, Option<char>)> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        let mut last = after;
        let mut before_last = None;
        // U+3400..=U+9FFF are three bytes, lead 0xE3..=0xE9.
        while let [b0 @ 0xE3..=0xE9, b1, b2, ..] = bytes[i..] {
            let c = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            let Some(c) = char::from_u32(c).filter(|&c| ('\u{3400}'..='\u{9FFF}').contains(&c)) else { break };
            if Some(c) == last || !self.plain.contains(c) {
                break;
            }
            before_last = last;
            last = Some(c);
            i += 3;
        }
        if i == from {
            return None;
        }
        let last = last?;
        self.prev = last;
        self.pending = Steps::NONE;
        Some((i, last, if i - from > 3 { before_last } else { None }))
    }

    /// The original char `c`, `a` in ASCII after `steps`: lower case.
    #[inline(always)]
    fn ascii(&mut self, c: char, a: char, steps: Steps, opts: &NormalizeOptions) -> (char, Steps) {
        self.prev = c;
        let mut steps = std::mem::take(&mut self.pending) | steps;
        let mut ch = a;
        if opts.casefold && a.is_ascii_uppercase() {
            ch = a.to_ascii_lowercase();
            steps |= Steps::CASE;
        }
        self.seen.note(ch);
        (ch, steps)
    }

    /// Whether `c` folds to itself under any options (and is no ASCII).
    #[inline]
    pub(super) fn is_plain(&self, c: char) -> bool {
        self.plain.contains(c)
    }

    /// Account for `letters`, ASCII letters that the caller folds itself
    /// (lower case): as `simple` of each would.
    #[inline]
    pub(super) fn ascii_letters(&mut self, letters: &str) {
        if let Some(&b) = letters.as_bytes().last() {
            self.prev = char::from(b);
        }
        self.pending = Steps::NONE;
        self.seen.ascii_letters += letters.len() as u32;
    }

    /// Fold a char that `simple` does not (invisible, traditional, NFKC,
    /// case beyond ASCII, look-alikes, numerals).
    #[inline(never)]
    pub(super) fn push_rare(&mut self, c: char, start: u32, end: u32, opts: &NormalizeOptions, emit: &mut dyn FnMut(char, u32, u32, Steps)) {
        let before = std::mem::replace(&mut self.prev, c);
        if opts.strip_invisible && is_invisible(c) {
            self.pending |= Steps::INVISIBLE;
            return;
        }
        let mut steps = std::mem::take(&mut self.pending);
        let mut base = c;
        let text = self.text;
        if opts.traditional_to_simplified && is_traditional(c) {
            let next = text[end as usize..].chars().next().unwrap_or('0');
            let s = simplify(before, c, next);
            if s != c {
                base = s;
                steps |= Steps::TRADITIONAL;
            }
        }
        let nfkc = opts.nfkc
            && is_nfkc_quick(std::iter::once(base)) != IsNormalized::Yes
            && !*self.text_is_nfkc.get_or_insert_with(|| base != c && is_nfkc_quick(text.chars()) == IsNormalized::Yes);
        let seen = &mut self.seen;
        fold_char(base, steps, nfkc, opts, |f, st| {
            seen.note(f);
            emit(f, start, end, st);
        });
    }
}

/// Fold one char (`base`: already simplified) with `steps` so far; `nfkc`:
/// whether NFKC applies. Calls `emit` once per resulting char.
fn fold_char(base: char, steps: Steps, nfkc: bool, opts: &NormalizeOptions, mut emit: impl FnMut(char, Steps)) {
    if opts.fold_numbers {
        if let Some(d) = decorated_digit(base).or_else(|| chinese_numeral(base)) {
            emit(d, steps | Steps::NUMERALS);
            return;
        }
    }
    let mut finish = |b: char, mut st: Steps| {
        let mut f = b;
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
        emit(f, st);
    };
    if !nfkc {
        finish(base, steps);
        return;
    }
    if let Some(a) = full_width_ascii(base) {
        finish(a, steps | Steps::WIDTH);
        return;
    }
    let mut it = std::iter::once(base).nfkc();
    let unchanged = it.next() == Some(base) && it.next().is_none();
    let steps = if unchanged { steps } else { steps | Steps::WIDTH };
    let mut any = false;
    for b in std::iter::once(base).nfkc() {
        any = true;
        finish(b, steps);
    }
    if !any {
        finish(base, steps);
    }
}

/// NFKC of U+3000 and U+FF01..=U+FF5E, the full-width space and ASCII.
fn full_width_ascii(c: char) -> Option<char> {
    match c as u32 {
        0x3000 => Some(' '),
        u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0),
        _ => None,
    }
}

/// BMP chars that every option leaves as they are: not invisible, not
/// traditional, and unchanged by `fold_char` with every option on.
fn plain_chars() -> &'static BmpSet {
    static SET: OnceLock<BmpSet> = OnceLock::new();
    SET.get_or_init(|| {
        let all = NormalizeOptions::default();
        BmpSet::build(|c| {
            if c.is_ascii() || is_invisible(c) || is_traditional(c) {
                return false;
            }
            let mut same = true;
            let mut n = 0;
            fold_char(c, Steps::NONE, true, &all, |f, st| {
                n += 1;
                same &= f == c && st.is_empty();
            });
            same && n == 1
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-char NFKC shortcut assumes that a char whose quick check is
    /// "yes" is its own NFKC, and that full-width ASCII maps by offset.
    #[test]
    fn nfkc_shortcuts_are_exact() {
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            let n: String = std::iter::once(c).nfkc().collect();
            if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
                assert_eq!(n, c.to_string(), "U+{:04X}", c as u32);
            }
            if let Some(a) = full_width_ascii(c) {
                assert_eq!(n, a.to_string(), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn ascii_classes_are_letters_and_leet() {
        use super::super::chars::leet;
        for c in (0u8..128).map(char::from) {
            let mut seen = Seen::default();
            seen.note(c);
            assert_eq!(seen.ascii_letters, u32::from(c.is_ascii_alphabetic()), "{c:?}");
            assert_eq!(seen.leets, u32::from(leet(c).is_some()), "{c:?}");
        }
    }

    #[test]
    fn plain_chars_fold_to_themselves_under_any_options() {
        let plain = plain_chars();
        let on = NormalizeOptions::default();
        for c in (0x80u32..0x10000).filter_map(char::from_u32).filter(|&c| plain.contains(c)) {
            for nfkc in [false, true] {
                let mut got = Vec::new();
                fold_char(c, Steps::NONE, nfkc, &on, |f, st| got.push((f, st)));
                assert_eq!(got, vec![(c, Steps::NONE)], "U+{:04X}", c as u32);
            }
        }
        assert!(plain.contains('机') && plain.contains('。') && !plain.contains('機') && !plain.contains('一'));
    }
}
