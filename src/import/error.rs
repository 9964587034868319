use std::path::PathBuf;

use crate::store::StoreError;

/// Why an import failed as a whole. Problems with single records are not
/// errors: they are stored as skips and reported (see `SourceWriter::skip`).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{path}: not a chat export Redline can read ({hint}); use --format to force one (see `redline formats`)")]
    Unrecognized { path: PathBuf, hint: String },

    #[error("unknown format {0:?}; `redline formats` lists them")]
    UnknownFormat(String),

    #[error("unknown time zone {0:?}; use an IANA name such as Asia/Shanghai, Europe/London or UTC")]
    BadTimeZone(String),

    /// The file cannot be read as its format at all (not one bad record).
    #[error("{path}:{at}: {message}")]
    Malformed { path: String, at: String, message: String },

    /// An archive tried something an export never needs: escaping paths,
    /// links, or far more data than it claims.
    #[error("{path}: refused archive entry {entry:?}: {reason}")]
    Hostile { path: PathBuf, entry: String, reason: String },

    #[error("import cancelled; nothing of this source was written")]
    Cancelled,

    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    pub fn malformed(path: impl Into<String>, at: impl std::fmt::Display, message: impl Into<String>) -> Self {
        Self::Malformed { path: path.into(), at: at.to_string(), message: message.into() }
    }
}
