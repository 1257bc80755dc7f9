// @ts-check
/**
 * The background's answers to the protocol's messages (from content scripts
 * and the extension's pages; protocol/parse.js checks them first): the
 * analysis (wasm, with the highlight CSS inserted on the way when asked,
 * huge pages in parts), the taxonomy, settings, prevalence table and
 * history, and `insert-css`. `handleMessage` never rejects: every failure
 * becomes an `{error}` answer.
 */

import { Protocol } from './protocol.js';
import { core, diff, prevalence, withCore } from './core.js';
import { getSettings } from './settings.js';
import * as history from './history.js';
import { errorMessage } from './failures.js';
import { addUploadPart, takeUpload } from './uploads.js';

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/**
 * Inserts the highlight CSS into the sender's tab, top frame: the page
 * (content/annotation.js) asks once, with its first analysis (`analyze` with
 * `css`), or in auto mode once the analysis says the page is a policy
 * (`insert-css`).
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
 * Answers one protocol message.
 * @param {unknown} msg
 * @param {any} [sender] the `runtime.onMessage` sender (needed to insert the CSS)
 * @returns {Promise<object>} a response of protocol.js (never rejects)
 */
export async function handleMessage(msg, sender) {
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
        const { blocks, kinds } = req.parts === undefined ? req : takeUpload(req.parts, req, sender);
        let wasmMs = 0;
        const analysis = await withCore(() => {
          const t0 = performance.now();
          const a = core.analyze(blocks, kinds);
          wasmMs = Math.round((performance.now() - t0) * 10) / 10;
          return a;
        });
        return styled ? { analysis, wasmMs, styled: await styled } : { analysis, wasmMs };
      }
      case Protocol.Type.ANALYZE_PART:
        return addUploadPart(req.id, req, sender);
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
