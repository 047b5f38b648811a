// Makes pkg/ (what wasm-pack wrote: the engine, its types, a package.json from Cargo.toml's
// name, version, description, license, repository and keywords) the npm package a portal
// vendors; scripts/build-wasm runs it after wasm-pack, `npm pack` in pkg/ then packs it:
//  - the drop-in (www/nianbao.js, nianbao-engine.js, nianbao-worker.js) is copied into
//    pkg/www/. In the repository the engine is ../pkg/ from www/nianbao.js; in the package
//    it is the package's own folder, ../ from www/: the copy's default says so (the
//    repository's www/ is left as it is);
//  - pkg/README.md is npm/README.md, written for portal teams, not the crate's README;
//  - package.json's `files` lists both engines, their type files, the drop-in and the license
//    texts wasm-pack copied (npm adds a LICENSE of that name by itself, not LICENSE-MIT).
//
//   node scripts/npm-package.mjs [PKG_DIR]      (default: pkg)
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.resolve(root, process.argv[2] || 'pkg');

/** The drop-in: served together, from one folder. */
const DROP_IN = ['nianbao.js', 'nianbao-engine.js', 'nianbao-worker.js'];
/** The engines as wasm-pack builds them (`--out-name nianbao`, the full one, and
 *  `--out-name nianbao_core`, the core the drop-in loads first: scripts/build-wasm) and
 *  their TypeScript types. */
const ENGINE = [
  'nianbao.js', 'nianbao_bg.wasm', 'nianbao.d.ts', 'nianbao_bg.wasm.d.ts',
  'nianbao_core.js', 'nianbao_core_bg.wasm', 'nianbao_core.d.ts', 'nianbao_core_bg.wasm.d.ts',
];

// Where www/nianbao.js looks for the engine by default, and where the packaged copy does.
const REPO_DEFAULT = "new URL('../pkg/', scriptSrc)";
const PACKAGE_DEFAULT = "new URL('../', scriptSrc)";

function fail(message) {
  console.error(`npm-package: ${message}`);
  process.exit(1);
}

for (const name of ENGINE) {
  if (!existsSync(path.join(pkg, name))) fail(`${name} is missing from ${pkg} (scripts/build-wasm builds both engines)`);
}
mkdirSync(path.join(pkg, 'www'), { recursive: true });
for (const name of DROP_IN) {
  let source = readFileSync(path.join(root, 'www', name), 'utf8');
  if (name === 'nianbao.js') {
    const found = source.split(REPO_DEFAULT).length - 1;
    if (found !== 1) fail(`www/nianbao.js should hold \`${REPO_DEFAULT}\` once (the engine's default folder), found ${found}`);
    // The code, and the comments that name the default folder.
    source = source.replace(REPO_DEFAULT, PACKAGE_DEFAULT).replaceAll('../pkg/', '../');
  }
  writeFileSync(path.join(pkg, 'www', name), source);
}

copyFileSync(path.join(root, 'npm/README.md'), path.join(pkg, 'README.md'));

const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
for (const field of ['name', 'version', 'license', 'repository']) {
  if (!manifest[field]) fail(`wasm-pack wrote no \`${field}\` into package.json (set it in Cargo.toml)`);
}
const licenses = readdirSync(pkg).filter((name) => /^LICEN[CS]E/i.test(name)).sort();
if (!licenses.length) fail('wasm-pack copied no LICENSE-* file');
manifest.files = [...ENGINE, ...DROP_IN.map((name) => `www/${name}`), ...licenses];
writeFileSync(path.join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
