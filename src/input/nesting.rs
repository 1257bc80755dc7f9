//! A guard against absurdly deep HTML, run before the real parser.
//!
//! The HTML tree builder (html5ever, like the specification) checks "is
//! there a `p` in scope?" by walking the stack of open elements, so each
//! block-level start tag costs time proportional to the current depth: 4,000
//! nested `<ul><li>` took 13 s to parse in a debug build, 8,000 took 58 s.
//! Real pages nest a few dozen elements deep. So a quick lexical pass tracks
//! the nesting of container elements and, past [`MAX_DEPTH`], drops the
//! start tags (and their end tags) that would go deeper. Text is never
//! dropped, only tags, so the words still reach the analysis; they merely
//! lose their innermost block boundaries. Browsers cap depth too (Blink's
//! parser stops nesting at 512).
//!
//! The pass is linear: end tags search at most [`SEARCH`] open entries.

use std::borrow::Cow;

/// Deepest nesting of counted container elements kept.
pub const MAX_DEPTH: usize = 128;

/// How far up the open-element lists an end tag looks for its start tag.
const SEARCH: usize = 64;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source",
    "track", "wbr", "frame", "image",
];
/// Elements whose end tag is optional: the next sibling closes them, so
/// they do not nest in practice and are not counted.
const OPTIONAL_END: &[&str] = &[
    "li", "p", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "caption", "colgroup", "option",
    "optgroup", "rb", "rt", "rtc", "rp", "html", "head", "body",
];
/// Inline elements: nesting them costs the parser little.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "label", "mark",
    "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
];
/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// Returns `html` unchanged (borrowed) when no counted element nests deeper
/// than [`MAX_DEPTH`]; otherwise a copy without the tags that go deeper.
pub fn cap_nesting(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut kept: Vec<String> = Vec::new();
    let mut dropped: Vec<String> = Vec::new();
    // Byte ranges of tags to remove, in order.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if matches!(rest.first(), Some(b'!' | b'?')) {
            i = find(bytes, start, b">").map_or(bytes.len(), |e| e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1; // a lone '<' in text
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        i = end;
        if closing {
            if let Some(pos) = search(&dropped, &name) {
                dropped.truncate(pos);
                cuts.push((start, end));
            } else if let Some(pos) = search(&kept, &name) {
                kept.truncate(pos);
            }
            continue;
        }
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if RAW_TEXT.contains(&name.as_str()) {
            // Skip the raw text, up to `</name` (case-insensitive), or the end.
            i = find_end_tag(bytes, end, &name).unwrap_or(bytes.len());
            continue;
        }
        if name == "plaintext" {
            break;
        }
        let counted = !self_closing
            && !VOID.contains(&name.as_str())
            && !OPTIONAL_END.contains(&name.as_str())
            && !INLINE.contains(&name.as_str());
        if !counted {
            continue;
        }
        if kept.len() < MAX_DEPTH && dropped.is_empty() {
            kept.push(name);
        } else {
            dropped.push(name);
            cuts.push((start, end));
        }
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (s, e) in cuts {
        out.push_str(&html[at..s]);
        at = e;
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// Index (in `list`) of the innermost open `name` among the last [`SEARCH`].
fn search(list: &[String], name: &str) -> Option<usize> {
    let floor = list.len().saturating_sub(SEARCH);
    (floor..list.len()).rev().find(|&k| list[k] == name)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Byte just past the `>` closing a tag whose name ends at `from`, honouring
/// quoted attribute values; the end of input when there is none.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// Start of the `</name` that ends a raw-text element.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut k = from;
    while let Some(p) = find(bytes, k, b"</") {
        let n = &bytes[p + 2..];
        if n.len() >= name.len() && n[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some(p);
        }
        k = p + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{cap_nesting, MAX_DEPTH};

    #[test]
    fn ordinary_pages_are_untouched() {
        let page = "<html><body><div class=\"a>b\"><ul><li>x<li>y</ul><p>p<p>q<!-- <div><div> -->\
                    <script>if (a<b) document.write('<div><div>')</script><br><img src=x></div></body></html>";
        assert!(matches!(cap_nesting(page), std::borrow::Cow::Borrowed(_)));
        let wide = "<div>a</div>".repeat(10_000);
        assert!(matches!(cap_nesting(&wide), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_but_text_kept() {
        let n = MAX_DEPTH + 50;
        let deep = format!("{}text{}<p>after</p>", "<div>".repeat(n), "</div>".repeat(n));
        let capped = cap_nesting(&deep);
        assert_eq!(capped.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(capped.matches("</div>").count(), MAX_DEPTH);
        assert!(capped.contains("text") && capped.ends_with("<p>after</p>"));
    }

    #[test]
    fn stray_end_tags_do_not_reset_the_depth() {
        let n = MAX_DEPTH * 2;
        let sneaky = "<div></span></p>".repeat(n);
        assert_eq!(cap_nesting(&sneaky).matches("<div>").count(), MAX_DEPTH);
    }

    #[test]
    fn odd_input_never_panics() {
        for s in ["<", "</", "<a", "<!--", "<!", "<?x", "<div class='", "<script>", "</é>", "<é>", "<<>><div/>"] {
            let _ = cap_nesting(s);
        }
    }
}
