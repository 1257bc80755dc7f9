//! Property tests of the pipeline's placement invariants over arbitrary text.
//!
//! Page text is untrusted and multilingual, and the extension highlights
//! findings by UTF-16 offsets inside the block the content script sent. So
//! for any blocks at all — emoji, CJK, combining marks, right-to-left text,
//! stray punctuation, mixed with policy sentences that do trigger the
//! taxonomy — the analysis must not panic, and every offset it returns (bytes
//! and UTF-16, document- and block-relative) must point at exactly the text it
//! claims. The generator deliberately mixes the two kinds of fragment so that
//! triggers land next to multi-byte characters, where an off-by-one in the
//! byte → UTF-16 conversion would show.
//!
//! Case counts are modest (the whole file runs in a few seconds in a debug
//! build); raise them with `PROPTEST_CASES=5000 cargo test --test segment_props`.

use clausemark::segment::{clauses, segment, sentences};
use clausemark::Document;
use proptest::prelude::*;

/// Sentences that fire categories of the taxonomy, so that findings exist.
const POLICY: &[&str] = &[
    "We may sell your personal information to our partners.",
    "We do not sell your personal information.",
    "Any dispute will be resolved by binding arbitration.",
    "YOU AND LUMIO AGREE TO FINAL AND BINDING ARBITRATION.",
    "You waive the right to participate in a class action",
    "We may change these Terms at any time without notice;",
    "We may terminate your account at any time, for any reason.",
    "These Terms are governed by the laws of the State of California.",
    "We use cookies and pixels to track you across other websites.",
    "We may use your photos to train our AI models unless you opt out.",
    "Your subscription renews automatically; all fees are non-refundable.",
    "We retain your data for as long as your account is active.",
    "Lumio is not directed to children under 13.",
    "You have the right to access, correct and delete your data.",
    "We share device identifiers with advertising partners.",
    "By using the Service you agree to these Terms.",
    "e.g. the U.S. courts of Alameda County, Calif. have exclusive jurisdiction.",
    "1. We scan private messages for abuse. 2. We encrypt data at rest.",
];

/// Pieces of non-ASCII text that stress the byte/UTF-16 arithmetic.
const EXOTIC: &[&str] = &[
    "😀", "👩‍👩‍👧", "🇪🇺", "中文隐私政策。", "我们不会出售您的个人信息！", "日本語の規約", "한국어",
    "e\u{301}", "a\u{308}\u{323}", "\u{300}", "مرحبا بكم في سياسة الخصوصية.", "שלום עולם",
    "\u{200F}", "\u{202E}abc\u{202C}", "\u{200B}", "\u{FEFF}", "\u{A0}", "\u{2028}", "\u{3000}",
    "İstanbul", "ß", "ﬁ", "Ω", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "…", "“quoted”", "‘it’s’", "—", "\r\n", "\n", "\n\n",
    "\t", " | ", "; ", ". ", "?! ", "...", "U.S.", "Inc.", " 3.5 ", "(", ")", "»", "\u{0}",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(POLICY).prop_map(str::to_string),
        3 => prop::sample::select(EXOTIC).prop_map(str::to_string),
        // Arbitrary Unicode scalar values, including controls and unassigned.
        2 => prop::collection::vec(any::<char>(), 0..12).prop_map(|v| v.into_iter().collect()),
        // Printable text with spaces and sentence punctuation.
        2 => "[a-zA-Z0-9 .,;:!?'\"()\\-\n\t\u{E9}\u{4E2D}\u{5D0}\u{1F600}]{0,40}",
        1 => Just(" ".to_string()),
    ]
}

fn block() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..10).prop_map(|v| v.concat())
}

