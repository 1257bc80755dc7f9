// @ts-check
/**
 * Paints findings on the page with the CSS Custom Highlight API: one
 * `Highlight` per risk, registered as `clausemark-good|neutral|caution|bad`,
 * plus `clausemark-focus` for the finding being shown and `clausemark-changed`
 * for the clauses added or reworded since the user's last visit (change
 * tracking, content/changes.js). No DOM is touched:
 * a highlight is a set of ranges the browser paints over the text, styled
 * by `::highlight()` rules (content/highlights.css).
 *
 * Highlight registries are per document, so ranges are grouped by their
 * document: a same-origin iframe's ranges go to that iframe's
 * `CSS.highlights`, and that document gets the rules through a constructed
 * sheet in its `adoptedStyleSheets` (insertCSS reaches the top frame only).
 * The registry is shared with the page's own scripts (the page can read it;
 * it holds nothing the page does not already show).
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.highlights) return; // injected twice into one world

  /** Risks, worst first. */
  const RISKS = Object.freeze(/** @type {const} */ (['bad', 'caution', 'neutral', 'good']));
  /** Painting order where highlights overlap: higher wins. */
  const PRIORITY = Object.freeze({ good: 1, neutral: 2, caution: 3, bad: 4, changed: 5, focus: 10 });
  const PREFIX = 'clausemark-';

  /**
   * The rules of highlights.css, for same-origin iframes (keep in step with
   * that file; the top frame gets that file through insertCSS).
   */
  const IFRAME_CSS = `
::highlight(clausemark-bad){background-color:rgb(220 38 38/.2);text-decoration:underline wavy rgb(185 28 28)}
::highlight(clausemark-caution){background-color:rgb(234 179 8/.24);text-decoration:underline dashed rgb(161 98 7)}
::highlight(clausemark-good){background-color:rgb(22 163 74/.16);text-decoration:underline solid rgb(21 128 61)}
::highlight(clausemark-neutral){background-color:rgb(100 116 139/.14);text-decoration:underline dotted rgb(71 85 105)}
::highlight(clausemark-focus){background-color:rgb(37 99 235/.38);text-decoration:underline double rgb(29 78 216)}
::highlight(clausemark-changed){background-color:rgb(124 58 237/.1);text-decoration:overline solid rgb(109 40 217);text-decoration-thickness:2px}
@media (prefers-color-scheme:dark){
::highlight(clausemark-bad){background-color:rgb(248 113 113/.26);text-decoration-color:rgb(252 165 165)}
::highlight(clausemark-caution){background-color:rgb(250 204 21/.22);text-decoration-color:rgb(253 224 71)}
::highlight(clausemark-good){background-color:rgb(74 222 128/.18);text-decoration-color:rgb(134 239 172)}
::highlight(clausemark-neutral){background-color:rgb(148 163 184/.18);text-decoration-color:rgb(203 213 225)}
::highlight(clausemark-focus){background-color:rgb(96 165 250/.42);text-decoration-color:rgb(147 197 253)}
::highlight(clausemark-changed){background-color:rgb(167 139 250/.16);text-decoration-color:rgb(196 181 253)}}`;

  /** Documents whose registry holds our highlights. @type {Set<Document>} */
  const touched = new Set();
  /** Sheets added to iframe documents. @type {Map<Document, CSSStyleSheet>} */
  const iframeSheets = new Map();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let focusTimer;

  /** Whether this browser has the Highlight API at all. */
  function supported() {
    const g = /** @type {any} */ (root);
    return typeof g.Highlight === 'function' && typeof g.CSS !== 'undefined' && !!g.CSS.highlights;
  }

  /** @param {Document} doc */
  function registryOf(doc) {
    const win = /** @type {any} */ (doc.defaultView);
    return win?.CSS?.highlights ?? null;
  }

  /**
   * A Highlight made by the realm of `doc` (an iframe's registry may refuse
   * another realm's objects).
   * @param {Document} doc @param {AbstractRange[]} ranges @param {number} priority
   */
  function makeHighlight(doc, ranges, priority) {
    const win = /** @type {any} */ (doc.defaultView);
    const Ctor = doc === document ? /** @type {any} */ (root).Highlight : win.Highlight;
    const h = new Ctor();
    for (const r of ranges) h.add(r);
    h.priority = priority;
    return h;
  }

  /** @param {Document} doc */
  function ensureIframeSheet(doc) {
    if (doc === document || iframeSheets.has(doc)) return;
    try {
      const win = /** @type {any} */ (doc.defaultView);
      // A sheet must be constructed by the document that adopts it.
      const sheet = new win.CSSStyleSheet();
      sheet.replaceSync(IFRAME_CSS);
      doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
      iframeSheets.set(doc, sheet);
    } catch { /* the iframe's text is still read and carded, just not tinted */ }
  }

  /**
   * Above this many findings, only those near the viewport are registered.
   * Chromium rebuilds every highlight's internal markers after ANY change
   * to the DOM or to styles (ours or the page's), so each frame that
   * changes anything costs time proportional to the registered ranges:
   * ~1 ms per 50 ranges, i.e. hundreds of ms per frame with 10,000.
   */
  const WINDOW_ABOVE = 1000;
  /** At most this many findings registered at once in windowed mode. */
  const WINDOW_MAX = 600;

  /**
   * @typedef {{ risk: string, ranges: AbstractRange[] }} PaintItem
   * @typedef {{ items: PaintItem[], topOf: (item: PaintItem) => number, lo: number, hi: number, frame: number }} Window
   */
  /** @type {Window | null} */
  let windowed = null;

  /**
   * Replaces every risk highlight with these. Beyond WINDOW_ABOVE items,
   * only the items within a few screens of the viewport are registered,
   * and the window follows scrolling.
   * @param {PaintItem[]} items in document order
   * @param {(item: PaintItem) => number} [topOf] an item's top in viewport pixels (for windowing)
   */
  function paint(items, topOf) {
    stopWindow();
    if (!supported()) return;
    const placed = items.filter((i) => i.ranges.length);
    if (placed.length <= WINDOW_ABOVE || !topOf) {
      register(placed);
      return;
    }
    windowed = { items: placed, topOf, lo: -1, hi: -1, frame: 0 };
    addEventListener('scroll', onScroll, { capture: true, passive: true });
    addEventListener('resize', onScroll, { passive: true });
    slide();
  }

  /**
   * Index of the first item whose top is at or below `y` (binary search:
   * document order is taken as top-to-bottom, true of ordinary flow).
   * @param {Window} w @param {number} y
   */
  function firstBelow(w, y) {
    let lo = 0;
    let hi = w.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w.topOf(w.items[mid]) < y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Re-registers the window around the viewport, unless the current one still covers it with room to spare. */
  function slide() {
    const w = windowed;
    if (!w) return;
    const vh = innerHeight;
    if (w.lo >= 0 && w.lo <= firstBelow(w, -0.5 * vh) && firstBelow(w, 1.5 * vh) <= w.hi) return;
    const lo = firstBelow(w, -2 * vh);
    const hi = Math.min(firstBelow(w, 3 * vh), lo + WINDOW_MAX);
    w.lo = lo;
    w.hi = hi;
    register(w.items.slice(lo, hi));
  }

  function onScroll() {
    if (windowed && !windowed.frame) {
      windowed.frame = requestAnimationFrame(() => {
        if (windowed) windowed.frame = 0;
        slide();
      });
    }
  }

  function stopWindow() {
    if (windowed?.frame) cancelAnimationFrame(windowed.frame);
    windowed = null;
    removeEventListener('scroll', onScroll, { capture: true });
    removeEventListener('resize', onScroll);
  }

  /**
   * Registers exactly these items' ranges (one Highlight per risk and document).
   * @param {PaintItem[]} items
   */
  function register(items) {
    /** @type {Map<Document, Record<string, AbstractRange[]>>} */
    const byDoc = new Map();
    for (const doc of touched) byDoc.set(doc, { bad: [], caution: [], neutral: [], good: [] });
    for (const item of items) {
      for (const r of item.ranges) {
        const doc = r.startContainer.ownerDocument;
        if (!doc) continue;
        let slot = byDoc.get(doc);
        if (!slot) byDoc.set(doc, (slot = { bad: [], caution: [], neutral: [], good: [] }));
        (slot[item.risk] ??= []).push(r);
      }
    }
    for (const [doc, slot] of byDoc) {
      const registry = registryOf(doc);
      if (!registry) continue;
      ensureIframeSheet(doc);
      touched.add(doc);
      for (const risk of RISKS) {
        const ranges = slot[risk] ?? [];
        if (ranges.length) registry.set(PREFIX + risk, makeHighlight(doc, ranges, PRIORITY[risk]));
        else registry.delete(PREFIX + risk);
      }
    }
  }

  /**
   * Shows `ranges` as the focused finding for `ms` milliseconds (a flash),
   * replacing any earlier focus; `null` removes it now.
   * @param {AbstractRange[] | null} ranges
   * @param {number} [ms]
   */
  function focus(ranges, ms = 2500) {
    clearTimeout(focusTimer);
    for (const doc of touched) registryOf(doc)?.delete(PREFIX + 'focus');
    if (!ranges || !ranges.length || !supported()) return;
    const doc = ranges[0].startContainer.ownerDocument;
    const registry = doc && registryOf(doc);
    if (!doc || !registry) return;
    ensureIframeSheet(doc);
    touched.add(doc);
    registry.set(PREFIX + 'focus', makeHighlight(doc, ranges, PRIORITY.focus));
    focusTimer = setTimeout(() => focus(null), ms);
  }

  /**
   * Replaces the `clausemark-changed` highlight with these ranges (none: removed).
   * Not windowed: a change list is short next to a page's findings.
   * @param {AbstractRange[]} ranges
   */
  function changed(ranges) {
    for (const doc of touched) registryOf(doc)?.delete(PREFIX + 'changed');
    if (!ranges.length || !supported()) return;
    /** @type {Map<Document, AbstractRange[]>} */
    const byDoc = new Map();
    for (const r of ranges) {
      const doc = r.startContainer.ownerDocument;
      if (doc) (byDoc.get(doc) ?? byDoc.set(doc, []).get(doc))?.push(r);
    }
    for (const [doc, list] of byDoc) {
      const registry = registryOf(doc);
      if (!registry) continue;
      ensureIframeSheet(doc);
      touched.add(doc);
      registry.set(PREFIX + 'changed', makeHighlight(doc, list, PRIORITY.changed));
    }
  }

  /** Removes every Clausemark highlight and the sheets added to iframes. */
  function clear() {
    stopWindow();
    clearTimeout(focusTimer);
    for (const doc of touched) {
      const registry = registryOf(doc);
      for (const name of [...RISKS, 'changed', 'focus']) registry?.delete(PREFIX + name);
    }
    touched.clear();
    for (const [doc, sheet] of iframeSheets) {
      try {
        doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
      } catch { /* the iframe is gone */ }
    }
    iframeSheets.clear();
  }

  /** Whether only the findings near the viewport are registered (a page with very many). */
  const isWindowed = () => !!windowed;

  NS.highlights = Object.freeze({ RISKS, PREFIX, WINDOW_ABOVE, supported, paint, focus, changed, clear, isWindowed });
})(/** @type {any} */ (globalThis));
