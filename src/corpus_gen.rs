//! A synthetic, reproducible chat corpus for benchmarks and load tests.
//!
//! One seed gives the same bytes on every machine: the only randomness is a
//! SplitMix64 stream ([`rng`]) and all arithmetic is integer. Messages are
//! produced one at a time and written straight out, so a corpus of any size
//! needs memory only for the cast (people and chats), never for messages.
//!
//! The corpus imitates the export of one employee's work chats: mostly
//! Chinese group chats (+08:00) plus English ones (UTC, `Z`), direct chats
//! with the owner, a burst structure (a chat stays active for a while),
//! office hours and quieter weekends, ~50–60 bytes of UTF-8 text per message
//! on average, and the kinds a review cares about: transfers with amounts,
//! red packets, images, files, voice, links, system notices, recalls. About
//! 2.5 % of the text messages are red-line material (see [`vocab`]).
//!
//! Output formats: the generic JSONL and CSV schema of
//! [`crate::import::generic`], and a WhatsApp Android `.txt` export
//! (`dd/mm/yyyy, HH:MM - Name: text`, continuation lines without a header).
//! A WhatsApp export holds one chat, so that format always writes one group.

mod rng;
mod vocab;
mod write;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use rng::Rng;
use vocab::*;

/// The file format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Generic JSON Lines (`redline import --format jsonl`).
    Jsonl,
    /// Generic CSV with a header row.
    Csv,
    /// WhatsApp Android "Export chat" text, one group chat.
    WhatsApp,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Csv => "csv",
            Self::WhatsApp => "whatsapp",
        }
    }
}

impl FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "jsonl" => Ok(Self::Jsonl),
            "csv" => Ok(Self::Csv),
            "whatsapp" => Ok(Self::WhatsApp),
            other => Err(format!("unknown corpus format {other:?} (jsonl, csv or whatsapp)")),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    pub messages: u64,
    pub seed: u64,
    pub format: OutputFormat,
    /// Number of chats (ignored for WhatsApp, which is always one chat).
    pub conversations: u32,
}

impl GenOptions {
    /// 200 chats by default: a busy employee's export.
    pub fn new(messages: u64, seed: u64, format: OutputFormat) -> Self {
        Self { messages, seed, format, conversations: 200 }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct GenSummary {
    pub messages: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Bytes of message text (UTF-8), without the format's framing.
    pub text_bytes: u64,
    pub conversations: u64,
    pub participants: u64,
    /// Messages per kind (the generator's kinds; a WhatsApp export shows
    /// media as `<Media omitted>` and has no transfers or red packets).
    pub kinds: BTreeMap<String, u64>,
}

/// Generate into `out` (wrap files in a `BufWriter`; [`generate_file`] does).
pub fn generate(opts: &GenOptions, out: impl Write) -> io::Result<GenSummary> {
    let mut world = World::new(opts);
    let mut sink = write::Sink::new(opts.format, out)?;
    let mut m = Message::default();
    let mut kinds: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut text_bytes = 0;
    for _ in 0..opts.messages {
        world.next_message(&mut m);
        sink.write(&world, &m)?;
        text_bytes += m.text.len() as u64;
        *kinds.entry(m.kind.as_str()).or_default() += 1;
    }
    let bytes = sink.finish()?;
    Ok(GenSummary {
        messages: opts.messages,
        bytes,
        text_bytes,
        conversations: world.chats.len() as u64,
        participants: world.people.len() as u64,
        kinds: kinds.into_iter().map(|(k, n)| (k.to_string(), n)).collect(),
    })
}

/// Generate into a new file at `path`.
pub fn generate_file(opts: &GenOptions, path: &Path) -> io::Result<GenSummary> {
    let f = std::fs::File::create(path)?;
    generate(opts, io::BufWriter::with_capacity(1 << 20, f))
}

/// A search query drawn from the corpus vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleQuery {
    /// `cjk1` … `cjk4` (that many Han characters) or `en` (one English word).
    pub class: &'static str,
    pub text: String,
}

/// Up to `per_class` queries of each class (1–4 Chinese characters, English
/// words), cut from the messages of the corpus `opts` describes, so every
/// query occurs in that corpus (common ones like 的 as well as rare ones).
/// Duplicates are kept: a reviewer repeats the common searches too.
pub fn sample_queries(opts: &GenOptions, per_class: usize) -> Vec<SampleQuery> {
    const CLASSES: [&str; 5] = ["cjk1", "cjk2", "cjk3", "cjk4", "en"];
    let mut world = World::new(opts);
    let mut pick = Rng::new(opts.seed ^ 0x5EED_0F5E_A2C4);
    let mut counts = [0usize; 5];
    let mut out = Vec::with_capacity(per_class * 5);
    let mut m = Message::default();
    for _ in 0..opts.messages {
        if counts.iter().all(|&c| c >= per_class) {
            break;
        }
        world.next_message(&mut m);
        if m.kind != Kind::Text {
            continue;
        }
        let class = pick.below(5) as usize;
        if counts[class] >= per_class {
            continue;
        }
        let query = if class == 4 { english_word(&m.text, &mut pick) } else { han_substring(&m.text, class + 1, &mut pick) };
        if let Some(text) = query {
            counts[class] += 1;
            out.push(SampleQuery { class: CLASSES[class], text });
        }
    }
    out
}

fn han_substring(text: &str, len: usize, rng: &mut Rng) -> Option<String> {
    let runs: Vec<Vec<char>> = text
        .split(|c: char| !crate::store::fts_tokens::is_cjk(c))
        .map(|r| r.chars().collect::<Vec<_>>())
        .filter(|r| r.len() >= len)
        .collect();
    if runs.is_empty() {
        return None;
    }
    let run = &runs[rng.below(runs.len() as u64) as usize];
    let start = rng.below((run.len() - len + 1) as u64) as usize;
    Some(run[start..start + len].iter().collect())
}

fn english_word(text: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> =
        text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3).collect();
    if words.is_empty() {
        None
    } else {
        Some(rng.pick(&words).to_ascii_lowercase())
    }
}

