//! An attachment's bytes, for the reviewer who clicks to see an image or a
//! video in the case view.
//!
//! The workspace stores attachment metadata, not files: the evidence stays
//! in the original export, and [`crate::import::reopen`] reads the file
//! from there (through the same hostile-archive checks as the import). What
//! the UI gets is exactly what was imported: the bytes are hashed while they
//! are read and refused when the SHA-256 differs from the one recorded at
//! import, so a preview can never show a file someone swapped afterwards.
//!
//! Chat content is hostile, attachments included. The UI renders a file
//! only when its *content* is a raster image or a video a browser plays
//! ([`display_type`] reads the magic bytes; the name and the MIME type the
//! export claimed count for nothing): an SVG or an HTML file named
//! `photo.jpg` is never handed to the renderer.

use std::path::Path;

use base64::Engine;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ReviewError;
use crate::import::reopen::SourceFiles;

/// Previews larger than this are refused (the case file carries any size).
pub const MAX_PREVIEW_BYTES: u64 = 32 * 1024 * 1024;

/// An attachment's content, verified against its import-time SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentContent {
    pub id: i64,
    pub file_name: String,
    /// The MIME type the export declared.
    pub mime: Option<String>,
    /// The type the content really is, when it is one the UI may show
    /// (`image/png`, `image/jpeg`, `image/gif`, `image/webp`, `image/bmp`,
    /// `video/mp4`, `video/webm`); `None` for anything else.
    pub display_type: Option<String>,
    pub size_bytes: u64,
    pub sha256: String,
    /// The bytes, base64 (standard alphabet, padded).
    pub data_base64: String,
}

/// Read attachment `id` from its original export.
pub fn content(conn: &Connection, id: i64) -> Result<AttachmentContent, ReviewError> {
    let row: Option<(String, Option<String>, Option<i64>, Option<String>, Option<String>, String)> = conn
        .query_row(
            "SELECT a.file_name, a.mime, a.size_bytes, a.sha256, a.export_path, s.path
             FROM attachments a JOIN messages m ON m.id = a.message_id JOIN sources s ON s.id = m.source_id
             WHERE a.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let (file_name, mime, size, sha256, export_path, source) = row.ok_or_else(|| ReviewError::not_found("attachment", id))?;
    let unavailable = |why: String| ReviewError::Unavailable(format!("{file_name}: {why}"));
    let (Some(expected), Some(entry)) = (sha256, export_path) else {
        return Err(unavailable("the export did not contain this file, only a mention of it".into()));
    };
    if size.is_some_and(|s| s as u64 > MAX_PREVIEW_BYTES) {
        return Err(unavailable(format!(
            "{} MB is too large to preview (limit {} MB); export the case to get the file",
            size.unwrap_or(0) / 1_000_000,
            MAX_PREVIEW_BYTES / 1_000_000
        )));
    }
    if !Path::new(&source).exists() {
        return Err(unavailable(format!("the original export {source} is no longer there")));
    }
    let mut bytes = Vec::new();
    let mut capped = Capped { out: &mut bytes, left: MAX_PREVIEW_BYTES };
    let (n, sha) = SourceFiles::new()
        .copy(Path::new(&source), &entry, &mut capped)
        .map_err(|e| unavailable(format!("cannot be read from {source}: {e}")))?;
    if sha != expected {
        return Err(unavailable(format!("{entry} in {source} has changed since import (SHA-256 now {sha}, was {expected})")));
    }
    Ok(AttachmentContent {
        id,
        file_name,
        mime,
        display_type: display_type(&bytes).map(str::to_string),
        size_bytes: n,
        sha256: sha,
        data_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
    })
}

/// A writer that fails once more than `left` bytes arrive, so a file whose
/// recorded size was missing or wrong cannot fill memory.
struct Capped<'a> {
    out: &'a mut Vec<u8>,
    left: u64,
}

impl std::io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            return Err(std::io::Error::other(format!("larger than the {} MB preview limit", MAX_PREVIEW_BYTES / 1_000_000)));
        }
        self.left -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The type a file's first bytes prove it to be, among those the UI shows.
pub fn display_type(b: &[u8]) -> Option<&'static str> {
    Some(match b {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => "image/png",
        [0xff, 0xd8, 0xff, ..] => "image/jpeg",
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => "image/gif",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        [b'B', b'M', ..] if b.len() > 26 => "image/bmp",
        [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..] if is_mp4_brand(brand) => "video/mp4",
        [0x1a, 0x45, 0xdf, 0xa3, ..] => "video/webm",
        _ => return None,
    })
}

/// ISO-BMFF brands browsers play as MP4 (not HEIC stills or QuickTime-only files).
fn is_mp4_brand(brand: &[u8]) -> bool {
    let Some(b) = brand.get(..4) else { return false };
    matches!(b, b"isom" | b"iso2" | b"iso4" | b"iso5" | b"iso6" | b"mp41" | b"mp42" | b"avc1" | b"M4V " | b"dash" | b"3gp4" | b"3gp5" | b"3gp6" | b"MSNV")
}

#[cfg(test)]
mod tests {
    use super::display_type;

    #[test]
    fn only_content_decides_what_is_shown() {
        assert_eq!(display_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(display_type(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some("image/jpeg"));
        assert_eq!(display_type(b"GIF89a\x01\0"), Some("image/gif"));
        assert_eq!(display_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(display_type(b"\0\0\0\x20ftypisom\0\0\x02\0"), Some("video/mp4"));
        assert_eq!(display_type(b"\x1a\x45\xdf\xa3\x9f"), Some("video/webm"));
        // hostile or unplayable content is not handed to the renderer
        assert_eq!(display_type(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), None);
        assert_eq!(display_type(b"<html><script>alert(1)</script>"), None);
        assert_eq!(display_type(b"\0\0\0\x18ftypheic"), None);
        assert_eq!(display_type(b"BM"), None);
        assert_eq!(display_type(b""), None);
    }
}
