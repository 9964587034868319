// The reviewer's day, end to end, in a real browser against a real
// `redline serve`: import → scan → queue → case → annotate → disposition →
// export, the hostile-message case, and every screen in both themes and
// languages.
// Screenshots of each screen go to test-artifacts/ui/.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BRIBE, GIFT_TEXT, writeChats, writeWhatsAppFolder, XSS_NAME, XSS_TEXT } from './fixtures.mjs';
import { ask, launch, newPage, serve, shot, tempDir } from './harness.mjs';

let tmp;
let srv;
let browser;
let page;
let chats;

before(async () => {
  tmp = tempDir();
  chats = writeChats(tmp.dir);
  srv = await serve(path.join(tmp.dir, 'workspace.db'));
  browser = await launch();
  page = await newPage(browser);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  tmp?.cleanup();
});

/** The XSS payloads never ran. */
async function assertNoScriptRan() {
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'hostile markup ran');
}

async function keys(...ks) {
  for (const k of ks) await page.keyboard.press(k);
}

/** The id of the one case (of `redLine`) whose messages contain `text`. */
async function caseWith(text, redLine = null) {
  const res = await ask(srv, { type: 'list_cases', filter: { text, red_line: redLine, pattern_only: false }, sort: null, offset: 0, limit: 10 });
  assert.equal(res.total, 1, `one case with ${text}`);
  return res.cases[0].id;
}

test('opens with the token, then hides it from the address bar', async () => {
  await page.goto(srv.url);
  await page.locator('nav').waitFor();
  assert.ok(!page.url().includes('token'), `token still in ${page.url()}`);
  assert.equal(new URL(page.url()).search, '');
  // A reload keeps working: the token lives on in this tab's session.
  await page.reload();
  await page.locator('nav').waitFor();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await shot(page, '01-dashboard-empty');
});

test('imports an export typed as a path, with the skipped record and its reason', async () => {
  await keys('g', 'i');
  await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
  await page.getByLabel('Paths to import').fill(chats);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator('.paths li', { hasText: 'procurement-chats.jsonl' }).waitFor();
  await page.locator('button.primary', { hasText: 'Import' }).click();
  const row = page.locator('table.results tbody tr').first();
  await row.waitFor({ timeout: 60_000 });
  await assertRowText(row, ['Imported', 'jsonl', '9', '1']);
  // The skipped record is listed with its locator and reason (opened because something was skipped).
  const skip = page.locator('table.skips tbody tr');
  assert.equal(await skip.count(), 1);
  assert.match(await skip.innerText(), /procurement-chats\.jsonl:7/);
  await page.getByText('Sources imported: 1 · messages: 9 · records skipped: 1').waitFor();
  await shot(page, '02-import-summary');

  await page.getByRole('button', { name: 'Scan now' }).click();
  await page.getByText(/messages scanned: \d+ new hits, \d+ new cases/).waitFor({ timeout: 120_000 });
  await shot(page, '03-import-scanned');
});

async function assertRowText(row, parts) {
  const text = await row.innerText();
  for (const p of parts) assert.ok(text.includes(p), `${JSON.stringify(p)} not in ${JSON.stringify(text)}`);
}

test('the dashboard counts what the scan found', async () => {
  await keys('g', 'd');
  await page.getByRole('heading', { name: 'By red line' }).waitFor();
  const info = await ask(srv, { type: 'workspace_info' });
  assert.ok(info.open_cases >= 3, `open cases: ${info.open_cases}`);
  const tile = page.locator('.tile', { hasText: 'Open cases' });
  await tile.locator('.big', { hasText: String(info.open_cases) }).waitFor();
  // One row per red line with hits, each with its colour.
  await page.locator('table.grid tbody tr', { hasText: 'Illegally accepting micropayments' }).waitFor();
  assert.ok((await page.locator('.chart rect.col').count()) > 0, 'trend chart has columns');
  await shot(page, '04-dashboard');
});