// ---------------------------------------------------------------------------
// The cast and the clock.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Cn,
    En,
}

struct Person {
    id: String,
    name: String,
    lang: Lang,
}

struct Chat {
    id: String,
    title: String,
    group: bool,
    lang: Lang,
    /// Indexes into `World::people`; the export's owner (0) is always a member.
    members: Vec<u32>,
    /// Times in UTC (`Z`) rather than +08:00.
    utc: bool,
    /// Id of the chat's latest message (for replies).
    last_id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    Text,
    Image,
    File,
    Voice,
    Link,
    Transfer,
    RedPacket,
    System,
    Recalled,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Image => "image",
            Self::File => "file",
            Self::Voice => "voice",
            Self::Link => "link",
            Self::Transfer => "transfer",
            Self::RedPacket => "red_packet",
            Self::System => "system",
            Self::Recalled => "recalled",
        }
    }
}

/// One generated message; its buffers are reused from message to message.
#[derive(Default)]
struct Message {
    id: u64,
    chat: usize,
    sender: Option<u32>,
    /// UTC seconds since the epoch.
    ts: i64,
    millis: Option<u16>,
    kind: Kind,
    text: String,
    amount: String,
    currency: Option<&'static str>,
    attachment: Option<Attachment>,
    reply_to: Option<u64>,
}

struct Attachment {
    name: String,
    mime: &'static str,
    size: u64,
}

/// 2024-01-02T00:00:00Z, a Tuesday.
const START: i64 = 1_704_153_600;
const CHINA: i64 = 8 * 3600;

struct World {
    rng: Rng,
    people: Vec<Person>,
    chats: Vec<Chat>,
    whatsapp: bool,
    clock: i64,
    mean_gap: u64,
    current: usize,
    next_id: u64,
    /// WhatsApp header lines still to write (E2E notice, group creation).
    preamble: Vec<(Option<u32>, String)>,
}

