//! `clausemark diff`: two versions of a document in, what changed out.
//!
//! Exit codes are the contract scripts rely on: 0 when the wording is
//! unchanged (markup, white space, ordering, numbering and typography do
//! not count), 1 when it changed, 2 when an input cannot be read.
//!
//! The readable report follows `clausemark analyze` ([`super::render`]):
//! document text goes through [`clean`] before it reaches the terminal, and
//! colour is used only on a terminal without `NO_COLOR`.

use std::fmt::Write as _;

use crate::diff::{diff, Clause, Diff, Modified, RiskShift};
use crate::error::Error;
use crate::findings::Risk;
use crate::input::{self, Format};
use crate::Document;

use super::render::{clean, cut, risk_color, visible_len, Style, MAX_QUOTE_CHARS};

/// Reads both files (`-` = standard input, for at most one of them), diffs
/// them and prints the report, or the serialised [`Diff`] with `json`.
/// Returns 0 when the wording is unchanged, 1 when it changed.
pub fn run(old: &str, new: &str, format: Option<Format>, json: bool) -> Result<i32, Error> {
    if old == "-" && new == "-" {
        return Err(Error::BadRequest { line: None, message: "only one of <OLD> and <NEW> can be `-` (standard input)".into() });
    }
    let read = |file: &str| -> Result<Document, Error> {
        let text = super::read_input(file)?;
        let format = format.unwrap_or_else(|| input::guess_format(file, &text));
        Ok(input::to_document(&text, format))
    };
    let (old_doc, new_doc) = (read(old)?, read(new)?);
    let d = diff(&old_doc, &new_doc);
    let output = if json {
        let mut s = serde_json::to_string_pretty(&d)
            .map_err(|e| Error::Io { source: "<stdout>".into(), message: format!("cannot write JSON: {e}") })?;
        s.push('\n');
        s
    } else {
        let name = |f: &str| if f == "-" { "<stdin>".to_string() } else { f.to_string() };
        render(&d, &name(old), &name(new), &Style::for_stdout())
    };
    super::write_stdout(output.as_bytes())?;
    Ok(i32::from(d.changed))
}

