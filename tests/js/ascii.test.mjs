// Every shipped script is pure ASCII, so that it loads on a page of any encoding: a GBK
// portal page whose server sends scripts without a charset decodes a classic script as GBK
// (portal.test.mjs shows the drop-in working there). Shipped: www/*.js (the drop-in, its
// engine module and worker, the playground) and pkg/*.js (the engine's JavaScript, made
// ASCII by scripts/build-wasm). Fix a failure with `node scripts/ascii-js.mjs --write FILE`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsFiles, nonAscii, escape } from '../../scripts/ascii-js.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('every shipped .js holds ASCII bytes only', () => {
  const files = jsFiles([path.join(root, 'www'), path.join(root, 'pkg')]);
  const names = files.map((f) => path.relative(root, f));
  for (const shipped of ['www/nianbao.js', 'www/nianbao-engine.js', 'www/nianbao-worker.js', 'pkg/nianbao.js']) {
    assert.ok(names.includes(shipped), `${shipped} is checked`);
  }
  const bad = files.flatMap((f) => nonAscii(readFileSync(f)).map(({ line, col }) => `${path.relative(root, f)}:${line}:${col}`));
  assert.deepEqual(bad, [], 'non-ASCII bytes (node scripts/ascii-js.mjs --write FILE)');
});

test('the check finds a non-ASCII byte, and escaping keeps what the code means', () => {
  assert.deepEqual(nonAscii(Buffer.from("const a = 1;\nconst b = '检查';\n")), [{ line: 2, col: 12 }]);
  const source = "const s = '检查通过 · 😀'; const r = /^第\\s*\\d+\\s*行$/u; /* 注释 */ const t = `${s}行`;";
  const ascii = escape(source);
  assert.deepEqual(nonAscii(Buffer.from(ascii)), []);
  // eslint-disable-next-line no-new-func
  const run = (code) => new Function(`${code}; return [s, r.test('第 3 行'), t];`)();
  assert.deepEqual(run(ascii), run(source));
  assert.deepEqual(run(ascii), ['检查通过 · 😀', true, '检查通过 · 😀行']);
});
