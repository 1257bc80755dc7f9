//! Tests of the list context: the text rules, and block kinds over them.

use super::*;

#[test]
fn enumerators() {
    for s in ["(a) any loss;", "( iv ) the service", "2. Fees", "b) if you breach", "iv. conduct", "• photos", "- item", "  (12) x"] {
        assert!(starts_with_enumerator(s), "{s}");
    }
    for s in ["No. 1 rule", "We. are", "(including negligence) or", "2.5 GB", "U.S. law", "-5 degrees", "(abcde) x", "Item one"] {
        assert!(!starts_with_enumerator(s), "{s}");
    }
}

/// Reads `sentences` and says, per sentence, which lead-in (its index)
/// it is an item of.
fn leads(sentences: &[&str]) -> Vec<Option<usize>> {
    let mut ctx = ListContext::default();
    sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let lead = ctx.lead(BlockKind::Unknown).copied();
            ctx.read(s, crate::segment::is_heading(s), BlockKind::Unknown, || i);
            lead
        })
        .collect()
}

#[test]
fn items_follow_their_lead_in_until_the_list_ends() {
    let doc = [
        "We are not liable for:",
        "(a) any indirect damages;",
        "(b) loss of data.",
        "(c) loss of profit",
        "This sentence ends normally.",
        "Nor is this one an item.",
    ];
    assert_eq!(leads(&doc), [None, Some(0), Some(0), Some(0), Some(0), None]);
    // Unpunctuated bullet items without enumerators; a nested lead-in.
    let doc = ["We may remove:", "photos", "any claim arising from:", "your use", "Fees apply."];
    assert_eq!(leads(&doc), [None, Some(0), Some(0), Some(2), Some(2)]);
    // A heading ends a list.
    assert_eq!(leads(&["Includes:", "Limitation of Liability", "We are liable."]), [None, Some(0), None]);
}

#[test]
fn items_take_the_higher_score_of_their_own_lead_in() {
    let mut ctx = ListContext::default();
    let mut read = |s: &str, scores: &[f32]| {
        let mut v = scores.to_vec();
        ctx.score(s, false, BlockKind::Unknown, &mut v, || ());
        v
    };
    assert_eq!(read("We are not liable for:", &[0.9, -1.0]), [0.9, -1.0]);
    assert_eq!(read("(a) loss of data;", &[-0.5, 0.2]), [0.9, 0.2]);
    assert_eq!(read("(b) any claim arising from:", &[-0.8, -0.9]), [0.9, -0.9], "an item of the outer list");
    assert_eq!(read("(i) your use of the service;", &[-0.7, -0.1]), [-0.7, -0.1], "the inner lead-in's own scores");
    assert_eq!(read("Fees are due monthly.", &[-1.0, -1.0]), [-0.8, -0.9], "the last item");
    assert_eq!(read("Fees are due monthly.", &[-1.0, -1.0]), [-1.0, -1.0], "no longer an item");
}

#[test]
fn items_are_told_where_their_lead_in_is() {
    let mut ctx: ListContext<Lead<usize>> = ListContext::default();
    let doc = ["We are not liable for:", "(a) loss of data;", "(b) any claim arising from:", "(i) your use;", "Fees are due.", "Not an item."];
    let got: Vec<Option<usize>> = doc.iter().enumerate().map(|(i, s)| ctx.score(s, false, BlockKind::Unknown, &mut [0.0], || i)).collect();
    assert_eq!(got, [None, Some(0), Some(0), Some(2), Some(2), None]);
}

#[test]
fn lists_end_after_max_items() {
    let mut doc = vec!["The following:"];
    doc.extend(std::iter::repeat_n("an item;", 30));
    let got = leads(&doc);
    assert_eq!(got.iter().filter(|l| l.is_some()).count(), usize::from(MAX_ITEMS));
}

#[test]
fn closing_sentences() {
    assert!(closes_lists("We may suspend your account.", false, BlockKind::Unknown));
    assert!(closes_lists("“Terms” means these terms.”", false, BlockKind::Unknown));
    assert!(closes_lists("Limitation of Liability", true, BlockKind::Unknown));
    assert!(!closes_lists("(b) loss of data.", false, BlockKind::Unknown));
    assert!(!closes_lists("loss of data;", false, BlockKind::Unknown));
    assert!(!closes_lists("as follows:", false, BlockKind::Unknown));
    assert!(!closes_lists("loss of revenue; 7.5.2.", false, BlockKind::Unknown), "the next item's number");
    assert!(closes_lists("as described in section 7.5.", false, BlockKind::Unknown));
    assert!(closes_lists("We may suspend your account.", false, BlockKind::Paragraph));
    assert!(!closes_lists("We may suspend your account.", false, BlockKind::ListItem), "the next list item continues");
    assert!(!closes_lists("Contact Information", true, BlockKind::ListItem));
    assert!(closes_lists("Your account", true, BlockKind::Heading));
}

