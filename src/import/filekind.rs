//! The message kind a shared file suggests, from its MIME type or, when the
//! export gives none, from its extension. Used for messages whose content is
//! a file (a Slack upload, an RSMF event with an attachment).

use crate::model::MessageKind;

/// `Image`, `Video`, `Audio` or `File` for a file with this MIME type / name.
pub fn kind_of_file(mime: Option<&str>, name: &str) -> MessageKind {
    let mime = mime.map(str::to_ascii_lowercase);
    match mime.as_deref().and_then(|m| m.split('/').next()) {
        Some("image") => return MessageKind::Image,
        Some("video") => return MessageKind::Video,
        Some("audio") => return MessageKind::Audio,
        Some(m) if !m.is_empty() && m != "application" => return MessageKind::File,
        _ => {}
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "bmp" | "heic" | "heif" | "tif" | "tiff" => MessageKind::Image,
        "mp4" | "mov" | "avi" | "mkv" | "webm" | "m4v" | "3gp" => MessageKind::Video,
        "mp3" | "m4a" | "aac" | "wav" | "ogg" | "opus" | "flac" | "amr" => MessageKind::Audio,
        _ => MessageKind::File,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_wins_then_extension() {
        assert_eq!(kind_of_file(Some("image/png"), "x.bin"), MessageKind::Image);
        assert_eq!(kind_of_file(Some("text/plain"), "a.jpg"), MessageKind::File);
        assert_eq!(kind_of_file(Some("application/octet-stream"), "clip.MOV"), MessageKind::Video);
        assert_eq!(kind_of_file(None, "HelloBee.jpg"), MessageKind::Image);
        assert_eq!(kind_of_file(None, "report.pdf"), MessageKind::File);
        assert_eq!(kind_of_file(None, "AV1"), MessageKind::File);
    }
}
