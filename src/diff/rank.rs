//! What each change means for the reader, and which come first.
//!
//! Every changed clause carries the findings the analysis made on it: for an
//! added clause those of the new document, for a removed one those of the
//! old, for a modified one both, as a risk shift per category.
//!
//! Seriousness. Each risk has a *harm*: bad 3, caution 2, neutral 0, good −1
//! (a protection), absent 0. A category's shift is
//! `(harm(new) − harm(old)) × weight` (the taxonomy's 1–3 severity), so a new
//! bad AI-training clause (weight 3) scores 9, a lost "we do not sell your
//! data" promise 3 × 1, a removed arbitration clause −6. Changes are ordered
//! by their worst shift for the reader (descending); then by how risky the
//! clause is as it now stands (its old form for a removal): a reworded
//! AI-training clause before a reworded greeting; then by their best
//! improvement; then categorised before uncategorised; then the bigger
//! edit first (a modified clause's 1 − similarity; additions and removals
//! count as whole edits); then in document order (new document; a removal
//! at its old position).
//!
//! Improvements rank after risky rewordings on purpose: inside a modified
//! clause a category that "went" is as often a rewording the classifier no
//! longer recognises as a real concession, so it is shown, not headlined.

use std::collections::HashMap;

use super::pair::Pairing;
use super::{CategoryRisk, Clause, Modified, RiskShift, Span};
use crate::anchors::Utf16Map;
use crate::blocks::Document;
use crate::findings::{Finding, Risk};
use crate::report::Analysis;
use crate::segment::Segment;
use crate::taxonomy;

/// The longest clause quote in an uncategorised headline, in chars.
pub const HEADLINE_QUOTE_CHARS: usize = 80;

/// One document of the diff, with its analysis and offset tables.
pub struct Side<'a> {
    doc: &'a Document,
    segments: &'a [Segment],
    analysis: Analysis,
    /// Finding indices by the byte start of their clause.
    by_start: HashMap<usize, Vec<usize>>,
    utf16: Utf16Map,
}

impl<'a> Side<'a> {
    /// Indexes `analysis` (of `doc`) by the clauses in `segments`.
    pub fn new(doc: &'a Document, segments: &'a [Segment], analysis: Analysis) -> Self {
        let mut by_start: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, f) in analysis.findings.iter().enumerate() {
            by_start.entry(f.span.start).or_default().push(k);
        }
        let offsets = segments.iter().flat_map(|s| [s.start, s.end, doc.blocks()[s.block].start]);
        let utf16 = Utf16Map::new(doc.text(), offsets);
        Side { doc, segments, analysis, by_start, utf16 }
    }

    fn span(&self, i: usize) -> Span {
        let s = &self.segments[i];
        self.utf16.span(self.doc, s.start..s.end, s.block)
    }

    fn text(&self, i: usize) -> String {
        let s = &self.segments[i];
        self.doc.text()[s.start..s.end].to_string()
    }

    /// The findings on clause `i`, one per category (the worst), in
    /// taxonomy order.
    fn categories(&self, i: usize) -> Vec<CategoryRisk> {
        let s = &self.segments[i];
        let mut found: Vec<&Finding> = Vec::new();
        for &k in self.by_start.get(&s.start).into_iter().flatten() {
            let f = &self.analysis.findings[k];
            if f.span.end != s.end {
                continue;
            }
            match found.iter_mut().find(|g| g.category == f.category) {
                Some(g) if g.risk < f.risk => *g = f,
                Some(_) => {}
                None => found.push(f),
            }
        }
        crate::sort::sort_by_key(&mut found, |f| taxonomy::index_of(f.category));
        found.iter().map(|f| CategoryRisk { category: f.category, risk: f.risk, summary: f.summary }).collect()
    }
}

/// The two documents of a diff.
pub struct Sides<'a> {
    /// The version the reader saw before.
    pub old: Side<'a>,
    /// The version now.
    pub new: Side<'a>,
}

/// How bad a risk is for the reader (see the module docs).
pub fn harm(risk: Option<Risk>) -> i32 {
    match risk {
        None | Some(Risk::Neutral) => 0,
        Some(Risk::Good) => -1,
        Some(Risk::Caution) => 2,
        Some(Risk::Bad) => 3,
    }
}

