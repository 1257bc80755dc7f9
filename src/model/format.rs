//! The weights file: a compact, versioned little-endian binary.
//!
//! Layout (version 2; version 1 hashed character n-grams differently), every integer little-endian:
//!
//! | bytes | field |
//! |---|---|
//! | 4 | magic `CMWT` |
//! | 2 | version, `2` |
//! | 1 | feature configuration ([`super::features::FeatureConfig::to_byte`]) |
//! | 1 | hash bits (buckets are `0..2^bits`) |
//! | 4 | value of the rule features (`f32`) |
//! | 2 | number of heads H |
//! | per head | name length (1 byte) and name (ASCII); bias, scale, threshold, veto (`f32` each); number of weights N (`u32`); N bucket deltas as LEB128 varints (the first from 0, ascending, so every delta after the first is ≥ 1); N weights as `i8` |
//! | 4 | FNV-1a 32 checksum of every byte before it |
//!
//! A head's score is `bias + scale · (Σ q[b] / √n + v · Σ q[r])` over the
//! n distinct n-gram buckets b and the rule-feature buckets r of a sentence,
//! v the rule-feature value, `q[b]` the stored `i8` (0 for a bucket it does not
//! list). The head predicts its label when the score is ≥ `threshold`.
//! Head names: an UNFAIR-ToS or privacy category id (`arbitration`), or
//! `level:<id>` for the fairness-level head of a category (score ≥
//! threshold = the more unfair of the category's two CLAUDETTE levels).

use super::features::FeatureConfig;

/// The file's first four bytes.
pub const MAGIC: &[u8; 4] = b"CMWT";
/// The layout version this code reads and writes.
pub const VERSION: u16 = 2;

/// One head as stored: sparse quantised weights.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHead {
    /// Category id, or `level:<id>`.
    pub name: String,
    /// Added to every score.
    pub bias: f32,
    /// Multiplies the `i8` weights.
    pub scale: f32,
    /// Decision threshold on the score.
    pub threshold: f32,
    /// Threshold for sentences a rule flags (≤ `threshold`): below it the
    /// model vetoes the rule; `-inf` = never.
    pub veto: f32,
    /// (bucket, quantised weight), buckets strictly ascending, weights ≠ 0.
    pub weights: Vec<(u32, i8)>,
}

/// The whole file, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    /// Feature families the heads were trained on.
    pub features: FeatureConfig,
    /// Hash bits of the buckets.
    pub hash_bits: u8,
    /// Value of the rule (extra) features.
    pub extra_value: f32,
    /// The heads, in file order.
    pub heads: Vec<StoredHead>,
}

