// App-wide state: language, theme, the reviewer, the workspace, the loaded
// packs (for red-line titles and colours), the route, toasts. Screens keep
// their own state; only what several screens share lives here.

import { ApiFailure, createBackend } from './api/backend';
import { ask, backend, useBackend } from './api/client';
import type { PackView, ProgressEvent, Reviewer, Settings, WorkspaceInfo } from './api/types';
import { initialLang, t, type Key, type Lang } from './i18n';
import { colorVar } from './lib/colors';
import { formatRoute, parseRoute, type Route } from './lib/route';

export type Theme = 'light' | 'dark';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'ok' | 'error';
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}

function startLang(): Lang {
  const s = stored('redline.lang');
  if (s === 'en' || s === 'zh') return s;
  return initialLang(typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]));
}

function startTheme(): Theme {
  const s = stored('redline.theme');
  if (s === 'light' || s === 'dark') return s;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const app = $state({
  ready: false,
  fatal: null as string | null,
  /** `no_workspace` in the desktop app before a workspace is chosen. */
  fatalCode: null as string | null,
  lang: startLang(),
  theme: startTheme(),
  me: null as Reviewer | null,
  info: null as WorkspaceInfo | null,
  packs: [] as PackView[],
  reviewers: [] as Reviewer[],
  settings: null as Settings | null,
  route: parseRoute(typeof location === 'undefined' ? '' : location.hash) as Route,
  help: false,
  toasts: [] as Toast[],
  /** Bumped after changes that other screens should reload for (import, scan, decisions). */
  epoch: 0,
});

/** Translate in the current language. */
export function tr(key: Key, params?: Record<string, string | number>): string {
  return t(app.lang, key, params);
}

const KINDS = new Set(['text', 'image', 'video', 'voice', 'audio', 'file', 'link', 'sticker', 'location', 'contact', 'transfer', 'red_packet', 'call', 'poll', 'system', 'recalled', 'other']);

/** A message kind in the current language (unknown kinds as they are). */
export function kindLabel(kind: string): string {
  return KINDS.has(kind) ? tr(`kind_${kind}` as Key) : kind;
}

const ACTIONS = new Set([
  'case.create', 'case.status', 'case.escalate', 'case.reopen', 'case.close', 'case.close_proposed', 'case.close_approved',
  'case.close_rejected', 'case.assign', 'case.tag_add', 'case.tag_remove', 'case.note', 'case.due', 'case.priority', 'case.merge',
  'case.merged_into', 'case.split', 'case.create_from_split', 'case.add_message', 'case.remove_message', 'case.remove_empty',
  'annotation.add', 'annotation.edit', 'annotation.delete', 'source.import', 'scan.run', 'qa.sample', 'qa.decide',
  'participant.reveal', 'settings.update', 'reviewer.create', 'reviewer.update',
]);

/** An audit action (`case.close`) in the current language. */
export function actionLabel(action: string): string {
  return ACTIONS.has(action) ? tr(`act_${action.replace('case.', '').replace('.', '_')}` as Key) : action;
}

export function setLang(l: Lang): void {
  app.lang = l;
  store('redline.lang', l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

export function setTheme(th: Theme): void {
  app.theme = th;
  store('redline.theme', th);
  document.documentElement.dataset.theme = th;
}

/** Red-line ids in pack order: their colour slots. */
export function redLineIds(): string[] {
  return app.packs.flatMap((p) => p.red_lines.map((r) => r.id));
}

export function rlColor(id: string): string {
  return colorVar(id, redLineIds());
}

/** The red line's title in the current language, or its id. */
export function rlTitle(id: string): string {
  for (const p of app.packs) {
    const r = p.red_lines.find((x) => x.id === id);
    if (r) return (app.lang === 'zh' ? r.title_zh : r.title_en) || r.title_en || id;
  }
  return id;
}

export function navigate(r: Route, replace = false): void {
  const hash = formatRoute(r);
  if (replace) {
    history.replaceState(history.state, '', hash);
    app.route = r;
  } else if (location.hash !== hash) {
    location.hash = hash;
  } else {
    app.route = r;
  }
}

let nextToast = 1;
export function toast(text: string, kind: Toast['kind'] = 'info'): void {
  const id = nextToast++;
  app.toasts = [...app.toasts.slice(-2), { id, text, kind }];
  setTimeout(() => (app.toasts = app.toasts.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 2500);
}

/** Show an error from any failed request. */
export function fail(e: unknown): void {
  toast(e instanceof Error ? e.message : String(e), 'error');
}

/** Ask the backend to stop the long task (import, scan, export) that sent `progress`. */
export async function cancelTask(progress: ProgressEvent | null): Promise<void> {
  if (!progress) return;
  try {
    await ask({ type: 'cancel', task_id: progress.id }, 'ok');
    toast(tr('cancelling'));
  } catch (e) {
    fail(e);
  }
}

export async function refreshWorkspace(): Promise<void> {
  const [info, packs, reviewers, settings] = await Promise.all([
    ask({ type: 'workspace_info' }, 'workspace_info'),
    ask({ type: 'list_packs' }, 'packs').catch(() => [] as PackView[]),
    ask({ type: 'list_reviewers' }, 'reviewers'),
    ask({ type: 'get_settings' }, 'settings'),
  ]);
  app.info = info;
  app.packs = packs;
  app.reviewers = reviewers;
  app.settings = settings;
}

/** Something changed the workspace: reload what is shared, tell screens. */
export async function changed(): Promise<void> {
  app.epoch++;
  await refreshWorkspace().catch(fail);
}

export async function boot(): Promise<void> {
  document.documentElement.dataset.theme = app.theme;
  document.documentElement.lang = app.lang === 'zh' ? 'zh-CN' : 'en';
  window.addEventListener('hashchange', () => {
    app.route = parseRoute(location.hash);
  });
  try {
    useBackend(await createBackend());
  } catch (e) {
    app.fatal = e instanceof Error ? e.message : String(e);
    return;
  }
  await connect();
}

/** Load the reviewer and the workspace; on failure show why (and, in the desktop app, offer to open one). */
export async function connect(): Promise<void> {
  try {
    app.me = await ask({ type: 'me' }, 'reviewer');
    await refreshWorkspace();
    app.fatal = null;
    app.fatalCode = null;
    app.ready = true;
    app.epoch++;
  } catch (e) {
    app.ready = false;
    app.fatal = e instanceof Error ? e.message : String(e);
    app.fatalCode = e instanceof ApiFailure ? e.code : null;
  }
}

/** Desktop: open or create a workspace, then reload everything. */
export async function chooseWorkspace(create: boolean): Promise<void> {
  try {
    const path = await backend().chooseWorkspace(create);
    if (path) await connect();
  } catch (e) {
    fail(e);
  }
}
