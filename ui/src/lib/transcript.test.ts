import { describe, expect, it } from 'vitest';
import type { MessageItem } from '../api/types';
import { addRun, type Run } from './transcript';

function msg(id: number, minute: number | null, conv = 1): MessageItem {
  return {
    id,
    conversation_id: conv,
    conversation: `c${conv}`,
    sender_id: 1,
    sender: 's',
    timestamp: minute === null ? null : `2026-03-05T10:${String(minute).padStart(2, '0')}:00+08:00`,
    offset_assumed: false,
    kind: 'text',
    text: `m${id}`,
    amount: null,
    currency: null,
    payment_status: null,
    edited: false,
    deleted: false,
    reply_to: null,
    forwarded_from: null,
    external_id: null,
    locator: `f:${id}`,
    source: 'f',
    source_sha256: '',
    attachments: [],
    hits: [],
  };
}

const run = (ids: [number, number | null][], conv = 1, moreBefore = false, moreAfter = false): Run => ({
  conversationId: conv,
  conversation: `c${conv}`,
  messages: ids.map(([id, t]) => msg(id, t, conv)),
  moreBefore,
  moreAfter,
});
const ids = (rs: Run[]) => rs.map((r) => r.messages.map((m) => m.id));

describe('transcript runs', () => {
  it('keeps separate stretches apart, in time order', () => {
    let rs = addRun([], run([[10, 10], [11, 11]], 1, true, true));
    rs = addRun(rs, run([[2, 2], [3, 3]], 1, false, true));
    expect(ids(rs)).toEqual([[2, 3], [10, 11]]);
  });

  it('merges windows that share messages and keeps the outer "more" flags', () => {
    let rs = addRun([], run([[1, 1], [2, 2], [3, 3]], 1, true, true));
    rs = addRun(rs, run([[3, 3], [4, 4], [5, 5]], 1, true, false));
    expect(ids(rs)).toEqual([[1, 2, 3, 4, 5]]);
    expect([rs[0].moreBefore, rs[0].moreAfter]).toEqual([true, false]);
  });

  it('closes a gap when a page reaches the next run', () => {
    let rs = addRun([], run([[1, 1], [2, 2]], 1, false, true));
    rs = addRun(rs, run([[6, 6], [7, 7]], 1, true, false));
    expect(ids(rs)).toEqual([[1, 2], [6, 7]]);
    // The page after message 2 returns 3..6: both runs become one.
    rs = addRun(rs, run([[2, 2], [3, 3], [4, 4], [5, 5], [6, 6]], 1, false, true));
    expect(ids(rs)).toEqual([[1, 2, 3, 4, 5, 6, 7]]);
    expect([rs[0].moreBefore, rs[0].moreAfter]).toEqual([false, false]);
  });

  it('merges a run that bridges two others', () => {
    let rs = addRun([], run([[1, 1], [2, 2]]));
    rs = addRun(rs, run([[4, 4], [5, 5]]));
    rs = addRun(rs, run([[2, 2], [3, 3], [4, 4]]));
    expect(ids(rs)).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('never merges across conversations', () => {
    let rs = addRun([], run([[1, 1]], 1));
    rs = addRun(rs, run([[1, 1]], 2));
    expect(rs).toHaveLength(2);
  });

  it('orders by instant then id, untimed messages first', () => {
    const rs = addRun([], run([[9, 5], [3, 5], [7, null]]));
    expect(ids(rs)).toEqual([[7, 3, 9]]);
  });
});
