//! The report as a document: headings, field lists, tables, messages and
//! images made of styled text runs. `case.html` and `case.pdf` are two
//! renderings of the same [`Report`], so they always say the same thing.
//!
//! Message text is only ever cut into runs at span boundaries: a hit
//! becomes a [`Style::Hit`] run and a redaction marker a
//! [`Style::Redacted`] run over exactly the characters of the exported text
//! (UTF-16 spans turned into byte offsets by `text::utf16`). Renderers
//! escape every run; nothing in a message can become markup.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::casefile::*;
use super::i18n::{self, Labels};
use super::options::{ExportOptions, Language};
use crate::text::utf16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Strong,
    Muted,
    /// Text a rule matched.
    Hit,
    /// A redaction marker.
    Redacted,
    /// Hashes and paths.
    Code,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub style: Style,
}

pub fn run(text: impl Into<String>, style: Style) -> Run {
    Run { text: text.into(), style }
}

pub fn plain(text: impl Into<String>) -> Vec<Run> {
    vec![run(text, Style::Plain)]
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// Share of the table width.
    pub width: f32,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading { level: u8, text: String },
    Fields(Vec<(String, Vec<Run>)>),
    Paragraph(Vec<Run>),
    Table { columns: Vec<Column>, rows: Vec<Vec<Vec<Run>>> },
    Message(MessageBlock),
    /// "earlier messages not shown".
    Gap(String),
    Image(ImageBlock),
}

#[derive(Debug, Clone)]
pub struct MessageBlock {
    pub id: i64,
    pub role: Role,
    pub meta: Vec<Run>,
    pub body: Vec<Run>,
    /// Hits, annotations and attachments, one line each.
    pub details: Vec<Vec<Run>>,
}

#[derive(Debug, Clone)]
pub struct ImageBlock {
    /// The copy in the case file (absolute path while exporting).
    pub file: PathBuf,
    pub mime: String,
    pub caption: String,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub case_id: i64,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub lang: Language,
    pub title: String,
    /// Front matter: provenance, sources, redaction, how to verify.
    pub front: Vec<Block>,
    pub sections: Vec<Section>,
    pub blur_images: bool,
}

impl Report {
    pub fn labels(&self) -> &'static Labels {
        i18n::labels(self.lang)
    }
}

/// Images up to this size are shown as thumbnails; bigger ones are listed only.
pub const MAX_THUMBNAIL_BYTES: i64 = 4 << 20;

pub fn build(cf: &CaseFile, dir: &Path, opts: &ExportOptions) -> Report {
    let lang = opts.language;
    let l = i18n::labels(lang);
    let mut front = Vec::new();
    front.push(Block::Paragraph(vec![
        run(format!("{}: ", l.generated), Style::Muted),
        run(format!("{} {} {} ({}), redline {}", cf.generated.at, l.by, cf.generated.exporter.name, cf.generated.exporter.login, cf.generated.tool_version), Style::Plain),
    ]));
    if cf.cases.len() > 1 {
        front.push(Block::Heading { level: 2, text: l.contents.into() });
        let rows = cf
            .cases
            .iter()
            .map(|c| vec![plain(format!("#{}", c.id)), plain(c.title.clone()), plain(status_text(lang, c))])
            .collect();
        front.push(Block::Table { columns: cols(&[(l.case, 0.12), (l.title, 0.58), (l.status, 0.3)]), rows });
    }
    front.push(Block::Heading { level: 2, text: l.sources.into() });
    let rows = cf
        .sources
        .iter()
        .map(|s| {
            vec![
                plain(s.path.clone()),
                plain(s.format.clone()),
                vec![run(s.sha256.clone(), Style::Code)],
                plain(format!("{} ({})", s.imported_at, s.time_zone)),
            ]
        })
        .collect();
    front.push(Block::Table { columns: cols(&[(l.file, 0.3), (l.format, 0.12), (l.sha256, 0.34), (l.imported, 0.24)]), rows });
    front.push(Block::Heading { level: 2, text: l.redaction.into() });
    if cf.redaction.kinds.is_empty() {
        front.push(Block::Paragraph(plain(l.no_redaction)));
    } else {
        let counts: Vec<String> =
            cf.redaction.kinds.iter().map(|k| format!("{k}: {}", cf.redaction.counts.get(k).copied().unwrap_or(0))).collect();
        front.push(Block::Paragraph(vec![
            run(format!("{}: ", l.redacted), Style::Strong),
            run(counts.join(", "), Style::Plain),
            run(format!(" ({})", cf.redaction.fields.join(", ")), Style::Muted),
        ]));
    }
    if cf.generated.pseudonymised {
        front.push(Block::Paragraph(plain(l.pseudonymised)));
    }
    front.push(Block::Paragraph(vec![run(l.verify_hint, Style::Muted)]));

    let by_id: HashMap<i64, &MessageOut> = cf.messages.iter().map(|m| (m.id, m)).collect();
    let sections = cf.cases.iter().map(|c| section(cf, &by_id, c, dir, lang)).collect();
    Report { lang, title: l.report_title.into(), front, sections, blur_images: opts.blur_images }
}

