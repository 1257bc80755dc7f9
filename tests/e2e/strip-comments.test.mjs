// scripts/strip-comments.mjs, which removes the comments from the shipped
// content bundle: what must go, what must stay exactly. Runs without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';

import { stripComments } from '../../scripts/strip-comments.mjs';

test('comments go: whole lines, after code, between code, across lines', () => {
  const src = [
    '// a header',
    '/**',
    ' * A doc comment.',
    ' */',
    'function f(a, b) { // trailing',
    '  const c = a /* inline */ + b;',
    '  return typeof/* no space left */c',
    '    /* two',
    '       lines */ + 1;',
    '}',
    '',
  ].join('\n');
  assert.equal(stripComments(src), [
    'function f(a, b) {',
    '  const c = a  + b;',
    '  return typeof c',
    ' + 1;',
    '}',
    '',
  ].join('\n'));
});

test('comment-like text inside strings, templates and regex literals stays', () => {
  const src = [
    'const s = "// not /* a */ comment";',
    "const q = '/* nor */ // this';",
    'const r = /\\/\\*[^]*?\\*\\//g; // but this is',
    'const t = `',
    '  // inside a template /* */',
    '  ${s /* this one is code */}`;',
    '',
  ].join('\n');
  const out = stripComments(src);
  assert.equal(out, [
    'const s = "// not /* a */ comment";',
    "const q = '/* nor */ // this';",
    'const r = /\\/\\*[^]*?\\*\\//g;',
    'const t = `',
    '  // inside a template /* */',
    '  ${s }`;',
    '',
  ].join('\n'));
  // And it still runs to the same values.
  const run = (code) => vm.runInNewContext(`${code}\nJSON.stringify([s, q, String(r), t])`);
  assert.deepEqual(run(out), run(src));
});

test('a multi-line comment keeps its line break, so automatic semicolon insertion is unchanged', () => {
  // `return /*\n*/ 1` returns undefined: the comment's line break ends the statement.
  const src = 'function f() { return /*\n*/ 1 }\nf()';
  const out = stripComments(src);
  assert.equal(vm.runInNewContext(out), undefined);
  assert.equal(vm.runInNewContext(src), undefined);
});

test('modules parse as modules; bad input is a clear error naming the file', () => {
  assert.equal(stripComments('import x from "./y.js"; // z\nexport { x };', { sourceType: 'module' }), 'import x from "./y.js";\nexport { x };');
  assert.throws(() => stripComments('let x = ;', { name: 'broken.js' }), /strip-comments: broken\.js: Unexpected token/);
  assert.throws(() => stripComments('let x = 1;\r\n', { name: 'crlf.js' }), /crlf\.js: holds a NUL or a carriage return/);
});

test('a source without comments comes back unchanged', () => {
  const src = 'const a = 1;\n\nconst b = a / 2 / 3;\n';
  assert.equal(stripComments(src), src);
});
