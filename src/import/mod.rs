//! Importing chat exports into the evidence store.
//!
//! A *source* is one export as the user hands it over: a file, a zip archive,
//! or a folder that a format recognises as a whole (a Slack export). Each
//! source is hashed, recognised by content ([`formats::detect`]), and written
//! in one transaction: importing the same bytes twice is a no-op that says so,
//! and a failed or killed import leaves nothing behind.
//!
//! A folder that no format claims as a whole is walked, and each file in it
//! is its own source; files that are not chat exports are reported, not
//! imported.

mod context;
pub mod discord;
pub mod csv_rows;
pub mod email;
mod error;
pub mod filekind;
pub mod formats;
pub mod generic;
pub mod json_head;
pub mod json_stream;
pub mod messenger;
pub mod money;
pub mod reopen;
pub mod rsmf;
pub mod signal;
pub mod slack;
pub mod telegram;
pub mod textlines;
pub mod time;
pub mod tree;
pub mod wechat;
pub mod whatsapp;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use context::ImportCtx;
pub use error::ImportError;
use formats::{Format, Probe, PROBE_BYTES};
use tree::{DirTree, FileTree, SourceTree, ZipTree};

use crate::store::{SourceMeta, SourceSummary, Store};

/// Version recorded on every source, so a later Redline can tell which
/// importer read it.
pub const IMPORTER_VERSION: &str = concat!("redline ", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Force a format id instead of detecting it.
    pub format: Option<String>,
    /// IANA zone for times the export gives without an offset (default: this machine's).
    pub tz: Option<String>,
    /// Who imports, for the audit trail (default: the OS user / REDLINE_REVIEWER).
    pub actor: Option<String>,
    /// Set to stop the import; the source being written is rolled back.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// What happened to one source.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported(SourceSummary),
    /// The same bytes were imported before; nothing was written.
    AlreadyImported { path: String, sha256: String, source_id: i64 },
    /// A file inside a folder that is not a chat export; nothing was written.
    NotRecognized { path: String, reason: String },
}

/// Told about progress while importing (the CLI draws a bar from it).
pub trait Progress {
    fn source_started(&mut self, _path: &str, _format: &str, _bytes: u64) {}
    fn messages(&mut self, _written: u64) {}
    fn source_done(&mut self, _outcome: &ImportOutcome) {}
}

/// A progress sink that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// The result for one source of an import run.
#[derive(Debug)]
pub struct SourceResult {
    pub path: PathBuf,
    pub result: Result<ImportOutcome, ImportError>,
}

/// Import files and folders. One result per source; a failed source does not
/// stop the others, and leaves nothing written.
pub fn import_paths(
    store: &mut Store,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &mut dyn Progress,
) -> Vec<SourceResult> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            import_dir(store, path, opts, progress, &mut out);
        } else {
            let result = import_file(store, path, opts, progress, true);
            out.push(SourceResult { path: path.clone(), result });
        }
    }
    out
}

/// Import one file or folder with no progress reporting (tests, scripts).
pub fn import_path(store: &mut Store, path: &Path, opts: &ImportOptions) -> Vec<SourceResult> {
    import_paths(store, &[path.to_path_buf()], opts, &mut NoProgress)
}

fn import_dir(
    store: &mut Store,
    dir: &Path,
    opts: &ImportOptions,
    progress: &mut dyn Progress,
    out: &mut Vec<SourceResult>,
) {
    let mut tree = match DirTree::new(dir) {
        Ok(t) => t,
        Err(e) => return out.push(SourceResult { path: dir.into(), result: Err(e) }),
    };
    // A folder some format reads as a whole (e.g. a Slack export) is one
    // source. A forced format applies to the folder only if it claims it.
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let probe = Probe { name: &name, single_file: false, head: &[], entries: tree.entries() };
    let whole = match &opts.format {
        Some(id) => formats::by_id(id).filter(|f| (f.sniff)(&probe)),
        None => formats::detect(&probe),
    };
    if let Some(format) = whole {
        let result = import_tree(store, &mut tree, format, opts, progress);
        progress_done(progress, &result);
        return out.push(SourceResult { path: dir.into(), result });
    }
    // Otherwise walk it one level at a time, so that a sub-folder (a Slack
    // export inside a case folder) can still be claimed as a whole.
    let mut children: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => return out.push(SourceResult { path: dir.into(), result: Err(ImportError::Io { path: dir.into(), source: e }) }),
    };
    children.sort();
    for path in children {
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            continue; // reported below from the tree's link list
        } else if meta.is_dir() {
            import_dir(store, &path, opts, progress, out);
        } else if meta.is_file() {
            let result = import_file(store, &path, opts, progress, false);
            out.push(SourceResult { path, result });
        }
    }
    for link in tree.links.iter().filter(|l| !l.contains('/')) {
        let path = dir.join(link);
        let reason = "symbolic link, not followed".to_string();
        out.push(SourceResult {
            result: Ok(ImportOutcome::NotRecognized { path: path.display().to_string(), reason }),
            path,
        });
    }
}

fn progress_done(progress: &mut dyn Progress, result: &Result<ImportOutcome, ImportError>) {
    if let Ok(o) = result {
        progress.source_done(o);
    }
}

