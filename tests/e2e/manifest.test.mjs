// Static checks of manifest.json against its documentation (manifest.md)
// and the project's privacy promise. Runs without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(ROOT + 'manifest.json', 'utf8'));
const doc = readFileSync(ROOT + 'manifest.md', 'utf8');

test('every top-level key of manifest.json is documented in manifest.md', () => {
  const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const documented = new Set(headings.flatMap((h) => [...h.matchAll(/`([^`]+)`/g)].map((m) => m[1])));
  const missing = Object.keys(manifest).filter((k) => !documented.has(k));
  assert.deepEqual(missing, [], 'keys without a "## `key`" section in manifest.md');
});

test('permissions are exactly activeTab + scripting, with no host access', () => {
  assert.deepEqual([...manifest.permissions].sort(), ['activeTab', 'scripting']);
  for (const k of ['host_permissions', 'optional_host_permissions', 'content_scripts', 'externally_connectable', 'web_accessible_resources']) {
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
  for (const f of files) assert.ok(existsSync(ROOT + 'extension/' + f), `extension/${f}`);
});
