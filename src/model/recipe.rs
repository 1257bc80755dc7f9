//! What each head is trained on (native only): the corpus files, the
//! labels, the exclusions that keep the evaluation honest, and the
//! thresholds tuned on UNFAIR-ToS dev and out-of-fold CLAUDETTE-2024 scores.
//!
//! Training data of the eight category heads: UNFAIR-ToS `train` (30
//! companies, sentences detokenised) plus the visible CLAUDETTE-2024
//! sentences (labels = levels 2–3), except the CLAUDETTE documents of
//! companies that are in UNFAIR-ToS `dev` (Oculus, Tripadvisor): a newer
//! version of a dev document in training would inflate the dev scores that
//! thresholds and the combination are tuned on.
//!
//! The taxonomy's own example sentences (written for this project) join
//! once. Each sentence's features are its hashed n-grams plus the rule
//! engine's hits on it ([`rule_buckets`]): the heads are stacked on the
//! rules, so a change to the rules or examples needs a retrain (the
//! reproducibility test in `tests/model.rs` says so).
//!
//! Per category head, two thresholds are tuned ([`super::tune::best_pair`]):
//! one for sentences no rule flags (the model adding recall) and a lower
//! "veto" one for sentences a rule flags (the model overruling the rule).
//! The tuning set is UNFAIR-ToS dev plus the CLAUDETTE documents scored
//! out of fold (each visible fold by heads trained without it; the dev
//! companies' CLAUDETTE documents, never trained on, are scored too), each
//! corpus's positives carrying half the weight. Tuned on dev alone, the
//! thresholds hung on 9–67 positives and followed UNFAIR-ToS's narrower
//! labelling (CLAUDETTE cross-validated recall of limitation of liability
//! fell to 0.53, below the rules' own 0.59); pooled, they rest on ~10x the
//! positives and both corpora score higher. Categories with fewer than
//! [`MIN_VETO_SUPPORT`] tuning positives get no veto: a couple of
//! sentences cannot justify overruling the rules.
//!
//! Cost: one extra training run per visible CLAUDETTE fold (4), run in
//! parallel threads; the cross-validation of `clausemark eval` nests them
//! (the thresholds of a held-out fold never see its labels).
//!
//! Fairness-level heads (`level:<id>`): the CLAUDETTE sentences tagged with
//! the category, label = tagged at the category's higher level (see
//! [`LEVEL_SPLITS`]); threshold 0, the SVM's own boundary (no dev data has
//! levels).

use std::collections::BTreeSet;

use super::context::{Lead, ListContext};
use super::features::{FeatureConfig, Featurizer};
use super::format::StoredModel;
use super::train::{assemble, quantize, train_svm, Example, SvmParams};
use super::tune::{self, Column};
use crate::eval::UNFAIR_CATEGORIES;

pub use super::data::{company_key, taxonomy_examples, Data, Row};

/// Per category with a level head: (category, lower level, higher level).
/// A score at or above the threshold means the higher level.
/// Choice of law is fair (1) or potentially unfair (2); jurisdiction fair (1)
/// or clearly unfair (3); limitation of liability 1 vs 2–3 (level 3 has 7
/// visible sentences); termination, content removal and arbitration 2 vs 3.
/// Unilateral change and contract by using are always level 2.
pub const LEVEL_SPLITS: [(&str, u8, u8); 6] = [
    ("choice_of_law", 1, 2),
    ("jurisdiction", 1, 3),
    ("limitation_of_liability", 1, 2),
    ("unilateral_termination", 2, 3),
    ("content_removal", 2, 3),
    ("arbitration", 2, 3),
];


/// Everything that decides the weights besides the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recipe {
    /// Feature families.
    pub features: FeatureConfig,
    /// Solver parameters of the category heads.
    pub svm: SvmParams,
    /// Solver parameters of the level heads.
    pub level_svm: SvmParams,
    /// Whether CLAUDETTE-2024 sentences join the training data.
    pub with_claudette: bool,
    /// Whether the rule engine's hits are features (stacking).
    pub rule_features: bool,
    /// Quantised weights below this magnitude (of 127) are dropped.
    pub min_q: i8,
    /// How many times each taxonomy example joins the training data (0 = not).
    pub example_repeat: usize,
    /// Whether thresholds are tuned on out-of-fold CLAUDETTE-2024 scores
    /// as well as on UNFAIR-ToS dev (see [`train`]).
    pub tune_on_claudette: bool,
    /// Share (0–1) of the tuning set's positive weight that UNFAIR-ToS dev
    /// carries when CLAUDETTE joins it.
    pub dev_share: f64,
}

