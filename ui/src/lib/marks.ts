// What to highlight in a message: its hits (coloured by red line, with the
// rule and the matched term for the tooltip) and its annotated spans.
// Everything here is data for `segments`; nothing becomes markup.

import type { Annotation, HitMark, Utf16Span } from '../api/types';
import type { Span } from './segments';

export interface Mark {
  kind: 'hit' | 'ann';
  /** CSS colour (hits). */
  color: string;
  /** Tooltip text (plain text). */
  tip: string;
  /** Hit id or annotation id. */
  id: number;
}

export interface MarkWords {
  rule: string;
  matched: string;
  terms: string;
  normalized: string;
  conditions: string;
}

export interface Palette {
  title(redLine: string): string;
  color(redLine: string): string;
}

export function hitSpans(text: string, hits: readonly HitMark[], p: Palette, w: MarkWords): Span<Mark>[] {
  const out: Span<Mark>[] = [];
  for (const h of hits) {
    for (const s of h.spans) {
      const lines = [
        `${p.title(h.red_line)} · ${h.severity}`,
        `${w.rule}: ${h.pack}/${h.rule}`,
        `${w.matched}: “${text.slice(s.start, s.end)}”`,
      ];
      if (h.terms.length) lines.push(`${w.terms}: ${h.terms.join(', ')}`);
      if (h.normalizations.length) lines.push(`${w.normalized}: ${h.normalizations.join(', ')}`);
      if (h.conditions.length) lines.push(`${w.conditions}: ${h.conditions.join(', ')}`);
      out.push({ start: s.start, end: s.end, mark: { kind: 'hit', color: p.color(h.red_line), tip: lines.join('\n'), id: h.hit_id } });
    }
  }
  return out;
}

export function annotationSpans(anns: readonly Annotation[]): Span<Mark>[] {
  return anns
    .filter((a) => a.span && !a.deleted)
    .map((a) => ({
      start: a.span![0],
      end: a.span![1],
      mark: { kind: 'ann' as const, color: 'var(--warn)', tip: `${a.label}: ${a.text}\n— ${a.author}`, id: a.id },
    }));
}

/** Spans of a try-rules or search result (already UTF-16). */
export function plainSpans(spans: readonly Utf16Span[], color: string, tip: string): Span<Mark>[] {
  return spans.map((s, i) => ({ start: s.start, end: s.end, mark: { kind: 'hit' as const, color, tip, id: i } }));
}

/** The first occurrence of `quote` in `text` as a span, for annotating by typing the words. */
export function findQuote(text: string, quote: string): [number, number] | null {
  const q = quote.trim();
  if (!q) return null;
  const i = text.indexOf(q);
  return i < 0 ? null : [i, i + q.length];
}
