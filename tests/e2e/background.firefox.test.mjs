// The built extension in headless Firefox ESR (puppeteer-core over WebDriver
// BiDi): the module background script loads the wasm and answers protocol
// messages; bad input gives an error; nothing leaves the browser.
//
// Firefox exposes no handle on an extension's background page, so the test
// talks to it as the extension's own pages will: from a document of the
// extension's origin (a fixed moz-extension UUID set by preference), through
// `browser.runtime.sendMessage`. BiDi refuses to navigate to moz-extension:
// URLs unless Firefox runs with --remote-allow-system-access.
//
// Skipped, with a message, when Firefox ESR is not installed
// (FIREFOX_PATH overrides /usr/bin/firefox-esr).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';

import { DIST, BLOCKS, BAD_INPUTS, requireDist, checkAnalysis, startRecordingProxy, notBrowserServices, addProtocol } from './fixtures.mjs';
import { FIREFOX as EXECUTABLE, FIREFOX_SKIP as SKIP, BASE, baseFirefoxPrefs } from './lib/firefox.mjs';

if (SKIP) console.log(`# SKIP Firefox e2e: ${SKIP}`);

/** @type {import('puppeteer-core').Browser} */
let browser;
/** @type {import('puppeteer-core').Page} */
let page;
/** @type {Awaited<ReturnType<typeof startRecordingProxy>>} */
let proxy;

before(async () => {
  if (SKIP) return;
  const manifest = requireDist();
  proxy = await startRecordingProxy();
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: EXECUTABLE,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: baseFirefoxPrefs(manifest, proxy.port),
  });
  const id = await browser.installExtension(DIST);
  assert.equal(id, manifest.browser_specific_settings.gecko.id);
  page = await browser.newPage();
  // The navigation commits, but BiDi never reports its load across the
  // process switch to the extension process: poll for the document instead.
  await page.goto(`${BASE}icons/icon-16.png`, { timeout: 3_000 }).catch(() => {});
  const deadline = Date.now() + 20_000;
  while ((await page.evaluate(() => location.href).catch(() => '')) !== `${BASE}icons/icon-16.png`) {
    if (Date.now() > deadline) throw new Error('the extension document never loaded');
    await new Promise((r) => setTimeout(r, 200));
  }
  await addProtocol(page, BASE);
});

after(async () => {
  await browser?.close();
  await proxy?.close();
});

/** Sends one raw message from the extension page; resolves to the reply. */
const send = (msg) => page.evaluate((m) => browser.runtime.sendMessage(m), msg);

/**
 * The analysis of an "analyze" reply as the page's helpers see it: the reply
 * locates clauses without repeating their text, `hydrate` adds it back.
 */
const hydrated = (reply, blocks) => page.evaluate(([a, b]) => globalThis.ClausemarkProtocol.hydrate(a, b), [reply.analysis, blocks]);

test('Firefox: analyze message finds the arbitration clause', { skip: SKIP }, async () => {
  const reply = await send({ type: 'analyze', blocks: BLOCKS });
  assert.deepEqual(Object.keys(reply).sort(), ['analysis', 'wasmMs'], reply.error);
  assert.equal(reply.analysis.findings[0].text, undefined, 'the reply does not repeat the page\'s text');
  checkAnalysis(assert, await hydrated(reply, BLOCKS));
});

test('Firefox: content-side helpers of protocol.js', { skip: SKIP }, async () => {
  const r = await page.evaluate(async (blocks) => {
    const P = globalThis.ClausemarkProtocol;
    return { analysis: await P.requestAnalysis(blocks), taxonomy: await P.requestTaxonomy() };
  }, BLOCKS);
  checkAnalysis(assert, r.analysis);
  assert.ok(r.taxonomy.some((c) => c.id === 'arbitration' && c.regulations.length > 0));
});

for (const [what, input, message] of BAD_INPUTS) {
  test(`Firefox: bad input (${what}) gives an error reply, and the background keeps working`, { skip: SKIP }, async () => {
    const reply = await send({ type: 'analyze', blocks: input });
    assert.equal(typeof reply.error, 'string', JSON.stringify(reply));
    // The envelope check (protocol.js) catches non-arrays, the wasm the elements.
    assert.match(reply.error, Array.isArray(input) ? message : /array of strings/);
    checkAnalysis(assert, await hydrated(await send({ type: 'analyze', blocks: BLOCKS }), BLOCKS));
  });
}

test('Firefox: nothing leaves the browser', { skip: SKIP }, () => {
  assert.deepEqual(notBrowserServices(proxy.seen), []);
});