fn weight(category: &str) -> i32 {
    taxonomy::category(category).map_or(1, |c| i32::from(c.weight))
}

/// Sort key of a change: larger is more serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Seriousness {
    worse: i32,
    salience: i32,
    better: i32,
    categorised: bool,
    /// (1 − similarity) in thousandths; 1000 for an addition or removal.
    extent: u32,
}

/// The sort key, the signed severity and the shift a headline names, for
/// a change with `shifts` whose two sides are `similarity` alike (0 for an
/// addition or removal); `removal` when the whole clause went.
fn seriousness(shifts: &[RiskShift], similarity: f32, removal: bool) -> (Seriousness, i32, Option<&RiskShift>) {
    let delta = |s: &RiskShift| (harm(s.new_risk) - harm(s.old_risk)) * weight(s.category);
    // How risky the clause is as it stands; a removed one as it stood.
    let salience = |s: &RiskShift| harm(if removal { s.old_risk } else { s.new_risk }).max(0) * weight(s.category);
    let worse = shifts.iter().map(delta).max().unwrap_or(0).max(0);
    let better = (-shifts.iter().map(delta).min().unwrap_or(0)).max(0);
    let key = Seriousness {
        worse,
        salience: shifts.iter().map(salience).max().unwrap_or(0),
        better,
        categorised: !shifts.is_empty(),
        extent: ((1.0 - similarity.clamp(0.0, 1.0)) * 1000.0).round() as u32,
    };
    let severity = if worse > 0 { worse } else { -better };
    // The shift the headline names: the largest move, then the riskiest.
    let lead = shifts.iter().max_by_key(|s| (delta(s).abs(), salience(s), std::cmp::Reverse(taxonomy::index_of(s.category))));
    (key, severity, lead)
}

/// "They can…" → "they can…"; "AI models…" stays. Only an ASCII first
/// letter is lowered: `s` is a taxonomy summary, and on every one that
/// gives what `char::to_lowercase` would (a test compares) without its
/// 11.7 KB Unicode table in the wasm.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_uppercase() => format!("{}{}", a.to_ascii_lowercase(), &s[1..]),
        _ => s.to_string(),
    }
}

fn quote(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(HEADLINE_QUOTE_CHARS) {
        Some((cut, _)) => format!("\u{201c}{}\u{2026}\u{201d}", flat[..cut].trim_end()),
        None => format!("\u{201c}{flat}\u{201d}"),
    }
}

fn headline(lead: Option<&RiskShift>, uncategorised: &str, text: &str) -> String {
    let Some(s) = lead else { return format!("{uncategorised}: {}", quote(text)) };
    let summary = lower_first(s.summary);
    match (s.old_risk, s.new_risk) {
        (None, _) => format!("New: {summary}"),
        (_, None) => format!("Removed: {summary}"),
        (Some(a), Some(b)) if a != b => format!("Now {b} (was {a}): {summary}"),
        _ => format!("Reworded: {summary}"),
    }
}

fn as_shifts(cats: &[CategoryRisk], added: bool) -> Vec<RiskShift> {
    cats.iter()
        .map(|c| RiskShift {
            category: c.category,
            old_risk: (!added).then_some(c.risk),
            new_risk: added.then_some(c.risk),
            summary: c.summary,
        })
        .collect()
}

/// The union of two clauses' categories, in taxonomy order.
fn merge(old: &[CategoryRisk], new: &[CategoryRisk]) -> Vec<RiskShift> {
    let mut out = as_shifts(new, true);
    for o in old {
        match out.iter_mut().find(|s| s.category == o.category) {
            Some(s) => s.old_risk = Some(o.risk),
            None => out.push(RiskShift { category: o.category, old_risk: Some(o.risk), new_risk: None, summary: o.summary }),
        }
    }
    crate::sort::sort_by_key(&mut out, |s| taxonomy::index_of(s.category));
    out
}

