//! Case files: the end of a review, in a form that stands on its own.
//!
//! [`export`] writes one case file (a folder, or a `.zip`) for one or more
//! cases:
//!
//! | file | what |
//! |---|---|
//! | `case.html` | the printable report, self-contained ([`html`]) |
//! | `case.pdf` | the same report, fonts embedded, Bates number on every page ([`pdf`]) |
//! | `case.json` | the complete case, schema `docs/case-file-schema.json` ([`casefile`]) |
//! | `messages.csv` | the messages with their context, UTF-8 with BOM ([`messages_csv`]) |
//! | `case.rsmf` | the messages in RSMF 2.0 ([`rsmf`]) |
//! | `attachments/` | the evidence files, named by SHA-256 ([`attachments`]) |
//! | `loadfile.dat`, `loadfile.opt` | Concordance / Opticon load files ([`loadfile`]) |
//! | `manifest.json`, `manifest.sha256` | every file's SHA-256, sealed ([`manifest`]) |
//!
//! Everything is rendered from one [`casefile::CaseFile`] gathered from the
//! workspace ([`gather`]), so the files cannot disagree; the two reports
//! are renderings of one [`report::Report`]. The files are written into the
//! destination folder (or a staging folder beside the zip), hashed into
//! the manifest, zipped if asked, and only then is the export audited:
//! one `case.export` entry per case with the manifest's SHA-256, in one
//! transaction. A failed export removes what it wrote and audits nothing;
//! so does a cancelled one ([`Progress::cancelled`] is asked between steps
//! and between attachment files, the slow part of a large export).
//! `docs/case-file.md` describes every file for the people who receive them.

pub mod archive;
pub mod attachments;
pub mod bates;
pub mod casefile;
pub mod fonts;
pub mod gather;
pub mod html;
pub mod i18n;
pub mod loadfile;
pub mod manifest;
pub mod messages_csv;
pub mod options;
pub mod pdf;
pub mod redact;
pub mod report;
pub mod rsmf;
pub mod verify;
pub mod webfont;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use options::{ExportOptions, Language, RedactKind};
pub use verify::{verify, CaseFileReport};

use crate::import::ImportError;
use crate::review::queue::{self, CaseFilter, CaseSort};
use crate::review::privacy::NameView;
use crate::review::{ReviewError, Reviewer};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Review(ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Source(#[from] ImportError),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    MissingFont(String),
    #[error("writing case.pdf failed: {0}")]
    Pdf(String),
    #[error("export cancelled: nothing was kept and nothing was audited")]
    Cancelled,
}

impl ExportError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ExportError::Io { path: path.to_path_buf(), source }
    }

    /// Stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::Review(e) => e.code(),
            ExportError::Store(_) => "storage",
            ExportError::Io { .. } | ExportError::Source(_) => "io",
            ExportError::BadRequest(_) => "bad_request",
            ExportError::MissingFont(_) => "missing_font",
            ExportError::Pdf(_) => "pdf",
            ExportError::Cancelled => "cancelled",
        }
    }
}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::Store(StoreError::Sqlite(e))
    }
}

/// Where an export reports its steps, and learns that it should stop.
pub trait Progress {
    /// Step `done` of `total` is starting; `what` names it (a file of the
    /// case file, or an attachment). `total` grows once the attachments
    /// are known.
    fn step(&mut self, done: u64, total: u64, what: &str);
    /// Asked before every step: `true` stops the export, which then removes
    /// what it wrote.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Steps of the case file besides the attachments: gather, html, pdf
/// layout, pdf, load files, json, csv, rsmf, manifest.
const FIXED_STEPS: u64 = 9;

/// Counts steps for a [`Progress`] and turns a cancel into an error.
struct Steps<'p> {
    progress: &'p mut dyn Progress,
    done: u64,
    total: u64,
}

