//! The analysis as JavaScript receives it (compiled on wasm32 only): the
//! mirror types of [`Analysis`] and [`Finding`] that `analyze` returns, and
//! their part of the TypeScript contract.
//!
//! The reply is shaped for its one real consumer, the page: the background
//! sends it through extension messaging, which serialises it (JSON) in the
//! worker and parses it again in the page, on the way from the click to the
//! painted highlights. So a finding carries only what the page cannot know
//! already: *where* the clause is (block, UTF-16 span in the block) and
//! *what* it is (category, risk, confidence, headline). Left out:
//!
//! - the clause's text: the page sent the blocks, and the text is exactly
//!   `blocks[block].slice(blockStartUtf16, blockEndUtf16)`; likewise the
//!   text of a finding's `leadIn` (the sentence introducing the list its
//!   clause is an item of, when the flag came from it): only where it is;
//! - the sentence, document-wide and byte offsets, and what produced the
//!   finding: no script reads them (the native CLI's JSON has them all);
//! - the headline repeated per finding: headlines are `&'static` strings of
//!   the taxonomy, a few dozen distinct ones per page, so the analysis lists
//!   each once (`summaries`) and findings point into that list.
//!
//! `ClausemarkProtocol.hydrate(analysis, blocks)` (extension/protocol.js)
//! puts `text` and `summary` back on every finding (and `text` on its
//! `leadIn`), in place; everything the
//! extension's scripts see went through it. On paypal's privacy policy (313
//! findings) the reply shrank from 218 KB of JSON to 41 KB.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::round3;
use crate::report::Analysis;
use crate::{Finding, Grade};

#[wasm_bindgen(typescript_custom_section)]
const TS_ANALYSIS_TYPES: &str = r#"
/** Risk of a clause for the reader, best first. */
export type Risk = "good" | "neutral" | "caution" | "bad";

/** One flagged clause as `analyze` returns it. Offsets are UTF-16 code
 *  units. The clause's text and headline are not repeated here (see
 *  `Finding`, which `ClausemarkProtocol.hydrate` makes of it). */
export interface FindingRef {
  /** Stable category id from the taxonomy, e.g. "arbitration". */
  category: string;
  risk: Risk;
  /** 0–1, three decimals. */
  confidence: number;
  /** Index into the analysis' `summaries`: the one-line headline. */
  summaryId: number;
  /** Index of the input block holding the clause. */
  block: number;
  /** Clause span inside its block, UTF-16 code units from the block's start. */
  blockStartUtf16: number;
  blockEndUtf16: number;
  /** Only on a list item flagged because of the sentence that introduces
   *  its list ("We are not liable for:"), which its own words would not
   *  have flagged: where that sentence is. Absent otherwise. */
  leadIn?: LeadInRef;
}

/** Where a list's lead-in sentence is: block `block`, UTF-16 code units
 *  `blockStartUtf16..blockEndUtf16` from the block's start (a sentence
 *  never crosses blocks; it comes before its item, maybe in an earlier block). */
export interface LeadInRef {
  block: number;
  blockStartUtf16: number;
  blockEndUtf16: number;
}

/** A lead-in after `hydrate`. */
export interface LeadIn extends LeadInRef {
  /** The sentence: `blocks[block].slice(blockStartUtf16, blockEndUtf16)`. */
  text: string;
}

/** A finding as the extension's scripts use it, after `hydrate`. */
export interface Finding extends FindingRef {
  /** One-line plain-language headline (`summaries[summaryId]`). */
  summary: string;
  /** The clause, exactly as in the document:
   *  `blocks[block].slice(blockStartUtf16, blockEndUtf16)`. */
  text: string;
  leadIn?: LeadIn;
}

/** What `analyze` returns; `hydrate` turns its findings into `Finding`s. */
export interface Analysis<F extends FindingRef = FindingRef> {
  kind: "privacy_policy" | "terms" | "other";
  /** 0–1 confidences behind `kind`. */
  kindScores: { privacy: number; terms: number };
  /** A (best) to E; null when `kind` is "other". */
  grade: "A" | "B" | "C" | "D" | "E" | null;
  gradeBasis: { penalty: number; credit: number; badCategories: number; net: number };
  counts: { good: number; neutral: number; caution: number; bad: number };
  /** In document order, then taxonomy order. */
  findings: F[];
  /** The distinct headlines of `findings`, each once, in order of first use. */
  summaries: string[];
  /** Number of clause segments read. */
  segments: number;
  /** Size of the joined document text (blocks joined by "\n\n"), UTF-8 bytes. */
  bytes: number;
}

/** An analysis after `ClausemarkProtocol.hydrate`. */
export type HydratedAnalysis = Analysis<Finding>;

