//! Precision, recall and F1 for multi-label classification, per category,
//! macro- and micro-averaged, plus the two nine-column figures that make our
//! numbers comparable with LexGLUE's UNFAIR-ToS results.
//!
//! Conventions (those of scikit-learn with `zero_division=0`, which LexGLUE
//! uses): a ratio whose denominator is 0 is 0, so a category we never
//! predict has precision 0, and a category absent from the gold labels has
//! recall 0 and F1 0. Macro-F1 is the unweighted mean of the per-category
//! F1s; micro-F1 pools the counts of all categories first.

use serde::{Deserialize, Serialize};

/// Counts for one category: true positives, false positives, false
/// negatives (all in sentences).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Gold and predicted.
    pub tp: usize,
    /// Predicted, not gold.
    pub fp: usize,
    /// Gold, not predicted.
    #[serde(rename = "fn")]
    pub fn_: usize,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Counts {
    /// Adds one observation.
    pub fn add(&mut self, gold: bool, predicted: bool) {
        match (gold, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    /// tp / (tp + fp), 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn), 0 when nothing is gold.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2·tp / (2·tp + fp + fn): the harmonic mean of precision and recall,
    /// 0 when tp = 0.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Number of gold positives (tp + fn).
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }

    /// The counts of both together.
    pub fn merged(self, other: Counts) -> Counts {
        Counts { tp: self.tp + other.tp, fp: self.fp + other.fp, fn_: self.fn_ + other.fn_ }
    }
}

/// Macro-F1 (mean of the F1s, 0 with no categories) and micro-F1 (F1 of the
/// pooled counts) of per-category `counts`.
pub fn macro_micro(counts: &[Counts]) -> (f64, f64) {
    let macro_f1 = if counts.is_empty() { 0.0 } else { counts.iter().map(Counts::f1).sum::<f64>() / counts.len() as f64 };
    (macro_f1, pooled(counts).f1())
}

/// The counts of all `counts` together.
pub fn pooled(counts: &[Counts]) -> Counts {
    counts.iter().fold(Counts::default(), |a, b| a.merged(*b))
}

/// One document's counts, per category in the accumulator's order (for
/// comparing two evaluations document by document: `eval --baseline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCounts {
    /// The document (UNFAIR-ToS: the company; CLAUDETTE-2024: the document name).
    pub doc: String,
    /// Its counts, one per category.
    pub counts: Vec<Counts>,
}

/// Scores of one category, ready to print or serialise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    /// Category id.
    pub category: String,
    /// The raw counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// tp / (tp + fp).
    pub precision: f64,
    /// tp / (tp + fn).
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// Gold positives.
    pub support: usize,
}

/// Accumulates multi-label predictions over a fixed list of categories.
///
/// Besides the per-category counts it keeps the three row counts that the
/// LexGLUE "no label" column needs.
#[derive(Debug, Clone)]
pub struct MultiLabel {
    categories: Vec<String>,
    counts: Vec<Counts>,
    /// The ninth LexGLUE column ("no label") with the prediction derived
    /// from OUR labels: gold = the row has no gold label, predicted = we
    /// predicted none.
    no_label: Counts,
    rows: usize,
    rows_without_gold: usize,
    /// The documents given to [`MultiLabel::add_in`], in the order first
    /// seen; `doc_counts[k]` holds the per-category counts of `doc_names[k]`
    /// (for [`super::bootstrap`]). Rows added without a document are in
    /// none.
    doc_names: Vec<String>,
    doc_counts: Vec<Vec<Counts>>,
}

impl MultiLabel {
    /// An empty accumulator over `categories` (their order is kept).
    pub fn new<S: AsRef<str>>(categories: &[S]) -> Self {
        MultiLabel {
            categories: categories.iter().map(|c| c.as_ref().to_string()).collect(),
            counts: vec![Counts::default(); categories.len()],
            no_label: Counts::default(),
            rows: 0,
            rows_without_gold: 0,
            doc_names: Vec::new(),
            doc_counts: Vec::new(),
        }
    }

    /// Adds one row (one sentence): its gold and predicted category ids.
    /// Ids outside the category list are ignored.
    pub fn add<G: AsRef<str>, P: AsRef<str>>(&mut self, gold: &[G], predicted: &[P]) {
        self.add_row(None, gold, predicted);
    }

