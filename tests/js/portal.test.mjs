// The drop-in on pages as real portals have them, in a real Chromium (tests/js/harness.mjs):
// a GBK page whose server sends scripts without a charset; files picked and dropped as the
// page has them (File objects); the engine in a worker - the page's main thread stays free,
// a check past the time bound is stopped - and on the main thread where a worker is
// forbidden. Nothing of nianbao is mocked.
//
// Run: bash scripts/build-wasm && node --test tests/js/portal.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start, poll, summaryOf, nativeJson, nativeCheck, FIXTURES } from './harness.mjs';
import { boundsPdf } from './pdfs.mjs';

const TIMEOUT_MS = 200;
const MAIN_THREAD_NOTICE = '浏览器不允许后台检查，检查在本页面中运行，较大的文件可能使页面短暂停顿';

/** The report form of the demo page, as a portal page of its own. */
const reportForm = `
  <form id="report-form" action="/intake/reports" method="post" enctype="multipart/form-data" data-nianbao>
    <p><label>年度报告文件：<input type="file" name="report" accept=".txt,.json,.docx,.html,.htm,.pdf"></label></p>
    <p><label>或粘贴报告文本：<textarea name="text"></textarea></label></p>
    <button type="submit">提交</button>
  </form>`;

const page = (title, head, charset = 'utf-8') => `<!DOCTYPE html><html lang="zh-CN"><head>
  <meta charset="${charset}"><title>${title}</title>${head}</head><body><h1>${title}</h1>${reportForm}</body></html>`;

/** A GBK encoder built from the browser-grade GBK decoder Node has (WHATWG encoding). */
let gbkTable = null;
function gbk(text) {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const c = decoder.decode(new Uint8Array([lead, trail]));
        if (c.length === 1 && c !== '\ufffd' && !gbkTable.has(c)) gbkTable.set(c, [lead, trail]);
      }
    }
  }
  const bytes = [];
  for (const c of text) {
    if (c.charCodeAt(0) < 0x80) bytes.push(c.charCodeAt(0));
    else if (gbkTable.has(c)) bytes.push(...gbkTable.get(c));
    else throw new Error(`not in GBK: ${c}`);
  }
  return Buffer.from(bytes);
}

const PAGES = {
  // A GBK portal page; every script (the drop-in, the engine module, the worker) is sent as
  // `text/javascript` with no charset, so the page's encoding is what a classic script is
  // decoded in.
  '/test/gbk.html': async () => ({
    headers: { 'Content-Type': 'text/html' },
    body: gbk(page('年度报告报送（GBK 页面）', '<script src="/nocharset/www/nianbao.js" defer></script>', 'gbk')),
  }),
  // The control: a classic UTF-8 script with Chinese in it, on the same kind of page.
  '/test/gbk-probe.html': async () => ({
    headers: { 'Content-Type': 'text/html' },
    body: gbk(page('探针', '<script src="/test/probe.js"></script>', 'gbk')),
  }),
  '/test/probe.js': async () => ({
    headers: { 'Content-Type': 'text/javascript' },
    body: "window.probe = '检查通过';",
  }),
  // The engine on the main thread, by the script tag's choice.
  '/test/main-thread.html': async () => ({
    headers: {},
    body: page('主线程', '<script src="/www/nianbao.js" data-nianbao-thread="main" defer></script>'),
  }),
  // A short time bound, so that a PDF built to run into the reader's bounds (which ends
  // by itself in about a second) runs past it.
  '/test/timeout.html': async () => ({
    headers: {},
    body: page('时限', `<script src="/www/nianbao.js" data-nianbao-timeout="${TIMEOUT_MS}" defer></script>`),
  }),
  // WebAssembly forbidden on the page, workers allowed: a worker runs under the policy its
  // own script is sent with (none here), so the engine runs in it.
  '/test/csp-no-wasm.html': async () => ({
    headers: { 'Content-Security-Policy': "script-src 'self'" },
    body: page('CSP', '<script src="/www/nianbao.js" defer></script>'),
  }),
  // WebAssembly allowed, workers forbidden: the engine must run on the main thread.
  '/test/csp-no-worker.html': async () => ({
    headers: { 'Content-Security-Policy': "script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'" },
    body: page('CSP', '<script src="/www/nianbao.js" defer></script>'),
  }),
};

