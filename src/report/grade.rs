//! The page grade, A (best) to E (worst), derived from the findings.
//!
//! Each category counts once, at its worst risk in the document, times its
//! weight (1–3, from the taxonomy): `bad` costs 3 points a weight, `caution`
//! 1, `neutral` nothing, and a `good` finding earns 1 back. The net points
//! map to a letter:
//!
//! | grade | net points            |
//! |-------|-----------------------|
//! | A     | ≤ 0 and nothing `bad` |
//! | B     | ≤ 6                   |
//! | C     | ≤ 14                  |
//! | D     | ≤ 26                  |
//! | E     | more                  |
//!
//! A category whose worst finding is `good` counts as good, so "we never
//! sell your data" beside "we share it with advertisers" still costs the
//! sharing.

use serde::Serialize;

use crate::findings::{Finding, Risk};
use crate::taxonomy;

/// A letter grade for a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Grade {
    /// Respects the reader; nothing clearly unfair.
    A,
    /// Minor concerns.
    B,
    /// Several concerns worth reading.
    C,
    /// Serious concerns.
    D,
    /// Many serious concerns.
    E,
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
        })
    }
}

/// How the grade was reached, for the summary's "how was this derived".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GradeBasis {
    /// Points lost to `bad` and `caution` categories (weighted).
    pub penalty: u32,
    /// Points earned back by `good` categories (weighted).
    pub credit: u32,
    /// Categories whose worst finding is `bad`.
    pub bad_categories: u32,
}

impl GradeBasis {
    /// Net points: penalty minus credit (may be negative).
    pub fn net(&self) -> i64 {
        i64::from(self.penalty) - i64::from(self.credit)
    }
}

/// Grades a set of findings (see the module docs for the scale).
pub fn grade(findings: &[Finding]) -> (Grade, GradeBasis) {
    let mut worst: Vec<(&str, Risk)> = Vec::new();
    for f in findings {
        match worst.iter_mut().find(|(c, _)| *c == f.category) {
            Some((_, r)) => *r = (*r).max(f.risk),
            None => worst.push((f.category, f.risk)),
        }
    }
    let mut basis = GradeBasis { penalty: 0, credit: 0, bad_categories: 0 };
    for (cat, risk) in worst {
        let w = u32::from(taxonomy::category(cat).map_or(1, |c| c.weight));
        match risk {
            Risk::Bad => {
                basis.penalty += 3 * w;
                basis.bad_categories += 1;
            }
            Risk::Caution => basis.penalty += w,
            Risk::Neutral => {}
            Risk::Good => basis.credit += w,
        }
    }
    let net = basis.net();
    let g = if net <= 0 && basis.bad_categories == 0 {
        Grade::A
    } else if net <= 6 {
        Grade::B
    } else if net <= 14 {
        Grade::C
    } else if net <= 26 {
        Grade::D
    } else {
        Grade::E
    };
    (g, basis)
}
