//! The one boundary between the core and JavaScript (compiled on wasm32 only).
//!
//! The extension's background worker calls these functions:
//!
//! - `analyze(blocks: string[], kinds?: string) -> Analysis`: the page's
//!   text blocks, in DOM order, to the analysis (its mirror types in
//!   [`analysis`]: findings say where and what, the caller puts the text
//!   back with `ClausemarkProtocol.hydrate`); `kinds` says what element
//!   each block came from, one letter per block ([`parse_kinds`]);
//! - `taxonomy() -> Category[]`: every category with the texts the UI shows;
//! - `diff(oldBlocks: string[], newBlocks: string[], oldKinds?: string,
//!   newKinds?: string) -> Diff`: what changed since the stored version,
//!   clause by clause, most serious first (kinds as for `analyze`), and
//!   `prevalence() -> PrevalenceRow[]`: how common each category is in real
//!   policies (both in [`changes`], with their TypeScript types).
//!
//! The core's types are not exported as they are: this module defines
//! *mirror* types shaped for JavaScript (camelCase fields, offsets named with
//! their unit, only what the extension reads: see [`analysis`] for what the
//! analysis leaves out and why) and converts to them once per call.
//! The core's serde layout can then change without breaking the extension,
//! and the only contract is written here, in the TypeScript sections of this
//! module and its children.
//!
//! Page text is untrusted. Bad input (not an array of strings, a document over
//! [`MAX_DOCUMENT_BYTES`]) becomes a thrown JS `Error` whose message names
//! the problem; nothing on this path panics (`unwrap`/`expect` are denied
//! here). A panic inside the core would abort (release profile) and surface
//! in JS as a `RuntimeError: unreachable`, with the panic message logged to
//! the console by `console_error_panic_hook`.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::taxonomy::{Category, Group, Regulation, CATEGORIES};

mod analysis;
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
    /// `Array.isArray` and the array access below, declared here so the
    /// crate needs no `js-sys`.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> bool;

    /// A JS array, read by index (see [`parse_blocks`]).
    type JsArray;

    #[wasm_bindgen(method, getter)]
    fn length(this: &JsArray) -> u32;

    #[wasm_bindgen(method, indexing_getter)]
    fn get(this: &JsArray, index: u32) -> JsValue;

    /// `performance.now()`, ms (a window's or a worker's clock), for
    /// [`last_analyze_timings`].
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
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
/// heading or table cell, in DOM order), with what element each came from
/// when `kinds` is given (see [`parse_kinds`]; absent, `undefined` or
/// `null`: every block's kind is unknown and the text alone is read, as
/// before kinds existed). Findings locate their clause by block and UTF-16
/// span and point into the analysis' list of headlines; they do not repeat
/// the text (see [`analysis`]).
///
/// Throws an `Error` naming the problem when `blocks` is not an array of
/// strings, the joined text exceeds [`MAX_DOCUMENT_BYTES`], or `kinds` is
/// not a string of one kind letter per block.
#[wasm_bindgen(unchecked_return_type = "Analysis")]
pub fn analyze(
    #[wasm_bindgen(unchecked_param_type = "string[]")] blocks: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | undefined")] kinds: JsValue,
) -> Result<JsValue, JsError> {
    let t0 = performance_now();
    let blocks =
        parse_blocks(&blocks).map_err(|e| JsError::new(&format!("analyze(blocks): {e}")))?;
    let doc = document(&blocks, &kinds)
        .map_err(|e| JsError::new(&format!("analyze(blocks, kinds): kinds: {e}")))?;
    let t1 = performance_now();
    let analysis = crate::report::analyze(&doc);
    let t2 = performance_now();
    let out = to_js(&analysis::AnalysisJs::from(&analysis));
    analysis::record_timings(t1 - t0, t2 - t1, performance_now() - t2);
    out
}

