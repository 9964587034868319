//! The generated corpus imports cleanly through the generic importers: every
//! message stored, none skipped, kinds and attachments as generated, and its
//! red-line material findable.

mod util;

use redline::corpus_gen::{self, GenOptions, OutputFormat};
use util::Workspace;

fn roundtrip(format: OutputFormat, file: &str) {
    let mut ws = Workspace::new();
    let path = ws.dir.path().join(file);
    let opts = GenOptions { conversations: 12, ..GenOptions::new(3_000, 21, format) };
    let generated = corpus_gen::generate_file(&opts, &path).unwrap();
    let s = ws.import_one(&path, None, None);
    assert_eq!(s.format, format.as_str());
    assert_eq!((s.messages, s.skipped), (3_000, 0), "{:?}", s.skips);
    assert_eq!(s.kinds, generated.kinds);
    assert_eq!(s.conversations, generated.conversations);
    assert_eq!(s.attachments, generated.kinds["image"] + generated.kinds["file"] + generated.kinds["voice"]);
    let transfers = ws.store.messages_of_source(s.source_id).unwrap();
    let with_amount = transfers.iter().filter(|m| m.kind == "transfer" && m.amount.is_some() && m.currency.as_deref() == Some("CNY"));
    assert_eq!(with_amount.count() as u64, generated.kinds["transfer"]);
    let offsets: Vec<Option<i32>> = transfers.iter().map(|m| m.ts_offset_min).collect();
    assert!(offsets.contains(&Some(480)) && offsets.contains(&Some(0)));
    for q in ["红包", "内部文件", "报销", "standup"] {
        assert!(!ws.store.search(q, 5).unwrap().is_empty(), "{q}");
    }
}

#[test]
fn generated_jsonl_imports_without_skips() {
    roundtrip(OutputFormat::Jsonl, "gen.jsonl");
}

#[test]
fn generated_csv_imports_without_skips() {
    roundtrip(OutputFormat::Csv, "gen.csv");
}
