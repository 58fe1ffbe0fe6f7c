//! Human output: findings grouped by file, the offending line with a caret
//! under the span, and a summary. Colour only when asked for (TTY and no `NO_COLOR`).

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::engine::ScanReport;
use crate::finding::Severity;

use super::util::term_safe;

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

/// Renders the report for a person.
pub fn render(report: &ScanReport, color: bool, w: &mut dyn Write) -> std::io::Result<()> {
    let p = Painter { color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let mut current: Option<&str> = None;
    for f in &report.findings {
        if current != Some(f.path.as_str()) {
            if current.is_some() {
                writeln!(w)?;
            }
            // Repository-level findings (no file to point at) get their own section.
            let heading = if f.is_repository_level() {
                "repository".to_string()
            } else {
                term_safe(&f.path).into_owned()
            };
            writeln!(w, "{}", p.paint(bold.underline(), &heading))?;
            current = Some(&f.path);
        }
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
    }
    if !report.findings.is_empty() {
        writeln!(w)?;
    }
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
    if ig.tracked_despite_ignore > 0 {
        line.push_str(&format!(
            ", {} tracked by git though .gitignore matches (scanned), {} ignored path{} left out",
            ig.tracked_despite_ignore,
            ig.ignored,
            if ig.ignored == 1 { "" } else { "s" }
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
    writeln!(w, "{}", p.paint(bold, &line))
}
