// @ts-check
/**
 * Margin markers: one button per painted finding, beside the first line of
 * its clause, in the margin of the clause's block (left of it, or right of
 * it in right-to-left text). Icon per risk plus a screen-reader label, so a
 * highlight's colour is never the only signal.
 *
 * Placement reads layout once per pass for every marker, then writes
 * positions (no read/write interleaving). Passes are rAF-throttled and
 * triggered by window resizes, the document's size changing
 * (ResizeObserver) and scrolling inside nested scroll containers (document
 * scrolling needs nothing: markers live in document coordinates). On long
 * pages (more than WINDOW_ABOVE markers) only the markers near the viewport
 * exist and are shown (buttons created on first need), and long measuring
 * passes are sliced so none blocks the page.
 *
 * Change tracking adds a second set (`setChanges`): one marker per clause
 * added or reworded since the last visit ("+" / "Δ" and a label), merged
 * with the findings' markers in document order; on a line that has both,
 * they sit side by side.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.markers) return; // injected twice into one world
  const ui = NS.ui;
  const textmap = NS.textmap;

  /**
   * Above this many markers, only those within a screen or two of the
   * viewport exist (the same threshold as highlights.js's windowing).
   */
  const WINDOW_ABOVE = 1000;
  const SIZE = 20;
  const GAP = 6;

  /**
   * @typedef {{ index: number, risk: string, label: string, ranges: Range[], el: Element,
   *   change?: 'added' | 'modified', icon?: string, activate?: (from: HTMLElement) => void }} MarkerInput
   *   el: the block-level element holding the clause. A change marker (`change`
   *   set) has a negative `index`, its own `icon`, and `activate` instead of
   *   the findings' callback.
   * @typedef {MarkerInput & { button: HTMLButtonElement | null, top: number, left: number, placed: boolean }} Item
   */

  /** @type {Item[]} */
  let items = [];
  /** The two sets `items` merges. @type {MarkerInput[]} */
  let findingInputs = [];
  /** @type {MarkerInput[]} */
  let changeInputs = [];
  /** @type {HTMLElement | null} */
  let layer = null;
  /** @type {(index: number, from: HTMLElement) => void} */
  let onActivate = () => {};
  let frame = 0;
  let generation = 0;
  /** @type {ResizeObserver | null} */
  let resizeObserver = null;

  /**
   * Shows markers for these findings (replacing any), in document order.
   * Resolves when every marker exists and has been placed once.
   * @param {MarkerInput[]} inputs
   * @param {(index: number, from: HTMLElement) => void} activate called on click / Enter / Space
   */
  function set(inputs, activate) {
    onActivate = activate;
    findingInputs = inputs;
    return build();
  }

  /**
   * Shows these change markers (replacing any) beside the findings' ones.
   * @param {MarkerInput[]} inputs
   */
  function setChanges(inputs) {
    // None before and none now (change tracking off): nothing to rebuild.
    if (!inputs.length && (!changeInputs.length || !layer)) {
      changeInputs = inputs;
      return Promise.resolve();
    }
    changeInputs = inputs;
    return build();
  }

  /** Both sets in document order (a change without findings has no place in their order otherwise). */
  function merged() {
    if (!changeInputs.length) return findingInputs;
    const first = (/** @type {MarkerInput} */ m) => m.ranges[0];
    return [...findingInputs, ...changeInputs].sort((a, b) => {
      try {
        return first(a).compareBoundaryPoints(Range.START_TO_START, first(b)) || (a.change ? 1 : 0) - (b.change ? 1 : 0);
      } catch {
        return 0; // different documents or trees: keep their relative order
      }
    });
  }

  /**
   * Replaces every marker: measures them all first, then writes the layer
   * and the buttons. Any write before the reads would make the first read
   * lay out the whole page inside this task (tens of ms on a huge page);
   * this way the reads find the layout of the last frame.
   */
  async function build() {
    const gen = ++generation;
    const inputs = merged();
    items = inputs.map((m) => ({ ...m, button: null, top: 0, left: 0, placed: false }));
    listen();
    await place(gen, true);
  }

  /** Writes an empty layer and, on short pages, every (hidden) button. */
  function rebuildLayer() {
    const { layer: top } = ui.mount();
    const own = layer?.isConnected ? layer : ui.h('div', { class: 'markers', role: 'group', 'aria-label': 'Clausemark markers' });
    if (own !== layer) top.prepend(own);
    layer = own;
    own.replaceChildren();
    if (items.length <= WINDOW_ABOVE) {
      // Few enough to create them all now, in document (= Tab) order.
      const fragment = document.createDocumentFragment();
      for (const item of items) fragment.append((item.button = button(item)));
      own.append(fragment);
    }
  }

  /** @param {Item} item */
  function button(item) {
    if (item.change) return changeButton(item);
    const meta = ui.RISK[item.risk] ?? ui.RISK.neutral;
    // The name is an aria-label, not visually hidden text: hundreds of clipped spans cost real layout and paint.
    const b = /** @type {HTMLButtonElement} */ (ui.h('button', {
      type: 'button', class: `marker risk-${item.risk}`, hidden: true, title: `${meta.word}: ${item.label}`,
      'aria-label': `${meta.word}: ${item.label}`, 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'data-index': item.index,
    }, meta.icon));
    b.addEventListener('click', () => onActivate(item.index, b));
    return b;
  }

  /** @param {Item} item */
  function changeButton(item) {
    const b = /** @type {HTMLButtonElement} */ (ui.h('button', {
      type: 'button', class: `marker change-mark`, hidden: true, title: item.label, 'aria-label': item.label,
      'data-change': -1 - item.index,
    }, item.icon ?? 'Δ'));
    b.addEventListener('click', () => item.activate?.(b));
    return b;
  }

  /**
   * Measures and places every marker: reads first (sliced on long pages), then writes.
   * @param {number} gen
   * @param {boolean} [rebuild] write a new layer and buttons (build), once measured
   */
  async function place(gen, rebuild = false) {
    if (!layer && !rebuild) return;
    const origin = ui.mount().host.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    /** @type {Map<string, number>} */
    const taken = new Map();
    let start = performance.now();
    for (const item of items) {
      measure(item, origin, width, taken);
      if (performance.now() - start > 8) {
        await textmap.yieldToPage();
        if (gen !== generation) return;
        start = performance.now();
      }
    }
    if (rebuild) rebuildLayer();
    applyWindow(origin);
  }

  /**
   * @param {Item} item
   * @param {DOMRect} origin the host's viewport rectangle
   * @param {number} width the top viewport's width
   * @param {Map<string, number>} taken markers already on each margin row
   */
  function measure(item, origin, width, taken) {
    item.placed = false;
    const range = item.ranges[0];
    if (!range || !item.el.isConnected) return;
    const line = [...range.getClientRects()].find((r) => r.width > 0 && r.height > 0);
    if (!line) return; // not rendered (collapsed section, zero-size box)
    const doc = range.startContainer.ownerDocument ?? document;
    const off = doc === document ? { x: 0, y: 0 } : ui.frameOffset(doc);
    const box = item.el.getBoundingClientRect();
    const rtl = getComputedStyle(item.el).direction === 'rtl';
    const row = Math.round((line.top + off.y) / 8);
    const key = `${rtl ? 'r' : 'l'}${row}`;
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    let x = rtl ? box.right + off.x + GAP + n * (SIZE + 2) : box.left + off.x - SIZE - GAP - n * (SIZE + 2);
    x = Math.max(2, Math.min(width - SIZE - 2, x));
    item.left = x - origin.left;
    item.top = line.top + off.y + (line.height - SIZE) / 2 - origin.top;
    item.placed = true;
  }

  /**
   * Writes positions; on long pages, shows only the markers near the
   * viewport, creating their buttons on first need (kept in document order,
   * which is also the Tab order).
   * @param {DOMRect} [measured] the host's rectangle, if just read (reading it
   *   again after the writes of this task would force a layout)
   */
  function applyWindow(measured) {
    if (!layer) return;
    const windowed = items.length > WINDOW_ABOVE;
    const origin = windowed ? measured ?? ui.mount().host.getBoundingClientRect() : null;
    const vh = innerHeight;
    /** @type {HTMLButtonElement | null} */
    let after = null; // the last button before the current item, in document order
    for (const item of items) {
      let show = item.placed;
      if (show && origin) {
        const y = item.top + origin.top; // back to viewport coordinates
        show = y > -1.5 * vh && y < 2.5 * vh;
      }
      if (show && !item.button) {
        item.button = button(item);
        if (after) after.after(item.button);
        else layer.prepend(item.button);
      }
      const b = item.button;
      if (!b) continue;
      if (show) {
        b.style.top = `${item.top}px`;
        b.style.left = `${item.left}px`;
      }
      if (b.hidden === show) b.hidden = !show;
      after = b;
    }
  }

  /** @param {Event} e */
  function onScroll(e) {
    if (e.target === document || e.target === document.documentElement) {
      if (items.length > WINDOW_ABOVE) schedule(false);
    } else if (!ui.isOurs(e)) {
      schedule(true);
    }
  }
  const onResize = () => schedule(true);

  /**
   * rAF-throttled: a full re-measure, or just the viewport window. A full
   * one runs in the task after the frame, not in the rAF callback: there the
   * layout is still dirty from whatever asked for it, and the first read
   * would force it inside our task; after the frame it is clean.
   * @param {boolean} full
   */
  function schedule(full) {
    if (frame) {
      if (full) pendingFull = true;
      return;
    }
    pendingFull = full;
    frame = requestAnimationFrame(() => {
      if (!pendingFull) {
        frame = 0;
        applyWindow();
        return;
      }
      const gen = generation;
      textmap.yieldToPage().then(() => {
        frame = 0;
        if (gen === generation) place(gen);
      });
    });
  }
  let pendingFull = false;

  /** Last seen border-box size of each observed element ("w×h"). @type {WeakMap<Element, string>} */
  const sizes = new WeakMap();
  /**
   * ResizeObserver callback: re-measures only when an observed size really
   * changed (the observer also reports every element once when observing
   * starts, and the markers were just placed then).
   * @param {ResizeObserverEntry[]} entries
   */
  function onResized(entries) {
    let changed = false;
    for (const e of entries) {
      const size = `${e.contentRect.width}×${e.contentRect.height}`;
      if (sizes.has(e.target) && sizes.get(e.target) !== size) changed = true;
      sizes.set(e.target, size);
    }
    if (changed) schedule(true);
  }

  function listen() {
    if (resizeObserver) return;
    addEventListener('resize', onResize, { passive: true });
    document.addEventListener('scroll', onScroll, { passive: true, capture: true });
    resizeObserver = new ResizeObserver(onResized);
    resizeObserver.observe(document.documentElement);
    if (document.body) resizeObserver.observe(document.body);
  }

  /** Re-measures every marker soon (the page's layout changed). */
  function refresh() {
    schedule(true);
  }

  /**
   * The marker button of a finding, shown and placed (for focus return).
   * @param {number} index
   */
  function get(index) {
    const at = items.findIndex((i) => i.index === index);
    const item = items[at];
    if (!item?.placed || !layer) return null;
    if (!item.button) {
      item.button = button(item);
      const next = items.slice(at + 1).find((i) => i.button)?.button;
      if (next) next.before(item.button);
      else layer.append(item.button);
    }
    if (item.button.hidden) {
      item.button.style.top = `${item.top}px`;
      item.button.style.left = `${item.left}px`;
      item.button.hidden = false;
    }
    return item.placed ? item.button : null;
  }

  /** Marks which marker's card is open. @param {number | null} index */
  function setExpanded(index) {
    for (const item of items) item.button?.setAttribute('aria-expanded', String(item.index === index));
  }

  /** Removes every marker and listener. */
  function clear() {
    generation++;
    items = [];
    findingInputs = [];
    changeInputs = [];
    layer?.remove();
    layer = null;
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    removeEventListener('resize', onResize);
    document.removeEventListener('scroll', onScroll, { capture: true });
    resizeObserver?.disconnect();
    resizeObserver = null;
  }

  NS.markers = Object.freeze({ set, setChanges, refresh, get, setExpanded, clear });
})(/** @type {any} */ (globalThis));
