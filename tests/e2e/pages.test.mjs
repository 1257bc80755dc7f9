// The e2e tests' own tooling, without a browser: the Markdown → HTML
// renderer that turns corpus policies into pages (structure, and text
// always escaped), the page server's routes and headers, and the huge-page
// generator's size.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { renderBlocks, renderInline, markdownPage, escapeHtml } from './lib/markdown.mjs';
import { startPageServer, policyNames, tosdrNames, spread, STRICT_CSP } from './lib/server.mjs';
import { hugePage } from '../fixtures/pages/huge-page.mjs';

test('Markdown: headings (ATX and setext), paragraphs, emphasis, code, links', () => {
  assert.equal(renderBlocks('# Title\n\nSub\n---\n\nA *b* **c** _d_ __e__ `f<g>`'),
    '<h1>Title</h1>\n<h2>Sub</h2>\n<p>A <em>b</em> <strong>c</strong> <em>d</em> <strong>e</strong> <code>f&lt;g&gt;</code></p>');
  assert.equal(renderInline('snake_case_name and 2 * 3 * 4'), 'snake_case_name and 2 * 3 * 4');
  assert.equal(renderInline('[**Policy**](https://x.example/p?a=1&b=2 "t")'), '<a href="https://x.example/p?a=1&amp;b=2"><strong>Policy</strong></a>');
  assert.equal(renderInline('\\*not em\\* \\[x\\]'), '*not em* [x]');
});

test('Markdown: lists (nested, ordered with a start, multi-paragraph items), quotes, tables, rules', () => {
  assert.equal(renderBlocks('* a\n* b\n    * c\n* d'), '<ul>\n<li>a</li>\n<li><p>b</p>\n<ul>\n<li>c</li>\n</ul></li>\n<li>d</li>\n</ul>');
  assert.equal(renderBlocks('3. x\n4. y'), '<ol start="3">\n<li>x</li>\n<li>y</li>\n</ol>');
  assert.equal(renderBlocks('> q1\n> q2'), '<blockquote><p>q1\nq2</p></blockquote>');
  assert.equal(renderBlocks('| h | i |\n| --- | :-: |\n| a<br>b | c \\| d |'),
    '<table><thead><tr><th>h</th><th>i</th></tr></thead><tbody><tr><td>a<br>b</td><td>c | d</td></tr></tbody></table>');
  assert.equal(renderBlocks('a\n\n***\n\nb'), '<p>a</p>\n<hr>\n<p>b</p>');
});

test('Markdown: document text is escaped; only <br> passes; unsafe links and images make no markup or request', () => {
  const html = renderBlocks('<script>alert(1)</script> <img src=x onerror=alert(1)> "q" & \'s\'\n\n[x](javascript:alert(1)) ![logo](http://tracker.example/p.png)');
  assert.equal(html, '<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &quot;q&quot; &amp; &#39;s&#39;</p>\n<p>x logo</p>');
  assert.equal(escapeHtml('<a href="x">&'), '&lt;a href=&quot;x&quot;&gt;&amp;');
  const page = markdownPage('Terms <b>\n=====\n\nBody');
  assert.match(page, /<title>Terms &lt;b&gt;<\/title>/);
  assert.doesNotMatch(page, /<(?:img|script|link|iframe)\b/i, 'a rendered page loads nothing');
});

test('the huge-page generator makes ≥ 5 MB of text in ≥ 50,000 elements', () => {
  const { html, paragraphs, flagged } = hugePage();
  const elements = (html.match(/<[a-z][a-z0-9]*[\s>]/g) ?? []).length;
  const text = html.replace(/<[^>]*>/g, '').length;
  assert.ok(elements >= 50_000, `${elements} elements`);
  assert.ok(text >= 5_000_000, `${text} characters of text`);
  assert.ok(flagged > 2000 && paragraphs > 20_000);
});

test('spread picks evenly, first and last included', () => {
  assert.deepEqual(spread([1, 2, 3, 4, 5], 3), [1, 3, 5]);
  assert.deepEqual(spread([1, 2, 3], 1), [2]);
  assert.deepEqual(spread([1, 2], 5), [1, 2]);
});

/** @type {Awaited<ReturnType<typeof startPageServer>>} */
let server;
before(async () => { server = await startPageServer(); });
after(async () => { await server?.close(); });

test('page server: fixtures, the sample, corpus pages, headers, 404, no escape from the root', async () => {
  const get = async (path) => {
    const r = await fetch(server.url(path));
    return { status: r.status, csp: r.headers.get('content-security-policy'), type: r.headers.get('content-type'), body: await r.text() };
  };
  const csp = await get('/pages/strict-csp.html');
  assert.equal(csp.status, 200);
  assert.equal(csp.csp, STRICT_CSP, 'strict-csp.html is served with its CSP');
  assert.equal((await get('/pages/rtl.html')).csp, null);
  assert.equal((await get('/pages/rtl.html?csp=strict')).csp, STRICT_CSP, '?csp=strict on any page');
  assert.match((await get('/pages/strict-csp.css')).type, /^text\/css/);
  assert.match((await get('/samples/lumio-policy.html')).body, /Lumio/);
  const policy = policyNames()[0];
  const p = await get(`/policies/${policy}.html`);
  assert.equal(p.status, 200);
  assert.match(p.body, /^<!DOCTYPE html>[\s\S]*<h[12]>/);
  const t = await get(`/tosdr/${tosdrNames()[0]}.html`);
  assert.equal(t.status, 200);
  assert.match(t.body, /<title>[^<]+ — [^<]+<\/title>/);
  assert.equal((await get('/pages/nope.html')).status, 404);
  assert.equal((await get('/pages/..%2f..%2fpackage.json')).status, 404);
  assert.ok(server.served.includes('/pages/strict-csp.html'));
});
