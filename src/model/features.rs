//! Text → hashed sparse features, in one left-to-right pass.
//!
//! A sentence becomes the set of its hashed word unigrams and bigrams plus
//! the hashed character 4-grams of each word (with word-boundary marks), each
//! reduced to a bucket in `0..2^HASH_BITS`. The feature value is 1 for every
//! bucket present (binary, duplicates removed) and the vector is scaled to
//! unit L2 norm, so a sentence's score is `bias + Σ w[b] / √n`.
//!
//! Normalisation: ASCII letters are lower-cased, every ASCII digit becomes
//! `0` ("30 days" and "14 days" share features), a token is a maximal run of
//! ASCII letters, digits and non-ASCII bytes (so "café" stays one token and
//! any UTF-8 input is accepted); everything else separates tokens.
//! Apostrophes separate too: "don't" → `don`, `t`, the same as the
//! Penn-Treebank text of UNFAIR-ToS once detokenised.
//!
//! Trade-off: hashing needs no vocabulary in the download, at the cost of
//! collisions; with 2^18 buckets and a few tens of thousands of distinct
//! n-grams in the training data they are rare, and the trained model keeps
//! only the buckets with a weight (see [`super::format`]).

/// Number of hash bits: buckets are in `0..1 << HASH_BITS`.
pub const HASH_BITS: u32 = 18;
const MASK: u32 = (1 << HASH_BITS) - 1;

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

/// Distinguishes the kinds of n-gram so that a word and a char n-gram with
/// the same bytes land in different buckets.
const SEED_WORD: u32 = 0x9e37_79b9;
const SEED_BIGRAM: u32 = 0x85eb_ca6b;
const SEED_CHAR: u32 = 0xc2b2_ae35;

/// Final avalanche (murmur3's fmix32): FNV's low bits are weak on their own.
fn mix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The hash mixer, for other indicator features (see [`super::rule_bucket`]).
pub fn mix_pub(h: u32) -> u32 {
    mix(h)
}

/// The normalised form of one byte of a token (see the module docs).
#[inline]
fn norm(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b'0',
        _ => b.to_ascii_lowercase(),
    }
}

#[inline]
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Length of the non-ASCII punctuation starting at `text[i]` that
/// separates tokens like ASCII punctuation does, 0 if none: U+2000–U+206F
/// (dashes, curly quotes, bullets, the ellipsis, thin spaces), the
/// no-break space, « », ·, ¡ and ¿. Policies use curly apostrophes, so
/// "don’t" must split like "don't".
#[inline]
fn punctuation_len(text: &[u8], i: usize) -> usize {
    match (text[i], text.get(i + 1)) {
        (0xE2, Some(0x80 | 0x81)) if i + 2 < text.len() => 3,
        (0xC2, Some(0xA0 | 0xAB | 0xBB | 0xB7 | 0xA1 | 0xBF)) => 2,
        _ => 0,
    }
}

/// Which feature families are extracted. Fixed for a trained model: the
/// weights file records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureConfig {
    /// Word bigrams.
    pub bigrams: bool,
    /// Character 4-grams inside words (`<word>` with boundary marks);
    /// 0 disables them.
    pub char_n: u8,
    /// Shape indicators the lower-casing loses ([`shape_flags`]): a
    /// sentence mostly in capitals (US disclaimers and liability caps are
    /// set in capitals), one that opens with a list marker (an item split
    /// off its lead-in), and one that ends with `;`, `:`, "or" or "and".
    pub shape: bool,
}

impl FeatureConfig {
    /// The configuration of the shipped model.
    pub const DEFAULT: FeatureConfig = FeatureConfig { bigrams: true, char_n: 4, shape: true };

    /// One byte for the weights file: bit 0 = bigrams, bit 1 = shape,
    /// bits 4–7 = char_n.
    pub fn to_byte(self) -> u8 {
        u8::from(self.bigrams) | u8::from(self.shape) << 1 | (self.char_n.min(15) << 4)
    }

    /// Inverse of [`FeatureConfig::to_byte`].
    pub fn from_byte(b: u8) -> FeatureConfig {
        FeatureConfig { bigrams: b & 1 == 1, char_n: b >> 4, shape: b & 2 == 2 }
    }
}

