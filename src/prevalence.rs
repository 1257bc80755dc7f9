//! How common each category is in real policies: the context on a card
//! ("Found in 17 of 24 privacy policies we analysed; 3 of them let you opt
//! out").
//!
//! The table is computed by `clausemark prevalence` running this crate's own
//! classifier over the latest privacy policies and terms of 24 large
//! services, and committed as `src/prevalence.tsv`, which the build embeds.
//! Regenerate it whenever the classifier changes (`tests/prevalence.rs`
//! fails, naming the command, when it is stale):
//!
//! ```text
//! cargo run -- prevalence ../shared/corpus/policies/latest --out src/prevalence.tsv
//! ```
//!
//! Data credit: the documents come from Open Terms Archive
//! (<https://opentermsarchive.org>, `github.com/OpenTermsArchive/contrib-versions`),
//! whose data is distributed under the Open Data Commons Attribution License
//! (ODC-BY 1.0), © Open Terms Archive contributors. The texts themselves
//! belong to each service; only these counts, derived by our classifier,
//! are kept.
//!
//! Format (tab-separated, `#` lines are comments): one row per category and
//! document kind, with the counts of [`Row`] in field order. TSV, not JSON,
//! because the wasm build carries no JSON parser and a dozen lines of
//! splitting are smaller than one.

use std::sync::OnceLock;

use serde::Serialize;

use crate::findings::Risk;
use crate::report::{Analysis, DocKind};
use crate::taxonomy::{self, CATEGORIES};

/// The committed table, as text.
pub static TABLE_TSV: &str = include_str!("prevalence.tsv");

/// The column header of the table.
pub const HEADER: &str = "category\tkind\tdocuments\tcontaining\tgood\tneutral\tcaution\tbad\tworst_good\tworst_neutral\tworst_caution\tworst_bad";

/// Document counts per risk level, good to bad.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PerRisk {
    /// Documents counted at `good`.
    pub good: u32,
    /// Documents counted at `neutral`.
    pub neutral: u32,
    /// Documents counted at `caution`.
    pub caution: u32,
    /// Documents counted at `bad`.
    pub bad: u32,
}

impl PerRisk {
    fn bump(&mut self, risk: Risk) {
        match risk {
            Risk::Good => self.good += 1,
            Risk::Neutral => self.neutral += 1,
            Risk::Caution => self.caution += 1,
            Risk::Bad => self.bad += 1,
        }
    }

    /// The count at `risk`.
    pub fn get(&self, risk: Risk) -> u32 {
        match risk {
            Risk::Good => self.good,
            Risk::Neutral => self.neutral,
            Risk::Caution => self.caution,
            Risk::Bad => self.bad,
        }
    }
}

/// One category among the documents of one kind.
///
/// Invariants: `containing ≤ documents`; each count of `at_risk` is
/// `≤ containing` (a document may count at several risks); the counts of
/// `worst` add up to `containing` (each document counts once, at its worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Category id.
    pub category: &'static str,
    /// `PrivacyPolicy` or `Terms` (documents detected as other are left out).
    pub kind: DocKind,
    /// Documents of this kind analysed.
    pub documents: u32,
    /// Documents of this kind with at least one finding of the category.
    pub containing: u32,
    /// Documents with at least one finding of the category at each risk
    /// ("3 of them let you opt out": the category's opt-out rule is `caution`).
    pub at_risk: PerRisk,
    /// Documents by the worst risk among their findings of the category.
    pub worst: PerRisk,
}

/// Counts, for every category and for privacy policies and terms, the
/// documents of `analyses` that contain it (see [`Row`]). Rows come in
/// taxonomy order, privacy policies first.
pub fn compute<'a>(analyses: impl IntoIterator<Item = &'a Analysis>) -> Vec<Row> {
    let kinds = [DocKind::PrivacyPolicy, DocKind::Terms];
    let mut rows: Vec<Row> = CATEGORIES
        .iter()
        .flat_map(|c| {
            kinds.map(|kind| Row {
                category: c.id,
                kind,
                documents: 0,
                containing: 0,
                at_risk: PerRisk::default(),
                worst: PerRisk::default(),
            })
        })
        .collect();
    for a in analyses {
        let Some(k) = kinds.iter().position(|&k| k == a.kind) else { continue };
        for (ci, _) in CATEGORIES.iter().enumerate() {
            let row = &mut rows[ci * kinds.len() + k];
            row.documents += 1;
            let mut seen = [false; 4];
            for f in a.findings.iter().filter(|f| f.category == row.category) {
                seen[f.risk as usize] = true;
            }
            if let Some(worst) = Risk::ALL.iter().rev().find(|&&r| seen[r as usize]) {
                row.containing += 1;
                row.worst.bump(*worst);
                for r in Risk::ALL.iter().filter(|&&r| seen[r as usize]) {
                    row.at_risk.bump(*r);
                }
            }
        }
    }
    rows
}

