// Change tracking and the auto-annotate CSS in headless Firefox ESR
// (puppeteer-core): the `<all_urls>` permission is granted through the real
// options page, as in annotate.firefox.test.mjs. Checks that
// - auto-annotation registers the content scripts only, and the highlight
//   CSS reaches a page only once auto.js decides to annotate it (a recipe
//   page gets no `::highlight` rule, a policy page does);
// - "Changed since" works in Firefox too, on the vendored pair.
//
// Skipped, with a message, when Firefox ESR is not installed.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchFirefox, FIREFOX_SKIP } from './lib/firefox.mjs';
import { startPageServer, ROOT } from './lib/server.mjs';
import { markdownPage } from './lib/markdown.mjs';

const SKIP = FIREFOX_SKIP;
if (SKIP) console.log(`# SKIP Firefox change-tracking e2e: ${SKIP}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @type {Awaited<ReturnType<typeof launchFirefox>>} */
let h;
/** @type {Awaited<ReturnType<typeof startPageServer>>} */
let server;

before(async () => {
  if (SKIP) return;
  server = await startPageServer();
  h = await launchFirefox();
  await h.grantAllUrlsViaOptions(); // leaves auto-annotate on
  await h.bg('syncAutoAnnotate');
});
afterEach(async () => {
  await h?.closePages();
});
after(async () => {
  await h?.close();
  await server?.close();
});

/** In the page: whether a `::highlight(clausemark-bad)` rule applies (i.e. our CSS is in the document). */
function highlightStyled() {
  return getComputedStyle(document.body, '::highlight(clausemark-bad)').backgroundColor !== 'rgba(0, 0, 0, 0)';
}

test('Firefox: auto-annotate registers scripts only; the highlight CSS is inserted only into pages it annotates', { skip: SKIP }, async () => {
  const registered = await h.control.evaluate(async () => (await browser.scripting.getRegisteredContentScripts())
    .map((s) => ({ id: s.id, css: s.css ?? [], js: s.js.length })));
  assert.deepEqual(registered.map((s) => [s.id, s.css]), [['clausemark-auto', []]], 'no CSS registered for every page');
  const recipe = await h.open(server.url('/pages/not-policy.html'));
  await sleep(2000); // auto.js runs at idle and decides
  assert.equal(await recipe.evaluate(() => document.querySelectorAll('clausemark-root').length), 0, 'the recipe is left alone');
  assert.equal(await recipe.evaluate(highlightStyled), false, 'and gets no ::highlight rule (no style recalculation to pay)');
  const policy = await h.open(server.url('/pages/strict-csp.html'));
  await policy.waitForFunction(() => [...CSS.highlights.keys()].some((n) => n.startsWith('clausemark-')), { timeout: 20_000, polling: 100 });
  await policy.waitForFunction(highlightStyled, { timeout: 5_000, polling: 100 });
  assert.equal(await policy.evaluate(highlightStyled), true, 'a page auto.js annotates gets the CSS (insert-css)');
});

test('Firefox: "Changed since" on the vendored pair; no history key while the setting is off', { skip: SKIP }, async () => {
  await h.bg('setSettings', [{ autoAnnotate: false }]); // the permission stays; annotate() is called below
  let body = markdownPage(readFileSync(join(ROOT, 'tests/fixtures/diff/before.md'), 'utf8'));
  const versions = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise((resolve) => versions.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${versions.address().port}/legal/privacy`;
  const keys = () => h.control.evaluate(async () => Object.keys(await browser.storage.local.get(null)).filter((k) => k.startsWith('history')));
  try {
    const page = await h.open(url);
    const off = await h.annotate(await h.tabId(page));
    assert.equal(off.changes, null);
    assert.deepEqual(await keys(), [], 'nothing stored while off');
    await h.bg('setSettings', [{ rememberPolicies: true }]);
    await page.reload({ waitUntil: 'load' });
    assert.equal((await h.annotate(await h.tabId(page))).changes.status, 'first');
    body = markdownPage(readFileSync(join(ROOT, 'tests/fixtures/diff/after.md'), 'utf8'));
    await page.reload({ waitUntil: 'load' });
    const summary = await h.annotate(await h.tabId(page));
    assert.equal(summary.changes.status, 'changed');
    assert.deepEqual(summary.changes.items[0].categories, ['ai_training']);
    const ui = await page.evaluate(() => {
      const sr = document.querySelector('clausemark-root').shadowRoot;
      return {
        head: sr.querySelector('[part="banner"] .change-head')?.textContent ?? null,
        changed: [...(CSS.highlights.get('clausemark-changed') ?? [])].length,
      };
    });
    assert.match(ui.head, /^Changed since /);
    assert.equal(ui.changed, summary.changes.items.filter((x) => x.change !== 'removed').length);
  } finally {
    await h.bg('setSettings', [{ rememberPolicies: false }]);
    await h.bg('forgetHistory');
    await new Promise((resolve) => { versions.closeAllConnections?.(); versions.close(() => resolve()); });
  }
});
