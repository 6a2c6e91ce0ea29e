// Work: an order sheet becomes a draft order. Upload the sheet (or paste its lines), pick the
// customer, start `process_order`, follow it live (`subscribe` → `run.progress`, `run.waiting`,
// `run.done`), answer its question — a candidate per unsure line, another item found by search,
// or leaving the line out — approve a proposed change when a run asks, and download the draft.

import { byId, debounce, fill, h, saveBlob, table } from '../dom.js';
import { decimal, money, onLanguage, percent, problemText, t } from '../i18n.js';

const RUN_KEY = 'agent-team.run';
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'expired'];

let ctx;
let customer = null;
let found = [];
/** The run being followed: {id, status}. */
let run = null;
let pollTimer = null;
let lastRun = null;

export function mount(context) {
  ctx = context;
  byId('work-file').addEventListener('change', showChosenFile);
  const search = byId('work-customer');
  const lookUp = debounce(() => findCustomers(search.value.trim()), 250);
  search.addEventListener('input', () => {
    // Typing again un-chooses: the order goes to the customer picked, not to half-typed text.
    if (customer && search.value.trim() !== customer.code) {
      customer = null;
      renderChosen();
    }
    lookUp();
  });
  search.addEventListener('keydown', customerKeys);
  byId('work-customer-results').addEventListener('keydown', resultKeys);
  byId('work-form').addEventListener('submit', (event) => {
    event.preventDefault();
    start().catch((error) => {
      byId('work-error').textContent = problemText(error);
    });
  });
  byId('work-cancel').addEventListener('click', cancel);
  const mine = (frame) => run && frame.run_id === run.id;
  ctx.socket.on('run.progress', (frame) => mine(frame) && progress(frame));
  ctx.socket.on('run.waiting', (frame) => mine(frame) && refresh());
  ctx.socket.on('run.done', (frame) => mine(frame) && refresh());
  ctx.socket.on('reopened', () => run && !TERMINAL.includes(run.status) && follow());
  onLanguage(() => {
    renderCustomers();
    renderChosen();
    showChosenFile();
    if (lastRun) render(lastRun);
  });
  // A run followed before the page was reloaded is followed again.
  const saved = sessionStorage.getItem(RUN_KEY);
  if (saved) watch(saved);
}

function showChosenFile() {
  const file = byId('work-file').files[0];
  // The name comes from the user's disk: shown as text, whatever characters it holds.
  byId('work-file-chosen').textContent = file ? t('work_file_chosen', { name: file.name, size: decimal(file.size) }) : '';
}

async function findCustomers(q) {
  if (!q) {
    found = [];
    renderCustomers();
    return;
  }
  try {
    const { customers } = await ctx.api.get('/api/v1/customers', { q, limit: 8 });
    if (byId('work-customer').value.trim() !== q) return;
    found = customers;
  } catch (error) {
    found = [];
    byId('work-error').textContent = problemText(error);
  }
  renderCustomers();
}

function renderCustomers() {
  const list = byId('work-customer-results');
  const q = byId('work-customer').value.trim();
  if (customer && customer.code === q) {
    fill(list);
    return;
  }
  const items = found.map((c) => h('li', {}, h('button', {
    type: 'button',
    class: 'pick',
    text: `${c.code} — ${c.name}${c.price_list ? ` (${c.price_list})` : ''}`,
    on: { click: () => choose(c) },
  })));
  if (q && found.length === 0) {
    // An unknown code is still an order: priced from the default list (the task says so too).
    items.push(h('li', {}, h('button', {
      type: 'button',
      class: 'pick secondary',
      text: t('work_customer_as_typed', { code: q }),
      on: { click: () => choose({ code: q, name: '', price_list: null }) },
    })));
  }
  fill(list, items);
  ctx.announce(q ? t('work_customers_count', { count: found.length }) : '');
}

function choose(c) {
  customer = c;
  found = [];
  byId('work-customer').value = c.code;
  fill(byId('work-customer-results'));
  renderChosen();
  byId('work-start').focus();
}

function renderChosen() {
  byId('work-customer-chosen').textContent = customer
    ? t('work_customer_chosen', { customer: customer.name ? `${customer.code} — ${customer.name}` : customer.code })
    : '';
}