impl World {
    fn new(opts: &GenOptions) -> Self {
        let mut rng = Rng::new(opts.seed);
        let whatsapp = opts.format == OutputFormat::WhatsApp;
        let chats_wanted = if whatsapp { 1 } else { opts.conversations.max(1) };
        let people_wanted = (chats_wanted as usize * 3).clamp(12, 20_000);
        let mut people = (0..people_wanted).map(|i| person(&mut rng, i)).collect::<Vec<_>>();
        let mut chats = Vec::with_capacity(chats_wanted as usize);
        for i in 0..chats_wanted as usize {
            let group = whatsapp || i == 0 || rng.chance(700);
            chats.push(if group { group_chat(&mut rng, &people, i, whatsapp) } else { direct_chat(&mut rng, &people, i) });
        }
        if whatsapp {
            // A WhatsApp export names contacts missing from the phone's
            // address book by their number: the last member and a few more.
            let members = &chats[0].members;
            for (k, &m) in members.iter().enumerate().skip(1) {
                if k + 1 == members.len() || rng.chance(200) {
                    let (a, b, c) = (30 + rng.below(70), rng.below(10_000), rng.below(10_000));
                    people[m as usize].name = format!("+86 1{a:02} {b:04} {c:04}");
                }
            }
        }
        // Spread the corpus over up to two years (nights and weekends are
        // quieter, so a year of office hours is about two years); small
        // corpora get at most ten minutes between messages.
        let active_seconds = 365 * 15 * 3600;
        let mean_gap = (active_seconds / opts.messages.max(1)).clamp(2, 600);
        let mut world = Self {
            rng,
            people,
            chats,
            whatsapp,
            clock: START + CHINA + 9 * 3600,
            mean_gap,
            current: 0,
            next_id: 1,
            preamble: Vec::new(),
        };
        if whatsapp {
            world.preamble = world.whatsapp_preamble();
        }
        world
    }

    fn whatsapp_preamble(&mut self) -> Vec<(Option<u32>, String)> {
        let chat = &self.chats[0];
        let owner = &self.people[chat.members[0] as usize].name;
        let mut lines = vec![
            (None, "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.".to_string()),
            (None, format!("{owner} created group \"{}\"", chat.title)),
        ];
        for &m in &chat.members[1..] {
            lines.push((None, format!("{owner} added {}", self.people[m as usize].name)));
        }
        lines.reverse();
        lines
    }

    fn advance_clock(&mut self) {
        let mut gap = self.rng.below(2 * self.mean_gap + 1) as i64;
        if self.rng.chance(30) {
            gap += self.rng.below(20 * self.mean_gap) as i64;
        }
        let local_day = (self.clock + CHINA).div_euclid(86_400);
        let weekday = (local_day + 4).rem_euclid(7); // 1970-01-01 was a Thursday; 0 = Sunday
        if weekday == 0 || weekday == 6 {
            gap *= 4;
        }
        self.clock += gap;
        let local = self.clock + CHINA;
        let hour = local.rem_euclid(86_400) / 3600;
        if !(8..23).contains(&hour) {
            // Night: the next message comes after 08:00 local.
            let day = local.div_euclid(86_400) + i64::from(hour >= 23);
            self.clock = day * 86_400 + 8 * 3600 - CHINA + self.rng.below(5400) as i64;
        }
    }

    fn pick_chat(&mut self) {
        if !self.rng.chance(850) {
            self.current = self.rng.skewed(self.chats.len() as u64) as usize;
        }
    }

    fn next_message(&mut self, m: &mut Message) {
        self.advance_clock();
        self.pick_chat();
        let chat_ix = self.current;
        m.id = self.next_id;
        self.next_id += 1;
        m.chat = chat_ix;
        m.ts = self.clock;
        m.text.clear();
        m.amount.clear();
        m.currency = None;
        m.attachment = None;
        m.reply_to = None;
        let utc = self.chats[chat_ix].utc;
        m.millis = if utc && self.rng.chance(300) { Some(self.rng.below(1000) as u16) } else { None };
        if let Some((sender, text)) = self.preamble.pop() {
            m.sender = sender;
            m.kind = Kind::System;
            m.text.push_str(&text);
            return;
        }
        let members = &self.chats[chat_ix].members;
        let sender = members[self.rng.skewed(members.len() as u64) as usize];
        m.sender = Some(sender);
        let lang = self.message_lang(chat_ix);
        m.kind = self.pick_kind(chat_ix);
        match m.kind {
            Kind::Text => self.text_message(m, lang),
            Kind::Image => self.image(m),
            Kind::File => self.file(m, lang),
            Kind::Voice => self.voice(m),
            Kind::Link => self.link(m, lang),
            Kind::Transfer => self.transfer(m),
            Kind::RedPacket => {
                let t = self.rng.pick(RED_PACKET_TEXTS);
                m.text.push_str(t);
                if self.rng.chance(500) {
                    self.amount(&mut m.amount, true);
                    m.currency = Some("CNY");
                }
            }
            Kind::System => self.system(m),
            Kind::Recalled => {
                m.text.push_str(if self.whatsapp { "This message was deleted" } else { "[该消息已撤回]" });
            }
        }
        if self.whatsapp {
            self.whatsapp_body(m);
        }
        let chat = &mut self.chats[chat_ix];
        if m.kind == Kind::Text && chat.last_id > 0 && self.rng.chance(30) {
            m.reply_to = Some(chat.last_id);
        }
        chat.last_id = m.id;
    }

