// @ts-check
/**
 * Clicking a highlighted clause opens its card. Highlights are not
 * elements, so a click is hit-tested: the caret position under the pointer
 * (`caretPositionFromPoint`, or `caretRangeFromPoint` in older Chromium)
 * must lie inside one of the finding's ranges AND the pointer inside one of
 * that range's line boxes (the caret snaps to the nearest text, even from
 * the margin).
 *
 * The listener is passive and never cancels anything: clicks on links,
 * buttons, form controls or editable text, clicks that end a text
 * selection, and clicks in our own UI are left alone entirely.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.hittest) return; // injected twice into one world

  const INTERACTIVE = 'a[href], button, input, textarea, select, label, summary, [contenteditable=""], ' +
    '[contenteditable="true"], [role="button"], [role="link"], [role="checkbox"], [role="tab"]';
  /** Worst first: where findings overlap, the worst one's card opens. */
  const ORDER = ['bad', 'caution', 'neutral', 'good'];

  /**
   * @typedef {{ index: number, risk: string, ranges: Range[] }} Target
   */
  /** @type {Set<Document>} */
  let docs = new Set();
  /** @type {() => Target[]} */
  let targets = () => [];
  /** @type {(index: number, from: Element | null) => void} */
  let onHit = () => {};

  /**
   * @param {Document} doc @param {number} x @param {number} y
   * @returns {[Node, number] | null}
   */
  function caretAt(doc, x, y) {
    const d = /** @type {any} */ (doc);
    const pos = d.caretPositionFromPoint?.(x, y);
    if (pos?.offsetNode) return [pos.offsetNode, pos.offset];
    const r = d.caretRangeFromPoint?.(x, y);
    return r ? [r.startContainer, r.startOffset] : null;
  }

  /** @param {MouseEvent} e */
  function onClick(e) {
    if (e.defaultPrevented || e.button !== 0) return;
    if (NS.ui.isOurs(e)) return;
    const target = /** @type {any} */ (e.target);
    if (!target || target.nodeType !== 1 || target.closest(INTERACTIVE)) return;
    const doc = /** @type {Document} */ (target.ownerDocument);
    const sel = doc.getSelection();
    if (sel && !sel.isCollapsed) return; // the click ended a selection
    const x = e.clientX;
    const y = e.clientY;
    const point = caretAt(doc, x, y);
    const hits = targets().filter((t) => t.ranges.some((r) => {
      if (r.startContainer.ownerDocument !== doc) return false;
      if (point) {
        try {
          if (r.comparePoint(point[0], point[1]) !== 0) return false;
        } catch {
          return false; // the caret is in another tree (a shadow root)
        }
      }
      return [...r.getClientRects()].some((b) => x >= b.left - 1 && x <= b.right + 1 && y >= b.top - 1 && y <= b.bottom + 1);
    }));
    if (!hits.length) return;
    hits.sort((a, b) => ORDER.indexOf(a.risk) - ORDER.indexOf(b.risk));
    onHit(hits[0].index, doc.activeElement);
  }

  /**
   * Listens for clicks in these documents (replacing earlier ones).
   * @param {Document[]} documents the top document and same-origin iframes'
   * @param {() => Target[]} list the current findings with their ranges
   * @param {(index: number, from: Element | null) => void} hit called with the finding hit
   */
  function listen(documents, list, hit) {
    stop();
    targets = list;
    onHit = hit;
    docs = new Set(documents);
    for (const d of docs) d.addEventListener('click', onClick, { passive: true });
  }

  function stop() {
    for (const d of docs) d.removeEventListener('click', onClick);
    docs = new Set();
  }

  NS.hittest = Object.freeze({ listen, stop });
})(/** @type {any} */ (globalThis));
