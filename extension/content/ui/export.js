// @ts-check
/**
 * Export of a summary as Markdown, JSON or W3C Web Annotations (JSON-LD,
 * built by content/ui/webanno.js): built here, saved by the browser
 * through a Blob, an object URL and an `<a download>` inside our shadow root
 * (no request is made; the URL is revoked right after). The export holds
 * the clauses' text because the user asked for it; nothing is kept.
 */
(function (root) {
  'use strict';
  const NS = (root.ClausemarkContent ??= {});
  if (NS.exporter) return; // injected twice into one world
  const ui = NS.ui;

  const ORDER = ['bad', 'caution', 'neutral', 'good'];
  const KIND = Object.freeze({ privacy_policy: 'Privacy policy', terms: 'Terms of service', other: 'Not a policy page' });

  /**
   * @typedef {{ title: string, summary?: string, actions?: string[],
   *   regulations?: { law: string, reference: string, jurisdictions: string[] }[] }} ExportCategory
   * @typedef {{ index: number, category: string, risk: string, summary: string, text: string, painted: boolean,
   *   leadIn?: string }} ExportFinding `leadIn`: the sentence introducing the list whose item flagged `text`
   * @typedef {{ url: string, title: string, kind: string, grade: string | null,
   *   gradeBasis: object, counts: Record<string, number>, findings: ExportFinding[] }} ExportSummary
   */

  /**
   * The JSON export: the summary (no timings) with each finding's category
   * title and regulations spelled out.
   * @param {ExportSummary} s @param {Map<string, ExportCategory>} cats
   */
  function toJSON(s, cats) {
    return JSON.stringify({
      generator: 'Clausemark',
      exportedAt: new Date().toISOString(),
      url: s.url,
      title: s.title,
      kind: s.kind,
      grade: s.grade,
      gradeBasis: s.gradeBasis,
      counts: s.counts,
      findings: s.findings.map((f) => ({
        category: f.category,
        categoryTitle: cats.get(f.category)?.title ?? f.category,
        risk: f.risk,
        summary: f.summary,
        text: f.text,
        ...(f.leadIn ? { leadIn: f.leadIn } : {}),
        actions: cats.get(f.category)?.actions ?? [],
        regulations: (cats.get(f.category)?.regulations ?? []).map((r) => ({
          law: r.law, reference: r.reference, jurisdictions: r.jurisdictions,
        })),
      })),
    }, null, 2);
  }

  /**
   * Page text made inert in Markdown: it always follows a prefix on its line
   * ("> ", "- **", "### ") and line breaks are collapsed, so it cannot start
   * a heading or a list; the inline markup characters (emphasis, code,
   * links, HTML, tables) are backslash-escaped.
   * @param {string} s
   */
  function md(s) {
    return s.replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/\s+/g, ' ').trim();
  }

  /** @param {ExportSummary} s @param {Map<string, ExportCategory>} cats */
  function toMarkdown(s, cats) {
    const out = [`# Clausemark: ${md(s.title || s.url)}`, ''];
    out.push(`- Page: <${s.url.replace(/[<>\s]/g, encodeURIComponent)}>`);
    out.push(`- Kind: ${KIND[/** @type {keyof typeof KIND} */ (s.kind)] ?? md(s.kind)}`);
    if (s.grade) out.push(`- Grade: **${s.grade}** (A best, E worst)`);
    out.push(`- Findings: ${ORDER.map((r) => `${r} ${s.counts[r] ?? 0}`).join(', ')}`, '');
    if (!s.findings.length) out.push('Nothing notable found.', '');
    for (const risk of ORDER) {
      const mine = s.findings.filter((f) => f.risk === risk);
      if (!mine.length) continue;
      out.push(`## ${risk[0].toUpperCase()}${risk.slice(1)} (${mine.length})`, '');
      /** @type {Map<string, ExportFinding[]>} */
      const byCat = new Map();
      for (const f of mine) (byCat.get(f.category) ?? byCat.set(f.category, []).get(f.category))?.push(f);
      for (const [cat, fs] of byCat) {
        const c = cats.get(cat);
        out.push(`### ${md(c?.title ?? cat)}`, '');
        for (const f of fs) {
          out.push(`- **${md(f.summary)}**`, `  > ${md(f.text)}`);
          if (f.leadIn) out.push(`  (part of the list introduced by: ${md(f.leadIn)})`);
        }
        const regs = (c?.regulations ?? []).map((r) => `${r.law} ${r.reference} (${r.jurisdictions.join(', ')})`.trim());
        if (regs.length) out.push('', `  Regulations: ${md(regs.join('; '))}`);
        out.push('');
      }
    }
    out.push('---', 'Made with Clausemark, offline in the browser. Not legal advice.', '');
    return out.join('\n');
  }

  /**
   * A file name from the page's host and the format.
   * @param {string} url @param {string} ext
   */
  function fileName(url, ext) {
    let host = 'page';
    try {
      host = new URL(url).hostname.replace(/[^a-z0-9.-]/gi, '') || 'page';
    } catch { /* not a URL */ }
    return `clausemark-${host}.${ext}`;
  }

  /**
   * The file for a format: content, media type, extension.
   * @param {ExportSummary} s @param {Map<string, ExportCategory>} cats @param {'markdown' | 'json' | 'annotations'} format
   * @param {{ places?: any[], blockTexts?: string[] | null }} [where] for annotations: the findings' ranges and the blocks
   */
  function file(s, cats, format, where = {}) {
    if (format === 'json') return { text: toJSON(s, cats), type: 'application/json', ext: 'json' };
    if (format === 'annotations') {
      const doc = NS.webanno.build(s, where.places ?? [], where.blockTexts ?? null, cats);
      return { text: JSON.stringify(doc, null, 2), type: 'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld"', ext: 'annotations.jsonld' };
    }
    return { text: toMarkdown(s, cats), type: 'text/markdown;charset=utf-8', ext: 'md' };
  }

  /**
   * Saves the summary in `format` through the browser's download.
   * @param {ExportSummary} s @param {Map<string, ExportCategory>} cats @param {'markdown' | 'json' | 'annotations'} format
   * @param {{ places?: any[], blockTexts?: string[] | null }} [where] see `file`
   */
  function download(s, cats, format, where) {
    const f = file(s, cats, format, where);
    const blob = new Blob([f.text], { type: f.type });
    const url = URL.createObjectURL(blob);
    const a = ui.h('a', { href: url, download: fileName(s.url, f.ext), hidden: true });
    ui.mount().layer.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  NS.exporter = Object.freeze({ toJSON, toMarkdown, file, download });
})(/** @type {any} */ (globalThis));
