// The backend inside the desktop shell: one Tauri command, `api`, which
// forwards the request to the library; progress arrives as `progress` events;
// files are chosen with the dialog plugin (real paths, unlike a browser).

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open } from '@tauri-apps/plugin-dialog';
import { toFailure, type Backend } from './backend';
import type { ProgressEvent, Request, Response } from './types';

export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const;
  readonly canChoosePaths = true;

  async call(request: Request): Promise<Response> {
    try {
      return await invoke<Response>('api', { request });
    } catch (e) {
      throw toFailure(e);
    }
  }

  onProgress(listener: (e: ProgressEvent) => void): () => void {
    let stop: (() => void) | null = null;
    let stopped = false;
    listen<ProgressEvent>('progress', (e) => listener(e.payload)).then((un) => {
      if (stopped) un();
      else stop = un;
    });
    return () => {
      stopped = true;
      stop?.();
    };
  }

  async choosePaths(what: 'files' | 'folder'): Promise<string[] | null> {
    const chosen = await open({ directory: what === 'folder', multiple: true });
    if (chosen === null) return null;
    return Array.isArray(chosen) ? chosen : [chosen];
  }
}
