// `redline serve` refuses what is not the UI it served: requests without the
// session token or with a wrong one (401), and requests whose Origin or Host
// is foreign (403: cross-site requests and DNS rebinding). The page opened
// without the token says what to do.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, newPage, post, raw, serve, shot, tempDir } from './harness.mjs';

let tmp;
let srv;

before(async () => {
  tmp = tempDir();
  srv = await serve(path.join(tmp.dir, 'workspace.db'));
});

after(async () => {
  await srv?.stop();
  tmp?.cleanup();
});

const INFO = JSON.stringify({ type: 'workspace_info' });
const json = { 'Content-Type': 'application/json' };

test('the token opens the API', async () => {
  const r = await post(srv, { type: 'workspace_info' });
  assert.equal(r.status, 200);
  assert.equal(r.body.type, 'workspace_info');
});

test('no token or a wrong token: 401', async () => {
  for (const auth of [undefined, 'Bearer wrong-token', `Bearer ${srv.token}x`, srv.token, `Basic ${srv.token}`]) {
    const headers = { ...json, Host: srv.host, ...(auth ? { Authorization: auth } : {}) };
    const r = await raw(srv, { headers, body: INFO });
    assert.equal(r.status, 401, `Authorization: ${auth}`);
    assert.ok(!r.body.includes('"workspace_info"'), 'no data leaks with the refusal');
  }
  // The event stream too.
  for (const q of ['', '?token=wrong']) {
    const r = await raw(srv, { method: 'GET', path: `/api/events${q}`, headers: { Host: srv.host } });
    assert.equal(r.status, 401, `events${q}`);
  }
});

test('a foreign Origin: 403, even with the token', async () => {
  for (const origin of ['http://evil.example', 'http://127.0.0.1:1', 'null']) {
    const r = await raw(srv, { headers: { ...json, Host: srv.host, Origin: origin, Authorization: `Bearer ${srv.token}` }, body: INFO });
    assert.equal(r.status, 403, `Origin: ${origin}`);
  }
  const ok = await raw(srv, { headers: { ...json, Host: srv.host, Origin: srv.origin, Authorization: `Bearer ${srv.token}` }, body: INFO });
  assert.equal(ok.status, 200, 'its own origin is fine');
});

test('a foreign Host (DNS rebinding): 403, even with the token', async () => {
  for (const host of [`evil.example:${srv.port}`, 'evil.example', `127.0.0.1:${srv.port + 1}`]) {
    const r = await raw(srv, { headers: { ...json, Host: host, Authorization: `Bearer ${srv.token}` }, body: INFO });
    assert.equal(r.status, 403, `API with Host: ${host}`);
    const page = await raw(srv, { method: 'GET', path: '/', headers: { Host: host } });
    assert.equal(page.status, 403, `page with Host: ${host}`);
  }
});

test('the page is served with a Content-Security-Policy that forbids inline script', async () => {
  const r = await raw(srv, { method: 'GET', path: '/', headers: { Host: srv.host } });
  assert.equal(r.status, 200);
  const csp = r.headers['content-security-policy'] ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
});

test('the page without its token explains what to do', async () => {
  const browser = await launch();
  try {
    const page = await newPage(browser);
    await page.goto(`${srv.origin}/`);
    await page.getByText('Open the exact link that `redline serve` printed.').waitFor();
    await shot(page, '00-no-token');
  } finally {
    await browser.close();
  }
});
