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
use super::{document_risks, predicted_labels, runs, UNFAIR_CATEGORIES};
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
    /// The rules alone. Labels = levels 2–3, over the eight categories.
    pub rules: LabelReport,
    /// Rules + model, cross-validated by document: each visible fold is
    /// predicted by a model trained without its documents (and without the
    /// UNFAIR-ToS train sentences of the same companies); `None` when not run.
    pub cross_validated: Option<LabelReport>,
    /// Rules + the shipped model, which was trained on these documents:
    /// an in-sample figure, shown only to compare.
    pub shipped_in_sample: LabelReport,
    /// Category × level agreement (of the cross-validated predictions when
    /// run, else of the shipped pipeline), only rows with gold sentences.
    pub levels: Vec<LevelRow>,
}

impl ClaudetteReport {
    /// The rules + model figures a run reports: the cross-validated ones
    /// when it ran them (`true`), the in-sample ones otherwise (`false`).
    pub fn combined(&self) -> (bool, &LabelReport) {
        match &self.cross_validated {
            Some(cv) => (true, cv),
            None => (false, &self.shipped_in_sample),
        }
    }
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

/// Scores `claudette-2024-en/sentences.jsonl`: the rules alone, the
/// shipped pipeline, and (with `cross_validate`) the pipeline with a model
/// retrained per fold.
pub fn evaluate(corpus: &Corpus, cross_validate: bool) -> Result<ClaudetteReport, Error> {
    let rows: Vec<ClaudetteSentence> = corpus.read_jsonl("claudette-2024-en/sentences.jsonl")?;
    let docs: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.doc.as_str()).collect();
    let rules = by_document(&rows, |_| None);
    let shipped = by_document(&rows, |_| crate::model::Model::global());
    let cv = if cross_validate { Some(cross_validated(corpus, &rows)?) } else { None };
    let (rules, _) = score(&rows, &rules);
    let (shipped_in_sample, shipped_levels) = score(&rows, &shipped);
    let (cross_validated, levels) = match cv {
        Some(found) => {
            let (l, lv) = score(&rows, &found);
            (Some(l), lv)
        }
        None => (None, shipped_levels),
    };
    Ok(ClaudetteReport { documents: docs.len(), rules, cross_validated, shipped_in_sample, levels })
}

/// Per row, the risks by category of the pipeline whose model was trained
/// without the row's fold (see [`crate::model::recipe::train`]).
fn cross_validated(corpus: &Corpus, rows: &[ClaudetteSentence]) -> Result<Vec<Vec<(&'static str, Risk)>>, Error> {
    use crate::model::recipe::{self, company_key, Data, Prepared, Recipe};
    let data = Data::load(corpus)?;
    let prep = Prepared::new(&data, &Recipe::DEFAULT);
    let folds: std::collections::BTreeSet<Option<u8>> = rows.iter().map(|r| r.test_fold).collect();
    let mut models = std::collections::BTreeMap::new();
    for fold in folds {
        let held_out: std::collections::BTreeSet<String> =
            rows.iter().filter(|r| r.test_fold == fold).map(|r| company_key(&r.doc)).collect();
        models.insert(fold, crate::model::Model::from_stored(&recipe::train(&prep, &held_out).model));
    }
    Ok(by_document(rows, |r| models.get(&r.test_fold)))
}

/// Per row, the risks by category of the pipeline with the model `model`
/// gives the row's document (`None`: the rules alone), each document's
/// sentences analysed together ([`document_risks`]).
fn by_document<'m>(
    rows: &[ClaudetteSentence],
    model: impl Fn(&ClaudetteSentence) -> Option<&'m crate::model::Model>,
) -> Vec<Vec<(&'static str, Risk)>> {
    runs(rows, |r| r.doc.as_str())
        .into_iter()
        .flat_map(|run| {
            let m = model(&rows[run.start]);
            document_risks(&rows[run].iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), m)
        })
        .collect()
}

/// Label scores and the level table of one set of predictions.
fn score(rows: &[ClaudetteSentence], found: &[Vec<(&'static str, Risk)>]) -> (LabelReport, Vec<LevelRow>) {
    let mut scores = MultiLabel::new(&UNFAIR_CATEGORIES);
    let mut levels: Vec<LevelRow> = UNFAIR_CATEGORIES
        .iter()
        .flat_map(|c| (1..=3).map(move |level| LevelRow { category: c.to_string(), level, ..LevelRow::default() }))
        .collect();
    let mut errors = Vec::new();
    for (row, found) in rows.iter().zip(found) {
        let predicted = predicted_labels(found);
        scores.add_in(&row.doc, &row.unfair_labels, &predicted);
        errors.extend(super::unfair::label_errors(&row.doc, &row.text, &row.unfair_labels, &predicted));
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
    (LabelReport { errors, ..LabelReport::from_scores(&scores) }, levels)
}