impl Recipe {
    /// The shipped recipe.
    pub const DEFAULT: Recipe = Recipe {
        features: FeatureConfig::DEFAULT,
        svm: SvmParams::DEFAULT,
        level_svm: SvmParams { c: 0.5, pos_weight: 1.0, epochs: 40, seed: 0x1e7e_1c1a, extra_value: SvmParams::DEFAULT.extra_value },
        with_claudette: true,
        rule_features: true,
        min_q: 16,
        example_repeat: 1,
        tune_on_claudette: true,
        dev_share: 0.5,
    };
}

/// Positives (UNFAIR-ToS dev plus, when tuning on it, CLAUDETTE-2024) a
/// category needs before its head may veto rule hits: with fewer, the one
/// or two vetoes that would "help" are noise (the UNFAIR-ToS labels are
/// themselves inconsistent on such sentences).
pub const MIN_VETO_SUPPORT: usize = 18;

/// What a training run produced.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The weights file's content.
    pub model: StoredModel,
    /// Sentences the category heads were trained on.
    pub train_rows: usize,
    /// Of those, from CLAUDETTE-2024.
    pub claudette_rows: usize,
    /// CLAUDETTE documents left out (dev companies or the held-out fold).
    pub excluded_docs: Vec<String>,
    /// Per category head: (positives in training, model-and-rules dev F1 at
    /// the tuned thresholds, the same on the out-of-fold CLAUDETTE scores).
    pub heads: Vec<(usize, f64, f64)>,
    /// CLAUDETTE sentences in the tuning set (out-of-fold scores).
    pub tuning_claudette: usize,
}

/// The data featurised once for a recipe: reused by every fold of a
/// cross-validation (featurising runs the rules over ~25,000 sentences).
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    data: &'a Data,
    recipe: Recipe,
    train: Vec<Example>,
    claudette: Vec<Example>,
    examples: Vec<Example>,
    dev: Vec<Example>,
    /// Per dev sentence, bit i = the rules flag `UNFAIR_CATEGORIES[i]`.
    dev_flags: Vec<u8>,
    /// The same per CLAUDETTE sentence.
    claudette_flags: Vec<u8>,
}

/// Bit i set = the rules alone flag `UNFAIR_CATEGORIES[i]` (at
/// `caution`/`bad`) in `text`.
fn rule_flag_mask(text: &str) -> u8 {
    rule_risks(text)
        .into_iter()
        .filter(|(_, k)| k.is_flag())
        .filter_map(|(c, _)| UNFAIR_CATEGORIES.iter().position(|u| *u == crate::taxonomy::CATEGORIES[c].id))
        .fold(0, |m, i| m | 1 << i)
}

impl<'a> Prepared<'a> {
    /// Featurises `data` as `recipe` says.
    pub fn new(data: &'a Data, recipe: &Recipe) -> Prepared<'a> {
        let mut f = Featurizer::new();
        let mut make = |r: &Row| {
            let mut x = Example::new(&r.text, recipe.features, &mut f);
            if recipe.rule_features {
                x.extra = rule_buckets(&r.text);
            }
            x
        };
        let train = data.unfair_train.iter().map(&mut make).collect();
        let claudette = data.claudette.iter().map(&mut make).collect();
        let examples = data.examples.iter().map(&mut make).collect();
        let dev = data.unfair_dev.iter().map(&mut make).collect();
        let flags = |rows: &[Row], on: bool| rows.iter().map(|r| if recipe.rule_features && on { rule_flag_mask(&r.text) } else { 0 }).collect();
        let dev_flags = flags(&data.unfair_dev, true);
        let claudette_flags = flags(&data.claudette, recipe.tune_on_claudette);
        Prepared { data, recipe: *recipe, train, claudette, examples, dev, dev_flags, claudette_flags }
    }

    /// Whether CLAUDETTE row `r` may be trained on when `held_out` is out.
    fn keep_claudette(&self, r: &Row, held_out: &BTreeSet<String>) -> bool {
        let k = company_key(&r.doc);
        self.recipe.with_claudette && !self.data.dev_companies().contains(&k) && !held_out.contains(&k)
    }
}

/// The untuned heads of one training run.
struct Fit<'p> {
    rows: Vec<&'p Row>,
    xs: Vec<&'p Example>,
    /// The eight category heads, quantised, thresholds 0.
    heads: Vec<super::format::StoredHead>,
    positives: Vec<usize>,
}

