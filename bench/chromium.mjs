// The drop-in in Debian's Chromium (headless, through tests/js/harness.mjs: the repository
// served from 127.0.0.1), per format: how long from the script's start to the engine ready
// (window.Nianbao.timings: scriptStart -> ready; the core engine, fetched and compiled), and
// from a pick to the first result (the file input's `change`, a File set as a pick sets it,
// to the form's `nianbao:result`: reading the File, the check in the worker - for .docx and
// PDF the core answers `reader_not_loaded` and the full engine is fetched and started first -
// the result's trip back, the panel), then a second pick of the same bytes on the same page
// (the engine loaded, but its code not yet hot: bench/dropin.mjs times picks after five
// warm-up picks). Each run is a fresh page in a fresh browser context (nothing cached); the
// runs go round the formats in turn. ms: median (min–max).
// Run (after bash scripts/build-wasm): node bench/chromium.mjs   (RUNS=12)
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { start, FIXTURES, ROOT } from '../tests/js/harness.mjs';
import { summary, fmt, writeInputs } from './common.mjs';

const RUNS = Number(process.env.RUNS || 12);
// The canonical JSON as a file to pick, served from target/bench/.
const json = writeInputs().full;
const FORMATS = [
  ['text', FIXTURES.minhe],
  ['canonical JSON', json],
  ['HTML', FIXTURES.pingtan],
  ['.docx', FIXTURES.docx],
  ['PDF', FIXTURES.pdf],
];
const version = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const h = await start({
  pages: {
    '/bench/pick.html': async () => ({
      headers: {},
      body: `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title>
        <script src="/www/nianbao.js" defer></script></head>
        <body><form id="f" data-nianbao data-nianbao-mode="warn"><input type="file" name="report"></form></body></html>`,
    }),
  },
});

/** One fresh page: script -> ready, pick -> first result, pick -> result again (ms). */
async function once(file) {
  const page = await h.newPage();
  try {
    await page.goto(`${h.base}/bench/pick.html`);
    const url = `/${path.relative(ROOT, file)}`;
    const r = await page.evaluate(async ({ url, name }) => {
      await window.Nianbao.ready;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const form = document.getElementById('f');
      const input = form.querySelector('input');
      const pick = () => new Promise((resolve, reject) => {
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name));            // a new File each time: never memoized
        input.files = dt.files;
        const t = performance.now();
        const done = (ev) => {
          const ms = performance.now() - t;
          form.removeEventListener('nianbao:result', done);
          if (!ev.detail || !ev.detail.summary) reject(new Error(`no result for ${name}`));
          // The panel is drawn in the same task as the event: wait for the next frame.
          requestAnimationFrame(() => resolve(ms));
        };
        form.addEventListener('nianbao:result', done);
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
      const first = await pick();
      const again = await pick();
      const t = window.Nianbao.timings;
      return { ready: t.ready - t.scriptStart, first, again, mode: window.Nianbao.mode };
    }, { url, name: path.basename(file) });
    if (r.mode !== 'worker') throw new Error(`the engine runs in ${r.mode}, not a worker`);
    if (page.errors.length) throw page.errors[0];
    return r;
  } finally {
    await page.context().close();
  }
}

const times = FORMATS.map(() => ({ ready: [], first: [], again: [] }));
try {
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < FORMATS.length; k++) {
      const i = (run + k) % FORMATS.length;
      const r = await once(FORMATS[i][1]);
      for (const key of ['ready', 'first', 'again']) times[i][key].push(r[key]);
    }
    process.stderr.write(`bench/chromium: run ${run + 1}/${RUNS}\r`);
  }
  process.stderr.write('\n');
} finally {
  await h.close();
}
const cell = (xs) => {
  const s = summary(xs);
  return `**${fmt(s.median)}** (${fmt(s.min)}–${fmt(s.max)})`;
};
const out = [`${version}, headless; the drop-in (\`www/nianbao.js\`, worker mode) on a page served from 127.0.0.1; ` +
  `${RUNS} fresh pages per format, the formats in turn; on each, the file picked once, then again (the ` +
  'engine loaded but not yet hot; `node bench/dropin.mjs` times warm picks). Pick → result: from the file ' +
  'input\'s `change` to the form\'s `nianbao:result` (the File read, the check in the worker — for .docx and PDF ' +
  'the full engine fetched and started first — and the panel drawn). ms: median (min–max).', '',
  '| format | file | bytes | script → engine ready | pick → first result | pick → result again |', '|---|---|---|---|---|---|'];
FORMATS.forEach(([format, file], i) => {
  out.push(`| ${format} | \`${path.basename(file)}\` | ${statSync(file).size} | ${cell(times[i].ready)} | ` +
    `${cell(times[i].first)} | ${cell(times[i].again)} |`);
});
console.log(out.join('\n'));