function customerKeys(event) {
  const buttons = [...byId('work-customer-results').querySelectorAll('button')];
  if (event.key === 'ArrowDown' && buttons.length) {
    event.preventDefault();
    buttons[0].focus();
  } else if (event.key === 'Enter' && buttons.length === 1) {
    event.preventDefault();
    buttons[0].click();
  } else if (event.key === 'Enter' && customer === null && buttons.length) {
    event.preventDefault();
  }
}

function resultKeys(event) {
  const buttons = [...byId('work-customer-results').querySelectorAll('button')];
  const at = buttons.indexOf(document.activeElement);
  if (event.key === 'ArrowDown' && at < buttons.length - 1) {
    event.preventDefault();
    buttons[at + 1].focus();
  } else if (event.key === 'ArrowUp') {
    event.preventDefault();
    (at > 0 ? buttons[at - 1] : byId('work-customer')).focus();
  } else if (event.key === 'Escape') {
    byId('work-customer').focus();
  }
}

async function start() {
  const error = byId('work-error');
  error.textContent = '';
  const file = byId('work-file').files[0];
  const text = byId('work-text').value.trim();
  const typed = byId('work-customer').value.trim();
  if (customer && customer.code !== typed) customer = null;
  if (!customer) {
    error.textContent = t('work_need_customer');
    byId('work-customer').focus();
    return;
  }
  if (!file && !text) {
    error.textContent = t('work_need_order');
    byId('work-file').focus();
    return;
  }
  const button = byId('work-start');
  button.disabled = true;
  try {
    const input = { customer: customer.code };
    const body = { task: 'process_order', input };
    let uploaded = null;
    if (file) {
      uploaded = await ctx.api.upload('/api/v1/uploads', file);
      body.upload_ids = [uploaded.id];
    } else {
      input.text = text;
    }
    const started = await ctx.api.post('/api/v1/runs', body);
    watch(started.id, uploaded);
  } finally {
    button.disabled = false;
  }
}

/** Follows run `id` from now on (and after a reload, until it ends). */
function watch(id, uploaded = null) {
  run = { id, status: 'queued' };
  lastRun = null;
  sessionStorage.setItem(RUN_KEY, id);
  byId('work-run').hidden = false;
  byId('work-uploaded').textContent = uploaded ? t('work_uploaded_as', { name: uploaded.filename }) : '';
  fill(byId('work-question'));
  fill(byId('work-result'));
  progress({ done: 0, total: 0, note: 'queued' });
  byId('work-cancel').hidden = false;
  byId('work-run-title').focus();
  follow();
  refresh();
}

function follow() {
  clearTimeout(pollTimer);
  ctx.socket.send({ type: 'subscribe', run_id: run.id }).catch(() => poll());
}

/** Without a socket, the run is read every second and a half until it needs nobody. */
function poll() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    await refresh();
    if (run && !TERMINAL.includes(run.status) && run.status !== 'waiting') poll();
  }, 1500);
}

async function refresh() {
  if (!run) return;
  const id = run.id;
  try {
    const current = await ctx.api.get(`/api/v1/runs/${encodeURIComponent(id)}`);
    if (run?.id === id) render(current);
  } catch (error) {
    if (error.status === 404) forget();
    byId('work-error').textContent = problemText(error);
  }
}

function progress({ done, total, note }) {
  const bar = byId('work-progress');
  const of = Number(total) || 0;
  bar.max = of > 0 ? of : 1;
  bar.value = of > 0 ? Math.min(Number(done) || 0, of) : 0;
  const label = t(`progress_${note}`) === `progress_${note}` ? String(note ?? '') : t(`progress_${note}`);
  byId('work-progress-text').textContent = of > 0 ? t('work_progress', { done, total, note: label }) : label;
}

function render(current) {
  lastRun = current;
  const answered = run.status === 'waiting' && current.status !== 'waiting';
  run.status = current.status;
  if (current.progress && typeof current.progress === 'object') progress(current.progress);
  byId('work-cancel').hidden = TERMINAL.includes(current.status);
  if (current.status === 'waiting' && current.question) {
    if (!byId('work-question').dataset.asked || byId('work-question').dataset.asked !== current.updated_at) {
      byId('work-question').dataset.asked = current.updated_at;
      question(current);
    }
  } else if (answered || TERMINAL.includes(current.status)) {
    delete byId('work-question').dataset.asked;
    fill(byId('work-question'));
  }
  if (TERMINAL.includes(current.status)) finished(current);
  else if (current.status !== 'waiting' && !ctx.socket.open) poll();
}

function forget() {
  sessionStorage.removeItem(RUN_KEY);
  clearTimeout(pollTimer);
}

