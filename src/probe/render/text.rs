//! `harden probe` for people: the terminal view and the Markdown report. Both
//! show the same sections: endpoints, TLS, metrics, findings, proven / not proven.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::finding::Severity;
use crate::output::markdown::escape;
use crate::probe::report::{EndpointResult, Origin, ProbeReport};

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

struct Painter(bool);

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.0 {
            format!("{}{}{}", style.render(), text, style.render_reset())
        } else {
            text.to_string()
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical | Severity::High => fg(AnsiColor::Red).bold(),
        Severity::Medium => fg(AnsiColor::Yellow).bold(),
        Severity::Low => fg(AnsiColor::Cyan),
        Severity::Info => Style::new().dimmed(),
    }
}

/// `200 in 3 ms (p95 5 ms, 5 req)` or the error.
pub fn outcome(e: &EndpointResult) -> String {
    match (e.status, &e.error, &e.latency) {
        (Some(s), _, Some(l)) if e.exists() => format!(
            "{s} in {:.0} ms (p95 {:.0} ms, {} req)",
            l.p50_ms,
            l.p95_ms,
            l.samples_ms.len()
        ),
        (Some(s), _, _) => s.to_string(),
        (None, Some(err), _) => err.clone(),
        _ => "not probed".to_string(),
    }
}

/// `code app/api.py:12`, `convention`, `--path`.
pub fn sources(e: &EndpointResult) -> String {
    let v: Vec<String> = e
        .origins
        .iter()
        .map(|o| match o {
            Origin::Code(c) => format!("{}:{}", c.path, c.line),
            Origin::Convention => "convention".to_string(),
            Origin::Flag => "--path".to_string(),
        })
        .collect();
    v.join(", ")
}

/// What the body says, in a few words.
pub fn body_words(e: &EndpointResult) -> String {
    let Some(b) = &e.body else {
        return e
            .content_type
            .as_deref()
            .map(|c| c.split(';').next().unwrap_or(c).to_string())
            .unwrap_or_default();
    };
    let mut parts = vec![b.kind.to_string()];
    if let Some((k, v)) = &b.status_field {
        parts.push(format!("{k}={v}"));
    }
    if !b.dependencies.is_empty() {
        let d: Vec<String> = b
            .dependencies
            .iter()
            .take(4)
            .map(|(n, s)| format!("{n}:{s}"))
            .collect();
        parts.push(format!("checks {}", d.join(" ")));
    }
    if b.constant && e.latency.as_ref().is_some_and(|l| l.samples_ms.len() > 1) {
        parts.push("constant".to_string());
    }
    parts.join(", ")
}

/// Writes the terminal view.
pub fn terminal(r: &ProbeReport, color: bool, w: &mut dyn Write) -> std::io::Result<()> {
    let p = Painter(color);
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    writeln!(
        w,
        "{} {}  {}",
        p.paint(bold, "harden probe"),
        r.base_url,
        p.paint(
            dim,
            &format!(
                "({}, {} request(s){})",
                r.address.as_deref().unwrap_or("?"),
                r.requests,
                if r.skipped > 0 {
                    format!(", {} not sent", r.skipped)
                } else {
                    String::new()
                }
            )
        )
    )?;
    writeln!(w)?;
    let answering: Vec<&EndpointResult> = r
        .endpoints
        .iter()
        .filter(|e| e.exists() || e.code().is_some() || e.origins.contains(&Origin::Flag))
        .collect();
    let quiet = r.endpoints.len() - answering.len();
    writeln!(w, "{}", p.paint(bold, "Endpoints"))?;
    for e in &answering {
        let mark = if e.ok() {
            p.paint(fg(AnsiColor::Green).bold(), "✔")
        } else if e.exists() {
            p.paint(fg(AnsiColor::Red).bold(), "✘")
        } else {
            p.paint(fg(AnsiColor::Yellow), "?")
        };
        writeln!(
            w,
            "  {mark} {:<9} {:<28} {}  {}",
            e.role.as_str(),
            e.path,
            outcome(e),
            p.paint(dim, &body_words(e))
        )?;
        writeln!(w, "      {}", p.paint(dim, &format!("from {}", sources(e))))?;
    }
    if quiet > 0 {
        let paths: Vec<&str> = r
            .endpoints
            .iter()
            .filter(|e| !answering.iter().any(|a| std::ptr::eq(*a, *e)))
            .map(|e| e.path.as_str())
            .collect();
        writeln!(
            w,
            "  {}",
            p.paint(dim, &format!("not found: {}", paths.join(" ")))
        )?;
    }
    if let Some(t) = &r.tls {
        writeln!(w)?;
        writeln!(w, "{}", p.paint(bold, "TLS"))?;
        match (&t.handshake_error, t.leaf()) {
            (Some(e), _) => writeln!(w, "  handshake failed: {e}")?,
            (None, leaf) => {
                writeln!(
                    w,
                    "  {} {}, handshake {:.0} ms, {}",
                    t.version.as_deref().unwrap_or("?"),
                    t.cipher.as_deref().unwrap_or(""),
                    t.handshake_ms,
                    match &t.untrusted {
                        None if t.private_ca => "trusted (by --cacert)".to_string(),
                        None => "trusted".to_string(),
                        Some(why) => format!("NOT trusted: {why}"),
                    }
                )?;
                if let Some(l) = leaf {
                    writeln!(
                        w,
                        "  leaf {} (issuer {}), {} day(s) left, {}, {}",
                        l.subject, l.issuer, l.days_left, l.key, l.signature
                    )?;
                }
                writeln!(w, "  chain of {} certificate(s)", t.chain.len())?;
            }
        }
    }
    if let Some(m) = &r.metrics {
        writeln!(w)?;
        writeln!(w, "{}", p.paint(bold, "Metrics"))?;
        let types: Vec<String> = m.by_type.iter().map(|(k, v)| format!("{v} {k}")).collect();
        writeln!(
            w,
            "  {} families ({}), {} samples, {} text, {} of the service, {} runtime defaults",
            m.families,
            types.join(", "),
            m.samples,
            m.dialect,
            m.service_families.len(),
            m.runtime_families
        )?;
        if !m.errors.is_empty() {
            writeln!(
                w,
                "  {} parse error(s), first at line {}",
                m.errors.len() + m.errors_dropped,
                m.errors[0].line
            )?;
        }
    }
    writeln!(w)?;
    writeln!(w, "{}", p.paint(bold, "Findings"))?;
    if r.findings.is_empty() {
        writeln!(w, "  none")?;
    }
    for f in &r.findings {
        writeln!(
            w,
            "  {:<8} {}  {}",
            p.paint(severity_style(f.severity), f.severity.as_str()),
            p.paint(bold, f.check.id),
            f.message
        )?;
        let mut at = f.url.clone();
        if let Some(c) = &f.code {
            at = format!("{}:{}  {at}", c.path, c.line);
        }
        writeln!(w, "           {}", p.paint(dim, &at))?;
        for rel in f.related.iter().take(5) {
            writeln!(w, "           {}", p.paint(dim, rel))?;
        }
        if f.related.len() > 5 {
            writeln!(
                w,
                "           {}",
                p.paint(dim, &format!("… {} more", f.related.len() - 5))
            )?;
        }
    }
    writeln!(w)?;
    writeln!(w, "{}", p.paint(bold, "Proven"))?;
    for s in &r.proven {
        writeln!(w, "  ✔ {s}")?;
    }
    writeln!(w, "{}", p.paint(bold, "Not proven"))?;
    for s in &r.not_proven {
        writeln!(w, "  – {s}")?;
    }
    Ok(())
}

