//! Reopening a file inside an imported source, months later: the
//! attachments a case file copies out of the original export.
//!
//! A stored attachment's `export_path` is the path of the file inside its
//! source as the importer saw it (see [`super::tree`]): relative to a
//! folder, an entry of a zip, `rsmf.zip/ID` inside an `.rsmf` mail, or
//! `inner.zip/path` inside a zip nested in the export. [`SourceFiles`]
//! resolves such a path with the same trees the importers use, so the same
//! hostile-archive checks apply, and keeps each opened archive for the next
//! file (a case with 500 attachments in one WhatsApp zip reads its central
//! directory once). Nothing is extracted to disk; the caller gets a stream
//! and the SHA-256 of what it copied, and decides what a mismatch means.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};

use super::tree::{looks_like_zip, sha256_reader, SourceTree, ZipTree, MAX_IN_MEMORY};
use super::ImportError;

/// Opened sources (and archives nested in them), by path.
#[derive(Default)]
pub struct SourceFiles {
    trees: HashMap<String, Box<dyn SourceTree>>,
}

impl SourceFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Copy the file `entry` of the source at `source` into `out`; returns
    /// its size and hex SHA-256.
    pub fn copy(&mut self, source: &Path, entry: &str, out: &mut dyn Write) -> Result<(u64, String), ImportError> {
        let err = |e: io::Error| ImportError::Io { path: source.join(entry), source: e };
        if source.is_dir() {
            let mut f = open_in_folder(source, entry)?;
            return copy_hashing(&mut f, out).map_err(err);
        }
        let (key, inner) = self.tree_for(source, entry)?;
        let tree = self.trees.get_mut(&key).ok_or_else(|| err(io::Error::other("source not open")))?;
        let mut r = tree.open(&inner)?;
        copy_hashing(&mut r, out).map_err(err)
    }

    /// The opened tree that holds `entry` (key in `self.trees`) and the
    /// entry's path inside it.
    fn tree_for(&mut self, source: &Path, entry: &str) -> Result<(String, String), ImportError> {
        let key = source.display().to_string();
        if !self.trees.contains_key(&key) {
            let tree = open_file_source(source, entry)?;
            self.trees.insert(key.clone(), tree);
        }
        let (mut key, mut inner) = (key, entry.to_string());
        // Descend into nested archives: `a.zip/b/c.jpg` where `a.zip` is an entry.
        loop {
            let tree = self.trees.get_mut(&key).ok_or_else(|| ImportError::Io {
                path: source.join(entry),
                source: io::Error::other("source not open"),
            })?;
            if tree.has(&inner) {
                return Ok((key, inner));
            }
            let Some(archive) = tree.entries().iter().map(|e| e.path.clone()).find(|p| inner.starts_with(&format!("{p}/"))) else {
                return Err(ImportError::Io {
                    path: source.join(entry),
                    source: io::Error::new(io::ErrorKind::NotFound, "no such file in the source any more"),
                });
            };
            let rest = inner[archive.len() + 1..].to_string();
            let nested_key = format!("{key}!{archive}");
            let opened = if self.trees.contains_key(&nested_key) {
                None
            } else {
                let tree = self.trees.get_mut(&key).ok_or_else(|| ImportError::Io { path: source.join(entry), source: io::Error::other("source not open") })?;
                let bytes = tree.read_all(&archive, MAX_IN_MEMORY)?;
                Some(ZipTree::from_bytes(&tree.origin().join(&archive), bytes)?)
            };
            if let Some(nested) = opened {
                self.trees.insert(nested_key.clone(), Box::new(nested));
            }
            key = nested_key;
            inner = rest;
        }
    }
}

/// A single-file source: a zip archive, or an `.rsmf` mail (whose files are
/// under `rsmf.zip/`). Other single files hold no attachments.
fn open_file_source(source: &Path, entry: &str) -> Result<Box<dyn SourceTree>, ImportError> {
    let io_err = |e: io::Error| ImportError::Io { path: source.to_path_buf(), source: e };
    let mut head = Vec::with_capacity(8);
    File::open(source).map_err(io_err)?.take(8).read_to_end(&mut head).map_err(io_err)?;
    if looks_like_zip(&head) {
        return Ok(Box::new(ZipTree::open_file(source)?));
    }
    if entry.starts_with("rsmf.zip/") {
        let mail = BufReader::new(File::open(source).map_err(io_err)?);
        let (zip, _) = super::rsmf::mail_zip(mail, Path::new(""))?;
        return Ok(Box::new(Prefixed { prefix: "rsmf.zip/".into(), origin: source.to_path_buf(), inner: zip, entries: Vec::new() }.init()));
    }
    Err(ImportError::Io {
        path: source.join(entry),
        source: io::Error::new(io::ErrorKind::NotFound, "the source is a single file that holds no attachment files"),
    })
}

