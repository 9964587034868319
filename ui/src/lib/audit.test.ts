import { describe, expect, it } from 'vitest';
import { changes } from './audit';

describe('audit changes', () => {
  it('lists the fields that changed', () => {
    const before = JSON.stringify({ status: 'new', tags: [], assignee: null, hit_count: 2 });
    const after = JSON.stringify({ status: 'in_review', tags: ['urgent'], assignee: 'alice', hit_count: 2, detail: { reason: 'x' } });
    expect(changes(before, after)).toEqual([
      { field: 'status', from: 'new', to: 'in_review' },
      { field: 'tags', from: '—', to: 'urgent' },
      { field: 'assignee', from: '—', to: 'alice' },
      { field: 'detail.reason', from: '—', to: 'x' },
    ]);
  });
  it('handles creations, deletions and odd data', () => {
    expect(changes(null, '{"title":"t"}')).toEqual([{ field: 'title', from: '—', to: 't' }]);
    expect(changes('{"a":1}', null)).toEqual([{ field: 'a', from: '1', to: '—' }]);
    expect(changes('not json', null)).toEqual([{ field: 'value', from: 'not json', to: '—' }]);
  });
});
