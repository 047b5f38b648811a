// Shipped JavaScript is pure ASCII, so that a page of any encoding decodes it right: a GBK
// portal page whose server sends scripts without a charset decodes a classic script as GBK,
// and UTF-8 Chinese in it is then a SyntaxError.
//
//   node scripts/ascii-js.mjs --write FILE|DIR...   rewrites every non-ASCII character of
//       the .js files as a \u escape (one for each UTF-16 unit: valid in strings, template
//       literals, regular expressions and comments alike); scripts/build-wasm runs it on pkg/
//   node scripts/ascii-js.mjs --check FILE|DIR...   lists each line holding a non-ASCII byte
//       (file:line:col of the first) and exits 1 if there is one (tests/js/ascii.test.mjs)
//
// Hand-written: a few lines, where a minifier would also rename and reflow the code.
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The .js files under the given files and folders, sorted. */
export function jsFiles(paths) {
  const out = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const child = path.join(p, name);
        if (statSync(child).isDirectory() || /\.(m?js)$/.test(name)) out.push(...jsFiles([child]));
      }
    } else {
      out.push(p);
    }
  }
  return out;
}

/** The source with every non-ASCII UTF-16 unit written as \uXXXX. */
export function escape(source) {
  return source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The lines of a file that hold a byte over 0x7f: [{ line, col }] (col: the first, in bytes). */
export function nonAscii(bytes) {
  const found = [];
  let line = 1;
  let col = 1;
  for (const b of bytes) {
    if (b > 0x7f && (!found.length || found[found.length - 1].line !== line)) found.push({ line, col });
    if (b === 0x0a) { line++; col = 1; } else col++;
  }
  return found;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [mode, ...paths] = process.argv.slice(2);
  if ((mode !== '--write' && mode !== '--check') || !paths.length) {
    console.error('usage: node scripts/ascii-js.mjs --write|--check FILE|DIR...');
    process.exit(2);
  }
  let bad = 0;
  for (const file of jsFiles(paths)) {
    if (mode === '--write') {
      const source = readFileSync(file, 'utf8');
      const ascii = escape(source);
      if (ascii !== source) writeFileSync(file, ascii);
    } else {
      for (const { line, col } of nonAscii(readFileSync(file))) {
        console.error(`${file}:${line}:${col}: non-ASCII`);
        bad++;
      }
    }
  }
  process.exit(bad ? 1 : 0);
}
