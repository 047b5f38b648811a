/*
 * nianbao-engine.js - where the drop-in's engine runs: in a dedicated Web Worker
 * (nianbao-worker.js beside this file), so that no check blocks the page, or on the page's
 * main thread where a worker cannot start. www/nianbao.js imports this module once per page;
 * the forms, the panel and the submit are its business, running the engine is this one's.
 *
 *   const engine = await start({ pkgUrl, workerUrl, thread, timeoutMs });
 *   engine.mode        'worker' | 'main'
 *   engine.reason      why 'main' when a worker was asked for: 'no-worker' (the browser has
 *                      none), 'worker-blocked' (the page's Content-Security-Policy, or the
 *                      worker script's origin, forbids it), 'worker-failed' (the worker ran
 *                      but the engine did not start in it); '' otherwise
 *   engine.version, engine.labels ({ 2019, 2021 }: labels() of the engine)
 *   engine.check(input, options), engine.normalize(input), engine.blanks(result, options)
 *                      Promise of the engine's answer; input as the engine takes it - a File
 *                      or Blob is passed as it is and read by the engine. Rejects with the
 *                      engine's Error (.code); in worker mode a check still running after
 *                      timeoutMs is stopped by terminating the worker and rejects with code
 *                      'timeout' (the next check starts a fresh worker).
 *
 * start() rejects with an Error whose code is 'unavailable' and `blocked` true when
 * WebAssembly is forbidden (a CSP without 'wasm-unsafe-eval'), false when the engine could
 * not be loaded. `thread: 'main'` skips the worker.
 */

/** How long a worker may take to load and start the engine before the main thread is used. */
const WORKER_START_MS = 20000;

export async function start({ pkgUrl, workerUrl, thread, timeoutMs }) {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw unavailable(true, null);
  }
  let reason = '';
  if (thread !== 'main') {
    if (typeof Worker !== 'function') {
      reason = 'no-worker';
    } else {
      try {
        return await workerEngine(pkgUrl, workerUrl, timeoutMs);
      } catch (e) {
        reason = e.reason || 'worker-failed';
        console.warn('nianbao: the engine runs on the main thread:', e.message);
      }
    }
  }
  return mainEngine(pkgUrl, reason);
}

function unavailable(blocked, cause) {
  const err = new Error(blocked ? 'WebAssembly is forbidden here' : 'the engine could not be loaded');
  err.code = 'unavailable';
  err.blocked = blocked;
  if (cause) err.cause = cause;
  return err;
}

/** Whether starting the engine failed because WebAssembly is forbidden (also used by the worker). */
export function isBlocked(e) {
  // A CSP without 'wasm-unsafe-eval' makes compiling fail with a CompileError (or an
  // EvalError in some engines); a missing .wasm is a plain Error.
  return (e instanceof WebAssembly.CompileError) || (e && e.name === 'EvalError') ||
    /Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(String(e && e.message));
}

// ---------------------------------------------------------------------------------------
// On the main thread.
async function mainEngine(pkgUrl, reason) {
  let mod;
  try {
    mod = await import(new URL('nianbao.js', pkgUrl).href);
  } catch (e) {
    throw unavailable(false, e);
  }
  try {
    await mod.default({ module_or_path: new URL('nianbao_bg.wasm', pkgUrl) });
  } catch (e) {
    throw unavailable(isBlocked(e), e);
  }
  return {
    mode: 'main',
    reason,
    version: mod.version(),
    labels: { 2019: mod.labels('2019'), 2021: mod.labels('2021') },
    // The engine answers a Blob with a Promise and anything else at once; both are awaited.
    check: async (input, options) => mod.check(input, options),
    normalize: async (input) => mod.normalize(input),
    blanks: async (result, options) => mod.blanks(result, options),
  };
}

// ---------------------------------------------------------------------------------------
// In a worker.

/** Starts a worker and the engine in it; resolves to { worker, ready } or rejects with
 *  an Error whose `reason` says why no worker runs. */