/// Writes the Markdown report.
pub fn markdown(r: &ProbeReport, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "# Probe of {}\n", escape(&r.base_url))?;
    let counts: Vec<String> = Severity::ALL_DESC
        .iter()
        .map(|s| (s, r.findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    writeln!(
        w,
        "{} request(s) to `{}`; findings: {}.\n",
        r.requests,
        r.address.as_deref().unwrap_or("?"),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        }
    )?;
    writeln!(w, "## Endpoints\n")?;
    writeln!(w, "| role | path | answer | body | why probed |")?;
    writeln!(w, "|---|---|---|---|---|")?;
    for e in &r.endpoints {
        writeln!(
            w,
            "| {} | `{}` | {} | {} | {} |",
            e.role.as_str(),
            e.path.replace('`', ""),
            escape(&outcome(e)),
            escape(&body_words(e)),
            escape(&sources(e))
        )?;
    }
    if let Some(t) = &r.tls {
        writeln!(w, "\n## TLS\n")?;
        if let Some(e) = &t.handshake_error {
            writeln!(w, "Handshake failed: {}.", escape(e))?;
        } else {
            writeln!(
                w,
                "- version: {}\n- trusted: {}",
                t.version.as_deref().unwrap_or("?"),
                match &t.untrusted {
                    None => "yes".to_string(),
                    Some(why) => format!("**no** — {}", escape(why)),
                }
            )?;
            for (i, c) in t.chain.iter().enumerate() {
                writeln!(
                    w,
                    "- certificate {}: {} (issuer {}), {} day(s) left, {}, {}",
                    i + 1,
                    escape(&c.subject),
                    escape(&c.issuer),
                    c.days_left,
                    escape(&c.key),
                    escape(&c.signature)
                )?;
            }
        }
    }
    if let Some(m) = &r.metrics {
        writeln!(w, "\n## Metrics\n")?;
        let types: Vec<String> = m.by_type.iter().map(|(k, v)| format!("{v} {k}")).collect();
        writeln!(
            w,
            "{} families ({}), {} samples as {} text; {} of the service, {} runtime defaults; {} parse error(s).",
            m.families,
            types.join(", "),
            m.samples,
            m.dialect,
            m.service_families.len(),
            m.runtime_families,
            m.errors.len() + m.errors_dropped
        )?;
    }
    writeln!(w, "\n## Findings\n")?;
    if r.findings.is_empty() {
        writeln!(w, "None.")?;
    } else {
        writeln!(w, "| severity | check | where | what |")?;
        writeln!(w, "|---|---|---|---|")?;
        for f in &r.findings {
            let at = match &f.code {
                Some(c) => format!(
                    "`{}:{}` {}",
                    c.path.replace('`', ""),
                    c.line,
                    escape(&f.url)
                ),
                None => escape(&f.url),
            };
            writeln!(
                w,
                "| {} | `{}` | {} | {} |",
                f.severity,
                f.check.id,
                at,
                escape(&f.message)
            )?;
        }
    }
    writeln!(w, "\n## What this proves\n")?;
    for s in &r.proven {
        writeln!(w, "- {}", escape(s))?;
    }
    writeln!(w, "\n## What it does not prove\n")?;
    for s in &r.not_proven {
        writeln!(w, "- {}", escape(s))?;
    }
    Ok(())
}
