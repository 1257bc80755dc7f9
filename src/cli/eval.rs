//! `clausemark eval`: scores the classifier on the evaluation corpus and
//! prints three tables (UNFAIR-ToS, CLAUDETTE-2024, ToS;DR) or, with
//! `--json`, one JSON object holding every number (see [`crate::eval`]).

use std::path::Path;

use crate::error::Error;
use crate::eval::bootstrap::{self, Paired};
use crate::eval::metrics::{CategoryScore, DocumentCounts};
use crate::eval::{self, CaseMap, EvalReport, LabelReport, Split};

/// Arguments of `clausemark eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The corpus directory (the one holding unfair-tos/, claudette-2024-en/, tosdr/).
    #[arg(long, default_value = "../shared/corpus")]
    pub corpus: String,
    /// Print one JSON object with every number instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// The UNFAIR-ToS split to score (the test split is sealed).
    #[arg(long, value_enum, default_value = "dev")]
    pub split: Split,
    /// Skip the CLAUDETTE-2024 cross-validation (which retrains the model once per fold).
    #[arg(long)]
    pub no_cv: bool,
    /// A ToS;DR case map to use instead of the built-in eval/tosdr_case_map.toml.
    #[arg(long)]
    pub case_map: Option<String>,
    /// Also write every false positive and false negative of the combined
    /// pipeline to this file, one tab-separated line each: benchmark,
    /// FP/FN, category, document, sentence (for error analysis).
    #[arg(long, value_name = "FILE")]
    pub errors: Option<String>,
    /// Compare with an earlier run: FILE is what `eval --json` printed then
    /// (same corpus and split). Prints the change of macro- and micro-F1 on
    /// UNFAIR-ToS and CLAUDETTE-2024 with a 95 % interval from a paired
    /// bootstrap over the same documents: a change whose interval holds 0
    /// is within what other documents could undo.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// Instead of scoring the classifier, measure how consistently the
    /// corpora label near-identical sentences (the same clause in
    /// UNFAIR-ToS and CLAUDETTE-2024, shared templates across companies):
    /// the ceiling a classifier reading only the sentence meets.
    #[arg(long, conflicts_with_all = ["baseline", "errors", "no_cv", "case_map"])]
    pub agreement: bool,
}

pub fn run(args: &EvalArgs) -> Result<i32, Error> {
    if args.agreement {
        return agreement(args);
    }
    let map = match &args.case_map {
        None => CaseMap::builtin()?,
        Some(path) => CaseMap::parse(&super::read_input(path)?, path)?,
    };
    // Read the baseline first: a bad file should not cost a whole evaluation.
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::parse(&super::read_input(path)?, path)?),
        None => None,
    };
    let report = eval::evaluate_full(Path::new(&args.corpus), args.split, &map, !args.no_cv)?;
    let against = baseline.map(|b| b.compare(&report)).transpose()?;
    if let Some(path) = &args.errors {
        std::fs::write(path, errors_tsv(&report)).map_err(|e| Error::Io { source: path.clone(), message: e.to_string() })?;
    }
    let to_stdout = |e: serde_json::Error| Error::Io { source: "<stdout>".into(), message: e.to_string() };
    if args.json {
        let mut value = serde_json::to_value(&report).map_err(to_stdout)?;
        if let (Some(against), Some(map)) = (&against, value.as_object_mut()) {
            map.insert("against_baseline".into(), serde_json::to_value(against).map_err(to_stdout)?);
        }
        let s = serde_json::to_string_pretty(&value).map_err(to_stdout)?;
        println!("{s}");
    } else {
        print!("{}", render(&report));
        if let (Some(against), Some(path)) = (&against, &args.baseline) {
            print!("{}", render_against(path, against));
        }
    }
    Ok(0)
}

