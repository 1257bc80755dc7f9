// @ts-check
/**
 * The background's settings: read (cleaned) from `storage.local`, written
 * through `setSettings`, and the auto-annotate content-script registration
 * kept in step with them and with the optional `<all_urls>` grant.
 *
 * Nothing here lives only in memory (the background may be stopped at any
 * time): storage holds the settings, the browser holds the registration.
 */

import { Protocol } from './protocol.js';

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/**
 * The stored settings, cleaned (see `validateSettings`): a value written by
 * an older version or by hand never reaches the page unchecked; what was
 * repaired is logged, not thrown.
 * @returns {Promise<any>}
 */
export async function getSettings() {
  const stored = await ext.storage.local.get(Protocol.SETTINGS_KEY);
  const { settings, errors } = Protocol.validateSettings(stored[Protocol.SETTINGS_KEY]);
  if (errors.length) console.warn('clausemark: stored settings repaired:', errors.join('; '));
  return settings;
}

/**
 * Merges a partial update into the stored settings. Rejects, storing
 * nothing, when any key is unknown or any value bad (the error names each).
 * Switching `autoAnnotate` on here does not grant the host permission (only
 * a user gesture on the options page can); without it the registration
 * stays off and the setting is switched back off, as `syncAutoAnnotate`
 * decides.
 * @param {unknown} partial
 * @returns {Promise<any>} the settings now stored (after that sync)
 */
export function setSettings(partial) {
  const checked = Protocol.validateSettingsPatch(partial);
  if ('error' in checked) return Promise.reject(new Error(checked.error));
  // One read-modify-write at a time, so two quick updates both land.
  const run = writing.then(async () => {
    await ext.storage.local.set({ [Protocol.SETTINGS_KEY]: { ...(await getSettings()), ...checked.patch } });
    await syncAutoAnnotate();
    return getSettings();
  });
  writing = run.catch(() => {});
  return run;
}

/** Tail of the queue of `setSettings` writes. @type {Promise<unknown>} */
let writing = Promise.resolve();

// ---------------------------------------------------------------------------
// Auto-annotate: a registered content script, present exactly when the
// setting is on and `<all_urls>` is granted.

const ALL_URLS = { origins: ['<all_urls>'] };

/** Serialises the syncs: storage and permission events can fire together. */
let syncing = Promise.resolve();

/**
 * Registers or unregisters `clausemark-auto` so that it exists iff
 * `autoAnnotate` is on and the host permission is granted. When the
 * permission is gone but the setting still says on (the user revoked it in
 * the browser's UI), the setting is switched off too, so the options page
 * shows the truth. Idempotent; never rejects (errors are logged).
 * @returns {Promise<void>}
 */
export function syncAutoAnnotate() {
  syncing = syncing.then(doSync).catch((e) => console.error('clausemark: auto-annotate:', e instanceof Error ? e.message : String(e)));
  return syncing;
}

async function doSync() {
  const [settings, granted, registered] = await Promise.all([
    getSettings(),
    ext.permissions.contains(ALL_URLS),
    ext.scripting.getRegisteredContentScripts({ ids: [Protocol.AUTO_SCRIPT_ID] }),
  ]);
  const want = settings.autoAnnotate && granted;
  // The content scripts as `make extension` ships them: one bundle (protocol.js CONTENT_BUNDLE).
  const js = [Protocol.CONTENT_BUNDLE, Protocol.AUTO_SCRIPT];
  // A registration from an older version (other files, or the CSS that is
  // now inserted only into pages auto.js annotates) is replaced.
  const stale = registered.length > 0 &&
    (JSON.stringify(registered[0].js) !== JSON.stringify(js) || (registered[0].css?.length ?? 0) > 0);
  if (stale || (!want && registered.length > 0)) {
    await ext.scripting.unregisterContentScripts({ ids: [Protocol.AUTO_SCRIPT_ID] });
  }
  if (want && (stale || registered.length === 0)) {
    await ext.scripting.registerContentScripts([{
      id: Protocol.AUTO_SCRIPT_ID,
      matches: ['<all_urls>'],
      // No `css`: see protocol.js CONTENT_CSS (auto.js asks for it with `insert-css`).
      js,
      runAt: 'document_idle',
      allFrames: false,
      persistAcrossSessions: true,
    }]);
  }
  if (settings.autoAnnotate && !granted) {
    await ext.storage.local.set({ [Protocol.SETTINGS_KEY]: { ...settings, autoAnnotate: false } });
  }
}
