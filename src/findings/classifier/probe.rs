//! Anchored searches walked by hand: the heads probed at word starts and
//! the tails tried where a head match ends.
//!
//! They are ≈ 95 % of the rules' regex searches (≈ 275 k per pass over the
//! corpus against ≈ 11 k unanchored ones), and short: ≈ 85 % find nothing
//! and most of those die on the third or fourth byte ("provid…" tried at
//! "privacy"). Through `try_search_fwd` each paid the search's set-up (the
//! input's checks, the start state looked up from the look-behind byte, the
//! unrolled loop's entry and exit), several times the bytes it read, and more
//! so in wasm. [`anchored_end`] walks the lazy DFA with `next_state` from a
//! start state remembered per regex and look-behind class ([`StartStates`]).
//! Unanchored searches stay with the library, whose unrolled loop is faster
//! over a whole clause.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::{Anchored, Input};

/// Look-behind classes that decide a lazy DFA's start state: no byte (start
/// of text), `\n`, `\r`, an ASCII word byte, any other byte. The same
/// partition as `regex-automata`'s start byte map for a DFA without a custom
/// line terminator (the rules set none); a coarser one would be wrong (the
/// tests below compare with the library's search after each class).
const CLASSES: usize = 5;

#[inline]
fn class(look_behind: Option<u8>) -> usize {
    match look_behind {
        None => 0,
        Some(b'\n') => 1,
        Some(b'\r') => 2,
        Some(b) if super::starts::is_word_byte(b) => 3,
        Some(_) => 4,
    }
}

/// One regex's anchored start states by look-behind class, valid while its
/// cache has not been cleared since they were found (a clear renumbers the
/// states; a `Cache::reset`, which the classifier never does, would need a
/// new `StartStates`). 24 bytes per regex, whatever the text; `LazyStateID::default()`
/// (raw 0: the lazy DFA's sentinel states come first, so never a start
/// state) for "not found yet".
#[derive(Clone, Default)]
pub struct StartStates {
    /// The cache's clear count when the ids below were found.
    clears: u32,
    ids: [LazyStateID; CLASSES],
}

impl StartStates {
    /// The anchored start state of a search at byte `at` of `hay`; `None`
    /// if the lazy DFA gave up computing it.
    #[inline]
    fn get(&mut self, dfa: &DFA, cache: &mut Cache, hay: &[u8], at: usize) -> Option<LazyStateID> {
        let clears = cache.clear_count() as u32;
        if clears != self.clears {
            *self = StartStates { clears, ids: Default::default() };
        }
        let k = class(at.checked_sub(1).map(|p| hay[p]));
        if self.ids[k] == LazyStateID::default() {
            let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
            let sid = dfa.start_state_forward(cache, &input).ok()?;
            // Finding it may itself have cleared the cache: then it is
            // valid now but not remembered.
            if cache.clear_count() as u32 != clears {
                return Some(sid);
            }
            self.ids[k] = sid;
        }
        Some(self.ids[k])
    }
}

