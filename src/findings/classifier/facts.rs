//! What the gate learns from each regex of the taxonomy ([`RegexFacts`]),
//! derived once at build time and embedded, so that building the classifier
//! — the first thing a woken service worker does — need not parse regexes.
//!
//! Deriving the facts means parsing every head and tail with regex-syntax
//! (2,265 heads, 971 tails; 1,900 / 908 distinct): 80 % of the
//! instructions of building the classifier natively, most of a cold
//! click's wait in the extension. `build.rs` includes this file,
//! [`super::literals`] and [`super::table`], derives the facts of every
//! regex of the built-in taxonomy and writes them with
//! [`super::table::encode_table`]; [`Memo`] reads them back and derives
//! only what the table lacks.
//!
//! The table is by regex id: entry `i` is the facts of the `i`-th distinct
//! regex the classifier interns while it builds the built-in taxonomy (for
//! each category: its `unless`, its rules' patterns, then each rule's
//! `also` and `unless`; heads before tails), the order `build.rs` walks the
//! data files in. The table also holds a hash of that whole sequence (each
//! regex and its starts flag); [`Memo`] hashes the sequence it is asked
//! for, and when the two differ the classifier is built again without the
//! table (slower, never wrong; a test checks the built-in taxonomy never
//! needs that).
//!
//! The table's bytes: [`super::table`].

use super::literals::{self, Condition};
use super::table::Table;

/// What the gate learns from one regex of the taxonomy.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RegexFacts {
    /// The condition every match satisfies ([`literals::required_in`]).
    pub cond: Condition,
    /// For a head, the literals every match starts with
    /// ([`literals::prefixes_in`]) cut to their first [`START_BYTES`]
    /// bytes, sorted and deduplicated: all the matcher's start filter reads
    /// of them.
    pub starts: Option<Vec<Vec<u8>>>,
}

/// Bytes of a start literal kept (the start filter indexes word starts by
/// their first two bytes).
pub const START_BYTES: usize = 2;

/// The facts of `regex`, parsed now; with `starts`, its start literals too.
pub fn derive(regex: &str, starts: bool) -> RegexFacts {
    let hir = literals::parse(regex);
    RegexFacts {
        cond: hir.as_ref().map(literals::required_in).unwrap_or_default(),
        starts: if starts { hir.as_ref().and_then(literals::prefixes_in).map(cut) } else { None },
    }
}

/// Start literals cut to [`START_BYTES`], sorted, without repeats.
fn cut(mut starts: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    starts.iter_mut().for_each(|l| l.truncate(START_BYTES));
    crate::sort::sort(&mut starts);
    starts.dedup();
    starts
}

/// The facts of a regex the table lacks: derived natively; none in the
/// wasm, which only builds the built-in taxonomy (whose table fits, tested),
/// so the literal analysis is not shipped. No facts is never wrong: the
/// branch is then searched on every clause its category's triggers reach.
#[cfg(not(target_arch = "wasm32"))]
fn fallback(regex: &str, starts: bool) -> RegexFacts {
    derive(regex, starts)
}

#[cfg(target_arch = "wasm32")]
fn fallback(_regex: &str, _starts: bool) -> RegexFacts {
    RegexFacts::default()
}

