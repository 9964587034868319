//! What a WhatsApp message body says about itself: media placeholders,
//! attached files, deletions, calls, locations, polls and system notices.
//!
//! The export writes these as localized text, so recognition is by phrase
//! lists (the locales seen in real exports; unknown locales fall back to
//! plain text, never to an error) and by shapes that do not depend on the
//! language: iOS names attached files `<…: 00000001-NAME>` in every locale,
//! and prefixes generated text with U+200E, which people do not type.
//!
//! The text is kept as written; only the leading U+200E that WhatsApp puts
//! before its own placeholders is dropped.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{json, Map, Value};

use super::header::is_mark;
use super::media::{kind_of, MediaIndex};
use crate::model::{AttachmentRecord, MessageKind};

/// A message body after `Name: `, with WhatsApp's leading U+200E split off.
pub struct Body<'a> {
    /// The body without its leading U+200E marks; continuation lines included.
    pub text: &'a str,
    /// True when WhatsApp marked the text as its own (leading U+200E, iOS).
    pub generated: bool,
    /// [`Body::phrase`], made once: the notice check and [`classify`] both
    /// need it, and making it was the largest single cost of an import.
    phrase: OnceCell<String>,
}

impl<'a> Body<'a> {
    pub fn new(raw: &'a str) -> Self {
        let text = raw.trim_start_matches('\u{200e}');
        Self { text, generated: text.len() != raw.len(), phrase: OnceCell::new() }
    }

    fn first_line(&self) -> &'a str {
        self.text.split('\n').next().unwrap_or("").trim_end_matches('\r')
    }

    /// The first line in lower case without marks and a final dot, for phrase lookups.
    fn phrase(&self) -> &str {
        self.phrase.get_or_init(|| {
            let first = self.first_line();
            let unmarked: Cow<str> = if first.contains(is_mark) {
                Cow::Owned(first.chars().filter(|&c| !is_mark(c)).collect())
            } else {
                Cow::Borrowed(first)
            };
            lower(unmarked.trim().trim_end_matches(['.', '。']).trim())
        })
    }
}

/// `s.to_lowercase()`, without the case-table look-up for each character of
/// Chinese text: ASCII is mapped by byte, and characters that have no
/// lower-case form (CJK, kana, Hangul, CJK and full-width punctuation) are
/// copied. Any other character sends the whole text to `to_lowercase`, so the
/// result is always the same (a test compares the ranges char by char).
fn lower(s: &str) -> String {
    if !s.chars().all(|c| c.is_ascii() || is_caseless(c)) {
        return s.to_lowercase();
    }
    let mut out = s.to_string();
    out.make_ascii_lowercase();
    out
}

/// Characters with no lower-case mapping, common in chat text.
fn is_caseless(c: char) -> bool {
    crate::store::fts_tokens::is_cjk(c)
        || matches!(c as u32,
            0x2000..=0x206F     // general punctuation (…, ‘’, “”, bidi marks)
            | 0x3000..=0x303F   // CJK symbols and punctuation (、。「」)
            | 0xFF01..=0xFF20   // full-width ！ to ＠ (digits, ，：？); Ａ starts at U+FF21
            | 0xFF3B..=0xFF40   // full-width ［ to ｀
            | 0xFF5B..=0xFF65   // full-width ｛ to half-width ･
        )
}

/// Words in the end-to-end-encryption notice, by locale.
const E2E: &[&str] = &[
    "end-to-end",
    "ende-zu-ende",
    "de bout en bout",
    "ponto a ponto",
    "ponta a ponta",
    "de extremo a extremo",
    "koncovým šifrováním",
    "сквозным шифрованием",
    "端到端加密",
    "端對端加密",
    "エンドツーエンド暗号化",
    "uçtan uca",
];

