// @ts-check
/**
 * What the user sees of an annotation, wired to its state
 * (content/annotation.js): the highlights painted first, then the markers,
 * the summary panel (with its export buttons), the click hit-testing and
 * the selection button; a finding's card (`openCard`), and `focus`, which
 * scrolls to a finding, flashes it and opens its card.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.view) return; // injected twice into one world
  const { textmap, highlights, ui, markers, cards, panel, exporter, selection, hittest, annotation, explainer } = NS;
  const { state, round, prevalenceOf } = annotation;
  const { explainSelection } = explainer;

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
    // put it in while the analysis ran: see content/annotation.js `read`): its
    // style and layout are then a frame's work, so the markers' measuring
    // below finds the layout clean instead of forcing it (≈ 30 ms on a
    // 50,000-element page).
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
        ...(s.finding.leadIn ? { leadIn: s.finding.leadIn.text } : {}),
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

  NS.view = Object.freeze({ paint, openCard, focus });
})(/** @type {any} */ (globalThis));
