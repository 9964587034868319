// Highlighting without HTML: a message text cut into plain-text segments,
// each carrying the marks (hits, annotations) that cover it. Components
// render each segment as a text node, wrapped in <mark> when it has marks;
// the text itself is never parsed as markup.
//
// Spans are UTF-16 offsets, which is what JavaScript string indices are,
// so `text.slice(start, end)` is exactly the marked text.

export interface Span<M> {
  start: number;
  end: number;
  mark: M;
}

export interface Segment<M> {
  text: string;
  start: number;
  end: number;
  /** Marks covering this segment, in the order the spans were given. */
  marks: M[];
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** True when `i` falls between the two halves of a surrogate pair. */
function insidePair(text: string, i: number): boolean {
  return i > 0 && i < text.length && isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i));
}

/**
 * Clamp a span to the text and widen it so it never cuts a character in
 * half (an emoji is two UTF-16 units). Returns null for an empty span.
 */
export function clampSpan(text: string, start: number, end: number): [number, number] | null {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  let s = Math.max(0, Math.min(text.length, Math.floor(start)));
  let e = Math.max(0, Math.min(text.length, Math.ceil(end)));
  if (insidePair(text, s)) s -= 1;
  if (insidePair(text, e)) e += 1;
  return s < e ? [s, e] : null;
}

/**
 * Cut `text` at every span boundary. The segments cover the whole text in
 * order (their texts joined give `text` back); overlapping spans give
 * segments with several marks; spans outside the text are clamped, empty
 * ones ignored.
 */
export function segments<M>(text: string, spans: readonly Span<M>[]): Segment<M>[] {
  if (text.length === 0) return [];
  const clean: Span<M>[] = [];
  for (const s of spans) {
    const c = clampSpan(text, s.start, s.end);
    if (c) clean.push({ start: c[0], end: c[1], mark: s.mark });
  }
  const cuts = new Set<number>([0, text.length]);
  for (const s of clean) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment<M>[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const marks = clean.filter((s) => s.start <= a && s.end >= b).map((s) => s.mark);
    out.push({ text: text.slice(a, b), start: a, end: b, marks });
  }
  return out;
}
