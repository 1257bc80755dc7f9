// @ts-check
/**
 * The messages between the page (content scripts), the extension's pages
 * (options) and the background (where the wasm runs), and the settings
 * they carry: one definition, used by every side.
 *
 * Why a classic script: content scripts cannot be ES modules, and the
 * background is one. This file has no `import`/`export`, so it is valid as
 * both: the background loads it with `import './protocol.js'` (for its side
 * effect), the page with `scripting.executeScript` (first part of CONTENT_BUNDLE),
 * the options page with a `<script src>`. Either way it defines
 * `globalThis.ClausemarkProtocol`, frozen. Injecting it twice into the same
 * world is harmless (the second run keeps the first definition).
 *
 * Wire format (everything JSON-serialisable, as extension messaging needs).
 *
 * To the background (`runtime.sendMessage`):
 *
 *   {type: "analyze", blocks: string[], css?: true, parts?: id} → {analysis: Analysis, wasmMs: number, styled?: boolean} | {error}
 *        `wasmMs`: the time of the wasm call alone (ms, 0.1), for timings
 *        with `css` (a page's first annotation), the background also inserts
 *        CONTENT_CSS into the sender's tab, frame 0, just before analysing,
 *        so the restyle it causes overlaps the analysis; `styled` says
 *        whether that worked (the analysis is answered either way);
 *        with `parts`, the blocks sent before under that id come first
 *   {type: "analyze-part", id, blocks: string[]} → {ok: true} | {error}
 *        a slice of a huge page's blocks (see UPLOAD_PART_UTF16), kept by
 *        the background for the "analyze" with `parts: id` that ends it
 *   {type: "taxonomy"}                    →  {taxonomy: Category[]} | {error}
 *   {type: "settings"}                    →  {settings: Settings} | {error}
 *   {type: "prevalence"}                  →  {prevalence: PrevalenceRow[]} | {error}
 *   {type: "history", page, blocks, findings} → {history: HistoryResult} | {error}
 *        after an annotation, when `rememberPolicies` is on: compares the
 *        page with the version remembered for its URL (background/history.js)
 *        and remembers this one; `page` = {url, title, kind}
 *   {type: "history-list"}                →  {history: HistoryList} | {error}
 *   {type: "history-forget", url?}        →  {history: {forgotten: number}} | {error}
 *        one remembered document (its canonical URL), or all without `url`
 *   {type: "insert-css"}                  →  {ok: true} | {error}
 *        from content/main.js once per page, just before its first analysis
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
 * first place: `hydrate` puts `text` and `summary` back, and every helper
 * below that resolves to an analysis has done so.
 *
 * Validation is split on purpose: this module checks envelopes (`type`,
 * field types, sizes it can judge cheaply); the wasm checks every block and
 * the document size, and its error names the faulty block.
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
   * Files injected into a page, in this order, as classic scripts sharing
   * the extension's isolated world (paths relative to the extension root).
   * Every one tolerates being injected twice. Order = load-time
   * dependencies: each content file reads its predecessors from
   * `ClausemarkContent` when it runs (ui.js needs ui/style.js; the ui/
   * parts need ui.js; main.js needs them all).
   */
  const CONTENT_SCRIPTS = Object.freeze([
    'protocol.js',
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
    'content/main.js',
  ]);

  /**
   * CONTENT_SCRIPTS concatenated in their order into one file by
   * scripts/bundle-content.mjs at `make extension` time, which ships it
   * instead of them: what the background injects and the auto-annotate
   * registration lists (one file reads, compiles and runs faster than
   * sixteen). A copy of extension/ not built that way (JS copied by hand)
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
  /** Id of a parted upload: what `uploadId()` makes. */
  const UPLOAD_ID = /^[a-z0-9-]{1,64}$/;

  /**
   * Longest passage `cm:explain` accepts, in UTF-16 code units (≈ 10 pages
   * of text); a longer selection is a whole document, which is what the
   * toolbar button is for.
   */
  const MAX_EXPLAIN_UTF16 = 20_000;

  // ---------------------------------------------------------------------------
  // Settings

  /** `chrome.storage.local` key holding the settings object. */
  const SETTINGS_KEY = 'settings';

  /** Which finding risks each sensitivity shows. */
  const RISKS_BY_SENSITIVITY = Object.freeze({
    low: Object.freeze(['bad']),
    normal: Object.freeze(['good', 'caution', 'bad']),
    high: Object.freeze(['good', 'neutral', 'caution', 'bad']),
  });
  const SENSITIVITIES = Object.freeze(/** @type {const} */ (['low', 'normal', 'high']));
  const THEMES = Object.freeze(/** @type {const} */ (['system', 'light', 'dark']));

  /** Category ids are the taxonomy's file names: lower-case ASCII and `_`. */
  const CATEGORY_ID = /^[a-z][a-z0-9_]{0,63}$/;
  const MAX_DISABLED_CATEGORIES = 256;
  /** Longest page URL `history` takes, in UTF-16 code units. */
  const MAX_URL = 8192;

  /**
   * @typedef {{
   *   autoAnnotate: boolean,
   *   disabledCategories: string[],
   *   sensitivity: 'low' | 'normal' | 'high',
   *   theme: 'system' | 'light' | 'dark',
   *   rememberPolicies: boolean,
   * }} Settings
   *
   * - `autoAnnotate`: annotate pages that look like policies on load. Only
   *   effective while the optional `<all_urls>` host permission is granted;
   *   the background keeps the two in step.
   * - `disabledCategories`: category ids NOT shown (a list of the switched-
   *   off ones, so a category added by a later version starts switched on).
   * - `sensitivity`: `low` = bad only; `normal` = good, caution, bad;
   *   `high` = everything, neutral included.
   * - `theme`: the UI's colours; `system` follows `prefers-color-scheme`.
   * - `rememberPolicies`: keep, on this device, the text of each policy the
   *   user annotates (background/history.js), to say what changed on the
   *   next visit. Off by default; switching it off forgets them all.
   */

  /** @type {Readonly<Settings>} */
  const DEFAULT_SETTINGS = Object.freeze({
    autoAnnotate: false,
    disabledCategories: /** @type {string[]} */ (Object.freeze([])),
    sensitivity: 'normal',
    theme: 'system',
    rememberPolicies: false,
  });

  /**
   * One checker per key: the cleaned value, or an error message.
   * @type {Record<keyof Settings, (v: unknown) => { value: any } | { error: string }>}
   */
  const CHECKS = {
    autoAnnotate: (v) => boolean(v),
    rememberPolicies: (v) => boolean(v),
    disabledCategories(v) {
      if (!Array.isArray(v)) return { error: `expected an array of category ids, got ${describe(v)}` };
      if (v.length > MAX_DISABLED_CATEGORIES) return { error: `at most ${MAX_DISABLED_CATEGORIES} ids, got ${v.length}` };
      const bad = v.findIndex((id) => typeof id !== 'string' || !CATEGORY_ID.test(id));
      if (bad >= 0) return { error: `item ${bad} is not a category id (lower-case letters, digits, "_"): ${describe(v[bad])}` };
      return { value: [...new Set(/** @type {string[]} */ (v))].sort() };
    },
    sensitivity: (v) => oneOf(v, SENSITIVITIES),
    theme: (v) => oneOf(v, THEMES),
  };

  /** @param {unknown} v */
  function boolean(v) {
    return typeof v === 'boolean' ? { value: v } : { error: `expected true or false, got ${describe(v)}` };
  }

  /**
   * @param {unknown} v
   * @param {readonly string[]} allowed
   */
  function oneOf(v, allowed) {
    return typeof v === 'string' && allowed.includes(v)
      ? { value: v }
      : { error: `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}` };
  }

  /**
   * Cleans a stored settings object (possibly from an older version, or
   * hand-edited): unknown keys are dropped, missing or bad values take their
   * default, and every such repair is named in `errors` (missing keys are
   * not errors). Never throws.
   * @param {unknown} raw
   * @returns {{ settings: Settings, errors: string[] }}
   */
  function validateSettings(raw) {
    /** @type {any} */
    const settings = { ...DEFAULT_SETTINGS, disabledCategories: [] };
    const errors = [];
    if (raw === undefined || raw === null) return { settings, errors };
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      return { settings, errors: [`settings: expected an object, got ${describe(raw)}; using the defaults`] };
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!Object.hasOwn(CHECKS, key)) {
        errors.push(`settings: unknown key ${JSON.stringify(key)} dropped`);
        continue;
      }
      const r = CHECKS[/** @type {keyof Settings} */ (key)](value);
      if ('error' in r) errors.push(`settings.${key}: ${r.error}; using the default ${JSON.stringify(settings[key])}`);
      else settings[key] = r.value;
    }
    return { settings, errors };
  }

  /**
   * Checks a partial update (what `setSettings` takes). Unlike
   * `validateSettings` nothing is repaired: a caller that sends a bad value
   * gets every problem named and should store nothing.
   * @param {unknown} partial
   * @returns {{ patch: Partial<Settings> } | { error: string }}
   */
  function validateSettingsPatch(partial) {
    if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
      return { error: `clausemark: settings must be an object, got ${describe(partial)}` };
    }
    /** @type {any} */
    const patch = {};
    const errors = [];
    for (const [key, value] of Object.entries(partial)) {
      if (!Object.hasOwn(CHECKS, key)) {
        errors.push(`unknown key ${JSON.stringify(key)} (known: ${Object.keys(CHECKS).join(', ')})`);
        continue;
      }
      const r = CHECKS[/** @type {keyof Settings} */ (key)](value);
      if ('error' in r) errors.push(`${key}: ${r.error}`);
      else patch[key] = r.value;
    }
    return errors.length ? { error: `clausemark: bad settings: ${errors.join('; ')}` } : { patch };
  }

  /**
   * Whether the settings show a finding (its risk passes the sensitivity,
   * its category is switched on).
   * @param {{ risk: string, category: string }} finding
   * @param {Settings} settings
   */
  function isShown(finding, settings) {
    const risks = RISKS_BY_SENSITIVITY[settings.sensitivity] ?? RISKS_BY_SENSITIVITY.normal;
    return risks.includes(finding.risk) && !settings.disabledCategories.includes(finding.category);
  }

  // ---------------------------------------------------------------------------
  // Parsing incoming messages

  /** @typedef {{ type: 'analyze', blocks: string[], css?: boolean, parts?: string }} AnalyzeRequest */
  /** @typedef {{ type: 'analyze-part', id: string, blocks: string[] }} AnalyzePartRequest */
  /** @typedef {{ type: 'taxonomy' }} TaxonomyRequest */
  /** @typedef {{ type: 'settings' }} SettingsRequest */
  /**
   * A finding as history keeps it: where (UTF-16 in its block) and what.
   * @typedef {{ block: number, start: number, end: number, category: string, risk: string }} HistoryFinding
   * @typedef {{ type: 'history', page: { url: string, title: string, kind: string }, blocks: string[],
   *   findings: HistoryFinding[] }} HistoryRequest
   * @typedef {{ type: 'history-forget', url?: string }} HistoryForgetRequest
   * @typedef {{ type: 'prevalence' | 'history-list' | 'insert-css' }} PlainRequest
   */
  /** @typedef {AnalyzeRequest | AnalyzePartRequest | TaxonomyRequest | SettingsRequest | HistoryRequest | HistoryForgetRequest | PlainRequest} Request */
  /** @typedef {{ type: 'cm:annotate', settings: Settings, toggle?: boolean }} AnnotateMessage */
  /** @typedef {{ type: 'cm:explain', text: string }} ExplainMessage */
  /** @typedef {{ type: 'cm:focus', index: number }} FocusMessage */
  /** @typedef {{ type: 'cm:clear' }} ClearMessage */
  /** @typedef {AnnotateMessage | ExplainMessage | FocusMessage | ClearMessage} ContentMessage */

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
        return {
          request: {
            type: Type.ANALYZE, blocks: /** @type {string[]} */ (m.blocks), css: m.css === true,
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
        return { request: { type: Type.ANALYZE_PART, id: /** @type {string} */ (m.id), blocks: /** @type {string[]} */ (m.blocks) } };
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
    const title = typeof page.title === 'string' ? page.title.slice(0, 300) : '';
    const kind = typeof page.kind === 'string' ? page.kind : 'other';
    return {
      request: {
        type: Type.HISTORY, page: { url: page.url, title, kind },
        blocks: /** @type {string[]} */ (m.blocks), findings: /** @type {HistoryFinding[]} */ (m.findings),
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
   * @returns {HistoryRequest}
   */
  function historyRequest(page, blocks, findings) {
    return { type: Type.HISTORY, page, blocks, findings };
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
   * analysed, and `summary`, its headline from `analysis.summaries`. A span
   * outside its block (blocks other than those analysed) gives `text: ''`.
   * Idempotent.
   * @template {{ findings: any[], summaries?: string[] }} A
   * @param {A} analysis @param {readonly unknown[]} blocks the blocks it was made from, in order
   * @returns {A}
   */
  function hydrate(analysis, blocks) {
    const summaries = Array.isArray(analysis?.summaries) ? analysis.summaries : [];
    for (const f of analysis?.findings ?? []) {
      const b = blocks[f.block];
      f.text = typeof b === 'string' && f.blockEndUtf16 <= b.length ? b.slice(f.blockStartUtf16, f.blockEndUtf16) : '';
      f.summary = summaries[f.summaryId] ?? '';
    }
    return analysis;
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
   * @returns {Promise<{ analysis: any, styled: boolean, wasmMs: number }>}
   */
  async function requestStyledAnalysis(blocks, pause, css = true) {
    return sendAnalysis(blocks, css, pause);
  }

  /** A fresh upload id. */
  function uploadId() {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }

  /**
   * Sends `blocks` for analysis: in one "analyze" message, or, beyond
   * UPLOAD_PART_UTF16 code units in all, in parts of about that size, each
   * serialised in its own task, then the "analyze" that ends them.
   * @param {string[]} blocks @param {boolean} css @param {() => Promise<void>} [pause]
   * @returns {Promise<{ analysis: any, styled: boolean, wasmMs: number }>}
   */
  async function sendAnalysis(blocks, css, pause) {
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
          acks.push(send({ type: Type.ANALYZE_PART, id: parts, blocks: blocks.slice(from, i + 1) }).then((r) => unwrap(r, 'ok')));
          from = i + 1;
          size = 0;
          await (pause ? pause() : new Promise((r) => setTimeout(r, 0)));
        }
      }
      await Promise.all(acks);
    }
    const last = blocks.slice(from);
    const request = { ...analyzeRequest(last, css), ...(parts ? { parts } : {}) };
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
   */
  async function requestHistory(page, blocks, findings) {
    return unwrap(await api().runtime.sendMessage(historyRequest(page, blocks, findings)), 'history');
  }

  /** Asks the background to insert CONTENT_CSS into this tab's top frame. */
  async function requestStyles() {
    return unwrap(await api().runtime.sendMessage({ type: Type.INSERT_CSS }), 'ok');
  }

  root.ClausemarkProtocol = Object.freeze({
    VERSION,
    Type,
    BACKGROUND_TYPES,
    CONTENT_TYPES,
    CONTENT_SCRIPTS,
    CONTENT_BUNDLE,
    START_SCRIPT,
    CONTENT_CSS,
    AUTO_SCRIPT,
    AUTO_SCRIPT_ID,
    MAX_EXPLAIN_UTF16,
    UPLOAD_PART_UTF16,
    MAX_URL,
    SETTINGS_KEY,
    DEFAULT_SETTINGS,
    SENSITIVITIES,
    THEMES,
    RISKS_BY_SENSITIVITY,
    validateSettings,
    validateSettingsPatch,
    isShown,
    parseRequest,
    parseContentMessage,
    analyzeRequest,
    taxonomyRequest,
    settingsRequest,
    historyRequest,
    historyForgetRequest,
    annotateMessage,
    explainMessage,
    focusMessage,
    clearMessage,
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
})(/** @type {any} */ (globalThis));
