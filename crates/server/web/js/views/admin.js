// For admins: users (create, change role, disable or enable) and API keys (create, shown once;
// revoke). The server checks the role on every request; this screen is only hidden from others.

import { byId, fill, h, onSubmit, table } from '../dom.js';
import { onLanguage, problemText, t, when } from '../i18n.js';

const ROLES = ['staff', 'manager', 'admin'];

let ctx;
let users = null;
let keys = null;

export function mount(context) {
  ctx = context;
  onSubmit(byId('user-new'), createUser);
  onSubmit(byId('key-new'), createKey);
  const choosers = () => ['user-new-role', 'key-new-role'].forEach((id) => roleOptions(byId(id), byId(id).value || 'staff'));
  choosers();
  onLanguage(() => {
    choosers();
    if (users) renderUsers();
    if (keys) renderKeys();
  });
}

export function show() {
  load();
}

/** Fills a role chooser in the reader's language, `selected` chosen. */
function roleOptions(select, selected) {
  return fill(select, ROLES.map((r) => h('option', { value: r, text: t(`role_${r}`), selected: r === selected })));
}

function failed(error) {
  byId('admin-error').textContent = problemText(error);
}

async function load() {
  byId('admin-error').textContent = '';
  try {
    const [u, k] = await Promise.all([ctx.api.get('/api/v1/admin/users'), ctx.api.get('/api/v1/admin/keys')]);
    users = u.users;
    keys = k.keys;
    renderUsers();
    renderKeys();
  } catch (error) {
    failed(error);
  }
}

async function patchUser(user, change) {
  try {
    await ctx.api.patch(`/api/v1/admin/users/${encodeURIComponent(user.id)}`, change);
    Object.assign(user, change);
    ctx.announce(t('user_updated', { name: user.username }));
  } catch (error) {
    failed(error);
  }
  renderUsers();
}

function renderUsers() {
  const rows = users.map((user) => {
    const role = roleOptions(h('select', { attrs: { 'aria-label': t('user_role_of', { name: user.username }) } }), user.role);
    role.addEventListener('change', () => patchUser(user, { role: role.value }));
    const toggle = h('button', {
      type: 'button',
      class: 'secondary',
      text: user.disabled ? t('user_enable') : t('user_disable'),
      attrs: { 'aria-label': t(user.disabled ? 'user_enable_named' : 'user_disable_named', { name: user.username }) },
    });
    toggle.addEventListener('click', () => patchUser(user, { disabled: !user.disabled }));
    return [user.username, role, user.disabled ? t('user_disabled') : t('user_active'), toggle];
  });
  fill(byId('users-list'), table(t('users_table'), [t('username'), t('role'), t('status'), t('actions')], rows));
}

async function createUser() {
  const result = byId('user-new-result');
  result.textContent = '';
  const body = {
    username: byId('user-new-name').value.trim(),
    password: byId('user-new-password').value,
    role: byId('user-new-role').value,
  };
  try {
    await ctx.api.post('/api/v1/admin/users', body);
    result.textContent = t('user_created', { name: body.username });
    byId('user-new').reset();
    await load();
  } catch (error) {
    result.textContent = problemText(error);
  }
}

function renderKeys() {
  const rows = keys.map((key) => {
    let action = t('key_revoked');
    if (!key.revoked) {
      action = h('button', {
        type: 'button',
        class: 'danger',
        text: t('key_revoke'),
        attrs: { 'aria-label': t('key_revoke_named', { name: key.name }) },
      });
      action.addEventListener('click', () => revoke(key));
    }
    const prefix = key.prefix ? h('code', { text: `${key.prefix}…` }) : '—';
    return [key.name, prefix, t(`role_${key.role}`), when(key.created_at, true),
      key.expires_at ? when(key.expires_at, true) : t('never'), action];
  });
  fill(byId('keys-list'), rows.length
    ? table(t('keys_table'), [t('key_name'), t('key_prefix'), t('role'), t('created'), t('expires'), t('actions')], rows)
    : h('p', { text: t('keys_none') }));
}

async function revoke(key) {
  // A revoked key stops working on every instance at once; there is no undo.
  if (!window.confirm(t('key_revoke_confirm', { name: key.name }))) return;
  try {
    await ctx.api.delete(`/api/v1/admin/keys/${encodeURIComponent(key.name)}`);
    ctx.announce(t('key_revoked_one', { name: key.name }));
    await load();
  } catch (error) {
    failed(error);
  }
}

async function createKey() {
  const result = byId('key-new-result');
  fill(result);
  const body = { name: byId('key-new-name').value.trim(), role: byId('key-new-role').value };
  const days = byId('key-new-days').value;
  if (days) body.expires_in_days = Number(days);
  try {
    const made = await ctx.api.post('/api/v1/admin/keys', body);
    const code = h('code', { class: 'secret', text: made.key });
    const copy = h('button', { type: 'button', class: 'secondary', text: t('copy') });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(made.key);
        copy.textContent = t('copied');
      } catch {
        window.getSelection().selectAllChildren(code);
      }
    });
    fill(result, h('p', { text: t('key_created', { name: made.name }) }), h('p', { class: 'row' }, code, copy),
      h('p', { class: 'hint', text: t('key_once') }));
    byId('key-new').reset();
    await load();
  } catch (error) {
    fill(result, h('p', { class: 'error', text: problemText(error) }));
  }
}
