//! Turning message text into the token stream of the full-text index, and a
//! user's query into an FTS5 query over it.
//!
//! SQLite's tokenizers cannot serve Chinese: `unicode61` makes a whole run of
//! Han characters one token (so 转账 is not found inside 我给你转账了), and
//! `trigram` cannot answer one- or two-character queries from the index
//! (`../shared/MEASURED.md`: they fall back to a scan). Most Chinese words are
//! two characters, so we do what Lucene's CJK analyzer and pg_bigm do, in
//! Rust, before the text reaches SQLite: a run of CJK characters `c1 c2 … cn`
//! becomes the overlapping bigrams `c1c2 c2c3 … c(n-1)cn` followed by the
//! unigram `cn`. Every character position then starts exactly one token, so
//!
//! * a 1-character query `c` is the prefix query `c*` (served by the
//!   `prefix='1'` index),
//! * a 2-character query is one exact token,
//! * a longer query is the phrase of its bigrams.
//!
//! Everything else (Latin, Cyrillic, digits) is passed through for
//! `unicode61` to split, case-fold and strip of diacritics. Both sides are
//! NFKC-normalised first, so full-width ＡＢＣ and ｱ find their ordinary forms.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// True for the scripts that are written without spaces between words.
#[inline]
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3100..=0x312F    // Bopomofo
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3134F  // Extensions B–H
    )
}

/// How a text can be brought to NFKC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nfkc {
    /// Already normal.
    Normal,
    /// Normal after mapping each char with [`simple_nfkc`].
    CharByChar,
    /// Needs the general algorithm.
    General,
}

/// Chinese chat is rarely NFKC-normal: its punctuation is full-width
/// (，！？：), which NFKC maps to ASCII. Running the general algorithm on
/// such text cost ~9 % of the index build (1M messages, BENCHMARKS.md), so
/// text made only of ASCII, kana, Hangul syllables, CJK ideographs, the
/// ideographic space and full-width ASCII is mapped char by char: none of
/// these composes with a neighbour, and NFKC of full-width `！`…`～` is the
/// ASCII char 0xFEE0 below it and of U+3000 a space.
fn classify(text: &str) -> Nfkc {
    if text.is_ascii() {
        return Nfkc::Normal;
    }
    let mut class = Nfkc::Normal;
    for c in text.chars() {
        match c as u32 {
            0x3000 | 0xFF01..=0xFF5E => class = Nfkc::CharByChar,
            0..=0x7F | 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => {}
            _ => {
                return if is_nfkc_quick(text.chars()) == IsNormalized::Yes { Nfkc::Normal } else { Nfkc::General };
            }
        }
    }
    class
}

/// NFKC of one char of a [`Nfkc::CharByChar`] text.
fn simple_nfkc(c: char) -> char {
    match c as u32 {
        0x3000 => ' ',
        u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// NFKC, skipped for text that is already normal.
pub fn nfkc(text: &str) -> Cow<'_, str> {
    match classify(text) {
        Nfkc::Normal => Cow::Borrowed(text),
        Nfkc::CharByChar => Cow::Owned(text.chars().map(simple_nfkc).collect()),
        Nfkc::General => Cow::Owned(text.nfkc().collect()),
    }
}

/// Append the index form of `text` to `out` (which is not cleared).
pub fn index_text(text: &str, out: &mut String) {
    match classify(text) {
        Nfkc::Normal if text.is_ascii() => out.push_str(text),
        Nfkc::Normal => push_tokens(text.chars(), out),
        Nfkc::CharByChar => push_tokens(text.chars().map(simple_nfkc), out),
        Nfkc::General => push_tokens(text.nfkc(), out),
    }
}

/// Write the bigrams of each CJK run as the chars stream by (no buffer per
/// run): ` c1c2 c2c3 … cn ` — a space, each pair and the final unigram.
fn push_tokens(chars: impl Iterator<Item = char>, out: &mut String) {
    let mut prev: Option<char> = None;
    for c in chars {
        if is_cjk(c) {
            match prev {
                Some(p) => {
                    out.push(p);
                    out.push(c);
                    out.push(' ');
                }
                None => out.push(' '),
            }
            prev = Some(c);
        } else {
            if let Some(p) = prev.take() {
                out.push(p);
                out.push(' ');
            }
            out.push(c);
        }
    }
    if let Some(p) = prev {
        out.push(p);
        out.push(' ');
    }
}

/// The index form of `text` as a new string.
pub fn index_string(text: &str) -> String {
    let mut s = String::with_capacity(text.len() * 2);
    index_text(text, &mut s);
    s
}

/// One term of a user's query: a word, or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// The term as the user typed it (without quotes), for highlighting.
    pub text: String,
    /// True when the user ended the term with `*`.
    pub prefix: bool,
}

/// Split a query into terms: whitespace separates terms, `"…"` groups a
/// phrase, a trailing `*` asks for a prefix match. All terms must match.
pub fn parse_query(query: &str) -> Vec<QueryTerm> {
    let mut terms = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        if c == '"' {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                text.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        let prefix = text.ends_with('*');
        let text = text.trim_end_matches('*').trim().to_string();
        if !text.is_empty() {
            terms.push(QueryTerm { text, prefix });
        }
    }
    terms
}

