// The HTTP API as the page uses it. The credential is an HttpOnly cookie the browser attaches by
// itself (this script never sees it); every request also carries `X-Requested-With: agent-team`,
// which the server requires before it believes the cookie: another site can make a browser send
// the cookie-less form posts and image loads, but not that header (docs/web.md).

const MARKER = { 'X-Requested-With': 'agent-team' };

/** A failed request: the problem document's fields (RFC 9457) when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 0 ? 'network' : `http_${status}`);
    this.detail = problem.detail || '';
    this.requestId = problem.request_id || '';
  }
}

let onSignedOut = () => {};

/** Called when a request finds the session gone (expired, revoked, signed out elsewhere). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

/** `path` with the non-empty `params` as a query string. */
export function withQuery(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * One request. `json` is sent as a JSON body, `form` as multipart; `as` picks what comes back:
 * 'json' (default; null for 204), 'blob' ({blob, filename}) or 'response' (the Response).
 */
export async function request(method, path, { json, form, headers = {}, as = 'json', quiet = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { ...MARKER, Accept: 'application/json', ...headers } };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  if (as === 'blob') init.headers.Accept = '*/*';
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, {});
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const error = new ApiError(response.status, problem);
    if (response.status === 401 && !quiet) onSignedOut(error);
    throw error;
  }
  if (as === 'response') return response;
  if (as === 'blob') return { blob: await response.blob(), filename: filename(response) };
  if (response.status === 204) return null;
  return response.json();
}

/** The file name a `Content-Disposition` header offers, if any. */
function filename(response) {
  const header = response.headers.get('Content-Disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename="([^"]*)"/i.exec(header);
  return plain ? plain[1] : '';
}

export const api = {
  get: (path, params, options) => request('GET', withQuery(path, params), options),
  post: (path, json, options) => request('POST', path, { ...options, json }),
  put: (path, json, options) => request('PUT', path, { ...options, json }),
  patch: (path, json, options) => request('PATCH', path, { ...options, json }),
  delete: (path, options) => request('DELETE', path, options),
  upload: (path, file, name) => {
    const form = new FormData();
    form.append('file', file, name ?? file.name);
    return request('POST', path, { form });
  },
  blob: (path, params) => request('GET', withQuery(path, params), { as: 'blob' }),
};
