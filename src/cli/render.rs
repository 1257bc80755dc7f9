//! The readable report of `clausemark analyze`: kind, grade and how it was
//! derived, counts, then the findings grouped by risk, worst first.
//!
//! The document is untrusted and so is its file name: every piece of it that
//! reaches the terminal goes through [`clean`], which turns control
//! characters (ANSI escapes, carriage returns) and bidirectional overrides
//! into U+FFFD, so a page cannot repaint or reorder the user's terminal.
//! Widths are counted in chars, not display columns: wide (CJK) text wraps
//! a little late, which is harmless.

use std::fmt::Write as _;

use crate::findings::{Finding, Risk};
use crate::report::{Analysis, DocKind, Grade, GradeBasis};
use crate::taxonomy;

/// The longest evidence quote shown, in chars; longer ones are cut with "…".
pub const MAX_QUOTE_CHARS: usize = 300;

/// Longest lead-in sentence shown under an item flagged because of it, in
/// characters; longer ones are cut at a word with an ellipsis (the quote
/// above is the evidence, the lead-in only says where it belongs).
pub const MAX_LEAD_IN_CHARS: usize = 120;

/// How the report is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours and bold.
    pub color: bool,
    /// Wrap text to this many chars per line (at least 40).
    pub width: usize,
}

impl Style {
    /// Colour only when stdout is a terminal and `NO_COLOR` is absent or
    /// empty (the no-color.org convention); width from `COLUMNS` when it is a
    /// number, else 80, capped to 40–120.
    pub fn for_stdout() -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).unwrap_or(80);
        Style { color: std::io::stdout().is_terminal() && !no_color, width: width.clamp(40, 120) }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// ANSI colour of a risk level.
pub(super) fn risk_color(risk: Risk) -> &'static str {
    match risk {
        Risk::Bad => "1;31",
        Risk::Caution => "1;33",
        Risk::Neutral => "1;34",
        Risk::Good => "1;32",
    }
}

/// Renders the report for `analysis` of the document named `source`.
pub fn render(analysis: &Analysis, source: &str, style: &Style) -> String {
    let mut out = String::new();
    let w = style.width.max(40);
    let _ = writeln!(out, "{} {}", style.paint("1", "Clausemark report:"), clean(source));
    out.push('\n');

    let ks = &analysis.kind_scores;
    let kind = match analysis.kind {
        DocKind::PrivacyPolicy => format!("privacy policy (score {:.2}; terms {:.2})", ks.privacy, ks.terms),
        DocKind::Terms => format!("terms of service (score {:.2}; privacy policy {:.2})", ks.terms, ks.privacy),
        DocKind::Other => format!(
            "other: not a privacy policy or terms (privacy policy {:.2}, terms {:.2}; 0.50 needed)",
            ks.privacy, ks.terms
        ),
    };
    push_wrapped(&mut out, &format!("Kind:     {kind}"), w, 10);

    let grade = match analysis.grade {
        Some(g) => format!("{}  {}", style.paint(grade_color(g), &g.to_string()), grade_reason(g, &analysis.grade_basis)),
        None => format!(
            "not graded (only policies and terms are); the findings would net {} points",
            analysis.grade_basis.net()
        ),
    };
    push_wrapped(&mut out, &format!("Grade:    {grade}"), w, 10);

    let c = &analysis.counts;
    let counts = [(Risk::Bad, c.bad), (Risk::Caution, c.caution), (Risk::Neutral, c.neutral), (Risk::Good, c.good)]
        .iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "Findings: {counts} ({} clauses read)", analysis.segments);

    if analysis.findings.is_empty() {
        out.push_str("\nNo clause matched any category.\n");
    }
    for risk in [Risk::Bad, Risk::Caution, Risk::Neutral, Risk::Good] {
        let group: Vec<&Finding> = analysis.findings.iter().filter(|f| f.risk == risk).collect();
        if group.is_empty() {
            continue;
        }
        let title = format!("{} ({})", risk.as_str().to_uppercase(), group.len());
        let _ = writeln!(out, "\n{}", style.paint(risk_color(risk), &title));
        // One entry per (category, headline), in order of first appearance,
        // so a category found ten times shows its headline and laws once.
        let mut entries: Vec<(&str, &str, Vec<&Finding>)> = Vec::new();
        for f in group {
            match entries.iter_mut().find(|(c, s, _)| *c == f.category && *s == f.summary) {
                Some((_, _, list)) => list.push(f),
                None => entries.push((f.category, f.summary, vec![f])),
            }
        }
        for (category, summary, list) in entries {
            push_entry(&mut out, category, summary, &list, style, w);
        }
    }
    out
}

