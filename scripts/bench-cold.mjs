#!/usr/bin/env node
// Cold-start benchmark of the extension in headless Chromium (`make
// bench-cold`): the toolbar click that wakes a stopped service worker — the
// usual click, as Chrome stops an idle MV3 worker after about 30 s — next to
// a click on a running, warmed-up worker, for three policies of
// ../shared/corpus/policies/latest/ (a large, a mid-size and a small one).
//
// Method, per policy and run: a fresh tab loads the page; the worker is
// stopped as Chrome stops an idle one (CDP `ServiceWorker.stopAllWorkers`,
// waiting until its target is gone); the click is CDP
// `Extensions.triggerAction`, timed from just before it is sent to the end
// of the frame that shows the highlights (scripts/lib/click.mjs). Then
// another fresh tab of the same page is clicked with the worker running
// (warm). The cold click is broken down with the worker's own clock
// (background/core.js `startup`, summary.timings):
//   wake     click → the worker's global is created (Chrome starts it),
//   load     → its module scripts have run,
//   wasm     → the wasm is instantiated (`ready`),
//   warm-up  → the warm-up analysis of a few sentences returned,
//   analyze  the page's own `analyze` call in the worker (wasmMs),
//   rest     the click's time outside warm-up and analysis up to `ready` … painted
//            (injection and collection overlap the start-up; messages; painting).
// Medians of `--runs` runs (default 5) of each column.
//
// Writes a Markdown table to stdout and to target/bench-cold.md.
// Usage: node scripts/bench-cold.mjs [--runs N] [--only SUBSTRING]
// Needs `make extension` and Debian's chromium (CHROMIUM_PATH overrides).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { launchChromium } from '../tests/e2e/lib/chromium.mjs';
import { startPageServer, ROOT } from '../tests/e2e/lib/server.mjs';
import { WATCHER, benchSetup, fmt, median, timedClick } from './lib/click.mjs';

/** Name prefixes of the policies measured: large (≈ 126 KB), mid-size (≈ 46 KB), small (≈ 19 KB). */
const PICKS = ['paypal__privacy-policy', 'spotify__privacy-policy', 'netflix__terms-of-service'];
const { runs: RUNS, policies: POLICIES, files: all } = benchSetup('bench-cold', 5);
const files = PICKS.map((p) => all.find((f) => f.startsWith(p))).filter(Boolean);
if (!files.length) {
  console.error(`bench-cold: none of ${PICKS.join(', ')} in ${POLICIES} (or not matching --only)`);
  process.exit(2);
}

const server = await startPageServer();
const h = await launchChromium({ perf: false });
await h.context.addInitScript(WATCHER);
/** The service worker's console errors, for the diagnosis of a lost click. */
const workerErrors = [];
h.worker().on('console', (m) => { if (m.type() === 'error') workerErrors.push({ at: Date.now(), text: m.text() }); });

/**
 * One click on a fresh tab of `name`; with `cold`, the worker is stopped
 * first. Returns the click's time and, cold, its breakdown (ms).
 */
async function measure(name, cold) {
  const page = await h.open(server.url(`/policies/${name}.html`));
  try {
    await page.waitForTimeout(100);
    if (cold) await h.stopWorker(page);
    const { clickAt, paintedAt } = await timedClick(h, page, workerErrors, name);
    // The worker records this click's timings once the page's summary is back: wait for them.
    const tabId = await h.tabId(page);
    let last = null;
    for (const deadline = Date.now() + 10_000; last?.tabId !== tabId && Date.now() < deadline;) {
      last = await h.evalWorker(() => self.clausemark.lastTimings());
      if (last?.tabId !== tabId) await page.waitForTimeout(50);
    }
    const s = await h.evalWorker(() => self.clausemark.startup());
    const t = last?.tabId === tabId ? last.timings ?? {} : {};
    const run = { clickMs: paintedAt - clickAt, analyzeMs: t.wasmMs ?? NaN };
    if (!cold) return run;
    if (s.origin < clickAt || s.warmed == null) {
      throw new Error(`${name}: the worker did not start after the click (origin ${s.origin - clickAt} ms, warmed ${s.warmed})`);
    }
    return {
      ...run,
      wakeMs: s.origin - clickAt,
      loadMs: s.loaded - s.origin,
      wasmMs: s.ready - s.loaded,
      warmUpMs: s.warmed - s.ready,
      restMs: paintedAt - clickAt - (s.warmed - clickAt) - run.analyzeMs,
    };
  } finally {
    await page.close();
  }
}