/// Reusable buffers for featurising many sentences without allocating.
///
/// Duplicates are removed with one bit per bucket (32 KB at 18 bits,
/// allocated on first use) rather than by sorting: O(1) per n-gram, which
/// matters because char n-grams make ~8 buckets per word, and small
/// enough to stay in cache (a `u32` stamp per bucket, 1 MiB, measured
/// slower). Each call clears only the bits the previous call set.
#[derive(Debug, Default, Clone)]
pub struct Featurizer {
    buckets: Vec<u32>,
    seen: Vec<u64>,
}

impl Featurizer {
    /// A featurizer with empty buffers.
    pub fn new() -> Self {
        Featurizer::default()
    }

    /// The distinct buckets of `text`, in order of first occurrence (empty
    /// when `text` has no token). Valid until the next call.
    pub fn buckets(&mut self, text: &[u8], cfg: FeatureConfig) -> &[u32] {
        if self.seen.is_empty() {
            self.seen = vec![0; (1 << HASH_BITS) / 64];
        }
        for &b in &self.buckets {
            self.seen[b as usize / 64] &= !(1 << (b % 64));
        }
        self.buckets.clear();
        let mut out = Sink { buckets: &mut self.buckets, seen: &mut self.seen };
        let mut prev: Option<u32> = None;
        let mut i = 0;
        while i < text.len() {
            if !is_token_byte(text[i]) {
                i += 1;
                continue;
            }
            let skip = punctuation_len(text, i);
            if skip > 0 {
                i += skip;
                continue;
            }
            let start = i;
            let mut h = FNV_OFFSET;
            while i < text.len() && is_token_byte(text[i]) && punctuation_len(text, i) == 0 {
                h = (h ^ u32::from(norm(text[i]))).wrapping_mul(FNV_PRIME);
                i += 1;
            }
            let word = mix(h ^ SEED_WORD);
            out.push(word & MASK);
            if cfg.bigrams {
                if let Some(p) = prev {
                    out.push(mix(p.rotate_left(7) ^ word ^ SEED_BIGRAM) & MASK);
                }
            }
            prev = Some(word);
            if cfg.char_n > 0 {
                push_char_ngrams(&mut out, &text[start..i], usize::from(cfg.char_n));
            }
        }
        if cfg.shape {
            let flags = shape_flags(text);
            for k in 0..SHAPES {
                if flags >> k & 1 == 1 {
                    out.push(mix(SEED_SHAPE ^ k) & MASK);
                }
            }
        }
        &self.buckets
    }
}

const SEED_SHAPE: u32 = 0x27d4_eb2f;
/// Number of shape indicators.
const SHAPES: u32 = 4;

/// The shape indicators of `text` as bits: 0 = mostly capitals (≥ 70 % of
/// at least 12 ASCII letters), 1 = opens with a list marker ("(a)", "2.",
/// "iv)"), 3 = ends with `;`, `:`, "or" or "and"; none for a text without
/// a token (bit 2 unused: UNFAIR-ToS is lower-cased, so an "opens in lower
/// case" flag would mark its every sentence). Works on raw bytes (before
/// lower-casing), so it sees what the n-grams cannot.
pub fn shape_flags(text: &[u8]) -> u32 {
    let (mut upper, mut letters) = (0usize, 0usize);
    for &b in text {
        if b.is_ascii_alphabetic() {
            letters += 1;
            upper += usize::from(b.is_ascii_uppercase());
        }
    }
    let mut flags = 0u32;
    if letters >= 12 && upper * 10 >= letters * 7 {
        flags |= 1;
    }
    let t = text.trim_ascii();
    let head: &[u8] = t.strip_prefix(b"(").unwrap_or(t);
    let marker = head.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    if (1..=4).contains(&marker) && matches!(head.get(marker), Some(b')' | b'.')) && (marker <= 2 || head[..marker].iter().all(|b| b"ivxIVX".contains(b))) {
        flags |= 2;
    }
    let lower_end: Vec<u8> = t.iter().rev().take(4).rev().map(|b| b.to_ascii_lowercase()).collect();
    if t.last().is_some_and(|b| matches!(b, b';' | b':')) || lower_end.ends_with(b" or") || lower_end.ends_with(b" and") || lower_end.ends_with(b"or;") {
        flags |= 8;
    }
    if !t.iter().any(u8::is_ascii_alphanumeric) {
        return 0; // no token, no shape: an empty text scores the bias alone
    }
    flags
}

