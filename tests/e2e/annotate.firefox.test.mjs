// In-page annotation in headless Firefox ESR (puppeteer-core, WebDriver
// BiDi): the optional host permission granted through the real options
// page, auto-annotation of a policy page, then `clausemark.annotate(tabId)`
// (what the toolbar button runs) on the sample, the hard fixture pages and
// corpus pages: highlights = findings, the panel lists every finding, cards,
// the DOM untouched, nothing leaves the browser. One browser for the file.
//
// Skipped, with a message, when Firefox ESR is not installed
// (FIREFOX_PATH overrides /usr/bin/firefox-esr).

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';

import { notBrowserServices } from './fixtures.mjs';
import { launchFirefox, FIREFOX_SKIP } from './lib/firefox.mjs';
import { startPageServer, policyNames, tosdrNames, spread, corpusRoot } from './lib/server.mjs';
import { domSnapshot, readHighlights, readUi, squash } from './lib/inpage.mjs';
import { checkHighlights, checkPanelListsEveryFinding, checkCard } from './lib/checks.mjs';

const SKIP = FIREFOX_SKIP;
if (SKIP) console.log(`# SKIP Firefox annotation e2e: ${SKIP}`);

/** @type {Awaited<ReturnType<typeof launchFirefox>>} */
let h;
/** @type {Awaited<ReturnType<typeof startPageServer>>} */
let server;
let categories;
/** What the options page did when auto-annotate was switched on (in `before`). */
const grant = {};

before(async () => {
  if (SKIP) return;
  server = await startPageServer();
  h = await launchFirefox();
  categories = new Map((await h.bg('taxonomy')).map((c) => [c.id, c]));
  // Every test needs the host permission: granted here, the user's way.
  grant.before = await h.control.evaluate(() => browser.permissions.contains({ origins: ['<all_urls>'] }));
  grant.state = await h.grantAllUrlsViaOptions();
  await h.bg('syncAutoAnnotate');
  grant.registered = await h.control.evaluate(async () => (await browser.scripting.getRegisteredContentScripts()).map((s) => s.id));
  grant.settings = await h.bg('settings');
  // Auto-annotation off again (through the background, which keeps the
  // permission), so that pages stay untouched until a test annotates them.
  await h.bg('setSettings', [{ autoAnnotate: false }]);
  await h.bg('syncAutoAnnotate');
});

afterEach(async () => {
  await h?.closePages();
});

after(async () => {
  await h?.close();
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens a page, annotates it through the background, checks highlights, panel, DOM, requests. */
async function annotateAndCheck(path, { label = path } = {}) {
  const page = await h.open(server.url(path));
  const before = await page.evaluate(domSnapshot);
  const served = server.served.length;
  const tabId = await h.tabId(page);
  const summary = await h.annotate(tabId);
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label });
  checkPanelListsEveryFinding(assert, summary, await page.evaluate(readUi), { label });
  assert.equal(await page.evaluate(domSnapshot), before, `the page DOM apart from <clausemark-root> is unchanged (${label})`);
  assert.deepEqual(server.served.slice(served), [], `the page server got no request during the annotation (${label})`);
  return { page, tabId, summary, before };
}

test('Firefox: switching auto-annotate on in the options page grants <all_urls> and registers the auto script', { skip: SKIP }, async () => {
  assert.equal(grant.before, false, 'no host permission at install');
  assert.equal(grant.state.granted, true);
  assert.match(grant.state.state, /^On/);
  assert.deepEqual(grant.registered, ['clausemark-auto']);
  assert.equal(grant.settings.autoAnnotate, true);
  // Switched off through the background: the registration goes, the permission stays.
  assert.deepEqual(await h.control.evaluate(async () => (await browser.scripting.getRegisteredContentScripts()).length), 0);
  assert.equal(await h.control.evaluate(() => browser.permissions.contains({ origins: ['<all_urls>'] })), true);
});

test('Firefox: auto-annotate marks a policy page on load, and leaves a recipe alone', { skip: SKIP }, async () => {
  await h.bg('setSettings', [{ autoAnnotate: true }]);
  await h.bg('syncAutoAnnotate');
  const page = await h.open(server.url('/pages/strict-csp.html'));
  await page.waitForFunction(() => [...CSS.highlights.keys()].some((n) => n.startsWith('clausemark-')), { timeout: 20_000, polling: 100 });
  const ui = await page.evaluate(readUi);
  assert.equal(ui.hosts, 1);
  assert.equal(ui.panelOpen, false, 'auto-annotation leaves the panel closed');
  // The annotation it made is what annotate() reports.
  const summary = await h.annotate(await h.tabId(page));
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label: 'auto' });
  await page.close();

  const recipe = await h.open(server.url('/pages/not-policy.html'));
  await sleep(1500);
  assert.equal(await recipe.evaluate(() => document.querySelectorAll('clausemark-root').length), 0, 'no UI on a recipe');
  await recipe.close();

  await h.bg('setSettings', [{ autoAnnotate: false }]);
  await h.bg('syncAutoAnnotate');
});

