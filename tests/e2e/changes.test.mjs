// Change tracking and context (issue 5) in headless Chromium: with the
// opt-in setting "Remember policies I annotate" on, a page is annotated,
// then a new version is served at the same URL and annotated again — the
// summary panel's banner says "Changed since <date>" and lists the changes
// (the vendored Brightline pair always; the Zoom, Discord and Reddit pairs
// of ../shared/corpus when present); a markup-only re-publication reports
// no wording change; with the setting off nothing is stored. Also: the
// storage rules (canonical URL, quota, eviction) against a fake storage,
// prevalence on cards, the regulations the panel lists, and the W3C Web
// Annotation export.
//
// Needs `make extension` and Debian's chromium (CHROMIUM_PATH overrides).

import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium } from './lib/chromium.mjs';
import { markdownPage } from './lib/markdown.mjs';
import { ROOT, SHARED_CORPUS } from './lib/server.mjs';
import { squash } from './lib/inpage.mjs';

const FIXTURES = join(ROOT, 'tests/fixtures/diff');
const PAIRS = join(SHARED_CORPUS, 'policies/pairs');
const SKIP_PAIRS = existsSync(PAIRS) ? false
  : `${PAIRS} is absent (a fresh clone): the corpus pairs are skipped; the vendored pair in tests/fixtures/diff still runs`;
if (SKIP_PAIRS) console.log(`# SKIP ${SKIP_PAIRS}`);

/** The page of a fixture file: Markdown rendered, HTML as is. @param {string} file */
const pageOf = (file) => (file.endsWith('.html') ? readFileSync(file, 'utf8') : markdownPage(readFileSync(file, 'utf8')));

/** The before/after files of a corpus pair, by its name's prefix. @param {string} name */
function pair(name) {
  const files = readdirSync(PAIRS).filter((f) => f.startsWith(`${name}__`));
  const pick = (side) => join(PAIRS, files.find((f) => f.includes(`__${side}__`)));
  return { before: pick('before'), after: pick('after') };
}

// ---------------------------------------------------------------------------
// background/history.js against a fake storage.local (no browser)