fn cols(spec: &[(&str, f32)]) -> Vec<Column> {
    spec.iter().map(|(t, w)| Column { title: t.to_string(), width: *w }).collect()
}

fn status_text(lang: Language, c: &CaseRecord) -> String {
    match c.disposition {
        Some(d) => format!("{} · {}", i18n::status(lang, c.status), i18n::disposition(lang, d)),
        None => i18n::status(lang, c.status).to_string(),
    }
}

/// RFC 3339 as people read it: `2026-03-02 09:05:00 +08:00`.
pub fn show_time(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(d) => d.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        Err(_) => t.to_string(),
    }
}

pub fn show_size(n: Option<i64>) -> String {
    match n {
        None => String::new(),
        Some(b) if b < 1024 => format!("{b} B"),
        Some(b) if b < 1 << 20 => format!("{:.1} KB", b as f64 / 1024.0),
        Some(b) => format!("{:.1} MB", b as f64 / (1 << 20) as f64),
    }
}

fn section(cf: &CaseFile, by_id: &HashMap<i64, &MessageOut>, c: &CaseRecord, dir: &Path, lang: Language) -> Section {
    let l = i18n::labels(lang);
    let mut b = Vec::new();
    let title = format!("{} #{}: {}", l.case, c.id, c.title);
    b.push(Block::Heading { level: 1, text: title.clone() });

    let mut f: Vec<(String, Vec<Run>)> = Vec::new();
    f.push((l.status.into(), vec![run(status_text(lang, c), Style::Strong)]));
    if let Some(m) = &c.misfired_rule {
        f.push((l.misfired_rule.into(), vec![run(m.clone(), Style::Code)]));
    }
    f.push((l.severity.into(), plain(format!("{} / {} {}", c.severity, l.priority, c.priority))));
    let red: Vec<String> = c.red_lines.iter().map(|r| match &r.title { Some(t) => format!("{t} ({})", r.id), None => r.id.clone() }).collect();
    f.push((l.red_lines.into(), plain(red.join("; "))));
    if let Some(a) = &c.assignee {
        f.push((l.assignee.into(), plain(a.clone())));
    }
    let who: Vec<String> = c.reviewers.iter().map(|r| r.name.clone().unwrap_or_else(|| r.login.clone())).collect();
    f.push((l.reviewers.into(), plain(who.join(", "))));
    if let Some(v) = &c.conversation {
        f.push((l.conversation.into(), plain(v.clone())));
    }
    if let Some(s) = &c.sender {
        f.push((l.sender.into(), plain(s.clone())));
    }
    if let (Some(a), Some(z)) = (&c.first_at, &c.last_at) {
        f.push((l.period.into(), plain(format!("{} – {}", show_time(a), show_time(z)))));
    }
    f.push((l.counts.into(), plain(format!("{} / {} {}", c.hit_count, c.message_ids.len(), l.messages))));
    if !c.tags.is_empty() {
        f.push((l.tags.into(), plain(c.tags.join(", "))));
    }
    if let Some(d) = &c.due_date {
        f.push((l.due.into(), plain(d.clone())));
    }
    if let Some(at) = &c.closed_at {
        f.push((l.closed.into(), plain(format!("{} {} {}", show_time(at), l.by, c.closed_by.clone().unwrap_or_default()))));
    }
    if let Some(p) = &c.pending_approval {
        f.push((l.pending.into(), plain(format!("{} ({} {})", i18n::disposition(lang, p.disposition), l.by, p.proposed_by))));
    }
    if c.pattern_flag {
        f.push((l.pattern.into(), plain(l.yes)));
    }
    b.push(Block::Fields(f));

    b.push(Block::Heading { level: 2, text: l.rules_heading.into() });
    let rows = c
        .rules
        .iter()
        .map(|r| {
            vec![
                vec![run(format!("{}/{}/{}", r.pack, r.red_line, r.rule), Style::Code)],
                plain(r.severity.clone()),
                plain(r.hits.to_string()),
                vec![run(r.terms.join(", "), Style::Hit), run(if r.conditions.is_empty() { String::new() } else { format!(" {}", r.conditions.join(", ")) }, Style::Muted)],
            ]
        })
        .collect();
    b.push(Block::Table { columns: cols(&[(l.rule, 0.4), (l.severity, 0.16), (l.hits, 0.1), (l.terms, 0.34)]), rows });

    b.push(Block::Heading { level: 2, text: l.reviewers.into() });
    let rows = c
        .reviewers
        .iter()
        .map(|r| vec![plain(r.login.clone()), plain(r.name.clone().unwrap_or_default()), plain(r.roles.join(", "))])
        .collect();
    b.push(Block::Table { columns: cols(&[(l.login, 0.3), (l.name, 0.3), (l.roles, 0.4)]), rows });

    b.push(Block::Heading { level: 2, text: l.excerpts.into() });
    for ex in &c.excerpts {
        let conv = cf.conversations.iter().find(|v| v.id == ex.conversation_id);
        let name = conv.map(|v| format!("{} ({}, {})", v.title.clone().unwrap_or_else(|| v.external_id.clone()), v.platform, v.kind));
        b.push(Block::Heading { level: 3, text: name.unwrap_or_default() });
        if ex.more_before {
            b.push(Block::Gap(l.more_before.into()));
        }
        for id in &ex.message_ids {
            if let Some(m) = by_id.get(id) {
                b.push(Block::Message(message_block(m, c, lang)));
            }
        }
        if ex.more_after {
            b.push(Block::Gap(l.more_after.into()));
        }
    }

    b.push(Block::Heading { level: 2, text: l.annotations.into() });
    if c.annotations.is_empty() {
        b.push(Block::Paragraph(vec![run(l.none, Style::Muted)]));
    } else {
        let rows = c
            .annotations
            .iter()
            .map(|a| {
                vec![
                    plain(format!("#{}", a.message_id)),
                    vec![run(a.quote.clone().unwrap_or_default(), Style::Hit)],
                    plain(a.label.clone()),
                    plain(a.text.clone()),
                    plain(format!("{} · {}", a.author, show_time(&a.updated_at))),
                ]
            })
            .collect();
        b.push(Block::Table {
            columns: cols(&[(l.message, 0.1), (l.quote, 0.2), (l.label, 0.15), (l.text, 0.33), (l.author, 0.22)]),
            rows,
        });
    }

    b.push(Block::Heading { level: 2, text: l.notes.into() });
    if c.notes.is_empty() {
        b.push(Block::Paragraph(vec![run(l.none, Style::Muted)]));
    }
    for n in &c.notes {
        b.push(Block::Paragraph(vec![
            run(format!("{} · {}: ", n.author, show_time(&n.created_at)), Style::Muted),
            run(n.text.clone(), Style::Plain),
        ]));
    }

    b.push(Block::Heading { level: 2, text: l.attachments.into() });
    let refs: Vec<&AttachmentRef> =
        c.excerpts.iter().flat_map(|e| &e.message_ids).filter_map(|id| by_id.get(id)).flat_map(|m| &m.attachments).collect();
    if refs.is_empty() {
        b.push(Block::Paragraph(vec![run(l.none, Style::Muted)]));
    } else {
        let mut rows = Vec::new();
        let mut images = Vec::new();
        for a in &refs {
            let file = a.sha256.as_ref().and_then(|s| cf.attachments.iter().find(|f| &f.sha256 == s));
            let place = match (file, &a.sha256) {
                (Some(f), _) if f.included => vec![run(f.path.clone().unwrap_or_default(), Style::Code)],
                (Some(f), _) => vec![run(format!("{}: {}", l.not_included, f.reason.clone().unwrap_or_default()), Style::Muted)],
                (None, _) => vec![run(l.not_in_export, Style::Muted)],
            };
            rows.push(vec![
                plain(a.file_name.clone()),
                plain(format!("{} {}", a.mime.clone().unwrap_or_default(), show_size(a.size_bytes))),
                vec![run(a.sha256.clone().unwrap_or_default(), Style::Code)],
                place,
            ]);
            if let Some(f) = file.filter(|f| f.included && is_image(f.mime.as_deref(), f.path.as_deref())) {
                let path = f.path.clone().unwrap_or_default();
                if f.size_bytes.unwrap_or(0) <= MAX_THUMBNAIL_BYTES && !images.iter().any(|i: &ImageBlock| i.file == dir.join(&path)) {
                    images.push(ImageBlock {
                        file: dir.join(&path),
                        mime: image_mime(f.mime.as_deref(), &path).to_string(),
                        caption: format!("{} · {}", a.file_name, &f.sha256[..16.min(f.sha256.len())]),
                    });
                }
            }
        }
        b.push(Block::Table { columns: cols(&[(l.file, 0.24), (l.size, 0.16), (l.sha256, 0.34), (l.in_case_file, 0.26)]), rows });
        b.extend(images.into_iter().map(Block::Image));
    }

    b.push(Block::Heading { level: 2, text: l.audit.into() });
    let rows = c
        .audit
        .iter()
        .map(|e| {
            vec![
                plain(e.seq.to_string()),
                plain(show_time(&e.at)),
                plain(e.actor.clone()),
                vec![run(e.action.clone(), Style::Code)],
                plain(audit_detail(e.after.as_deref())),
                vec![run(e.hash[..16.min(e.hash.len())].to_string(), Style::Code)],
            ]
        })
        .collect();
    b.push(Block::Table {
        columns: cols(&[(l.seq, 0.06), (l.time, 0.2), (l.actor, 0.1), (l.action, 0.17), (l.detail, 0.3), (l.hash, 0.17)]),
        rows,
    });
    Section { case_id: c.id, title, blocks: b }
}

