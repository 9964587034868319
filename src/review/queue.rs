//! The case queue: filters, sorting, paging and facet counts.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases::{summary_row, CaseSummary, SUMMARY_SELECT};
use super::privacy::NameView;
use super::ReviewError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CaseFilter {
    pub red_line: Option<String>,
    pub status: Option<String>,
    pub disposition: Option<String>,
    /// Assignee login; `"none"` for unassigned.
    pub assignee: Option<String>,
    pub severity: Option<String>,
    pub conversation_id: Option<i64>,
    pub participant_id: Option<i64>,
    /// Cases with a message at or after / before this time (RFC 3339 or YYYY-MM-DD).
    pub from: Option<String>,
    pub to: Option<String>,
    pub tag: Option<String>,
    /// Words in the title or in the case's messages.
    pub text: Option<String>,
    pub pattern_only: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    /// Highest priority first, then newest activity.
    #[default]
    Priority,
    /// Newest message first.
    Date,
    /// Most hits first.
    Hits,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CasePage {
    pub total: i64,
    pub offset: i64,
    pub cases: Vec<CaseSummary>,
    /// For each facet (status, red_line, severity, disposition, assignee, tag): value → count,
    /// over the filtered cases.
    pub facets: BTreeMap<String, BTreeMap<String, i64>>,
}

fn instant(s: &str) -> Result<i64, ReviewError> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc().timestamp_millis())
        .ok_or_else(|| ReviewError::BadRequest(format!("{s:?} is not a date (YYYY-MM-DD) or RFC 3339 time")))
}

/// `WHERE` clause and arguments for a filter (over `cases c`).
fn where_clause(f: &CaseFilter) -> Result<(String, Vec<Value>), ReviewError> {
    let mut w = vec!["c.merged_into IS NULL".to_string()];
    let mut a: Vec<Value> = Vec::new();
    let mut push = |cond: &str, v: Value, w: &mut Vec<String>| {
        a.push(v);
        w.push(cond.replace('?', &format!("?{}", a.len())));
    };
    if let Some(v) = &f.red_line {
        push("EXISTS (SELECT 1 FROM json_each(c.red_lines) j WHERE j.value = ?)", v.clone().into(), &mut w);
    }
    if let Some(v) = &f.status {
        push("c.status = ?", v.clone().into(), &mut w);
    }
    if let Some(v) = &f.disposition {
        push("c.disposition = ?", v.clone().into(), &mut w);
    }
    match f.assignee.as_deref() {
        Some("none") => w.push("c.assignee_id IS NULL".into()),
        Some(v) => push("c.assignee_id = (SELECT id FROM reviewers WHERE login = ?)", v.to_string().into(), &mut w),
        None => {}
    }
    if let Some(v) = &f.severity {
        push("c.severity = ?", v.clone().into(), &mut w);
    }
    if let Some(v) = f.conversation_id {
        push("c.conversation_id = ?", v.into(), &mut w);
    }
    if let Some(v) = f.participant_id {
        push(
            "(c.sender_id = ? OR EXISTS (SELECT 1 FROM case_message_ids cm JOIN messages m ON m.id = cm.message_id WHERE cm.case_id = c.id AND m.sender_id = c.sender_id))",
            v.into(),
            &mut w,
        );
    }
    if let Some(v) = &f.from {
        push(
            "EXISTS (SELECT 1 FROM case_message_ids cm JOIN messages m ON m.id = cm.message_id WHERE cm.case_id = c.id AND m.ts_utc_ms >= ?)",
            instant(v)?.into(),
            &mut w,
        );
    }
    if let Some(v) = &f.to {
        push(
            "EXISTS (SELECT 1 FROM case_message_ids cm JOIN messages m ON m.id = cm.message_id WHERE cm.case_id = c.id AND m.ts_utc_ms < ?)",
            instant(v)?.into(),
            &mut w,
        );
    }
    if let Some(v) = &f.tag {
        push("EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag = ?)", v.clone().into(), &mut w);
    }
    if let Some(v) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        for word in v.split_whitespace() {
            push(
                "(instr(lower(c.title), lower(?)) > 0 OR EXISTS (SELECT 1 FROM case_message_ids cm JOIN messages m ON m.id = cm.message_id
                   WHERE cm.case_id = c.id AND instr(lower(m.text), lower(?)) > 0))",
                word.to_string().into(),
                &mut w,
            );
        }
    }
    if f.pattern_only {
        w.push("c.pattern_flag = 1".into());
    }
    Ok((format!(" WHERE {}", w.join(" AND ")), a))
}

/// One page of the queue with facet counts.
pub fn query(conn: &Connection, names: &NameView, f: &CaseFilter, sort: CaseSort, offset: i64, limit: i64) -> Result<CasePage, ReviewError> {
    let (wh, args) = where_clause(f)?;
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM cases c{wh}"), rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    let order = match sort {
        CaseSort::Priority => "c.priority ASC, c.updated_at DESC, c.id ASC",
        CaseSort::Date => "(SELECT max(m.ts_utc_ms) FROM case_message_ids cm JOIN messages m ON m.id = cm.message_id WHERE cm.case_id = c.id) DESC, c.id DESC",
        CaseSort::Hits => "(SELECT count(*) FROM case_hits ch WHERE ch.case_id = c.id) DESC, c.id ASC",
    };
    let sql = format!("{SUMMARY_SELECT}{wh} ORDER BY {order} LIMIT {} OFFSET {}", limit.clamp(1, 10_000), offset.max(0));
    let mut stmt = conn.prepare(&sql)?;
    let cases = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| summary_row(r, names))?.collect::<Result<_, _>>()?;
    let mut facets = BTreeMap::new();
    for (name, expr) in [
        ("status", "c.status"),
        ("severity", "c.severity"),
        ("disposition", "coalesce(c.disposition, '')"),
        ("assignee", "coalesce((SELECT login FROM reviewers r WHERE r.id = c.assignee_id), 'none')"),
    ] {
        let sql = format!("SELECT {expr}, count(*) FROM cases c{wh} GROUP BY 1");
        let mut stmt = conn.prepare(&sql)?;
        let counts = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        facets.insert(name.to_string(), counts.into_iter().filter(|(k, _)| !k.is_empty()).collect());
    }
    for (name, from) in [("red_line", "json_each(c.red_lines) j"), ("tag", "case_tags j")] {
        let (val, join) = if name == "red_line" { ("j.value", from.to_string()) } else { ("j.tag", format!("{from} ON j.case_id = c.id")) };
        let sql = if name == "red_line" {
            format!("SELECT {val}, count(*) FROM cases c, {join}{wh} GROUP BY 1")
        } else {
            format!("SELECT {val}, count(*) FROM cases c JOIN {join}{wh} GROUP BY 1")
        };
        let mut stmt = conn.prepare(&sql)?;
        let counts = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        facets.insert(name.to_string(), counts);
    }
    Ok(CasePage { total, offset, cases, facets })
}