fn push_entry(out: &mut String, category: &str, summary: &str, list: &[&Finding], style: &Style, w: usize) {
    let cat = taxonomy::category(category);
    let title = cat.map_or(category, |c| c.title);
    let count = if list.len() > 1 { format!(" (\u{d7}{})", list.len()) } else { String::new() };
    push_wrapped(out, &format!("* {}{count}: {summary}", style.paint("1", title)), w, 2);
    for f in list {
        let quote = format!("\u{201c}{}\u{201d}", cut(&clean(&f.text), MAX_QUOTE_CHARS));
        push_wrapped(out, &format!("    {quote}"), w, 5);
        if let Some(lead) = &f.lead_in {
            let intro = cut(&clean(&lead.text), MAX_LEAD_IN_CHARS);
            push_wrapped(out, &format!("      part of the list introduced by: \u{201c}{intro}\u{201d}"), w, 6);
        }
    }
    if let Some(c) = cat.filter(|c| !c.regulations.is_empty()) {
        let laws: Vec<String> = c
            .regulations
            .iter()
            .map(|r| {
                let place = if r.jurisdictions.is_empty() { String::new() } else { format!(" ({})", r.jurisdictions.join(", ")) };
                format!("{} {}{place}", r.law, r.reference)
            })
            .collect();
        push_wrapped(out, &format!("    Laws: {}", laws.join("; ")), w, 10);
    }
}

fn grade_color(g: Grade) -> &'static str {
    match g {
        Grade::A | Grade::B => "1;32",
        Grade::C => "1;33",
        Grade::D | Grade::E => "1;31",
    }
}

/// Why a grade: the points and the band they fall in (see
/// `src/report/grade.rs` for the scale).
pub fn grade_reason(g: Grade, b: &GradeBasis) -> String {
    let band = match g {
        Grade::A => "A = net 0 or less with nothing bad",
        Grade::B => "B = net up to 6",
        Grade::C => "C = net 7 to 14",
        Grade::D => "D = net 15 to 26",
        Grade::E => "E = net above 26",
    };
    let bad = match b.bad_categories {
        0 => String::new(),
        1 => ", 1 category bad".to_string(),
        n => format!(", {n} categories bad"),
    };
    format!(
        "({} points lost{bad} - {} earned back by protective clauses = net {}; {band}. \
         Each category counts once at its worst: bad 3, caution 1, good -1, times its weight 1-3.)",
        b.penalty,
        b.credit,
        b.net()
    )
}

/// Makes untrusted text safe and flat for the terminal: white space runs
/// (line breaks included) become one space; other control characters and
/// bidirectional-override characters become U+FFFD.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        let unsafe_char = c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
        out.push(if unsafe_char { '\u{FFFD}' } else { c });
    }
    out
}

/// At most `max` chars of `text`, cut at a word boundary when one is near,
/// with "…" appended when anything was cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    // Prefer the last space in the final fifth, else cut mid-word.
    let keep = match head.rfind(' ') {
        Some(i) if head[..i].chars().count() >= max * 4 / 5 => &head[..i],
        _ => head,
    };
    format!("{}\u{2026}", keep.trim_end())
}

