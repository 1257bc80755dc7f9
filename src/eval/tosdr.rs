//! ToS;DR points (`tosdr/points.jsonl`, `irrelevant == false`) scored through
//! the case map `eval/tosdr_case_map.toml`: each mapped ToS;DR case names one
//! of our categories, and each of its quotes should yield a finding of that
//! category at the expected polarity.
//!
//! Expected polarity, unless the map says otherwise with `expect`: a `good`
//! case → `good`; a `bad` or `blocker` case → `caution` or `bad`; a
//! `neutral` case → any risk (finding the category is enough).
//!
//! The map file is a small TOML subset, parsed here so the crate needs no
//! runtime TOML dependency: `#` comments, `[[case]]` tables, and
//! `key = "basic string"` lines (escapes `\"` and `\\`). Keys: `case` (the
//! exact ToS;DR title), `category` (an id of `categories.txt`, or several
//! joined by `|` for a case that mixes them, e.g. ToS;DR's single "court of
//! law governing the terms" case covers both governing law and venue: a
//! finding of any of them counts), optional `expect` (risks joined by `|`,
//! e.g. `"neutral|good"`, or `"any"`).
//! ToS;DR annotation is not exhaustive, so only recall is measured here.

use std::collections::HashMap;

use serde::Serialize;

use super::corpus::{Corpus, TosdrPoint};
use crate::error::Error;
use crate::findings::Risk;

/// The case map compiled into the binary (`eval/tosdr_case_map.toml`).
pub const BUILTIN_CASE_MAP: &str = include_str!("../../eval/tosdr_case_map.toml");
const CATEGORY_LIST: &str = include_str!("../taxonomy/categories.txt");

/// One line of the map: a ToS;DR case and the category it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMapEntry {
    /// The exact ToS;DR case title.
    pub case: String,
    /// Our category id, or several joined by `|` (any of them counts).
    pub category: String,
    /// Accepted risks; `None` = derived from the case's classification.
    pub expect: Option<Vec<Risk>>,
}

/// ToS;DR case title → our category, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseMap {
    /// The entries; case titles are unique.
    pub entries: Vec<CaseMapEntry>,
}

/// Every category id listed in `categories.txt`, in order (including those
/// whose data file is not written yet).
pub fn all_category_ids() -> Vec<&'static str> {
    CATEGORY_LIST.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

fn parse_risks(value: &str) -> Option<Vec<Risk>> {
    if value == "any" {
        return Some(Risk::ALL.to_vec());
    }
    value.split('|').map(|v| Risk::ALL.into_iter().find(|r| r.as_str() == v.trim())).collect()
}

/// Parses `key = "value"` (with an optional trailing comment).
fn parse_pair(line: &str) -> Option<(&str, String)> {
    let (key, rest) = line.split_once('=')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.chars();
    loop {
        match chars.next()? {
            '"' => break,
            '\\' => match chars.next()? {
                c @ ('"' | '\\') => value.push(c),
                _ => return None,
            },
            c => value.push(c),
        }
    }
    let tail = chars.as_str().trim();
    (tail.is_empty() || tail.starts_with('#')).then_some((key.trim(), value))
}

impl CaseMapEntry {
    /// The category ids this entry accepts.
    pub fn categories(&self) -> impl Iterator<Item = &str> {
        self.category.split('|')
    }
}

impl CaseMap {
    /// The map compiled into the binary.
    pub fn builtin() -> Result<CaseMap, Error> {
        CaseMap::parse(BUILTIN_CASE_MAP, "eval/tosdr_case_map.toml")
    }

    /// Parses a map file; errors name `source` and the 1-based line.
    pub fn parse(text: &str, source: &str) -> Result<CaseMap, Error> {
        let ids = all_category_ids();
        let err = |line: usize, message: String| Error::Io { source: source.to_string(), message: format!("line {line}: {message}") };
        let mut entries: Vec<CaseMapEntry> = Vec::new();
        let mut current: Option<(usize, HashMap<String, String>)> = None;
        let finish = |cur: Option<(usize, HashMap<String, String>)>, entries: &mut Vec<CaseMapEntry>| -> Result<(), Error> {
            let Some((line, mut kv)) = cur else { return Ok(()) };
            let case = kv.remove("case").ok_or_else(|| err(line, "[[case]] without `case`".into()))?;
            let category = kv.remove("category").ok_or_else(|| err(line, "[[case]] without `category`".into()))?;
            if let Some(bad) = category.split('|').find(|c| !ids.contains(c)) {
                return Err(err(line, format!("unknown category {bad:?} (not in categories.txt)")));
            }
            let expect = match kv.remove("expect") {
                None => None,
                Some(v) => Some(parse_risks(&v).ok_or_else(|| err(line, format!("bad expect {v:?}: use risks joined by | or \"any\"")))?),
            };
            if let Some(k) = kv.keys().next() {
                return Err(err(line, format!("unknown key {k:?}")));
            }
            if entries.iter().any(|e| e.case == case) {
                return Err(err(line, format!("case {case:?} is mapped twice")));
            }
            entries.push(CaseMapEntry { case, category, expect });
            Ok(())
        };
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line == "[[case]]" {
                finish(current.take(), &mut entries)?;
                current = Some((n + 1, HashMap::new()));
                continue;
            }
            let Some((key, value)) = parse_pair(line) else {
                return Err(err(n + 1, format!("expected [[case]] or key = \"value\", found {line:?}")));
            };
            let Some((_, kv)) = current.as_mut() else {
                return Err(err(n + 1, "key outside a [[case]] table".into()));
            };
            if kv.insert(key.to_string(), value).is_some() {
                return Err(err(n + 1, format!("duplicate key {key:?}")));
            }
        }
        finish(current.take(), &mut entries)?;
        Ok(CaseMap { entries })
    }
}

