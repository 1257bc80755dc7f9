//! What changed between two versions of a policy, clause by clause.
//!
//! Both documents go through the pipeline's segmenter; headings are left out
//! (a title is not a commitment, and re-publications add, drop and re-level
//! them freely). Each clause is reduced to its wording ([`normalize`]), the
//! two sequences are aligned ([`align`]: kept in place, moved, re-segmented),
//! leftovers are paired into modified clauses when similar enough
//! ([`pair`]), and every change carries the findings of both analyses on its
//! clause, with the risk shift, ranked most serious first ([`rank`]).
//!
//! "No wording change" ([`Diff::changed`] false) means: the same clauses,
//! word for word, possibly reordered, re-split, renumbered or re-typeset.
//! When nothing changed, neither document is analysed, so re-checking an
//! unchanged policy costs only the segmentation and the alignment.
//!
//! ```
//! use clausemark::diff::diff_blocks;
//! let old = ["We collect your email.", "Disputes go to court."];
//! let new = ["Disputes go to court.", "We collect your email."];
//! assert!(!diff_blocks(&old, &new).changed, "reordering is not a wording change");
//! let new = ["We collect your email.", "Any dispute will be resolved by binding arbitration."];
//! let d = diff_blocks(&old, &new);
//! assert!(d.changed);
//! assert!(d.added[0].categories.iter().any(|c| c.category == "arbitration"));
//! assert!(d.added[0].headline.starts_with("New: "));
//! ```

pub mod align;
pub mod normalize;
pub mod pair;
pub mod rank;

use serde::Serialize;

use crate::blocks::Document;
pub use crate::anchors::Span;
use crate::findings::Risk;
use crate::segment::{segment, Segment};

/// A category found on an added or removed clause, at its risk.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CategoryRisk {
    /// Category id, e.g. `"ai_training"`.
    pub category: &'static str,
    /// The risk the analysis gave the clause for it.
    pub risk: Risk,
    /// The finding's one-line headline.
    pub summary: &'static str,
}

/// A category found on either side of a modified clause: the risk shift.
/// At least one of `old_risk`, `new_risk` is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskShift {
    /// Category id.
    pub category: &'static str,
    /// Risk on the old clause; `None` when the category was not found there.
    pub old_risk: Option<Risk>,
    /// Risk on the new clause; `None` when the category is not found there.
    pub new_risk: Option<Risk>,
    /// Headline of the new finding, or of the old one when it went.
    pub summary: &'static str,
}

/// An added clause (span in the new document) or a removed one (span in the
/// old document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    /// Position in the overall ranking of changes, 0 = most serious.
    pub rank: usize,
    /// Signed weight of the change for the reader: > 0 worse, < 0 better,
    /// 0 neutral or uncategorised (see [`rank`]).
    pub severity: i32,
    /// One line for a banner, e.g. "New: they can use your content … to
    /// train their AI models."
    pub headline: String,
    /// The clause, exactly as in its document.
    pub text: String,
    /// Where it is.
    #[serde(flatten)]
    pub span: Span,
    /// The findings on it, in taxonomy order.
    pub categories: Vec<CategoryRisk>,
}

/// A clause reworded between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Modified {
    /// Position in the overall ranking of changes, 0 = most serious.
    pub rank: usize,
    /// Signed weight of the change for the reader (see [`Clause::severity`]).
    pub severity: i32,
    /// One line for a banner, e.g. "Now bad (was caution): …".
    pub headline: String,
    /// The clause as it was, exactly as in the old document.
    pub old_text: String,
    /// The clause as it is, exactly as in the new document.
    pub new_text: String,
    /// Where it was in the old document.
    pub old: Span,
    /// Where it is in the new document.
    pub new: Span,
    /// Word-multiset similarity of the two, [`pair::THRESHOLD`]–1
    /// (serialised to 3 decimals).
    #[serde(serialize_with = "three_decimals")]
    pub similarity: f32,
    /// Every category found on either side, in taxonomy order.
    pub categories: Vec<RiskShift>,
}

