//! WhatsApp "Export chat": a `.txt`, or the `.zip` (or its unpacked folder)
//! that "Attach media" produces: `_chat.txt` or `WhatsApp Chat with X.txt`
//! beside the media files.
//!
//! Each message starts with a stamp ([`header`]); lines without one continue
//! the message above (blank lines included; blank lines at the very end of a
//! message are export padding — WhatsApp trims messages — and are dropped).
//! Continuation lines keep their own line ends, so the text is the export's
//! bytes. `Name: text` is a message; a line with no `": "` is a system line
//! (group created, added, E2E notice) with no sender. A "name" holding a
//! quote character is a system line too (`You changed the subject from "A: B"`).
//! `Name:.` (no space) counts as a message only when `Name` sends elsewhere.
//!
//! Key decisions:
//! * **Two passes, bounded memory.** The day/month order can only be known
//!   from the whole file, so a first pass reads the stamps (and senders, to
//!   tell a group from a direct chat) and a second pass imports; a message is
//!   held only until the next stamp, and cut into parts past [`MAX_TEXT`].
//! * **Date order per file**, see [`header`]. Where the order was assumed and
//!   the date reads both ways, the message's `extra` has `date_order` and
//!   `date_order_assumed: true`.
//! * **A line that looks like a stamp but has an impossible date** (31/02, a
//!   13th month both ways) was not written by WhatsApp: it is text, and
//!   continues the message above.
//! * **Lines before the first stamp** are skipped with a reason; a file with
//!   no stamp at all is not a WhatsApp export (`Malformed`).
//! * **Times** are the phone's wall clock: read in `--tz`, offset assumed.
//! * **Media** (zip or folder): every file is hashed; a message naming a
//!   file (`<attached: …>`, `… (file attached)`, `… document omitted`) gets
//!   an attachment with SHA-256, size, MIME and the entry path, or name and
//!   MIME only when the file is not in the export. Files no message names are
//!   still listed with their hashes in the source's files (`source_files`),
//!   so the inventory of a zip is complete; `__MACOSX/` junk is ignored. A
//!   zip inside the export (an attachment that is itself a zip) is evidence
//!   like any file: hashed and attached, not opened.
//! * **Participants** are keyed by the name as shown (phone numbers too;
//!   then `phone` is set). iOS attributes the E2E and security-code notices
//!   to the contact: those become system messages with the name kept in
//!   `extra.attributed_to`.
//! * **Conversation**: one per export, titled from the file name
//!   (`WhatsApp Chat with X.txt` → X) or, for `_chat.txt`, the zip/folder
//!   name; a group when more than two people send or a system line speaks of
//!   a group, else direct.

mod body;
mod header;
mod media;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{BufReader, Read};

use serde_json::{Map, Value};

use super::formats::{Probe, PROBE_BYTES};
use super::textlines::Lines;
use super::tree::{Entry, SourceTree};
use super::{ImportCtx, ImportError};
use crate::model::{ConversationKind, ConversationRecord, Locator, MessageKind, MessageRecord, ParticipantRecord};
use body::Body;
use header::{DateOrders, When};
use media::MediaIndex;

/// A message longer than this (bytes) is stored in parts.
pub const MAX_TEXT: usize = 4 << 20;
/// Distinct sender names remembered by the first pass.
const MAX_NAMES: usize = 100_000;

/// A single text file whose first lines are WhatsApp lines, or a folder or
/// zip with exactly one chat text (`_chat.txt` or `…WhatsApp….txt`) and
/// nothing outside that text's folder (WhatsApp's zips are flat), so that a
/// folder holding a chat among other things is walked file by file.
pub fn sniff(p: &Probe) -> bool {
    if p.single_file {
        return sniff_text(p.text());
    }
    match chat_candidates(p.entries).as_slice() {
        [chat] => {
            let dir = parent(&chat.path);
            p.entries.iter().filter(|e| !media::is_junk(&e.path)).all(|e| parent(&e.path) == dir)
        }
        _ => false,
    }
}

fn sniff_text(text: &str) -> bool {
    text.lines().filter(|l| !l.trim().is_empty()).take(10).any(is_message_line)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// True when a line starts with a WhatsApp stamp (for other sniffers that
/// must not claim WhatsApp files).
pub fn is_message_line(line: &str) -> bool {
    header::parse(line).is_some()
}

fn chat_candidates(entries: &[Entry]) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| !media::is_junk(&e.path))
        .filter(|e| {
            let name = e.file_name().to_lowercase();
            name.ends_with(".txt") && (name == "_chat.txt" || name.contains("whatsapp"))
        })
        .collect()
}

