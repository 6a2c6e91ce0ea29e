// The out-of-stock list: what customers asked for and could not get, newest first; registering
// one; and, for managers, marking one resolved.

import { byId, fill, h, onSubmit, table } from '../dom.js';
import { decimal, onLanguage, problemText, t, when } from '../i18n.js';

let ctx;
let rows = null;
let next = null;

export function mount(context) {
  ctx = context;
  onSubmit(byId('oos-filter'), () => load(false));
  onSubmit(byId('oos-register'), register);
  onLanguage(() => rows && render());
}

export function show() {
  load(false);
}

async function load(more) {
  byId('oos-error').textContent = '';
  const params = {
    status: byId('oos-status').value,
    customer: byId('oos-customer').value.trim(),
    limit: 100,
    before: more ? next : undefined,
  };
  try {
    const page = await ctx.api.get('/api/v1/oos', params);
    rows = more ? [...rows, ...page.registrations] : page.registrations;
    next = page.next_before || null;
    render();
  } catch (error) {
    byId('oos-error').textContent = problemText(error);
  }
}

function resolveCell(row) {
  if (row.status !== 'open') return row.resolution || t('oos_resolved');
  if (!ctx.isManager()) return t('oos_open');
  const input = h('input', { maxLength: 500, attrs: { 'aria-label': t('oos_resolution_for', { sku: row.sku, customer: row.customer }) } });
  const button = h('button', { type: 'button', class: 'secondary', text: t('oos_resolve') });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const body = { status: 'resolved' };
      if (input.value.trim()) body.resolution = input.value.trim();
      Object.assign(row, await ctx.api.patch(`/api/v1/oos/${encodeURIComponent(row.id)}`, body));
      ctx.announce(t('oos_resolved_one', { sku: row.sku }));
      render();
    } catch (error) {
      button.disabled = false;
      byId('oos-error').textContent = problemText(error);
    }
  });
  return h('span', { class: 'row' }, input, button);
}

function render() {
  const list = byId('oos-list');
  if (!rows.length) {
    fill(list, h('p', { text: t('oos_none') }));
    return;
  }
  const cells = rows.map((r) => [when(r.day), r.customer, r.sku, decimal(r.quantity), r.note || '', resolveCell(r)]);
  const more = next ? h('button', { type: 'button', class: 'secondary', text: t('more'), on: { click: () => load(true) } }) : null;
  fill(list, table(t('oos_list'), [t('day'), t('customer'), t('sku'), t('quantity'), t('note'), t('oos_status')], cells,
    { numeric: [3] }), more);
}

async function register() {
  const result = byId('oos-register-result');
  result.textContent = '';
  const body = {
    customer: byId('oos-new-customer').value.trim(),
    sku: byId('oos-new-sku').value.trim(),
    quantity: byId('oos-new-quantity').value.trim(),
  };
  const note = byId('oos-new-note').value.trim();
  if (note) body.note = note;
  try {
    const saved = await ctx.api.post('/api/v1/oos', body);
    result.textContent = t('oos_registered', { sku: saved.sku, customer: saved.customer, quantity: decimal(saved.quantity) });
    byId('oos-register').reset();
    await load(false);
  } catch (error) {
    result.textContent = problemText(error);
  }
}
