// In-page annotation in headless Chromium, through the real toolbar button
// (CDP Extensions.triggerAction) and `self.clausemark.annotate(tabId)`:
// highlights equal the findings' evidence, the summary panel lists every
// finding, cards show the right content and behave as dialogs, the page's
// DOM is untouched, no request leaves the extension; settings, export,
// clear and explain. One browser for the whole file.
//
// Needs `make extension` (dist/extension) and Debian's chromium
// (CHROMIUM_PATH overrides /usr/bin/chromium). Corpus pages come from
// ../shared/corpus, or from the vendored excerpt when it is absent.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { isLocal, notBrowserServices } from './fixtures.mjs';
import { launchChromium, waitForPainted } from './lib/chromium.mjs';
import { startPageServer, policyNames, tosdrNames, spread, corpusRoot, ROOT } from './lib/server.mjs';
import { domSnapshot, readHighlights, readUi, squash } from './lib/inpage.mjs';
import { checkHighlights, checkPanelListsEveryFinding, checkCard, RISK_ICON, RISK_WORD } from './lib/checks.mjs';

/** @type {Awaited<ReturnType<typeof launchChromium>>} */
let h;
/** @type {Awaited<ReturnType<typeof startPageServer>>} */
let server;
/** Category id → taxonomy entry. */
let categories;

/** The annotated sample, shared by the tests that follow the first. */
const sample = { page: null, tabId: 0, summary: null, before: '' };

before(async () => {
  server = await startPageServer();
  h = await launchChromium();
  categories = new Map((await h.evalWorker(() => self.clausemark.taxonomy())).map((c) => [c.id, c]));
});

afterEach(async () => {
  await h?.closePages();
});

after(async () => {
  await h?.close();
  await server?.close();
});

/** Opens a page, annotates it with a real click, checks highlights, DOM and network. */
async function annotateAndCheck(path, { label = path, allPainted = true } = {}) {
  const page = await h.open(server.url(path));
  const before = await page.evaluate(domSnapshot);
  const since = Date.now();
  const served = server.served.length;
  const { tabId, summary } = await h.clickAndAnnotate(page);
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label, allPainted });
  checkPanelListsEveryFinding(assert, summary, await page.evaluate(readUi), { label });
  assert.equal(await page.evaluate(domSnapshot), before, `the page DOM apart from <clausemark-root> is unchanged (${label})`);
  assert.deepEqual(h.requestsSince(since).filter((u) => !isLocal(u, h.extBase)), [], `no request left the extension (${label})`);
  assert.deepEqual(server.served.slice(served), [], `the page server got no request during the annotation (${label})`);
  return { page, tabId, summary, before };
}

/** Locator of an element inside the shadow root (Playwright's CSS pierces open shadow roots). */
const inUi = (page, selector) => page.locator(`clausemark-root ${selector}`);

/** Shadow-root activeElement description, for focus checks. */
const activeInUi = (page) => page.evaluate(() => {
  const sr = document.querySelector('clausemark-root')?.shadowRoot;
  const a = sr?.activeElement;
  if (!a) return { host: document.activeElement?.localName ?? null, inCard: false };
  const card = sr.querySelector('[role="dialog"]');
  return {
    host: document.activeElement?.localName ?? null,
    tag: a.localName,
    cls: a.className,
    index: a.dataset?.index ?? null,
    inCard: !!card && (card === a || card.contains(a)),
  };
});

