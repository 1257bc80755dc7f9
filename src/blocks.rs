//! Stage 1 of the pipeline: text blocks → one document text.
//!
//! The browser gives Clausemark the page as blocks (a paragraph, a list
//! item, a heading, a table cell); the CLI gives it whatever its readers
//! extract. Blocks are joined with a blank line so that no sentence ever
//! runs from one block into the next, and each block's byte range is kept so
//! findings can be reported relative to the block the content script sent.

use std::ops::Range;

/// The text being analysed, assembled from blocks.
///
/// Invariant: `blocks` are in order, do not overlap, and every range is a
/// char boundary range of `text`; consecutive blocks are separated by exactly
/// [`Document::BLOCK_SEPARATOR`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    text: String,
    blocks: Vec<Range<usize>>,
}

impl Document {
    /// What goes between two blocks in [`Document::text`].
    pub const BLOCK_SEPARATOR: &'static str = "\n\n";

    /// Joins blocks into one document. Empty blocks keep their index (so the
    /// extension's block numbers stay valid) but contain nothing.
    pub fn from_blocks<I, S>(blocks: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut doc = Document::default();
        for (i, block) in blocks.into_iter().enumerate() {
            if i > 0 {
                doc.text.push_str(Self::BLOCK_SEPARATOR);
            }
            let start = doc.text.len();
            doc.text.push_str(block.as_ref());
            doc.blocks.push(start..doc.text.len());
        }
        doc
    }

    /// A document of one block: offsets into it are offsets into `text`.
    pub fn from_text(text: &str) -> Self {
        Self::from_blocks([text])
    }

    /// The whole text; finding offsets index into it (bytes).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte range of each block in [`Document::text`].
    pub fn blocks(&self) -> &[Range<usize>] {
        &self.blocks
    }

    /// Index of the block containing byte offset `at` (the last block whose
    /// start is at or before `at`); 0 for an empty document.
    pub fn block_of(&self, at: usize) -> usize {
        self.blocks.partition_point(|b| b.start <= at).saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::Document;

    #[test]
    fn blocks_are_joined_and_located() {
        let doc = Document::from_blocks(["Héllo", "", "wörld"]);
        assert_eq!(doc.text(), "Héllo\n\n\n\nwörld");
        assert_eq!(doc.blocks().len(), 3);
        assert_eq!(&doc.text()[doc.blocks()[2].clone()], "wörld");
        assert_eq!(doc.block_of(doc.blocks()[2].start + 1), 2);
        assert_eq!(doc.block_of(0), 0);
    }
}
