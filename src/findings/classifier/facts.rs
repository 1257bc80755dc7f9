//! What the gate learns from each regex of the taxonomy ([`RegexFacts`]),
//! derived once at build time and embedded, so that building the classifier
//! — the first thing a woken service worker does — need not parse regexes.
//!
//! Deriving the facts means parsing every head and tail with regex-syntax
//! (2,265 heads, 971 tails; 1,900 / 908 distinct): 80 % of the
//! instructions of building the classifier natively, most of a cold
//! click's wait in the extension. `build.rs` includes this file and
//! [`super::literals`], derives the facts of every regex of the built-in
//! taxonomy and writes them with [`encode_table`]; [`Memo`] reads them back
//! and derives only what the table lacks.
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
//! Why this layout: the facts written out plainly were 191 KB (82 KB
//! gzipped), too much for the wasm budget. Literals and literal sets repeat,
//! so each is stored once, referred to by id, and ids are varints (7 bits a
//! byte); start literals are cut to the two bytes the start filter reads.
//! Fixed-width integers are little-endian:
//! - header: literal, set and entry counts (`u32` each), the sequence
//!   hash (`u64`);
//! - literals: a `u8` length and the bytes (at most 8, see
//!   [`super::literals`]), sorted;
//! - sets: a `u8` count and that many literal ids, each a zigzag varint of
//!   its difference from the previous id (sets keep their order);
//! - entries: a `u8` count and that many set ids (the condition), then the
//!   start literals: `0` for none, else `1` and a set id.
//!
//! [`encode_table`] refuses what does not fit these widths.

use super::literals::{self, Condition};

