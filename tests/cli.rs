//! The real `clausemark` binary, end to end: every kind of bad input gives
//! a clear message and the documented exit code, and the JSON it prints has
//! the shape the benchmarks and the extension rely on, with exact offsets.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_clausemark");

/// A small policy with findings at several risk levels.
const POLICY: &str = "Privacy Policy\n\nWe may sell your personal information to our partners. \
We do not sell your data to data brokers.\n\nAny dispute will be resolved by binding arbitration.\n";

/// Runs the binary with `args`, feeding `stdin`, with colour forced off.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn clausemark");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Write from a thread so a large input cannot deadlock against stdout.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for clausemark");
    writer.join().unwrap();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// A scratch directory for one test (tests run in parallel), removed when
/// dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("clausemark-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn analyze_json(args: &[&str], stdin: &[u8]) -> Value {
    let o = run(args, stdin);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("analyze --json prints one JSON document")
}

// ---- bad input -------------------------------------------------------------

#[test]
fn missing_file_is_exit_2_naming_it() {
    let o = run(&["analyze", "/no/such/dir/policy.html"], b"");
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("/no/such/dir/policy.html") && e.contains("no such file"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn eval_baseline_that_is_not_an_eval_report_is_refused_before_evaluating() {
    let dir = scratch("baseline");
    // A missing corpus would fail later: the baseline must be checked first.
    let corpus = dir.join("no-corpus");
    let corpus = corpus.to_str().unwrap();
    for (name, content, says) in [
        ("not-json.json", "this is not JSON", "not the JSON of `clausemark eval --json`"),
        ("other.json", r#"{"findings": []}"#, "no \"unfair_tos\" report"),
        ("old.json", r#"{"unfair_tos": {"macro_f1": 0.8}}"#, "no per-document counts"),
    ] {
        let path = write(&dir, name, content.as_bytes());
        let o = run(&["eval", "--corpus", corpus, "--baseline", &path], b"");
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(&path) && e.contains(says), "{name}: {e}");
        assert!(o.stdout.is_empty(), "{name}");
    }
}

#[test]
fn directory_is_refused() {
    let dir = scratch("dir");
    let o = run(&["analyze", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

#[test]
fn binary_file_is_refused() {
    let dir = scratch("bin");
    let f = write(&dir, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let o = run(&["analyze", &f], b"");
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("image.png") && e.contains("binary"), "{e}");
}

#[test]
fn utf16_file_is_named_as_such() {
    let dir = scratch("utf16");
    let f = write(&dir, "policy.txt", b"\xFF\xFEP\0r\0i\0");
    let o = run(&["analyze", &f], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("UTF-16"), "{}", stderr(&o));
}

#[test]
fn invalid_utf8_names_the_offset() {
    let dir = scratch("latin1");
    let f = write(&dir, "latin1.txt", b"Caf\xE9 policy");
    let o = run(&["analyze", &f], b"");
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("latin1.txt") && e.contains("UTF-8") && e.contains("offset 3"), "{e}");
    // The same from standard input.
    let o = run(&["analyze", "-"], b"Caf\xE9");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<stdin>"), "{}", stderr(&o));
}

#[test]
fn empty_file_is_analysed_as_other() {
    let dir = scratch("empty");
    let f = write(&dir, "empty.html", b"");
    let v = analyze_json(&["analyze", "--json", &f], b"");
    assert_eq!(v["kind"], "other");
    assert_eq!(v["grade"], Value::Null);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    // And the readable report says so without failing.
    let o = run(&["analyze", &f], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("other"), "{}", stdout(&o));
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b'a'; 64 * 1024 * 1024 + 1];
    let o = run(&["analyze", "-"], &big);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than 64 MiB"), "{}", stderr(&o));
}

#[test]
fn unknown_format_is_a_usage_error() {
    let o = run(&["analyze", "--format", "pdf", "-"], b"x");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pdf"), "{}", stderr(&o));
}

#[test]
fn classify_bad_lines_are_named_and_the_rest_still_answered_in_order() {
    let input = b"{\"id\": 1, \"text\": \"Any dispute will be resolved by binding arbitration.\"}\n\
{\"id\": 2, \"text\": oops}\n\
\n\
{\"id\": \"three\", \"text\": \"We do not sell your personal information.\"}\n\
[1, 2]\n\
{\"id\": 6, \"text\": 42}\n\
{\"id\": 7, \"text\": \"caf\xE9\"}\n\
{\"id\": 8}\n\
{\"id\": 9, \"text\": \"Hello.\"}";
    let o = run(&["classify"], input);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let lines: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let ids: Vec<Value> = lines.iter().map(|v| v["id"].clone()).collect();
    // Blank line 3 is skipped; bad lines keep their place (with their id when readable).
    assert_eq!(
        ids,
        [1.into(), Value::Null, "three".into(), Value::Null, 6.into(), Value::Null, 8.into(), 9.into()],
        "{lines:?}"
    );
    assert_eq!(lines[0]["labels"], serde_json::json!(["arbitration"]));
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"), "{:?}", lines[1]);
    assert!(lines[2]["error"].is_null() && lines[2]["labels"].as_array().unwrap().is_empty());
    assert!(lines[4]["error"].as_str().unwrap().contains("must be a string"), "{:?}", lines[4]);
    assert!(lines[5]["error"].as_str().unwrap().contains("UTF-8"), "{:?}", lines[5]);
    assert!(lines[6]["error"].as_str().unwrap().contains("\"text\""), "{:?}", lines[6]);
    assert!(lines[7]["labels"].as_array().unwrap().is_empty());
    let e = stderr(&o);
    for n in [2, 5, 6, 7, 8] {
        assert!(e.contains(&format!("line {n}:")), "stderr should name line {n}: {e}");
    }
    assert!(!e.contains("line 1:") && !e.contains("line 3:") && !e.contains("line 9:"), "{e}");
}

#[test]
fn classify_all_good_lines_exit_0() {
    let o = run(&["classify"], b"{\"id\":1,\"text\":\"a\"}\r\n{\"id\":2,\"text\":\"b\"}\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
}

// ---- JSON shape and offsets ------------------------------------------------

/// Checks every finding of an `analyze --json` or `classify` result against
/// the document text: `text == doc[start..end]`, the sentence likewise.
fn check_findings(findings: &[Value], doc: &str) {
    for f in findings {
        for key in ["category", "risk", "confidence", "summary", "text", "start", "end", "start_utf16", "end_utf16", "block", "sentence"] {
            assert!(!f[key].is_null(), "finding lacks {key}: {f}");
        }
        assert!(["good", "neutral", "caution", "bad"].contains(&f["risk"].as_str().unwrap()), "{f}");
        let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
        assert_eq!(doc.get(s..e), f["text"].as_str(), "text vs document[{s}..{e}]");
        let (ss, se) = (f["sentence_start"].as_u64().unwrap() as usize, f["sentence_end"].as_u64().unwrap() as usize);
        assert_eq!(doc.get(ss..se), f["sentence"].as_str());
        let (s16, e16) = (f["start_utf16"].as_u64().unwrap() as usize, f["end_utf16"].as_u64().unwrap() as usize);
        assert_eq!(doc[..s].encode_utf16().count(), s16);
        assert_eq!(doc[s..e].encode_utf16().count(), e16 - s16);
    }
}

#[test]
fn analyze_json_shape_and_exact_offsets_for_text() {
    // Text with CRLF, a multi-byte prefix and a BOM: offsets are into the file minus the BOM.
    let body = format!("Politique — {}", POLICY.replace('\n', "\r\n"));
    let dir = scratch("json-text");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    let f = write(&dir, "policy.txt", &bytes);
    let v = analyze_json(&["analyze", "--json", &f], b"");
    for key in ["kind", "kind_scores", "grade", "grade_basis", "counts", "findings", "segments", "bytes"] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, body.len());
    let findings = v["findings"].as_array().unwrap();
    let cats: Vec<(&str, &str)> =
        findings.iter().map(|f| (f["category"].as_str().unwrap(), f["risk"].as_str().unwrap())).collect();
    assert!(cats.contains(&("data_sale", "bad")), "{cats:?}");
    assert!(cats.contains(&("data_sale", "good")), "{cats:?}");
    assert!(cats.contains(&("arbitration", "caution")), "{cats:?}");
    check_findings(findings, &body);
    let c = &v["counts"];
    let total: u64 = ["good", "neutral", "caution", "bad"].iter().map(|k| c[k].as_u64().unwrap()).sum();
    assert_eq!(total as usize, findings.len());
}

#[test]
fn analyze_json_offsets_index_the_joined_blocks_for_html_and_markdown() {
    let html = "<!doctype html><html><head><title>Privacy Policy</title><script>sell your data</script></head>\
        <body><h1>Privacy   Policy</h1><p>We may <b>sell</b> your personal information to our partners.<br>\
        We do not sell your data to data brokers.</p><ul><li>Any dispute will be resolved by binding \
        arbitration.</li></ul></body></html>";
    let v = analyze_json(&["analyze", "--json", "-"], html.as_bytes());
    let doc = "Privacy Policy\n\nWe may sell your personal information to our partners.\n\
        We do not sell your data to data brokers.\n\nAny dispute will be resolved by binding arbitration.";
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, doc.len(), "HTML blocks: {v}");
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() >= 3, "{v}");
    check_findings(findings, doc);
    assert_eq!(findings.last().unwrap()["block"], 2);

    let md = "# Privacy Policy\n\nWe may **sell** your personal information\nto our [partners](https://x.example).\n\n\
        - Any dispute will be resolved by binding arbitration.\n";
    let dir = scratch("json-md");
    let f = write(&dir, "p.md", md.as_bytes());
    let v = analyze_json(&["analyze", "--json", &f], b"");
    let doc = "Privacy Policy\n\nWe may sell your personal information to our partners.\n\n\
        Any dispute will be resolved by binding arbitration.";
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, doc.len(), "Markdown blocks: {v}");
    check_findings(v["findings"].as_array().unwrap(), doc);
    // --format overrides the extension: read as text, the '#' stays.
    let v = analyze_json(&["analyze", "--json", "--format", "text", &f], b"");
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, md.len());
    check_findings(v["findings"].as_array().unwrap(), md);
}

