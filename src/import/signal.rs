//! Signal chat text as signal-export style tools write it:
//! `[yyyy-mm-dd, HH:MM] Name: text`, continuation lines without a stamp.
//!
//! The stamp is strict (ISO date, comma, 24-hour time without seconds, in
//! brackets), which is what tells it apart from a WhatsApp iOS export; the
//! Signal entry comes before WhatsApp in the format list. Times are the
//! exporting machine's wall clock (read in `--tz`, offset assumed). A line
//! with a stamp but no `": "` has no sender and is kept as a system message.
//! Senders are keyed by the name shown; the chat is a group when more than
//! two people write. Lines before the first stamp are skipped with a reason.

use std::collections::HashSet;
use std::io::BufReader;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;

use super::formats::Probe;
use super::textlines::Lines;
use super::tree::SourceTree;
use super::{ImportCtx, ImportError};
use crate::model::{ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord};

fn stamp_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^\[(\d{4})-(\d{2})-(\d{2}), (\d{2}):(\d{2})\] ").unwrap_or_else(|e| panic!("signal stamp pattern: {e}"))
    })
}

/// The wall-clock time of a stamped line and the rest of the line.
fn parse(line: &str) -> Option<(NaiveDateTime, &str)> {
    let c = stamp_re().captures(line)?;
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(n(1)? as i32, n(2)?, n(3)?)?;
    let time = NaiveTime::from_hms_opt(n(4)?, n(5)?, 0)?;
    Some((NaiveDateTime::new(date, time), &line[c.get(0)?.end()..]))
}

/// A single file with a Signal stamp line among its first lines, and no
/// other kind of stamp (such as a WhatsApp one) there.
pub fn sniff(p: &Probe) -> bool {
    if !p.single_file {
        return false;
    }
    let lines: Vec<&str> = p.text().lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let first = lines.iter().take(10).any(|l| parse(l).is_some());
    first && lines.iter().all(|l| stamp_re().is_match(l) || !super::whatsapp::is_message_line(l))
}

struct Pending {
    line: u64,
    at: NaiveDateTime,
    sender: Option<String>,
    text: String,
    ending: &'static str,
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let entry = tree.entries().first().map(|e| e.path.clone()).unwrap_or_default();
    let title = entry.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap_or_else(|| entry.clone());
    let origin = tree.origin().to_path_buf();
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, tree.open(&entry)?), origin.clone());
    let mut senders: HashSet<String> = HashSet::new();
    let mut pending: Option<Pending> = None;
    let mut stamped = 0u64;
    while let Some(line) = lines.next_line()? {
        if let Some((at, rest)) = parse(&line.text) {
            stamped += 1;
            if let Some(p) = pending.take() {
                emit(ctx, &entry, &title, &mut senders, p)?;
            }
            let (sender, text) = match rest.split_once(": ") {
                Some((name, text)) if !name.trim().is_empty() => (Some(name.trim().to_string()), text),
                _ => (None, rest),
            };
            pending = Some(Pending { line: line.no, at, sender, text: text.to_string(), ending: line.ending });
            continue;
        }
        match pending.as_mut() {
            Some(p) => {
                p.text.push_str(p.ending);
                p.text.push_str(&line.text);
                p.ending = line.ending;
            }
            None if line.text.trim().is_empty() => {}
            None => ctx.skip(&Locator::line(&entry, line.no), "text before the first Signal message line")?,
        }
    }
    if let Some(p) = pending.take() {
        emit(ctx, &entry, &title, &mut senders, p)?;
    }
    if stamped == 0 {
        return Err(ImportError::malformed(origin.display().to_string(), "line 1", "no Signal message line (`[yyyy-mm-dd, HH:MM] Name: text`) found"));
    }
    let kind = if senders.len() > 2 { ConversationKind::Group } else { ConversationKind::Direct };
    ctx.conversation(&ConversationRecord { external_id: title.clone(), title: Some(title), kind: Some(kind) })?;
    Ok(())
}

fn emit(ctx: &mut ImportCtx, entry: &str, title: &str, senders: &mut HashSet<String>, p: Pending) -> Result<(), ImportError> {
    let kind = if p.sender.is_some() { MessageKind::Text } else { MessageKind::System };
    let mut m = MessageRecord::new(title, kind, p.text.trim_end_matches(['\r', '\n']), Locator::line(entry, p.line));
    if let Some(name) = &p.sender {
        if senders.insert(name.clone()) {
            ctx.participant(&ParticipantRecord { external_id: name.clone(), display_name: Some(name.clone()), ..Default::default() })?;
        }
        m.sender_name = Some(name.clone());
    }
    m.sender = p.sender;
    m.timestamp = ctx.local_time(p.at);
    m.offset_assumed = true;
    ctx.message(&m)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        let (at, rest) = parse("[2020-01-17, 21:49] John Doe: Hello").unwrap();
        assert_eq!((at.to_string().as_str(), rest), ("2020-01-17 21:49:00", "John Doe: Hello"));
        assert!(parse("[2020-02-30, 21:49] A: x").is_none());
        assert!(parse("[2020-01-17, 21:49:00] A: x").is_none());
        assert!(parse("[17.01.20, 21:49:00] A: x").is_none());
    }
}
