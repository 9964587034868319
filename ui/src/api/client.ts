// Typed requests over the chosen backend: `ask(req, 'cases')` resolves to
// the `CasePage` of a `{type: "cases"}` response, and fails loudly when the
// backend answers with another type.

import { ApiFailure, type Backend } from './backend';
import type { Request, Response } from './types';

export type ResponseType = Response['type'];
export type DataOf<T extends ResponseType> = Extract<Response, { type: T }> extends { data: infer D } ? D : null;

let current: Backend | null = null;

export function useBackend(b: Backend): void {
  current = b;
}

export function backend(): Backend {
  if (!current) throw new ApiFailure({ code: 'not_ready', message: 'the backend is not connected yet' });
  return current;
}

export function unwrap<T extends ResponseType>(res: Response, expect: T): DataOf<T> {
  if (res.type !== expect) {
    throw new ApiFailure({ code: 'bad_response', message: `expected a ${expect} response, got ${res.type}` });
  }
  return ('data' in res ? res.data : null) as DataOf<T>;
}

export async function ask<T extends ResponseType>(request: Request, expect: T): Promise<DataOf<T>> {
  return unwrap(await backend().call(request), expect);
}
