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
//!    for; the rest runs anchored where a head match ends. Searching
//!    `a ~6 b` unanchored in one automaton makes its states multiply. A
//!    head whose matches must start with one of a few literals ("may",
//!    "might", "reserve") is searched anchored at the word starts that fit
//!    them instead of across the whole clause (about 3× fewer regex
//!    instructions on the corpus), the word starts found through a per-clause
//!    index by their first two bytes ([`starts`]).
//! 3. Heads shared by several rules are searched once per clause
//!    ([`matcher::Scratch`]).
//! 4. Sentence-level checks (`also`, `unless`, the category veto) run only
//!    once a rule's own pattern has matched the clause.
//!
//! Regexes compile on first use, so a service worker that restarts pays only
//! for the rules a page actually reaches.

mod facts;
mod gate;
mod literals;
mod matcher;
mod probe;
mod regexes;
mod starts;
mod table;

use std::sync::{Mutex, OnceLock};

use self::table::Table;
use self::gate::{Gate, GateBuilder};
use self::matcher::{Matcher, RuleBranches, Scratch};
use self::regexes::Regexes;
use crate::segment::Segment;
use crate::taxonomy::{Category, Rule, CATEGORIES, GATE_FACTS};

/// Documents with fewer clauses than this are classified on one thread
/// (about 500 KB of text: a thread costs little, but each new thread warms
/// its own regex state caches).
pub const PARALLEL_MIN_SEGMENTS: usize = 4096;

/// How many threads to classify `segments` clauses on.
fn threads_for(segments: usize) -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    if segments >= PARALLEL_MIN_SEGMENTS {
        return std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    }
    let _ = segments;
    1
}

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
    /// Matched on the whole sentence.
    also: Option<Matcher>,
    unless: Option<Matcher>,
}

struct CompiledCategory {
    /// Sentence-level veto.
    unless: Option<Matcher>,
    /// The rules' patterns, matched on the clause behind the gate.
    patterns: RuleBranches,
    rules: Vec<CompiledRule>,
}

/// The compiled taxonomy. Build once ([`Classifier::global`]) and share.
pub struct Classifier {
    gate: Gate,
    regexes: Regexes,
    categories: Vec<CompiledCategory>,
    /// Working memory of earlier calls, kept for its warm regex caches.
    spare: Mutex<Vec<Scratch>>,
    /// Whether the gate's facts came from `build.rs`'s table (see
    /// [`facts`]) rather than from parsing every regex: true for the
    /// built-in taxonomy (tested).
    #[cfg_attr(not(test), allow(dead_code))]
    facts_from_table: bool,
}