/// A tree whose entries are another tree's under a prefix (`rsmf.zip/…`).
struct Prefixed<T: SourceTree> {
    prefix: String,
    origin: PathBuf,
    inner: T,
    entries: Vec<super::tree::Entry>,
}

impl<T: SourceTree> Prefixed<T> {
    fn init(mut self) -> Self {
        self.entries = self
            .inner
            .entries()
            .iter()
            .map(|e| super::tree::Entry { path: format!("{}{}", self.prefix, e.path), size: e.size })
            .collect();
        self
    }
}

impl<T: SourceTree> SourceTree for Prefixed<T> {
    fn origin(&self) -> &Path {
        &self.origin
    }
    fn entries(&self) -> &[super::tree::Entry] {
        &self.entries
    }
    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        let inner = path.strip_prefix(&self.prefix).unwrap_or(path);
        self.inner.open(inner)
    }
}

/// A file of a folder source, refusing paths that leave the folder and
/// symbolic links (the importer never followed them either).
fn open_in_folder(root: &Path, entry: &str) -> Result<BufReader<File>, ImportError> {
    let refused = |reason: &str| ImportError::Hostile { path: root.to_path_buf(), entry: entry.to_string(), reason: reason.into() };
    let rel = Path::new(entry);
    if entry.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(refused("path leaves the source folder"));
    }
    let full = root.join(rel);
    let meta = std::fs::symlink_metadata(&full).map_err(|e| ImportError::Io { path: full.clone(), source: e })?;
    if !meta.is_file() {
        return Err(refused("not a regular file (a link or a folder)"));
    }
    let f = File::open(&full).map_err(|e| ImportError::Io { path: full, source: e })?;
    Ok(BufReader::with_capacity(1 << 16, f))
}

/// Copy while hashing: the hash is of exactly the bytes written.
fn copy_hashing(r: &mut dyn Read, out: &mut dyn Write) -> io::Result<(u64, String)> {
    struct Tee<'a> {
        r: &'a mut dyn Read,
        out: &'a mut dyn Write,
    }
    impl Read for Tee<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.r.read(buf)?;
            self.out.write_all(&buf[..n])?;
            Ok(n)
        }
    }
    sha256_reader(Tee { r, out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("media")).unwrap();
        std::fs::write(dir.path().join("media/a.txt"), b"abc").unwrap();
        let mut files = SourceFiles::new();
        let mut out = Vec::new();
        let (n, sha) = files.copy(dir.path(), "media/a.txt", &mut out).unwrap();
        assert_eq!((n, out.as_slice()), (3, &b"abc"[..]));
        assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(matches!(files.copy(dir.path(), "../x", &mut Vec::new()), Err(ImportError::Hostile { .. })));
        assert!(matches!(files.copy(dir.path(), "/etc/passwd", &mut Vec::new()), Err(ImportError::Hostile { .. })));
        assert!(matches!(files.copy(dir.path(), "media/none", &mut Vec::new()), Err(ImportError::Io { .. })));
    }

    #[test]
    fn nested_zip_entries() {
        use std::io::Cursor;
        let mut inner = zip::ZipWriter::new(Cursor::new(Vec::new()));
        inner.start_file("photos/p.jpg", zip::write::SimpleFileOptions::default()).unwrap();
        inner.write_all(b"JPEGDATA").unwrap();
        let inner = inner.finish().unwrap().into_inner();
        let dir = tempfile::tempdir().unwrap();
        let outer_path = dir.path().join("outer.zip");
        let mut outer = zip::ZipWriter::new(File::create(&outer_path).unwrap());
        outer.start_file("chat/inner.zip", zip::write::SimpleFileOptions::default()).unwrap();
        outer.write_all(&inner).unwrap();
        outer.finish().unwrap();
        let mut files = SourceFiles::new();
        let mut out = Vec::new();
        files.copy(&outer_path, "chat/inner.zip/photos/p.jpg", &mut out).unwrap();
        assert_eq!(out, b"JPEGDATA");
        assert!(files.copy(&outer_path, "chat/inner.zip/photos/none.jpg", &mut Vec::new()).is_err());
    }
}
