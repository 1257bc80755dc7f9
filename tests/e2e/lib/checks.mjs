// Assertions shared by the Chromium and Firefox annotation tests. Each
// takes node:assert's `assert` and what the page / the background returned.

import { RISKS, squash } from './inpage.mjs';

/**
 * Every highlight's text equals its finding's evidence, and the other way
 * round: per risk, the multiset of highlighted texts (read from the DOM
 * ranges of `CSS.highlights`) equals the multiset of the painted findings'
 * `text`. No range is collapsed; `summary.painted` counts the painted
 * findings; with `allPainted`, every finding was located on the page.
 * @param {any} assert
 * @param {any} summary what `annotate` resolved with
 * @param {{ name: string, text: string, collapsed: boolean }[]} highlights from `readHighlights`
 */
export function checkHighlights(assert, summary, highlights, { allPainted = true, label = '', subset = false } = {}) {
  const at = label ? ` (${label})` : '';
  assert.ok(Array.isArray(summary?.findings), `a summary with findings${at}: ${JSON.stringify(summary)?.slice(0, 300)}`);
  const collapsed = highlights.filter((h) => h.collapsed);
  assert.deepEqual(collapsed, [], `no collapsed highlight range${at}`);
  const paintedFindings = summary.findings.filter((f) => f.painted);
  assert.equal(summary.painted, paintedFindings.length, `summary.painted counts the painted findings${at}`);
  if (allPainted) {
    const unplaced = summary.findings.filter((f) => !f.painted).map((f) => `${f.category}: ${f.text}`);
    assert.deepEqual(unplaced, [], `every finding is located on the page${at}`);
  }
  for (const risk of RISKS) {
    const got = highlights.filter((h) => h.name === `clausemark-${risk}`).map((h) => h.text).sort();
    const want = paintedFindings.filter((f) => f.risk === risk).map((f) => squash(f.text)).sort();
    if (!subset) {
      assert.deepEqual(got, want, `clausemark-${risk} highlights = the ${risk} findings' text${at}`);
      continue;
    }
    // Windowed painting (very many findings): each registered range is one finding's text.
    const left = new Map();
    for (const t of want) left.set(t, (left.get(t) ?? 0) + 1);
    const stray = got.filter((t) => {
      const n = left.get(t) ?? 0;
      left.set(t, n - 1);
      return n <= 0;
    });
    assert.deepEqual(stray, [], `every clausemark-${risk} highlight is the text of a ${risk} finding${at}`);
  }
  const unknown = highlights.filter((h) => !RISKS.some((r) => h.name === `clausemark-${r}`) && h.name !== 'clausemark-focus');
  assert.deepEqual(unknown.map((h) => h.name), [], `only the documented highlight names${at}`);
}

/**
 * The summary panel lists every finding (one entry per index, nothing
 * else), and the host is one open shadow root on <html>.
 */
export function checkPanelListsEveryFinding(assert, summary, ui, { label = '' } = {}) {
  const at = label ? ` (${label})` : '';
  assert.equal(ui.hosts, 1, `one <clausemark-root>${at}`);
  assert.equal(ui.hostParentIsRoot, true, `the host is a child of <html>${at}`);
  assert.equal(ui.shadowMode, 'open', `an open shadow root${at}`);
  const want = summary.findings.map((f) => f.index).sort((a, b) => a - b);
  const got = [...ui.panelIndexes].sort((a, b) => a - b);
  assert.deepEqual(got, want, `the panel lists each finding once${at}`);
}

/** Risk and category of a finding as the card must show them. */
export const RISK_WORD = { good: 'Good', neutral: 'Neutral', caution: 'Caution', bad: 'Bad' };
export const RISK_ICON = { good: '✓', neutral: '•', caution: '!', bad: '✕' };

/**
 * A card shows the finding's category title, risk word, summary, the
 * category's explanation, actions and regulations (law + jurisdictions),
 * and quotes the clause.
 * @param {any} card `readUi().card`
 * @param {any} finding from the summary
 * @param {any} category from the taxonomy
 */
export function checkCard(assert, card, finding, category) {
  assert.ok(card, 'a card is open');
  assert.equal(card.visible, true, 'the card is visible');
  assert.ok(card.labelledBy, 'the dialog has aria-labelledby');
  assert.equal(card.label, category.title, 'the dialog is labelled by the category title');
  assert.ok(card.text.includes(RISK_WORD[finding.risk]), `the card names the risk "${RISK_WORD[finding.risk]}"`);
  assert.ok(card.text.includes(finding.summary), `the card shows the summary "${finding.summary}"`);
  assert.ok(card.text.includes(category.explanation), 'the card shows the explanation');
  for (const a of category.actions) assert.ok(card.text.includes(a), `the card shows the action "${a}"`);
  assert.equal(card.regulations.length, category.regulations.length, 'one line per regulation');
  for (const [i, r] of category.regulations.entries()) {
    assert.ok(card.regulations[i].includes(r.law), `regulation ${r.law}`);
    for (const j of r.jurisdictions) assert.ok(card.regulations[i].includes(j), `jurisdiction ${j} of ${r.law}`);
  }
  assert.deepEqual(card.quote.map(squash), [squash(finding.text)], 'the card quotes the clause');
}
