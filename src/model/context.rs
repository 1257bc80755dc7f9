//! List context: the items of a list are read with the sentence that
//! introduces them.
//!
//! Terms enumerate what a clause covers: "We are not liable for:" followed
//! by "(a) any indirect damages;", "(b) loss of data;" … Alone, an item
//! ("loss of data;") says nothing about liability; the corpora label it
//! with its lead-in's category (CLAUDETTE-2024: 16 of 19 items of a
//! limitation-of-liability lead-in carry the label; termination lists: 8 of
//! 8). So an item's head scores are the higher of its own and its lead-in's
//! ([`ListContext::score`], used by [`super::combine`]); the thresholds are
//! tuned on scores treated the same way ([`super::recipe`]).
//!
//! What makes a list, read from the text (all a block of
//! [`BlockKind::Unknown`] kind has: plain text, the evaluation corpora): a
//! *lead-in* is a sentence ending with a colon; the sentences after it are its items while each one before them
//! continues the list — it does not end with a full stop, `!` or `?` (items
//! end with `;`, `,`, "or", or nothing at all) or it starts with an
//! enumerator ("(a)", "2.", "iv)", "•"). So a sentence that ends normally
//! is the list's last item, a heading ends it at once, and no lead-in
//! reaches past [`MAX_ITEMS`] items. Measured on the tuning data, the
//! full-stop rule and the enumerator rule each add items the other misses
//! (an enumerated item may end with a full stop; a bulleted one may have no
//! enumerator left in its text).
//!
//! When the blocks say what element they came from (the extension and the
//! CLI's HTML and Markdown readers do, [`BlockKind`]), the structure wins
//! where the text misleads: a heading block ends the list even when it
//! reads like a sentence ("Your account"); every sentence of a list-item
//! block after a lead-in is an item, even one ending with a full stop; and
//! a paragraph block after list-item items ends the list, even when the
//! last item ("(c) loss of data.") would have kept it open. A paragraph
//! right after the lead-in is still read by the text rules: pages write
//! items as `<p>(a) …</p>` too. [`MAX_ITEMS`] caps every list.
//!
//! Trade-offs: a colon that introduces an address ("Contact us:") also
//! opens a "list", whose items take its low scores, so nothing changes; but
//! in a table flattened to lines every colon-ended row is a lead-in, and a
//! high-scoring row flags the rows under it (one CLAUDETTE document,
//! Garmin's governing-law table, costs a false positive that way). An item
//! never loses a flag of its own: the rule is max(own, lead-in).

use crate::blocks::BlockKind;

/// The most sentences a lead-in reaches (longer lists are rare; a runaway
/// "list" of unpunctuated lines would otherwise inherit forever).
pub const MAX_ITEMS: u8 = 20;

/// Whether `sentence` introduces a list: its last non-space character is a
/// colon, not counting the next item's enumerator ([`before_next_enumerator`]).
pub fn is_lead_in(sentence: &str) -> bool {
    before_next_enumerator(sentence).ends_with(':')
}

/// Whether `sentence` ends the way a sentence ends: `.`, `!` or `?`,
/// possibly followed by closing quotes or brackets. The full stop of a
/// trailing enumerator ("loss of data; 7.5.3.") is not one.
fn ends_with_stop(sentence: &str) -> bool {
    let t = before_next_enumerator(sentence).trim_end_matches(['"', '\'', ')', ']', '”', '’', '»']);
    t.ends_with(['.', '!', '?'])
}

