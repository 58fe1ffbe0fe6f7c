//! Human output. A summary first (counts by severity and by rule, the files with
//! the most findings, the plan's first tasks), then the findings, most severe first
//! (or grouped by file), each with the offending line and a caret under the span.
//! `--format concise` is one line per finding instead. Colour only when asked for
//! (TTY and no `NO_COLOR`). Diagnostics are not part of this report: the command
//! prints them on stderr ([`render_notes`]).

use std::collections::BTreeMap;
use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::engine::ScanReport;
use crate::finding::{Finding, Severity};

use super::extras::{effort_label, PlanView};
use super::SortOrder;
use crate::text::term_safe;

fn sev_style(s: Severity) -> Style {
    let c = match s {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
        Severity::Info => AnsiColor::BrightBlack,
    };
    Style::new().fg_color(Some(c.into())).bold()
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{}{}", style.render(), text, style.render_reset())
        } else {
            text.to_string()
        }
    }
}

/// What the terminal report shows besides the findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalOptions<'a> {
    /// Colour the output.
    pub color: bool,
    /// Most severe first, or grouped by file.
    pub sort: SortOrder,
    /// The plan of the reported findings, for "fix first".
    pub plan: Option<&'a PlanView>,
}

/// Rules listed in the summary; the rest are counted.
const SUMMARY_RULES: usize = 10;
/// Files listed under "most findings".
const SUMMARY_FILES: usize = 5;
/// Tasks listed under "fix first".
const SUMMARY_TASKS: usize = 5;

/// Renders the report for a person, most severe findings first.
pub fn render(report: &ScanReport, color: bool, w: &mut dyn Write) -> std::io::Result<()> {
    render_with(
        report,
        &TerminalOptions {
            color,
            ..TerminalOptions::default()
        },
        w,
    )
}

/// Renders the report for a person: summary, then the findings in `opts.sort` order,
/// then the totals again (the last line a long report leaves on screen).
pub fn render_with(
    report: &ScanReport,
    opts: &TerminalOptions<'_>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let p = Painter { color: opts.color };
    let bold = Style::new().bold();
    if report.findings.is_empty() {
        return writeln!(w, "{}", p.paint(bold, &totals(report, &p)));
    }
    summary(report, opts, &p, w)?;
    let ordered = ordered(&report.findings, opts.sort);
    let mut section: Option<Severity> = None;
    let mut current: Option<&str> = None;
    for f in ordered {
        if opts.sort == SortOrder::Severity && section != Some(f.severity) {
            let n = report
                .findings
                .iter()
                .filter(|g| g.severity == f.severity)
                .count();
            if section.is_some() {
                writeln!(w)?;
            }
            writeln!(
                w,
                "{}",
                p.paint(
                    sev_style(f.severity),
                    &format!("== {} ({n}) ==", f.severity)
                )
            )?;
            section = Some(f.severity);
            current = None;
        }
        if current != Some(f.path.as_str()) {
            // Repository-level findings (no file to point at) get their own section.
            let heading = if f.is_repository_level() {
                "repository".to_string()
            } else {
                term_safe(&f.path).into_owned()
            };
            writeln!(w, "{}", p.paint(bold.underline(), &heading))?;
            current = Some(&f.path);
        }
        finding(f, &p, w)?;
    }
    writeln!(w)?;
    writeln!(w, "{}", p.paint(bold, &totals(report, &p)))
}

/// One line per finding, `path:line:col: severity rule message` (as ruff's concise
/// output; a repository-level finding has line and column 0), then the totals.
pub fn render_concise(
    report: &ScanReport,
    opts: &TerminalOptions<'_>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let p = Painter { color: opts.color };
    for f in ordered(&report.findings, opts.sort) {
        let (line, col) = if f.is_repository_level() {
            (0, 0)
        } else {
            (f.region.start.line, f.region.start.column)
        };
        writeln!(
            w,
            "{}:{line}:{col}: {} {} {}",
            term_safe(&f.path),
            p.paint(sev_style(f.severity), f.severity.as_str()),
            p.paint(Style::new().bold(), f.rule),
            term_safe(&f.message)
        )?;
    }
    writeln!(w, "{}", totals(report, &p))
}

