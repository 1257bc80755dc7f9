//! What kind of document this is: a privacy policy, terms, or neither.
//!
//! A news story about a data breach mentions "personal data", "law
//! enforcement" and "lawsuits"; a policy *covers* many topics, names itself
//! at the top and speaks in the first person ("we collect…"). So each kind's
//! score (a logistic, 0–1) adds up:
//!
//! - how many distinct categories of its group the findings cover;
//! - a bonus when the document's *first* title phrase names that kind
//!   (policies often mention the other document near the top);
//! - the density of the vocabulary that kind is written in, per 1,000 words,
//!   including the main EU languages, so a French privacy policy is still
//!   recognised although the taxonomy reads English;
//! - for privacy, the density of first-person "we / our / us"; for terms, a
//!   bonus for prose that addresses the reader ("you / your") heavily;
//! - minus the density of reporting verbs ("said", "according to"), which
//!   policies almost never use and news prose is full of.
//!
//! The kind with the higher raw score wins when it reaches 0.5: comparing
//! the raw sums avoids ties when both probabilities round to 1. The weights
//! were set on the 48 real policies of the corpus and on our own negative
//! fixtures (`tests/kind.rs`).

use std::sync::OnceLock;

use serde::Serialize;

use crate::findings::Finding;
use crate::literal_scan::Literals;
use crate::taxonomy::{self, Group};

/// The kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A privacy policy, notice or statement.
    PrivacyPolicy,
    /// Terms of service, terms of use, a user agreement.
    Terms,
    /// Anything else: an article, a shop page, a blog post.
    Other,
}

impl DocKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::PrivacyPolicy => "privacy_policy",
            DocKind::Terms => "terms",
            DocKind::Other => "other",
        }
    }
}

/// The detected kind and the scores behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KindScores {
    /// The chosen kind.
    pub kind: DocKind,
    /// Confidence that this is a privacy policy, 0–1.
    pub privacy: f32,
    /// Confidence that these are terms, 0–1.
    pub terms: f32,
}

/// Phrases that name a privacy document (lower case).
const PRIVACY_TITLES: &[&str] = &[
    "privacy policy", "privacy notice", "privacy statement", "data policy", "privacy center", "cookie policy",
    "privacy", "politique de confidentialit", "d\u{e9}claration de confidentialit", "datenschutz",
    "pol\u{ed}tica de privacidad", "informativa sulla privacy", "pol\u{ed}tica de privacidade", "privacyverklaring",
    "privacybeleid",
];
/// Phrases that name terms (lower case).
const TERMS_TITLES: &[&str] = &[
    "terms of service", "terms of use", "terms and conditions", "user agreement", "conditions of use",
    "terms & conditions", "license agreement", "eula", "terms", "conditions de service", "conditions d'utilisation",
    "conditions d\u{2019}utilisation", "conditions g\u{e9}n\u{e9}rales", "nutzungsbedingungen", "gesch\u{e4}ftsbedingungen",
    "t\u{e9}rminos de servicio", "condiciones de uso", "termini di servizio", "condizioni d", "termos de servi",
    "termos de uso", "gebruiksvoorwaarden", "algemene voorwaarden",
];
/// Vocabulary whose density marks a privacy policy.
const PRIVACY_WORDS: &[&str] = &[
    "personal data", "personal information", "we collect", "process your", "cookies", "donn\u{e9}es personnelles",
    "vos informations", "nous recueillons", "nous collectons", "personenbezogene daten", "datos personales",
    "dati personali", "dados pessoais", "persoonsgegevens",
];
/// Vocabulary whose density marks terms.
const TERMS_WORDS: &[&str] = &[
    "you agree", "these terms", "you may not", "liable", "governed by", "license", "vous acceptez",
    "les pr\u{e9}sentes conditions", "ces conditions", "responsable", "diese bedingungen", "haftung", "usted acepta",
    "estos t\u{e9}rminos", "accetti", "voc\u{ea} concorda", "les conditions", "nos conditions", "des conditions",
];
/// First-person pronouns of a company speaking about itself.
const FIRST_PERSON: &[&str] = &["we", "our", "us", "nous", "notre", "nos", "wir", "unser", "unsere", "nosotros", "nuestro", "noi"];
/// Second-person pronouns addressing the reader.
const SECOND_PERSON: &[&str] = &["you", "your", "vous", "votre", "vos", "sie", "ihr", "ihre", "usted", "tu", "voc\u{ea}"];
/// Reporting verbs of news prose.
const REPORTING: &[&str] = &["said", "says", "according to", "told"];

