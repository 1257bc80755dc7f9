// @ts-check
/**
 * Part of the protocol (see protocol.js), run last: the asking side.
 * `unwrap`, `checkSummary` and `hydrate` read answers (the background too,
 * for the page's answers and its own analyses); the `request*` helpers are
 * for content scripts and extension pages, which send through
 * `runtime.sendMessage` (a huge page in parts, see UPLOAD_PART_UTF16).
 * Freezes `ClausemarkProtocol`, complete once this file has run.
 */
(function (root) {
  'use strict';
  const P = root.ClausemarkProtocol;
  if (!P) throw new Error('clausemark: protocol/client.js runs after protocol.js');
  if (Object.isFrozen(P)) return; // injected twice into one world
  const { Type, UPLOAD_PART_UTF16, describe, analyzeRequest, taxonomyRequest, settingsRequest, historyRequest } = P;

  // ---------------------------------------------------------------------------
  // Responses

  /**
   * Unwraps a response: its payload, or a thrown Error carrying its message.
   * An `undefined` response means nobody answered.
   * @param {unknown} response
   * @param {'analysis' | 'taxonomy' | 'settings' | 'summary' | 'findings' | 'prevalence' | 'history' | 'ok'} key
   */
  function unwrap(response, key) {
    if (typeof response !== 'object' || response === null) {
      throw new Error(`clausemark: no answer (expected "${key}")`);
    }
    const r = /** @type {Record<string, unknown>} */ (response);
    if (typeof r.error === 'string') throw new Error(r.error);
    if (!(key in r)) throw new Error(`clausemark: malformed answer, no "${key}"`);
    return r[key];
  }

  /**
   * Checks the shape of a `cm:annotate` answer's summary (what the page
   * sends back; the background passes it on to callers).
   * @param {unknown} s
   * @returns {string | null} an error message, or null when well-formed
   */
  function checkSummary(s) {
    if (typeof s !== 'object' || s === null) return `clausemark: the page answered no summary (${describe(s)})`;
    const o = /** @type {Record<string, unknown>} */ (s);
    if (!Array.isArray(o.findings)) return `clausemark: the page's summary has no "findings" array (${describe(o.findings)})`;
    if (typeof o.painted !== 'number') return `clausemark: the page's summary has no "painted" count (${describe(o.painted)})`;
    return null;
  }

  /**
   * Completes an analysis as the wasm returns it (see src/wasm/analysis.rs),
   * in place: each finding gets `text`, its clause sliced from the blocks
   * analysed, and `summary`, its headline from `analysis.summaries`; a
   * finding's `leadIn` (the sentence introducing the list its clause is an
   * item of) gets its `text` likewise. A span outside its block (blocks
   * other than those analysed) gives `text: ''`, and a `leadIn` that is no
   * such span, or an empty one, is removed: the card then shows no lead-in
   * rather than a wrong one. Idempotent.
   * @template {{ findings: any[], summaries?: string[] }} A
   * @param {A} analysis @param {readonly unknown[]} blocks the blocks it was made from, in order
   * @returns {A}
   */
  function hydrate(analysis, blocks) {
    const summaries = Array.isArray(analysis?.summaries) ? analysis.summaries : [];
    for (const f of analysis?.findings ?? []) {
      f.text = blockSlice(blocks, f);
      f.summary = summaries[f.summaryId] ?? '';
      if (f.leadIn === undefined) continue;
      const lead = f.leadIn;
      const text = blockSlice(blocks, lead);
      if (text) f.leadIn = { block: lead.block, blockStartUtf16: lead.blockStartUtf16, blockEndUtf16: lead.blockEndUtf16, text };
      else delete f.leadIn;
    }
    return analysis;
  }

  /**
   * `blocks[at.block].slice(at.blockStartUtf16, at.blockEndUtf16)` (UTF-16
   * code units), or '' when `at` is no span inside one of `blocks`.
   * @param {readonly unknown[]} blocks @param {any} at
   */
  function blockSlice(blocks, at) {
    const b = Number.isSafeInteger(at?.block) ? blocks[at.block] : undefined;
    const { blockStartUtf16: start, blockEndUtf16: end } = at ?? {};
    if (typeof b !== 'string' || !Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return '';
    return start >= 0 && start <= end && end <= b.length ? b.slice(start, end) : '';
  }

  // ---------------------------------------------------------------------------
  // Helpers for content scripts and extension pages (not the background)

  /** The extension API namespace: `browser` on Firefox, `chrome` elsewhere. */
  function api() {
    const g = /** @type {any} */ (root);
    return g.browser?.runtime ? g.browser : g.chrome;
  }

  /**
   * Sends the blocks to the background and resolves to the analysis (hydrated).
   * @param {string[]} blocks
   * @param {() => Promise<void>} [pause] awaited between the parts of a huge page (yield to the page)
   */
  async function requestAnalysis(blocks, pause) {
    return (await sendAnalysis(blocks, false, pause)).analysis;
  }

  /**
   * The analysis of `blocks`, with CONTENT_CSS inserted into this tab's top
   * frame on the way (`styled`: whether that worked) and the wasm's own time
   * (`wasmMs`).
   * @param {string[]} blocks
   * @param {() => Promise<void>} [pause] awaited between the parts of a huge page (yield to the page)
   * @param {boolean} [css] also insert CONTENT_CSS (default true)
   * @param {string} [kinds] one letter per block, what element it came from (see "analyze"); absent: unknown
   * @returns {Promise<{ analysis: any, styled: boolean, wasmMs: number }>}
   */
  async function requestStyledAnalysis(blocks, pause, css = true, kinds = undefined) {
    return sendAnalysis(blocks, css, pause, kinds);
  }

  /** A fresh upload id. */
  function uploadId() {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }

  /**
   * Sends `blocks` for analysis: in one "analyze" message, or, beyond
   * UPLOAD_PART_UTF16 code units in all, in parts of about that size, each
   * serialised in its own task, then the "analyze" that ends them.
   * Each message carries the `kinds` of its own blocks (a slice, like them).
   * @param {string[]} blocks @param {boolean} css @param {() => Promise<void>} [pause] @param {string} [kinds]
   * @returns {Promise<{ analysis: any, styled: boolean, wasmMs: number }>}
   */
  async function sendAnalysis(blocks, css, pause, kinds) {
    const kindsOf = (/** @type {number} */ from, /** @type {number} */ to) => (kinds === undefined ? {} : { kinds: kinds.slice(from, to) });
    const send = (/** @type {object} */ m) => api().runtime.sendMessage(m);
    let total = 0;
    for (const b of blocks) total += typeof b === 'string' ? b.length : 0;
    /** @type {string | undefined} */ let parts;
    let from = 0;
    if (total > UPLOAD_PART_UTF16) {
      parts = uploadId();
      /** @type {Promise<unknown>[]} */
      const acks = [];
      let size = 0;
      for (let i = 0; i < blocks.length; i++) {
        size += typeof blocks[i] === 'string' ? blocks[i].length : 0;
        if (size >= UPLOAD_PART_UTF16 && i + 1 < blocks.length) {
          acks.push(send({ type: Type.ANALYZE_PART, id: parts, blocks: blocks.slice(from, i + 1), ...kindsOf(from, i + 1) }).then((r) => unwrap(r, 'ok')));
          from = i + 1;
          size = 0;
          await (pause ? pause() : new Promise((r) => setTimeout(r, 0)));
        }
      }
      await Promise.all(acks);
    }
    const last = blocks.slice(from);
    const request = { ...analyzeRequest(last, css), ...kindsOf(from, blocks.length), ...(parts ? { parts } : {}) };
    const response = await send(request);
    const wasmMs = typeof response?.wasmMs === 'number' ? response.wasmMs : 0;
    const analysis = hydrate(/** @type {any} */ (unwrap(response, 'analysis')), blocks);
    return { analysis, styled: response?.styled === true, wasmMs };
  }

  /** Resolves to the taxonomy, from the background. */
  async function requestTaxonomy() {
    return unwrap(await api().runtime.sendMessage(taxonomyRequest()), 'taxonomy');
  }

  /** Resolves to the settings, defaults filled in, from the background. */
  async function requestSettings() {
    return /** @type {Settings} */ (unwrap(await api().runtime.sendMessage(settingsRequest()), 'settings'));
  }

  /** Resolves to the prevalence table (PrevalenceRow[], see dist/types/clausemark.d.ts). */
  async function requestPrevalence() {
    return unwrap(await api().runtime.sendMessage({ type: Type.PREVALENCE }), 'prevalence');
  }

  /**
   * Sends the annotated page to history; resolves to the comparison with
   * the version remembered (HistoryResult, see background/history.js).
   * @param {{ url: string, title: string, kind: string }} page @param {string[]} blocks @param {HistoryFinding[]} findings
   * @param {string} [kinds] one letter per block, as sent to "analyze"
   */
  async function requestHistory(page, blocks, findings, kinds) {
    return unwrap(await api().runtime.sendMessage(historyRequest(page, blocks, findings, kinds)), 'history');
  }

  /** Asks the background to insert CONTENT_CSS into this tab's top frame. */
  async function requestStyles() {
    return unwrap(await api().runtime.sendMessage({ type: Type.INSERT_CSS }), 'ok');
  }

  Object.assign(P, {
    unwrap,
    checkSummary,
    hydrate,
    requestAnalysis,
    requestStyledAnalysis,
    requestTaxonomy,
    requestSettings,
    requestPrevalence,
    requestHistory,
    requestStyles,
  });
  Object.freeze(P);
})(/** @type {any} */ (globalThis));