test('queue → case by keyboard, hits highlighted in the sender’s text', async () => {
  await keys('g', 'q');
  await page.locator('.crow').first().waitFor();
  const id = await caseWith('辛苦费', 'illicit-payments');
  // Filter the queue by a word (two red lines hit that message: two cases),
  // go back to the list, open the first (by priority: the critical one).
  await page.keyboard.press('/');
  await page.keyboard.type('辛苦费');
  await page.locator('.status', { hasText: /^2 cases/ }).waitFor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('j');
  await page.waitForURL(new RegExp(`#/queue/${id}$`));
  const text = page.locator('.case article.msg .text', { hasText: BRIBE });
  await text.waitFor();
  // The whole message is there as text; the hit terms are <mark>s inside it.
  assert.equal(await text.innerText(), BRIBE);
  const marks = await text.locator('mark.hl').allInnerTexts();
  assert.ok(marks.includes('辛苦费'), `marks: ${marks}`);
  assert.ok(marks.includes('红包'), `marks: ${marks}`);
  // Hover shows the rule and the matched term.
  const tip = await text.locator('mark.hl', { hasText: '辛苦费' }).getAttribute('data-tip');
  assert.match(tip, /thanks-money/);
  assert.match(tip, /“辛苦费”/);
  await text.locator('mark.hl', { hasText: '辛苦费' }).hover();
  await page.locator('.tip', { hasText: 'thanks-money' }).waitFor();
  // The transfer shows its amount; the image is hidden until clicked.
  await page.locator('.case .payment', { hasText: '5000.00 CNY' }).waitFor();
  const cover = page.locator('.case .media button.cover').first();
  await cover.waitFor();
  await shot(page, '05-case');
  await cover.click();
  await page.locator('.case .media.revealed', { hasText: 'IMG_2031.jpg' }).waitFor();
  // Next / previous hit.
  const before = await page.locator('.hitnav').innerText();
  await page.keyboard.press('n');
  assert.notEqual(await page.locator('.hitnav').innerText(), before);
  await page.keyboard.press('p');
  assert.equal(await page.locator('.hitnav').innerText(), before);
  // Message metadata: original offset and provenance.
  const msg = page.locator('.case article.msg', { hasText: BRIBE });
  await msg.getByRole('button', { name: 'Message details' }).click();
  const details = msg.locator('dl.details');
  await assertRowText(details, ['2026-03-05T20:32:00+08:00', 'procurement-chats.jsonl:3']);
  await msg.getByRole('button', { name: 'Message details' }).click();
});

