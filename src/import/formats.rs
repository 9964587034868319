//! The list of formats Redline reads, and how a source is recognised.
//!
//! Detection looks at content, not file names alone: each format has a
//! `sniff` that sees the first 64 KiB of a single file (or the entry list of
//! a folder or archive) and says whether it is that format. The list is in
//! priority order: more specific formats first, the generic ones last.

use super::tree::{Entry, SourceTree};
use super::{discord, email, generic, messenger, rsmf, signal, slack, telegram, wechat, whatsapp, ImportCtx, ImportError};

/// How much of a single file the sniffers see.
pub const PROBE_BYTES: usize = 64 * 1024;

/// What a sniffer sees of a source.
pub struct Probe<'a> {
    /// File name of a single file, or the folder / archive name.
    pub name: &'a str,
    /// True for a single file (then `head` holds its first bytes).
    pub single_file: bool,
    /// First bytes of a single file, without a UTF-8 BOM; empty otherwise.
    pub head: &'a [u8],
    /// Entries of a folder or archive; the one file for a single file.
    pub entries: &'a [Entry],
}

impl Probe<'_> {
    /// The head as text, cut at the last complete UTF-8 sequence.
    pub fn text(&self) -> &str {
        match std::str::from_utf8(self.head) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&self.head[..e.valid_up_to()]).unwrap_or(""),
        }
    }

    /// Lower-case extension of the file name (`"json"`), or "".
    pub fn ext(&self) -> String {
        match self.name.rsplit_once('.') {
            Some((_, e)) => e.to_ascii_lowercase(),
            None => String::new(),
        }
    }

    /// True when an entry (of a folder/archive) has this exact path.
    pub fn has(&self, path: &str) -> bool {
        self.entries.iter().any(|e| e.path == path)
    }
}

pub type ImportFn = fn(&mut dyn SourceTree, &mut ImportCtx) -> Result<(), ImportError>;

/// One format Redline reads.
pub struct Format {
    /// The id used by `--format` and stored on the source.
    pub id: &'static str,
    /// Platform stored on conversations and participants.
    pub platform: &'static str,
    /// One line for `redline formats`.
    pub summary: &'static str,
    pub sniff: fn(&Probe) -> bool,
    pub import: ImportFn,
}

/// Every format, in detection priority order.
pub static FORMATS: &[Format] = &[
    Format {
        id: "slack",
        platform: "slack",
        summary: "Slack workspace export (.zip or folder: users.json, channels.json, <channel>/YYYY-MM-DD.json) or one message-array .json",
        sniff: slack::sniff,
        import: slack::import,
    },
    Format {
        id: "rsmf",
        platform: "rsmf",
        summary: "Relativity Short Message Format 1.0/2.0: .rsmf mail, rsmf.zip, or rsmf_manifest.json",
        sniff: rsmf::sniff,
        import: rsmf::import,
    },
    Format {
        id: "eml",
        platform: "email",
        summary: "A single e-mail (RFC 5322 .eml); embedded message/rfc822 parts become messages too",
        sniff: email::sniff_eml,
        import: email::import_eml,
    },
    Format {
        id: "mbox",
        platform: "email",
        summary: "An mbox mailbox (mboxo, mboxrd, mboxcl, mboxcl2; Thunderbird, Gmail Takeout), threads as conversations",
        sniff: email::sniff_mbox,
        import: email::import_mbox,
    },
    Format {
        id: "discord",
        platform: "discord",
        summary: "Discord channel or DM exported by DiscordChatExporter as JSON",
        sniff: discord::sniff,
        import: discord::import,
    },
    Format {
        id: "telegram",
        platform: "telegram",
        summary: "Telegram Desktop JSON export: result.json of one chat or a whole account, alone or in its folder/zip with media",
        sniff: telegram::sniff,
        import: telegram::import,
    },
    Format {
        id: "instagram",
        platform: "instagram",
        summary: "Instagram direct messages from Meta's JSON download (message_N.json); same schema as Messenger",
        sniff: messenger::sniff_instagram,
        import: messenger::import_instagram,
    },
    Format {
        id: "messenger",
        platform: "messenger",
        summary: "Facebook Messenger thread from Meta's JSON download (message_N.json), mojibake repaired",
        sniff: messenger::sniff_messenger,
        import: messenger::import_messenger,
    },
    Format {
        id: "wechat-memotrace-csv",
        platform: "wechat",
        summary: "WeChat, MemoTrace/留痕 (WeChatMsg) CSV: localId,TalkerId,Type,SubType,IsSender,CreateTime,…",
        sniff: wechat::memotrace_csv::sniff,
        import: wechat::memotrace_csv::import,
    },
    Format {
        id: "wechat-memotrace-txt",
        platform: "wechat",
        summary: "WeChat, MemoTrace/留痕 TXT: \"YYYY-mm-dd HH:MM:SS name\" blocks",
        sniff: wechat::memotrace_txt::sniff,
        import: wechat::memotrace_txt::import,
    },
    Format {
        id: "wechat-memotrace-html",
        platform: "wechat",
        summary: "WeChat, MemoTrace/留痕 HTML page (const chatMessages = [ … ])",
        sniff: wechat::memotrace_html::sniff,
        import: wechat::memotrace_html::import,
    },
    Format {
        id: "wechat-exporter-txt",
        platform: "wechat",
        summary: "WeChat, WechatExporter (iOS backup) text: \"… - 微信聊天记录\", NAME (TIME):MESSAGE",
        sniff: wechat::exporter_txt::sniff,
        import: wechat::exporter_txt::import,
    },
    Format {
        id: "wechat-exporter-html",
        platform: "wechat",
        summary: "WeChat, WechatExporter (iOS backup) HTML page with message divs",
        sniff: wechat::exporter_html::sniff,
        import: wechat::exporter_html::import,
    },
    Format {
        id: "wechat-pywxdump-csv",
        platform: "wechat",
        summary: "WeChat, PyWxDump-style CSV (WeClone): id,MsgSvrID,type_name,is_sender,talker,room_name,msg,…",
        sniff: wechat::pywxdump_csv::sniff,
        import: wechat::pywxdump_csv::import,
    },
    Format {
        id: "signal",
        platform: "signal",
        summary: "Signal chat text: [yyyy-mm-dd, HH:MM] Name: text (signal-export style)",
        sniff: signal::sniff,
        import: signal::import,
    },
    Format {
        id: "whatsapp",
        platform: "whatsapp",
        summary: "WhatsApp \"Export chat\": .txt (Android or iOS, any locale) or the .zip / folder with _chat.txt and media",
        sniff: whatsapp::sniff,
        import: whatsapp::import,
    },
    Format {
        id: "jsonl",
        platform: "generic",
        summary: "Generic JSON Lines: one message object per line (see README: generic schema)",
        sniff: generic::sniff_jsonl,
        import: generic::import_jsonl,
    },
    Format {
        id: "csv",
        platform: "generic",
        summary: "Generic CSV with a header row: id, conversation, sender, timestamp, kind, text, amount, currency, attachments",
        sniff: generic::sniff_csv,
        import: generic::import_csv,
    },
];

pub fn by_id(id: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.id == id)
}

/// The first format whose sniffer accepts the probe.
pub fn detect(probe: &Probe) -> Option<&'static Format> {
    FORMATS.iter().find(|f| (f.sniff)(probe))
}
