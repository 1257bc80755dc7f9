// @ts-check
/**
 * Change tracking's memory: the policies the user annotated, kept in
 * `storage.local` on this device only while the opt-in setting
 * `rememberPolicies` is on, so that the next annotation of the same
 * document can say what changed. Nothing here is ever sent anywhere.
 *
 * Storage layout (`storage.local`; see README "Permissions"):
 *
 *   history            the index: {v: 1, entries: {<canonical URL>: IndexEntry}}
 *   history:<URL>      one document, either
 *                      {v: 2, url, blocks: string[], kinds: string, findings: HistoryFinding[]}
 *                      or, remembered before kinds were (or sent without them),
 *                      {v: 1, url, blocks: string[], findings: HistoryFinding[]}
 *
 * IndexEntry = {title, kind, fingerprint, firstSeen, lastSeen, bytes, findings, blockKinds?}:
 * dates are ISO 8601 strings; `firstSeen` = when this wording was first
 * remembered, `lastSeen` = the latest annotation of it; `bytes` = UTF-8 size
 * of the document's JSON; `findings` = how many; `blockKinds` = true when
 * the document is a v2 one (absent in entries written before v2). The index
 * alone answers "unchanged" and lists the documents; the blocks are read
 * only to diff.
 *
 * Block kinds (v2): `kinds` has one letter per block, what element the
 * block came from (h heading, l list item, p paragraph, u unknown; see
 * content/textmap.js), so that a diff reads headings from the markup as
 * `analyze` does, and a reworded sentence-case heading is not a changed
 * clause. Stored kinds that are not exactly that (another type, a wrong
 * length, another letter) read as absent, never as an error. A diff
 * compares like with like: kinds on both sides when the stored document
 * has them and the page sent them, otherwise on neither (a v1 document is
 * compared exactly as before kinds were stored: both sides by their text
 * alone). The new version is then stored with its kinds (v2), so the next
 * change is compared with them; an unchanged revisit of a v1 document
 * stores it again with kinds for the same reason. Kinds are layout, not
 * wording: they are not in the fingerprint, so a re-publication that only
 * changes markup (a `<p>` made an `<h2>`) is "unchanged" and not diffed; the
 * document keeps the kinds it was stored with.
 *
 * Why the text is kept: a change can only be shown against the old wording,
 * and the old wording is gone from the web once the page changes. The
 * findings summary (category and risk per clause) is kept beside it.
 *
 * Bounds: QUOTA_BYTES in all (documents' JSON, UTF-8); a document above
 * MAX_DOCUMENT_BYTES is not remembered; beyond the quota or MAX_DOCUMENTS,
 * the least recently annotated documents are forgotten first.
 *
 * Identity: a document is its canonical URL (`canonicalUrl`), and a version
 * is its content fingerprint (`fingerprint`). Every operation runs one at a
 * time (a queue), so an annotation and a "forget" never interleave.
 */

import { Protocol } from './protocol.js';

const ext = /** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : chrome;

/** `storage.local` key of the index. */
export const INDEX_KEY = 'history';
/** Prefix of each document's key, followed by its canonical URL. */
export const DOC_PREFIX = 'history:';
/** Total size of the remembered documents, UTF-8 bytes of their JSON. */
export const QUOTA_BYTES = 5 * 1024 * 1024;
/** Largest document remembered (a bigger one is not a policy, or not worth the space). */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
/** Most documents remembered at once. */
export const MAX_DOCUMENTS = 500;

/**
 * Query parameters that identify a campaign or a click, not a document:
 * dropped from the canonical URL (names compared in lower case; `utm_*` by prefix).
 */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id',
  'mc_cid', 'mc_eid', 'igshid', '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id',
  'vero_id', 'ref_src', 'spm', 'si',
]);

