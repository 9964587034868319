//! What an importer reads from: one file, a folder, or a zip archive, seen
//! the same way as a list of entries that can be opened by relative path.
//!
//! Archives are hostile input. A zip entry whose name escapes the archive
//! (`../`, absolute paths), a symlink, or an entry that inflates far beyond
//! its compressed size is refused before any record is read, so nothing is
//! ever written for such a file. We never extract to disk: entries are
//! streamed, and the original export is opened read-only.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::ImportError;

/// Largest inflated size an archive may declare in total.
pub const MAX_ARCHIVE_BYTES: u64 = 32 << 30;
/// Largest inflation ratio for an entry bigger than [`RATIO_FLOOR`]. Chat
/// text compresses about 5–10×; a ratio of 1000 is a bomb.
pub const MAX_RATIO: u64 = 1000;
pub const RATIO_FLOOR: u64 = 1 << 20;
/// Most entries an archive may have.
pub const MAX_ENTRIES: usize = 1_000_000;
/// Largest entry read whole into memory (a nested archive, a small JSON file).
pub const MAX_IN_MEMORY: u64 = 512 << 20;

/// A regular file inside a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the source, `/`-separated. For a single-file source
    /// this is the file name.
    pub path: String,
    pub size: u64,
}

impl Entry {
    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A source seen as entries. Entries are sorted by path.
pub trait SourceTree {
    /// The path the user gave, for messages.
    fn origin(&self) -> &Path;
    fn entries(&self) -> &[Entry];
    /// Stream one entry.
    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>, ImportError>;
    /// True when the tree is a single file (`entries()` has exactly that file).
    fn is_single_file(&self) -> bool {
        false
    }

    fn has(&self, path: &str) -> bool {
        self.entries().iter().any(|e| e.path == path)
    }

    /// Read a whole entry into memory, refusing one larger than `limit`.
    fn read_all(&mut self, path: &str, limit: u64) -> Result<Vec<u8>, ImportError> {
        let origin = self.origin().to_path_buf();
        let mut buf = Vec::new();
        let mut r = self.open(path)?.take(limit + 1);
        r.read_to_end(&mut buf).map_err(|e| io_err(&origin, path, e))?;
        if buf.len() as u64 > limit {
            return Err(ImportError::Hostile {
                path: origin,
                entry: path.to_string(),
                reason: format!("larger than {limit} bytes"),
            });
        }
        Ok(buf)
    }

    /// Read a whole entry as UTF-8 text (a BOM is removed; invalid bytes are
    /// an error naming the entry).
    fn read_string(&mut self, path: &str, limit: u64) -> Result<String, ImportError> {
        let origin = self.origin().display().to_string();
        let mut bytes = self.read_all(path, limit)?;
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        String::from_utf8(bytes).map_err(|e| {
            ImportError::malformed(format!("{origin}!{path}"), format!("byte {}", e.utf8_error().valid_up_to()), "not valid UTF-8")
        })
    }

    /// Size and hex SHA-256 of an entry.
    fn hash(&mut self, path: &str) -> Result<(u64, String), ImportError> {
        let origin = self.origin().to_path_buf();
        let r = self.open(path)?;
        sha256_reader(r).map_err(|e| io_err(&origin, path, e))
    }
}

fn io_err(origin: &Path, entry: &str, e: io::Error) -> ImportError {
    ImportError::Io { path: origin.join(entry), source: e }
}

/// Hex SHA-256 and length of everything `r` yields.
pub fn sha256_reader(mut r: impl Read) -> io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex::encode(h.finalize())))
}

/// One file on disk.
pub struct FileTree {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl FileTree {
    pub fn new(path: &Path) -> Result<Self, ImportError> {
        let meta = std::fs::metadata(path).map_err(|e| ImportError::Io { path: path.into(), source: e })?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Self { path: path.into(), entries: vec![Entry { path: name, size: meta.len() }] })
    }
}

impl SourceTree for FileTree {
    fn origin(&self) -> &Path {
        &self.path
    }
    fn entries(&self) -> &[Entry] {
        &self.entries
    }
    fn is_single_file(&self) -> bool {
        true
    }
    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        if path != self.entries[0].path {
            return Err(ImportError::Io {
                path: self.path.join(path),
                source: io::Error::new(io::ErrorKind::NotFound, "no such entry"),
            });
        }
        let f = File::open(&self.path).map_err(|e| ImportError::Io { path: self.path.clone(), source: e })?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
    }
}

/// A folder on disk (a Slack export folder, an exporter's output folder).
/// Symbolic links are not followed: they are listed in `links` and the
/// import reports them as skipped.
pub struct DirTree {
    root: PathBuf,
    entries: Vec<Entry>,
    pub links: Vec<String>,
}

impl DirTree {
    pub fn new(root: &Path) -> Result<Self, ImportError> {
        let mut entries = Vec::new();
        let mut links = Vec::new();
        for item in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
            let item = item.map_err(|e| ImportError::Io {
                path: e.path().map(Path::to_path_buf).unwrap_or_else(|| root.to_path_buf()),
                source: e.into_io_error().unwrap_or_else(|| io::Error::other("walk failed")),
            })?;
            let rel = relative(root, item.path());
            if item.path_is_symlink() {
                links.push(rel);
            } else if item.file_type().is_file() {
                let size = item.metadata().map(|m| m.len()).unwrap_or(0);
                entries.push(Entry { path: rel, size });
            }
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Self { root: root.into(), entries, links })
    }
}

