//! Stage 3 of the pipeline: segments → findings.
//!
//! A [`Finding`] says that one clause of the document belongs to a category
//! of the taxonomy, how risky it is for the reader, and where it is, in both
//! UTF-8 bytes (for Rust) and UTF-16 code units (for the browser's DOM).

pub mod classifier;

use serde::Serialize;

use crate::anchors::Span;

/// How a clause affects the reader. Ordered from best to worst, so `max()`
/// over findings gives the most serious one.
///
/// For the eight UNFAIR-ToS categories the levels follow CLAUDETTE: a fair
/// clause is `Neutral`, a potentially unfair one `Caution`, a clearly unfair
/// one `Bad`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Protects the reader, e.g. "we do not sell your personal information".
    Good,
    /// Worth knowing, neither good nor bad.
    Neutral,
    /// Potentially unfair or intrusive; read it.
    Caution,
    /// Clearly against the reader's interest.
    Bad,
}

impl Risk {
    /// All levels, best first.
    pub const ALL: [Risk; 4] = [Risk::Good, Risk::Neutral, Risk::Caution, Risk::Bad];

    /// The lower-case name used in JSON and by the extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Good => "good",
            Risk::Neutral => "neutral",
            Risk::Caution => "caution",
            Risk::Bad => "bad",
        }
    }

    /// Whether this level counts as a flag ("potentially unfair" or worse),
    /// the meaning of a label in UNFAIR-ToS and in `clausemark classify`.
    pub fn is_flag(self) -> bool {
        matches!(self, Risk::Caution | Risk::Bad)
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Source {
    /// A rule of the taxonomy matched (and the model, where it has a head
    /// for the category, did not object).
    Rule,
    /// The model flagged the clause; no rule matched it.
    Model,
    /// A rule matched and the model agrees.
    Both,
}

/// One flagged clause.
///
/// Invariants: `text == document_text[span.start..span.end]` (byte offsets
/// into the document text, the blocks joined by
/// [`crate::Document::BLOCK_SEPARATOR`]; the rest of [`Span`]'s invariants
/// hold); `sentence` is `document_text[sentence_start..sentence_end]` and
/// contains the span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Category id from the taxonomy, e.g. `"arbitration"`.
    pub category: &'static str,
    /// How the clause affects the reader.
    pub risk: Risk,
    /// How sure the classifier is, 0–1 (serialised to 3 decimals).
    #[serde(serialize_with = "three_decimals")]
    pub confidence: f32,
    /// The one-line plain-language headline for this finding.
    pub summary: &'static str,
    /// The evidence: the clause, exactly as in the document.
    pub text: String,
    /// Where the clause is: byte, UTF-16 and in-block offsets (serialised
    /// flat, as `start`, `end`, `start_utf16`, … beside `text`).
    #[serde(flatten)]
    pub span: Span,
    /// The whole sentence the clause came from.
    pub sentence: String,
    /// Byte offset of the sentence in the document text.
    pub sentence_start: usize,
    /// Byte offset one past the sentence.
    pub sentence_end: usize,
    /// What produced the finding.
    pub source: Source,
    /// The sentence introducing the list this clause is an item of, when
    /// the finding exists because of it (see [`crate::model::combine`]);
    /// absent from the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_in: Option<LeadIn>,
}

/// The lead-in sentence of a list ("We are not liable for:") whose item a
/// finding's clause is, when the item was flagged only because of it.
///
/// Invariants: `text == document_text[span.start..span.end]`; the sentence
/// lies inside one block (sentences never cross blocks) and comes before
/// the finding's clause, possibly in an earlier block (a `<p>` before its
/// `<ul>`). In JSON the span's fields sit beside `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadIn {
    /// The lead-in sentence, exactly as in the document.
    pub text: String,
    /// Where it is: byte and UTF-16 offsets, its block.
    #[serde(flatten)]
    pub span: Span,
}

fn three_decimals<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*x) * 1000.0).round() / 1000.0)
}
