// The backend inside the desktop shell: one Tauri command, `api`, which
// forwards the request to the library; progress arrives as `progress` events;
// files are chosen with the dialog plugin (real paths, unlike a browser);
// `open_workspace` switches the workspace file the shell works on.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open, save } from '@tauri-apps/plugin-dialog';
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

  async chooseSavePath(defaultName: string): Promise<string | null> {
    const path = await save({ defaultPath: defaultName, filters: [{ name: 'Zip', extensions: ['zip'] }] });
    return typeof path === 'string' ? path : null;
  }

  async chooseWorkspace(create: boolean): Promise<string | null> {
    const filters = [{ name: 'Redline workspace', extensions: ['db', 'sqlite', 'redline'] }];
    const path = create ? await save({ defaultPath: 'redline.db', filters }) : await open({ multiple: false, directory: false, filters });
    if (!path || Array.isArray(path)) return null;
    try {
      return await invoke<string>('open_workspace', { path });
    } catch (e) {
      throw toFailure(e);
    }
  }
}
