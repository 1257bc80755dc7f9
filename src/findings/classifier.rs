//! The rule engine: which categories apply to which clause, at which risk.
//!
//! Four things keep it fast on 100 KB policies:
//!
//! 1. One Aho–Corasick pass per clause ([`gate`]) finds the categories whose
//!    triggers occur (a `u64` mask; the build checks there are at most 64
//!    categories) and the literals each rule branch needs ([`literals`]): a
//!    branch whose words are not all in the clause is never searched.
//! 2. Patterns are split at their first word gap (see
//!    [`crate::taxonomy::dsl::split`]): only the gap-free head is searched
//!    unanchored; the rest runs anchored where a head match ends. Searching
//!    `a ~6 b` unanchored in one automaton makes its states multiply.
//! 3. Heads shared by several rules are searched once per clause
//!    ([`matcher::Scratch`]).
//! 4. Sentence-level checks (`also`, `unless`, the category veto) run only
//!    once a rule's own pattern has matched the clause.
//!
//! Regexes compile on first use, so a service worker that restarts pays only
//! for the rules a page actually reaches.

mod gate;
mod literals;
mod matcher;

use std::sync::OnceLock;

use self::gate::{Gate, GateBuilder};
use self::matcher::{Heads, Matcher, Scratch};
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

struct CompiledRule {
    def: &'static Rule,
    /// Matched on the clause, behind the gate.
    pattern: Matcher,
    /// Matched on the whole sentence.
    also: Option<Matcher>,
    unless: Option<Matcher>,
}

struct CompiledCategory {
    /// Sentence-level veto.
    unless: Option<Matcher>,
    rules: Vec<CompiledRule>,
}

/// The compiled taxonomy. Build once ([`Classifier::global`]) and share.
pub struct Classifier {
    gate: Gate,
    heads: Heads,
    categories: Vec<CompiledCategory>,
}

impl Classifier {
    /// The process-wide classifier over the built-in taxonomy.
    pub fn global() -> &'static Classifier {
        static GLOBAL: OnceLock<Classifier> = OnceLock::new();
        GLOBAL.get_or_init(|| Classifier::new(CATEGORIES))
    }

    /// Compiles the triggers and rule literals of `categories` (at most 64
    /// are used); the regexes themselves compile on first use.
    pub fn new(categories: &'static [Category]) -> Self {
        let defs = &categories[..categories.len().min(64)];
        let mut heads = Heads::default();
        let mut gate = GateBuilder::default();
        let categories = defs
            .iter()
            .map(|c| CompiledCategory {
                unless: c.unless.map(|p| Matcher::new(p, &mut heads, Some(&mut gate))),
                rules: c
                    .rules
                    .iter()
                    .map(|r| CompiledRule {
                        def: r,
                        pattern: Matcher::new(r.pattern, &mut heads, Some(&mut gate)),
                        also: r.also.map(|p| Matcher::new(p, &mut heads, Some(&mut gate))),
                        unless: r.unless.map(|p| Matcher::new(p, &mut heads, Some(&mut gate))),
                    })
                    .collect(),
            })
            .collect();
        Classifier { gate: gate.build(defs), heads, categories }
    }

    /// Classifies `segments` of a document whose ASCII-lower-cased bytes are
    /// `lower` (same length and offsets as the original text). Returns at
    /// most one hit per (segment, category), in segment order.
    pub fn classify(&self, lower: &[u8], segments: &[Segment]) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        let mut scratch = Scratch::new(&self.heads, self.gate.bits());
        for (si, seg) in segments.iter().enumerate() {
            if seg.heading {
                continue;
            }
            let clause = &lower[seg.start..seg.end];
            let mut mask = self.gate.scan(clause, &mut scratch.bits);
            scratch.next_clause();
            let sentence = &lower[seg.sentence.clone()];
            // Most clauses are whole sentences: their sentence-level checks
            // can use the clause's gate and head matches too.
            let whole = seg.sentence == (seg.start..seg.end);
            while mask != 0 {
                let ci = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let cat = &self.categories[ci];
                let rule = cat.rules.iter().position(|r| {
                    r.pattern.is_match_gated(&self.heads, clause, &mut scratch)
                        && self.sentence_allows(r, sentence, whole.then_some(&mut scratch))
                });
                if let Some(rule) = rule.filter(|_| !self.vetoed(cat, sentence, whole.then_some(&mut scratch))) {
                    hits.push(RuleHit { segment: si, category: ci, rule });
                }
            }
        }
        hits
    }

    /// Whether `m` matches `sentence`; `shared` is the clause's scratch when
    /// the clause is the whole sentence.
    fn on_sentence(&self, m: &Matcher, sentence: &[u8], shared: Option<&mut Scratch>) -> bool {
        match shared {
            Some(scratch) => m.is_match_gated(&self.heads, sentence, scratch),
            None => m.is_match(&self.heads, sentence),
        }
    }

    /// The rule's `also` holds and its `unless` does not, on the sentence.
    fn sentence_allows(&self, r: &CompiledRule, sentence: &[u8], mut shared: Option<&mut Scratch>) -> bool {
        r.also.as_ref().is_none_or(|a| self.on_sentence(a, sentence, shared.as_deref_mut()))
            && !r.unless.as_ref().is_some_and(|u| self.on_sentence(u, sentence, shared))
    }

    /// The category veto, checked last: it is rarely reached.
    fn vetoed(&self, cat: &CompiledCategory, sentence: &[u8], shared: Option<&mut Scratch>) -> bool {
        cat.unless.as_ref().is_some_and(|u| self.on_sentence(u, sentence, shared))
    }

    /// The rule definition behind a hit.
    pub fn rule(&self, hit: &RuleHit) -> &'static Rule {
        self.categories[hit.category].rules[hit.rule].def
    }
}

