//! The embedded prevalence table (`src/prevalence.tsv`) is exactly what
//! `clausemark prevalence` produces today over `../shared/corpus/policies/latest`
//! (skipped with a message when the corpus is absent). It goes stale whenever
//! the classifier, the taxonomy or the model changes; the failure names the
//! one command that regenerates it.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_clausemark");
const REGENERATE: &str = "cargo run -- prevalence ../shared/corpus/policies/latest --out src/prevalence.tsv";

#[test]
fn committed_table_matches_the_classifier_today() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/policies/latest");
    if !dir.is_dir() {
        eprintln!("skipped: {} not found (the corpus is not part of the repository)", dir.display());
        return;
    }
    let out = Command::new(BIN).arg("prevalence").arg(&dir).output().expect("run clausemark prevalence");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let fresh = String::from_utf8(out.stdout).expect("UTF-8 table");
    let committed = clausemark::prevalence::TABLE_TSV;
    if fresh != committed {
        let first = fresh
            .lines()
            .zip(committed.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("\n  committed: {b}\n  today:     {a}"))
            .unwrap_or_else(|| "\n  (the tables differ in length)".into());
        panic!("src/prevalence.tsv is stale (the classifier changed since it was made). Regenerate it from /work/main with:\n  {REGENERATE}\nFirst difference:{first}");
    }
    let rows = clausemark::prevalence::parse(&fresh).expect("the table parses");
    assert!(rows.iter().any(|r| r.category == "ai_training" && r.containing > 0), "the corpus has AI-training clauses");
}
