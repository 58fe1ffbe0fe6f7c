//! `harden probe --format html`: one self-contained page (no script, no
//! network), every value escaped.

use std::io::Write;

use crate::finding::Severity;
use crate::output::html::esc;
use crate::probe::report::ProbeReport;

use super::text::{body_words, outcome, sources};

const CSS: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a;background:#fff}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d7dde3}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e6eaee;vertical-align:top}\
code{font:13px ui-monospace,monospace}.sev{font-weight:600;text-transform:uppercase;font-size:12px}\
.critical,.high{color:#b4232a}.medium{color:#9a6700}.low{color:#0b6e99}.info{color:#5b6470}\
.ok{color:#1a7f37}.bad{color:#b4232a}.muted{color:#5b6470}\
@media (prefers-color-scheme:dark){body{background:#14181c;color:#e6eaee}th,td{border-color:#2a3138}.muted,.info{color:#9aa4ae}}";

/// Writes the page.
pub fn render(r: &ProbeReport, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        w,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>Probe of {}</title><style>{CSS}</style></head><body>",
        esc(&r.base_url)
    )?;
    writeln!(w, "<h1>Probe of <code>{}</code></h1>", esc(&r.base_url))?;
    let counts: Vec<String> = Severity::ALL_DESC
        .iter()
        .map(|s| (s, r.findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("<span class=\"sev {s}\">{n} {s}</span>"))
        .collect();
    writeln!(
        w,
        "<p>{} request(s) to <code>{}</code>. Findings: {}.</p>",
        r.requests,
        esc(r.address.as_deref().unwrap_or("?")),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        }
    )?;
    writeln!(w, "<h2>Endpoints</h2><table><thead><tr><th>role</th><th>path</th><th>answer</th><th>body</th><th>why probed</th></tr></thead><tbody>")?;
    for e in &r.endpoints {
        let class = if e.ok() {
            "ok"
        } else if e.exists() {
            "bad"
        } else {
            "muted"
        };
        writeln!(
            w,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"{class}\">{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            e.role.as_str(),
            esc(&e.path),
            esc(&outcome(e)),
            esc(&body_words(e)),
            esc(&sources(e))
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    if let Some(t) = &r.tls {
        writeln!(w, "<h2>TLS</h2>")?;
        if let Some(e) = &t.handshake_error {
            writeln!(w, "<p class=\"bad\">Handshake failed: {}</p>", esc(e))?;
        } else {
            writeln!(
                w,
                "<p>{}, {}</p><table><thead><tr><th>subject</th><th>issuer</th><th>days left</th><th>key</th><th>signature</th></tr></thead><tbody>",
                esc(t.version.as_deref().unwrap_or("?")),
                match &t.untrusted {
                    None => "<span class=\"ok\">trusted</span>".to_string(),
                    Some(why) => format!("<span class=\"bad\">not trusted: {}</span>", esc(why)),
                }
            )?;
            for c in &t.chain {
                writeln!(
                    w,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&c.subject),
                    esc(&c.issuer),
                    c.days_left,
                    esc(&c.key),
                    esc(&c.signature)
                )?;
            }
            writeln!(w, "</tbody></table>")?;
        }
    }
    if let Some(m) = &r.metrics {
        let types: Vec<String> = m.by_type.iter().map(|(k, v)| format!("{v} {k}")).collect();
        writeln!(
            w,
            "<h2>Metrics</h2><p>{} families ({}), {} samples as {} text; {} of the service, {} runtime defaults; {} parse error(s).</p>",
            m.families,
            esc(&types.join(", ")),
            m.samples,
            m.dialect,
            m.service_families.len(),
            m.runtime_families,
            m.errors.len() + m.errors_dropped
        )?;
    }
    writeln!(w, "<h2>Findings</h2>")?;
    if r.findings.is_empty() {
        writeln!(w, "<p>None.</p>")?;
    } else {
        writeln!(w, "<table><thead><tr><th>severity</th><th>check</th><th>what</th><th>where</th></tr></thead><tbody>")?;
        for f in &r.findings {
            let mut at = format!("<code>{}</code>", esc(&f.url));
            if let Some(c) = &f.code {
                at = format!("<code>{}:{}</code><br>{at}", esc(&c.path), c.line);
            }
            for rel in f.related.iter().take(10) {
                at.push_str(&format!("<br><span class=\"muted\">{}</span>", esc(rel)));
            }
            writeln!(
                w,
                "<tr><td class=\"sev {0}\">{0}</td><td><code>{1}</code></td><td>{2}</td><td>{at}</td></tr>",
                f.severity,
                esc(f.check.id),
                esc(&f.message)
            )?;
        }
        writeln!(w, "</tbody></table>")?;
    }
    writeln!(w, "<h2>What this proves</h2><ul>")?;
    for s in &r.proven {
        writeln!(w, "<li>{}</li>", esc(s))?;
    }
    writeln!(w, "</ul><h2>What it does not prove</h2><ul>")?;
    for s in &r.not_proven {
        writeln!(w, "<li>{}</li>", esc(s))?;
    }
    writeln!(w, "</ul></body></html>")
}
