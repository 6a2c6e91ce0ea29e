// The page: sign-in, navigation between the screens, and the shared pieces each screen gets
// (the API, the WebSocket, announcements). See docs/web.md for how the page is kept safe.

import { api, whenSignedOut } from './js/api.js';
import { byId } from './js/dom.js';
import { language, onLanguage, preferred, problemText, setLanguage, t } from './js/i18n.js';
import { Socket } from './js/socket.js';
import * as chat from './js/views/chat.js';
import * as work from './js/views/work.js';
import * as items from './js/views/items.js';
import * as prices from './js/views/prices.js';
import * as oos from './js/views/oos.js';
import * as reports from './js/views/reports.js';
import * as admin from './js/views/admin.js';

const VIEWS = { chat, work, items, prices, oos, reports, admin };
const DEFAULT_VIEW = 'chat';
const NOTICE = 'agent-team.notice';

const ctx = {
  api,
  socket: new Socket(),
  me: null,
  /** Says `text` to screen readers (politely). */
  announce(text) {
    const region = byId('announce');
    region.textContent = '';
    requestAnimationFrame(() => {
      region.textContent = text;
    });
  },
  isManager: () => ['manager', 'admin'].includes(ctx.me?.role),
  isAdmin: () => ctx.me?.role === 'admin',
};

const mounted = new Set();
let firstRoute = true;

function showAlert(text) {
  const alert = byId('alert');
  alert.textContent = text;
  alert.hidden = !text;
}

function currentView() {
  const name = location.hash.replace(/^#/, '');
  if (!(name in VIEWS)) return DEFAULT_VIEW;
  if (name === 'admin' && !ctx.isAdmin()) return DEFAULT_VIEW;
  return name;
}

function route() {
  const signedIn = ctx.me !== null;
  const name = signedIn ? currentView() : 'signin';
  for (const section of document.querySelectorAll('main > section.view')) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const link of document.querySelectorAll('#nav a[data-view]')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (signedIn) {
    const view = VIEWS[name];
    if (!mounted.has(name)) {
      mounted.add(name);
      view.mount(ctx);
    }
    view.show?.(ctx);
  }
  // Moving focus to the new screen's heading tells a screen-reader user where they are; on the
  // first load the page starts at the top as usual.
  const heading = document.querySelector(`#view-${name} h1`);
  if (name === 'signin') byId('signin-username').focus();
  else if (!firstRoute && heading) heading.focus();
  firstRoute = false;
}

function signedIn(me) {
  ctx.me = me;
  const who = byId('who');
  who.textContent = `${me.name} · ${t(`role_${me.role}`)}`;
  who.dataset.role = me.role;
  who.hidden = false;
  byId('nav').hidden = false;
  byId('sign-out').hidden = false;
  for (const el of document.querySelectorAll('.admin-only')) el.hidden = !ctx.isAdmin();
  ctx.socket.connect().catch(() => {});
  route();
}

/** Leaves the signed-in page: state built for one user must not survive for the next, so reload. */
function signedOut(notice) {
  ctx.socket.close();
  if (notice) sessionStorage.setItem(NOTICE, notice);
  location.hash = '';
  location.reload();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = byId('signin-error');
  error.textContent = '';
  const username = byId('signin-username').value.trim();
  const password = byId('signin-password').value;
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    await api.post('/api/v1/auth/web/login', { username, password }, { quiet: true });
    const me = await api.get('/api/v1/me', {}, { quiet: true });
    byId('signin-password').value = '';
    showAlert('');
    signedIn(me);
  } catch (e) {
    error.textContent = problemText(e);
    byId('signin-password').select();
  } finally {
    button.disabled = false;
  }
}

async function signOut() {
  try {
    await api.post('/api/v1/auth/logout', {}, { quiet: true });
  } catch {
    // Signed out already, or the server is away: the page forgets the session either way.
  }
  signedOut(t('signed_out'));
}

function liveStatus({ state }) {
  const live = byId('live');
  live.hidden = ctx.me === null;
  live.dataset.state = state;
  live.textContent = t(state === 'open' ? 'live_open' : state === 'connecting' ? 'live_connecting' : 'live_closed');
}

async function boot() {
  await setLanguage(preferred());
  const select = byId('language');
  select.value = language();
  select.addEventListener('change', () => {
    setLanguage(select.value, { remember: true }).catch((e) => showAlert(String(e)));
  });
  byId('signin-form').addEventListener('submit', signIn);
  byId('sign-out').addEventListener('click', signOut);
  whenSignedOut(() => signedOut(t('signed_out_expired')));
  ctx.socket.on('status', liveStatus);
  onLanguage(() => {
    if (ctx.me) byId('who').textContent = `${ctx.me.name} · ${t(`role_${ctx.me.role}`)}`;
    if (byId('live').dataset.state) liveStatus({ state: byId('live').dataset.state });
  });
  window.addEventListener('hashchange', route);
  const notice = sessionStorage.getItem(NOTICE);
  if (notice) {
    sessionStorage.removeItem(NOTICE);
    showAlert(notice);
  }
  try {
    signedIn(await api.get('/api/v1/me', {}, { quiet: true }));
  } catch (e) {
    if (e.status !== 401) showAlert(problemText(e));
    route();
  }
  document.documentElement.dataset.ready = 'true';
}

boot();
