// @ts-check
/**
 * Context for a finding and a page: how common a category is among real
 * policies (the prevalence table built into the wasm, asked for once per
 * page with the `prevalence` message), and which laws the page's findings
 * engage.
 *
 * Prevalence is phrased for the page's kind: on a privacy policy a card says
 * "Found in 17 of 24 privacy policies we analysed; 3 of them at caution or
 * worse", on terms it counts terms of service. A page that is neither
 * (kind `other`, or an explained selection) is compared with the documents
 * of the category's own group. The numbers come from Clausemark's own
 * classifier run over Open Terms Archive documents (ODC-BY 1.0), which the
 * card credits.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.context) return; // injected twice into one world
  const P = root.ClausemarkProtocol;
  const ui = NS.ui;

  const PLURAL = Object.freeze({ privacy_policy: 'privacy policies', terms: 'terms of service' });
  const CREDIT = 'Counted by Clausemark\u2019s own classifier over documents collected by Open Terms Archive ' +
    '(opentermsarchive.org, ODC-BY 1.0); not a statement about any one service.';

  /** The table, once fetched (null: not yet, or it failed and is retried next time). @type {Promise<any[]> | null} */
  let rows = null;

  /** Resolves to the prevalence table; [] when it cannot be had (cards then go without). */
  function table() {
    rows ??= Promise.resolve(P.requestPrevalence()).catch((/** @type {unknown} */ e) => {
      rows = null;
      console.warn('clausemark: no prevalence table:', e instanceof Error ? e.message : e);
      return [];
    });
    return /** @type {Promise<any[]>} */ (rows);
  }

  /**
   * The row for a category on a page of this kind.
   * @param {any[]} table @param {string} category @param {string | null} kind the page's kind
   * @param {string | undefined} group the category's group ('privacy' | 'terms')
   */
  function rowFor(table, category, kind, group) {
    const want = kind === 'privacy_policy' || kind === 'terms' ? kind : group === 'terms' ? 'terms' : 'privacy_policy';
    return table.find((r) => r.category === category && r.kind === want && r.documents > 0) ?? null;
  }

  /**
   * The sentence a card shows, or null when there is no data for it.
   * @param {any[]} table @param {string} category @param {string | null} kind @param {string | undefined} group
   */
  function prevalenceLine(table, category, kind, group) {
    const r = rowFor(table, category, kind, group);
    if (!r) return null;
    const docs = `${r.documents} ${PLURAL[/** @type {keyof typeof PLURAL} */ (r.kind)] ?? 'documents'} we analysed`;
    if (!r.containing) return `Not found in any of the ${docs}.`;
    const worse = (r.worst?.caution ?? 0) + (r.worst?.bad ?? 0);
    return `Found in ${r.containing} of ${docs}; ${worse} of them at caution or worse.`;
  }

  /**
   * The card's "How common" part.
   * @param {string} line from prevalenceLine
   */
  function prevalenceNode(line) {
    return ui.h('div', { class: 'prevalence' },
      ui.h('h3', null, 'How common'),
      ui.h('p', null, line),
      ui.h('p', { class: 'meta' }, CREDIT));
  }

  /**
   * The distinct laws the findings engage, each with where it applies and
   * the categories behind it, in order of first appearance.
   * @param {{ category: string }[]} findings
   * @param {Map<string, any>} categories
   * @returns {{ law: string, jurisdictions: string[], references: string[], categories: string[] }[]}
   */
  function regulatoryTopics(findings, categories) {
    /** @type {Map<string, { law: string, jurisdictions: Set<string>, references: Set<string>, categories: Set<string> }>} */
    const laws = new Map();
    for (const id of new Set(findings.map((f) => f.category))) {
      const c = categories.get(id);
      for (const r of c?.regulations ?? []) {
        let t = laws.get(r.law);
        if (!t) laws.set(r.law, (t = { law: r.law, jurisdictions: new Set(), references: new Set(), categories: new Set() }));
        for (const j of r.jurisdictions ?? []) t.jurisdictions.add(j);
        if (r.reference) t.references.add(r.reference);
        t.categories.add(c.title ?? id);
      }
    }
    return [...laws.values()].map((t) => ({
      law: t.law, jurisdictions: [...t.jurisdictions], references: [...t.references], categories: [...t.categories],
    }));
  }

  /**
   * The summary panel's section listing those laws (null when none).
   * @param {{ category: string }[]} findings @param {Map<string, any>} categories
   */
  function topicsSection(findings, categories) {
    const topics = regulatoryTopics(findings, categories);
    if (!topics.length) return null;
    return ui.h('section', { class: 'topics', 'aria-labelledby': 'cm-topics-title' },
      ui.h('h3', { id: 'cm-topics-title' }, 'Regulations this page engages'),
      ui.h('ul', null, ...topics.map((t) => ui.h('li', null,
        ui.h('span', { class: 'law' }, t.law),
        t.jurisdictions.length ? ` \u2014 ${t.jurisdictions.join(', ')}` : '',
        ui.h('div', { class: 'meta' }, `${t.references.length ? `${t.references.join(', ')}: ` : ''}${t.categories.join(', ')}`)))),
      ui.h('p', { class: 'meta' }, 'Where each law applies; whether it protects you depends on where you live. Not legal advice.'));
  }

  NS.context = Object.freeze({ table, rowFor, prevalenceLine, prevalenceNode, regulatoryTopics, topicsSection, CREDIT });
})(/** @type {any} */ (globalThis));
