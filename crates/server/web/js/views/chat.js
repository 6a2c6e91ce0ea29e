// Chat with the assistant. Messages go out as `chat.send` frames; the reply streams back as
// `message.delta` frames (appended as text while it is written) and ends with `message.done`,
// which carries the whole stored reply and, when the assistant proposes a change, the proposal
// to approve or decline. Without a socket the same turn goes over HTTP.

import { byId, fill, h } from '../dom.js';
import { onLanguage, problemText, t, when } from '../i18n.js';

let ctx;
let sessions = [];
let sessionId = null;
/** The reply being written, while one is: {sessionId, item, body}. */
let streaming = null;
let loaded = false;

export function mount(context) {
  ctx = context;
  byId('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  byId('chat-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      byId('chat-form').requestSubmit();
    }
  });
  byId('chat-new').addEventListener('click', () => newSession().catch(fail));
  byId('chat-session').addEventListener('change', (event) => open(event.target.value).catch(fail));
  ctx.socket.on('message.delta', (frame) => {
    if (streaming && frame.session_id === streaming.sessionId) {
      streaming.body.append(document.createTextNode(frame.text ?? ''));
      scroll();
    }
  });
  ctx.socket.on('message.done', (frame) => {
    if (streaming && frame.session_id === streaming.sessionId) finish(frame);
  });
  ctx.socket.on('error', (frame) => {
    if (streaming) {
      finishWith(t('chat_failed', { reason: problemText({ code: frame.code, detail: frame.message }) }));
    }
  });
  ctx.socket.on('status', ({ state }) => {
    // The reply is stored whatever happens to the socket; reopening the conversation shows it.
    if (state === 'closed' && streaming) finishWith(t('chat_interrupted'));
  });
  onLanguage(() => {
    renderSessions();
    for (const who of byId('chat-log').querySelectorAll('.message-who')) {
      who.textContent = who.parentElement.classList.contains('message-user') ? t('chat_you') : t('chat_assistant');
    }
  });
}

export function show() {
  if (!loaded) {
    loaded = true;
    loadSessions().catch(fail);
  }
}

function fail(error) {
  ctx.announce(problemText(error));
  byId('chat-log').append(note(problemText(error), 'error'));
}

async function loadSessions() {
  const { sessions: all } = await ctx.api.get('/api/v1/sessions', { limit: 50 });
  sessions = all.filter((s) => s.mode === 'chat');
  renderSessions();
  if (sessions.length) await open(sessions[0].id);
}

function sessionLabel(session) {
  return session.title || t('chat_session_label', { date: when(session.created_at, true) });
}

function renderSessions() {
  const select = byId('chat-session');
  fill(select, sessions.map((s) => h('option', { value: s.id, text: sessionLabel(s), selected: s.id === sessionId })));
  select.disabled = sessions.length === 0;
}

async function newSession() {
  const session = await ctx.api.post('/api/v1/sessions', { mode: 'chat' });
  sessions.unshift(session);
  sessionId = session.id;
  renderSessions();
  fill(byId('chat-log'));
  byId('chat-input').focus();
  return session;
}

async function open(id) {
  sessionId = id;
  renderSessions();
  const session = await ctx.api.get(`/api/v1/sessions/${encodeURIComponent(id)}`);
  const log = byId('chat-log');
  fill(log, (session.messages || []).map((m) => message(m.role, m.content, m.meta?.pending_approval, m.meta?.degraded)));
  scroll();
}

function scroll() {
  const log = byId('chat-log');
  log.scrollTop = log.scrollHeight;
}

function note(text, kind = 'note') {
  return h('div', { class: `message message-${kind}` }, h('div', { class: 'message-body', text }));
}

/** One message; every text in it is set as text, never parsed. */
function message(role, content, approval, degraded) {
  const who = role === 'user' ? t('chat_you') : t('chat_assistant');
  const body = h('div', { class: 'message-body', text: content });
  const item = h('div', { class: `message message-${role === 'user' ? 'user' : 'assistant'}` },
    h('span', { class: 'message-who', text: who }), body);
  if (degraded) item.append(h('p', { class: 'hint', text: t('chat_degraded') }));
  if (approval) item.append(proposal(approval));
  return item;
}

/** A change the assistant proposes: what it would do, and the buttons deciding it. */
function proposal(approval) {
  const status = h('p', { attrs: { role: 'status' } });
  const decide = async (approve, buttons) => {
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const reply = await ctx.api.post(
        `/api/v1/sessions/${encodeURIComponent(sessionId)}/approvals/${encodeURIComponent(approval.id)}`,
        { approve, args_hash: approval.args_hash },
      );
      status.textContent = approve ? t('approval_approved') : t('approval_declined');
      byId('chat-log').append(message('assistant', reply.message.content, reply.pending_approval, reply.degraded));
      scroll();
    } catch (error) {
      status.textContent = problemText(error);
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  const approve = h('button', { type: 'button', text: t('approve') });
  const decline = h('button', { type: 'button', class: 'secondary', text: t('decline') });
  approve.addEventListener('click', () => decide(true, [approve, decline]));
  decline.addEventListener('click', () => decide(false, [approve, decline]));
  return h('div', { class: 'proposal', attrs: { role: 'group', 'aria-label': t('approval_needed', { tool: approval.tool }) } },
    h('p', { text: t('approval_needed', { tool: approval.tool }) }),
    h('pre', { class: 'arguments', text: JSON.stringify(approval.arguments, null, 2) }),
    approval.expires_at ? h('p', { class: 'hint', text: t('approval_expires', { when: when(approval.expires_at, true) }) }) : null,
    h('div', { class: 'row' }, approve, decline),
    status);
}

async function send() {
  const input = byId('chat-input');
  const content = input.value.trim();
  if (!content || streaming) return;
  const button = byId('chat-send');
  button.disabled = true;
  try {
    if (!sessionId) await newSession();
  } catch (error) {
    button.disabled = false;
    fail(error);
    return;
  }
  input.value = '';
  const log = byId('chat-log');
  log.append(message('user', content));
  const item = message('assistant', '');
  item.classList.add('streaming');
  const body = item.querySelector('.message-body');
  log.append(item);
  log.setAttribute('aria-busy', 'true');
  streaming = { sessionId, item, body };
  scroll();
  try {
    await ctx.socket.send({ type: 'chat.send', session_id: sessionId, content });
  } catch {
    // No live connection: the same turn over HTTP, answered whole.
    try {
      const reply = await ctx.api.post(`/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`, { content });
      finish(reply);
    } catch (error) {
      finishWith(t('chat_failed', { reason: problemText(error) }));
    }
  }
}

/** The reply is complete: its stored text replaces the streamed one. */
function finish(done) {
  const { item, body } = streaming;
  body.textContent = done.message?.content ?? body.textContent;
  if (done.degraded) item.append(h('p', { class: 'hint', text: t('chat_degraded') }));
  if (done.pending_approval) item.append(proposal(done.pending_approval));
  end();
}

function finishWith(text) {
  streaming.item.append(h('p', { class: 'error', text }));
  end();
}

function end() {
  streaming.item.classList.remove('streaming');
  streaming = null;
  byId('chat-log').removeAttribute('aria-busy');
  byId('chat-send').disabled = false;
  scroll();
}
