// A tiny Markdown → HTML renderer for the e2e tests and the benchmark: it
// turns the corpus policies (`policies/latest/*.md`, Open Terms Archive
// exports) into pages a browser can open. Not CommonMark: it covers what
// those files use — ATX and setext headings, paragraphs, nested `*`/`-`/`+`
// and numbered lists, block quotes, pipe tables, fenced code, rules, and
// inline emphasis, code, links and images (an image becomes its alt text,
// so a page never fetches anything).
//
// Safety: every piece of document text goes through `escapeHtml`; the only
// raw HTML let through is `<br>` (the exports use it inside table cells).
// Link targets keep only http(s), mailto and in-page `#` URLs.

/** Escapes text for an HTML text node or a double-quoted attribute value. */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const ESCAPABLE = '\\`*_{}[]()#+-.!|>~<"\'';

/** A URL safe to put in `href`, or `null`. */
function safeHref(url) {
  const u = url.trim().replace(/^<(.*)>$/, '$1');
  return /^(?:https?:|mailto:|#)/i.test(u) ? u : null;
}

/**
 * Renders inline Markdown (one block's text) to HTML. Scans left to right;
 * anything that is not recognised markup is emitted as escaped text.
 * @param {string} src
 * @returns {string}
 */
export function renderInline(src) {
  let out = '';
  let i = 0;
  /** Emphasis stack: the delimiter runs currently open, e.g. ['**', '_']. */
  const open = [];
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length && ESCAPABLE.includes(src[i + 1])) {
      out += escapeHtml(src[i + 1]);
      i += 2;
      continue;
    }
    if (c === '<') {
      const br = /^<br\s*\/?>/i.exec(src.slice(i));
      if (br) {
        out += '<br>';
        i += br[0].length;
        continue;
      }
    }
    if (c === '`') {
      const run = /^`+/.exec(src.slice(i))[0];
      const end = src.indexOf(run, i + run.length);
      if (end > 0) {
        out += `<code>${escapeHtml(src.slice(i + run.length, end).trim())}</code>`;
        i = end + run.length;
        continue;
      }
    }
    if (c === '!' && src[i + 1] === '[') {
      const link = parseLink(src, i + 1);
      if (link) {
        out += escapeHtml(link.text.replace(/\\(.)/g, '$1'));
        i = link.end;
        continue;
      }
    }
    if (c === '[') {
      const link = parseLink(src, i);
      if (link) {
        const href = safeHref(link.url);
        const inner = renderInline(link.text);
        out += href ? `<a href="${escapeHtml(href)}">${inner}</a>` : inner;
        i = link.end;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const run = c === '*' ? /^\*+/.exec(src.slice(i))[0] : /^_+/.exec(src.slice(i))[0];
      const delim = run.length >= 2 ? c + c : c;
      const before = src[i - 1] ?? ' ';
      const after = src[i + delim.length] ?? ' ';
      const top = open.lastIndexOf(delim);
      // Closing: an open run of the same delimiter, not preceded by space.
      if (top >= 0 && !/\s/.test(before)) {
        while (open.length > top) out += closeTag(open.pop());
        i += delim.length;
        continue;
      }
      // Opening: followed by non-space, and (for `_`) not inside a word.
      const intraword = c === '_' && /\w/.test(before);
      if (!/\s/.test(after) && !intraword && src.indexOf(delim, i + delim.length) > 0) {
        open.push(delim);
        out += delim.length === 2 ? '<strong>' : '<em>';
        i += delim.length;
        continue;
      }
      out += escapeHtml(run);
      i += run.length;
      continue;
    }
    out += escapeHtml(c);
    i += 1;
  }
  while (open.length) out += closeTag(open.pop());
  return out;
}

function closeTag(delim) {
  return delim.length === 2 ? '</strong>' : '</em>';
}

/** `[text](url "title")` starting at `src[i] === '['`: its parts, or null. */
function parseLink(src, i) {
  let depth = 0;
  let j = i;
  for (; j < src.length; j++) {
    if (src[j] === '\\') { j++; continue; }
    if (src[j] === '[') depth++;
    else if (src[j] === ']' && --depth === 0) break;
  }
  if (j >= src.length || src[j + 1] !== '(') return null;
  let k = j + 2;
  let parens = 1;
  for (; k < src.length; k++) {
    if (src[k] === '\\') { k++; continue; }
    if (src[k] === '(') parens++;
    else if (src[k] === ')' && --parens === 0) break;
  }
  if (k >= src.length) return null;
  const target = src.slice(j + 2, k).trim();
  const url = target.replace(/\s+(?:"[^"]*"|'[^']*')$/, '');
  return { text: src.slice(i + 1, j), url, end: k + 1 };
}

/** Splits a table row into its cells (pipes escaped with `\|` stay text). */
function tableCells(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') { cur += '\\|'; i++; continue; }
    if (s[i] === '|') { cells.push(cur.trim()); cur = ''; continue; }
    cur += s[i];
  }
  cells.push(cur.trim());
  return cells;
}

const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const LIST_ITEM = /^( *)([*+-]|\d{1,9}[.)])( +|$)(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HR = /^ {0,3}([-*_])( *\1){2,} *$/;

/** Width of leading spaces, tabs counted as 4. */
function indentOf(line) {
  return /^[ \t]*/.exec(line)[0].replace(/\t/g, '    ').length;
}

/**
 * Renders block-level Markdown to HTML (no wrapper element).
 * @param {string} md
 * @returns {string}
 */
export function renderBlocks(md) {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  return renderLines(lines);
}

function renderLines(lines) {
  const out = [];
  let i = 0;
  let para = [];
  const flush = () => {
    if (para.length) out.push(`<p>${renderInline(para.join('\n').trim())}</p>`);
    para = [];
  };
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { flush(); i++; continue; }
    // Setext heading: the paragraph so far is its text.
    if (para.length && /^ {0,3}(=+|-+) *$/.test(line)) {
      const level = line.trim()[0] === '=' ? 1 : 2;
      out.push(`<h${level}>${renderInline(para.join(' ').trim())}</h${level}>`);
      para = [];
      i++;
      continue;
    }
    const atx = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/.exec(line);
    if (atx) {
      flush();
      const level = atx[1].length;
      out.push(`<h${level}>${renderInline(atx[2] ?? '')}</h${level}>`);
      i++;
      continue;
    }
    if (HR.test(line)) { flush(); out.push('<hr>'); i++; continue; }
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      flush();
      const body = [];
      while (i < lines.length && lines[i].trim() && /^ {0,3}>/.test(lines[i])) {
        body.push(lines[i].replace(/^ {0,3}> ?/, ''));
        i++;
      }
      out.push(`<blockquote>${renderLines(body)}</blockquote>`);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]) &&
        tableCells(line).length === tableCells(lines[i + 1]).length) {
      flush();
      const head = tableCells(line);
      i += 2;
      const rows = [];
      while (i < lines.length && lines[i].trim() && lines[i].includes('|')) rows.push(tableCells(lines[i++]));
      const cell = (tag, c) => `<${tag}>${renderInline(c)}</${tag}>`;
      out.push(
        `<table><thead><tr>${head.map((c) => cell('th', c)).join('')}</tr></thead>` +
          `<tbody>${rows.map((r) => `<tr>${r.map((c) => cell('td', c)).join('')}</tr>`).join('')}</tbody></table>`,
      );
      continue;
    }
    const item = LIST_ITEM.exec(line);
    // A list item interrupts a paragraph (an ordered one only from "1.").
    if (item && item[4].trim() && (!para.length || !/\d/.test(item[2]) || /^1\D/.test(item[2]))) {
      flush();
      i = renderList(lines, i, out);
      continue;
    }
    para.push(line.trim());
    i++;
  }
  flush();
  return out.join('\n');
}

/** Renders the list starting at `lines[start]`; returns the next line index. */
function renderList(lines, start, out) {
  const first = LIST_ITEM.exec(lines[start]);
  const base = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]);
    if (!m || m[1].length !== base || /\d/.test(m[2]) !== ordered) break;
    const contentIndent = m[1].length + m[2].length + Math.min(m[3].length || 1, 4);
    const body = [m[4]];
    i++;
    // The item continues over indented lines and over blank lines followed
    // by indented lines; a deeper list item nests.
    while (i < lines.length) {
      const l = lines[i];
      if (!l.trim()) {
        const next = lines.slice(i + 1).find((x) => x.trim());
        if (next !== undefined && indentOf(next) > base) { body.push(''); i++; continue; }
        break;
      }
      const sub = LIST_ITEM.exec(l);
      if (sub && sub[1].length <= base) break;
      if (!sub && indentOf(l) <= base && body.at(-1) === '') break;
      body.push(indentOf(l) >= contentIndent ? l.slice(contentIndent) : l.trimStart());
      i++;
    }
    items.push(body);
  }
  const tag = ordered ? 'ol' : 'ul';
  const start1 = ordered ? parseInt(first[2], 10) : 1;
  const li = items.map((body) => {
    const html = renderLines(body);
    // A one-paragraph item renders without the <p> (a "tight" list).
    const tight = /^<p>([\s\S]*)<\/p>$/.exec(html);
    return `<li>${tight && !tight[1].includes('<p>') ? tight[1] : html}</li>`;
  });
  out.push(`<${tag}${ordered && start1 !== 1 ? ` start="${start1}"` : ''}>\n${li.join('\n')}\n</${tag}>`);
  return i;
}

/**
 * A whole HTML page for a Markdown document.
 * @param {string} md
 * @param {{ title?: string, lang?: string }} [opts] the title defaults to the first heading
 */
export function markdownPage(md, opts = {}) {
  const body = renderBlocks(md);
  const title = opts.title ?? (/<h[12]>([\s\S]*?)<\/h[12]>/.exec(body)?.[1].replace(/<[^>]+>/g, '') || 'Document');
  return htmlPage({ title, body, lang: opts.lang, titleIsHtml: true });
}

/**
 * Wraps a body fragment in a complete, self-contained HTML page (no external
 * resource, so opening it makes no request beyond the document itself).
 * @param {{ title: string, body: string, lang?: string, titleIsHtml?: boolean }} p
 */
export function htmlPage({ title, body, lang = 'en', titleIsHtml = false }) {
  return (
    `<!DOCTYPE html>\n<html lang="${escapeHtml(lang)}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${titleIsHtml ? title : escapeHtml(title)}</title>\n` +
    `<style>body{font:16px/1.55 sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}` +
    `table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}</style>\n` +
    `</head>\n<body>\n<main>\n${body}\n</main>\n</body>\n</html>\n`
  );
}