/// What the gate learns from one regex of the taxonomy.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RegexFacts {
    /// The condition every match satisfies ([`literals::required_in`]).
    pub cond: Condition,
    /// For a head, the literals every match starts with
    /// ([`literals::prefixes_in`]) cut to their first [`START_BYTES`]
    /// bytes, sorted and deduplicated: all the matcher's start filter reads
    /// of them, and a third of the table's size.
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
fn fold(h: u64, regex: &str, starts: bool) -> u64 {
    regex.bytes().chain([starts as u8, 0xff]).fold(h, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// The FNV-1a offset basis.
const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Literal sets (as literal id lists) by id, in first-seen order.
#[allow(dead_code)] // build.rs only
#[derive(Default)]
struct Sets {
    ids: std::collections::HashMap<Vec<u32>, u32>,
    list: Vec<Vec<u32>>,
}

#[allow(dead_code)] // build.rs only
impl Sets {
    fn id(&mut self, set: Vec<u32>) -> u32 {
        let next = self.list.len() as u32;
        *self.ids.entry(set.clone()).or_insert_with(|| {
            self.list.push(set);
            next
        })
    }
}

/// The table of `regexes` (source, starts flag), in regex id order, their
/// facts derived now; see the module documentation for the layout. Errs
/// when something does not fit its width.
#[allow(dead_code)] // build.rs writes the table; the library only reads it
pub fn encode_table(regexes: &[(String, bool)]) -> Result<Vec<u8>, String> {
    let facts: Vec<RegexFacts> = regexes.iter().map(|(r, starts)| derive(r, *starts)).collect();
    let mut lits: Vec<&Vec<u8>> = facts.iter().flat_map(|f| f.cond.iter().flatten().chain(f.starts.iter().flatten())).collect();
    crate::sort::sort(&mut lits);
    lits.dedup();
    let lit_ids = |set: &Vec<Vec<u8>>| -> Vec<u32> { set.iter().map(|l| lits.binary_search(&l).unwrap_or_default() as u32).collect() };
    let mut sets = Sets::default();
    let mut entries = Vec::new();
    let mut hash = HASH_START;
    for ((regex, starts), f) in regexes.iter().zip(&facts) {
        hash = fold(hash, regex, *starts);
        entries.push(byte(f.cond.len())?);
        for any in &f.cond {
            varint(&mut entries, sets.id(lit_ids(any)) as u64);
        }
        match &f.starts {
            None => entries.push(0),
            Some(set) => {
                entries.push(1);
                varint(&mut entries, sets.id(lit_ids(set)) as u64);
            }
        }
    }
    let mut out = Vec::new();
    for n in [lits.len(), sets.list.len(), regexes.len()] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(&hash.to_le_bytes());
    for l in &lits {
        out.push(byte(l.len())?);
        out.extend_from_slice(l);
    }
    for set in &sets.list {
        out.push(byte(set.len())?);
        let mut prev = 0i64;
        for &id in set {
            let d = id as i64 - prev;
            varint(&mut out, ((d << 1) ^ (d >> 63)) as u64);
            prev = id as i64;
        }
    }
    out.extend_from_slice(&entries);
    Ok(out)
}

#[allow(dead_code)] // build.rs only
fn byte(n: usize) -> Result<u8, String> {
    u8::try_from(n).map_err(|_| format!("a count of {n} does not fit the facts table's byte"))
}

#[allow(dead_code)] // build.rs only
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A table written by [`encode_table`], decoded: the facts by regex id and
/// the sequence hash (0 for no table).
#[derive(Default)]
pub struct Table {
    facts: Vec<RegexFacts>,
    hash: u64,
}

impl Table {
    /// Decodes `bytes`; a malformed table decodes to an empty one (every
    /// regex is then derived).
    pub fn decode(bytes: &[u8]) -> Self {
        Reader(bytes).table().unwrap_or_default()
    }
}

/// A cursor over a table.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let (b, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(b)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?) as usize)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn set(&mut self, sets: &[Vec<Vec<u8>>]) -> Option<Vec<Vec<u8>>> {
        sets.get(usize::try_from(self.varint()?).ok()?).cloned()
    }

    fn table(&mut self) -> Option<Table> {
        let (nl, ns, ne) = (self.u32()?, self.u32()?, self.u32()?);
        let hash = u64::from_le_bytes(self.bytes(8)?.try_into().ok()?);
        let lits = (0..nl).map(|_| self.byte().and_then(|n| self.bytes(n as usize)).map(<[u8]>::to_vec)).collect::<Option<Vec<_>>>()?;
        let mut sets = Vec::with_capacity(ns.min(self.0.len()));
        for _ in 0..ns {
            let mut prev = 0i64;
            let set = (0..self.byte()?)
                .map(|_| {
                    let z = self.varint()?;
                    prev = prev.checked_add((z >> 1) as i64 ^ -((z & 1) as i64))?;
                    lits.get(usize::try_from(prev).ok()?).cloned()
                })
                .collect::<Option<Vec<_>>>()?;
            sets.push(set);
        }
        let mut facts = Vec::with_capacity(ne.min(self.0.len()));
        for _ in 0..ne {
            let cond = (0..self.byte()?).map(|_| self.set(&sets)).collect::<Option<Condition>>()?;
            let starts = match self.byte()? {
                0 => None,
                _ => Some(self.set(&sets)?),
            };
            facts.push(RegexFacts { cond, starts });
        }
        (self.0.is_empty() && hash != 0).then_some(Table { facts, hash })
    }
}

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
            let taken = self.table.facts.get_mut(i).map(std::mem::take);
            self.by_id[i] = Some(taken.unwrap_or_else(|| fallback(regex, starts)));
        }
        self.by_id[i].get_or_insert_with(RegexFacts::default)
    }

    /// Whether any facts came from a table.
    pub fn used_table(&self) -> bool {
        self.table.hash != 0
    }

    /// Whether the facts given were the right ones: no table was used, or
    /// the regexes asked for were exactly the table's, in its order.
    pub fn table_fits(&self) -> bool {
        !self.used_table() || self.in_order && self.by_id.len() == self.table.facts.len() && self.hash == self.table.hash
    }
}

#[cfg(test)]
mod tests {
    use super::{derive, encode_table, Memo, Table};
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

    /// A truncated table decodes to nothing rather than to wrong facts.
    #[test]
    fn a_truncated_table_decodes_to_nothing() {
        assert!(Table::decode(GATE_FACTS).facts.len() > 1000);
        assert!(Table::decode(&GATE_FACTS[..GATE_FACTS.len() - 1]).facts.is_empty());
        assert!(Table::decode(&[]).facts.is_empty());
    }
}
