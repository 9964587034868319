import { describe, expect, it } from 'vitest';
import { pagesFor, scrollToShow, visibleRange } from './virtual';

describe('visibleRange', () => {
  it('renders the rows in view plus overscan', () => {
    expect(visibleRange(0, 400, 40, 100_000, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleRange(4000, 400, 40, 100_000, 5)).toEqual({ first: 95, last: 115 });
  });
  it('stops at the end of the list', () => {
    expect(visibleRange(40 * 99_990, 400, 40, 100_000, 5)).toEqual({ first: 99_985, last: 100_000 });
    expect(visibleRange(0, 400, 40, 3, 5)).toEqual({ first: 0, last: 3 });
  });
  it('renders nothing for an empty list', () => {
    expect(visibleRange(0, 400, 40, 0)).toEqual({ first: 0, last: 0 });
  });
  it('keeps the DOM small for 100,000 rows anywhere', () => {
    for (const top of [0, 1234567, 3_999_000]) {
      const r = visibleRange(top, 900, 40, 100_000);
      expect(r.last - r.first).toBeLessThanOrEqual(900 / 40 + 2 * 6 + 1);
    }
  });
});

describe('pagesFor', () => {
  it('lists the pages a range touches', () => {
    expect(pagesFor({ first: 0, last: 10 }, 100)).toEqual([0]);
    expect(pagesFor({ first: 95, last: 115 }, 100)).toEqual([0, 1]);
    expect(pagesFor({ first: 200, last: 200 }, 100)).toEqual([]);
    expect(pagesFor({ first: 199, last: 200 }, 100)).toEqual([1]);
  });
});

describe('scrollToShow', () => {
  it('scrolls up or down just enough', () => {
    expect(scrollToShow(10, 0, 400, 40)).toBe(40);
    expect(scrollToShow(2, 400, 400, 40)).toBe(80);
    expect(scrollToShow(12, 400, 400, 40)).toBe(400);
  });
});
