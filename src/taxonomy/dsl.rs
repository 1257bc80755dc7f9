//! The rule pattern language: regular expressions with three conveniences
//! that make legal phrasing readable in the data files.
//!
//! Rules run over **ASCII-lowercased** text (so byte offsets never move), in
//! the regex crate's ASCII mode (`(?-u)`): `\w`, `\b` and `\s` are ASCII-only,
//! which keeps the Unicode tables out of the wasm. Write patterns in lower case.
//!
//! | written        | means                                                  |
//! |----------------|--------------------------------------------------------|
//! | a space        | one or more non-word bytes (`\W+`): spaces, punctuation, line breaks, NBSP |
//! | ` ~N ` (N ≤ 20)| a gap of at most N whole words between the neighbours  |
//! | ` ... `        | the same as ` ~6 `                                     |
//! | `'`            | a straight or a curly apostrophe (U+2019)              |
//!
//! Everything else is the regex crate's syntax. The whole pattern is wrapped
//! in half word boundaries (`\b{start-half}(?:…)\b{end-half}`): it may not
//! start right after, nor end right before, a letter or digit. So `sell` does
//! not match `counselling` (write `sell\w*` for the inflections), while
//! `u\.s\.` still matches before a space.
//!
//! This file is compiled twice: into the library (for its tests) and into
//! `build.rs`, which expands every pattern at build time so a malformed rule
//! is a build error naming its file.

/// The gap that ` ... ` stands for, in words.
pub const DEFAULT_GAP_WORDS: u32 = 6;
/// The widest gap a pattern may ask for, in words.
pub const MAX_GAP_WORDS: u32 = 20;

/// Expands one pattern of the rule language into a regex for
/// `regex::bytes::Regex`, or says why it cannot.
pub fn expand(pattern: &str) -> Result<String, String> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err("empty pattern".to_string());
    }
    if trimmed != pattern {
        return Err(format!("pattern {pattern:?} has leading or trailing spaces"));
    }
    if has_upper_outside_escapes(trimmed) {
        return Err(format!(
            "pattern {pattern:?} has upper-case letters; rules match lower-cased text"
        ));
    }
    let mut out = String::with_capacity(pattern.len() * 2 + 16);
    out.push_str("(?-u)\\b{start-half}(?:");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                // Keep escapes verbatim, including an escaped space.
                out.push('\\');
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                    i += 1;
                }
            }
            ' ' => {
                let rest: String = chars[i + 1..].iter().collect();
                if let Some(after) = rest.strip_prefix("... ") {
                    let _ = after;
                    push_gap(&mut out, DEFAULT_GAP_WORDS);
                    i += 4;
                } else if let Some(gap) = parse_gap(&rest) {
                    let (words, consumed) = gap?;
                    push_gap(&mut out, words);
                    i += consumed;
                } else {
                    out.push_str("\\W+");
                    while chars.get(i + 1) == Some(&' ') {
                        i += 1;
                    }
                }
            }
            '\'' => out.push_str("(?:'|\\xE2\\x80\\x99)"),
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                return Err(format!("pattern {pattern:?}: `...` must have a space on each side"));
            }
            c if !c.is_ascii() => {
                return Err(format!(
                    "pattern {pattern:?} has the non-ASCII character {c:?}; rules run in ASCII mode"
                ));
            }
            c => out.push(c),
        }
        i += 1;
    }
    out.push_str(")\\b{end-half}");
    Ok(out)
}

/// Whether `p` has an upper-case letter that is not an escape such as `\W`.
fn has_upper_outside_escapes(p: &str) -> bool {
    let mut escaped = false;
    for c in p.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c.is_ascii_uppercase() {
            return true;
        }
    }
    false
}

/// Parses `~N ` at the start of `rest`; returns the gap and how many chars
/// (after the leading space) it used, or `None` when `rest` is no gap.
fn parse_gap(rest: &str) -> Option<Result<(u32, usize), String>> {
    let body = rest.strip_prefix('~')?;
    let digits: String = body.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return Some(Err(format!("`~` must be followed by a number of words: {rest:?}")));
    }
    if !body[digits.len()..].starts_with(' ') {
        return Some(Err(format!("`~{digits}` must have a space on each side")));
    }
    let words: u32 = match digits.parse() {
        Ok(n) if n <= MAX_GAP_WORDS => n,
        _ => return Some(Err(format!("a gap of {digits} words is over {MAX_GAP_WORDS}"))),
    };
    Some(Ok((words, 1 + digits.len() + 1)))
}

fn push_gap(out: &mut String, words: u32) {
    out.push_str(&format!("\\W+(?:\\w+\\W+){{0,{words}}}"));
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn spaces_become_non_word_runs() {
        assert_eq!(expand("do not sell").unwrap(), r"(?-u)\b{start-half}(?:do\W+not\W+sell)\b{end-half}");
    }

    #[test]
    fn gaps_expand_to_bounded_word_runs() {
        assert_eq!(expand("may ~2 change").unwrap(), r"(?-u)\b{start-half}(?:may\W+(?:\w+\W+){0,2}change)\b{end-half}");
        assert_eq!(expand("may ... change").unwrap(), r"(?-u)\b{start-half}(?:may\W+(?:\w+\W+){0,6}change)\b{end-half}");
    }

    #[test]
    fn apostrophes_match_both_forms() {
        assert_eq!(expand("we'll").unwrap(), r"(?-u)\b{start-half}(?:we(?:'|\xE2\x80\x99)ll)\b{end-half}");
    }

    #[test]
    fn malformed_patterns_are_named() {
        assert!(expand("").is_err());
        assert!(expand("Sell").unwrap_err().contains("upper-case"));
        assert!(expand(r"\W*\S+\B").is_ok(), "escapes like \\W are not upper-case letters");
        assert!(expand("a ~ b").is_err());
        assert!(expand("a ~99 b").unwrap_err().contains("over"));
        assert!(expand("a...b").is_err());
        assert!(expand("café").unwrap_err().contains("non-ASCII"));
        assert!(expand(" sell").is_err());
    }

    #[test]
    fn escapes_are_kept() {
        assert_eq!(expand(r"u\.s\.").unwrap(), r"(?-u)\b{start-half}(?:u\.s\.)\b{end-half}");
    }
}
