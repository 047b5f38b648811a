/*
 * nianbao.js — drop-in checker for 政府信息公开工作年度报告 on upload forms.
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
 * WHAT IT DOES
 *  - Finds the engine relative to its own URL: `new URL('../pkg/', <this script's src>)`,
 *    imports `nianbao.js` from there and starts it with `nianbao_bg.wasm` from there.
 *    The engine is loaded once per page, however many <script> tags include this file
 *    (the first one wins; later ones only see `window.Nianbao`).
 *  - Attaches to every `form[data-nianbao]`, including forms added later (a
 *    MutationObserver watches the document).
 *  - Report forms: the form's file inputs and textareas (their text) are checked when
 *    they change and when the form is submitted. A picked file goes to the engine as its
 *    bytes (a Uint8Array), never decoded here: the engine tells its format from its
 *    content (text in any of its encodings, canonical JSON, .docx, HTML, PDF …), whatever
 *    the file's name or type. Only those marked `data-nianbao-input` are checked if any
 *    are marked; elements marked `data-nianbao-ignore` never are. A file the engine
 *    cannot read (an old .doc, a scanned or damaged PDF, an empty file …) is reported in
 *    the panel with the engine's reason but does not block: the server decides about it.
 *  - Fields forms: inputs marked `data-nianbao-cell="t3.new.np"` are read as cells of
 *    the canonical report (`t3.<row>.<column>`, `t4.<cell>`, `t2.<block>.<row>.<column>`,
 *    keys of RULES.md; an empty input is null, anything else is passed as the raw text,
 *    which the engine normalizes) and checked as the clerk types (250 ms debounce). Only
 *    findings about the tables the form holds are shown and counted (a form holding
 *    only 表三 is not told that its sections are missing). Each input named by an error
 *    gets aria-invalid="true", the class `nianbao-invalid` and a short note beside it
 *    (referenced by aria-describedby); the cell that alone would balance the table
 *    (`params.suspect`) gets the class `nianbao-suspect` and a note “应为 N”. Warnings
 *    and infos are listed in the panel only. Marks are cleared as soon as the values
 *    add up. Their styling is one <style id="nianbao-marks-style"> in <head>.
 *  - Submit: with errors the submit is blocked (preventDefault) and focus moves to the
 *    panel's summary; with warnings only it goes through. A submit while a check is
 *    pending waits for it, then re-submits with form.requestSubmit(submitter) if the
 *    report may go.
 *  - Results are shown in a panel (<nianbao-panel>, a Shadow DOM, so the portal's CSS
 *    cannot break it) inserted after the form: an aria-live="polite" summary
 *    (“发现 3 个错误、2 个警告” / “检查通过”), then each finding — severity, code,
 *    message, place (第 N 行 · 表三 · row · column) — errors first. Report text is only
 *    ever set with textContent, never parsed as HTML.
 *  - Without WebAssembly (old browser, or a Content-Security-Policy without
 *    'wasm-unsafe-eval') the panel says “浏览器无法运行检查程序（WebAssembly 被禁止），
 *    将由服务器检查”. If the form has `data-nianbao-fallback-url` (block mode), on submit
 *    the report is POSTed there (body = the file as is with its type or
 *    application/octet-stream, the textarea's text as text/plain, the fields' canonical
 *    report as application/json); the JSON result it answers (same shape) is shown and
 *    blocks as usual. Without a fallback URL, or when the fallback fails, the submit
 *    goes through.
 *
 * DATA ATTRIBUTES
 *  on the <script> tag:
 *    data-nianbao-pkg="URL"          folder of the engine package (default ../pkg/ from
 *                                    this script; resolved against the page's base URL)
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
 *    Nianbao.ready                 Promise, resolves when the engine runs, rejects
 *                                  (error.code "unavailable") when it cannot
 *    Nianbao.check(input, opts)    Promise<result>; input: string | Uint8Array |
 *                                  ArrayBuffer | Blob/File | canonical report object;
 *                                  rejects with the engine's Error (.code) when the
 *                                  input cannot be read
 *    Nianbao.attach(form, opts)    attach by hand; opts override the data attributes:
 *                                  { mode, panel (element), fallbackUrl, template, lang };
 *                                  returns { check(): Promise, detach() }
 *    Nianbao.timings               performance.now() marks: scriptStart, ready, firstResult
 *
 * No framework, no build step: plain ES2020.
 */
