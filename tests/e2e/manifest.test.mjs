// Static checks of manifest.json against its documentation (manifest.md)
// and the project's privacy promise. Runs without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

import { DIST } from './fixtures.mjs';
import { stripScriptOrModule } from '../../scripts/strip-comments.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(ROOT + 'manifest.json', 'utf8'));
const doc = readFileSync(ROOT + 'manifest.md', 'utf8');

test('every top-level key of manifest.json is documented in manifest.md', () => {
  const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const documented = new Set(headings.flatMap((h) => [...h.matchAll(/`([^`]+)`/g)].map((m) => m[1])));
  const missing = Object.keys(manifest).filter((k) => !documented.has(k));
  assert.deepEqual(missing, [], 'keys without a "## `key`" section in manifest.md');
});

test('permissions are exactly activeTab, contextMenus, scripting, storage; host access only optional', () => {
  assert.deepEqual([...manifest.permissions].sort(), ['activeTab', 'contextMenus', 'scripting', 'storage']);
  // Asked for only when the user switches auto-annotate on (options page).
  assert.deepEqual(manifest.optional_host_permissions, ['<all_urls>']);
  for (const k of ['host_permissions', 'optional_permissions', 'content_scripts', 'externally_connectable', 'web_accessible_resources']) {
    assert.equal(manifest[k], undefined, `${k} must not be declared`);
  }
});

test('CSP allows wasm and nothing remote', () => {
  const csp = manifest.content_security_policy.extension_pages;
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /https?:|'unsafe-eval'|'unsafe-inline'|\*/);
});

test('one background for both browsers, as an ES module', () => {
  assert.deepEqual(manifest.background, { service_worker: 'background.js', scripts: ['background.js'], type: 'module' });
  assert.ok(manifest.browser_specific_settings.gecko.id);
});

test('manifest version matches Cargo.toml', () => {
  const cargo = readFileSync(ROOT + 'Cargo.toml', 'utf8');
  assert.equal(manifest.version, cargo.match(/^version = "([^"]+)"/m)[1]);
});

test('every file the manifest names exists in extension/', () => {
  const files = [manifest.background.service_worker, ...Object.values(manifest.icons), ...Object.values(manifest.action.default_icon)];
  if (manifest.options_ui) files.push(manifest.options_ui.page);
  for (const f of files) assert.ok(existsSync(ROOT + 'extension/' + f), `extension/${f}`);
});

test('the toolbar button has no popup, a shortcut, and an options page', () => {
  assert.equal(manifest.action.default_popup, undefined, 'a click must reach action.onClicked');
  assert.ok(manifest.commands?._execute_action?.suggested_key?.default, 'commands._execute_action with a suggested key');
  assert.ok(manifest.options_ui?.page, 'options_ui.page');
});

test('every file protocol.js injects exists in extension/, and the old placeholder is gone', () => {
  // protocol.js is a classic script defining globalThis.ClausemarkProtocol: run it in a sandbox.
  const sandbox = { globalThis: {} };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(ROOT + 'extension/protocol.js', 'utf8'), sandbox);
  const P = sandbox.ClausemarkProtocol;
  assert.ok(P, 'protocol.js defines ClausemarkProtocol');
  const files = [...P.CONTENT_SCRIPTS, ...P.CONTENT_CSS, P.AUTO_SCRIPT, P.START_SCRIPT];
  assert.equal(P.CONTENT_SCRIPTS[0], 'protocol.js', 'the protocol is injected first');
  assert.equal(P.CONTENT_SCRIPTS.at(-1), 'content/main.js', 'main.js last');
  for (const f of files) assert.ok(existsSync(ROOT + 'extension/' + f), `extension/${f}`);
  assert.deepEqual([...P.CONTENT_CSS], ['content/highlights.css']);
  assert.equal(existsSync(ROOT + 'extension/content.js'), false, 'extension/content.js was replaced by content/');
});

test('protocol.js and its parts: one frozen protocol, loaded in PROTOCOL_SCRIPTS order by every side', () => {
  const run = (files) => {
    const sandbox = {};
    sandbox.globalThis = sandbox;
    for (const f of files) vm.runInNewContext(readFileSync(ROOT + 'extension/' + f, 'utf8'), sandbox, { filename: f });
    return sandbox.ClausemarkProtocol;
  };
  const first = run(['protocol.js']);
  const files = [...first.PROTOCOL_SCRIPTS];
  assert.equal(files[0], 'protocol.js', 'protocol.js creates the protocol');
  assert.deepEqual([...first.CONTENT_SCRIPTS.slice(0, files.length)], files, 'the page gets the protocol first');
  const P = run(files);
  assert.ok(Object.isFrozen(P), 'the last part freezes the protocol');
  for (const k of ['validateSettings', 'parseRequest', 'parseContentMessage', 'hydrate', 'unwrap', 'requestAnalysis', 'DEFAULT_SETTINGS', 'MAX_URL']) {
    assert.ok(k in P, `ClausemarkProtocol.${k}`);
  }
  // Twice into one world (a second click's injection): the first definition stays.
  const twice = {};
  twice.globalThis = twice;
  for (const f of [...files, ...files]) vm.runInNewContext(readFileSync(ROOT + 'extension/' + f, 'utf8'), twice);
  assert.ok(Object.isFrozen(twice.ClausemarkProtocol));
  // A part without protocol.js before it says so.
  assert.throws(() => run([files[1]]), /runs after protocol\.js/);
  // The background's modules import them in that order (background/protocol.js) ...
  const imports = [...readFileSync(ROOT + 'extension/background/protocol.js', 'utf8').matchAll(/^import '\.\.\/(.+)';$/gm)].map((m) => m[1]);
  assert.deepEqual(imports, files, 'extension/background/protocol.js imports PROTOCOL_SCRIPTS in order');
  const others = readdirSync(ROOT + 'extension/background').map((f) => 'background/' + f).filter((f) => f !== 'background/protocol.js');
  for (const f of [...others, 'background.js']) {
    assert.doesNotMatch(readFileSync(ROOT + 'extension/' + f, 'utf8'), /^import '[./]*protocol/m, `${f} takes the protocol from background/protocol.js`);
  }
  // ... and the options page lists them in that order.
  const html = readFileSync(ROOT + 'extension/options/options.html', 'utf8');
  const scripts = [...html.matchAll(/<script src="\.\.\/([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts, files, 'options.html loads PROTOCOL_SCRIPTS in order');
});

test('hydrate: a finding\'s leadIn gets its text from the blocks; one that is no span inside them is dropped', () => {
  const sandbox = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(ROOT + 'extension/protocol.js', 'utf8'), sandbox);
  for (const f of sandbox.ClausemarkProtocol.PROTOCOL_SCRIPTS.slice(1)) vm.runInNewContext(readFileSync(ROOT + 'extension/' + f, 'utf8'), sandbox);
  const P = sandbox.ClausemarkProtocol;
  const blocks = ['Our terms — 2026', 'We’re not liable for:', '(c) interruptions of the service.'];
  const finding = (leadIn) => ({
    category: 'limitation_of_liability', risk: 'caution', summaryId: 0, block: 2, blockStartUtf16: 0, blockEndUtf16: 33,
    ...(leadIn === undefined ? {} : { leadIn }),
  });
  const lead = { block: 1, blockStartUtf16: 0, blockEndUtf16: 21 };
  const bad = [
    { ...lead, block: 3 }, { ...lead, blockEndUtf16: 22 }, { ...lead, blockStartUtf16: -1 }, { ...lead, blockStartUtf16: 5, blockEndUtf16: 4 },
    { ...lead, blockEndUtf16: '21' }, { ...lead, blockStartUtf16: 3, blockEndUtf16: 3 }, null, 'We’re not liable for:',
  ];
  const a = { summaries: ['Limited liability'], findings: [finding(lead), finding(undefined), ...bad.map(finding)] };
  P.hydrate(a, blocks);
  assert.equal(a.findings[0].text, '(c) interruptions of the service.');
  assert.deepEqual({ ...a.findings[0].leadIn }, { ...lead, text: 'We’re not liable for:' });
  assert.equal('leadIn' in a.findings[1], false, 'none given, none made up');
  for (const [i, f] of a.findings.slice(2).entries()) assert.equal('leadIn' in f, false, `dropped: ${JSON.stringify(bad[i])}`);
  P.hydrate(a, blocks);
  assert.equal(a.findings[0].leadIn.text, 'We’re not liable for:', 'idempotent');
});

test('the built extension ships the content scripts as one bundle, in CONTENT_SCRIPTS order, every script without comments, within 1.5 MB', (t) => {
  const dist = DIST;
  if (!existsSync(dist + 'manifest.json')) {
    t.skip(`${dist} is not built (run \`make extension\`)`);
    return;
  }
  const sandbox = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(dist + 'protocol.js', 'utf8'), sandbox);
  const P = sandbox.ClausemarkProtocol;
  const bundle = readFileSync(dist + P.CONTENT_BUNDLE, 'utf8');
  // Each part is the source file's code (its comments stripped), in order, behind its name.
  let at = 0;
  for (const f of P.CONTENT_SCRIPTS) {
    const code = stripScriptOrModule(readFileSync(ROOT + 'extension/' + f, 'utf8'), f);
    const part = `// ---- ${f} ----\n${code.trimEnd()}\n;\n`;
    const i = bundle.indexOf(part, at);
    assert.ok(i >= at, `${P.CONTENT_BUNDLE} holds extension/${f}'s code, after the files before it (rebuild with \`make extension\`)`);
    at = i + part.length;
    if (P.PROTOCOL_SCRIPTS.includes(f)) assert.ok(existsSync(dist + f), `${f} is also shipped alone (background, options page)`);
    else assert.equal(existsSync(dist + f), false, `${f} is shipped once, in the bundle`);
  }
  for (const f of [P.AUTO_SCRIPT, P.START_SCRIPT, ...P.CONTENT_CSS]) assert.ok(existsSync(dist + f), `${dist}${f}`);
  // Every other script ships as its source without comments (scripts/strip-comments.mjs).
  const shipped = readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.js') && f !== P.CONTENT_BUNDLE);
  assert.ok(shipped.includes('background.js') && shipped.includes('protocol.js'), `${shipped}`);
  for (const f of shipped) {
    if (!existsSync(ROOT + 'extension/' + f)) continue; // generated: the wasm-bindgen glue
    const code = stripScriptOrModule(readFileSync(ROOT + 'extension/' + f, 'utf8'), f);
    assert.equal(readFileSync(dist + f, 'utf8'), code, `${dist}${f} is extension/${f} without its comments`);
  }
  const size = (dir) => readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
  const bytes = size(dist);
  console.log(`# unpacked extension: ${bytes} bytes`);
  assert.ok(bytes <= 1_500_000, `the unpacked extension is ${bytes} bytes, over 1.5 MB`);
});
