//! Every distinct regex of the taxonomy, compiled on first use, and the
//! three ways the rules search one: unanchored over a clause (heads without
//! start literals), anchored at candidate word starts (heads with them) and
//! anchored where a head match ends (tails).
//!
//! Only forward lazy DFAs are built, not full `meta::Regex`es: the engine
//! never needs where a match starts (only whether and where it ends), and
//! the gate has already checked the literals, so the reverse automaton and
//! the prefilters a meta regex builds were pure cost. Anchored searches are
//! walked by hand ([`probe`]); unanchored ones use the library's search.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

use super::probe::{self, StartStates};
use super::starts::StartFilter;

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
    pub(super) starts: Vec<Option<Box<StartFilter>>>,
    /// By regex id: whether some branch with a tail has it as its head.
    /// The other heads only decide whether their branch matches, so a
    /// clause's search for them stops at the first match found.
    pub(super) has_tail: Vec<bool>,
}

impl Regexes {
    /// How many distinct regexes (ids are `0..len`).
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// The id of regex `source`, added if new.
    pub(super) fn intern(&mut self, source: &str) -> u32 {
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

    /// Regex `id` compiled (now, if this is its first use) with its cache
    /// and start states from `warm`; `None` if it does not compile.
    fn dfa<'w>(&self, id: u32, warm: &'w mut [Warm]) -> Option<(&DFA, &'w mut Cache, &'w mut StartStates)> {
        let lazy = &self.list[id as usize];
        let dfa = lazy.dfa.get_or_init(|| compile(&lazy.source)).as_ref()?;
        let w = &mut warm[id as usize];
        Some((dfa, w.cache.get_or_insert_with(|| dfa.create_cache()), &mut w.starts))
    }

    /// Where the leftmost-first match of regex `id` in `input` ends.
    fn search_end(&self, id: u32, warm: &mut [Warm], input: &Input) -> Option<usize> {
        let (dfa, cache, _) = self.dfa(id, warm)?;
        search(dfa, cache, input)
    }

    /// Whether regex `id` matches in `hay` (stops at the first match seen).
    pub(super) fn is_match(&self, id: u32, warm: &mut [Warm], hay: &[u8]) -> bool {
        self.search_end(id, warm, &Input::new(hay).earliest(true)).is_some()
    }

    /// Where the successive leftmost-first matches of regex `id` end in
    /// `hay` (each search resumes where the previous match ended); with
    /// `first_only`, only whether there is one: at most one end, of the
    /// first match seen.
    pub(super) fn ends(&self, id: u32, warm: &mut [Warm], hay: &[u8], first_only: bool, out: &mut Vec<usize>) {
        out.clear();
        if first_only {
            out.extend(self.search_end(id, warm, &Input::new(hay).earliest(true)));
            return;
        }
        let mut input = Input::new(hay);
        while let Some(end) = self.search_end(id, warm, &input) {
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
    pub(super) fn ends_at(&self, id: u32, warm: &mut [Warm], hay: &[u8], candidates: &[u32], first_only: bool, out: &mut Vec<usize>) {
        out.clear();
        let Some((dfa, cache, starts)) = self.dfa(id, warm) else { return };
        let mut from = 0;
        for &c in candidates {
            let c = c as usize;
            if c < from {
                continue;
            }
            // A match starts at `c` exactly when the earliest one does.
            if let Some(end) = anchored(dfa, cache, starts, hay, c, first_only) {
                out.push(end);
                if first_only {
                    return;
                }
                from = if end == c { c + 1 } else { end };
            }
        }
    }

    /// Whether the tail `tail` matches anchored at `at` in `hay`.
    pub(super) fn tail_at(&self, tail: u32, warm: &mut [Warm], hay: &[u8], at: usize) -> bool {
        let Some((dfa, cache, starts)) = self.dfa(tail, warm) else { return false };
        anchored(dfa, cache, starts, hay, at, true).is_some()
    }
}

/// Where the match of `dfa` anchored at `at` in `hay` ends (see [`probe`]).
fn anchored(dfa: &DFA, cache: &mut Cache, starts: &mut StartStates, hay: &[u8], at: usize, earliest: bool) -> Option<usize> {
    probe::anchored_end(dfa, cache, starts, hay, at, earliest).unwrap_or_else(|()| {
        search(dfa, cache, &Input::new(hay).range(at..).anchored(Anchored::Yes).earliest(earliest))
    })
}

/// Where the leftmost-first match of `dfa` in `input` ends.
fn search(dfa: &DFA, cache: &mut Cache, input: &Input) -> Option<usize> {
    // A lazy DFA only fails when told to give up on a thrashing cache or to
    // quit on some byte; neither is configured here.
    dfa.try_search_fwd(cache, input).ok().flatten().map(|m| m.offset())
}

/// One regex's search state in one thread, kept between calls: its lazy
/// DFA's cache (created on first use) and its anchored start states.
#[derive(Default)]
pub struct Warm {
    cache: Option<Cache>,
    starts: StartStates,
}