    /// A Chinese chat has some English messages and vice versa.
    fn message_lang(&mut self, chat: usize) -> Lang {
        match self.chats[chat].lang {
            Lang::Cn if self.rng.chance(80) => Lang::En,
            Lang::En if self.rng.chance(50) => Lang::Cn,
            l => l,
        }
    }

    fn pick_kind(&mut self, chat: usize) -> Kind {
        let c = &self.chats[chat];
        let cn = c.lang == Lang::Cn;
        let roll = self.rng.below(1000);
        let table: [(u64, Kind); 8] = [
            (45, Kind::Image),
            (20, Kind::File),
            (if cn { 20 } else { 0 }, Kind::Voice),
            (10, Kind::Link),
            (if cn && !self.whatsapp { if c.group { 8 } else { 30 } } else { 0 }, Kind::Transfer),
            (if cn && !self.whatsapp && c.group { 15 } else { 0 }, Kind::RedPacket),
            (if c.group { 10 } else { 0 }, Kind::System),
            (5, Kind::Recalled),
        ];
        let mut acc = 0;
        for (share, kind) in table {
            acc += share;
            if roll < acc {
                return kind;
            }
        }
        Kind::Text
    }

    fn text_message(&mut self, m: &mut Message, lang: Lang) {
        let roll = self.rng.below(1000);
        let (red, work) = match lang {
            Lang::Cn => (CN_RED, CN_WORK),
            Lang::En => (EN_RED, EN_WORK),
        };
        if roll < 25 {
            let t = self.rng.pick(red);
            self.fill(&mut m.text, t, lang);
        } else if roll < 525 {
            let t = self.rng.pick(work);
            self.fill(&mut m.text, t, lang);
            if self.rng.chance(350) {
                // People run on: a template plus a clause of chatter.
                m.text.push_str(if lang == Lang::Cn { "，" } else { ". " });
                self.chatter(&mut m.text, lang);
            }
        } else {
            self.chatter(&mut m.text, lang);
        }
        if self.rng.chance(20) {
            let extra = self.rng.pick(if lang == Lang::Cn { CN_EXTRA_LINES } else { EN_EXTRA_LINES });
            m.text.push('\n');
            self.fill(&mut m.text, extra, lang);
        }
        if self.rng.chance(30) {
            m.text.push_str(self.rng.pick(&[" 👍", "😂", " 🙏", "[微笑]", " ok"]));
        }
    }

    fn chatter(&mut self, out: &mut String, lang: Lang) {
        let clauses = 1 + self.rng.below(3);
        for i in 0..clauses {
            match lang {
                Lang::Cn => {
                    if i > 0 {
                        out.push('，');
                    }
                    for list in [CN_SUBJECTS, CN_ADVERBS, CN_VERBS, CN_OBJECTS] {
                        out.push_str(self.rng.pick(list));
                    }
                    if i + 1 == clauses {
                        out.push_str(self.rng.pick(CN_ENDINGS));
                    }
                }
                Lang::En => {
                    if i > 0 {
                        out.push_str(", and ");
                    }
                    let subject = self.rng.pick(EN_SUBJECTS);
                    if i > 0 && subject != "I" {
                        out.push_str(&subject.to_ascii_lowercase());
                    } else {
                        out.push_str(subject);
                    }
                    out.push(' ');
                    out.push_str(self.rng.pick(EN_VERBS));
                    out.push(' ');
                    out.push_str(self.rng.pick(EN_OBJECTS));
                    if i + 1 == clauses {
                        out.push_str(self.rng.pick(EN_ENDINGS));
                    }
                }
            }
        }
    }

