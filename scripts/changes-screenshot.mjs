#!/usr/bin/env node
// Screenshot of change tracking (run by `make demo` next to
// scripts/demo-screenshot.mjs): headless Chromium with dist/extension, the
// setting "Remember policies I annotate" on, annotates the "before" version
// of a policy, then serves the "after" version at the same URL and
// annotates again, and saves
//   docs/screenshots/changed.png   the page scrolled to the first change
//                                  (its `clausemark-changed` highlight and
//                                  marker) with the summary panel's
//                                  "Changed since …" banner.
// The pair: Zoom's terms of July / August 2023 from ../shared/corpus
// (the AI-training clause), or the vendored fictional pair in
// tests/fixtures/diff when the corpus is absent.
// Staging: the first visit is dated as the "before" version's date (the
// remembered entry is back-dated in storage), so the banner reads as it
// would for a reader who last saw the policy then.
// Usage: node scripts/changes-screenshot.mjs [--out DIR]
// Needs `make extension` and Debian's chromium (CHROMIUM_PATH overrides).

import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { launchChromium } from '../tests/e2e/lib/chromium.mjs';
import { markdownPage } from '../tests/e2e/lib/markdown.mjs';
import { ROOT, SHARED_CORPUS } from '../tests/e2e/lib/server.mjs';

const args = process.argv.slice(2);
const i = args.indexOf('--out');
const OUT = resolve(i >= 0 ? args[i + 1] : join(ROOT, 'docs/screenshots'));

/** The pair to show: [before file, after file, ISO date of the first visit]. */
function choosePair() {
  const dir = join(SHARED_CORPUS, 'policies/pairs');
  if (existsSync(dir)) {
    const files = readdirSync(dir).filter((f) => f.startsWith('zoom-tos-2023-ai__'));
    const before = files.find((f) => f.includes('__before__'));
    const after = files.find((f) => f.includes('__after__'));
    if (before && after) return [join(dir, before), join(dir, after), `${/__(\d{4}-\d\d-\d\d)\.md$/.exec(before)[1]}T12:00:00Z`];
  }
  console.log(`# ${dir} is absent: using the vendored pair in tests/fixtures/diff`);
  const fx = join(ROOT, 'tests/fixtures/diff');
  return [join(fx, 'before.md'), join(fx, 'after.md'), '2024-03-01T12:00:00Z'];
}

const [beforeFile, afterFile, firstVisit] = choosePair();
let body = markdownPage(readFileSync(beforeFile, 'utf8'));
const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/legal/terms`;

mkdirSync(OUT, { recursive: true });
const h = await launchChromium({ viewport: { width: 1280, height: 800 }, perf: false });
try {
  await h.setSettings({ rememberPolicies: true });
  const page = await h.open(url);
  await h.clickAndAnnotate(page);
  // Back-date the first visit (see the header).
  await h.evalWorker(async ([u, when]) => {
    const { history } = await chrome.storage.local.get('history');
    for (const e of Object.values(history.entries)) Object.assign(e, { firstSeen: when, lastSeen: when });
    await chrome.storage.local.set({ history });
    return u;
  }, [url, firstVisit]);

  body = markdownPage(readFileSync(afterFile, 'utf8'));
  await page.reload({ waitUntil: 'load' });
  const { summary } = await h.clickAndAnnotate(page);
  const c = summary.changes;
  if (c?.status !== 'changed') throw new Error(`expected a change, got ${JSON.stringify(c)}`);

  // Scroll to the first change from the banner (as a reader would), let the flash fade.
  await page.locator('clausemark-root [part="banner"] button.change').first().click();
  await page.waitForTimeout(3000);
  await page.evaluate(() => window.scrollBy(0, -innerHeight * 0.15));
  await page.waitForTimeout(300);
  const file = join(OUT, 'changed.png');
  await page.screenshot({ path: file });
  console.log(`${c.counts.added} added, ${c.counts.modified} reworded, ${c.counts.removed} removed; first: ${c.items[0].headline}`);
  console.log(`wrote ${file}`);
} finally {
  await h.close();
  server.close();
}