/// The FTS5 MATCH expression for one term, or `None` when the term has
/// nothing the index can look for (only punctuation).
pub fn term_to_fts(term: &QueryTerm) -> Option<String> {
    let text = nfkc(&term.text);
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = String::new();
    let mut prefix = term.prefix;
    let mut i = 0;
    while i < chars.len() {
        if !is_cjk(chars[i]) {
            tokens.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_cjk(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        let at_end = i == chars.len();
        tokens.push(' ');
        if run.len() == 1 {
            tokens.push(run[0]);
            // At the end of the term the text's run may go on: c is then the
            // first half of a bigram, so ask for the prefix.
            if at_end {
                prefix = true;
            }
        } else {
            for pair in run.windows(2) {
                tokens.push(pair[0]);
                tokens.push(pair[1]);
                tokens.push(' ');
            }
            // Inside the term the run ends here in the text too, so its final
            // unigram is in the index; at the end the text's run may continue.
            if !at_end {
                tokens.push(run[run.len() - 1]);
            }
        }
        tokens.push(' ');
    }
    if !tokens.chars().any(char::is_alphanumeric) {
        return None;
    }
    let quoted = format!("\"{}\"", tokens.trim().replace('"', "\"\""));
    Some(if prefix { format!("{quoted} *") } else { quoted })
}

/// The FTS5 MATCH expression for a whole query (terms ANDed), or `None` when
/// no term is searchable.
pub fn query_to_fts(query: &str) -> Option<String> {
    let parts: Vec<String> = parse_query(query).iter().filter_map(term_to_fts).collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" AND "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_become_bigrams_and_a_final_unigram() {
        assert_eq!(index_string("我给你转账了").split_whitespace().collect::<Vec<_>>(), [
            "我给", "给你", "你转", "转账", "账了", "了"
        ]);
    }

    #[test]
    fn latin_passes_through_and_is_separated_from_cjk() {
        assert_eq!(index_string("iPhone转账ok").split_whitespace().collect::<Vec<_>>(), [
            "iPhone", "转账", "账", "ok"
        ]);
    }

    /// The index form as first written: NFKC, then runs collected and split.
    fn reference_index_string(text: &str) -> String {
        let text: String = text.nfkc().collect();
        let mut out = String::new();
        let mut run: Vec<char> = Vec::new();
        let flush = |run: &mut Vec<char>, out: &mut String| {
            if !run.is_empty() {
                out.push(' ');
                for pair in run.windows(2) {
                    out.extend([pair[0], pair[1], ' ']);
                }
                out.extend([run[run.len() - 1], ' ']);
                run.clear();
            }
        };
        for c in text.chars() {
            if is_cjk(c) {
                run.push(c);
            } else {
                flush(&mut run, &mut out);
                out.push(c);
            }
        }
        flush(&mut run, &mut out);
        out
    }

    #[test]
    fn streamed_tokens_match_the_reference_on_generated_chat() {
        use crate::corpus_gen::{generate, GenOptions, OutputFormat};
        let mut jsonl = Vec::new();
        generate(&GenOptions::new(3000, 4, OutputFormat::Jsonl), &mut jsonl).unwrap();
        let extra = ["", "转", "a转b", "ｶﾀｶﾅ转账ｶ", "e\u{301}转账", "中文　全角　空格", "한국어가\u{11A8}"];
        let texts = String::from_utf8(jsonl).unwrap();
        let generated = texts.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string());
        for text in generated.chain(extra.iter().map(|s| s.to_string())) {
            assert_eq!(index_string(&text), reference_index_string(&text), "{text:?}");
        }
    }

    #[test]
    fn nfkc_shortcut_agrees_with_the_general_algorithm() {
        let samples = [
            "我给你转账了，好吗？ＶＩＰ！　ok～",
            "ｶﾀｶﾅ and ｱ are half-width",
            "が and か\u{3099} and 가\u{11A8}",
            "e\u{301} café ﬁ ①",
            "１２３，４５６。【内部】“引号”",
            "한국어 텍스트, ひらがな, カタカナ",
            "\u{3000}全角空格\u{3000}",
            "ＡＢＣ\u{301}",
        ];
        for s in samples {
            let general: String = s.nfkc().collect();
            assert_eq!(nfkc(s), general, "{s:?}");
        }
        // Every char of the shortcut's ranges, alone and before a combining mark.
        let ranges = [0x20..0x7F, 0x3000..0x3001, 0x3041..0x3097, 0x30A1..0x30FB, 0x4E00..0x4E80, 0xAC00..0xAC80, 0xFF01..0xFF5F];
        for u in ranges.into_iter().flatten() {
            let c = char::from_u32(u).unwrap();
            for s in [format!("中{c}文"), format!("中{c}\u{301}")] {
                let general: String = s.nfkc().collect();
                assert_eq!(nfkc(&s), general, "U+{u:04X}");
            }
        }
    }

    #[test]
    fn fullwidth_is_folded() {
        assert_eq!(index_string("ＶＩＰ"), "VIP");
    }

    #[test]
    fn query_forms() {
        let q = |s: &str| query_to_fts(s).unwrap();
        assert_eq!(q("红"), "\"红\" *");
        assert_eq!(q("红包"), "\"红包\"");
        assert_eq!(q("内部文件"), "\"内部 部文 文件\"");
        assert_eq!(q("bribe"), "\"bribe\"");
        assert_eq!(q("brib*"), "\"brib\" *");
        assert_eq!(q("转账b"), "\"转账 账 b\"");
        assert_eq!(q("b转"), "\"b 转\" *");
        assert_eq!(q("红包 \"side job\""), "\"红包\" AND \"side job\"");
        assert_eq!(query_to_fts("!!!"), None);
    }

    #[test]
    fn quotes_in_terms_are_escaped() {
        assert_eq!(term_to_fts(&QueryTerm { text: "a\"b".into(), prefix: false }).unwrap(), "\"a\"\"b\"");
    }
}