impl Classifier {
    /// The process-wide classifier over the built-in taxonomy.
    pub fn global() -> &'static Classifier {
        static GLOBAL: OnceLock<Classifier> = OnceLock::new();
        GLOBAL.get_or_init(|| Classifier::new(CATEGORIES))
    }

    /// Compiles the triggers and rule literals of `categories` (at most 64
    /// are used); the regexes themselves compile on first use. For the
    /// built-in [`CATEGORIES`], what the gate needs from each regex is read
    /// from a table made at build time (see [`facts`]); for other
    /// categories it is derived by parsing every regex (several times
    /// slower to build).
    pub fn new(categories: &'static [Category]) -> Self {
        let table = if std::ptr::eq(categories, CATEGORIES) { Table::decode(GATE_FACTS) } else { Table::default() };
        let (classifier, fits) = Self::build(categories, table);
        // A table made for another order or taxonomy gave wrong facts: start again without it.
        if fits { classifier } else { Self::build(categories, Table::default()).0 }
    }

    /// [`Classifier::new`] with the regex facts of `table`; whether the
    /// table fitted the regexes (see [`facts::Memo::table_fits`]).
    fn build(categories: &'static [Category], table: Table) -> (Self, bool) {
        let defs = &categories[..categories.len().min(64)];
        let mut regexes = Regexes::default();
        let mut gate = GateBuilder::new(table);
        let categories = defs
            .iter()
            .map(|c| CompiledCategory {
                unless: c.unless.map(|p| Matcher::new(p, &mut regexes, Some(&mut gate))),
                patterns: RuleBranches::new(c.rules.iter().map(|r| r.pattern), &mut regexes, &mut gate),
                rules: c
                    .rules
                    .iter()
                    .map(|r| CompiledRule {
                        def: r,
                        also: r.also.map(|p| Matcher::new(p, &mut regexes, Some(&mut gate))),
                        unless: r.unless.map(|p| Matcher::new(p, &mut regexes, Some(&mut gate))),
                    })
                    .collect(),
            })
            .collect();
        let (fits, facts_from_table) = (gate.facts.table_fits(), gate.facts.used_table());
        let c = Classifier { gate: gate.build(defs), regexes, categories, spare: Mutex::new(Vec::new()), facts_from_table };
        (c, fits)
    }

    /// Classifies `segments` of a document whose ASCII-lower-cased bytes are
    /// `lower` (same length and offsets as the original text). Returns at
    /// most one hit per (segment, category), in segment order.
    ///
    /// Natively, a large document (≥ [`PARALLEL_MIN_SEGMENTS`] clauses) is
    /// cut into contiguous runs of clauses classified on separate threads;
    /// clauses are independent, so the hits are the same. The wasm build
    /// has one thread.
    pub fn classify(&self, lower: &[u8], segments: &[Segment]) -> Vec<RuleHit> {
        let threads = threads_for(segments.len());
        if threads <= 1 {
            return self.classify_run(lower, segments, 0);
        }
        let per = segments.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let runs: Vec<_> = segments
                .chunks(per)
                .enumerate()
                .map(|(i, run)| scope.spawn(move || self.classify_run(lower, run, i * per)))
                .collect();
            let mut hits = Vec::new();
            for run in runs {
                match run.join() {
                    Ok(h) => hits.extend(h),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            hits
        })
    }

    /// [`Classifier::classify`] on the calling thread only, for callers
    /// that run their own threads.
    pub fn classify_serial(&self, lower: &[u8], segments: &[Segment]) -> Vec<RuleHit> {
        self.classify_run(lower, segments, 0)
    }

    /// Classifies one run of consecutive segments; `first` is the index of
    /// `segments[0]` in the document's segment list.
    fn classify_run(&self, lower: &[u8], segments: &[Segment], first: usize) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        let mut scratch = self.take_scratch();
        for (i, seg) in segments.iter().enumerate() {
            if seg.heading {
                continue;
            }
            let clause = &lower[seg.start..seg.end];
            let mut mask = self.gate.scan(clause, &mut scratch.bits, &mut scratch.seen);
            scratch.next_clause();
            let sentence = &lower[seg.sentence.clone()];
            // Most clauses are whole sentences: their sentence-level checks
            // can use the clause's gate and head matches too.
            let whole = seg.sentence == (seg.start..seg.end);
            while mask != 0 {
                let ci = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let cat = &self.categories[ci];
                let rule = cat.patterns.first_match(&self.regexes, clause, &mut scratch, |r, scratch| {
                    self.sentence_allows(&cat.rules[r], sentence, whole, scratch)
                });
                if let Some(rule) = rule.filter(|_| !self.vetoed(cat, sentence, whole, &mut scratch)) {
                    hits.push(RuleHit { segment: first + i, category: ci, rule });
                }
            }
        }
        self.spare.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(scratch);
        hits
    }

    /// Working memory with warm caches from an earlier call, or a new one.
    fn take_scratch(&self) -> Scratch {
        let spare = self.spare.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        spare.unwrap_or_else(|| Scratch::new(&self.regexes, self.gate.bits(), self.gate.seen()))
    }

    /// Whether `m` matches `sentence`; `whole` says the sentence is the
    /// clause `scratch` holds the gate and head matches of.
    fn on_sentence(&self, m: &Matcher, sentence: &[u8], whole: bool, scratch: &mut Scratch) -> bool {
        if whole {
            m.is_match_gated(&self.regexes, sentence, scratch)
        } else {
            m.is_match(&self.regexes, sentence, scratch)
        }
    }

    /// The rule's `also` holds and its `unless` does not, on the sentence.
    fn sentence_allows(&self, r: &CompiledRule, sentence: &[u8], whole: bool, scratch: &mut Scratch) -> bool {
        r.also.as_ref().is_none_or(|a| self.on_sentence(a, sentence, whole, scratch))
            && !r.unless.as_ref().is_some_and(|u| self.on_sentence(u, sentence, whole, scratch))
    }

    /// The category veto, checked last: it is rarely reached.
    fn vetoed(&self, cat: &CompiledCategory, sentence: &[u8], whole: bool, scratch: &mut Scratch) -> bool {
        cat.unless.as_ref().is_some_and(|u| self.on_sentence(u, sentence, whole, scratch))
    }

    /// The rule definition behind a hit.
    pub fn rule(&self, hit: &RuleHit) -> &'static Rule {
        self.categories[hit.category].rules[hit.rule].def
    }
}

