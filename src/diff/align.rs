//! Aligning the old and new clause sequences by wording.
//!
//! 1. A longest common subsequence of the two key sequences
//!    (Hunt–Szymanski: O((r + n) log n) time and O(r) memory for r matching
//!    pairs, which is small because most clauses of a policy are unique) marks
//!    the clauses that stayed in place.
//! 2. Between two kept clauses lies a *hunk*: old clauses that went, new ones
//!    that came.
//! 3. A clause that went from one place and came, word for word, somewhere
//!    else has *moved*: reordering identical text is not a wording change.
//!    Matching by multiset makes the exact alignment of repeated clauses
//!    ("Learn more.") irrelevant, so keys seen more than [`MAX_REPEATS`]
//!    times on either side are left out of step 1 (bounding r by
//!    `MAX_REPEATS · n` on hostile input) and settled here.
//! 4. A hunk whose remaining old clauses, read as one token stream, say
//!    exactly what its new ones say was only *re-segmented* (a sentence
//!    split in two, two list items merged, a full stop lost).
//!
//! What is left in each hunk goes to [`super::pair`].

use std::collections::HashMap;
use std::ops::Range;

use super::normalize::Wording;

/// Keys repeated more often than this on either side are not used as
/// anchors of the alignment (they are matched by multiset instead).
pub const MAX_REPEATS: usize = 32;

/// The alignment of two clause sequences, by index into each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alignment {
    /// Pairs `(old, new)` of identical clauses kept in order, ascending.
    pub kept: Vec<(usize, usize)>,
    /// Pairs `(old, new)` of identical clauses that changed place.
    pub moved: Vec<(usize, usize)>,
    /// Old and new clause indices whose hunk was only re-segmented.
    pub resegmented: (Vec<usize>, Vec<usize>),
    /// The hunks still holding changes: old indices gone, new indices come.
    pub hunks: Vec<Hunk>,
}

/// Old clauses that went and new ones that came between two kept clauses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    /// Old clause indices, ascending.
    pub removed: Vec<usize>,
    /// New clause indices, ascending.
    pub added: Vec<usize>,
}

/// Aligns `old` with `new` (see the module docs).
pub fn align(old: &[Wording], new: &[Wording]) -> Alignment {
    let kept = lcs(old, new);
    let mut hunks = Vec::new();
    let (mut i0, mut j0) = (0, 0);
    for &(i, j) in kept.iter().chain(std::iter::once(&(old.len(), new.len()))) {
        if i > i0 || j > j0 {
            hunks.push(Hunk { removed: (i0..i).collect(), added: (j0..j).collect() });
        }
        (i0, j0) = (i + 1, j + 1);
    }

    // Moved: the n-th unmatched old clause with a key pairs with the n-th
    // unmatched new clause with the same key, in document order.
    let mut waiting: HashMap<u64, Vec<usize>> = HashMap::new();
    for h in &hunks {
        for &j in h.added.iter().rev() {
            waiting.entry(new[j].key).or_default().push(j);
        }
    }
    for list in waiting.values_mut() {
        crate::sort::sort_by(list, |a, b| b.cmp(a)); // pop() yields the first
    }
    let mut moved = Vec::new();
    for h in &hunks {
        for &i in &h.removed {
            if let Some(j) = waiting.get_mut(&old[i].key).and_then(Vec::pop) {
                moved.push((i, j));
            }
        }
    }
    let (mut gone_old, mut gone_new) = (vec![false; old.len()], vec![false; new.len()]);
    for &(i, j) in &moved {
        gone_old[i] = true;
        gone_new[j] = true;
    }
    let mut resegmented = (Vec::new(), Vec::new());
    let mut left = Vec::new();
    for h in hunks {
        let removed: Vec<usize> = h.removed.into_iter().filter(|&i| !gone_old[i]).collect();
        let added: Vec<usize> = h.added.into_iter().filter(|&j| !gone_new[j]).collect();
        if removed.is_empty() && added.is_empty() {
            continue;
        }
        if !removed.is_empty() && !added.is_empty() && same_stream(old, &removed, new, &added) {
            resegmented.0.extend(removed);
            resegmented.1.extend(added);
        } else {
            left.push(Hunk { removed, added });
        }
    }
    crate::sort::sort(&mut moved);
    Alignment { kept, moved, resegmented, hunks: left }
}

/// Whether the tokens of `old[a…]` in order equal those of `new[b…]`.
fn same_stream(old: &[Wording], a: &[usize], new: &[Wording], b: &[usize]) -> bool {
    let x = a.iter().flat_map(|&i| old[i].tokens.iter());
    let y = b.iter().flat_map(|&j| new[j].tokens.iter());
    x.eq(y)
}

