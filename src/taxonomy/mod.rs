//! The clause taxonomy: what Clausemark knows how to recognise and explain.
//!
//! Each category is a data file under `src/taxonomy/data/`, listed in
//! `src/taxonomy/categories.txt`; `build.rs` compiles them into the statics
//! below. A file carries the plain-language texts a reader sees, the
//! regulations the clause engages, the rules that find it and its own
//! "must flag" / "must not flag" examples (run by `tests/taxonomy_examples.rs`).

pub mod dsl;

use serde::Serialize;

use crate::findings::Risk;

/// Which kind of document a category belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Terms of service / terms of use.
    Terms,
    /// Privacy policies and notices.
    Privacy,
}

/// A law a clause engages, and where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Regulation {
    /// Short name, e.g. `"GDPR"`, `"CCPA/CPRA"`, `"Directive 93/13/EEC"`.
    pub law: &'static str,
    /// The article, section or annex point, e.g. `"Art. 21"`.
    pub reference: &'static str,
    /// Where it applies, e.g. `["EU/EEA", "UK"]`.
    pub jurisdictions: &'static [&'static str],
    /// What it says about this kind of clause, in a sentence; may be empty.
    pub note: &'static str,
}

/// A rule pattern as written in its data file, in the rule language of
/// [`dsl`] (validated, split and compiled by `build.rs`, so it is known to
/// be well formed).
///
/// Kept unexpanded: [`dsl::split`] runs when the classifier is built.
/// Shipping the split, expanded regexes instead (a space becomes `\W+`, a
/// gap eighteen bytes, and each branch a struct of two pointers) made the
/// wasm 138 KB larger, 20 KB gzip; splitting all 634 patterns costs about
/// 1 % of building the classifier (measured natively: 10.5 M of 770 M
/// instructions).
pub type Pattern = &'static str;

/// One rule of a category. Rules are tried in file order and the first that
/// applies decides the finding's risk, so specific rules (negations, notice
/// periods) come before general ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Risk of a clause this rule matches.
    pub risk: Risk,
    /// Pattern (see [`dsl`]) that must match the clause.
    pub pattern: Pattern,
    /// Pattern that must also match somewhere in the sentence.
    pub also: Option<Pattern>,
    /// Pattern that must not match anywhere in the sentence.
    pub unless: Option<Pattern>,
    /// Headline for this case when it differs from the category's.
    pub summary: Option<&'static str>,
    /// How sure a match of this rule is, 0–1.
    pub confidence: f32,
}

/// A category of clause, with everything a reader is shown about it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Category {
    /// Stable id, e.g. `"arbitration"` (a contract with the extension).
    pub id: &'static str,
    /// Terms or privacy.
    pub group: Group,
    /// Short title, e.g. "Forced arbitration".
    pub title: &'static str,
    /// One line a non-lawyer understands, describing the risky case.
    pub summary: &'static str,
    /// What it means and why it matters, a short paragraph.
    pub explanation: &'static str,
    /// What the reader can do about it; may be empty.
    pub actions: &'static [&'static str],
    /// Severity used by the grade, 1 (minor) to 3 (serious).
    pub weight: u8,
    /// Lower-case substrings, one of which a clause must contain before the
    /// rules are tried (a fast prefilter, not a match on its own).
    #[serde(skip)]
    pub triggers: &'static [&'static str],
    /// Pattern that vetoes every rule when it matches the sentence.
    #[serde(skip)]
    pub unless: Option<Pattern>,
    /// Laws engaged, with their jurisdictions.
    pub regulations: &'static [Regulation],
    /// The rules, in the order they are tried.
    #[serde(skip)]
    pub rules: &'static [Rule],
}

/// An example sentence from a category file: with `risk`, one that must be
/// flagged at exactly that risk; without, one that must not be flagged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Example {
    /// Index into [`CATEGORIES`].
    pub category: usize,
    /// The sentence, written for this project.
    pub text: &'static str,
    /// The expected risk, or `None` for "must not flag".
    pub risk: Option<Risk>,
}

include!(concat!(env!("OUT_DIR"), "/taxonomy.rs"));

/// What the classifier's gate needs from every regex of the taxonomy (the
/// literals its matches contain and start with), derived by `build.rs`; the
/// layout is `findings::classifier::facts`'s.
pub static GATE_FACTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gate_facts.bin"));

/// Looks a category up by id.
pub fn category(id: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.id == id)
}

/// Index of a category in [`CATEGORIES`], by id.
pub fn index_of(id: &str) -> Option<usize> {
    CATEGORIES.iter().position(|c| c.id == id)
}
