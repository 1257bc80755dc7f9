//! `clausemark eval`: scores the classifier on the evaluation corpus.

use crate::error::Error;

/// Arguments of `clausemark eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The corpus directory (the one holding unfair-tos/, claudette-2024-en/, tosdr/).
    #[arg(long, default_value = "../shared/corpus")]
    pub corpus: String,
}

pub fn run(args: &EvalArgs) -> Result<i32, Error> {
    Err(Error::Io { source: args.corpus.clone(), message: "eval is not implemented yet".into() })
}