test('the toolbar button annotates the sample: highlights = findings, panel lists all, markers, DOM untouched, no request', async () => {
  Object.assign(sample, await annotateAndCheck('/samples/lumio-policy.html', { label: 'sample' }));
  h.keep(sample.page); // shared by the tests below
  const s = sample.summary;
  assert.ok(['privacy_policy', 'terms'].includes(s.kind), `kind ${s.kind}`);
  assert.match(s.grade, /^[A-E]$/);
  assert.ok(s.findings.length > 50, `many findings on the sample (${s.findings.length})`);
  for (const risk of Object.keys(RISK_WORD)) {
    assert.equal(s.counts[risk], s.findings.filter((f) => f.risk === risk).length, `counts.${risk}`);
  }
  assert.equal(s.counts.neutral, 0, 'the default sensitivity (normal) hides neutral findings');
  for (const key of ['collectMs', 'analyzeMs', 'anchorMs', 'paintMs', 'totalMs']) assert.equal(typeof s.timings[key], 'number', `timings.${key}`);
  // One marker per painted finding, beside it, with an icon AND words (colour is never the only signal).
  const ui = await sample.page.evaluate(readUi);
  assert.deepEqual(ui.markers.map((m) => m.index).sort((a, b) => a - b), s.findings.map((f) => f.index).sort((a, b) => a - b));
  for (const m of ui.markers) {
    const f = s.findings[m.index];
    assert.equal(m.visible, true, `marker ${m.index} visible`);
    assert.equal(m.risk, `risk-${f.risk}`);
    assert.ok(m.text.includes(RISK_ICON[f.risk]), `marker ${m.index} shows the ${f.risk} icon: "${m.text}"`);
    assert.ok(m.name.includes(RISK_WORD[f.risk]), `marker ${m.index} is named with the risk word: "${m.name}"`);
  }
  assert.equal(ui.panelOpen, true, 'the summary panel is open after a click');
  const globals = await sample.page.evaluate(() => Object.getOwnPropertyNames(window).filter((k) => /clausemark/i.test(k)));
  assert.deepEqual(globals, [], 'nothing exposed on the page\'s window');
  assert.deepEqual(notBrowserServices(h.proxy.seen), [], 'nothing tried to leave the browser');
});

test('a marker opens its finding\'s card: content, focus inside, Tab trapped, Esc returns focus to the marker', async () => {
  const { page, summary } = sample;
  // A finding whose category has actions and regulations, so the card shows everything.
  const f = summary.findings.find((x) => x.risk === 'bad' && categories.get(x.category)?.regulations.length && categories.get(x.category)?.actions.length);
  assert.ok(f, 'a bad finding with regulations and actions');
  const marker = inUi(page, `.marker[data-index="${f.index}"]`);
  await marker.click();
  const ui = await page.evaluate(readUi);
  assert.equal(ui.card?.index, f.index, 'the card of that finding');
  checkCard(assert, ui.card, f, categories.get(f.category));
  assert.equal(ui.card.focusInside, true, 'focus moved into the card');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
    assert.equal((await activeInUi(page)).inCard, true, `focus stays in the card after ${i + 1} Tab presses`);
  }
  await page.keyboard.press('Escape');
  const after = await page.evaluate(readUi);
  assert.equal(after.card, null, 'Esc closes the card');
  const active = await activeInUi(page);
  assert.equal(active.host, 'clausemark-root');
  assert.equal(active.index, String(f.index), `focus is back on marker ${f.index}: ${JSON.stringify(active)}`);
  assert.match(active.cls, /marker/);
  // Keyboard: Enter on the focused marker opens the card again; Esc closes it.
  await page.keyboard.press('Enter');
  assert.equal((await page.evaluate(readUi)).card?.index, f.index, 'Enter on a marker opens its card');
  await page.keyboard.press('Escape');
  await page.keyboard.press(' ');
  assert.equal((await page.evaluate(readUi)).card?.index, f.index, 'Space on a marker opens its card');
  await page.keyboard.press('Escape');
});

