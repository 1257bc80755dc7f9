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

  /** The taxonomy, asked for once (concurrent callers share the request). @type {Promise<Map<string, any>> | null} */
  let categoriesP = null;
  function categories() {
    categoriesP ??= Promise.resolve(P.requestTaxonomy()).then(
      (/** @type {any[]} */ list) => (state.categories = new Map(list.map((c) => [c.id, c]))),
      () => {
        categoriesP = null;
        return new Map(); // cards show less; not worth failing the annotation
      });
    return categoriesP;
  }

  /**
   * Has the background insert the highlight CSS into this page, once
   * (`insert-css`, answered with `scripting.insertCSS`): auto mode, once the
   * analysis says the page is a policy. Never rejects (unstyled highlights
   * still come with markers and the panel).
   */
  async function styles() {
    if (NS.cssInserted) return;
    NS.cssInserted = true;
    try {
      await P.requestStyles();
    } catch (e) {
      NS.cssInserted = false;
      console.warn('clausemark: the highlight styles could not be inserted:', /** @type {any} */ (e)?.message ?? e);
    }
  }

  /**
   * The analysis of the page's blocks. With `css`, and the highlight CSS not
   * in the page yet, the same request has the background insert it just
   * before analysing: any `::highlight()` rule makes the browser restyle the
   * whole page, and this way that restyle runs while the background
   * analyses, not on the way to the painted frame.
   * @param {string[]} texts @param {boolean} css
   * @returns {Promise<{ analysis: any, wasmMs: number }>}
   */
  async function analyze(texts, css) {
    if (!css || NS.cssInserted) return P.requestStyledAnalysis(texts, textmap.yieldToPage, false);
    NS.cssInserted = true;
    const reply = await P.requestStyledAnalysis(texts, textmap.yieldToPage);
    if (!reply.styled) NS.cssInserted = false; // the background said why; the next annotation tries again
    return reply;
  }

  /**
   * @typedef {{ map: any, analysis: any, collectMs: number, analyzeMs: number, wasmMs: number }} Reading
   */

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
   * Reads the page and has it analysed (with the CSS: see `analyze`). While
   * the background analyses, the page has nothing to do: the (still empty)
   * UI host goes in then (a click always shows UI), so that building it and
   * its style and layout happen in that idle time rather than on the way to
   * the highlights' frame (`paint` mounts it otherwise; ≈ 2 ms of script
   * plus the host's share of that frame). Taken out again if the analysis
   * fails before anything was shown.
   * @returns {Promise<Reading>}
   */
  async function read() {
    const t0 = performance.now();
    const map = await textmap.collect();
    const t1 = performance.now();
    const reply = analyze(map.texts, true);
    ui.mount();
    reply.catch(() => {
      if (!state.summary) ui.unmount();
    });
    const { analysis, wasmMs } = await reply;
    return { map, analysis, collectMs: t1 - t0, analyzeMs: performance.now() - t1, wasmMs };
  }

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

  /** Resolves after the next frame has been painted (two rAFs); at once in a hidden tab. */
  function painted() {
    if (document.visibilityState === 'hidden') return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, 1000);
      requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(t); resolve(undefined); }));
    });
  }

  /** Resolves in the task after the next frame (layout clean); at once in a hidden tab. */
  function afterFrame() {
    if (document.visibilityState === 'hidden') return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, 1000);
      requestAnimationFrame(() => textmap.yieldToPage().then(() => { clearTimeout(t); resolve(undefined); }));
    });
  }

  /** @param {string[]} a @param {string[] | null} b */
  function sameTexts(a, b) {
    return !!b && a.length === b.length && a.every((t, i) => t === b[i]);
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
        reuse = sameTexts(map.texts, state.texts);
        const t2 = performance.now();
        if (reuse) analysis = state.analysis;
        else ({ analysis, wasmMs } = await analyze(map.texts, !how.auto));
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
    // Thousands of findings: only those near the viewport are registered, which
    // takes their positions. Read right after a frame, the layout is clean;
    // read now, any pending change (our panel's, the page's) would be laid
    // out inside this task, on a page that big for tens of ms.
    if (shown.length > highlights.WINDOW_ABOVE) await afterFrame();
    highlights.paint(shown.map((s) => ({ risk: s.finding.risk, ranges: s.ranges })),
      (/** @type {{ ranges: AbstractRange[] }} */ item) => boxOf(/** @type {Range[]} */ (item.ranges))?.top ?? Infinity);
    // The (still empty) host goes in with the highlights at the latest (a click
    // put it in while the analysis ran: see `read`): its style and layout are
    // then a frame's work, so the markers' measuring below finds the layout
    // clean instead of forcing it (≈ 30 ms on a 50,000-element page).
    ui.mount();
    ui.setTheme(settings.theme);
    // With nothing to highlight there is no frame to wait for: the panel says so.
    if (shown.some((s) => s.ranges.length)) await painted();
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
    // One after the other, each in slices that yield: the markers first, while
    // the layout is still the painted frame's (they only read it, then write),
    // then the panel. Started together, their first slices shared one task.
    await markers.set(
      shown.filter((s) => s.ranges.length && s.el).map((s) => ({
        index: s.index, risk: s.finding.risk, label: s.finding.summary, ranges: s.ranges, el: /** @type {Element} */ (s.el),
      })),
      (/** @type {number} */ i, /** @type {HTMLElement} */ from) => openCard(i, from));
    await textmap.yieldToPage();
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
    const focused = panelMode === 'open' ? panel.open(true, true) : null;
    summary.panelOpen = panel.isOpen();
    hittest.listen(state.map.docs, () => state.shown.map((x) => ({ index: x.index, risk: x.finding.risk, ranges: x.ranges })),
      (/** @type {number} */ i, /** @type {Element | null} */ from) => openCard(i, /** @type {HTMLElement | null} */ (from)));
    selection.enable(explainSelection);
    await Promise.all([panelDone, focused]);
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