/// `eval --agreement`: the label agreement of near-identical sentences.
fn agreement(args: &EvalArgs) -> Result<i32, Error> {
    let data = crate::model::recipe::Data::load(&eval::Corpus::open(Path::new(&args.corpus))?)?;
    let (train, dev) = (data.unfair_train.len(), data.unfair_dev.len());
    let unfair: Vec<_> = data.unfair_train.into_iter().chain(data.unfair_dev).collect();
    let all = eval::agreement::measure(&unfair, &data.claudette);
    if args.json {
        let s = serde_json::to_string_pretty(&all).map_err(|e| Error::Io { source: "<stdout>".into(), message: e.to_string() })?;
        println!("{s}");
        return Ok(0);
    }
    println!(
        "== Label agreement of near-identical sentences (character 4-gram TF-IDF cosine >= t; sentences of >= {} bytes; UNFAIR-ToS = train + dev, {} + {} sentences; CLAUDETTE-2024 = {} visible sentences)",
        eval::agreement::MIN_BYTES,
        train,
        dev,
        data.claudette.len()
    );
    println!("pairwise F1 = 2*both / (2*both + one side only): how often the two annotations of near-identical wording carry the same labels");
    println!("{:<48} {:>5} {:>7} {:>6} {:>6} {:>6} {:>6}", "comparison", "cos", "pairs", "both", "first", "second", "F1");
    for a in &all {
        let all = eval::metrics::pooled(&a.counts);
        let f1 = a.micro_f1().map_or("-".into(), |f| format!("{f:.3}"));
        println!("{:<48} {:>5.2} {:>7} {:>6} {:>6} {:>6} {:>6}", a.comparison, a.min_cos, a.pairs, all.tp, all.fn_, all.fp, f1);
    }
    for a in all.iter().filter(|a| a.min_cos == eval::agreement::THRESHOLDS[1] && a.comparison.ends_with("same company")) {
        println!("\nPer category, {} at cosine >= {:.1} (first = UNFAIR-ToS only, second = CLAUDETTE-2024 only):", a.comparison, a.min_cos);
        for (i, c) in eval::UNFAIR_CATEGORIES.iter().enumerate() {
            let f1 = a.f1(i).map_or("-".into(), |f| format!("{f:.2}"));
            let n = a.counts[i];
            println!("{:<28} both {:>4}  first {:>4}  second {:>4}  F1 {f1}", c, n.tp, n.fn_, n.fp);
        }
    }
    Ok(0)
}

/// The per-document counts of an earlier `eval --json`.
struct Baseline {
    source: String,
    split: String,
    unfair: Vec<DocumentCounts>,
    /// Cross-validated when that run did it, in-sample otherwise (with the flag).
    claudette: Option<(bool, Vec<DocumentCounts>)>,
}

/// One benchmark's change against the baseline.
#[derive(serde::Serialize)]
struct Against {
    benchmark: String,
    #[serde(flatten)]
    change: Paired,
}

impl Baseline {
    fn parse(text: &str, source: &str) -> Result<Baseline, Error> {
        let bad = |message: String| Error::BadRequest { line: None, message: format!("{source}: {message}") };
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not the JSON of `clausemark eval --json` ({e})")))?;
        let docs = |v: &serde_json::Value| -> Result<Vec<DocumentCounts>, Error> {
            serde_json::from_value(v.get("documents").cloned().unwrap_or_default())
                .map_err(|e| bad(format!("no per-document counts ({e}); re-run `eval --json` with this version")))
        };
        let unfair = docs(v.get("unfair_tos").ok_or_else(|| bad("no \"unfair_tos\" report".into()))?)?;
        let claudette = v.get("claudette").and_then(|c| match c.get("cross_validated") {
            Some(cv) if !cv.is_null() => Some((true, cv)),
            _ => c.get("shipped_in_sample").map(|s| (false, s)),
        });
        let claudette = claudette.map(|(cv, r)| docs(r).map(|d| (cv, d))).transpose()?;
        let split = v.get("split").and_then(|s| s.as_str()).unwrap_or_default().to_string();
        Ok(Baseline { source: source.to_string(), split, unfair, claudette })
    }

    /// The paired changes from this baseline to `now`; an error when the
    /// two runs did not score the same documents.
    fn compare(&self, now: &EvalReport) -> Result<Vec<Against>, Error> {
        let mismatch = |what: &str| Error::BadRequest {
            line: None,
            message: format!("{}: the baseline did not score the same {what} as this run", self.source),
        };
        if self.split != now.split.as_str() {
            return Err(mismatch("UNFAIR-ToS split"));
        }
        let pair = |name: String, before: &[DocumentCounts], after: &[DocumentCounts]| -> Result<Against, Error> {
            let same = before.len() == after.len() && before.iter().zip(after).all(|(a, b)| a.doc == b.doc);
            let counts = |d: &[DocumentCounts]| d.iter().map(|x| x.counts.clone()).collect::<Vec<_>>();
            let change = same.then(|| bootstrap::paired(&counts(before), &counts(after))).flatten();
            Ok(Against { benchmark: name, change: change.ok_or_else(|| mismatch("documents"))? })
        };
        let mut out = vec![pair(format!("UNFAIR-ToS {}", now.split.as_str()), &self.unfair, &now.unfair_tos.documents)?];
        let now_claudette = now.claudette.combined();
        if let Some((cv, before)) = &self.claudette {
            if *cv == now_claudette.0 {
                let name = if *cv { "CLAUDETTE-2024 cross-validated" } else { "CLAUDETTE-2024 in-sample" };
                out.push(pair(name.into(), before, &now_claudette.1.documents)?);
            }
        }
        Ok(out)
    }
}

