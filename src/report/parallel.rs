//! Native only: one large document analysed on several threads.
//!
//! The document text is cut into spans at points where segmentation is
//! unaffected by the cut ([`crate::segment::cut_after`]: between blocks, or
//! after a line break that ends a sentence), so each span can go through
//! segmentation → rules → model → kind counts on its own thread; clauses are
//! classified independently and the model reads one sentence at a time,
//! which never crosses a cut — with one piece of context: a list item is
//! read with its lead-in ([`crate::model::context`]), so a cut is also
//! never placed inside a list (only after a sentence that closes every
//! list, [`closes_lists`]). The spans' segments are concatenated, their
//! hits shifted to the concatenation's indices and their counts added. The
//! result is the same as on one thread (a test checks it); only what needs
//! the whole document (the UTF-16 anchors, kind and grade) runs after the
//! join. The wasm build has one thread and always takes the serial path.

use std::ops::Range;

use super::{analyse_span, Part};
use crate::blocks::Document;
use crate::model::Model;
use crate::model::context::closes_lists;
use crate::segment::{cut_after, segment_span};

/// Documents shorter than this are analysed on one thread (below it,
/// starting threads and warming a second set of regex caches costs about
/// what it saves). Unused in wasm, which has one thread.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub const PARALLEL_MIN_BYTES: usize = 512 * 1024;

/// How many spans to analyse `doc` in: 1 for short documents and in wasm,
/// else one per core (at most 8).
pub fn parts_for(doc: &Document) -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    if doc.text().len() >= PARALLEL_MIN_BYTES {
        return std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    }
    let _ = doc;
    1
}

/// Cuts the text of `doc` into at most `parts` consecutive spans of about
/// the same size, each starting at a [`cut_after`] point; together they
/// cover the text exactly, and none is empty unless the text is.
fn spans(doc: &Document, parts: usize) -> Vec<Range<usize>> {
    let len = doc.text().len();
    let per = len.div_ceil(parts.max(1)).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < len {
        let mut end = cut_after(doc, start + per).min(len);
        while end < len && !lists_closed_at(doc, end) {
            end = cut_after(doc, end + 1).min(len);
        }
        out.push(start..end);
        start = end;
    }
    if out.is_empty() {
        out.push(0..0);
    }
    out
}

/// Whether no list reaches past the cut point `at` (a [`cut_after`]
/// point): the last sentence before it closes every list, or there is
/// none. That sentence is found by segmenting back from `at` to an earlier
/// cut point, which gives the whole document's segments there.
fn lists_closed_at(doc: &Document, at: usize) -> bool {
    let text = doc.text();
    let mut back = 0;
    loop {
        back += 2048;
        let from = cut_after(doc, at.saturating_sub(back));
        if from < at {
            let mut segments = Vec::new();
            segment_span(doc, from..at, &mut segments);
            if let Some(last) = segments.last() {
                let sentence = last.sentence.clone();
                let heading = segments.iter().filter(|s| s.sentence == sentence).all(|s| s.heading);
                return closes_lists(&text[sentence], heading, last.kind);
            }
        }
        if back >= at {
            return true; // nothing before the cut
        }
    }
}

