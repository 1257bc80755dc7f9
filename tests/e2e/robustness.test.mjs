// The hard pages, in headless Chromium with the extension: a strict CSP,
// right-to-left text, emoji, page text that looks like markup, a page that
// restyles everything, a single-page app that changes after annotation,
// hidden content / shadow roots / iframes, "not a policy" and "nothing
// notable" pages, the service worker stopped between annotations, and a
// 5 MB / 50,000-element page that must not cause a long task.
// Fixture pages: tests/fixtures/pages/ (written for the project).

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';

import { isLocal, notBrowserServices } from './fixtures.mjs';
import { launchChromium } from './lib/chromium.mjs';
import { startPageServer } from './lib/server.mjs';
import { domSnapshot, readHighlights, readUi, readPerf, squash } from './lib/inpage.mjs';
import { checkHighlights, checkPanelListsEveryFinding } from './lib/checks.mjs';
import { startTrace, longTasks } from './lib/trace.mjs';

/** @type {Awaited<ReturnType<typeof launchChromium>>} */
let h;
/** @type {Awaited<ReturnType<typeof startPageServer>>} */
let server;

before(async () => {
  server = await startPageServer();
  h = await launchChromium();
});

afterEach(async () => {
  await h?.closePages();
});

after(async () => {
  await h?.close();
  await server?.close();
});

/** Opens, annotates by a real click, and checks highlights, panel, DOM and network. */
async function annotateAndCheck(path, { label = path } = {}) {
  const page = await h.open(server.url(path));
  const before = await page.evaluate(domSnapshot);
  const since = Date.now();
  const served = server.served.length;
  const { tabId, summary } = await h.clickAndAnnotate(page);
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label });
  checkPanelListsEveryFinding(assert, summary, await page.evaluate(readUi), { label });
  assert.equal(await page.evaluate(domSnapshot), before, `the page DOM apart from <clausemark-root> is unchanged (${label})`);
  assert.deepEqual(h.requestsSince(since).filter((u) => !isLocal(u, h.extBase)), [], `no request left the extension (${label})`);
  assert.deepEqual(server.served.slice(served), [], `the page server got no request during the annotation (${label})`);
  return { page, tabId, summary, before };
}

const texts = (summary) => summary.findings.map((f) => f.text);

/** Waits until `pred(highlights)` holds (re-anchoring is debounced), or fails with the last state. */
async function waitForHighlights(page, pred, what, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await page.evaluate(readHighlights);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: not within ${timeoutMs} ms; highlights: ${JSON.stringify(last.map((x) => `${x.name}: ${x.text}`))}`);
}

test('strict CSP (default-src \'self\'): annotated, UI styled, no CSP violation caused', async () => {
  const page = await h.open(server.url('/pages/strict-csp.html'));
  // The fixture is in force: its own inline style attribute was blocked.
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('p[style]')).color), 'rgb(255, 0, 0)', 'the page CSP is active');
  const before = await page.evaluate(() => window.__cmPerf.violations.length);
  await page.close();
  const { page: p2, summary } = await annotateAndCheck('/pages/strict-csp.html', { label: 'strict CSP' });
  assert.ok(summary.findings.some((f) => f.category === 'tracking'), 'the tracking clause is found');
  const after = await p2.evaluate(() => window.__cmPerf.violations);
  assert.deepEqual(after.slice(before), [], 'no CSP violation report after the page\'s own');
  const styled = await p2.evaluate(() => {
    const sr = document.querySelector('clausemark-root').shadowRoot;
    const panel = sr.querySelector('.panel');
    return { position: getComputedStyle(panel).position, width: panel.getBoundingClientRect().width, sheets: sr.adoptedStyleSheets.length };
  });
  assert.notEqual(styled.position, 'static', `the UI's stylesheet applies under the page CSP: ${JSON.stringify(styled)}`);
  assert.ok(styled.width > 100 && styled.sheets > 0);
  await p2.close();
});

test('right-to-left page: clauses inside Hebrew/Arabic text are found and highlighted exactly', async () => {
  const { page, summary } = await annotateAndCheck('/pages/rtl.html', { label: 'RTL' });
  const t = texts(summary).map(squash);
  assert.ok(t.includes('Any dispute arising from these terms will be resolved by binding arbitration in תל אביב.'), JSON.stringify(t));
  assert.ok(t.includes('We may share your personal information with advertising partners.'));
  assert.ok(t.includes('We do not sell your personal information.'));
  await page.close();
});

