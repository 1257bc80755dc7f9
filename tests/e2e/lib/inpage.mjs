// Functions the tests run INSIDE a page (Playwright `page.evaluate` and
// puppeteer `page.evaluate` both serialise them, so each is self-contained:
// no closure over module variables). They run in the page's main world,
// which sees the same DOM, shadow roots and `CSS.highlights` registry as
// the extension's isolated world.

/** The host element Clausemark adds (design: exactly one, on documentElement). */
export const HOST_TAG = 'clausemark-root';

/** The highlight names the extension registers, by risk. */
export const RISKS = ['good', 'neutral', 'caution', 'bad'];

/**
 * A byte-exact serialisation of the page as the page itself sees it,
 * Clausemark's host left out: `documentElement.outerHTML` of a clone
 * without `<clausemark-root>`, plus the content of every open shadow root
 * (not ours) and of every same-origin iframe, recursively. Comparing it
 * before and after an annotation proves the page DOM was not touched
 * (attributes, wrappers, text), apart from the one host element.
 */
export function domSnapshot() {
  const HOST = 'clausemark-root';
  const parts = [];
  const visit = (doc, label) => {
    const clone = doc.documentElement.cloneNode(true);
    for (const h of clone.querySelectorAll(HOST)) h.remove();
    parts.push(`== ${label}\n${clone.outerHTML}`);
    const all = doc.querySelectorAll('*');
    let i = 0;
    for (const el of all) {
      i++;
      if (el.localName === HOST) continue;
      if (el.shadowRoot && !el.closest(HOST)) parts.push(`== ${label} shadow #${i} <${el.localName}>\n${el.shadowRoot.innerHTML}`);
      if (el.localName === 'iframe' || el.localName === 'frame') {
        let inner = null;
        try { inner = el.contentDocument; } catch { inner = null; }
        if (inner?.documentElement) visit(inner, `${label} frame #${i}`);
      }
    }
  };
  visit(document, 'top');
  return parts.join('\n');
}

/**
 * Every Clausemark highlight in the page (top document and same-origin
 * iframes): per risk name, the text of each range as the reader sees it —
 * `<br>` read as "\n", whitespace collapsed, as the content script builds
 * block text — plus the raw `Range.toString()`.
 * @returns {{ name: string, doc: string, text: string, raw: string, collapsed: boolean }[]}
 */
export function readHighlights() {
  const out = [];
  const squash = (s) => s.replace(/\s+/g, ' ').trim();
  const rangeText = (range) => {
    // Text of the nodes inside the range, in document order; <br> = "\n".
    const rootNode = range.commonAncestorContainer;
    if (rootNode.nodeType === 3) return rootNode.data.slice(range.startOffset, range.endOffset);
    const doc = rootNode.ownerDocument ?? rootNode;
    const walker = doc.createTreeWalker(rootNode, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let s = '';
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (!range.intersectsNode(n)) continue;
      if (n.nodeType === 3) {
        const start = n === range.startContainer ? range.startOffset : 0;
        const end = n === range.endContainer ? range.endOffset : n.data.length;
        s += n.data.slice(start, end);
      } else if (n.localName === 'br') {
        s += '\n';
      }
    }
    return s;
  };
  const visit = (doc, label) => {
    const reg = doc.defaultView?.CSS?.highlights;
    if (reg) {
      for (const [name, hl] of reg) {
        if (!name.startsWith('clausemark-')) continue;
        for (const r of hl) out.push({ name, doc: label, text: squash(rangeText(r)), raw: r.toString(), collapsed: r.collapsed });
      }
    }
    for (const f of doc.querySelectorAll('iframe')) {
      let inner = null;
      try { inner = f.contentDocument; } catch { inner = null; }
      if (inner) visit(inner, `${label}>iframe`);
    }
  };
  visit(document, 'top');
  return out;
}

/**
 * What Clausemark drew: the host(s), the shadow root's mode, and the
 * visible UI parts (panel, markers, card, floating button) with their text.
 */
