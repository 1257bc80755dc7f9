// @ts-check
/**
 * The findings as W3C Web Annotations (https://www.w3.org/TR/annotation-model/),
 * JSON-LD: an `AnnotationCollection` whose first page holds one `Annotation`
 * per finding, so the findings can be opened in annotation tools such as
 * Hypothesis.
 *
 * Each annotation targets the page (`source` = its URL) with two selectors:
 * - `TextQuoteSelector` {exact, prefix, suffix}: the clause with up to
 *   CONTEXT characters either side;
 * - `TextPositionSelector` {start, end}: UTF-16 offsets into the text
 *   content of `document.body` (every text node, in tree order — what
 *   Hypothesis counts), computed from the clause's DOM ranges by
 *   content/textmap.js. Left out for a clause in a shadow tree or an
 *   iframe, which body's text does not contain.
 * `exact`, `prefix` and `suffix` are slices of that same text, so the two
 * selectors agree character for character (white space as in the source,
 * not collapsed). A finding that could not be located on the page gets a
 * quote selector from its block's text only.
 *
 * Bodies: a `TextualBody` with the finding's plain-language summary
 * (purpose `commenting`), and the risk and the category id as tags
 * (purpose `tagging`).
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.webanno) return; // injected twice into one world

  /** Characters of context in `prefix` and `suffix` (Hypothesis uses 32). */
  const CONTEXT = 32;
  const CONTEXT_IRI = 'http://www.w3.org/ns/anno.jsonld';

  /**
   * @typedef {{ index: number, category: string, risk: string, summary: string, text: string }} AnnoFinding
   * @typedef {{ index: number, ranges: AbstractRange[], block: number, blockStart: number, blockEnd: number }} AnnoPlace
   */

  /** A fresh `urn:uuid:` IRI (annotations need an id; nothing is published). */
  function urn() {
    const c = /** @type {any} */ (root).crypto;
    if (c?.randomUUID) return `urn:uuid:${c.randomUUID()}`;
    const b = c.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /**
   * The selectors of one finding.
   * @param {AnnoFinding} f @param {{ start: number, end: number } | null} pos
   * @param {string} bodyText @param {string | null} blockText
   * @param {AnnoPlace | undefined} place
   */
  function selectors(f, pos, bodyText, blockText, place) {
    if (pos) {
      return [
        {
          type: 'TextQuoteSelector', exact: bodyText.slice(pos.start, pos.end),
          prefix: bodyText.slice(Math.max(0, pos.start - CONTEXT), pos.start), suffix: bodyText.slice(pos.end, pos.end + CONTEXT),
        },
        { type: 'TextPositionSelector', start: pos.start, end: pos.end },
      ];
    }
    const quote = { type: 'TextQuoteSelector', exact: f.text, prefix: '', suffix: '' };
    if (blockText && place && blockText.slice(place.blockStart, place.blockEnd) === f.text) {
      quote.prefix = blockText.slice(Math.max(0, place.blockStart - CONTEXT), place.blockStart);
      quote.suffix = blockText.slice(place.blockEnd, place.blockEnd + CONTEXT);
    }
    return [quote];
  }

  /**
   * Builds the collection.
   * @param {{ url: string, title: string, findings: AnnoFinding[] }} summary
   * @param {AnnoPlace[]} places where each shown finding is (by index)
   * @param {string[] | null} blockTexts the page's blocks, for unplaced findings
   * @param {Map<string, { title: string }>} cats
   * @returns {object} JSON-LD
   */
  function build(summary, places, blockTexts, cats) {
    const body = document.body;
    const bodyText = body?.textContent ?? '';
    const byIndex = new Map(places.map((p) => [p.index, p]));
    const spans = summary.findings.map((f) => byIndex.get(f.index)?.ranges ?? []);
    const positions = body ? NS.textmap.textContentOffsets(body, spans) : spans.map(() => null);
    const created = new Date().toISOString();
    const generator = { type: 'Software', name: 'Clausemark' };
    const items = summary.findings.map((f, i) => {
      const place = byIndex.get(f.index);
      const category = cats.get(f.category)?.title ?? f.category;
      return {
        id: urn(),
        type: 'Annotation',
        motivation: 'commenting',
        created,
        generator,
        body: [
          { type: 'TextualBody', purpose: 'commenting', format: 'text/plain', language: 'en', value: `${f.summary} (${category}, ${f.risk})` },
          { type: 'TextualBody', purpose: 'tagging', value: f.risk },
          { type: 'TextualBody', purpose: 'tagging', value: f.category },
        ],
        target: {
          source: summary.url,
          selector: selectors(f, positions[i], bodyText, place && blockTexts ? blockTexts[place.block] ?? null : null, place),
        },
      };
    });
    return {
      '@context': CONTEXT_IRI,
      id: urn(),
      type: 'AnnotationCollection',
      label: `Clausemark findings: ${summary.title || summary.url}`,
      total: items.length,
      first: { id: urn(), type: 'AnnotationPage', startIndex: 0, items },
    };
  }

  NS.webanno = Object.freeze({ build, CONTEXT, CONTEXT_IRI });
})(/** @type {any} */ (globalThis));