test('clicking a highlighted clause opens its card; clicks elsewhere reach the page untouched', async () => {
  const { page, summary } = sample;
  const counts = new Map();
  for (const f of summary.findings) counts.set(squash(f.text), (counts.get(squash(f.text)) ?? 0) + 1);
  const f = summary.findings.find((x) => counts.get(squash(x.text)) === 1 && x.risk === 'caution' && x.text.length > 60);
  assert.ok(f, 'a caution finding with a unique text');
  // Where the clause is: the centre of its range's first line box.
  const point = await page.evaluate((text) => {
    const squash = (s) => s.replace(/\s+/g, ' ').trim();
    for (const [name, hl] of CSS.highlights) {
      if (!name.startsWith('clausemark-')) continue;
      for (const r of hl) {
        if (squash(r.toString()) !== text) continue;
        r.startContainer.parentElement.scrollIntoView({ block: 'center' });
        const box = [...r.getClientRects()].find((b) => b.width > 20);
        return { x: box.left + Math.min(box.width / 2, 40), y: box.top + box.height / 2 };
      }
    }
    return null;
  }, squash(f.text));
  assert.ok(point, 'the clause is highlighted');
  await page.evaluate(() => {
    window.__cmClicks = [];
    document.addEventListener('click', (e) => window.__cmClicks.push(e.defaultPrevented), { once: false });
  });
  await page.mouse.click(point.x, point.y);
  const ui = await page.evaluate(readUi);
  assert.equal(ui.card?.index, f.index, `the card of the clicked clause (got ${ui.card?.index}, want ${f.index})`);
  assert.deepEqual(ui.card.quote.map(squash), [squash(f.text)]);
  await page.keyboard.press('Escape');
  // A click on the page's heading (no clause there) opens nothing and is not prevented.
  await page.locator('h1').first().click();
  assert.equal((await page.evaluate(readUi)).card, null, 'no card for a click outside the clauses');
  assert.deepEqual(await page.evaluate(() => window.__cmClicks), [false, false], 'the page saw both clicks, not prevented');
});

test('the panel: kind, grade and its derivation, counts, findings grouped by risk then category; a click scrolls to and flashes the clause', async () => {
  const { page, summary } = sample;
  const panel = await page.evaluate(() => {
    const p = document.querySelector('clausemark-root').shadowRoot.querySelector('.panel');
    const order = [...p.querySelectorAll('.findings button[data-index]')].map((b) => Number(b.dataset.index));
    return { text: p.textContent, order, banner: !!p.querySelector('[part="banner"]') };
  });
  assert.ok(panel.text.includes(`Grade ${summary.grade}`), 'the grade');
  assert.ok(panel.text.includes('How it was derived'), 'the derivation');
  const b = summary.gradeBasis;
  for (const n of [b.penalty, b.credit, b.net]) assert.ok(panel.text.includes(String(n)), `grade basis number ${n}`);
  for (const risk of ['bad', 'caution', 'good']) assert.ok(panel.text.includes(`${RISK_WORD[risk]}: ${summary.counts[risk]}`), `count of ${risk}`);
  assert.equal(panel.banner, true, 'the <div part="banner"> slot');
  // Grouping: risks in one run each (worst first), categories in one run each within a risk.
  const risks = panel.order.map((i) => summary.findings[i].risk);
  const runs = risks.filter((r, i) => i === 0 || r !== risks[i - 1]);
  assert.deepEqual(runs, ['bad', 'caution', 'neutral', 'good'].filter((r) => risks.includes(r)), 'one run per risk, worst first');
  const keys = panel.order.map((i) => `${summary.findings[i].risk}/${summary.findings[i].category}`);
  const keyRuns = keys.filter((k, i) => i === 0 || k !== keys[i - 1]);
  assert.equal(new Set(keyRuns).size, keyRuns.length, 'one run per (risk, category)');
  // Click the entry of the last finding in document order: the page scrolls to it and it flashes.
  const last = summary.findings.at(-1);
  await page.evaluate(() => window.scrollTo(0, 0));
  await inUi(page, `.panel .findings button[data-index="${last.index}"]`).click();
  const focus = await page.waitForFunction(() => {
    const hl = CSS.highlights.get('clausemark-focus');
    if (!hl || hl.size === 0) return null;
    const r = [...hl][0];
    const box = r.getBoundingClientRect();
    return { text: r.toString(), top: box.top, bottom: box.bottom, vh: innerHeight, scrollY };
  }, null, { timeout: 5_000 }).then((j) => j.jsonValue());
  assert.equal(squash(focus.text), squash(last.text), 'clausemark-focus holds the clause');
  assert.ok(focus.scrollY > 0 && focus.top >= 0 && focus.bottom <= focus.vh, `scrolled into view: ${JSON.stringify(focus)}`);
  assert.equal((await page.evaluate(readUi)).card?.index, last.index, 'and its card is open');
  await page.keyboard.press('Escape');
});

