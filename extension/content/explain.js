// @ts-check
/**
 * Explain with Clausemark: a passage (the context menu's selection, or the
 * selection button of content/ui/selection.js) classified by the
 * background and shown in a card, with the findings the settings show and
 * how common each category is. Works on a page not annotated (settings
 * asked for then) as on an annotated one (its settings and kind).
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.explainer) return; // injected twice into one world
  const P = root.ClausemarkProtocol;
  const { ui, cards, context, annotation } = NS;
  const { state, categories, prevalenceOf } = annotation;

  /**
   * Classifies a passage and shows it in a card.
   * @param {string} text @param {{ top: number, bottom: number, left: number, right: number } | null} box
   * @param {HTMLElement | null} from
   */
  async function explain(text, box, from) {
    const blocks = text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
    if (!blocks.length) return { error: 'clausemark: nothing to explain: the selection is empty' };
    const [analysis, cats, settings, prevalence] = await Promise.all([
      P.requestAnalysis(blocks), categories(), state.summary ? state.settings : P.requestSettings().catch(() => P.DEFAULT_SETTINGS),
      context.table(),
    ]);
    state.prevalence = prevalence;
    const findings = analysis.findings.filter((/** @type {any} */ f) => P.isShown(f, settings));
    ui.mount();
    ui.setTheme(settings.theme);
    cards.show({
      title: 'Explain with Clausemark',
      // A passage has no kind of its own: the page's, if annotated, else each category's group.
      entries: findings.map((/** @type {any} */ f) => ({
        finding: f, category: cats.get(f.category) ?? null, prevalence: prevalenceOf(f, state.analysis?.kind ?? null),
      })),
      empty: 'Nothing notable found in this passage.',
      anchor: box,
      returnFocus: from,
    });
    return { findings };
  }

  /** @param {string} text @param {DOMRect | null} box @param {HTMLElement} from */
  function explainSelection(text, box, from) {
    explain(text, box, from).catch((e) => console.warn('clausemark:', e));
  }

  NS.explainer = Object.freeze({ explain, explainSelection });
})(/** @type {any} */ (globalThis));
