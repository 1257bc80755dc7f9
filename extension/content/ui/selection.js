// @ts-check
/**
 * The small "Explain" button that appears next to a non-empty selection
 * once Clausemark is on the page (after an annotation). Pressing it
 * classifies just the selected passage (the same as the context-menu item
 * "Explain with Clausemark"). Pressing it keeps the selection: its
 * `pointerdown` default (which would collapse the selection) is prevented —
 * on our own button only, never on the page.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.selection) return; // injected twice into one world
  const ui = NS.ui;

  /** Fewer characters than this is a word, not a passage. */
  const MIN_CHARS = 12;

  /** @type {HTMLElement | null} */
  let button = null;
  /** @type {((text: string, box: DOMRect | null, from: HTMLElement) => void) | null} */
  let onExplain = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  /** The selected text and the box of its last line, or null when nothing (of the page's) is selected. */
  function current() {
    const sel = document.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    const host = ui.mounted()?.host;
    if (host && (host.contains(sel.anchorNode) || host.contains(sel.focusNode))) return null;
    const text = sel.toString();
    if (text.trim().length < MIN_CHARS) return null;
    const rects = sel.getRangeAt(sel.rangeCount - 1).getClientRects();
    const box = rects.length ? rects[rects.length - 1] : null;
    return { text, box };
  }

  function update() {
    const c = current();
    if (!c || !c.box) {
      if (button) button.hidden = true;
      return;
    }
    const b = button?.isConnected ? button : make();
    const vw = document.documentElement.clientWidth;
    const at = ui.toLayer({ top: c.box.bottom + 6, left: Math.max(4, Math.min(c.box.right - 30, vw - 90)) });
    b.style.top = `${at.top}px`;
    b.style.left = `${at.left}px`;
    b.hidden = false;
  }

  function make() {
    const b = ui.h('button', { type: 'button', class: 'explain', 'aria-label': 'Explain the selected passage with Clausemark' },
      'Explain');
    b.addEventListener('pointerdown', (/** @type {Event} */ e) => e.preventDefault());
    b.addEventListener('click', () => {
      const now = current();
      b.hidden = true;
      if (now && onExplain) onExplain(now.text, now.box, b);
    });
    ui.mount().layer.append(b);
    button = b;
    return b;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, 200);
  }

  /**
   * Starts offering the button.
   * @param {(text: string, box: DOMRect | null, from: HTMLElement) => void} explain
   */
  function enable(explain) {
    onExplain = explain;
    document.addEventListener('selectionchange', schedule);
  }

  /** Stops offering it and removes it. */
  function disable() {
    clearTimeout(timer);
    document.removeEventListener('selectionchange', schedule);
    button?.remove();
    button = null;
    onExplain = null;
  }

  NS.selection = Object.freeze({ enable, disable, current });
})(/** @type {any} */ (globalThis));
