//! Rule packs: TOML files with a documented schema (`rules/README.md`).
//!
//! Loading keeps source positions (`toml::Spanned`) for every field that can
//! be wrong in a way TOML itself cannot see (a query's syntax, a regex, a
//! duplicate id), so `redline rules check` can say `file:line:column` with a
//! hint, the way a compiler does.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::normalize::NormalizeOptions;
use super::RuleError;
use crate::model::MessageKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Text in English and Simplified Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackHeader,
    #[serde(rename = "red_line", default)]
    pub red_lines: Vec<RedLineDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    pub id: Spanned<String>,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub normalize: NormalizeOptions,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedLineDef {
    pub id: Spanned<String>,
    pub title: Localized,
    #[serde(default)]
    pub description: Option<Localized>,
    pub severity: Severity,
    #[serde(rename = "rule", default)]
    pub rules: Vec<RuleDef>,
}

/// One rule. Every condition present must hold; `unless` suppresses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A query in the rule language.
    #[serde(default)]
    pub query: Option<Spanned<String>>,
    /// Shorthand for `query = "a OR b OR …"`: literal terms (wildcards allowed).
    #[serde(default)]
    pub terms: Option<Spanned<Vec<String>>>,
    /// Regular expressions over the normalised text (any one must match).
    #[serde(default)]
    pub regex: Option<Spanned<Vec<String>>>,
    /// A query that, when it matches, suppresses the rule (known false positives).
    #[serde(default)]
    pub unless: Option<Spanned<String>>,
    /// Message kinds (`transfer`, `red_packet`, `image`, …).
    #[serde(default)]
    pub kinds: Option<Vec<MessageKind>>,
    #[serde(default)]
    pub amount_min: Option<f64>,
    #[serde(default)]
    pub amount_max: Option<f64>,
    /// Attachment file-name globs (`*.xlsx`, `*内部*`), case-insensitive.
    #[serde(default)]
    pub attachment_names: Option<Vec<String>>,
    /// Sender external ids or display names.
    #[serde(default)]
    pub senders: Option<Vec<String>>,
    /// Conversation external ids or titles.
    #[serde(default)]
    pub conversations: Option<Vec<String>>,
    /// Only messages at or after this instant (RFC 3339 or YYYY-MM-DD).
    #[serde(default)]
    pub after: Option<Spanned<String>>,
    #[serde(default)]
    pub before: Option<Spanned<String>>,
    /// Local hours of the sender's clock, `"22-06"` (wraps midnight).
    #[serde(default)]
    pub hours: Option<Spanned<String>>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub must_match: Vec<Example>,
    #[serde(default)]
    pub must_not_match: Vec<Example>,
}

/// A rule's own example: a text, or a message with metadata.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    Message(ExampleMessage),
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleMessage {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub kind: Option<MessageKind>,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default)]
    pub conversation: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

impl Example {
    pub fn message(&self) -> ExampleMessage {
        match self {
            Example::Text(t) => ExampleMessage { text: t.clone(), ..Default::default() },
            Example::Message(m) => m.clone(),
        }
    }
}

/// A pack as loaded from a file, with its source for positions.
#[derive(Debug, Clone)]
pub struct PackSource {
    pub path: PathBuf,
    pub source: String,
    pub file: PackFile,
    /// SHA-256 of the file's bytes: a changed pack is rescanned.
    pub sha256: String,
}

impl PackSource {
    /// `line:column` (1-based) of a byte offset in the file.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        line_col(&self.source, offset)
    }

    /// A located error at a byte offset.
    pub fn error_at(&self, offset: usize, message: impl Into<String>, hint: impl Into<String>) -> RuleError {
        let (line, column) = self.position(offset);
        RuleError::Invalid { path: self.path.clone(), line, column, message: message.into(), hint: hint.into() }
    }
}

pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// Read and parse one pack file (syntax and schema; semantics are checked by compiling).
pub fn read_pack(path: &Path) -> Result<PackSource, RuleError> {
    let bytes = std::fs::read(path).map_err(|e| RuleError::Io { path: path.into(), source: e })?;
    let source = String::from_utf8(bytes).map_err(|e| RuleError::Invalid {
        path: path.into(),
        line: 1,
        column: 1,
        message: format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        hint: "save the pack as UTF-8".into(),
    })?;
    parse_pack(path, &source)
}

/// Parse a pack from its text; `path` is used in messages.
pub fn parse_pack(path: &Path, source: &str) -> Result<PackSource, RuleError> {
    let sha256 = crate::import::tree::sha256_reader(source.as_bytes()).map(|(_, h)| h).unwrap_or_default();
    let source = source.to_string();
    let file: PackFile = toml::from_str(&source).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(&source, s.start)).unwrap_or((1, 1));
        RuleError::Invalid {
            path: path.into(),
            line,
            column,
            message: e.message().to_string(),
            hint: "see rules/README.md for the pack schema".into(),
        }
    })?;
    Ok(PackSource { path: path.into(), source, file, sha256 })
}

/// Pack files under the given paths: a file is taken as is, a folder gives
/// its `*.toml` files (not recursive), sorted.
pub fn pack_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, RuleError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|e| RuleError::Io { path: p.clone(), source: e })?;
            let mut files: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            out.extend(files);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(RuleError::Io {
                path: p.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such rule pack"),
            });
        }
    }
    Ok(out)
}
