//! Rule patterns as compiled regexes, and how one is matched on a clause.
//!
//! A pattern splits (at start-up) into branches, each a gap-free *head*
//! searched unanchored and an optional *tail* run anchored where a head
//! match ends (see [`crate::taxonomy::dsl::split`]). Every distinct regex source is
//! interned once in a [`Regexes`] table. Many rules share a head ("may",
//! "we do not"), and within one clause each head is searched at most once:
//! [`Scratch`] remembers where its matches end.
//!
//! A lazy DFA builds its states while it searches and keeps them in a
//! cache; warming a cache is what makes a first analysis slow, so caches
//! live in a [`Scratch`] that the classifier keeps between calls, one per
//! thread that classified.

use super::gate::{self, GateBuilder};
use super::regexes::{Regexes, Warm};
use super::starts::{StartFilter, WordIndex};
use crate::taxonomy::dsl;
use crate::taxonomy::Pattern;

/// One thread's working memory: regex state caches (kept between calls),
/// the gate's bits for the current clause, its word starts and the head
/// matches found in it. Entries are valid only when their stamp equals the
/// epoch, so moving to the next clause clears nothing.
pub struct Scratch {
    /// Disjunctions satisfied by the clause (see [`gate::Gate::scan`]).
    pub bits: Vec<u64>,
    /// The gate's own working memory.
    pub seen: gate::Seen,
    /// Per regex, its lazy DFA's cache and start states.
    warm: Vec<Warm>,
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
        let n = regexes.len();
        Scratch {
            bits,
            seen,
            warm: std::iter::repeat_with(Warm::default).take(n).collect(),
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
                    regexes.ends_at(id, &mut self.warm, hay, &self.candidates, first_only, &mut self.ends[i]);
                }
                None => regexes.ends(id, &mut self.warm, hay, first_only, &mut self.ends[i]),
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
                regexes.tail_at(tail, &mut scratch.warm, hay, at)
            }),
        }
    }

    /// Whether the branch matches anywhere in `hay`, any text (no gate, no
    /// shared head matches).
    fn is_match(&self, regexes: &Regexes, hay: &[u8], scratch: &mut Scratch) -> bool {
        match self.tail {
            None => regexes.is_match(self.head, &mut scratch.warm, hay),
            Some(tail) => {
                let mut ends = Vec::new();
                regexes.ends(self.head, &mut scratch.warm, hay, false, &mut ends);
                ends.iter().any(|&at| regexes.tail_at(tail, &mut scratch.warm, hay, at))
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
