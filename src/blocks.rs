//! Stage 1 of the pipeline: text blocks → one document text.
//!
//! The browser gives Clausemark the page as blocks (a paragraph, a list
//! item, a heading, a table cell); the CLI gives it whatever its readers
//! extract. Blocks are joined with a blank line so that no sentence ever
//! runs from one block into the next, and each block's byte range is kept so
//! findings can be reported relative to the block the content script sent.
//!
//! A block may also say what element it came from ([`BlockKind`]): the
//! content script and the CLI's HTML and Markdown readers know a heading or
//! a list item when they see one, which the text alone does not tell (a
//! sentence-case `<h2>Your account</h2>`, an `<li>` ending with a full
//! stop). Text without structure (plain text, the evaluation corpora) is
//! [`BlockKind::Unknown`] throughout and read by the text rules alone.

use std::ops::Range;

/// What element a block came from, as far as its reader knows.
///
/// Only headings and list items change how a block is read: a heading's
/// clauses are headings and close any list ([`crate::segment`],
/// [`crate::model::context`]); a list item continues the list its lead-in
/// opened; a paragraph after list items ends that list. `Unknown` leaves
/// all of it to the text heuristics, exactly as before blocks had kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// Nothing known: the text heuristics decide.
    #[default]
    Unknown,
    /// A paragraph or any other block that is neither heading nor list item
    /// (`p`, `div`, table cells, quotes…).
    Paragraph,
    /// A heading element (`h1`–`h6`, a Markdown `#` line).
    Heading,
    /// A list item (`li`, a Markdown `- `, `* ` or `1. ` item).
    ListItem,
}

impl BlockKind {
    /// A heading block longer than this (in chars) is read as a paragraph:
    /// sites put whole paragraphs in `h`-tags for their styling, and a
    /// paragraph-long "heading" is text to classify, not a title.
    pub const MAX_HEADING_CHARS: usize = 160;

    /// The one-letter code the extension sends per block: `u`nknown,
    /// `p`aragraph, `h`eading, `l`ist item. `None` for any other char.
    pub fn from_code(code: char) -> Option<Self> {
        match code {
            'u' => Some(BlockKind::Unknown),
            'p' => Some(BlockKind::Paragraph),
            'h' => Some(BlockKind::Heading),
            'l' => Some(BlockKind::ListItem),
            _ => None,
        }
    }

    /// The code of [`BlockKind::from_code`].
    pub fn code(self) -> char {
        match self {
            BlockKind::Unknown => 'u',
            BlockKind::Paragraph => 'p',
            BlockKind::Heading => 'h',
            BlockKind::ListItem => 'l',
        }
    }
}

/// The text being analysed, assembled from blocks.
///
/// Invariants: `blocks` are in order, do not overlap, and every range is a
/// char boundary range of `text`; consecutive blocks are separated by exactly
/// [`Document::BLOCK_SEPARATOR`]; `kinds` has one entry per block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    text: String,
    blocks: Vec<Range<usize>>,
    kinds: Vec<BlockKind>,
}

impl Document {
    /// What goes between two blocks in [`Document::text`].
    pub const BLOCK_SEPARATOR: &'static str = "\n\n";

    /// Joins blocks into one document, every block of
    /// [`BlockKind::Unknown`] kind. Empty blocks keep their index (so the
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
        doc.kinds = vec![BlockKind::Unknown; doc.blocks.len()];
        doc
    }

    /// [`Document::from_blocks`] with each block's kind: `kinds[i]` is the
    /// kind of block `i`. An error saying both counts when there are not as
    /// many kinds as blocks.
    pub fn with_kinds<I, S>(blocks: I, kinds: Vec<BlockKind>) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut doc = Self::from_blocks(blocks);
        if kinds.len() != doc.blocks.len() {
            return Err(format!("{} block kinds for {} blocks: give one kind per block", kinds.len(), doc.blocks.len()));
        }
        doc.kinds = kinds;
        Ok(doc)
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

    /// The kind of each block, as given (one per block).
    pub fn kinds(&self) -> &[BlockKind] {
        &self.kinds
    }

    /// How block `index` is read: its kind, except that a heading longer
    /// than [`BlockKind::MAX_HEADING_CHARS`] chars is a paragraph;
    /// `Unknown` past the last block.
    pub fn kind(&self, index: usize) -> BlockKind {
        match self.kinds.get(index) {
            Some(BlockKind::Heading) => {
                let r = &self.blocks[index];
                // A block of at most MAX_HEADING_CHARS bytes has no more chars.
                // (`chars().count()` is the library's own loop, already in the
                // wasm module; `chars().nth()` was inlined here, 1 KB of it.)
                let long = r.len() > BlockKind::MAX_HEADING_CHARS
                    && self.text[r.clone()].chars().count() > BlockKind::MAX_HEADING_CHARS;
                if long { BlockKind::Paragraph } else { BlockKind::Heading }
            }
            Some(&k) => k,
            None => BlockKind::Unknown,
        }
    }

    /// Index of the block containing byte offset `at` (the last block whose
    /// start is at or before `at`); 0 for an empty document.
    pub fn block_of(&self, at: usize) -> usize {
        self.blocks.partition_point(|b| b.start <= at).saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::{BlockKind, Document};

    #[test]
    fn blocks_are_joined_and_located() {
        let doc = Document::from_blocks(["Héllo", "", "wörld"]);
        assert_eq!(doc.text(), "Héllo\n\n\n\nwörld");
        assert_eq!(doc.blocks().len(), 3);
        assert_eq!(&doc.text()[doc.blocks()[2].clone()], "wörld");
        assert_eq!(doc.block_of(doc.blocks()[2].start + 1), 2);
        assert_eq!(doc.block_of(0), 0);
    }

    #[test]
    fn kinds_one_per_block() {
        let doc = Document::from_blocks(["a", "b"]);
        assert_eq!(doc.kinds(), [BlockKind::Unknown; 2]);
        let long = "Long heading words ".repeat(9);
        let doc = Document::with_kinds(["Your account", "x", long.as_str()], vec![BlockKind::Heading, BlockKind::ListItem, BlockKind::Heading]).unwrap();
        assert_eq!([doc.kind(0), doc.kind(1), doc.kind(2), doc.kind(3)], [BlockKind::Heading, BlockKind::ListItem, BlockKind::Paragraph, BlockKind::Unknown]);
        let err = Document::with_kinds(["a", "b"], vec![BlockKind::Heading]).unwrap_err();
        assert!(err.contains("1 block kinds for 2 blocks"), "{err}");
        for k in [BlockKind::Unknown, BlockKind::Paragraph, BlockKind::Heading, BlockKind::ListItem] {
            assert_eq!(BlockKind::from_code(k.code()), Some(k));
        }
        assert_eq!(BlockKind::from_code('x'), None);
    }
}