fn relative(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

impl SourceTree for DirTree {
    fn origin(&self) -> &Path {
        &self.root
    }
    fn entries(&self) -> &[Entry] {
        &self.entries
    }
    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        if !self.has(path) {
            return Err(ImportError::Io {
                path: self.root.join(path),
                source: io::Error::new(io::ErrorKind::NotFound, "no such file in the export"),
            });
        }
        let full = self.root.join(path);
        let f = File::open(&full).map_err(|e| ImportError::Io { path: full, source: e })?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
    }
}

/// A zip archive, checked entry by entry when opened.
pub struct ZipTree<R: Read + Seek> {
    origin: PathBuf,
    archive: zip::ZipArchive<R>,
    entries: Vec<Entry>,
    /// Archive index of each entry in `entries`.
    index: Vec<usize>,
}

impl ZipTree<BufReader<File>> {
    pub fn open_file(path: &Path) -> Result<Self, ImportError> {
        let f = File::open(path).map_err(|e| ImportError::Io { path: path.into(), source: e })?;
        Self::new(path, BufReader::new(f))
    }
}

impl ZipTree<Cursor<Vec<u8>>> {
    /// A zip held in memory (an archive inside an archive or inside a mail).
    pub fn from_bytes(origin: &Path, bytes: Vec<u8>) -> Result<Self, ImportError> {
        Self::new(origin, Cursor::new(bytes))
    }
}

impl<R: Read + Seek> ZipTree<R> {
    pub fn new(origin: &Path, reader: R) -> Result<Self, ImportError> {
        let hostile = |entry: &str, reason: String| ImportError::Hostile {
            path: origin.to_path_buf(),
            entry: entry.to_string(),
            reason,
        };
        let mut archive = zip::ZipArchive::new(reader)
            .map_err(|e| ImportError::malformed(origin.display().to_string(), "zip", format!("not a readable zip archive: {e}")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(hostile("*", format!("{} entries (at most {MAX_ENTRIES})", archive.len())));
        }
        let mut entries = Vec::new();
        let mut index = Vec::new();
        let mut total = 0u64;
        for i in 0..archive.len() {
            let f = archive
                .by_index_raw(i)
                .map_err(|e| ImportError::malformed(origin.display().to_string(), format!("zip entry {i}"), e.to_string()))?;
            let name = f.name().map(|n| n.into_owned()).unwrap_or_else(|_| f.name_raw().iter().map(|&b| b as char).collect());
            if f.is_symlink() {
                return Err(hostile(&name, "symbolic link inside the archive".into()));
            }
            let Some(safe) = f.enclosed_name() else {
                return Err(hostile(&name, "path escapes the archive (absolute or contains ..)".into()));
            };
            if name.split(['/', '\\']).any(|c| c == "..") || name.starts_with('/') || name.starts_with('\\') {
                return Err(hostile(&name, "path escapes the archive (absolute or contains ..)".into()));
            }
            if f.is_dir() {
                continue;
            }
            let size = f.size();
            let packed = f.compressed_size().max(1);
            if size > RATIO_FLOOR && size / packed > MAX_RATIO {
                return Err(hostile(&name, format!("inflates {}× ({size} bytes from {packed}): a decompression bomb", size / packed)));
            }
            total = total.saturating_add(size);
            if total > MAX_ARCHIVE_BYTES {
                return Err(hostile(&name, format!("archive inflates to more than {MAX_ARCHIVE_BYTES} bytes")));
            }
            let rel = safe.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            entries.push(Entry { path: rel, size });
            index.push(i);
        }
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| entries[a].path.cmp(&entries[b].path));
        let entries = order.iter().map(|&k| entries[k].clone()).collect();
        let index = order.iter().map(|&k| index[k]).collect();
        Ok(Self { origin: origin.into(), archive, entries, index })
    }
}

impl<R: Read + Seek> SourceTree for ZipTree<R> {
    fn origin(&self) -> &Path {
        &self.origin
    }
    fn entries(&self) -> &[Entry] {
        &self.entries
    }
    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>, ImportError> {
        let Some(k) = self.entries.iter().position(|e| e.path == path) else {
            return Err(ImportError::Io {
                path: self.origin.join(path),
                source: io::Error::new(io::ErrorKind::NotFound, "no such entry in the archive"),
            });
        };
        let declared = self.entries[k].size;
        let origin = self.origin.clone();
        let f = self
            .archive
            .by_index(self.index[k])
            .map_err(|e| ImportError::malformed(origin.display().to_string(), path, e.to_string()))?;
        // The declared size was checked; a stream that yields more is lying.
        Ok(Box::new(SizeGuard { inner: f, left: declared }))
    }
}

/// Fails a read that goes past the size the archive declared.
struct SizeGuard<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for SizeGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "entry is larger than the archive declares"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// True when the first bytes are a zip local-file header.
pub fn looks_like_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}
