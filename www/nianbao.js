/*
 * nianbao.js - drop-in checker for government information-disclosure annual reports
 * (zhengfu xinxi gongkai gongzuo niandu baogao) on upload forms.
 *
 * A portal adds one classic script (not a module):
 *
 *     <script src="/static/nianbao/www/nianbao.js" defer></script>
 *
 * and marks its forms with `data-nianbao`. The script loads the nianbao engine
 * (WebAssembly, built by `bash scripts/build-wasm` into pkg/) and checks the report in
 * the browser, with the same rules and the same result JSON as the command line and the
 * server (RULES.md "JSON shapes"). Nothing is sent anywhere, except to the fallback URL
 * below when the browser cannot run WebAssembly.
 *
 * Every file it loads is pure ASCII (its Chinese written as \u escapes), so it works on a
 * page of any encoding (a GBK portal page too) whatever charset, or none, the portal's
 * server sends with it.
 *
 * WHAT IT DOES
 *  - Loads, from beside itself, nianbao-engine.js (where the engine runs) and, from
 *    `new URL('../pkg/', <this script's src>)`, the engine: first the core
 *    (nianbao_core.js and nianbao_core_bg.wasm: UTF-8 text, canonical JSON, HTML, the
 *    fields), then, only when the core says an input needs a reader it lacks (a .docx,
 *    a PDF, a text not in UTF-8: code reader_not_loaded), the full one (nianbao.js and
 *    nianbao_bg.wasm), once, which answers that input and every later one. The engine is
 *    started once per page, however many <script> tags include this file (the first one
 *    wins; later ones only see `window.Nianbao`). None of it delays the page: the
 *    engine is imported and started asynchronously, in the worker, and the page's
 *    DOMContentLoaded and load do not wait for it (tests/js/browser.test.mjs).
 *  - Runs the engine in a dedicated Web Worker (nianbao-worker.js beside this file, a
 *    module worker loading the same pkg/), so that no check blocks the page. A check
 *    still running after the time bound (data-nianbao-timeout, 5 s by default: a real
 *    report is picked to result in under 20 ms; a PDF built to run into the reader's
 *    bounds is refused in about 0.6 s, BENCHMARKS.md) is stopped by terminating the
 *    worker; the panel says so and the form is not blocked (the server decides), as for
 *    an unreadable file. Where no
 *    worker can start (a Content-Security-Policy without worker-src, a browser without
 *    module workers, the script on another origin) the engine runs on the main thread,
 *    the panel says so, and no time bound can apply. `Nianbao.mode` tells which.
 *  - Attaches to every `form[data-nianbao]`, including forms added later (a
 *    MutationObserver watches the document).
 *  - Report forms: the form's file inputs and textareas (their text) are checked when
 *    they change and when the form is submitted. A file dropped on the form goes into
 *    its (first checked) file input, as if picked, and is checked. A picked or dropped
 *    file goes to the engine as it is (a File), never decoded here: the engine reads it
 *    and tells its format from its content (text in any of its encodings, canonical
 *    JSON, .docx, HTML, PDF ...), whatever the file's name or type. Only those marked
 *    `data-nianbao-input` are checked if any are marked; elements marked
 *    `data-nianbao-ignore` never are. A file the engine cannot read (an old .doc, a
 *    scanned or damaged PDF, an empty file ...) is reported in the panel with the
 *    engine's reason but does not block: the server decides about it.
 *  - Fields forms: inputs marked `data-nianbao-cell="t3.new.np"` are read as cells of
 *    the canonical report (`t3.<row>.<column>`, `t4.<cell>`, `t2.<block>.<row>.<column>`,
 *    keys of RULES.md; an empty input is null, anything else is passed as the raw text,
 *    which the engine normalizes) and checked as the clerk types (250 ms debounce). Only
 *    findings about the tables the form holds are shown and counted (a form holding
 *    only table 3 is not told that its sections are missing). Each input named by an
 *    error gets aria-invalid="true", the class `nianbao-invalid` and a short note beside
 *    it (referenced by aria-describedby); the cell that alone would balance the table
 *    (`params.suspect`) gets the class `nianbao-suspect` and a note with the value it
 *    should hold. Warnings and infos are listed in the panel only. Marks are cleared as
 *    soon as the values add up. Their styling is one <style id="nianbao-marks-style"> in
 *    <head> (with `form.nianbao-dragover`, the outline while a file is dragged over).
 *  - Submit: with errors the submit is blocked (preventDefault) and focus moves to the
 *    panel's summary; with warnings only it goes through. A submit while a check is
 *    pending waits for it, then re-submits with form.requestSubmit(submitter) if the
 *    report may go.
 *  - Results are shown in a panel (<nianbao-panel>, a Shadow DOM, so the portal's CSS
 *    cannot break it) inserted after the form: an aria-live="polite" summary (the
 *    counts of errors and warnings, or "passed"), then each finding - severity, code,
 *    message, place (line, table, row, column in the template's words, from the
 *    engine's labels()) - errors first. A table's blank cells (C003, one per cell in
 *    the result) are one entry per table naming the columns and rows left wholly
 *    blank and the other cells, in the words of the CLI's human output (the engine's
 *    blanks()). Report text is only ever set with textContent, never parsed as HTML.
 *  - Without WebAssembly (old browser, or a Content-Security-Policy without
 *    'wasm-unsafe-eval' on the page and no worker) the panel says that the browser
 *    cannot run the checker and the server will check. If the form has
 *    `data-nianbao-fallback-url` (block mode), on submit the report is POSTed there
 *    (body = the file as is with its type or application/octet-stream, the textarea's
 *    text as text/plain, the fields' canonical report as application/json); the JSON
 *    result it answers (same shape) is shown and blocks as usual. Without a fallback
 *    URL, or when the fallback fails, the submit goes through.
 *
 * DATA ATTRIBUTES
 *  on the <script> tag:
 *    data-nianbao-pkg="URL"          folder of the engine package (default ../pkg/ from
 *                                    this script; resolved against the page's base URL)
 *    data-nianbao-thread="main"      run the engine on the main thread, not in a worker
 *    data-nianbao-timeout="5000"     the time bound of a check in the worker, in ms
 *  on a <form>:
 *    data-nianbao                    attach to this form
 *    data-nianbao-mode="block|warn"  block (default): errors stop the submit;
 *                                    warn: show the findings, never stop the submit
 *    data-nianbao-panel="ID"         show the panel inside the element with this id (or
 *                                    matching this CSS selector) instead of after the form
 *    data-nianbao-fallback-url="URL" server check used when WebAssembly cannot run
 *    data-nianbao-template="2021"    template of a fields form's report ("2019" | "2021")
 *    data-nianbao-lang="en"          language of the messages (default zh)
 *  on elements inside the form:
 *    data-nianbao-cell="t3.r7.total" the input is this cell of the canonical report
 *    data-nianbao-input              check only the file inputs/textareas marked so
 *    data-nianbao-ignore             never check this file input/textarea
 *
 * EVENTS
 *    nianbao:result   CustomEvent on the form (bubbles) each time a report was checked;
 *                     `detail` is the result object (RULES.md). For a fields form the
 *                     result is restricted to the form's tables: findings, summary and
 *                     valid are recomputed from the findings about those tables.
 *
 * API (window.Nianbao)
 *    Nianbao.ready                 Promise of { version, mode } when the engine runs;
 *                                  rejects (error.code "unavailable") when it cannot
 *    Nianbao.mode                  'loading', then 'worker' or 'main', or 'unavailable'
 *    Nianbao.check(input, opts)    Promise<result>; input: string | Uint8Array |
 *                                  ArrayBuffer | Blob/File | canonical report object;
 *                                  opts { lang, previous }: previous, last year's report
 *                                  in any of those forms, runs the cross-year rules;
 *                                  rejects with the engine's Error (.code) when the
 *                                  input cannot be read, code "timeout" when the check
 *                                  ran past the time bound
 *    Nianbao.attach(form, opts)    attach by hand; opts override the data attributes:
 *                                  { mode, panel (element), fallbackUrl, template, lang };
 *                                  returns { check(): Promise, detach() }
 *    Nianbao.labels(template)      Promise of the engine's labels() of a template
 *                                  ("2019" | "2021"): every key with its label
 *    Nianbao.timings               performance.now() marks: scriptStart, ready, firstResult
 *
 * No framework, no build step: plain ES2020.
 */
