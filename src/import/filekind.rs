//! The message kind a shared file suggests, from its MIME type or, when the
//! export gives none, from its extension. Used for messages whose content is
//! a file (a Slack upload, an RSMF event with an attachment), and the MIME type
//! a file name suggests (one table for every importer).

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

/// The MIME type a file name's extension suggests.
pub fn mime_of(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "mp4" => "video/mp4",
        "3gp" => "video/3gpp",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "opus" | "ogg" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "amr" => "audio/amr",
        "wav" => "audio/wav",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "vcf" => "text/vcard",
        "zip" => "application/zip",
        "apk" => "application/vnd.android.package-archive",
        "silk" => "audio/silk",
        "rar" => "application/vnd.rar",
        "7z" => "application/x-7z-compressed",
        _ => return None,
    })
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
