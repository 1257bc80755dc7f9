//! Threshold selection for the category heads (native only).
//!
//! A head has two thresholds (see [`super::combine`]): `threshold` for
//! sentences no rule flags and a lower `veto` for sentences a rule flags.
//! They are chosen to maximise a *weighted* F1 over a tuning set of scored
//! sentences, each carrying a weight: tp, fp and the positives are sums of
//! weights instead of counts.
//!
//! Why weights: the tuning set pools two corpora of different size and
//! labelling habits — UNFAIR-ToS dev (2,275 sentences, 9 to 67 positives a
//! category) and the out-of-fold scores of the CLAUDETTE-2024 documents
//! (≈13,000 sentences). Unweighted, CLAUDETTE would decide every threshold;
//! weighting each corpus's sentences so that its positives carry a fixed
//! share of the positive mass ([`corpus_weights`]) makes the pooled F1
//! behave like a weighted mean of the two corpora's F1s, while thresholds
//! no longer hang on a handful of dev sentences (arbitration has 9).

/// The sentences of one tuning corpus for one category.
#[derive(Debug, Clone, Default)]
pub struct Column {
    /// Head score per sentence.
    pub scores: Vec<f64>,
    /// Whether a rule flags the sentence in this category.
    pub ruled: Vec<bool>,
    /// Whether the sentence is labelled with the category.
    pub gold: Vec<bool>,
}

impl Column {
    /// Number of positives.
    pub fn positives(&self) -> usize {
        self.gold.iter().filter(|&&g| g).count()
    }

    /// The lowest score of a positive (`+inf` when there is none).
    pub fn min_positive(&self) -> f64 {
        self.scores.iter().zip(&self.gold).filter(|(_, &g)| g).map(|(&s, _)| s).fold(f64::INFINITY, f64::min)
    }
}

/// Per-sentence weights for pooling `columns` so that the positives of
/// column k carry `shares[k]` of the total positive weight (shares are
/// renormalised over the columns that have positives; a column without
/// positives gets weight 1 per sentence, and so only adds false positives).
pub fn corpus_weights(columns: &[&Column], shares: &[f64]) -> Vec<f64> {
    let total: f64 = columns.iter().zip(shares).filter(|(c, _)| c.positives() > 0).map(|(_, &s)| s).sum();
    let mut out = Vec::new();
    for (c, &share) in columns.iter().zip(shares) {
        let pos = c.positives();
        let w = if pos == 0 || total <= 0.0 { 1.0 } else { share / total * 1000.0 / pos as f64 };
        out.extend(std::iter::repeat_n(w, c.scores.len()));
    }
    out
}

/// Concatenates columns (for [`best_pair`]).
pub fn pool(columns: &[&Column]) -> Column {
    let mut out = Column::default();
    for c in columns {
        out.scores.extend(&c.scores);
        out.ruled.extend(&c.ruled);
        out.gold.extend(&c.gold);
    }
    out
}

/// Weighted F1 from weighted counts (0 when there is no positive).
fn f1(tp: f64, fp: f64, pos: f64) -> f64 {
    if pos <= 0.0 {
        0.0
    } else {
        2.0 * tp / (tp + fp + pos)
    }
}

/// The pair (threshold, veto) maximising the weighted F1 of `c` (weights
/// `w`, one per sentence) where a sentence is predicted when its score is
/// ≥ threshold, or, if a rule flags it, ≥ veto; veto ≤ threshold and
/// veto ≤ `max_veto` (`-inf`: no veto, every rule hit stands). Ties go to
/// the lowest veto (the rules are overruled only when that measurably
/// helps), then to the widest margin. Returns (threshold, veto, weighted F1).
pub fn best_pair(c: &Column, w: &[f64], max_veto: f64) -> (f64, f64, f64) {
    let pos: f64 = c.gold.iter().zip(w).filter(|(&g, _)| g).map(|(_, &x)| x).sum();
    // Unruled sentences, by falling score: the threshold sweep.
    let mut rest: Vec<(f64, bool, f64)> = Vec::new();
    let mut ruled: Vec<(f64, bool, f64)> = Vec::new();
    for ((&s, &r), (&g, &x)) in c.scores.iter().zip(&c.ruled).zip(c.gold.iter().zip(w)) {
        if r { ruled.push((s, g, x)) } else { rest.push((s, g, x)) }
    }
    rest.sort_by(|a, b| b.0.total_cmp(&a.0));
    ruled.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Veto cuts: -inf (keep every rule hit), then between consecutive
    // distinct ruled scores, then above the highest.
    let mut cuts = vec![f64::NEG_INFINITY];
    let mut distinct: Vec<f64> = ruled.iter().map(|x| x.0).collect();
    distinct.dedup();
    cuts.extend(distinct.windows(2).map(|p| (p[0] + p[1]) / 2.0));
    cuts.extend(distinct.last().map(|&last| last + 0.05));
    cuts.retain(|&v| v == f64::NEG_INFINITY || v <= max_veto);
    let (mut tp_r, mut fp_r): (f64, f64) = ruled.iter().fold((0.0, 0.0), |(t, f), &(_, g, x)| if g { (t + x, f) } else { (t, f + x) });
    let mut below = 0; // ruled sentences under the current cut
    let mut best = (f64::NEG_INFINITY, 0.0, f64::NEG_INFINITY);
    for &v in &cuts {
        while below < ruled.len() && ruled[below].0 < v {
            let (_, g, x) = ruled[below];
            if g { tp_r -= x } else { fp_r -= x }
            below += 1;
        }
        let first_cut = rest.first().map_or(0.0, |x| x.0 + 0.05);
        let mut local = (f1(tp_r, fp_r, pos), first_cut.max(v));
        let (mut tp, mut fp) = (tp_r, fp_r);
        for k in 0..rest.len() {
            let (s, g, x) = rest[k];
            if g { tp += x } else { fp += x }
            // Only cut between distinct scores.
            if k + 1 < rest.len() && rest[k + 1].0 == s {
                continue;
            }
            let cut = rest.get(k + 1).map_or(s - 0.05, |n| (s + n.0) / 2.0);
            if f1(tp, fp, pos) > local.0 + 1e-12 && cut >= v {
                local = (f1(tp, fp, pos), cut);
            }
        }
        if local.0 > best.0 + 1e-12 {
            best = (local.0, local.1, v);
        }
    }
    (best.1, best.2, best.0.max(0.0))
}