#[cfg(test)]
mod tests {
    use super::matcher::compile;
    use super::{Classifier, RuleHit};
    use crate::taxonomy::{Pattern, CATEGORIES, EXAMPLES};

    /// The classification without the gate and without shared heads: every
    /// rule of every triggered category is searched on its own.
    fn ungated(c: &Classifier, lower: &[u8], segments: &[crate::segment::Segment]) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        let mut bits = c.gate.bits();
        for (si, seg) in segments.iter().enumerate() {
            if seg.heading {
                continue;
            }
            let clause = &lower[seg.start..seg.end];
            let sentence = &lower[seg.sentence.clone()];
            let mut m = c.gate.scan(clause, &mut bits);
            while m != 0 {
                let ci = m.trailing_zeros() as usize;
                m &= m - 1;
                let cat = &c.categories[ci];
                let rule = cat.rules.iter().position(|r| r.pattern.is_match(&c.heads, clause) && c.sentence_allows(r, sentence, None));
                if let Some(rule) = rule.filter(|_| !c.vetoed(cat, sentence, None)) {
                    hits.push(RuleHit { segment: si, category: ci, rule });
                }
            }
        }
        hits
    }

    /// The gate only skips searches that cannot match, and sharing a head's
    /// matches changes nothing: on every example sentence, the sample policy
    /// and (when `../shared` is there) the 48 real policies, the hits are the
    /// same as searching every rule on its own.
    #[test]
    fn the_gate_and_shared_heads_never_change_a_result() {
        let c = Classifier::global();
        let mut texts: Vec<String> = EXAMPLES.iter().map(|e| e.text.to_string()).collect();
        texts.push(include_str!("../../samples/lumio-policy.html").to_string());
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/policies/latest");
        match std::fs::read_dir(&corpus) {
            Ok(dir) => texts.extend(dir.flatten().filter_map(|e| std::fs::read_to_string(e.path()).ok())),
            Err(_) => eprintln!("skipping the real policies: {} is absent", corpus.display()),
        }
        let mut hits = 0;
        for text in &texts {
            let lower = text.to_ascii_lowercase();
            let doc = crate::blocks::Document::from_text(text);
            let segments = crate::segment::segment(&doc);
            let gated = c.classify(lower.as_bytes(), &segments);
            assert_eq!(gated, ungated(c, lower.as_bytes(), &segments), "on {:?}", &text[..text.len().min(80)]);
            hits += gated.len();
        }
        assert!(hits > 300, "the comparison saw only {hits} hits");
    }

    /// `build.rs` validates patterns with the `regex` crate; the classifier
    /// compiles them with `regex-automata`. A pattern only the first accepts
    /// would silently never match, so compile every piece here too.
    #[test]
    fn every_pattern_compiles_at_run_time() {
        let mut all: Vec<Pattern> = Vec::new();
        for c in CATEGORIES {
            all.extend(c.unless);
            for r in c.rules {
                all.push(r.pattern);
                all.extend(r.also);
                all.extend(r.unless);
            }
        }
        for p in all {
            for b in p {
                for src in std::iter::once(b.head).chain(b.tail) {
                    assert!(compile(src).is_some(), "does not compile: {src}");
                }
            }
        }
    }
}