test('Firefox: the sample: highlights = findings, panel, DOM untouched; a marker opens the right card', { skip: SKIP }, async () => {
  const { page, summary } = await annotateAndCheck('/samples/lumio-policy.html', { label: 'sample' });
  assert.ok(summary.findings.length > 50);
  const f = summary.findings.find((x) => x.risk === 'bad' && categories.get(x.category)?.regulations.length);
  await page.evaluate((i) => {
    const m = document.querySelector('clausemark-root').shadowRoot.querySelector(`.marker[data-index="${i}"]`);
    m.scrollIntoView({ block: 'center' });
  }, f.index);
  // A real click (BiDi input), at the marker's centre.
  const box = await page.evaluate((i) => {
    const r = document.querySelector('clausemark-root').shadowRoot.querySelector(`.marker[data-index="${i}"]`).getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, f.index);
  await page.mouse.click(box.x, box.y);
  await page.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('[role="dialog"]'), { timeout: 5_000 });
  const ui = await page.evaluate(readUi);
  assert.equal(ui.card.index, f.index);
  checkCard(assert, ui.card, f, categories.get(f.category));
  assert.equal(ui.card.focusInside, true, 'focus moved into the card');
  await page.keyboard.press('Escape');
  const active = await page.evaluate(() => document.querySelector('clausemark-root').shadowRoot.activeElement?.dataset.index ?? null);
  assert.equal(active, String(f.index), 'Esc returns focus to the marker');
  await page.close();
});

test('Firefox: strict CSP, right-to-left, emoji and markup-as-text pages', { skip: SKIP }, async () => {
  const csp = await annotateAndCheck('/pages/strict-csp.html', { label: 'strict CSP' });
  const styled = await csp.page.evaluate(() => {
    const sr = document.querySelector('clausemark-root').shadowRoot;
    return { position: getComputedStyle(sr.querySelector('.panel')).position, sheets: sr.adoptedStyleSheets.length };
  });
  assert.notEqual(styled.position, 'static', `the UI is styled under the page CSP: ${JSON.stringify(styled)}`);
  await csp.page.close();

  const rtl = await annotateAndCheck('/pages/rtl.html', { label: 'RTL' });
  assert.ok(rtl.summary.findings.some((f) => squash(f.text) === 'Any dispute arising from these terms will be resolved by binding arbitration in תל אביב.'));
  await rtl.page.close();

  const emoji = await annotateAndCheck('/pages/emoji.html', { label: 'emoji' });
  assert.ok(emoji.summary.findings.some((f) => f.text === 'Any dispute 🤝 will be resolved by binding arbitration 🇺🇸.'));
  await emoji.page.close();

  const markup = await annotateAndCheck('/pages/markup-text.html', { label: 'markup' });
  const ui = await markup.page.evaluate(readUi);
  assert.ok(ui.panelText.includes('<script>alert(1)</script>'), 'markup shown as text');
  assert.equal(ui.scriptsInShadow, 0);
  assert.equal(await markup.page.evaluate(() => window.__clausemarkPwned ?? null), null);
  await markup.page.close();
});

test('Firefox: hidden text, shadow root, iframe; a page change is re-anchored', { skip: SKIP }, async () => {
  const { page, summary } = await annotateAndCheck('/pages/structure.html', { label: 'structure' });
  assert.deepEqual(summary.findings.filter((f) => /zebra/i.test(f.text)).map((f) => f.text), []);
  assert.ok(summary.findings.some((f) => f.text === 'Any dispute arising from these terms\nwill be resolved by binding arbitration.'), '<br> is "\\n"');
  assert.ok(summary.findings.some((f) => f.text.endsWith('You agree to indemnify and hold us harmless from any claim.')), 'the iframe clause');
  assert.ok(summary.findings.some((f) => f.text.endsWith('We use cookies and similar tracking technologies to follow your activity across other websites.')), 'the shadow-root clause');
  await page.close();

  const spa = await h.open(server.url('/pages/spa.html'));
  await spa.waitForSelector('body[data-rendered="yes"]');
  await h.annotate(await h.tabId(spa));
  await spa.evaluate(() => window.spa.addSection());
  const sale = 'We may sell your personal information to data brokers.';
  const deadline = Date.now() + 8_000;
  let hl = [];
  while (Date.now() < deadline && !hl.some((x) => x.text === sale)) {
    await sleep(150);
    hl = await spa.evaluate(readHighlights);
  }
  assert.ok(hl.some((x) => x.name === 'clausemark-bad' && x.text === sale), `the added clause is highlighted: ${JSON.stringify(hl.map((x) => x.text))}`);
  await spa.close();
});

test('Firefox: corpus pages: highlights = findings, DOM untouched', { skip: SKIP }, async () => {
  const { root } = corpusRoot();
  for (const path of [...spread(tosdrNames(root), 1).map((n) => `/tosdr/${n}.html`), ...spread(policyNames(root), 1).map((n) => `/policies/${n}.html`)]) {
    const { page, summary } = await annotateAndCheck(path);
    assert.ok(summary.findings.length > 0, path);
    await page.close();
  }
});

test('Firefox: nothing leaves the browser', { skip: SKIP }, () => {
  assert.deepEqual(notBrowserServices(h.proxy.seen), []);
});
