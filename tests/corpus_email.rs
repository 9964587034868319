//! The shared corpus's e-mail files (REDLINE_CORPUS/email). Counts were
//! checked by reading each file: one message per mail, plus one per embedded
//! message/rfc822 part (digest parts included); message/partial and
//! message/external-body parts are attachments only.

mod util;

use std::path::Path;

use redline::store::queries::StoredMessage;
use sha2::{Digest, Sha256};
use util::Workspace;

/// (file, format, messages, skipped, conversations)
const FILES: &[(&str, &str, u64, u64, u64)] = &[
    ("mail-parser-rfc/000.eml", "eml", 2, 0, 1), // + the message/rfc822 part
    ("mail-parser-rfc/001.eml", "eml", 1, 0, 1), // three message/external-body parts: attachments
    ("mail-parser-rfc/002.eml", "eml", 2, 0, 1), // + the forwarded mail
    ("mail-parser-rfc/003.eml", "eml", 1, 0, 1),
    ("mail-parser-rfc/004.eml", "eml", 3, 0, 1), // + two digest mails
    ("mail-parser-rfc/005.eml", "eml", 1, 0, 1),
    ("mail-parser-rfc/006.eml", "eml", 1, 0, 1),
    ("mail-parser-rfc/007.eml", "eml", 2, 0, 1), // + "J"
    ("mail-parser-rfc/008.eml", "eml", 2, 0, 1), // + the base64-encoded attached mail
    ("mail-parser-rfc/009.eml", "eml", 2, 0, 1),
    ("mail-parser-thirdparty/000.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/001.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/002.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/003.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/004.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/005.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/006.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/007.eml", "eml", 4, 0, 1), // digest of three mails
    ("mail-parser-thirdparty/008.eml", "eml", 2, 0, 1),
    ("mail-parser-thirdparty/009.eml", "eml", 1, 0, 1), // message/partial: an attachment
    ("mail-parser-thirdparty/010.eml", "eml", 1, 0, 1),
    ("mail-parser-thirdparty/012.eml", "eml", 2, 0, 1),
    ("mail-parser-thirdparty/013.eml", "eml", 1, 0, 1),
    ("mimekit/delivery-status.eml", "eml", 2, 0, 1), // + the returned mail
    ("mimekit/issue1189.mbox", "mbox", 4, 0, 4),
    ("mimekit/multipart-related-mhtml.eml", "eml", 1, 0, 1),
    ("mimekit/simple-embedded-message.eml", "eml", 2, 0, 1),
    ("mimekit/simple-multipart.eml", "eml", 1, 0, 1),
    ("mimekit/simple.mbox", "mbox", 3, 0, 3),
];

fn import(ws: &mut Workspace, root: &Path, file: &str) -> Vec<StoredMessage> {
    let &(_, format, messages, skipped, conversations) = FILES.iter().find(|f| f.0 == file).unwrap();
    let s = ws.import_one(&root.join("email").join(file), None, None);
    assert_eq!(
        (s.format.as_str(), s.messages, s.skipped, s.conversations),
        (format, messages, skipped, conversations),
        "{file}: {:?}",
        s.skips
    );
    ws.store.messages_of_source(s.source_id).unwrap()
}

#[test]
fn every_corpus_mail_imports_with_its_count() {
    let Some(root) = util::corpus("corpus_email") else { return };
    let mut ws = Workspace::new();
    let mut seen = 0;
    for (file, ..) in FILES {
        import(&mut ws, &root, file);
        seen += 1;
    }
    // every e-mail file of the corpus is listed above
    let on_disk = walk(&root.join("email"));
    assert_eq!(on_disk, seen, "a corpus e-mail file is missing from FILES");
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk(&p) } else { 1 })
        .sum()
}

#[test]
fn rfc_examples_forward_digest_and_encoded_embedded_mail() {
    let Some(root) = util::corpus("corpus_email") else { return };
    let mut ws = Workspace::new();

    let m = import(&mut ws, &root, "mail-parser-rfc/002.eml");
    assert_eq!(m[0].timestamp, None); // no Date header
    assert_eq!(m[0].sender.as_deref(), Some("vice-president@whitehouse.gov"));
    assert_eq!(m[0].text, "Subject: [Fwd: Map of Argentina with Description]\n\nFred,\n\nFire up Air Force One!  We're going South!\n\nThanks,\nAl");
    assert_eq!(m[1].locator, "002.eml:24");
    assert_eq!((m[1].sender.as_deref(), m[1].sender_name.as_deref()), (Some("president@whitehouse.gov"), Some("Bill Clinton")));
    assert_eq!(m[1].timestamp.as_deref(), Some("1998-08-13T17:42:41+10:00"));
    assert_eq!(m[1].attachments[0].file_name, "map_of_Argentina.gif");
    assert_eq!(m[1].attachments[0].export_path.as_deref(), Some("mime part 2/2"));

    let m = import(&mut ws, &root, "mail-parser-rfc/004.eml");
    assert_eq!(m[0].timestamp.as_deref(), Some("1994-03-22T13:34:51Z"));
    assert_eq!((m[1].locator.as_str(), m[1].sender.as_deref()), ("004.eml:19", Some("someone-else")));
    assert_eq!(m[1].timestamp.as_deref(), Some("1993-03-26T11:13:32+02:00"));
    assert_eq!(m[2].timestamp.as_deref(), Some("1993-03-26T10:07:13-05:00"));
    assert_eq!(m[2].text, "Subject: my different opinion\n\n... another body goes here ...\n");

    // base64-encoded message/rfc822: its locator is where the encoded part starts
    let m = import(&mut ws, &root, "mail-parser-rfc/008.eml");
    assert_eq!(m[0].text, "This is a message with a base64 encoded attached email");
    let a = &m[0].attachments[0];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref()), ("attached_email.eml", Some("message/rfc822")));
    assert_eq!(m[1].locator, "008.eml:14");
    assert_eq!(m[1].text, "Subject: HTML test\n\nThis is an *HTML* test message");
    assert_eq!(m[1].timestamp.as_deref(), Some("2021-12-14T11:48:25+01:00"));
    assert_eq!(m[1].external_id.as_deref(), Some("random-message-id@example.com"));
}

