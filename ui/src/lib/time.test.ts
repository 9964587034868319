import { describe, expect, it } from 'vitest';
import { epochMs, formatDate, formatStamp, parseStamp } from './time';

describe('time', () => {
  it('shows the original wall-clock time and offset', () => {
    expect(formatStamp('2026-03-05T20:31:02+08:00')).toBe('2026-03-05 20:31:02 +08:00');
    expect(formatStamp('2026-03-05T23:50:00-05:00', { seconds: false })).toBe('2026-03-05 23:50 -05:00');
    expect(formatStamp('2026-03-05T12:31:02Z')).toBe('2026-03-05 12:31:02 UTC');
    expect(formatStamp('2026-03-05T12:31:02.250+00:00')).toBe('2026-03-05 12:31:02 UTC');
  });
  it('leaves what it cannot read as it is', () => {
    expect(formatStamp('yesterday')).toBe('yesterday');
    expect(formatStamp(null)).toBe('');
    expect(parseStamp('2026-03-05')).toBeNull();
  });
  it('gives the date part', () => {
    expect(formatDate('2026-03-05T23:50:00-05:00')).toBe('2026-03-05');
  });
  it('orders by instant, not by wall-clock text', () => {
    // 20:31 in Shanghai is before 08:00 in New York the same day.
    expect(epochMs('2026-03-05T20:31:02+08:00')).toBeLessThan(epochMs('2026-03-05T08:00:00-05:00'));
    expect(epochMs(null)).toBe(Number.NEGATIVE_INFINITY);
  });
});
