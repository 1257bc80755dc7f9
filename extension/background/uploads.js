// @ts-check
/**
 * The parted uploads of huge pages: the "analyze-part" messages' blocks,
 * kept until the "analyze" with `parts` that ends each upload (see
 * protocol.js UPLOAD_PART_UTF16), with a time-to-live and a size bound.
 */

/**
 * Blocks of huge pages sent in parts ("analyze-part", see protocol.js
 * UPLOAD_PART_UTF16), until the "analyze" with `parts` that ends each
 * upload; by sender (tab, frame) and upload id. Only in memory: a
 * background restarted in the middle of an upload loses it, and that
 * "analyze" fails with a message saying so.
 * `kinds` holds one letter per block kept so far ("u" for a part sent without).
 * @type {Map<string, { blocks: unknown[], kinds: string, units: number, at: number }>}
 */
const uploads = new Map();
/** An upload left unfinished this long (the page went away) is dropped. */
const UPLOAD_TTL_MS = 60_000;
/**
 * Most UTF-16 code units one upload may hold: the wasm refuses documents
 * over 16 MiB of UTF-8 anyway, and this keeps a broken sender from filling
 * the background's memory first.
 */
const MAX_UPLOAD_UTF16 = 16 * 1024 * 1024;

/** @param {any} sender @param {string} id */
function uploadKey(sender, id) {
  return `${sender?.tab?.id ?? 'extension'}:${sender?.frameId ?? 0}:${id}`;
}

/**
 * The kinds of a part: as sent (checked by protocol/parse.js: one letter
 * per block), or "u" (unknown) for each block of a part sent without.
 * @param {{ blocks: unknown[], kinds?: string }} part
 */
function kindsOf(part) {
  return part.kinds ?? 'u'.repeat(part.blocks.length);
}

/**
 * Keeps one part of an upload: its blocks and their kinds.
 * @param {string} id @param {{ blocks: unknown[], kinds?: string }} part @param {any} sender
 */
export function addUploadPart(id, part, sender) {
  const now = Date.now();
  for (const [k, u] of uploads) if (now - u.at > UPLOAD_TTL_MS) uploads.delete(k);
  const key = uploadKey(sender, id);
  const upload = uploads.get(key) ?? { blocks: [], kinds: '', units: 0, at: now };
  const { blocks } = part;
  upload.kinds += kindsOf(part);
  for (const b of blocks) {
    upload.units += typeof b === 'string' ? b.length : 0;
    upload.blocks.push(b); // not push(...blocks): a part may hold more blocks than a call takes arguments
  }
  upload.at = now;
  if (upload.units > MAX_UPLOAD_UTF16) {
    uploads.delete(key);
    throw new Error(`clausemark: the page's text is too large to analyse (over ${MAX_UPLOAD_UTF16} UTF-16 code units)`);
  }
  uploads.set(key, upload);
  return { ok: true };
}

/**
 * The whole upload `id` (its parts, then `last`), forgotten here: the
 * blocks and their kinds (undefined when no part had any: all unknown).
 * @param {string} id @param {{ blocks: unknown[], kinds?: string }} last @param {any} sender
 * @returns {{ blocks: string[], kinds: string | undefined }} checked by the wasm, like any "analyze" blocks
 */
export function takeUpload(id, last, sender) {
  const key = uploadKey(sender, id);
  const upload = uploads.get(key);
  uploads.delete(key);
  if (!upload) {
    throw new Error('clausemark: the page\'s text arrived incomplete (the background restarted while it was sent); annotate the page again');
  }
  const kinds = upload.kinds + kindsOf(last);
  return {
    blocks: /** @type {string[]} */ (upload.blocks.concat(last.blocks)),
    kinds: /^u*$/.test(kinds) ? undefined : kinds,
  };
}