/// The diagnostics as `note:` lines, for stderr: what the user should know about the
/// scan (parse errors, skipped files) is not a finding and stays out of the report.
pub fn render_notes(report: &ScanReport, color: bool, w: &mut dyn Write) -> std::io::Result<()> {
    let p = Painter { color };
    let dim = Style::new().dimmed();
    for d in &report.diagnostics {
        let loc = match d.line {
            Some(l) => format!("{}:{}", d.path, l),
            None => d.path.clone(),
        };
        writeln!(
            w,
            "{} {}: {}",
            p.paint(dim, "note:"),
            term_safe(&loc),
            term_safe(&d.message)
        )?;
    }
    Ok(())
}

/// The findings in display order: most severe first (by file and line within a
/// severity), or by file and line (the scan's own order).
fn ordered(findings: &[Finding], sort: SortOrder) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    match sort {
        SortOrder::Severity => v.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.sort_key().cmp(&b.sort_key()))
        }),
        SortOrder::File => v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key())),
    }
    v
}

/// The head of the report: totals, the rules and files with the most findings, and
/// the first tasks of the plan's first phase.
fn summary(
    report: &ScanReport,
    opts: &TerminalOptions<'_>,
    p: &Painter,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    writeln!(w, "{}", p.paint(bold, &totals(report, p)))?;
    // By rule: most severe first, then most frequent.
    let mut by_rule: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in &report.findings {
        let e = by_rule.entry(f.rule).or_insert((f.severity, 0));
        e.0 = e.0.max(f.severity);
        e.1 += 1;
    }
    let mut rules: Vec<(&str, Severity, usize)> =
        by_rule.into_iter().map(|(r, (s, n))| (r, s, n)).collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    writeln!(w, "\n{}", p.paint(bold, "By rule"))?;
    let count_width = rules
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1);
    for (rule, sev, n) in rules.iter().take(SUMMARY_RULES) {
        writeln!(
            w,
            "  {n:>count_width$}  {}  {}",
            p.paint(sev_style(*sev), &format!("{:<8}", sev.as_str())),
            rule
        )?;
    }
    if rules.len() > SUMMARY_RULES {
        let rest: usize = rules.iter().skip(SUMMARY_RULES).map(|r| r.2).sum();
        writeln!(
            w,
            "  {}",
            p.paint(
                dim,
                &format!(
                    "+{} more rules ({rest} findings)",
                    rules.len() - SUMMARY_RULES
                )
            )
        )?;
    }
    // Files with the most findings (repository-level findings are no file).
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| !f.is_repository_level()) {
        *by_file.entry(&f.path).or_insert(0) += 1;
    }
    if by_file.len() > 1 {
        let mut files: Vec<(&str, usize)> = by_file.into_iter().collect();
        files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        writeln!(w, "\n{}", p.paint(bold, "Files with the most findings"))?;
        let width = files
            .iter()
            .take(SUMMARY_FILES)
            .map(|f| f.1.to_string().len())
            .max()
            .unwrap_or(1);
        for (path, n) in files.iter().take(SUMMARY_FILES) {
            writeln!(w, "  {n:>width$}  {}", term_safe(path))?;
        }
    }
    if let Some(plan) = opts.plan {
        fix_first(plan, p, w)?;
    }
    writeln!(w)
}

/// "Fix first": the first tasks of the earliest phase that has any, from the plan.
fn fix_first(plan: &PlanView, p: &Painter, w: &mut dyn Write) -> std::io::Result<()> {
    let Some(phase) = plan.tasks.iter().map(|t| t.phase).min() else {
        return Ok(());
    };
    let tasks: Vec<_> = plan.tasks.iter().filter(|t| t.phase == phase).collect();
    writeln!(
        w,
        "\n{} ({})",
        p.paint(Style::new().bold(), "Fix first"),
        term_safe(&plan.phase_name(phase))
    )?;
    for t in tasks.iter().take(SUMMARY_TASKS) {
        writeln!(
            w,
            "  {}  {} ({})",
            p.paint(Style::new().dimmed(), &t.id),
            term_safe(&t.title),
            effort_label(t.effort_hours)
        )?;
    }
    if tasks.len() > SUMMARY_TASKS {
        writeln!(
            w,
            "  {}",
            p.paint(
                Style::new().dimmed(),
                &format!(
                    "+{} more in this phase: `harden plan` has them all",
                    tasks.len() - SUMMARY_TASKS
                )
            )
        )?;
    }
    Ok(())
}

