//! Collecting a [`CaseFile`] from the workspace: the cases, their messages
//! with the context around them, the people, conversations and sources they
//! reference, and the redaction of every text on the way out.
//!
//! Context is computed per conversation from its ordered message ids (one
//! indexed query of ids only), so a case of 1,000 hits in one conversation
//! costs one query plus one read per exported message, not one window query
//! per hit. Names are those the exporter may see: with pseudonymisation on,
//! unrevealed participants leave as aliases, their platform ids too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension};

use super::casefile::*;
use super::options::ExportOptions;
use super::redact::{Redacted, Redactor};
use super::ExportError;
use crate::audit;
use crate::review::context::{self, MessageItem};
use crate::review::privacy::{alias, NameView};
use crate::review::{annotations, cases, settings, ReviewError, Reviewer};
use crate::store::Store;

/// Everything read for one export, before rendering.
pub fn gather(store: &Store, exporter: &Reviewer, case_ids: &[i64], opts: &ExportOptions, redactor: &Redactor) -> Result<CaseFile, ExportError> {
    let conn = store.conn();
    let names = NameView::for_viewer(conn, exporter)?;
    let n = match opts.context {
        Some(n) => i64::from(n),
        None => i64::from(settings::get(conn)?.context_messages),
    };
    let mut ids: Vec<i64> = Vec::new();
    for &id in case_ids {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(ExportError::BadRequest("no case to export".into()));
    }

    let mut items: HashMap<i64, MessageItem> = HashMap::new();
    let mut member_of: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut order = ConversationOrder::default();
    let mut selected: BTreeSet<(i64, usize)> = BTreeSet::new(); // (conversation, position)
    let mut raw_cases = Vec::new();
    for &id in &ids {
        let summary = cases::summary(conn, &names, id)?;
        if let Some(into) = summary.merged_into {
            return Err(ExportError::BadRequest(format!("case {id} was merged into case {into}: export case {into}")));
        }
        let members = context::case_messages(conn, &names, id)?;
        let mut by_conv: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for m in &members {
            by_conv.entry(m.conversation_id).or_default().push(m.id);
            member_of.entry(m.id).or_default().push(id);
        }
        let mut excerpts = Vec::new();
        for (conv, anchors) in by_conv {
            order.load(conn, conv)?;
            let len = order.len(conv);
            let mut picked = BTreeSet::new();
            for a in anchors {
                if let Some(p) = order.position(conv, a) {
                    let lo = (p as i64 - n).max(0) as usize;
                    let hi = ((p as i64 + n) as usize).min(len.saturating_sub(1));
                    picked.extend(lo..=hi);
                }
            }
            for run in runs(&picked) {
                let ids = run.iter().map(|&p| order.id_at(conv, p)).collect();
                excerpts.push(Excerpt {
                    conversation_id: conv,
                    message_ids: ids,
                    more_before: run.first().is_some_and(|&p| p > 0),
                    more_after: run.last().is_some_and(|&p| p + 1 < len),
                });
            }
            selected.extend(picked.into_iter().map(|p| (conv, p)));
        }
        for m in members {
            items.insert(m.id, m);
        }
        raw_cases.push((summary, excerpts));
    }
    for &(conv, p) in &selected {
        let id = order.id_at(conv, p);
        if let std::collections::hash_map::Entry::Vacant(e) = items.entry(id) {
            e.insert(context::message(conn, &names, id)?);
        }
    }

    // messages, redacted, in conversation order
    let sources = Sources::load(store, items.values())?;
    let mut redacted: HashMap<i64, Redacted> = HashMap::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut messages = Vec::new();
    for &(conv, p) in &selected {
        let id = order.id_at(conv, p);
        let Some(m) = items.get(&id) else { continue };
        let r = redactor.apply(&m.text);
        for x in &r.redactions {
            *counts.entry(x.kind.as_str().to_string()).or_default() += 1;
        }
        let cases_of = member_of.get(&id).cloned().unwrap_or_default();
        messages.push(message_out(m, &r, cases_of, &sources, redactor));
        redacted.insert(id, r);
    }

    let mut makers = Makers {
        names: &names,
        redacted: &redacted,
        redactor,
        titles: RedLineTitles::default(),
        zh: opts.language == super::options::Language::Zh,
    };
    let mut case_records = Vec::new();
    for (summary, excerpts) in raw_cases {
        case_records.push(case_record(store, &mut makers, summary, excerpts)?);
    }

    let participants = participants(conn, &names, &messages, &case_records, redactor)?;
    let conversations = conversations(conn, &messages, redactor)?;
    let attachments = attachment_files(&messages);
    let mut fields = Vec::new();
    if redactor.is_active() {
        fields = ["message text", "sender and participant names and ids", "conversation titles", "notes", "annotations", "audit entries"]
            .map(String::from)
            .to_vec();
    }
    Ok(CaseFile {
        schema: SCHEMA_ID.into(),
        schema_version: SCHEMA_VERSION.into(),
        generated: Generated {
            tool: "redline".into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exporter: Person { login: exporter.login.clone(), name: exporter.name.clone(), role: exporter.role.clone() },
            language: opts.language.as_str().into(),
            options: opts.clone(),
            pseudonymised: participants.iter().any(|p| p.pseudonymised),
        },
        cases: case_records,
        messages,
        conversations,
        participants,
        sources: sources.list,
        attachments,
        redaction: RedactionSummary { kinds: opts.redact.iter().map(|k| k.as_str().to_string()).collect(), counts, fields },
    })
}

