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
 * Nothing is exposed on the page's window: everything lives in the
 * extension's isolated world (`ClausemarkContent` there, for the other
 * content files and content/auto.js).
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.main) return; // injected twice into one world
  const P = root.ClausemarkProtocol;
  const { textmap, highlights, ui, markers, cards, panel, exporter, selection, hittest, watch: watcher, changes, context } = NS;
  const ext = root.browser?.runtime ? root.browser : root.chrome;

  /**
   * @typedef {{ index: number, finding: any, ranges: Range[], el: Element | null }} Shown
   */
  const state = {
    /** @type {any} */ settings: P.DEFAULT_SETTINGS,
    /** @type {Map<string, any> | null} */ categories: null,
    /** @type {any} */ map: null,
    /** @type {any} */ analysis: null,
    /** @type {string[] | null} */ texts: null,
    /** @type {Shown[]} */ shown: [],
    /** @type {any} */ summary: null,
    /** `watch.mutations()` when last painted. */
    paintedAt: -1,
    /** The prevalence table (content/ui/context.js). @type {any[]} */
    prevalence: [],
  };

  /** Operations run one at a time (an annotate never races a re-anchor). */
  let chain = Promise.resolve();
  /** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
  function serial(fn) {
    const p = chain.then(fn, fn);
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

  async function categories() {
    if (!state.categories) {
      try {
        state.categories = new Map((/** @type {any[]} */ (await P.requestTaxonomy())).map((c) => [c.id, c]));
      } catch {
        return new Map(); // cards show less; not worth failing the annotation
      }
    }
    return state.categories;
  }

  /** Resolves after the next frame has been painted (two rAFs); at once in a hidden tab. */
  function painted() {
    if (document.visibilityState === 'hidden') return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, 1000);
      requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(t); resolve(undefined); }));
    });
  }

  /** @param {string[]} a @param {string[] | null} b */
  function sameTexts(a, b) {
    return !!b && a.length === b.length && a.every((t, i) => t === b[i]);
  }

  /**
   * Annotates the page: the summary, after the highlights are painted.
   * @param {any} settings
   * @param {{ auto?: boolean, toggle?: boolean, reanchor?: boolean, beforePaint?: () => Promise<void> }} [how]
   *   auto: panel left closed, nothing painted on a page that is not a policy;
   *   beforePaint: runs once the page is known to get painted (auto.js inserts the CSS);
   *   toggle: on an unchanged page with the panel open, just close the panel;
   *   reanchor: the page changed under an annotation (panel left as it is).
   */
  function annotate(settings, how = {}) {
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
      const seen = watcher.mutations();
      const map = await textmap.collect();
      const t1 = performance.now();
      const reuse = sameTexts(map.texts, state.texts);
      const analysis = reuse ? state.analysis : await P.requestAnalysis(map.texts);
      const t2 = performance.now();
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
      if (how.beforePaint) await how.beforePaint();
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
        collectMs: round(t1 - t0), analyzeMs: round(t2 - t1), anchorMs: round(t4 - t3), paintMs, uiMs,
        toPaintedMs: round(t4 - t0 + paintMs), changesMs: round(t6 - t5), totalMs: round(t6 - t0),
        busyCollectMs: round(map.stats.busyMs), maxSliceMs: round(map.stats.maxSliceMs), analysisReused: reuse,
      };
      state.summary = summary;
      return summary;
    });
  }

  /** @param {number} ms */
  const round = (ms) => Math.round(ms * 10) / 10;
  const zeroTimings = Object.freeze({ collectMs: 0, analyzeMs: 0, anchorMs: 0, paintMs: 0, uiMs: 0, totalMs: 0 });

  /** Whether a finding's ranges still sit in the page. @param {Shown} s */
  function intact(s) {
    return s.ranges.every((r) => !r.collapsed && r.startContainer.isConnected && r.endContainer.isConnected);
  }

  /**
   * The shown findings (after the settings' filters) with their ranges,
   * in slices (a page can have thousands). When the page changed since it
   * was read, each range's text is checked against the finding's.
   * @param {any} map @param {any} analysis @param {any} settings @param {() => boolean} dirty
   * @returns {Promise<Shown[]>}
   */
  async function anchor(map, analysis, settings, dirty) {
    const out = [];
    let start = performance.now();
    for (const f of analysis.findings) {
      if (!P.isShown(f, settings)) continue;
      let ranges = textmap.toRanges(map, f.block, f.blockStartUtf16, f.blockEndUtf16);
      if (ranges.length && dirty() && textmap.squash(ranges.map(String).join('')) !== textmap.squash(f.text)) ranges = [];
      out.push({ index: out.length, finding: f, ranges, el: map.blocks[f.block]?.el ?? null });
      if (performance.now() - start > 8) {
        await textmap.yieldToPage();
        start = performance.now();
      }
    }
    return out;
  }

  /**
   * Paints the highlights and waits until they are on screen, then builds
   * the markers and the panel (in the frames after, so the highlights' frame
   * carries nothing else). Resolves to the summary once all of it is there;
   * `paintMs` is the highlights' part, `uiMs` the rest.
   * @param {any} analysis @param {any} settings @param {Map<string, any>} cats @param {'open' | 'keep'} panelMode
   */
  async function paint(analysis, settings, cats, panelMode) {
    const t0 = performance.now();
    const shown = state.shown;
    if (cards.isOpen()) cards.close(false);
    highlights.paint(shown.map((s) => ({ risk: s.finding.risk, ranges: s.ranges })),
      (/** @type {{ ranges: AbstractRange[] }} */ item) => boxOf(/** @type {Range[]} */ (item.ranges))?.top ?? Infinity);
    ui.mount();
    ui.setTheme(settings.theme);
    await painted();
    const t1 = performance.now();
    // painted() resolves inside an animation frame: building the markers and
    // the panel there would add to that frame's task; start a fresh one.
    await textmap.yieldToPage();
    /** @type {Record<string, number>} */
    const counts = { good: 0, neutral: 0, caution: 0, bad: 0 };
    for (const s of shown) counts[s.finding.risk]++;
    const summary = {
      url: location.href,
      title: document.title,
      kind: analysis.kind,
      kindScores: analysis.kindScores,
      grade: analysis.grade,
      gradeBasis: analysis.gradeBasis,
      counts,
      findings: shown.map((s) => ({
        index: s.index, category: s.finding.category, risk: s.finding.risk, summary: s.finding.summary,
        text: s.finding.text, painted: s.ranges.length > 0,
      })),
      painted: shown.filter((s) => s.ranges.length).length,
      hidden: analysis.findings.length - shown.length,
      panelOpen: false,
      /** @type {any} */ timings: null,
    };
    const markersDone = markers.set(
      shown.filter((s) => s.ranges.length && s.el).map((s) => ({
        index: s.index, risk: s.finding.risk, label: s.finding.summary, ranges: s.ranges, el: /** @type {Element} */ (s.el),
      })),
      (/** @type {number} */ i, /** @type {HTMLElement} */ from) => openCard(i, from));
    const panelDone = panel.render(summary, {
      categories: cats,
      onSelect: (/** @type {number} */ i, /** @type {HTMLElement} */ from) => focus(i, from),
      onExport: (/** @type {'markdown' | 'json' | 'annotations'} */ format) => exporter.download(state.summary ?? summary, cats, format, {
        places: state.shown.map((s) => ({
          index: s.index, ranges: s.ranges, block: s.finding.block, blockStart: s.finding.blockStartUtf16, blockEnd: s.finding.blockEndUtf16,
        })),
        blockTexts: state.texts,
      }),
    });
    if (panelMode === 'open') panel.open(true);
    summary.panelOpen = panel.isOpen();
    hittest.listen(state.map.docs, () => state.shown.map((x) => ({ index: x.index, risk: x.finding.risk, ranges: x.ranges })),
      (/** @type {number} */ i, /** @type {Element | null} */ from) => openCard(i, /** @type {HTMLElement | null} */ (from)));
    selection.enable(explainSelection);
    await Promise.all([markersDone, panelDone]);
    ui.announce(`Clausemark: ${summary.findings.length} finding${summary.findings.length === 1 ? '' : 's'} marked` +
      (summary.grade ? `, grade ${summary.grade}.` : '.'));
    summary.timings = { paintMs: round(t1 - t0), uiMs: round(performance.now() - t1) };
    return summary;
  }

  /**
   * The viewport box of a finding's first line (top-frame coordinates).
   * @param {Range[]} ranges
   */
  function boxOf(ranges) {
    const r = ranges[0];
    if (!r) return null;
    const rect = [...r.getClientRects()].find((x) => x.width > 0 && x.height > 0) ?? r.getBoundingClientRect();
    const off = ui.frameOffset(r.startContainer.ownerDocument ?? document);
    return { top: rect.top + off.y, bottom: rect.bottom + off.y, left: rect.left + off.x, right: rect.right + off.x };
  }

  /**
   * Opens the card of shown finding `index`.
   * @param {number} index @param {HTMLElement | null} from where focus returns on close
   */
  function openCard(index, from) {
    const s = state.shown[index];
    if (!s) return;
    const cats = state.categories ?? new Map();
    const n = state.shown.length;
    markers.setExpanded(index);
    cards.show({
      entries: [{ finding: s.finding, category: cats.get(s.finding.category) ?? null, prevalence: prevalenceOf(s.finding, state.analysis?.kind ?? null) }],
      anchor: s.ranges.length ? boxOf(s.ranges) : null,
      returnFocus: from,
      index,
      nav: {
        prev: index > 0 ? () => focus(index - 1, from) : null,
        next: index < n - 1 ? () => focus(index + 1, from) : null,
        position: `${index + 1} of ${n}`,
      },
      onClose: () => markers.setExpanded(null),
    });
  }

  /**
   * How common a finding's category is, phrased for a page of this kind (null: no data).
   * @param {any} finding @param {string | null} kind
   */
  function prevalenceOf(finding, kind) {
    return context.prevalenceLine(state.prevalence, finding.category, kind, state.categories?.get(finding.category)?.group);
  }

  /**
   * Scrolls to a finding, flashes it and opens its card.
   * @param {number} index @param {HTMLElement | null} [from]
   */
  function focus(index, from) {
    const s = state.shown[index];
    if (!s) {
      return { error: `clausemark: no finding ${index} on this page (${state.shown.length} shown${state.summary ? '' : '; not annotated yet'})` };
    }
    if (s.ranges.length) {
      const node = s.ranges[0].startContainer;
      const el = node.nodeType === 1 ? /** @type {Element} */ (node) : node.parentElement;
      const box = boxOf(s.ranges);
      if (el && box && (box.top < 0 || box.bottom > innerHeight * 0.6)) {
        el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: /** @type {any} */ ('instant') });
      }
      highlights.focus(s.ranges);
    }
    openCard(index, from ?? markers.get(index) ?? (/** @type {HTMLElement | null} */ (document.activeElement)));
    return { ok: true, painted: s.ranges.length > 0 };
  }

  /**
   * Classifies a passage and shows it in a card.
   * @param {string} text @param {{ top: number, bottom: number, left: number, right: number } | null} box
   * @param {HTMLElement | null} from
   */
  async function explain(text, box, from) {
    const blocks = text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
    if (!blocks.length) return { error: 'clausemark: nothing to explain: the selection is empty' };
    const [analysis, cats, settings, prevalence] = await Promise.all([
      P.requestAnalysis(blocks), categories(), state.summary ? state.settings : P.requestSettings().catch(() => P.DEFAULT_SETTINGS),
      context.table(),
    ]);
    state.prevalence = prevalence;
    const findings = analysis.findings.filter((/** @type {any} */ f) => P.isShown(f, settings));
    ui.mount();
    ui.setTheme(settings.theme);
    cards.show({
      title: 'Explain with Clausemark',
      // A passage has no kind of its own: the page's, if annotated, else each category's group.
      entries: findings.map((/** @type {any} */ f) => ({
        finding: f, category: cats.get(f.category) ?? null, prevalence: prevalenceOf(f, state.analysis?.kind ?? null),
      })),
      empty: 'Nothing notable found in this passage.',
      anchor: box,
      returnFocus: from,
    });
    return { findings };
  }

  /** @param {string} text @param {DOMRect | null} box @param {HTMLElement} from */
  function explainSelection(text, box, from) {
    explain(text, box, from).catch((e) => console.warn('clausemark:', e));
  }

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
        case P.Type.ANNOTATE:
          // `toggle: false` in the message asks for a fresh annotation even if the panel is open.
          return { summary: await annotate(m.settings, { toggle: /** @type {any} */ (msg).toggle !== false }) };
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

  NS.main = Object.freeze({ annotate, clear, isAnnotated: () => !!state.summary });
})(/** @type {any} */ (globalThis));
