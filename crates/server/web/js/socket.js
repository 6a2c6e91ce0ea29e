// The WebSocket gateway. A browser cannot put a header on the upgrade, and the session cookie
// must not be enough on its own, so each connection first asks for a single-use, 30-second
// ticket (a cookie request with the page's marker header) and passes it in the URL. A lost
// connection is reopened with a fresh ticket, backing off; views re-subscribe on `reopened`.

import { api } from './api.js';

const MAX_BACKOFF_MS = 15_000;

export class Socket {
  constructor() {
    this.ws = null;
    this.opening = null;
    this.handlers = new Map();
    this.wanted = false;
    this.backoff = 1000;
    this.retry = null;
    this.everOpened = false;
  }

  /** Calls `handler(frame)` for every frame of `type` ('status' reports the connection's state). */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }

  emit(type, frame) {
    for (const handler of this.handlers.get(type) || []) {
      try {
        handler(frame);
      } catch (error) {
        console.error(error);
      }
    }
  }

  get open() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Opens the connection unless it is open; resolves once it is. */
  connect() {
    this.wanted = true;
    if (this.open) return Promise.resolve();
    if (!this.opening) {
      this.opening = this.dial()
        .catch((error) => {
          if (this.wanted) this.scheduleRetry();
          throw error;
        })
        .finally(() => {
          this.opening = null;
        });
    }
    return this.opening;
  }

  async dial() {
    this.emit('status', { state: 'connecting' });
    const { ticket } = await api.post('/api/v1/ws/ticket', {});
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/ws?ticket=${encodeURIComponent(ticket)}`);
    this.ws = ws;
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve, { once: true });
      ws.addEventListener('error', () => reject(new Error('websocket failed to open')), { once: true });
    });
    ws.addEventListener('message', (event) => this.receive(event.data));
    ws.addEventListener('close', (event) => this.closed(ws, event));
    this.backoff = 1000;
    const reopened = this.everOpened;
    this.everOpened = true;
    this.emit('status', { state: 'open' });
    if (reopened) this.emit('reopened', {});
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame && typeof frame.type === 'string') this.emit(frame.type, frame);
  }

  closed(ws, event) {
    if (this.ws !== ws) return;
    this.ws = null;
    this.emit('status', { state: 'closed', code: event.code });
    if (this.wanted) this.scheduleRetry();
  }

  scheduleRetry() {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      // A failure schedules the next attempt itself (in connect).
      this.connect().catch(() => {});
    }, this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  /** Sends a frame, opening the connection first if needed. */
  async send(frame) {
    await this.connect();
    this.ws.send(JSON.stringify(frame));
  }

  /** Closes for good (sign-out). */
  close() {
    this.wanted = false;
    this.everOpened = false;
    clearTimeout(this.retry);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
    this.emit('status', { state: 'closed', code: 1000 });
  }
}
