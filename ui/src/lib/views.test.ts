import { describe, expect, it } from 'vitest';
import { activeConditions, builtinViews, emptyFilter, loadViews, normalizeFilter, sameFilter, saveViews, upsertView } from './views';

class Mem {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe('saved views', () => {
  it('normalises filters', () => {
    const f = normalizeFilter({ status: '  ', red_line: ' secret-leaks ', pattern_only: true });
    expect(f.status).toBeNull();
    expect(f.red_line).toBe('secret-leaks');
    expect(activeConditions(f)).toBe(2);
    expect(activeConditions(emptyFilter())).toBe(0);
    expect(sameFilter({ ...emptyFilter(), tag: '' }, emptyFilter())).toBe(true);
  });

  it('round-trips through storage per workspace, without built-ins', () => {
    const store = new Mem();
    let views = [...builtinViews('alice')];
    views = upsertView(views, 'Payments to finance', { ...emptyFilter(), red_line: 'illicit-payments', text: '财务' }, 'date');
    saveViews(store, '/tmp/a.db', views);
    const back = loadViews(store, '/tmp/a.db');
    expect(back).toHaveLength(1);
    expect(back[0].name).toBe('Payments to finance');
    expect(back[0].filter.red_line).toBe('illicit-payments');
    expect(back[0].sort).toBe('date');
    expect(loadViews(store, '/tmp/other.db')).toEqual([]);
  });

  it('replaces a view saved again under the same name', () => {
    let views = upsertView([], 'Mine', emptyFilter(), 'priority');
    const id = views[0].id;
    views = upsertView(views, 'Mine', { ...emptyFilter(), status: 'new' }, 'hits');
    expect(views).toHaveLength(1);
    expect(views[0].id).toBe(id);
    expect(views[0].filter.status).toBe('new');
  });

  it('ignores damaged storage', () => {
    const store = new Mem();
    store.setItem('redline.views.w', '{not json');
    expect(loadViews(store, 'w')).toEqual([]);
    store.setItem('redline.views.w', JSON.stringify([{ id: 1 }, { id: 'x', name: 'ok', sort: 'weird' }]));
    expect(loadViews(store, 'w')).toEqual([{ id: 'x', name: 'ok', filter: emptyFilter(), sort: 'priority' }]);
  });

  it('has the built-in views', () => {
    const b = builtinViews('alice');
    expect(b.find((v) => v.id === 'mine')?.filter.assignee).toBe('alice');
    expect(b.every((v) => v.builtin)).toBe(true);
  });
});
