//! `--format markdown`: a report for a pull request comment or a wiki page.
//!
//! Sections: summary (counts by severity, files scanned), readiness status when
//! available, findings grouped by severity then file (with snippets in code blocks and
//! `path:line` links relative to the scanned root), and a plan summary when available.
//!
//! The report fits a pull-request comment: GitHub refuses a comment over 65,536
//! characters, so the whole document stays under [`BUDGET`] bytes (a byte count bounds
//! the character count). The findings get what the other sections leave, most severe
//! first, whole findings only (a code block is never cut); the rest are counted with a
//! pointer to the SARIF and HTML reports, which have them all.

use std::collections::BTreeMap;
use std::io::Write;

/// The size the document stays under, in bytes: GitHub's comment limit (65,536
/// characters) less room for what a workflow adds around it.
pub const BUDGET: usize = 60_000;
/// Tasks listed under "Ready to start"; the rest are counted.
const READY_TASKS: usize = 15;
/// Evidence locations shown per readiness control.
const EVIDENCE_PER_CONTROL: usize = 3;
/// A snippet longer than this is cut (a minified line would eat the budget).
const SNIPPET_CHARS: usize = 300;

use crate::engine::ScanReport;
use crate::finding::{Finding, Severity};

use super::extras::{effort_label, ControlState, PlanView, ReportExtras, StatusView};
use super::util::finding_region;

/// Escapes text for a Markdown paragraph or table cell.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    crate::text::term_safe(&out).into_owned()
}

/// A message with its `backtick spans` kept as inline code and the rest escaped.
pub fn message(s: &str) -> String {
    if s.matches('`').count() < 2 {
        return escape(s);
    }
    let parts: Vec<&str> = s.split('`').collect();
    let last = parts.len() - 1;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && i != last {
            out.push_str(&code(part));
        } else {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// Inline code that survives backticks inside the text.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    let s = s.replace(['\n', '\r'], " ");
    format!("{fence}{pad}{}{pad}{fence}", crate::text::term_safe(&s))
}

/// A fenced block whose fence is longer than any backtick run in the text.
fn fenced(s: &str, lang: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!(
        "{fence}{lang}\n{}\n{fence}\n",
        crate::text::term_safe_lines(s.trim_end_matches(['\n', '\r']))
    )
}

/// Link target for a path, relative, with what would end or break the link (spaces,
/// parentheses, angle brackets) and control characters (which a hostile file name
/// could use to act on a terminal showing the report) percent-encoded.
fn href(path: &str, line: usize) -> String {
    use std::fmt::Write;
    let mut enc = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_control() || c.is_whitespace() || matches!(c, '%' | '(' | ')' | '<' | '>') {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(enc, "%{b:02X}");
            }
        } else {
            enc.push(c);
        }
    }
    format!("{enc}#L{line}")
}

fn lang_of(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        "sh"
    } else if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        "yaml"
    } else if lower.ends_with(".py") {
        "python"
    } else if lower.starts_with("dockerfile") || lower.ends_with(".dockerfile") {
        "dockerfile"
    } else if lower.ends_with(".toml") {
        "toml"
    } else if lower.ends_with(".json") {
        "json"
    } else {
        ""
    }
}

/// Writes the Markdown report.
pub fn render(
    report: &ScanReport,
    extras: &ReportExtras,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    render_within(report, extras, BUDGET, w)
}

/// [`render`] with a size budget in bytes (tests use small ones).
pub fn render_within(
    report: &ScanReport,
    extras: &ReportExtras,
    budget: usize,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut head: Vec<u8> = Vec::new();
    match &extras.project {
        Some(p) => writeln!(head, "# harden report: {}\n", escape(p))?,
        None => writeln!(head, "# harden report\n")?,
    }
    summary(report, &mut head)?;
    if let Some(status) = &extras.status {
        status_section(status, &mut head)?;
    }
    let mut tail: Vec<u8> = Vec::new();
    if let Some(plan) = &extras.plan {
        plan_section(plan, &mut tail)?;
    }
    if !report.diagnostics.is_empty() {
        // The notes themselves go to stderr (and into JSON and SARIF): a comment is
        // for the team, not for the scan's own trouble.
        let n = report.diagnostics.len();
        writeln!(
            tail,
            "{n} note{} about the scan itself (parse errors, skipped files): printed on stderr, and carried by the JSON and SARIF reports.\n",
            if n == 1 { "" } else { "s" }
        )?;
    }
    writeln!(
        tail,
        "<sub>Generated by harden {}. Paths are relative to the scanned directory.</sub>",
        env!("CARGO_PKG_VERSION")
    )?;
    // What the findings may use: the rest of the budget, less the line counting the
    // findings left out.
    let room = budget.saturating_sub(head.len() + tail.len() + 400);
    w.write_all(&head)?;
    findings_section(report, room, w)?;
    w.write_all(&tail)
}

