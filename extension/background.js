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
 * Split: background/core.js (the wasm: instantiation, warm-up, `withCore`),
 * background/tabs.js (injecting the page side, `annotate`, `explain`,
 * `clear`), background/messages.js (answering the protocol's messages;
 * background/uploads.js keeps huge pages' parts), background/settings.js
 * (settings, auto-annotate registration), background/failures.js (why a
 * page cannot be read; the button's badge and tooltip),
 * background/history.js (the opt-in memory of annotated policies, for
 * change tracking), background/protocol.js (loads protocol.js and its
 * parts); this file registers the listeners and exposes `self.clausemark`.
 *
 * Privacy: the wasm is read from the extension package
 * (`chrome.runtime.getURL`, background/core.js); the background makes no
 * other request, and the e2e tests check that no request leaves the
 * extension.
 */

import { Protocol } from './background/protocol.js';
import { core, diff, prevalence, ready, startup, withCore } from './background/core.js';
import { getSettings, setSettings, syncAutoAnnotate } from './background/settings.js';
import * as history from './background/history.js';
import { errorMessage } from './background/failures.js';
import { annotate, annotateTab, clear, explain, lastTimings } from './background/tabs.js';
import { handleMessage } from './background/messages.js';

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/** Id of the context-menu item. */
const MENU_EXPLAIN = 'clausemark-explain';

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
   * @param {unknown} [kinds] one letter per block (see "analyze" in protocol.js)
   */
  analyze: (blocks, kinds) => withCore(() => Protocol.hydrate(core.analyze(/** @type {string[]} */ (blocks), /** @type {any} */ (kinds)), /** @type {string[]} */ (blocks))),
  taxonomy: () => withCore(() => core.taxonomy()),
  /** Where the last analysis spent its time (AnalyzeTimings, ms): for the benchmarks. */
  lastAnalyzeTimings: () => withCore(() => core.lastAnalyzeTimings()),
  version: () => withCore(() => core.version()),
  /**
   * What changed from `oldBlocks` to `newBlocks` (Diff); rejects with an Error on bad input.
   * @param {unknown} oldBlocks @param {unknown} newBlocks
   * @param {unknown} [oldKinds] @param {unknown} [newKinds] one letter per block of that side, or none
   */
  diff: (oldBlocks, newBlocks, oldKinds, newKinds) => diff(/** @type {string[]} */ (oldBlocks), /** @type {string[]} */ (newBlocks),
    /** @type {any} */ (oldKinds), /** @type {any} */ (newKinds)),
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
  lastTimings,
  /** When this background life started, loaded, instantiated the wasm and warmed up (wall-clock ms; core.js `startup`). */
  startup: () => ({ ...startup }),
});
