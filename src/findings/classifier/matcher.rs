//! Rule patterns as compiled regexes, and how one is matched on a clause.
//!
//! A pattern splits (at start-up) into branches, each a gap-free *head*
//! searched unanchored and an optional *tail* run anchored where a head
//! match ends (see [`crate::taxonomy::dsl::split`]). Every distinct regex source is
//! interned once in a [`Regexes`] table. Many rules share a head ("may",
//! "we do not"), and within one clause each head is searched at most once:
//! [`Scratch`] remembers where its matches end.
//!
//! Only forward lazy DFAs are built, not full `meta::Regex`es: the engine
//! never needs where a match starts (only whether and where it ends), and
//! the gate has already checked the literals, so the reverse automaton and
//! the prefilters a meta regex builds were pure cost. A lazy DFA builds its
//! states while it searches and keeps them in a cache; warming a cache is
//! what makes a first analysis slow, so caches live in a [`Scratch`] that
//! the classifier keeps between calls, one per thread that classified.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

use super::gate::{self, GateBuilder};
use super::starts::{StartFilter, WordIndex};
use crate::taxonomy::dsl;
use crate::taxonomy::Pattern;

/// Compiles a rule regex as `regex::bytes` would: patterns run in ASCII mode
/// over bytes, so `\W` may match bytes of multi-byte characters. `None` if
/// it does not compile.
pub(super) fn compile(source: &str) -> Option<DFA> {
    // The default 2 MB cache filled up on the gap patterns of the corpus and
    // was cleared and rebuilt again and again (≈ 4 % of all analysis
    // instructions in steady state); the capacity is a ceiling, not an
    // allocation: the peak memory of a corpus run did not change.
    DFA::builder()
        .configure(DFA::config().cache_capacity(8 << 20))
        .syntax(syntax::Config::new().utf8(false))
        .thompson(thompson::Config::new().utf8(false))
        .build(source)
        .ok()
}

/// A regex compiled the first time it is needed. A pattern that fails to
/// compile (impossible for the built-in taxonomy, which `build.rs`
/// compiles) never matches.
struct Lazy {
    source: Arc<str>,
    dfa: OnceLock<Option<DFA>>,
}

/// Every distinct regex of the taxonomy, by id.
#[derive(Default)]
pub struct Regexes {
    list: Vec<Lazy>,
    index: HashMap<Arc<str>, u32>,
    /// For a head with known start literals, which words it can start at,
    /// by regex id.
    starts: Vec<Option<Box<StartFilter>>>,
    /// By regex id: whether some branch with a tail has it as its head.
    /// The other heads only decide whether their branch matches, so a
    /// clause's search for them stops at the first match found.
    has_tail: Vec<bool>,
}

impl Regexes {
    fn intern(&mut self, source: &str) -> u32 {
        if let Some(&id) = self.index.get(source) {
            return id;
        }
        let id = self.list.len() as u32;
        let source: Arc<str> = source.into();
        self.index.insert(Arc::clone(&source), id);
        self.list.push(Lazy { source, dfa: OnceLock::new() });
        self.starts.push(None);
        self.has_tail.push(false);
        id
    }

    /// Where the leftmost-first match of regex `id` in `input` ends.
    fn search_end(&self, id: u32, caches: &mut [Option<Cache>], input: &Input) -> Option<usize> {
        let lazy = &self.list[id as usize];
        let dfa = lazy.dfa.get_or_init(|| compile(&lazy.source)).as_ref()?;
        let cache = caches[id as usize].get_or_insert_with(|| dfa.create_cache());
        // A lazy DFA only fails when told to give up on a thrashing cache
        // or to quit on some byte; neither is configured here.
        dfa.try_search_fwd(cache, input).ok().flatten().map(|m| m.offset())
    }

    /// Whether regex `id` matches in `input` (stops at the first match seen).
    fn is_match(&self, id: u32, caches: &mut [Option<Cache>], input: Input) -> bool {
        self.search_end(id, caches, &input.earliest(true)).is_some()
    }