#[cfg(test)]
mod tests {
    use super::regexes::compile;
    use super::{Classifier, RuleHit};
    use crate::taxonomy::{dsl, Pattern, CATEGORIES, EXAMPLES};

    /// The classification without the gate and without shared heads: every
    /// rule of every triggered category is searched on its own.
    fn ungated(c: &Classifier, lower: &[u8], segments: &[crate::segment::Segment]) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        let mut scratch = c.take_scratch();
        for (si, seg) in segments.iter().enumerate() {
            if seg.heading {
                continue;
            }
            let clause = &lower[seg.start..seg.end];
            let sentence = &lower[seg.sentence.clone()];
            let mut m = c.gate.scan(clause, &mut scratch.bits, &mut scratch.seen);
            while m != 0 {
                let ci = m.trailing_zeros() as usize;
                m &= m - 1;
                let cat = &c.categories[ci];
                let rule = (0..cat.rules.len()).find(|&r| {
                    cat.patterns.rule_is_match(r, &c.regexes, clause, &mut scratch)
                        && c.sentence_allows(&cat.rules[r], sentence, false, &mut scratch)
                });
                if let Some(rule) = rule.filter(|_| !c.vetoed(cat, sentence, false, &mut scratch)) {
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

    /// Classifying a large document on several threads gives the hits of
    /// one thread, with document-wide segment indices.
    #[test]
    fn parallel_runs_equal_one_run() {
        let c = Classifier::global();
        let sample = include_str!("../../samples/lumio-policy.html");
        let mut text = String::new();
        let segments = loop {
            text.push_str(sample);
            let segs = crate::segment::segment(&crate::blocks::Document::from_text(&text));
            if segs.len() >= super::PARALLEL_MIN_SEGMENTS {
                break segs;
            }
        };
        let lower = text.to_ascii_lowercase();
        let one = c.classify_run(lower.as_bytes(), &segments, 0);
        assert!(one.len() > 1000);
        assert_eq!(c.classify(lower.as_bytes(), &segments), one);
    }

    /// The built-in taxonomy's classifier reads every regex's gate facts
    /// from `build.rs`'s table: none is parsed at start-up (the table's
    /// order and the classifier's agree).
    #[test]
    fn the_built_in_classifier_parses_no_regex_for_its_gate() {
        assert!(Classifier::global().facts_from_table);
        assert!(!Classifier::new(&CATEGORIES[..1]).facts_from_table, "another taxonomy derives its facts");
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
            let branches = dsl::split(p).unwrap_or_else(|e| panic!("does not split: {e}"));
            assert!(!branches.is_empty(), "no branch: {p}");
            for b in branches {
                for src in std::iter::once(b.head).chain(b.tail) {
                    assert!(compile(&src).is_some(), "does not compile: {src}");
                }
            }
        }
    }
}
