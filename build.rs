//! Compiles the taxonomy data files (`src/taxonomy/data/*.toml`) into Rust
//! statics, so the wasm carries no TOML parser and a malformed rule fails the
//! build with its file named instead of failing in a user's browser.
//!
//! Checks made here: every id in `categories.txt` has its file and no file is
//! unlisted; required texts are present; every pattern expands and compiles;
//! a rule with risk `good` carries its own summary (the category headline
//! describes the risky case); each category has at least four "must flag" and
//! four "must not flag" examples.
//!
//! It also derives what the classifier's gate needs from every regex the
//! patterns split into (`gate_facts.bin`, see
//! `src/findings/classifier/facts.rs`), so a woken service worker builds the
//! classifier without parsing them.

use std::fmt::Write as _;
use std::path::Path;

#[path = "src/taxonomy/dsl.rs"]
#[allow(dead_code)]
mod dsl;
#[path = "src/findings/classifier/facts.rs"]
#[allow(dead_code)]
mod facts;
#[path = "src/findings/classifier/literals.rs"]
#[allow(dead_code)]
mod literals;
#[path = "src/findings/classifier/table.rs"]
#[allow(dead_code)]
mod table;
#[path = "src/sort.rs"]
#[allow(dead_code)]
mod sort;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    id: String,
    group: String,
    title: String,
    summary: String,
    explanation: String,
    #[serde(default)]
    actions: Vec<String>,
    weight: u8,
    triggers: Vec<String>,
    #[serde(default)]
    unless: Option<String>,
    regulations: Vec<RegulationFile>,
    rules: Vec<RuleFile>,
    must_flag: Vec<ExampleFile>,
    must_not_flag: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RegulationFile {
    law: String,
    reference: String,
    jurisdictions: Vec<String>,
    #[serde(default)]
    note: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    risk: String,
    pattern: String,
    #[serde(default)]
    also: Option<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    confidence: Option<f32>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleFile {
    text: String,
    risk: String,
}

const RISKS: [&str; 4] = ["good", "neutral", "caution", "bad"];
const GROUPS: [&str; 2] = ["terms", "privacy"];

fn main() {
    let dir = Path::new("src/taxonomy");
    println!("cargo:rerun-if-changed=src/taxonomy/categories.txt");
    println!("cargo:rerun-if-changed=src/taxonomy/data");
    println!("cargo:rerun-if-changed=src/taxonomy/dsl.rs");
    for f in ["src/findings/classifier/facts.rs", "src/findings/classifier/literals.rs", "src/findings/classifier/table.rs", "src/sort.rs"] {
        println!("cargo:rerun-if-changed={f}");
    }
    if let Err(e) = run(dir) {
        // A build script reports through its exit status; the message names the file.
        eprintln!("taxonomy error: {e}");
        println!("cargo:warning=taxonomy error: {e}");
        std::process::exit(1);
    }
}

fn run(dir: &Path) -> Result<(), String> {
    let list = std::fs::read_to_string(dir.join("categories.txt"))
        .map_err(|e| format!("src/taxonomy/categories.txt: {e}"))?;
    let ids: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let data = dir.join("data");
    let mut on_disk = Vec::new();
    for entry in std::fs::read_dir(&data).map_err(|e| format!("{}: {e}", data.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".toml") {
            println!("cargo:rerun-if-changed=src/taxonomy/data/{name}");
            on_disk.push(stem.to_string());
        }
    }
    for stem in &on_disk {
        if !ids.contains(&stem.as_str()) {
            return Err(format!("src/taxonomy/data/{stem}.toml is not listed in categories.txt"));
        }
    }
    if ids.len() > 64 {
        return Err("more than 64 categories: the classifier keeps them in a u64 mask".into());
    }

    let mut cats = String::from("/// Every category, in the order of `categories.txt`.\npub static CATEGORIES: &[Category] = &[\n");
    let mut examples = String::from("/// Every example sentence of every category file.\npub static EXAMPLES: &[Example] = &[\n");
    let mut index = 0usize;
    // Every regex the classifier interns, in its order, with whether it wants start literals.
    let mut regexes = Regexes::default();
    for id in &ids {
        let path = data.join(format!("{id}.toml"));
        let shown = format!("src/taxonomy/data/{id}.toml");
        if !path.exists() {
            // Tolerated so categories can be written one file at a time;
            // tests/taxonomy_contract.rs fails until every listed id exists.
            println!("cargo:warning=taxonomy: {shown} is listed in categories.txt but missing");
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: {e}"))?;
        let file: CategoryFile = toml::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
        check(&file, id).map_err(|e| format!("{shown}: {e}"))?;
        emit_category(&mut cats, &file).map_err(|e| format!("{shown}: {e}"))?;
        collect_regexes(&file, &mut regexes)?;
        for ex in &file.must_flag {
            writeln!(
                examples,
                "    Example {{ category: {index}, text: {:?}, risk: Some({}) }},",
                ex.text,
                risk_variant(&ex.risk)
            )
            .map_err(|e| e.to_string())?;
        }
        for text in &file.must_not_flag {
            writeln!(examples, "    Example {{ category: {index}, text: {text:?}, risk: None }},")
                .map_err(|e| e.to_string())?;
        }
        index += 1;
    }
    cats.push_str("];\n");
    examples.push_str("];\n");
    let out = std::env::var("OUT_DIR").map_err(|e| e.to_string())?;
    std::fs::write(Path::new(&out).join("gate_facts.bin"), table::encode_table(&regexes.list)?).map_err(|e| e.to_string())?;
    std::fs::write(Path::new(&out).join("taxonomy.rs"), cats + &examples)
        .map_err(|e| e.to_string())
}

/// The distinct regexes the classifier interns, in first-seen order (its
/// regex ids), each with whether its start literals are wanted.
#[derive(Default)]
struct Regexes {
    seen: std::collections::HashSet<String>,
    list: Vec<(String, bool)>,
}

/// Adds the heads and tails the patterns of `f` split into, in the order
/// `Classifier::new` interns them (the category's `unless`, the rules'
/// patterns, then each rule's `also` and `unless`; a branch's head, then its
/// tail): `src/findings/classifier/facts.rs` stores their facts by that
/// order, and a test fails if the two orders part. A head (it opens with
/// `dsl::HEAD_OPENING`) wants its start literals, a tail not.
fn collect_regexes(f: &CategoryFile, out: &mut Regexes) -> Result<(), String> {
    let patterns = f.rules.iter().map(|r| Some(&r.pattern));
    let checks = f.rules.iter().flat_map(|r| [r.also.as_ref(), r.unless.as_ref()]);
    for p in std::iter::once(f.unless.as_ref()).chain(patterns).chain(checks).flatten() {
        for b in dsl::split(p)? {
            let starts = b.head.starts_with(dsl::HEAD_OPENING);
            for (regex, starts) in std::iter::once((b.head, starts)).chain(b.tail.map(|t| (t, false))) {
                if out.seen.insert(regex.clone()) {
                    out.list.push((regex, starts));
                }
            }
        }
    }
    Ok(())
}

fn check(f: &CategoryFile, id: &str) -> Result<(), String> {
    if f.id != id {
        return Err(format!("id {:?} does not match the file name", f.id));
    }
    if !GROUPS.contains(&f.group.as_str()) {
        return Err(format!("group {:?} is not one of {GROUPS:?}", f.group));
    }
    for (name, value) in [("title", &f.title), ("summary", &f.summary), ("explanation", &f.explanation)] {
        if value.trim().is_empty() {
            return Err(format!("{name} is empty"));
        }
    }
    if !(1..=3).contains(&f.weight) {
        return Err(format!("weight {} is not 1, 2 or 3", f.weight));
    }
    if f.triggers.is_empty() {
        return Err("no triggers".into());
    }
    for t in &f.triggers {
        if t.is_empty() || t.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(format!("trigger {t:?} must be non-empty lower-case text"));
        }
    }
    if f.regulations.is_empty() {
        return Err("no regulations".into());
    }
    if f.rules.is_empty() {
        return Err("no rules".into());
    }
    for r in &f.rules {
        if !RISKS.contains(&r.risk.as_str()) {
            return Err(format!("risk {:?} is not one of {RISKS:?}", r.risk));
        }
        if r.risk == "good" && r.summary.is_none() {
            return Err(format!("rule {:?} has risk good but no summary of its own", r.pattern));
        }
        if let Some(c) = r.confidence {
            if !(0.0..=1.0).contains(&c) {
                return Err(format!("confidence {c} is outside 0..1"));
            }
        }
    }
    for ex in &f.must_flag {
        if !RISKS.contains(&ex.risk.as_str()) {
            return Err(format!("example risk {:?} is not one of {RISKS:?}", ex.risk));
        }
    }
    if f.must_flag.len() < 4 || f.must_not_flag.len() < 4 {
        return Err("needs at least 4 must_flag and 4 must_not_flag examples".into());
    }
    Ok(())
}

/// Validates `pattern`: it must expand and compile whole, and so must every
/// piece of its split form (see `dsl::split`), the regexes the classifier
/// builds from it at start-up. Emits it unexpanded, as a string literal:
/// the expansion is half as long again, and the library redoes it cheaply.
fn pattern_literal(pattern: &str) -> Result<String, String> {
    let whole = dsl::expand(pattern)?;
    regex::bytes::Regex::new(&whole).map_err(|e| format!("pattern {pattern:?}: {e}"))?;
    for b in dsl::split(pattern)? {
        regex::bytes::Regex::new(&b.head).map_err(|e| format!("pattern {pattern:?}, head {:?}: {e}", b.head))?;
        if let Some(t) = &b.tail {
            regex::bytes::Regex::new(t).map_err(|e| format!("pattern {pattern:?}, tail {t:?}: {e}"))?;
        }
    }
    Ok(format!("{pattern:?}"))
}

fn opt_pattern_literal(p: &Option<String>) -> Result<String, String> {
    Ok(match p {
        Some(p) => format!("Some({})", pattern_literal(p)?),
        None => "None".into(),
    })
}

fn risk_variant(r: &str) -> &'static str {
    match r {
        "good" => "Risk::Good",
        "neutral" => "Risk::Neutral",
        "caution" => "Risk::Caution",
        _ => "Risk::Bad",
    }
}

