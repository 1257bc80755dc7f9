// @ts-check
/**
 * The WebAssembly core, as the background runs it: instantiated at load
 * (from the extension package, `runtime.getURL`: no other request) and
 * warmed up, every call through `withCore` (which waits for it and stops
 * trusting an instance that trapped), and the results that are constant
 * for a build (the prevalence table) computed once per background life.
 *
 * `core` is the wasm-bindgen glue's namespace, for calls inside `withCore`.
 */

import init, * as core from '../wasm/clausemark.js';

export { core };

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/**
 * Resolves once the module is instantiated. Started at load, not on first
 * use, so the first message does not pay for compilation alone; a service
 * worker cannot use top-level await, hence a promise.
 */
export const ready = init({ module_or_path: ext.runtime.getURL('wasm/clausemark_bg.wasm') });

/** Wall-clock ms (performance.timeOrigin + performance.now()). */
const now = () => performance.timeOrigin + performance.now();

/**
 * When this background life reached each start-up step, in wall-clock ms
 * (epoch, the clock a page's `performance.timeOrigin + performance.now()`
 * reads too): `origin` the worker's global was created, `loaded` this module
 * ran (the scripts were fetched and evaluated), `ready` the wasm was
 * instantiated, `warmed` the warm-up analysis returned (null until then, or
 * if it failed). For the cold-start benchmark (scripts/bench-cold.mjs).
 */
export const startup = { origin: performance.timeOrigin, loaded: now(), ready: /** @type {number | null} */ (null), warmed: /** @type {number | null} */ (null) };

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
ready
  .then(() => {
    startup.ready = now();
    core.analyze(WARM_UP);
    startup.warmed = now();
  })
  .catch(() => {}); // a failure shows on the first real call

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
export async function withCore(f) {
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

/** The prevalence table (constant for a build): computed once per background life. @type {Promise<any[]> | null} */
let prevalenceRows = null;

/** @returns {Promise<any[]>} */
export function prevalence() {
  prevalenceRows ??= withCore(() => core.prevalence());
  return prevalenceRows.catch((e) => {
    prevalenceRows = null;
    throw e;
  });
}

/**
 * `diff` of the wasm core, for history.js: each side's kinds (one letter
 * per block) or undefined.
 * @param {string[]} oldBlocks @param {string[]} newBlocks @param {string} [oldKinds] @param {string} [newKinds]
 */
export const diff = (oldBlocks, newBlocks, oldKinds, newKinds) => withCore(() => core.diff(oldBlocks, newBlocks, oldKinds, newKinds));