fn summary(report: &ScanReport, w: &mut dyn Write) -> std::io::Result<()> {
    let counts = report.counts();
    writeln!(w, "## Summary\n")?;
    let n = report.findings.len();
    writeln!(
        w,
        "**{n} finding{}** in {} files scanned.\n",
        if n == 1 { "" } else { "s" },
        report.stats.files_scanned
    )?;
    writeln!(w, "| severity | findings |")?;
    writeln!(w, "|---|---:|")?;
    for s in Severity::ALL_DESC {
        writeln!(
            w,
            "| {} {} | {} |",
            badge(s),
            s,
            counts.get(&s).copied().unwrap_or(0)
        )?;
    }
    writeln!(w)?;
    let mut extra = Vec::new();
    if let Some((skipped, reasons)) = report.stats.skipped_summary() {
        extra.push(format!("{skipped} files skipped ({reasons})"));
    }
    if report.stats.parse_errors > 0 {
        extra.push(format!(
            "{} files with parse errors",
            report.stats.parse_errors
        ));
    }
    if report.stats.suppressed > 0 {
        extra.push(format!(
            "{} findings suppressed inline",
            report.stats.suppressed
        ));
    }
    if !extra.is_empty() {
        writeln!(w, "{}.\n", extra.join("; "))?;
    }
    Ok(())
}

fn badge(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟥",
        Severity::High => "🟧",
        Severity::Medium => "🟨",
        Severity::Low => "🟦",
        Severity::Info => "⬜",
    }
}

fn state_badge(s: ControlState) -> &'static str {
    match s {
        ControlState::Done => "✅",
        ControlState::Partial => "🟡",
        ControlState::Missing => "❌",
        ControlState::NotApplicable => "➖",
        ControlState::Unknown => "❔",
    }
}

