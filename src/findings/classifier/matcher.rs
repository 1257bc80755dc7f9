//! Rule patterns as compiled regexes, and how one is matched on a clause.
//!
//! A pattern is a list of branches, each a gap-free *head* searched
//! unanchored and an optional *tail* run anchored where a head match ends
//! (see [`crate::taxonomy::dsl::split`]). Many rules share a head ("may",
//! "we do not"), so heads are interned in a [`Heads`] table and, within one
//! clause, each head is searched at most once: [`Scratch`] remembers where
//! its matches end.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};

use super::gate::{self, GateBuilder};
use super::literals;
use crate::taxonomy::Pattern;

/// A regex compiled the first time it is needed. A pattern that fails to
/// compile (impossible for the built-in taxonomy, which `build.rs`
/// compiles) never matches.
pub struct Lazy {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Lazy {
    fn new(source: &'static str) -> Self {
        Lazy { source, compiled: OnceLock::new() }
    }

    fn get(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| compile(self.source)).as_ref()
    }
}

/// Compiles a rule regex as `regex::bytes` would: patterns run in ASCII mode
/// over bytes, so `\W` may match bytes of multi-byte characters. `None` if
/// it does not compile.
pub(super) fn compile(source: &str) -> Option<Regex> {
    Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().utf8(false))
        .configure(Regex::config().utf8_empty(false))
        .build(source)
        .ok()
}

/// The distinct heads of all patterns, by index.
#[derive(Default)]
pub struct Heads {
    list: Vec<Lazy>,
    index: HashMap<&'static str, u32>,
}

impl Heads {
    fn intern(&mut self, source: &'static str) -> u32 {
        let next = self.list.len() as u32;
        let id = *self.index.entry(source).or_insert(next);
        if id == next {
            self.list.push(Lazy::new(source));
        }
        id
    }

    /// Where the leftmost-first matches of head `id` end in `hay`, in order
    /// (each search resumes where the previous match ended).
    fn ends(&self, id: u32, hay: &[u8], out: &mut Vec<usize>) {
        out.clear();
        let Some(head) = self.list[id as usize].get() else { return };
        // Only where head matches end matters, so a forward half-search
        // suffices (no reverse scan for the start).
        let mut input = Input::new(hay);
        while let Some(m) = head.search_half(&input) {
            let end = m.offset();
            out.push(end);
            let next = if end == input.start() { end + 1 } else { end };
            if next > hay.len() {
                break;
            }
            input.set_start(next);
        }
    }
}

/// Per-clause working memory: the disjunction bits of the gate and the
/// head matches found so far. Reused across clauses without clearing: an
/// entry is valid only when its stamp equals the current epoch.
pub struct Scratch {
    /// Disjunctions satisfied by the clause (see [`gate::Gate::scan`]).
    pub bits: Vec<u64>,
    ends: Vec<Vec<usize>>,
    stamp: Vec<u32>,
    epoch: u32,
}

impl Scratch {
    /// Working memory for `heads` and a gate bit set `bits`.
    pub fn new(heads: &Heads, bits: Vec<u64>) -> Self {
        let n = heads.list.len();
        Scratch { bits, ends: vec![Vec::new(); n], stamp: vec![0; n], epoch: 0 }
    }

    /// Forgets the previous clause's head matches.
    pub fn next_clause(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
    }

    fn ends(&mut self, heads: &Heads, id: u32, hay: &[u8]) -> &[usize] {
        let i = id as usize;
        if self.stamp[i] != self.epoch {
            heads.ends(id, hay, &mut self.ends[i]);
            self.stamp[i] = self.epoch;
        }
        &self.ends[i]
    }
}

struct Branch {
    head: u32,
    tail: Option<Lazy>,
    /// Disjunction ids the gate must have seen (empty when ungated).
    needs: Box<[u32]>,
}

/// A [`Pattern`] ready to match.
pub struct Matcher {
    branches: Vec<Branch>,
}

impl Matcher {
    /// Interns `p`'s heads; with `gate`, also registers the literals each
    /// branch needs (for patterns matched on the clause the gate scans).
    pub fn new(p: Pattern, heads: &mut Heads, mut gate: Option<&mut GateBuilder>) -> Self {
        let branches = p
            .iter()
            .map(|b| {
                let needs = match gate.as_deref_mut() {
                    None => Box::default(),
                    Some(g) => {
                        let mut cond = literals::required(b.head);
                        cond.extend(b.tail.map(literals::required).unwrap_or_default());
                        g.needs(cond)
                    }
                };
                Branch { head: heads.intern(b.head), tail: b.tail.map(Lazy::new), needs }
            })
            .collect();
        Matcher { branches }
    }

    /// Whether the pattern matches somewhere in the clause `hay` that
    /// `scratch` was prepared for: branches the gate rules out are skipped,
    /// head matches are shared with the other patterns.
    pub fn is_match_gated(&self, heads: &Heads, hay: &[u8], scratch: &mut Scratch) -> bool {
        self.branches.iter().any(|b| {
            if !gate::satisfied(&b.needs, &scratch.bits) {
                return false;
            }
            match b.tail.as_ref().map(Lazy::get) {
                None => !scratch.ends(heads, b.head, hay).is_empty(),
                Some(None) => false,
                Some(Some(tail)) => scratch
                    .ends(heads, b.head, hay)
                    .iter()
                    .any(|&end| tail.is_match(Input::new(hay).range(end..).anchored(Anchored::Yes))),
            }
        })
    }

    /// Whether the pattern matches somewhere in `hay` (any text: no gate, no
    /// sharing; used for sentence-level checks).
    pub fn is_match(&self, heads: &Heads, hay: &[u8]) -> bool {
        self.branches.iter().any(|b| {
            let Some(head) = heads.list[b.head as usize].get() else { return false };
            match b.tail.as_ref().map(Lazy::get) {
                None => head.is_match(hay),
                Some(None) => false,
                Some(Some(tail)) => {
                    let mut ends = Vec::new();
                    heads.ends(b.head, hay, &mut ends);
                    ends.iter().any(|&end| tail.is_match(Input::new(hay).range(end..).anchored(Anchored::Yes)))
                }
            }
        })
    }
}
