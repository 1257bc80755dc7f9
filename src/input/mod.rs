//! Native-only readers: turn a file (HTML, Markdown or plain text) into text
//! blocks, as the extension's content script does from the DOM.
//!
//! Every reader is total: any `&str` gives a (possibly empty) list of blocks
//! and never panics. Markup is parsed, never executed or re-emitted; text that
//! looks like markup inside a text node (`&lt;script&gt;`) stays text.
//!
//! The blocks are what [`crate::analyze_blocks`] joins with
//! [`crate::Document::BLOCK_SEPARATOR`], so finding offsets index into that
//! joined text, not into the file (except for [`Format::Text`], whose single
//! block is the whole file).

mod html;
mod markdown;
mod nesting;
mod text;

pub use html::{html_blocks, html_kinded_blocks};
pub use markdown::{markdown_blocks, markdown_kinded_blocks};
pub use text::text_blocks;

use crate::blocks::{BlockKind, Document};

/// Blocks with the kind of element each came from.
///
/// Invariant: `kinds` has one entry per entry of `texts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindedBlocks {
    /// The blocks' text, in document order.
    pub texts: Vec<String>,
    /// What element each block came from: headings (`h1`–`h6`, `#`), list
    /// items (`li`, `- `/`* `/`1. `) and paragraphs (every other block).
    pub kinds: Vec<BlockKind>,
}

impl KindedBlocks {
    /// The document of these blocks and kinds.
    pub fn into_document(self) -> Document {
        let n = self.texts.len();
        Document::with_kinds(self.texts, self.kinds)
            .unwrap_or_else(|_| unreachable!("KindedBlocks holds one kind per block ({n} blocks)"))
    }
}

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// HTML page or fragment.
    Html,
    /// Markdown (CommonMark with tables).
    Markdown,
    /// Plain text.
    Text,
}

/// How much of a file content sniffing looks at (bytes, rounded down to a
/// char boundary): enough to see a page's head or a document's first
/// headings, small enough that guessing is instant on any input.
const SNIFF_BYTES: usize = 64 * 1024;