let h;
before(async () => { h = await start({ pages: PAGES }); });
after(async () => { await h?.close(); });

const panel = '#report-form + nianbao-panel';
const summary = (p) => summaryOf(p, '#report-form');

/** Collects the form's nianbao:result details in window.results. */
const recordResults = (p) => p.evaluate(() => {
  window.results = [];
  document.getElementById('report-form').addEventListener('nianbao:result', (e) => window.results.push(e.detail));
});
const resultCount = (p) => p.evaluate(() => window.results.length);
// In the CLI's JSON layout (serde_json's pretty printer and JSON.stringify(..., null, 2)
// agree on every value the engine writes).
const lastResultJson = (p) => p.evaluate(() => JSON.stringify(window.results.at(-1), null, 2) + '\n');
const panelText = (p) => p.evaluate((sel) => document.querySelector(sel).shadowRoot.textContent, panel);

/** Makes a File in the page from bytes given here. */
function fileHandle(p, bytes, name, type) {
  return p.evaluateHandle(({ b64, name, type }) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new File([bytes], name, { type });
  }, { b64: Buffer.from(bytes).toString('base64'), name, type });
}

test('a GBK page whose server sends scripts without a charset gets the same panel and result as the UTF-8 demo page', async () => {
  // The control: on such a page a UTF-8 classic script is decoded as GBK (what broke the
  // drop-in when it held Chinese).
  const probe = await h.newPage();
  await probe.goto(`${h.base}/test/gbk-probe.html`);
  assert.equal(await probe.evaluate(() => document.characterSet), 'GBK');
  assert.notEqual(await probe.evaluate(() => window.probe), '检查通过');
  await probe.context().close();

  const run = async (url) => {
    const p = await h.newPage();
    await p.goto(url);
    await recordResults(p);
    await p.setInputFiles('#report-form input[type=file]', FIXTURES.minhe);
    await poll(async () => assert.equal(await resultCount(p), 1), { timeout: 10000 });
    await poll(async () => assert.match(await summary(p).textContent(), /^发现 \d+ 个错误/), { timeout: 2000 });
    const out = {
      charset: await p.evaluate(() => document.characterSet),
      mode: await p.evaluate(() => window.Nianbao.mode),
      json: await lastResultJson(p),
      panel: await panelText(p),
      errors: p.errors.map(String),
    };
    await p.context().close();
    return out;
  };
  const utf8 = await run(`${h.base}/www/index.html`);
  const gbkPage = await run(`${h.base}/test/gbk.html`);
  assert.equal(utf8.charset, 'UTF-8');
  assert.equal(gbkPage.charset, 'GBK');
  assert.deepEqual(gbkPage.errors, []);
  assert.equal(gbkPage.mode, 'worker');
  assert.equal(gbkPage.json, nativeJson(FIXTURES.minhe));
  assert.equal(gbkPage.json, utf8.json);
  assert.equal(gbkPage.panel, utf8.panel);
  assert.ok(gbkPage.panel.includes('年报自动检查'), 'the panel speaks Chinese');
});

