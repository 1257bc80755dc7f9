//! Cost of the learned model on a ~100 KB policy, native, opt-level 3.
//!
//! Input: `../shared/corpus/policies/latest/telegram__terms-of-service__*.md`
//! (107 KB of Markdown read as text), or, without the shared corpus, the
//! vendored fixture policies concatenated (numbers then not comparable).
//!
//! - `model/score_sentences`: featurisation + scoring of every sentence of
//!   the document by every head (the model's whole per-document work,
//!   without the rules' features);
//! - `model/analyze_rules_only` vs `model/analyze_combined`: the whole
//!   pipeline without and with the model; the difference is what the model
//!   adds to a page's analysis.
//!
//! Run with `cargo bench --bench model`.

use std::hint::black_box;
use std::path::Path;

use clausemark::model::features::Featurizer;
use clausemark::model::Model;
use clausemark::report::analyze_with;
use clausemark::segment::sentences;
use clausemark::Document;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn load() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("../shared/corpus/policies/latest");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut names: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        if let Some(p) = names.iter().find(|p| p.to_string_lossy().contains("telegram__terms-of-service")) {
            if let Ok(t) = std::fs::read_to_string(p) {
                return t;
            }
        }
    }
    eprintln!("../shared/corpus not found: benchmarking the vendored fixtures (not comparable)");
    let fixtures = root.join("tests/fixtures/corpus/policies/latest");
    let mut text = String::new();
    for e in std::fs::read_dir(fixtures).into_iter().flatten().flatten() {
        text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        text.push_str("\n\n");
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = load();
    let Some(model) = Model::global() else {
        eprintln!("the embedded model does not load; nothing to measure");
        return;
    };
    let doc = Document::from_text(&text);
    let sents = sentences(&text);
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("score_sentences", |b| {
        let mut f = Featurizer::new();
        let mut out = Vec::new();
        b.iter(|| {
            let mut acc = 0.0f32;
            for s in &sents {
                model.score(text[s.clone()].as_bytes(), &mut f, &mut out);
                acc += out[0];
            }
            black_box(acc)
        })
    });
    g.bench_function("analyze_rules_only", |b| b.iter(|| black_box(analyze_with(&doc, None).findings.len())));
    g.bench_function("analyze_combined", |b| b.iter(|| black_box(analyze_with(&doc, Some(model)).findings.len())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
