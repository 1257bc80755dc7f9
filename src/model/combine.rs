//! How rule hits and model scores meet, per sentence and category.
//!
//! The category heads are *stacked* on the rules: besides the sentence's
//! n-grams they read which rules fired in it ([`super::rule_bucket`]), so a
//! head's score already weighs the rule's evidence against the wording. Per
//! head, the decision for one sentence and category is:
//!
//! - flagged when the score is ≥ the head's threshold, or, when a rule fired
//!   at `caution`/`bad` in the sentence, ≥ the head's lower veto threshold
//!   ([`Head::veto`]; `-inf` = the rule always stands);
//! - flagged with a rule hit: the rule's findings stay (their spans,
//!   summaries and explanations); a rule risk below `caution` is raised to
//!   the model's risk; the source becomes [`Source::Both`] when the score
//!   agrees;
//! - flagged without a rule hit: one [`Source::Model`] finding on the
//!   sentence's clause that scores highest, at the risk of the category's
//!   fairness level ([`unfair_risk`]);
//! - not flagged: rule findings at `caution`/`bad` are dropped (the veto);
//!   `good`/`neutral` ones stay.
//!
//! An item of a list scores the higher of its own score and its lead-in's
//! on each head, fairness levels included ([`super::context`]): "(b) loss
//! of data;" under "We are not liable for:" is judged as part of that
//! sentence. When the flag holds only because of the lead-in (the item's
//! own score would have left the category unflagged, or vetoed its rule
//! hit), the hit names the lead-in sentence ([`Hit::lead_in`]), so that the
//! reader is told why "loss of data;" is about liability. The risk level is
//! not part of that test: a flag the item earns alone is its own, even when
//! the lead-in raises it from `caution` to `bad`.
//!
//! Categories without a head (the privacy ones) keep the rules' findings
//! untouched. Thresholds and flags come from the weights file, tuned on
//! UNFAIR-ToS dev by `clausemark train`.

use std::ops::Range;

use super::context::{Lead, ListContext};
use super::features::Featurizer;
use super::{confidence, rule_bucket, Head, Model};
use crate::findings::{Risk, Source};
use crate::segment::Segment;
use crate::taxonomy::CATEGORIES;

/// A finding before it is placed in the document (UTF-16 offsets etc.).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the clause in the document's segments.
    pub segment: usize,
    /// Index of the category in [`CATEGORIES`].
    pub category: usize,
    /// Index of the rule within the category; [`NO_RULE`] for the model.
    pub rule: u16,
    /// How the clause affects the reader.
    pub risk: Risk,
    /// 0–1.
    pub confidence: f32,
    /// The one-line headline.
    pub summary: &'static str,
    /// What produced it.
    pub source: Source,
    /// Byte range, in the document text, of the lead-in sentence of the list
    /// whose item this clause is, when the flag exists because of it: the
    /// clause's own score would not have flagged the category (below the
    /// threshold, or below the veto threshold for a rule hit at
    /// `caution`/`bad`), the lead-in's did. `None` for every other hit.
    pub lead_in: Option<Range<usize>>,
}

/// [`Hit::rule`] of a finding no rule produced.
pub const NO_RULE: u16 = u16::MAX;

/// The stacked heads' rule features of one sentence's rule `hits`: per
/// category, the worst risk a rule gave, and each rule that fired
/// ([`rule_bucket`]); sorted, distinct, in `bits`-bit bucket space.
pub fn rule_features(hits: &[Hit], bits: u32, out: &mut Vec<u32>) {
    out.clear();
    // Hits are few per sentence: a quadratic scan beats a per-category table.
    for (k, x) in hits.iter().enumerate() {
        if hits[..k].iter().any(|y| y.category == x.category) {
            continue; // this category's worst risk is already in
        }
        let worst = hits[k..].iter().filter(|y| y.category == x.category).map(|y| y.risk).max().unwrap_or(x.risk);
        out.push(rule_bucket(x.category, worst, bits));
    }
    for x in hits.iter().filter(|x| x.rule != NO_RULE) {
        out.push(super::rule_id_bucket(x.category, x.rule, bits));
    }
    out.sort_unstable();
    out.dedup();
}

/// The heads that apply to one category.
#[derive(Debug, Clone, Copy)]
struct Plan {
    category: usize,
    head: usize,
    level: Option<usize>,
}

/// Per category with a head: its head and fairness-level head.
fn plans(model: &Model) -> Vec<Plan> {
    CATEGORIES
        .iter()
        .enumerate()
        .filter_map(|(ci, c)| {
            let head = model.head(c.id)?;
            let level = model.head(&format!("level:{}", c.id));
            Some(Plan { category: ci, head, level })
        })
        .collect()
}

/// The risk of a clause the model flags as (potentially) unfair: `bad`
/// when the category's level head says "the higher level" and that level is
/// CLAUDETTE's 3 (clearly unfair), `caution` otherwise.
pub fn unfair_risk(category: &str, level_score: Option<(f32, &Head)>) -> Risk {
    let Some((score, head)) = level_score else { return Risk::Caution };
    let clearly_unfair_is_high = matches!(category, "jurisdiction" | "unilateral_termination" | "content_removal" | "arbitration");
    if clearly_unfair_is_high && score >= head.threshold {
        Risk::Bad
    } else {
        Risk::Caution
    }
}

