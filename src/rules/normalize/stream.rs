//! The text form in one pass: fold, join separated chars, read leetspeak and
//! collapse repeats while reading the text once, writing the normalised
//! text straight into its buffer.
//!
//! The scanner normalises every message, and the pipeline of `passes`
//! (fold into a vector of units, a pass per step, then the units into a
//! string) cost about as much as everything else the scanner does. Each
//! step needs little context: a separator run is decided by the chars on
//! either side of it, leetspeak by the ASCII word around it, a repeated
//! char by the one before it (and, for a Latin letter, by the word). So
//! each step here is a stage that holds back only what it has not yet
//! decided and passes the rest on: fold → join → leet → collapse → text.
//!
//! Where no stage holds anything back, runs of plain ideographs and ASCII
//! words of letters only are copied in bulk: they need none of the stages.
//!
//! One case needs more context and is left to the passes (`text_form`
//! returns `false`): a run of single letters and short separators, where
//! whether `b r i b e` is one spaced-out word depends on how the run goes
//! on. The tests compare the output and the join marks with the passes on
//! random strings, and the reference tests with the old normaliser on
//! generated evasions and chat.

use super::chars::{is_cjk, is_separator, leet};
use super::fold::Folder;
use super::passes::{self, is_alphabetic, is_word, Scratch};
use super::{Lite, NormalizeOptions};

/// Buffers of the one-pass form, reused between texts.
#[derive(Debug, Default)]
pub(super) struct StreamScratch {
    /// The separator chars of the run being read.
    run: Vec<char>,
    /// The ASCII word being read, for leetspeak.
    word: Vec<Lite>,
    /// Join marks of the copies of a repeated letter not yet decided.
    repeats: Vec<bool>,
    passes: Scratch,
}

/// Normalise `text` into `out`, with the byte offsets of the chars that
/// follow removed separators in `joined` (both cleared first). `false`
/// when the text needs the passes (the buffers then hold garbage).
pub(super) fn text_form(
    text: &str,
    opts: &NormalizeOptions,
    out: &mut String,
    joined: &mut Vec<u32>,
    scratch: &mut StreamScratch,
) -> bool {
    out.clear();
    joined.clear();
    if !(opts.join_separated && opts.collapse_repeats) {
        return false;
    }
    let StreamScratch { run, word, repeats, passes } = scratch;
    run.clear();
    word.clear();
    repeats.clear();
    let mut join = Join {
        run,
        prev: None,
        prev_after_separator: false,
        last_was_separator: true,
        held: None,
        bail: false,
        next: Leet {
            on: opts.leetspeak,
            word,
            letters: 0,
            leets: 0,
            scratch: passes,
            next: Collapse { out, joined, last: None, last_at: 0, before_last: None, repeats, repeat_after_word: false },
        },
    };
    let mut folder = Folder::new(text);
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
        // Plain ideographs, none equal to the one before, while no stage
        // holds anything back: copied as they are.
        if join.idle() {
            if let Some((end, last, before_last)) = folder.plain_ideographs(i, join.next.next.last) {
                join.copy(&text[i..end], last, before_last);
                i = end;
                continue;
            }
        }
        // An ASCII word of letters only: no leet, and its repeats merge
        // unless it is one letter over and over (left to the stages).
        if c.is_ascii_alphabetic() && opts.casefold && join.idle_but_run() {
            // The char after it must not fold into the word (０, ⒋, an
            // invisible char before a digit): ASCII, plain, or none.
            let ends = |end: usize| text[end..].chars().next().is_none_or(|n| n.is_ascii() || folder.is_plain(n));
            if let Some(end) = letters_only_word(text, i).filter(|&end| ends(end)) {
                folder.ascii_letters(&text[i..end]);
                join.letters(&text[i..end]);
                i = end;
                continue;
            }
        }
        match folder.simple(c, opts) {
            Some((f, _)) => join.push(f),
            None => folder.push_rare(c, i as u32, (i + c.len_utf8()) as u32, opts, &mut |f, _, _, _| join.push(f)),
        }
        if join.bail {
            return false;
        }
        i += c.len_utf8();
    }
    join.finish()
}