    /// Where the successive leftmost-first matches of regex `id` end in
    /// `hay` (each search resumes where the previous match ended); with
    /// `first_only`, only whether there is one: at most one end, of the
    /// first match seen.
    fn ends(&self, id: u32, caches: &mut [Option<Cache>], hay: &[u8], first_only: bool, out: &mut Vec<usize>) {
        out.clear();
        if first_only {
            out.extend(self.search_end(id, caches, &Input::new(hay).earliest(true)));
            return;
        }
        let mut input = Input::new(hay);
        while let Some(end) = self.search_end(id, caches, &input) {
            out.push(end);
            let next = if end == input.start() { end + 1 } else { end };
            if next > hay.len() {
                break;
            }
            input.set_start(next);
        }
    }

    /// Like [`Regexes::ends`], for a head whose matches can only start at
    /// `candidates` (ascending byte offsets into `hay`: the word starts its
    /// [`StartFilter`] lets through): an anchored search at each candidate
    /// past the previous match. Same result, since the leftmost match
    /// starts at the first candidate where an anchored search succeeds,
    /// and reads a few bytes per candidate instead of the whole clause.
    /// With `first_only`, as [`Regexes::ends`].
    fn ends_at(&self, id: u32, caches: &mut [Option<Cache>], hay: &[u8], candidates: &[u32], first_only: bool, out: &mut Vec<usize>) {
        out.clear();
        let mut from = 0;
        for &c in candidates {
            let c = c as usize;
            if c < from {
                continue;
            }
            // A match starts at `c` exactly when the earliest one does.
            let input = Input::new(hay).range(c..).anchored(Anchored::Yes).earliest(first_only);
            if let Some(end) = self.search_end(id, caches, &input) {
                out.push(end);
                if first_only {
                    return;
                }
                from = if end == c { c + 1 } else { end };
            }
        }
    }

    /// Whether the tail `tail` matches anchored at `at` in `hay`.
    fn tail_at(&self, tail: u32, caches: &mut [Option<Cache>], hay: &[u8], at: usize) -> bool {
        self.is_match(tail, caches, Input::new(hay).range(at..).anchored(Anchored::Yes))
    }
}

/// One thread's working memory: regex state caches (kept between calls),
/// the gate's bits for the current clause, its word starts and the head
/// matches found in it. Entries are valid only when their stamp equals the
/// epoch, so moving to the next clause clears nothing.
pub struct Scratch {
    /// Disjunctions satisfied by the clause (see [`gate::Gate::scan`]).
    pub bits: Vec<u64>,
    /// The gate's own working memory.
    pub seen: gate::Seen,
    caches: Vec<Option<Cache>>,
    ends: Vec<Vec<usize>>,
    stamp: Vec<u32>,
    epoch: u32,
    /// Where words start in the clause; built for the clause stamped
    /// `words_stamp`.
    words: WordIndex,
    words_stamp: u32,
    /// Word starts a head can start at, in the current head search.
    candidates: Vec<u32>,
}

impl Scratch {
    /// Working memory for `regexes` and the gate's bit set `bits` and
    /// `seen`.
    pub fn new(regexes: &Regexes, bits: Vec<u64>, seen: gate::Seen) -> Self {
        let n = regexes.list.len();
        Scratch {
            bits,
            seen,
            caches: std::iter::repeat_with(|| None).take(n).collect(),
            ends: vec![Vec::new(); n],
            stamp: vec![0; n],
            epoch: 0,
            words: WordIndex::default(),
            words_stamp: u32::MAX,
            candidates: Vec::new(),
        }
    }

    /// Forgets the previous clause's head matches.
    pub fn next_clause(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
    }