(() => {
  'use strict';

  // Loaded once per page: a second <script> for this file stops here.
  if (window.Nianbao && window.Nianbao.__dropIn) return;

  const timings = { scriptStart: performance.now(), ready: null, firstResult: null };

  // ---------------------------------------------------------------------------------
  // Where the engine is: beside this script, in ../pkg/, unless data-nianbao-pkg says.
  const script = document.currentScript ||
    Array.from(document.querySelectorAll('script[src]')).reverse()
      .find((s) => /nianbao\.js(\?|#|$)/.test(s.src));
  const scriptSrc = script ? script.src : document.baseURI;
  const pkgAttr = script && script.getAttribute('data-nianbao-pkg');
  let pkgUrl = pkgAttr ? new URL(pkgAttr, document.baseURI) : new URL('../pkg/', scriptSrc);
  if (!pkgUrl.pathname.endsWith('/')) pkgUrl = new URL(pkgUrl.pathname + '/', pkgUrl);

  const MSG_NO_WASM = '浏览器无法运行检查程序（WebAssembly 被禁止），将由服务器检查';
  const MSG_LOAD_FAILED = '检查程序加载失败，将由服务器检查';

  // ---------------------------------------------------------------------------------
  // The engine: one import, one init, shared by every form.
  let engine = null;          // the ES module's exports once ready
  let engineFailure = null;   // { message } when it cannot run

  const ready = (async () => {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
      throw unavailable(MSG_NO_WASM, null);
    }
    let mod;
    try {
      mod = await import(new URL('nianbao.js', pkgUrl).href);
    } catch (e) {
      throw unavailable(MSG_LOAD_FAILED, e);
    }
    try {
      await mod.default({ module_or_path: new URL('nianbao_bg.wasm', pkgUrl) });
    } catch (e) {
      // A CSP without 'wasm-unsafe-eval' makes compiling fail with a CompileError
      // (or an EvalError in some engines); a missing .wasm is a plain Error.
      const blocked = (e instanceof WebAssembly.CompileError) || (e && e.name === 'EvalError') ||
        /Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(String(e && e.message));
      throw unavailable(blocked ? MSG_NO_WASM : MSG_LOAD_FAILED, e);
    }
    engine = mod;
    timings.ready = performance.now();
    return { version: mod.version() };
  })();
  ready.catch((e) => {
    engineFailure = { message: e.message };
    if (e.cause) console.warn('nianbao:', e.cause);
    for (const state of attached) renderUnavailable(state);
  });

  function unavailable(message, cause) {
    const err = new Error(message);
    err.code = 'unavailable';
    if (cause) err.cause = cause;
    return err;
  }

  /** Checks any input with the engine. Blobs (a picked File) are handed over as their
   *  bytes, never as text: a .docx or a PDF is binary, and a text file may be GBK. */
  async function check(input, options) {
    await ready;
    if (typeof Blob !== 'undefined' && input instanceof Blob) {
      input = new Uint8Array(await input.arrayBuffer());
    }
    const result = engine.check(input, options);
    if (timings.firstResult === null) timings.firstResult = performance.now();
    return result;
  }

  // ---------------------------------------------------------------------------------
  // Labels for places (RULES.md keys → the template's Chinese), used in the panel.
  const TABLES = { t2: '表二', t3: '表三', t4: '表四' };
  const SECTIONS = {
    s1: '一、总体情况', s2: '二、主动公开政府信息情况', s3: '三、收到和处理政府信息公开申请情况',
    s4: '四、政府信息公开行政复议、行政诉讼情况', s5: '五、存在的主要问题及改进情况',
    s6: '六、其他需要报告的事项',
  };
  const T3_ROWS = {
    new: '一、本年新收', carry_in: '二、上年结转', r1: '（一）予以公开', r2: '（二）部分公开',
    r6: '（六）其他处理', r7: '（七）总计', carry_out: '四、结转下年度继续办理',
  };
  const T3_GROUPS = { 3: '（三）不予公开', 4: '（四）无法提供', 5: '（五）不予处理', 6: '（六）其他处理' };
  const T3_COLUMNS = {
    np: '自然人', biz: '商业企业', research: '科研机构', ngo: '社会公益组织',
    legal: '法律服务机构', org_other: '其他', total: '总计',
  };
  const T4_GROUPS = { rv: '行政复议', ld: '行政诉讼（未经复议直接起诉）', lr: '行政诉讼（复议后起诉）' };
  const T4_COLUMNS = { keep: '结果维持', fix: '结果纠正', other: '其他结果', pending: '尚未审结', total: '总计' };
  const T2_BLOCKS = {
    art20_1: '第二十条第（一）项', art20_5: '第二十条第（五）项', art20_6: '第二十条第（六）项',
    art20_8: '第二十条第（八）项', art20_9: '第二十条第（九）项',
  };
  const T2_ROWS = {
    regulations: '规章', normative: '规范性文件', licensing: '行政许可',
    other_services: '其他对外管理服务事项', punishment: '行政处罚', coercion: '行政强制',
    fees: '行政事业性收费', central_procurement: '政府集中采购',
  };
  const T2_COLUMNS = {
    made: '本年制发/新制作', published: '本年新公开', total_public: '对外公开总数量',
    prev_items: '上一年项目数量', delta: '本年增/减', decisions: '处理决定数量',
    projects: '采购项目数量', amount: '采购总金额', repealed: '本年废止件数',
    valid: '现行有效件数', amount_wan: '收费金额（万元）',
  };
  const SEVERITY = { error: '错误', warning: '警告', info: '提示' };
  const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

  function t3RowLabel(row) {
    if (T3_ROWS[row]) return T3_ROWS[row];
    const m = /^r(\d)_(\d+)$/.exec(row);
    return m && T3_GROUPS[m[1]] ? `${T3_GROUPS[m[1]]} ${m[2]}` : row;
  }

  /** Table · row · column of a location or a suspect, in words. */
  function cellWords(loc) {
    const parts = [];
    if (loc.table) parts.push(TABLES[loc.table] || loc.table);
    if (loc.table === 't3') {
      if (loc.row) parts.push(t3RowLabel(loc.row));
      if (loc.column) parts.push(T3_COLUMNS[loc.column] || loc.column);
    } else if (loc.table === 't4') {
      const m = loc.column && /^(rv|ld|lr)_(\w+)$/.exec(loc.column);
      if (m) parts.push(T4_GROUPS[m[1]], T4_COLUMNS[m[2]] || m[2]);
      else if (loc.column) parts.push(loc.column);
    } else if (loc.table === 't2') {
      if (loc.block) parts.push(T2_BLOCKS[loc.block] || loc.block);
      if (loc.row) parts.push(T2_ROWS[loc.row] || loc.row);
      if (loc.column) parts.push(T2_COLUMNS[loc.column] || loc.column);
    }
    return parts.join(' · ');
  }

  function placeWords(finding, withLine) {
    const loc = finding.location || {};
    const parts = [];
    if (withLine && loc.line) parts.push(`第 ${loc.line} 行`);
    if (loc.table) parts.push(cellWords(loc));
    else if (loc.section && SECTIONS[loc.section]) parts.push(SECTIONS[loc.section]);
    return parts.join(' · ');
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
  const stateOf = new WeakMap();    // form → state
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
    clearTimeout(state.timer);
    clearMarks(state);
    state.panel.host.remove();
    stateOf.delete(form);
    attached.delete(state);
  }

  const mode = (state) => (state.options.mode || state.form.dataset.nianbaoMode || 'block') === 'warn' ? 'warn' : 'block';
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
        sources.push({ kind: 'text', el, text: el.value, name: el.getAttribute('aria-label') || el.name || '文本' });
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
    return { kind: 'fields', report, tables, filled, name: '表格', key: JSON.stringify(report) };
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
    const entries = [];
    for (const source of sources) entries.push(await checkSource(state, source));
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
      entry = { source, result, fresh: true };
    } catch (e) {
      entry = { source, error: { code: e.code || 'internal', message: e.message } };
    }
    if (source.kind !== 'file' || (source.el.files && source.el.files.length === 1)) {
      state.memo.set(slot, { content, lang: opts && opts.lang, entry });
    }
    return entry;
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
    const blocking = mode(state) === 'block' && entries.some((e) => e.result && !e.result.valid);
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
  // Submitting.
  function onSubmit(state, ev) {
    if (state.bypass) { state.bypass = false; return; }   // our own re-submit
    if (mode(state) === 'warn') {
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
    summary.textContent = summary.textContent.replace(/，请改正后再提交$/, '') + '，请改正后再提交';
    state.panel.host.scrollIntoView && state.panel.host.scrollIntoView({ block: 'nearest' });
    summary.focus();
  }

  /** Without WebAssembly: posts the report to the fallback URL and shows its answer. */
  async function serverCheck(state, submitter) {
    const url = fallbackUrl(state);
    const sources = collectSources(state);
    const entries = [];
    setSummary(state, '正在由服务器检查…', '');
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
          entries.push({ source, error: { code: (err && err.code) || 'server', message: (err && err.message) || `服务器返回 ${res.status}` } });
        }
      } catch (e) {
        entries.push({ source, error: { code: 'server', message: '服务器检查暂不可用，报告将直接提交' } });
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
    box.setAttribute('aria-label', '年报检查结果');
    const brand = el('p', 'brand', '年报自动检查');
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
    setSummary(state, isFieldsForm(state) ? '填写表格时将自动检查' : '选择报告文件或粘贴报告文本后将自动检查', '');
    setNotice(state, '');
  }

  function renderUnavailable(state) {
    clearMarks(state);
    setSummary(state, engineFailure.message, 'unavailable');
    setNotice(state, fallbackUrl(state) ? '提交时报告将发送到服务器检查。' : '');
    state.panel.body.replaceChildren();
  }

  function summaryText(counts) {
    const { errors, warnings, infos } = counts;
    if (errors > 0) {
      const parts = [`${errors} 个错误`];
      if (warnings) parts.push(`${warnings} 个警告`);
      return `发现 ${parts.join('、')}`;
    }
    if (warnings) return `检查通过，有 ${warnings} 个警告`;
    return '检查通过';
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
    const text = anyResult ? summaryText(counts) : '无法在浏览器中检查此报告';
    setSummary(state, text, !anyResult ? 'unavailable' : counts.errors ? 'has-errors' : 'passed');
    setNotice(state, '');
    const body = state.panel.body;
    body.replaceChildren();
    for (const e of entries) body.appendChild(renderEntry(e, entries.length > 1));
  }

  function renderEntry(entry, named) {
    const wrap = el('div', 'source');
    const { source } = entry;
    const label = source.kind === 'file' ? `文件“${source.name}”` : source.kind === 'text' ? '粘贴的文本' : '表格';
    if (entry.error) {
      wrap.appendChild(el('p', 'notice', `${label}无法在浏览器中检查：${entry.error.message}（将由服务器检查）`));
      return wrap;
    }
    const r = entry.result;
    const meta = [];
    if (named || source.kind === 'file') meta.push(label);
    if (r.agency) meta.push(r.agency);
    if (r.year) meta.push(`${r.year}年度`);
    if (r.template) meta.push(`${r.template}版模板`);
    if (meta.length) wrap.appendChild(el('p', 'meta', meta.join(' · ')));

    const sorted = r.findings
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity]) || (a.i - b.i))
      .map((x) => x.f);
    const withLine = source.kind !== 'fields';
    const errors = sorted.filter((f) => f.severity === 'error');
    const warnings = sorted.filter((f) => f.severity === 'warning');
    const infos = sorted.filter((f) => f.severity === 'info');
    if (errors.length) wrap.appendChild(list(errors, withLine));
    if (warnings.length) {
      if (warnings.length <= 10) wrap.appendChild(list(warnings, withLine));
      else wrap.appendChild(folded(`${warnings.length} 个警告`, list(warnings, withLine)));
    }
    if (infos.length) wrap.appendChild(folded(`${infos.length} 条提示（读取时的修正）`, list(infos, withLine)));
    return wrap;
  }

  function folded(title, content) {
    const details = el('details');
    details.appendChild(el('summary', '', title));
    details.appendChild(content);
    return details;
  }

  function list(findings, withLine) {
    const ol = el('ol');
    for (const f of findings) {
      const li = el('li', `finding ${f.severity}`);
      li.dataset.code = f.code;
      li.append(el('span', 'badge', SEVERITY[f.severity] || f.severity), el('span', 'code', f.code),
        el('span', 'msg', f.message));
      const where = placeWords(f, withLine);
      if (where) li.appendChild(el('span', 'where', where));
      const s = f.params && f.params.suspect;
      if (s) li.appendChild(el('span', 'suspect', `可能填错的单元格：${cellWords(s)}，应为 ${s.value}`));
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
    if (p.reported !== undefined && p.computed !== undefined) return `${f.code}：填报 ${p.reported}，合计 ${p.computed}`;
    return `${f.code}：${f.message}`;
  }

  function applyMarks(state, entries) {
    clearMarks(state);
    const cells = cellInputs(state.form);
    if (!cells.length) return;
    const byKey = new Map(cells.map((c) => [c.getAttribute('data-nianbao-cell'), c]));
    const notes = new Map();   // key → { invalid: [texts], suspect: value }
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
      if (n.suspect !== null) texts.unshift(`应为 ${n.suspect}`);
      const span = el('span', n.suspect !== null ? 'nianbao-note nianbao-suspect-note' : 'nianbao-note', texts.join('；'));
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
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