/// One finding: place, severity, rule and message, the line with a caret under the
/// span, related locations and the fix.
fn finding(f: &Finding, p: &Painter, w: &mut dyn Write) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let place = if f.is_repository_level() {
        "-".to_string()
    } else {
        format!("{}:{}", f.region.start.line, f.region.start.column)
    };
    writeln!(
        w,
        "  {} {} {} {}",
        place,
        p.paint(
            sev_style(f.severity),
            &format!("{:<8}", f.severity.as_str())
        ),
        p.paint(bold, f.rule),
        term_safe(&f.message)
    )?;
    if !f.snippet.is_empty() {
        let gutter = format!("{:>5} | ", f.region.start.line);
        writeln!(w, "  {}{}", p.paint(dim, &gutter), term_safe(&f.snippet))?;
        let col = f.region.start.column.saturating_sub(1);
        let width = if f.region.end.line == f.region.start.line {
            f.region
                .end
                .column
                .saturating_sub(f.region.start.column)
                .max(1)
        } else {
            f.snippet.chars().count().saturating_sub(col).max(1)
        };
        let pad: String = f
            .snippet
            .chars()
            .take(col)
            .map(|c| {
                if c == '\t' {
                    "\t".to_string()
                } else {
                    // An escaped control character takes the width of its escape.
                    " ".repeat(term_safe(c.encode_utf8(&mut [0; 4])).chars().count())
                }
            })
            .collect();
        let carets = "^".repeat(width.min(120));
        writeln!(
            w,
            "  {}{}{}",
            " ".repeat(gutter.len()),
            pad,
            p.paint(sev_style(f.severity), &carets)
        )?;
    }
    for r in &f.related {
        writeln!(
            w,
            "        {} {}:{} {}",
            p.paint(dim, "also"),
            term_safe(&r.path),
            r.region.start.line,
            term_safe(&r.message)
        )?;
    }
    if let Some(fix) = &f.fix {
        let tag = match fix.safety {
            crate::finding::Safety::Safe => "fix",
            crate::finding::Safety::Unsafe => "fix (unsafe)",
        };
        match &fix.target {
            Some(t) => writeln!(
                w,
                "        {} {} ({})",
                p.paint(dim, tag),
                term_safe(&fix.title),
                term_safe(t)
            )?,
            None => writeln!(w, "        {} {}", p.paint(dim, tag), term_safe(&fix.title))?,
        }
    }
    Ok(())
}

/// The totals line: findings by severity, files scanned and what was not.
fn totals(report: &ScanReport, p: &Painter) -> String {
    let counts = report.counts();
    let parts: Vec<String> = Severity::ALL_DESC
        .iter()
        .filter_map(|s| {
            counts
                .get(s)
                .map(|n| p.paint(sev_style(*s), &format!("{n} {s}")))
        })
        .collect();
    let mut line = format!(
        "{} finding{}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" }
    );
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(" in {} files scanned", report.stats.files_scanned));
    if let Some((skipped, reasons)) = report.stats.skipped_summary() {
        line.push_str(&format!(", {skipped} skipped ({reasons})"));
    }
    let ig = &report.stats.ignore;
    if ig.ignored > 0 {
        line.push_str(&format!(
            ", {} ignored path{} left out (.gitignore, .ignore)",
            ig.ignored,
            if ig.ignored == 1 { "" } else { "s" }
        ));
    }
    if ig.tracked_despite_ignore > 0 {
        line.push_str(&format!(
            ", {} tracked by git though an ignore rule matches (scanned)",
            ig.tracked_despite_ignore
        ));
    }
    if report.stats.parse_errors > 0 {
        line.push_str(&format!(
            ", {} with parse errors",
            report.stats.parse_errors
        ));
    }
    if report.stats.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", report.stats.suppressed));
    }
    line
}
