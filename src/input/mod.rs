//! Native-only readers: turn a file (HTML, Markdown or plain text) into text
//! blocks, as the content script does from the DOM.

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// HTML page or fragment.
    Html,
    /// Markdown.
    Markdown,
    /// Plain text.
    Text,
}

/// Guesses the format from the file name, then from the content.
pub fn guess_format(name: &str, text: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        Format::Html
    } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Format::Markdown
    } else if text.trim_start().starts_with('<') {
        Format::Html
    } else {
        Format::Text
    }
}

/// Reads `text` in `format` as blocks.
pub fn to_blocks(text: &str, format: Format) -> Vec<String> {
    match format {
        Format::Html | Format::Markdown | Format::Text => vec![text.to_string()],
    }
}
