//! The evidence store: one SQLite file per workspace.
//!
//! The store owns every table; other modules go through its functions. It
//! opens the file in WAL mode with foreign keys on, migrates the schema, and
//! hands out a [`SourceWriter`] that writes one source in one transaction, so
//! that an import killed half-way leaves the file exactly as it was before.

mod error;
pub mod fts;
pub mod fts_tokens;
pub mod migrations;
pub mod queries;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use error::StoreError;
pub use writer::{SourceMeta, SourceSummary, SourceWriter};

/// An open workspace.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the workspace at `path` and bring its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Open { path: path.clone(), source: e })?;
        Self::configure(&conn).map_err(|e| match e {
            StoreError::Sqlite(source) => StoreError::Open { path: path.clone(), source },
            other => other,
        })?;
        let mut store = Self { conn, path };
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    fn configure(conn: &Connection) -> Result<(), StoreError> {
        // The file must really be SQLite before we change anything in it.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // 16 KiB pages for a new file (ignored for an existing one): fewer,
        // wider B-tree pages made the import of 1M messages 8 % cheaper in
        // CPU than 4 KiB (BENCHMARKS.md); index build and search unchanged.
        // It must precede WAL mode, which fixes the page size.
        conn.execute_batch("PRAGMA page_size = 16384;")?;
        // WAL: readers (the review UI) never wait for an import or index build.
        // synchronous=NORMAL in WAL mode is durable at each checkpoint and
        // never corrupts; a crash can lose only the last transaction, which
        // the import then redoes (sources are idempotent by hash).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -65536;",
        )?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of this workspace (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrations::current_version(&self.conn)
    }

    /// Read-only access for queries that live in other modules' tests and
    /// tools (e.g. `sqlite3`-style inspection). Writes go through the store's
    /// own functions.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Start writing one source. Everything written through the returned
    /// writer is committed by [`SourceWriter::finish`] and rolled back if the
    /// writer is dropped without it.
    pub fn begin_source(&mut self, meta: SourceMeta) -> Result<SourceWriter<'_>, StoreError> {
        SourceWriter::begin(&mut self.conn, meta)
    }

    pub(crate) fn meta_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}
