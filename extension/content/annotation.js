// @ts-check
/**
 * The page's annotation as data, and the steps that make it before
 * anything is painted: the taxonomy (asked once), the highlight CSS
 * (inserted once), reading the page (collect with content/textmap.js, then
 * the background's analysis) and anchoring each shown finding to DOM
 * ranges. `state` is the one record of what was read, analysed and shown;
 * content/main.js (which runs annotations) and content/view.js (which
 * shows them) share it.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.annotation) return; // injected twice into one world
  const P = root.ClausemarkProtocol;
  const { textmap, ui, context } = NS;

  /**
   * @typedef {{ index: number, finding: any, ranges: Range[], el: Element | null }} Shown
   */
  const state = {
    /** @type {any} */ settings: P.DEFAULT_SETTINGS,
    /** @type {Map<string, any> | null} */ categories: null,
    /** @type {any} */ map: null,
    /** @type {any} */ analysis: null,
    /** @type {string[] | null} */ texts: null,
    /** @type {Shown[]} */ shown: [],
    /** @type {any} */ summary: null,
    /** `watch.mutations()` when last painted. */
    paintedAt: -1,
    /** The prevalence table (content/ui/context.js). @type {any[]} */
    prevalence: [],
  };

  /** The taxonomy, asked for once (concurrent callers share the request). @type {Promise<Map<string, any>> | null} */
  let categoriesP = null;
  function categories() {
    categoriesP ??= Promise.resolve(P.requestTaxonomy()).then(
      (/** @type {any[]} */ list) => (state.categories = new Map(list.map((c) => [c.id, c]))),
      () => {
        categoriesP = null;
        return new Map(); // cards show less; not worth failing the annotation
      });
    return categoriesP;
  }

  /**
   * Has the background insert the highlight CSS into this page, once
   * (`insert-css`, answered with `scripting.insertCSS`): auto mode, once the
   * analysis says the page is a policy. Never rejects (unstyled highlights
   * still come with markers and the panel).
   */
  async function styles() {
    if (NS.cssInserted) return;
    NS.cssInserted = true;
    try {
      await P.requestStyles();
    } catch (e) {
      NS.cssInserted = false;
      console.warn('clausemark: the highlight styles could not be inserted:', /** @type {any} */ (e)?.message ?? e);
    }
  }

  /**
   * The analysis of the page's blocks. With `css`, and the highlight CSS not
   * in the page yet, the same request has the background insert it just
   * before analysing: any `::highlight()` rule makes the browser restyle the
   * whole page, and this way that restyle runs while the background
   * analyses, not on the way to the painted frame.
   * @param {string[]} texts @param {string} kinds one letter per block (textmap `kindOf`) @param {boolean} css
   * @returns {Promise<{ analysis: any, wasmMs: number }>}
   */
  async function analyze(texts, kinds, css) {
    if (!css || NS.cssInserted) return P.requestStyledAnalysis(texts, textmap.yieldToPage, false, kinds);
    NS.cssInserted = true;
    const reply = await P.requestStyledAnalysis(texts, textmap.yieldToPage, true, kinds);
    if (!reply.styled) NS.cssInserted = false; // the background said why; the next annotation tries again
    return reply;
  }

  /**
   * @typedef {{ map: any, analysis: any, collectMs: number, analyzeMs: number, wasmMs: number }} Reading
   */

  /**
   * Reads the page and has it analysed (with the CSS: see `analyze`). While
   * the background analyses, the page has nothing to do: the (still empty)
   * UI host goes in then (a click always shows UI), so that building it and
   * its style and layout happen in that idle time rather than on the way to
   * the highlights' frame (content/view.js `paint` mounts it otherwise;
   * ≈ 2 ms of script plus the host's share of that frame). Taken out again
   * if the analysis fails before anything was shown.
   * @returns {Promise<Reading>}
   */
  async function read() {
    const t0 = performance.now();
    const map = await textmap.collect();
    const t1 = performance.now();
    const reply = analyze(map.texts, map.kinds, true);
    ui.mount();
    reply.catch(() => {
      if (!state.summary) ui.unmount();
    });
    const { analysis, wasmMs } = await reply;
    return { map, analysis, collectMs: t1 - t0, analyzeMs: performance.now() - t1, wasmMs };
  }

  /** @param {string[]} a @param {string[] | null} b */
  function sameTexts(a, b) {
    return !!b && a.length === b.length && a.every((t, i) => t === b[i]);
  }

  /** @param {number} ms */
  const round = (ms) => Math.round(ms * 10) / 10;

  /** Whether a finding's ranges still sit in the page. @param {Shown} s */
  function intact(s) {
    return s.ranges.every((r) => !r.collapsed && r.startContainer.isConnected && r.endContainer.isConnected);
  }

  /**
   * The shown findings (after the settings' filters) with their ranges,
   * in slices (a page can have thousands). When the page changed since it
   * was read, each range's text is checked against the finding's.
   * @param {any} map @param {any} analysis @param {any} settings @param {() => boolean} dirty
   * @returns {Promise<Shown[]>}
   */
  async function anchor(map, analysis, settings, dirty) {
    const out = [];
    let start = performance.now();
    for (const f of analysis.findings) {
      if (!P.isShown(f, settings)) continue;
      let ranges = textmap.toRanges(map, f.block, f.blockStartUtf16, f.blockEndUtf16);
      if (ranges.length && dirty() && textmap.squash(ranges.map(String).join('')) !== textmap.squash(f.text)) ranges = [];
      out.push({ index: out.length, finding: f, ranges, el: map.blocks[f.block]?.el ?? null });
      if (performance.now() - start > 8) {
        await textmap.yieldToPage();
        start = performance.now();
      }
    }
    return out;
  }

  /**
   * How common a finding's category is, phrased for a page of this kind (null: no data).
   * @param {any} finding @param {string | null} kind
   */
  function prevalenceOf(finding, kind) {
    return context.prevalenceLine(state.prevalence, finding.category, kind, state.categories?.get(finding.category)?.group);
  }

  NS.annotation = Object.freeze({ state, categories, styles, analyze, read, sameTexts, round, intact, anchor, prevalenceOf });
})(/** @type {any} */ (globalThis));
