//! Helpers shared by the integration tests: a fresh workspace in a temporary
//! folder, importing into it, and finding the shared corpus.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use redline::import::{import_path, ImportOptions, ImportOutcome};
use redline::store::{SourceSummary, Store};
use tempfile::TempDir;

/// A real workspace file in a temporary folder (removed on drop).
pub struct Workspace {
    pub dir: TempDir,
    pub store: Store,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path().join("test.db")).expect("open store");
        Self { dir, store }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("test.db")
    }

    /// Import a path that must import as exactly one source; panics with the
    /// error otherwise. `tz` defaults to UTC so tests do not depend on the machine.
    pub fn import_one(&mut self, path: &Path, tz: Option<&str>, format: Option<&str>) -> SourceSummary {
        let opts = ImportOptions { format: format.map(str::to_string), tz: Some(tz.unwrap_or("UTC").to_string()), ..Default::default() };
        let mut results = import_path(&mut self.store, path, &opts);
        assert_eq!(results.len(), 1, "{} should be one source, got {results:?}", path.display());
        match results.remove(0).result {
            Ok(ImportOutcome::Imported(s)) => s,
            other => panic!("{}: expected an import, got {other:?}", path.display()),
        }
    }

    /// Import and return every per-source result.
    pub fn import_all(&mut self, path: &Path, tz: Option<&str>) -> Vec<redline::import::SourceResult> {
        let opts = ImportOptions { format: None, tz: Some(tz.unwrap_or("UTC").to_string()), ..Default::default() };
        import_path(&mut self.store, path, &opts)
    }
}

/// A fixture under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// The shared corpus (REDLINE_CORPUS), or None with a printed note so the
/// skip is visible in the test output.
pub fn corpus(test: &str) -> Option<PathBuf> {
    match std::env::var_os("REDLINE_CORPUS").map(PathBuf::from) {
        Some(p) if p.is_dir() => Some(p),
        _ => {
            eprintln!("note: {test}: REDLINE_CORPUS is not set (or not a folder); skipping the corpus checks");
            None
        }
    }
}

/// The `extra` JSON of a stored message (`Null` when it has none).
pub fn extra(store: &Store, message_id: i64) -> serde_json::Value {
    let raw: Option<String> =
        store.conn().query_row("SELECT extra FROM messages WHERE id = ?1", [message_id], |r| r.get(0)).expect("extra");
    raw.map(|s| serde_json::from_str(&s).expect("extra is JSON")).unwrap_or(serde_json::Value::Null)
}

/// A workspace with the review fixture imported, scanned with the review
/// test pack and grouped into cases.
pub fn review_workspace() -> Workspace {
    let mut ws = Workspace::new();
    ws.import_one(&fixture("review/chats.jsonl"), Some("Asia/Shanghai"), None);
    scan_fixture_pack(&mut ws);
    api(&mut ws, "alice", redline::api::Request::Regroup);
    ws
}

/// Scan with the review test pack (or a given pack file).
pub fn scan_fixture_pack(ws: &mut Workspace) -> redline::scan::ScanSummary {
    scan_pack(ws, &fixture("review/pack.toml"))
}

pub fn scan_pack(ws: &mut Workspace, pack: &Path) -> redline::scan::ScanSummary {
    let sources = redline::rules::load(&[pack.to_path_buf()]).expect("pack loads");
    let mut set = redline::rules::RuleSet::compile(&sources).expect("pack compiles");
    redline::scan::scan_as(&mut ws.store, &mut set, &sources, "alice", |_, _| {}).expect("scan")
}

/// Call the API as `actor`, panicking with the error.
pub fn api(ws: &mut Workspace, actor: &str, req: redline::api::Request) -> redline::api::Response {
    match redline::api::handle(&mut ws.store, actor, req.clone()) {
        Ok(r) => r,
        Err(e) => panic!("{req:?} as {actor}: {} ({})", e.message, e.code),
    }
}

/// Call the API expecting an error; returns its code.
pub fn api_err(ws: &mut Workspace, actor: &str, req: redline::api::Request) -> String {
    match redline::api::handle(&mut ws.store, actor, req.clone()) {
        Ok(r) => panic!("{req:?} as {actor} should fail, got {r:?}"),
        Err(e) => e.code,
    }
}
