//! Native only: one large document analysed on several threads.
//!
//! Clauses are classified independently and the model reads one sentence
//! at a time, so once the document is segmented, runs of consecutive
//! segments cut between sentences can go through rules → model on one
//! thread per run; the runs' hits are then concatenated with their
//! segment indices shifted. The result is the same as on one thread (a test
//! checks it); only what needs the whole document (kind, grade, UTF-16
//! anchors) runs after the join. The wasm build has one thread and always
//! takes the serial path.

use std::ops::Range;

use super::{hits_of_rules, with_model, Hit};
use crate::blocks::Document;
use crate::findings::classifier::Classifier;
use crate::model::Model;
use crate::segment::Segment;

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

/// Cuts `segments` into at most `parts` runs of consecutive segments of
/// about the same number of clauses, never inside a sentence (the model
/// reads whole sentences); never an empty run unless there are no segments.
fn runs(segments: &[Segment], parts: usize) -> Vec<Range<usize>> {
    let per = segments.len().div_ceil(parts.max(1)).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < segments.len() {
        let mut end = (start + per).min(segments.len());
        while end < segments.len() && segments[end].sentence == segments[end - 1].sentence {
            end += 1;
        }
        out.push(start..end);
        start = end;
    }
    if out.is_empty() {
        out.push(0..0);
    }
    out
}

/// The combined hits of the document `text` (ASCII-lower-cased: `lower`)
/// over its `segments` (segment indices into them), rules and model on one
/// thread per run of segments. Segmentation, ≈ 6 % of the work, stays with
/// the caller.
pub fn hits(text: &str, lower: &str, segments: &[Segment], model: Option<&Model>, parts: usize) -> Vec<Hit> {
    let classifier = Classifier::global();
    let one_run = |run: &[Segment]| -> Vec<Hit> {
        let rule_hits = hits_of_rules(classifier, classifier.classify_serial(lower.as_bytes(), run));
        with_model(text, run, rule_hits, model)
    };
    let results: Vec<(usize, Vec<Hit>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs(segments, parts)
            .into_iter()
            .map(|r| {
                let run = &segments[r.clone()];
                (r.start, scope.spawn(move || one_run(run)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(first, h)| match h.join() {
                Ok(hits) => (first, hits),
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    results
        .into_iter()
        .flat_map(|(first, hits)| hits.into_iter().map(move |h| Hit { segment: h.segment + first, ..h }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::runs;
    use crate::blocks::Document;
    use crate::report::analyze_in_parts;

    #[test]
    fn runs_cover_every_segment_once_and_keep_sentences_whole() {
        let doc = Document::from_text("One. Two; three; four. Five. Six; seven. Eight. Nine; ten; eleven; twelve.");
        let segments = crate::segment::segment(&doc);
        assert_eq!(segments.len(), 12);
        for parts in 1..=14 {
            let r = runs(&segments, parts);
            assert_eq!(r.first().map(|r| r.start), Some(0));
            assert_eq!(r.last().map(|r| r.end), Some(12));
            for w in r.windows(2) {
                assert!(w[0].end == w[1].start && w[0].start < w[0].end, "{r:?}");
                assert_ne!(segments[w[1].start].sentence, segments[w[1].start - 1].sentence, "{parts}: {r:?}");
            }
        }
        assert_eq!(runs(&[], 2), vec![0..0]);
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
