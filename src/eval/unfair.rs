//! UNFAIR-ToS (Lippi et al. 2019, LexGLUE split): each sentence is
//! detokenised (see [`super::ptb`]), analysed alone, and its predicted labels
//! compared with the gold ones over the eight categories.

use serde::Serialize;

use super::corpus::{Corpus, UnfairSentence};
use super::metrics::{CategoryScore, MultiLabel, NineColumn};
use super::{predicted_labels, ptb, risks_by_category, Split, UNFAIR_CATEGORIES};
use crate::error::Error;

/// Multi-label scores over the eight UNFAIR-ToS categories.
#[derive(Debug, Clone, Serialize)]
pub struct LabelReport {
    /// Sentences scored.
    pub sentences: usize,
    /// Per category: counts, precision, recall, F1, support (sentences).
    pub categories: Vec<CategoryScore>,
    /// Mean F1 over the eight categories: our headline figure.
    pub macro_f1: f64,
    /// Pooled F1 over the eight categories.
    pub micro_f1: f64,
    /// Nine columns as LexGLUE's script scores them (a "no label" column
    /// whose prediction is "we predicted nothing").
    pub lexglue: NineColumn,
    /// Nine columns with the "no label" prediction copied from gold (always
    /// right): macro = (8·macro + 1)/9, micro gains the unlabelled rows.
    pub lexglue_gold_column: NineColumn,
}

impl LabelReport {
    /// Builds the report from a filled accumulator.
    pub fn from_scores(scores: &MultiLabel) -> Self {
        LabelReport {
            sentences: scores.rows(),
            categories: scores.per_category(),
            macro_f1: scores.macro_f1(),
            micro_f1: scores.micro_f1(),
            lexglue: scores.lexglue(),
            lexglue_gold_column: scores.lexglue_gold_column(),
        }
    }
}

/// Scores `unfair-tos/<split>.jsonl` with the shipped pipeline (rules + model).
pub fn evaluate(corpus: &Corpus, split: Split) -> Result<LabelReport, Error> {
    evaluate_with(corpus, split, &|text| predicted_labels(&risks_by_category(text)))
}

/// Scores `unfair-tos/<split>.jsonl` with `predict`, which maps a
/// detokenised sentence to the labels it predicts.
pub fn evaluate_with(corpus: &Corpus, split: Split, predict: &dyn Fn(&str) -> Vec<&'static str>) -> Result<LabelReport, Error> {
    let rows: Vec<UnfairSentence> = corpus.read_jsonl(&format!("unfair-tos/{}.jsonl", split.as_str()))?;
    let mut scores = MultiLabel::new(&UNFAIR_CATEGORIES);
    for row in &rows {
        let text = ptb::detokenize(&row.text);
        scores.add(&row.labels, &predict(&text));
    }
    Ok(LabelReport::from_scores(&scores))
}