function spawn(pkgUrl, workerUrl) {
  return new Promise((resolve, reject) => {
    const fail = (reason, message, worker) => {
      if (worker) worker.terminate();
      const err = new Error(message);
      err.reason = reason;
      reject(err);
    };
    let worker;
    try {
      worker = new Worker(workerUrl, { type: 'module', name: 'nianbao' });
    } catch (e) {
      // SecurityError: a CSP without worker-src (or child-src/script-src) allowing it,
      // or a worker script on another origin.
      fail('worker-blocked', `no worker: ${e && e.message}`, null);
      return;
    }
    const timer = setTimeout(() => fail('worker-failed', 'the worker did not start in time', worker), WORKER_START_MS);
    worker.onerror = (ev) => {
      if (ev && ev.preventDefault) ev.preventDefault();
      clearTimeout(timer);
      fail('worker-blocked', `the worker could not run: ${(ev && ev.message) || 'error'}`, worker);
    };
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      clearTimeout(timer);
      if (m.type === 'ready') resolve({ worker, ready: m });
      else fail('worker-failed', `the engine did not start in the worker${m.blocked ? ' (WebAssembly forbidden there)' : ''}: ${m.message}`, worker);
    };
    worker.postMessage({ type: 'init', pkg: String(pkgUrl) });
  });
}

async function workerEngine(pkgUrl, workerUrl, timeoutMs) {
  const first = await spawn(pkgUrl, workerUrl);
  let current = first.worker;     // the live worker, or null once terminated
  let starting = null;            // a respawn in progress
  let active = null;              // the request the worker is answering
  const queue = [];               // requests waiting for the worker
  let seq = 0;

  const listen = (worker) => {
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (!active || m.id !== active.id) return;
      const req = active;
      active = null;
      clearTimeout(req.timer);
      if (m.type === 'result') req.resolve(m.result);
      else req.reject(engineError(m.error));
      if (m.fatal) stop();
      pump();
    };
    worker.onerror = (ev) => {
      if (ev && ev.preventDefault) ev.preventDefault();
      // The worker died (out of memory, a trap outside a check): whatever it was
      // answering fails, and the next request gets a fresh worker.
      stop();
      if (active) {
        const req = active;
        active = null;
        clearTimeout(req.timer);
        req.reject(engineError({ code: 'internal', message: (ev && ev.message) || 'the worker stopped' }));
      }
      pump();
    };
  };
  const stop = () => {
    if (current) current.terminate();
    current = null;
  };

  function pump() {
    if (active || !queue.length) return;
    if (!current) {
      if (starting) return;
      starting = spawn(pkgUrl, workerUrl).then(({ worker }) => {
        current = worker;
        listen(worker);
      }, (e) => {
        for (const req of queue.splice(0)) req.reject(engineError({ code: 'unavailable', message: e.message }));
      }).finally(() => {
        starting = null;
        pump();
      });
      return;
    }
    const req = queue.shift();
    req.id = ++seq;
    active = req;
    try {
      current.postMessage({ type: req.op, id: req.id, input: req.input, options: req.options });
    } catch (e) {
      // Not cloneable (a report object holding functions, ...).
      active = null;
      req.reject(engineError({ code: 'input', message: `the input cannot be passed to the engine: ${e.message}` }));
      pump();
      return;
    }
    req.timer = setTimeout(() => {
      if (active !== req) return;
      active = null;
      stop();
      req.reject(engineError({ code: 'timeout', message: `the check ran past ${timeoutMs} ms and was stopped` }));
      pump();
    }, timeoutMs);
  }

  const ask = (op, input, options) => new Promise((resolve, reject) => {
    queue.push({ op, input, options, resolve, reject });
    pump();
  });

  listen(current);
  return {
    mode: 'worker',
    reason: '',
    version: first.ready.version,
    labels: first.ready.labels,
    check: (input, options) => ask('check', input, options),
    normalize: (input) => ask('normalize', input, undefined),
    blanks: (result, options) => ask('blanks', result, options),
  };
}

function engineError({ code, message }) {
  const err = new Error(message);
  err.code = code;
  return err;
}