/// One automaton over the three phrase lists, built once: the document is
/// read once instead of once per phrase (37 passes cost more than the
/// segmentation). Pattern ids follow the lists' order.
fn phrases() -> &'static Literals {
    static PHRASES: OnceLock<Literals> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let all: Vec<&str> = PRIVACY_WORDS.iter().chain(TERMS_WORDS).chain(REPORTING).copied().collect();
        // Short literal phrases: building cannot fail; an empty automaton
        // (no vocabulary evidence) is the fallback.
        Literals::new(&all).unwrap_or_else(Literals::empty)
    })
}

/// Occurrences of the phrases of each list: (privacy, terms, reporting).
/// Every occurrence of every phrase counts, as `str::matches` per phrase
/// would (no phrase overlaps itself).
fn phrase_counts(lower: &str) -> (usize, usize, usize) {
    let (p, t) = (PRIVACY_WORDS.len(), PRIVACY_WORDS.len() + TERMS_WORDS.len());
    let mut counts = (0, 0, 0);
    phrases().each_match(lower.as_bytes(), |i| match i {
        i if i < p => counts.0 += 1,
        i if i < t => counts.1 += 1,
        _ => counts.2 += 1,
    });
    counts
}

/// What kind detection counts in the text itself. Counts add up over
/// parts of a text cut just after a line break or between blocks (no
/// counted phrase or word spans a line break), so parts read on separate
/// threads give the whole text's counts (`+`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextStats {
    words: usize,
    first_person: usize,
    second_person: usize,
    privacy_phrases: usize,
    terms_phrases: usize,
    reporting: usize,
}

impl TextStats {
    /// The counts of `lower` (ASCII-lower-cased text).
    pub fn of(lower: &str) -> TextStats {
        let Words { words, first_person, second_person } = count_words(lower);
        let (privacy_phrases, terms_phrases, reporting) = phrase_counts(lower);
        TextStats { words, first_person, second_person, privacy_phrases, terms_phrases, reporting }
    }
}

/// The counts of two parts together.
impl std::ops::Add for TextStats {
    type Output = TextStats;

    fn add(self, o: TextStats) -> TextStats {
        TextStats {
            words: self.words + o.words,
            first_person: self.first_person + o.first_person,
            second_person: self.second_person + o.second_person,
            privacy_phrases: self.privacy_phrases + o.privacy_phrases,
            terms_phrases: self.terms_phrases + o.terms_phrases,
            reporting: self.reporting + o.reporting,
        }
    }
}

/// Scores `lower` (the ASCII-lower-cased document text) given its findings
/// and its counts `stats` ([`TextStats::of`] the whole of `lower`, or the
/// sum over its parts); the first 600 bytes of `lower` are read for the
/// title.
pub fn detect(stats: TextStats, lower: &str, findings: &[Finding]) -> KindScores {
    let (privacy_cats, terms_cats) = distinct_categories(findings);
    let TextStats { words, first_person, second_person, privacy_phrases, terms_phrases, reporting } = stats;
    let words = words.max(1) as f32;
    let per_thousand = |n: usize| n as f32 * 1000.0 / words;
    let (title_privacy, title_terms) = first_title(lower);
    let news = per_thousand(reporting).min(20.0);
    let voice = per_thousand(first_person).min(30.0);
    // Every policy and terms of the corpus addresses the reader at ≥ 27 per
    // 1,000 words, news and shop pages at ≤ 18; a bonus only, since some
    // terms (LinkedIn's) speak of "the Member" instead.
    let address = (per_thousand(second_person).min(40.0) - 20.0).max(0.0);

    let z_privacy = -5.0 + 0.8 * privacy_cats.min(10) as f32 + 1.5 * title_privacy
        + 0.25 * per_thousand(privacy_phrases).min(30.0)
        + 0.15 * (voice - 15.0)
        - 0.3 * news;
    let z_terms = -5.0 + 0.9 * terms_cats.min(8) as f32 + 1.5 * title_terms
        + 0.25 * per_thousand(terms_phrases).min(30.0)
        + 0.1 * address
        - 0.3 * news;
    let (privacy, terms) = (logistic(z_privacy), logistic(z_terms));
    let kind = if z_privacy.max(z_terms) < 0.0 {
        DocKind::Other
    } else if z_privacy >= z_terms {
        DocKind::PrivacyPolicy
    } else {
        DocKind::Terms
    };
    KindScores { kind, privacy, terms }
}

