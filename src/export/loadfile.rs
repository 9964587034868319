//! Load files for eDiscovery productions: `loadfile.dat` (Concordance) and
//! `loadfile.opt` (Opticon).
//!
//! Documents: each case's report is a parent document whose pages are its
//! pages of `case.pdf`, each Bates-numbered; the case's attachment files
//! that the case file holds follow as child documents (natives), one Bates
//! number each, so a family (`BEGATTACH`–`ENDATTACH`) is one contiguous
//! range. Without a PDF the report is one page-less document.
//!
//! DAT: UTF-8 with a byte-order mark; Concordance's delimiters — fields are
//! separated by character 20 (shown as `¶` by Concordance; U+0014) and
//! quoted with `þ` (U+00FE); a line break inside a value becomes `®`
//! (U+00AE, character 174), as Concordance expects. OPT: one line per page,
//! `BATES,VOLUME,IMAGE PATH,Y on a document's first page,,,PAGE COUNT`; the
//! image of every page is `case.pdf` (platforms that load PDF images take
//! the page from the Bates order).

use std::ops::Range;
use std::path::Path;

use super::bates::Bates;
use super::casefile::{CaseFile, CaseRecord};
use super::ExportError;

pub const DAT: &str = "loadfile.dat";
pub const OPT: &str = "loadfile.opt";
pub const VOLUME: &str = "REDLINE";
pub const SEPARATOR: char = '\u{14}';
pub const QUOTE: char = '\u{fe}';
pub const NEWLINE: char = '\u{ae}';

const FIELDS: &[&str] = &[
    "BEGBATES", "ENDBATES", "BEGATTACH", "ENDATTACH", "PARENTBATES", "PAGECOUNT", "DOCTYPE", "CASEID", "TITLE", "REDLINES",
    "STATUS", "DISPOSITION", "CUSTODIAN", "DATEFIRST", "DATELAST", "FILENAME", "FILESIZE", "MIMETYPE", "SHA256", "NATIVEPATH",
    "IMAGEPATH",
];

/// One produced document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub bates: Vec<String>,
    pub fields: Vec<(&'static str, String)>,
}

/// A case's family: its report (on `pages`, the Bates labels of its pages
/// of `case.pdf`; one new number when there is no PDF), then each of its
/// attachment files that the case file holds, once, in message order.
pub fn family(cf: &CaseFile, c: &CaseRecord, pages: Vec<String>, bates: &mut Bates, has_pdf: bool) -> Vec<Doc> {
    let mut family = Vec::new();
    let report_bates = if pages.is_empty() { bates.take(1) } else { pages };
    let red: Vec<String> = c.red_lines.iter().map(|r| r.id.clone()).collect();
    family.push(Doc {
        fields: vec![
            ("PAGECOUNT", if has_pdf { report_bates.len().to_string() } else { String::new() }),
            ("DOCTYPE", "case report".into()),
            ("CASEID", c.id.to_string()),
            ("TITLE", c.title.clone()),
            ("REDLINES", red.join("; ")),
            ("STATUS", c.status.as_str().into()),
            ("DISPOSITION", c.disposition.map(|d| d.as_str().to_string()).unwrap_or_default()),
            ("CUSTODIAN", c.sender.clone().unwrap_or_default()),
            ("DATEFIRST", c.first_at.clone().unwrap_or_default()),
            ("DATELAST", c.last_at.clone().unwrap_or_default()),
            ("FILENAME", if has_pdf { "case.pdf".into() } else { "case.html".into() }),
            ("NATIVEPATH", if has_pdf { String::new() } else { "case.html".into() }),
            ("IMAGEPATH", if has_pdf { "case.pdf".into() } else { String::new() }),
        ],
        bates: report_bates,
    });
    let mut seen: Vec<&str> = Vec::new();
    let shown: std::collections::HashSet<i64> = c.excerpts.iter().flat_map(|e| e.message_ids.iter().copied()).collect();
    for m in cf.messages.iter().filter(|m| shown.contains(&m.id)) {
        for a in &m.attachments {
            let (Some(sha), Some(path)) = (a.sha256.as_deref(), a.path.as_deref()) else { continue };
            if seen.contains(&sha) {
                continue;
            }
            seen.push(sha);
            family.push(Doc {
                bates: bates.take(1),
                fields: vec![
                    ("PAGECOUNT", String::new()),
                    ("DOCTYPE", "attachment".into()),
                    ("CASEID", c.id.to_string()),
                    ("FILENAME", a.file_name.clone()),
                    ("FILESIZE", a.size_bytes.map(|n| n.to_string()).unwrap_or_default()),
                    ("MIMETYPE", a.mime.clone().unwrap_or_default()),
                    ("SHA256", sha.to_string()),
                    ("NATIVEPATH", path.to_string()),
                ],
            });
        }
    }
    family
}

