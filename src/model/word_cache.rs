//! A bounded memo of each word's features, for the featuriser.
//!
//! A word's hashed features (its character n-gram buckets, its word hash,
//! its letter counts) are a pure function of its raw bytes, and a policy
//! repeats a small vocabulary constantly, so [`super::features::Featurizer`]
//! computes them once per distinct word and then copies them: on a hit a
//! token costs one key hash step per byte, one probe and a byte comparison
//! instead of one n-gram hash per byte.
//!
//! Bound (the page is untrusted and may be huge or adversarial): at most
//! [`MAX_ENTRIES`] words of at most [`MAX_WORD_LEN`] bytes are held; when
//! either fills, everything is dropped and filling starts again, so memory
//! stays under ≈ 0.7 MB (4096 × (24 bytes + ≤ 26 buckets + an entry) + the
//! probe table) and a document of ever-new words costs one extra
//! copy per word, not unbounded growth. Longer words are computed every time.

/// Most distinct words held before the memo is emptied.
pub const MAX_ENTRIES: usize = 4096;
/// Longest word, in bytes, that is memoised (typical words are far shorter).
pub const MAX_WORD_LEN: usize = 24;
/// Probe table size: a power of two, twice `MAX_ENTRIES` (load ≤ 1/2).
const SLOTS: usize = 2 * MAX_ENTRIES;

/// What a word contributes apart from its n-gram buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordInfo {
    /// The word's mixed hash (its unigram bucket before masking, and the
    /// input of the bigram hash).
    pub word: u32,
    /// ASCII letters in the word.
    pub letters: u32,
    /// ASCII capitals in the word.
    pub upper: u32,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u32,
    bytes_at: u32,
    len: u8,
    grams_at: u32,
    grams_len: u16,
    info: WordInfo,
}

/// The memo: open addressing with linear probing over `slots` (entry
/// index + 1, 0 = empty); word bytes and n-gram buckets in two arenas.
///
/// Invariant: every entry's ranges lie inside the arenas, and `tag` is the
/// feature setting the n-grams were computed with.
#[derive(Debug, Clone, Default)]
pub struct WordCache {
    slots: Vec<u32>,
    entries: Vec<Entry>,
    bytes: Vec<u8>,
    grams: Vec<u32>,
    /// The buckets of the last word too long to memoise.
    long: Vec<u32>,
    tag: u8,
}

/// The probe table's first slot for a word of probe key `key`.
fn slot(key: u32) -> usize {
    (key.wrapping_mul(0x9e37_79b1) >> 16) as usize & (SLOTS - 1)
}

impl WordCache {
    /// Empties the memo (keeping its buffers).
    fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = 0);
        self.entries.clear();
        self.bytes.clear();
        self.grams.clear();
    }

    /// The features of the word `raw` (its raw bytes; `key` any hash of
    /// them, used only to probe) under feature setting `tag`: from the memo,
    /// or from `compute`, which appends the word's n-gram buckets to the
    /// vector it is given and returns the rest. The buckets are returned in
    /// the order `compute` produced them.
    pub fn get(&mut self, raw: &[u8], key: u32, tag: u8, compute: impl FnOnce(&[u8], &mut Vec<u32>) -> WordInfo) -> (WordInfo, &[u32]) {
        if self.slots.is_empty() {
            self.slots = vec![0; SLOTS];
        }
        if tag != self.tag {
            self.clear();
            self.tag = tag;
        }
        if raw.len() > MAX_WORD_LEN {
            self.long.clear();
            let info = compute(raw, &mut self.long);
            return (info, &self.long);
        }
        let mut s = slot(key);
        loop {
            let e = self.slots[s];
            if e == 0 {
                break;
            }
            let en = self.entries[e as usize - 1];
            if en.key == key && &self.bytes[en.bytes_at as usize..][..usize::from(en.len)] == raw {
                let grams = &self.grams[en.grams_at as usize..][..usize::from(en.grams_len)];
                return (en.info, grams);
            }
            s = (s + 1) & (SLOTS - 1);
        }
        // A miss: computed at the end of the arena and kept, after emptying
        // a full memo (where the probe starts again at the word's own slot).
        if self.entries.len() == MAX_ENTRIES {
            self.clear();
            s = slot(key);
        }
        let at = self.grams.len();
        let info = compute(raw, &mut self.grams);
        self.entries.push(Entry { key, bytes_at: self.bytes.len() as u32, len: raw.len() as u8, grams_at: at as u32, grams_len: (self.grams.len() - at) as u16, info });
        self.bytes.extend_from_slice(raw);
        self.slots[s] = self.entries.len() as u32;
        (info, &self.grams[at..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::features::{FeatureConfig, Featurizer};

    fn info(raw: &[u8], v: &mut Vec<u32>) -> WordInfo {
        v.extend(raw.iter().map(|&b| u32::from(b)));
        WordInfo { word: raw.len() as u32, letters: 0, upper: 0 }
    }

    #[test]
    fn a_word_is_computed_once_and_the_memo_stays_bounded() {
        let mut c = WordCache::default();
        let mut calls = 0;
        let mut get = |c: &mut WordCache, w: &[u8], tag: u8| {
            let key = w.iter().fold(7u32, |k, &b| k.wrapping_mul(31) ^ u32::from(b));
            let (i, g) = c.get(w, key, tag, |r, v| {
                calls += 1;
                info(r, v)
            });
            assert_eq!((i.word as usize, g), (w.len(), &w.iter().map(|&b| u32::from(b)).collect::<Vec<_>>()[..]));
        };
        get(&mut c, b"terms", 4);
        get(&mut c, b"terms", 4);
        get(&mut c, b"term", 4); // a prefix is another word
        get(&mut c, b"terms", 1); // another setting empties the memo
        let long = [b'x'; MAX_WORD_LEN + 1];
        get(&mut c, &long, 1);
        get(&mut c, &long, 1); // too long: never memoised
        for n in 0..3 * MAX_ENTRIES as u32 {
            get(&mut c, format!("w{n}").as_bytes(), 1);
            assert!(c.entries.len() <= MAX_ENTRIES && c.bytes.len() <= MAX_ENTRIES * MAX_WORD_LEN);
        }
        assert_eq!(calls, 5 + 3 * MAX_ENTRIES);
    }

    #[test]
    fn memoised_features_equal_fresh_ones() {
        // More distinct words than the memo holds, repeated, in several
        // cases, with long words and non-ASCII: a reused featurizer gives
        // what a fresh one gives, sentence after sentence.
        let mut reused = Featurizer::new();
        for round in 0..3 {
            for s in 0..300 {
                let mut text = String::new();
                for w in 0..20 {
                    let n = (s * 37 + w * 11 + round) % 5000;
                    text.push_str(&format!("Wörd{n} "));
                    if w % 7 == 0 {
                        text.push_str("Supercalifragilisticexpialidocious-ness ");
                    }
                }
                let cfg = FeatureConfig::DEFAULT;
                let fresh = Featurizer::new().buckets(text.as_bytes(), cfg).to_vec();
                assert_eq!(reused.buckets(text.as_bytes(), cfg), &fresh[..]);
            }
        }
    }
}
