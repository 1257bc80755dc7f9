//! The wasm boundary of change tracking and context (compiled on wasm32
//! only): `diff(oldBlocks, newBlocks, oldKinds?, newKinds?) -> Diff` and
//! `prevalence() -> PrevalenceRow[]`. A child of [`super`], with the same rules: mirror types
//! shaped for JavaScript, the contract written in the TypeScript section
//! below, bad input a thrown `Error` naming the problem, no panics.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{document, parse_blocks, round3, to_js};
use crate::diff::{CategoryRisk, Clause, Counts, Diff, Modified, RiskShift, Span};
use crate::prevalence::{PerRisk, Row};

#[wasm_bindgen(typescript_custom_section)]
const TS_CHANGE_TYPES: &str = r#"
/** Where a clause is, in the document its entry says. Offsets are UTF-16
 *  code units unless named `...Byte`. */
export interface ClauseSpan {
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
}

/** A category found on an added or removed clause. */
export interface CategoryRisk {
  category: string;
  risk: Risk;
  /** The finding's one-line headline. */
  summary: string;
}

/** A category found on either side of a modified clause. At least one of
 *  the two risks is set; null = not found on that side. */
export interface RiskShift {
  category: string;
  oldRisk: Risk | null;
  newRisk: Risk | null;
  /** Headline of the new finding, or of the old one when it went. */
  summary: string;
}

/** An added clause (span in the NEW blocks) or a removed one (span in the
 *  OLD blocks). */
export interface ChangedClause extends ClauseSpan {
  /** Position among all changes, 0 = most serious. */
  rank: number;
  /** > 0 worse for the reader, < 0 better, 0 neutral or uncategorised. */
  severity: number;
  /** One line for the banner, e.g. "New: they can use your content … to train their AI models." */
  headline: string;
  /** The clause, exactly as in its document. */
  text: string;
  categories: CategoryRisk[];
}

/** A reworded clause. The top-level span is in the NEW blocks (what the
 *  page highlights); `old` is the span it had in the OLD blocks. */
export interface ModifiedClause extends ClauseSpan {
  rank: number;
  severity: number;
  headline: string;
  oldText: string;
  newText: string;
  old: ClauseSpan;
  /** Word-multiset similarity of the two texts, 0.5–1, three decimals. */
  similarity: number;
  categories: RiskShift[];
}

/** What changed between two versions of a document, clause by clause.
 *  Headings are not compared (headings as `analyze` reads them: from the
 *  kinds where given, from the text where not); markup, white space,
 *  typography, leading section numbers and the order of identical clauses
 *  do not count. */
export interface Diff {
  /** false: the same wording (the three lists are empty). */
  changed: boolean;
  added: ChangedClause[];
  removed: ChangedClause[];
  modified: ModifiedClause[];
  counts: {
    oldClauses: number;
    newClauses: number;
    unchanged: number;
    moved: number;
    resegmentedOld: number;
    resegmentedNew: number;
    headingsOld: number;
    headingsNew: number;
  };
}

/** Documents counted per risk level. */
export interface PerRisk { good: number; neutral: number; caution: number; bad: number }

/** How common a category is among the real policies we analysed (Open
 *  Terms Archive documents, ODC-BY 1.0, (c) Open Terms Archive contributors):
 *  "found in {containing} of {documents} privacy policies; {atRisk.caution}
 *  of them …". */
export interface PrevalenceRow {
  category: string;
  kind: "privacy_policy" | "terms";
  /** Documents of this kind analysed. */
  documents: number;
  /** Documents of this kind with at least one finding of the category. */
  containing: number;
  /** Documents with at least one finding of the category at each risk. */
  atRisk: PerRisk;
  /** Documents by their worst risk for the category (sums to `containing`). */
  worst: PerRisk;
}
"#;

