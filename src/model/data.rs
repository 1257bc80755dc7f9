//! The labelled sentences the heads learn from and are tuned on (native
//! only): UNFAIR-ToS train and dev, the visible CLAUDETTE-2024 sentences
//! and the taxonomy's own examples, as [`Row`]s with one label bit per
//! UNFAIR-ToS category. How they are used is in [`super::recipe`].

use std::collections::BTreeSet;

use crate::error::Error;
use crate::eval::corpus::{ClaudetteSentence, Corpus, UnfairSentence};
use crate::eval::{ptb, UNFAIR_CATEGORIES};

/// One labelled sentence of either corpus.
#[derive(Debug, Clone)]
pub struct Row {
    /// Company / document name as the corpus spells it.
    pub doc: String,
    /// The sentence in ordinary text (UNFAIR-ToS detokenised).
    pub text: String,
    /// Bit i set = `UNFAIR_CATEGORIES[i]` is a (potentially unfair) label.
    pub labels: u8,
    /// CLAUDETTE level per category (0 = untagged); all 0 for UNFAIR-ToS.
    pub levels: [u8; 8],
    /// CLAUDETTE 5-fold CV fold of the document; `None` for UNFAIR-ToS.
    pub fold: Option<u8>,
}

impl Row {
    /// Whether category `i` is a label.
    pub fn has(&self, i: usize) -> bool {
        self.labels >> i & 1 == 1
    }
}

fn mask(labels: &[String]) -> u8 {
    UNFAIR_CATEGORIES.iter().enumerate().filter(|(_, c)| labels.iter().any(|l| l == *c)).fold(0, |m, (i, _)| m | 1 << i)
}

/// The training and tuning data, loaded once.
#[derive(Debug, Clone)]
pub struct Data {
    /// UNFAIR-ToS train.
    pub unfair_train: Vec<Row>,
    /// UNFAIR-ToS dev (threshold tuning and the reported scores).
    pub unfair_dev: Vec<Row>,
    /// Every visible CLAUDETTE-2024 sentence.
    pub claudette: Vec<Row>,
    /// The taxonomy's own example sentences of the eight categories
    /// (written for this project): label = a must-flag example at
    /// `caution`/`bad`; a must-not-flag example is a negative.
    pub examples: Vec<Row>,
}

/// The taxonomy examples of the eight categories as rows; a sentence used
/// by several categories becomes one row with all its labels.
pub fn taxonomy_examples() -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for ex in crate::taxonomy::EXAMPLES {
        let id = crate::taxonomy::CATEGORIES[ex.category].id;
        let Some(i) = UNFAIR_CATEGORIES.iter().position(|c| *c == id) else { continue };
        let bit = if ex.risk.is_some_and(|r| r.is_flag()) { 1u8 << i } else { 0 };
        match rows.iter_mut().find(|r| r.text == ex.text) {
            Some(r) => r.labels |= bit,
            None => rows.push(Row { doc: "taxonomy".into(), text: ex.text.to_string(), labels: bit, levels: [0; 8], fold: None }),
        }
    }
    rows
}

/// Lower-cased company name, for matching UNFAIR-ToS companies with
/// CLAUDETTE documents ("TripAdvisor" = "Tripadvisor").
pub fn company_key(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

impl Data {
    /// Reads `unfair-tos/{train,dev}.jsonl` and `claudette-2024-en/sentences.jsonl`.
    pub fn load(corpus: &Corpus) -> Result<Data, Error> {
        let unfair = |split: &str| -> Result<Vec<Row>, Error> {
            let lines: Vec<UnfairSentence> = corpus.read_jsonl(&format!("unfair-tos/{split}.jsonl"))?;
            Ok(lines
                .into_iter()
                .map(|l| Row { doc: l.company, text: ptb::detokenize(&l.text), labels: mask(&l.labels), levels: [0; 8], fold: None })
                .collect())
        };
        let lines: Vec<ClaudetteSentence> = corpus.read_jsonl("claudette-2024-en/sentences.jsonl")?;
        let claudette = lines
            .into_iter()
            .map(|l| {
                let mut levels = [0u8; 8];
                for (cat, level) in l.tags.iter().filter_map(|t| crate::eval::claudette::parse_tag(t)) {
                    if let Some(i) = UNFAIR_CATEGORIES.iter().position(|c| *c == cat) {
                        levels[i] = levels[i].max(level);
                    }
                }
                Row { doc: l.doc, text: l.text, labels: mask(&l.unfair_labels), levels, fold: l.test_fold }
            })
            .collect();
        Ok(Data { unfair_train: unfair("train")?, unfair_dev: unfair("dev")?, claudette, examples: taxonomy_examples() })
    }

    /// Company keys of UNFAIR-ToS dev.
    pub fn dev_companies(&self) -> BTreeSet<String> {
        self.unfair_dev.iter().map(|r| company_key(&r.doc)).collect()
    }
}
