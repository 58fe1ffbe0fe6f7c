//! The organisation dashboard in HTML (self-contained, the scan report's stylesheet,
//! no script), Markdown (for a wiki or an issue) and JSON (for programs: its own
//! versioned contract, docs/org-audit.md).

use std::io::Write;

use serde::Serialize;

use crate::finding::Severity;
use crate::output::html::{esc, CSS};

use super::dashboard::{Dashboard, RepoRow};

/// Version of the org-report JSON contract.
pub const SCHEMA_VERSION: u32 = 1;

/// Rules listed in Markdown before "N more" (HTML and JSON list them all).
const MARKDOWN_RULES: usize = 25;

fn readiness(r: &RepoRow) -> String {
    r.readiness
        .map(|s| format!("{s:.1}/10"))
        .unwrap_or_else(|| "—".into())
}

/// "2 critical, 5 high, 1 medium", or "no findings", or "not scanned".
fn findings_line(r: &RepoRow) -> String {
    if r.scan.is_none() {
        return "not scanned".into();
    }
    let parts: Vec<String> = Severity::ALL_DESC
        .iter()
        .filter(|&&s| r.count(s) > 0)
        .map(|&s| format!("{} {s}", r.count(s)))
        .collect();
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(", ")
    }
}

/// The one-line summary of a repository.
pub fn one_line(r: &RepoRow) -> String {
    let mut parts = vec![format!("readiness {}", readiness(r)), findings_line(r)];
    if r.status.is_some() {
        parts.push(format!(
            "{} of {} controls missing{}",
            r.missing.len(),
            r.applicable,
            if r.partial > 0 {
                format!(", {} partial", r.partial)
            } else {
                String::new()
            }
        ));
    } else {
        parts.push("no status result".into());
    }
    if let Some((rule, n)) = &r.top_rule {
        parts.push(format!("most findings: {rule} ({n})"));
    }
    parts.join(" · ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn totals(d: &Dashboard) -> (usize, usize, usize) {
    let sum = |s: Severity| d.repos.iter().map(|r| r.count(s)).sum::<usize>();
    (
        d.repos.iter().map(RepoRow::findings).sum(),
        sum(Severity::Critical),
        sum(Severity::High),
    )
}

/// Escapes text for a Markdown table cell or list item.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Writes the Markdown dashboard.
pub fn markdown(d: &Dashboard, w: &mut dyn Write) -> std::io::Result<()> {
    let (all, crit, high) = totals(d);
    writeln!(w, "# harden organisation audit\n")?;
    writeln!(
        w,
        "{} · {} ({crit} critical, {high} high)\n",
        plural(d.repos.len(), "repository", "repositories"),
        plural(all, "finding", "findings")
    )?;
    writeln!(w, "## Repositories, worst first\n")?;
    if d.repos.is_empty() {
        writeln!(w, "No result could be read.\n")?;
    } else {
        writeln!(
            w,
            "| # | Repository | Readiness | Critical | High | Findings | Controls missing |"
        )?;
        writeln!(w, "|---:|---|---:|---:|---:|---:|---:|")?;
        for (i, r) in d.repos.iter().enumerate() {
            let scanned = |n: usize| {
                if r.scan.is_some() {
                    n.to_string()
                } else {
                    "—".into()
                }
            };
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                md(&r.name),
                readiness(r),
                scanned(r.count(Severity::Critical)),
                scanned(r.count(Severity::High)),
                scanned(r.findings()),
                if r.status.is_some() {
                    r.missing.len().to_string()
                } else {
                    "—".into()
                }
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "## Controls most often missing\n")?;
    if d.controls.is_empty() {
        writeln!(
            w,
            "No control is missing or partial in any status result read.\n"
        )?;
    } else {
        writeln!(w, "| Control | Missing in | Partial in | Applies to |")?;
        writeln!(w, "|---|---:|---:|---:|")?;
        for c in &d.controls {
            writeln!(
                w,
                "| {} (`{}`) | {} | {} | {} |",
                md(&c.title),
                c.id.replace('`', ""),
                c.missing.len(),
                c.partial,
                c.applicable
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "## Rules firing most\n")?;
    if d.rules.is_empty() {
        writeln!(w, "No findings in any scan result read.\n")?;
    } else {
        writeln!(w, "| Rule | Severity | Repositories | Findings |")?;
        writeln!(w, "|---|---|---:|---:|")?;
        for r in d.rules.iter().take(MARKDOWN_RULES) {
            writeln!(
                w,
                "| `{}` | {} | {} | {} |",
                r.rule.replace('`', ""),
                r.severity,
                r.repositories,
                r.findings
            )?;
        }
        if d.rules.len() > MARKDOWN_RULES {
            writeln!(
                w,
                "\n{} more in the HTML and JSON reports.",
                plural(d.rules.len() - MARKDOWN_RULES, "rule", "rules")
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "## Per repository\n")?;
    for r in &d.repos {
        writeln!(w, "- **{}**: {}", md(&r.name), md(&one_line(r)))?;
    }
    if !d.skipped.is_empty() {
        writeln!(w, "\n## Inputs left out\n")?;
        for s in &d.skipped {
            writeln!(
                w,
                "- {}: {}",
                md(&s.path.display().to_string()),
                md(&s.reason)
            )?;
        }
    }
    Ok(())
}

/// Writes the HTML dashboard: one page, nothing loaded from anywhere.
pub fn html(d: &Dashboard, w: &mut dyn Write) -> std::io::Result<()> {
    let (all, crit, high) = totals(d);
    let mut h = String::with_capacity(32 * 1024);
    h.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    h.push_str(&format!(
        "<meta name=\"generator\" content=\"harden {}\">\n<title>harden organisation audit</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<div class=\"wrap\">\n",
        env!("CARGO_PKG_VERSION")
    ));
    h.push_str(&format!(
        "<header class=\"top\"><h1>harden <span>organisation audit</span></h1><div class=\"meta\">{} · {}</div></header>\n",
        plural(d.repos.len(), "repository", "repositories"),
        plural(all, "finding", "findings")
    ));
    h.push_str("<nav class=\"toc\"><a href=\"#repositories\">Repositories</a><a href=\"#controls\">Controls</a><a href=\"#rules\">Rules</a><a href=\"#summaries\">Per repository</a>");
    if !d.skipped.is_empty() {
        h.push_str("<a href=\"#notes\">Notes</a>");
    }
    h.push_str("</nav>\n");

    h.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
    let card = |h: &mut String, n: String, label: &str, class: &str| {
        h.push_str(&format!(
            "<div class=\"card{class}\"><div class=\"n\">{n}</div><div class=\"l\">{label}</div></div>"
        ));
    };
    card(&mut h, d.repos.len().to_string(), "repositories", "");
    card(&mut h, all.to_string(), "findings", "");
    card(
        &mut h,
        crit.to_string(),
        "critical",
        if crit == 0 {
            " sev sev-critical zero"
        } else {
            " sev sev-critical"
        },
    );
    card(
        &mut h,
        high.to_string(),
        "high",
        if high == 0 {
            " sev sev-high zero"
        } else {
            " sev sev-high"
        },
    );
    let scores: Vec<f64> = d.repos.iter().filter_map(|r| r.readiness).collect();
    if !scores.is_empty() {
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        card(&mut h, format!("{mean:.1}"), "mean readiness / 10", "");
    }
    h.push_str("</div></section>\n");

    h.push_str(&format!(
        "<section id=\"repositories\"><h2>Repositories, worst first <span class=\"count\">{}</span></h2>",
        d.repos.len()
    ));
    if d.repos.is_empty() {
        h.push_str("<p class=\"empty\">No result could be read.</p>");
    } else {
        h.push_str("<table><thead><tr><th>#</th><th>Repository</th><th>Readiness</th><th>Critical</th><th>High</th><th>Findings</th><th>Controls missing</th></tr></thead><tbody>");
        for (i, r) in d.repos.iter().enumerate() {
            let cls = match r.readiness {
                Some(s) if s >= 7.5 => "st-done",
                Some(s) if s >= 4.0 => "st-partial",
                Some(_) => "st-missing",
                None => "st-na",
            };
            let n = |x: usize| {
                if r.scan.is_some() {
                    x.to_string()
                } else {
                    "—".into()
                }
            };
            h.push_str(&format!(
                "<tr class=\"repo\" data-rank=\"{}\"><td>{}</td><td class=\"mono\">{}</td><td><span class=\"pill {cls}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                i + 1,
                esc(&r.name),
                esc(&readiness(r)),
                n(r.count(Severity::Critical)),
                n(r.count(Severity::High)),
                n(r.findings()),
                if r.status.is_some() {
                    format!("{} of {}", r.missing.len(), r.applicable)
                } else {
                    "—".into()
                }
            ));
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"controls\"><h2>Controls most often missing</h2>");
    if d.controls.is_empty() {
        h.push_str(
            "<p class=\"empty\">No control is missing or partial in any status result read.</p>",
        );
    } else {
        h.push_str("<table class=\"controls\"><thead><tr><th>Control</th><th>Missing in</th><th>Partial in</th><th>Applies to</th><th>Repositories missing it</th></tr></thead><tbody>");
        for c in &d.controls {
            let share = if c.applicable > 0 {
                c.missing.len() as f64 / c.applicable as f64 * 100.0
            } else {
                0.0
            };
            h.push_str(&format!(
                "<tr class=\"control\"><td>{}<div class=\"muted mono\">{}</div></td><td>{}<div class=\"bar st-missing\"><i style=\"width:{share:.0}%\"></i></div></td><td>{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
                esc(&c.title),
                esc(&c.id),
                c.missing.len(),
                c.partial,
                c.applicable,
                esc(&c.missing.join(", "))
            ));
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"rules\"><h2>Rules firing most</h2>");
    if d.rules.is_empty() {
        h.push_str("<p class=\"empty\">No findings in any scan result read.</p>");
    } else {
        h.push_str("<table><thead><tr><th>Rule</th><th>Severity</th><th>Repositories</th><th>Findings</th></tr></thead><tbody>");
        for r in &d.rules {
            h.push_str(&format!(
                "<tr class=\"rule\"><td class=\"rule\"><code>{}</code></td><td><span class=\"pill sev-{sev}\">{sev}</span></td><td>{}</td><td>{}</td></tr>",
                esc(&r.rule),
                r.repositories,
                r.findings,
                sev = r.severity.as_str()
            ));
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"summaries\"><h2>Per repository</h2><ul class=\"ev\">");
    for r in &d.repos {
        h.push_str(&format!(
            "<li><code>{}</code> <span class=\"note\">— {}</span></li>",
            esc(&r.name),
            esc(&one_line(r))
        ));
    }
    h.push_str("</ul></section>\n");
    if !d.skipped.is_empty() {
        h.push_str("<section id=\"notes\"><h2>Inputs left out</h2><ul class=\"ev\">");
        for s in &d.skipped {
            h.push_str(&format!(
                "<li><code>{}</code> <span class=\"note\">— {}</span></li>",
                esc(&s.path.display().to_string()),
                esc(&s.reason)
            ));
        }
        h.push_str("</ul></section>\n");
    }
    h.push_str(&format!(
        "<footer>Generated by harden {} from {} · this page loads nothing from the network</footer>\n</div>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        plural(
            d.repos.iter().map(|r| usize::from(r.scan.is_some()) + usize::from(r.status.is_some())).sum(),
            "result",
            "results"
        )
    ));
    w.write_all(h.as_bytes())
}

#[derive(Serialize)]
struct JsonOrg<'a> {
    schema_version: u32,
    tool: crate::output::json::JsonTool,
    repositories: Vec<JsonRepo<'a>>,
    controls: Vec<JsonControl<'a>>,
    rules: Vec<JsonRule<'a>>,
    skipped: Vec<JsonSkipped>,
}

#[derive(Serialize)]
struct JsonRepo<'a> {
    rank: usize,
    name: &'a str,
    readiness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by_severity: Option<std::collections::BTreeMap<&'static str, usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    controls_missing: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    controls_partial: Option<usize>,
    summary: String,
    scan: Option<String>,
    status: Option<String>,
}

#[derive(Serialize)]
struct JsonControl<'a> {
    id: &'a str,
    title: &'a str,
    missing: usize,
    partial: usize,
    applicable: usize,
    missing_in: &'a [String],
}

#[derive(Serialize)]
struct JsonRule<'a> {
    rule: &'a str,
    severity: &'static str,
    repositories: usize,
    findings: usize,
}

#[derive(Serialize)]
struct JsonSkipped {
    path: String,
    reason: String,
}

/// Writes the JSON dashboard (docs/org-audit.md describes it).
pub fn json(d: &Dashboard, w: &mut dyn Write) -> std::io::Result<()> {
    let doc = JsonOrg {
        schema_version: SCHEMA_VERSION,
        tool: crate::output::json::JsonTool {
            name: "harden",
            version: env!("CARGO_PKG_VERSION"),
        },
        repositories: d
            .repos
            .iter()
            .enumerate()
            .map(|(i, r)| JsonRepo {
                rank: i + 1,
                name: &r.name,
                readiness: r.readiness,
                by_severity: r.scan.as_ref().map(|_| {
                    Severity::ALL_DESC
                        .iter()
                        .map(|&s| (s.as_str(), r.count(s)))
                        .collect()
                }),
                controls_missing: r.status.as_ref().map(|_| r.missing.as_slice()),
                controls_partial: r.status.as_ref().map(|_| r.partial),
                summary: one_line(r),
                scan: r.scan.as_ref().map(|p| p.display().to_string()),
                status: r.status.as_ref().map(|p| p.display().to_string()),
            })
            .collect(),
        controls: d
            .controls
            .iter()
            .map(|c| JsonControl {
                id: &c.id,
                title: &c.title,
                missing: c.missing.len(),
                partial: c.partial,
                applicable: c.applicable,
                missing_in: &c.missing,
            })
            .collect(),
        rules: d
            .rules
            .iter()
            .map(|r| JsonRule {
                rule: &r.rule,
                severity: r.severity.as_str(),
                repositories: r.repositories,
                findings: r.findings,
            })
            .collect(),
        skipped: d
            .skipped
            .iter()
            .map(|s| JsonSkipped {
                path: s.path.display().to_string(),
                reason: s.reason.clone(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
