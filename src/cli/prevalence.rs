//! `clausemark prevalence <dir>`: runs the classifier over every document
//! of a directory and prints (or writes) the prevalence table that the
//! build embeds ([`crate::prevalence`]).
//!
//! The committed table is made from Open Terms Archive's documents
//! (ODC-BY 1.0, © Open Terms Archive contributors) with:
//!
//! ```text
//! cargo run -- prevalence ../shared/corpus/policies/latest --out src/prevalence.tsv
//! ```

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::input;
use crate::prevalence::{compute, to_tsv};
use crate::report::DocKind;

/// File extensions read as documents; anything else in the directory is
/// skipped (a README, an index).
const EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm", "txt"];

/// Analyses every document file directly in `dir` (in name order), and
/// prints the table or writes it to `out`. A summary of the kinds detected
/// goes to standard error. Exit code 0; errors (unreadable directory or
/// file, no documents) name the path.
pub fn run(dir: &str, out: Option<&str>) -> Result<i32, Error> {
    let fail = |source: &Path, message: String| Error::Io { source: source.display().to_string(), message };
    let root = Path::new(dir);
    if !root.is_dir() {
        return Err(fail(root, "not a directory (give the folder holding the policies)".into()));
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(|e| fail(root, e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(fail(root, format!("no documents ({}) in it", EXTENSIONS.join(", "))));
    }
    let mut analyses = Vec::with_capacity(files.len());
    for f in &files {
        let name = f.to_string_lossy();
        let text = super::read_input(&name)?;
        // As `analyze` reads it: headings and list items known from the markup.
        analyses.push(crate::report::analyze(&input::to_document(&text, input::guess_format(&name, &text))));
    }
    let count = |k: DocKind| analyses.iter().filter(|a| a.kind == k).count();
    let (privacy, terms, other) = (count(DocKind::PrivacyPolicy), count(DocKind::Terms), count(DocKind::Other));
    // The directory's last component only, so the table does not depend on
    // where the corpus is checked out.
    let label = root
        .canonicalize()
        .ok()
        .map(|p| p.iter().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect::<PathBuf>().display().to_string())
        .unwrap_or_else(|| dir.to_string());
    let what = format!("{} files of {label}/ ({privacy} privacy policies, {terms} terms, {other} other left out)", files.len());
    let table = to_tsv(&compute(&analyses), &what);
    eprintln!("clausemark prevalence: {what}");
    match out {
        Some(path) => std::fs::write(path, table).map_err(|e| fail(Path::new(path), e.to_string()))?,
        None => super::write_stdout(table.as_bytes())?,
    }
    Ok(0)
}
