//! `case.html`: the report as one self-contained, printable page.
//!
//! No external resource of any kind: styles are inline, images are `data:`
//! URIs, the font is a subset of the PDF's CJK font embedded as a `data:`
//! URI ([`webfont`]; system fonts are named as a fallback), and a
//! Content-Security-Policy forbids scripts and every fetch, so the file
//! shows the same thing offline, months later. Every piece of text is
//! HTML-escaped; highlights are `<mark>` around escaped text. Images start
//! blurred; a checkbox in the page (pure CSS, works when printing too)
//! shows them.

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine;

use super::casefile::Role;
use super::fonts::FontFace;
use super::report::{Block, ImageBlock, MessageBlock, Report, Run, Style};
use super::{webfont, ExportError};

const CSS: &str = r#"
:root { --ink: #1d232b; --muted: #5f6b78; --line: #d6dbe1; --hit: #ffe066; --accent: #8a1c1c; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.55 "Redline Embedded", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1050px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 6px; color: var(--accent); }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); }
h4 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); }
section.case { margin-top: 36px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f3f5; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; }
.msg { border-left: 4px solid var(--line); padding: 6px 10px; margin: 6px 0; background: #fafbfc; break-inside: avoid; }
.msg.hit { border-left-color: var(--accent); background: #fff8f0; }
.msg.case { border-left-color: #c77d00; }
.msg .meta { font-size: 12px; color: var(--muted); }
.msg .body { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 2px; }
.msg ul { margin: 4px 0 0; padding-left: 18px; font-size: 12px; }
.gap { color: var(--muted); font-style: italic; text-align: center; margin: 4px 0; }
mark { background: var(--hit); color: inherit; padding: 0 1px; }
.redacted { background: #2b2f36; color: #fff; border-radius: 3px; padding: 0 3px; font-size: 0.92em; }
.muted { color: var(--muted); }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
figure { display: inline-block; margin: 6px 10px 6px 0; vertical-align: top; }
figure img { max-width: 180px; max-height: 180px; border: 1px solid var(--line); filter: blur(12px); }
figcaption { font-size: 11px; color: var(--muted); max-width: 180px; overflow-wrap: anywhere; }
#show-images { margin: 14px 4px 0 32px; }
label.toggle { font-size: 13px; color: var(--muted); cursor: pointer; }
#show-images:checked ~ main figure img { filter: none; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  #show-images, label.toggle { display: none; }
  section.case { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr { break-inside: avoid; }
  @page { margin: 16mm 14mm; }
}
"#;

pub fn write(report: &Report, path: &Path, font: Option<&FontFace>) -> Result<(), ExportError> {
    let html = render(report, font)?;
    std::fs::write(path, html).map_err(|e| ExportError::io(path, e))
}

/// The page; with `font`, a subset of it for the page's characters is embedded.
pub fn render(report: &Report, font: Option<&FontFace>) -> Result<String, ExportError> {
    let body = body(report)?;
    let face = font.and_then(|f| webfont::subset(f, &body)).map(|bytes| {
        format!(
            "@font-face {{ font-family: \"Redline Embedded\"; src: url(data:font/otf;base64,{}) format(\"opentype\"); }}\n",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    });
    let mut s = String::with_capacity(body.len() + (64 << 10));
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"redline {}\">\n<title>{}</title>\n<style>\n{}{CSS}</style>\n</head>\n<body>\n",
        report.lang.tag(),
        env!("CARGO_PKG_VERSION"),
        esc(&doc_title(report)),
        face.unwrap_or_default(),
    );
    s.push_str(&body);
    Ok(s)
}

fn body(report: &Report) -> Result<String, ExportError> {
    let l = report.labels();
    let mut s = String::with_capacity(64 << 10);
    let checked = if report.blur_images { "" } else { " checked" };
    // The switch must be a sibling before <main> for the CSS selector.
    let _ = write!(
        s,
        "<input type=\"checkbox\" id=\"show-images\"{checked}> <label for=\"show-images\" class=\"toggle\">{}</label>\n<main>\n",
        esc(l.show_images)
    );
    let _ = writeln!(s, "<h1>{}</h1>", esc(&doc_title(report)));
    for b in &report.front {
        block(&mut s, b)?;
    }
    for sec in &report.sections {
        let _ = writeln!(s, "<section class=\"case\" id=\"case-{}\">", sec.case_id);
        for b in &sec.blocks {
            block(&mut s, b)?;
        }
        s.push_str("</section>\n");
    }
    s.push_str("</main>\n</body>\n</html>\n");
    Ok(s)
}

fn doc_title(report: &Report) -> String {
    match report.sections.as_slice() {
        [one] => format!("{} — {}", report.title, one.title),
        _ => report.title.clone(),
    }
}

/// Escape text for HTML element content and attribute values.
pub fn esc(t: &str) -> String {
    let mut o = String::with_capacity(t.len() + 8);
    for c in t.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

fn runs(s: &mut String, rs: &[Run]) {
    for r in rs.iter().filter(|r| !r.text.is_empty()) {
        let t = esc(&r.text);
        match r.style {
            Style::Plain => s.push_str(&t),
            Style::Strong => {
                let _ = write!(s, "<strong>{t}</strong>");
            }
            Style::Muted => {
                let _ = write!(s, "<span class=\"muted\">{t}</span>");
            }
            Style::Hit => {
                let _ = write!(s, "<mark>{t}</mark>");
            }
            Style::Redacted => {
                let _ = write!(s, "<span class=\"redacted\">{t}</span>");
            }
            Style::Code => {
                let _ = write!(s, "<code>{t}</code>");
            }
        }
    }
}

fn block(s: &mut String, b: &Block) -> Result<(), ExportError> {
    match b {
        Block::Heading { level, text } => {
            let h = (*level + 1).min(4);
            let _ = writeln!(s, "<h{h}>{}</h{h}>", esc(text));
        }
        Block::Fields(fields) => {
            s.push_str("<dl class=\"fields\">\n");
            for (k, v) in fields {
                let _ = write!(s, "<dt>{}</dt><dd>", esc(k));
                runs(s, v);
                s.push_str("</dd>\n");
            }
            s.push_str("</dl>\n");
        }
        Block::Paragraph(rs) => {
            s.push_str("<p>");
            runs(s, rs);
            s.push_str("</p>\n");
        }
        Block::Table { columns, rows } => {
            s.push_str("<table>\n<thead><tr>");
            for c in columns {
                let _ = write!(s, "<th style=\"width:{:.0}%\">{}</th>", c.width * 100.0, esc(&c.title));
            }
            s.push_str("</tr></thead>\n<tbody>\n");
            for row in rows {
                s.push_str("<tr>");
                for cell in row {
                    s.push_str("<td>");
                    runs(s, cell);
                    s.push_str("</td>");
                }
                s.push_str("</tr>\n");
            }
            s.push_str("</tbody>\n</table>\n");
        }
        Block::Message(m) => message(s, m),
        Block::Gap(t) => {
            let _ = writeln!(s, "<div class=\"gap\">⋯ {} ⋯</div>", esc(t));
        }
        Block::Image(img) => image(s, img)?,
    }
    Ok(())
}

fn message(s: &mut String, m: &MessageBlock) {
    let class = match m.role {
        Role::Hit => "hit",
        Role::Case => "case",
        Role::Context => "context",
    };
    let _ = write!(s, "<div class=\"msg {class}\" id=\"m{}\">\n<div class=\"meta\">", m.id);
    runs(s, &m.meta);
    s.push_str("</div>\n<div class=\"body\">");
    runs(s, &m.body);
    s.push_str("</div>\n");
    if !m.details.is_empty() {
        s.push_str("<ul>");
        for d in &m.details {
            s.push_str("<li>");
            runs(s, d);
            s.push_str("</li>");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</div>\n");
}

fn image(s: &mut String, img: &ImageBlock) -> Result<(), ExportError> {
    let bytes = std::fs::read(&img.file).map_err(|e| ExportError::io(&img.file, e))?;
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    let _ = writeln!(
        s,
        "<figure><img class=\"thumb\" alt=\"{}\" src=\"data:{};base64,{data}\"><figcaption>{}</figcaption></figure>",
        esc(&img.caption),
        esc(&img.mime),
        esc(&img.caption)
    );
    Ok(())
}