/// Consecutive runs of positions.
fn runs(picked: &BTreeSet<usize>) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &p in picked {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|&l| l + 1 == p) => run.push(p),
            _ => out.push(vec![p]),
        }
    }
    out
}

/// Each conversation's message ids in reading order (time, then id).
#[derive(Default)]
struct ConversationOrder {
    ids: HashMap<i64, Vec<i64>>,
    positions: HashMap<i64, HashMap<i64, usize>>,
}

impl ConversationOrder {
    fn load(&mut self, conn: &Connection, conv: i64) -> Result<(), ExportError> {
        if !self.ids.contains_key(&conv) {
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM messages WHERE conversation_id = ?1 ORDER BY coalesce(ts_utc_ms, -9223372036854775808), id",
            )?;
            let ids: Vec<i64> = stmt.query_map([conv], |r| r.get(0))?.collect::<Result<_, _>>()?;
            self.positions.insert(conv, ids.iter().enumerate().map(|(p, &id)| (id, p)).collect());
            self.ids.insert(conv, ids);
        }
        Ok(())
    }

    fn position(&self, conv: i64, id: i64) -> Option<usize> {
        self.positions.get(&conv).and_then(|p| p.get(&id)).copied()
    }

    fn len(&self, conv: i64) -> usize {
        self.ids.get(&conv).map_or(0, Vec::len)
    }

    fn id_at(&self, conv: i64, p: usize) -> i64 {
        self.ids.get(&conv).and_then(|v| v.get(p)).copied().unwrap_or(-1)
    }
}

/// The sources of the exported messages, by their SHA-256.
struct Sources {
    list: Vec<SourceOut>,
    by_sha: HashMap<String, i64>,
}

impl Sources {
    fn load<'a>(store: &Store, items: impl Iterator<Item = &'a MessageItem>) -> Result<Self, ExportError> {
        let shas: BTreeSet<&str> = items.map(|m| m.source_sha256.as_str()).collect();
        let list: Vec<SourceOut> = store
            .sources()?
            .into_iter()
            .filter(|s| shas.contains(s.sha256.as_str()))
            .map(|s| SourceOut {
                id: s.id,
                path: s.path,
                format: s.format,
                size_bytes: s.size_bytes,
                sha256: s.sha256,
                importer_version: s.importer_version,
                imported_at: s.imported_at,
                time_zone: s.time_zone,
            })
            .collect();
        let by_sha = list.iter().map(|s| (s.sha256.clone(), s.id)).collect();
        Ok(Self { list, by_sha })
    }
}

