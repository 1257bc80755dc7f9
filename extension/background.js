// @ts-check
/**
 * The extension's background: the only place the WebAssembly core runs
 * (a content script cannot instantiate wasm on pages whose CSP forbids it),
 * and the one that injects the page UI when the user asks.
 *
 * Chrome runs this file as an MV3 module service worker, Firefox as a module
 * background script (event page); manifest.json declares both. Either may be
 * stopped when idle and restarted by the next event, so every listener is
 * registered synchronously below, at load, and no state that matters lives
 * only in memory (settings are in `storage.local`, the auto-annotate
 * registration and the context menu are kept by the browser).
 *
 * What it does:
 * - answers the messages of protocol.js (`analyze`, `analyze-part`, `taxonomy`, `settings`,
 *   `prevalence`, the `history*` ones, `insert-css`);
 * - toolbar button / shortcut (`_execute_action`) → `annotate(tabId)`;
 * - context menu "Explain with Clausemark" on a selection → `explain`;
 * - keeps the `clausemark-auto` content-script registration in step with
 *   the `autoAnnotate` setting AND the optional `<all_urls>` grant;
 * - when a page cannot be annotated (browser pages, stores, the PDF viewer,
 *   no access), says why on the button: badge "!" and the reason as its
 *   tooltip. Nothing fails silently; no listener lets a rejection escape.
 *
 * Split: background/settings.js (settings, auto-annotate registration),
 * background/failures.js (why a page cannot be read; the button's badge and
 * tooltip), background/history.js (the opt-in memory of annotated policies,
 * for change tracking); this file holds the core, injection, messages and
 * listeners.
 *
 * Privacy: the wasm is read from the extension package
 * (`chrome.runtime.getURL`); this file makes no other request, and the
 * e2e tests check that no request leaves the extension.
 */

import { Protocol } from './background/protocol.js';
import init, * as core from './wasm/clausemark.js';
import { getSettings, setSettings, syncAutoAnnotate } from './background/settings.js';
import * as history from './background/history.js';
import {
  PageError, REASON, errorMessage, explainFailure, resetButton, restrictedReason, showFailure, showSummary,
} from './background/failures.js';

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/** Id of the context-menu item. */
const MENU_EXPLAIN = 'clausemark-explain';

// ---------------------------------------------------------------------------
// The wasm core

/**
 * Resolves once the module is instantiated. Started at load, not on first
 * use, so the first message does not pay for compilation alone; a service
 * worker cannot use top-level await, hence a promise.
 */
const ready = init({ module_or_path: ext.runtime.getURL('wasm/clausemark_bg.wasm') });

/**
 * A few clauses analysed as soon as the module is ready, so that the first
 * page does not pay for what the core builds on first use (the trigger
 * automaton, the model, the regexes these clauses reach: ≈ 100 ms natively,
 * several times that in wasm, measured). A toolbar click that woke the
 * worker gets its analysis after this, as it would have paid the same
 * anyway; the click's injection and the page's collection overlap it.
 * Registered right after `ready` is created, so it runs before any
 * `withCore` continuation. Written for this project.
 */
const WARM_UP = [
  'Privacy Policy',
  'We collect your name, email address and device identifiers when you use the service.',
  'We may share your personal information with advertising partners and sell it to third parties.',
  'We use cookies to track your activity across websites.',
  'We keep your data for as long as your account is active, and you can delete your account at any time.',
  'Any dispute will be resolved by binding arbitration, and you waive any class action.',
  'We may change these terms at any time without notice.',
];
ready.then(() => core.analyze(WARM_UP)).catch(() => {}); // a failure shows on the first real call

/**
 * Set when the module trapped (a panic aborts in release builds). The
 * instance may then hold broken state, so later calls are refused until the
 * background restarts (Chrome stops an idle worker after ~30 s; Firefox
 * unloads an idle event page), which instantiates it afresh.
 * @type {string | null}
 */
let broken = null;

