//! UNFAIR-ToS (Lippi et al. 2019, LexGLUE split): each sentence is
//! detokenised (see [`super::ptb`]) and analysed with the other sentences of
//! its company's document, in order ([`super::document_labels`]); its
//! predicted labels are compared with the gold ones over the eight categories.

use serde::Serialize;

use super::corpus::{Corpus, UnfairSentence};
use super::bootstrap::Interval;
use super::metrics::{CategoryScore, DocumentCounts, MultiLabel, NineColumn};
use super::{document_labels, ptb, runs, Split, UNFAIR_CATEGORIES};
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
    /// 95 % interval of macro- and micro-F1 with the documents resampled
    /// (services on UNFAIR-ToS, documents on CLAUDETTE-2024).
    pub interval: Option<Interval>,
    /// Per document, its counts per category (what `eval --baseline`
    /// compares).
    pub documents: Vec<DocumentCounts>,
    /// Every false positive and false negative, in corpus order (for
    /// `clausemark eval --errors`; left out of `--json`).
    #[serde(skip)]
    pub errors: Vec<LabelError>,
}

/// One wrong label of one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelError {
    /// `true`: predicted but not gold (false positive); `false`: gold but
    /// not predicted (false negative).
    pub false_positive: bool,
    /// The category id.
    pub category: &'static str,
    /// The sentence's document or company.
    pub doc: String,
    /// The sentence as scored (UNFAIR-ToS: detokenised).
    pub text: String,
}

/// The wrong labels of one sentence over the eight categories, in
/// [`UNFAIR_CATEGORIES`] order.
pub fn label_errors<G: AsRef<str>>(doc: &str, text: &str, gold: &[G], predicted: &[&'static str]) -> Vec<LabelError> {
    UNFAIR_CATEGORIES
        .iter()
        .filter_map(|&c| {
            let (g, p) = (gold.iter().any(|x| x.as_ref() == c), predicted.contains(&c));
            (g != p).then(|| LabelError { false_positive: p, category: c, doc: doc.to_string(), text: text.to_string() })
        })
        .collect()
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
            interval: scores.interval(),
            documents: scores.documents(),
            errors: Vec::new(),
        }
    }
}

/// Scores `unfair-tos/<split>.jsonl` with the shipped pipeline (rules + model).
pub fn evaluate(corpus: &Corpus, split: Split) -> Result<LabelReport, Error> {
    evaluate_with(corpus, split, &|doc| document_labels(doc, crate::model::Model::global()))
}

/// Scores `unfair-tos/<split>.jsonl` with `predict`, which maps the
/// detokenised sentences of one company's document, in order, to the labels
/// it predicts for each.
pub fn evaluate_with(corpus: &Corpus, split: Split, predict: &dyn Fn(&[&str]) -> Vec<Vec<&'static str>>) -> Result<LabelReport, Error> {
    let rows: Vec<UnfairSentence> = corpus.read_jsonl(&format!("unfair-tos/{}.jsonl", split.as_str()))?;
    let texts: Vec<String> = rows.iter().map(|r| ptb::detokenize(&r.text)).collect();
    let mut scores = MultiLabel::new(&UNFAIR_CATEGORIES);
    let mut errors = Vec::new();
    for run in runs(&rows, |r| r.company.as_str()) {
        let sentences: Vec<&str> = texts[run.clone()].iter().map(String::as_str).collect();
        for ((row, text), predicted) in rows[run.clone()].iter().zip(&texts[run]).zip(predict(&sentences)) {
            scores.add_in(&row.company, &row.labels, &predicted);
            errors.extend(label_errors(&row.company, text, &row.labels, &predicted));
        }
    }
    Ok(LabelReport { errors, ..LabelReport::from_scores(&scores) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_errors_list_each_wrong_category_once() {
        let errs = label_errors("Acme", "text", &["arbitration", "jurisdiction"], &["jurisdiction", "choice_of_law"]);
        let got: Vec<(bool, &str)> = errs.iter().map(|e| (e.false_positive, e.category)).collect();
        assert_eq!(got, [(false, "arbitration"), (true, "choice_of_law")]);
        assert!(errs.iter().all(|e| e.doc == "Acme" && e.text == "text"));
        assert!(label_errors::<&str>("Acme", "text", &[], &[]).is_empty());
    }
}