/// Like `leads`, for sentences of blocks of the given kinds (a heading
/// block's sentences are headings).
fn leads_of(doc: &[(&str, BlockKind)]) -> Vec<Option<usize>> {
    let mut ctx = ListContext::default();
    let mut out = Vec::new();
    for (i, &(s, kind)) in doc.iter().enumerate() {
        out.push(ctx.lead(kind).copied());
        let heading = kind == BlockKind::Heading || crate::segment::is_heading(s);
        ctx.read(s, heading, kind, || i);
    }
    out
}

#[test]
fn heading_blocks_end_lists() {
    use BlockKind::{Heading, ListItem, Paragraph};
    // Sentence case: the text rule sees no heading and runs the list on.
    let doc = [("We are not liable for:", Paragraph), ("(a) loss of data;", ListItem), ("(b) loss of profit", ListItem), ("Your account", Heading), ("We may terminate your account.", Paragraph)];
    assert_eq!(leads_of(&doc), [None, Some(0), Some(0), Some(0), None]);
    let unknown: Vec<&str> = doc.iter().map(|d| d.0).collect();
    assert_eq!(leads(&unknown), [None, Some(0), Some(0), Some(0), Some(0)], "read from the text alone");
}

#[test]
fn list_item_blocks_are_items_and_paragraphs_after_them_end_the_list() {
    use BlockKind::{ListItem, Paragraph};
    // Items that end with full stops, one of two sentences; then a paragraph
    // after an item the text rule would continue from.
    let doc = [
        ("We are not liable for:", Paragraph),
        ("any indirect damages.", ListItem),
        ("loss of data. This includes backups.", ListItem),
        ("(c) loss of profit.", ListItem),
        ("We may terminate your account.", Paragraph),
    ];
    let sentences: Vec<(&str, BlockKind)> = doc
        .iter()
        .flat_map(|&(t, k)| crate::segment::sentences(t).into_iter().map(move |r| (&t[r], k)))
        .collect();
    assert_eq!(sentences.len(), 6);
    assert_eq!(leads_of(&sentences), [None, Some(0), Some(0), Some(0), Some(0), None]);
    // A list item the text rule ends the list with, then no list item.
    let doc = [("Fees:", Paragraph), ("monthly.", ListItem), ("Not an item.", BlockKind::Unknown)];
    assert_eq!(leads_of(&doc), [None, Some(0), None]);
    // Paragraphs right after the lead-in: the text rules, as before.
    let doc = [("We are not liable for:", Paragraph), ("(a) loss of data;", Paragraph), ("(b) loss of profit.", Paragraph), ("(c) the rest.", Paragraph), ("Fees apply.", Paragraph)];
    assert_eq!(leads_of(&doc), [None, Some(0), Some(0), Some(0), Some(0)]);
    // A title-like list item is an item, and MAX_ITEMS still caps.
    let mut doc = vec![("We collect:", Paragraph), ("Contact Information", ListItem)];
    doc.extend(std::iter::repeat_n(("an item.", ListItem), 30));
    let got = leads_of(&doc);
    assert_eq!(got[1], Some(0));
    assert_eq!(got.iter().filter(|l| l.is_some()).count(), usize::from(MAX_ITEMS));
}

#[test]
fn unknown_blocks_read_as_before() {
    let doc = ["We are not liable for:", "(a) any indirect damages;", "(b) loss of data.", "(c) loss of profit", "This sentence ends normally.", "Nor is this one an item.", "Includes:", "Limitation of Liability", "We are liable."];
    let kinded: Vec<(&str, BlockKind)> = doc.iter().map(|&s| (s, BlockKind::Unknown)).collect();
    let want = [None, Some(0), Some(0), Some(0), Some(0), None, None, Some(6), None];
    assert_eq!(leads_of(&kinded), want);
    assert_eq!(leads(&doc), want);
}

#[test]
fn flattened_numbered_lists() {
    assert_eq!(before_next_enumerator("sanctions we may apply: 1. "), "sanctions we may apply:");
    assert_eq!(before_next_enumerator("loss of revenue; 7.5.2."), "loss of revenue;");
    assert_eq!(before_next_enumerator("a warning, (b)"), "a warning,");
    assert_eq!(before_next_enumerator("a warning, c."), "a warning,");
    for s in ["Share capital: EUR 37,500", "see section 7.5.", "at 14:48:15", "Fees: 20.", "as follows: 1234."] {
        assert_eq!(before_next_enumerator(s), s, "{s}");
    }
    let doc = ["Here is a list of sanctions we may apply: 1.", "Issuance of a warning, 2.", "A temporary ban, 3.", "Closing of your account.", "Fees apply."];
    assert_eq!(leads(&doc), [None, Some(0), Some(0), Some(0), None]);
}