/// Trains the eight category heads on everything but `held_out`.
fn fit<'p>(prep: &'p Prepared, held_out: &BTreeSet<String>) -> Fit<'p> {
    let (data, recipe) = (prep.data, &prep.recipe);
    let pairs: Vec<(&Row, &Example)> = data
        .unfair_train
        .iter()
        .zip(&prep.train)
        .filter(|(r, _)| !held_out.contains(&company_key(&r.doc)))
        .chain(data.claudette.iter().zip(&prep.claudette).filter(|(r, _)| prep.keep_claudette(r, held_out)))
        .chain((0..recipe.example_repeat).flat_map(|_| data.examples.iter().zip(&prep.examples)))
        .collect();
    let rows: Vec<&Row> = pairs.iter().map(|p| p.0).collect();
    let xs: Vec<&Example> = pairs.iter().map(|p| p.1).collect();
    let mut heads = Vec::new();
    let mut positives = Vec::new();
    for (i, cat) in UNFAIR_CATEGORIES.iter().enumerate() {
        let ys: Vec<bool> = rows.iter().map(|r| r.has(i)).collect();
        positives.push(ys.iter().filter(|&&y| y).count());
        heads.push(quantize(cat, &train_svm(&xs, &ys, recipe.svm), 0.0, recipe.min_q));
    }
    Fit { rows, xs, heads, positives }
}

/// Per category, the tuning column of `rows` scored by `heads` (the
/// quantised heads: that is what ships). With `documents`, the rows are
/// read as consecutive sentences of their documents and a list item scores
/// as at inference ([`super::context`]: the higher of its own and its
/// lead-in's score); without, each row stands alone (the taxonomy examples).
fn columns(prep: &Prepared, heads: &[super::format::StoredHead], rows: &[(&Row, &Example, u8)], documents: bool, out: &mut [Column]) {
    let cfg = prep.recipe.features;
    let q = super::Model::from_stored(&assemble(cfg, prep.recipe.svm.extra_value as f32, heads.to_vec()));
    let mut scores = Vec::new();
    let mut lists: ListContext<Lead> = ListContext::default();
    let mut doc: Option<&str> = None;
    for (r, x, flags) in rows {
        if doc != Some(r.doc.as_str()) {
            lists = ListContext::default();
            doc = Some(r.doc.as_str());
        }
        q.score_with_extra(&x.buckets, &x.extra, &mut scores);
        if documents {
            lists.score(&r.text, crate::segment::is_heading(&r.text), crate::blocks::BlockKind::Unknown, &mut scores, || ());
        }
        for (i, c) in out.iter_mut().enumerate() {
            c.scores.push(f64::from(scores[i]));
            c.ruled.push(flags >> i & 1 == 1);
            c.gold.push(r.has(i));
        }
    }
}

