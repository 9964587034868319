//! The `hits` table: writing hits with stable identity, and reading them.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::rules::RuleMatch;
use crate::store::queries::format_timestamp;
use crate::store::{Store, StoreError};
use crate::text::utf16::Utf16Span;

/// Insert a hit, or refresh the identical one from an earlier scan.
/// Returns true when the hit is new.
pub(super) fn upsert(tx: &Transaction, scan_id: i64, message_id: i64, text: &str, m: &RuleMatch) -> Result<bool, StoreError> {
    let fp = super::fingerprint(message_id, m);
    let existing: Option<i64> =
        tx.prepare_cached("SELECT id FROM hits WHERE fingerprint = ?1")?.query_row([&fp], |r| r.get(0)).optional()?;
    if let Some(id) = existing {
        tx.prepare_cached(
            "UPDATE hits SET last_scan_id = ?2, pack_version = ?3, severity = ?4, retracted_scan_id = NULL WHERE id = ?1",
        )?
        .execute(params![id, scan_id, m.pack_version, m.severity.as_str()])?;
        return Ok(false);
    }
    let mut terms: Vec<&str> = m.evidence.iter().map(|e| e.term.as_str()).collect();
    terms.dedup();
    let mut steps = crate::rules::normalize::Steps::NONE;
    for e in &m.evidence {
        steps |= e.steps;
    }
    let spans: Vec<serde_json::Value> = m
        .evidence
        .iter()
        .map(|e| serde_json::json!({ "start": e.start, "end": e.end, "term": e.term, "steps": e.steps }))
        .collect();
    let matched: Vec<&str> = m.evidence.iter().map(|e| text.get(e.start..e.end).unwrap_or("")).collect();
    tx.prepare_cached(
        "INSERT INTO hits(message_id, pack_id, pack_version, red_line, rule_id, severity, terms, normalizations,
                          spans, spans_utf16, matched, conditions, fingerprint, first_scan_id, last_scan_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )?
    .execute(params![
        message_id,
        m.pack,
        m.pack_version,
        m.red_line,
        m.rule,
        m.severity.as_str(),
        serde_json::to_string(&terms).unwrap_or_default(),
        serde_json::to_string(&steps).unwrap_or_default(),
        serde_json::Value::Array(spans).to_string(),
        serde_json::to_string(&super::utf16_spans(text, m)).unwrap_or_default(),
        serde_json::to_string(&matched).unwrap_or_default(),
        serde_json::to_string(&m.conditions).unwrap_or_default(),
        fp,
        scan_id
    ])?;
    Ok(true)
}

pub(super) fn live_counts_by_red_line(store: &Store) -> Result<BTreeMap<String, u64>, StoreError> {
    let mut stmt = store
        .conn()
        .prepare("SELECT red_line, count(*) FROM hits WHERE retracted_scan_id IS NULL GROUP BY red_line ORDER BY red_line")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which hits to list.
#[derive(Debug, Clone, Default)]
pub struct HitFilter {
    pub red_line: Option<String>,
    pub rule: Option<String>,
    pub pack: Option<String>,
    pub message_id: Option<i64>,
    /// Include hits that a later scan retracted.
    pub include_retracted: bool,
    pub limit: Option<usize>,
}

/// A hit with its message, as `redline hits --json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HitRow {
    pub hit_id: i64,
    pub message_id: i64,
    pub external_id: Option<String>,
    pub source_locator: String,
    pub source: String,
    pub conversation: String,
    pub sender: Option<String>,
    pub timestamp: Option<String>,
    pub kind: String,
    pub pack: String,
    pub pack_version: String,
    pub red_line: String,
    pub rule: String,
    pub severity: String,
    pub terms: Vec<String>,
    pub normalizations: Vec<String>,
    /// UTF-16 offsets into `text`.
    pub spans: Vec<Utf16Span>,
    pub matched: Vec<String>,
    pub conditions: Vec<String>,
    pub text: String,
    pub retracted: bool,
    /// Byte offsets into `text` (for Rust callers; not part of the JSON).
    #[serde(skip)]
    pub byte_spans: Vec<(usize, usize)>,
}

/// List hits, oldest message first.
pub fn list(store: &Store, f: &HitFilter) -> Result<Vec<HitRow>, StoreError> {
    let mut sql = String::from(
        "SELECT h.id, m.id, m.external_id, m.locator, s.path, coalesce(c.title, c.external_id),
                coalesce(m.sender_name, p.display_name, p.external_id), m.ts_utc_ms, m.ts_offset_min, m.kind,
                h.pack_id, h.pack_version, h.red_line, h.rule_id, h.severity, h.terms, h.normalizations,
                h.spans_utf16, h.matched, h.conditions, m.text, h.retracted_scan_id IS NOT NULL, h.spans
         FROM hits h JOIN messages m ON m.id = h.message_id
         JOIN conversations c ON c.id = m.conversation_id
         JOIN sources s ON s.id = m.source_id
         LEFT JOIN participants p ON p.id = m.sender_id
         WHERE 1 = 1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(v) = &f.red_line {
        sql.push_str(" AND h.red_line = ?");
        args.push(v.clone().into());
    }
    if let Some(v) = &f.rule {
        sql.push_str(" AND h.rule_id = ?");
        args.push(v.clone().into());
    }
    if let Some(v) = &f.pack {
        sql.push_str(" AND h.pack_id = ?");
        args.push(v.clone().into());
    }
    if let Some(v) = f.message_id {
        sql.push_str(" AND h.message_id = ?");
        args.push(v.into());
    }
    if !f.include_retracted {
        sql.push_str(" AND h.retracted_scan_id IS NULL");
    }
    sql.push_str(" ORDER BY m.id, h.id");
    if let Some(n) = f.limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let mut stmt = store.conn().prepare(&sql)?;
    let json_list = |s: String| -> Vec<String> { serde_json::from_str(&s).unwrap_or_default() };
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        let spans_bytes: String = r.get(22)?;
        let byte_spans: Vec<(usize, usize)> = serde_json::from_str::<Vec<serde_json::Value>>(&spans_bytes)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| Some((v.get("start")?.as_u64()? as usize, v.get("end")?.as_u64()? as usize)))
            .collect();
        Ok(HitRow {
            hit_id: r.get(0)?,
            message_id: r.get(1)?,
            external_id: r.get(2)?,
            source_locator: r.get(3)?,
            source: r.get(4)?,
            conversation: r.get(5)?,
            sender: r.get(6)?,
            timestamp: format_timestamp(r.get(7)?, r.get(8)?),
            kind: r.get(9)?,
            pack: r.get(10)?,
            pack_version: r.get(11)?,
            red_line: r.get(12)?,
            rule: r.get(13)?,
            severity: r.get(14)?,
            terms: json_list(r.get(15)?),
            normalizations: json_list(r.get(16)?),
            spans: serde_json::from_str(&r.get::<_, String>(17)?).unwrap_or_default(),
            matched: json_list(r.get(18)?),
            conditions: json_list(r.get(19)?),
            text: r.get(20)?,
            retracted: r.get(21)?,
            byte_spans,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
