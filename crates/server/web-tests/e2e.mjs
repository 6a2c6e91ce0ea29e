// End-to-end tests of the embedded web page in headless Chromium, driven by playwright-core.
// Run by crates/cli/tests/binary/web.rs against the real `agent-team serve` on SQLite, which
// seeds the data and passes everything in the environment:
//
//   AGENT_TEAM_E2E_BASE_URL             http://127.0.0.1:PORT
//   AGENT_TEAM_E2E_{STAFF,MANAGER,ADMIN}_{USER,PASSWORD}
//   AGENT_TEAM_E2E_CUSTOMER             a customer code, AGENT_TEAM_E2E_CUSTOMER_SEARCH part of its name
//   AGENT_TEAM_E2E_PRICE_LIST, AGENT_TEAM_E2E_SKU   a priced item
//   AGENT_TEAM_E2E_SHEET                path of an order sheet with at least one unsure line
//   AGENT_TEAM_E2E_SHORT_SKU            an item of that sheet with too little stock
//   AGENT_TEAM_E2E_ASKED_SKU            the candidate to pick for the sheet's line "Aqua"
//   AGENT_TEAM_E2E_OTHER_{QUERY,SKU}    a search on the markup line and an item it finds
//   AGENT_TEAM_E2E_ITEM_QUERY           a catalog search that finds items
//   AGENT_TEAM_E2E_ARTIFACTS            where screenshots and the downloaded draft go
//   AGENT_TEAM_CHROMIUM                 the browser (default /usr/bin/chromium)
//
// Exit status 0 when every scenario passed; each failure is printed with a screenshot saved.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const BASE = env('AGENT_TEAM_E2E_BASE_URL');
const users = Object.fromEntries(['staff', 'manager', 'admin'].map((role) => [role, {
  name: env(`AGENT_TEAM_E2E_${role.toUpperCase()}_USER`),
  password: env(`AGENT_TEAM_E2E_${role.toUpperCase()}_PASSWORD`),
}]));
const ARTIFACTS = env('AGENT_TEAM_E2E_ARTIFACTS', join(here, '..', '..', '..', 'target', 'e2e-artifacts'));
const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
const HOSTILE_FILE = '<script>alert(1)</script> order.csv';

mkdirSync(ARTIFACTS, { recursive: true });

const results = [];
let browser;

