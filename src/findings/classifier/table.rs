//! The gate facts table's bytes: [`encode_table`] (run by `build.rs`) and
//! [`Table`], which reads it back one regex at a time. What the facts are
//! and why they are precomputed: [`super::facts`].
//!
//! Why this layout: almost every literal of a regex's facts is a piece of
//! that regex's own source (`sell` in `(sell|sold)\W+…`), and the decoder
//! has the source at hand when it is asked for the regex's facts. So a
//! literal is stored as *which word start of the source it begins at*,
//! usually with its length implied, not as its bytes or as an id into a
//! table of all literals. Ids into a table of 2,590 literals were ≈ 11 bits
//! of noise each, which gzip could not shrink (69 KB raw, 47 KB gzipped);
//! word-start gaps are mostly 1–3 (40 KB raw, 14 KB gzipped). The ≈ 3 % of
//! literals that are not a piece of their source (`don’t` from `don(?:'|\xE2\x80\x99)t`)
//! are stored once, in a small list, and referred to by index.
//!
//! A *word start* of a regex source is a byte offset where a run of ASCII
//! lower-case letters and digits begins (the byte after a backslash is
//! escape syntax, never part of a run); the run's length is the word's
//! length. Fixed-width integers are little-endian; a varint is 7 bits a
//! byte, low bits first:
//! - header: the own-literal count and the entry count (`u32` each), the
//!   sequence hash (`u64`);
//! - own literals: a `u8` length and the bytes, in first-use order;
//! - entries, in regex id order: a `u8` count of condition sets, a `u8`
//!   starts flag (`0` none, `1` a start set follows), then each set (the
//!   condition's, then the start set): a `u8` count `n` of literals taken
//!   from the source and a `u8` count `m` of own literals; `n` varints
//!   `gap << 1 | has_length`, `gap` being the word index minus the previous
//!   literal's (from word 0), each followed by a `u8` length when
//!   `has_length` (otherwise the length is the word's, cut to
//!   [`MAX_LITERAL_BYTES`] in a condition set and to [`START_BYTES`] in a
//!   start set); then `m` varint own-literal indices. A set's literals are
//!   sorted by bytes once decoded, as [`derive`] gives them.
//!
//! [`encode_table`] decodes what it wrote and fails unless every regex gets
//! back exactly the facts [`derive`] gave it, so a table the build accepts
//! holds no approximation.

use super::facts::{derive, fold, RegexFacts, HASH_START, START_BYTES};
use super::literals::{Condition, MAX_LITERAL_BYTES};

/// A table written by [`encode_table`], read one entry at a time by
/// [`Table::next`] with the entry's regex source. Empty (no entries, hash
/// 0) when the header does not decode.
#[derive(Default)]
pub struct Table {
    /// The whole table; entries are read from `at` on.
    bytes: Vec<u8>,
    /// Byte offset of the next entry in `bytes`.
    at: usize,
    /// Literals that are not a piece of their regex, by index.
    own: Vec<Vec<u8>>,
    /// Entries the header announces, and entries read so far.
    entries: usize,
    read: usize,
    /// The sequence hash the table was written for (0: no table).
    pub hash: u64,
    /// Whether an entry failed to decode: nothing more is read.
    broken: bool,
    /// Word starts (byte offset, length in bytes) of the current regex,
    /// kept to reuse the allocation.
    words: Vec<(usize, usize)>,
}

impl Table {
    /// Reads the header and own literals of `bytes`; a malformed header
    /// gives an empty table (every regex is then derived).
    pub fn decode(bytes: &[u8]) -> Self {
        let mut r = Reader(bytes);
        let header = (|| {
            let (own_count, entries) = (r.u32()?, r.u32()?);
            let hash = u64::from_le_bytes(r.bytes(8)?.try_into().ok()?);
            let own = (0..own_count).map(|_| r.byte().and_then(|n| r.bytes(n as usize)).map(<[u8]>::to_vec)).collect::<Option<Vec<_>>>()?;
            Some((own, entries, hash))
        })();
        match header {
            Some((own, entries, hash)) if hash != 0 => {
                Table { at: bytes.len() - r.0.len(), bytes: bytes.to_vec(), own, entries, hash, ..Table::default() }
            }
            _ => Table::default(),
        }
    }

