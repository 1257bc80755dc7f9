//! The native command-line front end. Its commands and JSON shapes are the
//! benchmark interface: keep them stable.

mod analyze;
mod classify;
mod eval;
mod render;
mod taxonomy;

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
    /// Classify JSON Lines `{"id", "text"}` from standard input, one output line each.
    #[command(after_long_help = CLASSIFY_HELP)]
    Classify,
    /// Score the classifier on the evaluation corpus.
    Eval(eval::EvalArgs),
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
        Command::Classify => classify::run(),
        Command::Eval(args) => eval::run(&args),
        Command::Taxonomy { json } => taxonomy::run(json),
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
