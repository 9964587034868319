// The dashboard's trend chart: hits per day from the API, with the missing
// days filled in as zero and long ranges summed into weeks or months so the
// chart stays readable. Pure, so the numbers can be tested; the SVG is drawn
// by TrendChart.svelte.

export interface Bucket {
  /** First day of the bucket (YYYY-MM-DD, UTC). */
  start: string;
  /** Last day of the bucket. */
  end: string;
  count: number;
}

export type Unit = 'day' | 'week' | 'month';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const parseDay = (d: string) => Date.parse(`${d}T00:00:00Z`);

/**
 * Every day from the first to the last, with zeros where nothing was hit;
 * at least `minDays` days (earlier days are added), so a few days of hits do
 * not become a few fat columns.
 */
export function fillDays(points: readonly (readonly [string, number])[], minDays = 0): Bucket[] {
  const valid = points.filter(([d]) => !Number.isNaN(parseDay(d)));
  if (valid.length === 0) return [];
  const counts = new Map<string, number>();
  for (const [d, n] of valid) counts.set(d, (counts.get(d) ?? 0) + n);
  const days = [...counts.keys()].sort();
  const out: Bucket[] = [];
  const last = parseDay(days[days.length - 1]);
  const first = Math.min(parseDay(days[0]), last - (minDays - 1) * DAY);
  for (let t = first; t <= last; t += DAY) {
    const d = iso(t);
    out.push({ start: d, end: d, count: counts.get(d) ?? 0 });
  }
  return out;
}

/** The unit that keeps the chart at no more than `maxBars` bars. */
export function unitFor(days: number, maxBars: number): Unit {
  if (days <= maxBars) return 'day';
  if (days / 7 <= maxBars) return 'week';
  return 'month';
}

function keyOf(day: string, unit: Unit): string {
  if (unit === 'day') return day;
  if (unit === 'month') return `${day.slice(0, 7)}-01`;
  const t = parseDay(day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  return iso(t - weekday * DAY);
}

/** Hits per day, week or month, oldest first. */
export function trend(points: readonly (readonly [string, number])[], maxBars = 90, minDays = 0): { unit: Unit; buckets: Bucket[] } {
  const days = fillDays(points, minDays);
  const unit = unitFor(days.length, maxBars);
  if (unit === 'day') return { unit, buckets: days };
  const out: Bucket[] = [];
  for (const d of days) {
    const k = keyOf(d.start, unit);
    const last = out[out.length - 1];
    if (last && last.start === k) {
      last.count += d.count;
      last.end = d.end;
    } else {
      out.push({ start: k, end: d.end, count: d.count });
    }
  }
  return { unit, buckets: out };
}

/** A round upper bound for the y axis and the ticks under it. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const s = Math.max(1, step);
  return { top: Math.ceil(max / s) * s, step: s };
}