/**
 * Clicks the panel's export button `label` and resolves to the file saved.
 * @param {import('playwright-core').Page} page @param {string} label
 */
async function saveExport(page, label) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), inUi(page, `.export button:has-text("${label}")`).click()]);
  return readFileSync(await download.path(), 'utf8');
}

test('export: Markdown and JSON downloads list every finding', async () => {
  const { page, summary } = sample;
  const save = (/** @type {string} */ label) => saveExport(page, label);
  const json = JSON.parse(await save('Export JSON'));
  assert.equal(json.kind, summary.kind);
  assert.equal(json.grade, summary.grade);
  assert.deepEqual(json.findings.map((f) => [f.category, f.risk, f.text]), summary.findings.map((f) => [f.category, f.risk, f.text]));
  const md = await save('Export Markdown');
  const unescape = (s) => s.replace(/\\(.)/g, '$1');
  const quotes = md.split('\n').filter((l) => l.startsWith('  > ')).map((l) => unescape(l.slice(4)));
  assert.deepEqual(quotes.sort(), summary.findings.map((f) => squash(f.text)).sort(), 'one quoted clause per finding');
  assert.ok(md.includes(`Grade: **${summary.grade}**`));
});

test('a second click on the button toggles the summary panel', async () => {
  const { page } = sample;
  const panelOpen = () => page.evaluate(() => !document.querySelector('clausemark-root').shadowRoot.querySelector('.panel').hidden);
  assert.equal(await panelOpen(), true);
  await h.clickAction(page);
  await page.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('.panel').hidden, null, { timeout: 10_000 });
  assert.equal((await page.evaluate(readUi)).fabVisible, true, 'the floating button replaces the panel');
  await h.clickAction(page);
  await page.waitForFunction(() => !document.querySelector('clausemark-root').shadowRoot.querySelector('.panel').hidden, null, { timeout: 10_000 });
  checkHighlights(assert, sample.summary, await page.evaluate(readHighlights), { label: 'after toggling' });
});

test('settings: sensitivity low/high, a category switched off, dark theme', async () => {
  const { page, tabId } = sample;
  try {
    await h.setSettings({ sensitivity: 'low' });
    const low = await h.annotate(tabId, { toggle: false });
    assert.ok(low.findings.length > 0 && low.findings.every((f) => f.risk === 'bad'), 'low: bad findings only');
    assert.equal(low.findings.length, sample.summary.counts.bad);
    checkHighlights(assert, low, await page.evaluate(readHighlights), { label: 'low' });

    await h.setSettings({ sensitivity: 'high', disabledCategories: ['arbitration', 'tracking'], theme: 'dark' });
    const high = await h.annotate(tabId, { toggle: false });
    assert.ok(high.findings.some((f) => f.risk === 'neutral'), 'high: neutral findings too');
    assert.ok(!high.findings.some((f) => ['arbitration', 'tracking'].includes(f.category)), 'switched-off categories are not shown');
    assert.ok(sample.summary.findings.some((f) => f.category === 'arbitration'), '(the sample has arbitration findings)');
    checkHighlights(assert, high, await page.evaluate(readHighlights), { label: 'high' });
    checkPanelListsEveryFinding(assert, high, await page.evaluate(readUi), { label: 'high' });
    const theme = await page.evaluate(() => document.querySelector('clausemark-root').shadowRoot.querySelector('[data-theme]')?.dataset.theme);
    assert.equal(theme, 'dark');
  } finally {
    await h.setSettings({ sensitivity: 'normal', disabledCategories: [], theme: 'system' });
  }
});