/// Chars of `word` that show: our own ANSI colour codes (`ESC [ … m`) take
/// no room. (Document text never holds ESC: [`clean`] replaced it.)
pub(super) fn visible_len(word: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in word.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// Appends `text` wrapped at `width` visible chars; continuation lines are
/// indented by `indent` spaces. Words longer than a line are split (only
/// document text is that long, and it carries no colour codes).
fn push_wrapped(out: &mut String, text: &str, width: usize, indent: usize) {
    let mut line_len = 0usize;
    let mut first = true;
    for word in text.split(' ') {
        let len = visible_len(word);
        if !first && line_len + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line_len = indent;
            first = true;
        }
        if !first {
            out.push(' ');
            line_len += 1;
        }
        // A word that cannot fit on any line is split by chars.
        let room = width.saturating_sub(indent).max(10);
        let mut rest = word;
        while visible_len(rest) > room && line_len + visible_len(rest) > width {
            let take = width.saturating_sub(line_len).max(1);
            let split = rest.char_indices().nth(take).map_or(rest.len(), |(i, _)| i);
            out.push_str(&rest[..split]);
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line_len = indent;
            rest = &rest[split..];
        }
        out.push_str(rest);
        line_len += visible_len(rest);
        first = false;
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_flattens_and_neutralises_controls() {
        assert_eq!(clean("a\r\n\t b\x1b[2Jc\u{202E}d\u{7}"), "a b\u{FFFD}[2Jc\u{FFFD}d\u{FFFD}");
        assert_eq!(clean("  lead and trail  "), "lead and trail");
    }

    /// An item flagged because of its list's lead-in is followed by that
    /// sentence, cut to [`MAX_LEAD_IN_CHARS`]; other findings are not.
    #[test]
    fn items_flagged_by_their_lead_in_name_it() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages/list-lead-in.html");
        let html = std::fs::read_to_string(path).expect("the fixture page");
        let a = crate::analyze_blocks(&crate::input::to_blocks(&html, crate::input::Format::Html));
        let r = render(&a, "list-lead-in.html", &Style { color: false, width: 1000 });
        let line = |lead: &str| format!("      part of the list introduced by: \u{201c}{lead}\u{201d}\n");
        let short = line("We\u{2019}re not liable for:");
        assert!(r.contains(&format!("\u{201c}(c) interruptions of the service.\u{201d}\n{short}")), "under its item:\n{r}");
        assert_eq!(r.matches(&short).count(), 1, "under that item only:\n{r}");
        let long = a.findings.iter().filter_map(|f| f.lead_in.as_ref()).map(|l| l.text.as_str()).find(|t| t.chars().count() > MAX_LEAD_IN_CHARS);
        let long = long.expect("the fixture has a lead-in longer than MAX_LEAD_IN_CHARS");
        let cut = line(&cut(long, MAX_LEAD_IN_CHARS));
        assert!(cut.contains('\u{2026}') && !r.contains(&line(long)), "cut:\n{r}");
        assert_eq!(r.matches(&cut).count(), 3, "under its three items:\n{r}");
    }

    #[test]
    fn cut_is_char_safe_and_marks_the_cut() {
        assert_eq!(cut("short", 10), "short");
        let long = "é".repeat(400);
        let c = cut(&long, 300);
        assert_eq!(c.chars().count(), 301);
        assert!(c.ends_with('\u{2026}'));
        assert_eq!(cut("aaaa bbbb cccc dddd", 12), "aaaa bbbb\u{2026}");
    }

    #[test]
    fn wrapping_respects_width_and_indent() {
        let mut s = String::new();
        push_wrapped(&mut s, &format!("    {}", "word ".repeat(40).trim_end()), 40, 4);
        for line in s.lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
        assert!(s.lines().skip(1).all(|l| l.starts_with("    word")));
        let mut s = String::new();
        push_wrapped(&mut s, &format!("x {}", "y".repeat(100)), 40, 2);
        assert!(s.lines().all(|l| l.chars().count() <= 40), "{s}");
        assert_eq!(s.replace(['\n', ' '], ""), format!("x{}", "y".repeat(100)));
    }

    fn sample() -> Analysis {
        crate::analyze_text(
            "Privacy Policy. We may sell your personal information to partners. \
             Any dispute will be resolved by binding arbitration. We do not sell \x1b[31mdata.",
        )
    }

    #[test]
    fn report_without_color_has_no_escape_bytes() {
        let a = sample();
        let r = render(&a, "pol\x1bicy.txt", &Style { color: false, width: 60 });
        assert!(!r.contains('\x1b'), "{r}");
        assert!(r.contains("Kind:") && r.contains("Grade:") && r.contains("Findings:"), "{r}");
        assert!(r.contains("BAD (") && r.contains("Selling your data"), "{r}");
        // Worst first: the bad group comes before the good one.
        assert!(r.find("BAD (").unwrap() < r.find("GOOD (").unwrap(), "{r}");
        assert!(r.contains("Laws: CCPA/CPRA"), "{r}");
        let colored = render(&a, "x", &Style { color: true, width: 60 });
        assert!(colored.contains("\x1b[1;31m"));
    }

    #[test]
    fn grade_reason_names_the_points_and_band() {
        let b = GradeBasis { penalty: 11, credit: 2, bad_categories: 2 };
        let r = grade_reason(Grade::C, &b);
        assert!(r.contains("11 points lost, 2 categories bad - 2 earned back") && r.contains("net 9"), "{r}");
        assert!(r.contains("C = net 7 to 14"), "{r}");
    }
}
