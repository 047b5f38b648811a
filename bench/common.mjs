// What the scripts of `bash bench/run` share: quantiles of a sample (nearest rank, no
// interpolation), the Markdown cells they print, and the canonical JSON inputs (the compact
// canonical report of examples/minhe-2020.txt with its prose, and the same without its prose,
// `preamble`, `sections` and `extra_sections`: the tables alone, what a portal's form of
// fields posts), made with the release binary's `nianbao normalize`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NIANBAO = path.join(ROOT, 'target/release/nianbao');

/** The q-quantile (0..1) of `xs`, nearest rank. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Median, p10, p90, min and max of `xs`. */
export function summary(xs) {
  return {
    n: xs.length, median: quantile(xs, 0.5), p10: quantile(xs, 0.1), p90: quantile(xs, 0.9),
    min: Math.min(...xs), max: Math.max(...xs),
  };
}

/** A number with `digits` significant figures at most, thousands grouped: 1,234 / 12.3 / 0.456. */
export function fmt(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x) || 1)));
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** What `nianbao ARGS...` (the release build) prints; throws when it fails. */
export function nianbao(...args) {
  const run = spawnSync(NIANBAO, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`nianbao ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** The keys of the canonical report that hold prose, not tables. */
export const PROSE = ['preamble', 'sections', 'extra_sections'];

/** The two canonical JSON inputs, as compact text: { full, tables }. */
export function canonicalInputs() {
  const report = JSON.parse(nianbao('normalize', path.join(ROOT, 'examples/minhe-2020.txt')));
  const full = JSON.stringify(report);
  for (const prose of PROSE) delete report[prose];
  return { full, tables: JSON.stringify(report) };
}

/** Writes the two inputs as files, target/bench/minhe-2020.{compact,tables}.json; their paths. */
export function writeInputs() {
  const { full, tables } = canonicalInputs();
  const dir = path.join(ROOT, 'target/bench');
  mkdirSync(dir, { recursive: true });
  const files = { full: path.join(dir, 'minhe-2020.compact.json'), tables: path.join(dir, 'minhe-2020.tables.json') };
  writeFileSync(files.full, full);
  writeFileSync(files.tables, tables);
  return files;
}

// `node bench/common.mjs`: writes the inputs and prints their paths (for scripts/bench-instructions).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = writeInputs();
  console.log(`${files.full}\n${files.tables}`);
}
