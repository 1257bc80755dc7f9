//! How much a score would move with other documents: a percentile bootstrap
//! over documents.
//!
//! Sentences of one document are not independent — a service's annotator,
//! template and wording move together — so resampling sentences would make
//! the interval far too narrow. Resampling whole documents (services on
//! UNFAIR-ToS, documents on CLAUDETTE-2024) with replacement is the cluster
//! bootstrap: each resample draws as many documents as there are, pools
//! their counts, and scores macro- and micro-F1 as [`super::metrics`] does.
//! With 10 dev services the interval is coarse, but it says which
//! differences are larger than a change of documents makes.
//!
//! Two variants scored on the same documents are compared *paired*
//! ([`paired`]): each draw scores both on the same resampled documents, so
//! what the documents share cancels out and the interval of the difference
//! is much narrower than either score's.
//!
//! Deterministic: a fixed seed and a fixed number of resamples, so `eval`
//! prints the same interval every run.

use serde::Serialize;

use super::metrics::{macro_micro, Counts};

/// Resamples drawn.
pub const RESAMPLES: usize = 2000;
/// Seed of the document draws.
const SEED: u64 = 0x0b00_75ea_d5ee_d001;

/// A 95 % percentile interval of macro- and micro-F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Documents resampled.
    pub documents: usize,
    /// 2.5th and 97.5th percentiles of macro-F1 over the resamples.
    pub macro_f1: (f64, f64),
    /// The same for micro-F1.
    pub micro_f1: (f64, f64),
}

/// The document draws: `RESAMPLES` times, `n` document indices drawn with
/// replacement (splitmix64 from a fixed seed: tiny, and good enough to pick
/// documents).
struct Draws {
    state: u64,
}

impl Draws {
    fn new() -> Self {
        Draws { state: SEED }
    }

    /// Fills `pick` with the next resample's document indices, each `< n`
    /// with `n = pick.len()`.
    fn next_into(&mut self, pick: &mut [usize]) {
        let n = pick.len() as u64;
        for p in pick {
            self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            // The modulo bias of a 64-bit draw over ≤ thousands of documents is negligible.
            *p = ((z ^ (z >> 31)) % n) as usize;
        }
    }
}

/// The per-category counts of the documents `pick` (with repeats) of
/// `docs`, written over `out`; then their macro- and micro-F1.
fn pool(docs: &[Vec<Counts>], pick: &[usize], out: &mut Vec<Counts>) -> (f64, f64) {
    out.clear();
    out.resize(docs.first().map_or(0, Vec::len), Counts::default());
    for &d in pick {
        for (p, c) in out.iter_mut().zip(&docs[d]) {
            *p = p.merged(*c);
        }
    }
    macro_micro(out)
}

/// The 95 % interval of `documents` (each: its counts per category, all of
/// the same length); `None` with fewer than two documents, where resampling
/// says nothing.
pub fn interval(documents: &[Vec<Counts>]) -> Option<Interval> {
    let n = documents.len();
    if n < 2 {
        return None;
    }
    let mut draws = Draws::new();
    let (mut pick, mut pooled) = (vec![0; n], Vec::new());
    let (mut macros, mut micros) = (Vec::with_capacity(RESAMPLES), Vec::with_capacity(RESAMPLES));
    for _ in 0..RESAMPLES {
        draws.next_into(&mut pick);
        let (ma, mi) = pool(documents, &pick, &mut pooled);
        macros.push(ma);
        micros.push(mi);
    }
    Some(Interval { documents: n, macro_f1: percentiles(&mut macros), micro_f1: percentiles(&mut micros) })
}

/// The difference `b − a` between two variants scored on the same
/// documents, and its 95 % paired interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Paired {
    /// Documents resampled.
    pub documents: usize,
    /// Macro-F1 of `b` minus that of `a`, on all the documents.
    pub macro_delta: f64,
    /// 2.5th and 97.5th percentiles of the macro-F1 difference.
    pub macro_interval: (f64, f64),
    /// Micro-F1 of `b` minus that of `a`.
    pub micro_delta: f64,
    /// 2.5th and 97.5th percentiles of the micro-F1 difference.
    pub micro_interval: (f64, f64),
}

