//! `clausemark taxonomy`: what Clausemark looks for, as a Markdown table
//! (the README's category table is this output) or as JSON.

use crate::error::Error;
use crate::taxonomy::{Group, CATEGORIES};

/// Prints the taxonomy; `json` selects JSON (every text a reader is shown).
pub fn run(json: bool) -> Result<i32, Error> {
    let out = if json {
        serde_json::to_string_pretty(CATEGORIES)
            .map_err(|e| Error::Io { source: "<stdout>".into(), message: e.to_string() })?
            + "\n"
    } else {
        markdown()
    };
    super::write_stdout(out.as_bytes())?;
    Ok(0)
}

/// One row per category: id, group, the headline, and the laws it engages.
pub fn markdown() -> String {
    let mut s = String::from("| id | group | what it means for you | regulations |\n|---|---|---|---|\n");
    for c in CATEGORIES {
        let group = match c.group {
            Group::Terms => "terms",
            Group::Privacy => "privacy",
        };
        let mut laws: Vec<&str> = c.regulations.iter().map(|r| r.law).collect();
        laws.dedup();
        s.push_str(&format!("| `{}` | {group} | {} | {} |\n", c.id, c.summary.replace('|', "\\|"), laws.join(", ")));
    }
    s
}
