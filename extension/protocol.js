// @ts-check
/**
 * The messages between the page (content scripts), the extension's pages
 * (options) and the background (where the wasm runs): their wire format,
 * types, the files the page side is made of, the limits, and a constructor
 * per message. One definition, used by every side.
 *
 * The protocol is this file and its parts, PROTOCOL_SCRIPTS, run in that
 * order: protocol/settings.js (the settings and their validation),
 * protocol/parse.js (the checks of incoming messages), protocol/client.js
 * (answers, and the request helpers of content scripts and extension pages),
 * which completes and freezes `globalThis.ClausemarkProtocol`. This file
 * creates it, so the build tools (scripts/bundle-content.mjs) need only this
 * file for the file lists.
 *
 * Why classic scripts: content scripts cannot be ES modules, and the
 * background is one. These files have no `import`/`export`, so they are
 * valid as both: the background loads them with `import` (for their side
 * effect, background/protocol.js), the page with `scripting.executeScript`
 * (first parts of CONTENT_BUNDLE), the options page with `<script src>`s.
 * Injecting them twice into the same world is harmless (the second run
 * keeps the first definition).
 *
 * Wire format (everything JSON-serialisable, as extension messaging needs).
 *
 * To the background (`runtime.sendMessage`):
 *
 *   {type: "analyze", blocks: string[], kinds?: string, css?: true, parts?: id} → {analysis: Analysis, wasmMs: number, styled?: boolean} | {error}
 *        `kinds`: what element each block came from, one letter per block
 *        ("h" heading, "l" list item, "p" paragraph, "u" unknown); absent,
 *        every block is "u" and the analysis reads lists and headings from
 *        the text alone (an older page script still works)
 *        `wasmMs`: the time of the wasm call alone (ms, 0.1), for timings
 *        with `css` (a page's first annotation), the background also inserts
 *        CONTENT_CSS into the sender's tab, frame 0, just before analysing,
 *        so the restyle it causes overlaps the analysis; `styled` says
 *        whether that worked (the analysis is answered either way);
 *        with `parts`, the blocks sent before under that id come first
 *   {type: "analyze-part", id, blocks: string[], kinds?: string} → {ok: true} | {error}
 *        a slice of a huge page's blocks (see UPLOAD_PART_UTF16), kept by
 *        the background for the "analyze" with `parts: id` that ends it
 *   {type: "taxonomy"}                    →  {taxonomy: Category[]} | {error}
 *   {type: "settings"}                    →  {settings: Settings} | {error}
 *   {type: "prevalence"}                  →  {prevalence: PrevalenceRow[]} | {error}
 *   {type: "history", page, blocks, findings, kinds?} → {history: HistoryResult} | {error}
 *        after an annotation, when `rememberPolicies` is on: compares the
 *        page with the version remembered for its URL (background/history.js)
 *        and remembers this one; `page` = {url, title, kind}; `kinds` as
 *        for "analyze" (then stored with the blocks)
 *   {type: "history-list"}                →  {history: HistoryList} | {error}
 *   {type: "history-forget", url?}        →  {history: {forgotten: number}} | {error}
 *        one remembered document (its canonical URL), or all without `url`
 *   {type: "insert-css"}                  →  {ok: true} | {error}
 *        from content/annotation.js once per page, just before its first analysis
 *        (auto mode: once the page is known to be a policy): the background
 *        inserts CONTENT_CSS into the sender's tab, frame 0
 *
 * To the page (`tabs.sendMessage(tabId, msg, {frameId: 0})`), answered by
 * content/main.js:
 *
 *   {type: "cm:annotate", settings, toggle?} → {summary: Summary} | {error}
 *        resolves after the highlights are painted; on a page already
 *        annotated, `toggle` (default true) lets the page toggle its
 *        summary panel instead of re-annotating, `false` forces a fresh one
 *   {type: "cm:explain", text}            →  {findings: Finding[]} | {error}
 *   {type: "cm:focus", index}             →  {ok: true} | {error}
 *   {type: "cm:clear"}                    →  {ok: true} | {error}
 *
 * `Analysis`, `FindingRef`, `Finding` and `Category` are declared in
 * dist/types/clausemark.d.ts (generated from src/wasm.rs and src/wasm/).
 * Offsets in an analysis are UTF-16 code units, which is what DOM `Range`s
 * and JS string indices use. The "analyze" answer's findings say where and
 * what (`FindingRef`), not the clause's text, which the page sent in the
 * first place: `hydrate` (protocol/client.js) puts `text` and `summary`
 * back (and the text of a finding's `leadIn`, the sentence introducing the
 * list its clause is an item of, or drops a `leadIn` that is no span of the
 * blocks), and every helper there that resolves to an analysis has done so.
 *
 * Validation is split on purpose: protocol/parse.js checks envelopes
 * (`type`, field types, sizes it can judge cheaply); the wasm checks every
 * block and the document size, and its error names the faulty block.
 */