/// Joining separated chars, as `passes::join_separated` on a stream: a run
/// of separators is decided when the char after it arrives.
struct Join<'a> {
    run: &'a mut Vec<char>,
    /// The last char that is no separator, and whether a separator (or the
    /// start) came right before it.
    prev: Option<char>,
    prev_after_separator: bool,
    /// Whether the last char was a separator (true at the start).
    last_was_separator: bool,
    /// A letter after a run that followed a single letter (`I a`): if a
    /// separator follows it too, it may be a spaced-out word.
    held: Option<char>,
    /// A spaced-out word may start here: the passes decide.
    bail: bool,
    next: Leet<'a>,
}

impl Join<'_> {
    #[inline(always)]
    fn push(&mut self, c: char) {
        if let Some(h) = self.held {
            self.release(h, c);
            if self.bail {
                return;
            }
        }
        if is_separator(c) {
            self.run.push(c);
            self.last_was_separator = true;
            return;
        }
        let mut joined = false;
        if !self.run.is_empty() {
            match self.prev {
                // 机 密, 麻。。。痹: removed.
                Some(p) if self.run.len() <= 3 && is_cjk(p) && is_cjk(c) => joined = true,
                // A single letter, a short run, a letter: a spaced-out word
                // if a separator (or the end) follows this letter too.
                Some(p) if self.run.len() <= 2 && self.prev_after_separator && is_word(p) && is_word(c) => {
                    self.held = Some(c);
                    return;
                }
                _ => self.keep_run(),
            }
            self.run.clear();
        }
        self.emit(c, joined);
    }

    #[inline(always)]
    fn emit(&mut self, c: char, joined: bool) {
        self.next.push(c, joined);
        self.prev = Some(c);
        self.prev_after_separator = self.last_was_separator;
        self.last_was_separator = false;
    }

    /// Nothing held back by any stage.
    #[inline(always)]
    fn idle(&self) -> bool {
        self.held.is_none() && self.run.is_empty() && self.next.word.is_empty() && self.next.next.repeats.is_empty()
    }

    /// Nothing held back but a separator run made of no leet chars (`|`
    /// and `+` are both).
    #[inline(always)]
    fn idle_but_run(&self) -> bool {
        self.held.is_none()
            && self.next.word.is_empty()
            && self.next.next.repeats.is_empty()
            && !self.run.iter().any(|&c| leet(c).is_some())
    }

    /// A word `letters_only_word` found, lower-cased, through the stages:
    /// the run before it is kept (it is no CJK join, and the word's second
    /// letter shows it is no spaced-out one), no letter is leet, each
    /// repeated letter merges into the one before it.
    fn letters(&mut self, word: &str) {
        if !self.run.is_empty() {
            self.keep_run();
            self.run.clear();
        }
        let collapse = &mut self.next.next;
        for b in word.bytes() {
            let c = char::from(b.to_ascii_lowercase());
            if collapse.last != Some(c) {
                collapse.write(c, false);
            }
        }
        self.prev = collapse.last;
        self.prev_after_separator = false;
        self.last_was_separator = false;
    }

    /// Chars that every stage passes on as they are, as `push` of each would
    /// (`Folder::plain_ideographs`: CJK, so no separator, no leet, and no
    /// two equal in a row; `last` and `before_last` are its last two chars).
    #[inline]
    fn copy(&mut self, chars: &str, last: char, before_last: Option<char>) {
        self.prev_after_separator = before_last.is_none() && self.last_was_separator;
        self.prev = Some(last);
        self.last_was_separator = false;
        let collapse = &mut self.next.next;
        collapse.out.push_str(chars);
        collapse.before_last = if before_last.is_some() { before_last } else { collapse.last };
        collapse.last = Some(last);
        collapse.last_at = (collapse.out.len() - last.len_utf8()) as u32;
    }

    /// The char after a held letter is here (`next`; None at the end).
    #[cold]
    fn release(&mut self, held: char, next: char) {
        self.held = None;
        if is_separator(next) {
            self.bail = true;
            return;
        }
        // Not single: the run before it is no part of a spaced-out word
        // (and not between CJK chars): kept.
        self.keep_run();
        self.run.clear();
        self.emit(held, false);
    }

    /// A kept run: each whitespace stretch becomes one space.
    fn keep_run(&mut self) {
        let mut in_space = false;
        for i in 0..self.run.len() {
            let c = self.run[i];
            if c.is_whitespace() {
                if !in_space {
                    self.next.push(' ', false);
                }
                in_space = true;
            } else {
                self.next.push(c, false);
                in_space = false;
            }
        }
    }

    /// The end of the text; `false` if the passes must decide.
    fn finish(&mut self) -> bool {
        if self.held.is_some() {
            // A single letter at the end of a run of them.
            return false;
        }
        if !self.run.is_empty() {
            self.keep_run();
            self.run.clear();
        }
        self.next.finish();
        true
    }
}