fn message_out(m: &MessageItem, r: &Redacted, cases: Vec<i64>, sources: &Sources, redactor: &Redactor) -> MessageOut {
    let role = match (cases.is_empty(), m.hits.is_empty()) {
        (true, _) => Role::Context,
        (false, false) => Role::Hit,
        (false, true) => Role::Case,
    };
    MessageOut {
        id: m.id,
        role,
        cases,
        conversation_id: m.conversation_id,
        sender_id: m.sender_id,
        sender: redactor.opt(m.sender.as_deref()),
        timestamp: m.timestamp.clone(),
        offset_assumed: m.offset_assumed,
        kind: m.kind.clone(),
        text: r.text.clone(),
        amount: m.amount.clone(),
        currency: m.currency.clone(),
        payment_status: m.payment_status.clone(),
        edited: m.edited,
        deleted: m.deleted,
        reply_to: m.reply_to.clone(),
        forwarded_from: redactor.opt(m.forwarded_from.as_deref()),
        external_id: m.external_id.clone(),
        locator: m.locator.clone(),
        source_id: sources.by_sha.get(&m.source_sha256).copied().unwrap_or(0),
        hits: m
            .hits
            .iter()
            .map(|h| HitOut {
                hit_id: h.hit_id,
                pack: h.pack.clone(),
                red_line: h.red_line.clone(),
                rule: h.rule.clone(),
                severity: h.severity.clone(),
                terms: h.terms.clone(),
                normalizations: h.normalizations.clone(),
                conditions: h.conditions.clone(),
                spans: h.spans.iter().map(|s| r.map_span(s.start, s.end)).collect(),
            })
            .collect(),
        attachments: m
            .attachments
            .iter()
            .map(|a| AttachmentRef {
                file_name: a.file_name.clone(),
                mime: a.mime.clone(),
                size_bytes: a.size_bytes,
                sha256: a.sha256.clone(),
                export_path: a.export_path.clone(),
                path: None,
            })
            .collect(),
        redactions: r.redactions.iter().map(|x| RedactionOut { kind: x.kind.as_str().into(), start: x.start, end: x.end }).collect(),
    }
}

/// Red-line titles in the report language, from the packs that produced the hits.
#[derive(Default)]
struct RedLineTitles {
    packs: HashMap<(String, String), Option<crate::rules::pack::PackFile>>,
}

impl RedLineTitles {
    fn title(&mut self, conn: &Connection, pack: &str, version: &str, red_line: &str, zh: bool) -> Result<Option<String>, ExportError> {
        let key = (pack.to_string(), version.to_string());
        if !self.packs.contains_key(&key) {
            let source: Option<String> = conn
                .query_row(
                    "SELECT source FROM rule_packs WHERE pack_id = ?1 AND version = ?2 ORDER BY id DESC LIMIT 1",
                    [pack, version],
                    |r| r.get(0),
                )
                .optional()?;
            let file = source.and_then(|s| crate::rules::pack::parse_pack(std::path::Path::new(pack), &s).ok()).map(|p| p.file);
            self.packs.insert(key.clone(), file);
        }
        Ok(self.packs[&key].as_ref().and_then(|f| {
            f.red_lines.iter().find(|r| *r.id.get_ref() == red_line).map(|r| if zh { r.title.zh.clone() } else { r.title.en.clone() })
        }))
    }
}

/// What every case record is made with.
struct Makers<'a> {
    names: &'a NameView,
    redacted: &'a HashMap<i64, Redacted>,
    redactor: &'a Redactor,
    titles: RedLineTitles,
    zh: bool,
}

