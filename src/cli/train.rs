//! `clausemark train`: retrains the model from the corpus and writes the
//! weights file (by default `src/model/weights.bin`, which the build
//! embeds). Deterministic: the same corpus gives the same bytes.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use crate::error::Error;
use crate::eval::{Corpus, UNFAIR_CATEGORIES};
use crate::model::recipe::{self, Data, Recipe};

/// Arguments of `clausemark train`.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The corpus directory (the one holding unfair-tos/ and claudette-2024-en/).
    #[arg(long, default_value = "../shared/corpus")]
    pub corpus: String,
    /// Where to write the weights file.
    #[arg(long, default_value = "src/model/weights.bin")]
    pub out: String,
    /// Write nothing; exit 1 if the result differs from the file at --out.
    #[arg(long)]
    pub check: bool,
    /// Experiment: SVM C of the category heads (the shipped value when absent).
    #[arg(long, hide = true)]
    pub c: Option<f64>,
    /// Experiment: positive-class weight of the category heads.
    #[arg(long, hide = true)]
    pub pos_weight: Option<f64>,
    /// Experiment: character n-gram length (0 = none, at most 8).
    #[arg(long, hide = true, value_parser = clap::value_parser!(u8).range(0..=8))]
    pub char_n: Option<u8>,
    /// Experiment: no word bigrams.
    #[arg(long, hide = true)]
    pub no_bigrams: bool,
    /// Experiment: UNFAIR-ToS train only.
    #[arg(long, hide = true)]
    pub no_claudette: bool,
    /// Experiment: no rule hits as features.
    #[arg(long, hide = true)]
    pub no_rule_features: bool,
    /// Experiment: drop quantised weights below this magnitude.
    #[arg(long, hide = true)]
    pub min_q: Option<i8>,
    /// Experiment: value of the rule features.
    #[arg(long, hide = true)]
    pub extra_value: Option<f64>,
    /// Experiment: repeats of the taxonomy examples.
    #[arg(long, hide = true)]
    pub example_repeat: Option<usize>,
    /// Experiment: solver passes.
    #[arg(long, hide = true)]
    pub epochs: Option<usize>,
    /// Experiment: tune the thresholds on UNFAIR-ToS dev alone.
    #[arg(long, hide = true)]
    pub dev_only_tuning: bool,
    /// Experiment: share of the tuning weight UNFAIR-ToS dev carries (0–1).
    #[arg(long, hide = true)]
    pub dev_share: Option<f64>,
}

impl TrainArgs {
    /// The recipe with the experiment overrides applied.
    pub fn recipe(&self) -> Recipe {
        let mut r = Recipe::DEFAULT;
        if let Some(c) = self.c {
            r.svm.c = c;
        }
        if let Some(w) = self.pos_weight {
            r.svm.pos_weight = w;
        }
        if let Some(n) = self.char_n {
            r.features.char_n = n;
        }
        if let Some(e) = self.epochs {
            r.svm.epochs = e;
        }
        if let Some(v) = self.extra_value {
            r.svm.extra_value = v;
            r.level_svm.extra_value = v;
        }
        if let Some(n) = self.example_repeat {
            r.example_repeat = n;
        }
        if let Some(q) = self.min_q {
            r.min_q = q;
        }
        if let Some(s) = self.dev_share {
            r.dev_share = s.clamp(0.0, 1.0);
        }
        r.tune_on_claudette &= !self.dev_only_tuning;
        r.features.bigrams &= !self.no_bigrams;
        r.with_claudette &= !self.no_claudette;
        r.rule_features &= !self.no_rule_features;
        r
    }
}

pub fn run(args: &TrainArgs) -> Result<i32, Error> {
    let started = Instant::now();
    let corpus = Corpus::open(Path::new(&args.corpus))?;
    let data = Data::load(&corpus)?;
    let recipe = args.recipe();
    let trained = recipe::train(&recipe::Prepared::new(&data, &recipe), &BTreeSet::new());
    let bytes = trained.model.encode();
    eprintln!(
        "trained on {} sentences: UNFAIR-ToS train {} + CLAUDETTE-2024 {} (documents left out: {}) + taxonomy examples {} x{}; UNFAIR-ToS dev: {} sentences",
        trained.train_rows,
        data.unfair_train.len(),
        trained.claudette_rows,
        if trained.excluded_docs.is_empty() { "none".into() } else { trained.excluded_docs.join(", ") },
        data.examples.len(),
        recipe.example_repeat,
        data.unfair_dev.len()
    );
    eprintln!(
        "thresholds tuned on UNFAIR-ToS dev{} (dev's positives weigh {:.0} %)",
        if trained.tuning_claudette > 0 { format!(" + out-of-fold scores of {} CLAUDETTE-2024 sentences", trained.tuning_claudette) } else { String::new() },
        100.0 * if trained.tuning_claudette > 0 { recipe.dev_share } else { 1.0 }
    );
    eprintln!("{:<30} {:>5} {:>8} {:>9} {:>7} {:>7} {:>7}", "head", "pos", "weights", "threshold", "veto", "dev F1", "oof F1");
    let (mut dev, mut oof) = (Vec::new(), Vec::new());
    for (i, h) in trained.model.heads.iter().enumerate() {
        let (pos, f1, f1_oof) = trained.heads.get(i).map_or((String::new(), String::new(), String::new()), |&(p, f, o)| {
            dev.push(f);
            oof.push(o);
            (p.to_string(), format!("{f:.3}"), format!("{o:.3}"))
        });
        eprintln!("{:<30} {:>5} {:>8} {:>9.3} {:>7.3} {:>7} {:>7}", h.name, pos, h.weights.len(), h.threshold, h.veto, f1, f1_oof);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / UNFAIR_CATEGORIES.len() as f64;
    eprintln!(
        "rules + heads on whole sentences: UNFAIR-ToS dev macro-F1 {:.3}, CLAUDETTE out-of-fold {:.3} (8 categories; in-sample: the thresholds were tuned there); {} bytes; {:.1} s",
        mean(&dev),
        mean(&oof),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    if args.check {
        let current = std::fs::read(&args.out).unwrap_or_default();
        if current == bytes {
            eprintln!("{}: up to date", args.out);
            return Ok(0);
        }
        eprintln!("{}: differs from a fresh training run (run `clausemark train`)", args.out);
        return Ok(1);
    }
    std::fs::write(&args.out, &bytes).map_err(|e| Error::Io { source: args.out.clone(), message: e.to_string() })?;
    eprintln!("wrote {}", args.out);
    Ok(0)
}

