//! What a reviewer chooses when exporting: language, context, redaction,
//! Bates numbering, and whether to write the PDF. Defaults make a complete
//! case file in English with five messages of context and no redaction.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Language of the report (`case.html`, `case.pdf`). The machine-readable
/// files are the same in both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Zh,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }

    /// BCP 47 tag for `<html lang>` and the PDF's language.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh-Hans",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Language::En),
            "zh" | "zh-cn" | "zh-hans" | "chinese" => Some(Language::Zh),
            _ => None,
        }
    }
}

/// A kind of personal identifier that can be redacted (see `redact`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RedactKind {
    /// Mobile and international phone numbers.
    Phone,
    /// Chinese resident identity card numbers (18 characters).
    NationalId,
    /// Bank card numbers (13–19 digits passing the Luhn check).
    BankCard,
    Email,
}

impl RedactKind {
    pub const ALL: [RedactKind; 4] = [RedactKind::Phone, RedactKind::NationalId, RedactKind::BankCard, RedactKind::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            RedactKind::Phone => "phone",
            RedactKind::NationalId => "national_id",
            RedactKind::BankCard => "bank_card",
            RedactKind::Email => "email",
        }
    }

    /// `phone`, `id` / `national_id`, `card` / `bank_card`, `email`.
    pub fn parse(s: &str) -> Option<RedactKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "phone" => Some(RedactKind::Phone),
            "id" | "national_id" => Some(RedactKind::NationalId),
            "card" | "bank_card" => Some(RedactKind::BankCard),
            "email" => Some(RedactKind::Email),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ExportOptions {
    pub language: Language,
    /// Messages shown before and after each hit; `None`: the workspace's
    /// `context_messages` setting.
    pub context: Option<u32>,
    /// Identifiers to redact in every exported text.
    pub redact: Vec<RedactKind>,
    /// Bates prefix (letters, digits, `-`, `_`), e.g. `RL` gives `RL000001`.
    pub bates_prefix: String,
    pub bates_start: u64,
    /// Digits of the zero-padded Bates number.
    pub bates_digits: u32,
    /// Write `case.pdf` (needs a CJK font on the system).
    pub include_pdf: bool,
    /// Image thumbnails start blurred in `case.html` (a switch in the page
    /// shows them, on screen and in print) and are left out of `case.pdf`.
    pub blur_images: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            language: Language::En,
            context: None,
            redact: Vec::new(),
            bates_prefix: "RL".into(),
            bates_start: 1,
            bates_digits: 6,
            include_pdf: true,
            blur_images: true,
        }
    }
}
