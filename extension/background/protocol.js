// @ts-check
/**
 * The protocol (protocol.js and its parts, classic scripts defining
 * `globalThis.ClausemarkProtocol`) for the background's modules: imported
 * here for their side effect, in PROTOCOL_SCRIPTS order (protocol.js creates
 * the object, protocol/client.js freezes it; tests/e2e/manifest.test.mjs
 * checks this list against PROTOCOL_SCRIPTS), and exported as `Protocol`.
 * Every background module takes it from here, so no module can see the
 * protocol half built.
 */

import '../protocol.js';
import '../protocol/settings.js';
import '../protocol/parse.js';
import '../protocol/client.js';

/** The frozen `ClausemarkProtocol`: types, constructors, validation, file lists. */
export const Protocol = /** @type {any} */ (globalThis).ClausemarkProtocol;
