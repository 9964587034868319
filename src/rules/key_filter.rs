//! A check cheaper than any automaton that most texts fail: before the wake
//! automaton runs, is there any chance one of its patterns occurs?
//!
//! Each pattern gets one key that every occurrence of it contains: the pair
//! of adjacent chars in it that is rarest in a sample of texts (a pattern of
//! one char is its own key). A text that contains no key contains no
//! pattern. Keys are hashed into a bitset of 2^20 bits (128 KiB: the
//! automaton it spares a look at is 3.7 MB), so the check is a hash and a
//! bit per char, with no dependency from one char to the next, where the
//! automaton follows a chain of state look-ups through memory. A hash
//! collision only lets a text through to the automaton, which decides.
//!
//! On 1M generated messages (BENCHMARKS.md, "Scan throughput") about a third
//! of the text passes (English more often: its letter pairs are all
//! common), and the automaton then runs on that third only.

use std::collections::HashMap;

const PAIR_BITS: u32 = 20;
const CHAR_BITS: u32 = 16;

/// Pairs and single chars, hashed.
#[derive(Debug, Clone)]
pub(super) struct KeyFilter {
    pairs: Vec<u64>,
    singles: Vec<u64>,
    has_singles: bool,
}

impl KeyFilter {
    /// Keys for `patterns` (normalised, non-empty), each pair chosen by how
    /// many of the `sample` texts (normalised) contain it. None if a pattern
    /// is empty (it would occur in every text).
    pub(super) fn build(patterns: &[&str], sample: &[&str]) -> Option<KeyFilter> {
        let mut counts: HashMap<(char, char), u32> = HashMap::new();
        for p in patterns {
            let chars: Vec<char> = p.chars().collect();
            for w in chars.windows(2) {
                counts.insert((w[0], w[1]), 0);
            }
        }
        let mut seen: Vec<(char, char)> = Vec::new();
        for text in sample {
            seen.clear();
            let mut prev = None;
            for c in text.chars() {
                if let Some(p) = prev {
                    if counts.contains_key(&(p, c)) && !seen.contains(&(p, c)) {
                        seen.push((p, c));
                    }
                }
                prev = Some(c);
            }
            for key in &seen {
                if let Some(n) = counts.get_mut(key) {
                    *n += 1;
                }
            }
        }
        let mut filter = KeyFilter {
            pairs: vec![0; 1 << (PAIR_BITS - 6)],
            singles: vec![0; 1 << (CHAR_BITS - 6)],
            has_singles: false,
        };
        for p in patterns {
            let chars: Vec<char> = p.chars().collect();
            match chars.as_slice() {
                [] => return None,
                [c] => {
                    set(&mut filter.singles, char_hash(*c));
                    filter.has_singles = true;
                }
                _ => {
                    let rarest = chars
                        .windows(2)
                        .min_by_key(|w| counts.get(&(w[0], w[1])).copied().unwrap_or(0))
                        .map(|w| (w[0], w[1]));
                    if let Some((a, b)) = rarest {
                        set(&mut filter.pairs, pair_hash(a, b));
                    }
                }
            }
        }
        Some(filter)
    }

    /// False only if no pattern occurs in `text`.
    #[inline]
    pub(super) fn may_match(&self, text: &str) -> bool {
        let mut chars = text.chars();
        let Some(mut prev) = chars.next() else { return false };
        if self.has_singles && get(&self.singles, char_hash(prev)) {
            return true;
        }
        for c in chars {
            if get(&self.pairs, pair_hash(prev, c)) || (self.has_singles && get(&self.singles, char_hash(c))) {
                return true;
            }
            prev = c;
        }
        false
    }
}

#[inline]
fn pair_hash(a: char, b: char) -> usize {
    let x = (u64::from(a as u32) << 21 | u64::from(b as u32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> (64 - PAIR_BITS)) as usize
}

#[inline]
fn char_hash(c: char) -> usize {
    let x = u64::from(c as u32).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> (64 - CHAR_BITS)) as usize
}

#[inline]
fn set(bits: &mut [u64], h: usize) {
    bits[h >> 6] |= 1 << (h & 63);
}

#[inline]
fn get(bits: &[u64], h: usize) -> bool {
    bits[h >> 6] & (1 << (h & 63)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_with_a_pattern_always_passes() {
        let patterns = ["回扣", "个点", "thanks", "嫖", "🧧红包", "av"];
        let sample = ["我们去酒店", "thanks a lot", "三个点位"];
        let f = KeyFilter::build(&patterns, &sample).expect("filter");
        for p in patterns {
            for text in [p.to_string(), format!("前面{p}后面"), format!("x{p}"), format!("{p}。")] {
                assert!(f.may_match(&text), "{text:?}");
            }
        }
        assert!(!f.may_match(""));
        assert!(KeyFilter::build(&["a", ""], &[]).is_none());
    }

    #[test]
    fn texts_without_a_key_fail() {
        // 好处费: neither pair occurs in the sample, the first is its key.
        let f = KeyFilter::build(&["回扣", "好处费"], &["处理好了"]).expect("filter");
        assert!(f.may_match("好处") && !f.may_match("处费"));
        for text in ["明天开会", "the report is ready", "回 扣", "好的"] {
            assert!(!f.may_match(text), "{text:?}");
        }
    }
}
