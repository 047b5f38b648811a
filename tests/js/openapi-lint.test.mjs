// The OpenAPI document that nianbao serves (docs/openapi.json, the binary's own output:
// tests/docs.rs fails when the committed copy is stale) passes Redocly's `lint` with its
// recommended rules (redocly.yaml: none switched off). The same lint fails a copy with its
// servers, license or a 4xx answer taken out, so a passing run is the document's doing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const REDOCLY = path.join(ROOT, 'node_modules/.bin/redocly');
const DOCUMENT = path.join(ROOT, 'docs/openapi.json');

function lint(file) {
  const run = spawnSync(
    REDOCLY,
    ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'summary'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } },
  );
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

test('the OpenAPI document passes redocly lint (recommended rules)', () => {
  const { status, out } = lint(DOCUMENT);
  assert.equal(status, 0, out);
  assert.match(out, /valid/, out);
  assert.doesNotMatch(out, /warning\s+\S+:/, out);
});

test('the lint catches what the document would lack', () => {
  const doc = JSON.parse(readFileSync(DOCUMENT, 'utf8'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nianbao-openapi-'));
  try {
    const broken = structuredClone(doc);
    delete broken.servers;
    delete broken.info.license;
    delete broken.paths['/healthz'].get.responses['405'];
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const { status, out } = lint(file);
    assert.notEqual(status, 0, out);
    for (const rule of ['no-empty-servers', 'info-license', 'operation-4xx-response']) {
      assert.match(out, new RegExp(rule), out);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
