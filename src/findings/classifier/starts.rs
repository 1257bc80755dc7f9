//! Where in a clause a rule head can start.
//!
//! Most heads start with a word from a short list ("may", "we", "you"), so
//! instead of searching the whole clause, the matcher runs an anchored
//! search at each word start whose first two bytes could begin the head.
//! A [`StartFilter`] says which byte pairs a head can start with; a
//! [`WordIndex`] lists a clause's word starts by the hash of their first
//! two bytes, built once per clause, so a head with a few possible pairs
//! reads only the words that begin with them instead of every word of the
//! clause (the clause is searched by dozens of heads).

/// How many distinct byte-pair hashes a filter may list for the index to
/// be walked per hash; above that (a one-byte literal allows 256 pairs),
/// every word of the clause is tested against the bit set instead.
const MAX_LISTED: usize = 8;

/// Hash values of [`pair_hash`]: ten bits.
const HASHES: usize = 1024;

/// Which words a head can start at, judged by their first two bytes: a
/// 1024-bit set of hashed byte pairs, built from the literals every match
/// of the head starts with, and the same hashes as a list when they are
/// few. A hash collision only costs a search that fails.
pub struct StartFilter {
    bits: [u64; HASHES / 64],
    /// The distinct hashes, ascending; empty when more than [`MAX_LISTED`].
    listed: Box<[u16]>,
}

impl StartFilter {
    /// The filter for a head whose matches all start with one of
    /// `prefixes`; `None` when one of them does not start with a word byte
    /// (then the match need not start a word).
    /// Only their first two bytes count (see `facts::START_BYTES`).
    pub fn new(prefixes: &[Vec<u8>]) -> Option<Box<StartFilter>> {
        let mut hashes: Vec<u16> = Vec::new();
        for p in prefixes {
            match *p.as_slice() {
                [first, second, ..] if is_word_byte(first) => hashes.push(pair_hash(first, second)),
                // A one-byte literal: any second byte, or none (end of text).
                [first] if is_word_byte(first) => hashes.extend((0..=255).map(|b| pair_hash(first, b))),
                _ => return None,
            }
        }
        crate::sort::sort(&mut hashes);
        hashes.dedup();
        let mut bits = [0u64; HASHES / 64];
        for &h in &hashes {
            bits[usize::from(h) / 64] |= 1 << (h % 64);
        }
        let listed = if hashes.len() <= MAX_LISTED { hashes.into_boxed_slice() } else { Box::default() };
        Some(Box::new(StartFilter { bits, listed }))
    }

    fn has(&self, h: u16) -> bool {
        self.bits[usize::from(h) / 64] & (1 << (h % 64)) != 0
    }
}

/// `\w` in ASCII mode, as a table: one load per byte of the clause.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// `\w` in ASCII mode.
pub fn is_word_byte(b: u8) -> bool {
    WORD_BYTE[usize::from(b)]
}

/// Ten bits from a word's first two bytes (`second` = 0 at the end of the
/// text).
pub fn pair_hash(first: u8, second: u8) -> u16 {
    (u32::from(u16::from_le_bytes([first, second])).wrapping_mul(0x9E37_79B1) >> 22) as u16
}

/// One clause's word starts (byte offsets into the clause), in order and
/// chained by [`pair_hash`]. Reused from clause to clause: the chain heads
/// are valid only when their stamp equals the index's epoch, so a new
/// clause clears nothing.
pub struct WordIndex {
    /// (offset, hash) of each word start, ascending.
    words: Vec<(u32, u16)>,
    /// Per word, the next word with the same hash (`u32::MAX`: none).
    next: Vec<u32>,
    /// Per hash, its first word; valid when `stamp` equals `epoch`.
    first: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
}

impl Default for WordIndex {
    fn default() -> Self {
        WordIndex { words: Vec::new(), next: Vec::new(), first: vec![0; HASHES], stamp: vec![0; HASHES], epoch: 0 }
    }
}

impl WordIndex {
    /// Indexes the words of `hay`, forgetting the previous clause.
    pub fn build(&mut self, hay: &[u8]) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.words.clear();
        let mut prev_word = false;
        for (i, &b) in hay.iter().enumerate() {
            let word = is_word_byte(b);
            if word && !prev_word {
                self.words.push((i as u32, pair_hash(b, hay.get(i + 1).copied().unwrap_or(0))));
            }
            prev_word = word;
        }
        // Chained back to front, so each chain runs in ascending order.
        self.next.clear();
        self.next.resize(self.words.len(), u32::MAX);
        for k in (0..self.words.len()).rev() {
            let h = usize::from(self.words[k].1);
            if self.stamp[h] == self.epoch {
                self.next[k] = self.first[h];
            }
            self.first[h] = k as u32;
            self.stamp[h] = self.epoch;
        }
    }

    /// The word starts `filter` lets through, ascending, into `out`
    /// (cleared first).
    pub fn candidates(&self, filter: &StartFilter, out: &mut Vec<u32>) {
        out.clear();
        if filter.listed.is_empty() {
            out.extend(self.words.iter().filter(|w| filter.has(w.1)).map(|w| w.0));
            return;
        }
        let mut chains = 0;
        for &h in filter.listed.iter() {
            let h = usize::from(h);
            if self.stamp[h] != self.epoch {
                continue;
            }
            chains += 1;
            let mut k = self.first[h];
            while k != u32::MAX {
                out.push(self.words[k as usize].0);
                k = self.next[k as usize];
            }
        }
        if chains > 1 {
            out.sort_unstable();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walking the chains gives exactly the word starts the bit set lets
    /// through, in order, for listed and unlisted filters.
    #[test]
    fn chains_equal_filtering_every_word() {
        let hay = b"we may, at any time, change or modify these terms; you may not mow the mown meadow w";
        let filters = [
            vec![b"may".to_vec(), b"mo".to_vec()],
            vec![b"we".to_vec()],
            vec![b"xyz".to_vec()],
            vec![b"m".to_vec(), b"t".to_vec()], // one-byte literals: unlisted
        ];
        let mut index = WordIndex::default();
        for clause in [&hay[..], b"", b"may may", &hay[3..]] {
            index.build(clause);
            for prefixes in &filters {
                let Some(f) = StartFilter::new(prefixes) else { panic!("word prefixes make a filter") };
                let mut got = Vec::new();
                index.candidates(&f, &mut got);
                let want: Vec<u32> = index.words.iter().filter(|w| f.has(w.1)).map(|w| w.0).collect();
                assert_eq!(got, want, "{prefixes:?} in {:?}", String::from_utf8_lossy(clause));
            }
        }
        assert!(StartFilter::new(&[b" x".to_vec()]).is_none());
    }
}
