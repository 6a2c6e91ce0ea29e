// Price lookup, and price changes for managers. A change names the row it replaces by its
// version (If-Match), so two people editing the same price cannot overwrite each other unseen;
// the server decides who may change prices, and the page shows its refusal as it is.

import { byId, fill, h, onSubmit, table } from '../dom.js';
import { money, onLanguage, problemText, t, when } from '../i18n.js';

let ctx;
let quote = null;

export function mount(context) {
  ctx = context;
  byId('prices-on').value = today();
  onSubmit(byId('prices-form'), lookUp);
  onSubmit(byId('price-change'), change);
  onLanguage(() => {
    roleHint();
    if (quote) render();
  });
}

export function show() {
  roleHint();
}

function today() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

function roleHint() {
  byId('price-change-role').textContent = ctx.isManager() ? t('price_change_manager') : t('price_change_staff');
}

async function lookUp() {
  byId('prices-error').textContent = '';
  byId('price-change-result').textContent = '';
  const params = {
    sku: byId('prices-sku').value.trim(),
    price_list: byId('prices-list').value.trim() || 'default',
    on: byId('prices-on').value,
  };
  try {
    quote = await ctx.api.get('/api/v1/prices', params);
    render();
    byId('price-from').value = quote.current?.effective_from ?? params.on ?? '';
  } catch (error) {
    quote = null;
    fill(byId('prices-result'));
    byId('price-change').hidden = true;
    byId('prices-error').textContent = problemText(error);
  }
}

function render() {
  const current = quote.current;
  const summary = current
    ? h('p', { class: 'price-now' },
      h('span', { text: t('price_current', { sku: quote.sku, list: quote.price_list, on: when(quote.on) }) }), ' ',
      h('strong', { id: 'price-amount-now', text: money(current.amount) }),
      h('span', { class: 'hint', text: ` ${t('price_row', { from: when(current.effective_from), version: current.version })}` }))
    : h('p', { text: t('price_none', { sku: quote.sku, list: quote.price_list, on: when(quote.on) }) });
  const rows = quote.schedule.map((p) => [when(p.effective_from), money(p.amount), String(p.version), when(p.updated_at, true)]);
  fill(byId('prices-result'), summary,
    rows.length ? table(t('price_schedule'), [t('price_effective_from'), t('amount'), t('version'), t('updated')], rows,
      { numeric: [1, 2] }) : null);
  byId('price-change').hidden = false;
  roleHint();
}

async function change() {
  const result = byId('price-change-result');
  result.textContent = '';
  delete result.dataset.outcome;
  if (!quote) return;
  const from = byId('price-from').value;
  // The row being replaced is named by its version; a new effective date makes a new row.
  const row = quote.schedule.find((p) => p.effective_from === from);
  const headers = row ? { 'If-Match': `"${row.version}"` } : {};
  const body = { amount: byId('price-amount').value.trim() };
  if (from) body.effective_from = from;
  const path = `/api/v1/prices/${encodeURIComponent(quote.price_list)}/${encodeURIComponent(quote.sku)}`;
  try {
    const changed = await ctx.api.put(path, body, { headers });
    quote = await ctx.api.get('/api/v1/prices', { sku: quote.sku, price_list: quote.price_list, on: quote.on });
    render();
    result.textContent = t('price_changed', { amount: money(changed.amount), version: changed.version });
    result.dataset.outcome = 'changed';
  } catch (error) {
    result.textContent = error.status === 403 ? t('price_refused') : problemText(error);
    result.dataset.outcome = error.code;
    if (error.status === 412) {
      quote = await ctx.api.get('/api/v1/prices', { sku: quote.sku, price_list: quote.price_list, on: quote.on });
      render();
    }
  }
}