/// What [`count_words`] counts.
struct Words {
    /// Runs of non-white-space (ASCII white space separates).
    words: usize,
    /// Pronoun tokens (runs of alphanumeric characters) of 2–8 bytes.
    first_person: usize,
    second_person: usize,
}

/// ASCII bytes by what [`count_words`] does with them.
const SPACE: u8 = 0;
const ALNUM: u8 = 1;
const OTHER: u8 = 2;
static ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_whitespace() {
            SPACE
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// One pass over the text for both kinds of word: a 2.5 MB text is read
/// once, a token at a time; only non-ASCII characters are decoded. Inside
/// a token every byte is non-space, so the word count only changes where a
/// token or a run of other bytes begins.
fn count_words(lower: &str) -> Words {
    let bytes = lower.as_bytes();
    let mut counts = Words { words: 0, first_person: 0, second_person: 0 };
    let table = pronouns();
    // The length of the character at `i` (not ASCII) and its class
    // (never SPACE: only ASCII white space separates words).
    let wide = |i: usize| {
        let c = lower[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
        (c.len_utf8(), if c.is_alphanumeric() { ALNUM } else { OTHER })
    };
    let mut after_space = true;
    let mut i = 0;
    while i < bytes.len() {
        // Between tokens: white space and punctuation.
        let b = bytes[i];
        let (len, class) = if b < 0x80 { (1, ASCII_CLASS[usize::from(b)]) } else { wide(i) };
        if class == SPACE {
            after_space = true;
            i += 1;
            continue;
        }
        counts.words += usize::from(after_space);
        after_space = false;
        if class == OTHER {
            i += len;
            continue;
        }
        // A token: a run of alphanumeric characters.
        let start = i;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if ASCII_CLASS[usize::from(b)] != ALNUM {
                    break;
                }
                i += 1;
            } else {
                let (len, class) = wide(i);
                if class != ALNUM {
                    break;
                }
                i += len;
            }
        }
        if let Some((first, second)) = packed(&bytes[start..i]).and_then(|key| table.get(key)) {
            counts.first_person += usize::from(first);
            counts.second_person += usize::from(second);
        }
    }
    counts
}

/// A token of 2–8 bytes as a number (its bytes, little-endian, zero
/// padded): comparing two is one instruction. Every pronoun fits (a test
/// checks it), so longer tokens need no lookup.
fn packed(b: &[u8]) -> Option<u64> {
    if !(2..=8).contains(&b.len()) {
        return None;
    }
    let mut key = [0u8; 8];
    key[..b.len()].copy_from_slice(b);
    Some(u64::from_le_bytes(key))
}

/// [`FIRST_PERSON`] and [`SECOND_PERSON`] as packed tokens in a perfect
/// hash table: a token is looked up with one multiplication and one
/// comparison (most tokens of a policy are 2–8 bytes, so this runs for
/// nearly every word).
struct Pronouns {
    /// Odd multiplier that sends every pronoun to its own slot.
    mul: u64,
    /// (packed pronoun or 0, is first person, is second person).
    slots: [(u64, bool, bool); PRONOUN_SLOTS],
}

const PRONOUN_SLOTS: usize = 64;

impl Pronouns {
    fn slot(mul: u64, key: u64) -> usize {
        (key.wrapping_mul(mul) >> 58) as usize
    }

    /// (is first person, is second person) of the packed token `key`.
    #[inline]
    fn get(&self, key: u64) -> Option<(bool, bool)> {
        let (k, first, second) = self.slots[Self::slot(self.mul, key)];
        (k == key).then_some((first, second))
    }
}

fn pronouns() -> &'static Pronouns {
    static TABLE: OnceLock<Pronouns> = OnceLock::new();
    TABLE.get_or_init(|| {
        let words: Vec<(u64, bool, bool)> = FIRST_PERSON
            .iter()
            .chain(SECOND_PERSON)
            .filter_map(|w| Some((packed(w.as_bytes())?, FIRST_PERSON.contains(w), SECOND_PERSON.contains(w))))
            .collect();
        // Deterministic search for a collision-free multiplier: with 23
        // words in 64 slots a random odd one works about once in 100 tries.
        let mut mul = 0x9E37_79B9_7F4A_7C15u64;
        loop {
            let mut slots = [(0u64, false, false); PRONOUN_SLOTS];
            let fits = words.iter().all(|&(k, f, s)| {
                let slot = &mut slots[Pronouns::slot(mul, k)];
                let free = slot.0 == 0 || slot.0 == k;
                *slot = (k, f, s);
                free
            });
            if fits {
                return Pronouns { mul, slots };
            }
            mul = mul.wrapping_mul(0x5851_F42D_4C95_7F2D).wrapping_add(0x1405_7B7E_F767_814F) | 1;
        }
    })
}

