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
//! * `key_filter` passes the texts that may contain a pattern that wakes
//!   a rule, before any automaton looks at them;
//! * [`examples`] runs each rule's own `must_match` / `must_not_match`;
//! * [`eval`] measures precision and recall on a labelled set.

pub mod eval;
pub mod examples;
mod key_filter;
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

/// The packs a workspace scans with: the given packs (default: the built-in
/// ones), plus every pack in the workspace's `rules/` folder (next to the
/// database file). A workspace pack with the id of an earlier one replaces it,
/// so a team can adapt a shipped pack without editing it.
pub fn for_workspace(explicit: &[PathBuf], db_path: &Path) -> Result<Vec<PackSource>, RuleError> {
    let mut packs = if explicit.is_empty() { builtin()? } else { load(explicit)? };
    let folder = db_path.parent().map(|d| d.join("rules")).unwrap_or_else(|| PathBuf::from("rules"));
    if folder.is_dir() {
        for p in load(&[folder])? {
            let id = p.file.pack.id.get_ref().clone();
            match packs.iter().position(|q| *q.file.pack.id.get_ref() == id) {
                Some(i) => packs[i] = p,
                None => packs.push(p),
            }
        }
    }
    Ok(packs)
}
