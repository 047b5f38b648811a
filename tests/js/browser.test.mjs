// Browser tests of the drop-in (www/nianbao.js) and the demo page (www/index.html) in a
// real Chromium, served as a portal would serve them (tests/js/harness.mjs). Test pages
// (/test/...): two <script> tags for the drop-in; a page sent with
// `Content-Security-Policy: script-src 'self'; worker-src 'none'` (no 'wasm-unsafe-eval',
// no worker) whose form has a fallback URL. The portal-page tests of issue 8 (GBK pages,
// files, drops, the worker) are in portal.test.mjs.
// Nothing of nianbao is mocked: the checks run the engine's WebAssembly in the page.
//
// Run: bash scripts/build-wasm && node --test --test-concurrency=1 tests/js/browser.test.mjs
// Screenshots go to target/screenshots/ (panel.png, fields.png), for a person to look at;
// nothing is asserted on them (their Chinese needs a CJK font, e.g. fonts-wqy-microhei).
// The time from script load to the engine ready and to the first result is printed
// (`timing: …`), not asserted.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { start, poll, summaryOf, nativeJson, nativeCheck, esc, engine, FIXTURES, SCREENSHOTS } from './harness.mjs';

const { minhe: MINHE, huaian: HUAIAN, docx: DOCX, pingtan: PINGTAN, pdf: PDF, blankColumns: BLANK_COLUMNS } = FIXTURES;
const NO_WASM_MESSAGE = '浏览器无法运行检查程序（WebAssembly 被禁止），将由服务器检查';
const XSS = '<img src=x onerror=alert(1)>';

const PAGES = {
  // Two tags for the drop-in; the textarea already holds a report, so the drop-in checks
  // it as soon as the engine is ready (this page also measures the load time).
  '/test/two-scripts.html': async () => ({
    headers: {},
    body: `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>two scripts</title>
      <script src="/www/nianbao.js" defer></script>
      <script src="/www/nianbao.js" defer></script></head><body>
      <form id="f" action="/intake/reports" method="post" data-nianbao>
        <textarea name="report">${esc(await readFile(HUAIAN, 'utf8'))}</textarea>
        <button type="submit">提交</button></form></body></html>`,
  }),
  // WebAssembly is forbidden by the page's CSP, and so are workers (which would otherwise
  // run it under their own policy): the drop-in must fall back to the server.
  '/test/csp.html': async () => ({
    headers: { 'Content-Security-Policy': "script-src 'self'; worker-src 'none'" },
    body: `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>csp</title>
      <script src="/www/nianbao.js" defer></script></head><body>
      <form id="f" action="/intake/reports" method="post" enctype="multipart/form-data"
            data-nianbao data-nianbao-fallback-url="/fallback">
        <input type="file" name="report"><button type="submit">提交</button></form></body></html>`,
  }),
};

let h;
let base;
let submissions;
let fallbackPosts;
const newPage = () => h.newPage();

before(async () => {
  h = await start({ pages: PAGES });
  ({ base, submissions, fallbackPosts } = h);
  await mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await h?.close();
});