impl Modified {
    /// The categories found on the new clause, at their new risk.
    pub fn new_categories(&self) -> Vec<CategoryRisk> {
        let f = |s: &RiskShift| s.new_risk.map(|risk| CategoryRisk { category: s.category, risk, summary: s.summary });
        self.categories.iter().filter_map(f).collect()
    }
}

/// Counts of clauses (headings excluded) by what happened to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Clauses of the old document.
    pub old_clauses: usize,
    /// Clauses of the new document.
    pub new_clauses: usize,
    /// Identical clauses in the same order.
    pub unchanged: usize,
    /// Identical clauses matched out of order (moved, or repeated too often
    /// to anchor the alignment).
    pub moved: usize,
    /// Old clauses whose text was only re-split or re-joined.
    pub resegmented_old: usize,
    /// New clauses whose text was only re-split or re-joined.
    pub resegmented_new: usize,
    /// Headings of the old document, not compared.
    pub headings_old: usize,
    /// Headings of the new document, not compared.
    pub headings_new: usize,
}

/// The clause-level difference between two documents.
///
/// Invariant: `changed == !(added, removed and modified are all empty)`;
/// the three lists are each sorted by `rank`, and their ranks together are
/// exactly `0..added.len() + removed.len() + modified.len()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// Whether the wording changed.
    pub changed: bool,
    /// Clauses only in the new document (spans in the new document).
    pub added: Vec<Clause>,
    /// Clauses only in the old document (spans in the old document).
    pub removed: Vec<Clause>,
    /// Clauses reworded.
    pub modified: Vec<Modified>,
    /// What happened to the other clauses.
    pub counts: Counts,
}

/// The clause-level diff of two documents (see the module docs).
pub fn diff(old: &Document, new: &Document) -> Diff {
    let (old_segments, old_headings) = clauses(old);
    let (new_segments, new_headings) = clauses(new);
    let old_w: Vec<_> = old_segments.iter().map(|s| normalize::wording(&old.text()[s.start..s.end])).collect();
    let new_w: Vec<_> = new_segments.iter().map(|s| normalize::wording(&new.text()[s.start..s.end])).collect();
    let alignment = align::align(&old_w, &new_w);
    let pairing = pair::pair(&old_w, &new_w, &alignment.hunks);
    let counts = Counts {
        old_clauses: old_segments.len(),
        new_clauses: new_segments.len(),
        unchanged: alignment.kept.len(),
        moved: alignment.moved.len(),
        resegmented_old: alignment.resegmented.0.len(),
        resegmented_new: alignment.resegmented.1.len(),
        headings_old: old_headings,
        headings_new: new_headings,
    };
    let changed = !(pairing.modified.is_empty() && pairing.removed.is_empty() && pairing.added.is_empty());
    if !changed {
        return Diff { changed, added: Vec::new(), removed: Vec::new(), modified: Vec::new(), counts };
    }
    let sides = rank::Sides {
        old: rank::Side::new(old, &old_segments, crate::report::analyze(old)),
        new: rank::Side::new(new, &new_segments, crate::report::analyze(new)),
    };
    let (added, removed, modified) = rank::build(&sides, &pairing);
    Diff { changed, added, removed, modified, counts }
}

fn three_decimals<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*x) * 1000.0).round() / 1000.0)
}

/// [`diff`] of two documents given as text blocks (as the browser sends them).
pub fn diff_blocks<S: AsRef<str>>(old: &[S], new: &[S]) -> Diff {
    diff(&Document::from_blocks(old), &Document::from_blocks(new))
}

/// The non-heading clause segments of `doc`, and how many headings there were.
fn clauses(doc: &Document) -> (Vec<Segment>, usize) {
    let (headings, body): (Vec<Segment>, Vec<Segment>) = segment(doc).into_iter().partition(|s| s.heading);
    (body, headings.len())
}
