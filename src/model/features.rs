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

use super::word_cache::{WordCache, WordInfo};

/// Number of hash bits: buckets are in `0..1 << HASH_BITS`.
pub const HASH_BITS: u32 = 18;
const MASK: u32 = (1 << HASH_BITS) - 1;
/// Words of the featurizer's one-bit-per-bucket duplicate filter.
const SEEN_WORDS: usize = (1 << HASH_BITS) / 64;

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

/// What a byte does in tokenisation: [`SEP`] separates tokens, [`TOK`]
/// belongs to one, [`LEAD`] (0xC2, 0xE2) belongs to one unless it starts
/// the punctuation [`punctuation_len`] lists. One table lookup per byte
/// instead of two tests and a call.
const SEP: u8 = 0;
const TOK: u8 = 1;
const LEAD: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c == 0xC2 || c == 0xE2 {
            LEAD
        } else if c.is_ascii_alphanumeric() || c >= 0x80 {
            TOK
        } else {
            SEP
        };
        b += 1;
    }
    t
};

/// Whether a token ends before `text[i]` (end of text, a separator, or
/// non-ASCII punctuation).
#[inline]
fn ends_token(text: &[u8], i: usize) -> bool {
    match text.get(i).map(|&b| CLASS[usize::from(b)]) {
        None | Some(SEP) => true,
        Some(TOK) => false,
        Some(_) => punctuation_len(text, i) > 0,
    }
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
    words: WordCache,
}

impl Featurizer {
    /// A featurizer with empty buffers.
    pub fn new() -> Self {
        Featurizer::default()
    }

    /// The distinct buckets of `text`, in order of first occurrence (empty
    /// when `text` has no token). Valid until the next call.
    ///
    /// One pass over the bytes finds the tokens; a token's own features
    /// come from a bounded per-featurizer memo of the words seen
    /// ([`super::word_cache`]), computed by [`word_features`] on a miss.
    pub fn buckets(&mut self, text: &[u8], cfg: FeatureConfig) -> &[u32] {
        if self.seen.is_empty() {
            self.seen = vec![0; SEEN_WORDS];
        }
        // A fixed-size view: indices masked to the hash bits need no bounds
        // checks.
        let seen: &mut [u64; SEEN_WORDS] = (&mut self.seen[..]).try_into().expect("allocated with SEEN_WORDS words");
        for &b in &self.buckets {
            seen[(b & MASK) as usize / 64] &= !(1 << (b % 64));
        }
        self.buckets.clear();
        let mut out = Sink { buckets: &mut self.buckets, seen };
        let grams = CharGrams::new(cfg.char_n);
        let mut letters = Letters::default();
        let mut prev: Option<u32> = None;
        let mut i = 0;
        while i < text.len() {
            if ends_token(text, i) {
                i += punctuation_len(text, i).max(1);
                continue;
            }
            // Only find the token's end and a probe key here; its features
            // come from the memo (see `word_cache`).
            let start = i;
            let mut key = FNV_OFFSET;
            loop {
                key = (key ^ u32::from(text[i])).wrapping_mul(FNV_PRIME);
                i += 1;
                if ends_token(text, i) {
                    break;
                }
            }
            let (info, word_grams) = self.words.get(&text[start..i], key, cfg.char_n, |raw, v| word_features(raw, grams, v));
            word_grams.iter().for_each(|&g| out.push(g));
            letters.letters += info.letters as usize;
            letters.upper += info.upper as usize;
            let word = info.word;
            out.push(word & MASK);
            if cfg.bigrams {
                if let Some(p) = prev {
                    out.push(mix(p.rotate_left(7) ^ word ^ SEED_BIGRAM) & MASK);
                }
            }
            prev = Some(word);
        }
        if cfg.shape {
            let flags = shape_flags_counted(text, letters);
            for k in 0..SHAPES {
                if flags >> k & 1 == 1 {
                    out.push(mix(SEED_SHAPE ^ k) & MASK);
                }
            }
        }
        &self.buckets
    }
}

