//! The native command-line front end. Its commands and JSON shapes are the
//! benchmark interface: keep them stable.

mod analyze;
mod classify;
mod diff;
mod eval;
mod prevalence;
mod render;
mod taxonomy;
mod train;

use std::io::{Read, Write};
use std::path::Path;

use clap::{Parser, Subcommand};

use crate::error::{decode_text, Error};

/// Command-line arguments.
#[derive(Parser, Debug)]
#[command(name = "clausemark", version, about = "Explains privacy policies and terms of service, clause by clause, offline.")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse one document (HTML, Markdown or text; `-` reads standard input).
    #[command(after_long_help = ANALYZE_HELP)]
    Analyze {
        /// Print the analysis as JSON instead of the readable report (see below for offsets).
        #[arg(long)]
        json: bool,
        /// Input format; guessed from the file extension, then the content, when absent.
        #[arg(long, value_enum)]
        format: Option<crate::input::Format>,
        /// The file to read, or `-` for standard input.
        file: String,
    },
    /// Compare two versions of a document clause by clause (exit 0 = same wording, 1 = changed).
    #[command(after_long_help = DIFF_HELP)]
    Diff {
        /// Print the diff as JSON {added, removed, modified, counts, changed}.
        #[arg(long)]
        json: bool,
        /// Input format of both files; guessed per file when absent.
        #[arg(long, value_enum)]
        format: Option<crate::input::Format>,
        /// The earlier version (`-` for standard input).
        old: String,
        /// The later version (`-` for standard input).
        new: String,
    },
    /// Classify JSON Lines `{"id", "text"}` from standard input, one output line each.
    #[command(after_long_help = CLASSIFY_HELP)]
    Classify,
    /// Count, per category, the documents of a folder that contain it (the embedded prevalence table).
    #[command(after_long_help = PREVALENCE_HELP)]
    Prevalence {
        /// Folder of policies and terms (HTML, Markdown or text files).
        dir: String,
        /// Write the table to this file instead of standard output.
        #[arg(long)]
        out: Option<String>,
    },
    /// Score the classifier on the evaluation corpus.
    Eval(eval::EvalArgs),
    /// Retrain the model from the corpus and write its weights file (deterministic).
    Train(train::TrainArgs),
    /// List the categories Clausemark recognises (Markdown table, or JSON with every text).
    Taxonomy {
        /// Print JSON: ids, titles, summaries, explanations, actions, regulations.
        #[arg(long)]
        json: bool,
    },
}

const ANALYZE_HELP: &str = "\
Offsets in --json:
  The reader turns the file into text blocks (HTML: one per paragraph, list item,
  heading, table cell...; Markdown: one per paragraph, heading, list item, cell,
  code block; text: the whole file as one block). The document text is the blocks
  joined by a blank line (\"\\n\\n\"). Each finding's `start`/`end` (and
  `sentence_start`/`sentence_end`) are UTF-8 BYTE offsets into that document text,
  and `text` is exactly document[start..end]; `start_utf16`/`end_utf16` are the same
  span in UTF-16 code units; `block` is the block index and
  `block_start_utf16`/`block_end_utf16` are UTF-16 offsets inside that block.
  For --format text the document is the file itself (minus a UTF-8 BOM), so the
  offsets are byte offsets into the file.

Exit codes: 0 success; 2 unreadable input (missing file, directory, binary data,
invalid UTF-8) or bad arguments. An empty file is analysed (kind \"other\").
Colour is used only when stdout is a terminal and NO_COLOR is unset or empty.";

const DIFF_HELP: &str = "\
Both files are read like `analyze` reads one (HTML, Markdown or text) and split into
clauses; headings are not compared. A clause's wording is its words and symbols: white
space, markup, quotes, dashes, a leading section number and the order of identical
clauses do not count. Changed clauses are `added`, `removed`, or `modified` (a removed
and an added clause sharing at least half their words); each carries its text, its
offsets (`start`/`end` UTF-8 bytes into the document text as in `analyze --json`, plus
UTF-16 and block offsets) and the categories found on it with their risk (for
`modified`: `old_risk` and `new_risk`). `rank` orders all changes most serious first.

Exit codes: 0 the wording is unchanged; 1 it changed; 2 an input is unreadable or the
arguments are bad.";

const PREVALENCE_HELP: &str = "\
Analyses every .md, .markdown, .html, .htm and .txt file directly in DIR and prints a
tab-separated table: per category and document kind (as detected; documents of kind
\"other\" are left out), how many documents were analysed, how many contain the
category, how many have a finding of it at each risk, and how many have each risk as
their worst. The build embeds src/prevalence.tsv; regenerate it after changing the
classifier with:
  cargo run -- prevalence ../shared/corpus/policies/latest --out src/prevalence.tsv
The documents are Open Terms Archive's (ODC-BY 1.0, Open Terms Archive contributors).";

const CLASSIFY_HELP: &str = "\
Each input line is a JSON object {\"id\": any, \"text\": string}; blank lines are
skipped. Each output line is {\"id\", \"labels\", \"findings\"} in input order, where
`labels` are the category ids found at risk caution or bad and finding offsets are
UTF-8 byte offsets into `text`. A bad line (invalid JSON, not an object, no string
\"text\", invalid UTF-8) gives {\"id\", \"error\"} in its place and a message naming
its line number on stderr; the other lines are still classified and the exit code
is 1. Exit code 2 when standard input cannot be read.";

/// Runs the CLI and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze { json, format, file } => analyze::run(&file, format, json),
        Command::Diff { json, format, old, new } => diff::run(&old, &new, format, json),
        Command::Classify => classify::run(),
        Command::Eval(args) => eval::run(&args),
        Command::Prevalence { dir, out } => prevalence::run(&dir, out.as_deref()),
        Command::Taxonomy { json } => taxonomy::run(json),
        Command::Train(args) => train::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clausemark: {e}");
            2
        }
    }
}

/// The largest input read, in bytes. The longest policies are a few hundred
/// KB; the cap keeps `/dev/zero` or a disk image from exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole input file, or standard input for `-`, as text. Refuses
/// missing files, directories, inputs over [`MAX_INPUT_BYTES`], binary files
/// and invalid UTF-8 with an error naming them.
pub fn read_input(path: &str) -> Result<String, Error> {
    let source = if path == "-" { "<stdin>" } else { path };
    let fail = |message: String| Error::Io { source: source.to_string(), message };
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin().lock().take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(fail("is a directory, not a file".into()));
        }
        let file = std::fs::File::open(p).map_err(|e| fail(io_message(&e)))?;
        file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| fail(io_message(&e)))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(fail(format!("larger than {} MiB; not a document Clausemark can read", MAX_INPUT_BYTES >> 20)));
    }
    decode_text(&bytes, source).map(str::to_string)
}

/// Writes `bytes` to standard output. A closed pipe (`clausemark … | head`)
/// is not an error: the reader has all it wanted.
pub fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Io { source: "<stdout>".into(), message: e.to_string() })
        }
        _ => Ok(()),
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
