//! What counts as the *wording* of a clause, and how alike two clauses are.
//!
//! Two publications of a policy differ in much that a reader does not care
//! about: markup (the input readers already drop it), white space, curly or
//! straight quotes, hyphens or en dashes, a no-break space, a soft hyphen, a
//! final full stop lost in a re-extraction, a section renumbered from 10.3
//! to 10.4. A clause's wording is therefore its sequence of *tokens*:
//!
//! - a word: a maximal run of letters and digits (any script), case kept
//!   ("Services" and "services" differ: wording matters, and case changes
//!   in legal text are rare enough not to be noise); soft hyphens and
//!   zero-width characters inside a word are dropped without splitting it;
//! - a symbol that can carry meaning, one token each: `$ € £ ¥ % § & + = < >
//!   @ #` and any other non-punctuation character (so "$5" → "€5" changes);
//! - nothing else: punctuation, quotes, dashes, bullets and white space only
//!   separate tokens, so "opt-out" and "opt out" read the same;
//! - a leading enumeration marker ("3.", "10.2", "(b)", "iv)") is not part of
//!   the wording: renumbering a section changes no commitment.
//!
//! Tokens are kept as 64-bit FNV-1a hashes. Two different clauses collide
//! with probability about n²/2⁶⁴ (n clauses), negligible for documents of a
//! few thousand clauses; the trade is no allocation per token, which keeps
//! the diff of two 100 KB policies in the low milliseconds.

/// A clause reduced to its wording.
///
/// Invariant: `key` is a function of `tokens` alone, so equal token
/// sequences have equal keys (and unequal ones almost surely do not);
/// `bag` is `tokens` sorted (kept so that [`similarity`] allocates nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// Hash of each token, in order.
    pub tokens: Vec<u64>,
    /// The same hashes, sorted: the clause as a multiset of tokens.
    pub bag: Vec<u64>,
    /// Hash of the whole sequence: the clause's identity in the alignment.
    pub key: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Characters that vanish without splitting a word: soft hyphen, zero-width
/// space / joiners, word joiner, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Characters that only separate tokens: white space (NBSP included, as
/// `char::is_whitespace` counts it), ASCII punctuation that carries no
/// meaning of its own in prose, and the typographic quotes, dashes,
/// ellipses and bullets that differ between extractions of the same page.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '!' | '"' | '\'' | '(' | ')' | '*' | ',' | '-' | '.' | '/' | ':' | ';' | '?' | '[' | ']' | '\\'
                | '^' | '_' | '`' | '{' | '|' | '}' | '~'
                | '\u{2010}'..='\u{2015}' // hyphens and dashes
                | '\u{2018}'..='\u{201F}' // curly quotes
                | '\u{2022}' | '\u{2023}' | '\u{2026}' | '\u{2032}' | '\u{2033}' | '\u{2039}' | '\u{203A}'
                | '\u{2212}' | '\u{00AB}' | '\u{00BB}' | '\u{00A1}' | '\u{00BF}' | '\u{00B7}'
                | '\u{25AA}' | '\u{25CF}' | '\u{25E6}' | '\u{3001}' | '\u{3002}' | '\u{FF0C}'
        )
}

/// The wording of `clause` (see the module docs).
pub fn wording(clause: &str) -> Wording {
    let body = strip_enumeration(clause);
    let mut tokens = Vec::new();
    let mut word: Option<u64> = None;
    for c in body.chars() {
        if is_invisible(c) {
            continue;
        }
        let mut buf = [0u8; 4];
        if c.is_alphanumeric() {
            word = Some(fnv(word.unwrap_or(FNV_OFFSET), c.encode_utf8(&mut buf).as_bytes()));
            continue;
        }
        if let Some(w) = word.take() {
            tokens.push(w);
        }
        if !is_separator(c) {
            // A symbol is its own token; the 0xFF prefix keeps "$" apart
            // from any word (no UTF-8 string contains the byte 0xFF).
            tokens.push(fnv(fnv(FNV_OFFSET, &[0xFF]), c.encode_utf8(&mut buf).as_bytes()));
        }
    }
    if let Some(w) = word {
        tokens.push(w);
    }
    let key = tokens.iter().fold(FNV_OFFSET, |h, t| fnv(h, &t.to_le_bytes()));
    let mut bag = tokens.clone();
    crate::sort::sort(&mut bag);
    Wording { tokens, bag, key }
}

