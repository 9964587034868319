// Times as the evidence gives them. The API sends RFC 3339 in the message's
// original offset; the UI shows that wall-clock time and that offset, and
// never converts to the reviewer's zone (a chat at 23:50 in Shanghai must not
// read as the next day in London).

export interface Stamp {
  date: string;
  /** HH:MM */
  time: string;
  /** :SS, or '' */
  seconds: string;
  /** `+08:00`, `-05:00` or `UTC` */
  offset: string;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseStamp(ts: string | null | undefined): Stamp | null {
  if (!ts) return null;
  const m = RFC3339.exec(ts.trim());
  if (!m) return null;
  const off = m[4] ?? '';
  const offset = off === '' ? '' : off.toUpperCase() === 'Z' || off === '+00:00' ? 'UTC' : off.includes(':') ? off : `${off.slice(0, 3)}:${off.slice(3)}`;
  return { date: m[1], time: m[2], seconds: m[3] ?? '', offset };
}

/** `2026-03-05 20:31:02 +08:00`; the input unchanged when it is not RFC 3339. */
export function formatStamp(ts: string | null | undefined, opts: { seconds?: boolean; offset?: boolean } = {}): string {
  if (!ts) return '';
  const s = parseStamp(ts);
  if (!s) return ts;
  const time = opts.seconds === false ? s.time : s.time + s.seconds;
  return opts.offset === false || !s.offset ? `${s.date} ${time}` : `${s.date} ${time} ${s.offset}`;
}

/** The date part only. */
export function formatDate(ts: string | null | undefined): string {
  return parseStamp(ts)?.date ?? ts ?? '';
}

/** Milliseconds since the epoch for ordering; messages without a time sort first. */
export function epochMs(ts: string | null | undefined): number {
  if (!ts) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Today's date (YYYY-MM-DD) in the reviewer's zone, for due dates. */
export function today(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
