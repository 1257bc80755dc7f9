// @ts-check
/**
 * Content script — PLACEHOLDER until the page UI lands.
 *
 * Injected on demand (activeTab + scripting, after protocol.js), never
 * declared in the manifest: Clausemark reads a page only when the user asks.
 * For now it collects the page's text blocks, asks the background for the
 * analysis and logs a one-line summary. It never runs wasm itself: pages with
 * a strict CSP would block it here.
 */
(async function () {
  'use strict';
  const Protocol = /** @type {any} */ (globalThis).ClausemarkProtocol;
  if (!Protocol) {
    console.error('clausemark: protocol.js must be injected before content.js');
    return;
  }

  /** Elements whose text forms one block (a paragraph, an item, a cell). */
  const BLOCK_SELECTOR = 'p, li, h1, h2, h3, h4, h5, h6, td, th, dt, dd, blockquote, pre, caption, summary';

  /**
   * Text of each innermost block element, in DOM order; a block nested in
   * another block (a <p> inside an <li>) is read once, as the inner one.
   * @param {ParentNode} root
   * @returns {string[]}
   */
  function collectBlocks(root) {
    const blocks = [];
    for (const el of root.querySelectorAll(BLOCK_SELECTOR)) {
      if (el.querySelector(BLOCK_SELECTOR)) continue;
      const text = (/** @type {HTMLElement} */ (el).innerText ?? el.textContent ?? '').trim();
      if (text) blocks.push(text);
    }
    return blocks;
  }

  try {
    const analysis = await Protocol.requestAnalysis(collectBlocks(document));
    console.info(
      `clausemark: ${analysis.kind}, grade ${analysis.grade ?? '–'}, ${analysis.findings.length} findings`,
      analysis.counts,
    );
  } catch (e) {
    console.error('clausemark:', e instanceof Error ? e.message : e);
  }
})();
