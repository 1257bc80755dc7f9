//! The rule engine: which categories apply to which clause, at which risk.
//!
//! Two passes keep it fast on 100 KB policies. First, one Aho–Corasick scan
//! of the lower-cased document finds every category trigger and marks, per
//! clause, the categories worth trying (a `u64` mask; the build checks there
//! are at most 64 categories). Second, only those clauses run the category's
//! rules. Regexes compile lazily on first use, so a service worker that
//! restarts pays only for the categories a page actually touches.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;

use crate::segment::Segment;
use crate::taxonomy::{Category, Rule, CATEGORIES};

/// A rule that fired: clause `segment` belongs to category `category`
/// (index into [`CATEGORIES`]) by rule `rule` (index into its rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleHit {
    /// Index of the segment in the slice given to [`Classifier::classify`].
    pub segment: usize,
    /// Index of the category in [`CATEGORIES`].
    pub category: usize,
    /// Index of the rule within the category.
    pub rule: usize,
}

/// A regex compiled the first time it is needed.
struct LazyRegex {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(source: &'static str) -> Self {
        LazyRegex { source, compiled: OnceLock::new() }
    }

    /// Whether it matches. A pattern that fails to compile (impossible for
    /// the built-in taxonomy, which `build.rs` compiles) never matches.
    fn is_match(&self, hay: &[u8]) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(hay))
    }
}

struct CompiledRule {
    def: &'static Rule,
    pattern: LazyRegex,
    also: Option<LazyRegex>,
    unless: Option<LazyRegex>,
}

struct CompiledCategory {
    unless: Option<LazyRegex>,
    rules: Vec<CompiledRule>,
}

/// The compiled taxonomy. Build once ([`Classifier::global`]) and share.
pub struct Classifier {
    triggers: AhoCorasick,
    /// For each trigger pattern, the index of its category.
    trigger_category: Vec<u8>,
    categories: Vec<CompiledCategory>,
}

impl Classifier {
    /// The process-wide classifier over the built-in taxonomy.
    pub fn global() -> &'static Classifier {
        static GLOBAL: OnceLock<Classifier> = OnceLock::new();
        GLOBAL.get_or_init(|| Classifier::new(CATEGORIES))
    }

    /// Compiles the triggers of `categories` (at most 64).
    pub fn new(categories: &'static [Category]) -> Self {
        let mut patterns = Vec::new();
        let mut trigger_category = Vec::new();
        for (i, cat) in categories.iter().enumerate().take(64) {
            for t in cat.triggers {
                patterns.push(*t);
                trigger_category.push(i as u8);
            }
        }
        let triggers = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            // Triggers are short literals checked by build.rs; building an
            // automaton from them cannot exceed any limit.
            .unwrap_or_else(|_| AhoCorasick::new(Vec::<&str>::new()).expect("empty automaton"));
        let categories = categories
            .iter()
            .take(64)
            .map(|c| CompiledCategory {
                unless: c.unless.map(LazyRegex::new),
                rules: c
                    .rules
                    .iter()
                    .map(|r| CompiledRule {
                        def: r,
                        pattern: LazyRegex::new(r.pattern),
                        also: r.also.map(LazyRegex::new),
                        unless: r.unless.map(LazyRegex::new),
                    })
                    .collect(),
            })
            .collect();
        Classifier { triggers, trigger_category, categories }
    }

    /// Classifies `segments` of a document whose ASCII-lower-cased bytes are
    /// `lower` (same length and offsets as the original text). Returns at
    /// most one hit per (segment, category), in segment order.
    pub fn classify(&self, lower: &[u8], segments: &[Segment]) -> Vec<RuleHit> {
        let masks = self.candidate_masks(lower, segments);
        let mut hits = Vec::new();
        for (si, (seg, mut mask)) in segments.iter().zip(masks).enumerate() {
            if mask == 0 || seg.heading {
                continue;
            }
            let clause = &lower[seg.start..seg.end];
            let sentence = &lower[seg.sentence.clone()];
            while mask != 0 {
                let ci = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                if let Some(rule) = self.first_rule(ci, clause, sentence) {
                    hits.push(RuleHit { segment: si, category: ci, rule });
                }
            }
        }
        hits
    }

    /// The index of the first rule of category `ci` that applies.
    fn first_rule(&self, ci: usize, clause: &[u8], sentence: &[u8]) -> Option<usize> {
        let cat = &self.categories[ci];
        if cat.unless.as_ref().is_some_and(|u| u.is_match(sentence)) {
            return None;
        }
        cat.rules.iter().position(|r| {
            r.pattern.is_match(clause)
                && r.also.as_ref().is_none_or(|a| a.is_match(sentence))
                && !r.unless.as_ref().is_some_and(|u| u.is_match(sentence))
        })
    }

    /// Per segment, the categories with a trigger inside it.
    fn candidate_masks(&self, lower: &[u8], segments: &[Segment]) -> Vec<u64> {
        let mut masks = vec![0u64; segments.len()];
        for m in self.triggers.find_overlapping_iter(lower) {
            let at = m.start();
            let i = segments.partition_point(|s| s.start <= at);
            if i == 0 {
                continue;
            }
            let seg = &segments[i - 1];
            if m.end() <= seg.end {
                masks[i - 1] |= 1u64 << self.trigger_category[m.pattern().as_usize()];
            }
        }
        masks
    }

    /// The rule definition behind a hit.
    pub fn rule(&self, hit: &RuleHit) -> &'static Rule {
        self.categories[hit.category].rules[hit.rule].def
    }
}
