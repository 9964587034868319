//! The passes after folding, which need context: joining separated
//! characters, leetspeak inside words, collapsing repeats.
//!
//! Each pass is written once, generic over [`Unit`]: the scanner runs them
//! over units that carry a char and one flag (`Normalizer::run`), and only
//! a message on which a rule fires runs them again over [`Item`]s that
//! carry the original byte range and all steps (`normalize`). One
//! implementation for both means the text the automaton saw and the text the
//! offsets are mapped on cannot drift apart.
//!
//! The passes work in place on vectors reused between messages ([`Scratch`]),
//! and each returns at once when its trigger is absent (no separator, no
//! two equal chars in a row).

use super::chars::{is_cjk, is_separator, leet};
use super::Steps;

/// One char of the stream between passes.
pub(super) trait Unit: Copy {
    fn new(c: char, start: u32, end: u32, steps: Steps) -> Self;
    fn ch(self) -> char;
    fn set_ch(&mut self, c: char);
    fn steps(self) -> Steps;
    fn add_steps(&mut self, s: Steps);
    /// Extend the original range to the end of `other`'s.
    fn extend_to(&mut self, other: Self);
}

/// A normalised char with the original byte range it came from and the
/// steps that produced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Item {
    pub c: char,
    pub start: u32,
    pub end: u32,
    pub steps: Steps,
}

impl Unit for Item {
    fn new(c: char, start: u32, end: u32, steps: Steps) -> Self {
        Item { c, start, end, steps }
    }
    fn ch(self) -> char {
        self.c
    }
    fn set_ch(&mut self, c: char) {
        self.c = c;
    }
    fn steps(self) -> Steps {
        self.steps
    }
    fn add_steps(&mut self, s: Steps) {
        self.steps |= s;
    }
    fn extend_to(&mut self, other: Self) {
        self.end = other.end;
    }
}

/// Vectors the passes reuse.
#[derive(Default, Debug)]
pub(super) struct Scratch {
    runs: Vec<(usize, usize)>,
    chain: Vec<(usize, usize)>,
    flags: Vec<bool>,
    positions: Vec<usize>,
}

