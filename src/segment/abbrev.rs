//! Abbreviations and sentence starters, the knowledge the splitter needs to
//! tell "Acme, Inc. We collect" (two sentences) from "Acme, Inc. and its
//! affiliates" (one).

/// Words that are never the end of a sentence when followed by a period
/// (compared lower-case, without the final period).
const NEVER_END: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "mr", "mrs", "ms", "dr", "prof", "no", "nos", "vs", "v", "cf",
    "approx", "art", "arts", "sec", "secs", "para", "paras", "fig", "ch", "pp", "incl", "esp",
    "viz", "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "st", "sr", "jr", "cal", "civ", "stat", "ann", "rev", "reg", "seq", "subd", "ave",
];

/// Words that end a sentence only when a sentence starter follows them.
const MAY_END: &[&str] = &[
    "inc", "ltd", "llc", "l.l.c", "co", "corp", "plc", "gmbh", "s.a", "b.v", "u.s", "u.k",
    "e.u", "etc", "u.s.a", "n.a", "a.g", "s.r.l", "pty", "lp", "l.p", "llp", "s.a.r.l", "ag",
    "bv", "sa", "srl", "sas", "ab", "oy", "as", "kk", "pte",
];

/// Capitalised words that begin a new sentence after an ambiguous period.
const STARTERS: &[&str] = &[
    "we", "you", "your", "our", "us", "the", "this", "these", "those", "that", "if", "in", "for",
    "it", "its", "they", "their", "any", "all", "to", "when", "where", "please", "some", "such",
    "each", "by", "as", "unless", "except", "notwithstanding", "a", "an", "no", "nothing",
    "there", "he", "she", "i", "with", "without", "under", "on", "at", "from", "after", "before",
    "upon", "subject", "although", "however", "also", "finally", "additionally", "otherwise",
    "what", "how", "why", "who", "can", "do", "does", "is", "are", "may", "will", "note",
];

/// Whether a period after `word` (the text since the last space, without the
/// period) cannot end a sentence, whatever follows.
pub fn never_ends(word: &str) -> bool {
    let w = trim_open(word);
    in_list(NEVER_END, w)
}

/// Whether a period after `word` ends a sentence only before a starter.
/// Single letters (initials, "Section A.") count as such abbreviations.
pub fn may_end(word: &str) -> bool {
    let w = trim_open(word);
    (w.chars().count() == 1 && w.chars().all(char::is_alphabetic)) || in_list(MAY_END, w)
}

/// Whether `word` (as written, any case) commonly starts a sentence.
pub fn is_starter(word: &str) -> bool {
    in_list(STARTERS, word)
}

fn trim_open(word: &str) -> &str {
    word.trim_start_matches(['(', '[', '"', '\'', '“', '‘'])
}

fn in_list(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_case_insensitive() {
        assert!(never_ends("E.G"));
        assert!(never_ends("(e.g"));
        assert!(may_end("INC"));
        assert!(may_end("A"));
        assert!(!may_end("policy"));
        assert!(is_starter("WE"));
    }
}
