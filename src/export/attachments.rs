//! `attachments/`: copies of the evidence files the original exports held.
//!
//! Each distinct file (by SHA-256) is copied once from its original source
//! (`sources.path`, reopened with `import::reopen`), checked against the
//! hash recorded at import, and stored as `attachments/<sha256>.<ext>`; the
//! names it had in the chats are in the manifest. A file whose source is
//! gone or changed is listed as not included, with the reason: the case
//! file never holds bytes that differ from what was imported.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::casefile::CaseFile;
use super::ExportError;
use crate::import::reopen::SourceFiles;

pub const DIR: &str = "attachments";

/// The extension to keep from an original name: short and plain, or none.
fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && (1..=8).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

/// Copy every attachment file that can be had; fill in `included`, `path`
/// and `reason` in the case file. `before` is called with each file's name
/// before it is copied (progress, and the chance to cancel).
pub fn copy_all(cf: &mut CaseFile, dir: &Path, before: &mut dyn FnMut(&str) -> Result<(), ExportError>) -> Result<(), ExportError> {
    if cf.attachments.is_empty() {
        return Ok(());
    }
    let folder = dir.join(DIR);
    std::fs::create_dir_all(&folder).map_err(|e| ExportError::io(&folder, e))?;
    let mut sources = SourceFiles::new();
    for file in &mut cf.attachments {
        before(file.original_names.first().map(String::as_str).unwrap_or(&file.sha256))?;
        // every place the file was seen: (source path, path inside it)
        let mut places: Vec<(String, String)> = Vec::new();
        for m in &cf.messages {
            for a in m.attachments.iter().filter(|a| a.sha256.as_deref() == Some(file.sha256.as_str())) {
                if let (Some(p), Some(s)) = (&a.export_path, cf.sources.iter().find(|s| s.id == m.source_id)) {
                    let place = (s.path.clone(), p.clone());
                    if !places.contains(&place) {
                        places.push(place);
                    }
                }
            }
        }
        let rel = format!("{DIR}/{}{}", file.sha256, file.original_names.first().map(|n| extension(n)).unwrap_or_default());
        let target = dir.join(&rel);
        let mut reasons = Vec::new();
        for (source, entry) in &places {
            if !Path::new(source).exists() {
                reasons.push(format!("the original export {source} is no longer there"));
                continue;
            }
            let out = File::create(&target).map_err(|e| ExportError::io(&target, e))?;
            let mut w = BufWriter::new(out);
            let copied = sources.copy(Path::new(source), entry, &mut w);
            w.flush().map_err(|e| ExportError::io(&target, e))?;
            match copied {
                Ok((_, sha)) if sha == file.sha256 => {
                    file.included = true;
                    file.path = Some(rel.clone());
                    file.reason = None;
                    break;
                }
                Ok((_, sha)) => reasons.push(format!("{entry} in {source} has changed since import (SHA-256 now {sha})")),
                Err(e) => reasons.push(format!("{entry} cannot be read from {source}: {e}")),
            }
        }
        if !file.included {
            let _ = std::fs::remove_file(&target);
            file.reason = Some(if reasons.is_empty() { "the export did not say where the file is".into() } else { reasons.join("; ") });
        }
    }
    if !cf.attachments.iter().any(|f| f.included) {
        let _ = std::fs::remove_dir(&folder);
    }
    for m in &mut cf.messages {
        for a in &mut m.attachments {
            a.path = a.sha256.as_ref().and_then(|s| cf.attachments.iter().find(|f| &f.sha256 == s)).and_then(|f| f.path.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::extension;

    #[test]
    fn extensions_are_kept_only_when_plain() {
        assert_eq!(extension("Invoice 2024-05.PDF"), ".pdf");
        assert_eq!(extension("照片.jpeg"), ".jpeg");
        assert_eq!(extension("noext"), "");
        assert_eq!(extension(".bashrc"), "");
        assert_eq!(extension("a.tar.gz/../x"), "");
    }
}