/// Words in the "security code changed" notice (iOS, always marked U+200E).
const SECURITY_CODE: &[&str] = &[
    "security code",
    "sicherheitsnummer",
    "código de seguridad",
    "code de sécurité",
    "código de segurança",
    "codice di sicurezza",
    "kode keamanan",
    "код безопасности",
    "安全代码",
];

/// Deleted-message texts, lower case, without the final dot.
const DELETED: &[&str] = &[
    "this message was deleted",
    "you deleted this message",
    "diese nachricht wurde gelöscht",
    "du hast diese nachricht gelöscht",
    "ce message a été supprimé",
    "vous avez supprimé ce message",
    "esta mensagem foi apagada",
    "apagou esta mensagem",
    "questo messaggio è stato eliminato",
    "hai eliminato questo messaggio",
    "se eliminó este mensaje",
    "eliminaste este mensaje",
    "pesan ini dihapus",
    "anda menghapus pesan ini",
    "данное сообщение удалено",
    "вы удалили данное сообщение",
    "tato zpráva byla odstraněna",
    "tuto zprávu jste odstranil/a",
    "dit bericht is verwijderd",
    "je hebt dit bericht verwijderd",
    "此消息已删除",
    "你删除了此消息",
];

/// Edit markers appended to an edited message's text.
const EDITED: &[&str] = &[
    "<This message was edited>",
    "<Diese Nachricht wurde bearbeitet.>",
    "<Diese Nachricht wurde bearbeitet>",
    "<Se editó este mensaje.>",
    "<Ce message a été modifié>",
    "<Mensagem editada>",
    "<Questo messaggio è stato modificato>",
    "<Сообщение изменено>",
];

/// Android's "exported without media" placeholder, lower case.
const MEDIA_OMITTED: &[&str] = &[
    "<media omitted>",
    "<medien ausgeschlossen>",
    "<media weggelaten>",
    "<без медиафайлов>",
    "<média vynechány>",
    "<multimedia omitido>",
    "<archivo omitido>",
    "<médias omis>",
    "<mídia oculta>",
    "<media omessi>",
    "<media tidak disertakan>",
    "<省略影音内容>",
];

/// iOS placeholders for one kind of media, lower case.
const OMITTED: &[(MessageKind, &[&str])] = &[
    (
        MessageKind::Image,
        &[
            "image omitted",
            "bild weggelassen",
            "image absente",
            "imagem não revelada",
            "immagine omessa",
            "imagen omitida",
            "gambar tidak disertakan",
            "gif omitted",
            "gif weggelassen",
            "gif retiré",
            "gif não revelada",
            "gif esclusa",
            "gif omitido",
            "gif tidak disertakan",
        ],
    ),
    (
        MessageKind::Video,
        &["video omitted", "video weggelassen", "vidéo absente", "vídeo não revelado", "video omesso", "video omitido", "video tidak disertakan"],
    ),
    (
        MessageKind::Audio,
        &[
            "audio omitted",
            "audio weggelassen",
            "audio omis",
            "ficheiro de áudio não revelado",
            "audio omesso",
            "audio omitido",
            "audio tidak disertakan",
        ],
    ),
    (
        MessageKind::Sticker,
        &[
            "sticker omitted",
            "sticker weggelassen",
            "sticker omis",
            "sticker não revelado",
            "sticker non incluso",
            "sticker omitido",
            "stiker tidak disertakan",
        ],
    ),
    (
        MessageKind::Contact,
        &[
            "contact card omitted",
            "kontaktkarte ausgelassen",
            "fiche contact manquante",
            "contacto não revelado",
            "scheda contatto omessa",
            "tarjeta de contacto omitida",
            "kartu kontak tidak disertakan",
        ],
    ),
];

/// iOS: `Some file.txt ‎document omitted`, `Resume.pdf • ‎2 pages ‎document omitted`.
const DOCUMENT_OMITTED: &[&str] = &[
    "document omitted",
    "dokument weggelassen",
    "document manquant",
    "documento não revelado",
    "documento omesso",
    "documento omitido",
    "dokumen tidak disertakan",
];

