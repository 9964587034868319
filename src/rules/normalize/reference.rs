//! The normaliser as it was before the fast path (commit 01a8acb): one
//! `Vec<Item>` per pass, fast2s over the whole text, NFKC per char when the
//! text is not NFKC. Kept only as the oracle the tests compare the current
//! pipeline with, output and offset map, char by char.

use unicode_normalization::UnicodeNormalization;

use super::chars::{chinese_numeral, decorated_digit, homoglyph, is_cjk, is_invisible, is_separator_unicode, leet};
use super::{NormalizeOptions, Normalized, Steps};

/// One char of the intermediate stream.
#[derive(Clone, Copy)]
struct Item {
    c: char,
    start: u32,
    end: u32,
    steps: Steps,
}

/// Normalise `text` under `opts`, keeping the offset map.
pub(super) fn normalize(text: &str, opts: &NormalizeOptions) -> Normalized {
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
        if is_separator_unicode(items[i].c) {
            let j = (i..n).find(|&k| !is_separator_unicode(items[k].c)).unwrap_or(n);
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
            && (k == 0 || is_separator_unicode(items[k - 1].c))
            && (k + 1 == n || is_separator_unicode(items[k + 1].c))
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
    use super::super::{chars, normalize as current, Normalizer};
    use super::*;

    /// Pieces that exercise every step and the edges between them.
    const PIECES: &[&str] = &[
        "a", "b", "e", "i", "l", "o", "r", "s", "x", "B", "R", "I", "E", "V", "P", "0", "1", "3", "4", "5", "7", "8", "9",
        "2", "!", "|", "@", "$", "+", " ", "  ", "-", ".", ",", "_", "*", "~", "/", "\n", "\t", "\u{3000}", "，", "。",
        "、", "…", "·", "・", "：", "机", "密", "麻", "痹", "哈", "红", "包", "的", "了", "機", "計", "畫", "乾", "隆",
        "著", "看", "藉", "口", "於", "樊", "覆", "答", "發", "個", "紅", "一", "五", "千", "两", "〇", "貳", "Ｖ", "Ｉ",
        "Ｐ", "０", "５", "！", "（", "）", "➃", "⒋", "㈤", "Ⓕ", "❶", "①", "²", "ﬁ", "\u{200B}", "\u{FEFF}", "\u{00AD}",
        "\u{FE0F}", "і", "а", "о", "ο", "α", "е", "\u{0301}", "é", "İ", "ß", "Σ", "ﷺ", "🧧", "❤", "😀", "カ", "ア", "한",
        "𠀀", "豈", "bribe", "b r i b e", "br1be", "goood", "AA", "www", "5pm", "1st", "mp3", "0ff", "crypt0", "hust1e",
        "$ex", "p@ss", "2024", "哈哈哈", "麻。。。痹", "机 密", "机-密",
    ];

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn option_sets() -> Vec<NormalizeOptions> {
        let all = NormalizeOptions::default();
        let none = NormalizeOptions {
            nfkc: false,
            casefold: false,
            traditional_to_simplified: false,
            strip_invisible: false,
            join_separated: false,
            confusables: false,
            leetspeak: false,
            fold_numbers: false,
            collapse_repeats: false,
            pinyin: false,
        };
        let mut sets = vec![all, none];
        for i in 0..9 {
            let mut o = all;
            let field = [
                &mut o.nfkc,
                &mut o.casefold,
                &mut o.traditional_to_simplified,
                &mut o.strip_invisible,
                &mut o.join_separated,
                &mut o.confusables,
                &mut o.leetspeak,
                &mut o.fold_numbers,
                &mut o.collapse_repeats,
            ];
            *field.into_iter().nth(i).expect("nine fields") = false;
            sets.push(o);
        }
        sets
    }

    fn assert_same(text: &str, opts: &NormalizeOptions, buf: &mut Normalizer) {
        let want = normalize(text, opts);
        let got = current(text, opts);
        assert_eq!(got.text, want.text, "text of {text:?} under {opts:?}");
        assert_eq!(got.origin, want.origin, "offsets of {text:?} under {opts:?}");
        assert_eq!(got.steps, want.steps, "steps of {text:?} under {opts:?}");
        assert_eq!(got.char_starts, want.char_starts, "{text:?}");
        let view = buf.run(text, opts);
        assert_eq!(view.text, want.text, "text-only form of {text:?} under {opts:?}");
        for (&at, steps) in want.char_starts.iter().zip(&want.steps) {
            assert_eq!(view.joined_at(at as usize), steps.contains(Steps::SEPARATORS), "joined at {at} in {text:?}");
        }
    }

    #[test]
    fn generated_evasions_normalise_as_before() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut buf = Normalizer::new();
        let sets = option_sets();
        for round in 0..30_000 {
            let len = rng.below(24);
            let text: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            let opts = if round % 3 == 0 { &sets[rng.below(sets.len())] } else { &sets[0] };
            assert_same(&text, opts, &mut buf);
        }
    }

    #[test]
    fn generated_chat_normalises_as_before() {
        let opts = crate::corpus_gen::GenOptions::new(20_000, 7, crate::corpus_gen::OutputFormat::Jsonl);
        let mut out = Vec::new();
        crate::corpus_gen::generate(&opts, &mut out).expect("generate");
        let mut buf = Normalizer::new();
        let all = NormalizeOptions::default();
        let mut n = 0;
        for line in String::from_utf8_lossy(&out).lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json line");
            if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                assert_same(t, &all, &mut buf);
                n += 1;
            }
        }
        assert!(n > 10_000, "{n} texts");
    }

    #[test]
    fn every_bmp_char_folds_as_before() {
        let mut buf = Normalizer::new();
        let all = NormalizeOptions::default();
        for c in (0x80u32..0x10000).filter_map(char::from_u32) {
            // Alone, and between CJK chars (the whole-text NFKC check and fast2s's context).
            assert_same(&c.to_string(), &all, &mut buf);
            assert_same(&format!("机{c}密"), &all, &mut buf);
        }
    }

    #[test]
    fn separator_table_is_exact() {
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            assert_eq!(chars::is_separator(c), is_separator_unicode(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn traditional_in_context_as_before() {
        let mut buf = Normalizer::new();
        let all = NormalizeOptions::default();
        for t in ["企畫 計畫 畫圖 畫畫", "乾隆的乾兒子一邊乾淨", "慰藉 藉口 憑藉", "看著 著作", "樊於期 於是", "答覆 覆蓋", "闔家 鍾書 校讎"] {
            assert_same(t, &all, &mut buf);
        }
    }
}