/// Guesses the format from the file name's extension, then from the content.
///
/// Content rules, in order: HTML when the text starts with `<!doctype` or
/// `<html` (case-insensitive, after white space) or has at least five closing
/// tags of known HTML elements; Markdown when it has at least two Markdown
/// signs (`#` headings, `- `/`* `/`1. ` list items, `[text](url)` links, ``` fences);
/// plain text otherwise. `name` may be `-` (standard input): content decides.
pub fn guess_format(name: &str, text: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "htm" | "xhtml" | "shtml" => return Format::Html,
        "md" | "markdown" | "mdown" | "mkd" | "mkdn" => return Format::Markdown,
        "txt" | "text" => return Format::Text,
        _ => {}
    }
    let head = prefix(text, SNIFF_BYTES);
    if looks_like_html(head) {
        Format::Html
    } else if markdown_signs(head) >= 2 {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// Reads `text` in `format` as blocks (see the module docs).
pub fn to_blocks(text: &str, format: Format) -> Vec<String> {
    match format {
        Format::Html => html_blocks(text),
        Format::Markdown => markdown_blocks(text),
        Format::Text => text_blocks(text),
    }
}

/// Reads `text` in `format` as a document whose blocks know their kind:
/// HTML and Markdown give headings, list items and paragraphs; plain text
/// is one block of [`BlockKind::Unknown`] kind (its structure is only in
/// its text).
pub fn to_document(text: &str, format: Format) -> Document {
    match format {
        Format::Html => html_kinded_blocks(text).into_document(),
        Format::Markdown => markdown_kinded_blocks(text).into_document(),
        Format::Text => Document::from_blocks(text_blocks(text)),
    }
}

/// The first `max` bytes of `text`, cut back to a char boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Elements whose closing tag is good evidence of HTML (Markdown rarely
/// carries many of them).
const HTML_CLOSERS: &[&str] = &[
    "</p>", "</div>", "</li>", "</a>", "</span>", "</td>", "</tr>", "</h1>", "</h2>", "</h3>", "</h4>",
    "</section>", "</ul>", "</ol>", "</table>", "</strong>", "</em>", "</b>", "</body>", "</head>",
];

fn looks_like_html(head: &str) -> bool {
    let start = prefix(head.trim_start(), 16).to_ascii_lowercase();
    if start.starts_with("<!doctype") || start.starts_with("<html") {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    let closers: usize = HTML_CLOSERS.iter().map(|t| lower.matches(t).count()).sum();
    closers >= 5
}

/// Counts lines (up to 2) that only Markdown would write.
fn markdown_signs(head: &str) -> usize {
    let mut signs = 0;
    for line in head.lines() {
        let l = line.trim_start();
        let heading = l.starts_with('#') && {
            let hashes = l.bytes().take_while(|&b| b == b'#').count();
            hashes <= 6 && matches!(l.as_bytes().get(hashes), Some(b' ') | None)
        };
        let bullet = ["- ", "* ", "+ "].iter().any(|b| l.starts_with(b))
            || (l.bytes().take_while(u8::is_ascii_digit).count() > 0
                && l.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(". "));
        let fence = l.starts_with("```") || l.starts_with("~~~");
        let link = l.contains("](") && l.contains('[');
        if heading || bullet || fence || link {
            signs += 1;
            if signs >= 2 {
                break;
            }
        }
    }
    signs
}

fn is_ascii_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// Collapses runs of white space the way a browser lays out normal text:
/// shared by the HTML and Markdown readers so both give the same blocks for
/// the same visible text.
///
/// Invariant: the result never starts or ends with a space, and never has a
/// space next to a `\n` (hard breaks survive, padding around them does not).
/// Every block gets the kind [`BlockBuilder::kind`] says when it is flushed.
#[derive(Debug, Default)]
struct BlockBuilder {
    blocks: KindedBlocks,
    /// The kind of the block being built.
    kind: BlockKind,
    current: String,
    /// A space is owed before the next visible character.
    pending_space: bool,
}

impl BlockBuilder {
    /// Appends text, turning each run of ASCII white space into one space.
    fn push_collapsed(&mut self, text: &str) {
        for c in text.chars() {
            if is_ascii_space(c) {
                self.pending_space = true;
            } else {
                self.push_visible(c);
            }
        }
    }

    /// Appends text exactly as it is (preformatted text, code blocks).
    fn push_raw(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.pending_space && !self.current.is_empty() && !self.current.ends_with('\n') {
            self.current.push(' ');
        }
        self.pending_space = false;
        self.current.push_str(text);
    }

    fn push_visible(&mut self, c: char) {
        if self.pending_space && !self.current.is_empty() && !self.current.ends_with('\n') {
            self.current.push(' ');
        }
        self.pending_space = false;
        self.current.push(c);
    }

    /// A hard line break (`<br>`, a Markdown hard break).
    fn line_break(&mut self) {
        let trimmed = self.current.trim_end_matches(' ').len();
        self.current.truncate(trimmed);
        self.current.push('\n');
        self.pending_space = false;
    }

    /// Ends the current block; an empty or blank one is dropped.
    ///
    /// Trailing white space and leading blank lines go; the indentation of
    /// the first line stays (it matters in preformatted text).
    fn flush(&mut self) {
        self.pending_space = false;
        let block = std::mem::take(&mut self.current);
        let body = block.trim_end_matches(is_ascii_space);
        let indent = body.len() - body.trim_start_matches(is_ascii_space).len();
        let start = body[..indent].rfind('\n').map_or(0, |i| i + 1);
        let body = &body[start..];
        // A block of nothing but (Unicode) white space, e.g. `&nbsp;`, says nothing.
        if !body.trim().is_empty() {
            self.blocks.texts.push(body.to_string());
            self.blocks.kinds.push(self.kind);
        }
    }

    /// Appends finished blocks (after flushing the current one).
    fn append(&mut self, blocks: KindedBlocks) {
        self.flush();
        self.blocks.texts.extend(blocks.texts);
        self.blocks.kinds.extend(blocks.kinds);
    }

    fn finish(mut self) -> KindedBlocks {
        self.flush();
        self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::{guess_format, BlockBuilder, Format};

    #[test]
    fn extension_wins_over_content() {
        assert_eq!(guess_format("a.HTML", "# not html"), Format::Html);
        assert_eq!(guess_format("dir.v2/a.md", "<html>"), Format::Markdown);
        assert_eq!(guess_format("a.txt", "<!doctype html>"), Format::Text);
    }

    #[test]
    fn content_sniffing() {
        assert_eq!(guess_format("-", "  <!DOCTYPE html><p>x"), Format::Html);
        assert_eq!(guess_format("page", "<HTML><body>x"), Format::Html);
        let frag = "<p>a</p><p>b</p><ul><li>c</li><li>d</li></ul>";
        assert_eq!(guess_format("-", frag), Format::Html);
        assert_eq!(guess_format("-", "# Privacy\n\n- we collect\n"), Format::Markdown);
        assert_eq!(guess_format("-", "See [our terms](https://x.y) and [privacy](/p)."), Format::Text);
        assert_eq!(guess_format("-", "See [terms](https://x.y).\nAnd [privacy](/p)."), Format::Markdown);
        assert_eq!(guess_format("-", "#hashtag\nPrivacy matters. 2024. Done."), Format::Text);
        assert_eq!(guess_format("-", "a < b and c > d </p>"), Format::Text);
        assert_eq!(guess_format("-", ""), Format::Text);
        // A multi-byte char across the sniffing limit must not panic.
        let long = "é".repeat(40_000);
        assert_eq!(guess_format("-", &long), Format::Text);
    }

    #[test]
    fn builder_collapses_and_keeps_breaks() {
        let mut b = BlockBuilder::default();
        b.push_collapsed("  Hello \n\t world ");
        b.line_break();
        b.push_collapsed("  next ");
        b.flush();
        b.push_collapsed(" \n ");
        b.flush();
        b.push_raw("  keep\n  this");
        assert_eq!(b.finish().texts, vec!["Hello world\nnext".to_string(), "  keep\n  this".to_string()]);
    }
}
