// Item search with stock: the catalog's best candidates for loosely written text, each with its
// stock per warehouse (read for the few shown).

import { byId, fill, h, onSubmit, table } from '../dom.js';
import { decimal, onLanguage, percent, problemText, t } from '../i18n.js';

const SHOWN = 8;

let ctx;
let last = null;

export function mount(context) {
  ctx = context;
  onSubmit(byId('items-form'), search);
  onLanguage(() => last && render(last));
}

export function show() {
  byId('items-q').focus();
}

async function search() {
  const q = byId('items-q').value.trim();
  if (!q) return;
  const status = byId('items-status');
  status.textContent = t('searching');
  try {
    const customer = byId('items-customer').value.trim();
    const params = customer ? { q, limit: SHOWN, customer } : { q, limit: SHOWN };
    const { items } = await ctx.api.get('/api/v1/items', params);
    const details = await Promise.all(items.map((item) =>
      ctx.api.get(`/api/v1/items/${encodeURIComponent(item.sku)}`).catch(() => null)));
    last = items.map((item, i) => ({ ...item, detail: details[i] }));
    render(last);
  } catch (error) {
    status.textContent = problemText(error);
    fill(byId('items-results'));
  }
}

function stockCell(detail) {
  if (!detail) return '—';
  const total = h('strong', { text: decimal(detail.total_stock) });
  if (Number(detail.total_stock) <= 0) total.classList.add('flag');
  const per = detail.stock.map((s) => `${s.warehouse}: ${decimal(s.quantity)}`).join(', ');
  return h('span', {}, total, per ? h('span', { class: 'hint', text: ` (${per})` }) : null);
}

function render(items) {
  byId('items-status').textContent = t('items_found', { count: items.length });
  if (!items.length) {
    fill(byId('items-results'));
    return;
  }
  const rows = items.map((item) => [item.sku, item.name, item.unit || '—', percent(item.confidence), stockCell(item.detail)]);
  fill(byId('items-results'), table(t('items_results'), [t('sku'), t('item'), t('unit'), t('items_match'), t('stock')],
    rows, { numeric: [3, 4] }));
}