/// Android: `IMG-20200319-WA0011.jpg (file attached)`, lower case.
const FILE_ATTACHED: &[&str] = &[
    "file attached",
    "datei angehängt",
    "soubor byl přiložen",
    "файл добавлен",
    "archivo adjunto",
    "fichier joint",
    "arquivo anexado",
    "ficheiro anexado",
    "file allegato",
    "bestand bijgevoegd",
    "file terlampir",
];

/// Call notices, lower case; matched whole or followed by `,` / `.`.
const CALLS: &[&str] = &[
    "missed voice call",
    "missed video call",
    "missed group voice call",
    "missed group video call",
    "verpasster sprachanruf",
    "verpasster videoanruf",
    "appel vocal manqué",
    "appel vidéo manqué",
    "llamada perdida",
    "llamada de voz perdida",
    "videollamada perdida",
    "chamada de voz perdida",
    "chiamata vocale persa",
    "panggilan suara tak terjawab",
    "пропущенный аудиозвонок",
    "пропущенный видеозвонок",
    "zmeškaný hovor",
    "未接语音通话",
    "未接视频通话",
];

/// Call notices that only count when WhatsApp marked the text as its own.
const CALLS_MARKED: &[&str] = &["voice call", "video call", "group call"];

/// Words that only occur in a group's system lines.
const GROUP_WORDS: &[&str] = &[
    "group", "gruppe", "grupo", "groupe", "gruppo", "grup", "groep", "группу", "группы", "skupin", "群", " added ", " removed ",
    "joined using", " left",
];

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}")))
}

// Each pattern below is first tested with a plain substring it cannot match
// without: most messages are none of these, and running the regexes on every
// message was 10 % of an import.

/// iOS `<attached: 00000001-PHOTO-….jpg>` in any language.
fn ios_attached(line: &str) -> Option<&str> {
    if !line.contains('<') {
        return None;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"<[^<>:\n]{1,40}: ?(\d{8}-[^<>\n]+)>").captures(line).and_then(|c| c.get(1)).map(|m| m.as_str())
}

