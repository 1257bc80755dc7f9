// @ts-check
/**
 * Change tracking on the page: after an annotation, and only while the
 * opt-in setting `rememberPolicies` is on, the page's blocks go to the
 * background (`history`), which compares them with the version remembered
 * for this URL and remembers this one (background/history.js). The answer
 * is shown here:
 *
 * - in the summary panel's `part="banner"` slot: "Changed since <date>",
 *   the counts, and every change, most serious first, with its headline
 *   ("New: …", "Now bad (was caution): …") and categories; an added or
 *   reworded clause is a button that scrolls to it and flashes it; a removed
 *   one is listed with its old text. Otherwise one quiet line ("Unchanged
 *   since <date>", "No wording change since <date>", "Remembered …");
 * - on the page: added and reworded clauses in the `clausemark-changed`
 *   highlight (its own underline style, content/highlights.css) and a
 *   margin marker each ("+" new, "Δ" reworded, with a text label), so
 *   colour is never the only signal.
 *
 * The page is compared once per text: re-annotating the same text (the
 * toolbar button toggles, a re-anchor after a layout change) reuses the
 * answer rather than comparing the page with itself. When the text changed
 * under an annotation, each change is found again by its text.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.changes) return; // injected twice into one world
  const P = root.ClausemarkProtocol;
  const { ui, textmap, highlights, panel, markers } = NS;

  /** Changes listed at once in the banner; a button lists the rest. */
  const LIST_CAP = 8;
  const QUOTE_CHARS = 160;
  const WORD = Object.freeze({ added: 'New', modified: 'Reworded', removed: 'Removed' });
  const ICON = Object.freeze({ added: '+', modified: 'Δ' });

  /**
   * One change as shown: `ranges` empty for a removed clause or one not found.
   * @typedef {{ n: number, change: 'added' | 'modified' | 'removed', rank: number, severity: number,
   *   headline: string, text: string, oldText: string | null, categories: any[], ranges: Range[], el: Element | null }} Shown
   */

  /** @type {{ texts: string[] | null, result: any, shown: Shown[] }} */
  const state = { texts: null, result: null, shown: [] };

  /** @param {string[]} a @param {string[] | null} b */
  const same = (a, b) => !!b && a.length === b.length && a.every((t, i) => t === b[i]);

  /**
   * Compares the page with its remembered version (once per text) and shows
   * the outcome. Resolves to a compact account for the summary, or null when
   * the setting is off.
   * @param {{ map: any, analysis: any, settings: any, shown: any[], categories: Map<string, any>, reanchor?: boolean }} a
   */
  async function update({ map, analysis, settings, shown, categories, reanchor }) {
    if (!settings.rememberPolicies) {
      clear();
      return null;
    }
    if (analysis.kind === 'other') {
      // Not a policy: its text is not even sent to the background.
      state.result = { status: 'not-remembered', reason: 'this page does not read as a privacy policy or terms' };
      state.texts = null;
    } else if (!state.result || state.texts === null || (!reanchor && !same(map.texts, state.texts))) {
      const findings = shown.map((s) => ({
        block: s.finding.block, start: s.finding.blockStartUtf16, end: s.finding.blockEndUtf16,
        category: s.finding.category, risk: s.finding.risk,
      }));
      try {
        state.result = await P.requestHistory({ url: location.href, title: document.title, kind: analysis.kind }, map.texts, findings, map.kinds);
      } catch (e) {
        state.result = { status: 'error', reason: e instanceof Error ? e.message : String(e) };
      }
      state.texts = map.texts;
    }
    state.shown = locate(map, state.result);
    paint();
    render(state.result, categories);
    panel.flag(state.result?.status === 'changed' ? 'Changed' : null);
    return account(state.result);
  }

  /**
   * The changes, most serious first, with their ranges on the page.
   * @param {any} map @param {any} result
   * @returns {Shown[]}
   */
  function locate(map, result) {
    const d = result?.status === 'changed' ? result.diff : null;
    if (!d) return [];
    const all = [
      ...d.added.map((/** @type {any} */ c) => ({ change: 'added', c, text: c.text, oldText: null })),
      ...d.modified.map((/** @type {any} */ c) => ({ change: 'modified', c, text: c.newText, oldText: c.oldText })),
      ...d.removed.map((/** @type {any} */ c) => ({ change: 'removed', c, text: c.text, oldText: c.text })),
    ].sort((a, b) => a.c.rank - b.c.rank);
    return all.map(({ change, c, text, oldText }, n) => {
      let ranges = /** @type {Range[]} */ ([]);
      let block = -1;
      if (change !== 'removed') {
        // Where the diff put it, if the page still reads so; else wherever its text now is.
        let start = c.blockStartUtf16;
        block = map.texts[c.block]?.slice(start, c.blockEndUtf16) === text ? c.block : -1;
        for (let i = 0; block < 0 && i < map.texts.length; i++) {
          const at = map.texts[i].indexOf(text);
          if (at >= 0) [block, start] = [i, at];
        }
        if (block >= 0) ranges = textmap.toRanges(map, block, start, start + text.length);
      }
      return {
        n, change: /** @type {Shown['change']} */ (change), rank: c.rank, severity: c.severity, headline: c.headline, text,
        oldText, categories: c.categories, ranges, el: block >= 0 ? map.blocks[block]?.el ?? null : null,
      };
    });
  }

  /** The changed clauses' highlight and margin markers. */
  function paint() {
    const placed = state.shown.filter((s) => s.ranges.length);
    highlights.changed(placed.flatMap((s) => s.ranges));
    markers.setChanges(placed.filter((s) => s.el).map((s) => ({
      index: -1 - s.n, risk: riskOf(s), label: `${WORD[s.change]} clause: ${s.headline}`, ranges: s.ranges,
      el: /** @type {Element} */ (s.el), change: s.change, icon: ICON[/** @type {'added' | 'modified'} */ (s.change)],
      activate: () => focus(s.n),
    })));
  }

  /**
   * The risk a change is coloured with: its worst risk now (or before, for a removal).
   * @param {Shown} s
   */
  function riskOf(s) {
    const order = ['bad', 'caution', 'neutral', 'good'];
    const risks = s.categories.map((c) => (s.change === 'modified' ? c.newRisk ?? c.oldRisk : c.risk)).filter(Boolean);
    return order.find((r) => risks.includes(r)) ?? 'neutral';
  }

  /** @param {string | undefined} iso */
  function date(iso) {
    const d = iso ? new Date(iso) : null;
    return d && !Number.isNaN(d.getTime()) ? d.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' }) : 'your last visit';
  }

  /**
   * Fills the banner slot.
   * @param {any} result @param {Map<string, any>} categories
   */
  function render(result, categories) {
    const slot = panel.banner();
    const s = result?.status;
    if (s === 'changed') {
      const d = result.diff;
      const list = ui.h('ol', { class: 'changes', 'aria-label': 'Changes, most serious first' });
      const fill = (/** @type {Shown[]} */ items) => list.append(...items.map((x) => ui.h('li', null, entry(x, categories))));
      fill(state.shown.slice(0, LIST_CAP));
      const rest = state.shown.slice(LIST_CAP);
      const more = rest.length ? ui.h('button', { type: 'button', class: 'btn' }, `Show all ${state.shown.length} changes`) : null;
      more?.addEventListener('click', () => {
        fill(rest);
        more.remove();
      });
      slot.replaceChildren(ui.h('div', { class: 'change-banner', role: 'region', 'aria-label': 'Changes since your last visit' },
        ui.h('p', { class: 'change-head' }, ui.h('strong', null, `Changed since ${date(result.lastSeen)}`)),
        ui.h('p', { class: 'meta' }, `${count(d.added.length, 'new clause')}, ${count(d.modified.length, 'reworded')}, ` +
          `${count(d.removed.length, 'removed')}; ${d.counts.unchanged} unchanged.`),
        list, more));
    } else if (s === 'off' || !s) {
      slot.replaceChildren();
    } else {
      const text = {
        unchanged: `Unchanged since ${date(result.firstSeen)}.`,
        'same-wording': `No wording change since ${date(result.lastSeen)} (only the layout or markup differs).`,
        first: 'Remembered on this device: next time, Clausemark will tell you what changed.',
        'not-remembered': `Not remembered: ${result.reason ?? 'this page cannot be remembered'}.`,
        error: `Could not compare with the version remembered: ${result.reason}`,
      }[/** @type {string} */ (s)] ?? '';
      slot.replaceChildren(ui.h('p', { class: 'change-quiet', role: 'status' }, text));
    }
  }

  /** @param {number} n @param {string} what */
  const count = (n, what) => `${n} ${what}${n === 1 || what !== 'new clause' ? '' : 's'}`;

  /**
   * One change in the banner: a button when it is on the page.
   * @param {Shown} x @param {Map<string, any>} categories
   */
  function entry(x, categories) {
    const title = (/** @type {string} */ id) => categories.get(id)?.title ?? id;
    const cats = x.categories.map((c) => (x.change !== 'modified' || c.oldRisk === c.newRisk
      ? `${title(c.category)}: ${c.risk ?? c.newRisk}`
      : `${title(c.category)}: ${c.oldRisk ?? 'not found'} → ${c.newRisk ?? 'gone'}`)).join(' · ');
    const quote = (/** @type {string} */ t) => ui.clip(t, QUOTE_CHARS);
    const parts = [
      ui.h('span', { class: 'tag' }, WORD[x.change]),
      ui.h('span', { class: 'what' }, x.headline),
      cats ? ui.h('span', { class: 'cats' }, cats) : null,
      x.change === 'modified' ? ui.h('span', { class: 'quote old' }, `Was: ${quote(/** @type {string} */ (x.oldText))}`) : null,
      ui.h('span', { class: 'quote' }, quote(x.text)),
      x.change !== 'removed' && !x.ranges.length ? ui.h('span', { class: 'unplaced' }, 'Not located on the page any more.') : null,
    ];
    const attrs = { class: `change change-${x.change} risk-${riskOf(x)}`, 'data-change': x.n, 'data-kind': x.change };
    if (x.change === 'removed' || !x.ranges.length) return ui.h('div', attrs, ...parts);
    const b = ui.h('button', { type: 'button', ...attrs }, ...parts);
    b.addEventListener('click', () => focus(x.n));
    return b;
  }

  /**
   * Scrolls to change `n` and flashes it, as the summary does for a finding.
   * @param {number} n
   */
  function focus(n) {
    const x = state.shown[n];
    if (!x?.ranges.length) return { error: `clausemark: change ${n} is not on the page` };
    const r = x.ranges[0].getBoundingClientRect();
    const node = x.ranges[0].startContainer;
    const el = node.nodeType === 1 ? /** @type {Element} */ (node) : node.parentElement;
    if (el && (r.top < 0 || r.bottom > innerHeight * 0.6)) {
      el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: /** @type {any} */ ('instant') });
    }
    highlights.focus(x.ranges);
    ui.announce(`${WORD[x.change]} clause: ${x.headline}`);
    return { ok: true };
  }

  /**
   * The comparison as the summary reports it (tests and the background read it).
   * @param {any} result
   */
  function account(result) {
    return {
      status: result?.status ?? 'off',
      since: result?.status === 'unchanged' ? result.firstSeen ?? null : result?.lastSeen ?? null,
      reason: result?.reason ?? null,
      counts: result?.diff ? { added: result.diff.added.length, modified: result.diff.modified.length, removed: result.diff.removed.length } : null,
      items: state.shown.map((x) => ({
        change: x.change, rank: x.rank, severity: x.severity, headline: x.headline, text: x.text,
        categories: x.categories.map((c) => c.category), located: x.ranges.length > 0,
      })),
    };
  }

  /**
   * Removes the banner, the highlight and the markers of changes. The
   * comparison is kept for as long as the page is loaded: annotating the
   * same text again shows it again (comparing anew would compare the page
   * with the version it just stored, i.e. with itself).
   */
  function clear() {
    state.shown = [];
    highlights.changed([]);
    markers.setChanges([]);
    if (ui.mounted()) {
      panel.banner().replaceChildren();
      panel.flag(null);
    }
  }

  NS.changes = Object.freeze({ update, focus, clear });
})(/** @type {any} */ (globalThis));
