//! The learned model: linear heads over hashed n-gram features, trained by
//! `clausemark train` ([`train`]) and embedded in the binary and the wasm.
//!
//! What it is for: the rules ([`crate::findings::classifier`]) give precise
//! spans, polarity and explanations but miss paraphrases; the model scores
//! every sentence for each category it has a head for, which gives recall
//! and a confidence, and [`combine`] decides per category how the two meet.
//!
//! Cost: one featurisation pass per sentence ([`features`]), then one lookup
//! per distinct bucket into a sorted table shared by every head, so
//! classification is linear in the text whatever the number of heads.
//!
//! The weights file (`src/model/weights.bin`, layout in [`mod@format`]) is
//! embedded with `include_bytes!`; `tests/model.rs` checks that retraining
//! reproduces it byte for byte.

pub mod combine;
pub mod context;
#[cfg(not(target_arch = "wasm32"))]
pub mod data;
pub mod features;
pub mod format;
pub mod word_cache;
#[cfg(not(target_arch = "wasm32"))]
pub mod recipe;
#[cfg(not(target_arch = "wasm32"))]
pub mod train;
#[cfg(not(target_arch = "wasm32"))]
pub mod tune;

use std::sync::OnceLock;

use features::{FeatureConfig, Featurizer};
use format::StoredModel;

/// The committed weights, embedded at compile time.
pub static WEIGHTS: &[u8] = include_bytes!("weights.bin");

/// One head's constants (its weights live in the shared table).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// Category id, or `level:<id>` for a fairness-level head.
    pub name: String,
    /// Added to every score.
    pub bias: f32,
    /// Decision threshold on the score (tuned on UNFAIR-ToS dev).
    pub threshold: f32,
    /// Threshold for sentences a rule flags (≤ `threshold`); below it the
    /// model vetoes the rule. `-inf`: never.
    pub veto: f32,
}

/// A model ready for inference.
///
/// The weighted buckets are stored as a rank/select bit set: bit `b` of
/// `present` is set when some head weighs bucket `b`, and the `k`-th set
/// bit (k = `ranks[b / 64]` + the set bits below `b` in its word) owns
/// `entries[rows[k]..rows[k + 1]]`. A lookup is two loads and a popcount,
/// no search; most of a sentence's buckets have no weight and stop at the
/// first load. At 18 hash bits the set is 32 KB and the ranks 16 KB.
///
/// Invariants: `ranks[w]` = set bits of `present[..w]`; `rows` has one
/// more element than there are set bits and is non-decreasing.
#[derive(Debug, Clone)]
pub struct Model {
    features: FeatureConfig,
    hash_bits: u32,
    extra_value: f32,
    heads: Vec<Head>,
    present: Vec<u64>,
    ranks: Vec<u32>,
    rows: Vec<u32>,
    /// (head index, dequantised weight).
    entries: Vec<(u16, f32)>,
}