    /// Expand a template's slots.
    fn fill(&mut self, out: &mut String, template: &str, lang: Lang) {
        let cn = lang == Lang::Cn;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let slot = rest.as_bytes().get(open + 1).copied().unwrap_or(b'}');
            rest = rest.get(open + 3..).unwrap_or("");
            match slot {
                b'n' => {
                    let chat = &self.chats[self.current];
                    let p = chat.members[self.rng.below(chat.members.len() as u64) as usize];
                    out.push_str(&self.people[p as usize].name);
                }
                b'p' => out.push_str(self.rng.pick(PROJECTS)),
                b'd' => out.push_str(self.rng.pick(if cn { DAYS } else { EN_DAYS })),
                b't' => out.push_str(self.rng.pick(if cn { TIMES } else { EN_TIMES })),
                b'r' => out.push_str(self.rng.pick(ROOMS)),
                b'c' => out.push_str(self.rng.pick(if cn { CITIES } else { EN_CITIES })),
                b'f' => out.push_str(self.rng.pick(if cn { DOCS } else { EN_DOCS })),
                b'a' => self.amount(out, false),
                b'o' => {
                    let n = self.rng.below(10_000_000_000);
                    out.push_str(&format!("2024{n:010}"));
                }
                b'k' => out.push_str(&(2 + self.rng.below(9)).to_string()),
                _ => {}
            }
        }
        out.push_str(rest);
    }

    /// An amount as people type it (`8,800`, `1888.00`), or as a payment
    /// record stores it (`plain`: always two decimals, no grouping).
    fn amount(&mut self, out: &mut String, plain: bool) {
        const ROUND: &[u64] = &[88, 200, 500, 666, 888, 1000, 1888, 2000, 5000, 8800, 10000, 20000, 50000];
        let yuan = if self.rng.chance(600) { self.rng.pick(ROUND) } else { 10 + self.rng.below(30_000) };
        let cents = if self.rng.chance(200) { self.rng.below(100) } else { 0 };
        if plain {
            out.push_str(&format!("{yuan}.{cents:02}"));
        } else if yuan >= 1000 && self.rng.chance(300) {
            out.push_str(&format!("{},{:03}", yuan / 1000, yuan % 1000));
        } else if cents > 0 || self.rng.chance(200) {
            out.push_str(&format!("{yuan}.{cents:02}"));
        } else {
            out.push_str(&yuan.to_string());
        }
    }

    fn image(&mut self, m: &mut Message) {
        let (y, mo, d, h, mi, s) = civil(m.ts + CHINA);
        m.attachment = Some(Attachment {
            name: format!("IMG_{y:04}{mo:02}{d:02}_{h:02}{mi:02}{s:02}.jpg"),
            mime: "image/jpeg",
            size: self.rng.range(40_000, 4_000_000),
        });
    }

    fn file(&mut self, m: &mut Message, lang: Lang) {
        const TYPES: &[(&str, &str)] = &[
            ("pdf", "application/pdf"),
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ];
        let doc = self.rng.pick(if lang == Lang::Cn { DOCS } else { EN_DOCS });
        let doc = doc.strip_prefix("the ").unwrap_or(doc);
        let (ext, mime) = self.rng.pick(TYPES);
        let project = self.rng.pick(PROJECTS);
        let name = format!("{project}{doc}v{}.{ext}", 1 + self.rng.below(4));
        m.text.push_str(&name);
        m.attachment = Some(Attachment { name, mime, size: self.rng.range(20_000, 12_000_000) });
    }

    fn voice(&mut self, m: &mut Message) {
        m.attachment =
            Some(Attachment { name: format!("voice_{}.amr", m.id), mime: "audio/amr", size: self.rng.range(2_000, 120_000) });
    }

    fn link(&mut self, m: &mut Message, lang: Lang) {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        m.text.push_str(if lang == Lang::Cn { "https://mp.weixin.qq.com/s/" } else { "https://docs.example.com/d/" });
        for _ in 0..22 {
            m.text.push(B64[self.rng.below(64) as usize] as char);
        }
    }

    fn transfer(&mut self, m: &mut Message) {
        let memo = self.rng.pick(TRANSFER_MEMOS);
        m.text.push_str(memo);
        self.amount(&mut m.amount, true);
        m.currency = Some("CNY");
    }

    fn system(&mut self, m: &mut Message) {
        m.sender = None;
        if self.whatsapp {
            let chat = &self.chats[0];
            let a = &self.people[chat.members[self.rng.below(chat.members.len() as u64) as usize] as usize].name;
            let b = &self.people[self.rng.below(self.people.len() as u64) as usize].name;
            let line = match self.rng.below(3) {
                0 => format!("{a} added {b}"),
                1 => format!("{b} left"),
                _ => format!("{a} changed the group description"),
            };
            m.text.push_str(&line);
        } else {
            let t = self.rng.pick(SYSTEM_TEXTS);
            self.fill(&mut m.text, t, Lang::Cn);
        }
    }

    /// What a WhatsApp Android export (without media) shows instead.
    fn whatsapp_body(&mut self, m: &mut Message) {
        match m.kind {
            Kind::Image | Kind::Voice => {
                m.text.clear();
                m.text.push_str("<Media omitted>");
            }
            Kind::File => {
                // The document's name follows as a caption line.
                let caption = std::mem::take(&mut m.text);
                m.text.push_str("<Media omitted>\n");
                m.text.push_str(&caption);
            }
            _ => {}
        }
        m.attachment = None;
    }
}

