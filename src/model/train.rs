//! The deterministic trainer behind `clausemark train` (native only).
//!
//! Each head is an L2-regularised, L2-loss linear SVM solved by dual
//! coordinate descent (the method of LIBLINEAR's default solver, written
//! here from its published description): one pass per epoch over the
//! examples in an order shuffled by a seeded xorshift generator, a bias
//! feature of value 1, positives weighted by `pos_weight`. Every step is
//! sequential f64 arithmetic in a fixed order, so the same data and
//! parameters give the same weights bit for bit on any IEEE-754 machine.
//!
//! After training, weights are quantised to `i8` with one scale per head;
//! buckets whose weight rounds to 0 are dropped (they are most of the
//! table), which is what keeps the file small.

use super::features::{FeatureConfig, Featurizer, HASH_BITS};
use super::format::{StoredHead, StoredModel};

/// Solver parameters of one head.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvmParams {
    /// Inverse regularisation strength.
    pub c: f64,
    /// Multiplies `c` for positive examples (class imbalance).
    pub pos_weight: f64,
    /// Maximum number of passes.
    pub epochs: usize,
    /// Seed of the example order.
    pub seed: u64,
    /// Value of the extra (rule) features; smaller values make the head
    /// lean on the wording more (L2 then penalises relying on the rules).
    pub extra_value: f64,
}

impl SvmParams {
    /// The parameters of the shipped heads.
    pub const DEFAULT: SvmParams = SvmParams { c: 0.5, pos_weight: 2.0, epochs: 40, seed: 0x5eed_c1a5, extra_value: 1.0 };
}

/// A featurised example: distinct buckets, each of value 1/√n.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Distinct buckets, in order of first occurrence.
    pub buckets: Vec<u32>,
    /// Extra buckets of value 1 (not normalised), e.g. rule hits.
    pub extra: Vec<u32>,
}

impl Example {
    /// Featurises `text` with `cfg`.
    pub fn new(text: &str, cfg: FeatureConfig, f: &mut Featurizer) -> Example {
        Example { buckets: f.buckets(text.as_bytes(), cfg).to_vec(), extra: Vec::new() }
    }

    fn value(&self) -> f64 {
        if self.buckets.is_empty() {
            0.0
        } else {
            1.0 / (self.buckets.len() as f64).sqrt()
        }
    }
}

/// A trained linear head in full precision: `w` has `2^HASH_BITS` entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// Weight per bucket.
    pub w: Vec<f64>,
    /// Bias.
    pub b: f64,
    /// Value of the extra features it was trained with.
    pub extra_value: f64,
}

impl Linear {
    /// The decision value of `x`.
    pub fn score(&self, x: &Example) -> f64 {
        let v = x.value();
        self.b + v * x.buckets.iter().map(|&k| self.w[k as usize]).sum::<f64>() + self.extra_value * x.extra.iter().map(|&k| self.w[k as usize]).sum::<f64>()
    }
}

/// xorshift64*: a tiny deterministic generator for the example order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Trains one head on `xs` with labels `ys` (same length).
pub fn train_svm(xs: &[&Example], ys: &[bool], p: SvmParams) -> Linear {
    let n = xs.len();
    let mut w = vec![0.0f64; 1 << HASH_BITS];
    let mut b = 0.0f64;
    let mut alpha = vec![0.0f64; n];
    // L2 loss: the dual has no upper bound and a diagonal 1/(2C_i).
    let diag: Vec<f64> = ys.iter().map(|&y| 0.5 / (p.c * if y { p.pos_weight } else { 1.0 })).collect();
    let qd: Vec<f64> = xs.iter().zip(&diag).map(|(x, d)| x.value() * x.value() * x.buckets.len() as f64 + x.extra.len() as f64 * p.extra_value * p.extra_value + 1.0 + d).collect();
    let values: Vec<f64> = xs.iter().map(|x| x.value()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng(p.seed | 1);
    for _ in 0..p.epochs {
        rng.shuffle(&mut order);
        let (mut max_pg, mut min_pg) = (f64::NEG_INFINITY, f64::INFINITY);
        for &i in &order {
            let x = xs[i];
            let y = if ys[i] { 1.0 } else { -1.0 };
            let v = values[i];
            let wx = b + v * x.buckets.iter().map(|&k| w[k as usize]).sum::<f64>() + p.extra_value * x.extra.iter().map(|&k| w[k as usize]).sum::<f64>();
            let g = y * wx - 1.0 + alpha[i] * diag[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            max_pg = max_pg.max(pg);
            min_pg = min_pg.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * y;
                for &k in &x.buckets {
                    w[k as usize] += d * v;
                }
                for &k in &x.extra {
                    w[k as usize] += d * p.extra_value;
                }
                b += d;
            }
        }
        if max_pg - min_pg < 0.05 {
            break;
        }
    }
    Linear { w, b, extra_value: p.extra_value }
}

/// Quantises `lin` to `i8` with one scale per head; weights whose
/// quantised magnitude is below `min_q` (at least 1: zeros) are dropped.
pub fn quantize(name: &str, lin: &Linear, threshold: f64, min_q: i8) -> StoredHead {
    let max = lin.w.iter().fold(0.0f64, |m, &x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let weights = lin
        .w
        .iter()
        .enumerate()
        .filter_map(|(k, &x)| {
            let q = (x / scale).round().clamp(-127.0, 127.0) as i8;
            (q.unsigned_abs() >= min_q.max(1).unsigned_abs()).then_some((k as u32, q))
        })
        .collect();
    StoredHead { name: name.to_string(), bias: lin.b as f32, scale: scale as f32, threshold: threshold as f32, veto: threshold as f32, weights }
}

/// Puts heads together into a weights file's content.
pub fn assemble(features: FeatureConfig, extra_value: f32, heads: Vec<StoredHead>) -> StoredModel {
    StoredModel { features, hash_bits: HASH_BITS as u8, extra_value, heads }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem_deterministically() {
        let cfg = FeatureConfig::DEFAULT;
        let mut f = Featurizer::new();
        let texts = [
            ("disputes go to binding arbitration", true),
            ("any claim is settled by arbitration", true),
            ("arbitration is binding on both of us", true),
            ("we collect your email address", false),
            ("you can delete your account", false),
            ("we use cookies on our site", false),
        ];
        let xs: Vec<Example> = texts.iter().map(|(t, _)| Example::new(t, cfg, &mut f)).collect();
        let refs: Vec<&Example> = xs.iter().collect();
        let ys: Vec<bool> = texts.iter().map(|t| t.1).collect();
        let p = SvmParams { c: 1.0, pos_weight: 1.0, epochs: 50, seed: 7, extra_value: 1.0 };
        let a = train_svm(&refs, &ys, p);
        assert_eq!(a, train_svm(&refs, &ys, p));
        for (x, y) in xs.iter().zip(&ys) {
            assert_eq!(a.score(x) > 0.0, *y);
        }
        let probe = Example::new("binding arbitration applies", cfg, &mut f);
        assert!(a.score(&probe) > 0.0);
    }
}
