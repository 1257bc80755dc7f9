// @ts-check
/**
 * The extension's background: the only place the WebAssembly core runs
 * (a content script cannot instantiate wasm on pages whose CSP forbids it).
 *
 * Chrome runs this file as an MV3 module service worker, Firefox as a module
 * background script (event page); manifest.json declares both. It answers
 * the messages of protocol.js and exposes `self.clausemark` for tests and
 * the extension's own pages.
 *
 * Privacy: the wasm is read from the extension package
 * (`chrome.runtime.getURL`); this file makes no other request, and the
 * e2e tests check that no request leaves the extension.
 */

import './protocol.js';
import init, * as core from './wasm/clausemark.js';

const Protocol = /** @type {any} */ (globalThis).ClausemarkProtocol;
const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/**
 * Resolves once the module is instantiated. Started at load, not on first
 * use, so the first message does not pay for compilation alone; a service
 * worker cannot use top-level await, hence a promise.
 */
const ready = init({ module_or_path: ext.runtime.getURL('wasm/clausemark_bg.wasm') });

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

/**
 * Answers one protocol message.
 * @param {unknown} msg
 * @returns {Promise<object>} a response of protocol.js (never rejects)
 */
async function handleMessage(msg) {
  const parsed = Protocol.parseRequest(msg);
  if ('error' in parsed) return { error: parsed.error };
  const req = parsed.request;
  try {
    switch (req.type) {
      case Protocol.Type.ANALYZE:
        return { analysis: await withCore(() => core.analyze(req.blocks)) };
      case Protocol.Type.TAXONOMY:
        return { taxonomy: await withCore(() => core.taxonomy()) };
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return { error: 'clausemark: unhandled request' };
}

// Registered synchronously at load, as MV3 requires for a worker woken by an event.
ext.runtime.onMessage.addListener((/** @type {unknown} */ msg, /** @type {any} */ sender, /** @type {(r: object) => void} */ sendResponse) => {
  // Only this extension's own scripts talk to it (no externally_connectable).
  if (sender?.id !== ext.runtime.id) return false;
  handleMessage(msg).then(sendResponse);
  return true; // the answer is asynchronous
});

/** Direct access for tests and the extension's own pages. */
/** @type {any} */ (globalThis).clausemark = Object.freeze({
  /** @param {unknown} blocks text blocks in DOM order; rejects with an Error on bad input */
  analyze: (blocks) => withCore(() => core.analyze(/** @type {string[]} */ (blocks))),
  taxonomy: () => withCore(() => core.taxonomy()),
  version: () => withCore(() => core.version()),
  handleMessage,
  ready,
});