/// Collects distinct buckets.
struct Sink<'a> {
    buckets: &'a mut Vec<u32>,
    seen: &'a mut [u64],
}

impl Sink<'_> {
    #[inline]
    fn push(&mut self, b: u32) {
        let (word, bit) = (&mut self.seen[b as usize / 64], 1u64 << (b % 64));
        if *word & bit == 0 {
            *word |= bit;
            self.buckets.push(b);
        }
    }
}

/// Character n-grams of `<word>` (boundary marks included); a word shorter
/// than n − 2 letters gives the single gram of its whole marked form.
fn push_char_ngrams(out: &mut Sink<'_>, word: &[u8], n: usize) {
    let len = word.len() + 2;
    let at = |k: usize| -> u8 {
        if k == 0 {
            b'<'
        } else if k == len - 1 {
            b'>'
        } else {
            norm(word[k - 1])
        }
    };
    let grams = if len <= n { 1 } else { len - n + 1 };
    for g in 0..grams {
        let mut h = FNV_OFFSET;
        for k in g..(g + n).min(len) {
            h = (h ^ u32::from(at(k))).wrapping_mul(FNV_PRIME);
        }
        out.push(mix(h ^ SEED_CHAR) & MASK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(s: &str) -> Vec<u32> {
        Featurizer::new().buckets(s.as_bytes(), FeatureConfig::DEFAULT).to_vec()
    }

    #[test]
    fn case_digits_and_punctuation_are_normalised() {
        assert_eq!(feats("We may CHANGE these terms, within 30 days."), feats("we may change these terms within 14 days"));
        assert_eq!(feats("we don’t sell — “ever”"), feats("we don't sell - \"ever\""));
        assert_eq!(feats("no\u{a0}refunds"), feats("no refunds"));
        assert_ne!(feats("we may change these terms"), feats("we may not change these terms"));
        // The stamp of one call does not leak into the next.
        let mut f = Featurizer::new();
        let a = f.buckets(b"terms terms", FeatureConfig::DEFAULT).to_vec();
        assert_eq!(a, f.buckets(b"terms terms", FeatureConfig::DEFAULT));
    }

    #[test]
    fn order_matters_through_bigrams() {
        let sorted = |s: &str| {
            let mut v = feats(s);
            v.sort_unstable();
            v
        };
        assert_ne!(sorted("you may terminate"), sorted("terminate may you"));
        let uni = FeatureConfig { bigrams: false, char_n: 0, shape: false };
        let mut f = Featurizer::new();
        let mut a = f.buckets(b"you may terminate", uni).to_vec();
        let mut b = f.buckets(b"terminate may you", uni).to_vec();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }

    #[test]
    fn buckets_are_distinct_and_in_range() {
        let mut v = feats("the the the service service — café ünïcödé 😀 x");
        let n = v.len();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), n);
        assert!(v.iter().all(|&b| b <= MASK));
        assert!(feats("").is_empty() && feats(" ,.;— ").is_empty());
        // A truncated multi-byte character at the end is still read safely.
        assert!(!Featurizer::new().buckets(b"abc\xE2\x80", FeatureConfig::DEFAULT).is_empty());
    }

    #[test]
    fn shape_flags_see_capitals_list_items_and_open_endings() {
        assert_eq!(shape_flags(b"IN NO EVENT SHALL WE BE LIABLE."), 1);
        assert_eq!(shape_flags(b"In no event shall we be liable."), 0);
        assert_eq!(shape_flags(b" (b) loss of profits;"), 2 | 8);
        assert_eq!(shape_flags(b"iv. any indirect damages, or"), 2 | 8);
        assert_eq!(shape_flags(b"Termination. We may close it."), 0, "a word is not a list marker");
        assert_eq!(shape_flags(b""), 0);
        assert_eq!(shape_flags(b" ;: "), 0);
    }

    #[test]
    fn char_ngrams_cover_short_and_long_words() {
        let cfg = FeatureConfig { bigrams: false, char_n: 4, shape: false };
        let mut f = Featurizer::new();
        // "<a>" is one gram, plus the word itself.
        assert_eq!(f.buckets(b"a", cfg).len(), 2);
        // "<terms>" has 7 marked bytes → 4 grams, plus the word.
        assert_eq!(f.buckets(b"terms", cfg).len(), 5);
        assert_eq!(FeatureConfig::from_byte(cfg.to_byte()), cfg);
    }
}
