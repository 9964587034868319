use std::path::PathBuf;

/// Errors of the evidence store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open workspace {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },

    #[error("this workspace has schema version {found}, but this Redline understands only up to {supported}; use a newer Redline")]
    TooNew { found: i64, supported: i64 },

    #[error("schema migration {version} failed: {source}")]
    Migration { version: i64, source: rusqlite::Error },

    #[error("cancelled")]
    Cancelled,

    #[error("invalid search query: {0}")]
    Query(String),

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
