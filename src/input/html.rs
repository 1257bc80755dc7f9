//! HTML → text blocks, the way the content script reads a rendered page.
//!
//! Each block-level element (`p`, `li`, `h1`–`h6`, `td`, `dd`, `blockquote`,
//! `pre`, `div`, `section`…) starts and ends a block, so a `div` holding text
//! and then a `p` gives two blocks: the div's own text run and the
//! paragraph. Inline elements (`a`, `span`, `b`, `code`…) join their text to
//! the block around them. White space collapses as in a browser, except in
//! `pre`/`textarea`, and `<br>` becomes `\n` inside its block.
//!
//! What a reader cannot see is skipped: `script`, `style`, `noscript`,
//! `template`, `svg`, `math`, `head`, embedded objects, form `select`s, and
//! any element that is `hidden`, `aria-hidden="true"`, or styled inline with
//! `display: none` / `visibility: hidden`. (Stylesheets are not applied: a
//! class that hides text in CSS is not seen here.)
//!
//! html5ever parses any input, broken markup included, the way browsers do.
//! Absurd nesting is capped first (see [`super::nesting`], the parser is
//! quadratic in depth), and the tree is walked iteratively, so depth can
//! neither overflow the stack nor stall the reader.

use scraper::node::Element;
use scraper::{Html, Node};

use super::{BlockBuilder, KindedBlocks};
use crate::blocks::BlockKind;

/// Elements whose whole subtree is invisible or not text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "head", "title", "iframe", "object", "embed",
    "canvas", "audio", "video", "select", "datalist", "dialog", "input",
];

/// Elements that begin and end a block (HTML's block-level and table
/// elements).
const BLOCK: &[&str] = &[
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "p",
    "plaintext", "pre", "section", "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead",
    "tr", "ul", "xmp",
];

/// Elements whose white space is kept as written.
const PREFORMATTED: &[&str] = &["pre", "textarea", "listing", "plaintext", "xmp"];

/// Reads an HTML page or fragment as blocks of visible text (see the module
/// docs). Never fails: broken markup is repaired as a browser would.
pub fn html_blocks(source: &str) -> Vec<String> {
    html_kinded_blocks(source).texts
}

/// [`html_blocks`], each with the kind of the innermost block element its
/// text sits in: `h1`–`h6` a heading, `li` a list item, any other a
/// paragraph — as the content script reads a page. So the text of
/// `<li><p>…</p></li>` is a paragraph: pages that wrap whole sections in
/// list items (`<li><h3>…</h3><p>…</p></li>`) must not read every
/// paragraph as an item; such items fall back to the text rules.
pub fn html_kinded_blocks(source: &str) -> KindedBlocks {
    let html = Html::parse_document(&super::nesting::cap_nesting(source));
    let mut walker = Walker::default();
    // Depth-first walk with explicit moves (first child, next sibling,
    // parent) instead of recursion: the tree can be arbitrarily deep.
    let mut node = html.tree.root();
    'walk: loop {
        if walker.open(node.value()) {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
            walker.close(node.value());
        }
        loop {
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'walk;
            }
            match node.parent() {
                Some(parent) => {
                    node = parent;
                    walker.close(node.value());
                }
                None => break 'walk,
            }
        }
    }
    walker.out.finish()
}

/// The kind of block an element makes (see [`html_kinded_blocks`]): its
/// ARIA `role` when that is `heading` or `listitem` (pages built from
/// `<div>`s say it so), else its tag.
pub(super) fn kind_of(name: &str, role: Option<&str>) -> BlockKind {
    match (name, role.map(str::trim)) {
        (_, Some(r)) if r.eq_ignore_ascii_case("heading") => BlockKind::Heading,
        (_, Some(r)) if r.eq_ignore_ascii_case("listitem") => BlockKind::ListItem,
        ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => BlockKind::Heading,
        ("li", _) => BlockKind::ListItem,
        _ => BlockKind::Paragraph,
    }
}

/// The state of the walk: the blocks so far and whether we are in `pre`.
#[derive(Default)]
struct Walker {
    out: BlockBuilder,
    /// Depth of preformatted elements we are inside.
    pre_depth: usize,
    /// The kinds of the block elements we are inside, innermost last.
    kinds: Vec<BlockKind>,
}

impl Walker {
    /// Handles the start of a node; `false` means "do not enter it" (an
    /// invisible element, or a node without children that matter).
    fn open(&mut self, node: &Node) -> bool {
        match node {
            Node::Document | Node::Fragment => true,
            Node::Element(el) => {
                if is_invisible(el) {
                    return false;
                }
                let name = el.name();
                if name == "br" {
                    self.out.line_break();
                } else if BLOCK.contains(&name) {
                    self.out.flush();
                    let kind = kind_of(name, el.attr("role"));
                    self.kinds.push(kind);
                    self.out.kind = kind;
                    if PREFORMATTED.contains(&name) {
                        self.pre_depth += 1;
                    }
                }
                true
            }
            Node::Text(t) => {
                if self.pre_depth > 0 {
                    self.out.push_raw(t);
                } else {
                    self.out.push_collapsed(t);
                }
                false
            }
            _ => false,
        }
    }