test('a picked File and a dropped file give results byte-identical to nianbao check --format json; the dropped file goes up with the form', async () => {
  const p = await h.newPage();
  h.submissions.length = 0;
  // The engines' WebAssembly as the worker fetches it: the core at start, the full one
  // only for the PDF (the core answers reader_not_loaded), once.
  const wasm = [];
  p.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  await p.goto(`${h.base}/www/index.html`);
  await recordResults(p);
  assert.equal((await p.evaluate(() => window.Nianbao.ready)).mode, 'worker');
  assert.equal(await p.evaluate(() => window.Nianbao.mode), 'worker');
  assert.deepEqual(wasm, ['/pkg/nianbao_core_bg.wasm']);

  // Picked: the PDF.
  await p.setInputFiles('#report-form input[type=file]', FIXTURES.pdf);
  await poll(async () => assert.equal(await resultCount(p), 1), { timeout: 10000 });
  assert.equal(await lastResultJson(p), nativeJson(FIXTURES.pdf));
  assert.deepEqual(wasm, ['/pkg/nianbao_core_bg.wasm', '/pkg/nianbao_bg.wasm']);

  // Dropped: the .docx, onto the form (not onto its input).
  const docx = await readFile(FIXTURES.docx);
  const file = await fileHandle(p, docx, 'template-2021.docx', '');
  const dataTransfer = await p.evaluateHandle((f) => { const dt = new DataTransfer(); dt.items.add(f); return dt; }, file);
  await p.dispatchEvent('#report-form', 'dragenter', { dataTransfer });
  await p.dispatchEvent('#report-form', 'dragover', { dataTransfer });
  assert.equal(await p.evaluate(() => document.getElementById('report-form').classList.contains('nianbao-dragover')), true);
  await p.dispatchEvent('#report-form .row', 'drop', { dataTransfer });
  await poll(async () => assert.equal(await resultCount(p), 2), { timeout: 10000 });
  assert.equal(await lastResultJson(p), nativeJson(FIXTURES.docx));
  assert.equal(await p.evaluate(() => document.getElementById('report-form').classList.contains('nianbao-dragover')), false);
  assert.equal(await p.evaluate(() => document.querySelector('#report-form input[type=file]').files[0].name), 'template-2021.docx');
  assert.equal(wasm.length, 2, 'the full engine fetched once');
  assert.match(await p.locator(`${panel} .meta`).textContent(), /^文件“template-2021\.docx”/);

  // Warnings only: it goes up with the form, byte for byte.
  await Promise.all([
    p.waitForURL(`${h.base}/intake/reports`, { timeout: 10000 }),
    p.click('#report-form button[type=submit]'),
  ]);
  assert.equal(h.submissions.length, 1);
  assert.ok(h.submissions[0].body.includes('filename="template-2021.docx"'));
  assert.ok(h.submissions[0].body.includes(docx), 'the dropped .docx was submitted byte for byte');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('the API takes a File or Blob: Nianbao.check in the worker, and the package\'s check and checkJson on the page return Promises of the native result', async () => {
  const p = await h.newPage();
  await p.goto(`${h.base}/www/index.html`);
  await p.evaluate(() => window.Nianbao.ready);
  const bytes = await readFile(FIXTURES.pingtan);
  const expected = nativeJson(FIXTURES.pingtan);
  const file = await fileHandle(p, bytes, 'pingtan-2023.html', 'text/html');
  const viaDropIn = await p.evaluate(async (f) => JSON.stringify(await window.Nianbao.check(f), null, 2) + '\n', file);
  assert.equal(viaDropIn, expected);
  const viaPackage = await p.evaluate(async (f) => {
    const m = await import('/pkg/nianbao.js');
    await m.default({ module_or_path: '/pkg/nianbao_bg.wasm' });
    const blob = new Blob([await f.arrayBuffer()]);
    const promised = m.checkJson(blob);
    const isPromise = promised instanceof Promise;
    const json = await promised;
    const report = await m.normalize(f);
    const big = await m.check(new Blob([new Uint8Array(20 * 1024 * 1024 + 1)])).then(() => 'read', (e) => e.code);
    return { isPromise, json, agency: report.agency, big };
  }, file);
  assert.equal(viaPackage.isPromise, true);
  assert.equal(viaPackage.json + '\n', expected);
  assert.equal(viaPackage.agency, JSON.parse(expected).agency);
  assert.equal(viaPackage.big, 'too_large');

  // Last year's report as a File too (options.previous): read in the worker, the result the
  // CLI's with --previous.
  const pairs = path.join(path.dirname(FIXTURES.pingtan), 'pairs');
  const [last, differs] = ['2020.json', '2021-differs.json'].map((n) => path.join(pairs, n));
  const withPrevious = nativeCheck(['--format', 'json', '--previous', last, differs]);
  assert.match(withPrevious, /"X001"/);
  const files = [
    await fileHandle(p, await readFile(differs), '2021.json', 'application/json'),
    await fileHandle(p, await readFile(last), '2020.json', 'application/json'),
  ];
  const paired = await p.evaluate(async ([f, previous]) =>
    JSON.stringify(await window.Nianbao.check(f, { previous }), null, 2) + '\n', files);
  assert.equal(paired, withPrevious);

  // A picked file that is gone from the disk when it is read: refused, saying so.
  const dir = await mkdtemp(path.join(tmpdir(), 'nianbao-'));
  const gone = path.join(dir, 'gone.txt');
  await writeFile(gone, await readFile(FIXTURES.huaian));
  await p.evaluate(() => { const i = document.createElement('input'); i.type = 'file'; i.id = 'loose'; document.body.append(i); });
  await p.setInputFiles('#loose', gone);
  await rm(dir, { recursive: true });
  const refusal = await p.evaluate(() => window.Nianbao.check(document.getElementById('loose').files[0])
    .then(() => 'read', (e) => ({ code: e.code, message: e.message })));
  assert.equal(refusal.code, 'unreadable_file');
  assert.match(refusal.message, /^无法读取文件：/);
  await p.context().close();
});

/** Records long tasks (over 50 ms) of the page's main thread from now on. */
const observeLongTasks = (p) => p.evaluate(() => {
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
});

/** Picks `bytes` as a file and waits until the panel has an outcome; returns the long tasks. */
async function pickAndWatch(p, bytes, name, done) {
  await observeLongTasks(p);
  const file = await fileHandle(p, bytes, name, 'application/pdf');
  await p.evaluate((f) => {
    const dt = new DataTransfer();
    dt.items.add(f);
    const input = document.querySelector('#report-form input[type=file]');
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, file);
  await poll(done, { timeout: 15000 });
  // Let the observer deliver what it saw.
  await p.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  return p.evaluate(() => window.longTasks);
}

test('in worker mode the main thread has no long task while the largest fixture PDF is checked; on the main thread a check makes one', async () => {
  const pdf = await readFile(FIXTURES.pdf);
  const p = await h.newPage();
  await p.goto(`${h.base}/www/index.html`);
  await recordResults(p);
  await p.evaluate(() => window.Nianbao.ready);
  assert.equal(await p.evaluate(() => window.Nianbao.mode), 'worker');
  const tasks = await pickAndWatch(p, pdf, 'huaian-2024.pdf', async () => assert.equal(await resultCount(p), 1));
  assert.deepEqual(tasks, [], `no long task in worker mode: ${JSON.stringify(tasks)}`);
  assert.equal(await lastResultJson(p), nativeJson(FIXTURES.pdf));
  await p.context().close();

  // The same observer sees the engine block the page when it runs on the main thread (a
  // PDF that runs into the reader's bounds takes far over 50 ms).
  const m = await h.newPage();
  await m.goto(`${h.base}/test/main-thread.html`);
  await m.evaluate(() => window.Nianbao.ready);
  assert.equal(await m.evaluate(() => window.Nianbao.mode), 'main');
  const blocked = await pickAndWatch(m, boundsPdf(), 'bounds.pdf',
    async () => assert.equal(await summary(m).textContent(), '无法在浏览器中检查此报告'));
  assert.ok(blocked.some((t) => t.duration > 200), `a long task on the main thread: ${JSON.stringify(blocked)}`);
  await m.context().close();
});

test('a PDF built to run into the reader\'s bounds runs past the time bound: stopped, the panel says so, the form is not blocked, the next check runs', async () => {
  const p = await h.newPage();
  h.submissions.length = 0;
  await p.goto(`${h.base}/test/timeout.html`);
  await recordResults(p);
  await p.evaluate(() => window.Nianbao.ready);
  const tasks = await pickAndWatch(p, boundsPdf(), 'bounds.pdf',
    async () => assert.equal(await summary(p).textContent(), '无法在浏览器中检查此报告'));
  assert.deepEqual(tasks, []);
  assert.equal(await p.locator(`${panel} .body .notice`).textContent(),
    `文件“bounds.pdf”无法在浏览器中检查：检查超过 ${TIMEOUT_MS / 1000} 秒仍未完成，已停止（将由服务器检查）`);
  assert.equal(await resultCount(p), 0);
  const refusal = await p.evaluate(async () => {
    try { await window.Nianbao.check(document.querySelector('#report-form input[type=file]').files[0]); return 'answered'; } catch (e) { return e.code; }
  });
  assert.equal(refusal, 'timeout');

  // Not blocked: the server decides.
  await Promise.all([
    p.waitForURL(`${h.base}/intake/reports`, { timeout: 10000 }),
    p.click('#report-form button[type=submit]'),
  ]);
  assert.equal(h.submissions.length, 1);
  assert.ok(h.submissions[0].body.includes('filename="bounds.pdf"'));

  // A fresh worker answers the next report.
  await p.goto(`${h.base}/test/timeout.html`);
  await recordResults(p);
  await p.setInputFiles('#report-form input[type=file]', FIXTURES.huaian);
  await poll(async () => assert.equal(await resultCount(p), 1), { timeout: 10000 });
  assert.equal(await summary(p).textContent(), '检查通过');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('a CSP without worker-src: the engine runs on the main thread and the panel says so', async () => {
  const p = await h.newPage();
  await p.goto(`${h.base}/test/csp-no-worker.html`);
  await recordResults(p);
  assert.deepEqual(await p.evaluate(() => window.Nianbao.ready), { version: JSON.parse(nativeJson(FIXTURES.huaian)).engine.version, mode: 'main' });
  assert.equal(await p.evaluate(() => window.Nianbao.mode), 'main');
  await poll(async () => assert.equal(await p.locator(`${panel} .notice`).first().textContent(), MAIN_THREAD_NOTICE));
  await p.setInputFiles('#report-form input[type=file]', FIXTURES.minhe);
  await poll(async () => assert.equal(await resultCount(p), 1), { timeout: 10000 });
  assert.equal(await lastResultJson(p), nativeJson(FIXTURES.minhe));
  assert.equal(await p.locator(`${panel} .notice`).first().textContent(), MAIN_THREAD_NOTICE);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('a CSP that forbids WebAssembly on the page but not workers: the engine runs in the worker', async () => {
  const p = await h.newPage();
  await p.goto(`${h.base}/test/csp-no-wasm.html`);
  await recordResults(p);
  assert.equal((await p.evaluate(() => window.Nianbao.ready)).mode, 'worker');
  await p.setInputFiles('#report-form input[type=file]', FIXTURES.pdf);
  await poll(async () => assert.equal(await resultCount(p), 1), { timeout: 10000 });
  assert.equal(await lastResultJson(p), nativeJson(FIXTURES.pdf));
  assert.equal(await p.locator(`${panel} .notice`).first().isHidden(), true);
  await p.context().close();
});

test('in worker mode a PDF that runs into the reader\'s bounds is shown as being checked, then refused by the engine within the default time bound', async () => {
  const p = await h.newPage();
  h.submissions.length = 0;
  await p.goto(`${h.base}/www/index.html`);
  await p.evaluate(() => window.Nianbao.ready);
  // Every text the live summary shows, in order.
  await p.evaluate((sel) => {
    const node = document.querySelector(sel).shadowRoot.querySelector('.summary');
    window.summaries = [];
    new MutationObserver(() => window.summaries.push(node.textContent)).observe(node, { childList: true, characterData: true, subtree: true });
  }, panel);
  const tasks = await pickAndWatch(p, boundsPdf(), 'bounds.pdf',
    async () => assert.equal(await summary(p).textContent(), '无法在浏览器中检查此报告'));
  assert.deepEqual(tasks, []);
  const seen = await p.evaluate(() => window.summaries);
  assert.deepEqual(seen.slice(-2), ['正在检查…', '无法在浏览器中检查此报告'], `summaries: ${seen}`);
  const notice = await p.locator(`${panel} .body .notice`).textContent();
  assert.match(notice, /^文件“bounds\.pdf”无法在浏览器中检查：输入过于复杂：PDF 页面内容指令超过 20000000 条/);
  await p.context().close();
});