    /// Adds one row of document `doc`; the document's counts are also kept
    /// apart, for [`MultiLabel::interval`]. Rows of one document need not
    /// be consecutive, but usually are (the search starts at the last one).
    pub fn add_in<G: AsRef<str>, P: AsRef<str>>(&mut self, doc: &str, gold: &[G], predicted: &[P]) {
        let at = match self.doc_names.iter().rposition(|d| d == doc) {
            Some(at) => at,
            None => {
                self.doc_names.push(doc.to_string());
                self.doc_counts.push(vec![Counts::default(); self.categories.len()]);
                self.doc_names.len() - 1
            }
        };
        self.add_row(Some(at), gold, predicted);
    }

    /// One row, also counted in document `doc` (an index into `doc_counts`) if any.
    fn add_row<G: AsRef<str>, P: AsRef<str>>(&mut self, doc: Option<usize>, gold: &[G], predicted: &[P]) {
        let mut any_gold = false;
        let mut any_pred = false;
        for (i, cat) in self.categories.iter().enumerate() {
            let g = gold.iter().any(|x| x.as_ref() == cat);
            let p = predicted.iter().any(|x| x.as_ref() == cat);
            any_gold |= g;
            any_pred |= p;
            self.counts[i].add(g, p);
            if let Some(d) = doc {
                self.doc_counts[d][i].add(g, p);
            }
        }
        self.no_label.add(!any_gold, !any_pred);
        self.rows += 1;
        if !any_gold {
            self.rows_without_gold += 1;
        }
    }

    /// Per document given to [`MultiLabel::add_in`], in the order first
    /// seen: its name and its counts per category.
    pub fn documents(&self) -> Vec<DocumentCounts> {
        self.doc_names.iter().zip(&self.doc_counts).map(|(doc, counts)| DocumentCounts { doc: doc.clone(), counts: counts.clone() }).collect()
    }

    /// The 95 % interval of macro- and micro-F1 when the documents are
    /// resampled ([`super::bootstrap`]); `None` with fewer than two
    /// documents given to [`MultiLabel::add_in`].
    pub fn interval(&self) -> Option<super::bootstrap::Interval> {
        super::bootstrap::interval(&self.doc_counts)
    }

    /// Rows added so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Per-category scores, in the order given to [`MultiLabel::new`].
    pub fn per_category(&self) -> Vec<CategoryScore> {
        self.categories
            .iter()
            .zip(&self.counts)
            .map(|(c, k)| CategoryScore {
                category: c.clone(),
                counts: *k,
                precision: k.precision(),
                recall: k.recall(),
                f1: k.f1(),
                support: k.support(),
            })
            .collect()
    }

    /// Mean of the per-category F1s (0 with no categories).
    pub fn macro_f1(&self) -> f64 {
        macro_micro(&self.counts).0
    }

    /// F1 of the pooled counts of all categories.
    pub fn micro_f1(&self) -> f64 {
        macro_micro(&self.counts).1
    }

    /// The LexGLUE figures as `coastalcph/lex-glue` `experiments/unfair_tos.py`
    /// computes them: a ninth "no label" column is added to gold and to the
    /// predictions, the prediction being "the model predicted no label".
    pub fn lexglue(&self) -> NineColumn {
        let n = self.counts.len() as f64;
        NineColumn {
            macro_f1: (self.macro_f1() * n + self.no_label.f1()) / (n + 1.0),
            micro_f1: pooled(&self.counts).merged(self.no_label).f1(),
        }
    }

    /// The variant where the ninth column's prediction is copied from gold
    /// (as in an earlier revision of that script), so it is always right:
    /// macro = (n·macro + 1)/(n + 1), and the micro counts gain one true
    /// positive per row without a gold label.
    pub fn lexglue_gold_column(&self) -> NineColumn {
        let n = self.counts.len() as f64;
        let column = Counts { tp: self.rows_without_gold, fp: 0, fn_: 0 };
        let column_f1 = if self.rows_without_gold > 0 { 1.0 } else { 0.0 };
        NineColumn {
            macro_f1: (self.macro_f1() * n + column_f1) / (n + 1.0),
            micro_f1: pooled(&self.counts).merged(column).f1(),
        }
    }
}

/// Macro- and micro-F1 over the categories plus the "no label" column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NineColumn {
    /// Mean F1 over the n + 1 columns.
    pub macro_f1: f64,
    /// Pooled F1 over the n + 1 columns.
    pub micro_f1: f64,
}