/** `measure`, tried once more in a fresh tab after a failure (one lost click must not sink the run). */
async function measureOrRetry(name, cold, failures) {
  try {
    return await measure(name, cold);
  } catch (e) {
    process.stderr.write(`${e.message}; retrying\n`);
    failures.push(e.message);
    return measure(name, cold);
  }
}

const rows = [];
const failures = [];
try {
  await measure(files[0].slice(0, -3), false); // warm-up of the browser (JIT, caches), not reported
  for (const f of files) {
    const name = f.slice(0, -3);
    const cold = [];
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(await measureOrRetry(name, true, failures));
      warm.push(await measureOrRetry(name, false, failures));
    }
    const col = (runs, key) => median(runs.map((r) => r[key]));
    const row = {
      name: name.replace(/__\d{4}-\d{2}-\d{2}$/, ''),
      kb: readFileSync(join(POLICIES, f)).length / 1024,
      coldMs: col(cold, 'clickMs'),
      minColdMs: Math.min(...cold.map((r) => r.clickMs)),
      warmMs: col(warm, 'clickMs'),
      wakeMs: col(cold, 'wakeMs'),
      loadMs: col(cold, 'loadMs'),
      wasmMs: col(cold, 'wasmMs'),
      warmUpMs: col(cold, 'warmUpMs'),
      coldAnalyzeMs: col(cold, 'analyzeMs'),
      warmAnalyzeMs: col(warm, 'analyzeMs'),
      restMs: col(cold, 'restMs'),
    };
    rows.push(row);
    process.stderr.write(`${row.name}: cold ${fmt(row.coldMs)} ms (min ${fmt(row.minColdMs)}; wake ${fmt(row.wakeMs)}, load ${fmt(row.loadMs)}, ` +
      `wasm ${fmt(row.wasmMs)}, warm-up ${fmt(row.warmUpMs)}, analyze ${fmt(row.coldAnalyzeMs)}, rest ${fmt(row.restMs)}); ` +
      `warm ${fmt(row.warmMs)} ms (analyze ${fmt(row.warmAnalyzeMs)})\n`);
  }
} finally {
  await h.close();
  await server.close();
}

const lines = [
  `Clausemark in headless Chromium (${cpus().length} cores): click → painted with the service worker stopped first (cold) and running (warm), ` +
    `median of ${RUNS} run${RUNS === 1 ? '' : 's'} each.`,
  'Cold breakdown (worker clock): "wake" click → worker started; "load" its scripts run; "wasm" instantiation; "warm-up" the warm-up analysis;',
  '"analyze" the page\'s `analyze` call; "rest" everything else (injection and collection overlap start-up; messages; painting). Medians, so they need not add up.',
  '',
  '| policy | Markdown KB | cold (ms) | warm (ms) | wake | load | wasm | warm-up | analyze (cold) | analyze (warm) | rest |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.kb.toFixed(0)} | ${fmt(r.coldMs)} | ${fmt(r.warmMs)} | ${fmt(r.wakeMs)} | ${fmt(r.loadMs)} | ` +
    `${fmt(r.wasmMs)} | ${fmt(r.warmUpMs)} | ${fmt(r.coldAnalyzeMs)} | ${fmt(r.warmAnalyzeMs)} | ${fmt(r.restMs)} |`),
  '',
  ...(failures.length ? [`Runs retried after a failure: ${failures.length} (${failures.join('; ')}).`, ''] : []),
];
const md = lines.join('\n');
process.stdout.write(md);
mkdirSync(join(ROOT, 'target'), { recursive: true });
writeFileSync(join(ROOT, 'target/bench-cold.md'), md);
process.stderr.write('written to target/bench-cold.md\n');
