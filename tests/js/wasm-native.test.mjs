// The WebAssembly build answers exactly as the native one: for every fixture, the result
// JSON of `checkJson` (Node build of pkg) is byte-identical to `nianbao check --format json`,
// in Chinese and in English; and the JavaScript API takes strings, bytes and report objects.
// The core engine (pkg/nianbao_core.js, built without the readers: loaded here with
// initSync) answers every UTF-8 text, JSON and HTML fixture byte for byte as natively too,
// and refuses a .docx, a PDF and a text not in UTF-8 with code reader_not_loaded, naming
// the reader — nothing else.
// Needs `bash scripts/build-wasm` (target/pkg-node, pkg/) and the native binary (target/debug).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const wasm = require(path.join(root, 'target/pkg-node/nianbao.js'));
const core = await import(path.join(root, 'pkg/nianbao_core.js'));
core.initSync({ module: readFileSync(path.join(root, 'pkg/nianbao_core_bg.wasm')) });

// The native binary that `cargo test` built (in CARGO_TARGET_DIR when that is set).
const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR || 'target');
const native = ['debug/nianbao', 'release/nianbao']
  .map((p) => path.join(targetDir, p))
  .find(existsSync);

const fixtures = [
  'examples/minhe-2020.txt',
  'tests/fixtures/huaian-2024.txt',
  'tests/fixtures/huaian-2024.raw.txt',
  'tests/fixtures/template-2021.docx',
  'tests/fixtures/pingtan-2023.html',
  'tests/fixtures/huaian-2024.pdf',
  // Encrypted with a permissions password only: decrypted in WASM as natively.
  'tests/fixtures/encrypted/rc4-128.pdf',
  'tests/fixtures/encrypted/aes-256.pdf',
].map((p) => path.join(root, p));

function nativeJson(file, lang) {
  assert.ok(native, 'the native binary is built (cargo build)');
  const out = spawnSync(native, ['check', '--format', 'json', '--lang', lang, file], { encoding: 'utf8' });
  assert.ok(out.status === 0 || out.status === 1, `native exit ${out.status}: ${out.stderr}`);
  return out.stdout;
}

// What the core engine cannot read, by the reader it needs.
const needs = { '.docx': 'docx', '.pdf': 'pdf' };

for (const file of fixtures) {
  for (const lang of ['zh', 'en']) {
    test(`byte-identical result: ${path.basename(file)} (${lang})`, () => {
      const bytes = new Uint8Array(readFileSync(file));
      const fromWasm = wasm.checkJson(bytes, { lang });
      const expected = nativeJson(file, lang);
      assert.equal(fromWasm + '\n', expected);
      const reader = needs[path.extname(file)];
      if (reader) {
        assert.throws(() => core.checkJson(bytes, { lang }), (e) => e instanceof Error &&
          e.code === 'reader_not_loaded' && e.reader === reader, `the core engine needs the ${reader} reader`);
      } else {
        assert.equal(core.checkJson(bytes, { lang }) + '\n', expected, 'the core engine answers the same');
      }
    });
  }
}

