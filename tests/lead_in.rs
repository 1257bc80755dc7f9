//! A list item flagged because of the sentence that introduces its list
//! says so (`Finding::lead_in`), with that sentence's exact place; a
//! finding that stands on its own does not. Read on the fixture page
//! tests/fixtures/pages/list-lead-in.html, which the browser test
//! (tests/e2e/annotate.test.mjs) annotates too.

use clausemark::input::{guess_format, to_blocks};
use clausemark::{analyze_blocks, Analysis, Document};

const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages/list-lead-in.html");
const LEAD_IN: &str = "We’re not liable for:";
const INHERITED: &str = "(c) interruptions of the service.";
/// The second list's lead-in (133 characters) and its three items.
const LONG_LEAD_IN: &str = "Without limiting any of our other rights under these terms or the law, we may suspend or terminate your access to the services if:";
const TERMINATION_ITEMS: [&str; 3] = [
    "you materially or repeatedly breach these terms;",
    "we are required to do so to comply with a legal requirement or a court order;",
    "we reasonably believe that your conduct causes harm to another user.",
];

fn page_blocks() -> Vec<String> {
    let html = std::fs::read_to_string(PAGE).expect("tests/fixtures/pages/list-lead-in.html");
    to_blocks(&html, guess_format(PAGE, &html))
}

/// Whether `analysis` flags `category` (caution or bad) on the clause `text`.
fn flags(analysis: &Analysis, category: &str, text: &str) -> bool {
    analysis.findings.iter().any(|f| f.category == category && f.text == text && f.risk.is_flag())
}

#[test]
fn an_item_flagged_because_of_its_lead_in_names_it_at_its_exact_offsets() {
    let blocks = page_blocks();
    let a = analyze_blocks(&blocks);
    let doc = Document::from_blocks(&blocks);
    let text = doc.text();

    let item = a
        .findings
        .iter()
        .find(|f| f.category == "limitation_of_liability" && f.text == INHERITED)
        .unwrap_or_else(|| panic!("{INHERITED:?} is flagged as limitation of liability: {:#?}", a.findings));
    let lead = item.lead_in.as_ref().unwrap_or_else(|| panic!("{INHERITED:?} names its lead-in: {item:#?}"));
    let start = text.find(LEAD_IN).expect("the lead-in is in the page");
    assert_eq!(lead.text, LEAD_IN);
    assert_eq!((lead.span.start, lead.span.end), (start, start + LEAD_IN.len()), "byte offsets");
    // "—" and "’" before it: UTF-16 offsets differ from byte offsets here.
    assert_eq!(lead.span.start_utf16, text[..start].encode_utf16().count(), "UTF-16 start");
    assert_eq!(lead.span.end_utf16, text[..start + LEAD_IN.len()].encode_utf16().count(), "UTF-16 end");
    assert_ne!(lead.span.start_utf16, lead.span.start);
    assert_eq!(blocks[lead.span.block], LEAD_IN, "its block");
    assert_eq!((lead.span.block_start_utf16, lead.span.block_end_utf16), (0, LEAD_IN.encode_utf16().count()));
    assert!(lead.span.block < item.span.block, "the lead-in comes before its item");

    // Alone, the item is not about liability: the flag is its lead-in's.
    assert!(!flags(&analyze_blocks(&[INHERITED]), "limitation_of_liability", INHERITED));
}

/// Exactly the findings whose clause would not be flagged alone carry a
/// lead-in: the lead-in sentences themselves, an item that flags on its
/// own ("(b) loss of data;") and a clause between the lists carry none.
#[test]
fn only_findings_that_need_the_lead_in_carry_it() {
    let a = analyze_blocks(&page_blocks());
    let flagged: Vec<_> = a.findings.iter().filter(|f| f.risk.is_flag()).collect();
    assert!(flagged.len() >= 4, "the lead-in, items and the termination clause are flagged: {flagged:#?}");
    for f in &flagged {
        let alone = flags(&analyze_blocks(&[f.text.as_str()]), f.category, &f.text);
        assert_eq!(f.lead_in.is_some(), !alone, "{} on {:?} (flagged alone: {alone}): {:?}", f.category, f.text, f.lead_in);
    }
    for own in [LEAD_IN, LONG_LEAD_IN, "(b) loss of data;"] {
        let f = flagged.iter().find(|f| f.text == own).unwrap_or_else(|| panic!("{own:?} is flagged"));
        assert!(f.lead_in.is_none(), "{own:?} stands on its own: {f:#?}");
    }
    let own_termination = "We may terminate your account at any time without notice.";
    assert!(flagged.iter().any(|f| f.text == own_termination && f.lead_in.is_none()), "{flagged:#?}");
}

/// The JSON (CLI `analyze --json`) has `lead_in` only where there is one, so
/// other findings serialise as before.
#[test]
fn lead_in_is_serialised_only_when_present() {
    let a = analyze_blocks(&page_blocks());
    let json = serde_json::to_value(&a).expect("an analysis serialises");
    let findings = json["findings"].as_array().expect("findings");
    let with: Vec<(&str, &str)> = findings
        .iter()
        .filter_map(|f| Some((f["text"].as_str()?, f.get("lead_in")?["text"].as_str()?)))
        .collect();
    let mut want = vec![(INHERITED, LEAD_IN)];
    want.extend(TERMINATION_ITEMS.map(|t| (t, LONG_LEAD_IN)));
    assert_eq!(with, want);
    let lead = findings.iter().find_map(|f| f.get("lead_in")).expect("a lead_in");
    // The span's fields beside the text (serde_json's map lists them sorted).
    let keys: Vec<&str> = lead.as_object().expect("an object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["block", "block_end_utf16", "block_start_utf16", "end", "end_utf16", "start", "start_utf16", "text"]);
}