/// The end of the ASCII word (letters, digits, leet symbols) starting at
/// byte `from`, if it is made of letters only, at least two, not all the
/// same letter (`aa`, `XXX` keep their repeats).
fn letters_only_word(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = from;
    let mut one_letter = true;
    while let Some(&b) = bytes.get(end) {
        if b.is_ascii_alphabetic() {
            one_letter &= b.eq_ignore_ascii_case(&bytes[from]);
            end += 1;
        } else if b.is_ascii_digit() || leet(char::from(b)).is_some() {
            return None;
        } else {
            break;
        }
    }
    (end - from >= 2 && !one_letter).then_some(end)
}

/// Leetspeak, as `passes::apply_leet` on a stream: an ASCII word (letters,
/// digits and leet symbols) is held until it ends, then read by the pass
/// itself if it has a leet char and two letters.
struct Leet<'a> {
    on: bool,
    word: &'a mut Vec<Lite>,
    letters: u32,
    leets: u32,
    scratch: &'a mut Scratch,
    next: Collapse<'a>,
}

impl Leet<'_> {
    #[inline(always)]
    fn push(&mut self, c: char, joined: bool) {
        if self.on && c.is_ascii() {
            let letter = c.is_ascii_alphabetic();
            let is_leet = !letter && leet(c).is_some();
            if letter || is_leet || c.is_ascii_digit() {
                self.letters += u32::from(letter);
                self.leets += u32::from(is_leet);
                self.word.push(Lite { c, joined });
                return;
            }
        }
        if !self.word.is_empty() {
            self.flush();
        }
        self.next.push(c, joined);
    }

    fn flush(&mut self) {
        if self.letters >= 2 && self.leets >= 1 {
            passes::apply_leet(self.word, self.scratch);
        }
        for u in self.word.iter() {
            self.next.push(u.c, u.joined);
        }
        self.word.clear();
        self.letters = 0;
        self.leets = 0;
    }

    fn finish(&mut self) {
        if !self.word.is_empty() {
            self.flush();
        }
        self.next.finish();
    }
}

/// Collapsing repeats, as `passes::collapse_repeats` on a stream: a copy of
/// the previous char merges into it at once, except for a Latin letter,
/// which is kept when the whole word is that letter (AA, XXX): its copies
/// wait for the char after them.
struct Collapse<'a> {
    out: &'a mut String,
    joined: &'a mut Vec<u32>,
    last: Option<char>,
    /// Byte offset of `last` in `out`.
    last_at: u32,
    /// The char written before `last`.
    before_last: Option<char>,
    /// Join marks of the pending copies of `last` (a word char).
    repeats: &'a mut Vec<bool>,
    /// Whether a word char came right before the pending copies' run.
    repeat_after_word: bool,
}