/// Android `NAME.ext (PHRASE)`: the name and the phrase.
fn android_attached(line: &str) -> Option<(&str, &str)> {
    if !line.ends_with(')') {
        return None;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(&R, r"^(.+\.[\p{L}\p{N}]{1,10}) \(([^()]{1,60})\)$").captures(line)?;
    Some((c.get(1)?.as_str(), c.get(2)?.as_str()))
}

/// `location: https://maps.google.com/?q=LAT,LON` and its localized labels.
fn map_link(line: &str) -> Option<(&str, Option<(f64, f64)>)> {
    if !line.contains(": http") {
        return None;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(
        &R,
        r"^[^:\n]{1,60}: (https?://(?:maps\.google\.[a-z.]+/|www\.google\.[a-z.]+/maps|maps\.apple\.com/|maps\.app\.goo\.gl/)\S*)$",
    )
    .captures(line)?;
    let url = c.get(1)?.as_str();
    static Q: OnceLock<Regex> = OnceLock::new();
    let at = re(&Q, r"[?&]q=(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)").captures(url).and_then(|q| {
        let lat = q.get(1)?.as_str().parse().ok()?;
        let lon = q.get(2)?.as_str().parse().ok()?;
        Some((lat, lon))
    });
    Some((url, at))
}

/// A shared venue: `Name (Address): https://foursquare.com/v/…` (iOS) or
/// name, address and link on three lines (Android).
fn venue_link(text: &str) -> Option<&str> {
    if !text.contains("https://foursquare.com/v/") {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.last()?.trim_end();
    fn url_of(s: &str) -> Option<&str> {
        s.find("https://foursquare.com/v/").map(|i| &s[i..]).filter(|u| !u.contains(' '))
    }
    match lines.len() {
        1 => last.find("): https://foursquare.com/v/").and_then(|_| url_of(last)),
        2..=4 if last.starts_with("https://foursquare.com/v/") => url_of(last),
        _ => None,
    }
}

fn phrase_matches(phrase: &str, list: &[&str]) -> bool {
    list.iter().any(|p| phrase == *p || phrase.strip_prefix(p).is_some_and(|r| r.starts_with(',') || r.starts_with('.')))
}

/// The E2E or security-code notice, which iOS (and some Android locales)
/// attribute to the contact although nobody wrote it.
pub fn is_notice(b: &Body) -> bool {
    let p = b.phrase();
    // The cheap test first: most texts are neither marked nor name WhatsApp.
    let e2e = (b.generated || p.contains("whatsapp")) && E2E.iter().any(|w| p.contains(w));
    e2e || (b.generated && SECURITY_CODE.iter().any(|w| p.contains(w)))
}

/// True for a system line (no sender) that only a group has.
pub fn is_group_event(system_text: &str) -> bool {
    let p = lower(system_text);
    GROUP_WORDS.iter().any(|w| p.contains(w))
}

/// A body that a sender-attributed line carries but nobody wrote: the
/// notices, and on iOS any other marked text attributed to the chat itself
/// (`Group: ‎Alice added Bob`) that is not a recognised placeholder.
pub fn is_attributed_system(b: &Body, sender_is_title: bool) -> bool {
    is_notice(b) || (b.generated && sender_is_title && !recognized(b))
}

/// What a body is, as far as the export says.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    pub kind: MessageKind,
    pub deleted: bool,
    pub edited: bool,
    pub attachments: Vec<AttachmentRecord>,
    pub extra: Map<String, Value>,
}

fn recognized(b: &Body) -> bool {
    classify(b, &MediaIndex::default()).kind != MessageKind::Text
}

/// Classify a sender's message body.
pub fn classify(b: &Body, media: &MediaIndex) -> Classified {
    let mut c = Classified { kind: MessageKind::Text, deleted: false, edited: false, attachments: Vec::new(), extra: Map::new() };
    c.edited = EDITED.iter().any(|m| b.text.trim_end().ends_with(m));
    let first = b.first_line();
    let phrase = b.phrase();
    if DELETED.contains(&phrase) {
        c.kind = MessageKind::Recalled;
        c.deleted = true;
    } else if let Some(name) = ios_attached(first) {
        c.kind = kind_of(name);
        c.attachments.push(media.attachment(name));
    } else if let Some(name) = android_attached(first).and_then(|(name, what)| {
        let name = name.trim_start_matches(is_mark);
        let known = FILE_ATTACHED.contains(&what.to_lowercase().as_str()) || media.get(name).is_some();
        known.then_some(name)
    }) {
        c.kind = kind_of(name);
        c.attachments.push(media.attachment(name));
    } else if MEDIA_OMITTED.contains(&phrase) {
        c.kind = MessageKind::Other;
        c.extra.insert("media_omitted".into(), Value::Bool(true));
    } else if let Some(&(kind, _)) = OMITTED.iter().find(|(_, l)| l.contains(&phrase)) {
        c.kind = kind;
        c.extra.insert("media_omitted".into(), Value::Bool(true));
    } else if let Some(name) = document_omitted(first) {
        c.kind = MessageKind::File;
        c.extra.insert("media_omitted".into(), Value::Bool(true));
        c.attachments.push(media.attachment(&name));
    } else if let Some((url, at)) = map_link(first) {
        c.kind = MessageKind::Location;
        c.extra.insert("location_url".into(), Value::String(url.to_string()));
        if let Some((lat, lon)) = at {
            c.extra.insert("latitude".into(), json!(lat));
            c.extra.insert("longitude".into(), json!(lon));
        }
    } else if let Some(url) = venue_link(b.text) {
        c.kind = MessageKind::Location;
        c.extra.insert("location_url".into(), Value::String(url.to_string()));
    } else if phrase == "live location shared" {
        c.kind = MessageKind::Location;
    } else if phrase_matches(&phrase, CALLS) || (b.generated && phrase_matches(&phrase, CALLS_MARKED)) {
        c.kind = MessageKind::Call;
    } else if let Some(poll) = poll(b.text) {
        c.kind = MessageKind::Poll;
        c.extra.insert("poll".into(), poll);
    } else if b.text == "null" {
        // Android writes a view-once photo or video as the literal text `null`.
        c.kind = MessageKind::Other;
        c.extra.insert("view_once".into(), Value::Bool(true));
    }
    c
}

/// The file name of an iOS `NAME ‎document omitted` placeholder.
fn document_omitted(first: &str) -> Option<String> {
    // The lower-cased line ends with the lower case of its last char (Σ's
    // final form aside, which ends no suffix): test that before lower-casing.
    let last = first.chars().next_back()?.to_lowercase().last()?;
    if !DOCUMENT_OMITTED.iter().any(|s| s.ends_with(last)) {
        return None;
    }
    let lower = lower(first);
    let suffix = DOCUMENT_OMITTED.iter().find(|s| lower.ends_with(*s))?;
    // Lower-casing can change byte lengths; count characters instead.
    let keep = first.chars().count().checked_sub(suffix.chars().count())?;
    let head: String = first.chars().take(keep).collect();
    let name = head.split(" • ").next().unwrap_or("");
    let name = name.trim_matches(|c: char| c.is_whitespace() || is_mark(c));
    (!name.is_empty()).then(|| name.to_string())
}

/// `POLL:` / question / `OPTION: text (n votes)` lines.
fn poll(text: &str) -> Option<Value> {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    if lines.next()?.trim() != "POLL:" {
        return None;
    }
    static VOTES: OnceLock<Regex> = OnceLock::new();
    let votes = re(&VOTES, r"^(.*) \((\d+) votes?\)$");
    let mut question = Vec::new();
    let mut options = Vec::new();
    for l in lines {
        match l.strip_prefix("OPTION: ") {
            Some(o) => options.push(match votes.captures(o) {
                Some(c) => json!({ "text": &c[1], "votes": c[2].parse::<u64>().ok() }),
                None => json!({ "text": o, "votes": null }),
            }),
            None if options.is_empty() => question.push(l),
            None => return None,
        }
    }
    Some(json!({ "question": question.join("\n"), "options": options }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> MessageKind {
        classify(&Body::new(raw), &MediaIndex::default()).kind
    }

    #[test]
    fn placeholders_in_several_locales() {
        assert_eq!(kind("<Media omitted>"), MessageKind::Other);
        assert_eq!(kind("<Без медиафайлов>"), MessageKind::Other);
        assert_eq!(kind("\u{200e}image omitted"), MessageKind::Image);
        assert_eq!(kind("\u{200e}Bild weggelassen"), MessageKind::Image);
        assert_eq!(kind("\u{200e}imagem não revelada"), MessageKind::Image);
        assert_eq!(kind("\u{200e}GIF omitted"), MessageKind::Image);
        assert_eq!(kind("\u{200e}sticker omitted"), MessageKind::Sticker);
        assert_eq!(kind("\u{200e}Contact card omitted"), MessageKind::Contact);
        assert_eq!(kind("I omitted the image omitted part"), MessageKind::Text);
    }

    #[test]
    fn documents_and_attachments() {
        let c = classify(&Body::new("Resume.pdf • \u{200e}2 pages \u{200e}document omitted"), &MediaIndex::default());
        assert_eq!((c.kind, c.attachments[0].file_name.as_str()), (MessageKind::File, "Resume.pdf"));
        let c = classify(&Body::new("Some file.txt \u{200e}document omitted"), &MediaIndex::default());
        assert_eq!(c.attachments[0].file_name, "Some file.txt");
        let c = classify(&Body::new("\u{200e}<attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>"), &MediaIndex::default());
        assert_eq!((c.kind, c.attachments[0].mime.as_deref()), (MessageKind::Image, Some("image/jpeg")));
        assert_eq!(c.attachments[0].sha256, None);
        let c = classify(&Body::new("Report (final).pdf (file attached)\nsee page 2"), &MediaIndex::default());
        assert_eq!((c.kind, c.attachments[0].file_name.as_str()), (MessageKind::File, "Report (final).pdf"));
        assert_eq!(kind("\u{200e}TR.vcf (soubor byl přiložen)"), MessageKind::Contact);
        // an unknown phrase with a file that is not in the export stays text
        assert_eq!(kind("notes.txt (draft)"), MessageKind::Text);
    }

    #[test]
    fn deleted_calls_locations_polls() {
        let c = classify(&Body::new("\u{200e}You deleted this message."), &MediaIndex::default());
        assert_eq!((c.kind, c.deleted), (MessageKind::Recalled, true));
        assert_eq!(kind("Данное сообщение удалено"), MessageKind::Recalled);
        assert_eq!(kind("Missed voice call"), MessageKind::Call);
        assert_eq!(kind("\u{200e}Missed video call, \u{200e}Tap to call back"), MessageKind::Call);
        assert_eq!(kind("Missed voice calls are annoying"), MessageKind::Text);
        assert_eq!(kind("voice call"), MessageKind::Text);
        let c = classify(&Body::new("location: https://maps.google.com/?q=51.5,-0.12"), &MediaIndex::default());
        assert_eq!(c.kind, MessageKind::Location);
        assert_eq!(c.extra["latitude"], json!(51.5));
        assert_eq!(kind("Pimlico Gardens\nLondon, United Kingdom\nhttps://foursquare.com/v/4e89af95e5fa82ad4c0aa03b"), MessageKind::Location);
        let c = classify(&Body::new("POLL:\nWhen?\nOPTION: Friday (1 vote)\nOPTION: Never (0 votes)"), &MediaIndex::default());
        assert_eq!(c.kind, MessageKind::Poll);
        assert_eq!(c.extra["poll"]["options"][0], json!({"text": "Friday", "votes": 1}));
        assert_eq!(c.extra["poll"]["question"], json!("When?"));
        assert_eq!(kind("null"), MessageKind::Other);
    }

    #[test]
    fn notices_and_edits() {
        let e2e = "\u{200e}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.";
        assert!(is_notice(&Body::new(e2e)));
        assert!(is_notice(&Body::new("\u{200e}\u{200e}Your security code with Elon changed. \u{200e}Tap to learn more.")));
        assert!(!is_notice(&Body::new("our chats are end-to-end encrypted, right?")));
        assert!(is_attributed_system(&Body::new("\u{200e}Alice added Bob"), true));
        assert!(!is_attributed_system(&Body::new("\u{200e}image omitted"), true));
        assert!(!is_attributed_system(&Body::new("\u{200e}Alice added Bob"), false));
        assert!(classify(&Body::new("see you at 5 <This message was edited>"), &MediaIndex::default()).edited);
        assert!(is_group_event("Alice created group \"x\""));
        assert!(!is_group_event("Messages and calls are end-to-end encrypted."));
    }

    #[test]
    fn lower_is_to_lowercase() {
        let caseless = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_caseless(c));
        for c in caseless.chain((0..128u8).map(char::from)) {
            let s = format!("A{c}b{c}");
            assert_eq!(lower(&s), s.to_lowercase(), "U+{:04X}", c as u32);
        }
        assert_eq!(lower("ΟΔΟΣ ＡＢ"), "οδος ａｂ");
        assert_eq!(lower("你好，WORLD。"), "你好，world。");
    }
}
