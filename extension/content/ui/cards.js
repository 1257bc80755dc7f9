// @ts-check
/**
 * Cards: what a clause means, in a dialog next to it. One card at a time.
 *
 * A card is `role="dialog"` + `aria-modal="true"` labelled by its heading.
 * Opening moves focus into it; Tab and Shift+Tab cycle inside; Esc (or the
 * close button) closes it and returns focus where it came from (the marker,
 * the summary entry, the page). A pointer press outside closes it without
 * moving focus. Everything shown that comes from the page (the clause, the
 * lead-in of its list) or the taxonomy is inserted as text.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.cards) return; // injected twice into one world
  const ui = NS.ui;

  /**
   * @typedef {{ category: string, risk: string, summary: string, text: string, confidence?: number,
   *   leadIn?: { text: string } }} CardFinding
   *   leadIn: the sentence introducing the list the clause is an item of, when the finding exists because of it
   * @typedef {{ title: string, explanation: string, actions: string[],
   *   regulations: { law: string, reference: string, jurisdictions: string[], note: string }[] }} CardCategory
   * @typedef {{ finding: CardFinding, category: CardCategory | null, prevalence?: string | null }} CardEntry
   *   prevalence: how common the category is (content/ui/context.js), shown with its credit
   * @typedef {{ top: number, left: number, bottom: number, right: number }} Box viewport coordinates
   * @typedef {{
   *   title?: string, entries: CardEntry[], empty?: string, anchor: Box | null,
   *   returnFocus: HTMLElement | null, index?: number,
   *   nav?: { prev: (() => void) | null, next: (() => void) | null, position: string },
   *   onClose?: () => void,
   * }} CardOptions
   */

  /** Longest lead-in sentence a card quotes, in UTF-16 code units (cut with "…"). */
  const LEAD_IN_CHARS = 120;

  /** @type {{ el: HTMLElement, options: CardOptions } | null} */
  let open = null;
  let serial = 0;

  /**
   * One finding's details.
   * @param {CardEntry} entry
   * @param {string | null} headingId id for a heading naming the finding, or null when the card's title does
   */
  function section({ finding, category, prevalence }, headingId) {
    const regs = category?.regulations ?? [];
    const actions = category?.actions ?? [];
    return ui.h('article', { class: `finding risk-${finding.risk}` },
      headingId && ui.h('h3', { id: headingId }, category?.title ?? finding.category),
      ui.h('p', null, ui.riskBadge(finding.risk)),
      ui.h('p', { class: 'summary' }, finding.summary),
      // Why an item like "loss of data;" has this category: the list's lead-in says so.
      finding.leadIn?.text ? ui.h('p', { class: 'lead-in' }, `Part of the list introduced by: “${ui.clip(finding.leadIn.text, LEAD_IN_CHARS)}”`) : null,
      category?.explanation ? ui.h('p', null, category.explanation) : null,
      actions.length ? ui.h('h3', null, 'What you can do') : null,
      actions.length ? ui.h('ul', null, ...actions.map((a) => ui.h('li', null, a))) : null,
      regs.length ? ui.h('h3', null, 'Regulations') : null,
      regs.length ? ui.h('ul', { class: 'regs' }, ...regs.map((r) => ui.h('li', null,
        ui.h('span', { class: 'law' }, [r.law, r.reference].filter(Boolean).join(' ')),
        r.jurisdictions?.length ? ` — ${r.jurisdictions.join(', ')}` : '',
        r.note ? ui.h('div', { class: 'meta' }, r.note) : null))) : null,
      prevalence && NS.context ? NS.context.prevalenceNode(prevalence) : null,
      ui.h('h3', null, 'The clause'),
      ui.h('blockquote', null, finding.text));
  }

  /**
   * Opens a card (closing any other).
   * @param {CardOptions} options
   * @returns {HTMLElement} the dialog element
   */
  function show(options) {
    close(false);
    const { layer } = ui.mount();
    const id = `cm-card-${++serial}`;
    const single = options.entries.length === 1 && !options.title;
    const first = options.entries[0];
    const title = single ? (first.category?.title ?? first.finding.category) : (options.title ?? 'Clausemark');
    const closeBtn = ui.h('button', { type: 'button', class: 'close', 'aria-label': 'Close' }, '×');
    const el = ui.h('div', {
      class: `card risk-${single ? first.finding.risk : 'none'}`, role: 'dialog', 'aria-modal': 'true',
      'aria-labelledby': id, tabindex: '-1', 'data-index': options.index,
    },
    ui.h('header', null, ui.h('h2', { id }, title), closeBtn),
    ...(options.entries.length
      ? options.entries.map((e, i) => section(e, single ? null : `${id}-${i}`))
      : [ui.h('p', { class: 'state' }, options.empty ?? 'Nothing notable found.')]),
    options.nav ? nav(options.nav) : null);
    closeBtn.addEventListener('click', () => close(true));
    el.addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close(true);
      } else {
        ui.trapTab(el, e);
      }
    });
    layer.append(el);
    open = { el, options };
    position(el, options.anchor);
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    document.addEventListener('pointerdown', onOutside, { capture: true, passive: true });
    return el;
  }

  /** @param {NonNullable<CardOptions['nav']>} n */
  function nav(n) {
    const prev = ui.h('button', { type: 'button', class: 'btn', disabled: !n.prev, 'aria-label': 'Previous finding' }, '‹ Previous');
    const next = ui.h('button', { type: 'button', class: 'btn', disabled: !n.next, 'aria-label': 'Next finding' }, 'Next ›');
    if (n.prev) prev.addEventListener('click', n.prev);
    if (n.next) next.addEventListener('click', n.next);
    return ui.h('nav', { 'aria-label': 'Findings' }, prev, ui.h('span', { class: 'meta' }, n.position), next);
  }

  /**
   * Places the card below its anchor (above when there is no room below),
   * clear of the summary panel when there is room, inside the viewport.
   * @param {HTMLElement} el @param {Box | null} anchor
   */
  function position(el, anchor) {
    const vw = document.documentElement.clientWidth;
    const vh = innerHeight;
    const w = el.offsetWidth;
    const hgt = el.offsetHeight;
    const panel = ui.mounted()?.shadow.querySelector('.panel:not([hidden])');
    const right = panel && vw - panel.getBoundingClientRect().left - 8 > 0 && vw - 380 - w - 16 > 0 ? 380 : 0;
    const box = anchor ?? { top: vh * 0.15, bottom: vh * 0.15, left: (vw - w) / 2, right: (vw + w) / 2 };
    let top = box.bottom + 8;
    if (top + hgt > vh && box.top - hgt - 8 > 0) top = box.top - hgt - 8;
    const left = Math.max(8, Math.min(box.left, vw - right - w - 8));
    const at = ui.toLayer({ top, left });
    el.style.top = `${at.top}px`;
    el.style.left = `${at.left}px`;
  }

  /** @param {PointerEvent} e */
  function onOutside(e) {
    if (open && !e.composedPath().includes(open.el)) close(false);
  }

  /**
   * Closes the open card, if any.
   * @param {boolean} restoreFocus return focus to where the card was opened from
   */
  function close(restoreFocus) {
    if (!open) return;
    const { el, options } = open;
    open = null;
    document.removeEventListener('pointerdown', onOutside, { capture: true });
    el.remove();
    options.onClose?.();
    if (restoreFocus) {
      const target = options.returnFocus;
      if (target?.isConnected && !target.closest('[hidden]')) target.focus({ preventScroll: true });
    }
  }

  /** The finding index of the open card, or null. */
  function openIndex() {
    const i = open?.options.index;
    return typeof i === 'number' ? i : null;
  }

  NS.cards = Object.freeze({ show, close, openIndex, isOpen: () => !!open });
})(/** @type {any} */ (globalThis));