#[test]
fn classify_json_shape_and_offsets() {
    let texts = [POLICY, "Nothing to see here.", "Ünïcödé first. Any dispute will be resolved by binding arbitration."];
    let input: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": i, "text": t}).to_string() + "\n")
        .collect();
    let o = run(&["classify"], input.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for (i, (line, text)) in lines.iter().zip(texts).enumerate() {
        assert_eq!(line["id"], i);
        let labels = line["labels"].as_array().expect("labels array");
        let findings = line["findings"].as_array().expect("findings array");
        check_findings(findings, text);
        // labels = the distinct categories flagged caution or bad, sorted.
        let mut want: Vec<&str> = findings
            .iter()
            .filter(|f| matches!(f["risk"].as_str(), Some("caution" | "bad")))
            .map(|f| f["category"].as_str().unwrap())
            .collect();
        want.sort_unstable();
        want.dedup();
        let got: Vec<&str> = labels.iter().map(|l| l.as_str().unwrap()).collect();
        assert_eq!(got, want);
    }
    assert!(lines[0]["labels"].as_array().unwrap().len() >= 2);
    assert!(lines[1]["labels"].as_array().unwrap().is_empty());
    assert_eq!(lines[2]["labels"], serde_json::json!(["arbitration"]));
}

// ---- the readable report ----------------------------------------------------

#[test]
fn readable_report_groups_findings_and_stays_plain_when_piped() {
    let o = run(&["analyze", "-"], POLICY.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = stdout(&o);
    assert!(!r.contains('\x1b'), "no colour when stdout is a pipe: {r:?}");
    for want in ["Kind:", "Grade:", "Findings:", "BAD (", "CAUTION (", "GOOD (", "Selling your data", "Forced arbitration", "Laws:"] {
        assert!(r.contains(want), "report lacks {want:?}:\n{r}");
    }
    assert!(r.find("BAD (").unwrap() < r.find("CAUTION (").unwrap());
    assert!(r.find("CAUTION (").unwrap() < r.find("GOOD (").unwrap());
    assert!(r.contains("\u{201c}Any dispute will be resolved by binding arbitration.\u{201d}"), "{r}");
}

#[test]
fn report_quotes_are_cut_and_terminal_escapes_neutralised() {
    let long = format!("We may sell your personal information {}and more.", "to many partners ".repeat(40));
    let text = format!("Privacy Policy\n\n{long}\n\nAny dispute \x1b]0;pwned\x07 will be resolved by binding arbitration.");
    let o = run(&["analyze", "--format", "text", "-"], text.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = stdout(&o);
    assert!(!r.contains('\x1b') && !r.contains('\x07'), "escape reached the terminal: {r:?}");
    assert!(r.contains('\u{2026}'), "long quote not cut: {r}");
    assert!(r.lines().all(|l| l.chars().count() <= 120), "{r}");
}

#[test]
fn help_documents_offsets() {
    let o = run(&["analyze", "--help"], b"");
    assert_eq!(o.status.code(), Some(0));
    let h = stdout(&o);
    assert!(h.contains("BYTE offsets") && h.contains("\\n\\n") && h.contains("UTF-16"), "{h}");
}