#[test]
fn thirdparty_mime_tests() {
    let Some(root) = util::corpus("corpus_email") else { return };
    let mut ws = Workspace::new();

    // a digest with no text of its own: a file message with three mails attached
    let m = import(&mut ws, &root, "mail-parser-thirdparty/007.eml");
    assert_eq!((m[0].kind.as_str(), m[0].text.as_str(), m[0].attachments.len()), ("file", "", 3));
    let senders: Vec<_> = m[1..].iter().map(|m| m.sender.as_deref().unwrap_or("")).collect();
    assert_eq!(senders, ["someone@else", "another@one", "attachment@user"]);
    assert_eq!(m[3].attachments[0].file_name, "test.txt");
    assert_eq!(m[3].attachments[0].sha256.as_deref(), Some(hex::encode(Sha256::digest(b"Foobar")).as_str()));

    // a NUL decoded from a "text" part is shown as U+FFFD
    let m = import(&mut ws, &root, "mail-parser-thirdparty/000.eml");
    assert!(m[0].text.starts_with("we have\ra lot \nof \u{FFFD}binary stuff in here\n"), "{:?}", m[0].text);
    assert!(m[0].text.ends_with("eh"));

    // RFC 2047 subject and an 8-bit UTF-8 body
    let m = import(&mut ws, &root, "mail-parser-thirdparty/010.eml");
    assert_eq!(m[0].text, "Subject: こんにちは\n\n人権の無視及");

    // the text/plain alternative is chosen over the HTML one
    let m = import(&mut ws, &root, "mail-parser-thirdparty/006.eml");
    assert_eq!(m[0].text, "Subject: Hide and seek\n\nSearch me, and Find me here");
}

#[test]
fn mimekit_messages_and_mboxes() {
    let Some(root) = util::corpus("corpus_email") else { return };
    let mut ws = Workspace::new();

    let m = import(&mut ws, &root, "mimekit/issue1189.mbox");
    let locators: Vec<_> = m.iter().map(|m| m.locator.as_str()).collect();
    assert_eq!(locators, ["issue1189.mbox:1", "issue1189.mbox:22", "issue1189.mbox:53", "issue1189.mbox:74"]);
    assert_eq!(m[1].text, "Subject: Message 2\n\nBody of message 2.\n");
    assert_eq!(m[1].timestamp.as_deref(), Some("2025-09-26T10:19:25-07:00"));
    let a = &m[1].attachments[0];
    assert_eq!((a.file_name.as_str(), a.mime.as_deref()), ("Attachment.zip", Some("application/x-zip-compressed")));
    assert!(m.iter().all(|m| m.conversation_kind == "direct"));

    // `From - ` separators with no blank line before them
    let m = import(&mut ws, &root, "mimekit/simple.mbox");
    let locators: Vec<_> = m.iter().map(|m| m.locator.as_str()).collect();
    assert_eq!(locators, ["simple.mbox:1", "simple.mbox:25", "simple.mbox:48"]);
    assert!(m[0].text.starts_with("Subject: this'll probably break a lot of mime parsers\n\nHello world.\n"));
    assert_eq!(m[0].timestamp.as_deref(), Some("2002-08-23T02:32:53-04:00"));
    // boundary="" cannot be split: the whole body is one attachment
    assert_eq!(m[2].kind, "file");

    let m = import(&mut ws, &root, "mimekit/delivery-status.eml");
    assert_eq!(m[0].kind, "file");
    assert_eq!((m[1].locator.as_str(), m[1].sender.as_deref()), ("delivery-status.eml:35", Some("jwz@netscape.com")));
    assert_eq!(m[1].text, "Subject: unsubscribe\n\nunsubscribe");

    let m = import(&mut ws, &root, "mimekit/multipart-related-mhtml.eml");
    assert_eq!(m[0].text, "def");
    assert_eq!(m[0].attachments[0].mime.as_deref(), Some("image/png"));

    let m = import(&mut ws, &root, "mimekit/simple-multipart.eml");
    let a = &m[0].attachments[0];
    let content = b"This is the base64 encoded attachment.";
    assert_eq!((a.file_name.as_str(), a.size_bytes), ("attachment.txt", Some(content.len() as i64)));
    assert_eq!(a.sha256.as_deref(), Some(hex::encode(Sha256::digest(content)).as_str()));

    let m = import(&mut ws, &root, "mimekit/simple-embedded-message.eml");
    assert_eq!((m[1].locator.as_str(), m[1].text.as_str()), ("simple-embedded-message.eml:20", "Subject: embedded message\n\nThis is the embedded message body.\n"));
    // one address only (to itself): the kind is not known
    assert_eq!(m[0].conversation_kind, "unknown");
}