fn import_file(
    store: &mut Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn Progress,
    explicit: bool,
) -> Result<ImportOutcome, ImportError> {
    let head = read_head(path)?;
    let result = if tree::looks_like_zip(&head) {
        let mut tree = ZipTree::open_file(path)?;
        match pick_format_or_unrecognized(&mut tree, path, opts, explicit)? {
            Ok(format) => import_tree(store, &mut tree, format, opts, progress),
            Err(o) => Ok(o),
        }
    } else {
        let mut tree = FileTree::new(path)?;
        match pick_format_or_unrecognized(&mut tree, path, opts, explicit)? {
            Ok(format) => import_tree(store, &mut tree, format, opts, progress),
            Err(o) => Ok(o),
        }
    };
    progress_done(progress, &result);
    result
}

/// The format to use, or (inside a folder walk) a NotRecognized outcome.
fn pick_format_or_unrecognized(
    tree: &mut dyn SourceTree,
    path: &Path,
    opts: &ImportOptions,
    explicit: bool,
) -> Result<Result<&'static Format, ImportOutcome>, ImportError> {
    match pick_format(tree, path, opts) {
        Ok(f) => Ok(Ok(f)),
        Err(ImportError::Unrecognized { path, hint }) if !explicit => {
            Ok(Err(ImportOutcome::NotRecognized { path: path.display().to_string(), reason: hint }))
        }
        Err(e) => Err(e),
    }
}

fn pick_format(tree: &mut dyn SourceTree, path: &Path, opts: &ImportOptions) -> Result<&'static Format, ImportError> {
    if let Some(id) = &opts.format {
        return formats::by_id(id).ok_or_else(|| ImportError::UnknownFormat(id.clone()));
    }
    detect_tree(tree, path)?.ok_or_else(|| ImportError::Unrecognized {
        path: path.into(),
        hint: if tree.is_single_file() {
            "no known format matches its content".into()
        } else {
            format!("no known format matches its {} files", tree.entries().len())
        },
    })
}

fn detect_tree(tree: &mut dyn SourceTree, path: &Path) -> Result<Option<&'static Format>, ImportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let head = if tree.is_single_file() {
        let first = tree.entries()[0].path.clone();
        let mut buf = Vec::with_capacity(PROBE_BYTES);
        tree.open(&first)?
            .take(PROBE_BYTES as u64)
            .read_to_end(&mut buf)
            .map_err(|e| ImportError::Io { path: path.into(), source: e })?;
        if buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        buf
    } else {
        Vec::new()
    };
    let probe = Probe { name: &name, single_file: tree.is_single_file(), head: &head, entries: tree.entries() };
    Ok(formats::detect(&probe))
}

fn read_head(path: &Path) -> Result<Vec<u8>, ImportError> {
    let f = std::fs::File::open(path).map_err(|e| ImportError::Io { path: path.into(), source: e })?;
    let mut buf = Vec::with_capacity(8);
    f.take(8).read_to_end(&mut buf).map_err(|e| ImportError::Io { path: path.into(), source: e })?;
    Ok(buf)
}

/// Hash a source: the file's bytes, or for a folder the sorted list of its
/// files with their hashes (so renaming the folder does not change it).
fn source_hash(tree: &mut dyn SourceTree) -> Result<(u64, String, Vec<(String, u64, String)>), ImportError> {
    let origin = tree.origin().to_path_buf();
    if !origin.is_dir() {
        let f = std::fs::File::open(&origin).map_err(|e| ImportError::Io { path: origin.clone(), source: e })?;
        let (size, sha) = tree::sha256_reader(std::io::BufReader::new(f))
            .map_err(|e| ImportError::Io { path: origin.clone(), source: e })?;
        return Ok((size, sha, Vec::new()));
    }
    let mut files = Vec::new();
    let mut listing = String::new();
    let mut total = 0;
    for entry in tree.entries().to_vec() {
        let (size, sha) = tree.hash(&entry.path)?;
        listing.push_str(&format!("{sha}  {}\n", entry.path));
        total += size;
        files.push((entry.path, size, sha));
    }
    let (_, sha) = tree::sha256_reader(listing.as_bytes()).map_err(|e| ImportError::Io { path: origin, source: e })?;
    Ok((total, sha, files))
}

fn import_tree(
    store: &mut Store,
    tree: &mut dyn SourceTree,
    format: &'static Format,
    opts: &ImportOptions,
    progress: &mut dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    let tz = time::resolve(opts.tz.as_deref())?;
    let origin = tree.origin().to_path_buf();
    let path = std::fs::canonicalize(&origin).unwrap_or_else(|_| origin.clone()).display().to_string();
    let (size, sha256, files) = source_hash(tree)?;
    if let Some(existing) = store.source_by_sha256(&sha256)? {
        return Ok(ImportOutcome::AlreadyImported { path, sha256, source_id: existing.id });
    }
    progress.source_started(&path, format.id, size);
    let meta = SourceMeta {
        path: path.clone(),
        format: format.id.to_string(),
        platform: format.platform.to_string(),
        size_bytes: size,
        sha256,
        importer_version: IMPORTER_VERSION.to_string(),
        time_zone: tz.name().to_string(),
    };
    let mut writer = store.begin_source(meta)?;
    writer.on_progress(|n| progress.messages(n));
    {
        let mut ctx = ImportCtx::new(&mut writer, tz, origin.display().to_string());
        ctx.set_cancel(opts.cancel.clone());
        for (p, s, h) in &files {
            ctx.source_file(p, *s, h)?;
        }
        (format.import)(tree, &mut ctx)?;
    }
    let actor = opts.actor.clone().unwrap_or_else(crate::review::reviewers::os_login);
    let summary = writer.finish(&actor)?;
    Ok(ImportOutcome::Imported(summary))
}
