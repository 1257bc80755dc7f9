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
    check(pattern)?;
    Ok(format!("(?-u)\\b{{start-half}}(?:{})\\b{{end-half}}", expand_body(pattern)?))
}

/// One alternative of a pattern, cut at its first top-level gap.
///
/// Why: a lazy DFA searching *unanchored* for `a ~6 b` must track every
/// `a` still within six words at once, so its states multiply and its cache
/// thrashes on real text (measured: 1 MB/s). Searching unanchored for the
/// gap-free `head` only, then running the `tail` (gap and rest) *anchored*
/// at each head match, keeps every automaton small (measured: see README).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// Regex for the start of the alternative, up to its first top-level
    /// gap (or the whole alternative); unanchored, between half word
    /// boundaries.
    pub head: String,
    /// Regex for the rest, from the gap on, to run anchored where a head
    /// match ends; carries the closing word boundary.
    pub tail: Option<String>,
}

/// Splits a pattern into its top-level alternatives, each cut at its first
/// top-level gap. The pattern matches a text exactly when, for some branch,
/// the head matches and (if there is a tail) the tail matches anchored at
/// the end of one of the head's leftmost-first matches.
pub fn split(pattern: &str) -> Result<Vec<Branch>, String> {
    check(pattern)?;
    let mut out = Vec::new();
    for alt in top_level(pattern, |rest| rest.starts_with('|').then_some(1)) {
        let alt = &pattern[alt];
        if alt.is_empty() {
            return Err(format!("pattern {pattern:?} has an empty alternative"));
        }
        let cut = top_level(alt, gap_len).into_iter().next().map(|r| r.end).filter(|&e| e < alt.len());
        out.push(match cut {
            None => Branch {
                head: format!("(?-u)\\b{{start-half}}(?:{})\\b{{end-half}}", expand_body(alt)?),
                tail: None,
            },
            Some(at) => Branch {
                // The gap opens with `\W+`, so a head match must end before a
                // non-word byte; saying so makes leftmost-first alternation
                // pick "settled", not "settle", in `settl(e|ed) ~3 by`.
                head: format!("(?-u)\\b{{start-half}}(?:{})\\b{{end-half}}", expand_body(&alt[..at])?),
                tail: Some(format!("(?-u)(?:{})\\b{{end-half}}", expand_body(&alt[at..])?)),
            },
        });
    }
    Ok(out)
}

/// The length of a gap (` ~N ` or ` ... `) starting at `rest`, if any.
fn gap_len(rest: &str) -> Option<usize> {
    let after = rest.strip_prefix(' ')?;
    if after.starts_with("... ") {
        return Some(4);
    }
    let body = after.strip_prefix('~')?;
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && body[digits..].starts_with(' ')).then_some(1 + digits)
}

/// Byte ranges of `p` between top-level separators, where `sep(rest)` says
/// how long a separator starting at `rest` is. "Top level" means outside
/// parentheses and character classes and not escaped.
fn top_level(p: &str, sep: impl Fn(&str) -> Option<usize>) -> Vec<std::ops::Range<usize>> {
    let bytes = p.as_bytes();
    let (mut depth, mut in_class, mut i, mut from) = (0i32, false, 0, 0);
    let mut out = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => depth -= 1,
            _ if depth == 0 && !in_class => {
                if let Some(n) = sep(&p[i..]) {
                    out.push(from..i);
                    i += n;
                    from = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push(from..p.len());
    out
}

/// Rejects what the language does not allow (see the module docs).
fn check(pattern: &str) -> Result<(), String> {
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
    Ok(())
}

/// Expands the conveniences of the language in `pattern` (no wrapping).
fn expand_body(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() * 2 + 16);
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
                if rest.starts_with("... ") {
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
    use super::{expand, split};

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
    fn split_cuts_alternatives_at_their_first_gap() {
        let b = split("(a|b) ~2 c ... d|e f").unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].head, r"(?-u)\b{start-half}(?:(a|b))\b{end-half}");
        assert_eq!(
            b[0].tail.as_deref(),
            Some(r"(?-u)(?:\W+(?:\w+\W+){0,2}c\W+(?:\w+\W+){0,6}d)\b{end-half}")
        );
        assert_eq!(b[1].head, r"(?-u)\b{start-half}(?:e\W+f)\b{end-half}");
        assert_eq!(b[1].tail, None);
        // Gaps and bars inside groups or classes are not top level.
        let nested = split(r"x (y ~2 z|[|]) w").unwrap();
        assert_eq!(nested.len(), 1);
        assert_eq!(nested[0].tail, None);
        assert!(split("a||b").is_err());
    }

    #[test]
    fn escapes_are_kept() {
        assert_eq!(expand(r"u\.s\.").unwrap(), r"(?-u)\b{start-half}(?:u\.s\.)\b{end-half}");
    }
}
