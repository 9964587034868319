import { describe, expect, it } from 'vitest';
import { ApiFailure, inTauri, toFailure } from './backend';
import { unwrap } from './client';
import { splitToken } from './http';

describe('backend plumbing', () => {
  it('takes the token out of the page URL', () => {
    expect(splitToken('http://127.0.0.1:8123/?token=abc123#/queue/4')).toEqual({ token: 'abc123', clean: '/#/queue/4' });
    expect(splitToken('http://127.0.0.1:8123/?x=1&token=t')).toEqual({ token: 't', clean: '/?x=1' });
    expect(splitToken('http://127.0.0.1:8123/')).toEqual({ token: null, clean: '/' });
  });
  it('picks Tauri only when the shell injected itself', () => {
    expect(inTauri({})).toBe(false);
    expect(inTauri({ __TAURI_INTERNALS__: {} })).toBe(true);
  });
  it('turns every kind of rejection into an ApiFailure', () => {
    const a = toFailure({ code: 'not_found', message: 'case 9 not found' });
    expect(a).toBeInstanceOf(ApiFailure);
    expect([a.code, a.message]).toEqual(['not_found', 'case 9 not found']);
    expect(toFailure('{"code":"forbidden","message":"no"}').code).toBe('forbidden');
    expect(toFailure('plain words').message).toBe('plain words');
    expect(toFailure(new TypeError('Failed to fetch')).code).toBe('network');
  });
  it('checks the response type', () => {
    expect(unwrap({ type: 'case_id', data: 7 }, 'case_id')).toBe(7);
    expect(unwrap({ type: 'ok' }, 'ok')).toBeNull();
    expect(() => unwrap({ type: 'ok' }, 'cases')).toThrow(/expected a cases response/);
  });
});
