//! `clausemark eval`: the metrics and the detokeniser (no corpus needed), the
//! ToS;DR case-map parser, and the dev evaluation itself when the corpus is
//! present at `../shared/corpus` (skipped with a message otherwise).

use std::path::PathBuf;

use clausemark::eval::metrics::{Counts, MultiLabel};
use clausemark::eval::ptb::detokenize;
use clausemark::eval::{self, CaseMap, Corpus, Split, UNFAIR_CATEGORIES};
use clausemark::Risk;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn counts_give_precision_recall_f1() {
    let c = Counts { tp: 3, fp: 1, fn_: 2 };
    assert!(close(c.precision(), 0.75));
    assert!(close(c.recall(), 0.6));
    assert!(close(c.f1(), 2.0 * 0.75 * 0.6 / 1.35));
    assert_eq!(c.support(), 5);
    // zero_division = 0, as scikit-learn / LexGLUE.
    let empty = Counts::default();
    assert_eq!((empty.precision(), empty.recall(), empty.f1()), (0.0, 0.0, 0.0));
}

#[test]
fn multilabel_macro_micro_and_lexglue_columns() {
    let mut m = MultiLabel::new(&["a", "b"]);
    m.add(&["a"], &["a"]); // a: tp
    m.add(&["a", "b"], &["a"]); // a: tp, b: fn
    m.add::<&str, &str>(&[], &["b"]); // b: fp, no-label: fn
    m.add::<&str, &str>(&[], &[]); // no-label: tp
    m.add(&["b"], &["b"]); // b: tp
    let per = m.per_category();
    assert_eq!(per[0].counts, Counts { tp: 2, fp: 0, fn_: 0 });
    assert_eq!(per[1].counts, Counts { tp: 1, fp: 1, fn_: 1 });
    assert!(close(per[0].f1, 1.0));
    assert!(close(per[1].f1, 0.5));
    assert!(close(m.macro_f1(), 0.75));
    // micro: tp 3, fp 1, fn 1.
    assert!(close(m.micro_f1(), 6.0 / 8.0));
    // no-label column from our predictions: tp 1 (row 4), fp 0, fn 1 (row 3) → F1 2/3.
    let lex = m.lexglue();
    assert!(close(lex.macro_f1, (1.0 + 0.5 + 2.0 / 3.0) / 3.0));
    assert!(close(lex.micro_f1, 8.0 / 11.0));
    // gold-copied column: always right, 2 unlabelled rows → tp 2.
    let gold = m.lexglue_gold_column();
    assert!(close(gold.macro_f1, (2.0 * 0.75 + 1.0) / 3.0));
    assert!(close(gold.micro_f1, 10.0 / 12.0));
}

#[test]
fn detokeniser_undoes_penn_treebank() {
    assert_eq!(
        detokenize("we 've recently updated our : ( 1 ) terms of service , and ( 2 ) privacy policy ( collectively , `` terms '' ) ."),
        "we've recently updated our: (1) terms of service, and (2) privacy policy (collectively, \"terms\")."
    );
    assert_eq!(detokenize("you do n't , we ca n't ; it 's the user 's"), "you don't, we can't; it's the user's");
    assert_eq!(detokenize("you ca n't and we wo n't"), "you can't and we won't");
    assert_eq!(detokenize("-lrb- a -rrb- $ 100"), "(a) $100");
    assert_eq!(detokenize("-lrb- i -rrb- fees of $ 50 or 10 % !"), "(i) fees of $50 or 10%!");
    // Untokenised text passes through; the function is idempotent.
    let plain = "We may change these terms (see below), at any time.";
    assert_eq!(detokenize(plain), plain);
    assert_eq!(detokenize(&detokenize("a `` b '' c")), "a \"b\" c");
}

#[test]
fn detokenised_text_reaches_the_rules() {
    // "binding arbitration" is found whether or not the text is tokenised;
    // the detokeniser must not break words apart.
    let t = detokenize("any dispute will be resolved by binding arbitration , and you do n't have to go to court .");
    assert!(t.contains("arbitration, and you don't"));
}

#[test]
fn case_map_parses_and_rejects_bad_lines() {
    let map = CaseMap::builtin().expect("eval/tosdr_case_map.toml must parse");
    assert!(map.entries.len() >= 50, "only {} mapped cases", map.entries.len());
    assert!(map.entries.iter().any(|e| e.category == "unilateral_change"));
    let ok = CaseMap::parse(
        "# c\n[[case]]\ncase = \"A \\\"quoted\\\" title\"\ncategory = \"jurisdiction|choice_of_law\"\nexpect = \"neutral|good\" # why\n",
        "t",
    )
    .unwrap();
    assert_eq!(ok.entries[0].case, "A \"quoted\" title");
    assert_eq!(ok.entries[0].expect, Some(vec![Risk::Neutral, Risk::Good]));
    for bad in [
        "[[case]]\ncase = \"x\"\ncategory = \"not_a_category\"\n",
        "[[case]]\ncase = \"x\"\n",
        "case = \"x\"\n",
        "[[case]]\ncase = x\ncategory = \"arbitration\"\n",
        "[[case]]\ncase = \"x\"\ncategory = \"arbitration\"\nexpect = \"awful\"\n",
        "[[case]]\ncase = \"x\"\ncategory = \"arbitration\"\n[[case]]\ncase = \"x\"\ncategory = \"arbitration\"\n",
    ] {
        let e = CaseMap::parse(bad, "bad.toml").expect_err(bad);
        assert!(e.to_string().starts_with("bad.toml: line "), "{e}");
    }
}

