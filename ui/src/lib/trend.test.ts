import { describe, expect, it } from 'vitest';
import { fillDays, niceScale, trend, unitFor } from './trend';

describe('trend', () => {
  it('fills the days with no hits', () => {
    expect(fillDays([['2026-03-01', 2], ['2026-03-04', 1]]).map((b) => [b.start, b.count])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 0],
      ['2026-03-03', 0],
      ['2026-03-04', 1],
    ]);
    expect(fillDays([])).toEqual([]);
  });
  it('shows at least the days asked for, ending at the last hit', () => {
    const d = fillDays([['2026-03-05', 4], ['2026-03-07', 2]], 30);
    expect(d.length).toBe(30);
    expect(d[0].start).toBe('2026-02-06');
    expect(d[29]).toEqual({ start: '2026-03-07', end: '2026-03-07', count: 2 });
    expect(d.reduce((s, b) => s + b.count, 0)).toBe(6);
  });
  it('crosses month ends', () => {
    expect(fillDays([['2026-02-28', 1], ['2026-03-01', 1]]).length).toBe(2);
  });
  it('sums into Monday weeks when there are too many days', () => {
    const pts: [string, number][] = [['2026-03-01', 1], ['2026-03-02', 2], ['2026-03-08', 3], ['2026-03-09', 4], ['2026-06-30', 5]];
    const t = trend(pts, 30);
    expect(t.unit).toBe('week');
    // 2026-03-01 is a Sunday: its week starts on Monday 2026-02-23.
    expect(t.buckets[0]).toEqual({ start: '2026-02-23', end: '2026-03-01', count: 1 });
    expect(t.buckets[1]).toEqual({ start: '2026-03-02', end: '2026-03-08', count: 5 });
    expect(t.buckets[2].count).toBe(4);
    expect(t.buckets.reduce((s, b) => s + b.count, 0)).toBe(15);
  });
  it('sums into months over years', () => {
    const t = trend([['2024-01-15', 1], ['2024-01-20', 1], ['2026-03-01', 7]], 60);
    expect(t.unit).toBe('month');
    expect(t.buckets[0]).toEqual({ start: '2024-01-01', end: '2024-01-31', count: 2 });
    expect(t.buckets[t.buckets.length - 1]).toEqual({ start: '2026-03-01', end: '2026-03-01', count: 7 });
  });
  it('picks the unit', () => {
    expect(unitFor(10, 90)).toBe('day');
    expect(unitFor(200, 90)).toBe('week');
    expect(unitFor(2000, 90)).toBe('month');
  });
  it('rounds the scale', () => {
    expect(niceScale(0)).toEqual({ top: 1, step: 1 });
    expect(niceScale(7)).toEqual({ top: 8, step: 2 });
    expect(niceScale(93)).toEqual({ top: 100, step: 25 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
  });
});