(() => {
  'use strict';

  // Loaded once per page: a second <script> for this file stops here.
  if (window.Nianbao && window.Nianbao.__dropIn) return;

  const timings = { scriptStart: performance.now(), ready: null, firstResult: null };
  /** How long a check may run in the worker before it is stopped (data-nianbao-timeout). */
  const DEFAULT_TIMEOUT_MS = 5000;
  /** After how long a running check is shown as running. */
  const SLOW_CHECK_MS = 300;

  // ---------------------------------------------------------------------------------
  // Every word the drop-in shows of its own (the engine's messages come with its results).
  // The file is kept pure ASCII (tests/js/ascii.test.mjs): write the Chinese, then run
  // `node scripts/ascii-js.mjs --write www/nianbao.js`.
  const TEXT = {
    noWasm: '\u6d4f\u89c8\u5668\u65e0\u6cd5\u8fd0\u884c\u68c0\u67e5\u7a0b\u5e8f\uff08WebAssembly \u88ab\u7981\u6b62\uff09\uff0c\u5c06\u7531\u670d\u52a1\u5668\u68c0\u67e5',
    loadFailed: '\u68c0\u67e5\u7a0b\u5e8f\u52a0\u8f7d\u5931\u8d25\uff0c\u5c06\u7531\u670d\u52a1\u5668\u68c0\u67e5',
    mainThread: '\u6d4f\u89c8\u5668\u4e0d\u5141\u8bb8\u540e\u53f0\u68c0\u67e5\uff0c\u68c0\u67e5\u5728\u672c\u9875\u9762\u4e2d\u8fd0\u884c\uff0c\u8f83\u5927\u7684\u6587\u4ef6\u53ef\u80fd\u4f7f\u9875\u9762\u77ed\u6682\u505c\u987f',
    timeout: (seconds) => `\u68c0\u67e5\u8d85\u8fc7 ${seconds} \u79d2\u4ecd\u672a\u5b8c\u6210\uff0c\u5df2\u505c\u6b62`,
    region: '\u5e74\u62a5\u68c0\u67e5\u7ed3\u679c',
    brand: '\u5e74\u62a5\u81ea\u52a8\u68c0\u67e5',
    idleFields: '\u586b\u5199\u8868\u683c\u65f6\u5c06\u81ea\u52a8\u68c0\u67e5',
    idleReport: '\u9009\u62e9\u3001\u62d6\u5165\u62a5\u544a\u6587\u4ef6\u6216\u7c98\u8d34\u62a5\u544a\u6587\u672c\u540e\u5c06\u81ea\u52a8\u68c0\u67e5',
    checking: '\u6b63\u5728\u68c0\u67e5\u2026',
    serverChecking: '\u6b63\u5728\u7531\u670d\u52a1\u5668\u68c0\u67e5\u2026',
    serverAnswered: (status) => `\u670d\u52a1\u5668\u8fd4\u56de ${status}`,
    serverDown: '\u670d\u52a1\u5668\u68c0\u67e5\u6682\u4e0d\u53ef\u7528\uff0c\u62a5\u544a\u5c06\u76f4\u63a5\u63d0\u4ea4',
    serverOnSubmit: '\u63d0\u4ea4\u65f6\u62a5\u544a\u5c06\u53d1\u9001\u5230\u670d\u52a1\u5668\u68c0\u67e5\u3002',
    fixBeforeSubmit: '\uff0c\u8bf7\u6539\u6b63\u540e\u518d\u63d0\u4ea4',
    passed: '\u68c0\u67e5\u901a\u8fc7',
    passedWithWarnings: (n) => `\u68c0\u67e5\u901a\u8fc7\uff0c\u6709 ${n} \u4e2a\u8b66\u544a`,
    found: (errors, warnings) => `\u53d1\u73b0 ${errors} \u4e2a\u9519\u8bef${warnings ? `\u3001${warnings} \u4e2a\u8b66\u544a` : ''}`,
    notCheckable: '\u65e0\u6cd5\u5728\u6d4f\u89c8\u5668\u4e2d\u68c0\u67e5\u6b64\u62a5\u544a',
    unreadable: (label, message) => `${label}\u65e0\u6cd5\u5728\u6d4f\u89c8\u5668\u4e2d\u68c0\u67e5\uff1a${message}\uff08\u5c06\u7531\u670d\u52a1\u5668\u68c0\u67e5\uff09`,
    file: (name) => `\u6587\u4ef6\u201c${name}\u201d`,
    pasted: '\u7c98\u8d34\u7684\u6587\u672c',
    fields: '\u8868\u683c',
    year: (y) => `${y}\u5e74\u5ea6`,
    template: (t) => `${t}\u7248\u6a21\u677f`,
    warnings: (n) => `${n} \u4e2a\u8b66\u544a`,
    infos: (n) => `${n} \u6761\u63d0\u793a\uff08\u8bfb\u53d6\u65f6\u7684\u4fee\u6b63\uff09`,
    line: (n) => `\u7b2c ${n} \u884c`,
    suspect: (where, value) => `\u53ef\u80fd\u586b\u9519\u7684\u5355\u5143\u683c\uff1a${where}\uff0c\u5e94\u4e3a ${value}`,
    shouldBe: (value) => `\u5e94\u4e3a ${value}`,
    reportedComputed: (code, reported, computed) => `${code}\uff1a\u586b\u62a5 ${reported}\uff0c\u5408\u8ba1 ${computed}`,
    codeMessage: (code, message) => `${code}\uff1a${message}`,
    listSeparator: '\uff1b',
    severity: { error: '\u9519\u8bef', warning: '\u8b66\u544a', info: '\u63d0\u793a' },
  };

  // ---------------------------------------------------------------------------------
  // Where the engine is: beside this script, in ../pkg/, unless data-nianbao-pkg says;
  // where it runs: a worker (nianbao-worker.js beside this script) unless the tag says
  // data-nianbao-thread="main" or a worker cannot start (nianbao-engine.js).
  const script = document.currentScript ||
    Array.from(document.querySelectorAll('script[src]')).reverse()
      .find((s) => /nianbao\.js(\?|#|$)/.test(s.src));
  const scriptSrc = script ? script.src : document.baseURI;
  const attr = (name) => (script && script.getAttribute(name)) || '';
  let pkgUrl = attr('data-nianbao-pkg') ? new URL(attr('data-nianbao-pkg'), document.baseURI) : new URL('../pkg/', scriptSrc);
  if (!pkgUrl.pathname.endsWith('/')) pkgUrl = new URL(pkgUrl.pathname + '/', pkgUrl);
  const thread = attr('data-nianbao-thread') === 'main' ? 'main' : 'worker';
  const timeoutMs = Number(attr('data-nianbao-timeout')) > 0 ? Number(attr('data-nianbao-timeout')) : DEFAULT_TIMEOUT_MS;

  // ---------------------------------------------------------------------------------
  // The engine: one start, shared by every form.
  let engine = null;          // nianbao-engine.js's engine once ready
  let engineFailure = null;   // { message } when it cannot run
  let mode = 'loading';       // 'worker' | 'main' | 'unavailable'

  const ready = (async () => {
    let started;
    try {
      const { start } = await import(new URL('nianbao-engine.js', scriptSrc).href);
      started = await start({ pkgUrl, workerUrl: new URL('nianbao-worker.js', scriptSrc), thread, timeoutMs });
    } catch (e) {
      const err = new Error(e && e.blocked ? TEXT.noWasm : TEXT.loadFailed);
      err.code = 'unavailable';
      err.cause = e;
      throw err;
    }
    engine = started;
    mode = started.mode;
    timings.ready = performance.now();
    for (const state of attached) renderMode(state);
    return { version: started.version, mode: started.mode };
  })();
  ready.catch((e) => {
    mode = 'unavailable';
    engineFailure = { message: e.message };
    if (e.cause) console.warn('nianbao:', e.cause);
    for (const state of attached) renderUnavailable(state);
  });

  /** Checks any input with the engine: a Blob or File (picked, dropped) is passed as it is. */
  async function check(input, options) {
    await ready;
    const result = await engine.check(input, options);
    if (timings.firstResult === null) timings.firstResult = performance.now();
    return result;
  }

  // ---------------------------------------------------------------------------------
  // Places in words, from the engine's labels of the result's template.
  const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
  const labelMaps = {};
  function labelsOf(template) {
    const v = template === '2019' ? '2019' : '2021';
    if (labelMaps[v] || !engine) return labelMaps[v] || null;
    const l = engine.labels[v];
    const map = (list) => new Map(list.map((x) => [x.key, x.label]));
    labelMaps[v] = {
      tables: map(l.tables),
      sections: map(l.sections),
      t2: new Map(l.t2.map((b) => [b.key, { label: b.label, rows: map(b.rows), columns: map(b.columns) }])),
      t3rows: new Map(l.t3.rows.map((r) => [r.key, r.parent ? `${r.parent} ${r.label}` : r.label])),
      t3columns: map(l.t3.columns),
      t4: new Map(l.t4.cells.map((c) => [c.key, [c.group, c.label]])),
    };
    return labelMaps[v];
  }

  /** Table \u00b7 row \u00b7 column of a location or a suspect, in words. */
  function cellWords(loc, template) {
    const l = labelsOf(template);
    const parts = [];
    if (!loc.table) return '';
    parts.push((l && l.tables.get(loc.table)) || loc.table);
    if (loc.table === 't3') {
      if (loc.row) parts.push((l && l.t3rows.get(loc.row)) || loc.row);
      if (loc.column) parts.push((l && l.t3columns.get(loc.column)) || loc.column);
    } else if (loc.table === 't4') {
      if (loc.column) parts.push(...((l && l.t4.get(loc.column)) || [loc.column]));
    } else if (loc.table === 't2') {
      const block = l && loc.block && l.t2.get(loc.block);
      if (loc.block) parts.push(block ? block.label : loc.block);
      if (loc.row) parts.push((block && block.rows.get(loc.row)) || loc.row);
      if (loc.column) parts.push((block && block.columns.get(loc.column)) || loc.column);
    }
    return parts.join(' \u00b7 ');
  }

  function placeWords(finding, template, withLine) {
    const loc = finding.location || {};
    const l = labelsOf(template);
    const parts = [];
    if (withLine && loc.line) parts.push(TEXT.line(loc.line));
    if (loc.table) parts.push(cellWords(loc, template));
    else if (loc.section && l && l.sections.get(loc.section)) parts.push(l.sections.get(loc.section));
    return parts.join(' \u00b7 ');
  }

  /** The data-nianbao-cell key of a location or suspect, e.g. "t3.r7.total". */
  function cellKey(loc) {
    if (!loc || !loc.table || !loc.column) return null;
    if (loc.table === 't3') return loc.row ? `t3.${loc.row}.${loc.column}` : null;
    if (loc.table === 't4') return `t4.${loc.column}`;
    if (loc.table === 't2') return loc.block && loc.row ? `t2.${loc.block}.${loc.row}.${loc.column}` : null;
    return null;
  }

  // ---------------------------------------------------------------------------------
  // Styles: the panel's live in its shadow root; the marks on the portal's own inputs
  // are a few namespaced classes in one <style> in <head>.
  const PANEL_CSS = `
    :host { all: initial; display: block; margin: 12px 0; }
    :host([hidden]) { display: none; }
    .box { box-sizing: border-box; border: 1px solid #c9d3df; border-left: 4px solid #5b6b7f;
      border-radius: 4px; background: #fff; color: #1f2933; padding: 10px 14px;
      font: 14px/1.6 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei",
        "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; text-align: left; }
    .box.has-errors { border-left-color: #c62828; }
    .box.passed { border-left-color: #2e7d32; }
    .box.unavailable { border-left-color: #b26a00; }
    .brand { margin: 0; font-size: 12px; color: #5b6b7f; letter-spacing: .05em; }
    .summary { margin: 2px 0 6px; font-size: 16px; font-weight: 600; outline: none; }
    .summary:focus-visible, .summary:focus { box-shadow: 0 0 0 3px #90caf9; border-radius: 2px; }
    .has-errors .summary { color: #b71c1c; }
    .passed .summary { color: #1b5e20; }
    .notice { margin: 4px 0; color: #7a4a00; }
    .notice[hidden] { display: none; }
    .source { margin: 8px 0 0; }
    .meta { margin: 0 0 4px; color: #52606d; font-size: 13px; overflow-wrap: anywhere; }
    ol { list-style: none; margin: 0; padding: 0; }
    details ol { max-height: 20em; overflow: auto; }
    li { padding: 5px 0; border-top: 1px solid #eef1f4; overflow-wrap: anywhere; }
    .badge { display: inline-block; min-width: 2.6em; padding: 0 6px; margin-right: 6px; border-radius: 3px;
      font-size: 12px; text-align: center; color: #fff; background: #5b6b7f; }
    .error .badge { background: #c62828; }
    .warning .badge { background: #b26a00; }
    .info .badge { background: #4a6fa5; }
    .code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; margin-right: 6px; color: #334e68; }
    .where { display: block; color: #52606d; font-size: 12px; }
    .suspect { display: block; color: #8a4b00; font-size: 12px; }
    details { margin-top: 4px; }
    summary { cursor: pointer; color: #334e68; }
  `;
  const MARKS_CSS = `
    .nianbao-invalid { outline: 2px solid #c62828 !important; outline-offset: -2px; }
    .nianbao-suspect { outline: 3px dashed #e65100 !important; outline-offset: -3px; background-color: #fff3e0 !important; }
    .nianbao-note { display: block; margin-top: 2px; font-size: 12px; line-height: 1.3; color: #b71c1c; font-weight: normal; }
    .nianbao-note.nianbao-suspect-note { color: #bf360c; font-weight: bold; }
    form.nianbao-dragover { outline: 3px dashed #4a6fa5 !important; outline-offset: 4px; }
  `;

  function injectMarksStyle() {
    if (document.getElementById('nianbao-marks-style')) return;
    const style = document.createElement('style');
    style.id = 'nianbao-marks-style';
    style.textContent = MARKS_CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  // ---------------------------------------------------------------------------------
  // Forms.
  const attached = new Set();       // states of attached forms
  const stateOf = new WeakMap();    // form \u2192 state
  let noteCounter = 0;

  function attach(form, options = {}) {
    if (!(form instanceof HTMLFormElement)) throw new TypeError('Nianbao.attach: a <form> is needed');
    if (stateOf.has(form)) return stateOf.get(form).handle;
    const state = {
      form, options,
      panel: null, dirty: false, timer: 0, chain: Promise.resolve(), pending: null,
      outcome: null, bypass: false, memo: new Map(), marks: [],
    };
    state.panel = createPanel(state);
    state.onInput = (ev) => onInput(state, ev);
    state.onSubmit = (ev) => onSubmit(state, ev);
    form.addEventListener('input', state.onInput);
    form.addEventListener('change', state.onInput);
    form.addEventListener('submit', state.onSubmit);
    state.onDrag = (ev) => onDrag(state, ev);
    for (const type of DRAG_EVENTS) form.addEventListener(type, state.onDrag);
    state.handle = {
      check: () => runCheck(state),
      detach: () => detach(state),
    };
    stateOf.set(form, state);
    attached.add(state);
    if (engineFailure) renderUnavailable(state);
    else if (collectSources(state).some(hasContent)) runCheck(state);  // e.g. text restored by the browser
    return state.handle;
  }

  function detach(state) {
    const { form } = state;
    form.removeEventListener('input', state.onInput);
    form.removeEventListener('change', state.onInput);
    form.removeEventListener('submit', state.onSubmit);
    for (const type of DRAG_EVENTS) form.removeEventListener(type, state.onDrag);
    form.classList.remove('nianbao-dragover');
    clearTimeout(state.timer);
    clearMarks(state);
    state.panel.host.remove();
    stateOf.delete(form);
    attached.delete(state);
  }

  const formMode = (state) => (state.options.mode || state.form.dataset.nianbaoMode || 'block') === 'warn' ? 'warn' : 'block';
  const fallbackUrl = (state) => state.options.fallbackUrl || state.form.dataset.nianbaoFallbackUrl || '';
  const lang = (state) => state.options.lang || state.form.dataset.nianbaoLang || undefined;
  const cellInputs = (form) => Array.from(form.querySelectorAll('[data-nianbao-cell]'));
  const isFieldsForm = (state) => cellInputs(state.form).length > 0;

  /** The reports a form holds now: picked files, non-empty textareas, its cells. */
  function collectSources(state) {
    const { form } = state;
    const marked = form.querySelectorAll('[data-nianbao-input]');
    const candidates = marked.length ? Array.from(marked)
      : Array.from(form.querySelectorAll('input[type=file], textarea'));
    const sources = [];
    for (const el of candidates) {
      if (el.disabled || el.hasAttribute('data-nianbao-ignore') || el.hasAttribute('data-nianbao-cell')) continue;
      if (el instanceof HTMLInputElement && el.type === 'file') {
        for (const file of Array.from(el.files || [])) sources.push({ kind: 'file', el, file, name: file.name });
      } else if (el instanceof HTMLTextAreaElement && el.value.trim() !== '') {
        sources.push({ kind: 'text', el, text: el.value, name: el.getAttribute('aria-label') || el.name || TEXT.pasted });
      }
    }
    const cells = cellInputs(form);
    if (cells.length) sources.push(fieldsSource(state, cells));
    return sources;
  }

  const hasContent = (source) => source.kind !== 'fields' || source.filled > 0;

  /** The canonical report built from data-nianbao-cell inputs. */
  function fieldsSource(state, cells) {
    const report = {};
    const template = state.options.template || state.form.dataset.nianbaoTemplate;
    if (template) report.template = template;
    const tables = new Set();
    let filled = 0;
    for (const el of cells) {
      const path = el.getAttribute('data-nianbao-cell').split('.');
      const table = path[0];
      if (!/^t[234]$/.test(table) || path.length < 2) continue;
      tables.add(table);
      const value = el.value.trim() === '' ? null : el.value;
      if (value !== null) filled++;
      let node = (report[table] = report[table] || {});
      for (let i = 1; i < path.length - 1; i++) node = (node[path[i]] = node[path[i]] || {});
      node[path[path.length - 1]] = value;
    }
    return { kind: 'fields', report, tables, filled, name: TEXT.fields, key: JSON.stringify(report) };
  }

  function onInput(state, ev) {
    const el = ev.target;
    if (!(el instanceof Element) || engineFailure) return;
    if (el.hasAttribute('data-nianbao-cell')) {
      schedule(state, 250);
    } else if (el instanceof HTMLInputElement && el.type === 'file') {
      if (ev.type === 'change') schedule(state, 0);
    } else if (el instanceof HTMLTextAreaElement) {
      schedule(state, ev.type === 'input' ? 250 : 0);
    }
  }

  function schedule(state, delay) {
    clearTimeout(state.timer);
    state.dirty = true;
    if (delay > 0) state.timer = setTimeout(() => runCheck(state), delay);
    else runCheck(state);
  }

  /** Runs a check of the whole form after any running one; resolves to its outcome. */
  function runCheck(state) {
    clearTimeout(state.timer);
    state.dirty = false;
    const p = state.chain.then(() => checkForm(state));
    state.chain = p.catch(() => {});
    state.pending = p;
    const done = () => { if (state.pending === p) state.pending = null; };
    p.then(done, done);
    return p;
  }

  async function checkForm(state) {
    const sources = collectSources(state);
    if (!sources.length) {
      state.outcome = { entries: [], blocking: false };
      clearMarks(state);
      renderIdle(state);
      return state.outcome;
    }
    try {
      await ready;
    } catch (e) {
      return { unavailable: true, entries: [], blocking: false };
    }
    // A check that takes a moment (a large file; the page stays responsive meanwhile)
    // says so; a quick one goes straight to its result, so the live summary does not
    // announce every keystroke.
    const slow = setTimeout(() => setSummary(state, TEXT.checking, ''), SLOW_CHECK_MS);
    const entries = [];
    try {
      for (const source of sources) entries.push(await checkSource(state, source));
    } finally {
      clearTimeout(slow);
    }
    return finish(state, entries);
  }

  /** One source's entry: { source, result } or { source, error }; unchanged content is
   *  not checked again (and fires no second nianbao:result). */
  async function checkSource(state, source) {
    const opts = lang(state) ? { lang: lang(state) } : undefined;
    const slot = source.kind === 'fields' ? 'fields' : source.el;
    const content = source.kind === 'file' ? source.file : source.kind === 'text' ? source.text : source.key;
    const memo = state.memo.get(slot);
    if (memo && memo.content === content && memo.lang === (opts && opts.lang)) return { ...memo.entry, source, fresh: false };
    let entry;
    try {
      const input = source.kind === 'file' ? source.file : source.kind === 'text' ? source.text : source.report;
      let result = await check(input, opts);
      if (source.kind === 'fields') result = restrict(result, source.tables);
      entry = { source, result, blanks: await blanksOf(result, opts), fresh: true };
    } catch (e) {
      const message = e.code === 'timeout' ? TEXT.timeout(Math.round(timeoutMs / 100) / 10) : e.message;
      entry = { source, error: { code: e.code || 'internal', message } };
    }
    if (source.kind !== 'file' || (source.el.files && source.el.files.length === 1)) {
      state.memo.set(slot, { content, lang: opts && opts.lang, entry });
    }
    return entry;
  }

  /** The engine's grouping of a result's blank cells (C003), an entry per table (blanks()
   *  of the engine, the words of the CLI's human output); none if it cannot say. */
  async function blanksOf(result, opts) {
    try {
      return await engine.blanks(result, opts);
    } catch (e) {
      return [];
    }
  }

  /** A fields form's result, keeping only findings about the tables it holds. */
  function restrict(result, tables) {
    const findings = result.findings.filter((f) => f.location && tables.has(f.location.table));
    const summary = { errors: 0, warnings: 0, infos: 0 };
    for (const f of findings) {
      if (f.severity === 'error') summary.errors++;
      else if (f.severity === 'warning') summary.warnings++;
      else summary.infos++;
    }
    return { ...result, valid: summary.errors === 0, summary, findings };
  }

  function finish(state, entries) {
    const blocking = formMode(state) === 'block' && entries.some((e) => e.result && !e.result.valid);
    state.outcome = { entries, blocking };
    renderResults(state, entries);
    applyMarks(state, entries);
    for (const e of entries) {
      if (e.result && e.fresh) {
        state.form.dispatchEvent(new CustomEvent('nianbao:result', { bubbles: true, detail: e.result }));
      }
    }
    return state.outcome;
  }

  // ---------------------------------------------------------------------------------
  // Drag and drop: a file dropped anywhere on a report form goes into the form's file
  // input (so it is submitted with the form, as if picked) and is checked as a picked one.
  const DRAG_EVENTS = ['dragenter', 'dragover', 'dragleave', 'drop'];

  /** The file input a drop fills: the first one the form checks. */
  function dropInput(state) {
    const marked = state.form.querySelectorAll('[data-nianbao-input]');
    const candidates = marked.length ? Array.from(marked) : Array.from(state.form.querySelectorAll('input[type=file]'));
    return candidates.find((el) => el instanceof HTMLInputElement && el.type === 'file' && !el.disabled &&
      !el.hasAttribute('data-nianbao-ignore')) || null;
  }

  function onDrag(state, ev) {
    const dt = ev.dataTransfer;
    const input = dropInput(state);
    if (!input || !dt || !Array.from(dt.types || []).includes('Files')) return;
    const { form } = state;
    if (ev.type === 'dragenter' || ev.type === 'dragover') {
      ev.preventDefault();                  // allows the drop (else the browser opens the file)
      dt.dropEffect = 'copy';
      injectMarksStyle();
      form.classList.add('nianbao-dragover');
      return;
    }
    if (ev.type === 'dragleave') {
      if (!ev.relatedTarget || !form.contains(ev.relatedTarget)) form.classList.remove('nianbao-dragover');
      return;
    }
    ev.preventDefault();
    form.classList.remove('nianbao-dragover');
    const files = Array.from(dt.files || []);
    if (!files.length) return;
    const keep = new DataTransfer();
    for (const file of input.multiple ? files : files.slice(0, 1)) keep.items.add(file);
    input.files = keep.files;
    // As a pick does: the portal's own listeners see it too.
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  // ---------------------------------------------------------------------------------
  // Submitting.
  function onSubmit(state, ev) {
    if (state.bypass) { state.bypass = false; return; }   // our own re-submit
    if (formMode(state) === 'warn') {
      // Never held back. (Without WebAssembly the fallback is not asked either: the
      // page is leaving, and the server checks what it receives anyway.)
      if (!engineFailure && (state.dirty || !state.outcome)) runCheck(state);
      return;
    }
    if (engineFailure) {
      if (!fallbackUrl(state) || !collectSources(state).length) return;  // the message is shown; let it go
      ev.preventDefault();
      serverCheck(state, ev.submitter);
      return;
    }
    if (!state.dirty && !state.pending && state.outcome) {
      if (state.outcome.blocking) { ev.preventDefault(); blocked(state); }
      return;
    }
    // A check is pending (or the engine is still loading): wait, then decide.
    ev.preventDefault();
    const submitter = ev.submitter;
    (state.dirty || !state.pending ? runCheck(state) : state.pending).then((outcome) => {
      if (outcome && outcome.unavailable) {
        // The engine could not start meanwhile: the server decides.
        if (fallbackUrl(state)) serverCheck(state, submitter);
        else resubmit(state, submitter);
      } else if (outcome && outcome.blocking) {
        blocked(state);
      } else {
        resubmit(state, submitter);
      }
    }, () => resubmit(state, submitter));
  }

  function resubmit(state, submitter) {
    state.bypass = true;
    const { form } = state;
    try {
      if (typeof form.requestSubmit === 'function') {
        if (submitter && submitter.form === form && !submitter.disabled) form.requestSubmit(submitter);
        else form.requestSubmit();
      } else {
        form.submit();
      }
    } finally {
      // requestSubmit fires submit synchronously; if it did not (invalid fields), reset.
      state.bypass = false;
    }
  }

  function blocked(state) {
    const { summary } = state.panel;
    const text = summary.textContent;
    summary.textContent = (text.endsWith(TEXT.fixBeforeSubmit) ? text.slice(0, -TEXT.fixBeforeSubmit.length) : text) + TEXT.fixBeforeSubmit;
    state.panel.host.scrollIntoView && state.panel.host.scrollIntoView({ block: 'nearest' });
    summary.focus();
  }

  /** Without WebAssembly: posts the report to the fallback URL and shows its answer. */
  async function serverCheck(state, submitter) {
    const url = fallbackUrl(state);
    const sources = collectSources(state);
    const entries = [];
    setSummary(state, TEXT.serverChecking, '');
    for (const source of sources) {
      let body; let type;
      if (source.kind === 'file') { body = source.file; type = source.file.type || 'application/octet-stream'; }
      else if (source.kind === 'text') { body = source.text; type = 'text/plain; charset=utf-8'; }
      else { body = JSON.stringify(source.report); type = 'application/json'; }
      try {
        const res = await fetch(url, {
          method: 'POST', body, headers: { 'Content-Type': type, Accept: 'application/json' },
          credentials: 'same-origin',
        });
        const json = await res.json();
        if (json && Array.isArray(json.findings) && json.summary) {
          entries.push({ source, result: source.kind === 'fields' ? restrict(json, source.tables) : json, fresh: true });
        } else {
          const err = json && json.error;
          entries.push({ source, error: { code: (err && err.code) || 'server', message: (err && err.message) || TEXT.serverAnswered(res.status) } });
        }
      } catch (e) {
        entries.push({ source, error: { code: 'server', message: TEXT.serverDown } });
      }
    }
    const outcome = finish(state, entries);
    setNotice(state, engineFailure ? engineFailure.message : '');
    if (outcome.blocking) blocked(state);
    else resubmit(state, submitter);
  }

  // ---------------------------------------------------------------------------------
  // The panel (Shadow DOM; every text set with textContent).
  function createPanel(state) {
    const { form } = state;
    const host = document.createElement('nianbao-panel');
    const shadow = host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(PANEL_CSS);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      const style = document.createElement('style');
      style.textContent = PANEL_CSS;
      shadow.appendChild(style);
    }
    const box = el('div', 'box');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', TEXT.region);
    const brand = el('p', 'brand', TEXT.brand);
    const summary = el('p', 'summary');
    summary.setAttribute('aria-live', 'polite');
    summary.setAttribute('tabindex', '-1');
    const notice = el('p', 'notice');
    notice.hidden = true;
    const body = el('div', 'body');
    box.append(brand, summary, notice, body);
    shadow.appendChild(box);

    const target = state.options.panel || findPanelTarget(form.dataset.nianbaoPanel);
    if (target) target.appendChild(host);
    else form.after(host);
    const panel = { host, shadow, box, summary, notice, body };
    state.panel = panel;
    renderIdle(state);
    return panel;
  }

  function findPanelTarget(name) {
    if (!name) return null;
    const byId = document.getElementById(name);
    if (byId) return byId;
    try { return document.querySelector(name); } catch (e) { return null; }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setSummary(state, text, status) {
    const { box, summary } = state.panel;
    box.classList.remove('has-errors', 'passed', 'unavailable');
    if (status) box.classList.add(status);
    summary.textContent = text;
  }

  function setNotice(state, text) {
    state.panel.notice.textContent = text;
    state.panel.notice.hidden = !text;
  }

  function renderIdle(state) {
    if (!state.panel) return;
    state.panel.body.replaceChildren();
    if (engineFailure) return renderUnavailable(state);
    setSummary(state, isFieldsForm(state) ? TEXT.idleFields : TEXT.idleReport, '');
    setNotice(state, modeNotice());
  }

  /** Says so when the engine runs on the main thread because a worker could not start. */
  function modeNotice() {
    return engine && engine.mode === 'main' && engine.reason ? TEXT.mainThread : '';
  }

  /** Once the engine runs: the idle text again (or the notice beside the results). */
  function renderMode(state) {
    if (!state.panel) return;
    if (!state.outcome && !state.pending) renderIdle(state);
    else setNotice(state, modeNotice());
  }

  function renderUnavailable(state) {
    clearMarks(state);
    setSummary(state, engineFailure.message, 'unavailable');
    setNotice(state, fallbackUrl(state) ? TEXT.serverOnSubmit : '');
    state.panel.body.replaceChildren();
  }

  function summaryText(counts) {
    const { errors, warnings, infos } = counts;
    if (errors > 0) {
      return TEXT.found(errors, warnings);
    }
    if (warnings) return TEXT.passedWithWarnings(warnings);
    return TEXT.passed;
  }

  function renderResults(state, entries) {
    const counts = { errors: 0, warnings: 0, infos: 0 };
    const unreadable = [];
    for (const e of entries) {
      if (e.result) {
        counts.errors += e.result.summary.errors;
        counts.warnings += e.result.summary.warnings;
        counts.infos += e.result.summary.infos;
      } else {
        unreadable.push(e);
      }
    }
    const anyResult = entries.some((e) => e.result);
    const text = anyResult ? summaryText(counts) : TEXT.notCheckable;
    setSummary(state, text, !anyResult ? 'unavailable' : counts.errors ? 'has-errors' : 'passed');
    setNotice(state, modeNotice());
    const body = state.panel.body;
    body.replaceChildren();
    for (const e of entries) body.appendChild(renderEntry(e, entries.length > 1));
  }

  function renderEntry(entry, named) {
    const wrap = el('div', 'source');
    const { source } = entry;
    const label = source.kind === 'file' ? TEXT.file(source.name) : source.kind === 'text' ? TEXT.pasted : TEXT.fields;
    if (entry.error) {
      wrap.appendChild(el('p', 'notice', TEXT.unreadable(label, entry.error.message)));
      return wrap;
    }
    const r = entry.result;
    const meta = [];
    if (named || source.kind === 'file') meta.push(label);
    if (r.agency) meta.push(r.agency);
    if (r.year) meta.push(TEXT.year(r.year));
    if (r.template) meta.push(TEXT.template(r.template));
    if (meta.length) wrap.appendChild(el('p', 'meta', meta.join(' \u00b7 ')));

    const sorted = shownFindings(r.findings, entry.blanks)
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity]) || (a.i - b.i))
      .map((x) => x.f);
    const withLine = source.kind !== 'fields';
    const errors = sorted.filter((f) => f.severity === 'error');
    const warnings = sorted.filter((f) => f.severity === 'warning');
    const infos = sorted.filter((f) => f.severity === 'info');
    if (errors.length) wrap.appendChild(list(errors, r.template, withLine));
    if (warnings.length) {
      if (warnings.length <= 10) wrap.appendChild(list(warnings, r.template, withLine));
      else wrap.appendChild(folded(TEXT.warnings(r.summary.warnings), list(warnings, r.template, withLine)));
    }
    if (infos.length) wrap.appendChild(folded(TEXT.infos(infos.length), list(infos, r.template, withLine)));
    return wrap;
  }

  /** The findings as the panel lists them: a table's blank cells (C003) as the one entry
   *  the engine words for them (entry.blanks), where the first of them stood. */
  function shownFindings(findings, blanks) {
    const first = new Map();
    const grouped = new Set();
    for (const b of blanks || []) {
      first.set(b.findings[0], b);
      for (const i of b.findings) grouped.add(i);
    }
    return findings.flatMap((f, i) => {
      const b = first.get(i);
      if (b) return [{ ...f, message: b.message, params: {}, location: { table: b.table, line: b.line } }];
      return grouped.has(i) ? [] : [f];
    });
  }

  function folded(title, content) {
    const details = el('details');
    details.appendChild(el('summary', '', title));
    details.appendChild(content);
    return details;
  }

  function list(findings, template, withLine) {
    const ol = el('ol');
    for (const f of findings) {
      const li = el('li', `finding ${f.severity}`);
      li.dataset.code = f.code;
      li.append(el('span', 'badge', TEXT.severity[f.severity] || f.severity), el('span', 'code', f.code),
        el('span', 'msg', f.message));
      const where = placeWords(f, template, withLine);
      if (where) li.appendChild(el('span', 'where', where));
      const s = f.params && f.params.suspect;
      if (s) li.appendChild(el('span', 'suspect', TEXT.suspect(cellWords(s, template), s.value)));
      ol.appendChild(li);
    }
    return ol;
  }

  // ---------------------------------------------------------------------------------
  // Marks on a fields form's inputs (in the portal's DOM, so minimal and namespaced).
  function clearMarks(state) {
    for (const m of state.marks) {
      const { input, note, hadInvalid } = m;
      note.remove();
      input.classList.remove('nianbao-invalid', 'nianbao-suspect');
      if (hadInvalid === null) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', hadInvalid);
      const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((id) => id && id !== note.id);
      if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
      else input.removeAttribute('aria-describedby');
    }
    state.marks = [];
  }

  function shortNote(f) {
    const p = f.params || {};
    if (p.reported !== undefined && p.computed !== undefined) return TEXT.reportedComputed(f.code, p.reported, p.computed);
    return TEXT.codeMessage(f.code, f.message);
  }

  function applyMarks(state, entries) {
    clearMarks(state);
    const cells = cellInputs(state.form);
    if (!cells.length) return;
    const byKey = new Map(cells.map((c) => [c.getAttribute('data-nianbao-cell'), c]));
    const notes = new Map();   // key \u2192 { invalid: [texts], suspect: value }
    const note = (key) => {
      if (!notes.has(key)) notes.set(key, { invalid: [], suspect: null });
      return notes.get(key);
    };
    for (const e of entries) {
      if (!e.result || e.source.kind !== 'fields') continue;
      for (const f of e.result.findings) {
        if (f.severity !== 'error') continue;
        const key = cellKey(f.location);
        if (key && byKey.has(key)) note(key).invalid.push(shortNote(f));
        const s = f.params && f.params.suspect;
        const skey = cellKey(s);
        if (skey && byKey.has(skey)) note(skey).suspect = s.value;
      }
    }
    injectMarksStyle();
    for (const [key, n] of notes) {
      const input = byKey.get(key);
      const texts = Array.from(new Set(n.invalid));
      if (n.suspect !== null) texts.unshift(TEXT.shouldBe(n.suspect));
      const span = el('span', n.suspect !== null ? 'nianbao-note nianbao-suspect-note' : 'nianbao-note', texts.join(TEXT.listSeparator));
      span.id = `nianbao-note-${++noteCounter}`;
      const hadInvalid = input.getAttribute('aria-invalid');
      input.setAttribute('aria-invalid', 'true');
      input.classList.add('nianbao-invalid');
      if (n.suspect !== null) input.classList.add('nianbao-suspect');
      const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      ids.push(span.id);
      input.setAttribute('aria-describedby', ids.join(' '));
      input.after(span);
      state.marks.push({ input, note: span, hadInvalid });
    }
  }

  // ---------------------------------------------------------------------------------
  // Start: attach to the forms there are and to those that come.
  function scan(root) {
    if (root instanceof HTMLFormElement && root.hasAttribute('data-nianbao')) attach(root);
    if (root.querySelectorAll) for (const f of root.querySelectorAll('form[data-nianbao]')) attach(f);
  }

  function start() {
    scan(document);
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) scan(n);
      for (const state of Array.from(attached)) {
        if (!state.form.isConnected) detach(state);
      }
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  window.Nianbao = Object.freeze({
    __dropIn: true,
    ready,
    check,
    attach,
    timings,
    labels: async (template) => { await ready; return engine.labels[template === '2019' ? '2019' : '2021']; },
    /** 'loading', then 'worker' or 'main' (where checks run), or 'unavailable'. */
    get mode() { return mode; },
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