#[test]
fn missing_corpus_is_a_clear_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("no-such-corpus-dir");
    let e = eval::evaluate(&dir, Split::Dev, &CaseMap::default()).expect_err("must fail");
    let msg = e.to_string();
    assert!(msg.contains("no-such-corpus-dir") && msg.contains("corpus not found"), "{msg}");
}

fn corpus_dir() -> Option<PathBuf> {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if corpus.join("unfair-tos/dev.jsonl").is_file() {
        Some(corpus)
    } else {
        eprintln!("skipped: ../shared/corpus not found");
        None
    }
}

#[test]
fn dev_macro_f1_over_the_eight_categories() {
    let Some(dir) = corpus_dir() else { return };
    // Only UNFAIR-ToS here: the full three-benchmark run belongs to `clausemark eval`.
    let corpus = Corpus::open(&dir).expect("corpus opens");
    let u = eval::unfair::evaluate(&corpus, Split::Dev).expect("evaluation runs");
    assert_eq!(u.sentences, 2275);
    assert_eq!(u.categories.len(), UNFAIR_CATEGORIES.len());
    let table: Vec<String> = u.categories.iter().map(|c| format!("{} F1 {:.3}", c.category, c.f1)).collect();
    assert!(u.macro_f1 >= 0.70, "UNFAIR-ToS dev macro-F1 {:.3} < 0.70\n{}", u.macro_f1, table.join("\n"));
}

#[test]
fn every_mapped_tosdr_case_exists_in_the_corpus() {
    let Some(dir) = corpus_dir() else { return };
    let cases: Vec<serde_json::Value> =
        clausemark::eval::corpus::read_jsonl(&dir.join("tosdr/cases.jsonl")).expect("cases.jsonl reads");
    let titles: Vec<&str> = cases.iter().filter_map(|c| c["case"].as_str()).collect();
    let map = CaseMap::builtin().unwrap();
    let missing: Vec<&str> =
        map.entries.iter().map(|e| e.case.as_str()).filter(|c| !titles.contains(c)).collect();
    assert!(missing.is_empty(), "mapped cases absent from tosdr/cases.jsonl: {missing:?}");
}

#[test]
fn multilabel_keeps_documents_apart_for_the_interval() {
    let mut pooled = MultiLabel::new(&["a"]);
    let mut by_doc = MultiLabel::new(&["a"]);
    let rows: [(&str, &[&str], &[&str]); 3] = [("x", &["a"], &["a"]), ("y", &[], &["a"]), ("x", &[], &[])];
    for (doc, gold, predicted) in rows {
        pooled.add(gold, predicted);
        by_doc.add_in(doc, gold, predicted);
    }
    // The pooled scores do not depend on the documents.
    assert_eq!(pooled.per_category(), by_doc.per_category());
    assert!(pooled.interval().is_none(), "no documents given");
    let iv = by_doc.interval().expect("two documents");
    assert_eq!(iv.documents, 2);
    // x is a true positive, y a false positive: resampling {y,y} scores 0,
    // {x,x} 1 (a quarter of the draws each), so the interval spans both.
    assert_eq!((iv.micro_f1, iv.macro_f1), ((0.0, 1.0), (0.0, 1.0)), "{iv:?}");
}

#[test]
fn label_agreement_of_near_identical_sentences() {
    let Some(dir) = corpus_dir() else { return };
    let data = clausemark::model::recipe::Data::load(&Corpus::open(&dir).expect("corpus opens")).expect("data loads");
    let unfair: Vec<_> = data.unfair_train.iter().chain(&data.unfair_dev).cloned().collect();
    let all = eval::agreement::measure(&unfair, &data.claudette);
    assert_eq!(all.len(), 4 * eval::agreement::THRESHOLDS.len());
    // A lower threshold only adds pairs, comparison by comparison.
    for (hi, lo) in all.iter().zip(all.iter().skip(4)) {
        assert_eq!(hi.comparison, lo.comparison);
        assert!(hi.pairs <= lo.pairs && hi.counts.iter().zip(&lo.counts).all(|(a, b)| a.tp <= b.tp), "{hi:?}\n{lo:?}");
    }
    // The same companies' clauses, annotated twice, pair up by the
    // thousand, and their labels agree often but not always.
    let same = &all[0];
    assert!(same.comparison.ends_with("same company") && same.pairs > 1000, "{same:?}");
    let f1 = same.micro_f1().unwrap_or(0.0);
    assert!((0.5..0.99).contains(&f1), "pairwise F1 {f1:.3}");
}
