//! The learned model: the embedded weights decode, retraining reproduces
//! them byte for byte, and the combination behaves as documented.
//!
//! The retraining test reads `../shared/corpus` and skips with a message
//! when it is absent.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use clausemark::eval::Corpus;
use clausemark::findings::{Risk, Source};
use clausemark::Document;
use clausemark::model::features::{FeatureConfig, Featurizer};
use clausemark::model::format::{StoredHead, StoredModel};
use clausemark::model::recipe::{self, Data, Prepared, Recipe};
use clausemark::model::{Model, WEIGHTS};

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.join("unfair-tos/train.jsonl").is_file() && dir.join("claudette-2024-en/sentences.jsonl").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus not found (the retraining check needs UNFAIR-ToS and CLAUDETTE-2024)");
        None
    }
}

#[test]
fn embedded_weights_decode_and_have_every_unfair_head() {
    let stored = StoredModel::decode(WEIGHTS).expect("src/model/weights.bin decodes");
    assert_eq!(stored.features, FeatureConfig::DEFAULT, "weights trained with other features than the code extracts");
    let model = Model::global().expect("the embedded model loads");
    for id in clausemark::eval::UNFAIR_CATEGORIES {
        assert!(model.head(id).is_some(), "no head for {id}");
        assert!(model.head(&format!("level:{id}")).is_some() || matches!(id, "unilateral_change" | "contract_by_using"));
    }
}

#[test]
fn retraining_reproduces_the_committed_weights() {
    let Some(dir) = corpus_dir() else { return };
    let started = Instant::now();
    let data = Data::load(&Corpus::open(&dir).expect("corpus opens")).expect("corpus reads");
    let trained = recipe::train(&Prepared::new(&data, &Recipe::DEFAULT), &BTreeSet::new());
    let bytes = trained.model.encode();
    eprintln!("retrained in {:.1} s", started.elapsed().as_secs_f64());
    if bytes != WEIGHTS {
        let old = StoredModel::decode(WEIGHTS).ok();
        let diff: Vec<String> = trained
            .model
            .heads
            .iter()
            .filter(|h| old.as_ref().is_none_or(|o| o.heads.iter().all(|g| g != *h)))
            .map(|h| h.name.clone())
            .collect();
        panic!(
            "src/model/weights.bin is not what `clausemark train` produces from this corpus and code \
             (heads that differ: {}). The heads read the rules' hits, so a rule change needs a retrain: \
             run `cargo run --release -- train` and commit src/model/weights.bin.",
            diff.join(", ")
        );
    }
}

/// A hand-made model with one `arbitration` head that fires on the word
/// "zebra" alone: bias -1, and every n-gram of "zebra" weighted 12.7.
fn zebra_model(veto: f32) -> Model {
    let mut f = Featurizer::new();
    let buckets = f.buckets(b"zebra", FeatureConfig::DEFAULT).to_vec();
    let head = StoredHead {
        name: "arbitration".into(),
        bias: -1.0,
        scale: 0.1,
        threshold: 0.5,
        veto,
        weights: buckets.iter().map(|&b| (b, 127)).collect(),
    };
    Model::from_stored(&StoredModel { features: FeatureConfig::DEFAULT, hash_bits: 18, extra_value: 1.0, heads: vec![head] })
}

fn arbitration(text: &str, model: Option<&Model>) -> Vec<(Risk, Source)> {
    clausemark::report::analyze_with(&Document::from_text(text), model)
        .findings
        .iter()
        .filter(|f| f.category == "arbitration")
        .map(|f| (f.risk, f.source))
        .collect()
}

#[test]
fn combination_keeps_vetoes_and_adds_as_documented() {
    let rule_clause = "Any dispute will be resolved by binding arbitration.";
    assert_eq!(arbitration(rule_clause, None), vec![(Risk::Caution, Source::Rule)], "the rules flag it");
    // Score -1 (no zebra): below a veto of -0.5 the rule hit is dropped...
    assert_eq!(arbitration(rule_clause, Some(&zebra_model(-0.5))), vec![]);
    // ...above a veto of -2 it stands, as the rule's (the score is below the threshold).
    assert_eq!(arbitration(rule_clause, Some(&zebra_model(-2.0))), vec![(Risk::Caution, Source::Rule)]);
    // Above the threshold with a rule hit: both agree.
    let both = "Any zebra dispute will be resolved by binding arbitration.";
    assert_eq!(arbitration(both, Some(&zebra_model(-0.5))), vec![(Risk::Caution, Source::Both)]);
    // No rule, score above the threshold: a model finding on the clause that scores highest.
    let text = "We feed the animals daily; the zebra sleeps standing.";
    let a = clausemark::report::analyze_with(&Document::from_text(text), Some(&zebra_model(-0.5)));
    let f = a.findings.iter().find(|f| f.category == "arbitration").unwrap_or_else(|| panic!("no model finding: {a:#?}"));
    assert_eq!((f.risk, f.source), (Risk::Caution, Source::Model));
    assert_eq!(f.text, "the zebra sleeps standing.");
    assert!(f.confidence > 0.5);
    // Without the head's word nothing is added.
    assert_eq!(arbitration("We feed the animals daily.", Some(&zebra_model(-0.5))), vec![]);
}

#[test]
fn shipped_pipeline_marks_agreement_between_rules_and_model() {
    let a = clausemark::analyze_text("We may terminate your account at any time, for any reason, without notice.");
    let f = a.findings.iter().find(|f| f.category == "unilateral_termination").expect("flagged");
    assert!(f.risk.is_flag());
    assert_eq!(f.source, Source::Both, "{f:?}");
    assert!(f.confidence > 0.5);
}

/// A list item is read with its lead-in: alone, "interruptions of the
/// service." is nothing; after "… we shall not be liable to you for:" it
/// limits liability, and ends the list (it ends with a full stop), so the
/// sentence after it is read alone again.
#[test]
fn list_items_take_their_lead_in_s_category() {
    let lol = |blocks: &[&str]| -> Vec<usize> {
        let a = clausemark::report::analyze(&Document::from_blocks(blocks));
        let mut b: Vec<usize> = a.findings.iter().filter(|f| f.category == "limitation_of_liability" && f.risk.is_flag()).map(|f| f.span.block).collect();
        b.dedup();
        b
    };
    let item = "interruptions of the service.";
    assert_eq!(lol(&[item]), Vec::<usize>::new(), "alone, the item is not flagged");
    let lead = "To the fullest extent permitted by law, we shall not be liable to you for:";
    assert_eq!(lol(&[lead]), vec![0], "the lead-in is");
    assert_eq!(lol(&[lead, "(a) any indirect damages;", item, "You keep the photos you upload."]), vec![0, 1, 2]);
    assert_eq!(lol(&["We like photos.", item]), Vec::<usize>::new(), "no lead-in, no context");
}

#[test]
fn scores_do_not_depend_on_case_or_digits_and_empty_text_scores_the_bias() {
    let model = Model::global().expect("model loads");
    let mut f = Featurizer::new();
    let (mut a, mut b, mut e) = (Vec::new(), Vec::new(), Vec::new());
    model.score(b"We may CHANGE these Terms within 30 days.", &mut f, &mut a);
    model.score(b"we may change these terms within 14 days", &mut f, &mut b);
    assert_eq!(a, b);
    assert_eq!(model.score(b"", &mut f, &mut e), 0);
    for (s, h) in e.iter().zip(model.heads()) {
        assert_eq!(*s, h.bias);
    }
}