/// FNV-1a (64 bits) of a regex and its starts flag, folded into `h`: the
/// sequence hash is this over every regex in id order, from [`HASH_START`].
pub fn fold(h: u64, regex: &str, starts: bool) -> u64 {
    regex.bytes().chain([starts as u8, 0xff]).fold(h, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// The FNV-1a offset basis.
pub const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// [`RegexFacts`] by regex id (the classifier's regex table), each taken
/// from the embedded table or, without one, derived once. The taxonomy
/// repeats regexes, so ids are fewer than uses.
pub struct Memo {
    table: Table,
    by_id: Vec<Option<RegexFacts>>,
    /// [`fold`] over the regexes asked for, in id order.
    hash: u64,
    /// Whether each new id asked for was the next one, as the table's
    /// order assumes.
    in_order: bool,
}

impl Memo {
    /// A memo that takes from `table` first.
    pub fn new(table: Table) -> Self {
        Memo { table, by_id: Vec::new(), hash: HASH_START, in_order: true }
    }

    /// The facts of regex `id`, whose source is `regex`, on the first call
    /// for `id` taken or derived; with `starts`, its start literals too.
    /// Facts taken from a table are right only if [`Memo::table_fits`]
    /// says so once every regex was asked for.
    pub fn get(&mut self, id: u32, regex: &str, starts: bool) -> &RegexFacts {
        let i = id as usize;
        if self.by_id.len() <= i {
            self.in_order &= i == self.by_id.len();
            self.by_id.resize_with(i + 1, || None);
        }
        if self.by_id[i].is_none() {
            self.hash = fold(self.hash, regex, starts);
            // Out of order, the table cannot fit: its next entry is not this regex's.
            let taken = if self.in_order { self.table.next(regex) } else { None };
            self.by_id[i] = Some(taken.unwrap_or_else(|| fallback(regex, starts)));
        }
        self.by_id[i].get_or_insert_with(RegexFacts::default)
    }

    /// Whether any facts came from a table.
    pub fn used_table(&self) -> bool {
        self.table.hash != 0
    }

    /// Whether the facts given were the right ones: no table was used, or
    /// the regexes asked for were exactly the table's, in its order, and
    /// every entry decoded.
    pub fn table_fits(&self) -> bool {
        !self.used_table()
            || self.in_order && self.by_id.len() == self.table.len() && self.table.read_whole() && self.hash == self.table.hash
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::encode_table;
    use super::{derive, Memo, Table};
    use crate::taxonomy::GATE_FACTS;

    const REGEXES: [&str; 3] =
        ["(?-u)\\b{start-half}(?:sell|sold) (your|personal) data", "(?:a|bb)c\\w+ (?:it|them)", "(?-u)\\b{start-half}(?:may|might)"];

    fn list() -> Vec<(String, bool)> {
        REGEXES.iter().map(|r| (r.to_string(), r.starts_with("(?-u)"))).collect()
    }

    /// A table gives back the facts parsing gives, and fits when asked for
    /// the same regexes in the same order.
    #[test]
    fn a_table_gives_back_the_derived_facts() {
        let mut memo = Memo::new(Table::decode(&encode_table(&list()).unwrap()));
        for (i, (r, starts)) in list().iter().enumerate() {
            assert_eq!(memo.get(i as u32, r, *starts), &derive(r, *starts), "{r}");
        }
        assert!(memo.used_table() && memo.table_fits());
        assert!(derive(REGEXES[2], true).starts.is_some() && !derive(REGEXES[0], true).cond.is_empty());
    }

    /// Asked for other regexes, in another order or fewer, a table does not fit.
    #[test]
    fn a_table_asked_for_other_regexes_does_not_fit() {
        let table = encode_table(&list()).unwrap();
        let mut other = Memo::new(Table::decode(&table));
        for (i, (r, starts)) in list().iter().rev().enumerate() {
            other.get(i as u32, r, *starts);
        }
        assert!(!other.table_fits());
        let mut fewer = Memo::new(Table::decode(&table));
        fewer.get(0, REGEXES[0], true);
        assert!(!fewer.table_fits());
        let mut none = Memo::new(Table::default());
        none.get(0, REGEXES[1], false);
        assert!(none.table_fits() && !none.used_table());
    }

    /// A truncated or corrupted table does not fit, so the classifier
    /// derives the facts again instead of using wrong ones.
    #[test]
    fn a_damaged_table_does_not_fit() {
        assert!(Table::decode(GATE_FACTS).len() > 1000);
        let table = encode_table(&list()).unwrap();
        let mut damaged = vec![table[..table.len() - 1].to_vec(), table.clone()];
        damaged[1].push(0);
        for bytes in damaged {
            let mut memo = Memo::new(Table::decode(&bytes));
            for (i, (r, starts)) in list().iter().enumerate() {
                memo.get(i as u32, r, *starts);
            }
            assert!(memo.used_table() && !memo.table_fits());
        }
        assert!(!Memo::new(Table::decode(&table[..10])).used_table());
    }
}