fn case_record(store: &Store, mk: &mut Makers, s: cases::CaseSummary, excerpts: Vec<Excerpt>) -> Result<CaseRecord, ExportError> {
    let conn = store.conn();
    let (names, redacted, redactor, zh) = (mk.names, mk.redacted, mk.redactor, mk.zh);
    let titles = &mut mk.titles;
    // rules that fired, from the case's own live hits
    let mut stmt = conn.prepare_cached(
        "SELECT h.pack_id, h.pack_version, h.red_line, h.rule_id, h.severity, h.terms, h.conditions FROM case_hits ch
         JOIN hits h ON h.id = ch.hit_id WHERE ch.case_id = ?1 AND h.retracted_scan_id IS NULL ORDER BY h.id",
    )?;
    type Row = (String, String, String, String, String, String, String);
    let rows: Vec<Row> = stmt
        .query_map([s.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<Result<_, _>>()?;
    let mut rules: Vec<RuleOut> = Vec::new();
    let mut versions: HashMap<String, (String, String)> = HashMap::new();
    let merge = |into: &mut Vec<String>, more: Vec<String>| {
        for t in more {
            if !into.contains(&t) {
                into.push(t);
            }
        }
    };
    for (pack, version, red_line, rule, severity, terms, conditions) in rows {
        versions.entry(red_line.clone()).or_insert((pack.clone(), version.clone()));
        let terms: Vec<String> = serde_json::from_str(&terms).unwrap_or_default();
        let conditions: Vec<String> = serde_json::from_str(&conditions).unwrap_or_default();
        match rules.iter_mut().find(|r| r.pack == pack && r.red_line == red_line && r.rule == rule) {
            Some(r) => {
                r.hits += 1;
                merge(&mut r.terms, terms);
                merge(&mut r.conditions, conditions);
            }
            None => rules.push(RuleOut { pack, pack_version: version, red_line, rule, severity, hits: 1, terms, conditions }),
        }
    }
    let mut red_lines = Vec::new();
    for id in &s.red_lines {
        let title = match versions.get(id) {
            Some((pack, version)) => titles.title(conn, pack, version, id, zh)?,
            None => None,
        };
        red_lines.push(RedLineOut { id: id.clone(), title });
    }

    let (closed_at, closed_by): (Option<String>, Option<String>) = conn.query_row(
        "SELECT c.closed_at, (SELECT login FROM reviewers r WHERE r.id = c.closed_by) FROM cases c WHERE c.id = ?1",
        [s.id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let notes: Vec<_> = cases::notes(conn, s.id)?
        .into_iter()
        .map(|mut n| {
            n.text = redactor.text(&n.text);
            n
        })
        .collect();
    let anns = annotations::list(conn, None, Some(s.id))?;
    let id_text = s.id.to_string();
    let mut trail = audit::log(store, Some(("case", &id_text)), None)?;
    for a in &anns {
        trail.extend(audit::log(store, Some(("annotation", &a.id.to_string())), None)?);
    }
    trail.sort_by_key(|e| e.seq);
    trail.dedup_by_key(|e| e.seq);
    if redactor.is_active() {
        for e in &mut trail {
            e.before = redactor.opt(e.before.as_deref());
            e.after = redactor.opt(e.after.as_deref());
        }
    }
    let annotations_out: Vec<AnnotationOut> = anns
        .iter()
        .map(|a| {
            let span = a.span.map(|(st, en)| match redacted.get(&a.message_id) {
                Some(r) => r.map_span(st.max(0) as usize, en.max(0) as usize),
                None => (st.max(0) as usize, en.max(0) as usize),
            });
            AnnotationOut {
                id: a.id,
                message_id: a.message_id,
                span,
                quote: redactor.opt(a.quote.as_deref()),
                label: a.label.clone(),
                text: redactor.text(&a.text),
                author: a.author.clone(),
                created_at: a.created_at.clone(),
                updated_at: a.updated_at.clone(),
                version: a.version,
            }
        })
        .collect();

    // who worked on the case
    let mut roles: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    let mut add = |login: &Option<String>, role: &'static str| {
        if let Some(l) = login {
            roles.entry(l.clone()).or_default().insert(role);
        }
    };
    add(&s.assignee, "assignee");
    add(&closed_by, "closed_by");
    add(&s.pending_approval.as_ref().map(|p| p.proposed_by.clone()), "proposed_closing");
    for n in &notes {
        add(&Some(n.author.clone()), "author");
    }
    for a in &anns {
        add(&Some(a.author.clone()), "author");
    }
    for e in &trail {
        add(&Some(e.actor.clone()), "actor");
    }
    let mut reviewers = Vec::new();
    for (login, r) in roles {
        let name: Option<String> = conn.query_row("SELECT name FROM reviewers WHERE login = ?1", [&login], |r| r.get(0)).optional()?;
        reviewers.push(CaseReviewer { login, name, roles: r.into_iter().map(String::from).collect() });
    }

    // Automatic titles name the sender: an alias when the exporter sees one.
    let mut title = s.title.clone();
    if let Some(pid) = s.sender_id.filter(|&p| names.is_pseudonymised(p)) {
        let real: Option<String> =
            conn.query_row("SELECT coalesce(display_name, external_id) FROM participants WHERE id = ?1", [pid], |r| r.get(0)).optional()?;
        if let Some(real) = real.filter(|r| !r.is_empty()) {
            title = title.replace(&real, &alias(pid));
        }
    }
    let members = context::case_messages(conn, &NameView::open(), s.id)?;
    let mut message_ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    message_ids.sort_unstable();
    // first and last message as their senders saw the time (the summary has UTC)
    let mut times: Vec<(i64, String)> = members
        .iter()
        .filter_map(|m| m.timestamp.clone())
        .filter_map(|t| chrono::DateTime::parse_from_rfc3339(&t).ok().map(|d| (d.timestamp_millis(), t)))
        .collect();
    times.sort();
    let first_at = times.first().map(|t| t.1.clone()).or(s.first_at);
    let last_at = times.last().map(|t| t.1.clone()).or(s.last_at);
    Ok(CaseRecord {
        id: s.id,
        title: redactor.text(&title),
        status: s.status,
        disposition: s.disposition,
        misfired_rule: s.misfired_rule,
        severity: s.severity,
        priority: s.priority,
        assignee: s.assignee,
        tags: s.tags,
        due_date: s.due_date,
        conversation_id: s.conversation_id,
        conversation: redactor.opt(s.conversation.as_deref()),
        sender_id: s.sender_id,
        sender: redactor.opt(s.sender.as_deref()),
        red_lines,
        rules,
        reviewers,
        closed_at,
        closed_by,
        pending_approval: s.pending_approval,
        pattern_flag: s.pattern_flag,
        hit_count: s.hit_count,
        first_at,
        last_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
        message_ids,
        excerpts,
        notes,
        annotations: annotations_out,
        audit: trail,
    })
}

fn participants(
    conn: &Connection,
    names: &NameView,
    messages: &[MessageOut],
    cases: &[CaseRecord],
    redactor: &Redactor,
) -> Result<Vec<ParticipantOut>, ExportError> {
    let ids: BTreeSet<i64> = messages.iter().filter_map(|m| m.sender_id).chain(cases.iter().filter_map(|c| c.sender_id)).collect();
    let mut stmt = conn.prepare_cached("SELECT platform, external_id, display_name, handle, phone, email FROM participants WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        type Row = (String, String, Option<String>, Option<String>, Option<String>, Option<String>);
        let row: Option<Row> = stmt
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .optional()?;
        let Some((platform, external_id, display, handle, phone, email)) = row else { continue };
        out.push(if names.is_pseudonymised(id) {
            ParticipantOut {
                id,
                platform,
                external_id: alias(id),
                display_name: Some(alias(id)),
                handle: None,
                phone: None,
                email: None,
                pseudonymised: true,
            }
        } else {
            ParticipantOut {
                id,
                platform,
                external_id: redactor.text(&external_id),
                display_name: redactor.opt(display.as_deref()),
                handle: redactor.opt(handle.as_deref()),
                phone: redactor.opt(phone.as_deref()),
                email: redactor.opt(email.as_deref()),
                pseudonymised: false,
            }
        });
    }
    Ok(out)
}

fn conversations(conn: &Connection, messages: &[MessageOut], redactor: &Redactor) -> Result<Vec<ConversationOut>, ExportError> {
    let ids: BTreeSet<i64> = messages.iter().map(|m| m.conversation_id).collect();
    let mut stmt = conn.prepare_cached("SELECT source_id, platform, external_id, title, kind FROM conversations WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        let c = stmt.query_row([id], |r| {
            Ok(ConversationOut {
                id,
                source_id: r.get(0)?,
                platform: r.get(1)?,
                external_id: r.get(2)?,
                title: r.get(3)?,
                kind: r.get(4)?,
            })
        })?;
        out.push(ConversationOut { external_id: redactor.text(&c.external_id), title: redactor.opt(c.title.as_deref()), ..c });
    }
    Ok(out)
}

/// Distinct files (by hash) of the exported messages; not yet copied.
fn attachment_files(messages: &[MessageOut]) -> Vec<AttachmentFile> {
    let mut by_sha: BTreeMap<String, AttachmentFile> = BTreeMap::new();
    for a in messages.iter().flat_map(|m| &m.attachments) {
        let Some(sha) = &a.sha256 else { continue };
        let f = by_sha.entry(sha.clone()).or_insert_with(|| AttachmentFile {
            sha256: sha.clone(),
            size_bytes: a.size_bytes,
            mime: a.mime.clone(),
            original_names: Vec::new(),
            included: false,
            path: None,
            reason: None,
        });
        if !f.original_names.contains(&a.file_name) {
            f.original_names.push(a.file_name.clone());
        }
    }
    by_sha.into_values().collect()
}

impl From<ReviewError> for ExportError {
    fn from(e: ReviewError) -> Self {
        ExportError::Review(e)
    }
}
