//! The list of formats Redline reads, and how a source is recognised.
//!
//! Detection looks at content, not file names alone: each format has a
//! `sniff` that sees the first 64 KiB of a single file (or the entry list of
//! a folder or archive) and says whether it is that format. The list is in
//! priority order: more specific formats first, the generic ones last.

use super::tree::{Entry, SourceTree};
use super::{generic, signal, whatsapp, ImportCtx, ImportError};

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