/**
 * Runs `f` on the instantiated core; rethrows its errors (bad input), and
 * records a trap so the instance is not trusted again.
 * @template T
 * @param {() => T} f
 * @returns {Promise<T>}
 */
async function withCore(f) {
  await ready;
  if (broken) throw new Error(`clausemark: the analysis engine failed earlier (${broken}); reload the extension`);
  try {
    return f();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      broken = String(e.message);
      console.error('clausemark: the wasm core trapped', e);
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Injecting the page side and talking to it

/**
 * Runs in the page's isolated world, beside the injection: what kind of
 * document it is. Must be self-contained (it is serialised). The highlight
 * CSS is not inserted here: the page asks for it with its first analysis
 * (`analyze` with `css`), so the restyle it causes overlaps the analysis.
 */
function probePage() {
  return { contentType: document.contentType };
}

/**
 * Makes sure the content scripts are in the tab's top frame; with `start`,
 * the page also starts reading itself (Protocol.START_SCRIPT) before
 * `cm:annotate` reaches it.
 * Frame 0 only: content/textmap.js reads same-origin iframes from the top
 * document, and cross-origin ones are out of activeTab's reach anyway.
 * Needs access to the tab (activeTab after a click or a context-menu
 * choice, or the optional host permission); otherwise rejects with a
 * PageError saying why.
 * @param {number} tabId
 * @param {boolean} gesture started by a user gesture (only changes the wording of errors)
 * @param {boolean} [start] annotating: inject START_SCRIPT after the content scripts
 * @param {any} [known] the tab as an event just reported it (the toolbar click's
 *   `tab`, URL included since the click granted activeTab): asking the browser
 *   again is a round trip (≈ 2 ms measured) on the click's critical path
 * @returns {Promise<void>}
 */
async function inject(tabId, gesture, start = false, known = undefined) {
  const tab = known?.id === tabId && (known.url ?? known.pendingUrl) ? known : await ext.tabs.get(tabId).catch((/** @type {unknown} */ e) => {
    throw new PageError(REASON.gone, e);
  });
  const url = tab.url ?? tab.pendingUrl;
  const restricted = restrictedReason(url);
  if (restricted) throw new PageError(restricted);
  const target = { tabId, frameIds: [0] };
  try {
    // The probe and the scripts go out together: each is a round trip to the
    // page (10-40 ms measured), and waiting for the probe first put both on
    // the click's critical path. Scripts injected into a page the probe then
    // refuses (a PDF) do nothing until they receive a message.
    const scripts = injectScripts(target, start);
    scripts.catch(() => {}); // its failure is reported below, or superseded by the probe's
    const [probe] = await ext.scripting.executeScript({ target, func: probePage });
    // No result and no error: the frame is one the browser hides from
    // extensions (Firefox, on about: and other privileged pages).
    if (!probe) throw new PageError(REASON.browserPage);
    if (probe.error) throw probe.error;
    const info = probe?.result;
    if (info?.contentType === 'application/pdf') throw new PageError(REASON.pdf);
    const results = await scripts;
    // Firefox reports a script's exception here; Chrome only logs it in the page.
    const failed = /** @type {any[]} */ (results ?? []).find((r) => r?.error);
    if (failed) throw new Error(`a content script failed: ${errorMessage(failed.error)}`);
  } catch (e) {
    throw explainFailure(e, url, gesture);
  }
}

/** False once the bundle turned out to be missing (see injectScripts). */
let bundled = true;

/**
 * Injects the content scripts as one file, Protocol.CONTENT_BUNDLE (built
 * by `make extension`), plus START_SCRIPT with `start`. A copy of the
 * extension without the bundle (JS copied by hand, not built) gets the
 * separate CONTENT_SCRIPTS instead, with a warning; any other failure is
 * the caller's to explain.
 * @param {{ tabId: number, frameIds: number[] }} target
 * @param {boolean} start
 */
async function injectScripts(target, start) {
  const extra = start ? [Protocol.START_SCRIPT] : [];
  if (bundled) {
    try {
      return await ext.scripting.executeScript({ target, files: [Protocol.CONTENT_BUNDLE, ...extra] });
    } catch (e) {
      if (!errorMessage(e).includes(Protocol.CONTENT_BUNDLE)) throw e;
      bundled = false;
      console.warn(`clausemark: ${Protocol.CONTENT_BUNDLE} is missing (not built by \`make extension\`): injecting the separate files`);
    }
  }
  return ext.scripting.executeScript({ target, files: [...Protocol.CONTENT_SCRIPTS, ...extra] });
}

/**
 * Sends one `cm:*` message to the tab's top frame and unwraps the answer.
 * @param {number} tabId
 * @param {object} message
 * @param {'summary' | 'findings' | 'ok'} key
 */
async function send(tabId, message, key) {
  let response;
  try {
    response = await ext.tabs.sendMessage(tabId, message, { frameId: 0 });
  } catch (e) {
    const msg = errorMessage(e);
    if (/Receiving end does not exist|Could not establish connection/i.test(msg)) {
      throw new Error('Clausemark\'s page script did not answer (the page may have navigated, or a content script failed to load)');
    }
    throw explainFailure(e, undefined);
  }
  return Protocol.unwrap(response, key);
}

/**
 * The phase timings (ms) of the last annotation that succeeded, and its tab:
 * the summary's `timings`, which the benchmark reads after a real click
 * (whose summary goes to the button only). In memory: lost with the worker.
 * @type {{ tabId: number, timings: any } | null}
 */
let lastTimings = null;

/**
 * Annotates the tab exactly as the toolbar button does: injects the page
 * side, sends `cm:annotate` with the settings, and resolves once the
 * highlights are painted with the page's summary (see protocol.js). On an
 * already annotated page the page side decides (it toggles the summary
 * panel, or re-annotates if the page changed) and still answers with the
 * summary; `{toggle: false}` (not used by the button) forces a fresh
 * annotation with the panel open.
 * The button shows the outcome (count, or "!" and the reason); the promise
 * rejects with an Error whose message is that reason.
 * @param {number} tabId
 * @param {{ toggle?: boolean }} [options]
 * @returns {Promise<any>} the summary
 */
function annotate(tabId, options = {}) {
  return annotateTab(tabId, options, false);
}

/**
 * `annotate`, knowing whether a user gesture started it.
 * @param {number} tabId
 * @param {{ toggle?: boolean }} options
 * @param {boolean} gesture
 * @param {any} [tab] the tab as the click event reported it (see inject)
 */
async function annotateTab(tabId, options, gesture, tab = undefined) {
  checkTabId(tabId);
  try {
    const [settings] = await Promise.all([getSettings(), inject(tabId, gesture, true, tab)]);
    const message = Protocol.annotateMessage(settings, { toggle: options?.toggle !== false });
    const summary = await send(tabId, message, 'summary');
    const bad = Protocol.checkSummary(summary);
    if (bad) throw new Error(bad);
    lastTimings = { tabId, timings: summary.timings ?? null };
    await showSummary(tabId, summary);
    return summary;
  } catch (e) {
    await showFailure(tabId, e);
    throw e;
  }
}

/**
 * Shows a card classifying `text` (or the page's current selection) in the
 * tab, as the context-menu item does; resolves with the findings for that
 * passage (possibly none).
 * @param {number} tabId
 * @param {unknown} text the selected passage, UTF-16 ≤ MAX_EXPLAIN_UTF16
 * @param {boolean} [gesture] started by the context menu (internal)
 * @returns {Promise<any[]>}
 */
async function explain(tabId, text, gesture = false) {
  checkTabId(tabId);
  try {
    if (typeof text !== 'string' || !text.trim()) {
      throw new Error(`clausemark: explain needs the selected text, a non-empty string, got ${typeof text === 'string' ? 'an empty string' : typeof text}`);
    }
    const message = Protocol.explainMessage(text);
    const parsed = Protocol.parseContentMessage(message);
    if ('error' in parsed) throw new Error(parsed.error);
    await inject(tabId, gesture);
    return await send(tabId, message, 'findings');
  } catch (e) {
    await showFailure(tabId, e);
    throw e;
  }
}

/**
 * Removes every trace of Clausemark from the tab (highlights, markers, the
 * host element) and resets the button. Resolves false when there was
 * nothing to clear (the page side was never injected), true otherwise.
 * @param {number} tabId
 * @returns {Promise<boolean>}
 */
async function clear(tabId) {
  checkTabId(tabId);
  await resetButton(tabId);
  try {
    await ext.tabs.sendMessage(tabId, Protocol.clearMessage(), { frameId: 0 });
    return true;
  } catch (e) {
    if (/Receiving end does not exist|Could not establish connection/i.test(errorMessage(e))) return false;
    throw explainFailure(e, undefined);
  }
}

/** @param {unknown} tabId */
function checkTabId(tabId) {
  if (!Number.isSafeInteger(tabId) || /** @type {number} */ (tabId) < 0) {
    throw new Error(`clausemark: expected a tab id (an integer ≥ 0), got ${JSON.stringify(tabId) ?? typeof tabId}`);
  }
}

// ---------------------------------------------------------------------------
// Messages from the page and the extension's pages

/** The prevalence table (constant for a build): computed once per background life. @type {Promise<any[]> | null} */
let prevalenceRows = null;

/** @returns {Promise<any[]>} */
function prevalence() {
  prevalenceRows ??= withCore(() => core.prevalence());
  return prevalenceRows.catch((e) => {
    prevalenceRows = null;
    throw e;
  });
}

/**
 * `diff` of the wasm core, for history.js.
 * @param {string[]} oldBlocks @param {string[]} newBlocks
 */
const diff = (oldBlocks, newBlocks) => withCore(() => core.diff(oldBlocks, newBlocks));

/**
 * Inserts the highlight CSS into the sender's tab, top frame: content/main.js
 * asks once per page, with its first analysis (`analyze` with `css`), or in
 * auto mode once the analysis says the page is a policy (`insert-css`).
 * @param {any} sender
 */
async function insertCss(sender) {
  const tabId = sender?.tab?.id;
  if (!Number.isSafeInteger(tabId) || tabId < 0 || sender.frameId !== 0) {
    throw new Error('clausemark: the highlight CSS is inserted for a page\'s top frame only');
  }
  await ext.scripting.insertCSS({ target: { tabId, frameIds: [0] }, files: [...Protocol.CONTENT_CSS] });
  return { ok: true };
}

/**
 * Blocks of huge pages sent in parts ("analyze-part", see protocol.js
 * UPLOAD_PART_UTF16), until the "analyze" with `parts` that ends each
 * upload; by sender (tab, frame) and upload id. Only in memory: a
 * background restarted in the middle of an upload loses it, and that
 * "analyze" fails with a message saying so.
 * @type {Map<string, { blocks: unknown[], units: number, at: number }>}
 */
const uploads = new Map();
/** An upload left unfinished this long (the page went away) is dropped. */
const UPLOAD_TTL_MS = 60_000;
/**
 * Most UTF-16 code units one upload may hold: the wasm refuses documents
 * over 16 MiB of UTF-8 anyway, and this keeps a broken sender from filling
 * the background's memory first.
 */
const MAX_UPLOAD_UTF16 = 16 * 1024 * 1024;

/** @param {any} sender @param {string} id */
function uploadKey(sender, id) {
  return `${sender?.tab?.id ?? 'extension'}:${sender?.frameId ?? 0}:${id}`;
}

/**
 * Keeps one part of an upload.
 * @param {string} id @param {unknown[]} blocks @param {any} sender
 */
function addUploadPart(id, blocks, sender) {
  const now = Date.now();
  for (const [k, u] of uploads) if (now - u.at > UPLOAD_TTL_MS) uploads.delete(k);
  const key = uploadKey(sender, id);
  const upload = uploads.get(key) ?? { blocks: [], units: 0, at: now };
  for (const b of blocks) {
    upload.units += typeof b === 'string' ? b.length : 0;
    upload.blocks.push(b); // not push(...blocks): a part may hold more blocks than a call takes arguments
  }
  upload.at = now;
  if (upload.units > MAX_UPLOAD_UTF16) {
    uploads.delete(key);
    throw new Error(`clausemark: the page's text is too large to analyse (over ${MAX_UPLOAD_UTF16} UTF-16 code units)`);
  }
  uploads.set(key, upload);
  return { ok: true };
}

/**
 * The whole upload `id` (its parts, then `last`), forgotten here.
 * @param {string} id @param {unknown[]} last @param {any} sender
 * @returns {string[]} checked by the wasm, like any "analyze" blocks
 */
function takeUpload(id, last, sender) {
  const key = uploadKey(sender, id);
  const upload = uploads.get(key);
  uploads.delete(key);
  if (!upload) {
    throw new Error('clausemark: the page\'s text arrived incomplete (the background restarted while it was sent); annotate the page again');
  }
  return /** @type {string[]} */ (upload.blocks.concat(last));
}

/**
 * Answers one protocol message.
 * @param {unknown} msg
 * @param {any} [sender] the `runtime.onMessage` sender (needed to insert the CSS)
 * @returns {Promise<object>} a response of protocol.js (never rejects)
 */
async function handleMessage(msg, sender) {
  const parsed = Protocol.parseRequest(msg);
  if ('error' in parsed) return { error: parsed.error };
  const req = parsed.request;
  try {
    switch (req.type) {
      case Protocol.Type.ANALYZE: {
        // The CSS request goes out before the (synchronous) wasm run, so the
        // page applies the sheet and restyles while the analysis runs.
        const styled = req.css ? insertCss(sender).then(() => true, (e) => {
          console.warn('clausemark: the highlight styles could not be inserted:', errorMessage(e));
          return false;
        }) : null;
        const blocks = req.parts === undefined ? req.blocks : takeUpload(req.parts, req.blocks, sender);
        let wasmMs = 0;
        const analysis = await withCore(() => {
          const t0 = performance.now();
          const a = core.analyze(blocks);
          wasmMs = Math.round((performance.now() - t0) * 10) / 10;
          return a;
        });
        return styled ? { analysis, wasmMs, styled: await styled } : { analysis, wasmMs };
      }
      case Protocol.Type.ANALYZE_PART:
        return addUploadPart(req.id, req.blocks, sender);
      case Protocol.Type.TAXONOMY:
        return { taxonomy: await withCore(() => core.taxonomy()) };
      case Protocol.Type.SETTINGS:
        return { settings: await getSettings() };
      case Protocol.Type.PREVALENCE:
        return { prevalence: await prevalence() };
      case Protocol.Type.HISTORY:
        return { history: await history.record(req, (await getSettings()).rememberPolicies, diff) };
      case Protocol.Type.HISTORY_LIST:
        return { history: await history.list() };
      case Protocol.Type.HISTORY_FORGET:
        return { history: await history.forget(req.url) };
      case Protocol.Type.INSERT_CSS:
        return await insertCss(sender);
    }
  } catch (e) {
    return { error: errorMessage(e) };
  }
  return { error: 'clausemark: unhandled request' };
}

// ---------------------------------------------------------------------------
// Listeners: all registered synchronously at load, as MV3 requires for a
// background woken by an event.

ext.runtime.onMessage.addListener((/** @type {unknown} */ msg, /** @type {any} */ sender, /** @type {(r: object) => void} */ sendResponse) => {
  // Only this extension's own scripts talk to it (no externally_connectable).
  if (sender?.id !== ext.runtime.id) return false;
  handleMessage(msg, sender).then(sendResponse);
  return true; // the answer is asynchronous
});

// Toolbar button and its shortcut (`commands._execute_action` fires this).
ext.action.onClicked.addListener((/** @type {any} */ tab) => {
  if (tab?.id === undefined || tab.id < 0) return;
  annotateTab(tab.id, {}, true, tab).catch(() => {}); // the button already shows the reason
});

/**
 * (Re)creates the context-menu item. The browser keeps menus across
 * background restarts, so this runs on install/update and browser start
 * only; removeAll first makes it idempotent (no "duplicate id" error).
 */
function createMenu() {
  Promise.resolve(ext.contextMenus.removeAll())
    .catch(() => {})
    .then(() => {
      // `create` takes a callback in both browsers (it returns the id, not a promise).
      ext.contextMenus.create(
        { id: MENU_EXPLAIN, title: 'Explain with Clausemark', contexts: ['selection'] },
        () => {
          const err = ext.runtime.lastError;
          if (err) console.error('clausemark: context menu:', err.message);
        },
      );
    })
    .catch((e) => console.error('clausemark: context menu:', errorMessage(e)));
}

/** Forgets the remembered policies when the setting is off (see history.js). */
function syncHistory() {
  getSettings().then((s) => history.syncHistory(s.rememberPolicies), (e) => console.error('clausemark: history:', errorMessage(e)));
}

ext.runtime.onInstalled.addListener(() => {
  createMenu();
  syncAutoAnnotate();
  syncHistory();
});
ext.runtime.onStartup.addListener(() => {
  createMenu();
  syncAutoAnnotate();
  syncHistory();
});

ext.contextMenus.onClicked.addListener((/** @type {any} */ info, /** @type {any} */ tab) => {
  if (info.menuItemId !== MENU_EXPLAIN) return;
  if (tab?.id === undefined || tab.id < 0) {
    console.warn('clausemark: "Explain" chosen outside a tab; nothing to do');
    return;
  }
  explain(tab.id, info.selectionText ?? '', true).catch(() => {}); // the button shows the reason
});

ext.storage.onChanged.addListener((/** @type {any} */ changes, /** @type {string} */ area) => {
  if (area === 'local' && Protocol.SETTINGS_KEY in changes) {
    syncAutoAnnotate();
    if (changes[Protocol.SETTINGS_KEY].newValue?.rememberPolicies !== true) syncHistory();
  }
});
ext.permissions.onAdded.addListener(() => syncAutoAnnotate());
ext.permissions.onRemoved.addListener(() => syncAutoAnnotate());

// ---------------------------------------------------------------------------

/** Direct access for tests and the extension's own pages. */
/** @type {any} */ (globalThis).clausemark = Object.freeze({
  /**
   * The analysis of `blocks`, hydrated (findings with `text` and `summary`),
   * as a page gets it; rejects with an Error on bad input.
   * @param {unknown} blocks text blocks in DOM order
   */
  analyze: (blocks) => withCore(() => Protocol.hydrate(core.analyze(/** @type {string[]} */ (blocks)), /** @type {string[]} */ (blocks))),
  taxonomy: () => withCore(() => core.taxonomy()),
  /** Where the last analysis spent its time (AnalyzeTimings, ms): for the benchmarks. */
  lastAnalyzeTimings: () => withCore(() => core.lastAnalyzeTimings()),
  version: () => withCore(() => core.version()),
  /** @param {unknown} oldBlocks @param {unknown} newBlocks */
  diff: (oldBlocks, newBlocks) => diff(/** @type {string[]} */ (oldBlocks), /** @type {string[]} */ (newBlocks)),
  prevalence,
  /** The remembered policies (options page list). */
  history: () => history.list(),
  /** @param {string} [url] one canonical URL, or all */
  forgetHistory: (url) => history.forget(url),
  canonicalUrl: history.canonicalUrl,
  handleMessage,
  ready,
  annotate,
  /** @param {number} tabId @param {unknown} text */
  explain: (tabId, text) => explain(tabId, text),
  clear,
  settings: getSettings,
  setSettings,
  /** Resolves once the auto-annotate registration matches the settings and permission. */
  syncAutoAnnotate,
  /** `{tabId, timings}` of the last annotation that succeeded (summary.timings, ms), or null. */
  lastTimings: () => lastTimings,
});