test('select text → annotate; the span is stored in UTF-16 offsets', async () => {
  const id = await caseWith('辛苦费', 'illicit-payments');
  // Select “辛苦费” inside the message as a reviewer would with the mouse.
  await page.evaluate((bribe) => {
    const el = [...document.querySelectorAll('.case .text')].find((e) => e.textContent === bribe);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) if (node.data.includes('辛苦费')) break;
    const i = node.data.indexOf('辛苦费');
    const r = document.createRange();
    r.setStart(node, i);
    r.setEnd(node, i + 3);
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    el.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  }, BRIBE);
  await page.getByRole('button', { name: /Annotate selection/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Annotate' });
  await dialog.waitFor();
  assert.match(await dialog.locator('.quote').innerText(), /^辛苦费$/);
  await dialog.getByLabel('Annotation').fill('Calls the money a “辛苦费” — payment for favours.');
  await shot(page, '06-annotate');
  await page.keyboard.press('Control+Enter');
  await page.locator('.toast', { hasText: 'Annotation saved' }).waitFor();
  const detail = await ask(srv, { type: 'get_case', id });
  const ann = detail.annotations.find((a) => !a.deleted);
  const start = BRIBE.indexOf('辛苦费');
  assert.deepEqual(ann.span, [start, start + 3]);
  assert.equal(ann.quote, '辛苦费');
  assert.equal(ann.case_id, id);
  // Shown under the message and underlined in the text.
  await page.locator('.case .anns li', { hasText: 'payment for favours' }).waitFor();
  await page.locator('.case .text mark.ann', { hasText: '辛苦费' }).waitFor();
});

test('notes, tags and assignment from the keyboard', async () => {
  const id = await caseWith('辛苦费', 'illicit-payments');
  await page.locator('.case .cid').click();
  await page.keyboard.press('a');
  await page.locator('.toast', { hasText: 'Assigned to alice' }).waitFor();
  await page.keyboard.press('t');
  await page.keyboard.type('bidder');
  await page.keyboard.press('Enter');
  await page.locator('.case .tag', { hasText: 'bidder' }).waitFor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('c');
  await page.keyboard.type('Zhou is a bidder on the 二期 tender.');
  await page.keyboard.press('Control+Enter');
  await page.locator('.note', { hasText: 'bidder on the 二期 tender' }).waitFor();
  const d = await ask(srv, { type: 'get_case', id });
  assert.equal(d.case.assignee, 'alice');
  assert.deepEqual(d.case.tags, ['bidder']);
  assert.equal(d.notes[0].text, 'Zhou is a bidder on the 二期 tender.');
});

test('disposition by shortcut: 1 = violation, with a reason; audited', async () => {
  const id = await caseWith('辛苦费', 'illicit-payments');
  await page.locator('.case .cid').click();
  await page.keyboard.press('1');
  const dialog = page.getByRole('dialog', { name: 'Close case' });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('radio', { name: /^Violation/ }).isChecked(), true);
  await page.keyboard.type('Accepted 5000 CNY and a red packet from a bidder.');
  await shot(page, '07-disposition');
  await page.keyboard.press('Control+Enter');
  await page.locator('.toast', { hasText: `Case #${id} closed as Violation` }).waitFor();
  // The queue moves on to the next case of the list (the other case of that message).
  const next = await caseWith('辛苦费', 'gifts-entertainment');
  await page.waitForURL(new RegExp(`#/queue/${next}$`));
  await page.locator('.case .cid', { hasText: `#${next}` }).waitFor();
  const d = await ask(srv, { type: 'get_case', id });
  assert.equal(d.case.status, 'closed');
  assert.equal(d.case.disposition, 'violation');
  const actions = d.audit.map((e) => e.action);
  for (const a of ['case.assign', 'case.tag_add', 'case.note', 'case.status', 'case.close']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  // The history tab lists it.
  await page.goto(`${srv.origin}/#/queue/${id}`);
  await page.locator('.case .cid', { hasText: `#${id}` }).waitFor();
  await page.locator('.case .cid').click();
  await page.keyboard.press('h');
  await page.locator('.audit li', { hasText: 'Closed' }).first().waitFor();
  await shot(page, '08-case-history');
});

test('hostile message content is shown as text and runs nothing', async () => {
  const id = await caseWith('别外传');
  // A full reload: the queue starts unfiltered (and the session token carries over).
  await page.goto(`${srv.origin}/#/queue/${id}`);
  await page.reload();
  const text = page.locator('.case article.msg .text', { hasText: 'onerror' });
  await text.waitFor();
  assert.equal(await text.innerText(), XSS_TEXT);
  assert.equal(await page.locator('.case .text img, .case .text script').count(), 0);
  // The sender's name is hostile too: shown as characters in the header and the queue.
  await page.locator('.case h1', { hasText: XSS_NAME }).waitFor();
  await page.locator('.crow .who', { hasText: XSS_NAME }).first().waitFor();
  assert.equal(await page.locator('img[src="x"], img[src="y"]').count(), 0);
  await page.locator('.case mark.hl', { hasText: '内部文件' }).hover();
  await shot(page, '09-xss-case');
  // Search shows it as text as well.
  await page.goto(`${srv.origin}/#/search?q=${encodeURIComponent('别外传')}`);
  await page.locator('.result .text', { hasText: 'onerror' }).waitFor();
  assert.equal(await page.locator('.result .text').first().innerText(), XSS_TEXT);
  await assertNoScriptRan();
});

test('search: Chinese and English, highlighted, jump into the conversation', async () => {
  await page.goto(`${srv.origin}/#/search`);
  await page.getByLabel('Search all messages').fill('红包');
  await page.keyboard.press('Enter');
  const result = page.locator('.result', { hasText: BRIBE });
  await result.waitFor();
  assert.deepEqual(await result.locator('mark').allInnerTexts(), ['红包']);
  await shot(page, '10-search');
  await page.getByLabel('Search all messages').fill('WhatsApp');
  await page.keyboard.press('Enter');
  await page.locator('.result mark', { hasText: 'WhatsApp' }).waitFor();
  await page.locator('.result').first().click();
  await page.waitForURL(/#\/conversation\/\d+$/);
  await page.locator('.conv article.msg.current', { hasText: 'personal WhatsApp' }).waitFor();
  await page.locator('.conv article.msg', { hasText: 'recorded line' }).waitFor();
  await shot(page, '11-conversation');
});

test('people: a participant’s messages, hits and cases', async () => {
  await page.goto(`${srv.origin}/#/people`);
  await page.getByLabel(/Find a person/).fill('周总');
  const row = page.locator('.prow', { hasText: '周总' });
  await row.waitFor();
  await row.click();
  await page.locator('.phead h1', { hasText: '周总' }).waitFor();
  await page.locator('.right table.cases tr').first().waitFor();
  await page.locator('.msgs article.msg', { hasText: BRIBE }).waitFor();
  await shot(page, '12-people');
});

test('rules: packs with hit counts and false-positive rates; try a text live', async () => {
  await page.goto(`${srv.origin}/#/rules`);
  await page.getByRole('heading', { name: 'Eight red lines for government staff on WeChat' }).waitFor();
  const rule = page.locator('tr', { has: page.locator('td.rule', { hasText: /^thanks-money$/ }) });
  // One hit, one case, closed as a violation: no false positives.
  assert.deepEqual((await rule.locator('td').allInnerTexts()).slice(2, 6), ['1', '1', '0', '0%']);
  await page.getByLabel('Try a text against the packs').fill('这份内 部 文 件别外传');
  await page.locator('.result mark.hl').first().waitFor();
  await page.locator('.matches li', { hasText: 'secret-passed-on' }).waitFor();
  await shot(page, '13-rules');
});

test('saved views: a filter saved by name survives a reload', async () => {
  await page.goto(`${srv.origin}/#/queue`);
  await page.reload();
  await page.locator('.crow').first().waitFor();
  await page.getByLabel('Status').selectOption('new');
  // Facets count within the filter: the closed payments case is no longer offered.
  await page.locator('.status', { hasText: /^3 cases/ }).waitFor();
  const offered = await page.getByLabel('Red line').locator('option').allInnerTexts();
  assert.ok(!offered.some((o) => o.startsWith('Illegally accepting')), `offered: ${offered}`);
  assert.ok(offered.includes('Leaking secrets or proprietary information (1)'), `offered: ${offered}`);
  await page.getByLabel('Red line').selectOption('secret-leaks');
  await page.locator('.status', { hasText: /^1 case\b/ }).waitFor();
  await page.getByRole('button', { name: 'Save view…' }).click();
  await page.getByLabel('Name of the view').fill('New leaks');
  await page.keyboard.press('Enter');
  await page.reload();
  await page.locator('.status', { hasText: /^4 cases/ }).waitFor();
  await page.getByLabel('View', { exact: true }).selectOption({ label: 'New leaks' });
  await page.locator('.status', { hasText: /^1 case\b/ }).waitFor();
  assert.equal(await page.getByLabel('Status').inputValue(), 'new');
  assert.equal(await page.getByLabel('Red line').inputValue(), 'secret-leaks');
  await page.getByLabel('View', { exact: true }).selectOption('all');
  await page.locator('.status', { hasText: /^4 cases/ }).waitFor();
});

test('help overlay, dark theme and Chinese', async () => {
  await page.goto(`${srv.origin}/#/queue`);
  await page.locator('.crow').first().waitFor();
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await shot(page, '14-help');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await page.getByLabel('Language').selectOption('zh');
  await page.getByRole('link', { name: /案件队列/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const id = await caseWith('WhatsApp');
  await page.goto(`${srv.origin}/#/queue/${id}`);
  await page.locator('.case mark.hl', { hasText: 'WhatsApp' }).waitFor();
  await page.getByRole('button', { name: /开始审查/ }).waitFor();
  await shot(page, '15-case-dark-zh');
  await page.goto(`${srv.origin}/#/dashboard`);
  await page.getByRole('heading', { name: '按红线' }).waitFor();
  await shot(page, '16-dashboard-dark-zh');
  await page.getByRole('button', { name: '浅色主题' }).click();
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('link', { name: /Queue/ }).waitFor();
});

test('export the decided case as a sealed case file, then verify it', { timeout: 300_000 }, async () => {
  const id = await caseWith('辛苦费', 'illicit-payments');
  await page.goto(`${srv.origin}/#/queue/${id}`);
  await page.locator('.case .cid', { hasText: `#${id}` }).waitFor();
  await page.locator('.case .cid').click();
  await page.keyboard.press('x');
  const dialog = page.getByRole('dialog', { name: `Export case #${id}` });
  await dialog.waitFor();
  const out = path.join(tmp.dir, `case-${id}.zip`);
  await dialog.getByLabel('Case file').fill(out);
  await dialog.getByLabel('Phone numbers').check();
  await shot(page, '17-export-options');
  await page.keyboard.press('Control+Enter');
  await dialog.getByText('Case file written for 1 case.').waitFor({ timeout: 240_000 });
  assert.ok(existsSync(out), `${out} written`);
  await dialog.getByRole('button', { name: 'Verify the case file' }).click();
  await dialog.locator('.verify', { hasText: /^Intact: \d+ files match the manifest\./ }).waitFor();
  await shot(page, '18-export-done');
  const report = await ask(srv, { type: 'verify_case_file', path: out });
  assert.equal(report.ok, true);
  assert.deepEqual(report.cases, [id]);
  await page.keyboard.press('Escape');
  const d = await ask(srv, { type: 'get_case', id });
  assert.ok(d.audit.some((e) => e.action === 'case.export'), 'the export is audited on the case');
});

test('a revealed photo is the file from the original export; a hostile "photo" never renders', async () => {
  const folder = writeWhatsAppFolder(tmp.dir);
  const [imported] = await ask(srv, { type: 'import', paths: [folder], format: null, tz: 'Asia/Shanghai' });
  assert.equal(imported.status, 'imported', JSON.stringify(imported));
  await ask(srv, { type: 'scan', rules: [] });
  const id = await caseWith('购物卡');
  await page.goto(`${srv.origin}/#/queue/${id}`);
  await page.locator('.case .text', { hasText: GIFT_TEXT }).waitFor();
  const covers = page.locator('.case .media button.cover');
  assert.equal(await covers.count(), 2, 'both photos start hidden');
  await shot(page, '19-media-hidden');
  // The real photo: decoded by the browser at its true size, from a blob: URL.
  await covers.first().click();
  const img = page.locator('.case .media.revealed img').first();
  await img.waitFor();
  const { w, h, src } = await img.evaluate(async (el) => {
    await el.decode();
    return { w: el.naturalWidth, h: el.naturalHeight, src: el.src };
  });
  assert.deepEqual([w, h], [48, 32]);
  assert.match(src, /^blob:/);
  // The pixels are the export's: a blue band over red.
  const pixels = await img.evaluate((el) => {
    const c = document.createElement('canvas');
    [c.width, c.height] = [el.naturalWidth, el.naturalHeight];
    const g = c.getContext('2d');
    g.drawImage(el, 0, 0);
    return [Array.from(g.getImageData(5, 5, 1, 1).data), Array.from(g.getImageData(5, 25, 1, 1).data)];
  });
  assert.deepEqual(pixels, [[30, 60, 200, 255], [200, 30, 30, 255]]);
  await page.locator('.case .media.revealed', { hasText: 'sha256' }).first().waitFor();
  // The SVG named .jpg: metadata and the reason, no <img>, no script.
  await page.locator('.case .media button.cover').first().click();
  await page.locator('.case .media.revealed .problem', { hasText: 'not an image or video the workstation shows' }).waitFor();
  assert.equal(await page.locator('.case .media.revealed img').count(), 1);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await shot(page, '20-media-revealed');
  // Hide again.
  await page.locator('.case .media.revealed').first().getByRole('button', { name: 'Hide again' }).click();
  assert.equal(await page.locator('.case .media button.cover').count(), 1);
});

test('no script errors on any screen', async () => {
  await assertNoScriptRan();
  assert.deepEqual(page.errors, []);
});
