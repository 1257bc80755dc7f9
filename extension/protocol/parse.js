// @ts-check
/**
 * Part of the protocol (see protocol.js, which runs first): the checks of
 * incoming messages, `parseRequest` for the background and
 * `parseContentMessage` for the page. Each returns the message rebuilt from
 * its checked fields only, or an error text naming the message type, the
 * field and what it got (`describe`). Envelopes only: the wasm checks the
 * blocks' contents, background/history.js the history findings' fields.
 */
(function (root) {
  'use strict';
  const P = root.ClausemarkProtocol;
  if (!P) throw new Error('clausemark: protocol/parse.js runs after protocol.js');
  if (Object.isFrozen(P)) return; // injected twice into one world
  const { Type, BACKGROUND_TYPES, CONTENT_TYPES, MAX_EXPLAIN_UTF16, describe, validateSettings } = P;

  /** Id of a parted upload: what protocol/client.js `uploadId()` makes. */
  const UPLOAD_ID = /^[a-z0-9-]{1,64}$/;
  /** A block kinds string: one letter per block (see "analyze" in protocol.js). */
  const KINDS = /^[hlpu]*$/;
  /** Longest page URL `history` takes, in UTF-16 code units. */
  const MAX_URL = 8192;

  /**
   * Checks a message sent to the background.
   * @param {unknown} msg
   * @returns {{ request: Request } | { error: string }}
   */
  function parseRequest(msg) {
    const m = envelope(msg);
    if (typeof m === 'string') return { error: m };
    switch (m.type) {
      case Type.ANALYZE:
        if (!Array.isArray(m.blocks)) {
          return { error: `clausemark: "analyze" needs "blocks", an array of strings, got ${describe(m.blocks)}` };
        }
        if (m.css !== undefined && typeof m.css !== 'boolean') {
          return { error: `clausemark: "analyze" takes "css", a boolean, got ${describe(m.css)}` };
        }
        if (m.parts !== undefined && !(typeof m.parts === 'string' && UPLOAD_ID.test(m.parts))) {
          return { error: `clausemark: "analyze" takes "parts", an upload id, got ${describe(m.parts)}` };
        }
        const badKinds = kindsError(m);
        if (badKinds) return { error: badKinds };
        return {
          request: {
            type: Type.ANALYZE, blocks: /** @type {string[]} */ (m.blocks), css: m.css === true,
            ...(m.kinds === undefined ? {} : { kinds: /** @type {string} */ (m.kinds) }),
            ...(m.parts === undefined ? {} : { parts: /** @type {string} */ (m.parts) }),
          },
        };
      case Type.ANALYZE_PART:
        if (!(typeof m.id === 'string' && UPLOAD_ID.test(m.id))) {
          return { error: `clausemark: "analyze-part" needs "id", an upload id, got ${describe(m.id)}` };
        }
        if (!Array.isArray(m.blocks)) {
          return { error: `clausemark: "analyze-part" needs "blocks", an array of strings, got ${describe(m.blocks)}` };
        }
        const badPartKinds = kindsError(m);
        if (badPartKinds) return { error: badPartKinds };
        return {
          request: {
            type: Type.ANALYZE_PART, id: /** @type {string} */ (m.id), blocks: /** @type {string[]} */ (m.blocks),
            ...(m.kinds === undefined ? {} : { kinds: /** @type {string} */ (m.kinds) }),
          },
        };
      case Type.TAXONOMY:
        return { request: { type: Type.TAXONOMY } };
      case Type.SETTINGS:
      case Type.PREVALENCE:
      case Type.HISTORY_LIST:
      case Type.INSERT_CSS:
        return { request: { type: m.type } };
      case Type.HISTORY:
        return parseHistory(m);
      case Type.HISTORY_FORGET:
        if (m.url !== undefined && (typeof m.url !== 'string' || m.url.length > MAX_URL)) {
          return { error: `clausemark: "history-forget" takes "url", a URL string, got ${describe(m.url)}` };
        }
        return { request: m.url === undefined ? { type: Type.HISTORY_FORGET } : { type: Type.HISTORY_FORGET, url: /** @type {string} */ (m.url) } };
      default:
        if (CONTENT_TYPES.includes(/** @type {any} */ (m.type))) {
          return { error: `clausemark: ${describe(m.type)} is a message for the page, not the background` };
        }
        return { error: `clausemark: unknown message type ${describe(m.type)} (known: ${BACKGROUND_TYPES.join(', ')})` };
    }
  }

  /**
   * What is wrong with the optional `kinds` of an "analyze",
   * "analyze-part" or "history" message whose `blocks` are an array, or ''
   * when nothing: absent, or a string of one kind letter per block.
   * @param {Record<string, unknown>} m
   */
  function kindsError(m) {
    if (m.kinds === undefined) return '';
    const blocks = /** @type {unknown[]} */ (m.blocks);
    if (typeof m.kinds !== 'string' || !KINDS.test(m.kinds)) {
      return `clausemark: "${m.type}" takes "kinds", a string of one letter per block (h, l, p or u), got ${describe(m.kinds)}`;
    }
    if (m.kinds.length !== blocks.length) {
      return `clausemark: "${m.type}" has ${m.kinds.length} "kinds" for ${blocks.length} blocks (one letter per block)`;
    }
    return '';
  }

  /**
   * The envelope of a `history` request (the blocks' contents are checked
   * by the wasm, the findings' fields by background/history.js).
   * @param {Record<string, unknown>} m
   * @returns {{ request: HistoryRequest } | { error: string }}
   */
  function parseHistory(m) {
    const page = /** @type {Record<string, unknown>} */ (m.page ?? {});
    if (typeof page.url !== 'string' || !page.url || page.url.length > MAX_URL) {
      return { error: `clausemark: "history" needs "page.url", a URL of at most ${MAX_URL} characters, got ${describe(page.url)}` };
    }
    if (!Array.isArray(m.blocks)) return { error: `clausemark: "history" needs "blocks", an array of strings, got ${describe(m.blocks)}` };
    if (!Array.isArray(m.findings)) return { error: `clausemark: "history" needs "findings", an array, got ${describe(m.findings)}` };
    const badKinds = kindsError(m);
    if (badKinds) return { error: badKinds };
    const title = typeof page.title === 'string' ? page.title.slice(0, 300) : '';
    const kind = typeof page.kind === 'string' ? page.kind : 'other';
    return {
      request: {
        type: Type.HISTORY, page: { url: page.url, title, kind },
        blocks: /** @type {string[]} */ (m.blocks), findings: /** @type {HistoryFinding[]} */ (m.findings),
        ...(m.kinds === undefined ? {} : { kinds: /** @type {string} */ (m.kinds) }),
      },
    };
  }

  /**
   * Checks a message sent to the page (content/main.js).
   * @param {unknown} msg
   * @returns {{ message: ContentMessage } | { error: string }}
   */
  function parseContentMessage(msg) {
    const m = envelope(msg);
    if (typeof m === 'string') return { error: m };
    switch (m.type) {
      case Type.ANNOTATE: {
        if (typeof m.settings !== 'object' || m.settings === null) {
          return { error: `clausemark: "cm:annotate" needs "settings", an object, got ${describe(m.settings)}` };
        }
        if (m.toggle !== undefined && typeof m.toggle !== 'boolean') {
          return { error: `clausemark: "cm:annotate" takes "toggle", true or false, got ${describe(m.toggle)}` };
        }
        // Repaired rather than refused: the background always sends clean ones.
        return { message: { type: Type.ANNOTATE, settings: validateSettings(m.settings).settings, toggle: m.toggle !== false } };
      }
      case Type.EXPLAIN: {
        if (typeof m.text !== 'string') {
          return { error: `clausemark: "cm:explain" needs "text", a string, got ${describe(m.text)}` };
        }
        if (m.text.length > MAX_EXPLAIN_UTF16) {
          return { error: `clausemark: the passage to explain is too long (${m.text.length} characters, at most ${MAX_EXPLAIN_UTF16}); use the toolbar button to annotate the whole page` };
        }
        return { message: { type: Type.EXPLAIN, text: m.text } };
      }
      case Type.FOCUS:
        if (!Number.isSafeInteger(m.index) || /** @type {number} */ (m.index) < 0) {
          return { error: `clausemark: "cm:focus" needs "index", a finding index ≥ 0, got ${describe(m.index)}` };
        }
        return { message: { type: Type.FOCUS, index: /** @type {number} */ (m.index) } };
      case Type.CLEAR:
        return { message: { type: Type.CLEAR } };
      default:
        return { error: `clausemark: unknown page message type ${describe(m.type)} (known: ${CONTENT_TYPES.join(', ')})` };
    }
  }

  /**
   * @param {unknown} msg
   * @returns {Record<string, unknown> | string} the object, or an error message
   */
  function envelope(msg) {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return `clausemark: a message must be an object with a "type", got ${describe(msg)}`;
    }
    return /** @type {Record<string, unknown>} */ (msg);
  }

  Object.assign(P, {
    MAX_URL,
    KINDS,
    parseRequest,
    parseContentMessage,
  });
})(/** @type {any} */ (globalThis));