impl Model {
    /// The embedded model; `None` only if the embedded file does not decode
    /// (a test guards against that), in which case the rules work alone.
    pub fn global() -> Option<&'static Model> {
        static GLOBAL: OnceLock<Option<Model>> = OnceLock::new();
        GLOBAL.get_or_init(|| Model::from_bytes(WEIGHTS).ok()).as_ref()
    }

    /// Builds a model from a weights file (see [`mod@format`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, String> {
        Ok(Model::from_stored(&StoredModel::decode(bytes)?))
    }

    /// Builds the lookup table from decoded weights.
    pub fn from_stored(m: &StoredModel) -> Model {
        let hash_bits = u32::from(m.hash_bits);
        let mut present = vec![0u64; (1usize << hash_bits.min(31)).div_ceil(64)];
        let mut all: Vec<(u32, u16, f32)> = Vec::new();
        for (hi, h) in m.heads.iter().enumerate() {
            // A decoded file has no bucket ≥ 2^hash_bits; were there one,
            // it could never be looked up, so it is left out.
            let weights = h.weights.iter().filter(|&&(b, _)| (b as usize / 64) < present.len());
            all.extend(weights.map(|&(b, q)| (b, hi as u16, f32::from(q) * h.scale)));
        }
        all.sort_by_key(|&(b, h, _)| (b, h));
        let mut rows = Vec::new();
        let mut entries = Vec::with_capacity(all.len());
        for (b, h, w) in all {
            let (word, bit) = (b as usize / 64, 1u64 << (b % 64));
            if present[word] & bit == 0 {
                present[word] |= bit;
                rows.push(entries.len() as u32);
            }
            entries.push((h, w));
        }
        rows.push(entries.len() as u32);
        let mut rank = 0u32;
        let ranks = present
            .iter()
            .map(|w| {
                let r = rank;
                rank += w.count_ones();
                r
            })
            .collect();
        Model {
            features: m.features,
            hash_bits,
            extra_value: m.extra_value,
            heads: m.heads.iter().map(|h| Head { name: h.name.clone(), bias: h.bias, threshold: h.threshold, veto: h.veto }).collect(),
            present,
            ranks,
            rows,
            entries,
        }
    }

    /// The heads, in weights-file order.
    pub fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// Index of the head called `name`.
    pub fn head(&self, name: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.name == name)
    }

    /// Feature families this model reads.
    pub fn feature_config(&self) -> FeatureConfig {
        self.features
    }

    /// Scores `text` (any bytes; typically one sentence) for every head into
    /// `out` (resized to the number of heads). Returns the number of
    /// distinct features seen; with none, every score is the head's bias.
    pub fn score(&self, text: &[u8], feat: &mut Featurizer, out: &mut Vec<f32>) -> usize {
        let buckets = feat.buckets(text, self.features);
        self.score_buckets(buckets, out);
        buckets.len()
    }

    /// Scores an already featurised sentence (distinct buckets).
    pub fn score_buckets(&self, buckets: &[u32], out: &mut Vec<f32>) {
        self.score_with_extra(buckets, &[], out);
    }

    /// Adds the weights of `buckets` to `out`, each multiplied by `value`.
    ///
    /// The rank is a popcount per weighted bucket; x86-64's baseline has no
    /// popcount instruction (Rust's emulation is a dozen instructions), so
    /// on a CPU that has one (all since 2008) the same loop runs compiled
    /// with it. Elsewhere (wasm has `i64.popcnt`) the portable loop runs.
    fn accumulate(&self, buckets: &[u32], value: f32, out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU supports popcnt, checked just above.
            return unsafe { self.accumulate_popcnt(buckets, value, out) };
        }
        self.accumulate_portable(buckets, value, out);
    }

    /// [`Model::accumulate`] compiled with the popcnt instruction.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn accumulate_popcnt(&self, buckets: &[u32], value: f32, out: &mut [f32]) {
        self.accumulate_portable(buckets, value, out);
    }

    /// [`Model::accumulate`] in portable code (inlined into each caller, so
    /// it takes on the caller's target features).
    #[inline(always)]
    fn accumulate_portable(&self, buckets: &[u32], value: f32, out: &mut [f32]) {
        for &b in buckets {
            let (word, bit) = (b as usize / 64, 1u64 << (b % 64));
            let Some(&set) = self.present.get(word) else { continue };
            if set & bit == 0 {
                continue;
            }
            let k = (self.ranks[word] + (set & (bit - 1)).count_ones()) as usize;
            for &(h, w) in &self.entries[self.rows[k] as usize..self.rows[k + 1] as usize] {
                out[usize::from(h)] += w * value;
            }
        }
    }

    /// Scores a sentence's n-gram buckets (value 1/√n) plus `extra`
    /// indicator buckets (the rule hits, see [`rule_bucket`]) of the
    /// model's rule-feature value.
    pub fn score_with_extra(&self, buckets: &[u32], extra: &[u32], out: &mut Vec<f32>) {
        out.clear();
        out.resize(self.heads.len(), 0.0);
        let norm = if buckets.is_empty() { 0.0 } else { 1.0 / (buckets.len() as f32).sqrt() };
        self.accumulate(buckets, norm, out);
        self.accumulate(extra, self.extra_value, out);
        for (s, h) in out.iter_mut().zip(&self.heads) {
            *s += h.bias;
        }
    }
}

/// The indicator bucket of "a rule of category `category` (index in
/// [`crate::taxonomy::CATEGORIES`]) fired at `risk`" in `bits`-bit space.
pub fn rule_bucket(category: usize, risk: crate::findings::Risk, bits: u32) -> u32 {
    let h = features::mix_pub(0x0bad_5eed ^ ((category as u32) << 3) ^ risk as u32);
    h & ((1u32 << bits) - 1)
}

/// The indicator bucket of "rule `rule` of category `category` fired".
pub fn rule_id_bucket(category: usize, rule: u16, bits: u32) -> u32 {
    let h = features::mix_pub(0x7a11_0c0d ^ ((category as u32) << 16) ^ u32::from(rule));
    h & ((1u32 << bits) - 1)
}

/// A score mapped to 0–1 around its head's threshold: 0.5 at the
/// threshold, rising with the margin. A display confidence, not a
/// calibrated probability.
pub fn confidence(score: f32, threshold: f32) -> f32 {
    1.0 / (1.0 + (-(score - threshold) * 4.0).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_popcnt_and_portable_lookups_agree() {
        // On x86-64 `accumulate` takes the popcnt loop whenever the CPU has
        // the instruction, so the portable loop is checked against it here.
        let model = Model::global().expect("embedded model decodes");
        let mut feat = Featurizer::new();
        let text = b"We may terminate your account at any time, without notice, and you agree to binding arbitration.";
        let buckets = feat.buckets(text, model.feature_config()).to_vec();
        let all: Vec<u32> = (0..1u32 << model.hash_bits).step_by(7).collect();
        for b in [&buckets, &all] {
            let (mut fast, mut portable) = (vec![0.0; model.heads().len()], vec![0.0; model.heads().len()]);
            model.accumulate(b, 0.25, &mut fast);
            model.accumulate_portable(b, 0.25, &mut portable);
            assert_eq!(fast, portable);
            assert!(fast.iter().any(|&s| s != 0.0), "some bucket has a weight");
        }
    }
}