/// The chat's title from a file or archive name: `WhatsApp Chat with X.txt`,
/// `WhatsApp Chat - X.zip`, `Чат WhatsApp с контактом X.txt` → X.
pub fn title_from(name: &str) -> String {
    let stem = name.rsplit_once('.').map(|(s, _)| s).filter(|s| !s.is_empty()).unwrap_or(name);
    if !stem.to_lowercase().contains("whatsapp") {
        return stem.to_string();
    }
    // Some tools save `WhatsApp_Chat_with_X.txt`.
    let stem = if stem.contains(' ') { stem.to_string() } else { stem.replace('_', " ") };
    const JOINS: &[&str] = &[
        " with ", " - ", " mit ", " con ", " avec ", " com ", " met ", " s uživatelem ", " с контактом ", " dengan ", " ile ", " z ",
    ];
    let lower = stem.to_lowercase();
    let cut = JOINS.iter().filter_map(|j| lower.find(j).map(|i| i + j.len())).min();
    match cut {
        // Lower-casing may change lengths: cut the original at the same character.
        Some(i) => {
            let chars = lower[..i].chars().count();
            let title: String = stem.chars().skip(chars).collect();
            if title.trim().is_empty() { stem } else { title.trim().to_string() }
        }
        None => stem,
    }
}

/// A name with the directional marks phones wrap around it removed.
fn clean_name(s: &str) -> Cow<'_, str> {
    if !s.contains(header::is_mark) {
        return Cow::Borrowed(s.trim_matches(|c: char| c.is_whitespace()));
    }
    let s: String = s.chars().filter(|&c| !header::is_mark(c)).collect();
    Cow::Owned(s.trim_matches(|c: char| c.is_whitespace()).to_string())
}

/// The phone number a name is, if it is one (`+41 012 345 67 89`, `+7 999 999-99-99`).
fn phone_of(name: &str) -> Option<String> {
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    let allowed = name.chars().all(|c| c.is_ascii_digit() || " +-().\u{a0}".contains(c));
    let plus = name.trim_start().starts_with('+');
    (allowed && digits.len() >= 6 && (plus || digits.len() >= 8)).then(|| if plus { format!("+{digits}") } else { digits })
}

/// Split `Name: text` on the first `": "`; `Name:text` only for a name seen sending.
fn split_sender<'a>(rest: &'a str, known: Option<&HashSet<String>>) -> Option<(Cow<'a, str>, &'a str)> {
    let first = rest.split('\n').next().unwrap_or("");
    if let Some(i) = first.find(": ") {
        let name = clean_name(&first[..i]);
        let quoted = name.contains(['"', '“', '”', '„', '«', '»']);
        if !name.is_empty() && !quoted && name.chars().count() <= 100 {
            return Some((name, &rest[i + 2..]));
        }
        return None;
    }
    let i = first.find(':')?;
    let name = clean_name(&first[..i]);
    known.filter(|k| k.contains(name.as_ref())).map(|_| (name, &rest[i + 1..]))
}

/// A chat text that was renamed (`chat.txt`): the first `.txt` entry whose
/// head reads as WhatsApp lines. Only used when no name gives it away.
fn renamed_chat(tree: &mut dyn SourceTree) -> Result<Option<String>, ImportError> {
    let txts: Vec<String> = tree
        .entries()
        .iter()
        .filter(|e| !media::is_junk(&e.path) && e.path.to_lowercase().ends_with(".txt"))
        .map(|e| e.path.clone())
        .collect();
    for path in txts {
        let mut head = Vec::new();
        let origin = tree.origin().join(&path);
        tree.open(&path)?.take(PROBE_BYTES as u64).read_to_end(&mut head)
            .map_err(|e| ImportError::Io { path: origin, source: e })?;
        let text = String::from_utf8_lossy(&head);
        if sniff_text(text.trim_start_matches('\u{feff}')) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// What the first pass learns.
#[derive(Default)]
struct Scan {
    orders: DateOrders,
    names: HashSet<String>,
    group_event: bool,
    headers: u64,
}

fn open_lines<'t>(tree: &'t mut dyn SourceTree, chat: &str) -> Result<Lines<BufReader<Box<dyn Read + 't>>>, ImportError> {
    let origin = tree.origin().join(chat);
    Ok(Lines::new(BufReader::with_capacity(1 << 16, tree.open(chat)?), origin))
}

