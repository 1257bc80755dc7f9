//! `clausemark analyze`: one document in, a report or JSON out.

use crate::error::Error;
use crate::input::{self, Format};

pub fn run(file: &str, format: Option<Format>, json: bool) -> Result<i32, Error> {
    let text = super::read_input(file)?;
    let format = format.unwrap_or_else(|| input::guess_format(file, &text));
    let blocks = input::to_blocks(&text, format);
    let analysis = crate::analyze_blocks(&blocks);
    if json {
        let s = serde_json::to_string_pretty(&analysis)
            .map_err(|e| Error::Io { source: "<stdout>".into(), message: e.to_string() })?;
        println!("{s}");
    } else {
        println!("kind: {}  grade: {}", analysis.kind.as_str(), analysis.grade.map_or("-".to_string(), |g| g.to_string()));
        for f in &analysis.findings {
            println!("[{}] {}: {}\n    \"{}\"", f.risk, f.category, f.summary, f.text);
        }
    }
    Ok(0)
}