/// Renders the readable report: a summary line, then every change in rank
/// order (most serious first) with its categories and the clause text.
pub fn render(d: &Diff, old: &str, new: &str, style: &Style) -> String {
    let paint = |code: &str, text: &str| if style.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() };
    let w = style.width.max(40);
    let mut out = String::new();
    let _ = writeln!(out, "{} {} \u{2192} {}", paint("1", "Clausemark diff:"), clean(old), clean(new));
    let c = &d.counts;
    let moved = if c.moved > 0 { format!(", {} moved", c.moved) } else { String::new() };
    let _ = writeln!(out, "Clauses:  {} before, {} after; {} unchanged{moved}", c.old_clauses, c.new_clauses, c.unchanged);
    if !d.changed {
        out.push_str("\nNo wording change (markup, white space, ordering and numbering are not compared).\n");
        return out;
    }
    let _ = writeln!(out, "Changes:  {} added, {} removed, {} modified", d.added.len(), d.removed.len(), d.modified.len());

    enum Entry<'a> {
        Added(&'a Clause),
        Removed(&'a Clause),
        Modified(&'a Modified),
    }
    let mut entries: Vec<(usize, Entry)> = d.added.iter().map(|c| (c.rank, Entry::Added(c))).collect();
    entries.extend(d.removed.iter().map(|c| (c.rank, Entry::Removed(c))));
    entries.extend(d.modified.iter().map(|m| (m.rank, Entry::Modified(m))));
    entries.sort_by_key(|e| e.0);
    for (_, e) in entries {
        out.push('\n');
        type Parts<'a> = (&'a str, &'a str, &'a str, Vec<RiskShift>, Vec<(char, &'a str)>);
        let (label, color, headline, shifts, lines): Parts = match e {
            Entry::Added(c) => ("ADDED", "1;32", &c.headline, shifts_of(c, true), vec![('+', c.text.as_str())]),
            Entry::Removed(c) => ("REMOVED", "1;31", &c.headline, shifts_of(c, false), vec![('-', c.text.as_str())]),
            Entry::Modified(m) => (
                "MODIFIED",
                "1;33",
                &m.headline,
                m.categories.clone(),
                vec![('-', m.old_text.as_str()), ('+', m.new_text.as_str())],
            ),
        };
        let head = format!("{label:<8} {}", clean(headline));
        let wrapped = wrap(&head, w, 9);
        let (first, rest) = wrapped.split_at(label.len().min(wrapped.len()));
        out.push_str(&paint(color, first));
        out.push_str(rest);
        if !shifts.is_empty() {
            let modified = lines.len() == 2;
            let cats: Vec<String> = shifts.iter().map(|s| shift_text(s, modified, &paint)).collect();
            out.push_str(&wrap(&format!("         {}", cats.join(", ")), w, 9));
        }
        for (sign, text) in lines {
            let quote = format!("{sign} \u{201c}{}\u{201d}", cut(&clean(text), MAX_QUOTE_CHARS));
            let body = wrap(&format!("         {quote}"), w, 12);
            let code = if sign == '+' { "32" } else { "31" };
            out.push_str(&body.lines().map(|l| paint(code, l)).collect::<Vec<_>>().join("\n"));
            out.push('\n');
        }
    }
    out
}

fn shifts_of(c: &Clause, added: bool) -> Vec<RiskShift> {
    c.categories
        .iter()
        .map(|k| RiskShift {
            category: k.category,
            old_risk: (!added).then_some(k.risk),
            new_risk: added.then_some(k.risk),
            summary: k.summary,
        })
        .collect()
}

/// "ai_training bad" for an added or removed clause; for a modified one
/// the shift: "ai_training caution → bad", "ai_training new bad",
/// "ai_training caution → gone". Risks in their colours.
fn shift_text(s: &RiskShift, modified: bool, paint: &dyn Fn(&str, &str) -> String) -> String {
    let r = |risk: Risk| paint(risk_color(risk), risk.as_str());
    match (s.old_risk, s.new_risk) {
        (Some(a), Some(b)) if a != b => format!("{} {} \u{2192} {}", s.category, r(a), r(b)),
        (None, Some(b)) if modified => format!("{} new {}", s.category, r(b)),
        (_, Some(b)) => format!("{} {}", s.category, r(b)),
        (Some(a), None) if modified => format!("{} {} \u{2192} gone", s.category, r(a)),
        (Some(a), None) => format!("{} {}", s.category, r(a)),
        (None, None) => s.category.to_string(),
    }
}

/// `text` wrapped at `width` chars (our own colour codes do not count),
/// continuation lines indented by `indent`; ends with a newline.
fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut line = 0usize;
    for (k, word) in text.split(' ').enumerate() {
        let len = visible_len(word);
        if k > 0 && line + 1 + len > width && line > indent {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line = indent;
        } else if k > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lists_changes_most_serious_first_without_escapes() {
        let old = Document::from_blocks(["We collect your email.", "Disputes go to the courts of your home country."]);
        let new = Document::from_blocks([
            "We collect your email.",
            "We may use your content to train our artificial intelligence models.",
            "Any dispute will be resolved by binding arbitration.",
        ]);
        let d = diff(&old, &new);
        let r = render(&d, "old.md", "new\x1b.md", &Style { color: false, width: 60 });
        assert!(!r.contains('\x1b'), "{r}");
        assert!(r.contains("ADDED") && r.contains("ai_training"), "{r}");
        assert!(r.find("ai_training").unwrap() < r.find("arbitration").unwrap(), "{r}");
        assert!(r.lines().all(|l| l.chars().count() <= 60), "{r}");
        let same = render(&diff(&old, &old), "a", "b", &Style { color: false, width: 60 });
        assert!(same.contains("No wording change"), "{same}");
    }
}
