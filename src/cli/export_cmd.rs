//! `redline export` and `redline verify`: case files. Both are one API
//! request (`Export` / `ExportCases`, `VerifyCaseFile`); this file turns
//! flags into the request and the answer into lines and an exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use redline::api::{self, Request, Response};
use redline::export::{ExportOptions, Language, RedactKind};
use redline::review::queue::CaseFilter;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Cases to export; none with a filter (--status, --disposition, --from, …) for a batch.
    pub case_ids: Vec<i64>,
    /// Destination: a new folder, or a file ending in .zip.
    #[arg(long)]
    pub out: PathBuf,
    /// Report language: en or zh (简体中文).
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Messages before and after each hit (default: the workspace setting).
    #[arg(long)]
    pub context: Option<u32>,
    /// Redact identifiers: comma-separated phone, id, card, email (or all).
    #[arg(long, value_delimiter = ',')]
    pub redact: Vec<String>,
    #[arg(long, default_value = "RL")]
    pub bates_prefix: String,
    #[arg(long, default_value_t = 1)]
    pub bates_start: u64,
    #[arg(long, default_value_t = 6)]
    pub bates_digits: u32,
    /// Leave out case.pdf (no CJK font needed).
    #[arg(long)]
    pub no_pdf: bool,
    /// Show image thumbnails unblurred (HTML) and include them in the PDF.
    #[arg(long)]
    pub show_images: bool,
    /// Batch: cases with this status (new, in_review, escalated, closed).
    #[arg(long)]
    pub status: Option<String>,
    /// Batch: cases with this disposition (violation, no_violation, false_positive, insufficient_evidence).
    #[arg(long)]
    pub disposition: Option<String>,
    /// Batch: cases with messages from this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Batch: … and before this one.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long = "red-line")]
    pub red_line: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn export(db: &Path, actor: &str, a: ExportArgs) -> anyhow::Result<ExitCode> {
    let Some(language) = Language::parse(&a.lang) else { bail!("--lang {:?}: use en or zh", a.lang) };
    let mut redact = Vec::new();
    for r in a.redact.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        if r.eq_ignore_ascii_case("all") {
            redact.extend(RedactKind::ALL);
        } else {
            let Some(k) = RedactKind::parse(r) else { bail!("--redact {r:?}: use phone, id, card, email or all") };
            redact.push(k);
        }
    }
    redact.sort();
    redact.dedup();
    let options = ExportOptions {
        language,
        context: a.context,
        redact,
        bates_prefix: a.bates_prefix,
        bates_start: a.bates_start,
        bates_digits: a.bates_digits,
        include_pdf: !a.no_pdf,
        blur_images: !a.show_images,
    };
    let out = a.out.display().to_string();
    let filter = CaseFilter {
        status: a.status,
        disposition: a.disposition,
        from: a.from,
        to: a.to,
        red_line: a.red_line,
        tag: a.tag,
        ..Default::default()
    };
    let req = if a.case_ids.is_empty() {
        if filter == CaseFilter::default() {
            bail!("say which cases: give case ids, or a filter such as --status closed --disposition violation");
        }
        Request::ExportCases { filter, out, options }
    } else {
        if filter != CaseFilter::default() {
            bail!("give case ids or a filter, not both");
        }
        Request::Export { case_ids: a.case_ids, out, options }
    };
    let mut store = super::open(db)?;
    let bar = super::progress::bar(Some(0));
    bar.set_style(
        indicatif::ProgressStyle::with_template("exporting {bar:40} {pos}/{len} {wide_msg}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let answer = api::handle_with_progress(&mut store, actor, req, &mut |ev| {
        if let Some(t) = ev.total {
            bar.set_length(t);
        }
        bar.set_position(ev.done);
        bar.set_message(ev.message);
    });
    bar.finish_and_clear();
    match answer {
        Ok(Response::Exported(s)) => {
            if a.json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!("exported {} case(s) {} to {}", s.cases.len(), id_ranges(&s.cases, "#"), s.path);
                println!("  {} messages, {} files", s.messages, s.files.len());
                if let Some(p) = s.pdf_pages {
                    println!("  case.pdf: {p} pages");
                }
                if let (Some(f), Some(l)) = (&s.bates_first, &s.bates_last) {
                    println!("  Bates {f} – {l}");
                }
                println!("  attachments: {} included, {} not included (see manifest.json)", s.attachments_included, s.attachments_missing);
                if s.redactions > 0 {
                    println!("  {} identifiers redacted", s.redactions);
                }
                println!("  manifest sha256 {}  (audit entries {})", s.manifest_sha256, id_ranges(&s.audit_seqs, ""));
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(other) => bail!("unexpected answer {other:?}"),
        Err(e) => {
            eprintln!("redline: {} ({})", e.message, e.code);
            Ok(ExitCode::from(1))
        }
    }
}

/// Ids as runs, `#3 #5–#9 #12`: a batch of 590 cases stays one line.
fn id_ranges(ids: &[i64], prefix: &str) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        runs.push(match j - i {
            0 => format!("{prefix}{}", sorted[i]),
            1 => format!("{prefix}{} {prefix}{}", sorted[i], sorted[j]),
            _ => format!("{prefix}{}–{prefix}{}", sorted[i], sorted[j]),
        });
        i = j + 1;
    }
    runs.join(" ")
}

/// `redline verify PATH`: exit 0 when intact, 1 naming what changed.
pub fn verify(db: &Path, actor: &str, path: &Path, json: bool) -> anyhow::Result<ExitCode> {
    // Consult the workspace only if there is one: verifying must not create a database.
    let report = if db.exists() {
        let mut store = super::open(db)?;
        match api::handle(&mut store, actor, Request::VerifyCaseFile { path: path.display().to_string() }) {
            Ok(Response::CaseFileVerify(r)) => r,
            Ok(other) => bail!("unexpected answer {other:?}"),
            Err(e) => {
                eprintln!("redline: {} ({})", e.message, e.code);
                return Ok(ExitCode::from(2));
            }
        }
    } else {
        match redline::export::verify(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("redline: {e} ({})", e.code());
                return Ok(ExitCode::from(2));
            }
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for f in &report.altered {
            println!("ALTERED  {f}");
        }
        for f in &report.added {
            println!("ADDED    {f}");
        }
        for f in &report.removed {
            println!("REMOVED  {f}");
        }
        for p in &report.problems {
            println!("problem: {p}");
        }
        let cases: Vec<String> = report.cases.iter().map(|c| format!("#{c}")).collect();
        println!(
            "{}: {} — {} files checked, cases {}, exported {} by {}",
            report.path,
            if report.ok { "OK, unchanged since export" } else { "NOT INTACT" },
            report.checked,
            cases.join(" "),
            report.created_at.as_deref().unwrap_or("?"),
            report.exporter.as_deref().unwrap_or("?"),
        );
        match &report.recorded_in_audit {
            Some(seqs) if !seqs.is_empty() => println!("manifest recorded in this workspace's audit trail (entries {seqs:?})"),
            Some(_) => println!("this workspace's audit trail has no export with this manifest"),
            None => {}
        }
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_print_as_runs() {
        assert_eq!(super::id_ranges(&[5, 3, 6, 7, 9, 10, 12], "#"), "#3 #5–#7 #9 #10 #12");
        assert_eq!(super::id_ranges(&[], "#"), "");
        assert_eq!(super::id_ranges(&(598..=1187).collect::<Vec<_>>(), ""), "598–1187");
    }
}
