//! The case queue: filters, sorting, paging and facet counts.

use std::collections::{BTreeMap, HashMap};

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
    // The case's messages, searched by case (see `case_message_ids_of`).
    let in_case = concat!("m.id IN (", case_message_ids_of!("c.id"), ")");
    if let Some(v) = f.participant_id {
        // The participant sent the case's messages (the case's sender) or one of them.
        push(&format!("(c.sender_id = ? OR EXISTS (SELECT 1 FROM messages m WHERE {in_case} AND m.sender_id = ?))"), v.into(), &mut w);
    }
    if let Some(v) = &f.from {
        push(&format!("EXISTS (SELECT 1 FROM messages m WHERE {in_case} AND m.ts_utc_ms >= ?)"), instant(v)?.into(), &mut w);
    }
    if let Some(v) = &f.to {
        push(&format!("EXISTS (SELECT 1 FROM messages m WHERE {in_case} AND m.ts_utc_ms < ?)"), instant(v)?.into(), &mut w);
    }
    if let Some(v) = &f.tag {
        push("EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag = ?)", v.clone().into(), &mut w);
    }
    if let Some(v) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        for word in v.split_whitespace() {
            push(
                &format!("(instr(lower(c.title), lower(?)) > 0 OR EXISTS (SELECT 1 FROM messages m WHERE {in_case} AND instr(lower(m.text), lower(?)) > 0))"),
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

/// The summaries of `ids`, in that order.
fn summaries_in_order(conn: &Connection, names: &NameView, ids: &[i64]) -> Result<Vec<CaseSummary>, ReviewError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut by_id: HashMap<i64, CaseSummary> = conn
        .prepare(&format!("{SUMMARY_SELECT} WHERE c.id IN ({list})"))?
        .query_map([], |r| summary_row(r, names))?
        .map(|s| s.map(|s| (s.id, s)))
        .collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// One page of the queue, with facet counts when `with_facets` (they count
/// every matching case, so the queue asks for them with its first page only,
/// not for each page it fetches while scrolling).
pub fn query(
    conn: &Connection,
    names: &NameView,
    f: &CaseFilter,
    sort: CaseSort,
    offset: i64,
    limit: i64,
    with_facets: bool,
) -> Result<CasePage, ReviewError> {
    let (wh, args) = where_clause(f)?;
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM cases c{wh}"), rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    let order = match sort {
        CaseSort::Priority => "c.priority ASC, c.updated_at DESC, c.id ASC",
        CaseSort::Date => concat!("(SELECT max(m.ts_utc_ms) FROM messages m WHERE m.id IN (", case_message_ids_of!("c.id"), ")) DESC, c.id DESC"),
        CaseSort::Hits => "(SELECT count(*) FROM case_hits ch WHERE ch.case_id = c.id) DESC, c.id ASC",
    };
    // The page's ids first, then their summaries: sorting the full summary
    // rows would compute every column of every matching case.
    let ids: Vec<i64> = conn
        .prepare(&format!("SELECT c.id FROM cases c{wh} ORDER BY {order} LIMIT {} OFFSET {}", limit.clamp(1, 10_000), offset.max(0)))?
        .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let cases = summaries_in_order(conn, names, &ids)?;
    let mut facets = BTreeMap::new();
    if !with_facets {
        return Ok(CasePage { total, offset, cases, facets });
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::cases::SUMMARY_SELECT;

    /// The query plan of `sql`, one line per step.
    fn plan(conn: &Connection, sql: &str, args: &[Value]) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(3)).unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    }

    /// Regression: per-case lookups went through the `case_message_ids` UNION
    /// view, which SQLite scans whole for each case (a queue page of 100,000
    /// cases took minutes). No per-case step may scan the hit tables.
    #[test]
    fn per_case_lookups_search_by_case() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path().join("w.db")).unwrap();
        let conn = store.conn();
        let full = CaseFilter {
            participant_id: Some(1),
            from: Some("2026-01-01".into()),
            to: Some("2026-12-31".into()),
            text: Some("红包".into()),
            ..Default::default()
        };
        let (wh, args) = where_clause(&full).unwrap();
        let date_sort = concat!("(SELECT max(m.ts_utc_ms) FROM messages m WHERE m.id IN (", case_message_ids_of!("c.id"), "))");
        for (what, sql, args) in [
            ("summary", format!("{SUMMARY_SELECT} WHERE c.id IN (1, 2)"), vec![]),
            ("filters", format!("SELECT c.id FROM cases c{wh}"), args),
            ("date sort", format!("SELECT c.id FROM cases c ORDER BY {date_sort}"), vec![]),
        ] {
            let p = plan(conn, &sql, &args);
            for table in ["ch", "h", "case_hits", "hits", "case_messages", "x"] {
                assert!(!p.lines().any(|l| l.trim_start_matches(['|', '-', '`', ' ']) == format!("SCAN {table}")), "{what} scans {table}:\n{p}");
            }
            assert!(!p.contains("case_message_ids"), "{what} uses the view:\n{p}");
        }
    }
}
