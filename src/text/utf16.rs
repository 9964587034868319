//! The one place where byte offsets become UTF-16 offsets.
//!
//! Rust slices strings by byte; JavaScript indexes them by UTF-16 code unit.
//! A highlight computed on bytes and handed to the UI unconverted lands on
//! the wrong characters as soon as the text holds Chinese or emoji, so every
//! span that leaves the library goes through here.

use serde::{Deserialize, Serialize};

/// A half-open range `[start, end)` of UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Utf16Span {
    pub start: usize,
    pub end: usize,
}

/// UTF-16 offset of byte offset `byte` in `text`. `byte` must be on a char
/// boundary (or `text.len()`); otherwise it is rounded down to one.
pub fn utf16_offset(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text[..b].chars().map(char::len_utf16).sum()
}

/// Convert byte spans (sorted or not) into UTF-16 spans.
pub fn to_utf16_spans(text: &str, spans: &[(usize, usize)]) -> Vec<Utf16Span> {
    spans
        .iter()
        .map(|&(s, e)| Utf16Span { start: utf16_offset(text, s), end: utf16_offset(text, e) })
        .collect()
}

/// Byte offset of UTF-16 offset `unit` in `text` (rounded down to a char start).
pub fn byte_offset(text: &str, unit: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > unit {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_emoji() {
        let t = "a红😀b";
        // bytes: a=0, 红=1..4, 😀=4..8, b=8
        assert_eq!(utf16_offset(t, 1), 1);
        assert_eq!(utf16_offset(t, 4), 2);
        assert_eq!(utf16_offset(t, 8), 4);
        assert_eq!(byte_offset(t, 4), 8);
        assert_eq!(byte_offset(t, 2), 4);
        assert_eq!(to_utf16_spans(t, &[(1, 4)]), vec![Utf16Span { start: 1, end: 2 }]);
    }
}
