//! Stage 2 of the pipeline: text blocks → sentences → clauses.
//!
//! Legal text is hostile to naive splitting: "U.S.", "Inc." and "e.g." carry
//! periods, lists come without full stops, headings have no punctuation, and
//! long sentences chain sub-clauses with semicolons. The splitter works on one
//! block at a time (so nothing crosses a block) and yields clause segments
//! that each remember their sentence, because the risk of a clause often
//! depends on the rest of its sentence ("…, but we will notify you first").
//!
//! Untrusted input: any `&str` is accepted; the output ranges are always
//! char boundaries, never empty, and never overlap.

mod abbrev;
mod heading;

pub use heading::{is_heading, is_run_in_heading};

use std::ops::Range;

use crate::blocks::{BlockKind, Document};

/// One clause: the unit that is classified and highlighted.
///
/// Invariants: `start < end`, both char boundaries of the document text;
/// `sentence` contains `start..end`; the text has no leading or trailing
/// white space and contains at least one letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte offset of the clause in the document text.
    pub start: usize,
    /// Byte offset one past the clause.
    pub end: usize,
    /// Byte range of the whole sentence.
    pub sentence: Range<usize>,
    /// Index of the block holding it.
    pub block: usize,
    /// How its block is read ([`Document::kind`]: a heading block of more
    /// than [`BlockKind::MAX_HEADING_CHARS`] chars is a paragraph).
    pub kind: BlockKind,
    /// Whether the clause is a heading: a title, not a commitment, so it is
    /// not classified. Every clause of a [`BlockKind::Heading`] block is one,
    /// except in a sentence ending with a colon (a lead-in:
    /// [`crate::model::context`]); in other blocks, a clause that reads as
    /// one ([`is_heading`]: "Dispute Resolution", "ARBITRATION") and every
    /// clause of a run-in heading ([`is_run_in_heading`]: "Class Action
    /// Waiver. You and…").
    pub heading: bool,
}

/// Splits every block of `doc` into clause segments, in document order.
pub fn segment(doc: &Document) -> Vec<Segment> {
    let mut out = Vec::new();
    segment_span(doc, 0..doc.text().len(), &mut out);
    out
}

/// Appends the clause segments of the part `span` (byte offsets into the
/// document text) of `doc`, in document order.
///
/// When `span` is cut at [`cut_after`] points, the segments of consecutive
/// spans, concatenated, are exactly [`segment`]'s (a test checks it): a cut
/// falls between blocks or after a line break that ends a sentence, and
/// nothing the splitter looks at around such a break differs between the
/// whole block and its two parts (the next line's first letter, the start
/// of the line before).
pub fn segment_span(doc: &Document, span: Range<usize>, out: &mut Vec<Segment>) {
    let first = doc.block_of(span.start);
    for (index, range) in doc.blocks().iter().enumerate().skip(first) {
        if range.start >= span.end {
            break;
        }
        let part = range.start.max(span.start)..range.end.min(span.end);
        if part.start >= part.end {
            continue;
        }
        let block = &doc.text()[part.clone()];
        let whole = &doc.text()[range.clone()];
        let kind = doc.kind(index);
        for sentence in sentences(block) {
            let s = part.start + sentence.start..part.start + sentence.end;
            // "To deliver ads, we:" in an h-tag introduces the list under it.
            // A run-in heading is judged on the whole block, so that a span
            // cut after it reads it as the whole document does.
            let titled = if kind == BlockKind::Heading {
                !crate::model::context::is_lead_in(&block[sentence.clone()])
            } else {
                is_run_in_heading(whole, s.start - range.start..s.end - range.start)
            };
            for clause in clauses(&block[sentence.clone()]) {
                let start = s.start + clause.start;
                let end = s.start + clause.end;
                out.push(Segment {
                    start,
                    end,
                    sentence: s.clone(),
                    block: index,
                    kind,
                    heading: titled || is_heading(&doc.text()[start..end]),
                });
            }
        }
    }
}

/// The first position at or after byte `at` where the document may be cut
/// for [`segment_span`]: a block boundary, a point between blocks, or just
/// after a line break that ends a sentence; the text length when there is
/// none.
pub fn cut_after(doc: &Document, at: usize) -> usize {
    let text = doc.text();
    let mut i = at.min(text.len());
    loop {
        let b = doc.block_of(i);
        let Some(block) = doc.blocks().get(b) else { return text.len() };
        if i <= block.start || i >= block.end {
            return i; // at a block start or between blocks
        }
        let inner = &text[block.clone()];
        let from = i - block.start;
        let next = inner.as_bytes()[from.saturating_sub(1)..]
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c == b'\n')
            .map(|(k, _)| from.saturating_sub(1) + k)
            .find(|&n| n + 1 >= from && newline_ends_sentence(inner, n));
        match next {
            Some(n) => return block.start + n + 1,
            None => i = block.end, // try the end of the block
        }
    }
}

