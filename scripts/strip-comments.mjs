// Comment stripping for the shipped JavaScript: `make extension` runs
// `node scripts/strip-comments.mjs <dist dir>` on the copied sources, which
// rewrites every .js file there in place, then scripts/bundle-content.mjs
// bundles the content scripts (tests/e2e/manifest.test.mjs checks both).
// The sources' comments are for the people who edit them: 37 % of the
// scripts' bytes (268 → 167 KB), which the ≤ 1.5 MB package budget would
// rather spend on a faster wasm.
//
// Not a minifier: names, code and line structure stay as written, so the
// shipped code reads like the source without its comments. What changes:
// - a line holding only comments (and whitespace) is dropped;
// - a comment after code on its line goes, with the spaces before it;
// - a comment between code on one line becomes one space (or nothing when
//   whitespace already separates the code), and one spanning lines keeps a
//   line break in its place, so automatic semicolon insertion is unchanged.
//
// Comments are found by acorn's tokenizer, not by a pattern: `//` and `/*`
// also occur inside strings, template literals and regex literals. As a
// check, the result must tokenize to exactly the source's tokens; anything
// else throws, naming the file.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as acorn from 'acorn';

/** Marks where a comment was, while lines are rebuilt; never in a source. */
const MARK = '\u0000';

/**
 * The tokens of `source` (comments excluded), each as one string: its type,
 * its source text, and whether a line break precedes it (automatic semicolon
 * insertion depends on that).
 * @param {string} source
 * @param {'script' | 'module'} sourceType
 * @returns {string[]}
 */
function tokens(source, sourceType) {
  const out = [];
  let end = 0;
  for (const t of acorn.tokenizer(source, { ecmaVersion: 'latest', sourceType })) {
    const br = out.length > 0 && source.slice(end, t.start).includes('\n');
    out.push(`${t.type.label}\u0001${source.slice(t.start, t.end)}\u0001${br}`);
    end = t.end;
  }
  return out;
}

/**
 * `source` without its comments, as described at the top of this file.
 * Throws an Error naming `name` when the source does not parse or holds a
 * NUL character or a carriage return (the line logic assumes `\n` endings).
 * @param {string} source JavaScript source text
 * @param {{ name?: string, sourceType?: 'script' | 'module' }} [options]
 * @returns {string}
 */
export function stripComments(source, { name = '<source>', sourceType = 'script' } = {}) {
  if (source.includes(MARK) || source.includes('\r')) {
    throw new Error(`strip-comments: ${name}: holds a NUL or a carriage return`);
  }
  const comments = [];
  try {
    acorn.parse(source, {
      ecmaVersion: 'latest',
      sourceType,
      onComment: (block, text, start, end) => comments.push({ block, start, end }),
    });
  } catch (e) {
    throw new Error(`strip-comments: ${name}: ${e.message}`);
  }
  if (!comments.length) return source;

  const parts = [];
  let at = 0;
  for (const c of comments) {
    parts.push(source.slice(at, c.start));
    const multiline = c.block && source.slice(c.start, c.end).includes('\n');
    if (multiline) {
      parts.push(`${MARK}\n${MARK}`);
    } else {
      const before = source[c.start - 1] ?? '\n';
      const after = source[c.end] ?? '\n';
      // `a/**/b` must not become `ab`; `f( /* x */ 1)` need not gain a space.
      const spaced = c.block && /\S/.test(before) && /\S/.test(after);
      parts.push(spaced ? `${MARK} ${MARK}` : MARK);
    }
    at = c.end;
  }
  parts.push(source.slice(at));

  const lines = [];
  for (const line of parts.join('').split('\n')) {
    if (!line.includes(MARK)) {
      lines.push(line);
      continue;
    }
    const code = line.replaceAll(MARK, '');
    // A comment can only end a line outside any string or template, so
    // trimming where one stood never touches a literal's content.
    if (code.trim() !== '') lines.push(line.endsWith(MARK) ? code.trimEnd() : code);
  }
  const out = lines.join('\n');

  const want = tokens(source, sourceType);
  const got = tokens(out, sourceType);
  const i = want.findIndex((t, k) => t !== got[k]);
  if (i >= 0 || got.length !== want.length) {
    throw new Error(`strip-comments: ${name}: stripping changed the code (token ${i >= 0 ? i : want.length})`);
  }
  return out;
}

/**
 * `source` without its comments, read as a classic script or, when it does
 * not parse as one (`import` / `export`), as a module.
 * @param {string} source
 * @param {string} name for error messages
 * @returns {string}
 */
export function stripScriptOrModule(source, name) {
  try {
    acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch {
    return stripComments(source, { name, sourceType: 'module' });
  }
  return stripComments(source, { name, sourceType: 'script' });
}

/** Every .js file below `dir`, recursively, sorted. */
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('strip-comments: usage: node scripts/strip-comments.mjs <dist dir>');
    process.exit(2);
  }
  let before = 0;
  let after = 0;
  const files = jsFiles(dir);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    let code;
    try {
      code = stripScriptOrModule(text, relative(dir, f));
    } catch (e) {
      console.error(e.message);
      process.exit(1);
    }
    writeFileSync(f, code);
    before += Buffer.byteLength(text);
    after += Buffer.byteLength(code);
  }
  console.log(`strip-comments: ${dir}: ${files.length} .js files, ${before} → ${after} bytes`);
}