/// Where the match of `dfa` anchored at byte `at` of `hay` ends: the
/// leftmost-first match, or with `earliest` the first match state seen,
/// exactly as `try_search_fwd` with the same `Input` settings says (tested).
/// `Err` when the lazy DFA gave up on its cache or met a quit byte (neither
/// is configured for the rules) or `at` is past the end: the caller then
/// asks the library.
#[inline]
pub fn anchored_end(
    dfa: &DFA,
    cache: &mut Cache,
    starts: &mut StartStates,
    hay: &[u8],
    at: usize,
    earliest: bool,
) -> Result<Option<usize>, ()> {
    if at > hay.len() {
        return Err(());
    }
    let mut sid = starts.get(dfa, cache, hay, at).ok_or(())?;
    if sid.is_dead() {
        return Ok(None);
    }
    let mut end = None;
    // Match states are one byte late: entering one on the byte at `i` says
    // a match ended at `i`.
    for (i, &b) in hay.iter().enumerate().skip(at) {
        sid = dfa.next_state(cache, sid, b).map_err(|_| ())?;
        if sid.is_tagged() {
            if sid.is_match() {
                end = Some(i);
                if earliest {
                    return Ok(end);
                }
            } else if sid.is_dead() {
                return Ok(end);
            } else {
                return Err(()); // a quit state
            }
        }
    }
    sid = dfa.next_eoi_state(cache, sid).map_err(|_| ())?;
    Ok(if sid.is_match() { Some(hay.len()) } else { end })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::classifier::regexes::compile;
    use regex_automata::nfa::thompson;
    use regex_automata::util::syntax;

    /// `compile` with the smallest cache the lazy DFA accepts, so that
    /// walks clear it often.
    fn compile_small(src: &str) -> DFA {
        let config = DFA::config().cache_capacity(0).skip_cache_capacity_check(true);
        let built = DFA::builder()
            .configure(config)
            .syntax(syntax::Config::new().utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .build(src);
        built.unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    /// What the library's search says.
    fn library(dfa: &DFA, cache: &mut Cache, hay: &[u8], at: usize, earliest: bool) -> Option<usize> {
        let input = Input::new(hay).range(at..).anchored(Anchored::Yes).earliest(earliest);
        dfa.try_search_fwd(cache, &input).ok().flatten().map(|m| m.offset())
    }

    /// Hand-walked and library searches agree at every position of texts
    /// that put each look-behind class before a start, with matches that
    /// end mid-text, at the end of the text and on a look-ahead, and
    /// regexes that read the look-behind (`^` in multi-line mode, `\b`),
    /// both leftmost-first and earliest, with the rules' cache and with one
    /// so small it is cleared again and again (the remembered start states
    /// must follow each clear).
    #[test]
    fn the_walk_equals_the_library_search() {
        let regexes = [
            r"(?-u)\b{start-half}(?:(may|might)\W+(share|sell)\w*)\b{end-half}",
            r"(?-u)(?m)^\W*(do\W+not|never)\b",
            r"(?-u)(?mR)^do\b",
            r"(?-u)\bnot\b",
            r"(?-u)\W+(?:\w+\W+){0,3}(third\W+part\w*|partners?)\b{end-half}",
            r"(?-u)\Bay\w*",
            r"(?-u)(a|ab|abc)",
            r"(?-u)x*",
        ];
        let texts: [&[u8]; 5] = [
            b"we may share data. you might sell it, or may not\nnever do not\r\ndo not share\rdo it",
            b"may  sell; may\nshare with our third parties, partners and may sellers",
            b"abc ab a xabcx abcabc \xe2\x80\x99may share",
            b"not not-not knot\nnot",
            b"",
        ];
        let (mut checked, mut clears) = (0, 0);
        for src in regexes {
            let Some(dfa) = compile(src) else { panic!("does not compile: {src}") };
            for dfa in [dfa, compile_small(src)] {
                let mut walked = dfa.create_cache();
                let mut lib = dfa.create_cache();
                let mut starts = StartStates::default();
                for hay in texts {
                    for at in 0..=hay.len() {
                        for earliest in [false, true] {
                            let want = library(&dfa, &mut lib, hay, at, earliest);
                            let got = anchored_end(&dfa, &mut walked, &mut starts, hay, at, earliest);
                            assert_eq!(got, Ok(want), "{src} at {at} (earliest {earliest}) in {:?}", String::from_utf8_lossy(hay));
                            checked += usize::from(want.is_some());
                        }
                    }
                }
                clears += walked.clear_count();
            }
        }
        assert!(checked > 100, "only {checked} matches compared");
        assert!(clears > 10, "the small caches were cleared only {clears} times");
    }

    /// Past the end of the text the walk declines instead of panicking.
    #[test]
    fn a_start_past_the_end_is_left_to_the_caller() {
        let Some(dfa) = compile("a") else { panic!("compiles") };
        let mut cache = dfa.create_cache();
        assert_eq!(anchored_end(&dfa, &mut cache, &mut StartStates::default(), b"a", 2, false), Err(()));
    }
}