impl Steps<'_> {
    fn next(&mut self, what: &str) -> Result<(), ExportError> {
        if self.progress.cancelled() {
            return Err(ExportError::Cancelled);
        }
        self.progress.step(self.done, self.total, what);
        self.done += 1;
        Ok(())
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportSummary {
    pub path: String,
    pub cases: Vec<i64>,
    pub messages: usize,
    /// Files of the case file, manifest included.
    pub files: Vec<String>,
    pub attachments_included: usize,
    pub attachments_missing: usize,
    pub pdf_pages: Option<usize>,
    pub bates_first: Option<String>,
    pub bates_last: Option<String>,
    pub redactions: u64,
    pub manifest_sha256: String,
    /// Audit sequence numbers of the `case.export` entries.
    pub audit_seqs: Vec<i64>,
}

/// The cases a queue filter selects (every page), for batch export.
pub fn cases_matching(store: &Store, filter: &CaseFilter) -> Result<Vec<i64>, ExportError> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let page = queue::query(store.conn(), &NameView::open(), filter, CaseSort::Date, offset, 10_000, false).map_err(ExportError::Review)?;
        let n = page.cases.len() as i64;
        ids.extend(page.cases.into_iter().map(|c| c.id));
        offset += n;
        if n == 0 || offset >= page.total {
            break;
        }
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Export `case_ids` to `out` (a folder, or a zip when it ends in `.zip`) as
/// `exporter`, reporting to `progress`.
pub fn export(
    store: &mut Store,
    exporter: &Reviewer,
    case_ids: &[i64],
    out: &Path,
    opts: &ExportOptions,
    progress: &mut dyn Progress,
) -> Result<ExportSummary, ExportError> {
    let zip = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if zip && out.exists() {
        return Err(ExportError::BadRequest(format!("{} exists already: choose a new name", out.display())));
    }
    if !zip && out.exists() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(ExportError::BadRequest(format!("{} exists and is not an empty folder: choose a new one", out.display())));
    }
    let mut bates = bates::Bates::new(opts)?;
    // fail before writing anything when the PDF cannot be made; the HTML
    // embeds the same font when there is one
    let fonts = if opts.include_pdf { Some(fonts::find()?) } else { fonts::find().ok() };

    let staging_dir;
    let dir: PathBuf = if zip {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        staging_dir = tempfile::Builder::new().prefix(".redline-export-").tempdir_in(parent).map_err(|e| ExportError::io(parent, e))?;
        staging_dir.path().to_path_buf()
    } else {
        std::fs::create_dir_all(out).map_err(|e| ExportError::io(out, e))?;
        out.to_path_buf()
    };
    let mut steps = Steps { progress, done: 0, total: FIXED_STEPS + u64::from(zip) };
    let result = write_files(store, exporter, case_ids, &dir, opts, fonts.as_ref(), &mut bates, &mut steps);
    let finished = result.and_then(|(summary, sha)| {
        if zip {
            steps.next(&out.display().to_string())?;
            archive::zip_dir(&dir, out)?;
        }
        Ok((summary, sha))
    });
    let (mut summary, sha) = match finished {
        Ok(x) => x,
        Err(e) => {
            // a zip that failed while being written is partial: remove it
            let _ = if zip { std::fs::remove_file(out) } else { std::fs::remove_dir_all(out) };
            return Err(e);
        }
    };
    summary.path = out.display().to_string();
    match audit_export(store, exporter, &summary, &sha, opts) {
        Ok(seqs) => summary.audit_seqs = seqs,
        Err(e) => {
            let _ = if zip { std::fs::remove_file(out) } else { std::fs::remove_dir_all(out) };
            return Err(e);
        }
    }
    Ok(summary)
}

