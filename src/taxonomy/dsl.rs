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
//! This file is compiled twice: into `build.rs`, which expands, splits and
//! compiles every pattern at build time so a malformed rule is a build error
//! naming its file, and into the library, which splits the (valid) patterns
//! again when the classifier is built (see [`crate::taxonomy::Pattern`]).

/// The gap that ` ... ` stands for, in words.
pub const DEFAULT_GAP_WORDS: u32 = 6;
/// The widest gap a pattern may ask for, in words.
pub const MAX_GAP_WORDS: u32 = 20;

/// How every head, and [`expand`]'s whole pattern, opens: a half word
/// boundary, then the body's group.
pub const HEAD_OPENING: &str = "(?-u)\\b{start-half}(?:";
/// How every tail opens (it runs anchored: no boundary before it).
const TAIL_OPENING: &str = "(?-u)(?:";
/// How every regex of a pattern closes: the body's group, then a half word
/// boundary.
const CLOSING: &str = ")\\b{end-half}";

/// Expands one pattern of the rule language into a regex for
/// `regex::bytes::Regex`, or says why it cannot.
pub fn expand(pattern: &str) -> Result<String, String> {
    check(pattern)?;
    wrapped(HEAD_OPENING, pattern)
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
    for (alt, cut) in alternatives(pattern) {
        let alt = &pattern[alt];
        if alt.is_empty() {
            return Err(format!("pattern {pattern:?} has an empty alternative"));
        }
        out.push(match cut {
            None => Branch { head: wrapped(HEAD_OPENING, alt)?, tail: None },
            // The gap opens with `\W+`, so a head match must end before a
            // non-word byte; saying so makes leftmost-first alternation pick
            // "settled", not "settle", in `settl(e|ed) ~3 by`.
            Some(at) => Branch {
                head: wrapped(HEAD_OPENING, &alt[..at])?,
                tail: Some(wrapped(TAIL_OPENING, &alt[at..])?),
            },
        });
    }
    Ok(out)
}

/// `opening`, the expansion of `body`, [`CLOSING`].
fn wrapped(opening: &str, body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(opening.len() + body.len() * 2 + CLOSING.len());
    out.push_str(opening);
    expand_body(body, &mut out)?;
    out.push_str(CLOSING);
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

/// The top-level alternatives of `p` (byte ranges), each with where its
/// first top-level gap starts (a byte offset into the alternative), if it
/// has one. "Top level" means outside parentheses and character classes
/// and not escaped. One pass: it runs on every rule at start-up.
fn alternatives(p: &str) -> Vec<(std::ops::Range<usize>, Option<usize>)> {
    let bytes = p.as_bytes();
    let (mut depth, mut in_class, mut i, mut from, mut cut) = (0i32, false, 0, 0, None);
    let mut out = Vec::new();
    loop {
        // Skip to the next byte that may change the state or cut.
        i = skip_to(bytes, i, |b| matches!(b, b'\\' | b'[' | b']' | b'(' | b')' | b'|' | b' '));
        let Some(&b) = bytes.get(i) else { break };
        let top = depth == 0 && !in_class;
        match b {
            b'\\' => {
                i = bytes.len().min(i + 2);
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => depth -= 1,
            b'|' if top => {
                out.push((from..i, cut.take()));
                from = i + 1;
            }
            b' ' if top && cut.is_none() => {
                if let Some(n) = gap_len(&p[i..]) {
                    cut = Some(i - from);
                    i += n;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push((from..p.len(), cut));
    out
}

/// The first index from `from` on whose byte is one `stop` accepts, or
/// `bytes.len()`. A tight loop: most bytes of a pattern are letters.
fn skip_to(bytes: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[from..].iter().position(|&b| stop(b)).map_or(bytes.len(), |k| from + k)
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

/// Appends the expansion of the conveniences of the language in `pattern`
/// to `out` (no wrapping). One pass that copies ordinary bytes in runs: the
/// library expands every rule at start-up (see the module docs).
fn expand_body(pattern: &str, out: &mut String) -> Result<(), String> {
    let bytes = pattern.as_bytes();
    // `out` holds the expansion of `pattern[..copied]`.
    let (mut i, mut copied) = (0, 0);
    loop {
        // Skip to the next byte that may need more than copying.
        i = skip_to(bytes, i, |b| matches!(b, b'\\' | b' ' | b'\'' | b'.' | 0x80..));
        let Some(&b) = bytes.get(i) else { break };
        if b == b'\\' {
            // Keep escapes verbatim, including an escaped space.
            i += 1 + pattern[i + 1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if b == b'.' {
            if bytes[i..].starts_with(b"...") {
                return Err(format!("pattern {pattern:?}: `...` must have a space on each side"));
            }
            i += 1;
            continue;
        }
        if !b.is_ascii() {
            let c = pattern[i..].chars().next().unwrap_or_default();
            return Err(format!(
                "pattern {pattern:?} has the non-ASCII character {c:?}; rules run in ASCII mode"
            ));
        }
        out.push_str(&pattern[copied..i]);
        i += 1;
        if b == b'\'' {
            out.push_str("(?:'|\\xE2\\x80\\x99)");
        } else if let Some((words, len)) = gap(&pattern[i..])? {
            push_gap(out, words);
            i += len;
        } else {
            out.push_str("\\W+");
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
        }
        copied = i;
    }
    out.push_str(&pattern[copied..]);
    Ok(())
}

/// The gap (` ... ` or ` ~N `) whose leading space is just before `rest`,
/// if any: its width in words and its length in `rest`, in bytes (it is
/// ASCII), trailing space included.
fn gap(rest: &str) -> Result<Option<(u32, usize)>, String> {
    if rest.starts_with("... ") {
        return Ok(Some((DEFAULT_GAP_WORDS, 4)));
    }
    parse_gap(rest).transpose()
}

/// Whether `p` has an upper-case letter that is not an escape such as `\W`.
fn has_upper_outside_escapes(p: &str) -> bool {
    if !p.bytes().any(|b| b.is_ascii_uppercase()) {
        return false; // the common case, found in a quicker pass
    }
    // Bytes, not chars: what follows an escaped multi-byte character is
    // UTF-8 continuation bytes, neither a backslash nor a letter.
    let mut escaped = false;
    for &b in p.as_bytes() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b.is_ascii_uppercase() {
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
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(out, "\\W+(?:\\w+\\W+){{0,{words}}}");
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
    fn split_rejects_or_keeps_what_expand_does_without_panicking() {
        // Byte scans must not cut a multi-byte character or run past a
        // trailing backslash.
        assert!(split("café ~2 x|y").unwrap_err().contains("non-ASCII"));
        assert_eq!(split(r"x\").unwrap()[0].head, expand(r"x\").unwrap());
        assert_eq!(split("x ~2 y\\").unwrap()[0].tail.as_deref(), Some(r"(?-u)(?:\W+(?:\w+\W+){0,2}y\)\b{end-half}"));
    }

    #[test]
    fn escapes_are_kept() {
        assert_eq!(expand(r"u\.s\.").unwrap(), r"(?-u)\b{start-half}(?:u\.s\.)\b{end-half}");
    }
}
