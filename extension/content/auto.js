// @ts-check
/**
 * Auto-annotation: injected last, at `document_idle`, on every page while
 * the user has switched "auto-annotate pages that look like policies" on
 * (the background registers the content scripts then, under the optional
 * `<all_urls>` permission). Decides from cheap cues — URL, title, the first
 * headings; the page's text is not read for this — whether the page looks
 * like a privacy policy or terms, and if so annotates it once the page is
 * idle, with the panel left closed (the floating button offers it). The
 * analysis has the last word: a page whose text turns out not to be a
 * policy gets nothing painted.
 *
 * The highlight CSS is not registered with these scripts: any
 * `::highlight()` rule costs the page a full style recalculation (≈ 100 ms
 * on a big page), which every page would pay. It is asked for (`insert-css`,
 * answered with `scripting.insertCSS` into this tab's top frame) only once
 * the analysis has confirmed a policy, just before the highlights are painted
 * (content/main.js asks, in auto mode).
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.auto) return; // injected twice into one world
  NS.auto = true;
  if (window.top !== window) return; // the top frame decides for the whole page

  /** A title or heading that names the document outright. */
  const STRONG = new RegExp([
    'privacy (policy|notice|statement)', 'cookies? (policy|notice)', 'terms of (service|use|sale)',
    'terms (and|&) conditions', 'user agreement', 'data (protection|privacy) (policy|notice)',
    'end[- ]user licen[cs]e agreement', 'datenschutzerkl(ä|ae)rung', 'allgemeine gesch(ä|ae)ftsbedingungen',
    'nutzungsbedingungen', 'politique de confidentialit', 'conditions g(é|e)n(é|e)rales', 'pol(í|i)tica de privacidad',
    't(é|e)rminos (y condiciones|de (uso|servicio))', 'informativa (sulla )?privacy', 'termini (e condizioni|di servizio)',
  ].join('|'), 'i');
  /** A weaker cue, enough when the URL agrees. */
  const WEAK = /\b(privacy|terms|conditions|policy|legal|agreement|cookies?|gdpr|datenschutz|agb|confidentialit|privacidad|condiciones)\b/i;
  const URL_CUE = /(privacy|terms|tos\b|legal|conditions|cookie|eula|agreement|datenschutz|agb|nutzungsbedingungen|confidentialit|cgu|cgv|privacidad|condiciones|gdpr|policy|policies)/i;

  /** Whether the page looks like a policy, from its URL, title and first headings. */
  function looksLikePolicy() {
    const title = document.title ?? '';
    const headings = [...document.querySelectorAll('h1, h2')].slice(0, 4).map((h) => (h.textContent ?? '').trim().slice(0, 200));
    const h1 = headings[0] ?? '';
    if (STRONG.test(title) || STRONG.test(h1)) return true;
    const url = `${location.pathname} ${location.search} ${location.hash}`;
    return URL_CUE.test(url) && (WEAK.test(title) || headings.some((h) => WEAK.test(h)));
  }

  async function run() {
    const P = root.ClausemarkProtocol;
    const main = NS.main;
    if (!P || !main || main.isAnnotated() || !looksLikePolicy()) return;
    const settings = await P.requestSettings();
    if (!settings.autoAnnotate || main.isAnnotated()) return;
    await main.annotate(settings, { auto: true });
  }

  const start = () => run().catch((e) => console.warn('clausemark: auto-annotation failed:', e?.message ?? e));
  if (typeof root.requestIdleCallback === 'function') root.requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 300);

  NS.looksLikePolicy = looksLikePolicy;
})(/** @type {any} */ (globalThis));
