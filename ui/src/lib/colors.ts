// One colour per red line, the same on every screen: the red line's place in
// the loaded packs picks a palette slot (CSS variables --rl-0 … --rl-15 in
// app.css, with light and dark variants). Red lines no pack lists any more
// (hits from an older pack) get a slot from a hash of their id.

export const PALETTE_SIZE = 16;

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function colorSlot(redLine: string, known: readonly string[]): number {
  const i = known.indexOf(redLine);
  return i >= 0 ? i % PALETTE_SIZE : hash(redLine) % PALETTE_SIZE;
}

/** The CSS colour for a red line. */
export function colorVar(redLine: string, known: readonly string[]): string {
  return `var(--rl-${colorSlot(redLine, known)})`;
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** Sort rank of a severity (critical first); unknown ones last. */
export function severityRank(s: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
}