export function readUi() {
  const hosts = [...document.querySelectorAll('clausemark-root')];
  const host = hosts[0];
  const sr = host?.shadowRoot ?? null;
  const visible = (el) => {
    if (!el || el.closest('[hidden]')) return false;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.display !== 'none' && cs.visibility !== 'hidden' && Number(cs.opacity) > 0;
  };
  const panel = sr?.querySelector('.panel') ?? null;
  const card = sr?.querySelector('[role="dialog"]') ?? null;
  return {
    hosts: hosts.length,
    hostParentIsRoot: host ? host.parentNode === document.documentElement : null,
    shadowMode: sr?.mode ?? null,
    panelOpen: visible(panel),
    panelText: panel?.textContent ?? '',
    panelIndexes: panel ? [...panel.querySelectorAll('.findings button[data-index]')].map((b) => Number(b.dataset.index)) : [],
    markers: sr ? [...sr.querySelectorAll('.marker[data-index]')].map((m) => ({
      index: Number(m.dataset.index), visible: visible(m), text: m.textContent, risk: [...m.classList].find((c) => c.startsWith('risk-')),
      // What a screen reader announces: aria-label when set, else the text.
      name: m.getAttribute('aria-label') ?? m.textContent,
    })) : [],
    card: card ? {
      index: card.dataset.index === undefined ? null : Number(card.dataset.index),
      visible: visible(card),
      text: card.textContent,
      labelledBy: card.getAttribute('aria-labelledby'),
      label: card.getAttribute('aria-labelledby') ? sr.getElementById(card.getAttribute('aria-labelledby'))?.textContent ?? null : null,
      quote: [...card.querySelectorAll('blockquote')].map((q) => q.textContent),
      regulations: [...card.querySelectorAll('.regs li')].map((li) => li.textContent),
      elementsInQuotes: [...card.querySelectorAll('blockquote *')].length,
      focusInside: card.contains(sr.activeElement) || sr.activeElement === card,
    } : null,
    fabVisible: visible(sr?.querySelector('.fab')),
    scriptsInShadow: sr ? sr.querySelectorAll('script, iframe, img, object, embed').length : 0,
  };
}

/**
 * Installs, before any page script, a recorder of long tasks (Chromium's
 * 'longtask' entries) and of event-loop stalls (a MessageChannel ping loop:
 * a gap > 50 ms between two pings is a task that ran that long — works in
 * every browser), plus CSP violation reports. Read with `readPerf`.
 * Source text, for `addInitScript` / `evaluateOnNewDocument`.
 */
export const PERF_INIT_SCRIPT = `(() => {
  const rec = { longtasks: [], stalls: [], violations: [], pinging: false };
  Object.defineProperty(window, '__cmPerf', { value: rec, enumerable: false });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) rec.longtasks.push({ start: e.startTime, duration: e.duration, name: e.name });
    }).observe({ type: 'longtask', buffered: true });
    rec.longtaskSupported = true;
  } catch { rec.longtaskSupported = false; }
  addEventListener('securitypolicyviolation', (e) => {
    rec.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, sample: e.sample });
  }, true);
  const ch = new MessageChannel();
  let last = 0;
  ch.port1.onmessage = () => {
    if (!rec.pinging) return;
    const now = performance.now();
    if (now - last > 50) rec.stalls.push({ start: last, duration: now - last });
    last = now;
    setTimeout(() => ch.port2.postMessage(0), 0);
  };
  rec.startPing = () => { if (rec.pinging) return; rec.pinging = true; last = performance.now(); ch.port2.postMessage(0); };
  rec.stopPing = () => { rec.pinging = false; };
})();`;

/** Reads (and optionally clears) what PERF_INIT_SCRIPT recorded. */
export function readPerf(clear = false) {
  const rec = window.__cmPerf;
  if (!rec) return null;
  const copy = JSON.parse(JSON.stringify({ longtasks: rec.longtasks, stalls: rec.stalls, violations: rec.violations, longtaskSupported: rec.longtaskSupported }));
  if (clear) { rec.longtasks.length = 0; rec.stalls.length = 0; rec.violations.length = 0; }
  copy.now = performance.now();
  return copy;
}

/** Collapses white space as block text does. */
export const squash = (s) => s.replace(/\s+/g, ' ').trim();
