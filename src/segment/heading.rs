//! Which clauses are titles rather than commitments, read from the text
//! alone (a heading *block* is decided by the reader, see
//! [`crate::blocks::BlockKind`]). A title is not classified: "Class Action
//! Waiver" names a clause, the sentences under it make it.

use std::ops::Range;

/// Lower-case words a Title Case heading may contain.
const SMALL: [&str; 9] = ["of", "and", "the", "to", "for", "in", "on", "or", "with"];

/// More lower-case words a run-in heading may contain ("Information
/// Collected by Third Parties."). [`is_heading`] does without them: its
/// verdicts close list contexts the model was trained with.
const RUN_IN_SMALL: [&str; 5] = ["a", "an", "by", "from", "at"];

/// Words that make a short line a statement, not a title: subject
/// pronouns, auxiliaries and modals ("We Sell Your Data.", "ALL SALES ARE
/// FINAL.", "YOU WAIVE ANY JURY TRIAL."). Object and possessive pronouns
/// stay allowed: "Termination by Us.", "Your Content.".
const STATEMENT: [&str; 33] = [
    "i", "we", "you", "he", "she", "they", "is", "are", "was", "were", "be", "been", "am", "may", "might", "will", "would", "shall",
    "should", "can", "could", "must", "do", "does", "did", "have", "has", "had", "won't", "can't", "don't", "doesn't", "cannot",
];

/// The words of `text`, each without the punctuation that opens it.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().map(|w| w.trim_start_matches(|c: char| !c.is_alphanumeric())).filter(|w| !w.is_empty())
}

/// Whether every word starts with a capital or a digit or is one of
/// [`SMALL`] or `more_small`, and there are 1 to `max_words` of them.
fn title_case(text: &str, max_words: usize, more_small: &[&str]) -> bool {
    let mut n = 0;
    for w in words(text) {
        n += 1;
        let titled = SMALL.contains(&w) || more_small.contains(&w) || w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        if n > max_words || !titled {
            return false;
        }
    }
    n > 0
}

/// A heading: at most five words, no closing punctuation, and every word
/// starting with a capital or a digit (Title Case or ALL CAPS). Lower-case
/// list items such as "precise location" are not headings: they are content.
pub fn is_heading(clause: &str) -> bool {
    !clause.ends_with(['.', '!', '?', ';', ':', ',']) && title_case(clause, 5, &[])
}

/// A run-in heading: the title a paragraph opens with, closed by a full
/// stop, with the clause's text after it in the same block — "Class Action
/// Waiver. You and Acme may bring claims…", "15.3 Class action and jury
/// trial waiver. …". Pages set these in bold; the text keeps only the full
/// stop, so without this each would be read as a sentence and flagged again
/// beside the clause it names.
///
/// `block` is a whole block's text and `sentence` a sentence's byte range
/// in it. The sentence must open the block or a line, end with one full
/// stop, have more letters or digits after it in the block, and hold no
/// pronoun, auxiliary or modal ([`STATEMENT`]); then it is a run-in heading
/// when it is in Title Case (at most 8 words), or when it opens with a
/// section number and a capital (at most 8 words after the number).
/// Short statements in sentence case ("Fees apply. …") stay sentences
/// unless numbered; corpus sentences, one per block, are never affected.
pub fn is_run_in_heading(block: &str, sentence: Range<usize>) -> bool {
    let (Some(text), Some(before), Some(after)) = (block.get(sentence.clone()), block.get(..sentence.start), block.get(sentence.end..)) else {
        return false;
    };
    let before = before.trim_end_matches([' ', '\t']);
    if !(before.is_empty() || before.ends_with('\n')) || !after.chars().any(char::is_alphanumeric) {
        return false;
    }
    let Some(title) = text.strip_suffix('.').filter(|t| !t.ends_with('.')) else { return false };
    if words(title).any(|w| STATEMENT.iter().any(|s| w.eq_ignore_ascii_case(s))) {
        return false;
    }
    if title_case(title, 8, &RUN_IN_SMALL) {
        return true;
    }
    let mut rest = title.split_whitespace();
    let numbered = rest.next().is_some_and(|n| n.trim_end_matches(['.', ')']).split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
    let body: Vec<&str> = rest.collect();
    numbered && (1..=8).contains(&body.len()) && body[0].chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_in(block: &str) -> bool {
        let first = super::super::sentences(block).into_iter().next().unwrap_or(0..0);
        is_run_in_heading(block, first)
    }

    #[test]
    fn run_in_headings_open_a_paragraph() {
        assert!(run_in("Class Action Waiver. You and Acme may bring claims only individually."));
        assert!(run_in("15.3 Class action and jury trial waiver. You and Acme may bring claims only individually."));
        assert!(run_in("Class Arbitration and Collective Relief Waiver. Claims are brought individually."));
        assert!(run_in("NO REFUNDS. Payments are final."));
        assert!(run_in("2. Fees. Payments are final."));
        assert!(run_in("Information Collected by Third Parties. Partners send us data."));
        assert!(run_in("Termination by Us. Acme may close accounts."));
    }

    #[test]
    fn statements_and_lone_titles_are_not_run_in_headings() {
        // Nothing after it in the block: a list item or a corpus sentence.
        assert!(!run_in("Class Action Waiver."));
        assert!(!run_in("Location data."));
        // Statements, whatever their case.
        assert!(!run_in("We Sell Your Data. Read on."));
        assert!(!run_in("ALL SALES ARE FINAL. No refunds are given."));
        assert!(!run_in("YOU WAIVE ANY JURY TRIAL. This applies to all claims."));
        assert!(!run_in("Acme collects data. It is shared."));
        assert!(!run_in("Fees apply. See the price list."));
        // A colon introduces a list; an ellipsis is not a full stop.
        assert!(!run_in("Class Action Waiver: you give up class actions."));
        assert!(!run_in("Arbitration... Disputes go to an arbitrator."));
        // Too long for a title.
        assert!(!run_in("One Two Three Four Five Six Seven Eight Nine. Text."));
    }

    #[test]
    fn a_run_in_heading_opens_a_block_or_a_line() {
        let block = "Some text here. Class Action Waiver. More text.\nArbitration Fees. Each side pays its own.";
        let s = super::super::sentences(block);
        let titles: Vec<&str> = s.iter().filter(|r| is_run_in_heading(block, (*r).clone())).map(|r| &block[r.clone()]).collect();
        assert_eq!(titles, ["Arbitration Fees."]);
    }
}
