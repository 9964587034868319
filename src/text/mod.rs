//! Text utilities shared by search highlighting and (later) rule matching.
//!
//! Offsets inside Rust are byte offsets into the original UTF-8 text. The UI
//! (JavaScript strings) needs UTF-16 code-unit offsets; [`utf16`] is the one
//! place that converts between them.

pub mod fold;
pub mod utf16;