/// `sentence` without trailing space and without the enumerator of the
/// *next* item when a numbered list was flattened into running text and cut
/// after each number: "sanctions we may apply: 1." → "sanctions we may
/// apply:", "loss of revenue; 7.5.2." → "loss of revenue;". Recognised only
/// after `;` or `,` and a space, or after `:` when it is a first one ("1.",
/// "(a)", "7.4.1."), so "see section 7.5.", "Fees: 20." or "EUR 37,500"
/// keep their ending. Enumerators: dotted numbers ("2.", "7.4.1."), "(a)",
/// "b)", "(iv)", one letter and a dot.
pub fn before_next_enumerator(sentence: &str) -> &str {
    let t = sentence.trim_end();
    let Some(space) = t.rfind(char::is_whitespace) else { return t };
    let (head, token) = (t[..space].trim_end(), t[space..].trim_start());
    let dotted = |s: &str| s.split('.').all(|n| (1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
    let label = |s: &str| (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let is_enumerator = dotted(token.strip_suffix('.').unwrap_or(token))
        || token.strip_prefix('(').unwrap_or(token).strip_suffix(')').is_some_and(label)
        || (token.len() == 2 && token.as_bytes()[0].is_ascii_lowercase() && token.ends_with('.'));
    // After a colon only a first enumerator counts ("apply: 1.", "if: 7.4.1.",
    // "for: (a)"): "Fees: 20." is an amount.
    let inner = token.trim_start_matches('(').trim_end_matches(['.', ')']);
    let first = matches!(inner.rsplit('.').next(), Some("1" | "a" | "A" | "i" | "I"));
    if is_enumerator && (head.ends_with([';', ',']) || (head.ends_with(':') && first)) {
        head
    } else {
        t
    }
}

/// Whether `sentence` starts with a list enumerator: a bracketed label of
/// up to four letters or digits ("(a)", "(iv)", "( 2 )"), a number, one
/// letter or a roman numeral followed by `.` or `)` and a space ("2. ",
/// "b) ", "iv. "), or a bullet and a space.
pub fn starts_with_enumerator(sentence: &str) -> bool {
    let s = sentence.trim_start();
    if let Some(rest) = s.strip_prefix('(') {
        let rest = rest.trim_start();
        let label = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
        return (1..=4).contains(&label) && rest[label..].trim_start().starts_with(')');
    }
    if let Some(rest) = s.strip_prefix(['•', '·', '-', '–', '*']) {
        return rest.starts_with(char::is_whitespace);
    }
    let label = s.len() - s.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
    let word = &s[..label];
    let is_label = (label <= 3 && word.bytes().all(|b| b.is_ascii_digit()))
        || label == 1
        || (label <= 4 && word.bytes().all(|b| matches!(b.to_ascii_lowercase(), b'i' | b'v' | b'x')));
    let rest = &s[label..];
    label > 0 && is_label && rest.starts_with(['.', ')']) && rest[1..].starts_with(char::is_whitespace)
}

/// Whether no list reaches past `sentence` (of a block of kind `kind`),
/// whatever came before it: it is a heading, or it ends with a stop, does
/// not start with an enumerator and is no lead-in — and is not in a list
/// item, which the next list item may continue. The parallel analysis cuts
/// documents only after such a sentence, so that cutting changes nothing.
pub fn closes_lists(sentence: &str, heading: bool, kind: BlockKind) -> bool {
    kind != BlockKind::ListItem
        && (heading || (ends_with_stop(sentence) && !starts_with_enumerator(sentence) && !is_lead_in(sentence)))
}

/// The list state over the sentences of one document, read in order: which
/// lead-in (its value `T`, e.g. its head scores) the next sentence is an
/// item of.
#[derive(Debug, Clone)]
pub struct ListContext<T> {
    lead: Option<T>,
    items: u8,
    /// An item of the open list came from a list-item block (a paragraph
    /// block then ends the list).
    listed: bool,
    /// The last sentence was a list item the text rules would have closed
    /// the list after: only another list item continues it.
    only_items: bool,
}

impl<T> Default for ListContext<T> {
    fn default() -> Self {
        ListContext { lead: None, items: 0, listed: false, only_items: false }
    }
}

impl<T> ListContext<T> {
    /// The value of the lead-in whose item the next sentence is, if any,
    /// that sentence being in a block of kind `kind`.
    pub fn lead(&mut self, kind: BlockKind) -> Option<&T> {
        self.enter(kind);
        self.lead.as_ref()
    }

    /// Ends the open list before a sentence of a block of kind `kind` that
    /// cannot be its item: a paragraph after list items, or anything but a
    /// list item after one that the text rules would have ended the list with.
    fn enter(&mut self, kind: BlockKind) {
        let item = kind == BlockKind::ListItem;
        if (kind == BlockKind::Paragraph && self.listed) || (self.only_items && !item) {
            self.lead = None;
        }
    }

    /// Records `sentence` (a heading when `heading`; in a block of kind
    /// `kind`) as read; `value` is called only when the sentence is a
    /// lead-in, and its result is what the following items get from
    /// [`ListContext::lead`]. A list item that reads as a heading
    /// ("Contact Information" under "We collect:") is an item, not a title
    /// that ends the list.
    pub fn read(&mut self, sentence: &str, heading: bool, kind: BlockKind, value: impl FnOnce() -> T) {
        self.enter(kind);
        let item = kind == BlockKind::ListItem;
        if heading && !item {
            self.lead = None;
        } else if !heading && is_lead_in(sentence) {
            self.lead = Some(value());
            self.items = 0;
            self.listed = false;
            self.only_items = false;
        } else if self.lead.is_some() && self.items + 1 < MAX_ITEMS && !closes_lists(sentence, heading, kind) {
            self.items += 1;
            self.listed |= item;
            self.only_items = item && closes_lists(sentence, heading, BlockKind::Unknown);
        } else {
            self.lead = None;
        }
        if self.lead.is_none() {
            self.listed = false;
            self.only_items = false;
        }
    }
}

/// What a lead-in passes on to its items: its own head scores (one per
/// head) and `at`, where it is (the pipeline keeps its sentence's byte
/// range, to say which sentence a flag came from; scoring alone keeps `()`).
#[derive(Debug, Clone, Default)]
pub struct Lead<M = ()> {
    /// The lead-in sentence's own head scores.
    pub scores: Vec<f32>,
    /// Where the lead-in is.
    pub at: M,
}

impl<M: Clone + Default> ListContext<Lead<M>> {
    /// Reads one sentence (in a block of kind `kind`) whose head scores are
    /// `scores` (one per head):
    /// when it is an item, each score becomes the higher of its own and its
    /// lead-in's, and the lead-in's `at` is returned (`None` for a sentence
    /// that is no item); then the sentence is recorded ([`ListContext::read`]),
    /// `at` called only when it is a lead-in itself.
    ///
    /// A lead-in passes on its *own* scores, not those it inherited as an
    /// item of an outer list. Measured: passing on the inherited ones (so
    /// that "(i)" under "(d) any loss arising from:" under "We are not
    /// liable for:" inherits) lowered CLAUDETTE-2024's cross-validated
    /// macro-F1 from 0.783 to 0.777 — in flattened tables every
    /// colon-ended row is a lead-in, and a flag then runs down the table.
    pub fn score(&mut self, sentence: &str, heading: bool, kind: BlockKind, scores: &mut [f32], at: impl FnOnce() -> M) -> Option<M> {
        let own = (!heading && is_lead_in(sentence)).then(|| Lead { scores: scores.to_vec(), at: at() });
        let lead = self.lead(kind).map(|lead| {
            for (s, l) in scores.iter_mut().zip(&lead.scores) {
                *s = s.max(*l);
            }
            lead.at.clone()
        });
        self.read(sentence, heading, kind, || own.unwrap_or_default());
        lead
    }
}

#[cfg(test)]
mod tests;
