// Interface text in Indonesian, English and Chinese. Dictionaries are JSON files beside the page
// (i18n/<lang>.json, the same keys in each); the language is the one chosen on this device, else
// the browser's first supported one, else Indonesian's neighbour English. Static text is marked
// in index.html with data-i18n (textContent), data-i18n-placeholder and data-i18n-label
// (aria-label); script-built text calls t().

export const LANGUAGES = { id: 'Bahasa Indonesia', en: 'English', zh: '中文' };
const LOCALES = { id: 'id-ID', en: 'en-GB', zh: 'zh-CN' };
const STORED = 'agent-team.language';

let current = 'en';
let dictionary = {};
const listeners = new Set();

/** The language to start with: a stored choice, else the browser's preference. */
export function preferred() {
  const stored = localStorage.getItem(STORED);
  if (stored && stored in LANGUAGES) return stored;
  for (const tag of navigator.languages || [navigator.language || '']) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'in' || base === 'ms') return 'id';
    if (base in LANGUAGES) return base;
  }
  return 'en';
}

export async function setLanguage(lang, { remember = false } = {}) {
  const chosen = lang in LANGUAGES ? lang : 'en';
  const response = await fetch(`/assets/i18n/${chosen}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`dictionary ${chosen}: HTTP ${response.status}`);
  dictionary = await response.json();
  current = chosen;
  if (remember) localStorage.setItem(STORED, chosen);
  document.documentElement.lang = chosen;
  translate(document);
  for (const listener of listeners) listener(chosen);
}

export const language = () => current;
export const locale = () => LOCALES[current];

/** Called after every language change (views re-render what they built). */
export function onLanguage(listener) {
  listeners.add(listener);
}

/** The text for `key`, with `{name}` placeholders filled from `vars` (as plain text). */
export function t(key, vars = {}) {
  const text = dictionary[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Applies the dictionary to the marked elements under `root`. */
export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  document.title = t('app_name');
}

/** An exact decimal string ("1250050.5") grouped for the reader, without rounding it. */
export function decimal(value) {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const parts = new Intl.NumberFormat(locale()).formatToParts(12345.6);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const point = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${match[1]}${whole}${match[3] ? point + match[3] : ''}`;
}

/** An amount of money in IDR, exact. */
export const money = (value) => (value === null || value === undefined ? '—' : `Rp ${decimal(value)}`);

/** A date or timestamp for the reader. */
export function when(value, withTime = false) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const options = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  if (!withTime && /^\d{4}-\d{2}-\d{2}$/.test(value)) options.timeZone = 'UTC';
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

/** A 0–1 confidence as a percentage. */
export const percent = (value) =>
  typeof value === 'number' ? new Intl.NumberFormat(locale(), { style: 'percent' }).format(value) : '—';

/** A problem (ApiError) as a sentence in the reader's language, with the server's detail. */
export function problemText(error) {
  const key = `error_${error.code}`;
  const known = dictionary[key] !== undefined;
  const base = known ? t(key) : t('error_generic', { status: error.status || '' });
  // The server's own detail (English) says which field or rule, where the code alone cannot.
  const telling = !known || ['validation_failed', 'bad_request', 'conflict', 'not_found'].includes(error.code);
  const detail = error.detail && telling ? ` (${error.detail})` : '';
  return `${base}${detail}`;
}