/// Compares two versions of a page, each given as text blocks in DOM order
/// (the old ones as stored when the user last annotated it), each side with
/// its block kinds when known (one letter per block, as for `analyze`;
/// `undefined` or `null`: the text alone decides what is a heading).
///
/// Give kinds for both sides or for neither: a side read with kinds and one
/// read without can disagree on what is a heading, and such a heading would
/// show as a changed clause. The function does not enforce it (a one-sided
/// diff is well defined); the extension's history does.
///
/// Throws an `Error` naming the argument when a blocks argument is not an
/// array of strings or exceeds [`super::MAX_DOCUMENT_BYTES`], or a kinds
/// argument is not a string of one kind letter per block of its side.
#[wasm_bindgen(unchecked_return_type = "Diff")]
pub fn diff(
    #[wasm_bindgen(js_name = "oldBlocks", unchecked_param_type = "string[]")] old_blocks: JsValue,
    #[wasm_bindgen(js_name = "newBlocks", unchecked_param_type = "string[]")] new_blocks: JsValue,
    #[wasm_bindgen(js_name = "oldKinds", unchecked_param_type = "string | undefined")] old_kinds: JsValue,
    #[wasm_bindgen(js_name = "newKinds", unchecked_param_type = "string | undefined")] new_kinds: JsValue,
) -> Result<JsValue, JsError> {
    let fail = |arg: &str, e: String| JsError::new(&format!("diff(oldBlocks, newBlocks, oldKinds, newKinds): {arg}: {e}"));
    let old = parse_blocks(&old_blocks).map_err(|e| fail("oldBlocks", e))?;
    let new = parse_blocks(&new_blocks).map_err(|e| fail("newBlocks", e))?;
    let old = document(&old, &old_kinds).map_err(|e| fail("oldKinds", e))?;
    let new = document(&new, &new_kinds).map_err(|e| fail("newKinds", e))?;
    to_js(&DiffJs::from(&crate::diff::diff(&old, &new)))
}

/// The embedded prevalence table: one row per category and document kind,
/// in taxonomy order, privacy policies first.
#[wasm_bindgen(unchecked_return_type = "PrevalenceRow[]")]
pub fn prevalence() -> Result<JsValue, JsError> {
    let rows: Vec<PrevalenceRowJs> = crate::prevalence::table().iter().map(PrevalenceRowJs::from).collect();
    to_js(&rows)
}

/// Mirror of [`Diff`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiffJs<'a> {
    changed: bool,
    added: Vec<ClauseJs<'a>>,
    removed: Vec<ClauseJs<'a>>,
    modified: Vec<ModifiedJs<'a>>,
    counts: CountsJs,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct SpanJs {
    block: usize,
    block_start_utf16: usize,
    block_end_utf16: usize,
    start_utf16: usize,
    end_utf16: usize,
    start_byte: usize,
    end_byte: usize,
}

/// Mirror of [`Clause`]; the span fields are written out (not flattened:
/// serde's flatten goes through a map, which would become a JS `Map`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClauseJs<'a> {
    rank: usize,
    severity: i32,
    headline: &'a str,
    text: &'a str,
    block: usize,
    block_start_utf16: usize,
    block_end_utf16: usize,
    start_utf16: usize,
    end_utf16: usize,
    start_byte: usize,
    end_byte: usize,
    categories: Vec<CategoryRiskJs>,
}

#[derive(Serialize)]
struct CategoryRiskJs {
    category: &'static str,
    risk: &'static str,
    summary: &'static str,
}