fn person(rng: &mut Rng, index: usize) -> Person {
    const ID: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    // The export's owner (index 0) writes Chinese.
    let lang = if index == 0 || rng.chance(750) { Lang::Cn } else { Lang::En };
    let name = match lang {
        Lang::Cn => format!("{}{}", rng.pick(CN_SURNAMES), rng.pick(CN_GIVEN)),
        Lang::En => format!("{} {}", rng.pick(EN_FIRST), rng.pick(EN_LAST)),
    };
    let mut id = String::from("wxid_");
    for _ in 0..12 {
        id.push(ID[rng.below(ID.len() as u64) as usize] as char);
    }
    Person { id, name, lang }
}

fn group_chat(rng: &mut Rng, people: &[Person], index: usize, whatsapp: bool) -> Chat {
    let lang = if whatsapp || rng.chance(800) { Lang::Cn } else { Lang::En };
    let titles = if lang == Lang::Cn { CN_GROUPS } else { EN_GROUPS };
    let base = rng.pick(titles);
    let title = if index < titles.len() { base.to_string() } else { format!("{base}{}", index / titles.len() + 1) };
    let size = rng.range(3, 30.min(people.len() as u64)) as usize;
    let mut members = vec![0u32];
    while members.len() < size {
        let p = 1 + rng.below(people.len() as u64 - 1) as u32;
        // Most members speak the chat's language.
        if !members.contains(&p) && (people[p as usize].lang == lang || rng.chance(150)) {
            members.push(p);
        }
    }
    let id = format!("{}@chatroom", 10_000_000_000 + rng.below(90_000_000_000));
    Chat { id, title, group: true, lang, members, utc: lang == Lang::En, last_id: 0 }
}

fn direct_chat(rng: &mut Rng, people: &[Person], index: usize) -> Chat {
    // Direct chats are the owner's, one per other person while there are people left.
    let other = 1 + (index % (people.len() - 1)) as u32;
    let p = &people[other as usize];
    let utc = p.lang == Lang::En && rng.chance(700);
    let id = if index < people.len() - 1 { p.id.clone() } else { format!("{}#{index}", p.id) };
    Chat { id, title: p.name.clone(), group: false, lang: p.lang, members: vec![0, other], utc, last_id: 0 }
}