(function (root) {
  'use strict';
  if (root.ClausemarkProtocol) return; // injected twice into one world

  /** Protocol version; bump on any incompatible change to the wire format. */
  const VERSION = 2;

  /** Every message type. The `cm:` ones travel background → page. */
  const Type = Object.freeze({
    ANALYZE: 'analyze',
    ANALYZE_PART: 'analyze-part',
    TAXONOMY: 'taxonomy',
    SETTINGS: 'settings',
    PREVALENCE: 'prevalence',
    HISTORY: 'history',
    HISTORY_LIST: 'history-list',
    HISTORY_FORGET: 'history-forget',
    INSERT_CSS: 'insert-css',
    ANNOTATE: 'cm:annotate',
    EXPLAIN: 'cm:explain',
    FOCUS: 'cm:focus',
    CLEAR: 'cm:clear',
  });

  /** Types the background answers. */
  const BACKGROUND_TYPES = Object.freeze([
    Type.ANALYZE, Type.ANALYZE_PART, Type.TAXONOMY, Type.SETTINGS, Type.PREVALENCE, Type.HISTORY, Type.HISTORY_LIST, Type.HISTORY_FORGET,
    Type.INSERT_CSS,
  ]);
  /** Types content/main.js answers. */
  const CONTENT_TYPES = Object.freeze([Type.ANNOTATE, Type.EXPLAIN, Type.FOCUS, Type.CLEAR]);

  /**
   * The protocol's own files, in the order they run: this one first (it
   * creates `ClausemarkProtocol`), protocol/client.js last (it freezes it).
   * The background imports them (background/protocol.js), the options page
   * lists them, and they open CONTENT_SCRIPTS.
   */
  const PROTOCOL_SCRIPTS = Object.freeze([
    'protocol.js',
    'protocol/settings.js',
    'protocol/parse.js',
    'protocol/client.js',
  ]);

  /**
   * Files injected into a page, in this order, as classic scripts sharing
   * the extension's isolated world (paths relative to the extension root).
   * Every one tolerates being injected twice. Order = load-time
   * dependencies: each content file reads its predecessors from
   * `ClausemarkContent` when it runs (ui.js needs ui/style.js; the ui/
   * parts need ui.js; explain.js needs annotation.js, view.js both;
   * main.js needs them all).
   */
  const CONTENT_SCRIPTS = Object.freeze([
    ...PROTOCOL_SCRIPTS,
    'content/textmap.js',
    'content/highlights.js',
    'content/ui/style.js',
    'content/ui.js',
    'content/ui/markers.js',
    'content/ui/cards.js',
    'content/ui/panel.js',
    'content/ui/context.js',
    'content/ui/webanno.js',
    'content/ui/export.js',
    'content/ui/selection.js',
    'content/watch.js',
    'content/hittest.js',
    'content/changes.js',
    'content/annotation.js',
    'content/explain.js',
    'content/view.js',
    'content/main.js',
  ]);

  /**
   * CONTENT_SCRIPTS concatenated in their order into one file by
   * scripts/bundle-content.mjs at `make extension` time, which ships it
   * instead of them: what the background injects and the auto-annotate
   * registration lists (one file reads, compiles and runs faster than
   * the separate ones). A copy of extension/ not built that way (JS copied by hand)
   * gets the separate files on a click; auto-annotation needs the build.
   */
  const CONTENT_BUNDLE = 'content/bundle.js';

  /**
   * Injected after the content scripts when the page is to be annotated
   * (toolbar click, `annotate`): the page starts annotating itself before
   * `cm:annotate` arrives, and answers that message with the result.
   * Never registered, never injected for Explain.
   */
  const START_SCRIPT = 'content/start.js';

  /**
   * Style sheets inserted with `scripting.insertCSS` (a document-level
   * sheet, outside the page's CSP and DOM): the `::highlight(clausemark-*)`
   * rules cannot live in a shadow root. Never registered with the
   * auto-annotate content scripts: any `::highlight` rule makes the browser
   * recalculate every style of the page (≈ 100 ms on a big one), so the
   * sheet is inserted only into pages that get annotated (`insert-css`),
   * just before their analysis, so that restyle overlaps it.
   */
  const CONTENT_CSS = Object.freeze(['content/highlights.css']);

  /** Appended after CONTENT_SCRIPTS for auto-annotation: decides whether the page looks like a policy. */
  const AUTO_SCRIPT = 'content/auto.js';
  /** Id of the `scripting.registerContentScripts` entry for auto-annotation. */
  const AUTO_SCRIPT_ID = 'clausemark-auto';

  /**
   * A page whose blocks add up to more than this many UTF-16 code units is
   * sent for analysis in parts of about this size ("analyze-part" messages,
   * then the "analyze" that ends them): a message is serialised in one
   * go, and 5 MB of text in one message held the page's main thread for
   * ≈ 70 ms (measured, headless Chromium on 2 busy cores). Real policies are
   * far below it and go in one message.
   */
  const UPLOAD_PART_UTF16 = 512 * 1024;

  /**
   * Longest passage `cm:explain` accepts, in UTF-16 code units (≈ 10 pages
   * of text); a longer selection is a whole document, which is what the
   * toolbar button is for.
   */
  const MAX_EXPLAIN_UTF16 = 20_000;

  // ---------------------------------------------------------------------------
  // Message shapes (what protocol/parse.js returns, what the constructors make)

  /** @typedef {{ type: 'analyze', blocks: string[], kinds?: string, css?: boolean, parts?: string }} AnalyzeRequest */
  /** @typedef {{ type: 'analyze-part', id: string, blocks: string[], kinds?: string }} AnalyzePartRequest */
  /** @typedef {{ type: 'taxonomy' }} TaxonomyRequest */
  /** @typedef {{ type: 'settings' }} SettingsRequest */
  /**
   * A finding as history keeps it: where (UTF-16 in its block) and what.
   * @typedef {{ block: number, start: number, end: number, category: string, risk: string }} HistoryFinding
   * @typedef {{ type: 'history', page: { url: string, title: string, kind: string }, blocks: string[],
   *   kinds?: string, findings: HistoryFinding[] }} HistoryRequest
   * @typedef {{ type: 'history-forget', url?: string }} HistoryForgetRequest
   * @typedef {{ type: 'prevalence' | 'history-list' | 'insert-css' }} PlainRequest
   */
  /** @typedef {AnalyzeRequest | AnalyzePartRequest | TaxonomyRequest | SettingsRequest | HistoryRequest | HistoryForgetRequest | PlainRequest} Request */
  /** @typedef {{ type: 'cm:annotate', settings: Settings, toggle?: boolean }} AnnotateMessage */
  /** @typedef {{ type: 'cm:explain', text: string }} ExplainMessage */
  /** @typedef {{ type: 'cm:focus', index: number }} FocusMessage */
  /** @typedef {{ type: 'cm:clear' }} ClearMessage */
  /** @typedef {AnnotateMessage | ExplainMessage | FocusMessage | ClearMessage} ContentMessage */

  // ---------------------------------------------------------------------------
  // Constructors

  /** @param {string[]} blocks @param {boolean} [css] also insert CONTENT_CSS @returns {AnalyzeRequest} */
  function analyzeRequest(blocks, css = false) {
    return css ? { type: Type.ANALYZE, blocks, css: true } : { type: Type.ANALYZE, blocks };
  }

  /** @returns {TaxonomyRequest} */
  function taxonomyRequest() {
    return { type: Type.TAXONOMY };
  }

  /** @returns {SettingsRequest} */
  function settingsRequest() {
    return { type: Type.SETTINGS };
  }

  /**
   * @param {{ url: string, title: string, kind: string }} page
   * @param {string[]} blocks the page's text blocks, as analysed
   * @param {HistoryFinding[]} findings
   * @param {string} [kinds] one letter per block, as sent to "analyze"; absent: unknown
   * @returns {HistoryRequest}
   */
  function historyRequest(page, blocks, findings, kinds) {
    return kinds === undefined ? { type: Type.HISTORY, page, blocks, findings } : { type: Type.HISTORY, page, blocks, kinds, findings };
  }

  /** @param {string} [url] a remembered document's canonical URL; none = all @returns {HistoryForgetRequest} */
  function historyForgetRequest(url) {
    return url === undefined ? { type: Type.HISTORY_FORGET } : { type: Type.HISTORY_FORGET, url };
  }

  /**
   * @param {Settings} settings
   * @param {{ toggle?: boolean }} [options] `toggle: false` forces a fresh annotation
   * @returns {AnnotateMessage}
   */
  function annotateMessage(settings, options = {}) {
    return options.toggle === false ? { type: Type.ANNOTATE, settings, toggle: false } : { type: Type.ANNOTATE, settings };
  }

  /** @param {string} text the passage, UTF-16 ≤ MAX_EXPLAIN_UTF16 @returns {ExplainMessage} */
  function explainMessage(text) {
    return { type: Type.EXPLAIN, text };
  }

  /** @param {number} index into the summary's `findings` @returns {FocusMessage} */
  function focusMessage(index) {
    return { type: Type.FOCUS, index };
  }

  /** @returns {ClearMessage} */
  function clearMessage() {
    return { type: Type.CLEAR };
  }

  // ---------------------------------------------------------------------------
  // Error texts

  /**
   * A short, safe description of a value for error messages.
   * @param {unknown} v
   */
  function describe(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
    return typeof v;
  }

  /**
   * Completed by the rest of PROTOCOL_SCRIPTS (settings, parsing, client
   * helpers) and frozen by the last of them, protocol/client.js.
   */
  root.ClausemarkProtocol = {
    VERSION,
    Type,
    BACKGROUND_TYPES,
    CONTENT_TYPES,
    PROTOCOL_SCRIPTS,
    CONTENT_SCRIPTS,
    CONTENT_BUNDLE,
    START_SCRIPT,
    CONTENT_CSS,
    AUTO_SCRIPT,
    AUTO_SCRIPT_ID,
    MAX_EXPLAIN_UTF16,
    UPLOAD_PART_UTF16,
    describe,
    analyzeRequest,
    taxonomyRequest,
    settingsRequest,
    historyRequest,
    historyForgetRequest,
    annotateMessage,
    explainMessage,
    focusMessage,
    clearMessage,
  };
})(/** @type {any} */ (globalThis));
