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
 *   engine.full        whether the full engine was loaded (see below)
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
 *
 * Two engines (pkg/, scripts/build-wasm): the core (nianbao_core.js, nianbao_core_bg.wasm:
 * UTF-8 text, canonical JSON, HTML, form fields; about half the bytes) is started first, and
 * the full one (nianbao.js, nianbao_bg.wasm: the .docx and PDF readers, texts in GBK,
 * GB18030, Big5, UTF-16 ...) is fetched once, the first time the core answers an input with
 * code 'reader_not_loaded', and that input asked again of it; from then on the full one
 * answers everything (`engine.full` true). Which input needs a reader is decided only by the
 * engine's own sniffing (src/ingest/mod.rs, the one rule the CLI and the server read inputs
 * by), never guessed here from a file's name or type: the core either answers exactly as the
 * full engine would or says it cannot. In the worker, the time bound is suspended while the
 * full engine is fetched (a slow network is not a runaway check); the fetch has the start's
 * bound (WORKER_START_MS).
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
// The two engines of pkg/ (also used by nianbao-worker.js).

/** Imports `<name>.js` from pkgUrl and starts it with `<name>_bg.wasm`. */
async function load(pkgUrl, name) {
  const mod = await import(new URL(`${name}.js`, pkgUrl).href);
  await mod.default({ module_or_path: new URL(`${name}_bg.wasm`, pkgUrl) });
  return mod;
}

/**
 * The engines of pkg/: `start()` starts the core (the full engine instead when `full`, or
 * when the core cannot be loaded - an older pkg/ without it - but WebAssembly runs);
 * `run(fn, onFull)` calls fn(engine) with the full engine once loaded, else the core, and
 * when the core answers 'reader_not_loaded' loads the full engine once (onFull('loading')
 * before, onFull('loaded') or onFull('failed') after) and calls fn with it. A full engine
 * that cannot be loaded rejects with code 'unavailable' (and is tried again next time).
 */
export function engines(pkgUrl, { full: fullFirst = false } = {}) {
  let core = null;
  let full = null;
  let loading = null;
  const loadFull = () => {
    loading = loading || load(pkgUrl, 'nianbao').then((m) => { full = m; return m; }, (e) => {
      loading = null;
      throw e;
    });
    return loading;
  };
  return {
    get full() { return full !== null; },
    async start() {
      if (!fullFirst) {
        try {
          core = await load(pkgUrl, 'nianbao_core');
          return core;
        } catch (e) {
          if (isBlocked(e)) throw e;
          console.warn('nianbao: no core engine, the full one is loaded:', (e && e.message) || e);
        }
      }
      return loadFull();
    },
    async run(fn, onFull) {
      if (full) return fn(full);
      try {
        return await fn(core);
      } catch (e) {
        if (!e || e.code !== 'reader_not_loaded') throw e;
      }
      if (onFull) onFull('loading');
      try {
        await loadFull();
      } catch (e) {
        if (onFull) onFull('failed');
        const err = new Error(`the full engine could not be loaded: ${(e && e.message) || e}`);
        err.code = 'unavailable';
        throw err;
      }
      if (onFull) onFull('loaded');
      return fn(full);
    },
  };
}

// ---------------------------------------------------------------------------------------
// On the main thread.
async function mainEngine(pkgUrl, reason) {
  const pair = engines(pkgUrl);
  let mod;
  try {
    mod = await pair.start();
  } catch (e) {
    throw unavailable(isBlocked(e), e);
  }
  return {
    mode: 'main',
    reason,
    version: mod.version(),
    labels: { 2019: mod.labels('2019'), 2021: mod.labels('2021') },
    get full() { return pair.full; },
    // The engine answers a Blob with a Promise and anything else at once; both are awaited.
    check: (input, options) => pair.run((m) => m.check(input, options)),
    normalize: (input) => pair.run((m) => m.normalize(input)),
    blanks: (result, options) => pair.run((m) => m.blanks(result, options)),
  };
}

// ---------------------------------------------------------------------------------------
// In a worker.

/** Starts a worker and the engine in it; resolves to { worker, ready } or rejects with
 *  an Error whose `reason` says why no worker runs. */
function spawn(pkgUrl, workerUrl, full) {
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
    worker.postMessage({ type: 'init', pkg: String(pkgUrl), full });
  });
}

async function workerEngine(pkgUrl, workerUrl, timeoutMs) {
  const first = await spawn(pkgUrl, workerUrl, false);
  let full = false;               // a worker runs the full engine: the next ones start it
  let current = first.worker;     // the live worker, or null once terminated
  let starting = null;            // a respawn in progress
  let active = null;              // the request the worker is answering
  const queue = [];               // requests waiting for the worker
  let seq = 0;

  const listen = (worker) => {
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (!active || m.id !== active.id) return;
      if (m.type === 'full') {
        // The worker fetches the full engine for this request: not a runaway check, so
        // the time bound waits; the fetch has the start's bound. Once it runs, a fresh
        // worker (after a timeout or a trap) starts with it.
        if (m.state === 'loaded') full = true;
        arm(active, m.state === 'loading' ? WORKER_START_MS : timeoutMs);
        return;
      }
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
      starting = spawn(pkgUrl, workerUrl, full).then(({ worker }) => {
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
    arm(req, timeoutMs);
  }

  /** (Re)starts the time bound of the request the worker is answering. */
  function arm(req, ms) {
    clearTimeout(req.timer);
    req.timer = setTimeout(() => {
      if (active !== req) return;
      active = null;
      stop();
      req.reject(engineError({ code: 'timeout', message: `the check ran past ${ms} ms and was stopped` }));
      pump();
    }, ms);
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
    get full() { return full; },
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
