// @ts-check
/**
 * The messages between the content script (the page) and the background
 * (where the wasm runs): one definition, used by both sides.
 *
 * Why a classic script: content scripts cannot be ES modules, and the
 * background is one. This file has no `import`/`export`, so it is valid as
 * both: the background loads it with `import './protocol.js'` (for its side
 * effect), a content script with `scripting.executeScript({files:
 * ['protocol.js', 'content.js']})`. Either way it defines
 * `globalThis.ClausemarkProtocol`, frozen.
 *
 * Wire format (everything JSON-serialisable, as extension messaging needs):
 *
 *   request                                  response
 *   {type: "analyze", blocks: string[]}  →   {analysis: Analysis} | {error: string}
 *   {type: "taxonomy"}                   →   {taxonomy: Category[]} | {error: string}
 *
 * `Analysis` and `Category` are declared in wasm/clausemark.d.ts (generated
 * from src/wasm.rs). Offsets in an analysis are UTF-16 code units, which is
 * what DOM `Range`s and JS string indices use.
 *
 * Validation is split on purpose: this module checks the envelope (`type`,
 * `blocks` is an array); the wasm checks every element and the size, and its
 * error names the faulty block.
 */
(function (root) {
  'use strict';

  /** @typedef {{ type: 'analyze', blocks: string[] }} AnalyzeRequest */
  /** @typedef {{ type: 'taxonomy' }} TaxonomyRequest */
  /** @typedef {AnalyzeRequest | TaxonomyRequest} Request */
  /** @typedef {{ analysis: object } | { error: string }} AnalyzeResponse */
  /** @typedef {{ taxonomy: object[] } | { error: string }} TaxonomyResponse */

  /** Protocol version; bump on any incompatible change to the wire format. */
  const VERSION = 1;

  /** The request types. */
  const Type = Object.freeze({ ANALYZE: 'analyze', TAXONOMY: 'taxonomy' });

  /**
   * Checks an incoming message's envelope.
   * @param {unknown} msg
   * @returns {{ request: Request } | { error: string }}
   */
  function parseRequest(msg) {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return { error: `clausemark: a message must be an object with a "type", got ${describe(msg)}` };
    }
    const m = /** @type {Record<string, unknown>} */ (msg);
    switch (m.type) {
      case Type.ANALYZE:
        if (!Array.isArray(m.blocks)) {
          return { error: `clausemark: "analyze" needs "blocks", an array of strings, got ${describe(m.blocks)}` };
        }
        return { request: { type: Type.ANALYZE, blocks: /** @type {string[]} */ (m.blocks) } };
      case Type.TAXONOMY:
        return { request: { type: Type.TAXONOMY } };
      default:
        return { error: `clausemark: unknown message type ${describe(m.type)} (known: ${Object.values(Type).join(', ')})` };
    }
  }

  /**
   * A short, safe description of a value for error messages.
   * @param {unknown} v
   */
  function describe(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    return typeof v;
  }

  /** @param {string[]} blocks @returns {AnalyzeRequest} */
  function analyzeRequest(blocks) {
    return { type: Type.ANALYZE, blocks };
  }

  /** @returns {TaxonomyRequest} */
  function taxonomyRequest() {
    return { type: Type.TAXONOMY };
  }

  /**
   * Unwraps a response: its payload, or a thrown Error carrying its message.
   * An `undefined` response means nobody answered (background not loaded).
   * @param {unknown} response
   * @param {'analysis' | 'taxonomy'} key
   */
  function unwrap(response, key) {
    if (typeof response !== 'object' || response === null) {
      throw new Error('clausemark: no answer from the background');
    }
    const r = /** @type {Record<string, unknown>} */ (response);
    if (typeof r.error === 'string') throw new Error(r.error);
    if (!(key in r)) throw new Error(`clausemark: malformed answer, no "${key}"`);
    return r[key];
  }

  /** The extension API namespace: `browser` on Firefox, `chrome` elsewhere. */
  function api() {
    const g = /** @type {any} */ (root);
    return g.browser?.runtime ? g.browser : g.chrome;
  }

  /**
   * Sends the blocks to the background and resolves to the analysis (for
   * content scripts and extension pages; not for the background itself).
   * @param {string[]} blocks
   */
  async function requestAnalysis(blocks) {
    return unwrap(await api().runtime.sendMessage(analyzeRequest(blocks)), 'analysis');
  }

  /** Resolves to the taxonomy, from the background. */
  async function requestTaxonomy() {
    return unwrap(await api().runtime.sendMessage(taxonomyRequest()), 'taxonomy');
  }

  root.ClausemarkProtocol = Object.freeze({
    VERSION,
    Type,
    parseRequest,
    analyzeRequest,
    taxonomyRequest,
    unwrap,
    requestAnalysis,
    requestTaxonomy,
  });
})(/** @type {any} */ (globalThis));
