//! `redline verify PATH`: check a case file (folder or zip) against its
//! manifest and name every file that was altered, added or removed.
//!
//! The case file is read through the importer's trees (`import::tree`), so
//! a zip that came from elsewhere gets the same hostile-archive checks as
//! an import. The manifest itself is checked against its seal
//! (`manifest.sha256`); when a workspace is at hand, the API also says
//! whether its audit trail recorded this manifest at export.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::manifest::{Manifest, MANIFEST, SEAL};
use super::ExportError;
use crate::import::tree::{looks_like_zip, DirTree, SourceTree, ZipTree};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseFileReport {
    pub path: String,
    pub ok: bool,
    /// Files listed in the manifest and checked.
    pub checked: usize,
    pub altered: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub problems: Vec<String>,
    pub manifest_sha256: Option<String>,
    pub cases: Vec<i64>,
    pub created_at: Option<String>,
    pub exporter: Option<String>,
    /// Audit entries (`case.export`) of this workspace that recorded this
    /// manifest; `None` when no workspace was consulted.
    pub recorded_in_audit: Option<Vec<i64>>,
}

pub fn verify(path: &Path) -> Result<CaseFileReport, ExportError> {
    let mut links = Vec::new();
    let mut tree: Box<dyn SourceTree> = if path.is_dir() {
        let t = DirTree::new(path)?;
        links = t.links.clone();
        Box::new(t)
    } else {
        let mut head = Vec::new();
        use std::io::Read;
        std::fs::File::open(path).map_err(|e| ExportError::io(path, e))?.take(8).read_to_end(&mut head).map_err(|e| ExportError::io(path, e))?;
        if !looks_like_zip(&head) {
            return Err(ExportError::BadRequest(format!("{}: not a case file (a folder or a .zip)", path.display())));
        }
        Box::new(ZipTree::open_file(path)?)
    };
    let mut r = CaseFileReport {
        path: path.display().to_string(),
        ok: false,
        checked: 0,
        altered: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        problems: Vec::new(),
        manifest_sha256: None,
        cases: Vec::new(),
        created_at: None,
        exporter: None,
        recorded_in_audit: None,
    };
    if !tree.has(MANIFEST) {
        r.removed.push(MANIFEST.into());
        r.problems.push(format!("no {MANIFEST}: not a Redline case file, or its manifest was removed"));
        return Ok(r);
    }
    let bytes = tree.read_all(MANIFEST, 256 << 20)?;
    let (_, sha) = crate::import::tree::sha256_reader(bytes.as_slice()).map_err(|e| ExportError::io(path, e))?;
    r.manifest_sha256 = Some(sha.clone());
    if tree.has(SEAL) {
        let seal = tree.read_string(SEAL, 4096)?;
        let sealed = seal.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
        if sealed != sha {
            r.altered.push(MANIFEST.into());
            r.problems.push(format!("{MANIFEST} does not match {SEAL}: one of them was altered"));
        }
    } else {
        r.removed.push(SEAL.into());
    }
    let manifest: Manifest = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            if !r.altered.iter().any(|a| a == MANIFEST) {
                r.altered.push(MANIFEST.into());
            }
            r.problems.push(format!("{MANIFEST} cannot be read: {e}"));
            return Ok(r);
        }
    };
    r.cases = manifest.cases.clone();
    r.created_at = Some(manifest.created_at.clone());
    r.exporter = Some(manifest.exporter.login.clone());
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for f in &manifest.files {
        if !tree.has(&f.path) {
            r.removed.push(f.path.clone());
            continue;
        }
        let (size, sha) = tree.hash(&f.path)?;
        r.checked += 1;
        if sha != f.sha256 || size != f.size {
            r.altered.push(f.path.clone());
        }
    }
    let present: Vec<String> = tree.entries().iter().map(|e| e.path.clone()).collect();
    for p in present {
        if p != MANIFEST && p != SEAL && !listed.contains(p.as_str()) {
            r.added.push(p);
        }
    }
    // a symbolic link is never part of a case file
    r.added.extend(links);
    r.ok = r.altered.is_empty() && r.added.is_empty() && r.removed.is_empty() && r.problems.is_empty();
    Ok(r)
}