/**
 * The identity of a document: the URL without its fragment (`#…` only moves
 * within the page), without tracking parameters (`utm_*` and the click ids
 * above), the remaining parameters sorted (their order carries no meaning),
 * host lower-cased and default port dropped (as `URL` does). Path and the
 * other parameters are kept as they are: `?lang=de` is another document.
 * Only http(s) and file pages are remembered: null otherwise.
 * @param {string} url
 * @returns {string | null}
 */
export function canonicalUrl(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'file:') return null;
  u.hash = '';
  u.username = '';
  u.password = '';
  const kept = [...u.searchParams].filter(([k]) => {
    const name = k.toLowerCase();
    return !name.startsWith('utm_') && !TRACKING_PARAMS.has(name);
  });
  kept.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  u.search = kept.length ? new URLSearchParams(kept).toString() : '';
  return u.href;
}

/**
 * The content fingerprint of a version: SHA-256 (hex) of its blocks,
 * normalised as the reader sees them: Unicode NFC, white space collapsed,
 * empty blocks dropped, joined by "\n". Markup and layout are not in the
 * blocks, so a re-publication that changes only those keeps it.
 * @param {string[]} blocks
 * @returns {Promise<string>}
 */
export async function fingerprint(blocks) {
  const text = blocks.map((b) => b.normalize('NFC').replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * `kinds` if it describes `blocks` (a string of one known kind letter per
 * block), else undefined: anything else reads as "no kinds".
 * @param {unknown} kinds @param {unknown[]} blocks
 * @returns {string | undefined}
 */
export function validKinds(kinds, blocks) {
  return typeof kinds === 'string' && kinds.length === blocks.length && Protocol.KINDS.test(kinds) ? kinds : undefined;
}

/** @param {unknown} value */
const utf8Bytes = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * @typedef {{ title: string, kind: string, fingerprint: string, firstSeen: string, lastSeen: string,
 *   bytes: number, findings: number, blockKinds?: boolean }} IndexEntry
 * @typedef {{ v: 1, entries: Record<string, IndexEntry> }} Index
 * @typedef {{ status: 'off' | 'not-remembered' | 'first' | 'unchanged' | 'same-wording' | 'changed',
 *   url?: string, reason?: string, firstSeen?: string, lastSeen?: string, diff?: any }} HistoryResult
 *   `lastSeen` / `firstSeen`: of the version remembered BEFORE this annotation.
 *   first: nothing was remembered for this URL (now it is); unchanged: same
 *   fingerprint; same-wording: another fingerprint but the diff finds no
 *   wording change (markup, white space, order); changed: `diff` says what.
 */

async function readIndex() {
  const stored = (await ext.storage.local.get(INDEX_KEY))[INDEX_KEY];
  if (stored?.v === 1 && stored.entries && typeof stored.entries === 'object') return /** @type {Index} */ (stored);
  return /** @type {Index} */ ({ v: 1, entries: {} });
}

/** Tail of the queue of history operations. @type {Promise<unknown>} */
let queue = Promise.resolve();

/**
 * Runs `fn` after every earlier history operation.
 * @template T @param {() => Promise<T>} fn @returns {Promise<T>}
 */
function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

/**
 * After an annotation: compares the page with the version remembered for
 * its URL, then remembers this version. Only while `rememberPolicies` is on
 * and only for pages the analysis takes for a policy (kind privacy_policy
 * or terms). `req.kinds`: one kind letter per block, as sent to `analyze`
 * (absent or malformed: none). `diff(oldBlocks, newBlocks, oldKinds,
 * newKinds)` is the wasm core's; it gets kinds for both sides or for
 * neither (see the header).
 * @param {{ page: { url: string, title: string, kind: string }, blocks: string[], kinds?: string, findings: unknown[] }} req
 * @param {boolean} enabled the setting
 * @param {(oldBlocks: string[], newBlocks: string[], oldKinds?: string, newKinds?: string) => Promise<any>} diff
 * @returns {Promise<HistoryResult>}
 */
export function record(req, enabled, diff) {
  return serial(async () => {
    if (!enabled) return { status: 'off' };
    const url = canonicalUrl(req.page.url);
    if (!url) return { status: 'not-remembered', reason: 'only web pages (http, https) and local files are remembered' };
    if (req.page.kind !== 'privacy_policy' && req.page.kind !== 'terms') {
      return { status: 'not-remembered', url, reason: 'this page does not read as a privacy policy or terms' };
    }
    if (!req.blocks.every((b) => typeof b === 'string')) throw new Error('clausemark: history: every block must be a string');
    const kinds = validKinds(req.kinds, req.blocks);
    const now = new Date().toISOString();
    const index = await readIndex();
    const old = Object.hasOwn(index.entries, url) ? index.entries[url] : null;
    const print = await fingerprint(req.blocks);
    const before = old ? { firstSeen: old.firstSeen, lastSeen: old.lastSeen } : {};
    const newDoc = () => (kinds === undefined
      ? { v: 1, url, blocks: req.blocks, findings: cleanFindings(req.findings) }
      : { v: 2, url, blocks: req.blocks, kinds, findings: cleanFindings(req.findings) });
    if (old && old.fingerprint === print) {
      const seen = { ...old, title: req.page.title || old.title, lastSeen: now };
      const doc = kinds !== undefined && !old.blockKinds ? newDoc() : null;
      const bytes = doc ? utf8Bytes(doc) : 0;
      if (doc && bytes <= MAX_DOCUMENT_BYTES) {
        // Remembered without kinds (v1): the same wording again, now with them.
        await keep(index, url, { ...seen, bytes, findings: doc.findings.length, blockKinds: true }, doc);
      } else {
        index.entries[url] = seen;
        await ext.storage.local.set({ [INDEX_KEY]: index });
      }
      return { status: 'unchanged', url, ...before };
    }
    /** @type {HistoryResult} */
    let result = { status: 'first', url };
    if (old) {
      const stored = (await ext.storage.local.get(DOC_PREFIX + url))[DOC_PREFIX + url];
      if (Array.isArray(stored?.blocks)) {
        const oldKinds = stored.v === 2 ? validKinds(stored.kinds, stored.blocks) : undefined;
        // Like with like (see the header): a v1 document is diffed as it was before kinds.
        const d = oldKinds !== undefined && kinds !== undefined
          ? await diff(stored.blocks, req.blocks, oldKinds, kinds)
          : await diff(stored.blocks, req.blocks);
        result = d.changed ? { status: 'changed', url, ...before, diff: d } : { status: 'same-wording', url, ...before };
      }
    }
    const doc = newDoc();
    const bytes = utf8Bytes(doc);
    if (bytes > MAX_DOCUMENT_BYTES) {
      await forgetNow(index, [url]);
      return { ...result, status: result.status === 'first' ? 'not-remembered' : result.status,
        reason: `this page is too large to remember (${(bytes / 1048576).toFixed(1)} MB; at most ${MAX_DOCUMENT_BYTES / 1048576} MB)` };
    }
    // A new wording starts a new "first seen"; a re-publication with the same wording keeps it.
    const firstSeen = old && result.status !== 'changed' && result.status !== 'first' ? old.firstSeen : now;
    await keep(index, url, {
      title: req.page.title, kind: req.page.kind, fingerprint: print, firstSeen, lastSeen: now, bytes,
      findings: doc.findings.length, blockKinds: doc.v === 2,
    }, doc);
    return result;
  });
}

/**
 * Stores `doc` as the version remembered for `url`, with its index entry,
 * and forgets what no longer fits (`evictions`).
 * @param {Index} index @param {string} url @param {IndexEntry} entry @param {object} doc
 */
async function keep(index, url, entry, doc) {
  index.entries[url] = entry;
  const evicted = evictions(index, url);
  for (const e of evicted) delete index.entries[e];
  await ext.storage.local.set({ [INDEX_KEY]: index, [DOC_PREFIX + url]: doc });
  if (evicted.length) await ext.storage.local.remove(evicted.map((e) => DOC_PREFIX + e));
}

/**
 * The findings as history keeps them (well-formed ones only).
 * @param {unknown[]} findings
 */
function cleanFindings(findings) {
  const out = [];
  for (const f of findings) {
    const o = /** @type {any} */ (f);
    if (o && Number.isSafeInteger(o.block) && Number.isSafeInteger(o.start) && Number.isSafeInteger(o.end) &&
        typeof o.category === 'string' && typeof o.risk === 'string') {
      out.push({ block: o.block, start: o.start, end: o.end, category: o.category.slice(0, 64), risk: o.risk.slice(0, 16) });
    }
  }
  return out;
}

/**
 * URLs to forget so that the index fits QUOTA_BYTES and MAX_DOCUMENTS:
 * least recently annotated first, never `keep` (the one just annotated).
 * @param {Index} index @param {string} keep
 */
function evictions(index, keep) {
  const entries = Object.entries(index.entries);
  let total = entries.reduce((n, [, e]) => n + (e.bytes || 0), 0);
  let count = entries.length;
  const out = [];
  for (const [url, e] of entries.filter(([u]) => u !== keep).sort(([, a], [, b]) => (a.lastSeen < b.lastSeen ? -1 : 1))) {
    if (total <= QUOTA_BYTES && count <= MAX_DOCUMENTS) break;
    out.push(url);
    total -= e.bytes || 0;
    count--;
  }
  return out;
}

/**
 * @param {Index} index @param {string[]} urls
 */
async function forgetNow(index, urls) {
  const present = urls.filter((u) => Object.hasOwn(index.entries, u));
  for (const u of present) delete index.entries[u];
  if (present.length) {
    await ext.storage.local.set({ [INDEX_KEY]: index });
    await ext.storage.local.remove(present.map((u) => DOC_PREFIX + u));
  }
  return present.length;
}

/**
 * The remembered documents, most recently annotated first, for the options page.
 * @returns {Promise<{ entries: (IndexEntry & { url: string })[], totalBytes: number, quotaBytes: number }>}
 */
export function list() {
  return serial(async () => {
    const index = await readIndex();
    const entries = Object.entries(index.entries).map(([url, e]) => ({ url, ...e }))
      .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
    return { entries, totalBytes: entries.reduce((n, e) => n + (e.bytes || 0), 0), quotaBytes: QUOTA_BYTES };
  });
}

/**
 * Forgets one document (its canonical URL, as `list` gives it), or every
 * one when `url` is undefined. Resolves to how many were forgotten.
 * @param {string} [url]
 * @returns {Promise<{ forgotten: number }>}
 */
export function forget(url) {
  return serial(async () => {
    if (url === undefined) return { forgotten: await forgetAllNow() };
    return { forgotten: await forgetNow(await readIndex(), [canonicalUrl(url) ?? url]) };
  });
}

/** Removes the index and every document key, including any the index lost track of. */
async function forgetAllNow() {
  const all = await ext.storage.local.get(null);
  const keys = Object.keys(all).filter((k) => k === INDEX_KEY || k.startsWith(DOC_PREFIX));
  const n = Object.keys(all[INDEX_KEY]?.entries ?? {}).length;
  if (keys.length) await ext.storage.local.remove(keys);
  return n;
}

/**
 * Keeps storage in step with the setting: while `rememberPolicies` is off,
 * nothing is remembered, so switching it off forgets everything (also
 * checked at startup, in case the switch happened while the background was
 * not running). Never rejects (errors are logged).
 * @param {boolean} enabled
 */
export function syncHistory(enabled) {
  if (enabled) return Promise.resolve();
  return serial(async () => {
    await forgetAllNow();
  }).catch((e) => console.error('clausemark: history:', e instanceof Error ? e.message : String(e)));
}
