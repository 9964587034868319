//! Grouping mails into conversations (threads), one mail at a time.
//!
//! A mail that names earlier mails (`References`, `In-Reply-To`) joins the
//! thread of any of them already seen; otherwise it starts the thread of the
//! first one it names (the root), so that replies imported before their root
//! still land together. A mail that names none joins by subject when its
//! subject says it is a reply or forward (`Re:`, `Fwd:`, `回复:`, `转发:`) of a
//! thread seen before, or when it has no `Message-ID` to start a thread with.
//!
//! Only fixed-size digests of ids and subjects are kept (16 bytes of
//! SHA-256 each, so a crafted id cannot collide with another), plus at most
//! three addresses per thread: enough to tell a two-person thread from a
//! group. Memory is about 50 bytes per mail, not the mails themselves.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::{ConversationKind, ConversationRecord};

type Key = [u8; 16];

fn key(kind: u8, s: &str) -> Key {
    let mut h = Sha256::new();
    h.update([kind]);
    h.update(s.as_bytes());
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    k
}

struct Thread {
    external_id: String,
    /// Distinct addresses seen, up to three.
    addresses: Vec<Key>,
}

#[derive(Default)]
pub struct Threads {
    by_id: HashMap<Key, usize>,
    by_subject: HashMap<Key, usize>,
    threads: Vec<Thread>,
}

/// What a mail says about its place in a thread.
pub struct MailIds<'a> {
    pub message_id: Option<&'a str>,
    /// `References` then `In-Reply-To`, root first.
    pub refs: &'a [String],
    pub subject: Option<&'a str>,
}

/// The thread a mail was put in.
pub struct Placed {
    pub index: usize,
    /// True when this mail started the thread (declare the conversation now).
    pub new: bool,
}

impl Threads {
    pub fn external_id(&self, index: usize) -> &str {
        self.threads.get(index).map_or("", |t| t.external_id.as_str())
    }

    /// Put a mail in a thread. `fallback` names a thread for a mail with no
    /// ids and no subject (its locator).
    pub fn place(&mut self, m: &MailIds, fallback: &str) -> Placed {
        let norm = m.subject.map(normalize_subject).filter(|s| !s.is_empty());
        let subject_key = norm.as_deref().map(|s| key(b's', s));
        let own = m.message_id.map(|id| key(b'i', id));

        let known = own
            .iter()
            .copied()
            .chain(m.refs.iter().map(|r| key(b'i', r)))
            .find_map(|k| self.by_id.get(&k).copied());
        let by_subject = || {
            let is_reply = m.subject.is_some_and(|s| strip_prefixes(s).len() < s.trim_start().len());
            if is_reply || m.message_id.is_none() {
                subject_key.and_then(|k| self.by_subject.get(&k).copied())
            } else {
                None
            }
        };
        let found = match known {
            Some(i) => Some(i),
            None if m.refs.is_empty() => by_subject(),
            None => None,
        };
        let placed = match found {
            Some(index) => Placed { index, new: false },
            None => {
                let external_id = match (m.refs.first(), m.message_id, &norm) {
                    (Some(root), _, _) => root.clone(),
                    (None, Some(id), _) => id.to_string(),
                    (None, None, Some(s)) => format!("subject:{s}"),
                    (None, None, None) => fallback.to_string(),
                };
                self.threads.push(Thread { external_id, addresses: Vec::new() });
                Placed { index: self.threads.len() - 1, new: true }
            }
        };
        for k in own.into_iter().chain(m.refs.iter().map(|r| key(b'i', r))) {
            self.by_id.entry(k).or_insert(placed.index);
        }
        if let Some(k) = subject_key {
            self.by_subject.entry(k).or_insert(placed.index);
        }
        placed
    }

    /// Note an address (lower-cased) involved in a thread.
    pub fn involve(&mut self, index: usize, address: &str) {
        let k = key(b'a', address);
        if let Some(t) = self.threads.get_mut(index) {
            if t.addresses.len() < 3 && !t.addresses.contains(&k) {
                t.addresses.push(k);
            }
        }
    }

