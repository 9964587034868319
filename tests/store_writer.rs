//! The source writer's bulk-import shortcuts leave the workspace exactly as
//! a plain insert would: indexes in place, foreign keys consistent, pragmas
//! restored — after a commit and after a rollback.

mod util;

use redline::corpus_gen::{self, GenOptions, OutputFormat};
use redline::model::{Locator, MessageKind, MessageRecord};
use redline::store::{SourceMeta, Store};
use util::Workspace;

const INDEXES: [&str; 3] = ["attachments_by_message", "messages_by_conversation", "messages_by_sender"];

fn indexes(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('messages', 'attachments') ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn pragma(store: &Store, name: &str) -> i64 {
    store.conn().query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
}

fn meta(size_bytes: u64, sha256: &str) -> SourceMeta {
    SourceMeta {
        path: "/exports/big.jsonl".into(),
        format: "jsonl".into(),
        platform: "generic".into(),
        size_bytes,
        sha256: sha256.into(),
        importer_version: "test".into(),
        time_zone: "UTC".into(),
    }
}

fn message(conversation: &str, n: u64) -> MessageRecord {
    let mut m = MessageRecord::new(conversation, MessageKind::Text, format!("第{n}条消息"), Locator::line("big.jsonl", n));
    m.sender = Some(format!("user{}", n % 3));
    m.external_id = Some(format!("m{n}"));
    m
}

#[test]
fn bulk_import_into_an_empty_workspace_keeps_indexes_keys_and_pragmas() {
    let mut ws = Workspace::new();
    let path = ws.dir.path().join("bulk.jsonl");
    // ~1.1 MB: large enough for the writer to rebuild the indexes at the end.
    let generated = corpus_gen::generate_file(&GenOptions::new(5_000, 11, OutputFormat::Jsonl), &path).unwrap();
    let s = ws.import_one(&path, None, None);
    assert_eq!(s.messages, 5_000);
    assert_eq!(s.skipped, 0);
    assert_eq!(s.attachments, generated.kinds["image"] + generated.kinds["file"] + generated.kinds["voice"]);
    assert_eq!(indexes(&ws.store), INDEXES);
    assert_eq!(pragma(&ws.store, "foreign_keys"), 1);
    assert_eq!(pragma(&ws.store, "temp_store"), 2);
    let fk_violations: i64 =
        ws.store.conn().query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(fk_violations, 0);
    let check: String = ws.store.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    // The rebuilt index serves the timeline query.
    let plan: String = ws
        .store
        .conn()
        .query_row("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE conversation_id = 1 ORDER BY ts_utc_ms", [], |r| r.get(3))
        .unwrap();
    assert!(plan.contains("messages_by_conversation"), "{plan}");
}

#[test]
fn an_abandoned_bulk_import_leaves_the_workspace_as_it_was() {
    let mut ws = Workspace::new();
    {
        let mut w = ws.store.begin_source(meta(50 << 20, "aa")).unwrap();
        for n in 1..=100 {
            w.message(&message("group", n)).unwrap();
        }
        // dropped without finish()
    }
    assert_eq!(ws.store.totals().unwrap().messages, 0);
    assert_eq!(ws.store.totals().unwrap().sources, 0);
    assert_eq!(indexes(&ws.store), INDEXES);
    assert_eq!(pragma(&ws.store, "foreign_keys"), 1);
    assert_eq!(pragma(&ws.store, "temp_store"), 2);
}

#[test]
fn looking_up_an_earlier_message_during_a_bulk_import_works() {
    let mut ws = Workspace::new();
    let mut w = ws.store.begin_source(meta(50 << 20, "bb")).unwrap();
    let mut ids = Vec::new();
    for n in 1..=50 {
        ids.push(w.message(&message(if n % 2 == 0 { "even" } else { "odd" }, n)).unwrap());
    }
    assert_eq!(w.message_id_by_external("even", "m10").unwrap(), Some(ids[9]));
    assert_eq!(w.message_id_by_external("odd", "m10").unwrap(), None);
    // Writing goes on after the look-up.
    w.message(&message("odd", 51)).unwrap();
    let s = w.finish("test").unwrap();
    assert_eq!(s.messages, 51);
    assert_eq!(indexes(&ws.store), INDEXES);
    assert_eq!(ws.store.messages_of_source(s.source_id).unwrap()[50].text, "第51条消息");
}
