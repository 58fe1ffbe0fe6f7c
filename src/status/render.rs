//! Renderers for `harden status`: a compact terminal table (one line per
//! control, advice under what is not done, points lost on the right) and the
//! versioned JSON document described in docs/status.md.

use std::collections::BTreeMap;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::controls::Area;
use super::{ControlStatus, Evidence, State, StatusReport};

/// Version of the JSON document; bump on any breaking change.
pub const SCHEMA_VERSION: u32 = 1;

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

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

fn symbol(s: State) -> (&'static str, Style) {
    match s {
        State::Done => ("✔", fg(AnsiColor::Green).bold()),
        State::Partial => ("◐", fg(AnsiColor::Yellow).bold()),
        State::Missing => ("✘", fg(AnsiColor::Red).bold()),
        State::NotApplicable => ("–", Style::new().dimmed()),
        State::Unknown => ("?", fg(AnsiColor::Yellow)),
    }
}

fn score_style(x: Option<f64>) -> Style {
    match x {
        Some(v) if v >= 8.0 => fg(AnsiColor::Green).bold(),
        Some(v) if v >= 5.0 => fg(AnsiColor::Yellow).bold(),
        Some(_) => fg(AnsiColor::Red).bold(),
        None => Style::new().dimmed(),
    }
}

fn fmt_score(x: Option<f64>) -> String {
    match x {
        Some(v) => format!("{v:.1}/10"),
        None => "n/a".to_string(),
    }
}

fn where_(e: &Evidence) -> String {
    if e.line == 0 {
        // A URL answered by `status --probe`, not a file.
        e.path.clone()
    } else {
        format!("{}:{}", e.path, e.line)
    }
}

/// Renders the report for a person: one line per control, advice under what is not
/// done, wrapped to [`crate::text::FIXED_WIDTH`] columns.
pub fn terminal(report: &StatusReport, color: bool, w: &mut dyn Write) -> std::io::Result<()> {
    terminal_width(report, color, crate::text::FIXED_WIDTH, w)
}

/// [`terminal`] with the advice wrapped to `width` columns (the terminal's), whole:
/// JSON and the terminal give the same advice.
pub fn terminal_width(
    report: &StatusReport,
    color: bool,
    width: usize,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let p = Painter { color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let applicable = report.controls.iter().filter(|c| c.state.scored()).count();
    writeln!(
        w,
        "{} {}   {} of {} controls apply",
        p.paint(bold, "Readiness"),
        p.paint(
            score_style(report.scores.overall),
            &fmt_score(report.scores.overall)
        ),
        applicable,
        report.controls.len()
    )?;
    let f = &report.scores.findings;
    if f.points > 0.0 {
        let areas: Vec<String> = f
            .by_area
            .iter()
            .map(|(a, p)| format!("{a} -{p:.1}"))
            .collect();
        writeln!(
            w,
            "  {} controls {} less {:.1} for open findings in shipped code: {} critical, {} high ({})",
            p.paint(dim, "score ="),
            fmt_score(report.scores.controls),
            f.points,
            f.critical,
            f.high,
            areas.join(", ")
        )?;
    }
    if !report.scores.unknown.is_empty() {
        writeln!(
            w,
            "  {} {} (unknown: the data it needs was not given)",
            p.paint(dim, "not scored:"),
            report.scores.unknown.join(", ")
        )?;
    }
    let id_width = report
        .controls
        .iter()
        .map(|c| c.id.len())
        .max()
        .unwrap_or(20);
    for area in Area::ALL {
        let controls: Vec<&ControlStatus> =
            report.controls.iter().filter(|c| c.area == area).collect();
        if controls.is_empty() {
            continue;
        }
        let s = report.scores.areas.get(&area).copied().flatten();
        writeln!(w)?;
        writeln!(
            w,
            "{}  {}{}",
            p.paint(
                bold,
                &format!("{:<id_width$}", area.title(), id_width = id_width + 2)
            ),
            p.paint(score_style(s), &fmt_score(s)),
            p.paint(dim, &area_cost(report, area.as_str()))
        )?;
        findings_lines(report, area.as_str(), id_width, &p, w)?;
        for c in controls {
            let (sym, style) = symbol(c.state);
            let lost = if c.points_lost > 0.0 {
                format!("-{:.1}", c.points_lost)
            } else {
                String::new()
            };
            let mut line = c.summary.clone();
            if let Some(e) = c.evidence.first() {
                // Evidence paths and text come from the repository: no raw control characters.
                line.push_str(&format!(" ({}", crate::text::term_safe(&where_(e))));
                if c.evidence.len() > 1 {
                    line.push_str(&format!(", +{} more", c.evidence.len() - 1));
                }
                line.push(')');
            }
            let id = format!("{:<id_width$}", c.id);
            writeln!(
                w,
                "  {} {} {} {}",
                p.paint(style, sym),
                if c.state == State::NotApplicable {
                    p.paint(dim, &id)
                } else {
                    id
                },
                p.paint(fg(AnsiColor::Red), &format!("{lost:>4}")),
                if c.state == State::NotApplicable {
                    p.paint(dim, &line)
                } else {
                    line
                }
            )?;
            if !c.advice.is_empty() {
                // Under the control's summary: "→ " and the advice, continued lines
                // indented to the advice's first word; at least 40 columns of text.
                let indent = id_width + 10;
                let text = crate::text::term_safe(&c.advice);
                let room = width.saturating_sub(indent + 2).max(40);
                for (i, line) in crate::text::wrap(&text, room).iter().enumerate() {
                    let arrow = if i == 0 { "→ " } else { "  " };
                    writeln!(
                        w,
                        "{}{}",
                        " ".repeat(indent),
                        p.paint(dim, &format!("{arrow}{line}"))
                    )?;
                }
            }
        }
    }
    if report.scores.findings.by_area.contains_key(CODE) {
        writeln!(w)?;
        writeln!(
            w,
            "{}  {}",
            p.paint(
                bold,
                &format!("{:<id_width$}", "Code", id_width = id_width + 2)
            ),
            p.paint(dim, &format!("open findings{}", area_cost(report, CODE)))
        )?;
        findings_lines(report, CODE, id_width, &p, w)?;
    }
    if !report.ignored.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "{} {} file(s) not built, deployed or run",
            p.paint(bold, "Ignored:"),
            report.ignored.len()
        )?;
        for i in report.ignored.iter().take(5) {
            writeln!(
                w,
                "  {}",
                p.paint(
                    dim,
                    &crate::text::term_safe(&format!("{} — {}", i.path, i.reason))
                )
            )?;
        }
        if report.ignored.len() > 5 {
            writeln!(
                w,
                "  {}",
                p.paint(dim, &format!("+{} more", report.ignored.len() - 5))
            )?;
        }
    }
    let mut lost: Vec<&ControlStatus> = report
        .controls
        .iter()
        .filter(|c| c.points_lost > 0.0)
        .collect();
    lost.sort_by(|a, b| {
        b.points_lost
            .partial_cmp(&a.points_lost)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.id.cmp(b.id))
    });
    writeln!(w)?;
    if lost.is_empty() {
        writeln!(w, "{}", p.paint(bold, "No points lost."))?;
    } else {
        let top: Vec<String> = lost
            .iter()
            .take(3)
            .map(|c| format!("{} (+{:.1})", c.id, c.points_lost))
            .collect();
        writeln!(w, "{} {}", p.paint(bold, "Biggest gains:"), top.join(", "))?;
    }
    Ok(())
}