/// Compares `b` with `a`, two scorings of the same documents in the same
/// order (each document: counts per category). `None` with fewer than two
/// documents or when the two do not have the same shape.
pub fn paired(a: &[Vec<Counts>], b: &[Vec<Counts>]) -> Option<Paired> {
    let n = a.len();
    let width = a.first()?.len();
    if n < 2 || b.len() != n || a.iter().chain(b).any(|d| d.len() != width) {
        return None;
    }
    let (mut pa, mut pb) = (Vec::new(), Vec::new());
    let all: Vec<usize> = (0..n).collect();
    let ((ma, ia), (mb, ib)) = (pool(a, &all, &mut pa), pool(b, &all, &mut pb));
    let mut draws = Draws::new();
    let mut pick = vec![0; n];
    let (mut macros, mut micros) = (Vec::with_capacity(RESAMPLES), Vec::with_capacity(RESAMPLES));
    for _ in 0..RESAMPLES {
        draws.next_into(&mut pick);
        let ((xa, ya), (xb, yb)) = (pool(a, &pick, &mut pa), pool(b, &pick, &mut pb));
        macros.push(xb - xa);
        micros.push(yb - ya);
    }
    Some(Paired {
        documents: n,
        macro_delta: mb - ma,
        macro_interval: percentiles(&mut macros),
        micro_delta: ib - ia,
        micro_interval: percentiles(&mut micros),
    })
}

/// The 2.5th and 97.5th percentiles (nearest rank) of `xs`.
fn percentiles(xs: &mut [f64]) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    let at = |q: f64| xs[((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1];
    (at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(tp: usize, fp: usize, fn_: usize) -> Vec<Counts> {
        vec![Counts { tp, fp, fn_ }]
    }

    #[test]
    fn identical_documents_give_a_point() {
        let docs = vec![doc(3, 1, 1); 5];
        let iv = interval(&docs).expect("five documents");
        assert_eq!(iv.macro_f1, (0.75, 0.75));
        assert_eq!(iv.micro_f1, (0.75, 0.75));
    }

    #[test]
    fn differing_documents_give_an_interval_around_the_pooled_score() {
        // Pooled: tp 10, fp 10, fn 0 → F1 0.5.
        let docs: Vec<_> = (0..10).map(|i| if i % 2 == 0 { doc(2, 0, 0) } else { doc(0, 2, 0) }).collect();
        let iv = interval(&docs).expect("ten documents");
        assert!(iv.micro_f1.0 < 0.5 && 0.5 < iv.micro_f1.1, "{iv:?}");
        assert!(iv.micro_f1.0 > 0.0 && iv.micro_f1.1 < 1.0, "{iv:?}");
        assert_eq!(interval(&docs), Some(iv), "deterministic");
    }

    #[test]
    fn a_paired_difference_is_narrower_than_either_interval() {
        // b finds one more true positive than a in every document, whose
        // own scores vary a lot: the difference is always positive.
        let a: Vec<_> = (0..10).map(|i| doc(1 + i, 2, 3)).collect();
        let b: Vec<_> = (0..10).map(|i| doc(2 + i, 2, 2)).collect();
        let p = paired(&a, &b).expect("same documents");
        assert!(p.micro_delta > 0.0 && p.micro_interval.0 > 0.0, "{p:?}");
        let (ia, ib) = (interval(&a).expect("a"), interval(&b).expect("b"));
        assert!(ia.micro_f1.1 > ib.micro_f1.0, "the single intervals overlap: {ia:?} {ib:?}");
        assert_eq!(paired(&a, &a).map(|p| (p.micro_delta, p.micro_interval)), Some((0.0, (0.0, 0.0))));
        assert_eq!(paired(&a, &b[1..]), None, "different documents");
    }

    #[test]
    fn one_document_has_no_interval() {
        assert_eq!(interval(&[doc(1, 0, 0)]), None);
        assert_eq!(interval(&[]), None);
    }
}
