//! Statistics: how the rule packs perform according to reviewers' decisions,
//! and how reviewers work.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ReviewError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Dispositions {
    pub violation: i64,
    pub no_violation: i64,
    pub false_positive: i64,
    pub insufficient_evidence: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RedLineStats {
    pub red_line: String,
    pub hits: i64,
    pub cases: i64,
    pub open_cases: i64,
    pub dispositions: Dispositions,
    /// False positives / closed cases (None when nothing is closed).
    pub false_positive_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleStats {
    /// `pack/red_line/rule`
    pub rule: String,
    pub hits: i64,
    pub cases: i64,
    pub closed_cases: i64,
    /// Closed cases where reviewers recorded this rule as misfiring.
    pub false_positives: i64,
    pub false_positive_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TermStats {
    pub red_line: String,
    pub term: String,
    pub hits: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReviewerStats {
    pub reviewer: String,
    pub cases_closed: i64,
    pub qa_agreed: i64,
    pub qa_disagreed: i64,
    pub qa_agreement_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Stats {
    pub red_lines: Vec<RedLineStats>,
    pub rules: Vec<RuleStats>,
    pub terms: Vec<TermStats>,
    pub reviewers: Vec<ReviewerStats>,
    /// Hits per day (UTC date, count), for trend charts.
    pub hits_per_day: Vec<(String, i64)>,
}

fn rate(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

pub fn compute(conn: &Connection) -> Result<Stats, ReviewError> {
    let mut red_lines = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT rl, (SELECT count(*) FROM hits h WHERE h.red_line = rl AND h.retracted_scan_id IS NULL) FROM
           (SELECT DISTINCT red_line AS rl FROM hits UNION SELECT DISTINCT j.value FROM cases c, json_each(c.red_lines) j)
         ORDER BY rl",
    )?;
    let rls: Vec<(String, i64)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    for (rl, hits) in rls {
        let (cases, open, v, nv, fp, ie): (i64, i64, i64, i64, i64, i64) = conn.query_row(
            "SELECT count(*), sum(status != 'closed'), sum(disposition = 'violation'), sum(disposition = 'no_violation'),
                    sum(disposition = 'false_positive'), sum(disposition = 'insufficient_evidence')
             FROM cases c WHERE merged_into IS NULL AND EXISTS (SELECT 1 FROM json_each(c.red_lines) j WHERE j.value = ?1)",
            [&rl],
            |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0), r.get::<_, Option<i64>>(2)?.unwrap_or(0), r.get::<_, Option<i64>>(3)?.unwrap_or(0), r.get::<_, Option<i64>>(4)?.unwrap_or(0), r.get::<_, Option<i64>>(5)?.unwrap_or(0))),
        )?;
        red_lines.push(RedLineStats {
            red_line: rl,
            hits,
            cases,
            open_cases: open,
            dispositions: Dispositions { violation: v, no_violation: nv, false_positive: fp, insufficient_evidence: ie },
            false_positive_rate: rate(fp, v + nv + fp + ie),
        });
    }
    let rules = conn
        .prepare(
            "SELECT k, count(*),
                (SELECT count(DISTINCT ch.case_id) FROM case_hits ch JOIN hits h2 ON h2.id = ch.hit_id
                   WHERE h2.pack_id || '/' || h2.red_line || '/' || h2.rule_id = k),
                (SELECT count(DISTINCT c.id) FROM cases c JOIN case_hits ch ON ch.case_id = c.id JOIN hits h2 ON h2.id = ch.hit_id
                   WHERE c.status = 'closed' AND h2.pack_id || '/' || h2.red_line || '/' || h2.rule_id = k),
                (SELECT count(*) FROM cases c WHERE c.disposition = 'false_positive' AND c.misfired_rule = k)
             FROM (SELECT pack_id || '/' || red_line || '/' || rule_id AS k FROM hits WHERE retracted_scan_id IS NULL)
             GROUP BY k ORDER BY k",
        )?
        .query_map([], |r| {
            let closed: i64 = r.get(3)?;
            let fp: i64 = r.get(4)?;
            Ok(RuleStats { rule: r.get(0)?, hits: r.get(1)?, cases: r.get(2)?, closed_cases: closed, false_positives: fp, false_positive_rate: rate(fp, closed) })
        })?
        .collect::<Result<_, _>>()?;
    let terms = conn
        .prepare(
            "SELECT h.red_line, j.value, count(*) FROM hits h, json_each(h.terms) j WHERE h.retracted_scan_id IS NULL
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 500",
        )?
        .query_map([], |r| Ok(TermStats { red_line: r.get(0)?, term: r.get(1)?, hits: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    let reviewers = conn
        .prepare(
            "SELECT r.login,
                (SELECT count(*) FROM cases c WHERE c.closed_by = r.id AND c.status = 'closed'),
                (SELECT count(*) FROM qa_reviews q WHERE q.closed_by = r.id AND q.verdict = 'agree'),
                (SELECT count(*) FROM qa_reviews q WHERE q.closed_by = r.id AND q.verdict = 'disagree')
             FROM reviewers r ORDER BY r.login",
        )?
        .query_map([], |r| {
            let a: i64 = r.get(2)?;
            let d: i64 = r.get(3)?;
            Ok(ReviewerStats { reviewer: r.get(0)?, cases_closed: r.get(1)?, qa_agreed: a, qa_disagreed: d, qa_agreement_rate: rate(a, a + d) })
        })?
        .collect::<Result<_, _>>()?;
    let hits_per_day = conn
        .prepare(
            "SELECT date(m.ts_utc_ms / 1000, 'unixepoch'), count(*) FROM hits h JOIN messages m ON m.id = h.message_id
             WHERE h.retracted_scan_id IS NULL AND m.ts_utc_ms IS NOT NULL GROUP BY 1 ORDER BY 1",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Stats { red_lines, rules, terms, reviewers, hits_per_day })
}