/// The area findings of application code are charged to (`score::area_of_rule`).
const CODE: &str = "code";

/// "   costs 1.5 (controls 1.0, findings 0.5)": what an area takes from the overall
/// score; empty when it costs nothing.
fn area_cost(report: &StatusReport, area: &str) -> String {
    match report.scores.lost.get(area) {
        Some(l) if l.total > 0.0 && l.findings > 0.0 && l.controls > 0.0 => format!(
            "   costs {:.1} (controls {:.1}, findings {:.1})",
            l.total, l.controls, l.findings
        ),
        Some(l) if l.total > 0.0 => format!("   costs {:.1}", l.total),
        _ => String::new(),
    }
}

/// One line per rule whose open findings cost the area points: the rule, how
/// many are open, how many counted, the points.
fn findings_lines(
    report: &StatusReport,
    area: &str,
    id_width: usize,
    p: &Painter,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    for r in report
        .scores
        .findings
        .rules
        .iter()
        .filter(|r| r.area == area)
    {
        let id = format!("{:<id_width$}", "open findings");
        writeln!(
            w,
            "  {} {} {} {}: {} {} open in shipped code ({} counted)",
            p.paint(fg(AnsiColor::Red).bold(), "!"),
            id,
            p.paint(
                fg(AnsiColor::Red),
                &format!("{:>4}", format!("-{:.1}", r.points))
            ),
            crate::text::term_safe(&r.rule),
            r.open,
            r.severity.as_str(),
            r.counted
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    controls: Vec<JsonControl<'a>>,
    scores: JsonScores<'a>,
    profile: &'a super::Profile,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    ignored: &'a [super::facts::Ignored],
}

#[derive(Serialize)]
struct JsonControl<'a> {
    id: &'a str,
    area: &'a str,
    title: &'a str,
    state: &'a str,
    weight: u8,
    points_lost: f64,
    summary: &'a str,
    evidence: Vec<JsonEvidence<'a>>,
    advice: &'a str,
}

#[derive(Serialize)]
struct JsonEvidence<'a> {
    path: &'a str,
    line: usize,
    note: &'a str,
}

#[derive(Serialize)]
struct JsonScores<'a> {
    overall: Option<f64>,
    controls: Option<f64>,
    areas: BTreeMap<&'static str, Option<f64>>,
    lost_by_area: &'a BTreeMap<&'static str, super::score::AreaLoss>,
    findings: &'a super::score::FindingsPenalty,
    unknown: &'a [&'static str],
}

fn json_doc(report: &StatusReport) -> JsonReport<'_> {
    JsonReport {
        schema_version: SCHEMA_VERSION,
        controls: report
            .controls
            .iter()
            .map(|c| JsonControl {
                id: c.id,
                area: c.area.as_str(),
                title: c.title,
                state: c.state.as_str(),
                weight: c.weight,
                points_lost: c.points_lost,
                summary: &c.summary,
                evidence: c
                    .evidence
                    .iter()
                    .map(|e| JsonEvidence {
                        path: &e.path,
                        line: e.line,
                        note: &e.note,
                    })
                    .collect(),
                advice: &c.advice,
            })
            .collect(),
        scores: JsonScores {
            overall: report.scores.overall,
            controls: report.scores.controls,
            lost_by_area: &report.scores.lost,
            findings: &report.scores.findings,
            unknown: &report.scores.unknown,
            areas: report
                .scores
                .areas
                .iter()
                .map(|(a, s)| (a.as_str(), *s))
                .collect(),
        },
        profile: &report.profile,
        ignored: &report.ignored,
    }
}

/// The JSON value of a report (what `--format json` prints, keys sorted).
pub fn json_value(report: &StatusReport) -> serde_json::Value {
    serde_json::to_value(json_doc(report)).unwrap_or(serde_json::Value::Null)
}

/// Writes the JSON document (keys in schema order).
pub fn json(report: &StatusReport, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &json_doc(report))?;
    writeln!(w)
}
