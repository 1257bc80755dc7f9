//! Stage 4 of the pipeline: byte offsets → UTF-16 offsets.
//!
//! Rust indexes text in UTF-8 bytes; the DOM (and every JS string) in UTF-16
//! code units. This is the one place that converts. It walks the text once
//! for all the offsets a result needs, instead of once per finding.

use std::ops::Range;

use serde::Serialize;

use crate::blocks::Document;

/// Where a span of text (a clause, a sentence) is in a document, in both
/// units.
///
/// Invariant: `start..end` are UTF-8 byte offsets into the document's text
/// (its blocks joined by [`Document::BLOCK_SEPARATOR`]) and char boundaries;
/// `start_utf16..end_utf16` is the same span in UTF-16 code units; the span
/// lies inside block `block`, at `block_start_utf16..block_end_utf16` UTF-16
/// code units from that block's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Byte offset of the span in the document text.
    pub start: usize,
    /// Byte offset one past the span.
    pub end: usize,
    /// `start` in UTF-16 code units.
    pub start_utf16: usize,
    /// `end` in UTF-16 code units.
    pub end_utf16: usize,
    /// Index of the block holding the span.
    pub block: usize,
    /// Span start in UTF-16 code units from its block's start.
    pub block_start_utf16: usize,
    /// Span end in UTF-16 code units from its block's start.
    pub block_end_utf16: usize,
}

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
        let text = text.as_bytes();
        let (mut at, mut count) = (0usize, 0usize);
        for &target in &bytes {
            // A character that starts before `target` counts whole.
            let mut end = target.min(text.len());
            while end < text.len() && is_continuation(text[end]) {
                end += 1;
            }
            if end > at {
                count += utf16_len(&text[at..end]);
                at = end;
            }
            units.push(count);
        }
        Utf16Map { bytes, units }
    }

    /// The [`Span`] of the byte range `range` of `doc`'s text, which lies in
    /// block `block`; `range.start`, `range.end` and the block's start must
    /// have been given to [`Utf16Map::new`].
    pub fn span(&self, doc: &Document, range: Range<usize>, block: usize) -> Span {
        let block_start = self.get(doc.blocks()[block].start);
        let (start_utf16, end_utf16) = (self.get(range.start), self.get(range.end));
        Span {
            start: range.start,
            end: range.end,
            start_utf16,
            end_utf16,
            block,
            block_start_utf16: start_utf16 - block_start,
            block_end_utf16: end_utf16 - block_start,
        }
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

/// Whether `b` continues a UTF-8 character (`0b10xx_xxxx`).
fn is_continuation(b: u8) -> bool {
    (b as i8) < -64
}

/// UTF-16 code units of `s`, whole UTF-8 characters: one per byte that
/// starts a character, and one more for each 4-byte character (a surrogate
/// pair). Branch-free per byte, so the compiler vectorises it; decoding
/// characters one by one cost ten times more on a 2.5 MB text.
fn utf16_len(s: &[u8]) -> usize {
    // Per chunk in a `u8` (at most 2 × 127): 16 bytes per vector lane add.
    s.chunks(127)
        .map(|chunk| chunk.iter().fold(0u8, |n, &b| n + u8::from(!is_continuation(b)) + u8::from(b >= 0xF0)))
        .map(usize::from)
        .sum()
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

    /// Every byte offset, on a character boundary or not (counted up to
    /// the next boundary) or past the end, maps like decoding characters.
    #[test]
    fn equals_decoding_characters_at_every_offset() {
        let text = "Wir: «données» — 東京 😀👩‍👩‍👧 a\u{301}b ער ok\u{10FFFF}.";
        let slow = |target: usize| text.char_indices().take_while(|&(at, _)| at < target).map(|(_, c)| c.len_utf16()).sum::<usize>();
        let all: Vec<usize> = (0..=text.len() + 2).collect();
        let map = Utf16Map::new(text, all.iter().rev().copied());
        for &b in &all {
            assert_eq!(map.get(b), slow(b), "byte {b}");
        }
    }
}
