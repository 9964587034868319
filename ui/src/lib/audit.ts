// Reading audit entries: what a change changed. Entries hold JSON snapshots
// of the state before and after; the case view lists the fields that differ.

export interface Change {
  field: string;
  from: string;
  to: string;
}

function parse(s: string | null): Record<string, unknown> | null {
  if (s === null) return null;
  try {
    const v = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { value: s };
  }
}

export function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.length ? v.join(', ') : '—';
  return JSON.stringify(v);
}

/**
 * Fields that differ between before and after (all fields of a creation).
 * The `detail` an action records (a reason, a note) is listed field by field.
 */
export function changes(before: string | null, after: string | null): Change[] {
  const b = parse(before) ?? {};
  const a = parse(after) ?? {};
  for (const side of [a, b]) {
    const d = side.detail;
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      delete side.detail;
      for (const [k, v] of Object.entries(d)) side[`detail.${k}`] = v;
    }
  }
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const out: Change[] = [];
  for (const k of keys) {
    const from = show(b[k]);
    const to = show(a[k]);
    if (from !== to) out.push({ field: k, from, to });
  }
  return out;
}
