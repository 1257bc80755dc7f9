//! Evaluation of the classifier on the corpus in `../shared/corpus` (see its
//! README for sources, licences and caveats). Three benchmarks:
//!
//! 1. [`unfair`]: UNFAIR-ToS (LexGLUE split), sentence-level multi-label
//!    scores over the eight UNFAIR-ToS categories;
//! 2. [`claudette`]: the visible CLAUDETTE-2024 documents, the same scores
//!    plus how our risk levels agree with CLAUDETTE's fairness levels;
//! 3. [`tosdr`]: ToS;DR points through `eval/tosdr_case_map.toml`, recall and
//!    recall with the right polarity per category.
//!
//! A sentence's predicted labels are the UNFAIR-ToS categories we find at
//! `caution` or `bad` (the "potentially unfair" meaning of a label, as in
//! `clausemark classify`). Native only: the wasm never evaluates.

pub mod agreement;
pub mod bootstrap;
pub mod claudette;
pub mod corpus;
pub mod metrics;
pub mod ptb;
pub mod tosdr;
pub mod unfair;

use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::findings::Risk;

pub use claudette::ClaudetteReport;
pub use corpus::Corpus;
pub use tosdr::{CaseMap, TosdrReport};
pub use unfair::LabelReport;

/// The eight UNFAIR-ToS categories, in the corpus README's order; they are
/// also the first eight ids of `categories.txt`.
pub const UNFAIR_CATEGORIES: [&str; 8] = [
    "arbitration",
    "unilateral_change",
    "content_removal",
    "jurisdiction",
    "choice_of_law",
    "limitation_of_liability",
    "unilateral_termination",
    "contract_by_using",
];

/// Which UNFAIR-ToS split to score. The test split is sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// `unfair-tos/dev.jsonl` (2,275 sentences): measure here.
    Dev,
    /// `unfair-tos/train.jsonl` (5,532 sentences): tune here.
    Train,
}

impl Split {
    /// The file name stem.
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Dev => "dev",
            Split::Train => "train",
        }
    }
}

/// Everything `clausemark eval` measures, as printed and as `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// The corpus directory used.
    pub corpus: String,
    /// The UNFAIR-ToS split scored.
    pub split: Split,
    /// UNFAIR-ToS scores of the shipped pipeline (rules + model).
    pub unfair_tos: LabelReport,
    /// UNFAIR-ToS scores of the rules alone.
    pub unfair_tos_rules: LabelReport,
    /// UNFAIR-ToS scores of a text-only model (the shipped recipe without
    /// the rule features, trained on the fly), for comparison.
    pub unfair_tos_model: LabelReport,
    /// CLAUDETTE-2024 scores and level agreement.
    pub claudette: ClaudetteReport,
    /// ToS;DR recall per category.
    pub tosdr: TosdrReport,
}

/// [`evaluate_full`] without the CLAUDETTE cross-validation.
pub fn evaluate(root: &Path, split: Split, case_map: &CaseMap) -> Result<EvalReport, Error> {
    evaluate_full(root, split, case_map, false)
}

/// Runs the three benchmarks on the corpus at `root`. Errors name the missing
/// directory or the bad file and line.
///
/// `cross_validate` retrains the model once per CLAUDETTE-2024 fold (a few
/// seconds in a release build, minutes in a debug one).
pub fn evaluate_full(root: &Path, split: Split, case_map: &CaseMap, cross_validate: bool) -> Result<EvalReport, Error> {
    let corpus = Corpus::open(root)?;
    Ok(EvalReport {
        corpus: root.display().to_string(),
        split,
        unfair_tos: unfair::evaluate(&corpus, split)?,
        unfair_tos_rules: unfair::evaluate_with(&corpus, split, &|doc| document_labels(doc, None))?,
        unfair_tos_model: text_only_model(&corpus, split)?,
        claudette: claudette::evaluate(&corpus, cross_validate)?,
        tosdr: tosdr::evaluate(&corpus, case_map)?,
    })
}

/// The "model alone" column: the shipped recipe without rule features,
/// trained here, a sentence's labels = the heads at or above threshold,
/// a list item scoring as in the pipeline (the higher of its own and its
/// lead-in's score, [`crate::model::context`]).
fn text_only_model(corpus: &Corpus, split: Split) -> Result<LabelReport, Error> {
    use crate::model::context::{Lead, ListContext};
    use crate::model::recipe::{self, Data, Prepared, Recipe};
    let data = Data::load(corpus)?;
    let recipe = Recipe { rule_features: false, ..Recipe::DEFAULT };
    let trained = recipe::train(&Prepared::new(&data, &recipe), &std::collections::BTreeSet::new());
    let model = crate::model::Model::from_stored(&trained.model);
    let predict = |sentences: &[&str]| {
        let mut f = crate::model::features::Featurizer::new();
        let mut lists: ListContext<Lead> = ListContext::default();
        let mut scores = Vec::new();
        let mut out = Vec::new();
        for text in sentences {
            model.score(text.as_bytes(), &mut f, &mut scores);
            lists.score(text, crate::segment::is_heading(text), crate::blocks::BlockKind::Unknown, &mut scores, || ());
            let labels = UNFAIR_CATEGORIES
                .iter()
                .copied()
                .filter(|c| {
                    model.head(c).is_some_and(|h| scores[h] >= model.heads()[h].threshold)
                })
                .collect();
            out.push(labels);
        }
        out
    };
    unfair::evaluate_with(corpus, split, &predict)
}

/// Per sentence of one document, the most serious risk at which each
/// category is found (any risk, including `good`/`neutral`), over the whole
/// pipeline with `model` (`None` = the rules alone).
///
/// `sentences` are the document's sentences in order; they are analysed
/// together, each one block of one document, as the extension analyses a
/// page: a list item is read with its lead-in ([`crate::model::context`]).
pub fn document_risks(sentences: &[&str], model: Option<&crate::model::Model>) -> Vec<Vec<(&'static str, Risk)>> {
    let mut out = vec![Vec::new(); sentences.len()];
    let doc = crate::Document::from_blocks(sentences);
    for f in crate::report::analyze_with(&doc, model).findings {
        let found: &mut Vec<(&'static str, Risk)> = &mut out[f.span.block];
        match found.iter_mut().find(|(c, _)| *c == f.category) {
            Some((_, r)) => *r = (*r).max(f.risk),
            None => found.push((f.category, f.risk)),
        }
    }
    out
}

/// [`document_risks`] as UNFAIR-ToS labels: per sentence, the categories
/// found at `caution` or `bad` ([`predicted_labels`]).
pub fn document_labels(sentences: &[&str], model: Option<&crate::model::Model>) -> Vec<Vec<&'static str>> {
    document_risks(sentences, model).iter().map(|r| predicted_labels(r)).collect()
}

/// The runs of consecutive `items` that share a key (a corpus's rows are
/// grouped by document that way), as index ranges in order.
pub fn runs<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match out.last_mut() {
            Some(r) if key(&items[r.start]) == key(item) => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// The UNFAIR-ToS labels we predict for `text`: the categories of
/// [`UNFAIR_CATEGORIES`] found at `caution` or `bad`.
pub fn predicted_labels(found: &[(&'static str, Risk)]) -> Vec<&'static str> {
    UNFAIR_CATEGORIES
        .iter()
        .copied()
        .filter(|c| found.iter().any(|(fc, r)| fc == c && r.is_flag()))
        .collect()
}
