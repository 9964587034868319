//! The media files of an export made "with media": which zip entry a
//! message's file name refers to, its hash, and what kind of file it is.
//!
//! Every media entry is hashed once before the messages are read (the chat
//! text cannot be streamed while another entry of the same zip is open), and
//! kept as name → (path, size, SHA-256): one small row per file, so memory
//! grows with the number of files, never with their size.

use crate::import::filekind::mime_of;
use std::collections::HashMap;

use crate::import::tree::{Entry, SourceTree};
use crate::import::ImportError;
use super::parent;
use crate::model::{AttachmentRecord, MessageKind};

/// macOS resource forks and Finder files that zip tools add; never evidence.
pub fn is_junk(path: &str) -> bool {
    path.starts_with("__MACOSX/") || path.contains("/__MACOSX/") || path.rsplit('/').next() == Some(".DS_Store")
}

#[derive(Debug, Clone)]
pub struct MediaFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// The media of an export, by file name.
#[derive(Debug, Default)]
pub struct MediaIndex {
    by_name: HashMap<String, MediaFile>,
}

impl MediaIndex {
    /// Hash every entry except the chat text and junk. When two entries share
    /// a file name, the one in the chat's own folder wins.
    pub fn build(tree: &mut dyn SourceTree, chat: &str) -> Result<(Self, Vec<MediaFile>), ImportError> {
        let chat_dir = parent(chat);
        let entries: Vec<Entry> = tree.entries().iter().filter(|e| e.path != chat && !is_junk(&e.path)).cloned().collect();
        let mut by_name: HashMap<String, MediaFile> = HashMap::new();
        let mut all = Vec::with_capacity(entries.len());
        for e in entries {
            let (size, sha256) = tree.hash(&e.path)?;
            let file = MediaFile { path: e.path.clone(), size, sha256 };
            let name = e.file_name().to_string();
            let replace = by_name.get(&name).map_or(true, |old| parent(&old.path) != chat_dir && parent(&e.path) == chat_dir);
            if replace {
                by_name.insert(name, file.clone());
            }
            all.push(file);
        }
        Ok((Self { by_name }, all))
    }

    pub fn get(&self, name: &str) -> Option<&MediaFile> {
        self.by_name.get(name)
    }

    /// An attachment for a file the chat names: hashed when the file is in
    /// the export, name and type only when it is not.
    pub fn attachment(&self, name: &str) -> AttachmentRecord {
        let file = self.get(name);
        AttachmentRecord {
            file_name: name.to_string(),
            mime: mime_of(name).map(str::to_string),
            size: file.map(|f| f.size),
            sha256: file.map(|f| f.sha256.clone()),
            export_path: file.map(|f| f.path.clone()),
        }
    }
}

fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}


/// The message kind of a sent file, from WhatsApp's own naming
/// (`IMG-…`, `PTT-…`, `STK-…` on Android; `…-PHOTO-…`, `…-AUDIO-…` on iOS)
/// and then the extension.
pub fn kind_of(name: &str) -> MessageKind {
    let upper = name.to_ascii_uppercase();
    // iOS: 00000001-PHOTO-2019-06-20-16-00-15.jpg
    let ios_tag = upper.split('-').nth(1).filter(|_| upper.len() > 9 && upper.as_bytes()[..8].iter().all(u8::is_ascii_digit));
    let tag = ios_tag.unwrap_or_else(|| upper.split('-').next().unwrap_or(""));
    match tag {
        "PHOTO" | "IMG" => return MessageKind::Image,
        "VIDEO" | "VID" => return MessageKind::Video,
        "PTT" => return MessageKind::Voice,
        "AUDIO" | "AUD" => return if extension(name) == "opus" { MessageKind::Voice } else { MessageKind::Audio },
        "STICKER" | "STK" => return MessageKind::Sticker,
        "GIF" => return MessageKind::Image,
        _ => {}
    }
    match mime_of(name).and_then(|m| m.split('/').next()) {
        _ if extension(name) == "vcf" => MessageKind::Contact,
        Some("image") => MessageKind::Image,
        Some("video") => MessageKind::Video,
        Some("audio") => MessageKind::Audio,
        _ => MessageKind::File,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        for (name, kind) in [
            ("00000001-PHOTO-2019-06-20-16-00-15.jpg", MessageKind::Image),
            ("00000002-VIDEO-2019-06-20-16-01-42.mp4", MessageKind::Video),
            ("00000003-AUDIO-2019-06-20-16-03-55.mp3", MessageKind::Audio),
            ("00000038-AUDIO-2022-03-27-21-44-47.opus", MessageKind::Voice),
            ("00000043-STICKER-2022-03-27-21-49-16.webp", MessageKind::Sticker),
            ("00000051-GIF-2022-03-27-21-51-57.mp4", MessageKind::Image),
            ("00000042-TR.vcf", MessageKind::Contact),
            ("00000046-Some file.txt", MessageKind::File),
            ("IMG-20220323-WA0002.jpg", MessageKind::Image),
            ("PTT-20220323-WA0000.opus", MessageKind::Voice),
            ("STK-20220323-WA0003.webp", MessageKind::Sticker),
            ("VID-20220327-WA0001.mp4", MessageKind::Video),
            ("Alex.vcf", MessageKind::Contact),
            ("报价单.pdf", MessageKind::File),
            ("holiday.png", MessageKind::Image),
        ] {
            assert_eq!(kind_of(name), kind, "{name}");
        }
        assert_eq!(mime_of("a.JPG"), Some("image/jpeg"));
        assert_eq!(mime_of("noext"), None);
    }

    #[test]
    fn junk_entries() {
        assert!(is_junk("__MACOSX/._chat.txt"));
        assert!(is_junk("x/.DS_Store"));
        assert!(!is_junk("_chat.txt"));
    }
}