/** Where the last `analyze` call spent its time, ms (0 before the first). */
export interface AnalyzeTimings {
  /** Copying the blocks in from JS and checking them. */
  inputMs: number;
  /** The analysis itself (the core). */
  coreMs: number;
  /** Building the reply as JS objects. */
  outputMs: number;
}
"#;

/// Phases of the last `analyze` call, ms (see `lastAnalyzeTimings`).
#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
pub(super) struct AnalyzeTimings {
    input_ms: f64,
    core_ms: f64,
    output_ms: f64,
}

thread_local! {
    /// The module runs on one thread; a cell per thread keeps this free of locks.
    static LAST: std::cell::Cell<AnalyzeTimings> = const { std::cell::Cell::new(AnalyzeTimings { input_ms: 0.0, core_ms: 0.0, output_ms: 0.0 }) };
}

/// Remembers the phases of the `analyze` call just made (ms).
pub(super) fn record_timings(input_ms: f64, core_ms: f64, output_ms: f64) {
    LAST.with(|c| c.set(AnalyzeTimings { input_ms, core_ms, output_ms }));
}

/// The phases of the last `analyze` call (ms; zeros before the first).
pub(super) fn last_timings() -> AnalyzeTimings {
    LAST.with(|c| c.get())
}

/// Mirror of [`Analysis`] for JavaScript.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AnalysisJs {
    kind: &'static str,
    kind_scores: KindScoresJs,
    grade: Option<&'static str>,
    grade_basis: GradeBasisJs,
    counts: CountsJs,
    findings: Vec<FindingJs>,
    summaries: Vec<&'static str>,
    segments: usize,
    bytes: usize,
}

#[derive(Serialize)]
struct KindScoresJs {
    privacy: f64,
    terms: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GradeBasisJs {
    penalty: u32,
    credit: u32,
    bad_categories: u32,
    /// `penalty - credit`; i64 fits a JS number at these magnitudes.
    net: f64,
}

#[derive(Serialize)]
struct CountsJs {
    good: usize,
    neutral: usize,
    caution: usize,
    bad: usize,
}

/// Mirror of [`Finding`]: where the clause is (UTF-16 code units inside
/// block `block`) and what it is; `summary_id` indexes
/// [`AnalysisJs::summaries`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FindingJs {
    category: &'static str,
    risk: &'static str,
    confidence: f64,
    summary_id: usize,
    block: usize,
    block_start_utf16: usize,
    block_end_utf16: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    lead_in: Option<LeadInJs>,
}

/// Mirror of [`crate::LeadIn`]: where the lead-in sentence is (UTF-16 code
/// units inside block `block`); its text is the page's.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LeadInJs {
    block: usize,
    block_start_utf16: usize,
    block_end_utf16: usize,
}

fn grade_str(g: Grade) -> &'static str {
    match g {
        Grade::A => "A",
        Grade::B => "B",
        Grade::C => "C",
        Grade::D => "D",
        Grade::E => "E",
    }
}

/// Index of `s` in `table`, appended if absent. A linear search: a page has
/// a few dozen distinct headlines (at most one per rule), and most compare
/// unequal on their length or first bytes.
fn intern(table: &mut Vec<&'static str>, s: &'static str) -> usize {
    table.iter().position(|t| *t == s).unwrap_or_else(|| {
        table.push(s);
        table.len() - 1
    })
}

impl From<&Analysis> for AnalysisJs {
    fn from(a: &Analysis) -> Self {
        let mut summaries = Vec::new();
        let findings = a
            .findings
            .iter()
            .map(|f: &Finding| FindingJs {
                category: f.category,
                risk: f.risk.as_str(),
                confidence: round3(f.confidence),
                summary_id: intern(&mut summaries, f.summary),
                block: f.span.block,
                block_start_utf16: f.span.block_start_utf16,
                block_end_utf16: f.span.block_end_utf16,
                lead_in: f.lead_in.as_ref().map(|l| LeadInJs {
                    block: l.span.block,
                    block_start_utf16: l.span.block_start_utf16,
                    block_end_utf16: l.span.block_end_utf16,
                }),
            })
            .collect();
        AnalysisJs {
            kind: a.kind.as_str(),
            kind_scores: KindScoresJs {
                privacy: round3(a.kind_scores.privacy),
                terms: round3(a.kind_scores.terms),
            },
            grade: a.grade.map(grade_str),
            grade_basis: GradeBasisJs {
                penalty: a.grade_basis.penalty,
                credit: a.grade_basis.credit,
                bad_categories: a.grade_basis.bad_categories,
                net: a.grade_basis.net() as f64,
            },
            counts: CountsJs {
                good: a.counts.good,
                neutral: a.counts.neutral,
                caution: a.counts.caution,
                bad: a.counts.bad,
            },
            findings,
            summaries,
            segments: a.segments,
            bytes: a.bytes,
        }
    }
}