/// Byte ranges of the sentences of one block, trimmed, in order.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !MAY_CUT[usize::from(b)] {
            i += 1; // most bytes: one table load, no comparisons
            continue;
        }
        match b {
            b'\n' | b'\t' if b == b'\t' || newline_ends_sentence(text, i) => cuts.push(i + 1),
            b'|' if i > 0 && bytes[i - 1] == b' ' && bytes.get(i + 1) == Some(&b' ') => {
                // A flattened table cell separator.
                cuts.push(i + 1);
            }
            b'.' | b'!' | b'?' => {
                if let Some(after) = terminator_end(text, i) {
                    cuts.push(after);
                    i = after;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    cuts.push(text.len());
    let mut out = Vec::new();
    let mut from = 0;
    for cut in cuts {
        if let Some(r) = trimmed(text, from..cut) {
            out.push(r);
        }
        from = cut;
    }
    out
}

/// The bytes [`sentences`] may cut at.
static MAY_CUT: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'|' as usize] = true;
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t
};

/// Byte ranges of the clauses of one sentence: split after a semicolon that
/// is followed by white space.
pub fn clauses(sentence: &str) -> Vec<Range<usize>> {
    let bytes = sentence.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    for i in memchr::memchr_iter(b';', bytes) {
        if bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace) {
            if let Some(r) = trimmed(sentence, from..i + 1) {
                out.push(r);
            }
            from = i + 1;
        }
    }
    if let Some(r) = trimmed(sentence, from..sentence.len()) {
        out.push(r);
    }
    out
}

/// Whether the line break at byte `i` ends a sentence: yes unless the next
/// line continues in lower case (hard-wrapped prose).
fn newline_ends_sentence(text: &str, i: usize) -> bool {
    let rest = &text[i + 1..];
    match rest.trim_start_matches([' ', '\t', '\r']).chars().next() {
        Some(c) => !c.is_lowercase(),
        None => true,
    }
}

/// If the `.`, `!` or `?` at byte `i` ends a sentence, the byte offset just
/// past it and any closing quotes or brackets.
fn terminator_end(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = i + 1;
    // Runs like "?!" or "..." end together.
    while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?') {
        end += 1;
    }
    let rest = &text[end..];
    let closers = rest.len() - rest.trim_start_matches(['"', '\'', ')', ']', '”', '’', '»']).len();
    end += closers;
    let rest = &text[end..];
    let Some(first) = rest.chars().next() else {
        return Some(end);
    };
    if !first.is_whitespace() {
        return None; // "3.5", "example.com", "U.S.-based"
    }
    let next_word = rest.split_whitespace().next().unwrap_or("");
    let Some(next) = next_word.chars().next() else {
        return Some(end);
    };
    if next.is_lowercase() {
        return None; // "e.g. the", "U.S. law"
    }
    if bytes[i] != b'.' || end > i + 1 + closers {
        return Some(end);
    }
    // "EU-U.S." is "U.S." for this purpose.
    let word = word_before(text, i).rsplit(['-', '/']).next().unwrap_or("");
    if abbrev::never_ends(word) || is_list_marker(text, i, word) {
        return None;
    }
    if abbrev::may_end(word) {
        let bare = next_word.trim_end_matches(|c: char| !c.is_alphanumeric());
        return abbrev::is_starter(bare).then_some(end);
    }
    Some(end)
}

/// The run of non-space text just before byte `i`.
fn word_before(text: &str, i: usize) -> &str {
    let head = &text[..i];
    let start = head.rfind(char::is_whitespace).map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
    &head[start..]
}

/// "1." or "iv." or "a." opening a line: a list marker, not a sentence end.
fn is_list_marker(text: &str, i: usize, word: &str) -> bool {
    let line_start = text[..i].rfind('\n').map_or(0, |p| p + 1);
    let before = text[line_start..i].trim_start();
    before == word
        && !word.is_empty()
        && word.len() <= 4
        && (word.chars().all(|c| c.is_ascii_digit())
            || word.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X'))
            || (word.len() == 1 && word.chars().all(|c| c.is_ascii_alphabetic())))
}

/// `r` without surrounding white space, or `None` if nothing readable is left.
fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let body = s.trim();
    if body.chars().any(char::is_alphanumeric) {
        Some(r.start + lead..r.start + lead + body.len())
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