fn emit_category(out: &mut String, f: &CategoryFile) -> Result<(), String> {
    let group = if f.group == "terms" { "Group::Terms" } else { "Group::Privacy" };
    let mut regs = String::new();
    for r in &f.regulations {
        write!(
            regs,
            "Regulation {{ law: {:?}, reference: {:?}, jurisdictions: &{:?}, note: {:?} }}, ",
            r.law, r.reference, r.jurisdictions, r.note
        )
        .map_err(|e| e.to_string())?;
    }
    let mut rules = String::new();
    for r in &f.rules {
        write!(
            rules,
            "Rule {{ risk: {}, pattern: {}, also: {}, unless: {}, summary: {:?}, confidence: {:?} }}, ",
            risk_variant(&r.risk),
            pattern_literal(&r.pattern)?,
            opt_pattern_literal(&r.also)?,
            opt_pattern_literal(&r.unless)?,
            r.summary,
            r.confidence.unwrap_or(0.8),
        )
        .map_err(|e| e.to_string())?;
    }
    writeln!(
        out,
        "    Category {{ id: {:?}, group: {group}, title: {:?}, summary: {:?}, explanation: {:?}, \
         actions: &{:?}, weight: {}, triggers: &{:?}, unless: {}, regulations: &[{regs}], rules: &[{rules}] }},",
        f.id,
        f.title,
        f.summary,
        f.explanation.trim(),
        f.actions,
        f.weight,
        f.triggers,
        opt_pattern_literal(&f.unless)?,
    )
    .map_err(|e| e.to_string())
}
