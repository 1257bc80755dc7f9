//! Runs every "must flag" and "must not flag" example of every category file
//! through the whole pipeline, and reports all failures at once.

use clausemark::taxonomy::{CATEGORIES, EXAMPLES};

#[test]
fn every_category_example_holds() {
    let mut failures = Vec::new();
    for ex in EXAMPLES {
        let cat = &CATEGORIES[ex.category];
        let analysis = clausemark::analyze_text(ex.text);
        let found: Vec<_> = analysis.findings.iter().filter(|f| f.category == cat.id).collect();
        match ex.risk {
            Some(risk) => match found.first() {
                None => failures.push(format!("{}: not flagged: {:?}", cat.id, ex.text)),
                Some(f) if f.risk != risk => failures.push(format!(
                    "{}: flagged {} instead of {}: {:?}",
                    cat.id, f.risk, risk, ex.text
                )),
                Some(_) => {}
            },
            None => {
                if let Some(f) = found.first() {
                    failures.push(format!("{}: flagged ({}) but must not be: {:?}", cat.id, f.risk, ex.text));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_category_has_enough_examples() {
    for (i, cat) in CATEGORIES.iter().enumerate() {
        let flag = EXAMPLES.iter().filter(|e| e.category == i && e.risk.is_some()).count();
        let not = EXAMPLES.iter().filter(|e| e.category == i && e.risk.is_none()).count();
        assert!(flag >= 4 && not >= 4, "{}: {flag} must-flag and {not} must-not-flag examples", cat.id);
    }
}
