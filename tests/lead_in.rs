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
    assert!(lead.span.block < item.block, "the lead-in comes before its item");

    // Alone, the item is not about liability: the flag is its lead-in's.
    assert!(!flags(&analyze_blocks(&[INHERITED]), "limitation_of_liability", INHERITED));
}

/// Exactly the findings whose clause would not be flagged alone carry a
/// lead-in: the lead-in sentence itself, an item that flags on its own
/// ("(b) loss of data;") and a clause after the list carry none.
#[test]
fn only_findings_that_need_the_lead_in_carry_it() {
    let a = analyze_blocks(&page_blocks());
    let flagged: Vec<_> = a.findings.iter().filter(|f| f.risk.is_flag()).collect();
    assert!(flagged.len() >= 4, "the lead-in, items and the termination clause are flagged: {flagged:#?}");
    for f in &flagged {
        let alone = flags(&analyze_blocks(&[f.text.as_str()]), f.category, &f.text);
        assert_eq!(f.lead_in.is_some(), !alone, "{} on {:?} (flagged alone: {alone}): {:?}", f.category, f.text, f.lead_in);
    }
    for own in [LEAD_IN, "(b) loss of data;"] {
        let f = flagged.iter().find(|f| f.text == own).unwrap_or_else(|| panic!("{own:?} is flagged"));
        assert!(f.lead_in.is_none(), "{own:?} stands on its own: {f:#?}");
    }
    assert!(flagged.iter().any(|f| f.category == "unilateral_termination" && f.lead_in.is_none()));
}

/// The JSON (CLI `analyze --json`) has `lead_in` only where there is one, so
/// other findings serialise as before.
#[test]
fn lead_in_is_serialised_only_when_present() {
    let a = analyze_blocks(&page_blocks());
    let json = serde_json::to_value(&a).expect("an analysis serialises");
    let findings = json["findings"].as_array().expect("findings");
    let with: Vec<&str> =
        findings.iter().filter(|f| f.get("lead_in").is_some()).map(|f| f["text"].as_str().unwrap_or("")).collect();
    assert_eq!(with, [INHERITED]);
    let lead = findings.iter().find_map(|f| f.get("lead_in")).expect("one lead_in");
    for key in ["text", "start", "end", "start_utf16", "end_utf16", "block", "block_start_utf16", "block_end_utf16"] {
        assert!(!lead[key].is_null(), "lead_in lacks {key}: {lead}");
    }
}
