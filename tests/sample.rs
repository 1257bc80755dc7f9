//! The bundled sample policy (`samples/lumio-policy.html`, written for this
//! project) exercises every category: `make demo` shows all of them.

use clausemark::input::{guess_format, to_blocks};
use clausemark::taxonomy::CATEGORIES;
use clausemark::DocKind;

#[test]
fn sample_policy_shows_every_category() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/lumio-policy.html");
    let text = std::fs::read_to_string(path).expect("samples/lumio-policy.html");
    let a = clausemark::analyze_blocks(&to_blocks(&text, guess_format(path, &text)));
    let missing: Vec<&str> =
        CATEGORIES.iter().map(|c| c.id).filter(|id| !a.findings.iter().any(|f| f.category == *id)).collect();
    assert!(missing.is_empty(), "the sample policy no longer shows: {missing:?}");
    assert_ne!(a.kind, DocKind::Other);
    assert!(a.grade.is_some());
}

#[test]
fn run_in_headings_are_titles_not_clauses() {
    // "<p><strong>15.3 Class action and jury trial waiver.</strong> You and
    // Lumio may bring claims …": the bold title names the clause; the
    // sentence after it makes it, and only that sentence is flagged.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/lumio-policy.html");
    let text = std::fs::read_to_string(path).expect("samples/lumio-policy.html");
    let a = clausemark::analyze_blocks(&to_blocks(&text, guess_format(path, &text)));
    let on = |needle: &str| -> Vec<&str> { a.findings.iter().filter(|f| f.text.contains(needle)).map(|f| f.category).collect() };
    assert_eq!(on("Class action and jury trial waiver"), Vec::<&str>::new());
    assert!(on("individual capacity").contains(&"class_action_waiver"), "{:?}", on("individual capacity"));
}
