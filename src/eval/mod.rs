//! Evaluation of the classifier on the corpus in `../shared/corpus`.
