// Shared by the browser e2e tests: where the built extension is, and the
// page text they send it. Not a test file itself (no `.test.` in the name).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The unpacked extension that `make extension` assembles. CLAUSEMARK_DIST
 * (a directory, with a trailing slash) points the tests at another build.
 */
export const DIST = process.env.CLAUSEMARK_DIST ?? fileURLToPath(new URL('../../dist/extension/', import.meta.url));

/**
 * Chromium flags every browser test uses: no sandbox (containers), no GPU,
 * and none of the browser's own background traffic (updates, sync, QUIC),
 * so the recording proxy sees only what pages and the extension send.
 */
export const CHROMIUM_QUIET_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/** Fails early, and says what to run, when the extension is not built. */
export function requireDist() {
  for (const f of ['manifest.json', 'background.js', 'protocol.js', 'wasm/clausemark_bg.wasm', 'wasm/clausemark.js']) {
    if (!existsSync(DIST + f)) throw new Error(`${DIST}${f} is missing: run \`make extension\` first`);
  }
  return JSON.parse(readFileSync(DIST + 'manifest.json', 'utf8'));
}

/**
 * Loads the shipped protocol into an extension page, as the options page
 * does: protocol.js, then the rest of its PROTOCOL_SCRIPTS, in order
 * (Playwright and Puppeteer pages alike: `addScriptTag` waits for each).
 * @param {{ addScriptTag(o: { url: string }): Promise<unknown>, evaluate(f: () => unknown): Promise<any> }} page
 * @param {string} base the extension's base URL, ending in `/`
 */
export async function addProtocol(page, base) {
  await page.addScriptTag({ url: `${base}protocol.js` });
  const files = await page.evaluate(() => [.../** @type {any} */ (globalThis).ClausemarkProtocol.PROTOCOL_SCRIPTS]);
  for (const f of files.slice(1)) await page.addScriptTag({ url: `${base}${f}` });
}

/** A short terms page: the first block must come back as `arbitration`. */
export const BLOCKS = [
  'Terms of Service',
  'Any dispute will be resolved by binding arbitration.',
  'We do not sell your personal information.',
];

/** Index of the arbitration clause in BLOCKS, and its exact text. */
export const ARBITRATION_BLOCK = 1;

/** Bad inputs, and a fragment the error message must contain. */
export const BAD_INPUTS = [
  ['a string', 'not an array', /expected an array of strings.*got string/],
  ['null', null, /expected an array of strings.*got null/],
  ['an object', { blocks: [] }, /expected an array of strings.*got object/],
  ['a number in the array', ['ok', 42], /block 1: invalid type: number, expected a string/],
  ['null in the array', [null, 'ok'], /block 0: invalid type: null, expected a string/],
];

/** Asserts the known finding of BLOCKS in an analysis from the wasm. */
export function checkAnalysis(assert, a) {
  assert.ok(Array.isArray(a.findings), 'analysis.findings is an array');
  const arb = a.findings.find((f) => f.category === 'arbitration');
  assert.ok(arb, `an arbitration finding among ${JSON.stringify(a.findings.map((f) => f.category))}`);
  assert.equal(arb.block, ARBITRATION_BLOCK);
  assert.equal(arb.text, BLOCKS[ARBITRATION_BLOCK]);
  // UTF-16 offsets inside the block index the block's own JS string.
  assert.equal(BLOCKS[arb.block].slice(arb.blockStartUtf16, arb.blockEndUtf16), arb.text);
  assert.ok(['caution', 'bad'].includes(arb.risk), `arbitration flagged, risk ${arb.risk}`);
  assert.ok(['privacy_policy', 'terms', 'other'].includes(a.kind));
  assert.equal(typeof a.counts.caution, 'number');
}

/** True for a URL inside the extension package (or a browser-internal one). */
export function isLocal(url, extOrigin) {
  return url.startsWith(extOrigin) || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank';
}

/**
 * An HTTP proxy on 127.0.0.1 that answers nothing and records every request
 * (plain or CONNECT) the browser tries to send to the network. Browsers are
 * started with it as their proxy, so `seen` empty means nothing left.
 * @returns {Promise<{ port: number, seen: string[], close: () => Promise<void> }>}
 */
export async function startRecordingProxy() {
  const { createServer } = await import('node:http');
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    // A CONNECT's socket is ours, not the HTTP server's: a browser that
    // resets it (ECONNRESET) would otherwise throw an unhandled 'error'
    // event and end the whole test or demo process. The request is recorded.
    socket.on('error', () => {});
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    seen,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/**
 * Hosts of the browsers' own background services (update checks, sign-in,
 * time sync, remote settings). Chromium contacts some of them even with
 * --disable-background-networking, before any extension is loaded; they
 * are not the extension's doing (its own requests are caught exactly by
 * the per-context request listeners), so the proxy check ignores them.
 */
const BROWSER_SERVICE_HOST = /^(?:[\w-]+\.)*(?:google\.com|googleapis\.com|gvt1\.com|gstatic\.com|mozilla\.(?:com|org|net)|firefox\.com|mozaws\.net)(?::\d+)?$/;

/** The proxy entries that are not browser-service noise. */
export function notBrowserServices(seen) {
  return seen.filter((entry) => {
    const target = entry.split(' ')[1] ?? '';
    let host = target;
    try {
      if (/^[a-z]+:\/\//.test(target)) host = new URL(target).host;
    } catch {}
    return !BROWSER_SERVICE_HOST.test(host);
  });
}
