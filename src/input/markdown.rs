//! Markdown → text blocks: what the page would show once rendered.
//!
//! One block per paragraph, heading, list item, table cell, code block and
//! footnote or definition entry; a list item's own text and the list nested
//! in it are separate blocks. Soft line breaks become spaces and hard breaks
//! `\n`, links keep their text (not the URL), images drop out (alt text
//! included), inline HTML tags are dropped but the text between them stays,
//! and an HTML block is read by the HTML reader.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{html_kinded_blocks, BlockBuilder, KindedBlocks};
use crate::blocks::BlockKind;

/// Reads Markdown (CommonMark plus tables, strikethrough, task lists,
/// footnotes and definition lists) as blocks of visible text. Never fails.
pub fn markdown_blocks(source: &str) -> Vec<String> {
    markdown_kinded_blocks(source).texts
}

/// [`markdown_blocks`], each with its kind: `#` headings are headings, list
/// items (`- `, `* `, `1. `) list items — their paragraphs too, as a blank
/// line between items only makes the list "loose" — and every other block
/// a paragraph; an HTML block's kinds are the HTML reader's.
pub fn markdown_kinded_blocks(source: &str) -> KindedBlocks {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_DEFINITION_LIST;
    let mut out = BlockBuilder { kind: BlockKind::Paragraph, ..BlockBuilder::default() };
    // Inside an image (its alt text is not shown on the page).
    let mut image_depth = 0usize;
    let mut in_code_block = false;
    // The raw HTML of the HTML block being read.
    let mut html_block: Option<String> = None;
    // The kinds of the blocks we are inside, innermost last.
    let mut kinds: Vec<BlockKind> = Vec::new();
    for event in Parser::new_ext(source, options) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            _ if image_depth > 0 => {}
            Event::Start(Tag::HtmlBlock) => {
                out.flush();
                html_block = Some(String::new());
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(raw) = html_block.take() {
                    out.append(html_kinded_blocks(&raw));
                }
            }
            Event::Html(raw) => match html_block.as_mut() {
                Some(buf) => buf.push_str(&raw),
                // Html outside an HTML block should not happen; read it anyway.
                None => out.append(html_kinded_blocks(&raw)),
            },
            Event::InlineHtml(tag) => {
                if is_br(&tag) {
                    out.line_break();
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                out.flush();
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                out.flush();
                in_code_block = false;
            }
            Event::Start(tag) => {
                if starts_block(&tag) {
                    out.flush();
                    let outer = kinds.last().copied().unwrap_or(BlockKind::Paragraph);
                    kinds.push(match tag {
                        Tag::Heading { .. } => BlockKind::Heading,
                        Tag::Item => BlockKind::ListItem,
                        Tag::Paragraph | Tag::List(_) => outer,
                        _ => BlockKind::Paragraph,
                    });
                    out.kind = kinds.last().copied().unwrap_or(BlockKind::Paragraph);
                }
            }
            Event::End(tag) => {
                if ends_block(tag) {
                    out.flush();
                    kinds.pop();
                    out.kind = kinds.last().copied().unwrap_or(BlockKind::Paragraph);
                }
            }
            Event::Text(t) if in_code_block => out.push_raw(&t),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push_collapsed(&t)
            }
            Event::SoftBreak => out.push_collapsed(" "),
            Event::HardBreak => out.line_break(),
            Event::Rule => out.flush(),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    out.finish()
}

fn starts_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript | Tag::Link { .. }
    )
}

fn ends_block(tag: TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Superscript | TagEnd::Subscript | TagEnd::Link
    )
}

/// Whether an inline HTML tag is a line break (`<br>`, `<br/>`, `<BR />`).
fn is_br(tag: &str) -> bool {
    let t: String = tag.chars().filter(|c| !c.is_ascii_whitespace() && *c != '/').collect();
    t.eq_ignore_ascii_case("<br>")
}

#[cfg(test)]
mod tests {
    use super::markdown_blocks;

    #[test]
    fn paragraphs_headings_items_and_cells() {
        let md = "# Privacy *Policy*\n\nWe collect\nyour email.  \nAnd more.\n\n- one\n- two\n  - nested\n\n\
                  1. first\n\n   second para\n\n| A | B |\n|---|---|\n| c1 | c2 |\n";
        assert_eq!(
            markdown_blocks(md),
            ["Privacy Policy", "We collect your email.\nAnd more.", "one", "two", "nested", "first", "second para", "A", "B", "c1", "c2"]
        );
    }

    #[test]
    fn links_images_and_inline_html() {
        let md = "See [our terms](https://example.com/terms \"T\") ![a logo](logo.png) and <b>bold</b> text<br>next.";
        assert_eq!(markdown_blocks(md), ["See our terms and bold text\nnext."]);
        assert_eq!(markdown_blocks("<https://auto.link>"), ["https://auto.link"]);
    }

    #[test]
    fn code_blocks_keep_their_lines() {
        let md = "Intro `inline   code` here.\n\n```\nfn a() {\n    b();\n}\n```\n\n    indented\n";
        assert_eq!(markdown_blocks(md), ["Intro inline code here.", "fn a() {\n    b();\n}", "indented"]);
    }

    #[test]
    fn html_blocks_are_read_as_html() {
        let md = "<div>\n<p>One</p><script>x()</script>\n<p>Two &amp; three</p>\n</div>\n\nAfter.\n";
        assert_eq!(markdown_blocks(md), ["One", "Two & three", "After."]);
    }

    #[test]
    fn odd_input_never_panics() {
        assert!(markdown_blocks("").is_empty());
        assert!(markdown_blocks("\n\n   \n").is_empty());
        let deep = ">".repeat(10_000) + " quoted";
        assert_eq!(markdown_blocks(&deep), ["quoted"]);
        let _ = markdown_blocks(&"[".repeat(10_000));
        let _ = markdown_blocks(&"- ".repeat(5_000));
        let _ = markdown_blocks("| a |\n|-|\n| b | c | d |\n\u{0}\r\n> - [ ] x");
    }

    #[test]
    fn blocks_know_their_element() {
        use crate::blocks::BlockKind::{Heading, ListItem, Paragraph};
        let md = "## Your account\n\nWe are not liable for:\n\n- (a) loss;\n- two\n  - nested\n\n1. loose\n\n   second para\n\n\
                  After.\n\n> quoted\n\n<ul><li>html item</li></ul>\n";
        let got = super::markdown_kinded_blocks(md);
        assert_eq!(got.texts, ["Your account", "We are not liable for:", "(a) loss;", "two", "nested", "loose", "second para", "After.", "quoted", "html item"]);
        assert_eq!(got.kinds, [Heading, Paragraph, ListItem, ListItem, ListItem, ListItem, ListItem, Paragraph, Paragraph, ListItem]);
    }
}
