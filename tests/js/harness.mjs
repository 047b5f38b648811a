// What the browser tests share: a small HTTP server on 127.0.0.1 (ephemeral port) that
// serves the repository root as a portal would - /www/... and the engine built by
// `bash scripts/build-wasm` at /pkg/... - and Debian's Chromium (/usr/bin/chromium, driven by
// playwright-core; no browser is ever downloaded). The server also
//   - serves every file again under /nocharset/... with a Content-Type that names no
//     charset (`text/javascript`, as Python's http.server, IIS and many nginx setups send);
//   - records what the forms submit (POST /intake/...), so a blocked submit can be told
//     from one that went through;
//   - serves the test pages a test file gives (`pages`: path -> async () => { headers, body },
//     body a string or bytes);
//   - holds back the static files a test names (`h.hold = (pathname) => promise | null`),
//     so a test can see what the page does before they come;
//   - answers a fallback URL (POST /fallback) with the result of the real engine (the Node
//     build in target/pkg-node), and records what it received.
// Nothing of nianbao is mocked: the checks run the engine's WebAssembly in the page.

import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = {
  minhe: path.resolve(ROOT, 'examples/minhe-2020.txt'),
  blankColumns: path.resolve(ROOT, 'examples/blank-columns-2021.txt'),
  huaian: path.join(ROOT, 'tests/fixtures/huaian-2024.txt'),
  docx: path.resolve(ROOT, 'tests/fixtures/template-2021.docx'),
  pingtan: path.resolve(ROOT, 'tests/fixtures/pingtan-2023.html'),
  pdf: path.resolve(ROOT, 'tests/fixtures/huaian-2024.pdf'),
};
export const SCREENSHOTS = path.join(ROOT, 'target/screenshots');

export const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

// The engine's Node build answers the fallback route, as the server-side check would.
export const engine = createRequire(import.meta.url)(path.join(ROOT, 'target/pkg-node/nianbao.js'));

// The native binary that `cargo test` built (in CARGO_TARGET_DIR when that is set): what
// the page shows is compared with what `nianbao check --format json` prints.
const nativeBinary = ['debug/nianbao', 'release/nianbao']
  .map((p) => path.join(path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target'), p))
  .find(existsSync);

export function nativeJson(file) {
  return nativeCheck(['--format', 'json', file]);
}

/** What `nianbao check ARGS...` prints (a report read: exit 0 or 1). */
export function nativeCheck(args) {
  assert.ok(nativeBinary, 'the native binary is built (cargo build)');
  const out = spawnSync(nativeBinary, ['check', ...args], { encoding: 'utf8' });
  assert.ok(out.status === 0 || out.status === 1, `native exit ${out.status}: ${out.stderr}`);
  return out.stdout;
}

export const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Starts the server and the browser; `close()` stops both. */
export async function start({ pages = {} } = {}) {
  const h = { submissions: [], fallbackPosts: [], base: '', browser: null };

  async function handle(req, res) {
    const url = new URL(req.url, h.base);
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] || '';

    if (req.method === 'POST' && url.pathname.startsWith('/intake/')) {
      h.submissions.push({ path: url.pathname, contentType, body });
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end('<!DOCTYPE html><title>ok</title><p>ok</p>');
    }
    if (req.method === 'POST' && url.pathname === '/fallback') {
      h.fallbackPosts.push({ contentType, body });
      try {
        const result = engine.check(new Uint8Array(body));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(result));
      } catch (e) {
        res.writeHead(422, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ error: { code: e.code, message: e.message } }));
      }
    }
    if (pages[url.pathname]) {
      const page = await pages[url.pathname]();
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...page.headers });
      return res.end(page.body);
    }
    // A test may hold some files back (`h.hold(pathname)`: a Promise to wait for, or null).
    const held = h.hold && h.hold(url.pathname);
    if (held) await held;
    // Static files under the repository root only; under /nocharset/ with no charset named.
    const noCharset = url.pathname.startsWith('/nocharset/');
    const rel = decodeURIComponent(noCharset ? url.pathname.slice('/nocharset'.length) : url.pathname);
    const file = path.join(ROOT, rel);
    if (!file.startsWith(ROOT + path.sep)) { res.writeHead(403); return res.end(); }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const data = await readFile(file);
      let type = MIME[path.extname(file)] || 'application/octet-stream';
      if (noCharset) type = type.replace(/; charset=.*$/, '');
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      return res.end(data);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
  }

  const server = http.createServer((req, res) => handle(req, res).catch((e) => {
    res.writeHead(500); res.end(String(e));
  }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  h.base = `http://127.0.0.1:${server.address().port}`;
  h.browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  h.close = async () => {
    await h.browser?.close();
    await new Promise((resolve) => server.close(resolve));
  };
  /** A fresh page (own context: no shared cache) that records dialogs, page errors and
   *  console messages. */
  h.newPage = async () => {
    const context = await h.browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.dialogs = [];
    page.errors = [];
    page.messages = [];
    page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => page.errors.push(e));
    page.on('console', (m) => page.messages.push(`${m.type()}: ${m.text()}`));
    return page;
  };
  return h;
}

/** Retries `fn` until it does not throw, like expect.poll; fails after `timeout` ms. */
export async function poll(fn, { timeout = 1000, interval = 25 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

export const summaryOf = (page, form) => page.locator(`${form} + nianbao-panel .summary`);
