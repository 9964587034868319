// Desktop smoke test: the real Tauri binary under Xvfb, driven through
// WebDriver (Debian's WebKitWebDriver with TAURI_WEBVIEW_AUTOMATION=true).
// It opens on a demo workspace, shows the case queue (a screenshot that must
// not be blank), opens a case and sets a disposition in the real window (the
// workspace is then checked through the CLI), and reveals a photo.
//
// Run by `make test-desktop`; needs DESKTOP_BIN and REDLINE_BIN (built
// binaries), Xvfb, WebKitWebDriver and ImageMagick (`make apt-deps`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '../..');
const DESKTOP_BIN = process.env.DESKTOP_BIN ?? join(ROOT, 'target/debug/redline-desktop');
const REDLINE_BIN = process.env.REDLINE_BIN ?? join(ROOT, 'target/debug/redline');
const ARTIFACTS = join(ROOT, 'test-artifacts/desktop');
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

function redline(db, ...args) {
  return execFileSync(REDLINE_BIN, ['--db', db, ...args], { encoding: 'utf8', env: { ...process.env, REDLINE_REVIEWER: 'desktop-test' } });
}

async function wd(base, method, path, body) {
  const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json.value;
}

async function waitFor(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

function screenshot(display, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, name);
  execFileSync('import', ['-display', display, '-window', 'root', file]);
  // Not blank: a rendered queue has many colours and a real spread of values.
  const stats = execFileSync('convert', [file, '-format', '%k %[fx:standard_deviation]', 'info:'], { encoding: 'utf8' }).trim().split(' ');
  return { file, colours: Number(stats[0]), spread: Number(stats[1]) };
}

test('the desktop app opens on a workspace, shows the queue, and closes a case', { timeout: 240000 }, async (t) => {
  statSync(DESKTOP_BIN);
  const dir = mkdtempSync(join(tmpdir(), 'redline-desktop-'));
  const db = join(dir, 'demo.db');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  redline(db, 'import', join(ROOT, 'demo/exports'), '--tz', 'Asia/Shanghai');
  redline(db, 'scan');
  const before = JSON.parse(redline(db, 'cases', 'list', '--json'));
  const total = before.data.total;
  assert.ok(total > 5, `the demo workspace should have cases, has ${total}`);

  const display = ':97';
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const port = 4444 + Math.floor(Math.random() * 500);
  const env = { ...process.env, DISPLAY: display, TAURI_WEBVIEW_AUTOMATION: 'true', REDLINE_DB: db, REDLINE_REVIEWER: 'desktop-test' };
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], { env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  let session;
  try {
    await waitFor(async () => (await fetch(base + '/status')).ok, 'WebKitWebDriver');
    const s = await wd(base, 'POST', '/session', { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: DESKTOP_BIN } } } });
    session = s.sessionId;
    const S = `/session/${session}`;
    const find = async (css) => (await wd(base, 'POST', `${S}/element`, { using: 'css selector', value: css }))[ELEMENT];
    const findAll = async (css) => (await wd(base, 'POST', `${S}/elements`, { using: 'css selector', value: css })).map((e) => e[ELEMENT]);
    const click = async (css) => wd(base, 'POST', `${S}/element/${await find(css)}/click`, {});
    const js = (script) => wd(base, 'POST', `${S}/execute/sync`, { script, args: [] });

    await waitFor(() => find('nav'), 'the app shell');
    await js("location.hash = '#/queue'");
    await waitFor(async () => (await findAll('.crow')).length > 0, 'queue rows');
    await sleep(500);
    const shot = screenshot(display, 'queue.png');
    assert.ok(shot.colours > 50 && shot.spread > 0.05, `queue screenshot looks blank: ${JSON.stringify(shot)}`);

    await click('.crow');
    await waitFor(() => find('.case h1'), 'the case view');
    const title = await wd(base, 'GET', `${S}/element/${await find('.case h1')}/text`);
    assert.ok(title.length > 0);
    await click('button.disp.d-no_violation');
    await waitFor(() => find('#closeform'), 'the close dialog');
    await click('button.primary[form="closeform"]');
    await waitFor(async () => JSON.parse(redline(db, 'cases', 'list', '--disposition', 'no_violation', '--json')).data.total === 1, 'the case to be closed in the workspace');
    screenshot(display, 'case-closed.png');

    // The demo's gift-card photo: hidden, then revealed from the original
    // export as a blob: image (the shell's CSP must allow exactly that).
    const gift = JSON.parse(redline(db, 'cases', 'list', '--text', '购物卡', '--json')).data.cases[0].id;
    await js(`location.hash = '#/queue/${gift}'`);
    // wait for this case's view: the previous case may have had a cover too
    await waitFor(async () => (await js("return document.querySelector('.case .cid')?.textContent ?? ''")).trim() === `#${gift}`, `case #${gift}`);
    await waitFor(() => find('.case .media button.cover'), 'the hidden photo');
    await click('.case .media button.cover');
    const photo = await waitFor(
      () => js("const i = document.querySelector('.case .media.revealed img'); return i && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight, i.src.slice(0, 5)] : null"),
      'the revealed photo',
    ).catch(async (e) => {
      screenshot(display, 'photo-failed.png');
      throw new Error(`${e.message}; the media boxes: ${await js("return [...document.querySelectorAll('.case .media')].map((m) => m.innerText).join(' | ')")}`);
    });
    assert.deepEqual(photo, [360, 220, 'blob:']);
    screenshot(display, 'photo-revealed.png');
  } finally {
    if (session) await wd(base, 'DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
    xvfb.kill();
  }
  const log = JSON.parse(redline(db, 'audit', 'log', '--json'));
  assert.ok(log.data.some((e) => e.action === 'case.close' && e.actor === 'desktop-test'), 'the close is audited as the desktop reviewer');
});
