//! The one boundary between the core and JavaScript (compiled on wasm32 only).
//!
//! The extension's background worker calls these functions:
//!
//! - `analyze(blocks: string[]) -> Analysis`: the page's text blocks, in DOM
//!   order, to the analysis;
//! - `taxonomy() -> Category[]`: every category with the texts the UI shows;
//! - `diff(oldBlocks: string[], newBlocks: string[]) -> Diff`: what changed
//!   since the stored version, clause by clause, most serious first, and
//!   `prevalence() -> PrevalenceRow[]`: how common each category is in real
//!   policies (both in [`changes`], with their TypeScript types).
//!
//! The core's types are not exported as they are: this module defines
//! *mirror* types shaped for JavaScript (camelCase fields, offsets named with
//! their unit, no byte offsets the DOM cannot use except the two kept for
//! cross-checking with the native CLI) and converts to them once per call.
//! The core's serde layout can then change without breaking the extension,
//! and the only contract is written here, in the TypeScript section below.
//!
//! Page text is untrusted. Bad input (not an array of strings, a document over
//! [`MAX_DOCUMENT_BYTES`]) becomes a thrown JS `Error` whose message names
//! the problem; nothing on this path panics (`unwrap`/`expect` are denied
//! here). A panic inside the core would abort (release profile) and surface
//! in JS as a `RuntimeError: unreachable`, with the panic message logged to
//! the console by `console_error_panic_hook`.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::report::Analysis;
use crate::taxonomy::{Category, Group, Regulation, CATEGORIES};
use crate::{Finding, Grade};

mod changes;

/// Largest document accepted, in UTF-8 bytes of the joined text (blocks plus
/// the 2-byte separators between them): 16 MiB.
///
/// Real policies are 10–300 KB. The analysis is linear, but its working
/// memory is a few times the text, and running out of memory aborts the
/// module; refusing a pathological page with a clear error is better.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Risk of a clause for the reader, best first. */
export type Risk = "good" | "neutral" | "caution" | "bad";

/** One flagged clause. Offsets are UTF-16 code units unless named `...Byte`. */
export interface Finding {
  /** Stable category id from the taxonomy, e.g. "arbitration". */
  category: string;
  risk: Risk;
  /** 0–1, three decimals. */
  confidence: number;
  /** One-line plain-language headline. */
  summary: string;
  /** The clause, exactly as in the document. */
  text: string;
  /** Index of the input block holding the clause. */
  block: number;
  /** Clause span inside its block, UTF-16 code units from the block's start. */
  blockStartUtf16: number;
  blockEndUtf16: number;
  /** Clause span in the joined document (blocks joined by "\n\n"), UTF-16. */
  startUtf16: number;
  endUtf16: number;
  /** Same span in UTF-8 bytes, as the native CLI reports it. */
  startByte: number;
  endByte: number;
  /** The whole sentence the clause came from. */
  sentence: string;
  /** What produced the finding: "rule", "model" (no rule matched) or "both". */
  source: string;
}

export interface Analysis {
  kind: "privacy_policy" | "terms" | "other";
  /** 0–1 confidences behind `kind`. */
  kindScores: { privacy: number; terms: number };
  /** A (best) to E; null when `kind` is "other". */
  grade: "A" | "B" | "C" | "D" | "E" | null;
  gradeBasis: { penalty: number; credit: number; badCategories: number; net: number };
  counts: { good: number; neutral: number; caution: number; bad: number };
  /** In document order, then taxonomy order. */
  findings: Finding[];
  /** Number of clause segments read. */
  segments: number;
  /** Size of the joined document text, UTF-8 bytes. */
  bytes: number;
}

export interface Regulation {
  /** e.g. "GDPR", "CCPA/CPRA", "Directive 93/13/EEC". */
  law: string;
  /** Article, section or annex point, e.g. "Art. 21". */
  reference: string;
  /** Where it applies, e.g. ["EU/EEA", "UK"]. */
  jurisdictions: string[];
  /** What it says about this kind of clause; may be "". */
  note: string;
}

