/*
 * nianbao-worker.js - the nianbao engine in a dedicated Web Worker, for the drop-in
 * (www/nianbao.js), so that no check blocks the page's main thread.
 *
 * The drop-in starts it as a module worker from beside itself:
 *     new Worker(new URL('nianbao-worker.js', <nianbao.js URL>), { type: 'module' })
 * and speaks to it in messages:
 *   -> { type: 'init', pkg, full }  pkg: URL of the engine package (pkg/); the worker
 *                                   imports the core engine (nianbao_core.js, started with
 *                                   nianbao_core_bg.wasm) from there, or the full one
 *                                   (nianbao.js, nianbao_bg.wasm) when `full` (an earlier
 *                                   worker needed it); see engines() in nianbao-engine.js
 *   <- { type: 'ready', version, labels: { 2019: Labels, 2021: Labels } }
 *   <- { type: 'failed', blocked, message }    the engine cannot start here (blocked: by
 *                                   a Content-Security-Policy)
 *   -> { type: 'check' | 'normalize' | 'blanks', id, input, options }
 *                                   input as the engine takes it: a File or Blob (read by
 *                                   the engine), bytes, a string or a report object; for
 *                                   'blanks', a result of 'check' (its blank cells grouped)
 *   <- { type: 'full', id, state }    the core cannot read this input (reader_not_loaded):
 *                                   the full engine is being fetched (state 'loading'),
 *                                   then runs ('loaded') and is asked the same, or could
 *                                   not be loaded ('failed': the request fails 'unavailable')
 *   <- { type: 'result', id, result }
 *   <- { type: 'error', id, error: { code, message }, fatal }    fatal: the engine
 *                                   trapped and this worker must not be used again
 * Requests are answered one at a time, in the order they came. A check that runs too long
 * is not stopped here: the drop-in terminates the whole worker.
 */
import { isBlocked, engines } from './nianbao-engine.js';

let engine = null;   // engines() of pkg/, once started
let queue = Promise.resolve();

/** What each request asks of an engine (the core, or the full one). */
const OPS = Object.assign(Object.create(null), {
  check: (m) => (mod) => mod.check(m.input, m.options),
  normalize: (m) => (mod) => mod.normalize(m.input),
  blanks: (m) => (mod) => mod.blanks(m.input, m.options),
});

self.onmessage = (ev) => {
  const message = ev.data;
  queue = queue.then(() => handle(message)).catch(() => {});
};

async function handle(message) {
  if (message.type === 'init') {
    try {
      const pair = engines(message.pkg, { full: !!message.full });
      const mod = await pair.start();
      engine = pair;
      self.postMessage({
        type: 'ready', version: mod.version(), labels: { 2019: mod.labels('2019'), 2021: mod.labels('2021') },
      });
    } catch (e) {
      self.postMessage({ type: 'failed', blocked: isBlocked(e), message: String((e && e.message) || e) });
    }
    return;
  }
  const op = OPS[message.type];
  if (!op) return;
  const { id } = message;
  if (!engine) {
    self.postMessage({ type: 'error', id, error: { code: 'unavailable', message: 'the engine is not started' }, fatal: true });
    return;
  }
  try {
    const result = await engine.run(op(message), (state) => self.postMessage({ type: 'full', id, state }));
    self.postMessage({ type: 'result', id, result });
  } catch (e) {
    // A trap (RuntimeError) leaves the engine's memory in an unknown state: say so, and
    // the drop-in starts a fresh worker for the next check.
    const fatal = e instanceof WebAssembly.RuntimeError;
    self.postMessage({
      type: 'error', id, fatal,
      error: { code: (e && e.code) || 'internal', message: String((e && e.message) || e) },
    });
  }
}