test('emoji page: surrogate pairs, ZWJ sequences and flags inside and around clauses', async () => {
  const { page, summary } = await annotateAndCheck('/pages/emoji.html', { label: 'emoji' });
  const t = texts(summary);
  assert.ok(t.includes('Any dispute 🤝 will be resolved by binding arbitration 🇺🇸.'), JSON.stringify(t));
  assert.ok(t.some((x) => x.startsWith('🔒 We may share your personal information with advertising partners 📢')), JSON.stringify(t));
  assert.ok(t.includes('📍 We collect the precise location of your device 🛰️.'));
  await page.close();
});

test('page text that looks like markup is shown as text, never interpreted', async () => {
  let dialogs = 0;
  const { page, summary } = await annotateAndCheck('/pages/markup-text.html', { label: 'markup' });
  page.on('dialog', (d) => { dialogs++; d.dismiss().catch(() => {}); });
  const f = summary.findings.find((x) => x.text.includes('<script>alert(1)</script>'));
  assert.ok(f, `a finding quoting the <script> text: ${JSON.stringify(texts(summary))}`);
  await page.locator(`clausemark-root .marker[data-index="${f.index}"]`).click();
  const ui = await page.evaluate(readUi);
  assert.deepEqual(ui.card.quote.map(squash), [squash(f.text)], 'the card quotes the markup as text');
  assert.equal(ui.card.elementsInQuotes, 0, 'no element was created from the text');
  assert.ok(ui.panelText.includes('<script>alert(1)</script>'), 'the panel shows it as text');
  assert.equal(ui.scriptsInShadow, 0, 'no script, iframe or img in the shadow root');
  // Open every card, then check nothing ran.
  for (const x of summary.findings) {
    await page.evaluate((i) => document.querySelector('clausemark-root').shadowRoot.querySelector(`.marker[data-index="${i}"]`).click(), x.index);
  }
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => window.__clausemarkPwned ?? null), null, 'no markup from the page text ran');
  assert.equal(dialogs, 0, 'no alert');
  await page.close();
});

test('a page that restyles everything (!important on *) does not change Clausemark\'s UI', async () => {
  /** Computed styles of the UI's parts, with a card open on the arbitration clause. */
  const look = async (path) => {
    const { page, summary } = await annotateAndCheck(path);
    const f = summary.findings.find((x) => x.category === 'arbitration');
    // A DOM click: on the restyled page the right-aligned text puts this marker under the panel.
    await page.evaluate((i) => document.querySelector('clausemark-root').shadowRoot.querySelector(`.marker[data-index="${i}"]`).click(), f.index);
    const styles = await page.evaluate(() => {
      const sr = document.querySelector('clausemark-root').shadowRoot;
      const props = ['display', 'position', 'font-family', 'font-size', 'font-style', 'font-weight', 'line-height', 'color',
        'background-color', 'letter-spacing', 'word-spacing', 'text-transform', 'text-align', 'text-shadow', 'direction',
        'outline-style', 'border-top-width', 'margin-top', 'padding-top', 'cursor', 'opacity', 'visibility', 'box-sizing'];
      const pick = (el) => {
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return { ...Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)])), width: Math.round(r.width), height: Math.round(r.height) };
      };
      const host = document.querySelector('clausemark-root');
      const hs = getComputedStyle(host);
      return {
        host: { display: hs.display, position: hs.position, direction: hs.direction, 'font-size': hs.fontSize, visibility: hs.visibility },
        panel: pick(sr.querySelector('.panel')),
        panelHeading: pick(sr.querySelector('.panel h2')),
        marker: pick(sr.querySelector('.marker')),
        card: pick(sr.querySelector('[role="dialog"]')),
        cardQuote: pick(sr.querySelector('[role="dialog"] blockquote')),
      };
    });
    await page.close();
    return styles;
  };
  const plain = await look('/pages/plain.html');
  const restyled = await look('/pages/restyle.html');
  assert.deepEqual(restyled, plain, 'computed styles of host, panel, marker and card are the same as on a plain page');
});