fn blocks() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(block(), 0..6)
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Every finding's offsets (bytes, UTF-16, block-relative UTF-16) select
    /// exactly its text, and its sentence contains it.
    #[test]
    fn findings_point_at_their_text(blocks in blocks()) {
        let analysis = clausemark::analyze_blocks(&blocks);
        let doc = Document::from_blocks(&blocks);
        let text = doc.text();
        prop_assert_eq!(text, blocks.join("\n\n"));
        prop_assert_eq!(analysis.bytes, text.len());
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut last = (0usize, 0usize);
        for f in &analysis.findings {
            prop_assert!(f.span.start < f.span.end, "empty finding {:?}", f);
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            prop_assert_eq!(&text[f.span.start..f.span.end], f.text.as_str());
            prop_assert_eq!(f.span.start_utf16, utf16_len(&text[..f.span.start]));
            prop_assert_eq!(f.span.end_utf16, utf16_len(&text[..f.span.end]));
            prop_assert_eq!(String::from_utf16(&units[f.span.start_utf16..f.span.end_utf16]).unwrap(), f.text.clone());

            let range = &doc.blocks()[f.span.block];
            prop_assert!(range.start <= f.span.start && f.span.end <= range.end, "finding outside its block");
            let block_text = &blocks[f.span.block];
            let block_units: Vec<u16> = block_text.encode_utf16().collect();
            prop_assert_eq!(f.span.block_start_utf16, utf16_len(&block_text[..f.span.start - range.start]));
            prop_assert_eq!(f.span.block_end_utf16, utf16_len(&block_text[..f.span.end - range.start]));
            prop_assert_eq!(
                String::from_utf16(&block_units[f.span.block_start_utf16..f.span.block_end_utf16]).unwrap(),
                f.text.clone()
            );

            prop_assert!(f.sentence_start <= f.span.start && f.span.end <= f.sentence_end);
            prop_assert_eq!(&text[f.sentence_start..f.sentence_end], f.sentence.as_str());
            prop_assert!(f.sentence.contains(f.text.as_str()));
            prop_assert!((0.0..=1.0).contains(&f.confidence));

            // Document order.
            prop_assert!((f.span.start, f.span.end) >= last, "findings out of order");
            last = (f.span.start, f.span.end);
        }
        let c = analysis.counts;
        prop_assert_eq!(c.good + c.neutral + c.caution + c.bad, analysis.findings.len());
    }

    /// Segments are non-empty, trimmed, readable, on char boundaries, in
    /// order, non-overlapping, inside their sentence and inside their block.
    #[test]
    fn segments_are_well_formed(blocks in blocks()) {
        let doc = Document::from_blocks(&blocks);
        let text = doc.text();
        let segs = segment(&doc);
        let mut prev_end = 0usize;
        for s in &segs {
            prop_assert!(s.start < s.end, "empty segment {:?}", s);
            prop_assert!(s.start >= prev_end, "segments overlap or are out of order: {:?}", s);
            prev_end = s.end;
            for at in [s.start, s.end, s.sentence.start, s.sentence.end] {
                prop_assert!(text.is_char_boundary(at), "{} is not a char boundary", at);
            }
            let clause = &text[s.start..s.end];
            prop_assert_eq!(clause, clause.trim(), "untrimmed clause");
            prop_assert!(clause.chars().any(char::is_alphanumeric), "clause {:?} has nothing readable", clause);
            prop_assert!(s.sentence.start <= s.start && s.end <= s.sentence.end);
            let sentence = &text[s.sentence.clone()];
            prop_assert_eq!(sentence, sentence.trim(), "untrimmed sentence");
            let range = &doc.blocks()[s.block];
            prop_assert!(range.start <= s.sentence.start && s.sentence.end <= range.end, "sentence crosses its block");
        }
        // Segments come in block order too.
        prop_assert!(segs.windows(2).all(|w| w[0].block <= w[1].block));
    }

    /// The lower-level splitters keep the same guarantees on any one string.
    #[test]
    fn sentences_and_clauses_are_well_formed(text in block()) {
        let mut prev = 0usize;
        for r in sentences(&text) {
            prop_assert!(r.start < r.end && r.start >= prev);
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert_eq!(s, s.trim());
            prev = r.end;
            let mut cprev = 0usize;
            for c in clauses(s) {
                prop_assert!(c.start < c.end && c.start >= cprev && c.end <= s.len());
                prop_assert!(s.is_char_boundary(c.start) && s.is_char_boundary(c.end));
                let cl = &s[c.clone()];
                prop_assert_eq!(cl, cl.trim());
                prop_assert!(cl.chars().any(char::is_alphanumeric));
                cprev = c.end;
            }
        }
    }

    /// `analyze_text` on any one string never panics and its findings index it.
    #[test]
    fn analyze_text_never_panics(text in block()) {
        let analysis = clausemark::analyze_text(&text);
        for f in &analysis.findings {
            prop_assert_eq!(&text[f.span.start..f.span.end], f.text.as_str());
            prop_assert_eq!(f.span.block, 0);
            prop_assert_eq!(f.span.block_start_utf16, f.span.start_utf16);
        }
    }
}

/// The generator must actually produce findings next to exotic text, or the
/// properties above would hold vacuously.
#[test]
fn generator_reaches_findings_near_multibyte_text() {
    let blocks = [
        "😀 中文 We may sell your personal information.",
        "😀 e\u{301}. Any dispute will be resolved by binding arbitration.",
    ];
    let analysis = clausemark::analyze_blocks(&blocks);
    assert!(analysis.findings.len() >= 2, "{:#?}", analysis.findings);
    let f = analysis.findings.iter().find(|f| f.category == "arbitration").expect("arbitration flagged");
    assert_eq!(f.span.block, 1);
    // "😀 e\u{301}. " is 7 UTF-16 units (the emoji is a surrogate pair) but 10 bytes.
    assert_eq!(f.span.block_start_utf16, 7);
    assert_eq!(f.span.start_utf16, "😀 中文 We may sell your personal information.\n\n".encode_utf16().count() + 7);
}
