// The one backend interface of the UI, and the one place that picks its
// implementation: inside the desktop shell (Tauri injects
// `__TAURI_INTERNALS__`) requests go through `invoke`; in a browser opened by
// `redline serve` they go over HTTP with the session token. Screens only see
// `Backend`; neither implementation has logic of its own.

import type { ApiError, ProgressEvent, Request, Response } from './types';

export interface Backend {
  readonly kind: 'http' | 'tauri';
  /** Send one request; rejects with an `ApiFailure`. */
  call(request: Request): Promise<Response>;
  /** Progress of long tasks (import, scan, export); returns the unsubscribe function. */
  onProgress(listener: (e: ProgressEvent) => void): () => void;
  /**
   * Whether the reviewer can pick files with a native dialog. A browser cannot
   * hand out real paths, so over HTTP the import screen takes typed paths.
   */
  readonly canChoosePaths: boolean;
  /** Native file or folder dialog; null when cancelled. */
  choosePaths(what: 'files' | 'folder'): Promise<string[] | null>;
  /**
   * Desktop only: open an existing workspace file or create a new one, chosen
   * with the system dialog. Resolves to its path, or null when cancelled or
   * when the backend serves one fixed workspace (`redline serve`).
   */
  chooseWorkspace(create: boolean): Promise<string | null>;
  /** Desktop only: where to write a case file (a `.zip`); null when cancelled or in a browser. */
  chooseSavePath(defaultName: string): Promise<string | null>;
}

/** An `ApiError` from the backend as a JavaScript error. */
export class ApiFailure extends Error {
  readonly code: string;
  constructor(e: ApiError) {
    super(e.message);
    this.name = 'ApiFailure';
    this.code = e.code;
  }
}

/** Turn whatever a transport rejected with into an `ApiFailure`. */
export function toFailure(e: unknown): ApiFailure {
  if (e instanceof ApiFailure) return e;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const o = e as { code: unknown; message: unknown };
    return new ApiFailure({ code: String(o.code), message: String(o.message) });
  }
  if (typeof e === 'string') {
    try {
      return toFailure(JSON.parse(e));
    } catch {
      return new ApiFailure({ code: 'error', message: e });
    }
  }
  return new ApiFailure({ code: 'network', message: e instanceof Error ? e.message : String(e) });
}

export function inTauri(w: object = globalThis): boolean {
  return '__TAURI_INTERNALS__' in w;
}

export async function createBackend(): Promise<Backend> {
  if (inTauri()) {
    const { TauriBackend } = await import('./tauri');
    return new TauriBackend();
  }
  const { HttpBackend } = await import('./http');
  return HttpBackend.fromPage();
}