fn scan(tree: &mut dyn SourceTree, chat: &str, title: &str) -> Result<Scan, ImportError> {
    let mut s = Scan::default();
    let mut lines = open_lines(tree, chat)?;
    while let Some(line) = lines.next_line()? {
        let Some(h) = header::parse(&line.text).filter(|h| header::is_possible(&h.stamp)) else { continue };
        s.orders.observe(&h.stamp);
        s.headers += 1;
        match split_sender(h.rest, None) {
            Some((name, body)) => {
                let is_title = name == title;
                // A name already known learns nothing more from its lines
                // (nearly every line): only the title's lines can be group events.
                if !is_title && s.names.contains(name.as_ref()) {
                    continue;
                }
                let b = Body::new(body);
                if body::is_attributed_system(&b, is_title) {
                    s.group_event = s.group_event || (is_title && body::is_group_event(b.text));
                } else if s.names.len() < MAX_NAMES {
                    s.names.insert(name.into_owned());
                }
            }
            None => s.group_event = s.group_event || body::is_group_event(h.rest),
        }
    }
    Ok(s)
}

/// A message read so far: held until the next stamp.
struct Pending {
    line: u64,
    when: When,
    sender: Option<String>,
    body: String,
    ending: &'static str,
    lossy: bool,
    /// Set on the second and later parts of a message cut at [`MAX_TEXT`].
    part_of: Option<Locator>,
}

/// Everything the second pass needs besides the lines.
struct Writer<'m> {
    entry: String,
    conversation: String,
    title: String,
    orders: DateOrders,
    media: &'m MediaIndex,
    declared: HashSet<String>,
}

pub fn import(tree: &mut dyn SourceTree, ctx: &mut ImportCtx) -> Result<(), ImportError> {
    let origin = tree.origin().to_path_buf();
    let origin_name = origin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (chat, title) = if tree.is_single_file() {
        let chat = tree.entries().first().map(|e| e.path.clone()).unwrap_or_default();
        let title = title_from(&chat);
        (chat, title)
    } else {
        let candidates = chat_candidates(tree.entries());
        let chosen = candidates.iter().find(|e| e.file_name() == "_chat.txt").or(candidates.first()).map(|e| e.path.clone());
        let Some(chat) = chosen.map(Ok).or_else(|| renamed_chat(tree).transpose()).transpose()? else {
            return Err(ImportError::malformed(origin.display().to_string(), "entries", "no WhatsApp chat text (_chat.txt or WhatsApp….txt) in it"));
        };
        let file = chat.rsplit('/').next().unwrap_or(&chat);
        let title = if file == "_chat.txt" { title_from(&origin_name) } else { title_from(file) };
        (chat, title)
    };

    let scan = scan(tree, &chat, &title)?;
    if scan.headers == 0 {
        let path = if tree.is_single_file() { origin.display().to_string() } else { format!("{}!{chat}", origin.display()) };
        return Err(ImportError::malformed(
            path,
            "line 1",
            "no WhatsApp message line (`date, time - name: text` or `[date, time] name: text`) found",
        ));
    }
    let media = if tree.is_single_file() {
        MediaIndex::default()
    } else {
        let (index, files) = MediaIndex::build(tree, &chat)?;
        // A folder's files are recorded by the driver; a zip's are not.
        if !origin.is_dir() {
            let (size, sha) = tree.hash(&chat)?;
            ctx.source_file(&chat, size, &sha)?;
            for f in &files {
                ctx.source_file(&f.path, f.size, &f.sha256)?;
            }
        }
        index
    };
    let group = scan.group_event || scan.names.len() > 2;
    ctx.conversation(&ConversationRecord {
        external_id: title.clone(),
        title: Some(title.clone()),
        kind: Some(if group { ConversationKind::Group } else { ConversationKind::Direct }),
    })?;

    let mut w = Writer {
        entry: chat.clone(),
        conversation: title.clone(),
        title,
        orders: scan.orders,
        media: &media,
        declared: HashSet::new(),
    };
    let names = scan.names;
    let mut lines = open_lines(tree, &chat)?;
    let mut pending: Option<Pending> = None;
    while let Some(line) = lines.next_line()? {
        if line.cut {
            let at = Locator::line(&chat, line.no);
            ctx.skip(&at, format!("line longer than {} bytes", super::textlines::MAX_LINE))?;
            continue;
        }
        let header = header::parse(&line.text).and_then(|h| Some((w.orders.resolve(&h.stamp)?, h.rest)));
        if let Some((when, rest)) = header {
            if let Some(p) = pending.take() {
                w.emit(ctx, p)?;
            }
            let (sender, body) = match split_sender(rest, Some(&names)) {
                Some((name, body)) => (Some(name.into_owned()), body),
                None => (None, rest),
            };
            pending = Some(Pending {
                line: line.no,
                when,
                sender,
                body: body.to_string(),
                ending: line.ending,
                lossy: !line.valid_utf8,
                part_of: None,
            });
            continue;
        }
        match pending.as_mut() {
            Some(p) if p.body.len() + line.text.len() + 2 > MAX_TEXT => {
                let next = Pending {
                    line: line.no,
                    when: p.when.clone(),
                    sender: p.sender.clone(),
                    body: line.text.to_string(),
                    ending: line.ending,
                    lossy: !line.valid_utf8,
                    part_of: Some(p.part_of.clone().unwrap_or_else(|| Locator::line(&chat, p.line))),
                };
                if let Some(p) = pending.replace(next) {
                    w.emit(ctx, p)?;
                }
            }
            Some(p) => {
                p.body.push_str(p.ending);
                p.body.push_str(&line.text);
                p.ending = line.ending;
                p.lossy |= !line.valid_utf8;
            }
            None if line.text.trim().is_empty() => {}
            None => ctx.skip(&Locator::line(&chat, line.no), "text before the first WhatsApp message line")?,
        }
    }
    if let Some(p) = pending.take() {
        w.emit(ctx, p)?;
    }
    Ok(())
}