/** The run's question, as a form. */
function question(current) {
  const q = current.question;
  const box = byId('work-question');
  if (q.kind === 'confirm_lines') fill(box, confirmLines(current.id, q, q.customer));
  else if (q.kind === 'approve_tool') fill(box, approveTool(current.id, q));
  else fill(box, h('p', { text: t('work_question_unknown') }), h('pre', { text: JSON.stringify(q, null, 2) }));
  ctx.announce(t('work_needs_you'));
  box.querySelector('input, button')?.focus();
}

function confirmLines(id, q, customerCode) {
  const form = h('form', { class: 'stack question', attrs: { 'aria-labelledby': 'work-question-title' } });
  form.append(h('h3', { id: 'work-question-title', text: t('work_question_title') }),
    h('p', { class: 'hint', text: t('work_question_hint') }));
  for (const line of q.lines) form.append(lineChoice(line, customerCode));
  const status = h('p', { class: 'error', attrs: { role: 'alert' } });
  form.append(h('div', { class: 'row' }, h('button', { type: 'submit', text: t('work_answer') })), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const lines = q.lines.map((line) => {
      const picked = form.querySelector(`input[name="line-${line.line}"]:checked`);
      return { line: line.line, sku: picked && picked.value !== '' ? picked.value : null };
    });
    await answer(id, { lines }, form, status);
  });
  return form;
}

/** Items for a person's search within an order: ranked with the customer's purchases when the
 * customer is in the directory (an order may name one that is not: then plainly). */
async function searchItems(q, customerCode) {
  if (customerCode) {
    try {
      return await ctx.api.get('/api/v1/items', { q, limit: 5, customer: customerCode });
    } catch (error) {
      if (error.status !== 404) throw error;
    }
  }
  return ctx.api.get('/api/v1/items', { q, limit: 5 });
}

/** One unsure line: its candidates, items found by searching, or leaving it out. */
function lineChoice(line, customerCode) {
  const group = `line-${line.line}`;
  const options = h('div', { class: 'choices' });
  const radio = (value, label, extra) => {
    const input = h('input', { type: 'radio', name: group, value, required: true });
    return h('label', { class: 'choice' }, input, h('span', { text: label }), extra);
  };
  for (const c of line.candidates || []) {
    options.append(radio(c.sku, `${c.name} (${c.sku})${c.unit ? ` · ${c.unit}` : ''}`,
      h('span', { class: 'confidence', text: t('work_confidence', { value: percent(c.confidence) }) })));
  }
  if (!(line.candidates || []).length) options.append(h('p', { class: 'hint', text: t('work_no_candidates') }));
  const search = h('input', { type: 'search', maxLength: 256, autocomplete: 'off', id: `${group}-search` });
  const found = h('p', { class: 'hint', attrs: { role: 'status' } });
  const look = async () => {
    const q = search.value.trim();
    if (!q) return;
    try {
      const { items } = await searchItems(q, customerCode);
      for (const item of items) {
        if (options.querySelector(`input[value="${CSS.escape(item.sku)}"]`)) continue;
        options.insertBefore(radio(item.sku, `${item.name} (${item.sku})${item.unit ? ` · ${item.unit}` : ''}`), leaveOut);
      }
      found.textContent = t('work_items_found', { count: items.length });
    } catch (error) {
      found.textContent = problemText(error);
    }
  };
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      look();
    }
  });
  const leaveOut = radio('', t('work_leave_out'));
  options.append(leaveOut);
  return h('fieldset', { class: 'line' },
    h('legend', {}, h('span', { class: 'line-no', text: t('work_line', { line: line.line }) }), ' ',
      h('q', { class: 'line-text', text: line.text })),
    options,
    h('div', { class: 'row other' },
      h('label', { for: `${group}-search`, text: t('work_search_other') }), search,
      h('button', { type: 'button', class: 'secondary', text: t('search'), on: { click: look } })),
    found);
}

function approveTool(id, q) {
  const status = h('p', { class: 'error', attrs: { role: 'alert' } });
  const form = h('form', { class: 'stack question' },
    h('h3', { text: t('approval_needed', { tool: q.tool }) }),
    q.text ? h('p', { class: 'model-text', text: q.text }) : null,
    h('pre', { class: 'arguments', text: JSON.stringify(q.arguments, null, 2) }));
  const approve = h('button', { type: 'button', text: t('approve') });
  const decline = h('button', { type: 'button', class: 'secondary', text: t('decline') });
  approve.addEventListener('click', () => answer(id, { approve: true, args_hash: q.args_hash }, form, status));
  decline.addEventListener('click', () => answer(id, { approve: false, args_hash: q.args_hash }, form, status));
  form.append(h('div', { class: 'row' }, approve, decline), status);
  return form;
}

