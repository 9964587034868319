//! Numbered schema migrations.
//!
//! The workspace file is the product: anyone can open it with `sqlite3` and
//! read the tables. Each migration runs in one transaction together with the
//! bump of `PRAGMA user_version`, so a database is always at exactly one
//! version. A database written by a newer Redline refuses to open here rather
//! than being half-understood.

use rusqlite::Connection;

use super::StoreError;

/// One step of the schema. `sql` may hold several statements.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. Append only: never edit a released one.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "evidence store: sources, conversations, participants, messages, attachments, full-text index",
    sql: include_str!("sql/0001_evidence.sql"),
}, Migration {
    version: 2,
    name: "scanning: rule packs, scans, hits",
    sql: include_str!("sql/0002_scan.sql"),
}, Migration {
    version: 3,
    name: "review: reviewers, cases, annotations, quality assurance, audit trail",
    sql: include_str!("sql/0003_review.sql"),
}];

/// The version this binary writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

pub fn current_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Bring the schema up to date; returns the versions applied.
pub fn migrate(conn: &mut Connection) -> Result<Vec<i64>, StoreError> {
    let current = current_version(conn)?;
    let latest = latest_version();
    if current > latest {
        return Err(StoreError::TooNew { found: current, supported: latest });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql).map_err(|e| StoreError::Migration { version: m.version, source: e })?;
        tx.execute(
            "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![m.version, m.name, chrono::Utc::now().to_rfc3339()],
        )?;
        // PRAGMA cannot take a bound parameter; the value is our own constant.
        tx.execute_batch(&format!("PRAGMA user_version = {}", m.version))?;
        tx.commit()?;
        applied.push(m.version);
    }
    Ok(applied)
}