/// FNV-1a over `bytes`, the checksum of the file.
pub fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl StoredModel {
    /// Serialises the model (the inverse of [`StoredModel::decode`]).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(self.features.to_byte());
        out.push(self.hash_bits);
        out.extend_from_slice(&self.extra_value.to_le_bytes());
        out.extend_from_slice(&(self.heads.len() as u16).to_le_bytes());
        for h in &self.heads {
            let name = h.name.as_bytes();
            out.push(name.len().min(255) as u8);
            out.extend_from_slice(&name[..name.len().min(255)]);
            for x in [h.bias, h.scale, h.threshold] {
                out.extend_from_slice(&x.to_le_bytes());
            }
            out.extend_from_slice(&h.veto.to_le_bytes());
            out.extend_from_slice(&(h.weights.len() as u32).to_le_bytes());
            let mut prev = 0;
            for &(b, _) in &h.weights {
                put_varint(&mut out, b - prev);
                prev = b;
            }
            out.extend(h.weights.iter().map(|&(_, q)| q as u8));
        }
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Parses a weights file; an error says what is wrong (bad magic, an
    /// unknown version, truncation, a checksum mismatch, unsorted buckets).
    pub fn decode(bytes: &[u8]) -> Result<StoredModel, String> {
        if bytes.len() < 18 || &bytes[..4] != MAGIC {
            return Err("not a Clausemark weights file (bad magic)".into());
        }
        let (body, tail) = bytes.split_at(bytes.len() - 4);
        let mut r = Reader { bytes: body, at: 4 };
        let version = u16::from_le_bytes(r.array()?);
        if version != VERSION {
            return Err(format!("weights file version {version}; this build reads version {VERSION}"));
        }
        let stored_sum = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        if checksum(body) != stored_sum {
            return Err("weights file checksum mismatch (corrupt or truncated)".into());
        }
        let features = FeatureConfig::from_byte(r.byte()?);
        if features.char_n > super::features::MAX_CHAR_N {
            return Err(format!("character n-grams of {} bytes; at most {} are supported", features.char_n, super::features::MAX_CHAR_N));
        }
        let hash_bits = r.byte()?;
        if !(8..=30).contains(&hash_bits) {
            return Err(format!("hash bits {hash_bits} out of range"));
        }
        let extra_value = f32::from_le_bytes(r.array()?);
        let n_heads = u16::from_le_bytes(r.array()?);
        let mut heads = Vec::with_capacity(usize::from(n_heads));
        for _ in 0..n_heads {
            let len = usize::from(r.byte()?);
            let name = std::str::from_utf8(r.take(len)?).map_err(|_| "head name is not UTF-8".to_string())?.to_string();
            let bias = f32::from_le_bytes(r.array()?);
            let scale = f32::from_le_bytes(r.array()?);
            let threshold = f32::from_le_bytes(r.array()?);
            let veto = f32::from_le_bytes(r.array()?);
            let n = u32::from_le_bytes(r.array()?) as usize;
            if n > body.len() {
                return Err(format!("head {name}: {n} weights cannot fit in the file"));
            }
            let mut buckets = Vec::with_capacity(n);
            let mut prev = 0u32;
            for k in 0..n {
                let d = r.varint()?;
                if k > 0 && d == 0 {
                    return Err(format!("head {name}: buckets not strictly ascending"));
                }
                prev = prev.checked_add(d).filter(|&b| b >> hash_bits == 0).ok_or(format!("head {name}: bucket out of range"))?;
                buckets.push(prev);
            }
            let qs = r.take(n)?;
            let weights = buckets.into_iter().zip(qs.iter().map(|&q| q as i8)).collect();
            heads.push(StoredHead { name, bias, scale, threshold, veto, weights });
        }
        if r.at != body.len() {
            return Err("trailing bytes after the last head".into());
        }
        Ok(StoredModel { features, hash_bits, extra_value, heads })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("weights file truncated")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn varint(&mut self) -> Result<u32, String> {
        let mut v = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            v |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredModel {
        StoredModel {
            features: FeatureConfig::DEFAULT,
            hash_bits: 18,
            extra_value: 0.5,
            heads: vec![
                StoredHead { name: "arbitration".into(), bias: -1.5, scale: 0.01, threshold: 0.25, veto: f32::NEG_INFINITY, weights: vec![(0, 3), (200, -7), (262_143, 127)] },
                StoredHead { name: "level:jurisdiction".into(), bias: 0.0, scale: 1.0, threshold: 0.0, veto: -0.5, weights: vec![] },
            ],
        }
    }

    #[test]
    fn round_trips() {
        let m = sample();
        assert_eq!(StoredModel::decode(&m.encode()).unwrap(), m);
    }

    #[test]
    fn rejects_corruption_with_a_message() {
        let bytes = sample().encode();
        assert!(StoredModel::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(StoredModel::decode(b"nope").unwrap_err().contains("magic"));
        let mut flipped = bytes.clone();
        flipped[30] ^= 1;
        assert!(StoredModel::decode(&flipped).unwrap_err().contains("checksum"));
        let mut v1 = bytes;
        v1[4] = 1; // version 1 hashed character n-grams another way
        assert!(StoredModel::decode(&v1).unwrap_err().contains("version"));
        let long_grams = StoredModel { features: FeatureConfig { char_n: 9, ..FeatureConfig::DEFAULT }, ..sample() };
        assert!(StoredModel::decode(&long_grams.encode()).unwrap_err().contains("n-grams of 9 bytes"));
    }
}
