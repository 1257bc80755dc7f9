//! The whole pipeline in one call, and what it returns: findings placed in
//! the document, its kind, its grade and the counts per risk.

pub mod grade;
pub mod kind;
mod parallel;

use serde::Serialize;

use crate::anchors::Utf16Map;
use crate::blocks::Document;
use crate::findings::classifier::Classifier;
use crate::findings::{Finding, LeadIn, Risk, Source};
use crate::model::combine::{combine, Hit};
use crate::model::Model;
use crate::segment::segment;
use crate::taxonomy::CATEGORIES;

pub use grade::{Grade, GradeBasis};
pub use kind::{DocKind, KindScores};

/// How many findings there are at each risk level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RiskCounts {
    /// Findings at `good`.
    pub good: usize,
    /// Findings at `neutral`.
    pub neutral: usize,
    /// Findings at `caution`.
    pub caution: usize,
    /// Findings at `bad`.
    pub bad: usize,
}

/// The result of analysing one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// What kind of document it is.
    pub kind: DocKind,
    /// The scores behind `kind`.
    pub kind_scores: KindScores,
    /// The grade, A–E; `None` when the document is not a policy or terms.
    pub grade: Option<Grade>,
    /// How the grade was derived (computed for every document).
    pub grade_basis: GradeBasis,
    /// Findings per risk level.
    pub counts: RiskCounts,
    /// The findings, in document order (then taxonomy order).
    pub findings: Vec<Finding>,
    /// Number of clause segments read.
    pub segments: usize,
    /// Size of the document text in bytes.
    pub bytes: usize,
}

/// The rule engine's hits over `segments` of a document whose
/// ASCII-lower-cased text is `lower`, in segment order.
fn rule_hits(lower: &str, segments: &[crate::segment::Segment]) -> Vec<Hit> {
    let classifier = Classifier::global();
    hits_of_rules(classifier, classifier.classify(lower.as_bytes(), segments))
}

/// What the per-span stages produce for one span of a document (or the
/// whole): its segments, the combined hits (segment indices into
/// `segments`) and the kind counts of its text.
#[derive(Debug, Default)]
struct Part {
    segments: Vec<crate::segment::Segment>,
    hits: Vec<Hit>,
    stats: kind::TextStats,
}

/// Segmentation → rules → model → kind counts over the byte range `span`
/// of `doc` (ASCII-lower-cased text: `lower`), on the calling thread.
fn analyse_span(doc: &Document, lower: &str, span: std::ops::Range<usize>, model: Option<&Model>) -> Part {
    let mut segments = Vec::new();
    crate::segment::segment_span(doc, span.clone(), &mut segments);
    let classifier = Classifier::global();
    let rules = hits_of_rules(classifier, classifier.classify_serial(lower.as_bytes(), &segments));
    let hits = with_model(doc.text(), &segments, rules, model);
    Part { stats: kind::TextStats::of(&lower[span]), segments, hits }
}

/// `rule_hits` over `segments`, combined with `model` when there is one.
fn with_model(text: &str, segments: &[crate::segment::Segment], rule_hits: Vec<Hit>, model: Option<&Model>) -> Vec<Hit> {
    match model {
        Some(m) => combine(text, segments, rule_hits, m),
        None => rule_hits,
    }
}

/// The classifier's hits as [`Hit`]s.
fn hits_of_rules(classifier: &Classifier, hits: Vec<crate::findings::classifier::RuleHit>) -> Vec<Hit> {
    hits
        .iter()
        .map(|h| {
            let rule = classifier.rule(h);
            Hit {
                segment: h.segment,
                category: h.category,
                rule: h.rule.min(usize::from(u16::MAX - 1)) as u16,
                risk: rule.risk,
                confidence: rule.confidence,
                summary: rule.summary.unwrap_or(CATEGORIES[h.category].summary),
                source: Source::Rule,
                lead_in: None,
            }
        })
        .collect()
}

/// The rules' hits on `doc` alone (no model): what the trainer turns into
/// the stacked heads' rule features.
pub fn rule_hits_of(doc: &Document) -> Vec<Hit> {
    let lower = doc.text().to_ascii_lowercase();
    rule_hits(&lower, &segment(doc))
}

/// Runs blocks → segments → findings → anchors → report over `doc`, with
/// the rules and the embedded model combined (see [`crate::model::combine`]).
pub fn analyze(doc: &Document) -> Analysis {
    analyze_with(doc, Model::global())
}

/// [`analyze`] with an explicit model: `None` runs the rules alone (what the
/// trainer reads as features, and the "rules" column of `clausemark eval`).
pub fn analyze_with(doc: &Document, model: Option<&Model>) -> Analysis {
    analyze_in_parts(doc, model, parallel::parts_for(doc))
}

/// [`analyze_with`], with rules and model run separately on `parts` runs
/// of consecutive segments (see [`parallel`]).
fn analyze_in_parts(doc: &Document, model: Option<&Model>, parts: usize) -> Analysis {
    let text = doc.text();
    let lower = text.to_ascii_lowercase();
    let Part { segments, hits, stats } = if parts <= 1 {
        analyse_span(doc, &lower, 0..text.len(), model)
    } else {
        parallel::analyse(doc, &lower, model, parts)
    };

    // Each span's ends and its block's start: what Utf16Map::span reads.
    let mut offsets = Vec::with_capacity(3 * hits.len());
    for h in &hits {
        let s = &segments[h.segment];
        offsets.extend([s.start, s.end, doc.blocks()[s.block].start]);
        if let Some(l) = &h.lead_in {
            offsets.extend([l.start, l.end, doc.blocks()[doc.block_of(l.start)].start]);
        }
    }
    let utf16 = Utf16Map::new(text, offsets);
    let lead_in = |at: &std::ops::Range<usize>| LeadIn {
        text: text[at.clone()].to_string(),
        span: utf16.span(doc, at.clone(), doc.block_of(at.start)),
    };
    let findings: Vec<Finding> = hits
        .iter()
        .map(|h| {
            let s = &segments[h.segment];
            let cat = &CATEGORIES[h.category];
            Finding {
                category: cat.id,
                risk: h.risk,
                confidence: h.confidence,
                summary: h.summary,
                text: text[s.start..s.end].to_string(),
                span: utf16.span(doc, s.start..s.end, s.block),
                sentence: text[s.sentence.clone()].to_string(),
                sentence_start: s.sentence.start,
                sentence_end: s.sentence.end,
                source: h.source,
                lead_in: h.lead_in.as_ref().map(lead_in),
            }
        })
        .collect();

    let mut counts = RiskCounts::default();
    for f in &findings {
        match f.risk {
            Risk::Good => counts.good += 1,
            Risk::Neutral => counts.neutral += 1,
            Risk::Caution => counts.caution += 1,
            Risk::Bad => counts.bad += 1,
        }
    }
    let kind_scores = kind::detect(stats, &lower, &findings);
    let (g, grade_basis) = grade::grade(&findings);
    Analysis {
        kind: kind_scores.kind,
        kind_scores,
        grade: (kind_scores.kind != DocKind::Other).then_some(g),
        grade_basis,
        counts,
        findings,
        segments: segments.len(),
        bytes: text.len(),
    }
}
