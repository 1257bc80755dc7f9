//! Pairing removed and added clauses into *modified* ones.
//!
//! After the alignment, a hunk holds old clauses that went and new ones that
//! came. A reworded clause shows up as one of each; the reader wants to see it
//! as one change ("help train Google's language models" → "… AI models"),
//! with the risk shift between the two, not as an unrelated deletion and
//! addition. So pairs whose [`similarity`] reaches [`THRESHOLD`] are
//! matched greedily, most similar first (ties: the pair closest in relative
//! position, then document order), first inside each hunk, then, among
//! what is left anywhere, across hunks (a clause moved *and* edited).
//!
//! Cost: every old clause is compared with the new ones within a window
//! around its proportional position, the window sized so that a matching
//! makes at most [`BUDGET`] comparisons (but never fewer than
//! `2 · MIN_WINDOW` per clause). Real hunks (up to ~1,000 × 1,000 clauses)
//! are compared exhaustively; a hostile 100,000-clause rewrite costs
//! O(BUDGET + n · MIN_WINDOW), not O(n²).

use super::align::Hunk;
use super::normalize::{similarity, Wording};

/// The least [`similarity`] (Dice on word multisets) for a removed and an
/// added clause to be reported as one modified clause.
///
/// Measured on the nine corpus pairs (`cargo test --test diff -- --ignored
/// --nocapture similarity_histogram`): of the 424 old clauses left in hunks,
/// the best match in their hunk scores ≥ 0.9 for 172 (a word or two
/// changed) and spreads evenly below. Reading the examples printed for
/// 0.35–0.65: from 0.5 to 0.65, 37 of 39 are true rewordings ("verify your
/// account" → "verify your account or provide additional information",
/// AAA → NAM arbitration rules); from 0.35 to 0.5 only about 20 of 33 are,
/// the rest being unrelated clauses that share the policy's vocabulary. A
/// wrong pairing misleads (it shows a risk shift that never happened) while
/// a missed one still shows both texts, as a removal and an addition, so
/// the threshold sits where pairing becomes reliable: 0.5.
pub const THRESHOLD: f32 = 0.5;

/// Comparisons one matching may make before its window narrows.
pub const BUDGET: usize = 1 << 21;

/// The narrowest window: new clauses on each side of an old clause's
/// proportional position that are always compared with it.
pub const MIN_WINDOW: usize = 16;

/// The outcome: modified pairs, and what stays a pure removal or addition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairing {
    /// `(old, new, similarity)`, in new-document order.
    pub modified: Vec<(usize, usize, f32)>,
    /// Old clause indices removed outright, ascending.
    pub removed: Vec<usize>,
    /// New clause indices added outright, ascending.
    pub added: Vec<usize>,
}

/// Pairs the clauses of `hunks` (see the module docs).
pub fn pair(old: &[Wording], new: &[Wording], hunks: &[Hunk]) -> Pairing {
    let mut out = Pairing::default();
    let mut rest_old = Vec::new();
    let mut rest_new = Vec::new();
    for h in hunks {
        let (pairs, ro, rn) = greedy(old, new, &h.removed, &h.added);
        out.modified.extend(pairs);
        rest_old.extend(ro);
        rest_new.extend(rn);
    }
    let (pairs, ro, rn) = greedy(old, new, &rest_old, &rest_new);
    out.modified.extend(pairs);
    // Each new clause is paired at most once: the keys are distinct.
    crate::sort::sort_by_key(&mut out.modified, |&(_, j, _)| j);
    out.removed = ro;
    out.added = rn;
    crate::sort::sort(&mut out.removed);
    crate::sort::sort(&mut out.added);
    out
}

/// Pairs `(old, new, similarity)`, then the unmatched old and new indices.
type Matching = (Vec<(usize, usize, f32)>, Vec<usize>, Vec<usize>);

/// Greedy best-first matching of `a` (old indices) with `b` (new indices).
fn greedy(old: &[Wording], new: &[Wording], a: &[usize], b: &[usize]) -> Matching {
    if a.is_empty() || b.is_empty() {
        return (Vec::new(), a.to_vec(), b.to_vec());
    }
    // (similarity, position distance, x, y) with x, y indices into a, b.
    let mut candidates: Vec<(f32, f32, usize, usize)> = Vec::new();
    let window = (BUDGET / (2 * a.len())).max(MIN_WINDOW);
    for (x, &i) in a.iter().enumerate() {
        let centre = x * b.len() / a.len();
        let lo = centre.saturating_sub(window);
        let hi = (centre + window).min(b.len());
        for (y, &j) in b.iter().enumerate().take(hi).skip(lo) {
            if !could_reach(old[i].tokens.len(), new[j].tokens.len()) {
                continue;
            }
            let s = similarity(&old[i], &new[j]);
            if s >= THRESHOLD {
                let distance = (x as f32 / a.len() as f32 - y as f32 / b.len() as f32).abs();
                candidates.push((s, distance, x, y));
            }
        }
    }
    crate::sort::sort_by(&mut candidates, |p, q| {
        q.0.total_cmp(&p.0).then(p.1.total_cmp(&q.1)).then(p.2.cmp(&q.2)).then(p.3.cmp(&q.3))
    });
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    let mut pairs = Vec::new();
    for (s, _, x, y) in candidates {
        if !used_a[x] && !used_b[y] {
            used_a[x] = true;
            used_b[y] = true;
            pairs.push((a[x], b[y], s));
        }
    }
    let ra = a.iter().zip(&used_a).filter(|(_, &u)| !u).map(|(&i, _)| i).collect();
    let rb = b.iter().zip(&used_b).filter(|(_, &u)| !u).map(|(&j, _)| j).collect();
    (pairs, ra, rb)
}

/// Whether clauses of `m` and `n` tokens can reach [`THRESHOLD`] at all:
/// Dice ≤ 2·min/(m+n), so very unequal lengths are skipped unscored.
fn could_reach(m: usize, n: usize) -> bool {
    m + n > 0 && (2 * m.min(n)) as f32 >= THRESHOLD * (m + n) as f32
}

#[cfg(test)]
mod tests {
    use super::super::normalize::wording;
    use super::*;

    #[test]
    fn reworded_clauses_pair_and_unrelated_ones_do_not() {
        let old = vec![
            wording("We use your data to help train our language models."),
            wording("You can close your account at any time."),
        ];
        let new = vec![
            wording("Any dispute will be resolved by binding arbitration."),
            wording("We use your data to help train our AI models and features."),
        ];
        let hunks = [Hunk { removed: vec![0, 1], added: vec![0, 1] }];
        let p = pair(&old, &new, &hunks);
        assert_eq!(p.modified.len(), 1, "{p:?}");
        assert_eq!((p.modified[0].0, p.modified[0].1), (0, 1));
        assert_eq!((p.removed.as_slice(), p.added.as_slice()), (&[1][..], &[0][..]));
    }

    #[test]
    fn leftovers_pair_across_hunks() {
        let old = vec![wording("We may share your data with advertisers for marketing.")];
        let new = vec![wording("We may share your personal data with advertisers for marketing.")];
        let hunks = [Hunk { removed: vec![0], added: vec![] }, Hunk { removed: vec![], added: vec![0] }];
        let p = pair(&old, &new, &hunks);
        assert_eq!(p.modified.len(), 1);
        assert!(p.removed.is_empty() && p.added.is_empty());
    }
}