pub fn is_image(mime: Option<&str>, path: Option<&str>) -> bool {
    !image_mime(mime, path.unwrap_or_default()).is_empty()
}

/// The image type a renderer can show, from the mime or the extension; empty otherwise.
pub fn image_mime(mime: Option<&str>, path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    match (mime.unwrap_or_default(), ext.as_str()) {
        ("image/png", _) | (_, "png") => "image/png",
        ("image/jpeg", _) | (_, "jpg" | "jpeg") => "image/jpeg",
        ("image/gif", _) | (_, "gif") => "image/gif",
        ("image/webp", _) | (_, "webp") => "image/webp",
        _ => "",
    }
}

/// The reason or decision an audit entry carries, in one line.
fn audit_detail(after: Option<&str>) -> String {
    let Some(v) = after.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else { return String::new() };
    let mut parts = Vec::new();
    for key in ["status", "disposition"] {
        if let Some(s) = v.get(key).and_then(|x| x.as_str()) {
            parts.push(format!("{key}={s}"));
        }
    }
    if let Some(d) = v.get("detail").filter(|d| !d.is_null()) {
        let s = d.to_string();
        parts.push(if s.chars().count() > 160 { format!("{}…", s.chars().take(160).collect::<String>()) } else { s });
    }
    parts.join(" ")
}

