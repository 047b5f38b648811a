// Pick -> result with the drop-in in Debian's Chromium, per format, in worker mode (the
// default) and in main-thread mode (data-nianbao-thread="main"): the time from the file
// input's `change` (a File set as a pick sets it) to the form's `nianbao:result` event, as a
// clerk waits for it - reading the File, the check, the result's trip back from the worker,
// the panel. Also the longest main-thread task seen meanwhile (PerformanceObserver
// `longtask`: tasks over 50 ms; "-" when there was none), and how long the PDF built to run
// into the reader's bounds takes to be refused in the worker (default time bound 5 s).
// Run: bash scripts/build-wasm && node bench/dropin.mjs   (figures in BENCHMARKS.md)
import { readFileSync } from 'node:fs';
import { start, FIXTURES } from '../tests/js/harness.mjs';
import { boundsPdf } from '../tests/js/pdfs.mjs';

const RUNS = Number(process.env.RUNS || 40);
const files = {
  'minhe-2020.txt': readFileSync(FIXTURES.minhe),
  'template-2021.docx': readFileSync(FIXTURES.docx),
  'pingtan-2023.html': readFileSync(FIXTURES.pingtan),
  'huaian-2024.pdf': readFileSync(FIXTURES.pdf),
};
const page = (head) => `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title>${head}</head>
  <body><form id="f" data-nianbao data-nianbao-mode="warn"><input type="file" name="report"></form></body></html>`;
const h = await start({
  pages: {
    '/bench/worker.html': async () => ({ headers: {}, body: page('<script src="/www/nianbao.js" defer></script>') }),
    '/bench/main.html': async () => ({ headers: {}, body: page('<script src="/www/nianbao.js" data-nianbao-thread="main" defer></script>') }),
  },
});

/** In the page: picks `bytes` as a File `runs` times; median and max ms to the result, longest task. */
function measure(p, bytes, name, runs) {
  return p.evaluate(async ({ b64, name, runs }) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const form = document.getElementById('f');
    const input = form.querySelector('input');
    let longest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) longest = Math.max(longest, e.duration); })
      .observe({ type: 'longtask' });
    const once = () => new Promise((resolve) => {
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name));            // a new File each time: never memoized
      input.files = dt.files;
      const t = performance.now();
      const done = (ev) => {
        const ms = performance.now() - t;
        form.removeEventListener('nianbao:result', done);
        // The panel is drawn in the same task as the event: wait for the next frame.
        requestAnimationFrame(() => resolve({ ms, ok: !!ev.detail }));
      };
      form.addEventListener('nianbao:result', done);
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    for (let i = 0; i < 5; i++) await once();
    const times = [];
    for (let i = 0; i < runs; i++) times.push((await once()).ms);
    await new Promise((r) => setTimeout(r, 100));
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1], longest };
  }, { b64: Buffer.from(bytes).toString('base64'), name, runs });
}

try {
  for (const mode of ['worker', 'main']) {
    const p = await h.newPage();
    await p.goto(`${h.base}/bench/${mode}.html`);
    const ready = await p.evaluate(() => window.Nianbao.ready);
    if (ready.mode !== mode) throw new Error(`asked for ${mode}, runs in ${ready.mode}`);
    for (const [name, bytes] of Object.entries(files)) {
      const r = await measure(p, bytes, name, RUNS);
      console.log(`${mode.padEnd(6)} pick -> result ${name.padEnd(19)} median ${r.median.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, ` +
        `longest task ${r.longest ? `${r.longest.toFixed(0)} ms` : '-'} (${RUNS} runs)`);
    }
    await p.context().close();
  }
  // The bounds PDF, refused by the engine (before the 5 s bound), in each mode: how long,
  // and the longest task of the page's main thread meanwhile.
  const bounds = boundsPdf();
  for (const mode of ['worker', 'main']) {
    const p = await h.newPage();
    await p.goto(`${h.base}/bench/${mode}.html`);
    await p.evaluate(() => window.Nianbao.ready);
    const refused = await p.evaluate(async (b64) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      let longest = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) longest = Math.max(longest, e.duration); })
        .observe({ type: 'longtask' });
      const out = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const code = await window.Nianbao.check(new File([bytes], 'bounds.pdf')).then(() => 'read', (e) => e.code);
        out.push(`${code} in ${(performance.now() - t).toFixed(0)} ms`);
      }
      await new Promise((r) => setTimeout(r, 100));
      return { out, longest };
    }, bounds.toString('base64'));
    console.log(`${mode.padEnd(6)} bounds.pdf (${bounds.length} bytes, 20M operators): ${refused.out.join(', ')}; ` +
      `longest task ${refused.longest ? `${refused.longest.toFixed(0)} ms` : '-'}`);
    await p.context().close();
  }
} finally {
  await h.close();
}