/// The table as TSV with a comment header naming its source and how to
/// regenerate it; `documents` says what was read (e.g. "48 files of
/// policies/latest").
pub fn to_tsv(rows: &[Row], documents: &str) -> String {
    let mut out = String::new();
    out.push_str("# Prevalence of each category in real policies, counted by Clausemark's own classifier.\n");
    out.push_str(&format!("# Documents: {documents}, from Open Terms Archive (ODC-BY 1.0, (c) Open Terms Archive contributors).\n"));
    out.push_str("# Regenerate: cargo run -- prevalence ../shared/corpus/policies/latest --out src/prevalence.tsv\n");
    out.push_str(HEADER);
    out.push('\n');
    for r in rows {
        let p = |x: &PerRisk| format!("{}\t{}\t{}\t{}", x.good, x.neutral, x.caution, x.bad);
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            r.category,
            r.kind.as_str(),
            r.documents,
            r.containing,
            p(&r.at_risk),
            p(&r.worst)
        ));
    }
    out
}

/// Parses a table written by [`to_tsv`]; the error names the line.
pub fn parse(tsv: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut header = false;
    for (n, line) in tsv.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !header {
            if line != HEADER {
                return Err(format!("line {n}: expected the header {HEADER:?}"));
            }
            header = true;
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 12 {
            return Err(format!("line {n}: {} fields, expected 12", f.len()));
        }
        let category = taxonomy::category(f[0]).ok_or_else(|| format!("line {n}: unknown category {:?}", f[0]))?.id;
        let kind = match f[1] {
            "privacy_policy" => DocKind::PrivacyPolicy,
            "terms" => DocKind::Terms,
            k => return Err(format!("line {n}: unknown kind {k:?}")),
        };
        let mut nums = [0u32; 10];
        for (slot, text) in nums.iter_mut().zip(&f[2..]) {
            *slot = text.parse().map_err(|_| format!("line {n}: {text:?} is not a count"))?;
        }
        let per = |k: usize| PerRisk { good: nums[k], neutral: nums[k + 1], caution: nums[k + 2], bad: nums[k + 3] };
        let row = Row { category, kind, documents: nums[0], containing: nums[1], at_risk: per(2), worst: per(6) };
        let worst_sum = row.worst.good + row.worst.neutral + row.worst.caution + row.worst.bad;
        if row.containing > row.documents || worst_sum != row.containing || Risk::ALL.iter().any(|&r| row.at_risk.get(r) > row.containing) {
            return Err(format!("line {n}: inconsistent counts"));
        }
        rows.push(row);
    }
    if header {
        Ok(rows)
    } else {
        Err("no header line".into())
    }
}

/// The embedded table, parsed once. Empty if it does not parse (a unit test
/// keeps the committed file parseable, so that never ships).
pub fn table() -> &'static [Row] {
    static TABLE: OnceLock<Vec<Row>> = OnceLock::new();
    TABLE.get_or_init(|| parse(TABLE_TSV).unwrap_or_default())
}

/// The embedded row for `category` among documents of `kind`.
pub fn row(category: &str, kind: DocKind) -> Option<&'static Row> {
    table().iter().find(|r| r.category == category && r.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_table_parses_and_covers_every_category_and_kind() {
        let rows = parse(TABLE_TSV).expect("src/prevalence.tsv parses");
        assert_eq!(rows.len(), CATEGORIES.len() * 2);
        for c in CATEGORIES.iter() {
            assert!(row(c.id, DocKind::PrivacyPolicy).is_some() && row(c.id, DocKind::Terms).is_some(), "{}", c.id);
        }
    }

    #[test]
    fn counts_documents_once_per_risk_and_once_at_worst() {
        let a = crate::analyze_text(
            "Privacy Policy. We collect your name and email. We may sell your personal information to partners. \
             We do not sell your personal information to data brokers. We share your data with advertisers.",
        );
        assert_eq!(a.kind, DocKind::PrivacyPolicy);
        let rows = compute([&a, &a]);
        let sale = rows.iter().find(|r| r.category == "data_sale" && r.kind == DocKind::PrivacyPolicy).unwrap();
        assert_eq!((sale.documents, sale.containing), (2, 2));
        assert_eq!((sale.at_risk.good, sale.at_risk.bad), (2, 2));
        assert_eq!((sale.worst.bad, sale.worst.good), (2, 0));
        let terms = rows.iter().find(|r| r.category == "data_sale" && r.kind == DocKind::Terms).unwrap();
        assert_eq!(terms.documents, 0);
        let back = parse(&to_tsv(&rows, "test")).unwrap();
        assert_eq!(back, rows);
        assert!(parse("nonsense").is_err());
    }
}
