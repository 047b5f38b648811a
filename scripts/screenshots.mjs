// Makes the screenshots of docs/screenshots/ in real Chromium (playwright-core driving
// Debian's /usr/bin/chromium, as tests/js/harness.mjs does; the Chinese needs a CJK font,
// fonts-wqy-microhei, which scripts/setup installs):
//   blanks-panel.png  the drop-in's panel on the demo page for examples/blank-columns-2021.txt
//   blanks-human.png  `nianbao check` of the same file, in Chinese and in English, as a
//                     terminal shows it (its colours kept)
// Not run by the tests. Needs `bash scripts/build-wasm` and a built nianbao (target/release
// or target/debug). Run: node scripts/screenshots.mjs

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { start, poll, summaryOf, esc, FIXTURES, ROOT } from '../tests/js/harness.mjs';

const OUT = path.join(ROOT, 'docs/screenshots');
const EXAMPLE = path.relative(ROOT, FIXTURES.blankColumns);
const binary = ['release/nianbao', 'debug/nianbao']
  .map((p) => path.join(ROOT, process.env.CARGO_TARGET_DIR || 'target', p))
  .find(existsSync);
if (!binary) throw new Error('build nianbao first (cargo build --release)');

/** `nianbao ARGS` run from the repository root, with the colours a terminal would get. */
function run(args) {
  const out = spawnSync(binary, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CLICOLOR_FORCE: '1' } });
  return `<span class="prompt">$</span> nianbao ${esc(args.join(' '))}\n${ansiToHtml(out.stdout)}`;
}

/** The SGR sequences anstyle writes (bold, the eight colours, reset) as spans. */
function ansiToHtml(text) {
  const colours = { 31: 'red', 32: 'green', 33: 'yellow', 34: 'blue', 36: 'cyan' };
  let open = 0;
  const html = esc(text).replace(/\x1b\[([0-9;]*)m/g, (_, codes) => {
    if (codes === '' || codes === '0') {
      const close = '</span>'.repeat(open);
      open = 0;
      return close;
    }
    const classes = codes.split(';').map((c) => (c === '1' ? 'bold' : colours[c] || '')).filter(Boolean);
    open++;
    return `<span class="${classes.join(' ')}">`;
  });
  return html + '</span>'.repeat(open);
}

const TERMINAL_CSS = `
  body { margin: 0; background: #1e1e1e; }
  pre { margin: 0; padding: 16px 20px; color: #d4d4d4; white-space: pre-wrap;
    font: 14px/1.5 "DejaVu Sans Mono", "WenQuanYi Micro Hei Mono", "WenQuanYi Micro Hei", monospace; }
  .bold { font-weight: bold; } .red { color: #f14c4c; } .green { color: #23d18b; }
  .yellow { color: #e5c07b; } .blue { color: #3b8eea; } .cyan { color: #29b8db; }
  .prompt { color: #6a9955; }`;

const h = await start({
  pages: {
    '/screenshots/human.html': async () => ({
      headers: {},
      body: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${TERMINAL_CSS}</style></head><body><pre>${
        run(['check', EXAMPLE])}\n${run(['check', '--lang', 'en', EXAMPLE])}</pre></body></html>`,
    }),
  },
});
try {
  await mkdir(OUT, { recursive: true });

  const panelPage = await h.newPage();
  await panelPage.goto(`${h.base}/www/index.html`);
  await panelPage.setInputFiles('#report-form input[type=file]', FIXTURES.blankColumns);
  const summary = summaryOf(panelPage, '#report-form');
  await poll(async () => {
    if (!/125/.test(await summary.textContent())) throw new Error('not checked yet');
  }, { timeout: 10000 });
  await panelPage.locator('#report-form + nianbao-panel').screenshot({ path: path.join(OUT, 'blanks-panel.png') });

  const terminal = await h.newPage();
  await terminal.setViewportSize({ width: 1240, height: 400 });
  await terminal.goto(`${h.base}/screenshots/human.html`);
  await terminal.locator('pre').screenshot({ path: path.join(OUT, 'blanks-human.png') });
  console.log(`written: ${path.relative(ROOT, OUT)}/blanks-panel.png, blanks-human.png`);
} finally {
  await h.close();
}
