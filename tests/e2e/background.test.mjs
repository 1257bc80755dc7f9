// The built extension in headless Chromium: the background service worker
// loads the wasm from the package, analyses text blocks, turns bad input
// into errors (and keeps working), answers protocol messages, and makes no
// request outside the extension.
//
// Needs `make extension` (dist/extension) and Debian's chromium
// (CHROMIUM_PATH overrides /usr/bin/chromium).
//
// The extension is loaded through CDP (`Extensions.loadUnpacked`) after the
// request listener is attached, not with --load-extension at launch, so the
// worker's very first requests (its imports, the wasm) are observed too.
// The browser's proxy is a local recorder: anything that tries to leave the
// browser, from any context, shows up there.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_QUIET_ARGS, DIST, BLOCKS, BAD_INPUTS, requireDist, checkAnalysis, isLocal, startRecordingProxy, notBrowserServices, addProtocol,
} from './fixtures.mjs';

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @type {import('playwright-core').BrowserContext} */
let context;
/** @type {import('playwright-core').Worker} */
let worker;
/** `chrome-extension://<id>/` */
let extBase = '';
let userDataDir = '';
/** @type {Awaited<ReturnType<typeof startRecordingProxy>>} */
let proxy;
/** Every request the browser context saw (pages and service worker). */
const requests = [];

before(async () => {
  requireDist();
  proxy = await startRecordingProxy();
  userDataDir = await mkdtemp(join(tmpdir(), 'clausemark-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: EXECUTABLE,
    headless: true,
    // Playwright passes --disable-extensions by default.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--enable-unsafe-extension-debugging', // allows Extensions.loadUnpacked
      `--proxy-server=http://127.0.0.1:${proxy.port}`,
      ...CHROMIUM_QUIET_ARGS,
    ],
  });
  context.on('request', (r) => requests.push(r.url()));
  const started = context.waitForEvent('serviceworker', { timeout: 30_000 });
  const cdp = await context.browser().newBrowserCDPSession();
  const { id } = await cdp.send('Extensions.loadUnpacked', { path: DIST });
  worker = await started;
  extBase = `chrome-extension://${id}/`;
  await worker.evaluate(() => self.clausemark.ready);
});

