//! What each head is trained on (native only): the corpus files, the
//! labels, the exclusions that keep the evaluation honest, and the
//! thresholds tuned on UNFAIR-ToS dev.
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
//! Per category head, two thresholds are tuned on UNFAIR-ToS dev
//! ([`super::train::best_pair`]): one for sentences no rule flags (the model
//! adding recall) and a lower "veto" one for sentences a rule flags (the
//! model overruling the rule). Categories with fewer than
//! [`MIN_VETO_SUPPORT`] dev positives get no veto: a couple of dev
//! sentences cannot justify overruling the rules.
//!
//! Fairness-level heads (`level:<id>`): the CLAUDETTE sentences tagged with
//! the category, label = tagged at the category's higher level (see
//! [`LEVEL_SPLITS`]); threshold 0, the SVM's own boundary (no dev data has
//! levels).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::features::{FeatureConfig, Featurizer};
use super::format::StoredModel;
use super::train::{assemble, best_pair, best_threshold, quantize, train_svm, Example, SvmParams};
use crate::error::Error;
use crate::eval::corpus::Corpus;
use crate::eval::{ptb, UNFAIR_CATEGORIES};

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

/// One labelled sentence of either corpus.
#[derive(Debug, Clone)]
pub struct Row {
    /// Company / document name as the corpus spells it.
    pub doc: String,
    /// The sentence in ordinary text (UNFAIR-ToS detokenised).
    pub text: String,
    /// Bit i set = `UNFAIR_CATEGORIES[i]` is a (potentially unfair) label.
    pub labels: u8,
    /// CLAUDETTE level per category (0 = untagged); all 0 for UNFAIR-ToS.
    pub levels: [u8; 8],
    /// CLAUDETTE 5-fold CV fold of the document; `None` for UNFAIR-ToS.
    pub fold: Option<u8>,
}

impl Row {
    /// Whether category `i` is a label.
    pub fn has(&self, i: usize) -> bool {
        self.labels >> i & 1 == 1
    }
}

#[derive(Deserialize)]
struct UnfairLine {
    #[serde(default)]
    company: String,
    text: String,
    #[serde(default)]
    labels: Vec<String>,
}

#[derive(Deserialize)]
struct ClaudetteLine {
    doc: String,
    text: String,
    #[serde(default)]
    unfair_labels: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    test_fold: Option<u8>,
}

fn mask(labels: &[String]) -> u8 {
    UNFAIR_CATEGORIES.iter().enumerate().filter(|(_, c)| labels.iter().any(|l| l == *c)).fold(0, |m, (i, _)| m | 1 << i)
}

/// The training and tuning data, loaded once.
#[derive(Debug, Clone)]
pub struct Data {
    /// UNFAIR-ToS train.
    pub unfair_train: Vec<Row>,
    /// UNFAIR-ToS dev (threshold tuning and the reported scores).
    pub unfair_dev: Vec<Row>,
    /// Every visible CLAUDETTE-2024 sentence.
    pub claudette: Vec<Row>,
    /// The taxonomy's own example sentences of the eight categories
    /// (written for this project): label = a must-flag example at
    /// `caution`/`bad`; a must-not-flag example is a negative.
    pub examples: Vec<Row>,
}

/// The taxonomy examples of the eight categories as rows; a sentence used
/// by several categories becomes one row with all its labels.
pub fn taxonomy_examples() -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for ex in crate::taxonomy::EXAMPLES {
        let id = crate::taxonomy::CATEGORIES[ex.category].id;
        let Some(i) = UNFAIR_CATEGORIES.iter().position(|c| *c == id) else { continue };
        let bit = if ex.risk.is_some_and(|r| r.is_flag()) { 1u8 << i } else { 0 };
        match rows.iter_mut().find(|r| r.text == ex.text) {
            Some(r) => r.labels |= bit,
            None => rows.push(Row { doc: "taxonomy".into(), text: ex.text.to_string(), labels: bit, levels: [0; 8], fold: None }),
        }
    }
    rows
}

/// Lower-cased company name, for matching UNFAIR-ToS companies with
/// CLAUDETTE documents ("TripAdvisor" = "Tripadvisor").
pub fn company_key(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

impl Data {
    /// Reads `unfair-tos/{train,dev}.jsonl` and `claudette-2024-en/sentences.jsonl`.
    pub fn load(corpus: &Corpus) -> Result<Data, Error> {
        let unfair = |split: &str| -> Result<Vec<Row>, Error> {
            let lines: Vec<UnfairLine> = corpus.read_jsonl(&format!("unfair-tos/{split}.jsonl"))?;
            Ok(lines
                .into_iter()
                .map(|l| Row { doc: l.company, text: ptb::detokenize(&l.text), labels: mask(&l.labels), levels: [0; 8], fold: None })
                .collect())
        };
        let lines: Vec<ClaudetteLine> = corpus.read_jsonl("claudette-2024-en/sentences.jsonl")?;
        let claudette = lines
            .into_iter()
            .map(|l| {
                let mut levels = [0u8; 8];
                for (cat, level) in l.tags.iter().filter_map(|t| crate::eval::claudette::parse_tag(t)) {
                    if let Some(i) = UNFAIR_CATEGORIES.iter().position(|c| *c == cat) {
                        levels[i] = levels[i].max(level);
                    }
                }
                Row { doc: l.doc, text: l.text, labels: mask(&l.unfair_labels), levels, fold: l.test_fold }
            })
            .collect();
        Ok(Data { unfair_train: unfair("train")?, unfair_dev: unfair("dev")?, claudette, examples: taxonomy_examples() })
    }

    /// Company keys of UNFAIR-ToS dev.
    pub fn dev_companies(&self) -> BTreeSet<String> {
        self.unfair_dev.iter().map(|r| company_key(&r.doc)).collect()
    }
}

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
    };
}

