//! The rule engine: which categories apply to which clause, at which risk.
//!
//! Three things keep it fast on 100 KB policies:
//!
//! 1. One Aho–Corasick scan of the lower-cased document finds every
//!    category trigger and marks, per clause, the categories worth trying
//!    (a `u64` mask; the build checks there are at most 64 categories).
//! 2. Patterns are split at their first word gap (see
//!    [`crate::taxonomy::dsl::split`]): only the gap-free head is searched
//!    unanchored; the rest runs anchored where a head match ends. Searching
//!    `a ~6 b` unanchored in one automaton makes its states multiply.
//! 3. Sentence-level checks (`also`, `unless`, the category veto) run only
//!    once a rule's own pattern has matched the clause.
//!
//! Regexes compile on first use, so a service worker that restarts pays only
//! for the rules a page actually reaches.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};

use crate::segment::Segment;
use crate::taxonomy::{Category, Pattern, Rule, CATEGORIES};

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

/// A regex compiled the first time it is needed. A pattern that fails to
/// compile (impossible for the built-in taxonomy, which `build.rs`
/// compiles) never matches.
struct Lazy {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Lazy {
    fn new(source: &'static str) -> Self {
        Lazy { source, compiled: OnceLock::new() }
    }

    fn get(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| compile(self.source).ok()).as_ref()
    }
}

/// Compiles a rule regex as `regex::bytes` would: patterns run in ASCII mode
/// over bytes, so `\W` may match bytes of multi-byte characters.
fn compile(source: &str) -> Result<Regex, regex_automata::meta::BuildError> {
    Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().utf8(false))
        .configure(Regex::config().utf8_empty(false))
        .build(source)
}

/// A [`Pattern`] ready to match: a list of (head, tail) branches.
struct Matcher {
    branches: Vec<(Lazy, Option<Lazy>)>,
}

impl Matcher {
    fn new(p: Pattern) -> Self {
        Matcher { branches: p.iter().map(|b| (Lazy::new(b.head), b.tail.map(Lazy::new))).collect() }
    }

    /// Whether any branch matches somewhere in `hay`.
    fn is_match(&self, hay: &[u8]) -> bool {
        self.branches.iter().any(|(head, tail)| {
            let Some(head) = head.get() else { return false };
            match tail.as_ref().map(Lazy::get) {
                None => head.is_match(hay),
                Some(None) => false,
                Some(Some(tail)) => {
                    // Only where head matches end matters, so a forward
                    // half-search suffices (no reverse scan for the start).
                    let mut input = Input::new(hay);
                    while let Some(m) = head.search_half(&input) {
                        let end = m.offset();
                        if tail.is_match(Input::new(hay).range(end..).anchored(Anchored::Yes)) {
                            return true;
                        }
                        let next = if end == input.start() { end + 1 } else { end };
                        if next > hay.len() {
                            break;
                        }
                        input.set_start(next);
                    }
                    false
                }
            }
        })
    }
}

struct CompiledRule {
    def: &'static Rule,
    pattern: Matcher,
    also: Option<Matcher>,
    unless: Option<Matcher>,
}

struct CompiledCategory {
    unless: Option<Matcher>,
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

    /// Compiles the triggers of `categories` (at most 64 are used).
    pub fn new(categories: &'static [Category]) -> Self {
        let categories = &categories[..categories.len().min(64)];
        let mut patterns = Vec::new();
        let mut trigger_category = Vec::new();
        for (i, cat) in categories.iter().enumerate() {
            for t in cat.triggers {
                patterns.push(*t);
                trigger_category.push(i as u8);
            }
        }
        // Triggers are short literals checked by build.rs: building cannot
        // fail on them; an empty automaton (nothing flagged) is the fallback.
        let triggers = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .or_else(|_| AhoCorasick::new(Vec::<&str>::new()));
        let Ok(triggers) = triggers else {
            unreachable!("an empty Aho-Corasick automaton always builds")
        };
        let categories = categories
            .iter()
            .map(|c| CompiledCategory {
                unless: c.unless.map(Matcher::new),
                rules: c
                    .rules
                    .iter()
                    .map(|r| CompiledRule {
                        def: r,
                        pattern: Matcher::new(r.pattern),
                        also: r.also.map(Matcher::new),
                        unless: r.unless.map(Matcher::new),
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
        for (si, (seg, &mask)) in segments.iter().zip(&masks).enumerate() {
            if mask == 0 || seg.heading {
                continue;
            }
            let clause = &lower[seg.start..seg.end];
            let sentence = &lower[seg.sentence.clone()];
            let mut m = mask;
            while m != 0 {
                let ci = m.trailing_zeros() as usize;
                m &= m - 1;
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
        let rule = cat.rules.iter().position(|r| {
            r.pattern.is_match(clause)
                && r.also.as_ref().is_none_or(|a| a.is_match(sentence))
                && !r.unless.as_ref().is_some_and(|u| u.is_match(sentence))
        })?;
        // The category veto is checked last: it is rarely reached.
        (!cat.unless.as_ref().is_some_and(|u| u.is_match(sentence))).then_some(rule)
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

#[cfg(test)]
mod tests {
    use super::compile;
    use crate::taxonomy::{Pattern, CATEGORIES};

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
                    assert!(compile(src).is_ok(), "does not compile: {src}");
                }
            }
        }
    }
}