    /// The head matches of regex `id` in the current clause `hay` (only
    /// the first one seen when no branch with a tail has it as its head).
    fn ends(&mut self, regexes: &Regexes, id: u32, hay: &[u8]) -> &[usize] {
        let i = id as usize;
        if self.stamp[i] != self.epoch {
            let first_only = !regexes.has_tail[i];
            match &regexes.starts[i] {
                Some(filter) => {
                    if self.words_stamp != self.epoch {
                        self.words.build(hay);
                        self.words_stamp = self.epoch;
                    }
                    self.words.candidates(filter, &mut self.candidates);
                    regexes.ends_at(id, &mut self.caches, hay, &self.candidates, first_only, &mut self.ends[i]);
                }
                None => regexes.ends(id, &mut self.caches, hay, first_only, &mut self.ends[i]),
            }
            self.stamp[i] = self.epoch;
        }
        &self.ends[i]
    }
}

struct Branch {
    head: u32,
    tail: Option<u32>,
    /// Disjunction ids the gate must have seen (empty when ungated); in a
    /// [`RuleBranches`] list, all but the first, which the list holds.
    needs: Box<[u32]>,
}

impl Branch {
    /// Interns `b`'s regexes; with `gate`, also registers the literals the
    /// branch needs and the literals its head starts with.
    fn new(b: &dsl::Branch, regexes: &mut Regexes, gate: Option<&mut GateBuilder>) -> Self {
        let head = regexes.intern(&b.head);
        regexes.has_tail[head as usize] |= b.tail.is_some();
        let tail = b.tail.as_deref().map(|t| (regexes.intern(t), t));
        let needs = match gate {
            None => Box::default(),
            Some(g) => {
                // Every head opens with `\b{start-half}` (see the
                // DSL); the gate's start positions rely on it.
                let facts = g.facts.get(head, &b.head, b.head.starts_with(dsl::HEAD_OPENING));
                if let Some(starts) = &facts.starts {
                    regexes.starts[head as usize] = StartFilter::new(starts);
                }
                let mut cond = facts.cond.clone();
                if let Some((id, t)) = tail {
                    cond.extend_from_slice(&g.facts.get(id, t, false).cond);
                }
                g.needs(cond)
            }
        };
        Branch { head, tail: tail.map(|(id, _)| id), needs }
    }

    /// Whether the branch matches the clause `scratch` was prepared for,
    /// `hay`, once its literals are known to be there (head matches shared).
    fn matches_gated(&self, regexes: &Regexes, hay: &[u8], scratch: &mut Scratch) -> bool {
        let ends = scratch.ends(regexes, self.head, hay).len();
        match self.tail {
            None => ends > 0,
            Some(tail) => (0..ends).any(|k| {
                let at = scratch.ends[self.head as usize][k];
                regexes.tail_at(tail, &mut scratch.caches, hay, at)
            }),
        }
    }

    /// Whether the branch matches anywhere in `hay`, any text (no gate, no
    /// shared head matches).
    fn is_match(&self, regexes: &Regexes, hay: &[u8], scratch: &mut Scratch) -> bool {
        match self.tail {
            None => regexes.is_match(self.head, &mut scratch.caches, Input::new(hay)),
            Some(tail) => {
                let mut ends = Vec::new();
                regexes.ends(self.head, &mut scratch.caches, hay, false, &mut ends);
                ends.iter().any(|&at| regexes.tail_at(tail, &mut scratch.caches, hay, at))
            }
        }
    }
}

/// The branches of `p` (see [`dsl::split`]). `build.rs` has split and
/// compiled every built-in pattern, so none fails here; one that did would
/// have no branch and never match, like a regex that does not compile.
fn split(p: Pattern) -> Vec<dsl::Branch> {
    dsl::split(p).unwrap_or_default()
}

/// A [`Pattern`] ready to match.
pub struct Matcher {
    branches: Vec<Branch>,
}

impl Matcher {
    /// Interns `p`'s regexes; with `gate`, also registers the literals each
    /// branch needs and the literals its head starts with.
    pub fn new(p: Pattern, regexes: &mut Regexes, mut gate: Option<&mut GateBuilder>) -> Self {
        Matcher { branches: split(p).iter().map(|b| Branch::new(b, regexes, gate.as_deref_mut())).collect() }
    }

