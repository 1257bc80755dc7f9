//! Rule patterns as compiled regexes, and how one is matched on a clause.
//!
//! A pattern is a list of branches, each a gap-free *head* searched
//! unanchored and an optional *tail* run anchored where a head match ends
//! (see [`crate::taxonomy::dsl::split`]). Many rules share a head ("may",
//! "we do not"), so heads are interned in a [`Heads`] table and, within one
//! clause, each head is searched at most once: [`Scratch`] remembers where
//! its matches end.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

use super::gate::{self, GateBuilder};
use super::literals;
use crate::taxonomy::Pattern;

/// A regex compiled the first time it is needed. A pattern that fails to
/// compile (impossible for the built-in taxonomy, which `build.rs`
/// compiles) never matches.
///
/// Only a forward lazy DFA is built, not a full `meta::Regex`: the engine
/// never needs where a match starts (only whether and where it ends), and
/// the gate has already checked its literals, so the reverse automaton and
/// the prefilters a meta regex builds were pure cost — compiling them was
/// most of a restarted service worker's first analysis.
pub struct Lazy {
    source: &'static str,
    compiled: OnceLock<Option<Compiled>>,
}

struct Compiled {
    dfa: DFA,
    /// The DFA's state cache. The engine runs on one thread (the wasm is
    /// single-threaded, the CLI analyses one document at a time), so the
    /// lock is never contended.
    cache: Mutex<Cache>,
}

impl Lazy {
    fn new(source: &'static str) -> Self {
        Lazy { source, compiled: OnceLock::new() }
    }

    fn get(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| compile(self.source).map(|dfa| Compiled { cache: Mutex::new(dfa.create_cache()), dfa }))
            .as_ref()
    }

    /// Where the leftmost-first match in `input` ends, if there is one.
    fn search_end(&self, input: &Input) -> Option<usize> {
        let c = self.get()?;
        let mut cache = c.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // A lazy DFA only fails when told to give up on a thrashing cache
        // or to quit on some byte; neither is configured here.
        c.dfa.try_search_fwd(&mut cache, input).ok().flatten().map(|m| m.offset())
    }

    /// Whether `input` holds a match (stops at the first one seen).
    fn is_match(&self, input: Input) -> bool {
        self.search_end(&input.earliest(true)).is_some()
    }
}

/// Compiles a rule regex as `regex::bytes` would: patterns run in ASCII mode
/// over bytes, so `\W` may match bytes of multi-byte characters. `None` if
/// it does not compile.
pub(super) fn compile(source: &str) -> Option<DFA> {
    DFA::builder()
        .syntax(syntax::Config::new().utf8(false))
        .thompson(thompson::Config::new().utf8(false))
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
        let head = &self.list[id as usize];
        let mut input = Input::new(hay);
        while let Some(end) = head.search_end(&input) {
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
            match &b.tail {
                None => !scratch.ends(heads, b.head, hay).is_empty(),
                Some(tail) => scratch
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
            match &b.tail {
                None => heads.list[b.head as usize].is_match(Input::new(hay)),
                Some(tail) => {
                    let mut ends = Vec::new();
                    heads.ends(b.head, hay, &mut ends);
                    ends.iter().any(|&end| tail.is_match(Input::new(hay).range(end..).anchored(Anchored::Yes)))
                }
            }
        })
    }
}
