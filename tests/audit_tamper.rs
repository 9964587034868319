//! The audit trail detects every kind of tampering done by editing the
//! SQLite file directly: an edited entry, a deleted entry, reordered
//! entries, and entries cut off the end.

mod util;

use redline::api::Request;
use rusqlite::Connection;
use util::{api, review_workspace, Workspace};

/// A workspace with a few audited actions, and a raw connection to its file
/// with the append-only triggers removed (as an attacker would).
fn tampering_setup() -> (Workspace, Connection) {
    let mut ws = review_workspace();
    api(&mut ws, "alice", Request::Assign { id: 1, login: Some("bob".into()) });
    api(&mut ws, "alice", Request::AddNote { id: 1, text: "checked the transfer".into() });
    api(&mut ws, "alice", Request::Tag { id: 2, tag: "urgent".into(), add: true });
    let report = redline::audit::verify(&ws.store).unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert!(report.entries >= 8);
    let raw = Connection::open(ws.db_path()).unwrap();
    raw.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
    (ws, raw)
}

fn problems(ws: &Workspace) -> Vec<String> {
    let r = redline::audit::verify(&ws.store).unwrap();
    assert!(!r.ok);
    r.problems
}

#[test]
fn the_log_is_append_only_in_the_database() {
    let ws = review_workspace();
    let raw = Connection::open(ws.db_path()).unwrap();
    let e = raw.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    assert!(raw.execute("DELETE FROM audit_log WHERE seq = 1", []).is_err());
}

#[test]
fn an_edited_entry_is_named() {
    let (ws, raw) = tampering_setup();
    raw.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", []).unwrap();
    let p = problems(&ws);
    assert!(p.iter().any(|x| x.starts_with("entry 3 ") && x.contains("was edited")), "{p:?}");
}

#[test]
fn an_edited_before_or_after_state_is_named() {
    let (ws, raw) = tampering_setup();
    let last: i64 = raw.query_row("SELECT max(seq) FROM audit_log WHERE action = 'case.note'", [], |r| r.get(0)).unwrap();
    raw.execute("UPDATE audit_log SET after = replace(after, 'checked the transfer', 'nothing found') WHERE seq = ?1", [last]).unwrap();
    let p = problems(&ws);
    assert!(p.iter().any(|x| x.starts_with(&format!("entry {last} ")) && x.contains("was edited")), "{p:?}");
}

#[test]
fn a_deleted_entry_is_named() {
    let (ws, raw) = tampering_setup();
    raw.execute("DELETE FROM audit_log WHERE seq = 4", []).unwrap();
    let p = problems(&ws);
    assert!(p.iter().any(|x| x.contains("entries 4..4 are missing")), "{p:?}");
    assert!(p.iter().any(|x| x.starts_with("entry 5 does not follow")), "{p:?}");
}

#[test]
fn reordered_entries_are_named() {
    let (ws, raw) = tampering_setup();
    // Swap the contents of entries 3 and 4 (keeping their sequence numbers).
    raw.execute_batch(
        "UPDATE audit_log SET seq = -3 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -3;",
    )
    .unwrap();
    let p = problems(&ws);
    assert!(p.iter().any(|x| x.starts_with("entry 3")), "{p:?}");
    assert!(p.iter().any(|x| x.starts_with("entry 4")), "{p:?}");
}

#[test]
fn entries_cut_off_the_end_are_noticed() {
    let (ws, raw) = tampering_setup();
    let last: i64 = raw.query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)).unwrap();
    raw.execute("DELETE FROM audit_log WHERE seq >= ?1", [last - 1]).unwrap();
    let p = problems(&ws);
    assert!(p.iter().any(|x| x.contains("removed from the end")), "{p:?}");
}

#[test]
fn cli_verify_exits_non_zero_on_tampering() {
    let (ws, raw) = tampering_setup();
    let bin = env!("CARGO_BIN_EXE_redline");
    let ok = std::process::Command::new(bin).args(["--db", ws.db_path().to_str().unwrap(), "audit", "verify"]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    raw.execute("UPDATE audit_log SET action = 'case.tag_remove' WHERE seq = 2", []).unwrap();
    let bad = std::process::Command::new(bin).args(["--db", ws.db_path().to_str().unwrap(), "audit", "verify"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(out.contains("TAMPERED") && out.contains("entry 2"), "{out}");
}