after(async () => {
  await context?.close();
  await proxy?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

test('the service worker is the extension background.js', () => {
  assert.match(worker.url(), /^chrome-extension:\/\/[a-p]{32}\/background\.js$/);
});

test('analyze() finds the arbitration clause, and says where its time went', async () => {
  const a = await worker.evaluate((blocks) => self.clausemark.analyze(blocks), BLOCKS);
  checkAnalysis(assert, a);
  const t = await worker.evaluate(() => self.clausemark.lastAnalyzeTimings());
  assert.deepEqual(Object.keys(t).sort(), ['coreMs', 'inputMs', 'outputMs']);
  assert.ok(Object.values(t).every((ms) => Number.isFinite(ms) && ms >= 0), JSON.stringify(t));
});

test('taxonomy() lists categories with regulations and jurisdictions', async () => {
  const cats = await worker.evaluate(() => self.clausemark.taxonomy());
  const arb = cats.find((c) => c.id === 'arbitration');
  assert.ok(arb, 'arbitration category present');
  for (const key of ['title', 'summary', 'explanation']) assert.ok(arb[key].length > 0, `arbitration.${key}`);
  assert.ok(Array.isArray(arb.actions));
  assert.ok(arb.regulations.length > 0 && arb.regulations.every((r) => r.law && Array.isArray(r.jurisdictions)));
  assert.equal(new Set(cats.map((c) => c.id)).size, cats.length, 'ids are unique');
});

for (const [what, input, message] of BAD_INPUTS) {
  test(`bad input (${what}) rejects with a clear Error, and the worker keeps working`, async () => {
    const got = await worker.evaluate(async (input) => {
      try {
        await self.clausemark.analyze(input);
        return { ok: true };
      } catch (e) {
        return { ok: false, isError: e instanceof Error, name: e?.name, message: String(e?.message ?? e) };
      }
    }, input);
    assert.equal(got.ok, false, 'analyze must reject');
    assert.equal(got.isError, true, 'with an Error object');
    assert.notEqual(got.name, 'RuntimeError', `a clear error, not a wasm trap: ${got.message}`);
    assert.match(got.message, message);
    checkAnalysis(assert, await worker.evaluate((blocks) => self.clausemark.analyze(blocks), BLOCKS));
  });
}

test('analyze(blocks, kinds): one kind letter per block; bad kinds reject with a clear Error', async () => {
  const got = await worker.evaluate(async (blocks) => {
    const tryAnalyze = async (kinds) => {
      try {
        return { ok: true, analysis: await self.clausemark.analyze(blocks, kinds) };
      } catch (e) {
        return { ok: false, name: e?.name, message: String(e?.message ?? e) };
      }
    };
    return {
      given: await tryAnalyze('p'.repeat(blocks.length)),
      absent: await tryAnalyze(undefined),
      badLetter: await tryAnalyze(`${'p'.repeat(blocks.length - 1)}x`),
      short: await tryAnalyze('p'),
      notString: await tryAnalyze(42),
    };
  }, BLOCKS);
  checkAnalysis(assert, got.given.analysis);
  checkAnalysis(assert, got.absent.analysis);
  for (const [what, r, message] of [
    ['a bad letter', got.badLetter, new RegExp(`block ${BLOCKS.length - 1}: not a kind letter`)],
    ['too few', got.short, new RegExp(`1 block kinds for ${BLOCKS.length} blocks`)],
    ['a number', got.notString, /kinds: must be a string/],
  ]) {
    assert.equal(r.ok, false, `${what}: analyze must reject`);
    assert.notEqual(r.name, 'RuntimeError', `${what}: a clear error, not a wasm trap: ${r.message}`);
    assert.match(r.message, message, what);
  }
});

test('diff(oldBlocks, newBlocks, oldKinds, newKinds): a reworded heading is a change without kinds, not with them; bad kinds reject with a clear Error', async () => {
  const got = await worker.evaluate(async () => {
    const old = ['Privacy policy', 'How we use your data', 'We collect your email address when you sign up.'];
    const now = ['Privacy policy', 'How we use the information we collect', 'We collect your email address when you sign up.'];
    const tryDiff = async (...kinds) => {
      try {
        const d = await self.clausemark.diff(old, now, ...kinds);
        return { ok: true, changed: d.changed, modified: d.modified.map((m) => m.newText), headings: d.counts.headingsNew };
      } catch (e) {
        return { ok: false, name: e?.name, message: String(e?.message ?? e) };
      }
    };
    return {
      without: await tryDiff(), nulls: await tryDiff(null, null), kinds: await tryDiff('hhp', 'hhp'),
      badOld: await tryDiff('hxp', 'hhp'), shortNew: await tryDiff('hhp', 'h'), notString: await tryDiff('hhp', ['h', 'h', 'p']),
    };
  });
  assert.deepEqual(got.without, { ok: true, changed: true, modified: ['How we use the information we collect'], headings: 0 });
  assert.deepEqual(got.nulls, got.without, 'null kinds are no kinds');
  assert.deepEqual(got.kinds, { ok: true, changed: false, modified: [], headings: 2 });
  for (const [what, r, message] of [
    ['a bad old letter', got.badOld, /oldKinds: block 1: not a kind letter/],
    ['too few new', got.shortNew, /newKinds: 1 block kinds for 3 blocks/],
    ['an array', got.notString, /newKinds: must be a string/],
  ]) {
    assert.equal(r.ok, false, `${what}: diff must reject`);
    assert.notEqual(r.name, 'RuntimeError', `${what}: a clear error, not a wasm trap: ${r.message}`);
    assert.match(r.message, message, what);
  }
});

test('protocol messages from an extension page: analyze, taxonomy, errors', async () => {
  const page = await context.newPage();
  try {
    // Any document of the extension's origin gets `chrome.runtime`; the
    // content-side helpers come from the shipped protocol.js and its parts.
    await page.goto(`${extBase}icons/icon-16.png`);
    await addProtocol(page, extBase);
    const r = await page.evaluate(async (blocks) => {
      const P = globalThis.ClausemarkProtocol;
      const analysis = await P.requestAnalysis(blocks);
      const taxonomy = await P.requestTaxonomy();
      const raw = await chrome.runtime.sendMessage({ type: 'analyze', blocks });
      const badType = await chrome.runtime.sendMessage({ type: 'delete-everything' });
      const badBlocks = await chrome.runtime.sendMessage({ type: 'analyze', blocks: 'text' });
      const badBlock = await chrome.runtime.sendMessage({ type: 'analyze', blocks: ['a', {}] });
      const kinded = await chrome.runtime.sendMessage({ type: 'analyze', blocks, kinds: 'l'.repeat(blocks.length) });
      const badKinds = await chrome.runtime.sendMessage({ type: 'analyze', blocks, kinds: 'z'.repeat(blocks.length) });
      const shortKinds = await chrome.runtime.sendMessage({ type: 'analyze-part', id: 'a-1', blocks, kinds: 'p' });
      const historyPage = { url: 'https://example.com/terms', title: 'Terms', kind: 'terms' };
      const badHistoryKinds = await chrome.runtime.sendMessage({ type: 'history', page: historyPage, blocks, findings: [], kinds: 'p' });
      let thrown = null;
      try {
        await P.requestAnalysis([1]);
      } catch (e) {
        thrown = e.message;
      }
      const rawFinding = raw.analysis.findings[0];
      return {
        analysis, taxonomyLength: taxonomy.length, rawKeys: Object.keys(raw), rawFindingKeys: Object.keys(rawFinding),
        rawSummary: raw.analysis.summaries[rawFinding.summaryId], badType, badBlocks, badBlock, thrown,
        kindedFindings: kinded.analysis?.findings.length, badKinds, shortKinds, badHistoryKinds,
      };
    }, BLOCKS);
    checkAnalysis(assert, r.analysis);
    assert.ok(r.taxonomyLength > 0);
    assert.deepEqual(r.rawKeys.sort(), ['analysis', 'wasmMs']);
    // The reply says where and what, not the text the page sent (src/wasm/analysis.rs);
    // requestAnalysis hydrated it (checkAnalysis above compares the text with the block).
    assert.deepEqual(r.rawFindingKeys.sort(), ['block', 'blockEndUtf16', 'blockStartUtf16', 'category', 'confidence', 'risk', 'summaryId']);
    assert.ok(r.rawSummary?.length > 0 && r.analysis.findings[0].summary === r.rawSummary, 'summaryId points at the headline');
    assert.match(r.badType.error, /unknown message type "delete-everything"/);
    assert.match(r.badBlocks.error, /array of strings, got "text"/);
    assert.match(r.badBlock.error, /block 1: invalid type/);
    assert.match(r.thrown, /block 0: invalid type/);
    assert.ok(r.kindedFindings > 0, 'an analysis with kinds');
    assert.match(r.badKinds.error, /"analyze" takes "kinds", a string of one letter per block/);
    assert.match(r.shortKinds.error, new RegExp(`"analyze-part" has 1 "kinds" for ${BLOCKS.length} blocks`));
    assert.match(r.badHistoryKinds.error, new RegExp(`"history" has 1 "kinds" for ${BLOCKS.length} blocks`));
  } finally {
    await page.close();
  }
});

test('no request leaves the extension', async () => {
  assert.ok(
    requests.some((u) => u === `${extBase}wasm/clausemark_bg.wasm`),
    `the wasm fetch is observed, so requests are seen: ${JSON.stringify(requests)}`,
  );
  assert.deepEqual(requests.filter((u) => !isLocal(u, extBase)), [], 'requests outside the extension package');
  assert.deepEqual(notBrowserServices(proxy.seen), [], 'requests that tried to leave the browser');
});

test('the recording proxy does see a request that leaves the browser', async () => {
  // Guards the test above against a proxy the browser silently bypasses.
  proxy.seen.length = 0;
  const page = await context.newPage();
  try {
    await page.goto('http://clausemark-probe.invalid/').catch(() => {});
    assert.deepEqual(notBrowserServices(proxy.seen), ['GET http://clausemark-probe.invalid/']);
  } finally {
    await page.close();
  }
});