test('the core engine: the same answers as the full one for what it reads, reader_not_loaded for the rest', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-core-'));
  const codeOf = (engine, input, options) => {
    try {
      engine.check(input, options);
    } catch (e) {
      return [e.code, e.reader, e.message];
    }
    return ['no error'];
  };
  // A GBK text (海东市民和县2020年度…报告 / 一、总体情况): the encodings reader; the full
  // engine answers as the CLI does.
  const gbk = Buffer.from('baa3b6abcad0c3f1bacdcfd832303230c4eab6c8d5feb8aed0c5cfa2b9abbfaab9a4d7f7c4eab6c8b1a8b8e60ad2bba1a2d7dccce5c7e9bff60a', 'hex');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('一、总体情况\n', 'utf16le')]);
  const gbkPage = Buffer.concat([Buffer.from('<html><head><meta charset="gbk"></head><body><p>'), gbk, Buffer.from('</p></body></html>')]);
  for (const [name, bytes] of [['gbk.txt', gbk], ['utf16.txt', utf16], ['gbk.html', gbkPage]]) {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    for (const lang of ['zh', 'en']) {
      assert.equal(wasm.checkJson(new Uint8Array(bytes), { lang }) + '\n', nativeJson(file, lang), name);
      const [code, reader, message] = codeOf(core, new Uint8Array(bytes), { lang });
      assert.deepEqual([code, reader], ['reader_not_loaded', 'encodings'], name);
      assert.match(message, lang === 'en' ? /not in UTF-8/ : /非 UTF-8/);
    }
  }
  // The same refusals as the full engine, at the same step: empty, binary, broken JSON, an
  // old .doc, a text with a UTF-8 BOM (read), a broken UTF-8 text that is binary.
  const same = [
    '', new Uint8Array([0, 1, 2, 3]), '{"template": "2021", "t3": {', { t3: 5 }, 42,
    new Uint8Array(Buffer.from('d0cf11e0a1b11ae1', 'hex')),
    new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(fixtures[0])])),
    new Uint8Array([0xff, 1, 2, 3, 4, 5, 6, 7, 8, 0x41]),
  ];
  for (const input of same) {
    assert.deepEqual(codeOf(core, input), codeOf(wasm, input), String(input).slice(0, 40));
    if (codeOf(wasm, input)[0] === 'no error') assert.deepEqual(core.check(input), wasm.check(input));
  }
  // Last year's report needing a reader: reader_not_loaded too, not previous_unreadable.
  const pdf = new Uint8Array(readFileSync(fixtures[5]));
  const [code, reader] = codeOf(core, readFileSync(fixtures[0], 'utf8'), { previous: pdf });
  assert.deepEqual([code, reader], ['reader_not_loaded', 'pdf']);
  assert.equal(core.version(), wasm.version());
  assert.deepEqual(core.labels('2019'), wasm.labels('2019'));
  assert.deepEqual(core.rules(), wasm.rules());
});

// blanks() words a result's blank cells as the CLI's human output does: each table's line is
// a `warning[C003]` header of `nianbao check`, and the C003 findings it leaves ungrouped
// (a table's lone blank cell) are the only other ones.
for (const file of [fixtures[0], fixtures[3], path.join(root, 'examples/blank-columns-2021.txt')]) {
  for (const lang of ['zh', 'en']) {
    test(`blank cells grouped as the CLI groups them: ${path.basename(file)} (${lang})`, () => {
      const result = wasm.check(new Uint8Array(readFileSync(file)), { lang });
      const groups = wasm.blanks(result, { lang });
      assert.ok(groups.length > 0);
      const out = spawnSync(native, ['check', '--lang', lang, file], { encoding: 'utf8' }).stdout;
      const headers = out.split('\n').filter((l) => l.startsWith('warning[C003]: ')).map((l) => l.slice(15));
      const grouped = new Set(groups.flatMap((g) => g.findings));
      const lone = result.findings.filter((f, i) => f.code === 'C003' && !grouped.has(i)).map((f) => f.message);
      assert.deepEqual(headers.sort(), [...groups.map((g) => g.message), ...lone].sort());
    });
  }
}

