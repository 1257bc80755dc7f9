//! The native command-line front end. Its commands and JSON shapes are the
//! benchmark interface: keep them stable.

mod analyze;
mod classify;
mod eval;

use std::io::Read;
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
    Analyze {
        /// Print JSON instead of the readable report.
        #[arg(long)]
        json: bool,
        /// Input format; guessed from the file name and content when absent.
        #[arg(long, value_enum)]
        format: Option<crate::input::Format>,
        /// The file to read, or `-` for standard input.
        file: String,
    },
    /// Classify JSON Lines `{"id", "text"}` from standard input, one output line each.
    Classify,
    /// Score the classifier on the evaluation corpus.
    Eval(eval::EvalArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze { json, format, file } => analyze::run(&file, format, json),
        Command::Classify => classify::run(),
        Command::Eval(args) => eval::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("clausemark: {e}");
            2
        }
    }
}

/// Reads a whole input file, or standard input for `-`, as text. Refuses
/// directories, binary files and invalid UTF-8 with an error naming them.
pub fn read_input(path: &str) -> Result<String, Error> {
    let (bytes, source) = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::Io { source: "<stdin>".into(), message: e.to_string() })?;
        (buf, "<stdin>".to_string())
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(Error::Io { source: path.into(), message: "is a directory, not a file".into() });
        }
        let bytes = std::fs::read(p).map_err(|e| Error::Io { source: path.into(), message: io_message(&e) })?;
        (bytes, path.to_string())
    };
    decode_text(&bytes, &source).map(str::to_string)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