test('a, c, h: a report with errors is listed in the panel, fires nianbao:result and is not submitted', async () => {
  const page = await newPage();
  submissions.length = 0;
  await page.goto(`${base}/www/index.html`);
  await page.evaluate(() => {
    window.results = [];
    document.getElementById('report-form').addEventListener('nianbao:result', (e) => window.results.push(e.detail));
  });
  // Picked, then submitted (the check may still be running: then the drop-in waits).
  const url = page.url();
  await page.setInputFiles('#report-form input[type=file]', MINHE);
  await page.click('#report-form button[type=submit]');
  const summary = summaryOf(page, '#report-form');
  await poll(async () => assert.match(await summary.textContent(), /^发现 \d+ 个错误.*，请改正后再提交$/), { timeout: 10000 });
  const codes = await page.locator('#report-form + nianbao-panel li.error').evaluateAll(
    (lis) => lis.map((li) => li.dataset.code));
  assert.ok(codes.includes('A003'), `A003 among the errors: ${codes}`);
  assert.ok(codes.includes('C006') && codes.includes('S001'), `C006 and S001 among the errors: ${codes}`);
  // Errors come first: the first list item is an error.
  assert.equal(await page.locator('#report-form + nianbao-panel li').first().getAttribute('class'), 'finding error');
  const a003 = await page.locator('#report-form + nianbao-panel li[data-code="A003"]').first().textContent();
  assert.match(a003, /第 76 行/);
  // Focus moved to the summary, a polite live region.
  const focused = () => page.evaluate(() => document.querySelector('#report-form + nianbao-panel').shadowRoot.activeElement?.className);
  assert.equal(await focused(), 'summary');
  assert.equal(await summary.getAttribute('aria-live'), 'polite');

  // c: the event carried the result object (once: the report was checked once).
  const results = await page.evaluate(() => window.results);
  assert.equal(results.length, 1);
  const [r] = results;
  assert.equal(r.engine.name, 'nianbao');
  assert.equal(r.valid, false);
  assert.equal(r.template, '2019');
  assert.ok(r.summary.errors > 0 && Array.isArray(r.findings) && r.findings.some((f) => f.code === 'A003'));
  assert.equal(r.findings.filter((f) => f.severity === 'error').length, r.summary.errors);

  // Submitted again, the result known: blocked at once. Nothing navigated, nothing received.
  await page.focus('#report-form button[type=submit]');
  await page.click('#report-form button[type=submit]');
  await poll(async () => assert.equal(await focused(), 'summary'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(page.url(), url);
  assert.equal(submissions.length, 0);

  // h: the panel, for a person to look at.
  await page.locator('#report-form + nianbao-panel').screenshot({ path: path.join(SCREENSHOTS, 'panel.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a report with blank columns: its 125 blank cells are one entry of the panel, in the words of the CLI\'s human output', async () => {
  const page = await newPage();
  await page.goto(`${base}/www/index.html`);
  await page.setInputFiles('#report-form input[type=file]', BLANK_COLUMNS);
  const summary = summaryOf(page, '#report-form');
  await poll(async () => assert.equal(await summary.textContent(), '检查通过，有 125 个警告'), { timeout: 10000 });
  const items = page.locator('#report-form + nianbao-panel li');
  assert.equal(await items.count(), 1, 'one entry for the 125 C003 findings');
  const item = items.first();
  assert.equal(await item.getAttribute('data-code'), 'C003');
  // The line the CLI prints for the same file, word for word.
  const header = nativeCheck([BLANK_COLUMNS]).split('\n').find((l) => l.startsWith('warning[C003]: '));
  assert.ok(header, 'the CLI groups them too');
  assert.equal(await item.locator('.msg').textContent(), header.slice('warning[C003]: '.length));
  assert.equal(await item.locator('.where').textContent(), '第 28 行 · 申请情况表');
  await page.locator('#report-form + nianbao-panel').screenshot({ path: path.join(SCREENSHOTS, 'blanks-panel.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/**
 * In one task of the page: puts `text` into the form's report (a picked file, or the
 * textarea) and submits at once, so the check is certainly pending at the submit.
 * Returns whether that first submit event was held back (defaultPrevented).
 */
function submitAtOnce(page, { text, fileName }) {
  return page.evaluate(({ text, fileName }) => {
    const form = document.getElementById('report-form');
    if (fileName) {
      const dt = new DataTransfer();
      dt.items.add(new File([text], fileName, { type: 'text/plain' }));
      const input = form.querySelector('input[type=file]');
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    } else {
      const ta = form.querySelector('textarea');
      ta.value = text;
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
    let held = null;
    document.addEventListener('submit', (e) => { held = e.defaultPrevented; }, { once: true });
    form.requestSubmit(form.querySelector('button[type=submit]'));
    return held;
  }, { text, fileName });
}

test('b: a clean report submitted while its check is pending is held, then goes through', async () => {
  const page = await newPage();
  submissions.length = 0;
  await page.goto(`${base}/www/index.html`);
  const report = await readFile(HUAIAN, 'utf8');
  const [, held] = await Promise.all([
    page.waitForURL(`${base}/intake/reports`, { timeout: 10000 }),
    submitAtOnce(page, { text: report, fileName: 'huaian-2024.txt' }),
  ]);
  assert.equal(held, true, 'the submit waited for the check');
  assert.equal(submissions.length, 1);
  const [s] = submissions;
  assert.match(s.contentType, /^multipart\/form-data/);
  const sent = s.body.toString('utf8');
  assert.ok(sent.includes('filename="huaian-2024.txt"'));
  assert.ok(sent.includes(report), 'the whole report was submitted');
  await page.context().close();
});

test('d: two script tags load the engine once (the core: a text needs no reader); timing of the first result', async () => {
  const page = await newPage();
  const wasmRequests = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(new URL(r.url()).pathname); });
  await page.goto(`${base}/test/two-scripts.html`);
  const summary = summaryOf(page, '#f');
  await poll(async () => assert.equal(await summary.textContent(), '检查通过'), { timeout: 10000 });
  assert.deepEqual(wasmRequests, ['/pkg/nianbao_core_bg.wasm'], 'the core engine, once, and not the full one');
  assert.equal(await page.locator('nianbao-panel').count(), 1, 'one panel for the one form');
  const t = await page.evaluate(() => ({ ...window.Nianbao.timings }));
  console.log(`timing: script→ready ${(t.ready - t.scriptStart).toFixed(1)} ms, ` +
    `script→first result ${(t.firstResult - t.scriptStart).toFixed(1)} ms (Chromium, huaian-2024 pre-filled)`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the page\'s load never waits for the engine: DOMContentLoaded and load fire while its files are held back; it starts when they come', async () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const held = [];
  // The engine module, the worker and everything of pkg/ (the engines' JavaScript and
  // WebAssembly): held until the page has loaded.
  h.hold = (p) => (/^\/pkg\/|^\/www\/nianbao-(engine|worker)\.js$/.test(p) ? (held.push(p), gate) : null);
  try {
    const page = await newPage();
    // goto waits for the load event: it would time out if load waited for the engine.
    await page.goto(`${base}/test/two-scripts.html`, { waitUntil: 'load', timeout: 10000 });
    const before = await page.evaluate(() => ({
      state: document.readyState, mode: window.Nianbao.mode,
      nav: performance.getEntriesByType('navigation')[0].toJSON(),
    }));
    assert.equal(before.state, 'complete');
    assert.ok(before.nav.domContentLoadedEventEnd > 0 && before.nav.loadEventEnd > 0, 'DOMContentLoaded and load fired');
    assert.equal(before.mode, 'loading', 'the engine has not started');
    assert.ok(held.length > 0, 'the page asked for the engine before it loaded');
    release();
    await page.evaluate(() => window.Nianbao.ready);
    await poll(async () => assert.equal(await summaryOf(page, '#f').textContent(), '检查通过'), { timeout: 10000 });
    const t = await page.evaluate(() => ({ ...window.Nianbao.timings }));
    assert.ok(t.ready > before.nav.loadEventEnd, 'the engine was ready after the page loaded');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    h.hold = null;
    release();
  }
});

test('e: report text is shown as text, never as HTML (pasted and submitted at once: held, then blocked)', async () => {
  const page = await newPage();
  const lines = (await readFile(MINHE, 'utf8')).split('\n');
  lines[0] = XSS;                                          // the title's agency line
  lines[85] = `六、存在的问题${XSS}`;                         // a heading quoted by S002/S003
  submissions.length = 0;
  await page.goto(`${base}/www/index.html`);
  const url = page.url();
  assert.equal(await submitAtOnce(page, { text: lines.join('\n') }), true, 'the submit waited for the check');
  const summary = summaryOf(page, '#report-form');
  await poll(async () => assert.match(await summary.textContent(), /^发现 \d+ 个错误.*，请改正后再提交$/), { timeout: 10000 });
  assert.equal(page.url(), url);
  const shadow = await page.evaluate(() => {
    const root = document.querySelector('#report-form + nianbao-panel').shadowRoot;
    return { imgs: root.querySelectorAll('img').length, text: root.textContent };
  });
  assert.equal(shadow.imgs, 0);
  assert.ok(shadow.text.includes(`${XSS} · 2020年度`), 'the agency is shown as text');
  assert.ok(shadow.text.includes(`写作“六、存在的问题${XSS}”`), 'the S002 message is shown as text');
  await new Promise((r) => setTimeout(r, 300));  // give an injected onerror a chance to fire
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  assert.deepEqual(page.dialogs, []);
  assert.equal(submissions.length, 0);
  await page.context().close();
});

test('f: without WebAssembly (CSP) the panel says so and the report goes to the fallback URL', async () => {
  const page = await newPage();
  submissions.length = 0;
  fallbackPosts.length = 0;
  await page.goto(`${base}/test/csp.html`);
  const summary = summaryOf(page, '#f');
  await poll(async () => assert.equal(await summary.textContent(), NO_WASM_MESSAGE), { timeout: 10000 });

  await page.setInputFiles('#f input[type=file]', MINHE);
  await page.click('#f button[type=submit]');
  await poll(() => assert.equal(fallbackPosts.length, 1), { timeout: 5000 });
  assert.match(fallbackPosts[0].contentType, /^text\/plain/);
  assert.deepEqual(fallbackPosts[0].body, await readFile(MINHE));
  // The server's result (errors) is shown and blocks the submit.
  await poll(async () => assert.match(await summary.textContent(), /^发现 \d+ 个错误.*请改正后再提交$/), { timeout: 5000 });
  assert.ok(await page.locator('#f + nianbao-panel li[data-code="A003"]').count() > 0);
  assert.equal(await page.locator('#f + nianbao-panel .notice').first().textContent(), NO_WASM_MESSAGE);
  assert.equal(submissions.length, 0);
  await page.context().close();
});

test('g, h: the 表三 fields form marks a broken sum and its suspect cell, and clears them', async () => {
  const page = await newPage();
  submissions.length = 0;
  await page.goto(`${base}/www/index.html`);
  await page.evaluate(() => window.Nianbao.ready);

  // A consistent 2021 表三: 5 new applications by persons, 3 disclosed, 2 refused as secret.
  const values = { 'new.np': 5, 'new.total': 5, 'r1.np': 3, 'r1.total': 3, 'r3_1.np': 2, 'r3_1.total': 2, 'r7.np': 5, 'r7.total': 5 };
  const keys = await page.locator('#t3-form [data-nianbao-cell]').evaluateAll(
    (inputs) => inputs.map((i) => i.dataset.nianbaoCell));
  assert.equal(keys.length, 25 * 7);
  for (const key of keys) await page.fill(`[data-nianbao-cell="${key}"]`, String(values[key.slice(3)] ?? 0));
  const summary = summaryOf(page, '#t3-form');
  await poll(async () => assert.equal(await summary.textContent(), '检查通过'), { timeout: 3000 });

  const cell = (key) => page.locator(`[data-nianbao-cell="t3.${key}"]`);
  const marks = (key) => cell(key).evaluate((input) => ({
    invalid: input.getAttribute('aria-invalid'),
    suspect: input.classList.contains('nianbao-suspect'),
    notes: (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent),
  }));

  // 2 → 4: the row r3_1 no longer adds up (A002 on its total) nor does column np (A003 on r7).
  await cell('r3_1.np').fill('4');
  await poll(async () => {
    assert.equal((await marks('r3_1.total')).invalid, 'true');
    assert.equal((await marks('r7.np')).invalid, 'true');
    const s = await marks('r3_1.np');
    assert.equal(s.suspect, true);
    assert.equal(s.invalid, 'true');
    assert.match(s.notes.join(' '), /应为 2/);
  }, { timeout: 1000 });
  assert.match((await marks('r7.np')).notes.join(' '), /A003/);
  assert.equal((await marks('r1.np')).invalid, null, 'cells not named by a finding are not marked');
  // Only findings about 表三 are shown: the sections and tables the form does not hold are not.
  const codes = await page.locator('#t3-form + nianbao-panel li').evaluateAll((lis) => lis.map((li) => li.dataset.code));
  assert.deepEqual([...new Set(codes)].sort(), ['A002', 'A003']);
  await page.locator('section', { has: page.locator('#t3-form') }).screenshot({ path: path.join(SCREENSHOTS, 'fields.png') });

  // Submit is blocked while errors remain.
  const url = page.url();
  await page.click('#t3-form button[type=submit]');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(page.url(), url);
  assert.equal(submissions.length, 0);

  // Back to 2: every mark is gone.
  await cell('r3_1.np').fill('2');
  await poll(async () => {
    for (const key of ['r3_1.np', 'r3_1.total', 'r7.np']) {
      const m = await marks(key);
      assert.equal(m.invalid, null, key);
      assert.equal(m.suspect, false, key);
      assert.deepEqual(m.notes, [], key);
    }
    assert.equal(await page.locator('#t3-form .nianbao-note').count(), 0);
    assert.equal(await summary.textContent(), '检查通过');
  }, { timeout: 1000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('i: a picked HTML page, PDF, damaged PDF and .docx in turn: each as the engine reads it natively; the .docx goes up as it is', async () => {
  const page = await newPage();
  submissions.length = 0;
  await page.goto(`${base}/www/index.html`);
  assert.equal(await page.getAttribute('#report-form input[type=file]', 'accept'), '.txt,.json,.docx,.html,.htm,.pdf');
  await page.evaluate(() => {
    window.results = [];
    document.getElementById('report-form').addEventListener('nianbao:result', (e) => window.results.push(e.detail));
  });
  const summary = summaryOf(page, '#report-form');
  const panel = '#report-form + nianbao-panel';
  const resultCount = () => page.evaluate(() => window.results.length);
  // The result as the page got it, in the CLI's JSON layout (serde_json's pretty printer
  // and JSON.stringify(…, null, 2) agree on every value the engine writes).
  const lastResultJson = () => page.evaluate(() => JSON.stringify(window.results.at(-1), null, 2) + '\n');

  // The HTML page of 平潭 (2023): clean. The event's detail is the native result, byte for byte.
  const pingtan = nativeJson(PINGTAN);
  await page.setInputFiles('#report-form input[type=file]', PINGTAN);
  await poll(async () => assert.equal(await resultCount(), 1), { timeout: 10000 });
  assert.equal(await lastResultJson(), pingtan);
  assert.equal(await summary.textContent(), '检查通过');
  assert.equal(await page.locator(`${panel} .meta`).textContent(),
    '文件“pingtan-2023.html” · 平潭综合实验区 · 2023年度 · 2021版模板');

  // The PDF of 淮安 (2024), read from its bytes: as natively.
  const pdf = nativeJson(PDF);
  await page.setInputFiles('#report-form input[type=file]', PDF);
  await poll(async () => assert.equal(await resultCount(), 2), { timeout: 10000 });
  assert.equal(await lastResultJson(), pdf);
  assert.equal(await page.locator(`${panel} .meta`).textContent(),
    '文件“huaian-2024.pdf” · 淮安市人民政府 · 2024年度 · 2021版模板');

  // A PDF the engine cannot read (cut short): its reason is shown, no result is fired,
  // nothing is blocked (the server decides).
  const cut = Buffer.from('%PDF-1.7\n1 0 obj <</Type /Catalog');
  let refusal = null;
  try { engine.check(new Uint8Array(cut)); } catch (e) { refusal = e; }
  assert.equal(refusal?.code, 'damaged');
  await page.setInputFiles('#report-form input[type=file]', { name: 'cut.pdf', mimeType: 'application/pdf', buffer: cut });
  await poll(async () => assert.equal(await summary.textContent(), '无法在浏览器中检查此报告'), { timeout: 10000 });
  assert.equal(await page.locator(`${panel} .body .notice`).textContent(),
    `文件“cut.pdf”无法在浏览器中检查：${refusal.message}（将由服务器检查）`);
  assert.equal(await page.locator(`${panel} li`).count(), 0);
  assert.equal(await resultCount(), 2);

  // The blank 2021 template as a Word document: read from its bytes (as text it would be
  // refused as binary); its blank cells are C003 warnings, so the report is valid.
  const docx = nativeJson(DOCX);
  const expected = JSON.parse(docx);
  const c003 = expected.findings.filter((f) => f.code === 'C003');
  assert.equal(c003.length, 200);
  assert.equal(expected.valid, true);
  await page.setInputFiles('#report-form input[type=file]', DOCX);
  await poll(async () => assert.equal(await resultCount(), 3), { timeout: 10000 });
  assert.equal(await lastResultJson(), docx);
  assert.equal(await summary.textContent(), `检查通过，有 ${expected.summary.warnings} 个警告`);
  const items = await page.locator(`${panel} li.warning`).evaluateAll((lis) => lis.map((li) => ({
    code: li.dataset.code, msg: li.querySelector('.msg').textContent, where: li.querySelector('.where')?.textContent,
  })));
  // The 200 blank cells of the three tables are an entry per table.
  assert.equal(items.length, expected.summary.warnings - 200 + 3);
  assert.deepEqual(items.filter((i) => i.code === 'C003'), [
    { code: 'C003', msg: '主动公开情况表全部 10 个单元格为空', where: `第 ${c003[0].location.line} 行 · 主动公开情况表` },
    { code: 'C003', msg: '申请情况表全部 175 个单元格为空', where: '第 39 行 · 申请情况表' },
    { code: 'C003', msg: '行政复议、行政诉讼情况表全部 15 个单元格为空', where: '第 72 行 · 行政复议、行政诉讼情况表' },
  ]);
  assert.equal(await page.locator(`${panel} li.error`).count(), 0);

  // Warnings only: the submit goes through, and the portal receives the file's bytes unchanged.
  await Promise.all([
    page.waitForURL(`${base}/intake/reports`, { timeout: 10000 }),
    page.click('#report-form button[type=submit]'),
  ]);
  assert.equal(submissions.length, 1);
  const sent = submissions[0].body;
  assert.ok(sent.includes('filename="template-2021.docx"'));
  assert.ok(sent.includes(await readFile(DOCX)), 'the .docx was submitted byte for byte');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('j: the playground shows the normalized tables with the labels of the report\'s template', async () => {
  const page = await newPage();
  await page.goto(`${base}/www/playground.html`);
  const report = engine.normalize(new Uint8Array(await readFile(MINHE)));
  const labels = engine.labels('2019');
  await page.setInputFiles('#playground input[type=file]', MINHE);
  await poll(async () => assert.ok(await page.locator('#tables table').count() >= 3), { timeout: 10000 });
  assert.match(await page.locator('#report-meta').textContent(), /模板：2019 · 年度：2020 · 机关：/);
  const t3 = page.locator('#tables table', { has: page.locator('caption', { hasText: /^申请情况表$/ }) });
  const rows = await t3.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    label: tr.querySelector('th').textContent,
    cells: Array.from(tr.querySelectorAll('td')).map((td) => (td.classList.contains('blank') ? null : td.textContent)),
  })));
  const expected = labels.t3.rows.filter((r) => r.key in report.t3).map((r) => ({
    label: r.parent ? `${r.parent} ${r.label}` : r.label,
    cells: labels.t3.columns.map((c) => (report.t3[r.key][c.key] == null ? null : String(report.t3[r.key][c.key]))),
  }));
  assert.deepEqual(rows, expected);
  // The 2019 template's 表二 labels, not the 2021 ones.
  assert.ok(await page.locator('#tables th', { hasText: '本年新制作数量' }).count() > 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
