//! The UI's TypeScript types are generated from the Rust API types; this
//! fails when the checked-in file is stale. `UPDATE_TS=1` rewrites it.

use std::path::Path;

#[test]
fn checked_in_typescript_matches_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/api/types.ts");
    let generated = redline::api::ts_declarations();
    if std::env::var_os("UPDATE_TS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{} is stale: run `UPDATE_TS=1 cargo test --test api_types` and commit it",
        path.display()
    );
}

#[test]
fn requests_and_responses_round_trip_through_json() {
    use redline::api::{Request, Response};
    use redline::review::queue::{CaseFilter, CaseSort};
    use redline::review::Disposition;
    let reqs = vec![
        Request::ListCases { filter: CaseFilter { red_line: Some("illicit-payments".into()), ..Default::default() }, sort: Some(CaseSort::Hits), offset: Some(0), limit: Some(50), facets: Some(false) },
        Request::Close { id: 3, disposition: Disposition::FalsePositive, reason: Some("红包 game".into()), misfired_rule: Some("p/rl/r".into()) },
        Request::Annotate { message_id: 9, case_id: Some(3), span: Some((2, 5)), label: "key evidence".into(), text: "转账".into() },
    ];
    for r in reqs {
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), r, "{json}");
    }
    let json = r#"{"type":"close","id":3,"disposition":"violation","reason":null,"misfired_rule":null}"#;
    assert!(matches!(serde_json::from_str::<Request>(json).unwrap(), Request::Close { id: 3, disposition: Disposition::Violation, .. }));
    // `facets` may be left out (older clients, scripts): it means facets on
    let json = r#"{"type":"list_cases","filter":{},"sort":null,"offset":null,"limit":null}"#;
    assert!(matches!(serde_json::from_str::<Request>(json).unwrap(), Request::ListCases { facets: None, .. }));
    let resp = Response::CaseId(7);
    assert_eq!(serde_json::to_string(&resp).unwrap(), r#"{"type":"case_id","data":7}"#);
}
