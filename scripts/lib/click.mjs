// What the extension benchmarks share (bench-extension.mjs: warm clicks on
// the 48 policies; bench-cold.mjs: clicks that wake a stopped service
// worker): the in-page watcher that reports when the highlights are
// painted, the timed toolbar click, and the medians.
//
// Clocks: the page's and the worker's `performance.timeOrigin +
// performance.now()` and this process's are wall clocks of one machine.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { SHARED_CORPUS } from '../../tests/e2e/lib/server.mjs';

/** Prints `bench-<script>: message` and exits with status 2 (a usage or setup error). */
function fail(script, message) {
  console.error(`${script}: ${message}`);
  process.exit(2);
}

/**
 * The options of a benchmark script: `--runs N` (a positive integer,
 * default `defaultRuns`) and `--only SUBSTRING` (default ''), and the
 * corpus policies (`.md` names, sorted) whose names contain it. Exits with
 * a clear message when --runs is not a positive integer, the corpus is
 * absent or no policy matches.
 * @param {string} script the script's name, for messages
 * @param {number} defaultRuns
 */
export function benchSetup(script, defaultRuns) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
  };
  const runs = Number(opt('--runs', String(defaultRuns)));
  const only = opt('--only', '');
  if (!Number.isInteger(runs) || runs < 1) fail(script, '--runs needs a positive integer');
  const policies = join(SHARED_CORPUS, 'policies/latest');
  if (!existsSync(policies)) fail(script, `${policies} is absent: the benchmark needs the shared corpus (../shared/corpus)`);
  const files = readdirSync(policies).filter((f) => f.endsWith('.md') && f.includes(only)).sort();
  if (!files.length) fail(script, `no policy to run in ${policies}${only ? ` matching "${only}"` : ''}`);
  return { runs, only, policies, files };
}

/**
 * Installed in every page before its scripts (`context.addInitScript`):
 * `window.__cmBenchPainted` resolves once highlights are painted (or, after
 * `window.__cmBenchArmed` is set, once the summary panel shows: a page with
 * nothing to mark) with `{at, ranges}`: `at` the end of that frame (a
 * message posted from its requestAnimationFrame callback runs after the
 * frame is rendered), wall-clock ms. `window.__cmBenchCount()` counts the
 * highlighted ranges.
 */
export const WATCHER = `(() => {
  let resolve;
  const done = new Promise((r) => { resolve = r; });
  Object.defineProperty(window, '__cmBenchPainted', { value: done });
  const count = () => {
    let n = 0;
    for (const [name, hl] of CSS.highlights) if (name.startsWith('clausemark-') && name !== 'clausemark-focus') n += hl.size;
    return n;
  };
  const panelShown = () => !!document.querySelector('clausemark-root')?.shadowRoot?.querySelector('.panel:not([hidden])');
  const tick = () => {
    const n = count();
    if (n > 0 || (window.__cmBenchArmed && panelShown())) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve({ at: performance.timeOrigin + performance.now(), ranges: n });
      ch.port2.postMessage(0);
    } else {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
  Object.defineProperty(window, '__cmBenchCount', { value: count });
})();`;

/** Wall-clock ms in this process, on the pages' clock. */
export const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Clicks the toolbar button on `page` (a tab opened with WATCHER installed)
 * and waits until the highlights are painted. Returns `{clickAt, paintedAt}`
 * in wall-clock ms; `clickAt` is taken just before the CDP command is sent
 * (the tab target is looked up first: not part of the click). Throws, with
 * the worker's console errors since the click, when nothing is painted
 * within 30 s.
 * @param {import('../../tests/e2e/lib/chromium.mjs').ChromiumHarness} h
 * @param {import('playwright-core').Page} page
 * @param {{ at: number, text: string }[]} workerErrors the worker's console errors, as collected
 * @param {string} name the page's name, for the error
 */
export async function timedClick(h, page, workerErrors, name) {
  await page.evaluate(() => { window.__cmBenchArmed = true; });
  const target = await h.tabTarget(page);
  const errorsFrom = Date.now();
  const clickAt = wallNow();
  await h.clickAction(page, target);
  const painted = await page.evaluate(() => Promise.race([
    window.__cmBenchPainted,
    new Promise((resolve) => setTimeout(() => resolve(null), 30_000)),
  ]));
  if (!painted) {
    const why = workerErrors.filter((e) => e.at >= errorsFrom).map((e) => e.text);
    const host = await page.evaluate(() => !!document.querySelector('clausemark-root'));
    throw new Error(`${name}: no highlight painted within 30 s of the click (UI on the page: ${host}; worker errors: ${JSON.stringify(why)})`);
  }
  return { clickAt, paintedAt: painted.at };
}

/** The median of a non-empty list of numbers. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds for a table: one decimal under 10 ms. */
export const fmt = (ms) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
