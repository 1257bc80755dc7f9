//! One stable sort for the crate's cold paths, to keep the wasm small.
//!
//! Each call of the standard library's sort on a new element type or with a
//! new comparator instantiates the whole algorithm again (driftsort, its
//! small-sorts and merges): 5 to 11 KB of wasm per call site at this
//! crate's `opt-level = 3`; 146 sort functions made 137 KB of the module's
//! 616 KB of code (measured with twiggy). The functions here sort a list of
//! indices through a comparator behind a `dyn` reference, one instantiation
//! shared by every caller, then move the elements into that order.
//!
//! The price is an indirect call per comparison and an index list per sort:
//! nothing next to the classifier's start-up or a diff's few dozen entries,
//! which are what use it; hot loops keep the standard sorts.

use std::cmp::Ordering;

/// Lists up to this long are insertion-sorted in place. Most lists sorted
/// while the classifier is built are this short (a rule literal's
/// disjunction), and the index sort's two allocations and indirect calls
/// made building it 2 % dearer.
const SHORT: usize = 16;

/// Sorts `v` by `cmp` with the result of `v.sort_by(cmp)`: stable, so
/// elements that compare equal keep their order.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() <= SHORT {
        // Insertion sort, swapping only on `Greater` (so stable): no
        // allocation, and small code however many callers inline it.
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    // `order` is a permutation, so every slot is taken exactly once.
    v.extend(order.iter().filter_map(|&i| slots[i].take()));
}

/// Sorts `v` by the key `key` gives, as `v.sort_by_key(key)` would.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order, as `v.sort()` would.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The one instantiation of the standard library's stable sort.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sorts,
        /// ties (many: keys are taken modulo 8) included.
        #[test]
        fn orders_as_the_standard_sorts(v in proptest::collection::vec((0u8..=255, 0u32..1000), 0..60)) {
            let mut ours = v.clone();
            super::sort_by_key(&mut ours, |p| p.0 % 8);
            let mut std = v.clone();
            std.sort_by_key(|p| p.0 % 8);
            prop_assert_eq!(ours, std);

            let mut ours = v.clone();
            super::sort(&mut ours);
            let mut std = v;
            std.sort();
            prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn keeps_the_order_of_equal_elements() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        super::sort_by(&mut v, |x, y| x.0.cmp(&y.0));
        assert_eq!(v, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }
}
