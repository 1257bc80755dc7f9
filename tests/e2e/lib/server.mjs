// The e2e tests' page server: a static HTTP server on 127.0.0.1 that serves
// the vendored fixture pages, the bundled sample, and pages built from the
// corpus (tosdr-html fragments wrapped in a page; policies rendered from
// Markdown). Browsers reach it directly (loopback bypasses the recording
// proxy), so everything the proxy sees is traffic that tried to leave.
//
// Routes (all GET):
//   /pages/<file>                 tests/fixtures/pages/<file>
//   /samples/<file>               samples/<file>
//   /other/<file>                 tests/fixtures/other/<file>
//   /tosdr/<name>.html            corpus tosdr-html/docs/<name>.html, wrapped as a page
//   /policies/<name>.html         corpus policies/latest/<name>.md, rendered
//   /generated/huge.html          tests/fixtures/pages/huge-page.mjs (?bytes=&elements=)
// Any URL with `?csp=strict` is sent with `Content-Security-Policy:
// default-src 'self'`; pages/strict-csp.html always is.

import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize, sep } from 'node:path';

import { markdownPage, htmlPage, escapeHtml } from './markdown.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PAGES = join(ROOT, 'tests/fixtures/pages');
/**
 * The shared corpus (absent in a fresh clone elsewhere); CLAUSEMARK_SHARED_CORPUS
 * overrides it (a path that does not exist simulates a fresh clone).
 */
export const SHARED_CORPUS = process.env.CLAUSEMARK_SHARED_CORPUS ?? normalize(join(ROOT, '../shared/corpus'));
/** The vendored excerpt of the corpus (same layout, a few documents). */
export const VENDORED_CORPUS = join(ROOT, 'tests/fixtures/corpus');

export const STRICT_CSP = "default-src 'self'";

/** Response headers per fixture page. */
const PAGE_HEADERS = {
  'strict-csp.html': { 'Content-Security-Policy': STRICT_CSP },
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * Where corpus documents come from: the shared corpus when present, else
 * the vendored excerpt (and a printed note, once).
 * @returns {{ root: string, shared: boolean }}
 */
export function corpusRoot() {
  if (existsSync(join(SHARED_CORPUS, 'policies/latest'))) return { root: SHARED_CORPUS, shared: true };
  if (!corpusRoot.warned) {
    console.log(`# corpus: ${SHARED_CORPUS} is absent; using the vendored excerpt in tests/fixtures/corpus`);
    corpusRoot.warned = true;
  }
  return { root: VENDORED_CORPUS, shared: false };
}

/** Names (without extension) of the corpus policies, smallest file first. */
export function policyNames(root = corpusRoot().root) {
  const dir = join(root, 'policies/latest');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => ({ f, size: readFileSync(join(dir, f)).length }))
    .sort((a, b) => a.size - b.size || a.f.localeCompare(b.f))
    .map(({ f }) => f.slice(0, -3));
}

/** Names (without extension) of the tosdr-html documents, smallest first. */
export function tosdrNames(root = corpusRoot().root) {
  const dir = join(root, 'tosdr-html/docs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .map((f) => ({ f, size: readFileSync(join(dir, f)).length }))
    .sort((a, b) => a.size - b.size || a.f.localeCompare(b.f))
    .map(({ f }) => f.slice(0, -5));
}

/** Picks `n` items spread evenly over a list (first and last included; the middle one for n = 1). */
export function spread(list, n) {
  if (list.length <= n) return [...list];
  if (n === 1) return [list[Math.floor(list.length / 2)]];
  return Array.from({ length: n }, (_, i) => list[Math.round((i * (list.length - 1)) / (n - 1))]);
}

/** A tosdr-html fragment as a page; its title from index.jsonl. */
function tosdrPage(root, name) {
  const file = join(root, 'tosdr-html/docs', `${name}.html`);
  if (!existsSync(file)) return null;
  let title = name;
  const index = join(root, 'tosdr-html/index.jsonl');
  if (existsSync(index)) {
    for (const line of readFileSync(index, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line);
      if (row.file === `docs/${name}.html`) title = `${row.service} — ${row.document}`;
    }
  }
  // The fragment is third-party HTML from the corpus (only text markup:
  // p, li, strong…; checked: no script, img or iframe), used as is.
  return htmlPage({ title, body: readFileSync(file, 'utf8') });
}

function policyPage(root, name) {
  const file = join(root, 'policies/latest', `${name}.md`);
  if (!existsSync(file)) return null;
  return markdownPage(readFileSync(file, 'utf8'));
}

/** Resolves `rel` inside `dir`, or null if it escapes it. */
function inside(dir, rel) {
  const p = normalize(join(dir, decodeURIComponent(rel)));
  return p.startsWith(dir + sep) ? p : null;
}

/**
 * Starts the page server.
 * @returns {Promise<{ origin: string, url: (path: string) => string, served: string[], close: () => Promise<void> }>}
 *   `served` lists every request path, in order (tests check nothing unexpected was fetched).
 */
export async function startPageServer() {
  const { root } = corpusRoot();
  const served = [];
  /** @type {Map<string, string>} generated pages, by query */
  const cache = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    // The browser's own favicon fetch is not the page's or the extension's doing.
    if (url.pathname === '/favicon.ico') return void res.writeHead(404).end();
    served.push(url.pathname + url.search);
    const headers = { 'Cache-Control': 'no-store' };
    if (url.searchParams.get('csp') === 'strict') headers['Content-Security-Policy'] = STRICT_CSP;
    const send = (status, type, body) => {
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    try {
      const [, top, ...rest] = url.pathname.split('/');
      const rel = rest.join('/');
      let body = null;
      let type = TYPES['.html'];
      if (top === 'pages' || top === 'samples' || top === 'other') {
        const dir = { pages: PAGES, samples: join(ROOT, 'samples'), other: join(ROOT, 'tests/fixtures/other') }[top];
        const file = inside(dir, rel);
        if (file && existsSync(file)) {
          body = readFileSync(file);
          type = TYPES[extname(file)] ?? 'application/octet-stream';
          Object.assign(headers, PAGE_HEADERS[rel] ?? {});
        }
      } else if (top === 'tosdr' && rel.endsWith('.html')) {
        body = tosdrPage(root, rel.slice(0, -5));
      } else if (top === 'policies' && rel.endsWith('.html')) {
        body = policyPage(root, rel.slice(0, -5));
      } else if (top === 'generated' && rel === 'huge.html') {
        const key = url.search;
        if (!cache.has(key)) {
          const { hugePage } = await import('../../fixtures/pages/huge-page.mjs');
          cache.set(key, hugePage({
            textBytes: Number(url.searchParams.get('bytes') ?? 5_000_000),
            minElements: Number(url.searchParams.get('elements') ?? 50_000),
          }).html);
        }
        body = cache.get(key);
      }
      if (body === null) return send(404, TYPES['.txt'], `not found: ${escapeHtml(url.pathname)}`);
      send(200, type, body);
    } catch (e) {
      send(500, TYPES['.txt'], String(e?.stack ?? e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (path) => origin + path,
    served,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