/// The risks that count as the right polarity for a point.
pub fn expected_risks(entry: &CaseMapEntry, classification: &str) -> Vec<Risk> {
    if let Some(e) = &entry.expect {
        return e.clone();
    }
    match classification {
        "good" => vec![Risk::Good],
        "bad" | "blocker" => vec![Risk::Caution, Risk::Bad],
        _ => Risk::ALL.to_vec(),
    }
}

/// Recall of one mapped case.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseRow {
    /// ToS;DR case title.
    pub case: String,
    /// Our category.
    pub category: String,
    /// ToS;DR classification of the case's points.
    pub classification: String,
    /// Relevant points.
    pub points: usize,
    /// Points where we find the category (any risk).
    pub found: usize,
    /// Points where we find it at an expected risk.
    pub right_polarity: usize,
}

/// Recall of one category over all the cases mapped to it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CategoryRow {
    /// Category id.
    pub category: String,
    /// Mapped cases that have points.
    pub cases: usize,
    /// Relevant points.
    pub points: usize,
    /// found / points.
    pub recall: f64,
    /// right_polarity / points.
    pub polarity_recall: f64,
    /// Points where we find the category.
    pub found: usize,
    /// Points found at an expected risk.
    pub right_polarity: usize,
}

/// ToS;DR results.
#[derive(Debug, Clone, Serialize)]
pub struct TosdrReport {
    /// Points with `irrelevant == false`.
    pub relevant_points: usize,
    /// Of those, points of a mapped case.
    pub mapped_points: usize,
    /// Per mapped category (or `|`-joined group), in `categories.txt`
    /// order, only those with points.
    pub categories: Vec<CategoryRow>,
    /// Per mapped case with points, in map order.
    pub cases: Vec<CaseRow>,
    /// Map entries whose case title has no relevant point (typos or sealed).
    pub unmatched_cases: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores `tosdr/points.jsonl` through `map`.
pub fn evaluate(corpus: &Corpus, map: &CaseMap) -> Result<TosdrReport, Error> {
    let points: Vec<TosdrPoint> = corpus.read_jsonl("tosdr/points.jsonl")?;
    let mut cases: Vec<CaseRow> = map
        .entries
        .iter()
        .map(|e| CaseRow { case: e.case.clone(), category: e.category.clone(), ..CaseRow::default() })
        .collect();
    let index: HashMap<&str, usize> = map.entries.iter().enumerate().map(|(i, e)| (e.case.as_str(), i)).collect();
    let mut relevant = 0;
    let mut mapped = 0;
    for p in points.iter().filter(|p| !p.irrelevant) {
        relevant += 1;
        let Some(&i) = index.get(p.case.as_str()) else { continue };
        mapped += 1;
        let entry = &map.entries[i];
        let row = &mut cases[i];
        row.classification.clone_from(&p.classification);
        row.points += 1;
        let expected = expected_risks(entry, &p.classification);
        // Every finding of the category counts, not only the worst: a quote
        // holding a protective and a harmful sentence is right if either fits.
        let analysis_risks: Vec<Risk> =
            crate::analyze_text(&p.text).findings.iter().filter(|f| entry.categories().any(|c| c == f.category)).map(|f| f.risk).collect();
        if !analysis_risks.is_empty() {
            row.found += 1;
            if analysis_risks.iter().any(|r| expected.contains(r)) {
                row.right_polarity += 1;
            }
        }
    }
    let unmatched_cases = cases.iter().filter(|c| c.points == 0).map(|c| c.case.clone()).collect();
    cases.retain(|c| c.points > 0);
    // One row per distinct `category` value, ordered by its first id's place
    // in categories.txt.
    let order = all_category_ids();
    let rank = |c: &str| order.iter().position(|id| Some(*id) == c.split('|').next()).unwrap_or(usize::MAX);
    let mut keys: Vec<&str> = map.entries.iter().map(|e| e.category.as_str()).collect();
    keys.sort_by_key(|k| (rank(k), k.to_string()));
    keys.dedup();
    let categories = keys
        .into_iter()
        .filter_map(|id| {
            let rows: Vec<&CaseRow> = cases.iter().filter(|c| c.category == id).collect();
            let points: usize = rows.iter().map(|c| c.points).sum();
            let found: usize = rows.iter().map(|c| c.found).sum();
            let right: usize = rows.iter().map(|c| c.right_polarity).sum();
            (points > 0).then(|| CategoryRow {
                category: id.to_string(),
                cases: rows.len(),
                points,
                recall: ratio(found, points),
                polarity_recall: ratio(right, points),
                found,
                right_polarity: right,
            })
        })
        .collect();
    Ok(TosdrReport { relevant_points: relevant, mapped_points: mapped, categories, cases, unmatched_cases })
}
