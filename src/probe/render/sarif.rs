//! `harden probe --format sarif`: SARIF 2.1.0. A finding tied to a route in the
//! code points at that line (`%SRCROOT%`-relative, like `scan`); the others
//! point at the URL that shows them, as an absolute `artifactLocation.uri`.
//! Code scanning maps only the first kind onto files; keep `--repo` given.

use std::io::Write;

use serde_json::{json, Value};

use crate::finding::Fnv64;
use crate::output::sarif::{level, security_severity};
use crate::probe::checks;
use crate::probe::report::{ProbeFinding, ProbeReport};

fn location(f: &ProbeFinding) -> Value {
    match &f.code {
        Some(c) => json!({
            "physicalLocation": {
                "artifactLocation": { "uri": c.path, "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": c.line.max(1) }
            }
        }),
        None => json!({
            "physicalLocation": { "artifactLocation": { "uri": f.url } }
        }),
    }
}

fn fingerprint(f: &ProbeFinding) -> String {
    let mut h = Fnv64::default();
    for part in [f.check.id, f.url.as_str()] {
        h.write(part.as_bytes());
        h.write(b"\0");
    }
    format!("{:016x}", h.finish())
}

/// Writes SARIF; `root` (the repository given with `--repo`) fills `originalUriBaseIds`.
pub fn render(
    r: &ProbeReport,
    root: Option<&std::path::Path>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let rules: Vec<Value> = checks::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.id.trim_start_matches("probe/"),
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.docs },
                "help": { "text": c.docs, "markdown": c.docs },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": {
                    "tags": ["probe", "runtime"],
                    "security-severity": security_severity(c.severity)
                }
            })
        })
        .collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let index = checks::ALL
                .iter()
                .position(|c| c.id == f.check.id)
                .unwrap_or(0);
            let mut message = f.message.clone();
            if f.code.is_some() {
                message.push_str(&format!(" ({})", f.url));
            }
            let mut res = json!({
                "ruleId": f.check.id,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": message },
                "locations": [location(f)],
                "partialFingerprints": { "harden/probe/v1": fingerprint(f) },
                "properties": { "severity": f.severity.as_str(), "url": f.url }
            });
            if !f.related.is_empty() {
                res["properties"]["related"] = json!(f.related);
            }
            res
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "harden",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }
        },
        "results": results,
        "properties": { "target": r.base_url }
    });
    if let Some(root) = root {
        let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut uri = format!("file://{}", abs.to_string_lossy().replace('\\', "/"));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": uri } });
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run]
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
