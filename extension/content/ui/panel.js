// @ts-check
/**
 * The summary side panel (right edge, inside the shadow root) and the small
 * floating button that re-opens it once closed.
 *
 * Shows the document kind, the grade A–E with how it was derived, counts per
 * risk, the findings grouped by risk then category (each a button that
 * scrolls to its clause, flashes it and opens its card), the regulations the
 * findings engage (content/ui/context.js), export buttons (Markdown, JSON,
 * W3C Web Annotations), and a `<div part="banner">` at the top that
 * content/changes.js fills when change tracking is on.
 * Clear states: "This doesn't look like a policy page" (kind `other`: no
 * grade, findings still listed) and "Nothing notable found".
 *
 * A complementary landmark, not a dialog: it does not trap focus. Esc inside
 * it closes it and focus goes to the floating button.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.panel) return; // injected twice into one world
  const ui = NS.ui;

  /** Display order of the risk groups. */
  const ORDER = ['bad', 'caution', 'neutral', 'good'];
  /**
   * Entries listed at once per risk; a "Show more" button lists the rest (a
   * repeated-boilerplate page can hold thousands, and every entry costs DOM).
   */
  const LIST_CAP = 400;
  /** The list quotes this much of each clause (two lines); the card has it all. */
  const QUOTE_CHARS = 140;
  const KIND = Object.freeze({ privacy_policy: 'Privacy policy', terms: 'Terms of service', other: 'Not a policy page' });

  /**
   * @typedef {{ index: number, category: string, risk: string, summary: string, text: string, painted: boolean }} PanelFinding
   * @typedef {{ url: string, title: string, kind: string, grade: string | null,
   *   gradeBasis: { penalty: number, credit: number, badCategories: number, net: number },
   *   counts: Record<string, number>, findings: PanelFinding[], hidden: number }} PanelSummary
   * @typedef {{ title: string }} PanelCategory
   * @typedef {{ categories: Map<string, PanelCategory>, onSelect: (index: number, from: HTMLElement) => void,
   *   onExport: (format: 'markdown' | 'json' | 'annotations') => void }} PanelHooks
   */

  /** @type {{ panel: HTMLElement, fab: HTMLElement, banner: HTMLElement } | null} */
  let parts = null;

  function ensure() {
    if (parts && parts.panel.isConnected) return parts;
    const { layer } = ui.mount();
    const closeBtn = ui.h('button', { type: 'button', class: 'close', 'aria-label': 'Close the summary' }, '×');
    const banner = ui.h('div', { part: 'banner', class: 'banner' });
    const panel = ui.h('aside', { class: 'panel', 'aria-labelledby': 'cm-panel-title', hidden: true },
      ui.h('header', null, ui.h('h2', { id: 'cm-panel-title', tabindex: '-1' }, 'Clausemark summary'), closeBtn),
      banner, ui.h('div', { class: 'body' }));
    const fab = ui.h('button', { type: 'button', class: 'fab', hidden: true, 'aria-label': 'Open the Clausemark summary' });
    closeBtn.addEventListener('click', () => close());
    panel.addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    });
    fab.addEventListener('click', () => open(true));
    layer.append(panel, fab);
    parts = { panel, fab, banner };
    return parts;
  }

  let generation = 0;

  /**
   * Fills the panel for this summary (keeps it open or closed as it was).
   * Resolves once every finding is listed: long lists are filled in slices
   * so the page never waits on one long task.
   * @param {PanelSummary} s
   * @param {PanelHooks} hooks
   */
  async function render(s, hooks) {
    const gen = ++generation;
    const { panel, fab } = ensure();
    const body = /** @type {HTMLElement} */ (panel.querySelector('.body'));
    const overview = ui.h('section', { 'aria-label': 'Overview' },
      ui.h('p', { class: 'kind' }, KIND[/** @type {keyof typeof KIND} */ (s.kind)] ?? s.kind));
    if (s.kind === 'other') {
      overview.append(ui.h('p', { class: 'state' }, 'This doesn\u2019t look like a policy page, so it gets no grade.',
        s.findings.length ? ' Clauses that resemble policy terms are still marked.' : ''));
    }
    if (s.grade) overview.append(grade(s));
    overview.append(ui.h('ul', { class: 'counts', 'aria-label': 'Findings per risk' },
      ...ORDER.map((r) => ui.h('li', null, countBadge(r, s.counts[r] ?? 0)))));
    if (!s.findings.length) {
      overview.append(ui.h('p', { class: 'state' }, 'Nothing notable found.',
        s.hidden ? ` (${s.hidden} finding${s.hidden === 1 ? ' is' : 's are'} hidden by your settings.)` : ''));
    } else if (s.hidden) {
      overview.append(ui.h('p', { class: 'meta' }, `${s.hidden} more hidden by your settings (sensitivity, categories).`));
    }
    const { section, fills } = list(s, hooks);
    const topics = NS.context?.topicsSection(s.findings, hooks.categories) ?? null;
    body.replaceChildren(overview, section, ...(topics ? [topics] : []),
      ui.h('section', { class: 'export', 'aria-label': 'Export' },
        button('Export Markdown', () => hooks.onExport('markdown')),
        button('Export JSON', () => hooks.onExport('json')),
        ui.h('button', { type: 'button', class: 'btn', title: 'W3C Web Annotations (JSON-LD), for annotation tools such as Hypothesis',
          onclick: () => hooks.onExport('annotations') }, 'Export Web Annotations')));
    fab.replaceChildren(
      ui.h('span', { 'aria-hidden': 'true' }, 'Clausemark'),
      s.grade ? ui.h('span', { class: 'letter', 'aria-hidden': 'true' }, s.grade) : null);
    fab.setAttribute('aria-label', `Open the Clausemark summary${s.grade ? ` (grade ${s.grade})` : ''}`);
    fab.hidden = !panel.hidden; // closed panel: the button offers it
    await fill(fills, hooks, gen);
  }

  /** @param {string} label @param {() => void} onclick */
  function button(label, onclick) {
    return ui.h('button', { type: 'button', class: 'btn', onclick }, label);
  }

  /** @param {string} risk @param {number} n */
  function countBadge(risk, n) {
    const b = ui.riskBadge(risk);
    b.append(`: ${n}`);
    return b;
  }

  /** @param {PanelSummary} s */
  function grade(s) {
    const b = s.gradeBasis;
    return ui.h('div', null,
      ui.h('div', { class: 'grade' },
        ui.h('span', { class: 'letter', 'aria-hidden': 'true' }, s.grade),
        ui.h('div', null, ui.h('strong', null, `Grade ${s.grade}`), ui.h('br'),
          ui.h('span', { class: 'meta' }, 'from A (respects you) to E (many serious concerns)'))),
      ui.h('details', null, ui.h('summary', null, 'How it was derived'),
        ui.h('p', null, 'Each category counts once, at its worst risk on the page, times its weight (1\u20133): ' +
          'a bad clause costs 3 points per weight, a caution 1, a good one earns 1 back.'),
        ui.h('p', null, `Here: ${b.penalty} penalty \u2212 ${b.credit} credit = ${b.net} net, ` +
          `${b.badCategories} categor${b.badCategories === 1 ? 'y' : 'ies'} at bad.`),
        ui.h('p', null, 'A: net \u2264 0 and nothing bad \u00b7 B: \u2264 6 \u00b7 C: \u2264 14 \u00b7 D: \u2264 26 \u00b7 E: more. ' +
          'Your settings do not change the grade.')));
  }

  /**
   * Findings grouped by risk (worst first), then category (first appearance):
   * the headings and empty lists, and what each list is to be filled with.
   * @param {PanelSummary} s @param {PanelHooks} hooks
   */
  function list(s, hooks) {
    const section = ui.h('section', { 'aria-label': 'Findings' });
    /** @type {[HTMLElement, PanelFinding[]][]} */
    const fills = [];
    for (const risk of ORDER) {
      const mine = s.findings.filter((f) => f.risk === risk);
      if (!mine.length) continue;
      const meta = ui.RISK[risk];
      section.append(ui.h('h3', { class: `risk-${risk}` },
        ui.h('span', { class: 'badge' }, ui.h('span', { class: 'icon', 'aria-hidden': 'true' }, meta.icon), meta.word),
        ` ${mine.length}`));
      const group = ui.h('div');
      section.append(group);
      fills.push(...groups(group, mine.slice(0, LIST_CAP), hooks));
      const rest = mine.slice(LIST_CAP);
      if (rest.length) {
        const more = button(`Show ${rest.length} more (${meta.word.toLowerCase()})`, async () => {
          const next = groups(group, rest, hooks);
          more.remove();
          await fill(next, hooks, generation);
        });
        section.append(more);
      }
    }
    return { section, fills };
  }

  /**
   * Appends one heading + list per category to `container`; returns the lists to fill.
   * @param {HTMLElement} container @param {PanelFinding[]} findings @param {PanelHooks} hooks
   * @returns {[HTMLElement, PanelFinding[]][]}
   */
  function groups(container, findings, hooks) {
    /** @type {Map<string, PanelFinding[]>} */
    const byCat = new Map();
    for (const f of findings) (byCat.get(f.category) ?? byCat.set(f.category, []).get(f.category))?.push(f);
    /** @type {[HTMLElement, PanelFinding[]][]} */
    const out = [];
    for (const [cat, fs] of byCat) {
      const ul = ui.h('ul', { class: 'findings' });
      container.append(ui.h('h4', null, hooks.categories.get(cat)?.title ?? cat), ul);
      out.push([ul, fs]);
    }
    return out;
  }

  /**
   * Fills lists with their entries, yielding to the page every few ms.
   * @param {[HTMLElement, PanelFinding[]][]} fills @param {PanelHooks} hooks @param {number} gen
   */
  async function fill(fills, hooks, gen) {
    let start = performance.now();
    for (const [ul, fs] of fills) {
      for (const f of fs) {
        ul.append(ui.h('li', null, entry(f, hooks)));
        if (performance.now() - start > 8) {
          await NS.textmap.yieldToPage();
          if (gen !== generation) return;
          start = performance.now();
        }
      }
    }
  }

  /** @param {PanelFinding} f @param {PanelHooks} hooks */
  function entry(f, hooks) {
    const b = ui.h('button', { type: 'button', class: `risk-${f.risk}`, 'data-index': f.index },
      ui.h('span', { class: 'what' }, f.summary),
      ui.h('span', { class: 'quote' }, ui.clip(f.text, QUOTE_CHARS)),
      f.painted ? null : ui.h('span', { class: 'unplaced' }, 'Not located on the page any more.'));
    b.addEventListener('click', () => hooks.onSelect(f.index, b));
    return b;
  }

  /**
   * Opens the panel.
   * @param {boolean} [focus] move keyboard focus to its heading
   * @param {boolean} [later] focus in the task after the next frame (resolves then): focusing
   *   needs the panel laid out, and a panel just filled would be laid out inside this task,
   *   with the whole page (≈ 50 ms measured on a 50,000-element page)
   * @returns {Promise<void>}
   */
  function open(focus = false, later = false) {
    const { panel, fab } = ensure();
    const fabHadFocus = ui.activeInside() === fab;
    panel.hidden = false;
    fab.hidden = true;
    if (!focus && !fabHadFocus) return Promise.resolve();
    const heading = /** @type {HTMLElement} */ (panel.querySelector('h2'));
    const go = () => {
      if (!panel.hidden && panel.isConnected) heading.focus({ preventScroll: true });
    };
    if (!later || document.visibilityState === 'hidden') {
      go();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(go());
      };
      const timer = setTimeout(done, 1000); // no frame comes (the tab was hidden meanwhile)
      requestAnimationFrame(() => NS.textmap.yieldToPage().then(done));
    });
  }

  /** Closes the panel; the floating button takes its place (and focus, if the panel had it). */
  function close() {
    if (!parts) return;
    const active = ui.activeInside();
    const hadFocus = !!active && parts.panel.contains(active);
    parts.panel.hidden = true;
    parts.fab.hidden = false;
    if (hadFocus) parts.fab.focus({ preventScroll: true });
  }

  function isOpen() {
    return !!parts && parts.panel.isConnected && !parts.panel.hidden;
  }

  /** The panel entry of a finding (for focus return). @param {number} index */
  function entryOf(index) {
    return /** @type {HTMLElement | null} */ (parts?.panel.querySelector(`.findings button[data-index="${index}"]`) ?? null);
  }

  /** The slot at the top of the panel reserved for the change-tracking banner. */
  function banner() {
    return ensure().banner;
  }

  /**
   * A word on the floating button (null: none), so a closed panel still
   * says that something needs a look (change tracking: "Changed").
   * @param {string | null} text
   */
  function flag(text) {
    const { fab } = ensure();
    fab.querySelector('.flag')?.remove();
    const label = (fab.getAttribute('aria-label') ?? '').replace(/; .*$/, '');
    fab.setAttribute('aria-label', text ? `${label}; ${text.toLowerCase()} since your last visit` : label);
    if (text) fab.append(ui.h('span', { class: 'flag', 'aria-hidden': 'true' }, text));
  }

  function clear() {
    generation++;
    parts?.panel.remove();
    parts?.fab.remove();
    parts = null;
  }

  NS.panel = Object.freeze({ render, open, close, isOpen, entryOf, banner, flag, clear });
})(/** @type {any} */ (globalThis));
