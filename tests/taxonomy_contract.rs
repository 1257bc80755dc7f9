//! The category ids are a contract with the extension, the benchmarks and
//! the release checks: all of them exist, with every text a reader sees.

use clausemark::taxonomy::{Group, CATEGORIES};

const TERMS: [&str; 16] = [
    "arbitration", "class_action_waiver", "unilateral_change", "unilateral_termination", "content_removal",
    "contract_by_using", "choice_of_law", "jurisdiction", "limitation_of_liability", "indemnification",
    "limitation_period", "content_license", "public_by_default", "no_refunds", "auto_renewal", "account_deletion",
];
const PRIVACY: [&str; 20] = [
    "ai_training", "ad_sharing", "data_sale", "profiling", "third_party_sharing", "third_party_sources",
    "sensitive_data", "location", "tracking", "do_not_track", "retention", "international_transfer",
    "business_transfer", "law_enforcement", "user_rights", "opt_out", "children", "security", "marketing",
    "private_messages",
];

#[test]
fn all_36_contract_ids_exist_in_their_group() {
    let missing: Vec<&str> = TERMS
        .iter()
        .chain(PRIVACY.iter())
        .copied()
        .filter(|id| clausemark::taxonomy::category(id).is_none())
        .collect();
    assert!(missing.is_empty(), "missing categories: {missing:?}");
    assert_eq!(CATEGORIES.len(), 36);
    for c in CATEGORIES {
        let want = if TERMS.contains(&c.id) { Group::Terms } else { Group::Privacy };
        assert_eq!(c.group, want, "{} is in the wrong group", c.id);
    }
}

#[test]
fn every_category_speaks_to_the_reader() {
    for c in CATEGORIES {
        assert!(!c.summary.is_empty() && !c.explanation.is_empty() && !c.title.is_empty(), "{}", c.id);
        assert!(c.summary.len() <= 120, "{}: summary is longer than one line", c.id);
        assert!(!c.regulations.is_empty(), "{}: no regulation", c.id);
        for r in c.regulations {
            assert!(!r.jurisdictions.is_empty(), "{}: {} has no jurisdiction", c.id, r.law);
        }
    }
}
