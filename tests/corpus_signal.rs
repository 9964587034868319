//! The Signal text file of the shared corpus: three lines, two messages
//! (the third line continues the second), counted by hand.

mod util;

use util::Workspace;

#[test]
fn corpus_signal_text() {
    let Some(root) = util::corpus("corpus_signal") else { return };
    let mut ws = Workspace::new();
    let s = ws.import_one(&root.join("other/signal/chat-miner-test_export.txt"), Some("UTC"), None);
    assert_eq!((s.format.as_str(), s.messages, s.skipped, s.participants), ("signal", 2, 0, 2));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!((msgs[0].sender.as_deref(), msgs[0].text.as_str()), (Some("Jane Doe"), "Hello John!"));
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2019-12-24T12:23:00Z"));
    assert_eq!((msgs[1].sender.as_deref(), msgs[1].text.as_str()), (Some("John Doe"), "Hello\nJane!"));
    assert_eq!((msgs[1].locator.as_str(), msgs[1].timestamp.as_deref()), ("chat-miner-test_export.txt:2", Some("2020-01-17T21:49:00Z")));
    assert_eq!(msgs[0].conversation_kind, "direct");
}
