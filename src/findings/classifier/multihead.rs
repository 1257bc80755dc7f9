//! One scan per category for its tail-less heads.
//!
//! A head that no branch with a tail uses only decides whether its branch
//! matches the clause. The tail-less heads of one category's rules are
//! compiled together into one multi-pattern lazy DFA (`MatchKind::All`); an
//! overlapping search over the clause says *which* of them match in one
//! pass, and the answer is kept for the clause, so the other heads of the
//! group cost nothing more. The individual searches it replaces stop at
//! their first match (or read a few bytes at each candidate word start);
//! the group scan always reads the whole clause.

use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternID, PatternSet};

/// Fewer tail-less heads than this in a category: they stay individual
/// searches (one head gains nothing from a group).
const MIN_GROUP: usize = 2;

/// Compiles `sources` into one forward lazy DFA reporting every pattern
/// that matches, in the byte mode of [`super::matcher::compile`]. `None` if
/// one does not compile.
pub(super) fn compile_many(sources: &[Arc<str>]) -> Option<DFA> {
    let sources: Vec<&str> = sources.iter().map(|s| &**s).collect();
    // The same ceiling as one regex's cache (a ceiling, not an allocation):
    // at most 8 MB per group that a clause reached.
    DFA::builder()
        .configure(DFA::config().match_kind(MatchKind::All).cache_capacity(8 << 20))
        .syntax(syntax::Config::new().utf8(false))
        .thompson(thompson::Config::new().utf8(false))
        .build_many(&sources)
        .ok()
}

/// The tail-less heads of one category, compiled on first use.
struct Group {
    sources: Vec<Arc<str>>,
    dfa: OnceLock<Option<DFA>>,
}

/// Every group, and which group answers for a head (by regex id).
#[derive(Default)]
pub struct Groups {
    list: Vec<Group>,
    /// By regex id: (group, pattern index in it); `None` for heads searched
    /// on their own.
    of: Vec<Option<(u32, u32)>>,
}

impl Groups {
    /// Makes a group of `heads` (regex id and source: distinct tail-less
    /// heads not yet in a group) if there are enough of them.
    pub fn add(&mut self, heads: Vec<(u32, Arc<str>)>) {
        if heads.len() < MIN_GROUP {
            return;
        }
        let g = self.list.len() as u32;
        let mut sources = Vec::with_capacity(heads.len());
        for (p, (id, source)) in heads.into_iter().enumerate() {
            let id = id as usize;
            if self.of.len() <= id {
                self.of.resize(id + 1, None);
            }
            self.of[id] = Some((g, p as u32));
            sources.push(source);
        }
        self.list.push(Group { sources, dfa: OnceLock::new() });
    }

    /// The group and pattern index answering for regex `id`, if any.
    pub fn member(&self, id: u32) -> Option<(u32, u32)> {
        self.of.get(id as usize).copied().flatten()
    }

    /// Whether pattern `p` of group `g` matches in `hay`, the clause stamped
    /// `epoch` in `scratch`: the group is scanned once per clause.
    pub fn matches(&self, g: u32, p: u32, scratch: &mut GroupScratch, epoch: u32, hay: &[u8]) -> bool {
        let gi = g as usize;
        if scratch.stamp[gi] != epoch {
            let group = &self.list[gi];
            let set = scratch.sets[gi].get_or_insert_with(|| PatternSet::new(group.sources.len()));
            set.clear();
            if let Some(dfa) = group.dfa.get_or_init(|| compile_many(&group.sources)).as_ref() {
                let cache = scratch.caches[gi].get_or_insert_with(|| dfa.create_cache());
                // Not `earliest`: an overlapping search told to stop early
                // stops after its first pattern. Fails only on a give-up or
                // quit configuration, and none is set.
                let _ = dfa.try_which_overlapping_matches(cache, &Input::new(hay), set);
            }
            scratch.stamp[gi] = epoch;
        }
        scratch.sets[gi].as_ref().is_some_and(|s| PatternID::new(p as usize).is_ok_and(|id| s.contains(id)))
    }

    /// The grouped heads (regex ids) whose group answer on `hay` differs
    /// from `alone` (the head searched on its own), and how many matched
    /// on their own.
    #[cfg(test)]
    pub fn disagreements(&self, hay: &[u8], mut alone: impl FnMut(u32) -> bool) -> (usize, Vec<u32>) {
        let mut scratch = self.scratch();
        let members = self.of.iter().enumerate().filter_map(|(id, m)| m.map(|m| (id as u32, m)));
        let mut matched = 0;
        let mut bad = Vec::new();
        for (id, (g, p)) in members {
            let own = alone(id);
            matched += usize::from(own);
            if self.matches(g, p, &mut scratch, 1, hay) != own {
                bad.push(id);
            }
        }
        (matched, bad)
    }

    /// Working memory for these groups.
    pub fn scratch(&self) -> GroupScratch {
        let n = self.list.len();
        GroupScratch {
            caches: std::iter::repeat_with(|| None).take(n).collect(),
            sets: std::iter::repeat_with(|| None).take(n).collect(),
            stamp: vec![0; n],
        }
    }
}

/// Per group: its state cache (kept between clauses) and which of its
/// patterns matched the clause whose epoch is its stamp.
pub struct GroupScratch {
    caches: Vec<Option<Cache>>,
    sets: Vec<Option<PatternSet>>,
    stamp: Vec<u32>,
}

impl GroupScratch {
    /// Forgets every clause's answers (when the epoch wraps around).
    pub fn reset(&mut self) {
        self.stamp.fill(0);
    }
}