/// The comparison as text.
fn render_against(path: &str, against: &[Against]) -> String {
    let mut out = format!(
        "\n== Against {path} (this run minus that one; 95% interval: paired bootstrap over the same documents, {} draws)\n",
        bootstrap::RESAMPLES
    );
    out.push_str(&format!("{:<32} {:>6} {:>22} {:>8} {:>22}\n", "benchmark", "macro", "interval", "micro", "interval"));
    for a in against {
        let c = &a.change;
        out.push_str(&format!(
            "{:<32} {:>+6.3} {:>22} {:>+8.3} {:>22}\n",
            a.benchmark,
            c.macro_delta,
            format!("{:+.3} .. {:+.3}", c.macro_interval.0, c.macro_interval.1),
            c.micro_delta,
            format!("{:+.3} .. {:+.3}", c.micro_interval.0, c.micro_interval.1)
        ));
    }
    out
}

/// The `--errors` file: UNFAIR-ToS (`unfair-tos-<split>`) then CLAUDETTE
/// (`claudette-cv`, or `claudette-in-sample` without the cross-validation).
/// Tabs and line breaks inside a sentence become spaces.
fn errors_tsv(r: &EvalReport) -> String {
    let unfair = format!("unfair-tos-{}", r.split.as_str());
    let claudette = match r.claudette.combined() {
        (true, cv) => ("claudette-cv", cv),
        (false, in_sample) => ("claudette-in-sample", in_sample),
    };
    let mut out = String::from("benchmark\terror\tcategory\tdocument\tsentence\n");
    for (name, report) in [(unfair.as_str(), &r.unfair_tos), claudette] {
        for e in &report.errors {
            let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            let kind = if e.false_positive { "FP" } else { "FN" };
            out.push_str(&format!("{name}\t{kind}\t{}\t{}\t{}\n", e.category, clean(&e.doc), clean(&e.text)));
        }
    }
    out
}

fn label_table(out: &mut String, r: &LabelReport) {
    out.push_str(&format!(
        "{:<26} {:>6} {:>6} {:>6} {:>7}   {:>4} {:>4} {:>4}\n",
        "category", "P", "R", "F1", "support", "tp", "fp", "fn"
    ));
    for c in &r.categories {
        out.push_str(&score_line(c));
    }
    out.push_str(&format!(
        "{:<26} macro-F1 {:.3}   micro-F1 {:.3}   (8 categories)\n",
        "", r.macro_f1, r.micro_f1
    ));
    if let Some(iv) = &r.interval {
        out.push_str(&format!(
            "{:<26} 95% interval, {} documents resampled {}x: macro-F1 {:.3}-{:.3}   micro-F1 {:.3}-{:.3}\n",
            "",
            iv.documents,
            eval::bootstrap::RESAMPLES,
            iv.macro_f1.0,
            iv.macro_f1.1,
            iv.micro_f1.0,
            iv.micro_f1.1
        ));
    }
    out.push_str(&format!(
        "LexGLUE-comparable (9 columns, + \"no label\"): macro-F1 {:.3}  micro-F1 {:.3}   [no-label column from our predictions, as lex-glue's script]\n",
        r.lexglue.macro_f1, r.lexglue.micro_f1
    ));
    out.push_str(&format!(
        "                                              macro-F1 {:.3}  micro-F1 {:.3}   [no-label column copied from gold, always right: (8*macro+1)/9]\n",
        r.lexglue_gold_column.macro_f1, r.lexglue_gold_column.micro_f1
    ));
}