fn status_section(status: &StatusView, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "## Readiness\n")?;
    if let Some(score) = status.overall_score {
        writeln!(w, "Overall score: **{score:.1} / 10**\n")?;
    }
    if !status.areas.is_empty() {
        writeln!(w, "| area | score | controls done |")?;
        writeln!(w, "|---|---:|---:|")?;
        for a in &status.areas {
            writeln!(
                w,
                "| {} | {:.1} / 10 | {} / {} |",
                escape(&a.name),
                a.score,
                a.done,
                a.total
            )?;
        }
        writeln!(w)?;
    }
    if !status.controls.is_empty() {
        writeln!(w, "| control | area | state | evidence | next step |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for c in &status.controls {
            let mut evidence: Vec<String> = c
                .evidence
                .iter()
                .take(EVIDENCE_PER_CONTROL)
                .map(|e| {
                    let line = e.line.max(1);
                    let loc = if e.line > 0 {
                        format!("{}:{}", e.path, e.line)
                    } else {
                        e.path.clone()
                    };
                    let mut s = format!("[{}]({})", escape(&loc), href(&e.path, line));
                    if !e.note.is_empty() {
                        s.push_str(&format!(" {}", escape(&e.note)));
                    }
                    s
                })
                .collect();
            if c.evidence.len() > EVIDENCE_PER_CONTROL {
                evidence.push(format!("+{} more", c.evidence.len() - EVIDENCE_PER_CONTROL));
            }
            writeln!(
                w,
                "| {} | {} | {} {} | {} | {} |",
                escape(&c.title),
                escape(&c.area),
                state_badge(c.state),
                c.state.label(),
                if evidence.is_empty() {
                    "—".to_string()
                } else {
                    evidence.join("<br>")
                },
                escape(&c.advice)
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

fn findings_section(report: &ScanReport, room: usize, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "## Findings\n")?;
    if report.findings.is_empty() {
        writeln!(w, "No findings.\n")?;
        return Ok(());
    }
    let mut by_sev: BTreeMap<std::cmp::Reverse<Severity>, BTreeMap<&str, Vec<&Finding>>> =
        BTreeMap::new();
    for f in &report.findings {
        by_sev
            .entry(std::cmp::Reverse(f.severity))
            .or_default()
            .entry(f.path.as_str())
            .or_default()
            .push(f);
    }
    let mut used = 0usize;
    let mut shown = 0usize;
    'all: for (std::cmp::Reverse(sev), files) in &by_sev {
        let n: usize = files.values().map(Vec::len).sum();
        let mut sev_heading = Some(format!(
            "### {} {} ({n})\n\n",
            badge(*sev),
            capitalise(sev.as_str())
        ));
        for (path, findings) in files {
            let repository = *path == crate::finding::REPOSITORY_PATH;
            let mut file_heading = Some(if repository {
                "#### Repository\n\n".to_string()
            } else {
                format!("#### {}\n\n", code(path))
            });
            for f in findings {
                let mut block = String::new();
                block.extend(sev_heading.as_deref());
                block.extend(file_heading.as_deref());
                block.push_str(&finding_item(f, path, repository));
                // The blank line that closes the file's list is counted with every item.
                if used + block.len() + 1 > room {
                    if file_heading.is_none() {
                        writeln!(w)?;
                    }
                    break 'all;
                }
                w.write_all(block.as_bytes())?;
                used += block.len();
                shown += 1;
                sev_heading = None;
                file_heading = None;
            }
            if file_heading.is_none() {
                writeln!(w)?;
                used += 1;
            }
        }
    }
    let left = report.findings.len() - shown;
    if left > 0 {
        // The same order as above: what was not shown is what follows the last shown.
        let mut counts: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
        for f in by_sev
            .values()
            .flat_map(|files| files.values().flatten())
            .skip(shown)
        {
            *counts.entry(std::cmp::Reverse(f.severity)).or_insert(0) += 1;
        }
        let parts: Vec<String> = counts
            .iter()
            .map(|(std::cmp::Reverse(s), n)| format!("{n} {s}"))
            .collect();
        writeln!(
            w,
            "**{left} more finding{} ({}) in the SARIF/HTML report**: a pull-request comment holds {shown} of {}. `harden scan --format sarif -o harden.sarif` or `--format html -o report.html` lists them all.\n",
            if left == 1 { "" } else { "s" },
            parts.join(", "),
            report.findings.len()
        )?;
    }
    Ok(())
}

/// One finding as a list item: rule, place, message, snippet, related places, fix.
fn finding_item(f: &Finding, path: &str, repository: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let r = finding_region(f);
    if repository {
        let _ = writeln!(out, "- **{}** — {}", escape(f.rule), message(&f.message));
    } else {
        let _ = writeln!(
            out,
            "- **{}** [{}:{}]({}) — {}",
            escape(f.rule),
            escape(path),
            r.start.line,
            href(path, r.start.line),
            message(&f.message)
        );
    }
    if !f.snippet.is_empty() {
        let snippet: String = if f.snippet.chars().count() > SNIPPET_CHARS {
            f.snippet
                .chars()
                .take(SNIPPET_CHARS)
                .chain("…".chars())
                .collect()
        } else {
            f.snippet.to_string()
        };
        let block = fenced(&snippet, lang_of(path));
        for line in block.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    for rel in &f.related {
        let line = rel.region.start.line.max(1);
        let _ = writeln!(
            out,
            "  - also [{}:{}]({}) — {}",
            escape(&rel.path),
            line,
            href(&rel.path, line),
            message(&rel.message)
        );
    }
    if let Some(fix) = &f.fix {
        let _ = match &fix.target {
            Some(t) => writeln!(
                out,
                "  - fix: {} (`harden fix` writes {})",
                message(&fix.title),
                code(t)
            ),
            None => writeln!(out, "  - fix: {} (`harden fix`)", message(&fix.title)),
        };
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn plan_section(plan: &PlanView, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "## Plan\n")?;
    let total: f64 = plan
        .tasks
        .iter()
        .map(|t| t.effort_hours.max(0.0))
        .filter(|h| h.is_finite())
        .sum();
    if plan.summary.is_empty() {
        writeln!(
            w,
            "{} tasks in {} phases, about {} of work.\n",
            plan.tasks.len(),
            (0..plan.phase_count())
                .filter(|i| plan.tasks.iter().any(|t| t.phase == *i))
                .count(),
            effort_label(total)
        )?;
    } else {
        writeln!(w, "{}\n", escape(&plan.summary))?;
    }
    writeln!(w, "| phase | tasks | effort |")?;
    writeln!(w, "|---|---:|---:|")?;
    for i in 0..plan.phase_count() {
        let tasks: Vec<_> = plan.tasks.iter().filter(|t| t.phase == i).collect();
        if tasks.is_empty() {
            continue;
        }
        let hours: f64 = tasks.iter().map(|t| t.effort_hours.max(0.0)).sum();
        writeln!(
            w,
            "| {} | {} | {} |",
            escape(&plan.phase_name(i)),
            tasks.len(),
            effort_label(hours)
        )?;
    }
    writeln!(w)?;
    let ready: Vec<_> = plan
        .tasks
        .iter()
        .filter(|t| t.blocked_by.is_empty())
        .collect();
    if !ready.is_empty() {
        writeln!(w, "Ready to start (no blockers):\n")?;
        for t in ready.iter().take(READY_TASKS) {
            writeln!(
                w,
                "- {} {} ({})",
                code(&t.id),
                message(&t.title),
                effort_label(t.effort_hours)
            )?;
        }
        if ready.len() > READY_TASKS {
            writeln!(
                w,
                "- … and {} more (`harden plan` lists every task)",
                ready.len() - READY_TASKS
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a|b <x> & *y*"), "a\\|b \\<x\\> &amp; \\*y\\*");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(message("run `rm -rf` on <x>"), "run `rm -rf` on \\<x\\>");
        assert_eq!(message("odd ` tick"), "odd \\` tick");
        assert_eq!(code("`x"), "`` `x ``");
        assert!(fenced("echo ```", "sh").starts_with("````sh\n"));
        assert_eq!(href("my dir/a (1).sh", 3), "my%20dir/a%20%281%29.sh#L3");
        assert_eq!(href("evil\x1b[2J\u{9b}.sh", 1), "evil%1B[2J%C2%9B.sh#L1");
    }
}
