// @ts-check
/**
 * Injected by the toolbar click (and `self.clausemark.annotate`) right after
 * the content scripts, in the same `executeScript`: the page starts its
 * annotation at once (content/main.js `start`) instead of waiting for the
 * background's `cm:annotate`, which then answers with that annotation's
 * summary. On a page already annotated this does nothing: there the click
 * toggles the panel, which `cm:annotate` decides.
 * Not part of CONTENT_SCRIPTS: the auto-annotate registration and the
 * context menu's Explain must not annotate on their own.
 */
(function (root) {
  'use strict';
  root.ClausemarkContent?.main?.start();
})(/** @type {any} */ (globalThis));