fn message_block(m: &MessageOut, c: &CaseRecord, lang: Language) -> MessageBlock {
    let l = i18n::labels(lang);
    let mut meta = vec![run(format!("#{} ", m.id), Style::Muted)];
    if let Some(t) = &m.timestamp {
        meta.push(run(show_time(t), Style::Plain));
        if m.offset_assumed {
            meta.push(run(format!(" ({})", l.offset_assumed), Style::Muted));
        }
        meta.push(run(" · ", Style::Muted));
    }
    if let Some(s) = &m.sender {
        meta.push(run(s.clone(), Style::Strong));
    } else if let Some(last) = meta.last_mut() {
        // no sender (system message): drop the separator before it
        last.text = last.text.trim_end_matches(" · ").to_string();
    }
    let mut tail = vec![m.kind.clone()];
    if let Some(a) = &m.amount {
        tail.push(format!("{a} {}", m.currency.clone().unwrap_or_default()).trim().to_string());
    }
    if m.edited {
        tail.push(l.edited.into());
    }
    if m.deleted {
        tail.push(l.deleted.into());
    }
    tail.push(i18n::role(lang, m.role).into());
    meta.push(run(format!(" · {}", tail.join(" · ")), Style::Muted));

    let mut details = Vec::new();
    for h in &m.hits {
        details.push(vec![
            run(format!("{}: ", l.hits), Style::Muted),
            run(format!("{}/{}/{}", h.pack, h.red_line, h.rule), Style::Code),
            run(format!(" — {}", h.terms.iter().chain(&h.conditions).cloned().collect::<Vec<_>>().join(", ")), Style::Plain),
            run(if h.normalizations.is_empty() { String::new() } else { format!(" ({})", h.normalizations.join(", ")) }, Style::Muted),
        ]);
    }
    for a in c.annotations.iter().filter(|a| a.message_id == m.id) {
        let mut line = vec![run(format!("{} [{}] ", l.annotations, a.label), Style::Muted)];
        if let Some(q) = &a.quote {
            line.push(run(format!("“{q}” "), Style::Strong));
        }
        line.push(run(format!("{} — {}", a.text, a.author), Style::Plain));
        details.push(line);
    }
    for a in &m.attachments {
        details.push(vec![
            run(format!("{}: ", l.attachments), Style::Muted),
            run(a.file_name.clone(), Style::Plain),
            run(a.sha256.as_ref().map(|s| format!(" sha256:{s}")).unwrap_or_default(), Style::Code),
        ]);
    }
    MessageBlock { id: m.id, role: m.role, meta, body: body_runs(m), details }
}

