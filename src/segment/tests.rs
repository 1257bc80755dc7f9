use super::*;

fn split(text: &str) -> Vec<&str> {
    sentences(text).into_iter().map(|r| &text[r]).collect()
}

#[test]
fn abbreviations_do_not_end_sentences() {
    assert_eq!(
        split("We share data with Acme Inc. and its affiliates, e.g. Foo Ltd. in the U.S. We never sell it."),
        vec!["We share data with Acme Inc. and its affiliates, e.g. Foo Ltd. in the U.S.", "We never sell it."]
    );
}

#[test]
fn company_suffix_then_new_sentence() {
    assert_eq!(split("Provided by Acme, Inc. We collect data."), vec!["Provided by Acme, Inc.", "We collect data."]);
}

#[test]
fn list_items_without_full_stops_and_headings() {
    let text = "Information we collect\n- your name\n- your email address\n1. We use it to\nprovide the service.";
    assert_eq!(
        split(text),
        vec!["Information we collect", "- your name", "- your email address", "1. We use it to\nprovide the service."]
    );
}

#[test]
fn all_caps_disclaimers() {
    let text = "THE SERVICE IS PROVIDED \"AS IS.\" IN NO EVENT WILL ACME INC. BE LIABLE. YOU AGREE.";
    assert_eq!(split(text), vec!["THE SERVICE IS PROVIDED \"AS IS.\"", "IN NO EVENT WILL ACME INC. BE LIABLE.", "YOU AGREE."]);
}

#[test]
fn semicolons_split_clauses_but_not_sentences() {
    let s = "We may suspend your account; we will tell you why; and you may appeal.";
    let parts: Vec<&str> = clauses(s).into_iter().map(|r| &s[r]).collect();
    assert_eq!(parts, vec!["We may suspend your account;", "we will tell you why;", "and you may appeal."]);
}

#[test]
fn decimals_urls_and_question_marks() {
    assert_eq!(
        split("Fees are 3.5 percent. See example.com for more! Questions? Email us."),
        vec!["Fees are 3.5 percent.", "See example.com for more!", "Questions?", "Email us."]
    );
}

#[test]
fn table_cells_flattened_to_text() {
    assert_eq!(split("Category | Purpose | Retention\tName | Billing"), vec!["Category |", "Purpose |", "Retention", "Name |", "Billing"]);
}

#[test]
fn unicode_text_keeps_exact_offsets() {
    let text = "Nous 😀 collectons vos données. 我们不会出售您的数据。 مرحبا بكم. We sell nothing.";
    for r in sentences(text) {
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    assert_eq!(split(text).last(), Some(&"We sell nothing."));
}

#[test]
fn segments_never_cross_blocks() {
    let doc = Document::from_blocks(["Heading without stop", "First sentence. Second; third."]);
    let segs = segment(&doc);
    let texts: Vec<(&str, usize)> = segs.iter().map(|s| (&doc.text()[s.start..s.end], s.block)).collect();
    assert_eq!(texts, vec![("Heading without stop", 0), ("First sentence.", 1), ("Second;", 1), ("third.", 1)]);
    assert_eq!(&doc.text()[segs[3].sentence.clone()], "Second; third.");
}

#[test]
fn empty_and_punctuation_only_input() {
    assert!(sentences("").is_empty());
    assert!(sentences(" \n\n ... ;; ").is_empty());
}

#[test]
fn headings_are_recognised_but_list_items_are_not() {
    assert!(is_heading("Dispute Resolution"));
    assert!(is_heading("12. ARBITRATION"));
    assert!(is_heading("Limitation of Liability"));
    assert!(!is_heading("precise location"));
    assert!(!is_heading("We may sell your data."));
    assert!(!is_heading("Arbitration is binding and final for all users here"));
}

#[test]
fn hyphenated_abbreviations() {
    assert_eq!(
        split("We rely on the EU-U.S. DPF and the Swiss-U.S. DPF. We also use clauses."),
        vec!["We rely on the EU-U.S. DPF and the Swiss-U.S. DPF.", "We also use clauses."]
    );
}

#[test]
fn heading_blocks_make_headings_unless_paragraph_long() {
    use crate::blocks::BlockKind::{Heading, ListItem, Paragraph, Unknown};
    let long = format!("Your account. {}", "We may close it at any time for any reason. ".repeat(4));
    let blocks = ["Your account", "Your account", "Contact Us", "To show you ads, we:", long.as_str()];
    let doc = Document::with_kinds(blocks, vec![Heading, Unknown, ListItem, Heading, Heading]).unwrap();
    let got: Vec<(usize, bool)> = segment(&doc).iter().map(|s| (s.block, s.heading)).collect();
    // Sentence case: a heading only because its block is one. A list item,
    // a lead-in and a paragraph-long "heading" are read by the text rules.
    assert_eq!(got[..4], [(0, true), (1, false), (2, true), (3, false)]);
    assert!(got[4..].iter().all(|&(b, h)| b == 4 && !h), "{got:?}");
    assert!(segment(&doc)[4..].iter().all(|s| s.kind == Paragraph));
}