/// Builds the ranked entries of `pairing`: (added, removed, modified), each
/// list in rank order.
pub fn build(sides: &Sides, pairing: &Pairing) -> (Vec<Clause>, Vec<Clause>, Vec<Modified>) {
    enum Entry {
        Added(Clause),
        Removed(Clause),
        Modified(Modified),
    }
    let mut entries: Vec<(Seriousness, usize, Entry)> = Vec::new();
    for (side, list, is_added) in [(&sides.new, &pairing.added, true), (&sides.old, &pairing.removed, false)] {
        for &i in list {
            let categories = side.categories(i);
            let shifts = as_shifts(&categories, is_added);
            let (key, severity, lead) = seriousness(&shifts, 0.0, !is_added);
            let text = side.text(i);
            let label = if is_added { "New clause" } else { "Removed clause" };
            let clause = Clause { rank: 0, severity, headline: headline(lead, label, &text), text, span: side.span(i), categories };
            let pos = clause.span.start;
            entries.push((key, pos, if is_added { Entry::Added(clause) } else { Entry::Removed(clause) }));
        }
    }
    for &(i, j, similarity) in &pairing.modified {
        let categories = merge(&sides.old.categories(i), &sides.new.categories(j));
        let (key, severity, lead) = seriousness(&categories, similarity, false);
        let new_text = sides.new.text(j);
        let m = Modified {
            rank: 0,
            severity,
            headline: headline(lead, "Reworded clause", &new_text),
            old_text: sides.old.text(i),
            new_text,
            old: sides.old.span(i),
            new: sides.new.span(j),
            similarity,
            categories,
        };
        entries.push((key, m.new.start, Entry::Modified(m)));
    }
    crate::sort::sort_by(&mut entries, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let (mut added, mut removed, mut modified) = (Vec::new(), Vec::new(), Vec::new());
    for (rank, (_, _, e)) in entries.into_iter().enumerate() {
        match e {
            Entry::Added(c) => added.push(Clause { rank, ..c }),
            Entry::Removed(c) => removed.push(Clause { rank, ..c }),
            Entry::Modified(m) => modified.push(Modified { rank, ..m }),
        }
    }
    (added, removed, modified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(category: &'static str, old_risk: Option<Risk>, new_risk: Option<Risk>) -> RiskShift {
        RiskShift { category, old_risk, new_risk, summary: "They can do it." }
    }

    #[test]
    fn worse_for_the_reader_ranks_first() {
        let key = |s: &[RiskShift]| {
            let removal = s.iter().all(|x| x.new_risk.is_none());
            let (k, severity, _) = seriousness(s, 0.5, removal);
            (k, severity)
        };
        let new_bad = key(&[shift("ai_training", None, Some(Risk::Bad))]);
        let lost_promise = key(&[shift("data_sale", Some(Risk::Good), None)]);
        let gone_bad = key(&[shift("arbitration", Some(Risk::Caution), None)]);
        let reworded = key(&[shift("arbitration", Some(Risk::Caution), Some(Risk::Caution))]);
        let plain = key(&[]);
        assert_eq!(new_bad.1, 9);
        assert!(new_bad.0 > lost_promise.0 && lost_promise.0 > gone_bad.0);
        assert!(gone_bad.1 < 0 && reworded.1 == 0);
        assert!(gone_bad.0 > reworded.0 && reworded.0 > plain.0);
    }

    #[test]
    fn headlines_name_the_shift() {
        let s = shift("ai_training", None, Some(Risk::Bad));
        assert_eq!(headline(Some(&s), "New clause", "x"), "New: they can do it.");
        let s = shift("ai_training", Some(Risk::Caution), Some(Risk::Bad));
        assert_eq!(headline(Some(&s), "Reworded clause", "x"), "Now bad (was caution): they can do it.");
        assert_eq!(headline(None, "New clause", "Hello\n  there"), "New clause: \u{201c}Hello there\u{201d}");
        assert_eq!(lower_first("AI models"), "AI models");
    }

    /// On every summary a headline can quote, lowering only an ASCII first
    /// letter gives what lowering any first letter would.
    #[test]
    fn summaries_lower_as_with_unicode() {
        let unicode = |s: &str| {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => a.to_lowercase().chain(s[a.len_utf8()..].chars()).collect(),
                _ => s.to_string(),
            }
        };
        for c in crate::taxonomy::CATEGORIES {
            for s in std::iter::once(c.summary).chain(c.rules.iter().filter_map(|r| r.summary)) {
                assert_eq!(lower_first(s), unicode(s));
            }
        }
        assert_ne!(lower_first("Über"), unicode("Über"), "the difference the taxonomy must not need");
    }
}
