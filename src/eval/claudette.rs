//! CLAUDETTE-2024 (Galassi et al. 2024), the 40 visible English documents:
//! the same multi-label scores as UNFAIR-ToS with gold = `unfair_labels`
//! (levels 2–3), and a level table comparing our risk with CLAUDETTE's
//! fairness level where both of us see the category.
//!
//! Level ↔ risk: 1 (fair) ↔ `neutral`, 2 (potentially unfair) ↔ `caution`,
//! 3 (clearly unfair) ↔ `bad`.

use serde::Serialize;

use super::corpus::{ClaudetteSentence, Corpus};
use super::metrics::MultiLabel;
use super::unfair::LabelReport;
use super::{predicted_labels, risks_by_category, UNFAIR_CATEGORIES};
use crate::error::Error;
use crate::findings::Risk;

/// How our risk compares with CLAUDETTE's level, for one category and level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LevelRow {
    /// Category id.
    pub category: String,
    /// CLAUDETTE level, 1–3.
    pub level: u8,
    /// Sentences tagged with this category at this level.
    pub gold: usize,
    /// Of those, how many we find in this category (at any risk).
    pub found: usize,
    /// Found at `good`.
    pub good: usize,
    /// Found at `neutral`.
    pub neutral: usize,
    /// Found at `caution`.
    pub caution: usize,
    /// Found at `bad`.
    pub bad: usize,
    /// Found at the risk the level maps to (1 → neutral, 2 → caution, 3 → bad).
    pub agree: usize,
}

/// CLAUDETTE-2024 scores.
#[derive(Debug, Clone, Serialize)]
pub struct ClaudetteReport {
    /// Documents read.
    pub documents: usize,
    /// Labels = levels 2–3, over the eight categories.
    pub labels: LabelReport,
    /// Category × level agreement, only rows with gold sentences.
    pub levels: Vec<LevelRow>,
}

/// The category id of a CLAUDETTE tag code (`j` → jurisdiction …); `None`
/// for codes outside the eight (e.g. `pinc`, "privacy included").
pub fn tag_category(code: &str) -> Option<&'static str> {
    Some(match code {
        "a" => "arbitration",
        "ch" => "unilateral_change",
        "cr" => "content_removal",
        "j" => "jurisdiction",
        "law" => "choice_of_law",
        "ltd" => "limitation_of_liability",
        "ter" => "unilateral_termination",
        "use" => "contract_by_using",
        _ => return None,
    })
}

/// Splits a tag like `law2` into (category id, level 1–3).
pub fn parse_tag(tag: &str) -> Option<(&'static str, u8)> {
    let code = tag.trim_end_matches(|c: char| c.is_ascii_digit());
    let level: u8 = tag[code.len()..].parse().ok()?;
    if !(1..=3).contains(&level) {
        return None;
    }
    Some((tag_category(code)?, level))
}

/// The risk a CLAUDETTE level corresponds to.
pub fn level_risk(level: u8) -> Risk {
    match level {
        1 => Risk::Neutral,
        2 => Risk::Caution,
        _ => Risk::Bad,
    }
}

/// Scores `claudette-2024-en/sentences.jsonl`.
pub fn evaluate(corpus: &Corpus) -> Result<ClaudetteReport, Error> {
    let rows: Vec<ClaudetteSentence> = corpus.read_jsonl("claudette-2024-en/sentences.jsonl")?;
    let mut scores = MultiLabel::new(&UNFAIR_CATEGORIES);
    let mut levels: Vec<LevelRow> = UNFAIR_CATEGORIES
        .iter()
        .flat_map(|c| (1..=3).map(move |level| LevelRow { category: c.to_string(), level, ..LevelRow::default() }))
        .collect();
    let mut docs = std::collections::BTreeSet::new();
    for row in &rows {
        docs.insert(row.doc.as_str());
        let found = risks_by_category(&row.text);
        scores.add(&row.unfair_labels, &predicted_labels(&found));
        for (ci, cat) in UNFAIR_CATEGORIES.iter().enumerate() {
            // A sentence tagged twice in one category counts at its worst level.
            let Some(level) = row.tags.iter().filter_map(|t| parse_tag(t)).filter(|(c, _)| c == cat).map(|(_, l)| l).max()
            else {
                continue;
            };
            let cell = &mut levels[ci * 3 + usize::from(level - 1)];
            cell.gold += 1;
            let Some(&(_, risk)) = found.iter().find(|(c, _)| c == cat) else { continue };
            cell.found += 1;
            match risk {
                Risk::Good => cell.good += 1,
                Risk::Neutral => cell.neutral += 1,
                Risk::Caution => cell.caution += 1,
                Risk::Bad => cell.bad += 1,
            }
            if risk == level_risk(level) {
                cell.agree += 1;
            }
        }
    }
    levels.retain(|r| r.gold > 0);
    Ok(ClaudetteReport { documents: docs.len(), labels: LabelReport::from_scores(&scores), levels })
}
