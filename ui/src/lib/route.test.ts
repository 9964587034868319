import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route';

describe('routes', () => {
  it('round-trip', () => {
    const routes: Route[] = [
      { screen: 'dashboard' },
      { screen: 'queue', caseId: null },
      { screen: 'queue', caseId: 42 },
      { screen: 'search', q: '红包 转账' },
      { screen: 'search', q: '' },
      { screen: 'conversation', messageId: 7 },
      { screen: 'people', id: 3 },
      { screen: 'people', id: null },
      { screen: 'rules' },
      { screen: 'import' },
    ];
    for (const r of routes) expect(parseRoute(formatRoute(r))).toEqual(r);
  });
  it('falls back to the dashboard and ignores bad ids', () => {
    expect(parseRoute('')).toEqual({ screen: 'dashboard' });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'dashboard' });
    expect(parseRoute('#/queue/abc')).toEqual({ screen: 'queue', caseId: null });
    expect(parseRoute('#/queue/1e3')).toEqual({ screen: 'queue', caseId: null });
    expect(parseRoute('#/case/5')).toEqual({ screen: 'queue', caseId: 5 });
  });
});
