// The npm package a portal vendors (pkg/, made by scripts/build-wasm): `npm pack` makes a
// tarball of the engine, its types, the drop-in and the licenses, named and licensed as
// Cargo.toml says; installed from that tarball into a scratch project (offline: it has no
// dependencies), it loads in Node by its name and checks a real report exactly as the native
// binary does; and its drop-in, served from where it was installed as a portal would serve
// it, starts the packaged engine in real Chromium. Nothing of nianbao is mocked.
//
// Run: bash scripts/build-wasm && node --test tests/js/pack.test.mjs (needs the native
// binary too: cargo build).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, FIXTURES, MIME, start, poll, summaryOf, nativeJson, esc } from './harness.mjs';
import { nonAscii } from '../../scripts/ascii-js.mjs';

const DROP_IN = ['www/nianbao.js', 'www/nianbao-engine.js', 'www/nianbao-worker.js'];
// The full engine and the core (without the readers) the drop-in loads first.
const ENGINE = ['nianbao.js', 'nianbao_bg.wasm', 'nianbao_core.js', 'nianbao_core_bg.wasm'];
const TYPES = ['nianbao.d.ts', 'nianbao_bg.wasm.d.ts', 'nianbao_core.d.ts', 'nianbao_core_bg.wasm.d.ts'];
const SHIPPED = [...ENGINE, ...TYPES, ...DROP_IN, 'LICENSE-APACHE', 'LICENSE-MIT'];

/** A string field of Cargo.toml's [package] table. */
function cargoField(name) {
  const table = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').split(/^\[/m).find((t) => t.startsWith('package]'));
  return table.match(new RegExp(`^${name} = "(.*)"$`, 'm'))[1];
}

function run(command, args, cwd) {
  const out = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(out.status, 0, `${command} ${args.join(' ')} (in ${cwd}): ${out.stderr}`);
  return out.stdout;
}

let tmp;
let packed;     // what `npm pack --json` says of the tarball
let tarball;
let installed;  // the package's folder in the scratch project's node_modules

before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'nianbao-pack-'));
  const cache = path.join(tmp, 'npm-cache');
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp, '--cache', cache], path.join(ROOT, 'pkg')));
  tarball = path.join(tmp, packed.filename);
  const project = path.join(tmp, 'portal');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'portal', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--cache', cache, tarball], project);
  installed = path.join(project, 'node_modules/nianbao');
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('npm pack: the engine, its types, the drop-in, the licenses, a README and package.json; nothing else', () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [...SHIPPED, 'README.md', 'package.json'].sort());
  assert.equal(packed.filename, `nianbao-${cargoField('version')}.tgz`);
  // The package's README is the one for portal teams, not the crate's.
  assert.equal(readFileSync(path.join(installed, 'README.md'), 'utf8'), readFileSync(path.join(ROOT, 'npm/README.md'), 'utf8'));
  // Both READMEs name the tarball as npm pack names it (so the version there is not stale).
  for (const readme of ['README.md', 'npm/README.md']) {
    assert.ok(readFileSync(path.join(ROOT, readme), 'utf8').includes(`npm install ./${packed.filename}`), `${readme} says npm install ./${packed.filename}`);
  }
});

test('the packaged package.json has Cargo.toml\'s name, version, license and repository', () => {
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.name, cargoField('name'));
  assert.equal(manifest.version, cargoField('version'));
  assert.equal(manifest.license, cargoField('license'));
  assert.deepEqual(manifest.repository, { type: 'git', url: cargoField('repository') });
  assert.deepEqual([...manifest.files].sort(), [...SHIPPED].sort());
  assert.equal(manifest.main, 'nianbao.js');
  assert.equal(manifest.types, 'nianbao.d.ts');
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.private, undefined, 'the package can be published');
});

