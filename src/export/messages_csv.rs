//! `messages.csv`: every exported message with its context, one row each.
//!
//! UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; RFC
//! 4180 quoting. Message text is hostile: a cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return would be run as a formula by Excel,
//! so such free-text cells get a leading apostrophe (OWASP's advice); the
//! exact text is in `case.json`.

use std::path::Path;

use super::casefile::{CaseFile, Role};
use super::ExportError;

const HEADER: &[&str] = &[
    "case_ids", "message_id", "role", "conversation", "platform", "sender", "timestamp", "offset_assumed", "kind", "text",
    "amount", "currency", "payment_status", "edited", "deleted", "reply_to", "external_id", "red_lines", "rules", "terms",
    "hit_spans_utf16", "redactions", "attachments", "locator", "source_sha256",
];

/// Neutralise spreadsheet formulas in free text.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub fn write(cf: &CaseFile, path: &Path) -> Result<(), ExportError> {
    let io = |e: std::io::Error| ExportError::io(path, e);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut bytes);
        let csv_err = |e: csv::Error| ExportError::io(path, std::io::Error::other(e));
        w.write_record(HEADER).map_err(csv_err)?;
        for m in &cf.messages {
            let conv = cf.conversations.iter().find(|c| c.id == m.conversation_id);
            let source = cf.sources.iter().find(|s| s.id == m.source_id);
            let join = |v: Vec<String>| {
                let mut v = v;
                v.dedup();
                v.join("; ")
            };
            let role = match m.role {
                Role::Hit => "hit",
                Role::Case => "case",
                Role::Context => "context",
            };
            let row: Vec<String> = vec![
                m.cases.iter().map(i64::to_string).collect::<Vec<_>>().join(";"),
                m.id.to_string(),
                role.into(),
                cell(&conv.and_then(|c| c.title.clone()).unwrap_or_default()),
                conv.map(|c| c.platform.clone()).unwrap_or_default(),
                cell(&m.sender.clone().unwrap_or_default()),
                m.timestamp.clone().unwrap_or_default(),
                m.offset_assumed.to_string(),
                m.kind.clone(),
                cell(&m.text),
                m.amount.clone().unwrap_or_default(),
                m.currency.clone().unwrap_or_default(),
                m.payment_status.clone().unwrap_or_default(),
                m.edited.to_string(),
                m.deleted.to_string(),
                cell(&m.reply_to.clone().unwrap_or_default()),
                cell(&m.external_id.clone().unwrap_or_default()),
                join(m.hits.iter().map(|h| h.red_line.clone()).collect()),
                join(m.hits.iter().map(|h| format!("{}/{}/{}", h.pack, h.red_line, h.rule)).collect()),
                cell(&join(m.hits.iter().flat_map(|h| h.terms.clone()).collect())),
                m.hits.iter().flat_map(|h| h.spans.iter().map(|(s, e)| format!("{s}-{e}"))).collect::<Vec<_>>().join(" "),
                m.redactions.iter().map(|r| format!("{}:{}-{}", r.kind, r.start, r.end)).collect::<Vec<_>>().join(" "),
                cell(
                    &m.attachments
                        .iter()
                        .map(|a| match &a.sha256 {
                            Some(s) => format!("{} (sha256:{s})", a.file_name),
                            None => a.file_name.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                cell(&m.locator),
                source.map(|s| s.sha256.clone()).unwrap_or_default(),
            ];
            w.write_record(&row).map_err(csv_err)?;
        }
        w.flush().map_err(io)?;
    }
    std::fs::write(path, bytes).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(cell("-5000 转账"), "'-5000 转账");
        assert_eq!(cell("辛苦费"), "辛苦费");
    }
}