test('options page: sensitivity, theme and category switches are saved as settings', async () => {
  const page = await h.open(`${h.extBase}${h.manifest.options_ui.page}`);
  try {
    await page.waitForSelector('#categories input[data-category]');
    const boxes = await page.locator('#categories input[data-category]').count();
    assert.equal(boxes, categories.size, 'one switch per category of the taxonomy');
    assert.equal(await page.isChecked('#sensitivity-normal'), true, 'default sensitivity: normal');
    assert.equal(await page.isChecked('#theme-system'), true, 'default theme: system');
    assert.equal(await page.isChecked('#auto-annotate'), false, 'auto-annotate off by default');
    await page.click('#sensitivity-high');
    await page.click('#theme-dark');
    await page.uncheck('#categories input[data-category="arbitration"]');
    const deadline = Date.now() + 5_000;
    let s;
    do {
      s = await h.evalWorker(() => self.clausemark.settings());
      if (s.sensitivity === 'high' && s.theme === 'dark' && s.disabledCategories.includes('arbitration')) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    const { autoAnnotate, disabledCategories, sensitivity, theme } = s;
    assert.deepEqual({ autoAnnotate, disabledCategories, sensitivity, theme },
      { autoAnnotate: false, disabledCategories: ['arbitration'], sensitivity: 'high', theme: 'dark' });
  } finally {
    await h.setSettings({ sensitivity: 'normal', disabledCategories: [], theme: 'system' });
  }
});

test('the sample reads as the CLI reads the file (same findings at sensitivity high)', async (t) => {
  const cli = join(ROOT, 'target/debug/clausemark');
  if (!existsSync(cli)) return t.skip(`${cli} not built (cargo build)`);
  const key = (f) => `${f.category}|${f.risk}|${squash(f.text)}`;
  // Canary: the CLI and the extension's wasm must classify the same text
  // alike, else they were built from different sources and the comparison
  // below says nothing about the page reader.
  const canary = sample.summary.findings.map((f) => f.text).join('\n\n');
  const cliCanary = JSON.parse(execFileSync(cli, ['analyze', '--json', '--format', 'text', '-'], { input: canary, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }));
  const wasmCanary = await h.evalWorker((text) => self.clausemark.analyze([text]), canary);
  if (JSON.stringify(cliCanary.findings.map(key)) !== JSON.stringify(wasmCanary.findings.map(key))) {
    return t.skip('target/debug/clausemark and dist/extension classify differently: built from different sources (run cargo build and make extension)');
  }
  const want = JSON.parse(execFileSync(cli, ['analyze', '--json', join(ROOT, 'samples/lumio-policy.html')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  try {
    await h.setSettings({ sensitivity: 'high' });
    const got = await h.annotate(sample.tabId, { toggle: false });
    const g = got.findings.map(key).sort();
    const w = want.findings.map(key).sort();
    const missing = w.filter((k) => !g.includes(k));
    const extra = g.filter((k) => !w.includes(k));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] },
      'findings of the extension vs `clausemark analyze --json` on the same file: the page text is collected differently');
    assert.equal(got.kind, want.kind);
    assert.equal(got.grade, want.grade);
  } finally {
    await h.setSettings({ sensitivity: 'normal' });
  }
});

test('explain: a passage gets a card classifying just that passage; the selection gets an Explain button', async () => {
  const { page, tabId } = sample;
  // A fresh annotation with the default settings (the page side filters explained findings with them).
  await h.annotate(tabId, { toggle: false });
  const passage = 'Any dispute arising from these terms will be resolved by binding arbitration.';
  const findings = await h.evalWorker(([t, text]) => self.clausemark.explain(t, text), [tabId, passage]);
  assert.ok(findings.some((f) => f.category === 'arbitration'), JSON.stringify(findings));
  let ui = await page.evaluate(readUi);
  assert.ok(ui.card?.visible, 'a card is shown');
  assert.ok(ui.card.text.includes(categories.get('arbitration').title), 'naming the category');
  assert.deepEqual(ui.card.quote.map(squash), findings.map((f) => squash(f.text)), 'quoting the passage\'s clauses only');
  await page.keyboard.press('Escape');
  // Select the limitation-period clause of the page (ToS 15.5) with the mouse-free API; the button appears.
  const selected = await page.evaluate(() => {
    const p = [...document.querySelectorAll('p, li')].find((e) => /permanently barred/.test(e.textContent));
    p.scrollIntoView({ block: 'center' });
    const r = document.createRange();
    r.selectNodeContents(p);
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    return p.textContent;
  });
  const explainBtn = inUi(page, 'button.explain');
  await explainBtn.waitFor({ state: 'visible', timeout: 5_000 });
  await explainBtn.click();
  await page.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('[role="dialog"]'), null, { timeout: 10_000 });
  ui = await page.evaluate(readUi);
  assert.ok(ui.card.quote.length > 0, 'the card lists findings for the selection');
  for (const q of ui.card.quote) assert.ok(squash(selected).includes(squash(q)), `"${q}" is from the selection`);
  assert.ok(ui.card.text.includes(categories.get('limitation_period').title), 'the limitation-period clause is explained');
  await page.keyboard.press('Escape');
  await page.evaluate(() => getSelection().removeAllRanges());
});

