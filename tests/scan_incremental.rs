//! Scanning the store: hits with spans, incremental rescans, stable identity.

mod util;

use std::fs;

use redline::rules::{self, RuleSet};
use redline::scan::{self, HitFilter};
use util::Workspace;

const PACK_V1: &str = r#"
[pack]
id = "p"
name = "test pack"
version = "1"

[[red_line]]
id = "secret-leaks"
title = { en = "Leaking secrets", zh = "泄露秘密" }
severity = "high"

  [[red_line.rule]]
  id = "internal-docs"
  terms = ["内部文件", "机密"]

  [[red_line.rule]]
  id = "big-transfer"
  kinds = ["transfer"]
  amount_min = 1000
"#;

fn write_messages(ws: &Workspace, name: &str, lines: &[&str]) -> std::path::PathBuf {
    let p = ws.dir.path().join(name);
    fs::write(&p, lines.join("\n")).unwrap();
    p
}

fn scan_with(ws: &mut Workspace, pack_path: &std::path::Path) -> scan::ScanSummary {
    let sources = rules::load(&[pack_path.to_path_buf()]).unwrap();
    let mut set = RuleSet::compile(&sources).unwrap();
    scan::scan(&mut ws.store, &mut set, &sources, |_, _| {}).unwrap()
}

#[test]
fn hits_carry_spans_and_survive_rescans() {
    let mut ws = Workspace::new();
    let pack = ws.dir.path().join("p.toml");
    fs::write(&pack, PACK_V1).unwrap();
    let a = write_messages(&ws, "a.jsonl", &[
        r#"{"id":"1","conversation":"g","sender":"wang","timestamp":"2026-03-02T09:00:00+08:00","text":"😀这份機 密文件别外传"}"#,
        r#"{"id":"2","conversation":"g","sender":"li","timestamp":"2026-03-02T09:01:00+08:00","text":"好的，收到"}"#,
        r#"{"id":"3","conversation":"g","sender":"li","timestamp":"2026-03-02T09:02:00+08:00","kind":"transfer","text":"辛苦费","amount":"5000"}"#,
    ]);
    ws.import_one(&a, None, None);
    let s1 = scan_with(&mut ws, &pack);
    assert_eq!((s1.messages_scanned, s1.hits_new, s1.hits_kept), (3, 2, 0));

    let hits = scan::hits::list(&ws.store, &HitFilter::default()).unwrap();
    let h = &hits[0];
    assert_eq!((h.rule.as_str(), h.matched.as_slice()), ("internal-docs", &["機 密".to_string()][..]));
    // UTF-16: the emoji is two code units, then 这份, so 機 starts at 4.
    assert_eq!((h.spans[0].start, h.spans[0].end), (4, 7));
    assert_eq!(&h.text[h.byte_spans[0].0..h.byte_spans[0].1], "機 密");
    assert!(h.normalizations.contains(&"traditional".to_string()) && h.normalizations.contains(&"separators".to_string()));
    assert_eq!(hits[1].conditions, ["kind=transfer", "amount=5000"]);
    let first_ids: Vec<i64> = hits.iter().map(|h| h.hit_id).collect();

    // Nothing new: an incremental scan reads nothing.
    let s2 = scan_with(&mut ws, &pack);
    assert_eq!((s2.messages_scanned, s2.hits_new), (0, 0));

    // New messages: only they are scanned.
    let b = write_messages(&ws, "b.jsonl", &[r#"{"id":"4","conversation":"g","sender":"wang","text":"内部文件在群文件里"}"#]);
    ws.import_one(&b, None, None);
    let s3 = scan_with(&mut ws, &pack);
    assert_eq!((s3.messages_scanned, s3.hits_new), (1, 1));

    // A changed pack rescans everything; unchanged hits keep their ids, a hit the
    // new pack no longer produces is retracted (kept, not deleted).
    fs::write(&pack, PACK_V1.replace("version = \"1\"", "version = \"2\"").replace("amount_min = 1000", "amount_min = 10000")).unwrap();
    let s4 = scan_with(&mut ws, &pack);
    assert_eq!(s4.packs[0].mode, "full");
    assert_eq!((s4.messages_scanned, s4.hits_new, s4.hits_kept, s4.hits_retracted), (4, 0, 2, 1));
    let live = scan::hits::list(&ws.store, &HitFilter::default()).unwrap();
    assert_eq!(live.len(), 2);
    assert_eq!(live[0].hit_id, first_ids[0]);
    assert_eq!(live[0].pack_version, "2");
    let all = scan::hits::list(&ws.store, &HitFilter { include_retracted: true, ..Default::default() }).unwrap();
    assert!(all.iter().any(|h| h.hit_id == first_ids[1] && h.retracted));
}