/// The message text cut at hit and redaction boundaries.
pub fn body_runs(m: &MessageOut) -> Vec<Run> {
    let text = &m.text;
    let len = utf16::utf16_offset(text, text.len());
    let mut marks: Vec<(usize, usize, Style)> = Vec::new();
    for h in &m.hits {
        marks.extend(h.spans.iter().map(|&(s, e)| (s, e, Style::Hit)));
    }
    marks.extend(m.redactions.iter().map(|r| (r.start, r.end, Style::Redacted)));
    let mut bounds: Vec<usize> = vec![0, len];
    for &(s, e, _) in &marks {
        bounds.push(s.min(len));
        bounds.push(e.min(len));
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut out: Vec<Run> = Vec::new();
    for w in bounds.windows(2) {
        let (a, z) = (w[0], w[1]);
        let covering = |st: Style| marks.iter().any(|&(s, e, x)| x == st && s <= a && z <= e && s < e);
        let style = if covering(Style::Redacted) {
            Style::Redacted
        } else if covering(Style::Hit) {
            Style::Hit
        } else {
            Style::Plain
        };
        let piece = &text[utf16::byte_offset(text, a)..utf16::byte_offset(text, z)];
        if piece.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.style == style => last.text.push_str(piece),
            _ => out.push(run(piece, style)),
        }
    }
    out
}