    /// Entries the header announces.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// The facts of the next entry, whose regex source is `regex`; `None`
    /// once the entries are read or after one failed to decode. Right only
    /// if `regex` is the source the entry was written for (the caller
    /// checks the sequence hash).
    pub fn next(&mut self, regex: &str) -> Option<RegexFacts> {
        if self.broken || self.read == self.entries {
            return None;
        }
        let source = regex.as_bytes();
        words(source, &mut self.words);
        let mut r = Reader(self.bytes.get(self.at..)?);
        let facts = entry(&mut r, source, &self.words, &self.own);
        self.at = self.bytes.len() - r.0.len();
        self.read += 1;
        self.broken = facts.is_none();
        facts
    }

    /// Whether every entry was read, in full, and nothing follows them.
    pub fn read_whole(&self) -> bool {
        !self.broken && self.read == self.entries && self.at == self.bytes.len()
    }
}

fn entry(r: &mut Reader, source: &[u8], words: &[(usize, usize)], own: &[Vec<u8>]) -> Option<RegexFacts> {
    let (sets, has_starts) = (r.byte()?, r.byte()?);
    let cond = (0..sets).map(|_| set(r, source, words, own, MAX_LITERAL_BYTES)).collect::<Option<Condition>>()?;
    let starts = match has_starts {
        0 => None,
        1 => Some(set(r, source, words, own, START_BYTES)?),
        _ => return None,
    };
    Some(RegexFacts { cond, starts })
}

/// One set: literals cut from `source` at its `words`, implied lengths
/// capped at `cap` bytes, then own literals; sorted by bytes.
fn set(r: &mut Reader, source: &[u8], words: &[(usize, usize)], own: &[Vec<u8>], cap: usize) -> Option<Vec<Vec<u8>>> {
    let (taken, owned) = (r.byte()?, r.byte()?);
    let mut set = Vec::with_capacity(taken as usize + owned as usize);
    let mut word = 0usize;
    for _ in 0..taken {
        let v = r.varint()?;
        word = word.checked_add(usize::try_from(v >> 1).ok()?)?;
        let &(start, run) = words.get(word)?;
        let len = if v & 1 == 1 { r.byte()? as usize } else { run.min(cap) };
        set.push(source.get(start..start.checked_add(len)?)?.to_vec());
    }
    for _ in 0..owned {
        set.push(own.get(usize::try_from(r.varint()?).ok()?)?.clone());
    }
    crate::sort::sort(&mut set);
    Some(set)
}

/// The word starts of `source` (byte offset, length in bytes) into `out`;
/// see the module documentation.
fn words(source: &[u8], out: &mut Vec<(usize, usize)>) {
    out.clear();
    let word = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    while i < source.len() {
        if source[i] == b'\\' {
            i += 2;
        } else if word(source[i]) {
            let start = i;
            while i < source.len() && word(source[i]) {
                i += 1;
            }
            out.push((start, i - start));
        } else {
            i += 1;
        }
    }
}

/// A cursor over a table.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let (b, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(b)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?) as usize)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }
}