/// Remove separators inside a spaced-out term: between two CJK chars (机 密,
/// 麻。。。痹; runs of up to three separators), and between single letters in
/// a run of at least three (b r i b e, b-r-i-b-e). Whitespace runs elsewhere
/// become one space.
pub(super) fn join_separated<T: Unit>(items: &mut Vec<T>, scratch: &mut Scratch) {
    let Scratch { runs, chain, flags: remove, .. } = scratch;
    let n = items.len();
    // Separator runs as (start, end) item ranges.
    runs.clear();
    let mut i = 0;
    while i < n {
        if is_separator(items[i].ch()) {
            let mut j = i + 1;
            while j < n && is_separator(items[j].ch()) {
                j += 1;
            }
            runs.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return;
    }
    // Whether each run is removed: a run is joined whole or not at all.
    remove.clear();
    remove.resize(runs.len(), false);
    let single = |k: usize| -> bool {
        // item k is an alphanumeric non-CJK char standing alone between separators (or the ends)
        let c = items[k].ch();
        !is_cjk(c)
            && c.is_alphanumeric()
            && (k == 0 || is_separator(items[k - 1].ch()))
            && (k + 1 == n || is_separator(items[k + 1].ch()))
    };
    // CJK joins.
    for (r, &(s, e)) in runs.iter().enumerate() {
        if s > 0 && e < n && e - s <= 3 && is_cjk(items[s - 1].ch()) && is_cjk(items[e].ch()) {
            remove[r] = true;
        }
    }
    // Spaced-out letters: chains of single letters joined by short separator
    // runs, as (run index, run end).
    chain.clear();
    let flush = |chain: &mut Vec<(usize, usize)>, remove: &mut Vec<bool>| {
        if chain.len() >= 2 {
            for &(r, _) in chain.iter() {
                remove[r] = true;
            }
        }
        chain.clear();
    };
    for (r, &(s, e)) in runs.iter().enumerate() {
        let joins = s > 0 && e < n && e - s <= 2 && single(s - 1) && single(e);
        if joins {
            if let Some(&(_, pe)) = chain.last() {
                if pe != s - 1 {
                    flush(chain, remove);
                }
            }
            chain.push((r, e));
        } else {
            flush(chain, remove);
        }
    }
    flush(chain, remove);

    // Compact in place, run by run: the write index never passes the read
    // index. The chars between runs are no separators, hence no whitespace:
    // they move as one block. Every whitespace char lies in a run.
    let mut w = 0;
    let mut read = 0;
    let mut flag_next = false;
    let block = |items: &mut Vec<T>, from: usize, to: usize, w: &mut usize, flag_next: &mut bool| {
        if to > from {
            if std::mem::take(flag_next) {
                items[from].add_steps(Steps::SEPARATORS);
            }
            // Nothing to move until a char was removed or whitespace merged.
            if *w != from {
                items.copy_within(from..to, *w);
            }
            *w += to - from;
        }
    };
    for (r, &(s, e)) in runs.iter().enumerate() {
        block(items, read, s, &mut w, &mut flag_next);
        read = e;
        if remove[r] {
            flag_next = true;
            continue;
        }
        // A kept run: each whitespace stretch becomes one space.
        let mut i = s;
        while i < e {
            let mut it = items[i];
            if std::mem::take(&mut flag_next) {
                it.add_steps(Steps::SEPARATORS);
            }
            if is_whitespace(it.ch()) {
                let mut j = i + 1;
                while j < e && is_whitespace(items[j].ch()) {
                    j += 1;
                }
                it.set_ch(' ');
                it.extend_to(items[j - 1]);
                items[w] = it;
                w += 1;
                i = j;
                continue;
            }
            items[w] = it;
            w += 1;
            i += 1;
        }
    }
    block(items, read, n, &mut w, &mut flag_next);
    items.truncate(w);
}

/// `char::is_whitespace`, answering for CJK ideographs without the Unicode
/// table: no whitespace char lies above U+3000.
#[inline]
fn is_whitespace(c: char) -> bool {
    c <= '\u{3000}' && c.is_whitespace()
}

/// `char::is_alphabetic`, answering for the CJK ideographs of chat (哈哈,
/// 谢谢) without the Unicode table search: all of them are letters.
#[inline]
pub(super) fn is_alphabetic(c: char) -> bool {
    ('\u{3400}'..='\u{4DBF}').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphabetic()
}

/// A char of a word in the Latin sense (alphanumeric, not CJK): what word
/// boundaries of terms and whole-word repeats (AA) are made of. `!is_cjk`
/// first: it is a range check, and most chars are CJK.
#[inline]
pub fn is_word(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

/// Inside a word that has letters, read leet digits and symbols as letters.
pub(super) fn apply_leet<T: Unit>(items: &mut [T], scratch: &mut Scratch) {
    let n = items.len();
    // Leet and letters are ASCII: most chars of Chinese chat fail the first test.
    let wordish = |c: char| c.is_ascii() && (c.is_ascii_alphanumeric() || leet(c).is_some());
    let mut i = 0;
    while i < n {
        if !wordish(items[i].ch()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && wordish(items[j].ch()) {
            j += 1;
        }
        let word = &items[i..j];
        let letters = word.iter().filter(|it| it.ch().is_ascii_alphabetic()).count();
        let leets = word.iter().filter(|it| !it.ch().is_ascii_alphabetic() && leet(it.ch()).is_some()).count();
        // "br1be", "$ex", "4ss" — but not "2024", "5pm"-like tokens that are mostly digits.
        if letters >= 2 && leets >= 1 && leets <= letters {
            // Decide on the original chars first, then map.
            let is_letter = |k: usize| k >= i && k < j && items[k].ch().is_ascii_alphabetic();
            let edge_ok = leet_at_edge(word, letters);
            let map = &mut scratch.positions;
            map.clear();
            for k in i..j {
                let c = items[k].ch();
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
            for &k in map.iter() {
                if let Some(l) = leet(items[k].ch()) {
                    items[k].set_ch(l);
                    items[k].add_steps(Steps::LEET);
                }
            }
        }
        i = j;
    }
}

/// Whether a leet digit at the edge of `word` reads as a letter: 0ff,
/// 1nternal, materia1, crypt0 — one digit only, next to enough letters,
/// and not an ordinal or a unit (1st, 4th, 5pm, 3kg, mp3).
fn leet_at_edge<T: Unit>(word: &[T], letters: usize) -> bool {
    const UNITS: [&str; 24] = [
        "st", "nd", "rd", "th", "am", "pm", "kg", "km", "cm", "mm", "ml", "gb", "mb", "kb", "tb", "hz", "px", "pt", "bn",
        "mn", "yr", "yrs", "hr", "hrs",
    ];
    let digits = word.iter().filter(|u| u.ch().is_ascii_digit()).count();
    if digits != 1 || word.iter().any(|u| !u.ch().is_ascii_alphanumeric()) {
        return false;
    }
    let first = word.first().is_some_and(|u| u.ch().is_ascii_digit());
    if first {
        // All ASCII alphanumeric here, so comparing char by char is comparing the text.
        let rest = &word[1..];
        let is_unit = UNITS.iter().any(|u| {
            u.len() == rest.len() && u.bytes().zip(rest).all(|(a, r)| r.ch().to_ascii_lowercase() == char::from(a))
        });
        letters >= 2 && !is_unit
    } else {
        letters >= 3
    }
}

/// A run of the same letter or CJK char counts once (digits are kept: 5000
/// is not 50). A Latin word made of one repeated letter only is kept as it
/// is: AA (split the bill), XXX, WWW are abbreviations, not stretched words,
/// and collapsing them to a single letter would match every `a` or `x`.
pub(super) fn collapse_repeats<T: Unit>(items: &mut Vec<T>, scratch: &mut Scratch) {
    // Only equal alphabetic neighbours merge (digits and punctuation stay).
    if !items.windows(2).any(|w| w[0].ch() == w[1].ch() && is_alphabetic(w[0].ch())) {
        return;
    }
    let n = items.len();
    let keep = &mut scratch.flags;
    keep.clear();
    keep.resize(n, false);
    let mut i = 0;
    while i < n {
        let c = items[i].ch();
        let mut j = i + 1;
        while j < n && items[j].ch() == c {
            j += 1;
        }
        if j - i >= 2 && is_word(c) && (i == 0 || !is_word(items[i - 1].ch())) && (j == n || !is_word(items[j].ch())) {
            keep[i..j].fill(true);
        }
        i = j;
    }
    let mut w = 0;
    for k in 0..n {
        let it = items[k];
        if w > 0 {
            let last = &mut items[w - 1];
            if last.ch() == it.ch() && is_alphabetic(it.ch()) && !keep[k] {
                last.extend_to(it);
                last.add_steps(it.steps() | Steps::REPEATS);
                continue;
            }
        }
        items[w] = it;
        w += 1;
    }
    items.truncate(w);
}

#[cfg(test)]
mod tests {
    #[test]
    fn alphabetic_shortcut_is_exact() {
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            assert_eq!(super::is_alphabetic(c), c.is_alphabetic(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn whitespace_shortcut_is_exact() {
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            assert_eq!(super::is_whitespace(c), c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }
}