    /// Handles the end of a node that [`Walker::open`] entered.
    fn close(&mut self, node: &Node) {
        if let Node::Element(el) = node {
            let name = el.name();
            if BLOCK.contains(&name) {
                self.out.flush();
                self.kinds.pop();
                self.out.kind = self.kinds.last().copied().unwrap_or(BlockKind::Paragraph);
                if PREFORMATTED.contains(&name) {
                    self.pre_depth = self.pre_depth.saturating_sub(1);
                }
            }
        }
    }
}

/// Whether an element and everything in it is hidden from the reader.
fn is_invisible(el: &Element) -> bool {
    if SKIPPED.contains(&el.name()) || el.attr("hidden").is_some() {
        return true;
    }
    if el.attr("aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return true;
    }
    el.attr("style").is_some_and(|style| {
        let compact: String =
            style.chars().filter(|c| !c.is_ascii_whitespace()).map(|c| c.to_ascii_lowercase()).collect();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

#[cfg(test)]
mod tests {
    use super::html_blocks;

    fn blocks(s: &str) -> Vec<String> {
        html_blocks(s)
    }

    #[test]
    fn block_elements_make_blocks_and_inline_joins() {
        let got = blocks(
            "<h1>Privacy  Policy</h1><p>We <b>collect</b> your\n   <a href='x'>email</a>.</p>\
             <ul><li>One</li><li>Two <em>items</em></li></ul><table><tr><td>A</td><th>B</th></tr></table>\
             <dl><dt>Term</dt><dd>Def</dd></dl><blockquote>Quote</blockquote>",
        );
        assert_eq!(got, ["Privacy Policy", "We collect your email.", "One", "Two items", "A", "B", "Term", "Def", "Quote"]);
    }

    #[test]
    fn div_text_runs_are_split_around_child_blocks() {
        let got = blocks("<div>Intro text <span>here</span><p>Para</p>tail text</div><section>S</section>");
        assert_eq!(got, ["Intro text here", "Para", "tail text", "S"]);
    }

    #[test]
    fn br_is_a_newline_inside_the_block() {
        assert_eq!(blocks("<p>Line one <br>  line two<br/>three</p>"), ["Line one\nline two\nthree"]);
        // A leading or trailing <br> adds nothing.
        assert_eq!(blocks("<p><br>x<br></p>"), ["x"]);
    }

    #[test]
    fn invisible_content_is_skipped() {
        let got = blocks(
            "<html><head><title>T</title><style>p{}</style><script>var a = '<p>no</p>';</script></head>\
             <body><p>Seen</p><noscript>enable JS</noscript><template><p>tpl</p></template>\
             <svg><text>svg text</text></svg><p hidden>h1</p><div aria-hidden=\"true\">h2</div>\
             <div aria-hidden=\"false\">shown</div><span style=\"color:red; DISPLAY : none\">h3</span>\
             <p style=\"visibility:hidden\">h4 <b>bold</b></p><p>After <!-- comment --> all</p></body></html>",
        );
        assert_eq!(got, ["Seen", "shown", "After all"]);
    }

    #[test]
    fn pre_keeps_its_white_space() {
        let got = blocks("<p>a   b</p><pre>  x   y\n    z</pre><p>c</p>");
        assert_eq!(got, ["a b", "  x   y\n    z", "c"]);
    }

    #[test]
    fn escaped_markup_stays_text() {
        assert_eq!(blocks("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>"), ["<script>alert(1)</script> & more"]);
    }

    #[test]
    fn fragments_broken_markup_and_oddities() {
        assert_eq!(blocks("just text, no tags"), ["just text, no tags"]);
        assert_eq!(blocks("<p>unclosed <b>bold<p>next"), ["unclosed bold", "next"]);
        // A `<td>` outside a table is dropped by the parser, as in a browser.
        assert_eq!(blocks("</div></p><li>stray<td>cell"), ["straycell"]);
        assert_eq!(blocks("<p>a&nbsp;b</p><p>&nbsp;</p>"), ["a\u{a0}b"]);
        assert!(blocks("").is_empty());
        assert!(blocks("<<<>>><!--").iter().all(|b| !b.contains("<!--")));
        // Deep nesting must not overflow the stack.
        let deep = "<div>".repeat(50_000) + "deep" + &"</div>".repeat(50_000);
        assert_eq!(blocks(&deep), ["deep"]);
        let spans = "<span>".repeat(20_000) + "deep";
        assert_eq!(blocks(&spans), ["deep"]);
    }

    #[test]
    fn blocks_know_their_element() {
        use crate::blocks::BlockKind::{Heading, ListItem, Paragraph};
        let got = super::html_kinded_blocks(
            "<h2>Your <b>account</b></h2><p>We are not liable for:</p><ul><li>(a) loss;</li>\
             <li>(b) data <ul><li>nested</li></ul> tail</li><li><p>wrapped</p></li></ul><div>x<h3>T</h3>y</div>",
        );
        assert_eq!(got.texts, ["Your account", "We are not liable for:", "(a) loss;", "(b) data", "nested", "tail", "wrapped", "x", "T", "y"]);
        assert_eq!(got.kinds, [Heading, Paragraph, ListItem, ListItem, ListItem, ListItem, Paragraph, Paragraph, Heading, Paragraph]);
        // ARIA roles on plain boxes.
        let got = super::html_kinded_blocks(
            "<div role=\"heading\" aria-level=\"2\">Fees</div><div role=\"list\"><div role=\" ListItem\">(a) one;</div></div><h3 role=\"presentation\">x</h3>",
        );
        assert_eq!(got.kinds, [Heading, ListItem, Heading]);
    }
}
