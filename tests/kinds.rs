//! Where a list ends when the page says what each block is: a heading
//! element ends it even in sentence case, and a paragraph after list items
//! ends it even when the last item starts with an enumerator. Read on the
//! fixture page tests/fixtures/pages/list-structure.html, which the browser
//! test (tests/e2e/annotate.test.mjs) annotates too; read from the text
//! alone (every block of unknown kind), the same page gets both wrong.

use clausemark::input::{to_blocks, to_document, Format};
use clausemark::report::analyze;
use clausemark::{Analysis, BlockKind, Document};

const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages/list-structure.html");
/// Under the sentence-case `<h2>Your account</h2>` after the first list
/// (whose items are `<p>`s: only the heading ends it).
const AFTER_HEADING: &str = "We may close your account if you have not used it for two years.";
/// The `<p>` after `<li>(c) loss of data.</li>`.
const AFTER_ITEMS: &str = "You can ask us for a copy of your data by writing to our support team.";
const ITEM: &str = "(a) delays caused by your network;";
/// Under `<div role="heading">Payments and refunds</div>` after the third list.
const AFTER_ROLE_HEADING: &str = "We may suspend your subscription if a payment fails.";

fn page() -> String {
    std::fs::read_to_string(PAGE).expect("tests/fixtures/pages/list-structure.html")
}

/// Whether `a` flags limitation of liability on `text` or names a lead-in for it.
fn inherits(a: &Analysis, text: &str) -> bool {
    a.findings.iter().any(|f| f.text == text && ((f.category == "limitation_of_liability" && f.risk.is_flag()) || f.lead_in.is_some()))
}

#[test]
fn the_page_structure_ends_lists_the_text_would_run_on() {
    let doc = to_document(&page(), Format::Html);
    assert!(doc.kinds().contains(&BlockKind::Heading) && doc.kinds().contains(&BlockKind::ListItem));
    let a = analyze(&doc);
    assert!(!inherits(&a, AFTER_HEADING), "a heading ends the list: {:#?}", a.findings);
    assert!(!inherits(&a, AFTER_ITEMS), "a paragraph after list items ends the list: {:#?}", a.findings);
    assert!(!inherits(&a, AFTER_ROLE_HEADING), "so does a box with role=heading: {:#?}", a.findings);
    // The items themselves still inherit.
    let item = a.findings.iter().find(|f| f.text == ITEM && f.category == "limitation_of_liability");
    assert!(item.is_some_and(|f| f.lead_in.is_some()), "{ITEM:?} is flagged because of its lead-in: {:#?}", a.findings);
}

#[test]
fn read_from_the_text_alone_the_same_page_runs_the_lists_on() {
    let a = analyze(&Document::from_blocks(to_blocks(&page(), Format::Html)));
    assert!(inherits(&a, AFTER_HEADING), "{:#?}", a.findings);
    assert!(inherits(&a, AFTER_ITEMS), "{:#?}", a.findings);
    assert!(inherits(&a, AFTER_ROLE_HEADING), "{:#?}", a.findings);
}

#[test]
fn markdown_marks_the_same_structure() {
    let md = "We’re not liable for:\n\n(a) any indirect damages;\n\n(b) loss of profits or revenue\n\n## Your account\n\n\
              We may close your account if you have not used it for two years.\n\n\
              To the fullest extent permitted by law, we are not responsible for:\n\n\
              - (a) delays caused by your network;\n- (b) outages of third-party services;\n- (c) loss of data.\n\n\
              You can ask us for a copy of your data by writing to our support team.\n";
    let kinded = analyze(&to_document(md, Format::Markdown));
    let plain = analyze(&Document::from_blocks(to_blocks(md, Format::Markdown)));
    for text in [AFTER_HEADING, AFTER_ITEMS] {
        assert!(!inherits(&kinded, text), "{text:?}: {:#?}", kinded.findings);
        assert!(inherits(&plain, text), "{text:?} read from the text alone: {:#?}", plain.findings);
    }
}

#[test]
fn plain_text_and_unknown_kinds_read_as_before() {
    let text = page();
    assert_eq!(to_document(&text, Format::Text), Document::from_text(&text));
    let blocks = to_blocks(&text, Format::Html);
    let unknown = Document::with_kinds(&blocks, vec![BlockKind::Unknown; blocks.len()]).expect("one kind per block");
    assert_eq!(analyze(&unknown), analyze(&Document::from_blocks(&blocks)));
}
