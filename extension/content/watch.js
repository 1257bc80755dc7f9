// @ts-check
/**
 * Watches the page for changes that may move or alter annotated text: one
 * MutationObserver over the document, the same-origin iframes' documents and
 * the open shadow roots the text map found (an observer on a document does
 * not see inside shadow roots), for child-list, text and the attributes that
 * show or hide content (`hidden`, `open`, `aria-hidden`, `class`, `style`).
 *
 * Debounced: `onChange` runs once the page has been quiet for QUIET_MS, or
 * MAX_WAIT_MS after the first change of a burst when it never is (a page
 * that animates constantly). Never polls. Mutations that only add or remove
 * our own host are ignored; changes inside our shadow root are never seen.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.watch) return; // injected twice into one world

  const QUIET_MS = 500;
  const MAX_WAIT_MS = 3000;
  const ATTRIBUTES = ['hidden', 'open', 'aria-hidden', 'class', 'style'];
  const HOST_TAG = 'clausemark-root';

  /** @type {MutationObserver | null} */
  let observer = null;
  /** @type {() => void} */
  let onChange = () => {};
  let count = 0;
  let first = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  /** @param {MutationRecord} r */
  function ours(r) {
    if (r.type !== 'childList') return false;
    const nodes = [...r.addedNodes, ...r.removedNodes];
    return nodes.length > 0 && nodes.every((n) => n.nodeType === 1 && /** @type {Element} */ (n).localName === HOST_TAG);
  }

  /** @param {MutationRecord[]} records */
  function onRecords(records) {
    if (records.every(ours)) return;
    count++;
    const now = performance.now();
    if (!first) first = now;
    clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(QUIET_MS, first + MAX_WAIT_MS - now)));
  }

  function fire() {
    first = 0;
    onChange();
  }

  /**
   * Observes these targets (added to any already observed) and calls
   * `callback` after each burst of changes.
   * @param {Iterable<Node>} targets documents and shadow roots
   * @param {() => void} callback
   */
  function start(targets, callback) {
    onChange = callback;
    observer ??= new MutationObserver(onRecords);
    for (const t of new Set(targets)) {
      observer.observe(t, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
    }
  }

  /** Stops observing and drops any pending call. */
  function stop() {
    clearTimeout(timer);
    observer?.disconnect();
    observer = null;
    first = 0;
  }

  /** How many bursts of page mutations were seen so far (compare two readings to tell "changed since"). */
  function mutations() {
    return count;
  }

  NS.watch = Object.freeze({ start, stop, mutations });
})(/** @type {any} */ (globalThis));
