// @ts-check
/**
 * The page side of Clausemark: answers the background's `cm:` messages
 * (see protocol.js) and keeps the annotation in step with the page.
 *
 *   cm:annotate {settings} → {summary} once the highlights are painted
 *   cm:explain {text}      → {findings} and a card for the selection (or text)
 *   cm:focus {index}       → {ok: true}: scrolls to that finding, flashes it, opens its card
 *   cm:clear               → {ok: true}: highlights, markers and host removed
 *
 * Flow of an annotation: collect (textmap, sliced) → analyze (background) →
 * anchor (ranges) → paint (highlights, markers, panel) → two animation
 * frames → answer. A second annotate on an unchanged page whose panel is
 * open closes the panel (the toolbar button toggles it); otherwise it
 * re-annotates and opens it.
 *
 * With change tracking on, content/changes.js then compares the page with
 * the version remembered for its URL and shows what changed (banner,
 * `clausemark-changed` highlight); `summary.changes` reports it.
 *
 * After an annotation, content/watch.js reports page changes (debounced,
 * never polled): the page is re-collected and re-analysed only if its text
 * changed; if neither text nor nodes changed, only the markers move.
 *
 * Split: content/annotation.js (the annotation's state; reading the page,
 * analysing it, anchoring the findings), content/view.js (painting it:
 * highlights, markers, panel, cards, focus), content/explain.js (a
 * passage's card); this file runs annotations one at a time, follows the
 * page's changes, and answers the messages.
 *
 * Nothing is exposed on the page's window: everything lives in the
 * extension's isolated world (`ClausemarkContent` there, for the other
 * content files and content/auto.js).
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.main) return; // injected twice into one world
  const P = root.ClausemarkProtocol;
  const { textmap, highlights, ui, markers, cards, panel, selection, hittest, watch: watcher, changes, context, annotation, view, explainer } = NS;
  const { state, categories, styles, analyze, read, sameTexts, round, intact, anchor } = annotation;
  const { paint, openCard, focus } = view;
  const { explain } = explainer;
  const ext = root.browser?.runtime ? root.browser : root.chrome;

  /** Operations run one at a time (an annotate never races a re-anchor). */
  let chain = Promise.resolve();
  /** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
  function serial(fn) {
    busy++;
    const p = chain.then(fn, fn).finally(() => busy--);
    chain = p.then(() => {}, () => {});
    return p;
  }

  /** Whether this copy of the extension is still loaded (not updated or removed). */
  function alive() {
    try {
      return !!ext?.runtime?.id;
    } catch {
      return false;
    }
  }

  /**
   * A reading of the page (collection + analysis) started by `start`
   * before its settings arrived.
   * @type {{ seen: number, work: Promise<Reading> } | null}
   */
  let prepared = null;
  /** How many operations of `serial` are running or queued. */
  let busy = 0;
  /**
   * The annotation content/start.js began, for the `cm:annotate` of the same
   * click to answer with (null: none, or taken).
   * @type {{ settings: Promise<any>, summary: Promise<any> } | null}
   */
  let started = null;

  /**
   * Run by content/start.js, which the toolbar click injects right after
   * these scripts: annotates the page at once, without waiting for
   * `cm:annotate` (the background sends it only once the injection is
   * reported back, and while its analysis runs it can send nothing). The
   * reading starts before the settings arrive; the `cm:annotate` of the
   * same click then answers with this annotation's summary (see `handle`).
   * Only on a page not annotated yet and with nothing else running: on an
   * annotated page the click toggles the panel, which `cm:annotate` decides.
   */
  function start() {
    started = null;
    if (state.summary || busy || prepared) return;
    const type = document.contentType;
    if (type && !/html|xml|^text\//.test(type)) return; // a PDF viewer, an image: the background refuses those
    watch();
    categories();
    context.table();
    const work = read();
    work.catch(() => {}); // reported by the annotation that uses it
    prepared = { seen: watcher.mutations(), work };
    const settings = Promise.resolve(P.requestSettings());
    const summary = settings.then((s) => annotate(s, { toggle: false }));
    settings.catch(() => {});
    summary.catch(() => {}); // `cm:annotate` reports it (or annotates afresh)
    started = { settings, summary };
  }

  /**
   * Annotates the page: the summary, after the highlights are painted.
   * @param {any} settings
   * @param {{ auto?: boolean, toggle?: boolean, reanchor?: boolean }} [how]
   *   auto: panel left closed, nothing painted on a page that is not a policy (and the
   *   highlight CSS asked for only once the analysis says it is one);
   *   toggle: on an unchanged page with the panel open, just close the panel;
   *   reanchor: the page changed under an annotation (panel left as it is).
   */
  function annotate(settings, how = {}) {
    // A reading `start` began is this annotation's if nothing changed since.
    const early = how.auto || how.reanchor ? null : prepared;
    prepared = null;
    return serial(async () => {
      const t0 = performance.now();
      if (how.toggle && state.summary && panel.isOpen() && state.paintedAt === watcher.mutations() &&
          JSON.stringify(settings) === JSON.stringify(state.settings)) {
        panel.close();
        state.summary.panelOpen = false;
        return { ...state.summary, timings: { ...zeroTimings, totalMs: round(performance.now() - t0) } };
      }
      state.settings = settings;
      watch();
      const catsP = categories();
      const prevalenceP = context.table(); // cached after the first page
      /** @type {any} */ let map;
      /** @type {any} */ let analysis;
      let reuse = false;
      const seen = watcher.mutations();
      let collectMs;
      let analyzeMs;
      let wasmMs = 0;
      if (early && early.seen === seen) {
        ({ map, analysis, collectMs, analyzeMs, wasmMs } = await early.work);
      } else {
        const t1 = performance.now();
        map = await textmap.collect();
        collectMs = performance.now() - t1;
        reuse = sameTexts(map.texts, state.texts) && map.kinds === state.map?.kinds;
        const t2 = performance.now();
        if (reuse) analysis = state.analysis;
        else ({ analysis, wasmMs } = await analyze(map.texts, map.kinds, !how.auto));
        analyzeMs = performance.now() - t2;
      }
      const cats = await catsP;
      if (how.reanchor && reuse && state.shown.every(intact)) {
        // Same text, same nodes (a class or style changed): only the layout may have moved.
        markers.refresh();
        state.paintedAt = watcher.mutations();
        return state.summary;
      }
      if (how.auto && analysis.kind === 'other') {
        // Auto-annotation only marks pages that turn out to be policies.
        clear();
        return null;
      }
      // Auto mode asks for the CSS only now that the page is known to be a policy.
      if (how.auto) await styles();
      state.map = map;
      state.analysis = analysis;
      state.texts = map.texts;
      const t3 = performance.now();
      state.shown = await anchor(map, analysis, settings, () => watcher.mutations() !== seen);
      const t4 = performance.now();
      const summary = await paint(analysis, settings, cats, how.auto || how.reanchor ? 'keep' : 'open');
      const t5 = performance.now();
      state.prevalence = await prevalenceP;
      summary.changes = await changes.update({ map, analysis, settings, shown: state.shown, categories: cats, reanchor: how.reanchor });
      const t6 = performance.now();
      state.paintedAt = watcher.mutations();
      watch(); // shadow roots and iframes found by this collection
      const { paintMs, uiMs } = summary.timings;
      summary.timings = {
        collectMs: round(collectMs), analyzeMs: round(analyzeMs), wasmMs, anchorMs: round(t4 - t3), paintMs, uiMs,
        toPaintedMs: round(t4 - t0 + paintMs), changesMs: round(t6 - t5), totalMs: round(t6 - t0),
        busyCollectMs: round(map.stats.busyMs), maxSliceMs: round(map.stats.maxSliceMs), analysisReused: reuse,
      };
      state.summary = summary;
      return summary;
    });
  }

  const zeroTimings = Object.freeze({ collectMs: 0, analyzeMs: 0, anchorMs: 0, paintMs: 0, uiMs: 0, totalMs: 0 });

  /** Observes the page's documents and shadow roots (the latest map's too). */
  function watch() {
    watcher.start([document, ...(state.map?.docs ?? []), ...(state.map?.shadows ?? [])], reanchor);
  }

  /** Re-collects after the page changed: re-analyses if its text changed, then repaints. */
  function reanchor() {
    if (!alive()) return teardown();
    if (!state.summary) return;
    const open = cards.openIndex();
    annotate(state.settings, { reanchor: true })
      .then(() => {
        if (open !== null && !cards.isOpen() && state.shown[open]) openCard(open, markers.get(open));
      })
      .catch((e) => console.warn('clausemark: re-anchoring failed:', e?.message ?? e));
  }

  /** Removes everything Clausemark put on the page. */
  function clear() {
    watcher.stop();
    hittest.stop();
    selection.disable();
    cards.close(false);
    changes.clear();
    markers.clear();
    panel.clear();
    highlights.clear();
    ui.unmount();
    Object.assign(state, { map: null, analysis: null, texts: null, shown: [], summary: null, paintedAt: -1 });
  }

  /** This copy of the extension was unloaded: stop listening, leave the page (and a newer copy) alone. */
  function teardown() {
    watcher.stop();
    hittest.stop();
    selection.disable();
  }

  // ---------------------------------------------------------------------------
  // Messages

  /** @param {unknown} msg @returns {Promise<object>} */
  async function handle(msg) {
    const parsed = P.parseContentMessage(msg);
    if ('error' in parsed) return { error: parsed.error };
    const m = parsed.message;
    try {
      switch (m.type) {
        case P.Type.ANNOTATE: {
          // The click that sent this injected content/start.js first, which may
          // have begun the annotation: its summary is the answer, if made with
          // these settings (else, or if it failed, annotate as asked).
          const joined = started;
          started = null;
          if (joined && JSON.stringify(await joined.settings.catch(() => null)) === JSON.stringify(m.settings)) {
            const summary = await joined.summary.catch(() => null);
            if (summary) return { summary };
          }
          // `toggle: false` in the message asks for a fresh annotation even if the panel is open.
          return { summary: await annotate(m.settings, { toggle: /** @type {any} */ (msg).toggle !== false }) };
        }
        case P.Type.EXPLAIN: {
          const live = selection.current();
          const from = /** @type {HTMLElement | null} */ (document.activeElement);
          return await explain(live?.text ?? m.text, live?.box ?? null, from);
        }
        case P.Type.FOCUS:
          return await serial(async () => focus(m.index));
        case P.Type.CLEAR:
          await serial(async () => clear());
          return { ok: true };
      }
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    return { error: 'clausemark: unhandled page message' };
  }

  if (ext?.runtime?.onMessage) {
    ext.runtime.onMessage.addListener((/** @type {any} */ msg, /** @type {any} */ sender, /** @type {(r: object) => void} */ sendResponse) => {
      if (typeof msg?.type !== 'string' || !msg.type.startsWith('cm:')) return false;
      if (sender?.id && sender.id !== ext.runtime.id) return false;
      handle(msg).then(sendResponse);
      return true; // answered asynchronously
    });
  }

  NS.main = Object.freeze({ annotate, start, clear, isAnnotated: () => !!state.summary });
})(/** @type {any} */ (globalThis));
