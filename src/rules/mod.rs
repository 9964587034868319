//! Red-line rule packs and matching.
//!
//! This module is pure: packs in, matches out, no SQL. The scanner
//! (`crate::scan`) runs it over the store and owns the hits tables.
//!
//! * [`pack`] reads TOML packs with source positions;
//! * [`query`] parses the eDiscovery-style rule language;
//! * [`normalize`] folds evasions and maps offsets back to the original;
//! * [`matcher`] compiles every loaded pack into one automaton per
//!   normalisation setting and evaluates rules on messages;
//! * [`examples`] runs each rule's own `must_match` / `must_not_match`.

pub mod examples;
pub mod matcher;
pub mod normalize;
pub mod pack;
pub mod query;

use std::path::{Path, PathBuf};

pub use matcher::{Evidence, MessageView, RuleMatch, RuleSet};
pub use pack::{PackSource, Severity};

/// Errors in rule packs, with the position in the pack file.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{}:{line}:{column}: {message}\n  hint: {hint}", path.display())]
    Invalid { path: PathBuf, line: usize, column: usize, message: String, hint: String },

    #[error("cannot build the term automaton: {0}")]
    Automaton(String),
}

/// The packs shipped with Redline (`rules/` in the source tree), compiled in.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("eight-red-lines.toml", include_str!("../../rules/eight-red-lines.toml")),
    ("financial-comms.toml", include_str!("../../rules/financial-comms.toml")),
];

/// Load packs from files and folders.
pub fn load(paths: &[PathBuf]) -> Result<Vec<PackSource>, RuleError> {
    pack::pack_paths(paths)?.iter().map(|p| pack::read_pack(p)).collect()
}

/// The built-in packs, parsed (their path is shown as `builtin:NAME`).
pub fn builtin() -> Result<Vec<PackSource>, RuleError> {
    BUILTIN_PACKS.iter().map(|(name, src)| pack::parse_pack(Path::new(&format!("builtin:{name}")), src)).collect()
}
