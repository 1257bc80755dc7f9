// Headless Firefox ESR with the built extension, driven by puppeteer-core
// over WebDriver BiDi. Shared by the Firefox e2e tests.
//
// Firefox has no equivalent of CDP's triggerAction, so the tests cannot
// click the toolbar button. They grant the optional `<all_urls>` host
// permission the way a user does — by switching "auto-annotate" on in the
// real options page (the pref `extensions.webextOptionalPermissionPrompts`
// = false accepts the browser's prompt) — and then call the background's
// `clausemark.annotate(tabId)` from an extension page
// (`runtime.getBackgroundPage()`), which is what the button runs.
//
// The moz-extension UUID is fixed by preference so the tests can address
// the extension's pages; BiDi needs --remote-allow-system-access to open them.

import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

import { DIST, requireDist, startRecordingProxy } from '../fixtures.mjs';
import { PERF_INIT_SCRIPT } from './inpage.mjs';
import { withTimeout, uniqueUrl } from './chromium.mjs';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** A skip reason when Firefox is missing, else false. */
export const FIREFOX_SKIP = existsSync(FIREFOX) ? false : `Firefox not found at ${FIREFOX} (run \`make setup\`)`;

export const UUID = '6f1d2c3b-8a4e-4b7f-9c2d-1e0f5a6b7c8d';
export const BASE = `moz-extension://${UUID}/`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Firefox preferences every extension test needs: the fixed moz-extension
 * UUID of `manifest`'s extension, and all HTTP(S) traffic through the
 * recording proxy on `port`.
 */
export function baseFirefoxPrefs(manifest, port) {
  return {
    'extensions.webextensions.uuids': JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: UUID }),
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': port,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': port,
    'network.proxy.no_proxies_on': '',
  };
}

/**
 * Opens a moz-extension: URL in a new tab. The navigation commits, but BiDi
 * does not report its load across the process switch: poll the document.
 */
async function openExtensionPage(browser, url) {
  const page = await browser.newPage();
  await page.goto(url, { timeout: 3_000 }).catch(() => {});
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await page.evaluate(() => [location.href, document.readyState]).catch(() => ['', '']);
    if (state[0] === url && state[1] === 'complete') return page;
    if (Date.now() > deadline) throw new Error(`the extension page ${url} never loaded (at ${state[0]})`);
    await sleep(200);
  }
}

/**
 * Starts Firefox with the extension installed, and an options page open
 * (the tests' handle on the background).
 * @param {{ perf?: boolean }} [opts]
 */
export async function launchFirefox(opts = {}) {
  const manifest = requireDist();
  const proxy = await startRecordingProxy();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    defaultViewport: { width: 1280, height: 900 },
    extraPrefsFirefox: {
      ...baseFirefoxPrefs(manifest, proxy.port),
      // Accept the optional-permission prompt the options page triggers.
      'extensions.webextOptionalPermissionPrompts': false,
      // The test page server is on 127.0.0.1: reach it directly.
      'network.proxy.allow_hijacking_localhost': false,
    },
  });
  const id = await browser.installExtension(DIST);
  if (id !== manifest.browser_specific_settings.gecko.id) throw new Error(`installed as ${id}`);
  const optionsUrl = BASE + (manifest.options_ui?.page ?? 'options/options.html');
  const control = await openExtensionPage(browser, optionsUrl);
  const h = new FirefoxHarness({ browser, proxy, control, optionsUrl, perf: opts.perf !== false });
  await h.bg('ready');
  return h;
}

export class FirefoxHarness {
  constructor(fields) {
    Object.assign(this, fields);
    /** @type {import('puppeteer-core').Browser} */
    this.browser = fields.browser;
    /** @type {import('puppeteer-core').Page} the options page */
    this.control = fields.control;
  }

  /**
   * Calls `self.clausemark[method](...args)` in the background from the
   * options page (same extension, so no Xray between them); a non-function
   * member (`ready`) is awaited as is. The extension pages' CSP forbids
   * eval, so only named members can be called.
   */
  bg(method, args = [], timeoutMs = 60_000) {
    return withTimeout(this.control.evaluate(async (m, a) => {
      const w = await browser.runtime.getBackgroundPage();
      const member = w.clausemark[m];
      const r = await (typeof member === 'function' ? member(...a) : member);
      return r === undefined ? null : JSON.parse(JSON.stringify(r));
    }, method, args), timeoutMs, `background clausemark.${method}`);
  }

  /**
   * Grants `<all_urls>` by switching auto-annotate on in the options page,
   * with a real click (a user gesture, as `permissions.request` requires).
   * Leaves auto-annotate on; returns whether the permission is now held.
   */
  async grantAllUrlsViaOptions() {
    await this.control.bringToFront();
    await this.control.waitForSelector('#auto-annotate');
    const checked = await this.control.$eval('#auto-annotate', (b) => b.checked);
    if (!checked) await this.control.click('#auto-annotate');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const s = await this.control.evaluate(async () => ({
        granted: await browser.permissions.contains({ origins: ['<all_urls>'] }),
        checked: document.getElementById('auto-annotate').checked,
        state: document.getElementById('auto-state').textContent,
      }));
      if (s.granted && s.checked) return s;
      if (Date.now() > deadline) throw new Error(`auto-annotate switch did not get the permission: ${JSON.stringify(s)}`);
      await sleep(100);
    }
  }

  /** Opens a web page in a new tab (at a unique URL, see chromium.mjs `open`), and waits for its load event. */
  async open(url) {
    const page = await this.browser.newPage();
    (this.opened ??= []).push(page);
    if (this.perf) await page.evaluateOnNewDocument(PERF_INIT_SCRIPT);
    await page.goto(uniqueUrl(url), { waitUntil: 'load' });
    return page;
  }

  /** Closes every page `open` opened (after each test, so a failure leaves no tab behind). */
  async closePages() {
    for (const p of this.opened?.splice(0) ?? []) await p.close().catch(() => {});
  }

  /** The extension's tab id for a page (the host permission makes its URL visible). */
  async tabId(page) {
    const url = page.url();
    const ids = await this.control.evaluate(async (u) => (await browser.tabs.query({})).filter((t) => t.url === u).map((t) => t.id), url);
    if (ids.length !== 1) throw new Error(`expected one tab with ${url}, found ${ids.length}`);
    return ids[0];
  }

  /** `clausemark.annotate(tabId, options)` in the background. */
  annotate(tabId, options = { toggle: false }, timeoutMs = 60_000) {
    return this.bg('annotate', [tabId, options], timeoutMs);
  }

  async close() {
    await this.browser?.close().catch(() => {});
    await this.proxy?.close();
  }
}