/// Out-of-fold tuning columns of the CLAUDETTE documents outside
/// `held_out`: each visible fold scored by heads trained without it (and
/// without `held_out`), so the thresholds are chosen on scores like those
/// of unseen documents. One extra training run per fold.
fn claudette_oof(prep: &Prepared, held_out: &BTreeSet<String>) -> Vec<Column> {
    let data = prep.data;
    let mut out = vec![Column::default(); UNFAIR_CATEGORIES.len()];
    let visible = |r: &Row| !held_out.contains(&company_key(&r.doc));
    let folds: Vec<u8> = data.claudette.iter().filter(|r| visible(r)).filter_map(|r| r.fold).collect::<BTreeSet<_>>().into_iter().collect();
    let in_fold = |r: &Row, fold: u8| r.fold == Some(fold) && visible(r);
    // The folds' fits are independent: one thread each (the results, and
    // so the weights file, do not depend on the scheduling).
    let fits: Vec<Vec<super::format::StoredHead>> = std::thread::scope(|s| {
        let handles: Vec<_> = folds
            .iter()
            .map(|&fold| {
                let mut inner = held_out.clone();
                inner.extend(data.claudette.iter().filter(|r| in_fold(r, fold)).map(|r| company_key(&r.doc)));
                s.spawn(move || fit(prep, &inner).heads)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    for (&fold, heads) in folds.iter().zip(&fits) {
        let rows: Vec<(&Row, &Example, u8)> = data
            .claudette
            .iter()
            .zip(&prep.claudette)
            .zip(&prep.claudette_flags)
            .filter(|((r, _), _)| in_fold(r, fold))
            .map(|((r, x), &f)| (r, x, f))
            .collect();
        columns(prep, heads, &rows, true, &mut out);
    }
    out
}

/// Trains every head. `held_out` names CLAUDETTE documents (and, by
/// company, UNFAIR-ToS train companies) to leave out, for cross-validation;
/// dev companies are always left out of the CLAUDETTE part.
///
/// Thresholds: per category head, (threshold, veto) maximising the
/// weighted F1 ([`tune::best_pair`]) over UNFAIR-ToS dev and, when the
/// recipe says so, the out-of-fold CLAUDETTE scores of the documents
/// outside `held_out`, dev's positives weighing `dev_share` of the total.
/// A veto stays at or below the lowest score of the category's must-flag
/// taxonomy examples: the model never overrules an example we wrote to be
/// flagged (`tests/taxonomy_examples.rs` runs them through the pipeline).
pub fn train(prep: &Prepared, held_out: &BTreeSet<String>) -> Trained {
    let (data, recipe) = (prep.data, &prep.recipe);
    let cfg = recipe.features;
    let Fit { rows, xs, heads: raw, positives } = fit(prep, held_out);
    let excluded_docs: Vec<String> =
        data.claudette.iter().filter(|r| !prep.keep_claudette(r, held_out)).map(|r| r.doc.clone()).collect::<BTreeSet<_>>().into_iter().collect();

    let mut dev = vec![Column::default(); UNFAIR_CATEGORIES.len()];
    let dev_rows: Vec<(&Row, &Example, u8)> = data.unfair_dev.iter().zip(&prep.dev).zip(&prep.dev_flags).map(|((r, x), &f)| (r, x, f)).collect();
    columns(prep, &raw, &dev_rows, true, &mut dev);
    let mut examples = vec![Column::default(); UNFAIR_CATEGORIES.len()];
    let example_rows: Vec<(&Row, &Example, u8)> = data.examples.iter().zip(&prep.examples).map(|(r, x)| (r, x, 0)).collect();
    columns(prep, &raw, &example_rows, false, &mut examples);
    let claudette = if recipe.tune_on_claudette { claudette_oof(prep, held_out) } else { vec![Column::default(); UNFAIR_CATEGORIES.len()] };

    let mut heads = Vec::new();
    let mut summary = Vec::new();
    for (i, head) in raw.into_iter().enumerate() {
        let cols = [&dev[i], &claudette[i]];
        let weights = tune::corpus_weights(&cols, &[recipe.dev_share, 1.0 - recipe.dev_share]);
        let support = dev[i].positives() + claudette[i].positives();
        // A veto may not overrule one of our own must-flag examples.
        let max_veto = if recipe.rule_features && support >= MIN_VETO_SUPPORT { examples[i].min_positive() } else { f64::NEG_INFINITY };
        let (t, veto, _) = tune::best_pair(&tune::pool(&cols), &weights, max_veto);
        summary.push((positives[i], tune::f1_at(&dev[i], t, veto), tune::f1_at(&claudette[i], t, veto)));
        heads.push(super::format::StoredHead { threshold: t as f32, veto: veto as f32, ..head });
    }
    for (cat, low, high) in LEVEL_SPLITS {
        let i = UNFAIR_CATEGORIES.iter().position(|c| *c == cat).unwrap_or(0);
        let lv: Vec<(&Example, bool)> = rows
            .iter()
            .zip(xs.iter())
            .filter(|(r, _)| r.levels[i] >= low)
            .map(|(r, x)| (*x, r.levels[i] >= high))
            .collect();
        let lrefs: Vec<&Example> = lv.iter().map(|p| p.0).collect();
        let ys: Vec<bool> = lv.iter().map(|p| p.1).collect();
        let lin = train_svm(&lrefs, &ys, recipe.level_svm);
        heads.push(quantize(&format!("level:{cat}"), &lin, 0.0, recipe.min_q));
    }
    Trained {
        model: assemble(cfg, recipe.svm.extra_value as f32, heads),
        train_rows: rows.len(),
        claudette_rows: rows.iter().filter(|r| r.fold.is_some()).count(),
        excluded_docs,
        heads: summary,
        tuning_claudette: claudette[0].scores.len(),
    }
}

/// The rule-hit indicator buckets of `text` analysed by the rules alone:
/// per category, the worst risk a rule gave (as [`super::combine`] builds
/// them at inference).
pub fn rule_buckets(text: &str) -> Vec<u32> {
    let hits = crate::report::rule_hits_of(&crate::Document::from_text(text));
    let mut v = Vec::new();
    super::combine::rule_features(&hits, super::features::HASH_BITS, &mut v);
    v
}

/// Per category (index in [`crate::taxonomy::CATEGORIES`]) the worst risk
/// the rules alone give `text`.
pub fn rule_risks(text: &str) -> Vec<(usize, crate::Risk)> {
    let analysis = crate::report::analyze_with(&crate::Document::from_text(text), None);
    let mut worst: Vec<(usize, crate::Risk)> = Vec::new();
    for f in &analysis.findings {
        let Some(ci) = crate::taxonomy::CATEGORIES.iter().position(|k| k.id == f.category) else { continue };
        match worst.iter_mut().find(|(c, _)| *c == ci) {
            Some((_, r)) => *r = (*r).max(f.risk),
            None => worst.push((ci, f.risk)),
        }
    }
    worst
}

