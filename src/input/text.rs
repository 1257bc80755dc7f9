//! Plain text → one block: the whole file, unchanged.
//!
//! Keeping the file whole means a finding's byte offsets are byte offsets
//! into the file itself (after the UTF-8 byte-order mark, which reading
//! drops). Nothing is normalised: CRLF line ends stay as they are, because
//! the segmenter already treats blank lines as paragraph breaks and line
//! starts (bullets, numbers) as list items.

/// Reads plain text as a single block holding all of it (an empty block for
/// an empty file, like [`crate::analyze_text`]).
pub fn text_blocks(source: &str) -> Vec<String> {
    vec![source.to_string()]
}

#[cfg(test)]
mod tests {
    use super::text_blocks;

    #[test]
    fn one_block_unchanged() {
        let t = "Title\r\n\r\n  We collect data.\r\n- item\n\n\ttab ";
        assert_eq!(text_blocks(t), [t]);
        assert_eq!(text_blocks(""), [""]);
    }
}