/// Per category P/R/F1 of several predictors side by side.
fn compare_table(out: &mut String, cols: &[(&str, &LabelReport)]) {
    out.push_str(&format!("{:<26}", "category"));
    for (name, _) in cols {
        out.push_str(&format!(" {:>20}", format!("{name} P/R/F1")));
    }
    out.push('\n');
    let Some((_, first)) = cols.first() else { return };
    for (i, c) in first.categories.iter().enumerate() {
        out.push_str(&format!("{:<26}", c.category));
        for (_, r) in cols {
            let k = &r.categories[i];
            out.push_str(&format!(" {:>20}", format!("{:.2}/{:.2}/{:.3}", k.precision, k.recall, k.f1)));
        }
        out.push('\n');
    }
    for (label, get) in [("macro-F1", 0), ("micro-F1", 1)] {
        out.push_str(&format!("{label:<26}"));
        for (_, r) in cols {
            out.push_str(&format!(" {:>20.3}", if get == 0 { r.macro_f1 } else { r.micro_f1 }));
        }
        out.push('\n');
    }
}

fn score_line(c: &CategoryScore) -> String {
    format!(
        "{:<26} {:>6.3} {:>6.3} {:>6.3} {:>7}   {:>4} {:>4} {:>4}\n",
        c.category, c.precision, c.recall, c.f1, c.support, c.counts.tp, c.counts.fp, c.counts.fn_
    )
}

/// The three tables as text.
fn render(r: &EvalReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "== UNFAIR-ToS {} ({} sentences, detokenised; label = finding at caution/bad) — corpus {}\n",
        r.split.as_str(),
        r.unfair_tos.sentences,
        r.corpus
    ));
    label_table(&mut out, &r.unfair_tos);
    out.push_str("\nRules alone, model alone (text only, no rule features), rules + model (above):\n");
    compare_table(&mut out, &[("rules", &r.unfair_tos_rules), ("model", &r.unfair_tos_model), ("combined", &r.unfair_tos)]);

    let c = &r.claudette;
    let (cross_validated, labels) = c.combined();
    out.push_str(&format!(
        "\n== CLAUDETTE-2024 ({} visible documents, {} sentences; gold = levels 2-3); {}\n",
        c.documents,
        labels.sentences,
        if cross_validated {
            "rules + model cross-validated BY DOCUMENT (each fold predicted by a model trained without it)"
        } else {
            "rules + the SHIPPED model, trained on these documents: in-sample, not a measure (run without --no-cv)"
        }
    ));
    label_table(&mut out, labels);
    let mut cols: Vec<(&str, &LabelReport)> = vec![("rules", &c.rules)];
    if let Some(cv) = &c.cross_validated {
        cols.push(("cv", cv));
    }
    cols.push(("in-sample", &c.shipped_in_sample));
    out.push_str("\nRules alone, rules + model cross-validated, rules + shipped model (in-sample):\n");
    compare_table(&mut out, &cols);
    out.push_str("\nLevels (sentences tagged at that level that we find in the category, by our risk;\n");
    out.push_str("expected: 1 fair -> neutral, 2 potentially unfair -> caution, 3 clearly unfair -> bad)\n");
    out.push_str(&format!(
        "{:<26} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>5} {:>7}\n",
        "category", "level", "gold", "found", "good", "neutral", "caution", "bad", "agree"
    ));
    for l in &c.levels {
        let agree = if l.found > 0 { format!("{:.0}%", 100.0 * l.agree as f64 / l.found as f64) } else { "-".into() };
        out.push_str(&format!(
            "{:<26} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>5} {:>7}\n",
            l.category, l.level, l.gold, l.found, l.good, l.neutral, l.caution, l.bad, agree
        ));
    }

    let t = &r.tosdr;
    out.push_str(&format!(
        "\n== ToS;DR points ({} relevant, {} in mapped cases; recall only: ToS;DR is not exhaustive)\n",
        t.relevant_points, t.mapped_points
    ));
    out.push_str(&format!(
        "{:<34} {:>5} {:>6} {:>7} {:>9}\n",
        "category", "cases", "points", "recall", "+polarity"
    ));
    for row in &t.categories {
        out.push_str(&format!(
            "{:<34} {:>5} {:>6} {:>7.3} {:>9.3}\n",
            row.category, row.cases, row.points, row.recall, row.polarity_recall
        ));
    }
    if !t.unmatched_cases.is_empty() {
        out.push_str(&format!("mapped cases with no relevant point: {}\n", t.unmatched_cases.join(" | ")));
    }
    out
}
