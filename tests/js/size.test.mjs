// The page's engine stays light (issue 12): the core engine the drop-in loads on every page
// (pkg/nianbao_core_bg.wasm: UTF-8 text, canonical JSON, HTML, the fields) is at most the
// budget README.md states, gzip -9 (node:zlib, level 9), the number read from README.md so
// that the two cannot drift. The full engine (pkg/nianbao_bg.wasm, every reader) is fetched
// only for a .docx, a PDF or a text not in UTF-8; its size is printed, not bounded.
// Needs `bash scripts/build-wasm`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** README.md: "the core engine (`pkg/nianbao_core_bg.wasm`) is at most **358,400 bytes** gzip -9". */
function budget() {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const m = /core engine \(`pkg\/nianbao_core_bg\.wasm`\) is at most \*\*([\d,]+) bytes\*\* gzip -9/.exec(readme);
  assert.ok(m, 'README.md states the core engine\'s budget');
  return Number(m[1].replace(/,/g, ''));
}

const sizes = (file) => {
  const bytes = readFileSync(path.join(root, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length };
};

test('the core engine is within the budget README.md states (gzip -9); both engines\' sizes printed', () => {
  const limit = budget();
  const core = sizes('pkg/nianbao_core_bg.wasm');
  const full = sizes('pkg/nianbao_bg.wasm');
  console.log(`size: pkg/nianbao_core_bg.wasm ${core.raw} bytes raw, ${core.gzip} gzip -9 (budget ${limit})`);
  console.log(`size: pkg/nianbao_bg.wasm ${full.raw} bytes raw, ${full.gzip} gzip -9`);
  assert.ok(core.gzip <= limit, `the core engine is ${core.gzip} bytes gzip -9, over the budget of ${limit}`);
  // The split is worth something only if the core is the lighter one.
  assert.ok(core.gzip < full.gzip, 'the core engine is smaller than the full one');
});
