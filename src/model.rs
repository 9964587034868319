//! The records an importer hands to the store.
//!
//! Importers speak in the export's own identifiers (a Slack user id, a Telegram
//! `from_id`, a WhatsApp display name): references between records are by
//! *external id*, and the store's writer turns them into row ids. This keeps
//! every importer free of SQL and lets the writer stream: nothing here needs the
//! whole export in memory.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// What kind of conversation a chat is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// Two people.
    Direct,
    /// A group chat, a multi-party DM.
    Group,
    /// A broadcast or topic channel (Slack channel, Telegram channel, Discord guild channel).
    Channel,
    /// The export does not say.
    Unknown,
}

impl ConversationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
            Self::Channel => "channel",
            Self::Unknown => "unknown",
        }
    }
}

/// What a message is. Kept as a closed list so that rules can test `kind`
/// without knowing any export's own type codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Text,
    Image,
    Video,
    Voice,
    Audio,
    File,
    Link,
    Sticker,
    Location,
    Contact,
    /// A money transfer (WeChat 转账, payment messages).
    Transfer,
    /// A red packet (WeChat 红包, lucky money).
    RedPacket,
    Call,
    Poll,
    /// Joins, leaves, renames, "messages are end-to-end encrypted", claim notices.
    System,
    /// A message that was recalled or deleted; its text, if any, is what the export still shows.
    Recalled,
    /// Something the export marks but Redline has no better name for.
    Other,
}

impl MessageKind {
    pub const ALL: [MessageKind; 17] = [
        Self::Text,
        Self::Image,
        Self::Video,
        Self::Voice,
        Self::Audio,
        Self::File,
        Self::Link,
        Self::Sticker,
        Self::Location,
        Self::Contact,
        Self::Transfer,
        Self::RedPacket,
        Self::Call,
        Self::Poll,
        Self::System,
        Self::Recalled,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Image => "image",
            Self::Video => "video",
            Self::Voice => "voice",
            Self::Audio => "audio",
            Self::File => "file",
            Self::Link => "link",
            Self::Sticker => "sticker",
            Self::Location => "location",
            Self::Contact => "contact",
            Self::Transfer => "transfer",
            Self::RedPacket => "red_packet",
            Self::Call => "call",
            Self::Poll => "poll",
            Self::System => "system",
            Self::Recalled => "recalled",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// Where a record came from inside its source, so that a reviewer (or a
/// court) can find the exact bytes again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locator {
    /// A line in a text file: `path` is relative to the source (the file
    /// name for a single file, the entry name inside an archive).
    Line { path: String, line: u64 },
    /// A JSON value: `pointer` is an RFC 6901 JSON pointer (`/messages/12`).
    Json { path: String, pointer: String },
    /// The n-th record (0-based) of a file: a CSV row, a mail in an mbox, an HTML element.
    Record { path: String, index: u64 },
}

impl Locator {
    pub fn line(path: impl Into<String>, line: u64) -> Self {
        Self::Line { path: path.into(), line }
    }
    pub fn json(path: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self::Json { path: path.into(), pointer: pointer.into() }
    }
    pub fn record(path: impl Into<String>, index: u64) -> Self {
        Self::Record { path: path.into(), index }
    }
}

/// `chat.txt:17`, `result.json#/messages/3`, `chat.csv@row 12` — the form
/// stored in `messages.locator` and shown to reviewers.
impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Line { path, line } => write!(f, "{path}:{line}"),
            Self::Json { path, pointer } => write!(f, "{path}#{pointer}"),
            Self::Record { path, index } => write!(f, "{path}@{index}"),
        }
    }
}

/// A time as the export gave it: the instant, plus the UTC offset of the
/// wall-clock time the export printed (or that `--tz` assumed for it).
pub type Timestamp = DateTime<FixedOffset>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationRecord {
    /// The export's id for the chat (or a stable name derived from it).
    pub external_id: String,
    pub title: Option<String>,
    pub kind: Option<ConversationKind>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParticipantRecord {
    pub external_id: String,
    /// A display name seen for this participant; the store keeps every one seen.
    pub display_name: Option<String>,
    pub handle: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// True for the account owner in exports that mark "me" (WeChat `IsSender`, Telegram personal info).
    pub is_self: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttachmentRecord {
    pub file_name: String,
    pub mime: Option<String>,
    pub size: Option<u64>,
    /// Hex SHA-256 of the file's bytes, when the file itself is in the export.
    pub sha256: Option<String>,
    /// Path of the file inside the export (or as the export names it), when known.
    pub export_path: Option<String>,
}

/// Payment details of a transfer or red packet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Payment {
    /// Decimal amount as text, exactly as the export states it without the
    /// currency sign (`"2000.00"`): money is never a float in the evidence.
    pub amount: Option<String>,
    /// ISO 4217 code when known (`CNY` for ￥ in WeChat).
    pub currency: Option<String>,
    /// `sent`, `received`, `returned`, `expired`, … as the export says.
    pub status: Option<String>,
    /// Memo / greeting attached to the payment.
    pub memo: Option<String>,
    /// The platform's transfer id, which links the send and receive messages.
    pub transfer_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    /// The message's id in the export, where it has one.
    pub external_id: Option<String>,
    /// `ConversationRecord::external_id` of its chat. The writer creates the
    /// conversation if the importer never declared it.
    pub conversation: String,
    /// `ParticipantRecord::external_id` of the sender; `None` for system messages.
    pub sender: Option<String>,
    /// Display name used on this message, when the export shows one.
    pub sender_name: Option<String>,
    pub timestamp: Option<Timestamp>,
    /// True when the offset in `timestamp` was assumed (`--tz`) rather than read from the export.
    pub offset_assumed: bool,
    pub kind: MessageKind,
    pub text: String,
    /// External id of the message this one replies to or quotes.
    pub reply_to: Option<String>,
    /// Who (or which chat) the message was forwarded from.
    pub forwarded_from: Option<String>,
    pub edited: bool,
    pub deleted: bool,
    pub payment: Option<Payment>,
    pub attachments: Vec<AttachmentRecord>,
    pub locator: Locator,
    /// Format-specific details worth keeping (reactions, edit history, raw type codes), as JSON.
    pub extra: Option<serde_json::Value>,
}

impl MessageRecord {
    /// A text message with everything else empty; importers fill in the rest.
    pub fn new(conversation: impl Into<String>, kind: MessageKind, text: impl Into<String>, locator: Locator) -> Self {
        Self {
            external_id: None,
            conversation: conversation.into(),
            sender: None,
            sender_name: None,
            timestamp: None,
            offset_assumed: false,
            kind,
            text: text.into(),
            reply_to: None,
            forwarded_from: None,
            edited: false,
            deleted: false,
            payment: None,
            attachments: Vec::new(),
            locator,
            extra: None,
        }
    }
}

/// A record the importer could not read. It is stored with the source and
/// reported; evidence is never dropped silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Skip {
    pub locator: String,
    pub reason: String,
}
