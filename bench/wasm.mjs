// Benchmark harness for the WebAssembly build: the median time of `check` on the real
// fixtures, in Node (target/pkg-node) and in Debian's Chromium (pkg/, served from
// 127.0.0.1), to compare with the native criterion figures (BENCHMARKS.md). Every input is
// given as its bytes, as a picked file is (in Chromium, fetched from /fixture/<name>).
// The core engine (pkg/nianbao_core.js, without the readers: what the drop-in starts) is
// timed too, on the inputs it reads (`core` lines).
// Run: bash scripts/build-wasm && node bench/wasm.mjs
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = {
  'minhe-2020.txt': path.join(root, 'examples/minhe-2020.txt'),
  'huaian-2024.txt': path.join(root, 'tests/fixtures/huaian-2024.txt'),
  'template-2021.docx': path.join(root, 'tests/fixtures/template-2021.docx'),
  'pingtan-2023.html': path.join(root, 'tests/fixtures/pingtan-2023.html'),
  'huaian-2024.pdf': path.join(root, 'tests/fixtures/huaian-2024.pdf'),
};
const RUNS = 300;
/** What the core engine reads (the rest needs the full one). */
const CORE = ['minhe-2020.txt', 'huaian-2024.txt', 'pingtan-2023.html'];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Node
const wasm = createRequire(import.meta.url)(path.join(root, 'target/pkg-node/nianbao.js'));
const core = await import(path.join(root, 'pkg/nianbao_core.js'));
core.initSync({ module: readFileSync(path.join(root, 'pkg/nianbao_core_bg.wasm')) });
for (const [engine, label, names] of [[wasm, 'node     ', Object.keys(fixtures)], [core, 'node core', CORE]]) {
  for (const name of names) {
    const bytes = new Uint8Array(readFileSync(fixtures[name]));
    for (let i = 0; i < 30; i++) engine.check(bytes);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      engine.check(bytes);
      times.push(performance.now() - t);
    }
    console.log(`${label} check ${name}: median ${median(times).toFixed(3)} ms over ${RUNS} runs`);
  }
}

// Chromium
const { chromium } = await import('playwright-core');
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.txt': 'text/plain' };
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/fixture/') && fixtures[url.pathname.slice('/fixture/'.length)]) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(readFileSync(fixtures[url.pathname.slice('/fixture/'.length)]));
    return;
  }
  if (url.pathname === '/bench.html') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><meta charset="utf-8"><title>bench</title>');
    return;
  }
  const file = path.join(root, decodeURIComponent(url.pathname));
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/bench.html`);
  const runs = [...Object.keys(fixtures).map((n) => [n, 'nianbao']), ...CORE.map((n) => [n, 'nianbao_core'])];
  for (const [name, engine] of runs) {
    const ms = await page.evaluate(async ({ name, runs, engine }) => {
      const m = await import(`/pkg/${engine}.js`);
      await m.default({ module_or_path: `/pkg/${engine}_bg.wasm` });
      const bytes = new Uint8Array(await (await fetch(`/fixture/${name}`)).arrayBuffer());
      for (let i = 0; i < 30; i++) m.check(bytes);
      // Chromium's clock is coarse (0.1 ms): time batches of 10 checks.
      const times = [];
      for (let i = 0; i < runs / 10; i++) {
        const t = performance.now();
        for (let k = 0; k < 10; k++) m.check(bytes);
        times.push((performance.now() - t) / 10);
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)];
    }, { name, runs: RUNS, engine });
    const label = engine === 'nianbao' ? 'chromium ' : 'chrom core';
    console.log(`${label} check ${name}: median ${ms.toFixed(3)} ms (batches of 10, ${RUNS} runs)`);
  }
} finally {
  await browser.close();
  server.close();
}
