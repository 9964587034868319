//! `manifest.json` and its seal `manifest.sha256`.
//!
//! The manifest lists every other file of the case file with its size and
//! SHA-256, the original exports (path, format, SHA-256), each attachment
//! file with its original names and whether it is included, what was
//! redacted, the Bates range, the options, the tool version, the time and
//! the exporter. `manifest.sha256` holds the manifest's own SHA-256 in
//! `sha256sum` format, so a changed manifest is caught too (and anyone can
//! check it with `sha256sum -c manifest.sha256`). The workspace's audit
//! trail records the manifest's hash at export (`case.export`), which is
//! what proves, later, that both were not rewritten together.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::casefile::{AttachmentFile, CaseFile, Person, RedactionSummary};
use super::options::ExportOptions;
use super::ExportError;

pub const MANIFEST: &str = "manifest.json";
pub const SEAL: &str = "manifest.sha256";
pub const FORMAT: &str = "redline-case-file";
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub manifest_version: u32,
    pub tool: String,
    pub tool_version: String,
    pub created_at: String,
    pub exporter: Person,
    pub cases: Vec<i64>,
    pub language: String,
    pub files: Vec<FileEntry>,
    pub sources: Vec<SourceEntry>,
    pub attachments: Vec<AttachmentFile>,
    pub redaction: RedactionSummary,
    pub bates: Option<BatesRange>,
    pub options: ExportOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// `/`-separated path inside the case file.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    pub id: i64,
    pub path: String,
    pub format: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatesRange {
    pub prefix: String,
    pub first: String,
    pub last: String,
}

/// Hash every file under `dir` (except the manifest and its seal), write
/// both, and return the manifest's SHA-256.
pub fn write(cf: &CaseFile, dir: &Path, bates: Option<BatesRange>) -> Result<String, ExportError> {
    let mut files = Vec::new();
    for (rel, full) in super::files_in(dir)? {
        if rel == MANIFEST || rel == SEAL {
            continue;
        }
        let f = std::fs::File::open(&full).map_err(|e| ExportError::io(&full, e))?;
        let (size, sha256) = crate::import::tree::sha256_reader(std::io::BufReader::new(f)).map_err(|e| ExportError::io(&full, e))?;
        files.push(FileEntry { path: rel, size, sha256 });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        manifest_version: MANIFEST_VERSION,
        tool: cf.generated.tool.clone(),
        tool_version: cf.generated.tool_version.clone(),
        created_at: cf.generated.at.clone(),
        exporter: cf.generated.exporter.clone(),
        cases: cf.cases.iter().map(|c| c.id).collect(),
        language: cf.generated.language.clone(),
        files,
        sources: cf
            .sources
            .iter()
            .map(|s| SourceEntry { id: s.id, path: s.path.clone(), format: s.format.clone(), size_bytes: s.size_bytes, sha256: s.sha256.clone() })
            .collect(),
        attachments: cf.attachments.clone(),
        redaction: cf.redaction.clone(),
        bates,
        options: cf.generated.options.clone(),
    };
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| ExportError::io(dir, std::io::Error::other(e)))? + "\n";
    let (_, sha) = crate::import::tree::sha256_reader(json.as_bytes()).map_err(|e| ExportError::io(dir, e))?;
    let path = dir.join(MANIFEST);
    std::fs::write(&path, &json).map_err(|e| ExportError::io(&path, e))?;
    let seal = dir.join(SEAL);
    std::fs::write(&seal, format!("{sha}  {MANIFEST}\n")).map_err(|e| ExportError::io(&seal, e))?;
    Ok(sha)
}
