//! `clausemark analyze`: one document in, a readable report or JSON out.

use crate::error::Error;
use crate::input::{self, Format};

use super::render::{render, Style};

/// Reads `file` (`-` = standard input), analyses it and prints the report,
/// or the serialised [`crate::Analysis`] with `json`. Returns the exit code.
pub fn run(file: &str, format: Option<Format>, json: bool) -> Result<i32, Error> {
    let text = super::read_input(file)?;
    let format = format.unwrap_or_else(|| input::guess_format(file, &text));
    // Headings and list items as the file marks them (HTML, Markdown).
    let analysis = crate::report::analyze(&input::to_document(&text, format));
    let output = if json {
        let mut s = serde_json::to_string_pretty(&analysis)
            .map_err(|e| Error::Io { source: "<stdout>".into(), message: format!("cannot write JSON: {e}") })?;
        s.push('\n');
        s
    } else {
        let name = if file == "-" { "<stdin>" } else { file };
        render(&analysis, name, &Style::for_stdout())
    };
    super::write_stdout(output.as_bytes())?;
    Ok(0)
}
