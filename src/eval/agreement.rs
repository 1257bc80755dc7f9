//! How consistently the corpora themselves label the same wording — the
//! ceiling any classifier that reads only the sentence meets.
//!
//! Two sentences are *near-identical* when the cosine of their TF-IDF
//! vectors of character 4-grams (taken inside words padded with a space,
//! lower-cased; sublinear term frequency, smoothed idf over all sentences
//! compared) reaches a threshold: at 0.9 they differ by a name or a word or
//! two. For every such pair, per UNFAIR-ToS category, the two labels either
//! agree (both set), or one side alone carries it; reading one side as the
//! gold and the other as a prediction gives a pairwise F1, symmetric in the
//! two sides: 2·both / (2·both + first only + second only).
//!
//! Four comparisons:
//! - the same company's sentences in UNFAIR-ToS (train + dev) and in
//!   CLAUDETTE-2024 — mostly the same clause of the same terms, annotated
//!   twice by two projects (CLAUDETTE's is often a newer version);
//! - UNFAIR-ToS against CLAUDETTE-2024 across different companies;
//! - within UNFAIR-ToS, and within CLAUDETTE-2024, across different
//!   companies (one project's consistency with itself on shared templates).
//!
//! A classifier gives near-identical wording near-identical scores, so
//! where the labels of such pairs disagree it is wrong on one side of the
//! pair whatever it learns. Sentences under [`MIN_BYTES`] are left out
//! (headings such as "Termination" pair with each other and are never
//! labelled). Native only.

use std::collections::HashMap;

use serde::Serialize;

use super::metrics::{self, Counts};
use crate::model::recipe::{company_key, Row};

/// Sentences shorter than this many bytes are not compared.
pub const MIN_BYTES: usize = 40;

/// The cosine thresholds reported, highest first.
pub const THRESHOLDS: [f32; 3] = [0.9, 0.8, 0.7];

/// Label agreement over the near-identical pairs of one comparison at one
/// threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// What is compared with what, e.g. "UNFAIR-ToS vs CLAUDETTE-2024, same company".
    pub comparison: &'static str,
    /// Cosine threshold of the pairs.
    pub min_cos: f32,
    /// Near-identical pairs found (labelled or not).
    pub pairs: usize,
    /// Per category (indexed like [`super::UNFAIR_CATEGORIES`]), the pairs read
    /// with the first side (UNFAIR-ToS in the cross-corpus comparisons) as
    /// gold and the second as the prediction: `tp` both sides carry the
    /// label, `fn` only the first, `fp` only the second.
    pub counts: [Counts; 8],
}

impl Agreement {
    /// Pairwise F1 of category `i`, `None` when no pair carries it.
    pub fn f1(&self, i: usize) -> Option<f64> {
        f1(self.counts[i])
    }

    /// Pairwise F1 over all categories' labels together (micro).
    pub fn micro_f1(&self) -> Option<f64> {
        f1(metrics::pooled(&self.counts))
    }

    fn add(&mut self, a: u8, b: u8) {
        self.pairs += 1;
        for (i, c) in self.counts.iter_mut().enumerate() {
            c.add(a >> i & 1 == 1, b >> i & 1 == 1);
        }
    }
}

/// Symmetric in the two sides; `None` when neither carries the label.
fn f1(c: Counts) -> Option<f64> {
    (c.tp + c.fp + c.fn_ > 0).then(|| c.f1())
}

/// The four comparisons at every threshold of [`THRESHOLDS`], over
/// UNFAIR-ToS sentences `unfair` (train and dev) and CLAUDETTE-2024
/// sentences `claudette`.
pub fn measure(unfair: &[Row], claudette: &[Row]) -> Vec<Agreement> {
    let rows: Vec<(&Row, bool)> =
        unfair.iter().map(|r| (r, false)).chain(claudette.iter().map(|r| (r, true))).filter(|(r, _)| r.text.len() >= MIN_BYTES).collect();
    let companies: Vec<String> = rows.iter().map(|(r, _)| company_key(&r.doc)).collect();
    let texts: Vec<&str> = rows.iter().map(|(r, _)| r.text.as_str()).collect();
    let lowest = THRESHOLDS.iter().copied().fold(f32::INFINITY, f32::min);
    let pairs = near_pairs(&texts, lowest);
    const NAMES: [&str; 4] = [
        "UNFAIR-ToS vs CLAUDETTE-2024, same company",
        "UNFAIR-ToS vs CLAUDETTE-2024, other companies",
        "within UNFAIR-ToS, other companies",
        "within CLAUDETTE-2024, other companies",
    ];
    let mut out: Vec<Agreement> = THRESHOLDS
        .iter()
        .flat_map(|&t| NAMES.iter().map(move |&n| Agreement { comparison: n, min_cos: t, pairs: 0, counts: [Counts::default(); 8] }))
        .collect();
    for (i, j, cos) in pairs {
        let (i, j) = if rows[i].1 && !rows[j].1 { (j, i) } else { (i, j) }; // UNFAIR-ToS first
        let same = companies[i] == companies[j];
        let which = match (rows[i].1, rows[j].1, same) {
            (false, true, true) => 0,
            (false, true, false) => 1,
            (false, false, false) => 2,
            (true, true, false) => 3,
            _ => continue, // one project's sentences of one company with each other
        };
        for (k, &t) in THRESHOLDS.iter().enumerate() {
            if cos >= t {
                out[k * NAMES.len() + which].add(rows[i].0.labels, rows[j].0.labels);
            }
        }
    }
    out
}

