// Building the page from data without ever parsing data as HTML. Every text from users, files or
// the model becomes a Text node (textContent / createTextNode); attributes are set one by one and
// event-handler attributes are refused, so nothing a user wrote can become markup or script.

const FORBIDDEN_ATTRIBUTE = /^on|^(src|href|srcdoc|formaction|action|style)$/i;

/**
 * Creates an element: `h('td', {class: 'num', text: amount})`, `h('ul', {}, children...)`.
 * Props: `text` (textContent), `class`, `on` ({event: handler}), `attrs` ({name: value} for
 * aria-*, data-*, role, for, ...), and plain DOM properties (`type`, `value`, `checked`,
 * `disabled`, `hidden`, `id`, `name`, `href` for links the page itself builds).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'class') el.className = value;
    else if (key === 'for') el.htmlFor = value;
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (key === 'attrs') {
      for (const [name, v] of Object.entries(value)) {
        if (v === undefined || v === null || v === false) continue;
        if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`attribute ${name} is not set through attrs`);
        el.setAttribute(name, v === true ? '' : String(v));
      }
    } else if (key.startsWith('on')) throw new Error(`use props.on for ${key}`);
    else el[key] = value;
  }
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text), flattening arrays and skipping null/false. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's content with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const byId = (id) => document.getElementById(id);

/** A table from column headers and rows of cells (strings or nodes); `numeric` columns align right. */
export function table(caption, headers, rows, { numeric = [] } = {}) {
  const head = h('thead', {}, h('tr', {}, headers.map((text, i) =>
    h('th', { text, class: numeric.includes(i) ? 'num' : undefined, attrs: { scope: 'col' } }))));
  const body = h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) =>
    h('td', { class: numeric.includes(i) ? 'num' : undefined }, cell)))));
  const t = h('table', {}, caption ? h('caption', { text: caption }) : null, head, body);
  return h('div', { class: 'table-wrap', attrs: { role: 'region', 'aria-label': caption || null, tabindex: 0 } }, t);
}

/** Runs `fn` at most once per `ms` after the last call. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Saves a blob under a name through a temporary link (the page never navigates away). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Runs `work` when `form` is submitted (the page never navigates), with its controls disabled. */
export function onSubmit(form, work) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, work);
  });
}

/** Disables a form's controls while `work` runs, so a double click cannot send twice. */
export async function busy(form, work) {
  const controls = [...form.querySelectorAll('button, input, select, textarea')].filter((c) => !c.disabled);
  controls.forEach((c) => { c.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    controls.forEach((c) => { c.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}
