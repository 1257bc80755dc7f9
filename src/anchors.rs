//! Stage 4 of the pipeline: byte offsets → UTF-16 offsets.
//!
//! Rust indexes text in UTF-8 bytes; the DOM (and every JS string) in UTF-16
//! code units. This is the one place that converts. It walks the text once
//! for all the offsets a result needs, instead of once per finding.

/// Converts a set of byte offsets of `text` to UTF-16 offsets in one pass.
///
/// Invariant: every offset given must be a char boundary of `text` (the
/// segmenter only produces those); others are counted up to the next
/// boundary.
pub struct Utf16Map {
    bytes: Vec<usize>,
    units: Vec<usize>,
}

impl Utf16Map {
    /// Builds the map for `offsets` (any order, duplicates allowed).
    pub fn new(text: &str, offsets: impl IntoIterator<Item = usize>) -> Self {
        let mut bytes: Vec<usize> = offsets.into_iter().collect();
        bytes.sort_unstable();
        bytes.dedup();
        let mut units = Vec::with_capacity(bytes.len());
        let mut chars = text.char_indices().peekable();
        let mut count = 0usize;
        for &target in &bytes {
            while let Some(&(at, c)) = chars.peek() {
                if at >= target {
                    break;
                }
                count += c.len_utf16();
                chars.next();
            }
            units.push(count);
        }
        Utf16Map { bytes, units }
    }

    /// UTF-16 offset of a byte offset given to [`Utf16Map::new`].
    ///
    /// # Panics
    /// Never for offsets given to `new`; for others it returns the value of
    /// the nearest registered offset at or below (a logic error upstream).
    pub fn get(&self, byte: usize) -> usize {
        match self.bytes.binary_search(&byte) {
            Ok(i) => self.units[i],
            Err(0) => 0,
            Err(i) => self.units[i - 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Utf16Map;

    #[test]
    fn counts_surrogate_pairs_and_multibyte_chars() {
        let text = "a😀é中b";
        let offsets = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        let map = Utf16Map::new(text, offsets);
        let expect: Vec<usize> = vec![0, 1, 3, 4, 5, 6];
        let got: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .map(|b| map.get(b))
            .collect();
        assert_eq!(got, expect);
        assert_eq!(text.encode_utf16().count(), 6);
    }
}