/// Unweighted F1 of `c` at (threshold, veto).
pub fn f1_at(c: &Column, threshold: f64, veto: f64) -> f64 {
    let (mut tp, mut fp, mut pos) = (0.0, 0.0, 0.0);
    for ((&s, &r), &g) in c.scores.iter().zip(&c.ruled).zip(&c.gold) {
        let p = s >= threshold || (r && s >= veto);
        pos += f64::from(u8::from(g));
        if p && g {
            tp += 1.0;
        } else if p {
            fp += 1.0;
        }
    }
    f1(tp, fp, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(scores: &[f64], ruled: &[bool], gold: &[bool]) -> Column {
        Column { scores: scores.to_vec(), ruled: ruled.to_vec(), gold: gold.to_vec() }
    }

    #[test]
    fn veto_only_when_it_helps() {
        // Rule hits at 0.9 (gold) and -1.0 (not gold): a veto between them helps.
        let c = col(&[0.9, -1.0, 0.5, -0.2], &[true, true, false, false], &[true, false, true, false]);
        let (t, v, f1) = best_pair(&c, &[1.0; 4], f64::INFINITY);
        assert!((f1 - 1.0).abs() < 1e-12, "{t} {v} {f1}");
        assert!(v > -1.0 && v < 0.9 && t > -0.2 && t < 0.5);
        assert!((f1_at(&c, t, v) - 1.0).abs() < 1e-12);
        // Not allowed: the rule hit stands and F1 drops; capped below the
        // bad hit's score: the same.
        for cap in [f64::NEG_INFINITY, -1.5] {
            let (_, v, f1) = best_pair(&c, &[1.0; 4], cap);
            assert_eq!(v, f64::NEG_INFINITY);
            assert!(f1 < 1.0);
        }
        // Every rule hit is gold: no veto.
        let (_, v, _) = best_pair(&col(&[0.9, -1.0, 0.5], &[true, true, false], &[true, true, true]), &[1.0; 3], f64::INFINITY);
        assert_eq!(v, f64::NEG_INFINITY);
    }

    #[test]
    fn threshold_maximises_f1() {
        let c = col(&[0.9, 0.8, 0.1, -0.5], &[false; 4], &[true, true, false, false]);
        let (t, _, f1) = best_pair(&c, &[1.0; 4], f64::INFINITY);
        assert!((f1 - 1.0).abs() < 1e-12);
        assert!(t > 0.1 && t < 0.8);
    }

    #[test]
    fn weights_decide_between_corpora() {
        // Corpus A wants a cut above 0.5 (0.5 is a negative there), corpus B
        // below it (0.5 is a positive there); the heavier corpus wins.
        let a = col(&[0.9, 0.5], &[false; 2], &[true, false]);
        let b = col(&[0.5, 0.4, -1.0], &[false; 3], &[true, true, false]);
        let pooled = pool(&[&a, &b]);
        let (t, _, _) = best_pair(&pooled, &corpus_weights(&[&a, &b], &[0.9, 0.1]), f64::INFINITY);
        assert!(t > 0.5 && t < 0.9, "{t}");
        let (t, _, _) = best_pair(&pooled, &corpus_weights(&[&a, &b], &[0.1, 0.9]), f64::INFINITY);
        assert!(t > -1.0 && t < 0.4, "{t}");
    }
}