test('installed from the tarball, import("nianbao") checks the example report exactly as the native binary does', () => {
  // A module of the scratch project, as a portal's build script or server would have it.
  const load = path.join(installed, '../../load.mjs');
  writeFileSync(load, `
    import { readFileSync } from 'node:fs';
    import init, { check, checkJson, version } from 'nianbao';
    await init({ module_or_path: readFileSync(new URL(import.meta.resolve('nianbao/nianbao_bg.wasm'))) });
    const bytes = readFileSync(process.argv[2]);
    process.stdout.write(JSON.stringify({
      from: import.meta.resolve('nianbao'), version: version(), result: check(bytes), json: checkJson(bytes),
    }));
  `);
  const out = JSON.parse(run(process.execPath, [load, FIXTURES.minhe], path.dirname(load)));
  // Loaded from the installed copy, not from the repository's pkg/.
  assert.equal(realpathSync(fileURLToPath(out.from)), realpathSync(path.join(installed, 'nianbao.js')));
  assert.equal(out.version, cargoField('version'));
  const { result } = out;
  assert.equal(result.template, '2019');
  assert.equal(result.year, 2020);
  assert.equal(result.valid, false);
  // examples/README.md: （七）总计 does not add up in column total, 80 against 81.
  const a003 = result.findings.find((f) => f.code === 'A003' && f.location.column === 'total');
  assert.ok(a003, `A003 in column total among the findings: ${result.findings.map((f) => f.code)}`);
  assert.equal(a003.severity, 'error');
  assert.deepEqual([a003.location.row, a003.params.reported, a003.params.computed], ['r7', 81, 80]);
  const native = nativeJson(FIXTURES.minhe);
  assert.equal(out.json + '\n', native);
  assert.deepEqual(result, JSON.parse(native));
});

test('the packaged drop-in is pure ASCII, and served as installed it starts the packaged engine in Chromium', async () => {
  for (const file of [...DROP_IN, 'nianbao.js']) {
    assert.deepEqual(nonAscii(readFileSync(path.join(installed, file))), [], `${file} is ASCII`);
  }
  // The installed package at /static/nianbao/, as README.md's script tag has it; the
  // repository's own www/ and pkg/ are served too, so the requests tell which was loaded.
  const pages = {};
  for (const file of [...ENGINE, ...DROP_IN]) {
    pages[`/static/nianbao/${file}`] = async () => ({
      headers: { 'Content-Type': MIME[path.extname(file)] }, body: await readFile(path.join(installed, file)),
    });
  }
  const text = await readFile(FIXTURES.minhe, 'utf8');
  pages['/portal/upload.html'] = async () => ({
    headers: {},
    body: `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>upload</title>
      <script src="/static/nianbao/www/nianbao.js" defer></script></head><body>
      <form id="f" action="/intake/reports" method="post" data-nianbao>
        <textarea name="report">${esc(text)}</textarea><button type="submit">提交</button></form></body></html>`,
  });
  const h = await start({ pages });
  try {
    const page = await h.newPage();
    const requests = [];
    page.context().on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`${h.base}/portal/upload.html`);
    const ready = await page.evaluate(() => window.Nianbao.ready);
    assert.deepEqual(ready, { version: cargoField('version'), mode: 'worker' });
    // The textarea's report is checked as soon as the engine runs.
    await poll(async () => assert.match(await summaryOf(page, '#f').textContent(), /^发现 \d+ 个错误/), { timeout: 10000 });
    const result = await page.evaluate((t) => window.Nianbao.check(t), text);
    assert.deepEqual(result, JSON.parse(nativeJson(FIXTURES.minhe)));
    // A text needs the core engine only; a PDF, the full one, fetched from the package too.
    assert.ok(!requests.includes('/static/nianbao/nianbao_bg.wasm'), `the full engine not loaded for a text: ${requests}`);
    const pdf = [...(await readFile(FIXTURES.pdf))];
    const fromPdf = await page.evaluate((b) => window.Nianbao.check(new Uint8Array(b)), pdf);
    assert.deepEqual(fromPdf, JSON.parse(nativeJson(FIXTURES.pdf)));
    for (const file of [...ENGINE, ...DROP_IN]) {
      assert.ok(requests.includes(`/static/nianbao/${file}`), `${file} loaded from the package: ${requests}`);
    }
    assert.deepEqual(requests.filter((p) => /^\/(www|pkg)\//.test(p)), [], 'nothing loaded from the repository');
    assert.deepEqual(page.errors, []);
  } finally {
    await h.close();
  }
});