/// Combines `rule_hits` (in segment order) with the model over the
/// sentences of `text`; returns the findings in segment, then taxonomy order.
pub fn combine(text: &str, segments: &[Segment], rule_hits: Vec<Hit>, model: &Model) -> Vec<Hit> {
    let plans = plans(model);
    if plans.is_empty() {
        return rule_hits;
    }
    let mut out: Vec<Hit> = Vec::with_capacity(rule_hits.len());
    let mut feat = Featurizer::new();
    let mut scores = Vec::new();
    let mut clause_scores = Vec::new();
    let mut extra: Vec<u32> = Vec::new();
    // Which lead-in (its head scores and sentence) the next sentence is an item of.
    let mut lists: ListContext<Lead<Range<usize>>> = ListContext::default();
    let mut own = Vec::new(); // an item's head scores before its lead-in's
    let mut h = 0; // next rule hit
    let mut s0 = 0;
    while s0 < segments.len() {
        let sentence = segments[s0].sentence.clone();
        let mut s1 = s0 + 1;
        while s1 < segments.len() && segments[s1].sentence == sentence {
            s1 += 1;
        }
        let h0 = h;
        while h < rule_hits.len() && rule_hits[h].segment < s1 {
            h += 1;
        }
        let mut hits: Vec<Hit> = rule_hits[h0..h].to_vec();
        if segments[s0..s1].iter().all(|s| s.heading) {
            lists.read(&text[sentence], true, segments[s0].kind, Lead::default);
            out.extend(hits);
            s0 = s1;
            continue;
        }
        // The rule features: per category, the worst risk a rule gave.
        rule_features(&hits, model.hash_bits, &mut extra);
        let buckets = feat.buckets(&text.as_bytes()[sentence.clone()], model.feature_config());
        model.score_with_extra(buckets, &extra, &mut scores);
        let mut dropped = vec![false; hits.len()];
        own.clone_from(&scores);
        let lead = lists.score(&text[sentence.clone()], false, segments[s0].kind, &mut scores, || sentence.clone());
        for p in &plans {
            let head = &model.heads()[p.head];
            let score = scores[p.head];
            let model_flag = score >= head.threshold;
            let rule_flag = hits.iter().any(|x| x.category == p.category && x.risk.is_flag());
            let flags = |score: f32| score >= head.threshold || (rule_flag && score >= head.veto);
            let flag = flags(score);
            // The flag came from the lead-in when the item's own score fails it.
            let lead_in = lead.clone().filter(|_| flag && !flags(own[p.head]));
            let conf = confidence(score, head.threshold);
            let cat = &CATEGORIES[p.category];
            let risk = unfair_risk(cat.id, p.level.map(|l| (scores[l], &model.heads()[l])));
            let mut any_rule = false;
            for (k, x) in hits.iter_mut().enumerate().filter(|(_, x)| x.category == p.category) {
                any_rule = true;
                if flag {
                    if !x.risk.is_flag() {
                        x.risk = risk;
                    }
                    x.lead_in.clone_from(&lead_in);
                    if model_flag {
                        x.source = Source::Both;
                        x.confidence = x.confidence.max(conf);
                    }
                } else if x.risk.is_flag() {
                    dropped[k] = true;
                }
            }
            if flag && !any_rule {
                let segment = best_clause(text, segments, s0..s1, model, p.head, &extra, &mut feat, &mut clause_scores);
                hits.push(Hit {
                    segment,
                    category: p.category,
                    rule: NO_RULE,
                    risk,
                    confidence: conf,
                    summary: cat.summary,
                    source: Source::Model,
                    lead_in,
                });
                dropped.push(false);
            }
        }
        out.extend(hits.into_iter().zip(dropped).filter(|(_, d)| !d).map(|(x, _)| x));
        s0 = s1;
    }
    out.sort_by_key(|x| (x.segment, x.category));
    out
}

/// The non-heading clause of `range` that scores highest on `head` (the
/// first on ties); the only clause when there is one.
#[allow(clippy::too_many_arguments)]
fn best_clause(
    text: &str,
    segments: &[Segment],
    range: std::ops::Range<usize>,
    model: &Model,
    head: usize,
    extra: &[u32],
    feat: &mut Featurizer,
    scores: &mut Vec<f32>,
) -> usize {
    let first = range.start;
    let candidates: Vec<usize> = range.filter(|&i| !segments[i].heading).collect();
    match candidates[..] {
        [] => return first, // unreachable: all-heading sentences are skipped
        [only] => return only,
        _ => {}
    }
    let mut best = (f32::NEG_INFINITY, candidates[0]);
    for i in candidates {
        let s = &segments[i];
        let buckets = feat.buckets(&text.as_bytes()[s.start..s.end], model.feature_config());
        model.score_with_extra(buckets, extra, scores);
        if scores[head] > best.0 {
            best = (scores[head], i);
        }
    }
    best.1
}