/// (year, month, day, hour, minute, second) of seconds since the epoch.
fn civil(secs: i64) -> (i32, u32, u32, u32, u32, u32) {
    use chrono::{Datelike, Timelike};
    let t = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default().naive_utc();
    (t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(messages: u64, seed: u64, format: OutputFormat) -> (Vec<u8>, GenSummary) {
        let mut out = Vec::new();
        let s = generate(&GenOptions::new(messages, seed, format), &mut out).unwrap();
        (out, s)
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        for f in [OutputFormat::Jsonl, OutputFormat::Csv, OutputFormat::WhatsApp] {
            let (a, _) = gen(3000, 42, f);
            let (b, _) = gen(3000, 42, f);
            let (c, _) = gen(3000, 43, f);
            assert_eq!(a, b, "{f:?}");
            assert_ne!(a, c, "{f:?}");
        }
    }

    #[test]
    fn jsonl_has_one_parsable_object_per_message() {
        let (out, s) = gen(5000, 7, OutputFormat::Jsonl);
        let text = String::from_utf8(out.clone()).unwrap();
        assert_eq!(s.bytes, out.len() as u64);
        assert_eq!(text.lines().count(), 5000);
        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["conversation"].is_string() && v["timestamp"].is_string() && v["text"].is_string(), "{line}");
            *kinds.entry(v["kind"].as_str().unwrap().to_string()).or_default() += 1;
            if v["kind"] == "transfer" {
                assert!(v["amount"].as_str().unwrap().parse::<f64>().is_ok(), "{line}");
            }
        }
        assert_eq!(kinds, s.kinds);
        for k in ["text", "image", "file", "transfer", "red_packet", "system"] {
            assert!(s.kinds.get(k).copied().unwrap_or(0) > 0, "no {k} in {:?}", s.kinds);
        }
    }

    #[test]
    fn text_is_work_chat_of_realistic_size() {
        let (out, s) = gen(20_000, 1, OutputFormat::Jsonl);
        let avg = s.text_bytes / s.messages;
        assert!((40..=80).contains(&avg), "average text {avg} bytes");
        let text = String::from_utf8(out).unwrap();
        for needle in ["红包", "转账", "发票", "会议", "报销", "+08:00\"", "Z\"", "\\n", "guaranteed returns"] {
            assert!(text.contains(needle), "no {needle}");
        }
    }

    #[test]
    fn csv_has_one_record_per_message() {
        let (out, _) = gen(4000, 9, OutputFormat::Csv);
        let mut rdr = csv::Reader::from_reader(out.as_slice());
        assert_eq!(rdr.headers().unwrap().get(1), Some("conversation"));
        assert_eq!(rdr.records().collect::<Result<Vec<_>, _>>().unwrap().len(), 4000);
    }

    #[test]
    fn whatsapp_lines_follow_the_android_grammar() {
        let (out, s) = gen(4000, 3, OutputFormat::WhatsApp);
        let text = String::from_utf8(out).unwrap();
        let header = regex::Regex::new(r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2} - ").unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(lines[0].ends_with("end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more."));
        assert!(header.is_match(lines[0]));
        assert_eq!(lines.iter().filter(|l| header.is_match(l)).count(), 4000);
        assert!(lines.len() > 4000, "some messages have continuation lines");
        assert!(!text.contains('\r'));
        assert!(text.contains(": <Media omitted>\n"));
        assert!(regex::Regex::new(r"(?m)^\d{2}/\d{2}/\d{4}, \d{2}:\d{2} - \+86 1\d{2} \d{4} \d{4}: ").unwrap().is_match(&text));
        assert_eq!(s.conversations, 1);
    }

    #[test]
    fn queries_occur_in_the_corpus() {
        let qs = sample_queries(&GenOptions::new(20_000, 5, OutputFormat::Jsonl), 20);
        assert_eq!(qs.len(), 100);
        let (out, _) = gen(20_000, 5, OutputFormat::Jsonl);
        let text = String::from_utf8(out).unwrap().to_lowercase();
        for q in &qs {
            let n = q.text.chars().count();
            match q.class {
                "en" => assert!(n >= 3 && q.text.is_ascii()),
                c => assert_eq!(c, format!("cjk{n}")),
            }
            assert!(text.contains(&q.text), "{q:?}");
        }
    }
}
