//! `clausemark classify`: JSON Lines in, JSON Lines out, same order.
//!
//! Input lines are `{"id": any, "text": string}`. Each output line is
//! `{"id", "labels", "findings"}` where `labels` are the category ids found
//! at risk caution or bad (the UNFAIR-ToS meaning of a label). A bad line
//! yields `{"id", "error"}` on stdout and a message naming the line on
//! stderr; the other lines are still classified, and the exit code is 1.

use std::io::{BufRead, Write};

use serde_json::{json, Value};

use crate::error::Error;

/// Reads JSON Lines from standard input and writes one result line per
/// request line. Returns 1 when any line was bad, 0 otherwise.
pub fn run() -> Result<i32, Error> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for (n, line) in stdin.lock().split(b'\n').enumerate() {
        let line_no = n + 1;
        let bytes = line.map_err(|e| Error::Io { source: "<stdin>".into(), message: format!("line {line_no}: {e}") })?;
        let value = match classify_line(&bytes, line_no) {
            Ok(None) => continue, // blank line
            Ok(Some(v)) => v,
            Err((id, e)) => {
                failed += 1;
                eprintln!("clausemark classify: {e}");
                json!({ "id": id, "error": e.to_string() })
            }
        };
        if !write_line(&mut out, &value)? {
            return Ok(if failed > 0 { 1 } else { 0 }); // the reader went away
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Io { source: "<stdout>".into(), message: e.to_string() })
        }
        _ => Ok(if failed > 0 { 1 } else { 0 }),
    }
}

/// Writes one JSON line; `Ok(false)` when stdout is a closed pipe.
fn write_line(out: &mut impl Write, value: &Value) -> Result<bool, Error> {
    match writeln!(out, "{value}") {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::Io { source: "<stdout>".into(), message: e.to_string() }),
    }
}

/// Classifies one input line; `Ok(None)` for a blank line.
fn classify_line(bytes: &[u8], line: usize) -> Result<Option<Value>, (Value, Error)> {
    let bad = |id: Value, message: String| (id, Error::BadRequest { line: Some(line), message });
    let text = std::str::from_utf8(bytes)
        .map_err(|e| bad(Value::Null, format!("not valid UTF-8 (invalid byte at column {})", e.valid_up_to() + 1)))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let req: Value = serde_json::from_str(text).map_err(|e| bad(Value::Null, format!("invalid JSON: {e}")))?;
    let Value::Object(obj) = req else {
        return Err(bad(Value::Null, "expected a JSON object like {\"id\": 1, \"text\": \"...\"}".into()));
    };
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    let body = match obj.get("text") {
        Some(Value::String(body)) => body,
        Some(other) => {
            let kind = match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "an array",
                _ => "an object",
            };
            return Err(bad(id, format!("field \"text\" must be a string, not {kind}")));
        }
        None => return Err(bad(id, "missing string field \"text\"".into())),
    };
    let analysis = crate::analyze_text(body);
    let mut labels: Vec<&str> = analysis.findings.iter().filter(|f| f.risk.is_flag()).map(|f| f.category).collect();
    labels.sort_unstable();
    labels.dedup();
    Ok(Some(json!({ "id": id, "labels": labels, "findings": analysis.findings })))
}