/// A longest common subsequence of the keys, as ascending `(old, new)`
/// index pairs, over keys seen at most [`MAX_REPEATS`] times on each side.
/// The common prefix and suffix are taken first (the usual case: most of a
/// policy is unchanged at both ends).
fn lcs(old: &[Wording], new: &[Wording]) -> Vec<(usize, usize)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a.key == b.key).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a.key == b.key)
        .count();
    let mid_old = prefix..old.len() - suffix;
    let mid_new = prefix..new.len() - suffix;
    let mut out: Vec<(usize, usize)> = (0..prefix).map(|k| (k, k)).collect();
    out.extend(hunt_szymanski(old, mid_old.clone(), new, mid_new.clone()));
    out.extend((0..suffix).map(|k| (mid_old.end + k, mid_new.end + k)));
    out
}

/// Hunt–Szymanski LCS of `old[ro]` and `new[rn]`, in absolute indices.
fn hunt_szymanski(old: &[Wording], ro: Range<usize>, new: &[Wording], rn: Range<usize>) -> Vec<(usize, usize)> {
    // Where each key occurs in `new`, ascending.
    let mut at: HashMap<u64, Vec<usize>> = HashMap::new();
    for j in rn {
        at.entry(new[j].key).or_default().push(j);
    }
    let mut old_count: HashMap<u64, usize> = HashMap::new();
    for i in ro.clone() {
        *old_count.entry(old[i].key).or_default() += 1;
    }
    // thresh[k]: the smallest new index ending a common subsequence of
    // length k + 1; link[k]: the node of that subsequence's last pair.
    let mut thresh: Vec<usize> = Vec::new();
    let mut link: Vec<usize> = Vec::new();
    // Nodes: (old, new, previous node or usize::MAX).
    let mut nodes: Vec<(usize, usize, usize)> = Vec::new();
    for i in ro {
        let key = old[i].key;
        let Some(js) = at.get(&key) else { continue };
        if js.len() > MAX_REPEATS || old_count[&key] > MAX_REPEATS {
            continue;
        }
        // Descending j, so one old clause extends at most one length.
        for &j in js.iter().rev() {
            let k = thresh.partition_point(|&t| t < j);
            if k < thresh.len() && thresh[k] <= j {
                continue;
            }
            let prev = if k > 0 { link[k - 1] } else { usize::MAX };
            nodes.push((i, j, prev));
            if k == thresh.len() {
                thresh.push(j);
                link.push(nodes.len() - 1);
            } else {
                thresh[k] = j;
                link[k] = nodes.len() - 1;
            }
        }
    }
    let mut out = Vec::with_capacity(thresh.len());
    let mut at_node = link.last().copied().unwrap_or(usize::MAX);
    while at_node != usize::MAX {
        let (i, j, prev) = nodes[at_node];
        out.push((i, j));
        at_node = prev;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::super::normalize::wording;
    use super::*;

    fn w(items: &[&str]) -> Vec<Wording> {
        items.iter().map(|s| wording(s)).collect()
    }

    #[test]
    fn lcs_is_longest_and_ordered() {
        let a = w(&["a", "b", "c", "d", "e", "f"]);
        let b = w(&["x", "b", "d", "c", "e", "y", "f"]);
        let k = lcs(&a, &b);
        assert_eq!(k.len(), 4, "{k:?}"); // b, c|d, e, f
        assert!(k.windows(2).all(|p| p[0].0 < p[1].0 && p[0].1 < p[1].1));
        assert!(k.iter().all(|&(i, j)| a[i].key == b[j].key));
    }

    #[test]
    fn moves_and_resegmentation_are_not_changes() {
        let a = w(&["One thing.", "Two things.", "Three.", "We may share it.", "Partners see it."]);
        let b = w(&["Three.", "One thing.", "Two things.", "We may share it, Partners see it"]);
        let al = align(&a, &b);
        assert_eq!(al.moved, vec![(2, 0)]);
        assert!(al.hunks.is_empty(), "{al:?}");
        assert_eq!(al.resegmented, (vec![3, 4], vec![3]));
    }

    #[test]
    fn a_real_change_stays_in_its_hunk() {
        let a = w(&["Keep.", "We do not sell data.", "End."]);
        let b = w(&["Keep.", "We sell data.", "New clause here.", "End."]);
        let al = align(&a, &b);
        assert_eq!(al.kept, vec![(0, 0), (2, 3)]);
        assert_eq!(al.hunks, vec![Hunk { removed: vec![1], added: vec![1, 2] }]);
    }

    #[test]
    fn heavy_repetition_stays_linear_and_cancels() {
        let mut a = w(&["Old start."]);
        a.extend(w(&vec!["Learn more."; 5000]));
        a.push(wording("Old end."));
        let mut b = w(&["New start."]);
        b.extend(w(&vec!["Learn more."; 4999]));
        b.push(wording("New end."));
        let al = align(&a, &b);
        assert!(al.kept.is_empty(), "repeated keys are not anchors");
        assert_eq!(al.moved.len(), 4999);
        let changed: usize = al.hunks.iter().map(|h| h.removed.len() + h.added.len()).sum();
        assert_eq!(changed, 5, "2 old ends, 2 new ends, 1 extra repeat");
    }
}
