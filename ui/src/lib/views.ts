// Queue filters and saved views. A view is a named filter + sort, kept in
// the browser's localStorage per workspace (views are a reviewer's working
// habit, not evidence, so they are not in the audit trail).

import type { CaseFilter, CaseSort } from '../api/types';

export interface SavedView {
  id: string;
  name: string;
  filter: CaseFilter;
  sort: CaseSort;
  /** Built-in views cannot be deleted. */
  builtin?: boolean;
}

export function emptyFilter(): CaseFilter {
  return {
    red_line: null,
    status: null,
    disposition: null,
    assignee: null,
    severity: null,
    conversation_id: null,
    participant_id: null,
    from: null,
    to: null,
    tag: null,
    text: null,
    pattern_only: false,
  };
}

/** A filter with empty strings turned into "no condition". */
export function normalizeFilter(f: Partial<CaseFilter>): CaseFilter {
  const out = emptyFilter();
  for (const k of Object.keys(out) as (keyof CaseFilter)[]) {
    const v = f[k];
    if (k === 'pattern_only') out.pattern_only = v === true;
    else if (k === 'conversation_id' || k === 'participant_id') out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    else (out as Record<string, unknown>)[k] = typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  }
  return out;
}

export function sameFilter(a: CaseFilter, b: CaseFilter): boolean {
  return JSON.stringify(normalizeFilter(a)) === JSON.stringify(normalizeFilter(b));
}

/** How many conditions a filter sets (for the "filters (3)" badge). */
export function activeConditions(f: CaseFilter): number {
  const n = normalizeFilter(f);
  return Object.entries(n).filter(([, v]) => v !== null && v !== false).length;
}

/** The views every reviewer has. `me` is the reviewer's login. */
export function builtinViews(me: string): SavedView[] {
  const v = (id: string, patch: Partial<CaseFilter>, sort: CaseSort = 'priority'): SavedView => ({
    id,
    name: id,
    filter: normalizeFilter(patch),
    sort,
    builtin: true,
  });
  return [
    v('all', {}),
    v('mine', { assignee: me }),
    v('unassigned', { assignee: 'none', status: 'new' }),
    v('escalated', { status: 'escalated' }),
    v('patterns', { pattern_only: true }),
    v('closed', { status: 'closed' }, 'date'),
  ];
}

const KEY = (workspace: string) => `redline.views.${workspace}`;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The reviewer's own views (not the built-in ones); bad data is ignored. */
export function loadViews(store: KeyValueStore, workspace: string): SavedView[] {
  try {
    const raw = JSON.parse(store.getItem(KEY(workspace)) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((v) => v && typeof v.id === 'string' && typeof v.name === 'string')
      .map((v) => ({
        id: v.id,
        name: v.name,
        filter: normalizeFilter(v.filter ?? {}),
        sort: (['priority', 'date', 'hits'] as const).includes(v.sort) ? v.sort : 'priority',
      }));
  } catch {
    return [];
  }
}

export function saveViews(store: KeyValueStore, workspace: string, views: readonly SavedView[]): void {
  const own = views.filter((v) => !v.builtin).map(({ id, name, filter, sort }) => ({ id, name, filter, sort }));
  store.setItem(KEY(workspace), JSON.stringify(own));
}

/** Add or replace a view by name. */
export function upsertView(views: readonly SavedView[], name: string, filter: CaseFilter, sort: CaseSort): SavedView[] {
  const clean = name.trim();
  const existing = views.find((v) => !v.builtin && v.name === clean);
  const view: SavedView = { id: existing?.id ?? `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, name: clean, filter: normalizeFilter(filter), sort };
  return existing ? views.map((v) => (v === existing ? view : v)) : [...views, view];
}
