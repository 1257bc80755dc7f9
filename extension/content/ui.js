// @ts-check
/**
 * The one element Clausemark adds to a page, `<clausemark-root>`, and what
 * every UI part shares: its open shadow root, the stylesheet, the element
 * builder, the risk vocabulary, coordinates and focus helpers.
 *
 * The host is appended to `document.documentElement` (not body: pages
 * replace body's children). It is positioned absolutely at the document's
 * origin with zero size, so UI placed in document coordinates scrolls with
 * the text and the page's layout does not move. Its inline style is set with
 * `!important` through the CSSOM (allowed under a strict CSP, and it beats
 * the page's own `!important` rules), `all: initial` first so no inherited
 * page style reaches the shadow tree.
 *
 * Styles: a constructed `CSSStyleSheet` in `adoptedStyleSheets` (a `<style>`
 * element would be blocked by a strict page CSP). Firefox runs content
 * scripts behind Xray wrappers: the sheet is built with the page window's
 * constructor, and the array handed to `adoptedStyleSheets` is built in the
 * page's realm.
 *
 * Page text only ever enters the UI through `textContent` / text nodes
 * (`h()` below): it is never parsed as markup.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.ui) return; // injected twice into one world

  const HOST_TAG = 'clausemark-root';

  /** Icon, word and screen-reader word per risk; the icon is never alone. */
  const RISK = Object.freeze({
    bad: Object.freeze({ icon: '✕', word: 'Bad' }),
    caution: Object.freeze({ icon: '!', word: 'Caution' }),
    neutral: Object.freeze({ icon: '•', word: 'Neutral' }),
    good: Object.freeze({ icon: '✓', word: 'Good' }),
  });

  /** @type {{ host: HTMLElement, shadow: ShadowRoot, layer: HTMLElement } | null} */
  let current = null;

  const HOST_STYLE = [
    ['all', 'initial'], ['display', 'block'], ['position', 'absolute'], ['top', '0'], ['left', '0'],
    ['width', '0'], ['height', '0'], ['margin', '0'], ['padding', '0'], ['border', '0'], ['overflow', 'visible'],
    ['z-index', '2147483647'], ['pointer-events', 'none'], ['visibility', 'visible'], ['opacity', '1'],
    ['transform', 'none'], ['contain', 'none'], ['direction', 'ltr'],
  ];

  /**
   * Creates (once) and returns the host, its shadow root and the layer every
   * part draws into.
   */
  function mount() {
    if (current && current.host.isConnected) return current;
    // A host left by an earlier load of the extension (updated or reloaded) is not ours to keep.
    for (const stale of document.querySelectorAll(HOST_TAG)) stale.remove();
    const host = document.createElement(HOST_TAG);
    for (const [k, v] of HOST_STYLE) host.style.setProperty(k, v, 'important');
    const shadow = host.attachShadow({ mode: 'open' });
    adoptStyles(shadow);
    const layer = h('div', { class: 'cm', lang: 'en', dir: 'ltr', 'data-theme': 'system' });
    shadow.append(layer);
    document.documentElement.append(host);
    current = { host, shadow, layer };
    return current;
  }

  /** @param {ShadowRoot} shadow */
  function adoptStyles(shadow) {
    const win = /** @type {any} */ (root.window ?? root);
    const css = NS.uiStyle ?? '';
    try {
      const Sheet = win.wrappedJSObject ? win.CSSStyleSheet : CSSStyleSheet;
      const sheet = new Sheet();
      sheet.replaceSync(css);
      const list = win.wrappedJSObject ? /** @type {any} */ (root).cloneInto([], win) : [];
      list.push(sheet);
      shadow.adoptedStyleSheets = list;
    } catch (e) {
      // Constructed sheets are everywhere this extension runs (Chrome 121+, Firefox 128+);
      // if one still fails, the UI works unstyled rather than not at all.
      console.warn('clausemark: could not style the UI', e);
    }
  }

  /** The mounted parts, or null. */
  function mounted() {
    return current && current.host.isConnected ? current : null;
  }

  /** Removes the host and everything in it. */
  function unmount() {
    current?.host.remove();
    current = null;
  }

  /** @param {'system' | 'light' | 'dark'} theme */
  function setTheme(theme) {
    mount().layer.setAttribute('data-theme', theme === 'light' || theme === 'dark' ? theme : 'system');
  }

  /**
   * Builds an element in the shadow tree's document. Children that are
   * strings become text nodes; attributes are set one by one; `on*` keys
   * that are functions become event listeners. Never parses markup.
   * @param {string} tag
   * @param {Record<string, unknown> | null} [attrs]
   * @param {...(Node | string | null | undefined | false)} children
   * @returns {HTMLElement}
   */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {any} */ (v));
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      el.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return el;
  }

  /**
   * A risk badge: icon (hidden from screen readers) and the word.
   * @param {string} risk
   */
  function riskBadge(risk) {
    const meta = RISK[/** @type {keyof typeof RISK} */ (risk)] ?? RISK.neutral;
    return h('span', { class: `badge risk-${risk}` }, h('span', { class: 'icon', 'aria-hidden': 'true' }, meta.icon), meta.word);
  }

  /**
   * Converts a viewport rectangle into the host's coordinates (what an
   * absolutely positioned child of the layer uses).
   * @param {{ top: number, left: number, bottom?: number, right?: number }} rect
   */
  function toLayer(rect) {
    const origin = mount().host.getBoundingClientRect();
    return { top: rect.top - origin.top, left: rect.left - origin.left };
  }

  /**
   * Offset of a document's viewport inside the top viewport (for same-origin iframes).
   * @param {Document} doc
   */
  function frameOffset(doc) {
    let x = 0;
    let y = 0;
    for (let d = doc; d !== document; ) {
      const fe = /** @type {HTMLElement | null} */ (d.defaultView?.frameElement ?? null);
      if (!fe) break;
      const r = fe.getBoundingClientRect();
      x += r.left + fe.clientLeft;
      y += r.top + fe.clientTop;
      d = fe.ownerDocument;
    }
    return { x, y };
  }

  /** @param {ParentNode} container */
  function focusables(container) {
    return /** @type {HTMLElement[]} */ ([...container.querySelectorAll(
      'button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"]), summary, input, select, textarea',
    )]).filter((el) => !el.closest('[hidden]'));
  }

  /**
   * Keeps Tab inside `container` (a dialog): call from its keydown.
   * @param {HTMLElement} container
   * @param {KeyboardEvent} e
   */
  function trapTab(container, e) {
    if (e.key !== 'Tab') return;
    const items = focusables(container);
    if (!items.length) {
      e.preventDefault();
      return;
    }
    const active = /** @type {ShadowRoot} */ (container.getRootNode()).activeElement;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (active === first || active === container || !container.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !container.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  /** The element focused inside our shadow root, if any. */
  function activeInside() {
    return mounted()?.shadow.activeElement ?? null;
  }

  /**
   * Says `text` to screen readers through a polite live region.
   * @param {string} text
   */
  function announce(text) {
    const { layer } = mount();
    let live = layer.querySelector('.live');
    if (!live) layer.append((live = h('div', { class: 'live sr-only', role: 'status', 'aria-live': 'polite' })));
    live.textContent = '';
    setTimeout(() => { if (live) live.textContent = text; }, 50);
  }

  /**
   * `text` cut to at most `max` UTF-16 code units, with "…" when cut (never
   * inside a surrogate pair, white space before the cut dropped).
   * @param {string} text @param {number} max
   */
  function clip(text, max) {
    if (text.length <= max) return text;
    const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
    return `${text.slice(0, end).trimEnd()}…`;
  }

  /** Whether an event's path goes through our host (so it is our own UI's). */
  function isOurs(/** @type {Event} */ e) {
    const m = mounted();
    return !!m && e.composedPath().includes(m.host);
  }

  NS.ui = Object.freeze({
    HOST_TAG, RISK, mount, mounted, unmount, setTheme, h, riskBadge, toLayer, frameOffset, focusables, trapTab, activeInside,
    announce, isOurs, clip,
  });
})(/** @type {any} */ (globalThis));
