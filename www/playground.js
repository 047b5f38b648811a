/*
 * playground.js - the normalized tables beside the findings on playground.html.
 *
 * The drop-in (nianbao.js) checks what is pasted, picked or dropped in form#playground and
 * fires `nianbao:result` with the result; this script renders `result.report`'s tables 2, 3
 * and 4 (keys of RULES.md) with the labels of the report's template, as the engine gives
 * them (Nianbao.labels). Every value is set with textContent: a report's text is never
 * parsed as HTML. Blank cells (null) are shown empty on a yellow ground; a cell the engine
 * kept as text is shown as that text. Pure ASCII, as every shipped script
 * (node scripts/ascii-js.mjs --write www/playground.js after writing Chinese here).
 */
(() => {
  'use strict';

  const TEXT = {
    template: (t) => `\u6a21\u677f\uff1a${t || '\u672a\u8bc6\u522b'}`,
    year: (y) => `\u5e74\u5ea6\uff1a${y || '\u672a\u8bc6\u522b'}`,
    agency: (a) => `\u673a\u5173\uff1a${a || '\u672a\u8bc6\u522b'}`,
    notRead: (table) => `${table}\uff1a\u672a\u8bfb\u5230`,
    separator: ' \u00b7 ',
  };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function valueCell(v) {
    if (v === null || v === undefined) return el('td', '', 'blank');
    return el('td', String(v), typeof v === 'number' ? '' : 'text');
  }

  function table(caption, columns, rows) {
    const t = el('table');
    t.appendChild(el('caption', caption));
    const head = el('tr');
    head.appendChild(el('th', ''));
    for (const c of columns) head.appendChild(el('th', c));
    t.appendChild(el('thead')).appendChild(head);
    const body = t.appendChild(el('tbody'));
    for (const [label, values] of rows) {
      const tr = el('tr');
      const th = el('th', label);
      th.scope = 'row';
      tr.appendChild(th);
      for (const v of values) tr.appendChild(valueCell(v));
      body.appendChild(tr);
    }
    return t;
  }

  function render(result, labels) {
    const r = result.report || {};
    const name = (list, key) => (list.find((x) => x.key === key) || { label: key }).label;
    const meta = document.getElementById('report-meta');
    const parts = [];
    if (r.title) parts.push(r.title);
    parts.push(TEXT.template(r.template), TEXT.year(r.year), TEXT.agency(r.agency));
    meta.textContent = parts.join(TEXT.separator);
    const out = document.getElementById('tables');
    out.replaceChildren();

    const t2Name = name(labels.tables, 't2');
    if (r.t2) {
      for (const [block, rows] of Object.entries(r.t2)) {
        const def = labels.t2.find((b) => b.key === block) || { label: block, rows: [], columns: [] };
        const columns = [];
        for (const cells of Object.values(rows || {})) for (const c of Object.keys(cells || {})) if (!columns.includes(c)) columns.push(c);
        out.appendChild(table(`${t2Name}${TEXT.separator}${def.label}`, columns.map((c) => name(def.columns, c)),
          Object.entries(rows || {}).map(([row, cells]) => [name(def.rows, row), columns.map((c) => (cells || {})[c])])));
      }
    } else {
      out.appendChild(el('p', TEXT.notRead(t2Name), 'empty'));
    }
    const t3Name = name(labels.tables, 't3');
    if (r.t3) {
      const rows = labels.t3.rows.filter((row) => row.key in r.t3).map((row) => [
        row.parent ? `${row.parent} ${row.label}` : row.label,
        labels.t3.columns.map((c) => (r.t3[row.key] || {})[c.key]),
      ]);
      out.appendChild(table(t3Name, labels.t3.columns.map((c) => c.label), rows));
    } else {
      out.appendChild(el('p', TEXT.notRead(t3Name), 'empty'));
    }
    const t4Name = name(labels.tables, 't4');
    if (r.t4) {
      const groups = labels.t4.groups.map((g) => labels.t4.cells.filter((c) => c.key.startsWith(`${g.key}_`)));
      const rows = labels.t4.groups.map((g, i) => [g.label, groups[i].map((c) => r.t4[c.key])]);
      out.appendChild(table(t4Name, groups[0].map((c) => c.label), rows));
    } else {
      out.appendChild(el('p', TEXT.notRead(t4Name), 'empty'));
    }
  }

  function start() {
    const form = document.getElementById('playground');
    form.addEventListener('nianbao:result', (ev) => {
      const result = ev.detail;
      window.Nianbao.labels(result.template).then((labels) => render(result, labels));
    });
    form.addEventListener('submit', (ev) => ev.preventDefault());
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