test('single-page app: sections added, removed and edited after annotation are re-anchored', async () => {
  const page = await h.open(server.url('/pages/spa.html'));
  await page.waitForSelector('body[data-rendered="yes"]');
  const before = await page.evaluate(domSnapshot);
  const { summary } = await h.clickAndAnnotate(page);
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label: 'spa initial' });
  assert.ok(summary.findings.some((f) => f.category === 'unilateral_termination'));
  assert.equal(await page.evaluate(domSnapshot), before);

  const sale = 'We may sell your personal information to data brokers.';
  await page.evaluate(() => window.spa.addSection());
  await waitForHighlights(page, (hl) => hl.some((x) => x.name === 'clausemark-bad' && x.text === sale), 'the added clause is highlighted');
  await page.waitForFunction(() => /data brokers/.test(document.querySelector('clausemark-root').shadowRoot.querySelector('.panel').textContent),
    null, { timeout: 5_000 });

  await page.evaluate(() => window.spa.removeSection());
  await waitForHighlights(page, (hl) => !hl.some((x) => x.text === sale), 'the removed clause is no longer highlighted');

  const edited = 'We may change these terms at any time without notice.';
  await page.evaluate((t) => window.spa.editFirstClause(t), edited);
  const hl = await waitForHighlights(page, (x) => x.some((y) => y.text === edited), 'the edited text node is re-anchored');
  assert.ok(!hl.some((x) => /terminate your account/.test(x.text)), 'the old clause is gone');
  // The re-anchored state is what annotate reports, exactly.
  const tabId = await h.tabId(page);
  const again = await h.annotate(tabId, { toggle: false });
  checkHighlights(assert, again, await page.evaluate(readHighlights), { label: 'spa after edits' });
  await page.close();
});

test('hidden text is never read; inline markup, <br>, custom elements, an open shadow root and a same-origin iframe are', async () => {
  const { page, summary } = await annotateAndCheck('/pages/structure.html', { label: 'structure' });
  const t = texts(summary);
  assert.deepEqual(t.filter((x) => /zebra/i.test(x)), [], 'nothing from hidden elements (class display:none, visibility:hidden, hidden, aria-hidden, inline display:none, noscript, template, svg)');
  const hl = await page.evaluate(readHighlights);
  assert.deepEqual(hl.filter((x) => /zebra/i.test(x.text)), []);
  const want = [
    'We may sell your personal information to data brokers.', // split by <b>, <a>, <i>
    'Any dispute arising from these terms\nwill be resolved by binding arbitration.', // <br> is "\n"
    'We may terminate your account at any time, for any reason, without notice.', // custom element, display:block
    'Your subscription renews automatically at the end of each billing period.', // custom element, display:inline
    'We collect the precise location of your device.', // a table cell
  ];
  for (const w of want) assert.ok(t.includes(w), `found: ${JSON.stringify(w)} in ${JSON.stringify(t)}`);
  assert.equal(summary.findings.filter((x) => x.category === 'data_sale' && x.text === want[0]).length, 1, 'the script/style/svg copies of the data-sale clause are not read');
  assert.ok(t.some((x) => x.endsWith('We use cookies and similar tracking technologies to follow your activity across other websites.')), 'the shadow-root clause');
  assert.ok(t.some((x) => x.endsWith('We may use your photos to train our artificial intelligence models.')), 'the slotted clause');
  assert.ok(t.some((x) => x.endsWith('You agree to indemnify and hold us harmless from any claim.')), 'the iframe clause');
  assert.ok(hl.some((x) => x.doc === 'top>iframe' && /indemnify/.test(x.text)), 'the iframe clause is highlighted in the iframe document');
  await page.close();
});

test('"not a policy" and "nothing notable" pages say so', async () => {
  const other = await annotateAndCheck('/pages/not-policy.html', { label: 'not a policy' });
  assert.equal(other.summary.kind, 'other');
  assert.equal(other.summary.grade, null);
  let ui = await other.page.evaluate(readUi);
  assert.match(ui.panelText, /doesn.t look like a policy page/);
  assert.doesNotMatch(ui.panelText, /Grade [A-E]/, 'no grade on a page that is not a policy');
  await other.page.close();

  const quiet = await annotateAndCheck('/pages/nothing-notable.html', { label: 'nothing notable' });
  assert.notEqual(quiet.summary.kind, 'other', 'the quiet page reads as a policy');
  assert.equal(quiet.summary.findings.length, 0);
  ui = await quiet.page.evaluate(readUi);
  assert.match(ui.panelText, /Nothing notable found/);
  await quiet.page.close();
});