/// `clause` without a leading enumeration marker and the space after it.
///
/// Markers: a number with a closing `.` or `)` ("3.", "12)"), a dotted
/// section number with or without one ("10.2", "10.2.1."), a letter or a
/// roman numeral of up to four letters with a closing `.` or `)` or both
/// brackets ("b.", "(b)", "iv)"). A bare number ("30 days") is wording.
pub fn strip_enumeration(clause: &str) -> &str {
    let s = clause.trim_start();
    let (open, rest) = match s.strip_prefix('(') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let marker_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).unwrap_or(rest.len());
    let marker = &rest[..marker_len];
    let after = &rest[marker_len..];
    let (marker, closed) = match after.strip_prefix(')') {
        Some(_) => (marker, 1),
        None => (marker, 0),
    };
    let core = marker.trim_end_matches('.');
    let dotted = marker.len() > core.len();
    let is_number = !core.is_empty() && core.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let multi_level = core.contains('.');
    let is_letter = core.len() == 1 && core.bytes().all(|b| b.is_ascii_alphabetic());
    let is_roman = (1..=4).contains(&core.len()) && core.bytes().all(|b| matches!(b, b'i' | b'v' | b'x' | b'I' | b'V' | b'X'));
    let ok = if open {
        closed == 1 && (is_number || is_letter || is_roman)
    } else {
        (is_number && (dotted || closed == 1 || multi_level)) || ((is_letter || is_roman) && (dotted || closed == 1))
    };
    let tail = &after[closed..];
    // Only a marker followed by white space and more text is stripped.
    if ok && tail.starts_with(char::is_whitespace) && !tail.trim().is_empty() {
        tail.trim_start()
    } else {
        clause
    }
}

/// How alike two wordings are, 0–1: the Dice coefficient of their token
/// multisets, 2·|A∩B| / (|A|+|B|). Word order is ignored on purpose: a
/// rewritten clause often moves its parts around, and the alignment, not
/// this score, decides what is unchanged. Both empty → 1.
pub fn similarity(a: &Wording, b: &Wording) -> f32 {
    let (x, y) = (&a.bag, &b.bag);
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * common) as f32 / (x.len() + y.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        wording(a).key == wording(b).key
    }

    #[test]
    fn typography_and_spacing_are_not_wording() {
        assert!(same("We don't sell “your” data — ever.", "We  don’t sell \"your\" data - ever"));
        assert!(same("opt\u{A0}out of pri\u{AD}vacy", "opt-out of privacy"));
        assert!(same("10.2 We may share it.", "10.3 We may share it."));
        assert!(same("(b) We may share it.", "c) We may share it."));
        assert!(same("iv. We may share it.", "We may share it."));
    }

    #[test]
    fn words_symbols_and_case_are_wording() {
        assert!(!same("We may share it.", "We may not share it."));
        assert!(!same("A fee of $5 applies.", "A fee of €5 applies."));
        assert!(!same("Services", "services"));
        assert!(!same("30 days notice", "notice"), "a bare number is wording");
        assert!(!same("We keep it 30 days.", "We keep it 60 days."));
    }

    #[test]
    fn enumeration_markers() {
        assert_eq!(strip_enumeration("3. We collect"), "We collect");
        assert_eq!(strip_enumeration("10.2.1 We collect"), "We collect");
        assert_eq!(strip_enumeration("(a) We collect"), "We collect");
        assert_eq!(strip_enumeration("2024 was a year"), "2024 was a year");
        assert_eq!(strip_enumeration("3."), "3.");
        assert_eq!(strip_enumeration("U.S. law applies"), "U.S. law applies");
    }

    #[test]
    fn similarity_is_dice_on_token_multisets() {
        let a = wording("we may use your data to train models");
        let b = wording("we may use your content to train AI models");
        let s = similarity(&a, &b);
        assert!((s - 2.0 * 7.0 / 17.0).abs() < 1e-6, "{s}");
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(similarity(&a, &wording("")), 0.0);
        assert_eq!(similarity(&wording("the the cat"), &wording("the cat cat")), 2.0 * 2.0 / 6.0);
    }
}