/// The n-gram buckets of one token's raw bytes `raw` (appended to `out`,
/// in order, duplicates kept) and its word hash and letter counts.
///
/// Each byte advances the word's FNV hash and a rolling window of the last
/// `char_n` marked bytes, so a character n-gram costs one shift and one
/// [`mix`], not n hash steps.
fn word_features(raw: &[u8], grams: CharGrams, out: &mut Vec<u32>) -> WordInfo {
    let mut letters = Letters::default();
    let mut h = FNV_OFFSET;
    let mut window = u64::from(b'<');
    let mut marked = 1; // bytes in the marked word so far
    for &byte in raw {
        letters.count(byte);
        let b = norm(byte);
        h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
        window = window << 8 | u64::from(b);
        marked += 1;
        grams.push_full(out, window, marked);
    }
    grams.push_last(out, window << 8 | u64::from(b'>'), marked + 1);
    WordInfo { word: mix(h ^ SEED_WORD), letters: letters.letters as u32, upper: letters.upper as u32 }
}

/// ASCII letters and capitals seen (for the capitals shape flag).
#[derive(Debug, Default, Clone, Copy)]
struct Letters {
    letters: usize,
    upper: usize,
}

impl Letters {
    #[inline]
    fn count(&mut self, b: u8) {
        self.letters += usize::from(b.is_ascii_alphabetic());
        self.upper += usize::from(b.is_ascii_uppercase());
    }
}

/// The character n-grams of a marked word `<word>`, from a rolling window
/// holding its last (up to 8) normalised bytes, most recent lowest.
#[derive(Debug, Clone, Copy)]
struct CharGrams {
    n: usize,
    mask: u64,
}

impl CharGrams {
    /// n-grams of `n` bytes (at most 8; 0 = none).
    fn new(n: u8) -> CharGrams {
        let n = usize::from(n.min(MAX_CHAR_N));
        CharGrams { n, mask: if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 } }
    }

    /// The gram ending at the window's last byte, once `marked` bytes of
    /// the marked word are in it and they make a whole gram.
    #[inline]
    fn push_full(self, out: &mut Vec<u32>, window: u64, marked: usize) {
        if self.n > 0 && marked >= self.n {
            out.push(gram_bucket(window & self.mask));
        }
    }

    /// After the closing mark: the last gram, or, for a marked word
    /// shorter than n, the single gram of its whole marked form (whose
    /// first byte, `<`, is non-zero, so it never equals a full gram).
    #[inline]
    fn push_last(self, out: &mut Vec<u32>, window: u64, marked: usize) {
        if self.n == 0 {
            return;
        }
        if marked >= self.n {
            out.push(gram_bucket(window & self.mask));
        } else {
            out.push(gram_bucket(window));
        }
    }
}

/// Longest character n-gram the rolling window holds.
pub const MAX_CHAR_N: u8 = 8;

/// The bucket of one packed character n-gram. Up to 4 bytes the packing is
/// a `u32` and [`mix`] a bijection, so distinct grams collide only in the
/// final mask.
#[inline]
fn gram_bucket(packed: u64) -> u32 {
    let folded = (packed as u32) ^ ((packed >> 32) as u32).wrapping_mul(FNV_PRIME);
    mix(folded ^ SEED_CHAR) & MASK
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
    let mut letters = Letters::default();
    text.iter().for_each(|&b| letters.count(b));
    shape_flags_counted(text, letters)
}

/// [`shape_flags`] with the letters already counted (the featuriser
/// counts them as it reads tokens; ASCII letters only occur in tokens).
fn shape_flags_counted(text: &[u8], Letters { letters, upper }: Letters) -> u32 {
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
    let mut lower_end = [0u8; 4];
    let tail = &t[t.len().saturating_sub(4)..];
    lower_end[4 - tail.len()..].copy_from_slice(tail);
    lower_end.make_ascii_lowercase();
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
    seen: &'a mut [u64; SEEN_WORDS],
}

impl Sink<'_> {
    #[inline]
    fn push(&mut self, b: u32) {
        let (word, bit) = (&mut self.seen[(b & MASK) as usize / 64], 1u64 << (b % 64));
        if *word & bit == 0 {
            *word |= bit;
            self.buckets.push(b);
        }
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
