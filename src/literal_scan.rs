//! Every occurrence of every string of a fixed set in a text, overlaps
//! included: what the rule gate and kind detection both count.
//!
//! An Aho–Corasick DFA walked here directly, one table lookup per byte. The
//! library's overlapping iterator reports the same matches, but returns
//! once per match through a dynamically dispatched search; on clauses full
//! of common words ("you", "data") that cost more than the walk itself.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// A set of literal byte strings, compiled for [`Literals::each_match`].
pub struct Literals {
    dfa: DFA,
}

impl Literals {
    /// Compiles `patterns` (pattern id = index in the list). `None` when the
    /// automaton cannot be built (it only fails beyond millions of states).
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Literals> {
        // No prefilter: it would make the start state special, and the walk
        // tests every state for being special.
        let dfa = DFA::builder().match_kind(MatchKind::Standard).prefilter(false).build(patterns).ok()?;
        Some(Literals { dfa })
    }

    /// A set with no strings: matches nothing.
    pub fn empty() -> Literals {
        let dfa = DFA::new(Vec::<&[u8]>::new());
        let Ok(dfa) = dfa else { unreachable!("an empty Aho-Corasick automaton always builds") };
        Literals { dfa }
    }

    /// Calls `f` with the pattern id of every occurrence of every pattern in
    /// `hay`, overlapping ones included, by end position (patterns ending at
    /// the same byte in the automaton's order).
    pub fn each_match(&self, hay: &[u8], mut f: impl FnMut(usize)) {
        let dfa = &self.dfa;
        // Built unanchored (the default start kind): the start state exists.
        let Ok(mut sid) = dfa.start_state(Anchored::No) else { return };
        let mut at = 0;
        loop {
            // An unanchored standard search never dies; the test keeps the
            // walk exact if it did.
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    return;
                }
                if dfa.is_match(sid) {
                    for i in 0..dfa.match_len(sid) {
                        f(dfa.match_pattern(sid, i).as_usize());
                    }
                }
            }
            let Some(&b) = hay.get(at) else { return };
            sid = dfa.next_state(Anchored::No, sid, b);
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use aho_corasick::AhoCorasick;

    use super::Literals;

    /// The walk reports exactly the matches of the library's overlapping
    /// iterator (same ids, same order), overlaps and repeats included.
    #[test]
    fn the_walk_equals_the_overlapping_iterator() {
        let patterns = ["you", "your", "our", "data", "personal data", "a", "ata", "sell", "sold"];
        let lits = Literals::new(&patterns).unwrap_or_else(Literals::empty);
        let ac = AhoCorasick::new(patterns).unwrap_or_else(|e| panic!("{e}"));
        let sample = include_str!("../samples/lumio-policy.html").to_ascii_lowercase();
        let mut total = 0;
        for hay in sample.lines().chain(["", "a", "your personal data, our data; yourself", "sold/sell"]) {
            let mut got = Vec::new();
            lits.each_match(hay.as_bytes(), |p| got.push(p));
            let want: Vec<usize> = ac.find_overlapping_iter(hay).map(|m| m.pattern().as_usize()).collect();
            assert_eq!(got, want, "on {hay:?}");
            total += got.len();
        }
        assert!(total > 1000, "only {total} matches compared");
        let mut none = 0;
        Literals::empty().each_match(b"your data", |_| none += 1);
        assert_eq!(none, 0);
    }
}