impl Collapse<'_> {
    #[inline(always)]
    fn push(&mut self, c: char, joined: bool) {
        if !self.repeats.is_empty() {
            if Some(c) == self.last {
                self.repeats.push(joined);
                return;
            }
            self.settle(Some(c));
        }
        if self.last == Some(c) && is_alphabetic(c) {
            if is_word(c) {
                self.repeat_after_word = self.before_last.is_some_and(is_word);
                self.repeats.push(joined);
            } else if joined {
                self.mark_last_joined();
            }
            return;
        }
        self.write(c, joined);
    }

    #[inline(always)]
    fn write(&mut self, c: char, joined: bool) {
        let at = self.out.len() as u32;
        if joined {
            self.joined.push(at);
        }
        self.out.push(c);
        self.before_last = self.last.replace(c);
        self.last_at = at;
    }

    fn mark_last_joined(&mut self) {
        if self.joined.last() != Some(&self.last_at) {
            self.joined.push(self.last_at);
        }
    }

    /// Decide the pending copies of `last`, now that `next` follows them.
    fn settle(&mut self, next: Option<char>) {
        let Some(c) = self.last else { return };
        let keep = !self.repeat_after_word && !next.is_some_and(is_word);
        let repeats = std::mem::take(self.repeats);
        if keep {
            for &j in &repeats {
                self.write(c, j);
            }
        } else if repeats.iter().any(|&j| j) {
            self.mark_last_joined();
        }
        *self.repeats = repeats;
        self.repeats.clear();
    }

    fn finish(&mut self) {
        if !self.repeats.is_empty() {
            self.settle(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{NormalizeOptions, Normalizer};
    use super::*;

    /// Pieces around the decisions the stages hold back: single letters
    /// and short separator runs (spaced-out words), ASCII words with leet
    /// chars, repeated letters and CJK chars, joins next to repeats.
    const PIECES: &[&str] = &[
        "a", "b", "i", "e", "x", "A", "I", "0", "1", "2", "3", "5", "!", "|", "@", "$", "+", " ", "  ", "   ", "-", ".",
        "..", ",", "，", "。", "。。。", "\u{3000}", "\n", "\u{200B}", "机", "密", "哈", "麻", "痹", "一", "機", "Ｉ", "ａ",
        "aa", "xxx", "ee", "goood", "br1be", "b r i b e", "I am", "a b", "5pm", "mp3", "哈哈", "机 密", "p@ss", "$ex", "🧧",
        "é", "і", "⒋", "ﬁ", "ｂ", "０", "abb", "Ab", "aB", "the", "WILL", "ll", "bé",
    ];

    fn passes(text: &str, opts: &NormalizeOptions, buf: &mut Normalizer) -> (String, Vec<u32>) {
        let v = buf.run_passes(text, opts);
        (v.text.to_string(), v.joined.to_vec())
    }

    #[test]
    fn one_pass_gives_what_the_passes_give() {
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let mut buf = Normalizer::new();
        let mut scratch = StreamScratch::default();
        let (mut out, mut joined) = (String::new(), Vec::new());
        let all = NormalizeOptions::default();
        let no_leet = NormalizeOptions { leetspeak: false, ..all };
        let mut decided = 0;
        for round in 0..200_000 {
            let len = next(12);
            let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            let opts = if round % 4 == 0 { &no_leet } else { &all };
            if text_form(&text, opts, &mut out, &mut joined, &mut scratch) {
                decided += 1;
                let (want, want_joined) = passes(&text, opts, &mut buf);
                assert_eq!(out, want, "{text:?} under {opts:?}");
                assert_eq!(joined, want_joined, "join marks of {text:?}");
            }
        }
        // Most of them, or the test would test little.
        assert!(decided > 150_000, "{decided} decided in one pass");
    }

    /// The scanner's texts take the one pass (else it would be no faster).
    #[test]
    fn chat_takes_one_pass() {
        let opts = crate::corpus_gen::GenOptions::new(20_000, 11, crate::corpus_gen::OutputFormat::Jsonl);
        let mut raw = Vec::new();
        crate::corpus_gen::generate(&opts, &mut raw).expect("generate");
        let mut scratch = StreamScratch::default();
        let (mut out, mut joined) = (String::new(), Vec::new());
        let all = NormalizeOptions::default();
        let (mut n, mut decided) = (0, 0);
        for line in String::from_utf8_lossy(&raw).lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json line");
            if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                n += 1;
                decided += usize::from(text_form(t, &all, &mut out, &mut joined, &mut scratch));
            }
        }
        assert!(decided * 100 >= n * 99, "{decided} of {n} texts in one pass");
    }

    #[test]
    fn spaced_out_letters_go_to_the_passes() {
        let mut scratch = StreamScratch::default();
        let (mut out, mut joined) = (String::new(), Vec::new());
        let all = NormalizeOptions::default();
        for t in ["b r i b e", "x a", "pay b-r-i-b-e"] {
            assert!(!text_form(t, &all, &mut out, &mut joined, &mut scratch), "{t:?}");
        }
        for t in ["I am here", "机 密", "br1be", "哈哈哈", "goood AA"] {
            assert!(text_form(t, &all, &mut out, &mut joined, &mut scratch), "{t:?}");
        }
    }
}
