#!/usr/bin/env node
// Where a toolbar click's time goes, on one page (`make profile-click`,
// PAGE=<policy name substring>): a Chromium performance trace of the click
// → highlights painted, printed as one timeline of the tasks of the three
// threads involved — the browser's main thread (extension API calls,
// message routing), the extension's service worker (the wasm) and the
// page's main thread (content script, style, layout, paint) — each task with
// its duration and the biggest events inside it.
//
// The click is CDP `Extensions.triggerAction`, as in bench-extension.mjs;
// "painted" is the end of the first frame showing highlights (a user-timing
// mark `cm-painted` from the page). Marks named `clausemark:*` that the
// content script sets show in the timeline too. Warm: the page is clicked
// `--warm` times before (in fresh tabs), as the benchmark's warm-up does.
//
// Usage: node scripts/profile-click.mjs [--only SUBSTRING] [--warm N] [--min MS] [--trace FILE]
// Needs `make extension`, the shared corpus and Debian's chromium.

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium } from '../tests/e2e/lib/chromium.mjs';
import { startPageServer, SHARED_CORPUS } from '../tests/e2e/lib/server.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const ONLY = opt('--only', 'paypal__privacy');
const WARM = Number(opt('--warm', '2'));
const MIN_MS = Number(opt('--min', '0.3'));
const TRACE_OUT = opt('--trace', '');

const POLICIES = join(SHARED_CORPUS, 'policies/latest');
if (!existsSync(POLICIES)) {
  console.log(`profile-click: skipped: ${POLICIES} is absent`);
  process.exit(0);
}
const file = readdirSync(POLICIES).filter((f) => f.endsWith('.md') && f.includes(ONLY)).sort()[0];
if (!file) {
  console.error(`profile-click: no policy matching "${ONLY}"`);
  process.exit(2);
}
const name = file.slice(0, -3);

/** Marks `cm-painted` at the end of the first frame with highlights. */
const WATCHER = `(() => {
  const tick = () => {
    let n = 0;
    for (const [k, hl] of CSS.highlights) if (k.startsWith('clausemark-')) n += hl.size;
    if (n > 0) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { performance.mark('cm-painted'); window.__cmPainted = true; window.__cmPaintedResolve?.(); };
      ch.port2.postMessage(0);
    } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

const CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'toplevel',
  'extensions', 'ipc', 'mojom', 'v8', '__metadata',
];

const server = await startPageServer();
const h = await launchChromium({ perf: false, proxy: false });
await h.context.addInitScript(WATCHER);

async function click(trace) {
  const page = await h.open(server.url(`/policies/${name}.html`));
  await page.waitForTimeout(200);
  const target = await h.tabTarget(page);
  let events = null;
  let tracing = null;
  if (trace) {
    events = [];
    h.cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    await h.cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
    tracing = true;
  }
  await page.evaluate(() => performance.mark('cm-click'));
  await h.clickAction(page, target);
  // Not waitForFunction: it injects Playwright's own script into the page, a task of its own in the trace.
  const painted = await page.evaluate(() => Promise.race([
    window.__cmPainted || new Promise((r) => { window.__cmPaintedResolve = () => r(true); }),
    new Promise((r) => setTimeout(() => r(false), 15_000)),
  ]));
  if (!painted) throw new Error(`${name}: no highlight painted within 15 s of the click (a lost toolbar click: run again)`);
  await page.waitForTimeout(300);
  if (tracing) {
    const done = new Promise((r) => h.cdp.once('Tracing.tracingComplete', r));
    await h.cdp.send('Tracing.end');
    await done;
  }
  await page.close();
  return events;
}

let events;
try {
  for (let i = 0; i < WARM; i++) await click(false);
  events = await click(true);
} finally {
  await h.close();
  await server.close();
}
if (TRACE_OUT) writeFileSync(TRACE_OUT, JSON.stringify({ traceEvents: events }));

const threadName = new Map();
const processName = new Map();
for (const e of events) {
  if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  if (e.ph === 'M' && e.name === 'process_labels') processName.set(e.pid, e.args.labels);
}
const marks = events.filter((e) => e.cat?.includes('blink.user_timing') && (e.ph === 'R' || e.ph === 'I' || e.ph === 'n' || e.ph === 'b' || e.ph === 'e'));
const clickMark = marks.find((e) => e.name === 'cm-click');
const paintedMark = marks.find((e) => e.name === 'cm-painted');
if (!clickMark || !paintedMark) {
  console.error(`profile-click: marks missing in the trace (click: ${!!clickMark}, painted: ${!!paintedMark})`);
  process.exit(1);
}
const t0 = clickMark.ts;
const t1 = paintedMark.ts;
const pagePid = clickMark.pid;
const pageTid = clickMark.tid;

/** Threads worth showing: the page's main, the extension's worker, the browser's main. */
const keep = (e) => {
  const n = threadName.get(`${e.pid}:${e.tid}`) ?? '';
  if (e.pid === pagePid && e.tid === pageTid) return 'page';
  if (n === 'CrBrowserMain') return 'browser';
  if (/ServiceWorker/i.test(n)) return 'worker';
  return null;
};
const candidates = events.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') &&
  e.ts + e.dur >= t0 && e.ts <= t1 + 5000 && e.dur >= MIN_MS * 1000 && keep(e));
// Both names wrap the same task on some threads: keep the outermost.
const tasks = candidates.filter((e) => !candidates.some((o) => o !== e && o.pid === e.pid && o.tid === e.tid &&
  o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && (o.dur > e.dur || (o.dur === e.dur && o.name === 'RunTask' && e.name !== 'RunTask'))));
const inside = (t) => events.filter((e) => e !== t && e.ph === 'X' && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur >= 200);
const ms = (us) => (us / 1000).toFixed(1);
const lines = [];
for (const t of tasks.sort((a, b) => a.ts - b.ts)) {
  const top = inside(t)
    .filter((e) => !/RunTask|ThreadController/.test(e.name))
    .sort((a, b) => b.dur - a.dur)
    .slice(0, 5)
    .map((e) => `${e.name}${e.args?.data?.url ? `(${String(e.args.data.url).split('/').pop()})` : ''}${e.args?.data?.functionName ? `(${e.args.data.functionName})` : ''} ${ms(e.dur)}`);
  lines.push(`${ms(t.ts - t0).padStart(7)} +${ms(t.dur).padStart(5)}  ${keep(t).padEnd(7)} ${top.join(', ')}`);
}
for (const m of marks.filter((e) => e.name.startsWith('clausemark:') || e.name.startsWith('cm-'))) {
  lines.push(`${ms(m.ts - t0).padStart(7)}  mark   ${m.name}`);
}
lines.sort((a, b) => parseFloat(a) - parseFloat(b));
console.log(`${name}: click → painted ${ms(t1 - t0)} ms (trace clock); tasks ≥ ${MIN_MS} ms on the page, worker and browser main threads:`);
console.log('  at(ms)   dur   thread  biggest events inside (ms)');
for (const l of lines) console.log(l);
