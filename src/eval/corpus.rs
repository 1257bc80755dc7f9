//! Loaders for the evaluation corpus (`../shared/corpus`, see its README):
//! JSON Lines files read into typed rows, with errors naming file and line.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::Error;

/// One UNFAIR-ToS sentence (`unfair-tos/<split>.jsonl`). `text` is
/// lower-cased and Penn-Treebank tokenised (see [`super::ptb`]).
#[derive(Debug, Clone, Deserialize)]
pub struct UnfairSentence {
    /// `<Company>_<n>`.
    pub id: String,
    /// The company (the id's `<Company>`); empty if a line leaves it out.
    #[serde(default)]
    pub company: String,
    /// The tokenised sentence.
    pub text: String,
    /// Categories judged potentially unfair; empty for a fair or unrelated sentence.
    #[serde(default)]
    pub labels: Vec<String>,
}

/// One CLAUDETTE-2024 sentence (`claudette-2024-en/sentences.jsonl`), in its
/// original case and spacing.
#[derive(Debug, Clone, Deserialize)]
pub struct ClaudetteSentence {
    /// Document (company) name.
    pub doc: String,
    /// The sentence.
    pub text: String,
    /// Categories at levels 2–3 (potentially or clearly unfair).
    #[serde(default)]
    pub unfair_labels: Vec<String>,
    /// Raw tags, category code + level, e.g. `j1`, `ltd2`, `cr3`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The authors' 5-fold cross-validation fold in which the document is a
    /// test document.
    #[serde(default)]
    pub test_fold: Option<u8>,
}

/// One ToS;DR point (`tosdr/points.jsonl`).
#[derive(Debug, Clone, Deserialize)]
pub struct TosdrPoint {
    /// The quoted clause (one sentence to several paragraphs).
    pub text: String,
    /// The ToS;DR case title.
    pub case: String,
    /// `good`, `neutral`, `bad` or `blocker`.
    pub classification: String,
    /// The ToS;DR curators' "off-topic / declined" flag.
    #[serde(default)]
    pub irrelevant: bool,
}

/// The corpus root, checked to exist.
#[derive(Debug, Clone)]
pub struct Corpus {
    root: PathBuf,
}

impl Corpus {
    /// Opens the corpus at `root`; an error naming the directory when it is
    /// not there (the caller turns it into exit code 2).
    pub fn open(root: &Path) -> Result<Corpus, Error> {
        if !root.is_dir() {
            return Err(Error::Io {
                source: root.display().to_string(),
                message: "evaluation corpus not found (expected a directory holding unfair-tos/, \
                          claudette-2024-en/ and tosdr/; pass --corpus DIR)"
                    .into(),
            });
        }
        Ok(Corpus { root: root.to_path_buf() })
    }

    /// The corpus directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads `rel` (a path inside the corpus) as JSON Lines of `T`.
    pub fn read_jsonl<T: DeserializeOwned>(&self, rel: &str) -> Result<Vec<T>, Error> {
        read_jsonl(&self.root.join(rel))
    }
}

/// Reads a JSON Lines file; blank lines are skipped, a bad line is an error
/// naming the file and the 1-based line.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, Error> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        source: shown.clone(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file (is the corpus complete?)".into(),
            _ => e.to_string(),
        },
    })?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = serde_json::from_str(line)
            .map_err(|e| Error::Io { source: shown.clone(), message: format!("line {}: {e}", n + 1) })?;
        rows.push(row);
    }
    Ok(rows)
}