/// Mirror of [`Modified`]: the top-level span is the new one.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModifiedJs<'a> {
    rank: usize,
    severity: i32,
    headline: &'a str,
    old_text: &'a str,
    new_text: &'a str,
    block: usize,
    block_start_utf16: usize,
    block_end_utf16: usize,
    start_utf16: usize,
    end_utf16: usize,
    start_byte: usize,
    end_byte: usize,
    old: SpanJs,
    similarity: f64,
    categories: Vec<RiskShiftJs>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RiskShiftJs {
    category: &'static str,
    old_risk: Option<&'static str>,
    new_risk: Option<&'static str>,
    summary: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CountsJs {
    old_clauses: usize,
    new_clauses: usize,
    unchanged: usize,
    moved: usize,
    resegmented_old: usize,
    resegmented_new: usize,
    headings_old: usize,
    headings_new: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrevalenceRowJs {
    category: &'static str,
    kind: &'static str,
    documents: u32,
    containing: u32,
    at_risk: PerRiskJs,
    worst: PerRiskJs,
}

#[derive(Serialize)]
struct PerRiskJs {
    good: u32,
    neutral: u32,
    caution: u32,
    bad: u32,
}

impl From<&Span> for SpanJs {
    fn from(s: &Span) -> Self {
        SpanJs {
            block: s.block,
            block_start_utf16: s.block_start_utf16,
            block_end_utf16: s.block_end_utf16,
            start_utf16: s.start_utf16,
            end_utf16: s.end_utf16,
            start_byte: s.start,
            end_byte: s.end,
        }
    }
}

impl<'a> From<&'a Clause> for ClauseJs<'a> {
    fn from(c: &'a Clause) -> Self {
        let s = SpanJs::from(&c.span);
        ClauseJs {
            rank: c.rank,
            severity: c.severity,
            headline: &c.headline,
            text: &c.text,
            block: s.block,
            block_start_utf16: s.block_start_utf16,
            block_end_utf16: s.block_end_utf16,
            start_utf16: s.start_utf16,
            end_utf16: s.end_utf16,
            start_byte: s.start_byte,
            end_byte: s.end_byte,
            categories: c.categories.iter().map(CategoryRiskJs::from).collect(),
        }
    }
}

impl From<&CategoryRisk> for CategoryRiskJs {
    fn from(c: &CategoryRisk) -> Self {
        CategoryRiskJs { category: c.category, risk: c.risk.as_str(), summary: c.summary }
    }
}

impl<'a> From<&'a Modified> for ModifiedJs<'a> {
    fn from(m: &'a Modified) -> Self {
        let s = SpanJs::from(&m.new);
        ModifiedJs {
            rank: m.rank,
            severity: m.severity,
            headline: &m.headline,
            old_text: &m.old_text,
            new_text: &m.new_text,
            block: s.block,
            block_start_utf16: s.block_start_utf16,
            block_end_utf16: s.block_end_utf16,
            start_utf16: s.start_utf16,
            end_utf16: s.end_utf16,
            start_byte: s.start_byte,
            end_byte: s.end_byte,
            old: SpanJs::from(&m.old),
            similarity: round3(m.similarity),
            categories: m.categories.iter().map(RiskShiftJs::from).collect(),
        }
    }
}

impl From<&RiskShift> for RiskShiftJs {
    fn from(s: &RiskShift) -> Self {
        RiskShiftJs {
            category: s.category,
            old_risk: s.old_risk.map(|r| r.as_str()),
            new_risk: s.new_risk.map(|r| r.as_str()),
            summary: s.summary,
        }
    }
}

impl From<&Counts> for CountsJs {
    fn from(c: &Counts) -> Self {
        CountsJs {
            old_clauses: c.old_clauses,
            new_clauses: c.new_clauses,
            unchanged: c.unchanged,
            moved: c.moved,
            resegmented_old: c.resegmented_old,
            resegmented_new: c.resegmented_new,
            headings_old: c.headings_old,
            headings_new: c.headings_new,
        }
    }
}

impl<'a> From<&'a Diff> for DiffJs<'a> {
    fn from(d: &'a Diff) -> Self {
        DiffJs {
            changed: d.changed,
            added: d.added.iter().map(ClauseJs::from).collect(),
            removed: d.removed.iter().map(ClauseJs::from).collect(),
            modified: d.modified.iter().map(ModifiedJs::from).collect(),
            counts: CountsJs::from(&d.counts),
        }
    }
}

impl From<&Row> for PrevalenceRowJs {
    fn from(r: &Row) -> Self {
        let per = |p: &PerRisk| PerRiskJs { good: p.good, neutral: p.neutral, caution: p.caution, bad: p.bad };
        PrevalenceRowJs {
            category: r.category,
            kind: r.kind.as_str(),
            documents: r.documents,
            containing: r.containing,
            at_risk: per(&r.at_risk),
            worst: per(&r.worst),
        }
    }
}