// A report object has no text: its findings' locations keep section, table, block, row and
// column, and carry no line or col (they would point into the one line of JSON the engine
// wrote it as); the same report as JSON text keeps them, byte-identical to the CLI's.
test('a report object is checked as its JSON text is, its locations without line or col', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const text = readFileSync(fixtures[0], 'utf8');
  const report = wasm.normalize(text);
  assert.equal(report.template, '2019');
  assert.equal(report.t3.r7.total, 81);
  const json = JSON.stringify(report, null, 2);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-object-')), 'report.json');
  writeFileSync(file, json);
  for (const engine of [wasm, core]) {
    const fromText = engine.check(json);
    assert.deepEqual(fromText, JSON.parse(nativeJson(file, 'zh')), 'the JSON text: as natively');
    assert.ok(fromText.findings.some((f) => f.location.line), 'the JSON text: findings with lines');
    const fromObject = engine.check(report);
    assert.equal(fromObject.valid, false);
    for (const f of fromObject.findings) {
      assert.ok(!('line' in f.location) && !('col' in f.location), `${f.code} has no line or col: ${JSON.stringify(f.location)}`);
    }
    const withoutLines = structuredClone(fromText);
    for (const f of withoutLines.findings) {
      delete f.location.line;
      delete f.location.col;
    }
    // Otherwise the same result; the same findings, errors first, but in the rules' order
    // (without lines there is no document order to sort them by).
    const sorted = (r) => ({ ...r, findings: r.findings.map((f) => JSON.stringify(f)).sort() });
    assert.deepEqual(sorted(fromObject), sorted(withoutLines), 'otherwise the same result');
    assert.deepEqual(fromObject.findings.map((f) => f.severity), withoutLines.findings.map((f) => f.severity));
    // checkJson(object) the same, as text; a row's place stays.
    const a003 = JSON.parse(engine.checkJson(report)).findings.find((f) => f.code === 'A003' && f.location.column === 'total');
    assert.deepEqual(a003.location, { section: 's3', table: 't3', row: 'r7', column: 'total' });
  }
});

test('strings, bytes and ArrayBuffers are the same input', () => {
  const bytes = readFileSync(fixtures[1]);
  const a = wasm.check(new Uint8Array(bytes));
  const b = wasm.check(bytes.toString('utf8'));
  const c = wasm.check(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
  assert.equal(a.valid, true);
  assert.equal(a.agency, '淮安市人民政府');
});

test('unreadable input throws an Error with a stable code', () => {
  const codeOf = (f) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof Error);
      return e.code;
    }
    return 'no error';
  };
  assert.equal(codeOf(() => wasm.check('')), 'empty');
  assert.equal(codeOf(() => wasm.check('{"template": "2021", "t3": {')), 'json');
  assert.equal(wasm.check('[1,2]').valid, false, 'not a JSON object: read as text');
  assert.equal(codeOf(() => wasm.check({ t3: 5 })), 'json');
  assert.equal(codeOf(() => wasm.check(42)), 'input');
  assert.equal(codeOf(() => wasm.check('x', { lang: 'fr' })), 'options');
  assert.equal(codeOf(() => wasm.check(new Uint8Array([0, 1, 2, 3]))), 'binary');
});

test('a Blob is answered with a Promise: over the input limit refused unread; without FileReader (Node) refused clearly', async () => {
  const big = wasm.check(new Blob([new Uint8Array(20 * 1024 * 1024 + 1)]));
  assert.ok(big instanceof Promise);
  await assert.rejects(big, (e) => e instanceof Error && e.code === 'too_large');
  for (const call of [() => wasm.check(new Blob(['x']), { lang: 'en' }), () => wasm.checkJson(new Blob(['x']), { lang: 'en' })]) {
    await assert.rejects(call(), (e) => e.code === 'input' && /^a Blob cannot be read here \(no FileReader\)/.test(e.message));
  }
  await assert.rejects(wasm.normalize(new Blob(['x'])), (e) => e.code === 'input' && /FileReader/.test(e.message) && /无法读取/.test(e.message));
  // Pages and workers have FileReader: portal.test.mjs reads Files there.
});

test('labels() are the template data: every key of each version, in template order', () => {
  const v21 = wasm.labels('2021');
  const v19 = wasm.labels('2019');
  assert.deepEqual(wasm.labels(), v21);
  assert.equal(v21.template, '2021');
  assert.equal(v21.t3.rows.length, 25);
  assert.equal(v19.t3.rows.length, 23);
  const report = wasm.normalize(readFileSync(fixtures[1], 'utf8'));
  assert.deepEqual(v21.t3.rows.map((r) => r.key).filter((k) => k in report.t3), Object.keys(report.t3));
  assert.deepEqual(v21.t4.cells.map((c) => c.key), Object.keys(report.t4));
  assert.equal(v21.t2[0].columns.find((c) => c.key === 'made').label, '本年制发件数');
  assert.equal(v19.t2[0].columns.find((c) => c.key === 'made').label, '本年新制作数量');
  assert.deepEqual(v21.tables.map((t) => t.key), ['t2', 't3', 't4']);
  assert.throws(() => wasm.labels('2020'), (e) => e.code === 'options');
});

