#!/usr/bin/env node
// Screenshots of the extension at work (`make demo-screenshot`, also run by
// `make demo`): headless Chromium with dist/extension opens the bundled
// sample policy (samples/lumio-policy.html, fictional), clicks the toolbar
// button (CDP Extensions.triggerAction, as a user would), and saves
//   docs/screenshots/annotated.png  the page with its highlights, margin
//                                   markers and the card of one clause open;
//   docs/screenshots/summary.png    the summary panel.
// Usage: node scripts/demo-screenshot.mjs [--out DIR] [--category ID]
// Needs `make extension` and Debian's chromium (CHROMIUM_PATH overrides).

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { launchChromium, waitForPainted } from '../tests/e2e/lib/chromium.mjs';
import { startPageServer, ROOT } from '../tests/e2e/lib/server.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const OUT = resolve(opt('--out', join(ROOT, 'docs/screenshots')));
/** The clause whose card is shown: a caution finding with regulations reads well. */
const CATEGORY = opt('--category', 'arbitration');

mkdirSync(OUT, { recursive: true });
const server = await startPageServer();
const h = await launchChromium({ viewport: { width: 1280, height: 800 }, perf: false });
try {
  const page = await h.open(server.url('/samples/lumio-policy.html'));
  await h.clickAction(page);
  await waitForPainted(page);
  const tabId = await h.tabId(page);
  const summary = await h.annotate(tabId, { toggle: false });
  const f = summary.findings.find((x) => x.category === CATEGORY) ?? summary.findings.find((x) => x.risk === 'bad');
  if (!f) throw new Error('the sample gave no finding to show');

  // 1. The summary panel, as the click leaves it (scrolled to the top).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  const panel = page.locator('clausemark-root .panel');
  await panel.screenshot({ path: join(OUT, 'summary.png') });

  // 2. The page: panel closed (the button toggles it), the clause in the upper
  //    third of the view, its card open from its margin marker.
  await h.clickAction(page);
  await page.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('.panel').hidden);
  await page.evaluate((i) => {
    const m = document.querySelector('clausemark-root').shadowRoot.querySelector(`.marker[data-index="${i}"]`);
    const top = m.getBoundingClientRect().top + scrollY;
    window.scrollTo(0, Math.max(0, top - innerHeight * 0.3));
  }, f.index);
  await page.waitForTimeout(300);
  await page.locator(`clausemark-root .marker[data-index="${f.index}"]`).click();
  await page.waitForFunction(() => document.querySelector('clausemark-root').shadowRoot.querySelector('[role="dialog"]'));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, 'annotated.png') });

  console.log(`${summary.findings.length} findings, grade ${summary.grade}; card: ${f.category} (${f.risk}) "${f.text.slice(0, 70)}…"`);
  console.log(`wrote ${join(OUT, 'annotated.png')} and ${join(OUT, 'summary.png')}`);
} finally {
  await h.close();
  await server.close();
}
