// @ts-check
/**
 * The stylesheet of Clausemark's shadow root, as text for a constructed
 * `CSSStyleSheet` (see content/ui.js for why not a `<style>` or a file).
 *
 * Isolation: the host has `all: initial !important`, so nothing inherits
 * from the page; page selectors cannot reach into the shadow tree. Every
 * size is in px (the page's root font size is not ours to follow).
 *
 * Theme: light by default, dark under `prefers-color-scheme: dark` unless
 * the user picked light, or always when they picked dark
 * (`data-theme` on the layer). Colour is never the only signal: each risk
 * also has an icon and a word.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.uiStyle) return; // injected twice into one world

  const LIGHT = `
  --bg: #ffffff; --bg2: #f4f5f8; --fg: #1b2130; --muted: #566074; --border: #d4d9e3; --accent: #4338ca;
  --focus: #2563eb; --shadow: 0 8px 28px rgb(15 23 42 / 0.22), 0 1px 3px rgb(15 23 42 / 0.18);
  --bad: #b91c1c; --caution: #a15c07; --neutral: #475569; --good: #15803d; --on-risk: #ffffff;
  --bad-bg: #fdecec; --caution-bg: #fdf3dc; --neutral-bg: #eef1f5; --good-bg: #e7f6ec; --changed: #6d28d9; --changed-bg: #f1ebfd;`;
  const DARK = `
  --bg: #1a1e27; --bg2: #242935; --fg: #e7eaf0; --muted: #a4adbd; --border: #3a4152; --accent: #a5b4fc;
  --focus: #93c5fd; --shadow: 0 8px 28px rgb(0 0 0 / 0.55), 0 1px 3px rgb(0 0 0 / 0.5);
  --bad: #f87171; --caution: #fbbf24; --neutral: #cbd5e1; --good: #4ade80; --on-risk: #111827;
  --bad-bg: #3b1d20; --caution-bg: #3a2e14; --neutral-bg: #2a303c; --good-bg: #17311f; --changed: #c4b5fd; --changed-bg: #2c2540;`;

  NS.uiStyle = `
:host { all: initial; }
.cm { ${LIGHT}
  position: absolute; top: 0; left: 0; width: 0; height: 0; overflow: visible;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--fg); color-scheme: light; text-align: left; letter-spacing: normal; word-spacing: normal;
  text-transform: none; text-indent: 0; white-space: normal; font-style: normal; font-weight: 400;
}
@media (prefers-color-scheme: dark) { .cm:not([data-theme="light"]) { ${DARK} color-scheme: dark; } }
.cm[data-theme="dark"] { ${DARK} color-scheme: dark; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button { font: inherit; color: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; border: 0; }

.risk-bad { --risk: var(--bad); --risk-bg: var(--bad-bg); }
.risk-caution { --risk: var(--caution); --risk-bg: var(--caution-bg); }
.risk-neutral { --risk: var(--neutral); --risk-bg: var(--neutral-bg); }
.risk-good { --risk: var(--good); --risk-bg: var(--good-bg); }
.badge { display: inline-flex; align-items: center; gap: 5px; padding: 1px 8px 1px 3px; border-radius: 999px;
  background: var(--risk-bg); color: var(--fg); font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge .icon { display: inline-grid; place-items: center; width: 18px; height: 18px; border-radius: 50%;
  background: var(--risk); color: var(--on-risk); font: 700 12px/1 system-ui, sans-serif; }

/* Margin markers: kept cheap to lay out and paint, there can be hundreds. */
.markers { position: absolute; top: 0; left: 0; }
.marker { position: absolute; display: block; width: 20px; height: 20px; padding: 0; margin: 0; border: 2px solid var(--bg);
  border-radius: 50%; background: var(--risk); color: var(--on-risk); font: 700 11px/16px system-ui, sans-serif;
  text-align: center; pointer-events: auto; contain: strict; }
.marker:hover { transform: scale(1.15); }
.marker[aria-expanded="true"] { outline: 3px solid var(--risk); outline-offset: 1px; }
/* A change marker: square, in the change colour, so it never reads as a risk. */
.marker.change-mark { border-radius: 4px; background: var(--changed); color: var(--bg); font-size: 13px; }

/* Cards (dialogs) */
.card { position: absolute; width: 380px; max-width: calc(100vw - 16px); max-height: min(70vh, 560px); overflow: auto;
  pointer-events: auto; background: var(--bg); color: var(--fg); border: 1px solid var(--border);
  border-top: 5px solid var(--risk, var(--accent)); border-radius: 10px; box-shadow: var(--shadow); padding: 14px 16px 16px; }