fn write_files(
    store: &Store,
    exporter: &Reviewer,
    case_ids: &[i64],
    dir: &Path,
    opts: &ExportOptions,
    fonts: Option<&fonts::FontSet>,
    bates: &mut bates::Bates,
    steps: &mut Steps,
) -> Result<(ExportSummary, String), ExportError> {
    let redactor = redact::Redactor::new(&opts.redact);
    steps.next("gathering the cases")?;
    let mut cf = gather::gather(store, exporter, case_ids, opts, &redactor)?;
    steps.total += cf.attachments.len() as u64;
    attachments::copy_all(&mut cf, dir, &mut |name| steps.next(&format!("{}/{name}", attachments::DIR)))?;

    let report = report::build(&cf, dir, opts);
    steps.next("case.html")?;
    html::write(&report, &dir.join("case.html"), fonts.map(|f| &f.regular))?;
    steps.next("case.pdf (layout)")?;
    let laid = match fonts.filter(|_| opts.include_pdf) {
        Some(f) => Some(pdf::layout(&report, f)?),
        None => None,
    };
    // Bates numbers in production order: each case's pages, then its attachments.
    let mut page_labels = vec![String::new(); laid.as_ref().map_or(0, pdf::Laid::page_count)];
    let mut families = Vec::new();
    for (k, c) in cf.cases.iter().enumerate() {
        let range = laid.as_ref().and_then(|l| l.section_pages.get(k).cloned()).unwrap_or(0..0);
        let labels = bates.take(range.len());
        for (p, label) in range.zip(&labels) {
            page_labels[p] = label.clone();
        }
        families.push(loadfile::family(&cf, c, labels, bates, laid.is_some()));
    }
    steps.next("case.pdf")?;
    if let Some(l) = &laid {
        pdf::render(l, &page_labels, &dir.join("case.pdf"))?;
    }
    steps.next("loadfile.dat, loadfile.opt")?;
    loadfile::write(&families, dir)?;

    steps.next("case.json")?;
    let json = serde_json::to_string_pretty(&cf).map_err(|e| ExportError::io(dir, std::io::Error::other(e)))? + "\n";
    std::fs::write(dir.join("case.json"), json).map_err(|e| ExportError::io(&dir.join("case.json"), e))?;
    steps.next("messages.csv")?;
    messages_csv::write(&cf, &dir.join("messages.csv"))?;
    steps.next("case.rsmf")?;
    rsmf::write(&cf, dir, &dir.join("case.rsmf"))?;
    steps.next("manifest.json")?;

    let range = loadfile::range(&families);
    let bates_range = range.clone().map(|r| manifest::BatesRange { prefix: opts.bates_prefix.clone(), first: r.start, last: r.end });
    let sha = manifest::write(&cf, dir, bates_range)?;
    let files: Vec<String> = files_in(dir)?.into_iter().map(|(rel, _)| rel).collect();
    let summary = ExportSummary {
        path: dir.display().to_string(),
        cases: cf.cases.iter().map(|c| c.id).collect(),
        messages: cf.messages.len(),
        files,
        attachments_included: cf.attachments.iter().filter(|a| a.included).count(),
        attachments_missing: cf.attachments.iter().filter(|a| !a.included).count(),
        pdf_pages: laid.as_ref().map(pdf::Laid::page_count),
        bates_first: range.as_ref().map(|r| r.start.clone()),
        bates_last: range.map(|r| r.end),
        redactions: cf.redaction.counts.values().sum(),
        manifest_sha256: sha.clone(),
        audit_seqs: Vec::new(),
    };
    Ok((summary, sha))
}

/// The files under a case-file folder: `/`-separated relative path and full
/// path, sorted by path.
pub fn files_in(dir: &Path) -> Result<Vec<(String, PathBuf)>, ExportError> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|e| ExportError::io(dir, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        out.push((rel.join("/"), entry.into_path()));
    }
    out.sort();
    Ok(out)
}

/// One `case.export` entry per case, in one transaction.
fn audit_export(store: &mut Store, exporter: &Reviewer, s: &ExportSummary, sha: &str, opts: &ExportOptions) -> Result<Vec<i64>, ExportError> {
    let tx = store.conn_mut().transaction()?;
    let mut seqs = Vec::new();
    for &id in &s.cases {
        let after = serde_json::json!({
            "manifest_sha256": sha,
            "path": s.path,
            "cases": s.cases,
            "files": s.files.len(),
            "bates": [s.bates_first, s.bates_last],
            "options": opts,
        });
        seqs.push(crate::audit::append(&tx, &exporter.login, "case.export", "case", id, None, Some(&after))?);
    }
    tx.commit()?;
    Ok(seqs)
}

/// `case.export` entries that recorded a manifest hash.
pub fn audit_entries_for(store: &Store, manifest_sha256: &str) -> Result<Vec<i64>, ExportError> {
    let mut stmt = store.conn().prepare(
        "SELECT seq FROM audit_log WHERE action = 'case.export' AND json_extract(after, '$.manifest_sha256') = ?1 ORDER BY seq",
    )?;
    let seqs = stmt.query_map([manifest_sha256], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
    Ok(seqs)
}

/// Verify a case file, and say whether this workspace recorded its export.
pub fn verify_with_store(store: &Store, path: &Path) -> Result<CaseFileReport, ExportError> {
    let mut r = verify(path)?;
    if let Some(sha) = r.manifest_sha256.clone() {
        r.recorded_in_audit = Some(audit_entries_for(store, &sha)?);
    }
    Ok(r)
}