/// How many distinct privacy and terms categories the findings cover.
fn distinct_categories(findings: &[Finding]) -> (u32, u32) {
    let mut seen = 0u64;
    let (mut privacy, mut terms) = (0, 0);
    for f in findings {
        let Some(i) = taxonomy::index_of(f.category).filter(|&i| i < 64) else { continue };
        if seen & (1 << i) == 0 {
            seen |= 1 << i;
            match taxonomy::CATEGORIES[i].group {
                Group::Privacy => privacy += 1,
                Group::Terms => terms += 1,
            }
        }
    }
    (privacy, terms)
}

/// Which kind the earliest title phrase in the first 600 bytes names:
/// `(1, 0)` for privacy, `(0, 1)` for terms, `(0, 0)` for none.
fn first_title(lower: &str) -> (f32, f32) {
    let mut end = 600.min(lower.len());
    while !lower.is_char_boundary(end) {
        end -= 1;
    }
    let head = &lower[..end];
    let earliest = |list: &[&str]| list.iter().filter_map(|t| head.find(t)).min();
    match (earliest(PRIVACY_TITLES), earliest(TERMS_TITLES)) {
        (Some(p), Some(t)) if p <= t => (1.0, 0.0),
        (Some(_), Some(_)) => (0.0, 1.0),
        (Some(_), None) => (1.0, 0.0),
        (None, Some(_)) => (0.0, 1.0),
        (None, None) => (0.0, 0.0),
    }
}

fn logistic(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass count equals counting each phrase on its own, on the
    /// sample policy and (when `../shared` is there) the 48 real policies.
    #[test]
    fn one_pass_phrase_counts_equal_per_phrase_counts() {
        let mut texts = vec![include_str!("../../samples/lumio-policy.html").to_ascii_lowercase()];
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/policies/latest");
        match std::fs::read_dir(&corpus) {
            Ok(dir) => texts.extend(dir.flatten().filter_map(|e| std::fs::read_to_string(e.path()).ok()).map(|t| t.to_ascii_lowercase())),
            Err(_) => eprintln!("skipping the real policies: {} is absent", corpus.display()),
        }
        let each = |t: &str, list: &[&str]| list.iter().map(|p| t.matches(p).count()).sum::<usize>();
        for t in &texts {
            assert_eq!(phrase_counts(t), (each(t, PRIVACY_WORDS), each(t, TERMS_WORDS), each(t, REPORTING)));
        }
        for w in FIRST_PERSON.iter().chain(SECOND_PERSON) {
            assert!(packed(w.as_bytes()).is_some_and(|k| pronouns().get(k).is_some()), "the pronoun table would miss {w:?}");
        }
    }

    /// The one-pass word count equals the plain formulation: words split
    /// on ASCII white space, pronouns split on any non-alphanumeric char.
    #[test]
    fn one_pass_word_counts_equal_splitting() {
        let mut texts: Vec<String> = [
            "", "we", " you ", "nous\u{a0}vous\tvoc\u{ea} — wir,ihre;usted", "our\u{1F600}us 😀 our",
            "ça va, notre équipe; 東京 we 東京you", "you\u{301} your\u{200b}our",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        texts.push(include_str!("../../samples/lumio-policy.html").to_ascii_lowercase());
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/policies/latest");
        if let Ok(dir) = std::fs::read_dir(&corpus) {
            texts.extend(dir.flatten().filter_map(|e| std::fs::read_to_string(e.path()).ok()).map(|t| t.to_ascii_lowercase()));
        }
        for t in &texts {
            let tokens = || t.split(|c: char| !c.is_alphanumeric()).filter(|w| (2..=9).contains(&w.len()));
            let got = count_words(t);
            assert_eq!(got.words, t.split_ascii_whitespace().count(), "{t:.40}");
            assert_eq!(got.first_person, tokens().filter(|w| FIRST_PERSON.contains(w)).count(), "{t:.40}");
            assert_eq!(got.second_person, tokens().filter(|w| SECOND_PERSON.contains(w)).count(), "{t:.40}");
        }
    }
}