/// [`analyse_span`] over the whole of `doc` (ASCII-lower-cased text:
/// `lower`), one thread per span, joined in document order.
pub fn analyse(doc: &Document, lower: &str, model: Option<&Model>, parts: usize) -> Part {
    let done: Vec<Part> = std::thread::scope(|scope| {
        let handles: Vec<_> = spans(doc, parts)
            .into_iter()
            .map(|span| scope.spawn(move || analyse_span(doc, lower, span, model)))
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(part) => part,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut whole = Part::default();
    for part in done {
        let first = whole.segments.len();
        whole.hits.extend(part.hits.into_iter().map(|h| super::Hit { segment: h.segment + first, ..h }));
        whole.segments.extend(part.segments);
        whole.stats = whole.stats + part.stats;
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::spans;
    use crate::blocks::Document;
    use crate::report::analyze_in_parts;

    /// Spans cover the text exactly, start at cut points, and segmenting
    /// them one by one gives the whole document's segments, on documents
    /// of one block (plain text, hard-wrapped lines, list items) and of
    /// many, and on the 48 real policies when `../shared` is there.
    #[test]
    fn spans_cover_the_text_and_segment_like_the_whole() {
        let mut docs = vec![
            Document::from_text("One. Two; three; four.\nFive. Six; seven.\n\nEight. Nine; ten;\neleven; twelve.\n- item\n- item two\n"),
            Document::from_text("A line\nwrapped in lower case.\nU.S.\nlaw applies. e.g.\nNo. 1\n\n\n  \nTail"),
            Document::from_blocks(["Héllo.", "", "wörld 😀; x.\nY", "z"]),
            Document::from_text(""),
        ];
        let blocks = crate::input::to_blocks(include_str!("../../samples/lumio-policy.html"), crate::input::Format::Html);
        docs.push(Document::from_text(&blocks.join("\n")));
        docs.push(Document::from_blocks(blocks));
        docs.push(crate::input::to_document(include_str!("../../samples/lumio-policy.html"), crate::input::Format::Html));
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/policies/latest");
        match std::fs::read_dir(&corpus) {
            Ok(dir) => docs.extend(dir.flatten().filter_map(|e| std::fs::read_to_string(e.path()).ok()).map(|t| Document::from_text(&t))),
            Err(_) => eprintln!("skipping the real policies: {} is absent", corpus.display()),
        }
        for doc in &docs {
            let whole = crate::segment::segment(doc);
            for parts in [1, 2, 3, 7, 40] {
                let spans = spans(doc, parts);
                assert_eq!(spans.first().map(|r| r.start), Some(0));
                assert_eq!(spans.last().map(|r| r.end), Some(doc.text().len()));
                assert!(spans.windows(2).all(|w| w[0].end == w[1].start && w[0].start < w[0].end), "{spans:?}");
                let mut cut = Vec::new();
                for s in spans {
                    crate::segment::segment_span(doc, s, &mut cut);
                }
                assert!(cut == whole, "{parts} parts of {:.60?}: {} segments, {} whole", doc.text(), cut.len(), whole.len());
            }
        }
    }

    /// Cut into 2, 3, 7 or 40 spans, the analysis of a document is the
    /// same as on one thread: same segments, findings, kind and grade —
    /// also for documents full of lists, whose items take their lead-in's
    /// scores (a cut inside a list would lose them), with and without block
    /// kinds.
    #[test]
    fn analysing_in_parts_changes_nothing() {
        let sample = include_str!("../../samples/lumio-policy.html");
        let blocks = crate::input::to_blocks(sample, crate::input::Format::Html);
        let many = Document::from_blocks([blocks.clone(), blocks.clone(), blocks.clone()].concat());
        // One block of lines: the spans are cut inside it.
        let single = Document::from_text(&[blocks.join("\n"), blocks.join("\n")].join("\n"));
        let list = ["We are not liable to you for:", "(a) any indirect damages;", "(b) loss of data", "Lost Profits", "You own your photos."];
        let lists = Document::from_blocks(list.repeat(60));
        let lines = Document::from_text(&list.repeat(60).join("\n"));
        // Blocks that say what they are: list items continue a list whatever
        // their text, so no cut may fall after one (`closes_lists`).
        let sample_doc = crate::input::to_document(sample, crate::input::Format::Html);
        let kinded_sample = Document::with_kinds(
            [blocks.clone(), blocks.clone(), blocks.clone()].concat(),
            [sample_doc.kinds(), sample_doc.kinds(), sample_doc.kinds()].concat(),
        )
        .expect("one kind per block");
        use crate::blocks::BlockKind::{Heading, ListItem, Paragraph};
        let list = ["We are not liable to you for:", "(a) any indirect damages.", "loss of data. Or of profit.", "(c) loss of use.", "Your account", "We may close it.", "Fees are due:", "monthly.", "yearly."];
        let kinds = [Paragraph, ListItem, ListItem, ListItem, Heading, Paragraph, Paragraph, ListItem, ListItem];
        let kinded_lists = Document::with_kinds(list.repeat(60), kinds.repeat(60)).expect("one kind per block");
        for doc in [many, single, lists, lines, kinded_sample, kinded_lists] {
            let one = analyze_in_parts(&doc, crate::model::Model::global(), 1);
            assert!(one.findings.len() > 100, "{}", one.findings.len());
            for parts in [2, 3, 7, 40] {
                let split = analyze_in_parts(&doc, crate::model::Model::global(), parts);
                // Compared whole, reported briefly (a full Debug dump is 200 KB).
                assert!(split == one, "{parts} parts: {} findings, {} on one thread", split.findings.len(), one.findings.len());
            }
        }
    }
}