    /// Every thread with its kind: direct for exactly two addresses, group
    /// for three or more, unknown for fewer (a note to self, a mail with no
    /// addresses).
    pub fn kinds(&self) -> impl Iterator<Item = ConversationRecord> + '_ {
        self.threads.iter().map(|t| ConversationRecord {
            external_id: t.external_id.clone(),
            title: None,
            kind: Some(match t.addresses.len() {
                0 | 1 => ConversationKind::Unknown,
                2 => ConversationKind::Direct,
                _ => ConversationKind::Group,
            }),
        })
    }
}

/// Reply and forward markers, compared case-insensitively (`Re:`, `RE：`).
const PREFIXES: &[&str] = &["re", "fw", "fwd", "aw", "wg", "sv", "回复", "回覆", "答复", "转发", "轉寄", "转寄"];

/// The subject without leading reply/forward markers (`Re: Fwd: 回复：x` → `x`).
pub fn strip_prefixes(subject: &str) -> &str {
    let mut s = subject.trim_start();
    'outer: loop {
        for p in PREFIXES {
            let Some(head) = s.get(..p.len()) else { continue };
            if !head.eq_ignore_ascii_case(p) {
                continue;
            }
            let mut rest = &s[p.len()..];
            // `Re[2]:` / `Re(2):` counters.
            if let Some(r) = rest.strip_prefix(['[', '(']) {
                let close = r.find([']', ')']).unwrap_or(0);
                if close > 0 && r[..close].bytes().all(|b| b.is_ascii_digit()) {
                    rest = &r[close + 1..];
                }
            }
            let rest = rest.trim_start_matches(' ');
            if let Some(r) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')) {
                s = r.trim_start();
                continue 'outer;
            }
        }
        return s;
    }
}

/// A subject as threads compare it: markers removed, white space collapsed, lower case.
pub fn normalize_subject(subject: &str) -> String {
    strip_prefixes(subject).split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_in_english_and_chinese() {
        assert_eq!(strip_prefixes("Re: Fwd: RE[2]: 报价"), "报价");
        assert_eq!(strip_prefixes("回复：转发: Offer"), "Offer");
        assert_eq!(strip_prefixes("Report: Q3"), "Report: Q3");
        assert_eq!(strip_prefixes("Re"), "Re");
        assert_eq!(normalize_subject("RE:  Weekly   Report "), "weekly report");
    }

    fn ids<'a>(id: Option<&'a str>, refs: &'a [String], subject: Option<&'a str>) -> MailIds<'a> {
        MailIds { message_id: id, refs, subject }
    }

    #[test]
    fn replies_join_their_root_even_out_of_order() {
        let mut t = Threads::default();
        let r = vec!["root@x".to_string()];
        let a = t.place(&ids(Some("reply@x"), &r, Some("Re: a")), "f:1");
        assert!(a.new);
        assert_eq!(t.external_id(a.index), "root@x");
        let root = t.place(&ids(Some("root@x"), &[], Some("a")), "f:2");
        assert_eq!((root.index, root.new), (a.index, false));
        // a plain subject with its own id starts a new thread
        let other = t.place(&ids(Some("other@x"), &[], Some("a")), "f:3");
        assert!(other.new);
        // a reply by subject alone joins
        let re = t.place(&ids(Some("late@x"), &[], Some("RE: A")), "f:4");
        assert_eq!(re.index, a.index);
        let anon = t.place(&ids(None, &[], None), "f:5");
        assert_eq!(t.external_id(anon.index), "f:5");
    }

    #[test]
    fn kinds_count_distinct_addresses() {
        let mut t = Threads::default();
        let p = t.place(&ids(Some("1@x"), &[], Some("s")), "f");
        t.involve(p.index, "a@x");
        t.involve(p.index, "a@x");
        t.involve(p.index, "b@x");
        let kinds: Vec<_> = t.kinds().map(|c| c.kind).collect();
        assert_eq!(kinds, [Some(ConversationKind::Direct)]);
        t.involve(p.index, "c@x");
        assert_eq!(t.kinds().next().and_then(|c| c.kind), Some(ConversationKind::Group));
    }
}
