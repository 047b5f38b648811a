// Node, one process, interleaved (issue 12): nianbao's WebAssembly check of the canonical
// report JSON against ajv 8 validating the same JSON against nianbao's own JSON Schema
// (`nianbao schema report`, draft 2020-12, allErrors), with JSON.parse alone as the floor.
// Each round runs every contender once on the same text, the order rotated a place each
// round, so that a busy moment of the machine or a garbage collection falls on all of them
// alike; the first rounds are a warm-up and not counted. Each call is timed on its own
// (process.hrtime). The contenders:
//   nianbao full   target/pkg-node/nianbao.js checkJson(text): read, check, the result as
//                  pretty JSON text (what `nianbao check --format json` prints)
//   nianbao core   pkg/nianbao_core.js checkJson(text): the engine the drop-in starts
//   ajv parse+validate   validate(JSON.parse(text)): from the same text, as nianbao starts
//   ajv validate         validate(object): the object parsed once, outside the timing
//   JSON.parse           JSON.parse(text): the floor of anything that reads the text
// The schema is compiled once, outside the timing. Before timing, ajv must find the canonical
// JSON valid (else its errors are printed and the run fails: a real finding about the
// schema or the JSON) and a broken copy invalid. Two inputs: the compact canonical JSON of
// examples/minhe-2020.txt with its prose, and the same without its prose (`preamble`,
// `sections`, `extra_sections`: the tables only).
// Prints Markdown. Run (after the builds): node bench/node.mjs   (ROUNDS=3000 WARMUP=300)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, summary, fmt, nianbao, canonicalInputs } from './common.mjs';

const ROUNDS = Number(process.env.ROUNDS || 3000);
const WARMUP = Number(process.env.WARMUP || 300);
const require = createRequire(import.meta.url);

const full = require(path.join(ROOT, 'target/pkg-node/nianbao.js'));
const core = await import(path.join(ROOT, 'pkg/nianbao_core.js'));
core.initSync({ module: readFileSync(path.join(ROOT, 'pkg/nianbao_core_bg.wasm')) });
const Ajv2020 = require('ajv/dist/2020');
const ajvVersion = require('ajv/package.json').version;

const schema = JSON.parse(nianbao('schema', 'report'));
// allowUnionTypes: the schema's cells are union types (`["integer", "null", "string"]`), which
// strict mode only warns about, once per use; it changes nothing of what is valid.
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

const inputs = canonicalInputs();
const cases = [
  ['minhe-2020 canonical JSON, with its prose', inputs.full],
  ['minhe-2020 canonical JSON, tables only (no `preamble`, `sections`, `extra_sections`)', inputs.tables],
];

/** ajv must accept the canonical JSON and refuse a broken copy, or nothing here means much. */
function assertSchemaHolds(name, text) {
  const parsed = JSON.parse(text);
  if (!validate(parsed)) {
    // A finding, not a benchmark: said in the report, and the run fails.
    console.log(`ajv ${ajvVersion} finds ${name} **invalid** against \`nianbao schema report\`; its errors:\n\n` +
      `\`\`\`json\n${JSON.stringify(validate.errors, null, 2)}\n\`\`\``);
    console.error(`bench/node: ajv finds ${name} invalid against the schema (its errors are in the report)`);
    process.exit(1);
  }
  const broken = structuredClone(parsed);
  broken.t3 = 5;
  assert.equal(validate(broken), false, `ajv accepts ${name} with t3 = 5: the schema checks nothing`);
  // Both engines read the text as the canonical JSON (not as text) and agree.
  const a = JSON.parse(full.checkJson(text));
  const b = JSON.parse(core.checkJson(text));
  assert.equal(a.summary.errors + a.summary.warnings + a.summary.infos, a.findings.length);
  assert.deepEqual(a.findings, b.findings, 'the core and the full engine agree');
  assert.equal(a.agency, parsed.agency);
}

const contenders = [
  ['nianbao full: checkJson(text)', (text) => full.checkJson(text).length],
  ['nianbao core: checkJson(text)', (text) => core.checkJson(text).length],
  ['ajv: validate(JSON.parse(text))', (text) => (validate(JSON.parse(text)) ? 1 : 0)],
  ['ajv: validate(object), parsed once before', (_, parsed) => (validate(parsed) ? 1 : 0)],
  ['JSON.parse(text)', (text) => (JSON.parse(text) ? 1 : 0)],
];

let sink = 0;
const out = [];
out.push(`ajv ${ajvVersion} (\`ajv/dist/2020\`, \`allErrors: true\`, \`allowUnionTypes: true\`, strict otherwise) against ` +
  `\`nianbao schema report\` (${JSON.stringify(schema).length} bytes, compiled once, outside the timing). ` +
  `${ROUNDS} rounds after ${WARMUP} of warm-up; each round runs every contender once, the order rotated a place ` +
  'each round; every call timed on its own. µs: median (p10–p90). ajv found both inputs valid and a broken copy ' +
  '(`t3: 5`) invalid; both engines read them as canonical JSON and give the same findings.');
for (const [name, text] of cases) {
  assertSchemaHolds(name, text);
  const parsed = JSON.parse(text);
  const times = contenders.map(() => []);
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const t = process.hrtime.bigint();
      sink += contenders[i][1](text, parsed);
      const ns = Number(process.hrtime.bigint() - t);
      if (round >= WARMUP) times[i].push(ns / 1000);
    }
  }
  const s = times.map(summary);
  const [nFull, nCore, ajvParse, ajvOnly, parse] = s;
  // The ratio of each round's own times (paired), besides the ratio of the medians.
  const paired = (a, b) => summary(times[a].map((x, r) => x / times[b][r])).median;
  out.push('', `**${name}** — ${Buffer.byteLength(text)} bytes`, '',
    '| contender | median µs | p10–p90 µs | ÷ ajv parse+validate | ÷ JSON.parse |', '|---|---|---|---|---|');
  contenders.forEach(([label], i) => {
    out.push(`| ${label} | **${fmt(s[i].median)}** | ${fmt(s[i].p10)}–${fmt(s[i].p90)} | ` +
      `${fmt(s[i].median / ajvParse.median)}× | ${fmt(s[i].median / parse.median)}× |`);
  });
  const verdict = (x) => (x < 1 ? 'faster' : 'slower');
  out.push('', `nianbao full / ajv parse+validate: **${fmt(nFull.median / ajvParse.median)}×** ` +
    `(paired per round: ${fmt(paired(0, 2))}×) — nianbao's whole check is ${verdict(nFull.median / ajvParse.median)} ` +
    `than ajv's schema-only validation from the same text; / ajv validate alone (parse not counted): ` +
    `${fmt(nFull.median / ajvOnly.median)}×; nianbao core / ajv parse+validate: ${fmt(nCore.median / ajvParse.median)}×; ` +
    `nianbao full / JSON.parse: ${fmt(nFull.median / parse.median)}×.`);
}
if (sink === 0) console.error('bench/node: nothing ran');
console.log(out.join('\n'));
