//! Undoes the Penn-Treebank tokenisation of the UNFAIR-ToS sentences.
//!
//! The UNFAIR-ToS text was lower-cased and tokenised by its authors:
//! `we 've`, `do n't`, `terms , and`, `( 1 )`, ``` `` terms '' ```. Real pages
//! are not tokenised, and the rules are written for real text (`don't`,
//! `"terms"`), so scoring the raw tokens would measure the tokeniser, not the
//! rules. [`detokenize`] rejoins what PTB split, as far as it can be done
//! without a dictionary:
//!
//! - punctuation `, . ; : ? ! % ) ] }` and closing quotes attach to the word
//!   before; `( [ { $ #` and opening quotes attach to the word after;
//! - the clitics `'s 're 've 'll 'd 'm n't` attach to the word before
//!   (`ca n't` → `can't`, `wo n't` → `won't`);
//! - ``` `` ``` and `''` become `"`, `` ` `` becomes `'`; the bracket escapes
//!   `-lrb-`, `-rrb-`, `-lsb-`, `-rsb-`, `-lcb-`, `-rcb-` become brackets.
//!
//! Left as they are, because the original cannot be known: `can not` (PTB
//! splits `cannot`, but `can not` is also written), the case (the corpus is
//! lower-cased; the rules run on lower-cased text anyway), and a lone `'`
//! (treated as a closing quote or plural possessive: it attaches left).

/// Tokens that attach to the word before them (no space in front).
fn attaches_left(tok: &str) -> bool {
    matches!(
        tok,
        "," | "." | ";" | ":" | "?" | "!" | "%" | ")" | "]" | "}" | "''" | "'" | "n't" | "'s" | "'re" | "'ve" | "'ll"
            | "'d" | "'m"
    )
}

/// Tokens that attach to the word after them (no space behind).
fn attaches_right(tok: &str) -> bool {
    matches!(tok, "(" | "[" | "{" | "$" | "#" | "``" | "`")
}

/// The surface form of a PTB token.
fn surface(tok: &str) -> &str {
    match tok {
        "``" | "''" => "\"",
        "`" => "'",
        "-lrb-" => "(",
        "-rrb-" => ")",
        "-lsb-" => "[",
        "-rsb-" => "]",
        "-lcb-" => "{",
        "-rcb-" => "}",
        other => other,
    }
}

/// Rejoins Penn-Treebank tokens (separated by whitespace) into ordinary
/// text. Any `&str` is accepted; text that is not tokenised comes back with
/// its whitespace runs collapsed to single spaces and spaces before
/// punctuation removed, so the function is idempotent.
pub fn detokenize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut glue_next = true; // no space before the first token
    for tok in text.split_whitespace() {
        let bracket_escape = matches!(tok, "-rrb-" | "-rsb-" | "-rcb-");
        if !glue_next && !attaches_left(tok) && !bracket_escape {
            out.push(' ');
        }
        out.push_str(surface(tok));
        let opener = matches!(tok, "-lrb-" | "-lsb-" | "-lcb-");
        glue_next = attaches_right(tok) || opener;
    }
    out
}