/// Dev positives a category needs before its head may veto rule hits: with
/// fewer, the one or two vetoes that would "help" on dev are noise (the
/// UNFAIR-ToS labels are themselves inconsistent on such sentences).
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
    /// Per category head: (positives in training, model-only dev F1 at the tuned threshold).
    pub heads: Vec<(usize, f64)>,
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
    /// Per dev sentence, the category indices (in `CATEGORIES`) the rules flag.
    dev_rule_flags: Vec<Vec<usize>>,
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
        let dev_rule_flags = data
            .unfair_dev
            .iter()
            .map(|r| rule_risks(&r.text).into_iter().filter(|(_, k)| k.is_flag()).map(|(c, _)| c).collect())
            .collect();
        Prepared { data, recipe: *recipe, train, claudette, examples, dev, dev_rule_flags }
    }
}

/// Trains every head. `held_out` names CLAUDETTE documents (and, by
/// company, UNFAIR-ToS train companies) to leave out, for cross-validation;
/// dev companies are always left out of the CLAUDETTE part.
pub fn train(prep: &Prepared, held_out: &BTreeSet<String>) -> Trained {
    let (data, recipe) = (prep.data, &prep.recipe);
    let cfg = recipe.features;
    let dev_companies = data.dev_companies();
    let keep_claudette = |r: &Row| {
        let k = company_key(&r.doc);
        recipe.with_claudette && !dev_companies.contains(&k) && !held_out.contains(&k)
    };
    let pairs: Vec<(&Row, &Example)> = data
        .unfair_train
        .iter()
        .zip(&prep.train)
        .filter(|(r, _)| !held_out.contains(&company_key(&r.doc)))
        .chain(data.claudette.iter().zip(&prep.claudette).filter(|(r, _)| keep_claudette(r)))
        .chain((0..recipe.example_repeat).flat_map(|_| data.examples.iter().zip(&prep.examples)))
        .collect();
    let rows: Vec<&Row> = pairs.iter().map(|p| p.0).collect();
    let refs: Vec<&Example> = pairs.iter().map(|p| p.1).collect();
    let xs = &refs;
    let excluded_docs: Vec<String> = data
        .claudette
        .iter()
        .filter(|r| !keep_claudette(r))
        .map(|r| r.doc.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let dev = &prep.dev;
    let dev_rule_flags = &prep.dev_rule_flags;

    let mut heads = Vec::new();
    let mut summary = Vec::new();
    for (i, cat) in UNFAIR_CATEGORIES.iter().enumerate() {
        let ys: Vec<bool> = rows.iter().map(|r| r.has(i)).collect();
        let lin = train_svm(&refs, &ys, recipe.svm);
        let head = quantize(cat, &lin, 0.0, recipe.min_q);
        // Tune on the quantised head: that is what ships.
        let q = super::Model::from_stored(&assemble(cfg, recipe.svm.extra_value as f32, vec![head.clone()]));
        let mut out = Vec::new();
        let scores: Vec<f64> = dev
            .iter()
            .map(|x| {
                q.score_with_extra(&x.buckets, &x.extra, &mut out);
                f64::from(out[0])
            })
            .collect();
        let gold: Vec<bool> = data.unfair_dev.iter().map(|r| r.has(i)).collect();
        let (t, f1) = best_threshold(&scores, &gold);
        let ci = crate::taxonomy::CATEGORIES.iter().position(|k| k.id == *cat).unwrap_or(usize::MAX);
        let ruled: Vec<bool> = dev_rule_flags.iter().map(|fl| fl.contains(&ci)).collect();
        let support = gold.iter().filter(|&&g| g).count();
        let (t, veto, f1) = if !recipe.rule_features {
            (t, t, f1)
        } else if support >= MIN_VETO_SUPPORT {
            best_pair(&scores, &ruled, &gold)
        } else {
            // Too few dev positives to overrule the rules: the head only adds recall.
            let forced: Vec<f64> = scores.iter().zip(&ruled).map(|(&x, &r)| if r { f64::INFINITY } else { x }).collect();
            let (t, f1) = best_threshold(&forced, &gold);
            (t, f64::NEG_INFINITY, f1)
        };
        summary.push((ys.iter().filter(|&&y| y).count(), f1));
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

