//! Native throughput of the analysis, in bytes of policy text per second.
//!
//! Input: the 48 latest policies of the evaluation corpus
//! (`../shared/corpus/policies/latest/*.md`, 2.47 MB of text), concatenated in file
//! name order with blank lines between them. A fresh clone without the shared
//! corpus falls back to the two vendored fixture policies
//! (`tests/fixtures/corpus/policies/latest`) and says so; numbers from the
//! fallback are not comparable.
//!
//! What is measured:
//! - `analyze_text/{1x,2x,4x}`: the whole pipeline (`clausemark::analyze_text`)
//!   on the corpus repeated 1, 2 and 4 times. Throughput that stays flat across
//!   the three sizes is the evidence that the cost is linear in the input.
//! - `stage/*` on the 1× corpus: each stage alone (lower-casing, segmentation,
//!   trigger prefilter + rules, UTF-16 anchoring), to see which one dominates.
//! - with `CLAUSEMARK_BENCH_CATEGORIES=1`: before the benches, a table of the
//!   time each category's rules take on the 1× corpus alone (one classifier
//!   per category, regexes compiled by a first pass), slowest first, to find
//!   the rule that dominates the `classify` stage.
//!
//! Run with `cargo bench --bench throughput` (the `bench` profile, opt-level 3).
//! Whole-pipeline iterations on megabytes take from tenths of a second to
//! seconds, so that group uses flat sampling with few samples.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clausemark::anchors::Utf16Map;
use clausemark::findings::classifier::Classifier;
use clausemark::segment::segment;
use clausemark::taxonomy::CATEGORIES;
use clausemark::Document;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};

/// The benchmark corpus: the shared policies, or the vendored fixtures.
fn load_corpus() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/corpus/policies/latest");
    let fixtures = root.join("tests/fixtures/corpus/policies/latest");
    let (dir, note) = if shared.is_dir() {
        (shared, "shared corpus")
    } else {
        eprintln!(
            "note: {} is absent; benchmarking the 2 vendored fixture policies instead \
             (numbers are not comparable with the 48-policy corpus)",
            shared.display()
        );
        (fixtures, "vendored fixtures")
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display())))
        .collect();
    let corpus = texts.join("\n\n");
    eprintln!("corpus: {} files, {} bytes ({note}: {})", files.len(), corpus.len(), dir.display());
    corpus
}

/// `text` repeated `n` times, separated by blank lines.
fn repeated(text: &str, n: usize) -> String {
    vec![text; n].join("\n\n")
}

fn whole_pipeline(c: &mut Criterion) {
    let corpus = load_corpus();
    let mut group = c.benchmark_group("analyze_text");
    // Each iteration takes tens to hundreds of milliseconds: flat sampling
    // (one iteration count for every sample) keeps the run short.
    group.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_secs(1));
    for n in [1usize, 2, 4] {
        let input = repeated(&corpus, n);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x")), &input, |b, input| {
            b.iter(|| black_box(clausemark::analyze_text(black_box(input))))
        });
    }
    group.finish();
}

/// Prints, slowest first, how long each category's rules take over the
/// corpus on their own, with how many clauses its triggers let through (each
/// of those runs the category's regexes) and how many it flags.
fn category_costs(corpus: &str) {
    let doc = Document::from_text(corpus);
    let lower = doc.text().to_ascii_lowercase();
    let segments = segment(&doc);
    let mut rows = Vec::new();
    for i in 0..CATEGORIES.len() {
        let cat = &CATEGORIES[i];
        let one = Classifier::new(&CATEGORIES[i..=i]);
        black_box(one.classify(lower.as_bytes(), &segments)); // compiles the regexes
        let t = Instant::now();
        let hits = black_box(one.classify(lower.as_bytes(), &segments)).len();
        let took = t.elapsed();
        let tried = segments
            .iter()
            .filter(|s| {
                let clause = &lower[s.start..s.end];
                cat.triggers.iter().any(|t| clause.contains(t))
            })
            .count();
        rows.push((took, cat.id, cat.rules.len(), tried, hits));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let total: Duration = rows.iter().map(|r| r.0).sum();
    eprintln!("per-category classify cost on {} bytes, {} clauses (total {:.0} ms):", corpus.len(), segments.len(), total.as_secs_f64() * 1e3);
    eprintln!("{:<26} {:>9} {:>6} {:>6} {:>8} {:>6}", "category", "ms", "share", "rules", "tried", "hits");
    for (took, id, rules, tried, hits) in rows {
        eprintln!(
            "{id:<26} {:>9.1} {:>5.1}% {rules:>6} {tried:>8} {hits:>6}",
            took.as_secs_f64() * 1e3,
            100.0 * took.as_secs_f64() / total.as_secs_f64().max(1e-9)
        );
    }
}

fn stages(c: &mut Criterion) {
    let corpus = load_corpus();
    if std::env::var_os("CLAUSEMARK_BENCH_CATEGORIES").is_some() {
        category_costs(&corpus);
    }
    let doc = Document::from_text(&corpus);
    let lower = doc.text().to_ascii_lowercase();
    let segments = segment(&doc);
    let classifier = Classifier::global();
    let hits = classifier.classify(lower.as_bytes(), &segments);
    eprintln!("1x corpus: {} segments, {} rule hits", segments.len(), hits.len());

    let mut group = c.benchmark_group("stage");
    group.sampling_mode(SamplingMode::Flat).sample_size(20).warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.bench_function("lowercase", |b| b.iter(|| black_box(black_box(doc.text()).to_ascii_lowercase())));
    group.bench_function("segment", |b| b.iter(|| black_box(segment(black_box(&doc)))));
    group.bench_function("classify", |b| {
        b.iter(|| black_box(classifier.classify(black_box(lower.as_bytes()), black_box(&segments))))
    });
    group.bench_function("utf16_anchors", |b| {
        b.iter(|| {
            let offsets = hits.iter().flat_map(|h| {
                let s = &segments[h.segment];
                [s.start, s.end]
            });
            black_box(Utf16Map::new(black_box(doc.text()), offsets))
        })
    });
    group.finish();
}

criterion_group!(benches, whole_pipeline, stages);
criterion_main!(benches);