fn dat_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(NEWLINE);
            }
            '\n' => out.push(NEWLINE),
            // the delimiters themselves cannot appear in a value
            SEPARATOR | QUOTE => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn dat_line(values: &[String]) -> String {
    let cells: Vec<String> = values.iter().map(|v| format!("{QUOTE}{}{QUOTE}", dat_value(v))).collect();
    format!("{}\r\n", cells.join(&SEPARATOR.to_string()))
}

pub fn write(families: &[Vec<Doc>], dir: &Path) -> Result<(), ExportError> {
    let mut dat = String::from("\u{feff}");
    dat.push_str(&dat_line(&FIELDS.iter().map(|f| f.to_string()).collect::<Vec<_>>()));
    let mut opt = String::new();
    for family in families {
        let (Some(first), Some(last)) = (family.first(), family.last()) else { continue };
        let beg_attach = first.bates.first().cloned().unwrap_or_default();
        let end_attach = last.bates.last().cloned().unwrap_or_default();
        for (k, d) in family.iter().enumerate() {
            let value = |name: &str| -> String {
                match name {
                    "BEGBATES" => d.bates.first().cloned().unwrap_or_default(),
                    "ENDBATES" => d.bates.last().cloned().unwrap_or_default(),
                    "BEGATTACH" => beg_attach.clone(),
                    "ENDATTACH" => end_attach.clone(),
                    "PARENTBATES" if k > 0 => beg_attach.clone(),
                    _ => d.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default(),
                }
            };
            dat.push_str(&dat_line(&FIELDS.iter().map(|f| value(f)).collect::<Vec<_>>()));
            let image = d.fields.iter().find(|(n, _)| *n == "IMAGEPATH").map(|(_, v)| v.as_str()).unwrap_or_default();
            if !image.is_empty() {
                for (p, label) in d.bates.iter().enumerate() {
                    if p == 0 {
                        opt.push_str(&format!("{label},{VOLUME},{image},Y,,,{}\r\n", d.bates.len()));
                    } else {
                        opt.push_str(&format!("{label},{VOLUME},{image},,,,\r\n"));
                    }
                }
            }
        }
    }
    let dat_path = dir.join(DAT);
    std::fs::write(&dat_path, dat).map_err(|e| ExportError::io(&dat_path, e))?;
    let opt_path = dir.join(OPT);
    std::fs::write(&opt_path, opt).map_err(|e| ExportError::io(&opt_path, e))
}

/// The Bates range a production used (first and last label).
pub fn range(families: &[Vec<Doc>]) -> Option<Range<String>> {
    let first = families.iter().flatten().flat_map(|d| &d.bates).next()?.clone();
    let last = families.iter().flatten().flat_map(|d| &d.bates).last()?.clone();
    Some(first..last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_line_breaks_mapped() {
        let line = dat_line(&["a\r\nb".into(), "þ¶".into()]);
        assert_eq!(line, "\u{fe}a\u{ae}b\u{fe}\u{14}\u{fe} ¶\u{fe}\r\n");
    }
}
