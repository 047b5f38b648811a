// Reads what `cargo bench --bench check` (benches/check.rs) left in target/criterion and
// prints it as Markdown: for each benchmark criterion's median (its point estimate) with the
// 95 % confidence interval of that median (new/estimates.json), the p10–p90 of the samples'
// time per iteration (new/sample.json), the input's bytes and MB/s; for the batch, reports/s.
// Only results written since SINCE (seconds since the epoch; the run's start) are taken: a
// benchmark that did not run this time is said so, never shown with an old figure.
// Run: node bench/criterion.mjs SINCE   (bash bench/run runs the benchmarks first)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, summary, fmt, canonicalInputs } from './common.mjs';

const since = Number(process.argv[2] || 0) * 1000;
const dir = path.join(ROOT, 'target/criterion');
const fileBytes = (p) => statSync(path.join(ROOT, p)).size;
const inputs = canonicalInputs();
const BENCHES = [
  ['check minhe-2020.txt', 'text, 2019 template', fileBytes('examples/minhe-2020.txt')],
  ['check huaian-2024.txt', 'text (pdftotext -layout), 2021 template', fileBytes('tests/fixtures/huaian-2024.txt')],
  ['check minhe-2020 canonical JSON', 'canonical JSON with its prose', Buffer.byteLength(inputs.full)],
  ['check minhe-2020 canonical JSON, tables only', 'canonical JSON, tables only', Buffer.byteLength(inputs.tables)],
  ['check pingtan-2023.html', 'HTML page', fileBytes('tests/fixtures/pingtan-2023.html')],
  ['check huaian-2024.pdf', 'PDF', fileBytes('tests/fixtures/huaian-2024.pdf')],
  ['check template-2021.docx', '.docx', fileBytes('tests/fixtures/template-2021.docx')],
  ['batch/100 text reports, one core', '100 reports (50 × each text)', null],
];

/** full_id -> the directory criterion wrote it to (names are made filename-safe, so read them). */
const dirs = new Map();
(function walk(d) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = path.join(d, e.name);
    const meta = path.join(p, 'new/benchmark.json');
    if (existsSync(meta)) dirs.set(JSON.parse(readFileSync(meta, 'utf8')).full_id, path.join(p, 'new'));
    else walk(p);
  }
})(dir);

/** ns as ms or µs. */
const time = (ns) => (ns >= 1e6 ? `${fmt(ns / 1e6)} ms` : `${fmt(ns / 1e3)} µs`);
const out = ['| benchmark | input | bytes | median | 95 % CI of the median | p10–p90 of samples | throughput |',
  '|---|---|---|---|---|---|---|'];
let missing = 0;
for (const [id, what, bytes] of BENCHES) {
  const d = dirs.get(id);
  if (!d || statSync(path.join(d, 'estimates.json')).mtimeMs < since) {
    out.push(`| \`${id}\` | ${what} | | not run | | | |`);
    missing++;
    continue;
  }
  const { median } = JSON.parse(readFileSync(path.join(d, 'estimates.json'), 'utf8'));
  const sample = JSON.parse(readFileSync(path.join(d, 'sample.json'), 'utf8'));
  const s = summary(sample.times.map((t, i) => t / sample.iters[i]));
  const ns = median.point_estimate;
  const ci = median.confidence_interval;
  const throughput = bytes ? `${fmt(bytes / ns * 1e3)} MB/s` : `**${fmt(100 / (ns / 1e9))} reports/s**`;
  out.push(`| \`${id}\` | ${what} | ${bytes ?? ''} | **${time(ns)}** | ${time(ci.lower_bound)}–${time(ci.upper_bound)} | ` +
    `${time(s.p10)}–${time(s.p90)} (${s.n} samples) | ${throughput} |`);
}
console.log(out.join('\n'));
if (missing) process.exitCode = 1;