async function scenario(name, page, run) {
  const started = Date.now();
  try {
    await run();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${error.stack || error}`);
    if (page) await page.screenshot({ path: join(ARTIFACTS, `failed-${slug(name)}.png`), fullPage: true }).catch(() => {});
  }
}

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A page in a fresh browser context (its own cookie jar), watching for script errors and CSP reports. */
async function newPage(viewport = { width: 1280, height: 900 }, options = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-GB', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.problems = [];
  // The WebSocket frames the page receives, by type, to check that updates arrive live.
  page.frames = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => {
    try {
      page.frames.push(JSON.parse(payload).type);
    } catch {
      // not JSON: not the gateway's
    }
  }));
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) page.problems.push(`CSP: ${text}`);
  });
  page.on('dialog', (dialog) => {
    // confirm() is the page's own question (revoking a key); alert() could only come from injected script.
    if (dialog.type() === 'confirm') dialog.accept();
    else {
      page.problems.push(`unexpected ${dialog.type()}: ${dialog.message()}`);
      dialog.dismiss();
    }
  });
  return page;
}

async function signIn(page, who) {
  await page.goto(`${BASE}/#chat`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.locator('#signin-username').waitFor();
  // Keyboard only: the field has focus on arrival, Tab moves on, Enter submits.
  await page.keyboard.type(who.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await page.locator('#nav').waitFor({ state: 'visible' });
  await page.locator('#live[data-state="open"]').waitFor();
}

async function go(page, view) {
  await page.click(`#nav a[data-view="${view}"]`);
  await page.locator(`#view-${view}`).waitFor({ state: 'visible' });
}

/** The dictionaries hold the same keys, and every key the page uses is in them. */
function dictionaries() {
  const web = join(here, '..', 'web');
  const dicts = Object.fromEntries(['en', 'id', 'zh'].map((l) => [l, JSON.parse(readFileSync(join(web, 'i18n', `${l}.json`), 'utf8'))]));
  const keys = Object.keys(dicts.en).sort();
  for (const [lang, dict] of Object.entries(dicts)) {
    assert.deepEqual(Object.keys(dict).sort(), keys, `${lang}.json has the same keys as en.json`);
    for (const [key, text] of Object.entries(dict)) assert.ok(text.trim(), `${lang}.${key} is not empty`);
  }
  const sources = [join(web, 'index.html'), join(web, 'app.js'),
    ...readdirSync(join(web, 'js')).filter((f) => f.endsWith('.js')).map((f) => join(web, 'js', f)),
    ...readdirSync(join(web, 'js', 'views')).map((f) => join(web, 'js', 'views', f))];
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    const used = [...text.matchAll(/data-i18n(?:-placeholder|-label)?="([a-z0-9_]+)"|\bt\('([a-z0-9_]+)'/g)].map((m) => m[1] || m[2]);
    for (const key of used) assert.ok(key in dicts.en, `${file} uses ${key}, which en.json lacks`);
    assert.doesNotMatch(text, /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, `${file} never parses text as HTML or code`);
  }
}

async function main() {
  await scenario('dictionaries and sources', null, async () => dictionaries());

  browser = await chromium.launch({
    executablePath: env('AGENT_TEAM_CHROMIUM', '/usr/bin/chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const staff = await newPage();

  await scenario('the page is served under a strict CSP', staff, async () => {
    const response = await staff.goto(`${BASE}/`);
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'] || '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    await staff.waitForSelector('html[data-ready="true"]');
    await staff.locator('#view-signin').waitFor({ state: 'visible' });
    await shot(staff, 'signin');
  });

  await scenario('a wrong password is refused, the right one signs in (keyboard only)', staff, async () => {
    await staff.fill('#signin-username', users.staff.name);
    await staff.fill('#signin-password', 'not the password');
    await staff.press('#signin-password', 'Enter');
    await staff.locator('#signin-error').filter({ hasText: /\S/ }).waitFor();
    await staff.fill('#signin-username', '');
    await staff.fill('#signin-password', '');
    await staff.focus('#signin-username');
    await signIn(staff, users.staff);
    assert.match(await staff.textContent('#who'), new RegExp(users.staff.name));
    const stored = await staff.evaluate(() => JSON.stringify({ ...localStorage }) + document.cookie);
    assert.doesNotMatch(stored, /at_|token|session/i, 'no credential readable by script');
  });

  await scenario('the cookie alone is not enough: the marker header is required', staff, async () => {
    const statuses = await staff.evaluate(async () => {
      const bare = await fetch('/api/v1/me', { credentials: 'same-origin' });
      const marked = await fetch('/api/v1/me', { credentials: 'same-origin', headers: { 'X-Requested-With': 'agent-team' } });
      return [bare.status, marked.status];
    });
    assert.deepEqual(statuses, [401, 200]);
  });

  await scenario('chat: a reply streams in', staff, async () => {
    await go(staff, 'chat');
    await staff.fill('#chat-input', 'halo');
    await staff.press('#chat-input', 'Enter');
    const reply = staff.locator('#chat-log .message-assistant:not(.streaming) .message-body').last();
    await reply.filter({ hasText: /\S/ }).waitFor();
    assert.ok((await reply.textContent()).length > 10);
    const streamed = staff.frames.filter((f) => f.startsWith('message.'));
    assert.deepEqual([streamed.at(0), streamed.at(-1)], ['message.delta', 'message.done'], 'streamed over the socket');
    await shot(staff, 'chat');
  });

  await scenario('chat: a <script> in a message is shown as text', staff, async () => {
    await staff.fill('#chat-input', HOSTILE);
    await staff.click('#chat-send');
    const mine = staff.locator('#chat-log .message-user .message-body').last();
    await mine.waitFor();
    assert.equal(await mine.textContent(), HOSTILE);
    await staff.locator('#chat-log .message-assistant:not(.streaming)').nth(1).waitFor();
    assert.equal(await staff.locator('#chat-log script, #chat-log img').count(), 0);
    assert.equal(await staff.evaluate(() => window.__pwned), undefined);
    // Reloaded from the server, the stored message is still text.
    await staff.reload();
    await staff.locator('#chat-log .message-user').last().waitFor();
    assert.equal(await staff.locator('#chat-log .message-user .message-body').last().textContent(), HOSTILE);
    await staff.locator('#live[data-state="open"]').waitFor();
  });

  await scenario('chat: a proposed change waits for a decision', staff, async () => {
    const earlier = await staff.locator('#chat-log .proposal').count();
    await staff.fill('#chat-input', 'catat stok habis teh botol 7 untuk Toko Maju');
    await staff.press('#chat-input', 'Enter');
    const proposal = staff.locator('#chat-log .proposal').nth(earlier);
    await proposal.waitFor();
    assert.match(await proposal.locator('pre.arguments').textContent(), /"quantity": 7/);
    const before = await staff.locator('#chat-log .message-assistant').count();
    await proposal.getByRole('button', { name: 'Decline' }).click();
    await proposal.getByText('Declined.').waitFor();
    await staff.locator('#chat-log .message-assistant').nth(before).waitFor();
  });

  await scenario('chat: an approved change is applied', staff, async () => {
    // Found by what it proposes, not by position: the one declined above stays in the log.
    await staff.fill('#chat-input', 'catat stok habis teh botol 3 untuk Toko Maju');
    await staff.press('#chat-input', 'Enter');
    const proposal = staff.locator('#chat-log .proposal', { hasText: '"quantity": 3' }).last();
    await proposal.waitFor();
    await proposal.getByRole('button', { name: 'Approve' }).click();
    await proposal.getByText('Approved.').waitFor();
    // The registration it made is in the list, for the customer named by name in the message.
    await go(staff, 'oos');
    await staff.locator('#oos-list tr', { hasText: 'TEH-450' }).filter({ hasText: 'TOKO-MAJU' }).first().waitFor();
    await go(staff, 'chat');
  });

  let downloaded = null;
  await scenario('work: an order sheet run, its question answered, the draft downloaded', staff, async () => {
    await go(staff, 'work');
    const sheet = readFileSync(env('AGENT_TEAM_E2E_SHEET'));
    await staff.setInputFiles('#work-file', { name: HOSTILE_FILE, mimeType: 'text/csv', buffer: sheet });
    // The file name from the user's disk is shown as it is, as text.
    await staff.locator('#work-file-chosen').filter({ hasText: HOSTILE_FILE }).waitFor();
    assert.equal(await staff.locator('#work-file-chosen script, #work-file-chosen img').count(), 0);
    await staff.fill('#work-customer', env('AGENT_TEAM_E2E_CUSTOMER_SEARCH'));
    const pick = staff.locator('#work-customer-results button', { hasText: env('AGENT_TEAM_E2E_CUSTOMER') });
    await pick.first().click();
    await staff.locator('#work-customer-chosen').filter({ hasText: env('AGENT_TEAM_E2E_CUSTOMER') }).waitFor();
    await staff.click('#work-start');
    await staff.locator('#work-run').waitFor({ state: 'visible' });
    await staff.locator('#work-uploaded').filter({ hasText: /\S/ }).waitFor();
    // The question: one fieldset per unsure line, each line's text shown as written.
    const lines = staff.locator('#work-question fieldset.line');
    await lines.first().waitFor();
    assert.equal(await staff.locator('#work-question script, #work-question img').count(), 0);
    const hostile = lines.filter({ hasText: '<img src=x onerror=alert(1)>' });
    assert.equal(await hostile.count(), 1, 'the markup line is asked, as text');
    await shot(staff, 'work-question');
    const aqua = lines.filter({ has: staff.locator('legend', { hasText: /^Line \d+ Aqua$/ }) });
    await aqua.locator(`input[type="radio"][value="${env('AGENT_TEAM_E2E_ASKED_SKU')}"]`).check();
    // Another item, found by searching, joins the choices; the markup line is left out.
    await hostile.locator('input[type="search"]').fill(env('AGENT_TEAM_E2E_OTHER_QUERY'));
    await hostile.locator('input[type="search"]').press('Enter');
    await hostile.locator(`input[type="radio"][value="${env('AGENT_TEAM_E2E_OTHER_SKU')}"]`).waitFor();
    await hostile.locator('input[type="radio"][value=""]').check();
    assert.equal(await lines.count(), 2, 'only the unsure lines are asked');
    await staff.click('#work-question button[type="submit"]');
    const download = staff.locator('#work-download');
    await download.waitFor({ timeout: 60_000 });
    for (const live of ['run.progress', 'run.waiting', 'run.done']) assert.ok(staff.frames.includes(live), `${live} arrived live`);
    const result = await staff.textContent('#work-result');
    for (const sku of [env('AGENT_TEAM_E2E_SHORT_SKU'), env('AGENT_TEAM_E2E_ASKED_SKU')]) assert.match(result, new RegExp(sku));
    assert.doesNotMatch(result, new RegExp(env('AGENT_TEAM_E2E_OTHER_SKU')), 'the left-out line is not ordered');
    await shot(staff, 'work-done');
    const [file] = await Promise.all([staff.waitForEvent('download'), download.click()]);
    assert.match(file.suggestedFilename(), /\.xlsx$/);
    downloaded = join(ARTIFACTS, file.suggestedFilename());
    await file.saveAs(downloaded);
    const bytes = readFileSync(downloaded);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip');
  });

  await scenario('items: search with stock', staff, async () => {
    await go(staff, 'items');
    await staff.fill('#items-q', env('AGENT_TEAM_E2E_ITEM_QUERY'));
    await staff.press('#items-q', 'Enter');
    await staff.locator('#items-results table tbody tr').first().waitFor();
    await shot(staff, 'items');
    // For a customer: still answered (ranked with its purchases); an unknown code is told plainly.
    await staff.fill('#items-customer', env('AGENT_TEAM_E2E_CUSTOMER'));
    await staff.press('#items-q', 'Enter');
    await staff.locator('#items-results table tbody tr').first().waitFor();
    await staff.fill('#items-customer', 'NO-SUCH-CUSTOMER');
    await staff.press('#items-q', 'Enter');
    await staff.locator('#items-status', { hasText: /customer/i }).waitFor();
    assert.equal(await staff.locator('#items-results table').count(), 0, 'no stale results under an error');
    await staff.fill('#items-customer', '');
  });

  await scenario('out of stock: the short line is listed', staff, async () => {
    await go(staff, 'oos');
    await staff.locator('#oos-list td', { hasText: env('AGENT_TEAM_E2E_SHORT_SKU') }).first().waitFor();
    await shot(staff, 'out-of-stock');
  });

  await scenario('reports: the chart is visible', staff, async () => {
    await go(staff, 'reports');
    const chart = staff.locator('#reports-chart');
    await chart.waitFor({ state: 'visible' });
    await staff.waitForFunction(() => {
      const img = document.getElementById('reports-chart');
      return img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:');
    });
    assert.ok((await chart.getAttribute('alt')).length > 10, 'the chart is described');
    await staff.locator('#reports-table tbody tr').first().waitFor();
    await shot(staff, 'reports');
  });

  let before = null;
  await scenario('prices: a staff user is refused the change', staff, async () => {
    await go(staff, 'prices');
    await staff.fill('#prices-sku', env('AGENT_TEAM_E2E_SKU'));
    await staff.fill('#prices-list', env('AGENT_TEAM_E2E_PRICE_LIST'));
    await staff.click('#prices-form button[type="submit"]');
    await staff.locator('#price-amount-now').waitFor();
    before = await staff.textContent('#price-amount-now');
    await staff.fill('#price-amount', '1.00');
    await staff.click('#price-change button[type="submit"]');
    await staff.locator('#price-change-result[data-outcome="forbidden"]').waitFor();
    await shot(staff, 'prices-refused');
    await staff.click('#prices-form button[type="submit"]');
    await staff.locator('#price-amount-now').waitFor();
    assert.equal(await staff.textContent('#price-amount-now'), before, 'the price is unchanged');
  });

  await scenario('language: Chinese and Indonesian, remembered', staff, async () => {
    await staff.selectOption('#language', 'zh');
    await staff.locator('#nav a[data-view="chat"]', { hasText: '聊天' }).waitFor();
    assert.equal(await staff.getAttribute('html', 'lang'), 'zh');
    await shot(staff, 'prices-zh');
    await staff.selectOption('#language', 'id');
    await staff.locator('#nav a[data-view="chat"]', { hasText: 'Obrolan' }).waitFor();
    await staff.reload();
    await staff.locator('#nav a[data-view="chat"]', { hasText: 'Obrolan' }).waitFor();
    await staff.selectOption('#language', 'en');
  });

  noProblemsScenario('staff page', staff);

  await scenario('sign out', staff, async () => {
    await staff.click('#sign-out');
    await staff.locator('#view-signin').waitFor({ state: 'visible' });
    const status = await staff.evaluate(async () =>
      (await fetch('/api/v1/me', { headers: { 'X-Requested-With': 'agent-team' } })).status);
    assert.equal(status, 401);
  });

  const manager = await newPage();
  await scenario('prices: a manager changes the price', manager, async () => {
    await signIn(manager, users.manager);
    await go(manager, 'prices');
    await manager.fill('#prices-sku', env('AGENT_TEAM_E2E_SKU'));
    await manager.fill('#prices-list', env('AGENT_TEAM_E2E_PRICE_LIST'));
    await manager.click('#prices-form button[type="submit"]');
    await manager.locator('#price-amount-now').waitFor();
    await manager.fill('#price-amount', '4321.50');
    await manager.click('#price-change button[type="submit"]');
    await manager.locator('#price-change-result[data-outcome="changed"]').waitFor();
    assert.match(await manager.textContent('#price-amount-now'), /4.?321[.,]5\b/);
    await shot(manager, 'prices-changed');
  });
  await scenario('out of stock: a manager resolves a registration', manager, async () => {
    await go(manager, 'oos');
    const row = manager.locator('#oos-list tr', { hasText: env('AGENT_TEAM_E2E_SHORT_SKU') }).first();
    await row.locator('input').fill('restocked');
    await row.getByRole('button').click();
    await manager.locator('#oos-list tr', { hasText: env('AGENT_TEAM_E2E_SHORT_SKU') }).locator('td', { hasText: 'restocked' }).first().waitFor();
  });
  noProblemsScenario('manager page', manager);

  const admin = await newPage();
  await scenario('admin: users and API keys', admin, async () => {
    await signIn(admin, users.admin);
    await go(admin, 'admin');
    for (const who of Object.values(users)) await admin.locator('#users-list td', { hasText: who.name }).first().waitFor();
    await admin.fill('#key-new-name', 'e2e-key');
    await admin.selectOption('#key-new-role', 'staff');
    await admin.click('#key-new button[type="submit"]');
    const key = admin.locator('#key-new-result code.secret');
    await key.waitFor();
    assert.ok((await key.textContent()).length > 20, 'the new key is shown once');
    await admin.locator('#keys-list td', { hasText: 'e2e-key' }).first().waitFor();
    await shot(admin, 'admin');
    await admin.click('#keys-list button.danger');
    await admin.locator('#keys-list button.danger').waitFor({ state: 'detached' });
  });
  noProblemsScenario('admin page', admin);

  // axe-core is evaluated in the page, which the page's own CSP would rightly refuse: this one
  // context bypasses it (every other context runs under the real policy).
  const audited = await newPage(undefined, { bypassCSP: true });
  await scenario('accessibility: axe finds nothing moderate or worse on any screen', audited, async () => {
    const axe = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    await audited.goto(`${BASE}/`);
    await audited.waitForSelector('html[data-ready="true"]');
    const found = [];
    const check = async (screen) => {
      if (!(await audited.evaluate(() => 'axe' in window))) await audited.evaluate(axe);
      const violations = await audited.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .filter((v) => ['moderate', 'serious', 'critical'].includes(v.impact))
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
      found.push(...violations.map((v) => `${screen}: ${v}`));
    };
    await check('sign in');
    await signIn(audited, users.admin);
    for (const view of ['chat', 'work', 'items', 'prices', 'oos', 'reports', 'admin']) {
      await go(audited, view);
      await audited.waitForLoadState('networkidle');
      await check(view);
    }
    assert.deepEqual(found, []);
  });

  const phone = await newPage({ width: 390, height: 844 });
  await scenario('on a phone', phone, async () => {
    await signIn(phone, users.staff);
    await shot(phone, 'phone-chat');
    await go(phone, 'work');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
    await shot(phone, 'phone-work');
  });
  noProblemsScenario('phone page', phone);

  await browser.close();
  writeFileSync(join(ARTIFACTS, 'results.json'), JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed; artifacts in ${ARTIFACTS}`);
  process.exitCode = failed.length ? 1 : 0;
}

function noProblemsScenario(name, page) {
  const ok = page.problems.length === 0;
  results.push({ name: `${name}: no script errors, CSP violations or dialogs`, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: no script errors, CSP violations or dialogs${ok ? '' : `: ${page.problems.join('; ')}`}`);
}

main().catch(async (error) => {
  console.log(`FAIL setup: ${error.stack || error}`);
  await browser?.close().catch(() => {});
  process.exitCode = 1;
});
