//! Clausemark reads a privacy policy or terms of service and says, clause by
//! clause, what it means for the reader: a plain-language summary, a risk
//! level, the regulations it engages and what the reader can do.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`blocks`]: text blocks (what the DOM or a file reader gives) → one
//!    document text, remembering where each block sits;
//! 2. [`segment`]: the text → sentences → clauses, robust to abbreviations,
//!    lists, headings and ALL-CAPS disclaimers;
//! 3. [`findings`]: clauses → findings, by the rules of the [`taxonomy`];
//! 4. [`anchors`]: byte offsets → UTF-16 offsets for the browser;
//! 5. [`report`]: findings → the document's kind, grade and counts.
//!
//! ```
//! let analysis = clausemark::analyze_text(
//!     "Any dispute will be resolved by binding arbitration. We do not sell your personal information.",
//! );
//! let cats: Vec<(&str, &str)> =
//!     analysis.findings.iter().map(|f| (f.category, f.risk.as_str())).collect();
//! assert!(cats.contains(&("arbitration", "caution")));
//! assert!(cats.contains(&("data_sale", "good")));
//! // Offsets are exact: bytes for Rust, UTF-16 code units for JavaScript.
//! let f = &analysis.findings[0];
//! assert_eq!(f.text, &"Any dispute will be resolved by binding arbitration."[..]);
//! ```
//!
//! # Untrusted input
//!
//! Everything here takes page text, which is untrusted. Any `&str` is valid
//! input: the analysis never panics, runs in time linear in the input (the
//! regex crate guarantees linear-time matching, and every pass is a single
//! scan), and never interprets markup. The only fallible steps are decoding
//! bytes ([`error::decode_text`]) and, in the CLI, parsing files.

#![warn(missing_docs)]
// Module guides name the private modules that do the work (the classifier's
// gate, the featuriser's word loop); `cargo doc --document-private-items`
// renders those links, the public docs keep them as names.
#![allow(rustdoc::private_intra_doc_links)]

pub mod anchors;
pub mod blocks;
pub mod diff;
pub mod error;
pub mod findings;
pub mod literal_scan;
pub mod model;
pub mod prevalence;
pub mod report;
pub mod segment;
mod sort;
pub mod taxonomy;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
#[cfg(not(target_arch = "wasm32"))]
pub mod input;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use blocks::{BlockKind, Document};
pub use error::Error;
pub use findings::{Finding, LeadIn, Risk};
pub use report::{Analysis, DocKind, Grade};

/// Analyses a document given as text blocks (one per paragraph, list item,
/// heading or table cell, as the browser sends them).
pub fn analyze_blocks<S: AsRef<str>>(blocks: &[S]) -> Analysis {
    report::analyze(&Document::from_blocks(blocks))
}

/// Analyses one string; finding offsets index into it.
pub fn analyze_text(text: &str) -> Analysis {
    report::analyze(&Document::from_text(text))
}
