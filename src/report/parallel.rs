//! Native only: one large document analysed on several threads.
//!
//! Nothing in segmentation, the rules or the model crosses a block (a
//! sentence never spans two), so a document cut into runs of consecutive
//! blocks can go through blocks → segments → rule hits → model on one
//! thread per run; the runs' segments are then concatenated and their hits'
//! segment indices shifted. The result is the same as on one thread (a test
//! checks it); only what needs the whole document (kind, grade, UTF-16
//! anchors) runs after the join. The wasm build has one thread and always
//! takes the serial path.

use std::ops::Range;

use super::{hits_of_rules, Hit};
use crate::blocks::Document;
use crate::findings::classifier::Classifier;
use crate::model::combine::combine;
use crate::model::Model;
use crate::segment::{segment_blocks, Segment};

/// Documents shorter than this are analysed on one thread (≈ 4,000
/// clauses: below it, starting threads and warming a second set of regex
/// caches costs about what it saves).
pub const PARALLEL_MIN_BYTES: usize = 512 * 1024;

/// How many runs to analyse `doc` in: 1 for short documents and in wasm,
/// else one per core (at most 8).
pub fn parts_for(doc: &Document) -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    if doc.text().len() >= PARALLEL_MIN_BYTES {
        return std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    }
    let _ = doc;
    1
}

/// Cuts the blocks of `doc` into at most `parts` runs of consecutive blocks
/// holding about the same number of bytes each (never an empty run).
fn runs(doc: &Document, parts: usize) -> Vec<Range<usize>> {
    let blocks = doc.blocks();
    let total = doc.text().len().max(1);
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in blocks.iter().enumerate() {
        // Close the run once it reaches its share of the text.
        let share = total * (out.len() + 1) / parts;
        if b.end >= share && out.len() + 1 < parts {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < blocks.len() || out.is_empty() {
        out.push(start..blocks.len());
    }
    out
}

/// The document's segments and its combined hits (segment indices into the
/// returned segments), computed on one thread per run of blocks.
pub fn segments_and_hits(doc: &Document, lower: &str, model: Option<&Model>, parts: usize) -> (Vec<Segment>, Vec<Hit>) {
    let classifier = Classifier::global();
    let text = doc.text();
    let one_run = |blocks: Range<usize>| -> (Vec<Segment>, Vec<Hit>) {
        let segments = segment_blocks(doc, blocks);
        let rule_hits = hits_of_rules(classifier, classifier.classify_serial(lower.as_bytes(), &segments));
        let hits = match model {
            Some(m) => combine(text, &segments, rule_hits, m),
            None => rule_hits,
        };
        (segments, hits)
    };
    let results: Vec<(Vec<Segment>, Vec<Hit>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs(doc, parts).into_iter().map(|r| scope.spawn(move || one_run(r))).collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut segments = Vec::new();
    let mut hits = Vec::new();
    for (run_segments, run_hits) in results {
        let shift = segments.len();
        hits.extend(run_hits.into_iter().map(|h| Hit { segment: h.segment + shift, ..h }));
        segments.extend(run_segments);
    }
    (segments, hits)
}

#[cfg(test)]
mod tests {
    use super::runs;
    use crate::blocks::Document;
    use crate::report::analyze_in_parts;

    #[test]
    fn runs_cover_every_block_once_in_order() {
        let doc = Document::from_blocks(["a", "bb", "ccc", "dddd", "e", "ffffff"]);
        for parts in 1..=8 {
            let r = runs(&doc, parts);
            assert!(r.len() <= parts && !r.is_empty(), "{parts}: {r:?}");
            assert_eq!(r.first().map(|r| r.start), Some(0));
            assert_eq!(r.last().map(|r| r.end), Some(6));
            assert!(r.windows(2).all(|w| w[0].end == w[1].start && w[0].start < w[0].end), "{r:?}");
        }
        assert_eq!(runs(&Document::from_blocks(&[] as &[&str]), 2), vec![0..0]);
    }

    /// Cut into 2, 3 or 7 runs, the analysis of a document is the same as
    /// on one thread: same segments, findings, kind and grade.
    #[test]
    fn analysing_in_parts_changes_nothing() {
        let sample = include_str!("../../samples/lumio-policy.html");
        let blocks = crate::input::to_blocks(sample, crate::input::Format::Html);
        let doc = Document::from_blocks([blocks.clone(), blocks.clone(), blocks].concat());
        let one = analyze_in_parts(&doc, crate::model::Model::global(), 1);
        assert!(one.findings.len() > 100, "{}", one.findings.len());
        for parts in [2, 3, 7] {
            let split = analyze_in_parts(&doc, crate::model::Model::global(), parts);
            // Compared whole, reported briefly (a full Debug dump is 200 KB).
            assert!(split == one, "{parts} parts: {} findings, {} on one thread", split.findings.len(), one.findings.len());
        }
    }
}