.card:focus { outline: none; }
.card:focus-visible { outline: 3px solid var(--focus); }
.card header { display: flex; align-items: flex-start; gap: 8px; margin: 0 0 8px; }
.card h2 { flex: 1; margin: 0; font-size: 16px; line-height: 1.3; font-weight: 700; }
.card .summary { margin: 6px 0 10px; font-weight: 600; }
.card .lead-in { margin: -4px 0 10px; overflow-wrap: anywhere; }
.card h3 { margin: 12px 0 4px; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.card p, .card ul { margin: 0 0 6px; }
.card ul { padding-left: 20px; }
.card li { margin: 2px 0; }
.card blockquote { margin: 10px 0 0; padding: 8px 10px; border-left: 4px solid var(--risk, var(--border));
  background: var(--bg2); border-radius: 4px; font-style: italic; white-space: pre-wrap; overflow-wrap: anywhere; }
.card .meta { color: var(--muted); font-size: 12px; }
.card .law { font-weight: 600; }
.card nav { display: flex; gap: 8px; justify-content: space-between; margin-top: 12px; }
.card .finding + .finding { margin-top: 14px; padding-top: 10px; border-top: 1px solid var(--border); }
.close { flex: none; width: 28px; height: 28px; border: 1px solid transparent; border-radius: 6px; background: transparent;
  font-size: 18px; line-height: 1; color: var(--muted); }
.close:hover { background: var(--bg2); color: var(--fg); }
.btn { border: 1px solid var(--border); background: var(--bg2); border-radius: 6px; padding: 4px 10px; font-size: 13px; }
.btn:hover { border-color: var(--accent); }

/* Summary panel */
.panel { position: fixed; top: 0; right: 0; bottom: 0; width: 380px; max-width: 100vw; overflow: auto; pointer-events: auto;
  background: var(--bg); color: var(--fg); border-left: 1px solid var(--border); box-shadow: var(--shadow);
  padding: 0 0 24px; overscroll-behavior: contain; }
.panel > header { position: sticky; top: 0; z-index: 1; display: flex; align-items: center; gap: 8px; padding: 12px 16px;
  background: var(--bg); border-bottom: 1px solid var(--border); }
.panel h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 700; }
.panel h2:focus { outline: none; }
.panel section { padding: 12px 16px 0; }
.panel h3 { margin: 14px 0 6px; font-size: 13px; font-weight: 700; display: flex; align-items: center; gap: 6px; }
.panel h4 { margin: 10px 0 4px; font-size: 13px; font-weight: 600; color: var(--muted); }
.panel .kind { margin: 0; color: var(--muted); }
.grade { display: flex; align-items: center; gap: 12px; margin: 10px 0 0; }
.grade .letter { display: grid; place-items: center; width: 48px; height: 48px; border-radius: 10px; font-size: 28px; font-weight: 800;
  background: var(--bg2); border: 2px solid var(--accent); color: var(--fg); }
.panel details { margin: 8px 0 0; font-size: 13px; color: var(--muted); }
.panel summary { cursor: pointer; color: var(--fg); }
.counts { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0 0; padding: 0; list-style: none; }
.state { margin: 12px 0 0; padding: 10px 12px; border-radius: 8px; background: var(--bg2); }
.findings { list-style: none; margin: 0; padding: 0; }
/* Entries out of view are not laid out: hundreds of them would otherwise cost a long frame. */
.findings li { content-visibility: auto; contain-intrinsic-size: auto 62px; }
.findings button { display: block; width: 100%; margin: 0 0 6px; padding: 7px 10px; text-align: left; border-radius: 8px;
  border: 1px solid var(--border); border-left: 4px solid var(--risk); background: var(--bg); }
.findings button:hover { background: var(--bg2); }
.findings .what { display: block; font-weight: 600; }
.findings .quote { display: block; margin-top: 2px; color: var(--muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow-wrap: anywhere; }
.findings .unplaced { font-size: 12px; color: var(--muted); }
.export { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0 0; }
.topics ul { margin: 0; padding-left: 18px; }
.topics li { margin: 0 0 6px; }
.topics .law { font-weight: 600; }
.panel .meta, .topics .meta { color: var(--muted); font-size: 12px; }
.card .prevalence p { margin: 0 0 4px; }

/* Change tracking (content/changes.js), in the banner slot */
.change-banner { border-left: 4px solid var(--changed); padding-left: 10px; }
.change-head { margin: 0; font-size: 14px; color: var(--changed); }
.change-banner .meta { margin: 2px 0 8px; }
.change-quiet { margin: 0; color: var(--muted); font-size: 13px; }
.changes { list-style: none; margin: 0 0 6px; padding: 0; }
.change { display: block; width: 100%; margin: 0 0 6px; padding: 7px 10px; text-align: left; border-radius: 8px;
  border: 1px solid var(--border); border-left: 4px solid var(--risk); background: var(--bg); }
button.change:hover { background: var(--bg2); }
.change .tag { display: inline-block; margin: 0 6px 2px 0; padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.03em; background: var(--changed-bg); color: var(--changed); }
.change-removed .tag { background: var(--bg2); color: var(--muted); }
.change .what { font-weight: 600; }
.change .cats { display: block; font-size: 12px; color: var(--muted); }
.change .quote { display: block; margin-top: 2px; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.change .quote.old, .change-removed .quote { text-decoration: line-through; }
.change .unplaced { display: block; font-size: 12px; color: var(--muted); }
.banner:empty { display: none; }
.banner { margin: 0; padding: 10px 16px; background: var(--bg2); border-bottom: 1px solid var(--border); }
.fab { position: fixed; right: 16px; bottom: 16px; pointer-events: auto; display: inline-flex; align-items: center; gap: 6px;
  padding: 8px 14px; border-radius: 999px; border: 1px solid var(--border); background: var(--bg); color: var(--fg);
  box-shadow: var(--shadow); font-weight: 600; }
.fab .letter { font-weight: 800; color: var(--accent); }
.fab .flag { padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: 700; text-transform: uppercase;
  background: var(--changed-bg); color: var(--changed); }
.explain { position: absolute; pointer-events: auto; padding: 4px 10px; border-radius: 6px; border: 1px solid var(--accent);
  background: var(--accent); color: var(--bg); font-size: 13px; font-weight: 600; box-shadow: var(--shadow); }

@media (prefers-reduced-motion: no-preference) {
  .marker { transition: transform 120ms ease-out; }
}
@media (forced-colors: active) {
  .marker, .badge .icon { forced-color-adjust: none; background: Canvas; color: CanvasText; border: 2px solid CanvasText; }
  .card, .panel, .fab, .findings button, .change { border: 1px solid CanvasText; }
}
@media print { .cm { display: none; } }
`;
})(/** @type {any} */ (globalThis));
