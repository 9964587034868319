//! Normalisation that defeats common evasion, with a map back to the
//! characters the sender typed.
//!
//! People who know their messages are screened write 機密 for 机密, ＶＩＰ for
//! VIP, 机 密 or 机.密 for 机密, b r i b e, br1be, brіbe with a Cyrillic і,
//! or slip a zero-width space into a word. Message text and rule terms both
//! go through the same pipeline, so a term matches whatever folds to the
//! same form, and every normalised char can tell the byte range of the
//! original char(s) it came from: highlights land on exactly what was sent.
//!
//! Each normalised char also carries [`Steps`] flags: which transformations
//! produced it (or removed something right before it). A match reports the
//! steps its chars needed, minus the steps the term itself needed, which is
//! how a reviewer reads "matched 机密 after removing spaces and a zero-width
//! character".
//!
//! The pipeline is a per-char fold (`fold`) and three passes that need
//! context (`passes`): join separated chars, leetspeak, collapse repeats.
//! It runs in two forms:
//!
//! - [`Normalizer::run`]: the normalised text, into buffers reused from
//!   message to message, with one sparse fact of the map: where separators
//!   were removed (word boundaries depend on it). This is what the scanner
//!   runs on every message: it is all that deciding whether a rule fires
//!   needs. It reads the text once (`stream`: each pass a stage that holds
//!   back only what it has not decided yet), and hands the rare text that
//!   needs more context (a run of spaced-out single letters) to the passes.
//! - [`normalize`]: the text with the offset map and steps of every char,
//!   from the fold and passes over units that carry them. The scanner
//!   builds it only for a message on which a rule fires (about 1.5 % of
//!   chat), to place highlights and report steps.
//!
//! Both share the fold of each char (`fold::Folder`) and the leetspeak
//! decision; the tests compare both with the previous implementation
//! (`reference`) and the one pass with the passes.
//!
//! Cost (1M generated chat messages, 57.9 MB, mostly Chinese; see
//! BENCHMARKS.md, "Scan throughput"): the text form runs at ~255-265 MB/s
//! (the passes over units, its previous form, at ~155), the form with the
//! map at ~95-100 MB/s (16 bytes per char and three vectors per text); the
//! first implementation, a vector per pass and fast2s over every text, ran
//! at ~26 MB/s.

mod chars;
mod fold;
mod passes;
#[cfg(test)]
mod reference;
mod stream;

pub use chars::is_cjk;
pub use passes::is_word;
use passes::{Item, Scratch};


use serde::{Deserialize, Serialize};

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
        // Separators and invisible characters removed *before* a char are
        // recorded on it; before the first char of a match they lie outside
        // it (`，收下` matched 收下 without joining anything).
        let mut s = self.steps[first].minus(Steps::SEPARATORS).minus(Steps::INVISIBLE);
        for st in &self.steps[first + 1..=last] {
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

/// Normalise `text` under `opts`, keeping the offset map.
pub fn normalize(text: &str, opts: &NormalizeOptions) -> Normalized {
    let mut items: Vec<Item> = Vec::with_capacity(text.len());
    run(text, opts, &mut items, &mut Scratch::default());
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

/// The normalised form only, no map (terms, file names, quick checks).
pub fn normalize_str(text: &str, opts: &NormalizeOptions) -> String {
    Normalizer::new().text(text, opts).to_string()
}

/// The whole pipeline, over any kind of unit.
fn run<T: passes::Unit>(text: &str, opts: &NormalizeOptions, units: &mut Vec<T>, scratch: &mut Scratch) {
    let seen = fold::fold(text, opts, units);
    if opts.join_separated {
        passes::join_separated(units, scratch);
    }
    if opts.leetspeak && seen.may_have_leet() {
        passes::apply_leet(units, scratch);
    }
    if opts.collapse_repeats {
        passes::collapse_repeats(units, scratch);
    }
}

/// Normalises many texts without allocating for each: the buffers grow to
/// the longest text seen and are reused. The text is exactly
/// `normalize(text, opts).text`.
#[derive(Debug, Default)]
pub struct Normalizer {
    units: Vec<Lite>,
    scratch: Scratch,
    text: String,
    joined: Vec<u32>,
    stream: stream::StreamScratch,
}

impl Normalizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The normalised form of `text`, valid until the next call.
    pub fn text(&mut self, text: &str, opts: &NormalizeOptions) -> &str {
        self.run(text, opts).text
    }

    /// The normalised form with the one fact of the map that decides
    /// whether a term matches: where separators were removed.
    pub fn run(&mut self, text: &str, opts: &NormalizeOptions) -> NormText<'_> {
        if stream::text_form(text, opts, &mut self.text, &mut self.joined, &mut self.stream) {
            return NormText { text: &self.text, joined: &self.joined };
        }
        self.run_passes(text, opts)
    }

    /// The same through the passes over units (`stream` hands them the texts
    /// it cannot decide alone).
    fn run_passes(&mut self, text: &str, opts: &NormalizeOptions) -> NormText<'_> {
        run(text, opts, &mut self.units, &mut self.scratch);
        self.text.clear();
        self.joined.clear();
        for u in &self.units {
            if u.joined {
                self.joined.push(self.text.len() as u32);
            }
            self.text.push(u.c);
        }
        NormText { text: &self.text, joined: &self.joined }
    }
}

/// A normalised text without its offset map, but with the (sparse) byte
/// offsets of the chars that follow removed separators.
#[derive(Debug, Clone, Copy)]
pub struct NormText<'a> {
    pub text: &'a str,
    joined: &'a [u32],
}

impl NormText<'_> {
    /// Whether separators were removed right before the char at byte `b`
    /// (as `Normalized::steps_at(b)` contains `Steps::SEPARATORS`; `b` is a
    /// char boundary).
    pub fn joined_at(&self, b: usize) -> bool {
        self.joined.binary_search(&(b as u32)).is_ok()
    }
}

/// The unit of the text-only form: a char and whether it carries
/// `Steps::SEPARATORS` (8 bytes; the other steps and offsets are dropped).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Lite {
    pub c: char,
    pub joined: bool,
}

impl passes::Unit for Lite {
    #[inline]
    fn new(c: char, _: u32, _: u32, _: Steps) -> Self {
        // No fold step is SEPARATORS.
        Lite { c, joined: false }
    }
    #[inline]
    fn ch(self) -> char {
        self.c
    }
    #[inline]
    fn set_ch(&mut self, c: char) {
        self.c = c;
    }
    #[inline]
    fn steps(self) -> Steps {
        if self.joined {
            Steps::SEPARATORS
        } else {
            Steps::NONE
        }
    }
    #[inline]
    fn add_steps(&mut self, s: Steps) {
        self.joined |= s.contains(Steps::SEPARATORS);
    }
    #[inline]
    fn extend_to(&mut self, _: Self) {}
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
    fn what_was_removed_before_a_match_is_not_a_step_of_it() {
        for t in ["购物卡，收下吧", "卡 收下", "卡\u{200B}收下"] {
            let n = normalize(t, &NormalizeOptions::default());
            let at = n.text.find("收下").unwrap();
            assert_eq!(n.steps_in(at, at + "收下".len()), Steps::NONE, "{t:?}");
        }
        let n = normalize("卡收 下", &NormalizeOptions::default());
        let at = n.text.find("收下").unwrap();
        assert!(n.steps_in(at, at + "收下".len()).contains(Steps::SEPARATORS));
    }

    #[test]
    fn emoji_stay() {
        assert_eq!(norm("🧧"), "🧧");
        assert_eq!(norm("❤\u{FE0F}"), "❤");
    }
}

