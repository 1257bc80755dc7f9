//! The per-clause prefilter: one Aho–Corasick pass over a clause says which
//! categories are plausible (their triggers occur) and which rule branches
//! could match at all (the literals they need occur, see [`super::literals`]).
//!
//! A branch needs a conjunction of *disjunctions* ("sell" or "sold", and
//! "data" or "information"). Each distinct disjunction gets an id; a literal
//! found in the clause sets the bit of every disjunction it belongs to, so
//! checking a branch is testing a few bits. Identical disjunctions are
//! shared by all the branches that need them.

use std::collections::HashMap;

use super::facts::Memo;
use super::table::Table;
use super::literals::Condition;
use crate::literal_scan::Literals;
use crate::taxonomy::Category;

/// What an Aho–Corasick pattern stands for.
#[derive(Clone, Copy)]
enum Needle {
    /// A trigger of the category with this index.
    Trigger(u8),
    /// A rule literal: the disjunctions it satisfies are the bits of
    /// `members[start..end]` (word index, bits of that word).
    Literal { start: u32, end: u32 },
}

/// Collects the conditions of the rule branches while the classifier is
/// built, then compiles them into a [`Gate`].
pub struct GateBuilder {
    literals: HashMap<Vec<u8>, u32>,
    /// For each literal id, the disjunction ids containing it.
    literal_members: Vec<Vec<u32>>,
    disjunctions: HashMap<Vec<u32>, u32>,
    /// What each regex of the classifier's table asks of a clause.
    pub facts: Memo,
}

impl GateBuilder {
    /// A builder whose regex facts come from `table` first (see
    /// [`super::facts`]).
    pub fn new(table: Table) -> Self {
        GateBuilder { literals: HashMap::new(), literal_members: Vec::new(), disjunctions: HashMap::new(), facts: Memo::new(table) }
    }

    /// Registers a branch's condition; returns the disjunction ids it needs
    /// (all must be set for the branch to be worth a search).
    pub fn needs(&mut self, cond: Condition) -> Box<[u32]> {
        let mut ids: Vec<u32> = cond
            .into_iter()
            .map(|any| {
                let mut lits: Vec<u32> = any.into_iter().map(|l| self.literal(l)).collect();
                lits.sort_unstable();
                lits.dedup();
                let next = self.disjunctions.len() as u32;
                let id = *self.disjunctions.entry(lits.clone()).or_insert(next);
                if id == next {
                    for l in lits {
                        self.literal_members[l as usize].push(id);
                    }
                }
                id
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_boxed_slice()
    }

    fn literal(&mut self, literal: Vec<u8>) -> u32 {
        let next = self.literal_members.len() as u32;
        let id = *self.literals.entry(literal).or_insert(next);
        if id == next {
            self.literal_members.push(Vec::new());
        }
        id
    }

    /// Builds the automaton over the triggers of `categories` (index =
    /// category index, at most 64) and the registered literals.
    pub fn build(self, categories: &[Category]) -> Gate {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut needle = Vec::new();
        for (i, cat) in categories.iter().enumerate().take(64) {
            for t in cat.triggers {
                patterns.push(t.as_bytes().to_vec());
                needle.push(Needle::Trigger(i as u8));
            }
        }
        let mut by_id: Vec<(u32, Vec<u8>)> = self.literals.into_iter().map(|(l, id)| (id, l)).collect();
        crate::sort::sort(&mut by_id);
        let mut members: Vec<(u32, u64)> = Vec::new();
        for (id, literal) in by_id {
            let start = members.len() as u32;
            // A common literal ("you", "data") belongs to hundreds of
            // disjunctions: grouped by bit-set word, setting them is one OR
            // per word instead of one per disjunction.
            let mut ds = self.literal_members[id as usize].clone();
            ds.sort_unstable();
            for d in ds {
                let mine = members.len() as u32 > start;
                match members.last_mut() {
                    Some((w, bits)) if mine && *w == d / 64 => *bits |= 1 << (d % 64),
                    _ => members.push((d / 64, 1 << (d % 64))),
                }
            }
            patterns.push(literal);
            needle.push(Needle::Literal { start, end: members.len() as u32 });
        }
        // A DFA (a contiguous NFA measured 20 % slower here); ≈ 2 MB for
        // the built-in taxonomy. Triggers are checked by build.rs and
        // literals come from parsed regexes, so building cannot fail; an
        // empty automaton (nothing plausible) is the fallback.
        let ac = Literals::new(&patterns).unwrap_or_else(Literals::empty);
        Gate { ac, needle, members, words: self.disjunctions.len().div_ceil(64) }
    }
}

/// The compiled prefilter. See the module documentation.
pub struct Gate {
    ac: Literals,
    needle: Vec<Needle>,
    members: Vec<(u32, u64)>,
    /// `u64` words in a disjunction bit set.
    words: usize,
}

impl Gate {
    /// A bit set sized for [`Gate::scan`].
    pub fn bits(&self) -> Vec<u64> {
        vec![0; self.words]
    }

    /// One pass over `clause`: returns the categories with a trigger fully
    /// inside it (bit i = category i), and leaves in `bits` (cleared first)
    /// the disjunctions it satisfies. `seen` is working memory from
    /// [`Gate::seen`].
    pub fn scan(&self, clause: &[u8], bits: &mut [u64], seen: &mut Seen) -> u64 {
        bits.fill(0);
        seen.next();
        let mut mask = 0u64;
        self.ac.each_match(clause, |p| match self.needle[p] {
            Needle::Trigger(ci) => mask |= 1 << ci,
            // A common literal ("you") can belong to hundreds of
            // disjunctions: set them on its first occurrence only.
            Needle::Literal { start, end } if seen.first(p) => {
                for &(w, set) in &self.members[start as usize..end as usize] {
                    bits[w as usize] |= set;
                }
            }
            Needle::Literal { .. } => {}
        });
        mask
    }

    /// Working memory for [`Gate::scan`].
    pub fn seen(&self) -> Seen {
        Seen { stamp: vec![0; self.needle.len()], epoch: 0 }
    }
}

/// Which patterns a scan has met in the current clause: a pattern was met
/// when its stamp equals the epoch, so a new clause clears nothing.
pub struct Seen {
    stamp: Vec<u32>,
    epoch: u32,
}

impl Seen {
    fn next(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
    }

    /// Marks pattern `p` met; whether it was not already.
    fn first(&mut self, p: usize) -> bool {
        std::mem::replace(&mut self.stamp[p], self.epoch) != self.epoch
    }
}

/// Whether every disjunction in `needs` is set in `bits`.
pub fn satisfied(needs: &[u32], bits: &[u64]) -> bool {
    needs.iter().all(|&d| has(d, bits))
}

/// Whether disjunction `d` is set in `bits`.
pub fn has(d: u32, bits: &[u64]) -> bool {
    bits[d as usize / 64] & (1 << (d % 64)) != 0
}
