//! Which literal strings a regex match must contain: the gate that decides,
//! for one clause, which rules are worth running at all.
//!
//! A rule such as `(sell|sold) ~6 (personal|your|data)` can only match a
//! clause that contains one of `sell`, `sold` *and* one of `personal`, `your`,
//! `data`. [`required_in`] derives that condition from the regex itself — a
//! conjunction of disjunctions of byte strings — and the classifier checks it
//! against one Aho–Corasick pass over the clause before running any regex.
//! The condition is necessary, never sufficient: skipping a rule whose
//! condition fails cannot change the classifier's output (a test checks it on
//! every example and the sample policy).
//!
//! Why not only the triggers: a category's triggers are single words that
//! mark the category as plausible; most of its rules still fail on the
//! clause, and each failing rule used to cost a regex search (≈ 300,000 on
//! the 48-policy corpus). Most rules need two or three distinctive words.

use regex_automata::util::syntax;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Literals shorter than this are too common to be worth checking ("we",
/// "to"): a disjunction containing one is dropped from the condition.
const MIN_LITERAL_BYTES: usize = 3;
/// Largest set of strings tracked for one sub-expression; beyond it the
/// cross product of a concatenation is cut (the condition gets weaker, never
/// wrong).
const MAX_SET: usize = 64;
/// Literals in a condition are cut to this many bytes: "terminat" stands for
/// "terminate", "terminates" and "terminating" (any part of a required
/// string is required too), which keeps disjunctions and the automaton small.
pub const MAX_LITERAL_BYTES: usize = 8;

/// A condition on a text: every inner list must have one of its strings
/// occur in the text (as a substring). Empty = no condition.
pub type Condition = Vec<Vec<Vec<u8>>>;

/// `regex` parsed as the classifier compiles it (bytes, `utf8(false)`), so
/// literals come out as byte strings of the lower-cased text.
pub fn parse(regex: &str) -> Option<Hir> {
    syntax::parse_with(regex, &syntax::Config::new().utf8(false)).ok()
}

/// The literal condition every match of the regex `hir` satisfies, or an
/// empty condition when none can be derived. Literals are byte strings of
/// the lower-cased text when `hir` comes from [`parse`]. (A regex that does
/// not parse gets no condition: it never matches anyway, see the
/// classifier's `Lazy`.)
pub fn required_in(hir: &Hir) -> Condition {
    let mut cond: Condition = analyse(hir).condition().into_iter().map(normalise).collect();
    cond.retain(|any| useful(any));
    crate::sort::sort(&mut cond);
    cond.dedup();
    cond
}

/// Literals one of which every match of `hir` starts with, cut to
/// [`MAX_LITERAL_BYTES`]; `None` when no such finite set of non-empty
/// literals exists (a head opening with `\w+`, `^` or `(\w+ )?`).
///
/// The classifier searches a head that has them *anchored* at the word
/// starts whose first two bytes fit one of them (see the matcher's
/// `StartFilter`), instead of scanning the whole clause: a match can start
/// nowhere else.
pub fn prefixes_in(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    seq.keep_first_bytes(MAX_LITERAL_BYTES);
    seq.dedup();
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_SET || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The same disjunction with each literal cut to [`MAX_LITERAL_BYTES`] and
/// without literals that contain another one ("share" and "sharing" need
/// only "shar"): equivalent as a condition, cheaper to check.
fn normalise(mut any: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    for l in &mut any {
        l.truncate(MAX_LITERAL_BYTES);
    }
    crate::sort::sort_by_key(&mut any, Vec::len);
    any.dedup();
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for l in any {
        if !kept.iter().any(|k| contains(&l, k)) {
            kept.push(l);
        }
    }
    crate::sort::sort(&mut kept);
    kept
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn useful(any: &[Vec<u8>]) -> bool {
    !any.is_empty() && any.len() <= MAX_SET && any.iter().all(|l| l.len() >= MIN_LITERAL_BYTES)
}

/// What is known about one sub-expression.
struct Facts {
    /// Every string it matches, when that set is finite and small.
    exact: Option<Vec<Vec<u8>>>,
    /// A condition every match satisfies.
    cond: Condition,
}

impl Facts {
    fn opaque() -> Self {
        Facts { exact: None, cond: Vec::new() }
    }

    /// The condition, counting an exact set as one disjunction.
    fn condition(self) -> Condition {
        match self.exact {
            Some(set) if !set.iter().any(Vec::is_empty) => vec![set],
            _ => self.cond,
        }
    }
}

fn analyse(hir: &Hir) -> Facts {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Facts { exact: Some(vec![Vec::new()]), cond: Vec::new() },
        HirKind::Literal(lit) => Facts { exact: Some(vec![lit.0.to_vec()]), cond: Vec::new() },
        HirKind::Class(class) => Facts { exact: class_members(class), cond: Vec::new() },
        HirKind::Capture(cap) => analyse(&cap.sub),
        HirKind::Repetition(rep) => {
            let sub = analyse(&rep.sub);
            match (rep.min, rep.max) {
                (1, Some(1)) => sub,
                (0, Some(1)) => {
                    let exact = sub.exact.map(|mut set| {
                        set.push(Vec::new());
                        set
                    });
                    Facts { exact: exact.filter(|s| s.len() <= MAX_SET), cond: Vec::new() }
                }
                (0, _) => Facts::opaque(),
                _ => Facts { exact: None, cond: sub.condition() },
            }
        }
        HirKind::Concat(parts) => concat(parts),
        HirKind::Alternation(alts) => alternation(alts),
    }
}

/// Members of a small class, as byte strings (UTF-8 for a Unicode class).
fn class_members(class: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    match class {
        Class::Bytes(c) => {
            for r in c.iter() {
                for b in r.start()..=r.end() {
                    out.push(vec![b]);
                    if out.len() > 8 {
                        return None;
                    }
                }
            }
        }
        Class::Unicode(c) => {
            for r in c.iter() {
                for ch in r.start()..=r.end() {
                    out.push(ch.to_string().into_bytes());
                    if out.len() > 8 {
                        return None;
                    }
                }
            }
        }
    }
    Some(out)
}

/// A concatenation: runs of parts with exact sets multiply into longer
/// literals ("sale" + `\W+` breaks the run, "s" + "ell|old" does not).
fn concat(parts: &[Hir]) -> Facts {
    let mut cond = Condition::new();
    let mut run: Option<Vec<Vec<u8>>> = Some(vec![Vec::new()]);
    let mut all_exact = true;
    for part in parts {
        let facts = analyse(part);
        match (run.take(), facts.exact) {
            (Some(prefixes), Some(set)) if prefixes.len() * set.len() <= MAX_SET => {
                run = Some(prefixes.iter().flat_map(|p| set.iter().map(move |s| [p.as_slice(), s].concat())).collect());
            }
            (prefixes, set) => {
                all_exact = false;
                if let Some(prefixes) = prefixes {
                    cond.extend(Facts { exact: Some(prefixes), cond: Vec::new() }.condition());
                }
                // A part too large to multiply still starts a new run.
                match set {
                    Some(set) => run = Some(set),
                    None => {
                        cond.extend(facts.cond);
                        run = Some(vec![Vec::new()]);
                    }
                }
            }
        }
    }
    if all_exact {
        return Facts { exact: run, cond };
    }
    if let Some(prefixes) = run {
        cond.extend(Facts { exact: Some(prefixes), cond: Vec::new() }.condition());
    }
    Facts { exact: None, cond }
}

/// An alternation: exact when every branch is; otherwise each branch
/// contributes its most selective disjunction, and the union of those is
/// required (if some branch guarantees nothing, nothing is required).
fn alternation(alts: &[Hir]) -> Facts {
    let facts: Vec<Facts> = alts.iter().map(analyse).collect();
    if facts.iter().all(|f| f.exact.is_some()) {
        let set: Vec<Vec<u8>> = facts.into_iter().flat_map(|f| f.exact.unwrap_or_default()).collect();
        return if set.len() <= MAX_SET { Facts { exact: Some(set), cond: Vec::new() } } else { Facts::opaque() };
    }
    let mut union = Vec::new();
    for f in facts {
        let best = f.condition().into_iter().map(normalise).filter(|any| useful(any)).max_by_key(|any| selectivity(any));
        match best {
            Some(any) => union.extend(any),
            None => return Facts::opaque(),
        }
    }
    let union = normalise(union);
    Facts { exact: None, cond: if union.len() <= MAX_SET { vec![union] } else { Vec::new() } }
}

/// Longer literals are rarer; fewer alternatives are rarer.
fn selectivity(any: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    (any.iter().map(Vec::len).min().unwrap_or(0), std::cmp::Reverse(any.len()))
}

#[cfg(test)]
mod tests {
    use super::{parse, required_in, Condition};

    fn required(regex: &str) -> Condition {
        parse(regex).map(|hir| required_in(&hir)).unwrap_or_default()
    }
    use crate::taxonomy::dsl;

    /// The condition of each top-level alternative (they are OR-ed).
    fn cond(pattern: &str) -> Vec<Vec<Vec<String>>> {
        let text = |c: super::Condition| -> Vec<Vec<String>> {
            c.into_iter().map(|any| any.into_iter().map(|l| String::from_utf8_lossy(&l).into_owned()).collect()).collect()
        };
        dsl::split(pattern)
            .unwrap_or_default()
            .into_iter()
            .map(|b| {
                let mut all = text(required(&b.head));
                all.extend(b.tail.as_deref().map(|t| text(required(t))).unwrap_or_default());
                all
            })
            .collect()
    }

    #[test]
    fn words_on_both_sides_of_a_gap_are_required() {
        let c = &cond("(sell|sold) ~6 (personal|your) data")[0];
        assert!(c.contains(&vec!["sell".into(), "sold".into()]), "{c:?}");
        assert!(c.contains(&vec!["personal".into(), "your".into()]), "{c:?}");
        assert!(c.contains(&vec!["data".into()]), "{c:?}");
    }

    #[test]
    fn optional_and_short_parts_are_not_required() {
        assert_eq!(cond("(we )?may")[0], vec![vec!["may".to_string()]]);
        assert_eq!(cond("we|us"), vec![Vec::<Vec<String>>::new(), Vec::new()]);
    }

    #[test]
    fn inflections_keep_their_stem() {
        let c = &cond("shar(e|es|ing) \\w+ with")[0];
        assert!(c.contains(&vec!["share".into(), "sharing".into()]), "{c:?}");
        assert!(c.contains(&vec!["with".into()]), "{c:?}");
        assert_eq!(cond("sell\\w*")[0], vec![vec!["sell".to_string()]]);
    }

    #[test]
    fn a_branch_without_literals_requires_nothing() {
        let c = cond("\\d+ days|(\\w+ )?within a week|(of|in) \\d+");
        assert_eq!(c[0], vec![vec!["days".to_string()]]);
        assert!(c[1].contains(&vec!["within".to_string()]) && c[1].contains(&vec!["week".to_string()]), "{c:?}");
        assert_eq!(c[2], Vec::<Vec<String>>::new());
    }
}
