// End-to-end harness: a real `redline serve` on a temporary workspace and a
// real Chromium (Debian's, driven by playwright-core). Nothing is mocked.
//
// Environment:
//   REDLINE_BIN   the redline binary (default: target/debug/redline; build it with `cargo build -p redline`)
//   CHROMIUM      the browser (default: /usr/bin/chromium)
// Screenshots go to test-artifacts/ui/ at the repository root.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'ui');

export function redlineBin() {
  const bin = process.env.REDLINE_BIN ?? path.join(ROOT, 'target', 'debug', 'redline');
  if (!existsSync(bin)) throw new Error(`${bin} does not exist: run \`cargo build -p redline\` first (or set REDLINE_BIN)`);
  return bin;
}

/** A fresh temporary folder, removed by `cleanup`. */
export function tempDir(prefix = 'redline-e2e-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the redline CLI; resolves to stdout, rejects with stderr on a non-zero exit. */
export function cli(args, opts = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(redlineBin(), args, { env: { ...process.env, REDLINE_REVIEWER: 'alice', ...opts.env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`redline ${args.join(' ')} exited ${code}: ${err || out}`))));
  });
}

/** The built UI that `redline serve` serves (`npm run build`). */
export function uiDist() {
  const dist = process.env.REDLINE_UI ?? path.join(ROOT, 'ui', 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist} has no index.html: run \`npm run build\` in ui/ first`);
  return dist;
}

/**
 * Start `redline --db DB serve --port 0 --ui ui/dist` and wait for the line
 * it prints first: `Redline is serving http://127.0.0.1:PORT/?token=TOKEN`.
 */
export async function serve(db, { reviewer = 'alice' } = {}) {
  const proc = spawn(redlineBin(), ['--db', db, 'serve', '--port', '0', '--ui', uiDist()], {
    env: { ...process.env, REDLINE_REVIEWER: reviewer, BROWSER: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redline serve printed no URL within 60 s; stderr: ${stderr}`)), 60_000);
    const lines = createInterface({ input: proc.stdout });
    lines.on('line', (line) => {
      const m = /Redline is serving (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redline serve exited (${code}) before serving; stderr: ${stderr}`));
    });
  });
  const u = new URL(url);
  const token = u.searchParams.get('token');
  if (!token) throw new Error(`no token in ${url}`);
  return {
    url,
    origin: u.origin,
    host: u.host,
    port: Number(u.port),
    token,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
      }),
  };
}

/** POST /api as the UI does; returns {status, body}. */
export async function post(srv, request, headers = {}) {
  const res = await fetch(`${srv.origin}/api`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${srv.token}`, ...headers },
    body: JSON.stringify(request),
  });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** A request with full control of the headers (fetch cannot set Host). */
export function raw(srv, { method = 'POST', path: p = '/api', headers = {}, body = null }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path: p, headers }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      // Event streams never end: the status is enough.
      if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
        resolve({ status: res.statusCode, headers: res.headers, body: '' });
        req.destroy();
      }
    });
    req.on('error', reject);
    if (body !== null) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

/** The API answer's data, failing on an error. */
export async function ask(srv, request) {
  const { status, body } = await post(srv, request);
  if (status !== 200) throw new Error(`${request.type}: ${status} ${JSON.stringify(body)}`);
  return body.data;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page that records script errors (any is a failure) and console errors. */
export async function newPage(browser, { theme = 'light', lang = 'en', width = 1440, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  await context.addInitScript(
    ([t, l]) => {
      if (!localStorage.getItem('redline.theme')) localStorage.setItem('redline.theme', t);
      if (!localStorage.getItem('redline.lang')) localStorage.setItem('redline.lang', l);
    },
    [theme, lang],
  );
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console: ${m.text()}`);
  });
  return page;
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export function writeJsonl(file, records) {
  writeFileSync(file, records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
}
