// @ts-check
/**
 * The page's visible text as blocks, and the map from every UTF-16 unit of
 * every block back to the DOM position it came from. This is the ONLY
 * module that knows how text is read off the page; everything else speaks
 * `(block, utf16Start, utf16End)` and asks `toRanges` for DOM ranges.
 *
 * What is read: the flat tree (open shadow roots in place of their host's
 * children, slotted nodes at their slot, same-origin iframes), skipping
 * script/style/noscript/template/svg/form controls, `hidden`,
 * `aria-hidden="true"`, `display: none` subtrees, the text of
 * `visibility: hidden` elements, closed `<details>` bodies and our own host.
 * A block is the text of one block-level box (computed `display`, not a tag
 * list); `<br>` is "\n" inside a block. Its kind, for the analysis, is the
 * tag of that box (`kindOf`): a heading, a list item or a paragraph. Whitespace collapses as CSS renders
 * it (`white-space` of each text's parent), so the blocks read like
 * `innerText` and the analysis offsets line up with what the user sees.
 *
 * A second coordinate system, for export only: `textContentOffsets` says
 * where DOM ranges lie in `body.textContent` (what the W3C Web Annotation
 * TextPositionSelector and tools such as Hypothesis count), so every
 * DOM ⇄ offset conversion stays in this file.
 *
 * The map is a list of runs per block: a run says "units [b, b+len) of this
 * block are units [n, n+len) of this text node" (or the "\n" of a `<br>`).
 * Collapsed whitespace is what breaks a run, so a paragraph typically needs
 * a handful; storing one entry per unit would cost 10+ bytes per character
 * on a 5 MB page.
 *
 * Why not a TreeWalker: it walks the light tree only, and the flat tree
 * (shadow roots, slots, iframes) is what the user sees. The walk below is an
 * explicit stack, so it can stop at any node and resume after yielding to
 * the page: no slice runs longer than `budgetMs` (default 8 ms) unless one
 * text node alone takes longer.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.textmap) return; // injected twice into one world

  /**
   * One stretch of a block that maps 1:1 onto a stretch of one text node.
   * @typedef {{ b: number, node: Node, n: number, len: number, br: boolean }} Run
   *   b: block offset of its first unit (UTF-16); n: offset in `node.data`
   *   (UTF-16); br: the unit is the "\n" of the `<br>` element `node`.
   * @typedef {{ text: string, runs: Run[], doc: Document, el: Element }} Block
   *   el: the block-level element the text sits in (for placement, direction).
   * @typedef {{ blocks: Block[], texts: string[], kinds: string, docs: Document[], shadows: ShadowRoot[],
   *   stats: { nodes: number, elements: number, busyMs: number, slices: number, maxSliceMs: number } }} TextMap
   *   kinds: one letter per block (`kindOf` its element), what "analyze" sends beside `texts`.
   */

  /** Never read: not rendered text, or not the page's prose. */
  const SKIP = new Set([
    'script', 'style', 'noscript', 'template', 'svg', 'math', 'textarea', 'select', 'option', 'optgroup',
    'datalist', 'input', 'object', 'embed', 'canvas', 'audio', 'video', 'picture', 'img', 'head', 'frameset',
  ]);
  const HOST_TAG = 'clausemark-root';

  /** @type {(() => void)[]} */
  const waiting = [];
  /** @type {MessageChannel | null} */
  let channel = null;

  /**
   * A yield to the event loop, so the page's own tasks (input, rendering)
   * run between our slices. `scheduler.yield` keeps our place in the queue;
   * without it a posted message does (a nested `setTimeout(0)` would be
   * clamped to 4 ms per slice).
   * @returns {Promise<void>}
   */
  function yieldToPage() {
    const s = /** @type {any} */ (root).scheduler;
    if (s && typeof s.yield === 'function') {
      try {
        return Promise.resolve(s.yield());
      } catch { /* fall through */ }
    }
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    const port = channel.port2;
    return new Promise((resolve) => {
      waiting.push(resolve);
      port.postMessage(null);
    });
  }

  /**
   * The kind of block an element makes, as the protocol's "analyze" sends
   * it: "h" for `h1`–`h6` or `role="heading"`, "l" for `li` or
   * `role="listitem"`, "p" for any other (the innermost block box decides:
   * `<li><p>…</p></li>` is a paragraph, like the CLI's HTML reader; pages that
   * wrap whole sections in list items then keep their paragraphs).
   * @param {Element} el
   */
  function kindOf(el) {
    const role = el.getAttribute('role')?.trim().toLowerCase();
    if (role === 'heading') return 'h';
    if (role === 'listitem') return 'l';
    const tag = el.localName;
    if (tag === 'li') return 'l';
    return tag.length === 2 && tag[0] === 'h' && tag[1] >= '1' && tag[1] <= '6' ? 'h' : 'p';
  }

  /**
   * `display` as innerText understands it: a block box starts and ends a
   * block; inline-level ones (`inline-block` included) flow within one.
   * @param {string} display computed value
   */
  function isBlockDisplay(display) {
    return !(display.startsWith('inline') || display === 'contents' || display.startsWith('ruby'));
  }

  /**
   * Reads the page. Resolves to the map; never rejects on odd pages (a node
   * that cannot be read is skipped).
   * @param {{ root?: Document, budgetMs?: number, isOwn?: (el: Element) => boolean }} [options]
   * @returns {Promise<TextMap>}
   */
  async function collect(options = {}) {
    const doc = options.root ?? document;
    const budget = options.budgetMs ?? 8;
    const isOwn = options.isOwn ?? ((el) => el.localName === HOST_TAG);
    /** @type {Block[]} */
    const blocks = [];
    /** One letter per block (`kindOf` its element), added as each block ends. */
    let kinds = '';
    /** @type {Document[]} */
    const docs = [doc];
    /** @type {ShadowRoot[]} */
    const shadows = [];
    const stats = { nodes: 0, elements: 0, busyMs: 0, slices: 1, maxSliceMs: 0 };

    // The block being built.
    /** @type {string[]} */ let parts = [];
    let length = 0;
    /** @type {Run[]} */ let runs = [];
    let last = 0; // char code of the last unit emitted (0: none)
    /** @type {[Node, number] | null} */ let pending = null; // a collapsed space waiting for text
    /** @type {Element} */ let blockEl = doc.documentElement;
    /** @type {Document} */ let blockDoc = doc;

    /** @param {string} s @param {Node} node @param {number} n @param {boolean} br */
    function emit(s, node, n, br) {
      const prev = runs[runs.length - 1];
      if (prev && !br && !prev.br && prev.node === node && prev.n + prev.len === n) prev.len += s.length;
      else runs.push({ b: length, node, n, len: s.length, br });
      parts.push(s);
      length += s.length;
      last = s.charCodeAt(s.length - 1);
    }
    function flush() {
      pending = null;
      if (length === 0) return;
      let text = parts.join('');
      // Trailing breaks (a last <br>) carry nothing: drop them and their runs.
      let end = text.length;
      while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 32)) end--;
      if (end < text.length) {
        text = text.slice(0, end);
        while (runs.length && runs[runs.length - 1].b >= end) runs.pop();
        const r = runs[runs.length - 1];
        if (r) r.len = Math.min(r.len, end - r.b);
      }
      if (/\S/.test(text)) {
        blocks.push({ text, runs, doc: blockDoc, el: blockEl });
        kinds += kindOf(blockEl);
      }
      parts = [];
      runs = [];
      length = 0;
      last = 0;
    }

    /**
     * Collapsible whitespace that changes when rendered: a run of two or
     * more, or any tab / line break. A single space between words renders as
     * itself, so it stays inside a chunk (one emit per chunk, not per word:
     * that keeps a 5 MB page's collection near innerText's speed).
     * With preserved line breaks, a break and the spaces around it are one match.
     */
    const COLLAPSE = /[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+/g;
    const COLLAPSE_KEEP_BREAKS = /[ \t\r\f]*\n[ \t\r\f]*|[\t\r\f][ \t\r\f]*| [ \t\r\f]+/g;

    /** A collapsible space at `index` of `node`. @param {Node} node @param {number} index */
    function space(node, index) {
      if (length > 0 && last !== 32 && last !== 10 && !pending) pending = [node, index];
    }

    /**
     * Appends the part [i, stop) of a text node holding no collapsible run:
     * words and single spaces, maybe one space at either end.
     * @param {Text} node @param {string} data @param {number} i @param {number} stop
     */
    function chunk(node, data, i, stop) {
      if (data.charCodeAt(i) === 32) space(node, i++);
      if (stop > i && data.charCodeAt(stop - 1) === 32) {
        if (stop - 1 > i) words(node, data, i, stop - 1);
        space(node, stop - 1);
      } else if (stop > i) {
        words(node, data, i, stop);
      }
    }
    /** @param {Text} node @param {string} data @param {number} i @param {number} stop */
    function words(node, data, i, stop) {
      if (pending) emit(' ', pending[0], pending[1], false);
      pending = null;
      emit(i === 0 && stop === data.length ? data : data.slice(i, stop), node, i, false);
    }

    /**
     * Appends a text node's rendered text.
     * @param {Text} node
     * @param {string} ws computed white-space-collapse (or white-space)
     */
    function text(node, ws) {
      const data = node.data;
      if (ws === 'preserve' || ws === 'break-spaces' || ws === 'pre' || ws === 'pre-wrap' || ws === 'preserve-spaces') {
        if (data.length) emit(data, node, 0, false);
        pending = null;
        return;
      }
      const keepBreaks = ws === 'preserve-breaks' || ws === 'pre-line';
      const re = keepBreaks ? COLLAPSE_KEEP_BREAKS : COLLAPSE;
      re.lastIndex = 0;
      let i = 0;
      for (let m = re.exec(data); m; m = re.exec(data)) {
        if (m.index > i) chunk(node, data, i, m.index);
        const br = keepBreaks ? m[0].indexOf('\n') : -1;
        if (br >= 0) {
          pending = null;
          emit('\n', node, m.index + br, false);
        } else {
          space(node, m.index);
        }
        i = m.index + m[0].length;
      }
      if (data.length > i) chunk(node, data, i, data.length);
    }

    /**
     * A stack frame: the children being walked (siblings from `next`, or
     * the array `list` for slots and iframes) and the style their text inherits.
     * @typedef {{ next: Node | null, list: Node[] | null, i: number, el: Element, block: boolean,
     *   style: CSSStyleDeclaration | null, ws: string | null, visible: boolean | null,
     *   prevBlockEl: Element, prevDoc: Document }} Frame
     */
    /** @type {Frame[]} */
    const stack = [];
    /**
     * @param {Element} el @param {Node | null} first @param {Node[] | null} list
     * @param {boolean} block @param {CSSStyleDeclaration | null} style
     */
    function push(el, first, list, block, style) {
      stack.push({ next: first, list, i: 0, el, block, style, ws: null, visible: null, prevBlockEl: blockEl, prevDoc: blockDoc });
      if (block) {
        flush();
        blockEl = el;
        blockDoc = el.ownerDocument;
      }
    }
    /** @param {Frame} f */
    function inherited(f) {
      if (f.ws === null) {
        const s = f.style ?? styleOf(f.el);
        f.ws = s ? s.whiteSpaceCollapse || s.whiteSpace || 'normal' : 'normal';
        f.visible = s ? s.visibility === 'visible' : true;
      }
      return f;
    }

    /**
     * Enters an element: skips it, or pushes the frame that walks its children.
     * @param {Element} el
     */
    function enter(el) {
      stats.elements++;
      const tag = el.localName;
      if (SKIP.has(tag) || isOwn(el) || el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return;
      if (tag === 'br') {
        const f = inherited(stack[stack.length - 1]);
        if (f.visible) {
          pending = null;
          emit('\n', el, 0, true);
        }
        return;
      }
      const style = styleOf(el);
      if (!style) return;
      const display = style.display;
      if (display === 'none') return;
      const block = isBlockDisplay(display);
      if (tag === 'iframe' || tag === 'frame') {
        /** @type {Document | null} */ let inner = null;
        try {
          inner = /** @type {HTMLIFrameElement} */ (el).contentDocument; // null when cross-origin
        } catch { /* cross-origin */ }
        if (inner?.documentElement) {
          docs.push(inner);
          push(el, null, [inner.documentElement], true, style);
        }
        return;
      }
      /** @type {Node | null} */ let first = el.firstChild;
      /** @type {Node[] | null} */ let list = null;
      if (el.shadowRoot) {
        shadows.push(el.shadowRoot);
        first = el.shadowRoot.firstChild;
      }
      if (tag === 'slot') {
        // Assigned nodes render here; a slot with none renders its own children.
        const assigned = /** @type {HTMLSlotElement} */ (el).assignedNodes();
        if (assigned.length) list = assigned;
      } else if (tag === 'details' && !(/** @type {HTMLDetailsElement} */ (el).open) && !el.shadowRoot) {
        const summary = Array.prototype.find.call(el.children, (c) => c.localName === 'summary');
        list = summary ? [summary] : [];
      }
      push(el, first, list, block, style);
    }

    /** @param {Element} el */
    function styleOf(el) {
      const owner = el.ownerDocument;
      return owner === doc ? getComputedStyle(el) : owner.defaultView?.getComputedStyle(el) ?? null;
    }

    const rootEl = doc.documentElement;
    if (!rootEl) return { blocks, texts: [], kinds: '', docs, shadows, stats };
    stats.nodes++;
    enter(rootEl);

    let sliceStart = performance.now();
    let count = 0;
    while (stack.length) {
      const f = stack[stack.length - 1];
      const node = f.list ? (f.list[f.i++] ?? null) : f.next;
      if (!node) {
        stack.pop();
        if (f.block) {
          flush();
          blockEl = f.prevBlockEl;
          blockDoc = f.prevDoc;
        }
        continue;
      }
      if (!f.list) f.next = node.nextSibling;
      stats.nodes++;
      if (node.nodeType === 1) enter(/** @type {Element} */ (node));
      else if (node.nodeType === 3) {
        const g = inherited(f);
        if (g.visible) text(/** @type {Text} */ (node), /** @type {string} */ (g.ws));
      }
      if ((++count & 31) === 0) {
        const now = performance.now();
        if (now - sliceStart > budget) {
          stats.busyMs += now - sliceStart;
          stats.maxSliceMs = Math.max(stats.maxSliceMs, now - sliceStart);
          stats.slices++;
          await yieldToPage();
          sliceStart = performance.now();
        }
      }
    }
    flush();
    const lastSlice = performance.now() - sliceStart;
    stats.busyMs += lastSlice;
    stats.maxSliceMs = Math.max(stats.maxSliceMs, lastSlice);
    return { blocks, texts: blocks.map((b) => b.text), kinds, docs, shadows, stats };
  }

  /**
   * Index of the last run whose start is ≤ `offset` (binary search).
   * @param {Run[]} runs @param {number} offset
   */
  function runAt(runs, offset) {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid].b <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The DOM ranges covering units [start, end) of block `index` — usually
   * one; one per tree when the span crosses a shadow-root boundary (a Range
   * cannot). Empty when the span is out of bounds or the DOM changed under
   * the map so that the offsets no longer fit.
   * @param {TextMap} map
   * @param {number} index block index
   * @param {number} start UTF-16 offset in the block's text
   * @param {number} end UTF-16 offset, exclusive
   * @returns {Range[]}
   */
  function toRanges(map, index, start, end) {
    const block = map.blocks[index];
    if (!block || !(start >= 0 && end > start && end <= block.text.length)) return [];
    const runs = block.runs;
    const first = runAt(runs, start);
    const lastRun = runAt(runs, end - 1);
    /** @type {Range[]} */
    const out = [];
    try {
      let range = block.doc.createRange();
      let tree = runs[first].node.getRootNode();
      setStart(range, runs[first], start);
      for (let i = first; i <= lastRun; i++) {
        const r = runs[i];
        const t = r.node.getRootNode();
        if (t !== tree) {
          out.push(range); // ends at the previous run's end, set below
          range = block.doc.createRange();
          tree = t;
          setStart(range, r, r.b);
        }
        setEnd(range, r, Math.min(end, r.b + r.len));
      }
      out.push(range);
    } catch {
      return []; // a node shrank since collection: the caller re-collects
    }
    return out.filter((r) => !r.collapsed);
  }

  /** @param {Range} range @param {Run} r @param {number} offset block offset inside r */
  function setStart(range, r, offset) {
    if (r.br) range.setStartBefore(r.node);
    else range.setStart(r.node, r.n + (offset - r.b));
  }
  /** @param {Range} range @param {Run} r @param {number} offset block offset inside r (exclusive end) */
  function setEnd(range, r, offset) {
    if (r.br) range.setEndAfter(r.node);
    else range.setEnd(r.node, r.n + (offset - r.b));
  }

  /**
   * Where ranges lie in `root.textContent`: UTF-16 offsets counting every
   * Text node under `root` in tree order (script and style text included,
   * nothing for `<br>` or collapsed white space, no shadow roots or iframes)
   * — the positions the W3C TextPositionSelector uses, as Hypothesis does
   * with `document.body`. One walk over the text nodes for all ranges.
   * @param {Node} rootNode usually `document.body`
   * @param {AbstractRange[][]} spans each span = one finding's ranges, in order
   * @returns {({ start: number, end: number } | null)[]} null for a span with
   *   an end outside `rootNode` (in a shadow tree or an iframe), or none
   */
  function textContentOffsets(rootNode, spans) {
    const doc = rootNode.ownerDocument ?? /** @type {Document} */ (rootNode);
    /** @type {Map<Node, number>} */
    const starts = new Map();
    const walker = doc.createTreeWalker(rootNode, NodeFilter.SHOW_TEXT);
    let total = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      starts.set(n, total);
      total += /** @type {Text} */ (n).data.length;
    }
    /** The offset of the first text at or after `node` in tree order (its own text included). @param {Node | null} node */
    const from = (node) => {
      if (!node) return total;
      if (node.nodeType === 3) return starts.get(node) ?? total;
      walker.currentNode = node;
      const next = walker.nextNode();
      return next ? /** @type {number} */ (starts.get(next)) : total;
    };
    /** @param {Node} container @param {number} offset */
    const point = (container, offset) => {
      if (container.nodeType === 3) {
        const s = starts.get(container);
        return s === undefined ? null : s + offset;
      }
      if (container !== rootNode && !rootNode.contains(container)) return null;
      const child = container.childNodes[offset];
      if (child) return from(child);
      // After the container's last child: the first text after its subtree.
      let m = /** @type {Node | null} */ (container);
      while (m && m !== rootNode && !m.nextSibling) m = m.parentNode;
      return !m || m === rootNode ? total : from(m.nextSibling);
    };
    return spans.map((ranges) => {
      if (!ranges.length) return null;
      const first = ranges[0];
      const last = ranges[ranges.length - 1];
      const start = point(first.startContainer, first.startOffset);
      const end = point(last.endContainer, last.endOffset);
      return start === null || end === null || end < start ? null : { start, end };
    });
  }

  /**
   * Text compared the way blocks are built: runs of whitespace as one space,
   * trimmed. For checking that a range still holds a finding's text.
   * @param {string} s
   */
  function squash(s) {
    return s.replace(/[ \t\n\r\f]+/g, ' ').trim();
  }

  NS.textmap = Object.freeze({ collect, toRanges, textContentOffsets, squash, yieldToPage, isBlockDisplay, HOST_TAG });
})(/** @type {any} */ (globalThis));