/// How the last successful `analyze` call spent its time, in ms:
/// `inputMs` copying the blocks in from JS, `coreMs` the analysis itself,
/// `outputMs` building the reply as JS objects; all 0 before the first call.
/// For benchmarks (scripts/bench-wasm.mjs): the core's share of what the
/// extension pays.
#[wasm_bindgen(js_name = lastAnalyzeTimings, unchecked_return_type = "AnalyzeTimings")]
pub fn last_analyze_timings() -> Result<JsValue, JsError> {
    to_js(&analysis::last_timings())
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

/// The document of `blocks` read with `kinds`: a string of one kind letter
/// per block ([`parse_kinds`]), or `undefined` / `null` for none (every
/// block's kind unknown: the text alone is read, as before kinds existed).
/// The error names the problem, not the argument: callers prefix it.
fn document(blocks: &Blocks, kinds: &JsValue) -> Result<crate::Document, String> {
    if kinds.is_undefined() || kinds.is_null() {
        return Ok(crate::Document::from_blocks(&blocks.0));
    }
    // A static message, and one format! per caller for every error: a
    // format! with the value's type cost the module ≈ 400 bytes (twiggy).
    let Some(codes) = kinds.as_string() else {
        return Err("must be a string (one letter per block) or undefined".to_string());
    };
    parse_kinds(&codes).and_then(|kinds| crate::Document::with_kinds(&blocks.0, kinds))
}

/// The block kinds from their codes, one letter per block in block order:
/// `p` paragraph, `h` heading, `l` list item, `u` unknown
/// ([`crate::BlockKind::from_code`]); an error naming the first block whose
/// code is none of them. [`crate::Document::with_kinds`] checks that there
/// is one per block.
fn parse_kinds(codes: &str) -> Result<Vec<crate::BlockKind>, String> {
    // Bytes and a plain loop: the codes are ASCII, so the first byte that is
    // no code is at the index of its block (a multi-byte char is refused at
    // its first byte). Decoding chars and collecting an iterator into a
    // Result cost the module ≈ 200 bytes more (twiggy).
    let mut kinds = Vec::with_capacity(codes.len());
    for (i, &b) in codes.as_bytes().iter().enumerate() {
        match crate::BlockKind::from_code(char::from(b)) {
            Some(kind) => kinds.push(kind),
            None => {
                return Err(format!(
                    "block {i}: not a kind letter (expected one of p, h, l, u)"
                ))
            }
        }
    }
    Ok(kinds)
}

/// Checks the shape of `value` and copies the blocks out of JS.
///
/// Read element by element rather than through serde: serde's message for
/// a non-string element formats the value (`floating point \`1.5\``),
/// which kept std's float formatting in the module (≈ 20 KB), and its
/// deserialiser the rest of serde-wasm-bindgen's input side.
fn parse_blocks(value: &JsValue) -> Result<Blocks, String> {
    if !is_array(value) {
        return Err(format!(
            "expected an array of strings (one per text block), got {}",
            type_name(value)
        ));
    }
    let array: &JsArray = value.unchecked_ref();
    let len = array.length();
    let mut blocks = Vec::with_capacity((len as usize).min(1 << 16));
    let mut bytes = 0usize;
    for i in 0..len {
        let item = array.get(i);
        let Some(block) = item.as_string() else {
            return Err(format!(
                "block {i}: invalid type: {}, expected a string",
                type_name(&item)
            ));
        };
        bytes += block.len()
            + if i > 0 {
                crate::Document::BLOCK_SEPARATOR.len()
            } else {
                0
            };
        if bytes > MAX_DOCUMENT_BYTES {
            return Err(format!(
                "the document is too large: over {MAX_DOCUMENT_BYTES} bytes of text by block {i}"
            ));
        }
        blocks.push(block);
    }
    Ok(Blocks(blocks))
}

/// `null`, or what `typeof` says of `value` (`number`, `object`, …).
fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_string()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// The input blocks, checked: every element a string, the total under
/// [`MAX_DOCUMENT_BYTES`].
struct Blocks(Vec<String>);

/// Rounds to 3 decimals, as the native JSON does.
fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
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