    /// Whether the pattern matches somewhere in the clause `hay` that
    /// `scratch` was prepared for: branches the gate rules out are skipped,
    /// head matches are shared with the other patterns.
    pub fn is_match_gated(&self, regexes: &Regexes, hay: &[u8], scratch: &mut Scratch) -> bool {
        self.branches
            .iter()
            .any(|b| gate::satisfied(&b.needs, &scratch.bits) && b.matches_gated(regexes, hay, scratch))
    }

    /// Whether the pattern matches somewhere in `hay`, any text (no gate, no
    /// shared head matches; used for sentences that span several clauses).
    pub fn is_match(&self, regexes: &Regexes, hay: &[u8], scratch: &mut Scratch) -> bool {
        self.branches.iter().any(|b| b.is_match(regexes, hay, scratch))
    }
}

/// A branch's first need when it has none (the gate lets it through).
const UNGATED: u32 = u32::MAX;

/// The patterns of one category's rules, their branches flattened into one
/// list in rule order. The gate rules out about 96 % of the branches a
/// clause reaches, so the check that fails is kept to one load and a bit
/// test from a dense array: each branch's first needed disjunction sits
/// beside its rule index, and only a branch whose first need is met reads
/// the rest ([`Branch`]).
pub struct RuleBranches {
    /// Per branch: (first disjunction it needs or [`UNGATED`], rule index).
    checks: Box<[(u32, u32)]>,
    /// Per branch, the same order: its regexes and its other needs.
    branches: Box<[Branch]>,
}

impl RuleBranches {
    /// Interns the regexes of `patterns` (one per rule, in rule order) and
    /// registers their branches' literals with `gate`.
    pub fn new(patterns: impl IntoIterator<Item = Pattern>, regexes: &mut Regexes, gate: &mut GateBuilder) -> Self {
        let mut checks = Vec::new();
        let mut branches = Vec::new();
        for (rule, p) in patterns.into_iter().enumerate() {
            for b in &split(p) {
                let mut branch = Branch::new(b, regexes, Some(&mut *gate));
                let first = branch.needs.first().copied().unwrap_or(UNGATED);
                branch.needs = branch.needs.get(1..).unwrap_or_default().into();
                checks.push((first, rule as u32));
                branches.push(branch);
            }
        }
        RuleBranches { checks: checks.into(), branches: branches.into() }
    }

    /// The first rule (index, in rule order) whose pattern matches the
    /// clause `hay` that `scratch` was prepared for and that `allows`
    /// accepts (its sentence-level checks); `allows` runs only on rules
    /// whose pattern matched, at most once per rule.
    pub fn first_match(
        &self,
        regexes: &Regexes,
        hay: &[u8],
        scratch: &mut Scratch,
        mut allows: impl FnMut(usize, &mut Scratch) -> bool,
    ) -> Option<usize> {
        let mut i = 0;
        while i < self.checks.len() {
            let (first, rule) = self.checks[i];
            i += 1;
            if first != UNGATED && !gate::has(first, &scratch.bits) {
                continue;
            }
            let b = &self.branches[i - 1];
            if !gate::satisfied(&b.needs, &scratch.bits) || !b.matches_gated(regexes, hay, scratch) {
                continue;
            }
            if allows(rule as usize, scratch) {
                return Some(rule as usize);
            }
            // The pattern matched and the sentence refused the rule: its
            // other branches cannot change that.
            while self.checks.get(i).is_some_and(|c| c.1 == rule) {
                i += 1;
            }
        }
        None
    }

    /// Whether rule `rule`'s pattern matches anywhere in `hay`, with no
    /// gate and no shared head matches: what the gated search must equal.
    #[cfg(test)]
    pub fn rule_is_match(&self, rule: usize, regexes: &Regexes, hay: &[u8], scratch: &mut Scratch) -> bool {
        let rule = rule as u32;
        (0..self.branches.len())
            .filter(|&k| self.checks[k].1 == rule)
            .any(|k| self.branches[k].is_match(regexes, hay, scratch))
    }
}
