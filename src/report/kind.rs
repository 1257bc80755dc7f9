//! What kind of document this is: a privacy policy, terms, or neither.
//!
//! A news article about a data breach mentions "personal data" and "law
//! enforcement"; a policy *covers* many topics. So the score rests mostly on
//! how many distinct categories of each group the findings cover, helped by
//! a title naming the document and by the density of the vocabulary policies
//! are written in. Scores are logistic, 0–1; a kind is chosen at ≥ 0.5.

use serde::Serialize;

use crate::findings::Finding;
use crate::taxonomy::{self, Group};

/// The kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A privacy policy, notice or statement.
    PrivacyPolicy,
    /// Terms of service, terms of use, a user agreement.
    Terms,
    /// Anything else: an article, a shop page, a blog post.
    Other,
}

impl DocKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::PrivacyPolicy => "privacy_policy",
            DocKind::Terms => "terms",
            DocKind::Other => "other",
        }
    }
}

/// The detected kind and the scores behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KindScores {
    /// The chosen kind.
    pub kind: DocKind,
    /// Confidence that this is a privacy policy, 0–1.
    pub privacy: f32,
    /// Confidence that these are terms, 0–1.
    pub terms: f32,
}

/// Phrases that name a privacy document.
const PRIVACY_TITLES: &[&str] =
    &["privacy policy", "privacy notice", "privacy statement", "data policy", "privacy center", "cookie policy", "privacy"];
/// Phrases that name terms.
const TERMS_TITLES: &[&str] = &[
    "terms of service", "terms of use", "terms and conditions", "user agreement", "conditions of use",
    "terms & conditions", "terms", "license agreement", "eula",
];
/// Vocabulary whose density marks each kind (counted per 1,000 words).
const PRIVACY_WORDS: &[&str] = &["personal data", "personal information", "we collect", "process your", "cookies"];
const TERMS_WORDS: &[&str] = &["you agree", "these terms", "you may not", "liable", "governed by", "license"];

/// Scores `lower` (the ASCII-lower-cased document text) given its findings.
pub fn detect(lower: &str, findings: &[Finding]) -> KindScores {
    let mut seen = [false; 64];
    let (mut privacy_cats, mut terms_cats) = (0u32, 0u32);
    for f in findings {
        if let Some(i) = taxonomy::index_of(f.category) {
            if i < 64 && !seen[i] {
                seen[i] = true;
                match taxonomy::CATEGORIES[i].group {
                    Group::Privacy => privacy_cats += 1,
                    Group::Terms => terms_cats += 1,
                }
            }
        }
    }
    let head = head(lower, 600);
    let words = lower.split_ascii_whitespace().count().max(1) as f32;
    let density = |list: &[&str]| -> f32 {
        let n: usize = list.iter().map(|p| lower.matches(p).count()).sum();
        (n as f32 * 1000.0 / words).min(30.0)
    };
    let title = |list: &[&str]| -> f32 { if list.iter().any(|t| head.contains(t)) { 1.0 } else { 0.0 } };

    let privacy = logistic(-5.0 + 0.8 * privacy_cats.min(10) as f32 + 1.5 * title(PRIVACY_TITLES) + 0.25 * density(PRIVACY_WORDS));
    let terms = logistic(-5.0 + 0.9 * terms_cats.min(8) as f32 + 1.5 * title(TERMS_TITLES) + 0.25 * density(TERMS_WORDS));
    let kind = if privacy.max(terms) < 0.5 {
        DocKind::Other
    } else if privacy >= terms {
        DocKind::PrivacyPolicy
    } else {
        DocKind::Terms
    };
    KindScores { kind, privacy, terms }
}

fn head(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn logistic(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}