test('clear removes every trace: no host, no highlight, the DOM as before', async () => {
  const { page, tabId, before } = sample;
  assert.equal(await h.evalWorker((t) => self.clausemark.clear(t), tabId), true);
  const state = await page.evaluate(() => ({
    hosts: document.querySelectorAll('clausemark-root').length,
    names: [...CSS.highlights.keys()].filter((n) => n.startsWith('clausemark-') && CSS.highlights.get(n).size > 0),
    html: document.documentElement.outerHTML,
  }));
  assert.equal(state.hosts, 0);
  assert.deepEqual(state.names, []);
  assert.equal(await page.evaluate(domSnapshot), before);
  await page.close();
});

/** What a finding's card says about the list it is an item of. */
const LEAD_PREFIX = 'Part of the list introduced by: “';

/**
 * Opens the card of finding `f` (of an annotation's summary) with its
 * marker; resolves to its lead-in line (null: none).
 * @param {import('playwright-core').Page} page @param {{ index: number, text: string }} f
 */
async function leadLineOf(page, f) {
  await inUi(page, `.marker[data-index="${f.index}"]`).click();
  const got = await page.evaluate(() => {
    const card = document.querySelector('clausemark-root').shadowRoot.querySelector('[role="dialog"]');
    const line = card?.querySelector('.lead-in');
    return { index: card ? Number(card.dataset.index) : null, line: line?.textContent ?? null, elements: line?.querySelectorAll('*').length ?? 0 };
  });
  assert.equal(got.index, f.index, `the card of "${f.text}"`);
  assert.equal(got.elements, 0, 'the lead-in line is text only');
  await page.keyboard.press('Escape');
  return got.line;
}