/// Every pair `(i, j, cosine)` with `i < j` of `texts` whose character
/// 4-gram TF-IDF cosine is at least `min_cos`, in order of `i` then `j`.
///
/// Exact (no candidate pruning): an inverted index, and for each sentence a
/// dense accumulator over the later ones; the cost is the sum over 4-grams
/// of their document frequency squared (≈ 1.6 G multiply-adds on the whole
/// corpus, a few seconds).
pub fn near_pairs(texts: &[&str], min_cos: f32) -> Vec<(usize, usize, f32)> {
    let vectors = tfidf(texts);
    let mut postings: Vec<Vec<(u32, f32)>> = Vec::new();
    for (d, v) in vectors.iter().enumerate() {
        for &(g, w) in v {
            if postings.len() <= g as usize {
                postings.resize(g as usize + 1, Vec::new());
            }
            postings[g as usize].push((d as u32, w));
        }
    }
    let mut acc = vec![0f32; texts.len()];
    let mut out = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        for &(g, w) in v {
            let list = &postings[g as usize];
            let from = list.partition_point(|&(d, _)| d as usize <= i);
            for &(d, x) in &list[from..] {
                acc[d as usize] += w * x;
            }
        }
        for (j, a) in acc.iter_mut().enumerate().skip(i + 1) {
            if *a >= min_cos {
                out.push((i, j, *a));
            }
            *a = 0.0;
        }
    }
    out
}

/// Unit-length TF-IDF vectors of `texts`: (4-gram id, weight), ids
/// ascending.
fn tfidf(texts: &[&str]) -> Vec<Vec<(u32, f32)>> {
    let mut ids: HashMap<u64, u32> = HashMap::new();
    let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(texts.len());
    for t in texts {
        let mut c: HashMap<u32, u32> = HashMap::new();
        for_each_gram(t, |key| {
            let next = ids.len() as u32;
            *c.entry(*ids.entry(key).or_insert(next)).or_insert(0) += 1;
        });
        let mut c: Vec<(u32, u32)> = c.into_iter().collect();
        c.sort_unstable();
        counts.push(c);
    }
    let mut df = vec![0u32; ids.len()];
    for c in &counts {
        for &(g, _) in c {
            df[g as usize] += 1;
        }
    }
    let n = texts.len() as f64;
    counts
        .into_iter()
        .map(|c| {
            let mut v: Vec<(u32, f32)> =
                c.into_iter().map(|(g, tf)| (g, ((1.0 + f64::from(tf).ln()) * (((1.0 + n) / (1.0 + f64::from(df[g as usize]))).ln() + 1.0)) as f32)).collect();
            let norm = v.iter().map(|&(_, w)| f64::from(w) * f64::from(w)).sum::<f64>().sqrt() as f32;
            if norm > 0.0 {
                v.iter_mut().for_each(|(_, w)| *w /= norm);
            }
            v
        })
        .collect()
}

/// Calls `f` with each character 4-gram of `text`'s lower-cased words, each
/// word padded with a space on both sides (a word of fewer than three
/// bytes gives its padded self), packed as bytes and length into a `u64`.
/// Bytes, not characters: a 4-gram may cut a multi-byte character, which
/// only makes two such grams differ as they should.
fn for_each_gram(text: &str, mut f: impl FnMut(u64)) {
    for word in text.split_ascii_whitespace() {
        let padded: Vec<u8> = std::iter::once(b' ').chain(word.bytes().map(|b| b.to_ascii_lowercase())).chain(std::iter::once(b' ')).collect();
        let pack = |g: &[u8]| g.iter().fold(g.len() as u64, |k, &b| k << 8 | u64::from(b));
        if padded.len() <= 4 {
            f(pack(&padded));
        } else {
            padded.windows(4).for_each(|g| f(pack(g)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(doc: &str, text: &str, labels: u8) -> Row {
        Row { doc: doc.into(), text: text.into(), labels, levels: [0; 8], fold: None }
    }

    #[test]
    fn finds_near_identical_sentences_and_only_them() {
        let texts = [
            "Acme may terminate your account at any time without notice.",
            "Bolt may terminate your account at any time without notice.",
            "We collect the email address you give us when you sign up.",
            "ACME MAY TERMINATE YOUR ACCOUNT AT ANY TIME WITHOUT NOTICE.",
        ];
        let pairs = near_pairs(&texts, 0.7);
        let ids: Vec<(usize, usize)> = pairs.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(ids, [(0, 1), (0, 3), (1, 3)]);
        assert!((pairs[1].2 - 1.0).abs() < 1e-5, "case does not count: {pairs:?}");
        assert!(pairs[0].2 < 0.99);
    }

    #[test]
    fn counts_agreement_per_comparison() {
        let unfair = [
            row("Acme", "Acme may terminate your account at any time without notice.", 1 << 6),
            row("Bolt", "Bolt may terminate your account at any time without notice.", 0),
        ];
        let claudette = [row("ACME", "Acme may terminate your account at any time without any notice.", 1 << 6 | 1 << 1)];
        let all = measure(&unfair, &claudette);
        let at = |name: &str| all.iter().find(|a| a.min_cos == 0.7 && a.comparison.starts_with(name)).cloned();
        let same = at("UNFAIR-ToS vs CLAUDETTE-2024, same").expect("comparison");
        assert_eq!((same.pairs, same.counts[6].tp, same.counts[1].fp), (1, 1, 1));
        assert_eq!(same.f1(6), Some(1.0));
        assert_eq!(same.f1(0), None);
        let other = at("UNFAIR-ToS vs CLAUDETTE-2024, other").expect("comparison");
        assert_eq!((other.pairs, other.counts[6].tp, other.counts[6].fp), (1, 0, 1));
        let within = at("within UNFAIR-ToS").expect("comparison");
        assert_eq!((within.pairs, within.counts[6].fn_), (1, 1));
        assert_eq!(within.micro_f1(), Some(0.0));
    }
}
