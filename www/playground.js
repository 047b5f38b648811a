/*
 * playground.js — the normalized tables beside the findings on playground.html.
 *
 * The drop-in (nianbao.js) checks what is pasted or picked in form#playground and fires
 * `nianbao:result` with the result; this script renders `result.report`'s 表二, 表三 and
 * 表四 as tables (keys of RULES.md, labels of the template). Every value is set with
 * textContent: a report's text is never parsed as HTML. Blank cells (null) are shown
 * empty on a yellow ground; a cell the engine kept as text is shown as that text.
 */
(() => {
  'use strict';

  const T3_ROWS = [
    ['new', '一、本年新收政府信息公开申请数量'], ['carry_in', '二、上年结转政府信息公开申请数量'],
    ['r1', '（一）予以公开'], ['r2', '（二）部分公开'],
    ['r3_1', '（三）1.属于国家秘密'], ['r3_2', '（三）2.其他法律行政法规禁止公开'],
    ['r3_3', '（三）3.危及“三安全一稳定”'], ['r3_4', '（三）4.保护第三方合法权益'],
    ['r3_5', '（三）5.属于三类内部事务信息'], ['r3_6', '（三）6.属于四类过程性信息'],
    ['r3_7', '（三）7.属于行政执法案卷'], ['r3_8', '（三）8.属于行政查询事项'],
    ['r4_1', '（四）1.本机关不掌握相关政府信息'], ['r4_2', '（四）2.没有现成信息需要另行制作'],
    ['r4_3', '（四）3.补正后申请内容仍不明确'],
    ['r5_1', '（五）1.信访举报投诉类申请'], ['r5_2', '（五）2.重复申请'], ['r5_3', '（五）3.要求提供公开出版物'],
    ['r5_4', '（五）4.无正当理由大量反复申请'], ['r5_5', '（五）5.要求行政机关确认或重新出具已获取信息'],
    ['r6', '（六）其他处理'], ['r6_1', '（六）1.逾期不补正'], ['r6_2', '（六）2.逾期未缴纳费用'], ['r6_3', '（六）3.其他'],
    ['r7', '（七）总计'], ['carry_out', '四、结转下年度继续办理'],
  ];
  const T3_COLUMNS = [
    ['np', '自然人'], ['biz', '商业企业'], ['research', '科研机构'], ['ngo', '社会公益组织'],
    ['legal', '法律服务机构'], ['org_other', '其他'], ['total', '总计'],
  ];
  const T4_GROUPS = [['rv', '行政复议'], ['ld', '行政诉讼（未经复议直接起诉）'], ['lr', '行政诉讼（复议后起诉）']];
  const T4_COLUMNS = [['keep', '结果维持'], ['fix', '结果纠正'], ['other', '其他结果'], ['pending', '尚未审结'], ['total', '总计']];
  const T2_BLOCKS = {
    art20_1: '第二十条第（一）项', art20_5: '第二十条第（五）项', art20_6: '第二十条第（六）项',
    art20_8: '第二十条第（八）项', art20_9: '第二十条第（九）项',
  };
  const T2_ROWS = {
    regulations: '规章', normative: '规范性文件', licensing: '行政许可', other_services: '其他对外管理服务事项',
    punishment: '行政处罚', coercion: '行政强制', fees: '行政事业性收费', central_procurement: '政府集中采购',
  };
  const T2_COLUMNS = {
    made: '本年制发/新制作', published: '本年新公开', total_public: '对外公开总数量', prev_items: '上一年项目数量',
    delta: '本年增/减', decisions: '处理决定数量', projects: '采购项目数量', amount: '采购总金额（万元）',
    repealed: '本年废止件数', valid: '现行有效件数', amount_wan: '收费金额（万元）',
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

  function render(result) {
    const r = result.report || {};
    const meta = document.getElementById('report-meta');
    const parts = [];
    if (r.title) parts.push(r.title);
    parts.push(`模板：${r.template || '未识别'}`, `年度：${r.year || '未识别'}`, `机关：${r.agency || '未识别'}`);
    meta.textContent = parts.join(' · ');
    const out = document.getElementById('tables');
    out.replaceChildren();

    if (r.t2) {
      for (const [block, rows] of Object.entries(r.t2)) {
        const columns = [];
        for (const cells of Object.values(rows || {})) for (const c of Object.keys(cells || {})) if (!columns.includes(c)) columns.push(c);
        out.appendChild(table(`表二 · ${T2_BLOCKS[block] || block}`, columns.map((c) => T2_COLUMNS[c] || c),
          Object.entries(rows || {}).map(([row, cells]) => [T2_ROWS[row] || row, columns.map((c) => (cells || {})[c])])));
      }
    } else {
      out.appendChild(el('p', '表二：未读到', 'empty'));
    }
    if (r.t3) {
      const rows = T3_ROWS.filter(([key]) => key in r.t3)
        .map(([key, label]) => [label, T3_COLUMNS.map(([c]) => (r.t3[key] || {})[c])]);
      out.appendChild(table('表三 · 收到和处理政府信息公开申请情况', T3_COLUMNS.map(([, l]) => l), rows));
    } else {
      out.appendChild(el('p', '表三：未读到', 'empty'));
    }
    if (r.t4) {
      const rows = T4_GROUPS.map(([g, label]) => [label, T4_COLUMNS.map(([c]) => r.t4[`${g}_${c}`])]);
      out.appendChild(table('表四 · 行政复议、行政诉讼情况', T4_COLUMNS.map(([, l]) => l), rows));
    } else {
      out.appendChild(el('p', '表四：未读到', 'empty'));
    }
  }

  function start() {
    const form = document.getElementById('playground');
    form.addEventListener('nianbao:result', (ev) => render(ev.detail));
    form.addEventListener('submit', (ev) => ev.preventDefault());
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