describe('history storage rules (background/history.js, fake storage)', () => {
  /** @type {Map<string, any>} */
  const store = new Map();
  let history;
  before(async () => {
    const clone = (v) => (v === undefined ? undefined : structuredClone(v));
    globalThis.chrome = {
      storage: {
        local: {
          async get(keys) {
            if (keys === null) return Object.fromEntries([...store].map(([k, v]) => [k, clone(v)]));
            const out = {};
            for (const k of [keys].flat()) if (store.has(k)) out[k] = clone(store.get(k));
            return out;
          },
          async set(items) { for (const [k, v] of Object.entries(items)) store.set(k, clone(v)); },
          async remove(keys) { for (const k of [keys].flat()) store.delete(k); },
        },
      },
    };
    history = await import('../../extension/background/history.js');
  });
  const page = (url, kind = 'privacy_policy') => ({ url, title: `Policy at ${url}`, kind });
  const noDiff = async () => { throw new Error('diff must not run here'); };

  test('canonical URL: no fragment, no utm_* or click ids, parameters sorted, other schemes refused', () => {
    const c = history.canonicalUrl;
    assert.equal(c('https://Example.COM:443/legal/privacy?utm_source=mail&utm_medium=x&fbclid=1#section-3'), 'https://example.com/legal/privacy');
    assert.equal(c('https://example.com/terms?lang=de&gclid=9&b=2'), 'https://example.com/terms?b=2&lang=de');
    assert.notEqual(c('https://example.com/terms?lang=de'), c('https://example.com/terms?lang=fr'), 'a real parameter is another document');
    assert.equal(c('chrome://settings'), null);
    assert.equal(c('not a url'), null);
  });

  test('the fingerprint ignores white space, not wording', async () => {
    const f = history.fingerprint;
    assert.equal(await f(['We  sell\n your data.', '']), await f(['We sell your data.']));
    assert.notEqual(await f(['We sell your data.']), await f(['We do not sell your data.']));
  });

  test('first, unchanged, changed (the diff gets old and new blocks), off, not a policy', async () => {
    const url = 'https://example.com/privacy';
    const v1 = ['Privacy policy', 'We collect your email.'];
    const v2 = ['Privacy policy', 'We collect your email and your location.'];
    let r = await history.record({ page: page(url), blocks: v1, findings: [] }, true, noDiff);
    assert.equal(r.status, 'first');
    r = await history.record({ page: page(`${url}#x`), blocks: v1, findings: [] }, true, noDiff);
    assert.equal(r.status, 'unchanged');
    assert.ok(r.firstSeen && r.lastSeen);
    let seen = null;
    r = await history.record({ page: page(`${url}?utm_campaign=z`), blocks: v2, findings: [{ block: 1, start: 0, end: 5, category: 'location', risk: 'caution' }] }, true,
      async (a, b) => { seen = [a, b]; return { changed: true, added: [], removed: [], modified: [] }; });
    assert.equal(r.status, 'changed');
    assert.deepEqual(seen, [v1, v2], 'diff(old, new) with the blocks as stored');
    const doc = store.get(`history:${url}`);
    assert.deepEqual(doc.blocks, v2, 'the new version is stored');
    assert.deepEqual(doc.findings, [{ block: 1, start: 0, end: 5, category: 'location', risk: 'caution' }]);
    assert.equal((await history.record({ page: page(url), blocks: v1, findings: [] }, false, noDiff)).status, 'off');
    assert.equal((await history.record({ page: page('https://example.com/recipe', 'other'), blocks: v1, findings: [] }, true, noDiff)).status, 'not-remembered');
    assert.deepEqual(store.get(`history:${url}`).blocks, v2, 'nothing written while off');
    assert.deepEqual((await history.list()).entries.map((e) => e.url), [url]);
  });

  test('block kinds: stored with the blocks (v2); a v1 document is diffed without kinds on both sides, a v2 one with them', async () => {
    await history.forget();
    const url = 'https://example.com/kinds';
    const key = `history:${url}`;
    const a = ['Privacy policy', 'How we use your data', 'We collect your email.'];
    const b = ['Privacy policy', 'How we use the data we collect', 'We collect your email.'];
    /** The arguments of each diff call. */
    const calls = [];
    const spy = async (...args) => { calls.push(args); return { changed: true, added: [], removed: [], modified: [] }; };
    const record = (blocks, kinds, diff = spy) => history.record({ page: page(url), blocks, ...(kinds === undefined ? {} : { kinds }), findings: [] }, true, diff);
    const entry = async () => (await history.list()).entries.find((e) => e.url === url);
    /** The version not stored now: recording it always diffs. */
    const other = () => (store.get(key).blocks[1] === a[1] ? b : a);

    // Sent without kinds (as every document was stored before v2): v1.
    await record(a, undefined, noDiff);
    assert.deepEqual(store.get(key), { v: 1, url, blocks: a, findings: [] });
    assert.equal((await entry()).blockKinds, false);
    // v1 stored, the page sends kinds: compared without kinds on both sides, stored with them.
    assert.equal((await record(b, 'hhp')).status, 'changed');
    assert.deepEqual(calls.pop(), [a, b], 'a v1 document: diff(old, new), no kinds on either side');
    assert.deepEqual(store.get(key), { v: 2, url, blocks: b, kinds: 'hhp', findings: [] });
    assert.equal((await entry()).blockKinds, true);
    // v2 stored: kinds on both sides.
    await record(a, 'hhp');
    assert.deepEqual(calls.pop(), [b, a, 'hhp', 'hhp'], 'a v2 document: diff(old, new, oldKinds, newKinds)');
    // Kinds that do not describe their blocks read as absent, on either side, and never throw.
    for (const bad of ['hh', 'hhx', 42, null]) {
      store.set(key, { ...store.get(key), kinds: bad });
      await record(other(), 'hhp');
      assert.equal(calls.pop().length, 2, `stored kinds ${JSON.stringify(bad)}: no kinds on either side`);
    }
    store.set(key, { ...store.get(key), v: 1 });
    await record(other(), 'hhp');
    assert.equal(calls.pop().length, 2, 'kinds in a document that says v1 are not read');
    for (const bad of ['hh', 'hhpp', 'HHP', 7]) {
      await record(other(), bad);
      assert.equal(calls.pop().length, 2, `sent kinds ${JSON.stringify(bad)}: no kinds on either side`);
      assert.equal(store.get(key).v, 1, `sent kinds ${JSON.stringify(bad)}: stored without them`);
    }
    // An unchanged revisit of a v1 document stores it again, with kinds, and keeps its dates.
    const { firstSeen } = await entry();
    assert.equal((await record(store.get(key).blocks, 'hhp', noDiff)).status, 'unchanged');
    assert.equal(store.get(key).kinds, 'hhp');
    assert.equal(store.get(key).v, 2);
    assert.equal((await entry()).firstSeen, firstSeen);
    assert.equal((await entry()).blockKinds, true);
    // Markup only (the same wording, other kinds): unchanged, not diffed; the stored kinds stay.
    assert.equal((await record(store.get(key).blocks, 'ppp', noDiff)).status, 'unchanged');
    assert.equal(store.get(key).kinds, 'hhp');
    assert.equal(calls.length, 0);
  });

  test('bounded: a document over the per-document limit is not kept; beyond the quota the least recently annotated go first', async () => {
    await history.forget();
    assert.deepEqual([...store.keys()].filter((k) => k.startsWith('history')), [], 'forget() removes every history key');
    const big = (n) => [`Terms ${n}`, 'x'.repeat(Math.floor(history.MAX_DOCUMENT_BYTES * 0.9))];
    const huge = await history.record({ page: page('https://example.com/huge', 'terms'), blocks: ['y'.repeat(history.MAX_DOCUMENT_BYTES + 10)], findings: [] }, true, noDiff);
    assert.equal(huge.status, 'not-remembered');
    assert.match(huge.reason, /too large/);
    for (const n of [1, 2, 3]) {
      await history.record({ page: page(`https://example.com/${n}`, 'terms'), blocks: big(n), findings: [] }, true, noDiff);
      await new Promise((r) => setTimeout(r, 5)); // distinct lastSeen
    }
    const { entries, totalBytes, quotaBytes } = await history.list();
    assert.deepEqual(entries.map((e) => e.url), ['https://example.com/3', 'https://example.com/2'], 'the oldest (1) was evicted');
    assert.ok(totalBytes <= quotaBytes, `${totalBytes} ≤ ${quotaBytes}`);
    assert.equal(store.has('history:https://example.com/1'), false, 'and its blocks with it');
    assert.equal((await history.forget('https://example.com/2#frag')).forgotten, 1, 'forget one, by any URL of the document');
    await history.syncHistory(false);
    assert.deepEqual([...store.keys()], [], 'switching the setting off forgets everything');
  });
});

