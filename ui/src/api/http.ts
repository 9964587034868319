// The backend over HTTP, for the UI served by `redline serve`.
//
// The page is opened as `http://127.0.0.1:PORT/?token=TOKEN`. The token is
// read once, kept in sessionStorage (so a reload keeps working) and removed
// from the address bar, so it does not end up in screenshots, history or a
// copied link. Requests are `POST /api` with `Authorization: Bearer`;
// progress arrives as Server-Sent Events on `/api/events` (EventSource
// cannot set headers, so that URL carries the token).

import { ApiFailure, toFailure, type Backend } from './backend';
import type { ProgressEvent, Request, Response } from './types';

const TOKEN_KEY = 'redline.token';

/** The token in a page URL and the URL without it. */
export function splitToken(href: string): { token: string | null; clean: string } {
  const url = new URL(href);
  const token = url.searchParams.get('token');
  url.searchParams.delete('token');
  const clean = url.pathname + (url.searchParams.toString() ? `?${url.searchParams}` : '') + url.hash;
  return { token: token && token.trim() ? token.trim() : null, clean };
}

export class HttpBackend implements Backend {
  readonly kind = 'http' as const;
  readonly canChoosePaths = false;
  private events: EventSource | null = null;
  private listeners = new Set<(e: ProgressEvent) => void>();

  constructor(
    private readonly token: string | null,
    private readonly base: string = '',
  ) {}

  /** Take the token from the address bar (or this tab's session) and hide it. */
  static fromPage(): HttpBackend {
    const { token, clean } = splitToken(window.location.href);
    if (token) {
      try {
        sessionStorage.setItem(TOKEN_KEY, token);
      } catch {
        // Storage disabled: the token lives in memory only.
      }
      window.history.replaceState(window.history.state, '', clean);
    }
    let kept: string | null = token;
    if (!kept) {
      try {
        kept = sessionStorage.getItem(TOKEN_KEY);
      } catch {
        kept = null;
      }
    }
    return new HttpBackend(kept);
  }

  async call(request: Request): Promise<Response> {
    let res: globalThis.Response;
    try {
      res = await fetch(`${this.base}/api`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
        body: JSON.stringify(request),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiFailure({ code: 'network', message: `Redline is not reachable (${e instanceof Error ? e.message : String(e)})` });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    if (!res.ok) {
      if (body && typeof body === 'object' && 'code' in body) throw toFailure(body);
      const code = res.status === 401 ? 'unauthorized' : res.status === 403 ? 'forbidden' : `http_${res.status}`;
      throw new ApiFailure({ code, message: text.trim() || `${res.status} ${res.statusText}` });
    }
    // A cancelled task answers 200 with the error that says so.
    if (body && typeof body === 'object' && 'code' in body && !('type' in body)) throw toFailure(body);
    if (!body || typeof body !== 'object' || !('type' in body)) {
      throw new ApiFailure({ code: 'bad_response', message: 'the server sent something that is not an API response' });
    }
    return body as Response;
  }

  onProgress(listener: (e: ProgressEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.events && typeof EventSource !== 'undefined') {
      const q = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
      this.events = new EventSource(`${this.base}/api/events${q}`);
      this.events.onmessage = (m) => {
        let e: ProgressEvent;
        try {
          e = JSON.parse(m.data);
        } catch {
          return;
        }
        for (const l of this.listeners) l(e);
      };
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.events) {
        this.events.close();
        this.events = null;
      }
    };
  }

  async choosePaths(): Promise<string[] | null> {
    return null;
  }

  async chooseWorkspace(): Promise<string | null> {
    return null;
  }

  async chooseSavePath(): Promise<string | null> {
    return null;
  }
}
