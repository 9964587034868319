//! Case- and width-insensitive substring search that reports spans in the
//! original text.
//!
//! Search highlighting must mark exactly the characters the sender typed,
//! even when the match was found on a folded form (ＶＩＰ for vip). We fold
//! character by character and keep, for every folded char, the byte range of
//! the original char it came from.

use unicode_normalization::UnicodeNormalization;

/// A folded copy of a text with a map back to the original.
pub struct Folded {
    pub chars: Vec<char>,
    /// For each folded char, the byte range of the original char.
    pub origin: Vec<(usize, usize)>,
}

/// Fold one char: NFKC, then lower case. May yield several chars (ﬁ → fi).
fn fold_char(c: char, out: &mut Vec<char>) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for n in std::iter::once(c).nfkc() {
        out.extend(n.to_lowercase());
    }
}

pub fn fold(text: &str) -> Folded {
    let mut chars = Vec::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let mut buf = Vec::new();
    for (i, c) in text.char_indices() {
        buf.clear();
        fold_char(c, &mut buf);
        for &f in &buf {
            chars.push(f);
            origin.push((i, i + c.len_utf8()));
        }
    }
    Folded { chars, origin }
}

/// Fold a needle the same way, as a plain char vector.
pub fn fold_needle(needle: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in needle.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Byte spans in `text` of every non-overlapping occurrence of any needle,
/// sorted and merged.
pub fn find_all(text: &str, needles: &[&str]) -> Vec<(usize, usize)> {
    let hay = fold(text);
    let mut spans = Vec::new();
    for needle in needles {
        let n = fold_needle(needle);
        if n.is_empty() || n.len() > hay.chars.len() {
            continue;
        }
        let mut i = 0;
        while i + n.len() <= hay.chars.len() {
            if hay.chars[i..i + n.len()] == n[..] {
                spans.push((hay.origin[i].0, hay.origin[i + n.len() - 1].1));
                i += n.len();
            } else {
                i += 1;
            }
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fullwidth_and_case_variants_in_original_bytes() {
        let t = "给ＶＩＰ客户的Vip红包";
        let spans = find_all(t, &["vip"]);
        let found: Vec<&str> = spans.iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(found, ["ＶＩＰ", "Vip"]);
    }

    #[test]
    fn chinese_term() {
        let t = "我给你转账了，转账记录";
        let found: Vec<&str> = find_all(t, &["转账"]).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(found, ["转账", "转账"]);
    }
}