// ---------------------------------------------------------------------------
// In Chromium

/**
 * A page server whose documents can be replaced: `set(path, html)` serves
 * a new version at the same URL, as a site re-publishing its policy does.
 */
async function startVersionServer() {
  /** @type {Map<string, string>} */
  const docs = new Map();
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const body = docs.get(pathname);
    res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (path) => origin + path,
    set: (path, html) => docs.set(path.split(/[?#]/)[0], html),
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/** In the page: the banner and what change tracking painted. */
function readChanges() {
  const sr = document.querySelector('clausemark-root')?.shadowRoot;
  const banner = sr?.querySelector('[part="banner"]');
  return {
    text: banner?.textContent ?? '',
    head: banner?.querySelector('.change-head')?.textContent ?? null,
    quiet: banner?.querySelector('.change-quiet')?.textContent ?? null,
    entries: banner ? [...banner.querySelectorAll('.change')].map((e) => ({
      kind: e.dataset.kind, n: Number(e.dataset.change), button: e.localName === 'button', text: e.textContent,
    })) : [],
    markers: sr ? [...sr.querySelectorAll('.marker.change-mark')].map((m) => ({ n: Number(m.dataset.change), label: m.getAttribute('aria-label'), icon: m.textContent })) : [],
    highlighted: [...(CSS.highlights.get('clausemark-changed') ?? [])].map((r) => r.toString().replace(/\s+/g, ' ').trim()),
  };
}

describe('change tracking in Chromium', () => {
  /** @type {Awaited<ReturnType<typeof launchChromium>>} */
  let h;
  /** @type {Awaited<ReturnType<typeof startVersionServer>>} */
  let server;
  let categories;
  let n = 0;

  before(async () => {
    server = await startVersionServer();
    h = await launchChromium();
    categories = new Map((await h.evalWorker(() => self.clausemark.taxonomy())).map((c) => [c.id, c]));
  });
  afterEach(async () => {
    await h?.closePages();
    await h?.setSettings({ rememberPolicies: false }).catch(() => {});
  });
  after(async () => {
    await h?.close();
    await server?.close();
  });

  /** Every `storage.local` key change tracking owns. */
  const historyKeys = () => h.evalWorker(async () => Object.keys(await chrome.storage.local.get(null)).filter((k) => k === 'history' || k.startsWith('history:')));

  /**
   * Serves `before` at a fresh URL, annotates it with history on, serves
   * `after` at the same URL (reached as `afterPath`, e.g. with a campaign
   * parameter), reloads and annotates again. `between(url)` runs after the
   * first annotation, with the document's canonical URL.
   */
  async function twoVersions(beforeFile, afterFile, { suffix = '', between = async (url) => {} } = {}) {
    await h.setSettings({ rememberPolicies: true });
    const path = `/site-${++n}/legal/policy`;
    server.set(path, pageOf(beforeFile));
    const page = await h.open(server.url(path));
    const first = (await h.clickAndAnnotate(page)).summary;
    await between(server.url(path));
    server.set(path, pageOf(afterFile));
    await page.goto(server.url(path + suffix), { waitUntil: 'load' });
    const second = await h.clickAndAnnotate(page);
    return { page, path, first, tabId: second.tabId, summary: second.summary, ui: await page.evaluate(readChanges) };
  }

  test('vendored pair: "Changed since", ranked changes with headlines, removed text, changed clauses highlighted and clickable', async () => {
    const { page, path, first, tabId, summary, ui } = await twoVersions(join(FIXTURES, 'before.md'), join(FIXTURES, 'after.md'),
      { suffix: '?utm_source=newsletter&fbclid=abc#disputes' });
    assert.equal(first.changes.status, 'first', 'the first visit is remembered');
    const c = summary.changes;
    assert.equal(c.status, 'changed', `same document despite utm/fbclid/#: ${JSON.stringify(c).slice(0, 300)}`);
    assert.deepEqual(c.counts, { added: 1, modified: 3, removed: 1 });
    assert.match(ui.head, /^Changed since /);
    // Most serious first: the AI-training clause, then arbitration + class-action waiver.
    assert.equal(c.items[0].change, 'added');
    assert.deepEqual(c.items[0].categories, ['ai_training']);
    assert.match(c.items[0].headline, /^New: .*train/);
    assert.ok(c.items[1].categories.includes('arbitration') && c.items[1].categories.includes('class_action_waiver'), JSON.stringify(c.items[1]));
    assert.deepEqual(c.items.map((x) => x.rank), [...c.items.keys()], 'ranked');
    // The banner lists each, in that order, with its headline; removed ones with their old text.
    assert.deepEqual(ui.entries.map((e) => e.n), [...c.items.keys()]);
    for (const [i, e] of ui.entries.entries()) {
      assert.ok(e.text.includes(c.items[i].headline), `entry ${i} shows its headline`);
      assert.equal(e.kind, c.items[i].change);
      assert.equal(e.button, c.items[i].change !== 'removed', 'on-page changes are buttons, removed ones are not');
    }
    const removed = ui.entries.find((e) => e.kind === 'removed');
    assert.ok(removed.text.includes('We do not sell your personal information to anyone.'), 'the removed clause with its old text');
    // On the page: each added/reworded clause in clausemark-changed, with a marker.
    const placed = c.items.filter((x) => x.change !== 'removed');
    assert.ok(placed.every((x) => x.located));
    assert.deepEqual([...ui.highlighted].sort(), placed.map((x) => squash(x.text)).sort(), 'clausemark-changed = the added and reworded clauses');
    assert.deepEqual(ui.markers.map((m) => m.n).sort(), placed.map((x) => c.items.indexOf(x)).sort(), 'one change marker each');
    assert.ok(ui.markers.every((m) => /^(New|Reworded) clause: /.test(m.label) && /[+Δ]/.test(m.icon)), 'markers say what changed in words');
    // Clicking an entry flashes its clause.
    await page.locator('clausemark-root [part="banner"] button.change[data-change="1"]').click();
    const flashed = await page.waitForFunction(() => {
      const hl = CSS.highlights.get('clausemark-focus');
      return hl?.size ? [...hl].map((r) => r.toString()).join('') : null;
    }, null, { timeout: 5_000 }).then((j) => j.jsonValue());
    assert.equal(squash(flashed), squash(c.items[1].text), 'the clicked change is flashed');
    // Remembered under its canonical URL, now the new version.
    const list = await h.evalWorker(() => self.clausemark.history());
    assert.deepEqual(list.entries.map((e) => e.url), [server.url(path)]);
    // Annotating again in the same page load keeps the answer; a later visit finds it unchanged.
    const again = await h.annotate(tabId, { toggle: false });
    assert.equal(again.changes.status, 'changed', 'the same page load keeps its comparison');
    await page.reload({ waitUntil: 'load' });
    const later = await h.clickAndAnnotate(page);
    assert.equal(later.summary.changes.status, 'unchanged');
    assert.match((await page.evaluate(readChanges)).quiet, /^Unchanged since /);
    assert.deepEqual((await page.evaluate(readChanges)).highlighted, []);
    await h.evalWorker(() => self.clausemark.forgetHistory());
  });

  test('markup, white space, numbering and order only: no wording change', async () => {
    const { summary, ui } = await twoVersions(join(FIXTURES, 'before.md'), join(FIXTURES, 'same.html'));
    assert.ok(['same-wording', 'unchanged'].includes(summary.changes.status), JSON.stringify(summary.changes));
    assert.equal(ui.head, null, 'no "Changed since"');
    assert.match(ui.quiet, /^(No wording change|Unchanged) since /);
    assert.deepEqual(ui.highlighted, []);
    await h.evalWorker(() => self.clausemark.forgetHistory());
  });

  test('block kinds: reworded sentence-case headings are no wording change (v2); a v1 document is still compared without kinds', async () => {
    const [before, after] = [join(FIXTURES, 'before.md'), join(FIXTURES, 'headings.md')];
    const stored = (url) => h.evalWorker(async (k) => (await chrome.storage.local.get(k))[k], `history:${url}`);
    // Both versions stored with kinds: the headings are read from the markup and not compared.
    const v2 = await twoVersions(before, after);
    assert.equal(v2.first.changes.status, 'first');
    assert.equal(v2.summary.changes.status, 'same-wording', JSON.stringify(v2.summary.changes).slice(0, 300));
    const doc = await stored(server.url(v2.path));
    assert.equal(doc.v, 2);
    assert.equal(doc.kinds.length, doc.blocks.length);
    assert.equal(doc.kinds[doc.blocks.indexOf('1. What information we collect')], 'h');
    // The first version stored as before kinds were (v1): compared as then, by the text alone,
    // where the sentence-case headings read as clauses.
    const toV1 = (url) => h.evalWorker(async (u) => {
      const key = `history:${u}`;
      const { [key]: d, history: index } = await chrome.storage.local.get([key, 'history']);
      delete index.entries[u].blockKinds;
      await chrome.storage.local.set({ [key]: { v: 1, url: d.url, blocks: d.blocks, findings: d.findings }, history: index });
    }, url);
    const v1 = await twoVersions(before, after, { between: toV1 });
    assert.equal(v1.summary.changes.status, 'changed', JSON.stringify(v1.summary.changes).slice(0, 300));
    const newHeadings = readFileSync(after, 'utf8').split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    const changed = v1.summary.changes.items.map((x) => squash(x.text));
    assert.ok(changed.length > 0 && changed.every((t) => newHeadings.includes(t)), `only headings changed: ${JSON.stringify(changed)}`);
    assert.match(v1.ui.head, /^Changed since /);
    assert.equal((await stored(server.url(v1.path))).v, 2, 'and the new version is stored with its kinds');
    await h.evalWorker(() => self.clausemark.forgetHistory());
  });

  test('Zoom 2023: the AI-training clause is listed as a change', { skip: SKIP_PAIRS }, async () => {
    const p = pair('zoom-tos-2023-ai');
    const { summary, ui } = await twoVersions(p.before, p.after);
    assert.equal(summary.changes.status, 'changed');
    const ai = summary.changes.items.find((x) => x.categories.includes('ai_training'));
    assert.ok(ai, `an ai_training change among ${JSON.stringify(summary.changes.items.map((x) => x.categories))}`);
    assert.equal(summary.changes.items.indexOf(ai), 0, 'listed first');
    assert.ok(ui.head.startsWith('Changed since') && ui.text.includes(ai.headline));
    assert.ok(ui.highlighted.includes(squash(ai.text)));
    await h.evalWorker(() => self.clausemark.forgetHistory());
  });

  test('Discord 2023: arbitration and the class-action waiver lead the changes', { skip: SKIP_PAIRS }, async () => {
    const p = pair('discord-tos-2023-arbitration');
    const { summary, ui } = await twoVersions(p.before, p.after);
    assert.equal(summary.changes.status, 'changed');
    const top = summary.changes.items.slice(0, 5).flatMap((x) => x.categories);
    assert.ok(top.includes('arbitration') && top.includes('class_action_waiver'), `top 5: ${JSON.stringify(top)}`);
    assert.ok(ui.head.startsWith('Changed since'));
    assert.ok(ui.entries.length < summary.changes.items.length, 'a long list is capped, with a button for the rest');
    await h.evalWorker(() => self.clausemark.forgetHistory());
  });

  test('Reddit 2024 (markup-only re-publication): no wording change', { skip: SKIP_PAIRS }, async () => {
    const p = pair('reddit-tos-2024');
    const { summary, ui } = await twoVersions(p.before, p.after);
    assert.ok(['same-wording', 'unchanged'].includes(summary.changes.status), JSON.stringify(summary.changes).slice(0, 300));
    assert.equal(ui.head, null);
    assert.deepEqual(ui.highlighted, []);
    await h.evalWorker(() => self.clausemark.forgetHistory());
  });

  test('setting off (the default): nothing is stored; switching it off forgets what was', async () => {
    assert.equal((await h.evalWorker(() => self.clausemark.settings())).rememberPolicies, false, 'off by default');
    const path = `/site-${++n}/privacy`;
    server.set(path, pageOf(join(FIXTURES, 'before.md')));
    const page = await h.open(server.url(path));
    const { summary } = await h.clickAndAnnotate(page);
    assert.equal(summary.changes, null);
    assert.equal((await page.evaluate(readChanges)).text, '', 'an empty banner');
    assert.deepEqual(await historyKeys(), [], 'chrome.storage.local holds no history key');
    // The background refuses too, whoever asks.
    const direct = await h.evalWorker((url) => self.clausemark.handleMessage({
      type: 'history', page: { url, title: 'x', kind: 'privacy_policy' }, blocks: ['We sell your data.'], findings: [],
    }), server.url(path));
    assert.deepEqual(direct, { history: { status: 'off' } });
    assert.deepEqual(await historyKeys(), [], 'still no history key');
    await h.setSettings({ rememberPolicies: true });
    await h.annotate(await h.tabId(page), { toggle: false });
    assert.deepEqual((await historyKeys()).sort(), ['history', `history:${server.url(path)}`]);
    await h.setSettings({ rememberPolicies: false });
    for (let i = 0; i < 50 && (await historyKeys()).length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await historyKeys(), [], 'switching off forgot it');
  });

  test('options page: the switch, the remembered documents (title, URL, date, size), Forget and Forget all', async () => {
    const paths = [`/site-${++n}/privacy`, `/site-${++n}/privacy`];
    await h.setSettings({ rememberPolicies: true });
    for (const path of paths) {
      server.set(path, pageOf(join(FIXTURES, 'before.md')));
      await h.clickAndAnnotate(await h.open(server.url(path)));
    }
    const options = await h.open(`${h.extBase}options/options.html`);
    await options.waitForFunction(() => document.querySelectorAll('#history-rows tr').length === 2, null, { timeout: 10_000 });
    assert.equal(await options.isChecked('#remember-policies'), true);
    const rows = await options.$$eval('#history-rows tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    for (const [i, row] of rows.entries()) {
      assert.ok(row[0].startsWith('Brightline Privacy Policy') && row[0].includes(server.url(paths[1 - i])), `title and URL, newest first: ${row[0]}`);
      assert.match(row[1], /\d/, 'a date');
      assert.match(row[2], /^\d+ KB$/, 'a size');
    }
    assert.ok((await options.textContent('#history-help')).includes('only on this device'));
    await options.click('#history-rows tr:first-child button');
    await options.waitForFunction(() => document.querySelectorAll('#history-rows tr').length === 1, null, { timeout: 10_000 });
    assert.deepEqual((await h.evalWorker(() => self.clausemark.history())).entries.map((e) => e.url), [server.url(paths[0])]);
    await options.click('#history-forget-all');
    await options.waitForFunction(() => document.getElementById('history-table').hidden, null, { timeout: 10_000 });
    assert.deepEqual(await historyKeys(), []);
    await options.click('#remember-policies');
    for (let i = 0; i < 50 && (await h.evalWorker(() => self.clausemark.settings())).rememberPolicies; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await h.evalWorker(() => self.clausemark.settings())).rememberPolicies, false, 'the switch writes the setting');
  });

  test('context: prevalence on cards (per document kind, credited), regulations with jurisdictions, the topics the page engages', async () => {
    const rows = await h.evalWorker(() => self.clausemark.prevalence());
    assert.ok(rows.length > 10 && rows.every((r) => r.containing <= r.documents));
    server.set('/sample.html', readFileSync(join(ROOT, 'samples/lumio-policy.html'), 'utf8'));
    const page = await h.open(server.url('/sample.html'));
    const { summary } = await h.clickAndAnnotate(page);
    const kind = summary.kind; // the sample reads as terms and privacy policy alike; the scores decide
    const f = summary.findings.find((x) => x.risk === 'bad' && categories.get(x.category)?.regulations.length);
    await page.evaluate((i) => document.querySelector('clausemark-root').shadowRoot.querySelector(`.findings button[data-index="${i}"]`).click(), f.index);
    const card = await page.waitForFunction(() => {
      const c = document.querySelector('clausemark-root').shadowRoot.querySelector('[role="dialog"]');
      return c ? { prevalence: c.querySelector('.prevalence')?.textContent ?? '', regs: [...c.querySelectorAll('.regs li')].map((li) => li.textContent) } : null;
    }, null, { timeout: 5_000 }).then((j) => j.jsonValue());
    const row = rows.find((r) => r.category === f.category && r.kind === kind);
    const docs = `${row.documents} ${kind === 'terms' ? 'terms of service' : 'privacy policies'} we analysed`;
    const want = row.containing
      ? `Found in ${row.containing} of ${docs}; ${row.worst.caution + row.worst.bad} of them at caution or worse.`
      : `Not found in any of the ${docs}.`;
    assert.ok(card.prevalence.includes(want), `card says "${want}": ${card.prevalence}`);
    assert.ok(card.prevalence.includes('Open Terms Archive'), 'credits Open Terms Archive');
    for (const r of categories.get(f.category).regulations) {
      assert.ok(card.regs.some((t) => t.includes(r.law) && r.jurisdictions.every((j) => t.includes(j))), `${r.law} with ${r.jurisdictions} on the card`);
    }
    // The panel lists the distinct laws across the findings, with jurisdictions.
    const topics = await page.evaluate(() => [...document.querySelector('clausemark-root').shadowRoot.querySelectorAll('.topics li')].map((li) => li.textContent));
    const laws = new Map();
    for (const x of summary.findings) for (const r of categories.get(x.category)?.regulations ?? []) laws.set(r.law, new Set([...(laws.get(r.law) ?? []), ...r.jurisdictions]));
    assert.equal(topics.length, laws.size, `one entry per law: ${topics.join(' | ')}`);
    for (const [law, js] of laws) assert.ok(topics.some((t) => t.startsWith(law) && [...js].every((j) => t.includes(j))), `${law}: ${[...js]}`);
    await page.keyboard.press('Escape');

    // On terms, the same category is counted among terms of service.
    server.set('/terms.html', pageOf(join(ROOT, 'tests/fixtures/corpus/policies/latest/netflix__terms-of-service__2026-04-19.md')));
    const terms = await h.open(server.url('/terms.html'));
    const t = (await h.clickAndAnnotate(terms)).summary;
    assert.equal(t.kind, 'terms');
    const g = t.findings[0];
    await terms.evaluate((i) => document.querySelector('clausemark-root').shadowRoot.querySelector(`.findings button[data-index="${i}"]`).click(), g.index);
    const text = await terms.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('[role="dialog"] .prevalence')?.textContent,
      null, { timeout: 5_000 }).then((j) => j.jsonValue());
    assert.match(text, /\d+ terms of service we analysed/);
  });

  test('export: W3C Web Annotations, one per finding, quote and position selectors that agree with body.textContent', async () => {
    server.set('/anno.html', readFileSync(join(ROOT, 'samples/lumio-policy.html'), 'utf8'));
    const page = await h.open(server.url('/anno.html'));
    const { summary } = await h.clickAndAnnotate(page);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }),
      page.locator('clausemark-root .export button:has-text("Export Web Annotations")').click()]);
    assert.match(download.suggestedFilename(), /\.jsonld$/);
    const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(doc['@context'], 'http://www.w3.org/ns/anno.jsonld');
    assert.equal(doc.type, 'AnnotationCollection');
    const items = doc.first.items;
    assert.equal(items.length, summary.findings.length, 'one annotation per finding');
    assert.equal(doc.total, items.length);
    const bodyText = await page.evaluate(() => document.body.textContent);
    for (const [i, a] of items.entries()) {
      const f = summary.findings[i];
      assert.equal(a.type, 'Annotation');
      assert.equal(a.target.source, summary.url);
      const quote = a.target.selector.find((s) => s.type === 'TextQuoteSelector');
      const pos = a.target.selector.find((s) => s.type === 'TextPositionSelector');
      assert.ok(pos, `finding ${i} has a position (it is in the light DOM)`);
      assert.equal(bodyText.slice(pos.start, pos.end), quote.exact, 'position and quote agree');
      assert.equal(squash(quote.exact), squash(f.text), 'the quote is the clause');
      assert.equal(quote.prefix, bodyText.slice(Math.max(0, pos.start - 32), pos.start));
      assert.equal(quote.suffix, bodyText.slice(pos.end, pos.end + 32));
      assert.ok(quote.prefix.length <= 32 && quote.suffix.length <= 32);
      const [comment, ...tags] = a.body;
      assert.equal(comment.type, 'TextualBody');
      assert.ok(comment.value.startsWith(f.summary));
      assert.deepEqual(tags.map((t) => [t.type, t.purpose, t.value]), [['TextualBody', 'tagging', f.risk], ['TextualBody', 'tagging', f.category]]);
    }
  });
});
