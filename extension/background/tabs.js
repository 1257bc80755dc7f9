// @ts-check
/**
 * The background's side of a tab: injecting the page side (the content
 * bundle, and content/start.js when annotating) into its top frame, talking
 * to it with the `cm:` messages, and what the toolbar button, the context
 * menu and `self.clausemark` ask of a tab: `annotate`, `explain`, `clear`.
 * A page that cannot be read says why (background/failures.js). In memory
 * only: whether the bundle exists, and the last annotation's timings.
 */

import { Protocol } from './protocol.js';
import { getSettings } from './settings.js';
import {
  PageError, REASON, errorMessage, explainFailure, resetButton, restrictedReason, showFailure, showSummary,
} from './failures.js';

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

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
let last = null;

/** `{tabId, timings}` of the last annotation that succeeded (summary.timings, ms), or null. */
export function lastTimings() {
  return last;
}

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
export function annotate(tabId, options = {}) {
  return annotateTab(tabId, options, false);
}

/**
 * `annotate`, knowing whether a user gesture started it.
 * @param {number} tabId
 * @param {{ toggle?: boolean }} options
 * @param {boolean} gesture
 * @param {any} [tab] the tab as the click event reported it (see inject)
 */
export async function annotateTab(tabId, options, gesture, tab = undefined) {
  checkTabId(tabId);
  try {
    const [settings] = await Promise.all([getSettings(), inject(tabId, gesture, true, tab)]);
    const message = Protocol.annotateMessage(settings, { toggle: options?.toggle !== false });
    const summary = await send(tabId, message, 'summary');
    const bad = Protocol.checkSummary(summary);
    if (bad) throw new Error(bad);
    last = { tabId, timings: summary.timings ?? null };
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
export async function explain(tabId, text, gesture = false) {
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
export async function clear(tabId) {
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
