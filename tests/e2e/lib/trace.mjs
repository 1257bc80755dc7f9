// Chromium performance trace of one page, to tell WHO held the page's main
// thread in each long task: script (the content script, its messages and
// the garbage it makes, style/layout it forces) or the browser's own
// rendering update (style recalc, layout, paint of a frame).
//
// Why not PerformanceObserver('longtask'): it reports a duration and
// nothing else, and in this Chromium it misses tasks of the content script
// (an isolated world) more often than not — a 500 ms collection slice went
// unreported in some runs. And on a 50,000-element page, inserting ANY
// stylesheet holding a `::highlight()` rule makes Chromium recompute the
// style of every element in the next frame (measured here: ≈ 250–700 ms on
// the huge fixture, with no extension involved; a plain `.x{}` rule costs
// nothing), and the Custom Highlight API needs such a sheet. That frame is
// the browser's rendering work, not a task of the content script; the
// issue's requirement is about the content script.

/** Trace categories: enough for tasks, lifecycle phases, script and GC. */
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', '__metadata'];

/**
 * Starts a trace on the browser session of a harness; `stop()` resolves to
 * the events.
 * @param {import('playwright-core').CDPSession} cdp a browser CDP session
 */
export async function startTrace(cdp) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await done;
      cdp.off('Tracing.dataCollected', onData);
      return events;
    },
  };
}

/**
 * Events during which JavaScript runs (callbacks, microtasks — where awaited
 * message replies resume — timers, frames, events, scripts). Whatever
 * happens inside them (GC, forced style or layout) is the script's doing.
 */
const SCRIPT = new Set(['FunctionCall', 'RunMicrotasks', 'EvaluateScript', 'v8.run', 'V8.Execute', 'TimerFire',
  'FireAnimationFrame', 'EventDispatch', 'v8.callFunction', 'V8.ScriptCompiler', 'v8.compile']);

/**
 * Long tasks (> `threshold` ms) on the main thread of the renderer that
 * shows frame `frameId` (a page's CDP target id is its main frame id).
 * Each with its duration and `scriptMs`, the part of it spent running
 * JavaScript (and what that script triggered synchronously: GC, forced
 * style/layout); the rest is the browser's own work (rendering a frame,
 * parsing, IPC).
 * @param {any[]} events
 * @param {string} frameId
 * @param {{ threshold?: number }} [opts]
 */
export function longTasks(events, frameId, { threshold = 50 } = {}) {
  const withFrame = events.find((e) => e.args?.data?.frame === frameId || e.args?.frame === frameId);
  if (!withFrame) throw new Error(`no trace event names frame ${frameId}`);
  const pid = withFrame.pid;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error(`no CrRendererMain thread in process ${pid}`);
  const tid = main.tid;
  const mine = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number');
  const tasks = mine.filter((e) => e.name === 'RunTask' && e.dur > threshold * 1000);
  return tasks.map((t) => {
    const end = t.ts + t.dur;
    const inside = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= end);
    // Union of the script intervals (they nest).
    const spans = inside.filter((e) => SCRIPT.has(e.name)).map((e) => [e.ts, e.ts + e.dur]).sort((a, b) => a[0] - b[0]);
    let scriptUs = 0;
    let cur = null;
    for (const [a, b] of spans) {
      if (cur && a <= cur[1]) cur[1] = Math.max(cur[1], b);
      else { if (cur) scriptUs += cur[1] - cur[0]; cur = [a, b]; }
    }
    if (cur) scriptUs += cur[1] - cur[0];
    const names = new Map();
    for (const e of inside) if (e.dur > 5000) names.set(e.name, Math.max(names.get(e.name) ?? 0, e.dur));
    return {
      ts: t.ts,
      ms: Math.round(t.dur / 1000),
      scriptMs: Math.round(scriptUs / 1000),
      top: [...names].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, d]) => `${n} ${Math.round(d / 1000)}ms`),
    };
  });
}