async function answer(id, value, form, status) {
  const controls = [...form.querySelectorAll('button, input')];
  controls.forEach((c) => { c.disabled = true; });
  try {
    const resumed = await ctx.api.post(`/api/v1/runs/${encodeURIComponent(id)}/resume`, { answer: value });
    fill(byId('work-question'), h('p', { class: 'hint', text: t('work_answered') }));
    delete byId('work-question').dataset.asked;
    render(resumed);
  } catch (error) {
    status.textContent = problemText(error);
    controls.forEach((c) => { c.disabled = false; });
  }
}

async function cancel() {
  if (!run) return;
  try {
    render(await ctx.api.post(`/api/v1/runs/${encodeURIComponent(run.id)}/cancel`, {}));
  } catch (error) {
    byId('work-error').textContent = problemText(error);
  }
}

function finished(current) {
  forget();
  const box = byId('work-result');
  const outcome = t(`work_status_${current.status}`, { code: current.error || '' });
  byId('work-progress-text').textContent = outcome;
  if (current.status === 'succeeded') {
    byId('work-progress').value = byId('work-progress').max;
    fill(box, h('h3', { text: t('work_order_title') }), ...result(current.result || {}));
  } else {
    fill(box, h('p', { class: current.status === 'failed' ? 'error' : 'hint', text: outcome }));
  }
  ctx.announce(outcome);
}

/** A finished run's result: the draft order, or (other tasks) the assistant's reply. */
function result(r) {
  if (!r.order) return [r.reply ? h('p', { class: 'model-text', text: r.reply }) : h('pre', { text: JSON.stringify(r, null, 2) })];
  const order = r.order;
  const parts = [];
  parts.push(h('p', {}, t('work_order_for', { customer: order.customer, list: order.price_list })));
  const rows = order.lines.map((l) => [
    String(l.line), l.text, l.sku ?? '—', l.name ?? '—',
    `${decimal(l.quantity)}${l.unit ? ` ${l.unit}` : ''}${l.quantity_missing ? ` (${t('work_quantity_assumed')})` : ''}`,
    l.priced ? money(l.unit_price) : h('span', { class: 'flag', text: t('work_unpriced') }),
    l.priced ? money(l.amount) : '—',
    t(`matched_${l.matched_by}`),
  ]);
  parts.push(table(t('work_order_lines'), [t('line'), t('work_written'), t('sku'), t('item'), t('quantity'),
    t('unit_price'), t('amount'), t('work_matched_by')], rows, { numeric: [0, 4, 5, 6] }));
  parts.push(h('p', { class: 'total' }, t('work_total', { total: money(order.total) })));
  if ((r.out_of_stock || []).length) {
    parts.push(h('h4', { text: t('work_short') }), h('ul', {}, r.out_of_stock.map((s) =>
      h('li', { text: t('work_short_line', { line: s.line, sku: s.sku, requested: decimal(s.requested), available: decimal(s.available) }) }))));
  }
  if ((r.dropped_lines || []).length) {
    parts.push(h('p', { class: 'hint', text: t('work_dropped', { lines: r.dropped_lines.join(', ') }) }));
  }
  if ((r.sheet_problems || []).length) {
    parts.push(h('h4', { text: t('work_sheet_problems') }), h('ul', {}, r.sheet_problems.map((p) => h('li', { text: p }))));
  }
  if (r.draft_upload_id) {
    const status = h('p', { attrs: { role: 'status' } });
    const download = h('button', { type: 'button', id: 'work-download', text: t('work_download') });
    download.addEventListener('click', async () => {
      download.disabled = true;
      try {
        const { blob, filename } = await ctx.api.blob(`/api/v1/uploads/${encodeURIComponent(r.draft_upload_id)}/content`);
        saveBlob(blob, filename || `order-${order.customer}.xlsx`);
        status.textContent = t('work_downloaded');
      } catch (error) {
        status.textContent = problemText(error);
      } finally {
        download.disabled = false;
      }
    });
    parts.push(h('div', { class: 'row' }, download), status);
  }
  return parts;
}