test('rules() and version() come from the engine', () => {
  const rules = wasm.rules();
  const codes = rules.map((r) => r.code);
  assert.ok(codes.includes('A003') && codes.includes('F005'));
  const a003 = rules.find((r) => r.code === 'A003');
  assert.equal(a003.severity, 'error');
  const cargo = readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  assert.equal(wasm.version(), /^version = "([^"]+)"/m.exec(cargo)[1]);
});

test('inputs that cannot be read are refused the same way as natively', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-'));
  const cases = [
    // A Word 97 document, whatever its name says.
    ['report.txt', Buffer.from('d0cf11e0a1b11ae1', 'hex'), 'unsupported_format'],
    // A PDF cut short before its first page.
    ['cut.pdf', Buffer.from('%PDF-1.7\n1 0 obj <</Type /Catalog'), 'damaged'],
  ];
  for (const [name, bytes, expected] of cases) {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    let code = 'no error';
    let message = '';
    try {
      wasm.check(new Uint8Array(bytes));
    } catch (e) {
      ({ code, message } = e);
    }
    assert.equal(code, expected, name);
    const out = spawnSync(native, ['check', file], { encoding: 'utf8' });
    assert.equal(out.status, 2);
    assert.equal(out.stderr.trim(), `nianbao: ${file}: ${message}`);
  }
});

// Last year's report as `options.previous` runs the cross-year rules as
// `nianbao check --previous` does: the constructed pairs of tests/fixtures/pairs, last year's
// given as bytes, as text and as a report object, the result byte-identical to the CLI's.
const pairs = path.join(root, 'tests/fixtures/pairs');
for (const [name, x001] of [['2021-agrees.json', 0], ['2021-differs.json', 2]]) {
  test(`previous: ${name} against 2020.json as the CLI checks it`, () => {
    const last = path.join(pairs, '2020.json');
    const file = path.join(pairs, name);
    const out = spawnSync(native, ['check', '--format', 'json', '--previous', last, file], { encoding: 'utf8' });
    assert.ok(out.status === 0 || out.status === 1, out.stderr);
    const bytes = new Uint8Array(readFileSync(file));
    const text = readFileSync(last, 'utf8');
    for (const previous of [new Uint8Array(readFileSync(last)), text, JSON.parse(text)]) {
      assert.equal(wasm.checkJson(bytes, { previous }) + '\n', out.stdout);
    }
    const result = wasm.check(bytes, { previous: text, lang: 'en' });
    const codes = result.findings.map((f) => f.code);
    assert.equal(codes.filter((c) => c === 'X001').length, x001);
    assert.equal(codes.filter((c) => c === 'X004').length, 1, 'X002 cannot run on a 2019-template last year');
    if (x001) {
      const f = result.findings.find((f) => f.code === 'X001');
      assert.equal(f.params.previous.year, 2020);
      assert.match(f.message, /12/);
    }
    // Without previous the cross-year rules do not run.
    assert.ok(!wasm.check(bytes).findings.some((f) => /^X00/.test(f.code)));
  });
}

test('an unreadable previous is refused with previous_unreadable', () => {
  const bytes = new Uint8Array(readFileSync(path.join(pairs, '2021-agrees.json')));
  for (const [previous, lang, words] of [
    ['', 'en', "last year's report (`previous`) cannot be read"],
    [new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'zh', '上一年度报告（previous）无法读取'],
    [[1, 2], 'en', "last year's report (`previous`) cannot be read"],
  ]) {
    let caught = null;
    try {
      wasm.check(bytes, { previous, lang });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught, 'refused');
    assert.equal(caught.code, 'previous_unreadable');
    assert.ok(caught.message.includes(words), caught.message);
  }
  // Unknown options are still refused.
  assert.throws(() => wasm.check(bytes, { previus: '' }), (e) => e.code === 'options');
});