export interface Category {
  /** Stable id, e.g. "arbitration". */
  id: string;
  group: "terms" | "privacy";
  title: string;
  summary: string;
  explanation: string;
  /** What the reader can do; may be empty. */
  actions: string[];
  /** Severity used by the grade, 1–3. */
  weight: number;
  regulations: Regulation[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, declared here so the crate needs no `js-sys`.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> bool;
}

/// Runs when the module is instantiated: route panic messages to the console.
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Analyses a page given as text blocks (one per paragraph, list item,
/// heading or table cell, in DOM order).
///
/// Throws an `Error` naming the problem when `blocks` is not an array of
/// strings or the joined text exceeds [`MAX_DOCUMENT_BYTES`].
#[wasm_bindgen(unchecked_return_type = "Analysis")]
pub fn analyze(
    #[wasm_bindgen(unchecked_param_type = "string[]")] blocks: JsValue,
) -> Result<JsValue, JsError> {
    let blocks =
        parse_blocks(&blocks).map_err(|e| JsError::new(&format!("analyze(blocks): {e}")))?;
    let analysis = crate::analyze_blocks(&blocks.0);
    to_js(&AnalysisJs::from(&analysis))
}

/// Every category of the taxonomy, in taxonomy order, with the texts the UI
/// shows and the regulations each engages.
#[wasm_bindgen(unchecked_return_type = "Category[]")]
pub fn taxonomy() -> Result<JsValue, JsError> {
    let cats: Vec<CategoryJs> = CATEGORIES.iter().map(CategoryJs::from).collect();
    to_js(&cats)
}

/// Serialises to plain JS objects; `None` becomes `null` (not `undefined`),
/// so the result survives `JSON.stringify` and extension messaging intact.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true))
        .map_err(|e| JsError::new(&format!("clausemark: could not build the result: {e}")))
}

/// Checks the shape of `value` and copies the blocks out of JS.
fn parse_blocks(value: &JsValue) -> Result<Blocks, String> {
    if !is_array(value) {
        let what = if value.is_null() {
            "null".to_string()
        } else {
            value.js_typeof().as_string().unwrap_or_default()
        };
        return Err(format!(
            "expected an array of strings (one per text block), got {what}"
        ));
    }
    serde_wasm_bindgen::from_value::<Blocks>(value.clone()).map_err(|e| message(&e))
}

/// The message of a `serde_wasm_bindgen::Error`, which displays as a JS
/// error's `toString()`: without its leading `"Error: "`, so that messages
/// nest readably.
fn message(e: &dyn fmt::Display) -> String {
    let s = e.to_string();
    s.strip_prefix("Error: ").map(str::to_string).unwrap_or(s)
}

/// The input blocks, checked: every element a string, the total under
/// [`MAX_DOCUMENT_BYTES`].
struct Blocks(Vec<String>);

impl<'de> Deserialize<'de> for Blocks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(BlocksVisitor)
    }
}

struct BlocksVisitor;

impl<'de> Visitor<'de> for BlocksVisitor {
    type Value = Blocks;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings (one per text block)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Blocks, A::Error> {
        let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        let mut bytes = 0usize;
        loop {
            let i = blocks.len();
            let next = seq
                .next_element::<String>()
                .map_err(|e| de::Error::custom(format_args!("block {i}: {}", message(&e))))?;
            let Some(block) = next else { break };
            bytes += block.len()
                + if i > 0 {
                    crate::Document::BLOCK_SEPARATOR.len()
                } else {
                    0
                };
            if bytes > MAX_DOCUMENT_BYTES {
                return Err(de::Error::custom(format_args!(
                    "the document is too large: over {MAX_DOCUMENT_BYTES} bytes of text by block {i}"
                )));
            }
            blocks.push(block);
        }
        Ok(Blocks(blocks))
    }
}

/// Mirror of [`Analysis`] for JavaScript.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnalysisJs<'a> {
    kind: &'static str,
    kind_scores: KindScoresJs,
    grade: Option<&'static str>,
    grade_basis: GradeBasisJs,
    counts: CountsJs,
    findings: Vec<FindingJs<'a>>,
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

/// Mirror of [`Finding`]; offsets are UTF-16 code units unless `..._byte`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FindingJs<'a> {
    category: &'static str,
    risk: &'static str,
    confidence: f64,
    summary: &'static str,
    text: &'a str,
    block: usize,
    block_start_utf16: usize,
    block_end_utf16: usize,
    start_utf16: usize,
    end_utf16: usize,
    start_byte: usize,
    end_byte: usize,
    sentence: &'a str,
    source: &'static str,
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

/// Rounds to 3 decimals, as the native JSON does.
fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

impl<'a> From<&'a Analysis> for AnalysisJs<'a> {
    fn from(a: &'a Analysis) -> Self {
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
            findings: a.findings.iter().map(FindingJs::from).collect(),
            segments: a.segments,
            bytes: a.bytes,
        }
    }
}

impl<'a> From<&'a Finding> for FindingJs<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingJs {
            category: f.category,
            risk: f.risk.as_str(),
            confidence: round3(f.confidence),
            summary: f.summary,
            text: &f.text,
            block: f.block,
            block_start_utf16: f.block_start_utf16,
            block_end_utf16: f.block_end_utf16,
            start_utf16: f.start_utf16,
            end_utf16: f.end_utf16,
            start_byte: f.start,
            end_byte: f.end,
            sentence: &f.sentence,
            source: match f.source {
                crate::findings::Source::Rule => "rule",
                crate::findings::Source::Model => "model",
                crate::findings::Source::Both => "both",
            },
        }
    }
}

/// Mirror of [`Category`] for JavaScript (without the rules and triggers,
/// which stay inside the module).
#[derive(Serialize)]
struct CategoryJs {
    id: &'static str,
    group: &'static str,
    title: &'static str,
    summary: &'static str,
    explanation: &'static str,
    actions: &'static [&'static str],
    weight: u8,
    regulations: Vec<RegulationJs>,
}

#[derive(Serialize)]
struct RegulationJs {
    law: &'static str,
    reference: &'static str,
    jurisdictions: &'static [&'static str],
    note: &'static str,
}

impl From<&'static Category> for CategoryJs {
    fn from(c: &'static Category) -> Self {
        CategoryJs {
            id: c.id,
            group: match c.group {
                Group::Terms => "terms",
                Group::Privacy => "privacy",
            },
            title: c.title,
            summary: c.summary,
            explanation: c.explanation,
            actions: c.actions,
            weight: c.weight,
            regulations: c.regulations.iter().map(RegulationJs::from).collect(),
        }
    }
}

impl From<&'static Regulation> for RegulationJs {
    fn from(r: &'static Regulation) -> Self {
        RegulationJs {
            law: r.law,
            reference: r.reference,
            jurisdictions: r.jurisdictions,
            note: r.note,
        }
    }
}
