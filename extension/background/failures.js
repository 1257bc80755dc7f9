// @ts-check
/**
 * Why a page cannot be annotated, in words the user can act on, and the
 * toolbar button that says so: a "!" badge with the reason as its tooltip
 * on failure, the number of clauses marked on success. Tab-specific badge
 * and title are reset by both browsers when the tab navigates, so a stale
 * "!" never outlives its page.
 */

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/** The action's default tooltip (manifest `action.default_title`). */
export const DEFAULT_TITLE = 'Clausemark';
const BADGE_ERROR_COLOR = '#b3261e';
const BADGE_OK_COLOR = '#3c4043';

/**
 * An error whose message is meant for the user (shown as the button's
 * tooltip), as opposed to an internal one.
 */
export class PageError extends Error {
  /**
   * @param {string} message
   * @param {unknown} [cause] the browser's own error, kept for the console
   */
  constructor(message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PageError';
  }
}

export const REASON = {
  browserPage: 'Clausemark cannot read the browser\'s own pages (settings, new tab, extensions). Open the policy on its website and click again.',
  store: 'Browsers do not let extensions read their add-on store. Open the policy on its own website and click again.',
  pdf: 'Clausemark cannot read PDFs shown in the browser\'s PDF viewer. Open an HTML version of the policy, or copy a passage and use "Explain with Clausemark" on it.',
  file: 'To read local files, allow "Access to file URLs" for Clausemark on the browser\'s extensions page, then click again.',
  noAccess: 'Clausemark has no access to this page. Click its toolbar button while the page is open (that grants access to this tab only).',
  // No access although the user just clicked: the browser keeps the page from extensions.
  unreadable: 'The browser does not let extensions read this page (a blank or browser page, or one shown by another extension).',
  errorPage: 'This tab shows an error page: there is nothing to read.',
  gone: 'The tab was closed or navigated away before Clausemark finished.',
};

/** Hosts where browsers forbid extension scripts (stores, account pages). */
const STORE_HOSTS = new Set([
  'chromewebstore.google.com',
  'microsoftedge.microsoft.com',
  'addons.mozilla.org',
  'accounts.firefox.com',
  'support.mozilla.org',
]);

/**
 * Why a URL cannot be annotated, known before trying; null when it may be
 * (or when the URL is unknown: `tab.url` is only visible with access, and
 * the attempt will tell).
 * @param {string | undefined} url
 * @returns {string | null}
 */
export function restrictedReason(url) {
  if (!url) return null;
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (/^(chrome|edge|brave|opera|vivaldi|about|moz-extension|chrome-extension|chrome-search|chrome-untrusted|devtools|view-source|resource|jar):$/.test(u.protocol)) {
    return REASON.browserPage;
  }
  if (STORE_HOSTS.has(u.hostname) || (u.hostname === 'chrome.google.com' && u.pathname.startsWith('/webstore'))) {
    return REASON.store;
  }
  return null;
}

/** @param {string | undefined} url */
function looksLikePdf(url) {
  if (!url) return false;
  try {
    return /\.pdf$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/**
 * Turns a browser error from scripting/tabs into a PageError the user can
 * act on; unknown errors keep their message behind a short preface.
 * @param {unknown} e
 * @param {string | undefined} url the tab's URL when known
 * @param {boolean} [gesture] the user just clicked (activeTab was granted)
 * @returns {Error}
 */
export function explainFailure(e, url, gesture = false) {
  if (e instanceof PageError) return e;
  const msg = errorMessage(e);
  const restricted = restrictedReason(url);
  if (restricted) return new PageError(restricted, e);
  if (/gallery cannot be scripted|web ?store/i.test(msg)) return new PageError(REASON.store, e);
  if (/chrome:\/\/|about:|extensions? page|cannot be scripted/i.test(msg)) return new PageError(REASON.browserPage, e);
  if (/showing error page|error page/i.test(msg)) return new PageError(REASON.errorPage, e);
  if (/No tab with id|Invalid tab ID|tab was closed|frame .* removed|Frame with ID 0 was removed|document .* unloaded|back\/forward cache|The page keeping the extension port is moved into back\/forward cache/i.test(msg)) {
    return new PageError(REASON.gone, e);
  }
  if (/permission|Cannot access|Missing host/i.test(msg)) {
    if (looksLikePdf(url)) return new PageError(REASON.pdf, e);
    if (url?.startsWith('file:')) return new PageError(REASON.file, e);
    return new PageError(gesture ? REASON.unreadable : REASON.noAccess, e);
  }
  return new Error(`Clausemark could not annotate this page: ${msg}`);
}

/** @param {unknown} e */
export function errorMessage(e) {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------
// The toolbar button's face: badge and tooltip, per tab (both browsers reset
// tab-specific values when the tab navigates).

/**
 * @param {number} tabId
 * @param {string} text
 * @param {string} color
 * @param {string} title
 */
async function setButton(tabId, text, color, title) {
  try {
    await Promise.all([
      ext.action.setBadgeText({ tabId, text }),
      text ? ext.action.setBadgeBackgroundColor({ tabId, color }) : null,
      ext.action.setTitle({ tabId, title }),
    ]);
  } catch {
    // The tab is gone: nobody to tell.
  }
}

/**
 * Shows a failure on the button: "!" and the reason as the tooltip.
 * @param {number} tabId
 * @param {unknown} e
 */
export function showFailure(tabId, e) {
  const reason = errorMessage(e).replace(/^clausemark: /, '');
  if (e instanceof PageError) {
    // Expected (a page we may not read): a note for whoever opens the console.
    const cause = e.cause === undefined ? '' : ` (${errorMessage(e.cause)})`;
    console.info(`clausemark: tab ${tabId}: ${reason}${cause}`);
  } else {
    console.error(`clausemark: tab ${tabId}:`, reason);
  }
  return setButton(tabId, '!', BADGE_ERROR_COLOR, `${DEFAULT_TITLE}: ${reason}`);
}

/**
 * Shows a summary on the button: the number of clauses marked, and the
 * grade in the tooltip.
 * @param {number} tabId
 * @param {any} summary
 */
export function showSummary(tabId, summary) {
  const n = summary.findings.length;
  const grade = summary.grade ? `grade ${summary.grade}, ` : '';
  const title = `${DEFAULT_TITLE}: ${grade}${n === 1 ? '1 clause' : `${n} clauses`} marked. Click again to show or hide the summary.`;
  return setButton(tabId, n > 0 ? String(Math.min(n, 999)) : '', BADGE_OK_COLOR, title);
}

/**
 * Back to the plain button (no badge, default tooltip) for the tab.
 * @param {number} tabId
 */
export function resetButton(tabId) {
  return setButton(tabId, '', BADGE_OK_COLOR, DEFAULT_TITLE);
}
