// The sales report: exact sums per day, customer, item or salesperson, with the server's SVG bar
// chart. The chart is fetched with the page's credentials and shown from a blob: URL in an <img>,
// where an SVG cannot run anything; the same report downloads as .xlsx.

import { busy, byId, fill, h, onSubmit, saveBlob, table } from '../dom.js';
import { decimal, money, onLanguage, problemText, t, when } from '../i18n.js';

let ctx;
let report = null;
let chartUrl = null;

export function mount(context) {
  ctx = context;
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 86_400_000);
  byId('reports-from').value = iso(from);
  byId('reports-to').value = iso(to);
  onSubmit(byId('reports-form'), load);
  byId('reports-xlsx').addEventListener('click', (event) => busy(byId('reports-form'), () => download(event.currentTarget)));
  onLanguage(() => report && render());
}

export function show() {
  if (!report) load();
}

function iso(date) {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

function params(format) {
  return {
    from: byId('reports-from').value,
    to: byId('reports-to').value,
    group_by: byId('reports-group').value,
    format,
  };
}

async function load() {
  byId('reports-error').textContent = '';
  try {
    const [json, svg] = await Promise.all([
      ctx.api.get('/api/v1/reports/sales', params()),
      ctx.api.blob('/api/v1/reports/sales', params('svg')),
    ]);
    report = json;
    if (chartUrl) URL.revokeObjectURL(chartUrl);
    chartUrl = URL.createObjectURL(svg.blob);
    byId('reports-chart').src = chartUrl;
    render();
  } catch (error) {
    byId('reports-error').textContent = problemText(error);
  }
}

function render() {
  const group = t(`group_${report.group_by}`);
  const range = { group, from: when(report.from), to: when(report.to) };
  byId('reports-chart').alt = t('reports_chart_alt', range);
  byId('reports-caption').textContent = t('reports_caption', { ...range, total: money(report.total_amount) });
  byId('reports-figure').hidden = report.rows.length === 0;
  const rows = report.rows.map((r) => [r.key, decimal(r.quantity), money(r.amount), String(r.lines)]);
  rows.push([h('strong', { text: t('total') }), h('strong', { text: decimal(report.total_quantity) }),
    h('strong', { text: money(report.total_amount) }), h('strong', { text: String(report.total_lines) })]);
  fill(byId('reports-table'), report.rows.length
    ? table(t('reports_table', range), [group, t('quantity'), t('amount'), t('lines')], rows, { numeric: [1, 2, 3] })
    : h('p', { text: t('reports_none') }));
}

async function download(button) {
  try {
    const { blob, filename } = await ctx.api.blob('/api/v1/reports/sales', params('xlsx'));
    saveBlob(blob, filename || 'sales.xlsx');
  } catch (error) {
    byId('reports-error').textContent = problemText(error);
  }
  button.focus();
}
