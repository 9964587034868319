//! The whole shared corpus of real exports, imported as a reviewer would:
//! `redline import CORPUS_FOLDER`. Every export must import with no error;
//! the only files not imported are the ones that are not chat exports.
//! Per-file message counts are asserted by the per-format corpus tests.

mod util;

use redline::import::ImportOutcome;

/// Files in the corpus that are documentation or data, not chat exports.
const NOT_EXPORTS: &[&str] = &[
    "MANIFEST.md",
    "FORMATS.md",
    "wechat/synthetic/README.md",
    "rsmf/relativity-validator/rsmf_schema_2_0_0.json",
    "rsmf/relativity-validator/Sample2/avatar.png",
];

#[test]
fn every_corpus_export_imports_without_error() {
    let Some(corpus) = util::corpus("corpus_all") else { return };
    let mut ws = util::Workspace::new();
    let results = ws.import_all(&corpus, Some("Asia/Shanghai"));
    let mut imported = 0;
    let mut problems = Vec::new();
    for r in &results {
        let rel = r.path.strip_prefix(&corpus).unwrap_or(&r.path).to_string_lossy().replace('\\', "/");
        match &r.result {
            Ok(ImportOutcome::Imported(s)) => {
                imported += 1;
                if NOT_EXPORTS.contains(&rel.as_str()) {
                    problems.push(format!("{rel}: is not a chat export but was imported as {}", s.format));
                }
            }
            Ok(ImportOutcome::NotRecognized { reason, .. }) => {
                if !NOT_EXPORTS.contains(&rel.as_str()) {
                    problems.push(format!("{rel}: not recognised ({reason})"));
                }
            }
            Ok(ImportOutcome::AlreadyImported { .. }) => {}
            Err(e) => problems.push(format!("{rel}: {e}")),
        }
    }
    assert!(problems.is_empty(), "corpus problems:\n{}", problems.join("\n"));
    assert!(imported > 60, "only {imported} sources imported");
    let totals = ws.store.totals().unwrap();
    eprintln!("corpus: {imported} sources, {} messages, {} skipped records", totals.messages, totals.skipped);
    // Importing the corpus again writes nothing.
    let again = ws.import_all(&corpus, Some("Asia/Shanghai"));
    assert!(again.iter().all(|r| !matches!(r.result, Ok(ImportOutcome::Imported(_)))));
    assert_eq!(ws.store.totals().unwrap(), totals);
}