test('the service worker stopped between annotations restarts and works (button click, then a page change)', async () => {
  const { page, tabId, summary } = await annotateAndCheck('/pages/plain.html', { label: 'before the stop' });
  await h.stopWorker(page);
  assert.equal(await h.workerRunning(), false, 'the worker is stopped');
  // 1. The button wakes it: the restarted worker gets action.onClicked (registered at its top level,
  //    not in onInstalled), and on this annotated page the click toggles the panel.
  assert.equal((await page.evaluate(readUi)).panelOpen, true);
  await h.clickAction(page);
  await page.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('.panel').hidden,
    null, { timeout: 10_000 }).catch(() => assert.fail('the click after the restart did not reach the worker (the panel did not toggle)'));
  const again = await h.annotate(tabId, { toggle: false });
  assert.deepEqual(texts(again), texts(summary), 'same findings after the restart');
  checkHighlights(assert, again, await page.evaluate(readHighlights), { label: 'after the restart' });
  // 2. Stopped again: a page change makes the content script ask the background to analyse; that wakes it too.
  await h.stopWorker(page);
  const added = 'All fees are non-refundable.';
  await page.evaluate((text) => {
    const p = document.createElement('p');
    p.textContent = text;
    document.querySelector('main').append(p);
  }, added);
  await waitForHighlights(page, (hl) => hl.some((x) => x.text === added), 're-anchoring after a stop (the message wakes the worker)', 15_000);
  assert.deepEqual(notBrowserServices(h.proxy.seen), []);
  await page.close();
});

// What kept tasks long here, and what the content script does instead: the
// 5 MB of text went to the background in one message (one ≈ 70 ms
// serialisation; now in parts, protocol.js UPLOAD_PART_UTF16); the markers and
// the panel were built in one task, and both their first layout read and the
// panel's focus laid out the whole page inside it (now the markers read the
// layout the painted frame left, write after, and the focus waits a frame).
test('a 5 MB / 50,000-element page: annotated, and no long task over 50 ms in the content script', async () => {
  const page = await h.open(server.url('/generated/huge.html'));
  const size = await page.evaluate(() => ({ elements: document.getElementsByTagName('*').length, text: document.body.textContent.length }));
  assert.ok(size.elements >= 50_000 && size.text >= 5_000_000, `the page is huge: ${JSON.stringify(size)}`);
  const session = await h.context.newCDPSession(page);
  const frameId = (await session.send('Target.getTargetInfo')).targetInfo.targetId;
  await session.detach();
  // Let the page settle after its own load, then watch only what the annotation causes.
  await page.waitForTimeout(500);
  const start = await page.evaluate(() => { window.__cmPerf.longtasks.length = 0; return performance.now(); });
  // A performance trace tells whose each long task is. PerformanceObserver('longtask')
  // is printed too, but it is no judge here: in this Chromium it reports none of the
  // content script's tasks (an isolated world), even a 500 ms one.
  const trace = await startTrace(h.cdp);
  const { summary } = await h.clickAndAnnotate(page, { timeoutMs: 180_000 });
  await page.waitForTimeout(500);
  const tasks = longTasks(await trace.stop(), frameId);
  const observed = (await page.evaluate(readPerf)).longtasks.filter((x) => x.start >= start).map((x) => Math.round(x.duration));
  console.log(`# huge page: ${summary.findings.length} findings, timings ${JSON.stringify(summary.timings)}`);
  console.log(`# huge page: PerformanceObserver long tasks (ms): ${JSON.stringify(observed)}`);
  for (const t of tasks) console.log(`# huge page: long task ${t.ms} ms, of which script ${t.scriptMs} ms (${t.top.join(', ')})`);
  assert.ok(summary.findings.length > 2000, `thousands of findings (${summary.findings.length})`);
  assert.equal(summary.painted, summary.findings.length, 'all painted');
  // Inserting the `::highlight()` sheet makes Chromium restyle all 50,000 elements
  // once: the browser's rendering work (it costs the same without any extension).
  // The requirement is about the content script: no task it holds over 50 ms
  // (script time includes what the script caused: GC, forced style and layout).
  // Tracing slows script a little, so a borderline task may read a few ms longer.
  const script = tasks.filter((t) => t.scriptMs > 50);
  assert.deepEqual(script.map((t) => `${t.scriptMs} ms of script (${t.top.join(', ')})`), [],
    'no task held by script for more than 50 ms during the annotation');
  // Thousands of findings: the extension may register only those near the viewport
  // (a window that follows scrolling). Each highlight is a finding's text, and
  // after scrolling to the middle the highlights are there, around the viewport.
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label: 'huge', subset: true });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await page.waitForTimeout(600);
  const middle = await page.evaluate(() => {
    const tops = [];
    for (const [name, hl] of CSS.highlights) {
      if (name.startsWith('clausemark-') && name !== 'clausemark-focus') for (const r of hl) tops.push(r.getBoundingClientRect().top);
    }
    return { count: tops.length, visible: tops.filter((t) => t >= 0 && t < innerHeight).length };
  });
  assert.ok(middle.visible > 0, `highlights in view after scrolling to the middle: ${JSON.stringify(middle)}`);
  checkHighlights(assert, summary, await page.evaluate(readHighlights), { label: 'huge, scrolled', subset: true });
  await page.close();
});