/// The table of `regexes` (source, starts flag), in regex id order, their
/// facts derived now; see the module documentation for the layout. Errs
/// when a count does not fit its byte or the table does not give back the
/// derived facts.
#[allow(dead_code)] // build.rs writes the table; the library only reads it
pub fn encode_table(regexes: &[(String, bool)]) -> Result<Vec<u8>, String> {
    let facts: Vec<RegexFacts> = regexes.iter().map(|(r, starts)| derive(r, *starts)).collect();
    let (mut own, mut entries, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    let mut hash = HASH_START;
    for ((regex, starts), f) in regexes.iter().zip(&facts) {
        hash = fold(hash, regex, *starts);
        words(regex.as_bytes(), &mut ws);
        entries.push(byte(f.cond.len())?);
        entries.push(f.starts.is_some() as u8);
        let sets = f.cond.iter().map(|s| (s, MAX_LITERAL_BYTES)).chain(f.starts.iter().map(|s| (s, START_BYTES)));
        for (set, cap) in sets {
            let (mut taken, mut owned) = (Vec::new(), Vec::new());
            for l in set {
                match locate(regex.as_bytes(), &ws, l, cap) {
                    Some(at) => taken.push(at),
                    None => owned.push(own.iter().position(|o| o == l).unwrap_or_else(|| {
                        own.push(l.clone());
                        own.len() - 1
                    })),
                }
            }
            taken.sort_unstable();
            entries.extend([byte(taken.len())?, byte(owned.len())?]);
            let mut prev = 0;
            for (word, len) in taken {
                varint(&mut entries, ((word - prev) as u64) << 1 | len.is_some() as u64);
                entries.extend(len);
                prev = word;
            }
            owned.into_iter().for_each(|i| varint(&mut entries, i as u64));
        }
    }
    let mut out = Vec::new();
    for n in [own.len(), regexes.len()] {
        out.extend_from_slice(&u32::try_from(n).map_err(|e| e.to_string())?.to_le_bytes());
    }
    out.extend_from_slice(&hash.to_le_bytes());
    for l in &own {
        out.push(byte(l.len())?);
        out.extend_from_slice(l);
    }
    out.extend_from_slice(&entries);
    let mut back = Table::decode(&out);
    for ((regex, _), f) in regexes.iter().zip(&facts) {
        if back.next(regex).as_ref() != Some(f) {
            return Err(format!("the facts table does not give back the facts of {regex:?}"));
        }
    }
    if !back.read_whole() {
        return Err("the facts table has bytes after its last entry".into());
    }
    Ok(out)
}

/// Where `literal` starts in `source`: the index of the first word it
/// begins, and its length unless that is the word's cut to `cap`
/// (preferred); `None` when it begins no word.
#[allow(dead_code)] // build.rs only
fn locate(source: &[u8], words: &[(usize, usize)], literal: &[u8], cap: usize) -> Option<(usize, Option<u8>)> {
    let begins = |&(start, _): &(usize, usize)| source[start..].starts_with(literal);
    let implied = words.iter().position(|w| begins(w) && w.1.min(cap) == literal.len());
    match implied {
        Some(i) => Some((i, None)),
        None => Some((words.iter().position(begins)?, Some(u8::try_from(literal.len()).ok()?))),
    }
}

#[allow(dead_code)] // build.rs only
fn byte(n: usize) -> Result<u8, String> {
    u8::try_from(n).map_err(|_| format!("a count of {n} does not fit the facts table's byte"))
}

#[allow(dead_code)] // build.rs only
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::{encode_table, words, Table};
    use crate::findings::classifier::facts::derive;

    /// Literals of all three kinds come back: a word's bytes cut to the
    /// implied length (`arbitrat`), one running past its word (`e-mail`,
    /// with its own length), and one that is no piece of the source
    /// (`don’t`, from an alternation between `don` and `t`).
    #[test]
    fn every_kind_of_literal_comes_back() {
        let regexes = ["(?-u)\\b{start-half}(?:don(?:'|\\xE2\\x80\\x99)t\\W+(e-mail|phone)\\W+arbitrated)", "(?-u)(?:\\W+(?:\\w+\\W+){0,6}arbitrat\\w*)"];
        let list: Vec<(String, bool)> = regexes.iter().map(|r| (r.to_string(), !r.starts_with("(?-u)(?:\\W"))).collect();
        let facts = derive(regexes[0], true);
        let all: Vec<&[u8]> = facts.cond.iter().flatten().map(Vec::as_slice).collect();
        for l in ["don’t".as_bytes(), b"e-mail", b"arbitrat"] {
            assert!(all.contains(&l), "{:?} in {all:?}", String::from_utf8_lossy(l));
        }
        let mut table = Table::decode(&encode_table(&list).unwrap());
        for (r, starts) in &list {
            assert_eq!(table.next(r), Some(derive(r, *starts)));
        }
        assert!(table.read_whole() && table.next(regexes[0]).is_none());
    }

    /// Word starts skip escape syntax (`\W`, `\b`) but not what follows it.
    #[test]
    fn words_skip_escapes() {
        let mut out = Vec::new();
        words(b"(?-u)\\b{start-half}(?:sell\\Wdata|x2)", &mut out);
        assert_eq!(out, [(3, 1), (8, 5), (14, 4), (22, 4), (28, 4), (33, 2)]);
    }
}
