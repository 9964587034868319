// Windowing for long lists with a fixed row height: only the rows in view
// (plus a few on either side) exist in the DOM, and rows are fetched from
// the API one page at a time as they come into view.

export interface Range {
  /** First row to render. */
  first: number;
  /** One past the last row to render. */
  last: number;
}

/** Rows to render for a scroll position. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 6): Range {
  if (total <= 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((top + Math.max(0, viewport)) / rowHeight) + overscan);
  return { first: Math.min(first, last), last };
}

/** The page numbers (of `pageSize` rows) a range needs. */
export function pagesFor(range: Range, pageSize: number): number[] {
  if (range.last <= range.first) return [];
  const out: number[] = [];
  for (let p = Math.floor(range.first / pageSize); p <= Math.floor((range.last - 1) / pageSize); p++) out.push(p);
  return out;
}

/**
 * The scroll position that brings row `index` into view, moving as little
 * as possible (keyboard navigation); unchanged when it is already visible.
 */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}