test('a list item flagged because of its lead-in says so in its card, as text, cut at 120 characters; other findings do not', async () => {
  // tests/fixtures/pages/list-lead-in.html, which tests/lead_in.rs reads too.
  const { page, summary } = await annotateAndCheck('/pages/list-lead-in.html', { label: 'list-lead-in' });
  /** The lead-in line of the finding on `text` (null: none). */
  const leadLine = async (text) => {
    const f = summary.findings.find((x) => squash(x.text) === text);
    assert.ok(f, `a finding on "${text}" among ${JSON.stringify(summary.findings.map((x) => x.text))}`);
    return leadLineOf(page, f);
  };
  assert.equal(await leadLine('(c) interruptions of the service.'), `${LEAD_PREFIX}We’re not liable for:”`);
  assert.equal(await leadLine('(b) loss of data;'), null, 'an item flagged on its own words');
  assert.equal(await leadLine('We’re not liable for:'), null, 'the lead-in itself');
  assert.equal(await leadLine('We may terminate your account at any time without notice.'), null, 'a clause outside the lists');
  // A 133-character lead-in: its first 120 code units (white space before the cut dropped) and "…".
  const long = 'Without limiting any of our other rights under these terms or the law, we may suspend or terminate your access to the services if:';
  assert.equal(await leadLine('you materially or repeatedly breach these terms;'), `${LEAD_PREFIX}${long.slice(0, 120).trimEnd()}…”`);
  // The exports carry the whole lead-in, on the inherited findings only.
  const json = JSON.parse(await saveExport(page, 'Export JSON'));
  const leadOf = (/** @type {string} */ text) => json.findings.filter((f) => squash(f.text) === text).map((f) => f.leadIn ?? null);
  assert.deepEqual(leadOf('(c) interruptions of the service.'), ['We’re not liable for:']);
  assert.deepEqual(leadOf('(b) loss of data;').filter(Boolean), [], 'an item flagged on its own words');
  assert.ok(leadOf('you materially or repeatedly breach these terms;').includes(long), 'the long lead-in, uncut');
  const md = await saveExport(page, 'Export Markdown');
  const lines = md.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  > ') && l.includes('(c) interruptions of the service.'));
  assert.equal(lines[at + 1], '  (part of the list introduced by: We’re not liable for:)', 'the Markdown line under the quote');
  await page.close();
});

test('lists end where the page says: a sentence-case <h2>, or a <p> after an item ending "(c) … ."; their clauses get no lead-in', async () => {
  // tests/fixtures/pages/list-structure.html, which tests/kinds.rs reads too
  // (and shows that, read from the text alone, both clauses would inherit).
  const { page, summary } = await annotateAndCheck('/pages/list-structure.html', { label: 'list-structure' });
  const on = (/** @type {string} */ text) => summary.findings.filter((x) => squash(x.text) === text);
  const item = on('(a) delays caused by your network;').find((f) => f.category === 'limitation_of_liability');
  assert.ok(item, `the list's item is flagged: ${JSON.stringify(summary.findings.map((x) => [x.category, x.text]))}`);
  assert.equal(await leadLineOf(page, item), `${LEAD_PREFIX}To the fullest extent permitted by law, we are not responsible for:”`);
  for (const text of [
    'We may close your account if you have not used it for two years.', // under <h2>Your account</h2>
    'You can ask us for a copy of your data by writing to our support team.', // the <p> after <li>(c) loss of data.</li>
    'We may suspend your subscription if a payment fails.', // under <div role="heading">
  ]) {
    assert.deepEqual(on(text).filter((f) => f.category === 'limitation_of_liability').map((f) => f.risk), [], `no liability flag on "${text}"`);
    for (const f of on(text)) assert.equal(await leadLineOf(page, f), null, `no lead-in line on "${text}" (${f.category})`);
  }
  await page.close();
});

test('corpus pages (tosdr-html documents, policies rendered from Markdown): highlights = findings, DOM untouched', async () => {
  const { root, shared } = corpusRoot();
  const pages = [
    ...spread(tosdrNames(root), shared ? 3 : 1).map((n) => `/tosdr/${n}.html`),
    ...spread(policyNames(root), shared ? 3 : 2).map((n) => `/policies/${n}.html`),
  ];
  for (const path of pages) {
    const { page, summary } = await annotateAndCheck(path);
    assert.ok(summary.findings.length > 0, `${path}: some findings`);
    assert.notEqual(summary.kind, 'other', `${path} reads as a policy`);
    await page.close();
  }
  assert.deepEqual(notBrowserServices(h.proxy.seen), [], 'nothing tried to leave the browser');
});

test('the recording proxy sees a request that leaves the browser (guards the no-request checks)', async () => {
  const seen = h.proxy.seen.length;
  const page = await h.context.newPage();
  await page.goto('http://clausemark-probe.invalid/').catch(() => {});
  assert.deepEqual(notBrowserServices(h.proxy.seen.slice(seen)), ['GET http://clausemark-probe.invalid/']);
  await page.close();
});