impl Writer<'_> {
    fn emit(&mut self, ctx: &mut ImportCtx, p: Pending) -> Result<(), ImportError> {
        let at = Locator::line(&self.entry, p.line);
        // The stored text is the body itself, trimmed in place rather than copied.
        let mut text = p.body;
        text.truncate(text.trim_end_matches(['\r', '\n']).len());
        let b = Body::new(&text);
        let mut extra = Map::new();
        let mut sender = p.sender;
        if let Some(name) = &sender {
            if body::is_attributed_system(&b, *name == self.title) {
                extra.insert("attributed_to".into(), Value::String(name.clone()));
                sender = None;
            }
        }
        let mut m = MessageRecord::new(&self.conversation, MessageKind::System, String::new(), at);
        if sender.is_some() && p.part_of.is_none() {
            let c = body::classify(&b, self.media);
            m.kind = c.kind;
            m.deleted = c.deleted;
            m.edited = c.edited;
            m.attachments = c.attachments;
            extra.extend(c.extra);
        } else if sender.is_some() {
            m.kind = MessageKind::Text;
        }
        if let Some(name) = &sender {
            if !self.declared.contains(name) {
                ctx.participant(&ParticipantRecord {
                    external_id: name.clone(),
                    display_name: Some(name.clone()),
                    phone: phone_of(name),
                    ..Default::default()
                })?;
                self.declared.insert(name.clone());
            }
            m.sender_name = Some(name.clone());
        }
        m.sender = sender;
        let when = p.when;
        m.timestamp = ctx.local_time(when.at);
        m.offset_assumed = true;
        if when.assumed {
            extra.insert("date_order".into(), Value::String(when.order.as_str().into()));
            extra.insert("date_order_assumed".into(), Value::Bool(true));
        }
        if when.buddhist {
            extra.insert("calendar".into(), Value::String("buddhist".into()));
        }
        if p.lossy {
            extra.insert("invalid_utf8".into(), Value::Bool(true));
        }
        if let Some(first) = p.part_of {
            extra.insert("continues".into(), Value::String(first.to_string()));
        }
        if !extra.is_empty() {
            m.extra = Some(Value::Object(extra));
        }
        let marks = text.len() - b.text.len();
        text.drain(..marks);
        m.text = text;
        ctx.message(&m)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from("WhatsApp Chat with Alex Smith.txt"), "Alex Smith");
        assert_eq!(title_from("WhatsApp Chat - 项目组.zip"), "项目组");
        assert_eq!(title_from("Чат WhatsApp с контактом Иван.txt"), "Иван");
        assert_eq!(title_from("WhatsApp_Chat_with_Group_Chat_XXX_Android.txt"), "Group Chat XXX Android");
        assert_eq!(title_from("english_android.txt"), "english_android");
        assert_eq!(title_from("WhatsApp.txt"), "WhatsApp");
    }

    #[test]
    fn phones_and_names() {
        assert_eq!(phone_of("+41 012 345 67 89").as_deref(), Some("+41012345 6789".replace(' ', "").as_str()));
        assert_eq!(phone_of("+7 999 999-99-99").as_deref(), Some("+79999999999"));
        assert_eq!(phone_of("Dmitry S"), None);
        assert_eq!(phone_of("2024"), None);
        assert_eq!(clean_name("\u{202a}+1 555 0100\u{202c}"), "+1 555 0100");
    }

    #[test]
    fn sender_split() {
        assert_eq!(split_sender("A: b: c", None), Some(("A".into(), "b: c")));
        assert_eq!(split_sender("You changed the subject from \"A: B\" to \"C\"", None), None);
        assert_eq!(split_sender("Alice created group \"x\"", None), None);
        let known: HashSet<String> = ["John Doe".to_string()].into();
        assert_eq!(split_sender("John Doe:.", Some(&known)), Some(("John Doe".into(), ".")));
        assert_eq!(split_sender("Jane:.", Some(&known)), None);
    }
}
